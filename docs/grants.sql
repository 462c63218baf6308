-- Least-privilege grants for pat's two database accounts. Create the
-- accounts first (choose the passwords, put them in the password files):
--   CREATE USER 'pat'@'localhost' IDENTIFIED BY '...';        -- pat-fcgi
--   CREATE USER 'pat_admin'@'localhost' IDENTIFIED BY '...';  -- pat-admin
-- then load this file into the pat database:  mariadb pat < grants.sql
-- (scripts/stack.sh does exactly this for the test and local stacks).
-- No statement here may create users or hold a password.

-- pat-fcgi: reads who may act, creates, lists and revokes tokens, and
-- appends audit events. It never deletes anything and cannot change users,
-- publishers or memberships.
GRANT SELECT ON pat.users TO 'pat'@'localhost';
GRANT SELECT ON pat.publishers TO 'pat'@'localhost';
GRANT SELECT ON pat.publisher_members TO 'pat'@'localhost';
GRANT SELECT, INSERT, UPDATE ON pat.personal_access_tokens TO 'pat'@'localhost';
GRANT SELECT, INSERT ON pat.token_events TO 'pat'@'localhost';

-- pat-admin: everything the operator's tool does, including managing
-- publishers, members and users. Still no DDL and no access elsewhere.
GRANT SELECT, INSERT, UPDATE, DELETE ON pat.users TO 'pat_admin'@'localhost';
GRANT SELECT, INSERT, UPDATE, DELETE ON pat.publishers TO 'pat_admin'@'localhost';
GRANT SELECT, INSERT, UPDATE, DELETE ON pat.publisher_members TO 'pat_admin'@'localhost';
GRANT SELECT, INSERT, UPDATE, DELETE ON pat.personal_access_tokens TO 'pat_admin'@'localhost';
GRANT SELECT, INSERT, UPDATE, DELETE ON pat.token_events TO 'pat_admin'@'localhost';
