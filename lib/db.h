/*
 * db.h — MariaDB access through Connector/C, prepared statements only.
 *
 * One struct db per thread (call db_thread_end() when a thread that used
 * one exits). mysql_library_init runs once in db_global_init() before any
 * thread. Connections use utf8mb4, time_zone '+00:00', a strict sql_mode,
 * no multi-statements, local infile off, and the connect/read/write timeouts
 * from the config; no MYSQL_OPT_RECONNECT. When a call fails with 2006/2013
 * (server gone / lost) the connection is re-opened and statements
 * re-prepared, and the call retried once if it is safe (reads, and writes in
 * a transaction that did not commit); deadlocks (1213) and lock wait
 * timeouts (1205) are retried up to 3 times. Any other failure returns
 * PAT_ERR_DB and logs the MariaDB error (never to the client).
 *
 * Times are int64 seconds since the epoch, UTC; 0 means NULL. They travel
 * as DATETIME values (converted in C), so dates after 2038 work.
 *
 * Errors common to every call: PAT_ERR_DB (server unreachable, lost twice,
 * or any unexpected error; logged), PAT_ERR_NOMEM. Writes may also return
 * PAT_ERR_TOOBIG (a value longer than its column or its DB_*_MAX) and
 * PAT_ERR_INVALID (a NULL/empty required value, a non-ASCII id, an unknown
 * event name, a publisher id not matching ^[a-z][a-z0-9-]*$). Ids are ASCII
 * columns: a lookup by a non-ASCII id is simply "not found".
 */
#ifndef PAT_DB_H
#define PAT_DB_H

#include <stdint.h>
#include "pat.h"
#include "config.h"

#define DB_ID_MAX	64	/* publisher id */
#define DB_USER_MAX	255
#define DB_NAME_MAX	400	/* bytes: 100 code points of up to 4 bytes */
#define DB_DESC_MAX	8000	/* bytes: 2000 code points of up to 4 bytes */
#define DB_SELECTOR_MAX	32
#define DB_HASH_MAX	255
#define DB_REASON_MAX	255
#define DB_LIST_MAX	10000	/* rows a list call returns, else PAT_ERR_TOOBIG */

enum db_status { DB_ACTIVE = 0, DB_BANNED = 1 };
enum db_role { DB_ROLE_MEMBER = 0, DB_ROLE_OWNER = 1 };
enum db_state { DB_STATE_ACTIVE, DB_STATE_REVOKED, DB_STATE_ALL };

struct db;

struct db_publisher {
	char		id[DB_ID_MAX + 1];
	char		name[DB_NAME_MAX + 1];
	enum db_status	status;
	int64_t		created_at;
};

struct db_token {
	char		id[37];			/* UUID */
	char		publisher_id[DB_ID_MAX + 1];
	char		name[DB_NAME_MAX + 1];
	char		description[DB_DESC_MAX + 1];
	char		selector[DB_SELECTOR_MAX + 1];
	char		hash[DB_HASH_MAX + 1];	/* PHC string */
	char		created_by[DB_USER_MAX + 1];
	int64_t		created_at;
	int64_t		last_used_at;
	int64_t		expires_at;
	int64_t		revoked_at;
	char		revoked_by[DB_USER_MAX + 1];
	char		revoked_reason[DB_REASON_MAX + 1];
};

struct db_event {
	int64_t		id;
	char		token_id[37];
	char		event[32];		/* "created", "revoked", "verified", ... */
	char		actor[DB_USER_MAX + 1];
	char		detail[DB_REASON_MAX + 1];
	int64_t		at;
};

/* mysql_library_init; once, before threads. Returns PAT_ERR_DB on failure. */
enum pat_err db_global_init(void) PAT_WUR;
void db_global_end(void);
/* mysql_thread_end for a worker thread that used a connection. */
void db_thread_end(void);

/*
 * Connects with cfg's [database] settings (cfg must outlive the db).
 * Returns PAT_OK with *out set, or PAT_ERR_DB (message logged). A db whose
 * server is down may still be returned by db_new(), which does not connect
 * until first use.
 */
enum pat_err db_open(const struct pat_config *cfg, struct db **out) PAT_WUR;
/* Like db_open but lazy: no connection until the first call. Never fails
 * except PAT_ERR_NOMEM. */
enum pat_err db_new(const struct pat_config *cfg, struct db **out) PAT_WUR;
void db_close(struct db *db);	/* NULL is a no-op */
/* The server's id of db's connection (connecting first if needed), e.g.
 * for KILL in tests. PAT_ERR_DB if it cannot connect. */
enum pat_err db_connection_id(struct db *db, unsigned long *id) PAT_WUR;

/* Users. db_user_status: PAT_ERR_NOTFOUND if no such user. */
enum pat_err db_user_status(struct db *db, const char *user, enum db_status *st) PAT_WUR;
/* Inserts the user if missing (status active). Admin account only. */
enum pat_err db_user_ensure(struct db *db, const char *user) PAT_WUR;
/* PAT_ERR_NOTFOUND if no such user; PAT_ERR_ALREADY if already in st.
 * Admin account only. */
enum pat_err db_user_set_status(struct db *db, const char *user, enum db_status st) PAT_WUR;

/* Publishers. */
enum pat_err db_publisher_get(struct db *db, const char *id, struct db_publisher *out) PAT_WUR;
/* PAT_ERR_EXISTS if the id is taken; PAT_ERR_INVALID if the id does not
 * match ^[a-z][a-z0-9-]*$. name NULL = "". Admin account only. */
