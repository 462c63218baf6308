-- pat — least-privilege database accounts.
--
-- Load it into the pat database as a MariaDB administrator, after schema.sql:
--
--   mariadb pat < docs/grants.sql
--
-- (table names are relative to the current database). Create the two
-- accounts first, with passwords of your own that you also put, alone on one
-- line, into the files named by password_file in each pat.conf (mode 0600):
--
--   CREATE USER 'pat'@'localhost'       IDENTIFIED BY '<server password>';
--   CREATE USER 'pat_admin'@'localhost' IDENTIFIED BY '<admin password>';
--
-- 'localhost' is for unix-socket (or local TCP) connections; for pat-fcgi on
-- another host use that host's address, e.g. 'pat'@'10.0.0.12', and replace
-- 'localhost' below accordingly.
--
-- pat: the account of pat-fcgi, the network-facing server. It reads users,
-- publishers and memberships, creates and revokes tokens (revocation is an
-- UPDATE: tokens are never deleted) and appends audit events (never changes
-- or deletes them). It cannot create publishers, members or users, ban
-- anyone, or delete anything.
GRANT SELECT ON users TO 'pat'@'localhost';
GRANT SELECT ON publishers TO 'pat'@'localhost';
GRANT SELECT ON publisher_members TO 'pat'@'localhost';
GRANT SELECT, INSERT, UPDATE ON personal_access_tokens TO 'pat'@'localhost';
GRANT SELECT, INSERT ON token_events TO 'pat'@'localhost';

-- pat_admin: the account of pat-admin, the operator's tool on a trusted
-- host (publishers, members, users, bans). No DDL, no GRANT OPTION.
GRANT SELECT, INSERT, UPDATE, DELETE ON users TO 'pat_admin'@'localhost';
GRANT SELECT, INSERT, UPDATE, DELETE ON publishers TO 'pat_admin'@'localhost';
GRANT SELECT, INSERT, UPDATE, DELETE ON publisher_members TO 'pat_admin'@'localhost';
GRANT SELECT, INSERT, UPDATE, DELETE ON personal_access_tokens TO 'pat_admin'@'localhost';
GRANT SELECT, INSERT, UPDATE, DELETE ON token_events TO 'pat_admin'@'localhost';