enum pat_err db_publisher_add(struct db *db, const char *id, const char *name) PAT_WUR;
/* *out malloc'd array ordered by id; caller frees (never NULL on success,
 * even when *n is 0). More than DB_LIST_MAX rows: PAT_ERR_TOOBIG. */
enum pat_err db_publisher_list(struct db *db, struct db_publisher **out, size_t *n) PAT_WUR;
/* PAT_ERR_NOTFOUND if no such publisher; PAT_ERR_ALREADY if already in st.
 * Admin account only. */
enum pat_err db_publisher_set_status(struct db *db, const char *id, enum db_status st) PAT_WUR;

/* Membership. db_member_role: PAT_ERR_NOTFOUND if user is no member. */
enum pat_err db_member_role(struct db *db, const char *publisher, const char *user, enum db_role *role) PAT_WUR;
/* Creates the user if new; updates the role if already a member.
 * PAT_ERR_NOTFOUND if the publisher does not exist. Admin account only. */
enum pat_err db_member_add(struct db *db, const char *publisher, const char *user, enum db_role role) PAT_WUR;
/* PAT_ERR_NOTFOUND if no such membership. Admin account only. */
enum pat_err db_member_remove(struct db *db, const char *publisher, const char *user) PAT_WUR;

/*
 * The caller's standing for one request, in one round trip: user status
 * (PAT_ERR_NOTFOUND in *user_found=0 means unknown user), publisher
 * existence and status, and the user's role on it.
 */
struct db_access {
	int		publisher_found;
	enum db_status	publisher_status;
	int		user_found;
	enum db_status	user_status;
	int		is_member;
	enum db_role	role;
};
enum pat_err db_access_get(struct db *db, const char *publisher, const char *user, struct db_access *out) PAT_WUR;

/* Count of active (not revoked) tokens of a publisher. */
enum pat_err db_token_count_active(struct db *db, const char *publisher, unsigned *n) PAT_WUR;

/*
 * Inserts t (id, publisher_id, name, description, selector, hash,
 * created_by, expires_at; created_at is set by the server and written back
 * into t) and a "created" event, in one transaction that first locks the
 * publisher row (SELECT ... FOR UPDATE) and counts its active tokens:
 * PAT_ERR_LIMIT if that count >= cap, PAT_ERR_NOTFOUND if the publisher is
 * gone, PAT_ERR_EXISTS on a duplicate selector or id (caller regenerates).
 * Never retried after a commit was sent: if the connection is lost during
 * COMMIT, returns PAT_ERR_DB (and the row, if it committed, is reported in
 * the log by id so an operator can revoke it). created_at and the
 * "created" event's time are the same server UTC_TIMESTAMP(). A banned
 * publisher (read under the row lock) is PAT_ERR_FORBIDDEN.
 */
enum pat_err db_token_insert(struct db *db, struct db_token *t, unsigned cap) PAT_WUR;

/*
 * db_token_insert for a registry user: in the same transaction, after the
 * publisher row lock, re-reads with locking reads that owner is an active
 * user holding the owner role on the publisher; otherwise
 * PAT_ERR_FORBIDDEN and nothing is written. So a ban or a membership
 * removal that commits before the insert stops it, and one that comes
 * later waits for it (and a revoke --all after the ban catches it).
 */
enum pat_err db_token_insert_owner(struct db *db, struct db_token *t,
    unsigned cap, const char *owner) PAT_WUR;

/*
 * Newest first (created_at DESC, id DESC). publisher NULL = all publishers.
 * *out malloc'd, never NULL on success (even when *n is 0); caller frees.
 * hash is left empty in listed rows (db_token_get/by_selector fill it).
 * More than DB_LIST_MAX matching rows: PAT_ERR_TOOBIG (nothing returned).
 */
enum pat_err db_token_list(struct db *db, const char *publisher, enum db_state st, struct db_token **out, size_t *n) PAT_WUR;
/* PAT_ERR_NOTFOUND if no such token. */
enum pat_err db_token_get(struct db *db, const char *id, struct db_token *out) PAT_WUR;
enum pat_err db_token_by_selector(struct db *db, const char *selector, struct db_token *out) PAT_WUR;

/*
 * Revokes one token: UPDATE ... WHERE id=? [AND publisher_id=?] AND
 * revoked_at IS NULL, affected rows checked, plus a "revoked" event, in one
 * transaction. publisher NULL = any. Returns PAT_ERR_NOTFOUND if no such
 * token (of that publisher), PAT_ERR_ALREADY if it was already revoked.
 */
enum pat_err db_token_revoke(struct db *db, const char *id, const char *publisher, const char *actor, const char *reason) PAT_WUR;
/* Revokes every active token of publisher (one "revoked" event each, one
 * transaction); *count = how many. PAT_ERR_NOTFOUND if no such publisher. */
enum pat_err db_token_revoke_all(struct db *db, const char *publisher, const char *actor, const char *reason, unsigned *count) PAT_WUR;
/* Sets last_used_at = now. PAT_ERR_NOTFOUND if no such token. */
enum pat_err db_token_touch(struct db *db, const char *id) PAT_WUR;

/* Audit events of one token, oldest first. *out malloc'd, never NULL on
 * success; caller frees. More than DB_LIST_MAX: PAT_ERR_TOOBIG. */
enum pat_err db_event_list(struct db *db, const char *token_id, struct db_event **out, size_t *n) PAT_WUR;
/* Appends an event (e.g. "verified") outside any other transaction.
 * event is one of the schema's ENUM (else PAT_ERR_INVALID); detail may be
 * NULL. PAT_ERR_NOTFOUND if no such token. */
enum pat_err db_event_add(struct db *db, const char *token_id, const char *event, const char *actor, const char *detail) PAT_WUR;

#endif
