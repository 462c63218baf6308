/*
 * db.c — MariaDB access through Connector/C (see db.h).
 *
 * Every statement with data is a server-side prepared statement, prepared
 * lazily and cached in struct db until the connection is closed. Each public
 * operation is a function of (struct db *, void *arg) run by db_run(), which
 * connects on demand, wraps writes in START TRANSACTION ... COMMIT, and
 * decides what may be retried:
 *
 *   - connection lost (2006, 2013, 1927): disconnect (closing every
 *     statement), reconnect, re-prepare and run the operation once more,
 *     unless COMMIT had been sent: then the outcome is unknown, the key
 *     (token id) is logged and PAT_ERR_DB returned;
 *   - deadlock (1213) or lock wait timeout (1205): roll back and run the
 *     whole transaction again, up to DB_LOCK_RETRIES times;
 *   - anything else: PAT_ERR_DB, with the MariaDB error in the log only.
 *
 * Writes that are not idempotent always run in an explicit transaction, so
 * that "COMMIT not yet sent" tells exactly when a retry is safe.
 *
 * Keys compared with ASCII columns (user, publisher, token ids, selectors)
 * are bound as NULL when they are not pure ASCII: MariaDB refuses to compare
 * an ascii_bin column with a non-ASCII utf8mb4 value (error 1267), and such
 * a key can match no row anyway. "col = NULL" matches nothing, and inserting
 * NULL into a NOT NULL column is PAT_ERR_INVALID.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>

#include "db.h"
#include "log.h"

#define DB_LOCK_RETRIES	3	/* after 1213/1205 */
#define DB_MAXCOL	16
#define DB_MAXPARAM	12
#define DB_ERRMSG_MAX	512
#define DB_LIMIT_SQL	"10001"	/* DB_LIST_MAX + 1 */

#define DB_SESSION_SQL							\
	"SET time_zone = '+00:00', "					\
	"sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,"	\
	"ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION', "		\
	"tx_isolation = 'READ-COMMITTED'"

#define TOK_COLS							\
	"id, publisher_id, name, description, selector, created_by, "	\
	"created_at, last_used_at, expires_at, revoked_at, revoked_by, "\
	"revoked_reason"
#define TOK_ORDER	" ORDER BY created_at DESC, id DESC LIMIT " DB_LIMIT_SQL
#define PUB_COLS	"id, name, status = 'banned', created_at"

enum db_sid {
	S_USER_STATUS,
	S_USER_ENSURE,
	S_USER_SET_STATUS,
	S_PUB_GET,
	S_PUB_ADD,
	S_PUB_LIST,
	S_PUB_SET_STATUS,
	S_PUB_LOCK,
	S_OWNER_LOCK,
	S_MEMBER_ROLE,
	S_MEMBER_UPSERT,
	S_MEMBER_REMOVE,
	S_ACCESS,
	S_TOK_COUNT,
	S_TOK_COUNT_LOCK,
	S_TOK_INSERT,
	S_TOK_LIST_ACTIVE,
	S_TOK_LIST_REVOKED,
	S_TOK_LIST_ALL,
	S_TOK_LIST_PUB_ACTIVE,
	S_TOK_LIST_PUB_REVOKED,
	S_TOK_LIST_PUB_ALL,
	S_TOK_GET,
	S_TOK_BY_SELECTOR,
	S_TOK_REVOKE,
	S_TOK_REVOKE_PUB,
	S_TOK_STATE,
	S_TOK_STATE_PUB,
	S_TOK_REVOKE_ALL,
	S_TOK_TOUCH,
	S_EV_ADD,
	S_EV_REVOKE_ALL,
	S_EV_LIST,
	S_COUNT
};

static const char *const db_sql[S_COUNT] = {
	[S_USER_STATUS] =
	    "SELECT status = 'banned' FROM users WHERE id = ?",
	[S_USER_ENSURE] =
	    "INSERT INTO users (id) VALUES (?) ON DUPLICATE KEY UPDATE id = id",
	[S_USER_SET_STATUS] =
	    "UPDATE users SET status = ? WHERE id = ? AND status <> ?",
	[S_PUB_GET] =
	    "SELECT " PUB_COLS " FROM publishers WHERE id = ?",
	[S_PUB_ADD] =
	    "INSERT INTO publishers (id, name) VALUES (?, ?)",
	[S_PUB_LIST] =
	    "SELECT " PUB_COLS " FROM publishers ORDER BY id LIMIT "
	    DB_LIMIT_SQL,
	[S_PUB_SET_STATUS] =
	    "UPDATE publishers SET status = ? WHERE id = ? AND status <> ?",
	[S_PUB_LOCK] =
	    "SELECT status = 'banned', UTC_TIMESTAMP() FROM publishers "
	    "WHERE id = ? FOR UPDATE",
	[S_OWNER_LOCK] =
	    "SELECT u.status = 'banned', m.role = 'owner' FROM users u "
	    "LEFT JOIN publisher_members m ON m.publisher_id = ? "
	    "AND m.user_id = u.id WHERE u.id = ? LOCK IN SHARE MODE",
	[S_MEMBER_ROLE] =
	    "SELECT role = 'owner' FROM publisher_members "
	    "WHERE publisher_id = ? AND user_id = ?",
	[S_MEMBER_UPSERT] =
	    "INSERT INTO publisher_members (publisher_id, user_id, role) "
	    "VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE role = VALUES(role)",
	[S_MEMBER_REMOVE] =
	    "DELETE FROM publisher_members "
	    "WHERE publisher_id = ? AND user_id = ?",
	[S_ACCESS] =
	    "SELECT (SELECT status = 'banned' FROM publishers WHERE id = ?), "
	    "(SELECT status = 'banned' FROM users WHERE id = ?), "
	    "(SELECT role = 'owner' FROM publisher_members "
	    "WHERE publisher_id = ? AND user_id = ?)",
	[S_TOK_COUNT] =
	    "SELECT COUNT(*) FROM personal_access_tokens "
	    "WHERE publisher_id = ? AND revoked_at IS NULL",
	[S_TOK_COUNT_LOCK] =
	    "SELECT COUNT(*) FROM personal_access_tokens "
	    "WHERE publisher_id = ? AND revoked_at IS NULL FOR UPDATE",
	[S_TOK_INSERT] =
	    "INSERT INTO personal_access_tokens (id, publisher_id, name, "
	    "description, selector, hash, created_by, created_at, expires_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[S_TOK_LIST_ACTIVE] =
	    "SELECT " TOK_COLS " FROM personal_access_tokens "
	    "WHERE revoked_at IS NULL" TOK_ORDER,
	[S_TOK_LIST_REVOKED] =
	    "SELECT " TOK_COLS " FROM personal_access_tokens "
	    "WHERE revoked_at IS NOT NULL" TOK_ORDER,
	[S_TOK_LIST_ALL] =
	    "SELECT " TOK_COLS " FROM personal_access_tokens" TOK_ORDER,
	[S_TOK_LIST_PUB_ACTIVE] =
	    "SELECT " TOK_COLS " FROM personal_access_tokens "
	    "WHERE publisher_id = ? AND revoked_at IS NULL" TOK_ORDER,
	[S_TOK_LIST_PUB_REVOKED] =
	    "SELECT " TOK_COLS " FROM personal_access_tokens "
	    "WHERE publisher_id = ? AND revoked_at IS NOT NULL" TOK_ORDER,
	[S_TOK_LIST_PUB_ALL] =
	    "SELECT " TOK_COLS " FROM personal_access_tokens "
	    "WHERE publisher_id = ?" TOK_ORDER,
	[S_TOK_GET] =
	    "SELECT " TOK_COLS ", hash FROM personal_access_tokens "
	    "WHERE id = ?",
	[S_TOK_BY_SELECTOR] =
	    "SELECT " TOK_COLS ", hash FROM personal_access_tokens "
	    "WHERE selector = ?",
	[S_TOK_REVOKE] =
	    "UPDATE personal_access_tokens SET revoked_at = UTC_TIMESTAMP(), "
	    "revoked_by = ?, revoked_reason = ? "
	    "WHERE id = ? AND revoked_at IS NULL",
	[S_TOK_REVOKE_PUB] =
	    "UPDATE personal_access_tokens SET revoked_at = UTC_TIMESTAMP(), "
	    "revoked_by = ?, revoked_reason = ? "
	    "WHERE id = ? AND publisher_id = ? AND revoked_at IS NULL",
	[S_TOK_STATE] =
	    "SELECT revoked_at IS NOT NULL FROM personal_access_tokens "
	    "WHERE id = ?",
	[S_TOK_STATE_PUB] =
	    "SELECT revoked_at IS NOT NULL FROM personal_access_tokens "
	    "WHERE id = ? AND publisher_id = ?",
	[S_TOK_REVOKE_ALL] =
	    "UPDATE personal_access_tokens SET revoked_at = ?, "
	    "revoked_by = ?, revoked_reason = ? "
	    "WHERE publisher_id = ? AND revoked_at IS NULL",
	[S_TOK_TOUCH] =
	    "UPDATE personal_access_tokens SET last_used_at = UTC_TIMESTAMP() "
	    "WHERE id = ?",
	[S_EV_ADD] =
	    "INSERT INTO token_events (token_id, event, actor, detail, at) "
	    "VALUES (?, ?, ?, COALESCE(?, ''), COALESCE(?, UTC_TIMESTAMP()))",
	[S_EV_REVOKE_ALL] =
	    "INSERT INTO token_events (token_id, event, actor, detail, at) "
	    "SELECT id, 'revoked', ?, COALESCE(?, ''), ? "
	    "FROM personal_access_tokens "
	    "WHERE publisher_id = ? AND revoked_at IS NULL",
	[S_EV_LIST] =
	    "SELECT id, token_id, event, actor, detail, at FROM token_events "
	    "WHERE token_id = ? ORDER BY id LIMIT " DB_LIMIT_SQL,
};

struct db {
	const struct pat_config	*cfg;
	MYSQL			*conn;
	MYSQL_STMT		*stmt[S_COUNT];
	unsigned		 err;		/* last MariaDB error number */
	char			 errmsg[DB_ERRMSG_MAX];	/* escaped */
	int			 commit_sent;
};

/* Input parameters of one execution. */
struct db_par {
	MYSQL_BIND	 b[DB_MAXPARAM];
	MYSQL_TIME	 tm[DB_MAXPARAM];
	unsigned	 n;
	int		 bad;		/* a time out of DATETIME's range */
};

enum db_coltype { COL_STR, COL_INT, COL_TIME };

/* Output columns of one statement, bound to the caller's fields. */
struct db_res {
	MYSQL_BIND	 b[DB_MAXCOL];
	unsigned long	 len[DB_MAXCOL];
	my_bool		 null[DB_MAXCOL];
	my_bool		 err[DB_MAXCOL];
	MYSQL_TIME	 tm[DB_MAXCOL];
	enum db_coltype	 type[DB_MAXCOL];
	char		*str[DB_MAXCOL];
	size_t		 strsz[DB_MAXCOL];
	int64_t		*time[DB_MAXCOL];
	int64_t		*num[DB_MAXCOL];
	unsigned	 n;
};

typedef enum pat_err (*db_fn)(struct db *, void *);

static int	db_ready;

/* ------------------------------------------------------------------ */
/* Errors and connections                                              */

static enum pat_err
db_fail(struct db *db, unsigned no, const char *msg)
{
	db->err = no;
	if (msg == NULL)
		msg = "(no message)";
	log_escape(db->errmsg, sizeof(db->errmsg), msg, strlen(msg));
	return PAT_ERR_DB;
}

static enum pat_err
db_conn_fail(struct db *db)
{
	if (db->conn == NULL)
		return db_fail(db, CR_SERVER_GONE_ERROR, "not connected");
	return db_fail(db, mysql_errno(db->conn), mysql_error(db->conn));
}

/*
 * Records the error of statement sid, then closes it and drops it from the
 * cache: after a failure half-way through a result (e.g. a deadlock
 * reported by store_result), a cached handle can be left in a state where
 * its next execution fails with a bogus 2006. It is prepared again on
 * next use.
 */
static enum pat_err
db_stmt_fail(struct db *db, enum db_sid sid)
{
	MYSQL_STMT *s = db->stmt[sid];

	if (s == NULL)
		return db_fail(db, CR_UNKNOWN_ERROR, "no statement");
	(void)db_fail(db, mysql_stmt_errno(s), mysql_stmt_error(s));
	/* Closing cannot fail in a way that matters: the handle is gone. */
	(void)mysql_stmt_close(s);
	db->stmt[sid] = NULL;
	return PAT_ERR_DB;
}

/* The connection is gone: reconnecting is the only way on. */
static int
db_is_lost(unsigned err)
{
	return err == CR_SERVER_GONE_ERROR || err == CR_SERVER_LOST ||
	    err == ER_CONNECTION_KILLED || err == CR_CONNECTION_ERROR ||
	    err == CR_CONN_HOST_ERROR;
}

static int
db_is_lock(unsigned err)
{
	return err == ER_LOCK_DEADLOCK || err == ER_LOCK_WAIT_TIMEOUT;
}

/*
 * Turns a failed write's MariaDB error into the status the caller can act
 * on; everything else stays PAT_ERR_DB (and is logged by db_run).
 */
static enum pat_err
db_map(struct db *db, enum pat_err rc)
{
	if (rc != PAT_ERR_DB)
		return rc;
	switch (db->err) {
	case ER_DUP_ENTRY:
		return PAT_ERR_EXISTS;
	case ER_NO_REFERENCED_ROW_2:
		return PAT_ERR_NOTFOUND;
	case ER_DATA_TOO_LONG:
		return PAT_ERR_TOOBIG;
	case ER_BAD_NULL_ERROR:
	case WARN_DATA_TRUNCATED:
	case ER_TRUNCATED_WRONG_VALUE_FOR_FIELD:
	case ER_CANT_AGGREGATE_2COLLATIONS:
	case ER_CONSTRAINT_FAILED:
		return PAT_ERR_INVALID;
	default:
		return PAT_ERR_DB;
	}
}

/*
 * Closes the connection and every statement prepared on it. mysql_close()
 * first: it detaches the statements, so closing them afterwards only frees
 * memory and sends nothing over a connection that may be dead.
 */
static void
db_disconnect(struct db *db)
{
	size_t i;

	if (db->conn != NULL) {
		/* Connector/C keeps a copy of the password: wipe it. */
		if (db->conn->passwd != NULL)
			explicit_bzero(db->conn->passwd,
			    strlen(db->conn->passwd));
		mysql_close(db->conn);
		db->conn = NULL;
	}
	for (i = 0; i < S_COUNT; i++) {
		if (db->stmt[i] != NULL) {
			/* Detached: frees memory only; cannot fail usefully. */
			(void)mysql_stmt_close(db->stmt[i]);
			db->stmt[i] = NULL;
		}
	}
	db->commit_sent = 0;
}

static enum pat_err
db_connect(struct db *db)
{
	const struct pat_config	*cfg = db->cfg;
	MYSQL			*m = NULL;
	unsigned int		 ct, rt, wt, off = 0, proto;
	my_bool			 on = 1;
	const char		*host, *sock;
	char			 session[512];
	int			 n;
	enum pat_err		 rc = PAT_ERR_DB;

	if (db->conn != NULL)
		return PAT_OK;
	if ((m = mysql_init(NULL)) == NULL) {
		rc = db_fail(db, CR_OUT_OF_MEMORY, "mysql_init failed");
		goto out;
	}
	ct = cfg->db_connect_timeout;
	rt = cfg->db_read_timeout;
	wt = cfg->db_write_timeout;
	if (cfg->db_socket != NULL) {
		host = "localhost";
		sock = cfg->db_socket;
		proto = MYSQL_PROTOCOL_SOCKET;
	} else {
		host = cfg->db_host != NULL ? cfg->db_host : "localhost";
		sock = NULL;
		proto = MYSQL_PROTOCOL_TCP;
	}
	/* MYSQL_OPT_RECONNECT stays off (its default): see db_run(). */
	if ((ct > 0 && mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &ct)) ||
	    (rt > 0 && mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &rt)) ||
	    (wt > 0 && mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &wt)) ||
	    mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4") ||
	    mysql_options(m, MYSQL_OPT_LOCAL_INFILE, &off) ||
	    mysql_options(m, MYSQL_OPT_PROTOCOL, &proto) ||
	    mysql_options(m, MYSQL_REPORT_DATA_TRUNCATION, &on)) {
		rc = db_fail(db, mysql_errno(m), "mysql_options failed");
		goto out;
	}
	/*
	 * CLIENT_FOUND_ROWS: affected rows count matched rows, so that
	 * touching a token twice in one second is not "not found".
	 * No CLIENT_MULTI_STATEMENTS.
	 */
	if (mysql_real_connect(m, host, cfg->db_user, cfg->db_password,
	    cfg->db_name, cfg->db_port, sock, CLIENT_FOUND_ROWS) == NULL) {
		rc = db_fail(db, mysql_errno(m), mysql_error(m));
		goto out;
	}
	/*
	 * A lock wait must end well inside the read timeout, retries
	 * included, so that a client gets a JSON 503 from us and never a
	 * timeout from nginx. The number is ours, not user data.
	 */
	n = snprintf(session, sizeof(session), "%s, innodb_lock_wait_timeout = %u",
	    DB_SESSION_SQL, rt / (DB_LOCK_RETRIES + 1) > 0 ?
	    rt / (DB_LOCK_RETRIES + 1) : 1);
	if (n < 0 || (size_t)n >= sizeof(session) ||
	    mysql_real_query(m, session, (unsigned long)n)) {
		rc = db_fail(db, mysql_errno(m), mysql_error(m));
		goto out;
	}
	db->conn = m;
	m = NULL;
	rc = PAT_OK;
out:
	if (m != NULL) {
		if (m->passwd != NULL)
			explicit_bzero(m->passwd, strlen(m->passwd));
		mysql_close(m);
	}
	return rc;
}

/* ------------------------------------------------------------------ */
/* Binding                                                             */

static void
par_init(struct db_par *p)
{
	memset(p, 0, sizeof(*p));
}

static MYSQL_BIND *
par_next(struct db_par *p)
{
	MYSQL_BIND *b;

	if (p->n >= DB_MAXPARAM) {
		p->bad = 1;
		return NULL;
	}
	b = &p->b[p->n++];
	memset(b, 0, sizeof(*b));
	return b;
}

static void
par_null(struct db_par *p)
{
	MYSQL_BIND *b;

	if ((b = par_next(p)) != NULL)
		b->buffer_type = MYSQL_TYPE_NULL;
}

/* A string parameter; NULL binds SQL NULL. */
static void
par_str(struct db_par *p, const char *s)
{
	MYSQL_BIND *b;

	if (s == NULL) {
		par_null(p);
		return;
	}
	if ((b = par_next(p)) == NULL)
		return;
	b->buffer_type = MYSQL_TYPE_STRING;
	b->buffer = (void *)(uintptr_t)s;
	b->buffer_length = strlen(s);
	b->length = &b->buffer_length;
}

static int
db_is_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

/* A key compared with an ASCII column: SQL NULL unless pure ASCII. */
static void
par_key(struct db_par *p, const char *s)
{
	if (s == NULL || !db_is_ascii(s))
		par_null(p);
	else
		par_str(p, s);
}

static void
par_mtime(struct db_par *p, const MYSQL_TIME *tm)
{
	MYSQL_BIND	*b;
	unsigned	 i = p->n;

	if ((b = par_next(p)) == NULL)
		return;
	p->tm[i] = *tm;
	b->buffer_type = MYSQL_TYPE_DATETIME;
	b->buffer = &p->tm[i];
	b->buffer_length = sizeof(p->tm[i]);
}

/* Seconds since the epoch as a DATETIME; 0 binds SQL NULL. */
static void
par_time(struct db_par *p, int64_t t)
{
	MYSQL_TIME	tm;
	struct tm	g;
	time_t		tt = (time_t)t;

	if (t == 0) {
		par_null(p);
		return;
	}
	if (gmtime_r(&tt, &g) == NULL || g.tm_year + 1900 < 1000 ||
	    g.tm_year + 1900 > 9999) {
		p->bad = 1;
		par_null(p);
		return;
	}
	memset(&tm, 0, sizeof(tm));
	tm.year = (unsigned)(g.tm_year + 1900);
	tm.month = (unsigned)(g.tm_mon + 1);
	tm.day = (unsigned)g.tm_mday;
	tm.hour = (unsigned)g.tm_hour;
	tm.minute = (unsigned)g.tm_min;
	tm.second = (unsigned)g.tm_sec;
	tm.time_type = MYSQL_TIMESTAMP_DATETIME;
	par_mtime(p, &tm);
}

static int64_t
db_mtime_to_epoch(const MYSQL_TIME *tm)
{
	struct tm g;

	memset(&g, 0, sizeof(g));
	g.tm_year = (int)tm->year - 1900;
	g.tm_mon = (int)tm->month - 1;
	g.tm_mday = (int)tm->day;
	g.tm_hour = (int)tm->hour;
	g.tm_min = (int)tm->minute;
	g.tm_sec = (int)tm->second;
	return (int64_t)timegm(&g);
}

static void
res_init(struct db_res *r)
{
	memset(r, 0, sizeof(*r));
}

static MYSQL_BIND *
res_next(struct db_res *r, enum db_coltype type)
{
	MYSQL_BIND	*b;
	unsigned	 i = r->n;

	/* Callers bind at most DB_MAXCOL columns (checked by db_exec). */
	if (i >= DB_MAXCOL)
		return NULL;
	r->n++;
	b = &r->b[i];
	r->type[i] = type;
	b->length = &r->len[i];
	b->is_null = &r->null[i];
	b->error = &r->err[i];
	return b;
}

/* A string column into dst (size bytes, always NUL-terminated). */
static void
res_str(struct db_res *r, char *dst, size_t size)
{
	unsigned	 i = r->n;
	MYSQL_BIND	*b;

	if ((b = res_next(r, COL_STR)) == NULL)
		return;
	r->str[i] = dst;
	r->strsz[i] = size;
	b->buffer_type = MYSQL_TYPE_STRING;
	b->buffer = dst;
	b->buffer_length = size - 1;
}

static void
res_int(struct db_res *r, int64_t *dst)
{
	unsigned	 i = r->n;
	MYSQL_BIND	*b;

	if ((b = res_next(r, COL_INT)) == NULL)
		return;
	r->num[i] = dst;
	b->buffer_type = MYSQL_TYPE_LONGLONG;
	b->buffer = dst;
}

/* A DATETIME column into seconds since the epoch (NULL gives 0). */
static void
res_time(struct db_res *r, int64_t *dst)
{
	unsigned	 i = r->n;
	MYSQL_BIND	*b;

	if ((b = res_next(r, COL_TIME)) == NULL)
		return;
	r->time[i] = dst;
	b->buffer_type = MYSQL_TYPE_DATETIME;
	b->buffer = &r->tm[i];
	b->buffer_length = sizeof(r->tm[i]);
}

/*
 * The length of the longest prefix of s[0..len) that does not end inside a
 * UTF-8 sequence.
 */
static size_t
db_utf8_cut(const char *s, size_t len)
{
	size_t		 j, need;
	unsigned char	 c;

	if (len == 0)
		return 0;
	j = len - 1;
	while (j > 0 && ((unsigned char)s[j] & 0xc0) == 0x80)
		j--;
	c = (unsigned char)s[j];
	if (c < 0x80)
		need = 1;
	else if ((c & 0xe0) == 0xc0)
		need = 2;
	else if ((c & 0xf0) == 0xe0)
		need = 3;
	else if ((c & 0xf8) == 0xf0)
		need = 4;
	else
		need = 1;	/* not UTF-8: keep the bytes as they are */
	return j + need > len ? j : len;
}

/*
 * After a fetch: NUL-terminates strings (NULL gives ""), converts times.
 * A string longer than its field (only possible for rows written by other
 * means than this module) is cut at a UTF-8 boundary with a warning.
 */
static enum pat_err
res_finish(struct db *db, struct db_res *r)
{
	unsigned	 i;
	size_t		 len;
	char		*s;

	for (i = 0; i < r->n; i++) {
		switch (r->type[i]) {
		case COL_STR:
			s = r->str[i];
			if (r->null[i]) {
				s[0] = '\0';
				break;
			}
			len = r->len[i];
			if (len > r->strsz[i] - 1) {
				len = db_utf8_cut(s, r->strsz[i] - 1);
				log_warn("column %u: value of %lu bytes cut "
				    "to %zu", i, r->len[i], len);
			}
			s[len] = '\0';
			break;
		case COL_INT:
			if (r->null[i])
				*r->num[i] = 0;
			else if (r->err[i])
				return db_fail(db, CR_UNKNOWN_ERROR,
				    "integer column truncated");
			break;
		case COL_TIME:
			if (r->null[i])
				*r->time[i] = 0;
			else if (r->err[i])
				return db_fail(db, CR_UNKNOWN_ERROR,
				    "time column truncated");
			else
				*r->time[i] = db_mtime_to_epoch(&r->tm[i]);
			break;
		}
	}
	return PAT_OK;
}

/* ------------------------------------------------------------------ */
/* Statements                                                          */

static enum pat_err
db_stmt(struct db *db, enum db_sid sid, MYSQL_STMT **out)
{
	MYSQL_STMT *s;

	if (db->conn == NULL)
		return db_conn_fail(db);
	if ((s = db->stmt[sid]) == NULL) {
		if ((s = mysql_stmt_init(db->conn)) == NULL)
			return db_conn_fail(db);
		db->stmt[sid] = s;
		if (mysql_stmt_prepare(s, db_sql[sid],
		    strlen(db_sql[sid])) != 0)
			return db_stmt_fail(db, sid);
	}
	*out = s;
	return PAT_OK;
}

/*
 * Executes statement sid with par (may be NULL); if res is not NULL, binds
 * it and buffers the whole result (the caller frees it with
 * mysql_stmt_free_result, through db_one/db_list).
 */
static enum pat_err
db_exec(struct db *db, enum db_sid sid, struct db_par *par,
    struct db_res *res, MYSQL_STMT **out)
{
	MYSQL_STMT	*s = NULL;
	enum pat_err	 rc;
	unsigned	 np = par != NULL ? par->n : 0;

	if (par != NULL && par->bad)
		return db_fail(db, ER_BAD_NULL_ERROR, "time out of range");
	if ((rc = db_stmt(db, sid, &s)) != PAT_OK)
		return rc;
	if (mysql_stmt_param_count(s) != np)
		return db_fail(db, CR_UNKNOWN_ERROR, "parameter count");
	if (np > 0 && mysql_stmt_bind_param(s, par->b))
		return db_stmt_fail(db, sid);
	if (mysql_stmt_execute(s))
		return db_stmt_fail(db, sid);
	if (res != NULL) {
		if (mysql_stmt_field_count(s) != res->n) {
			(void)db_stmt_fail(db, sid);
			return db_fail(db, CR_UNKNOWN_ERROR, "column count");
		}
		if (mysql_stmt_bind_result(s, res->b) ||
		    mysql_stmt_store_result(s))
			return db_stmt_fail(db, sid);
	}
	*out = s;
	return PAT_OK;
}

/* Fetches one row: 1, or 0 at the end, or -1 on error (recorded). */
static int
db_fetch(struct db *db, enum db_sid sid, MYSQL_STMT *s, struct db_res *res)
{
	int r;

	r = mysql_stmt_fetch(s);
	if (r == MYSQL_NO_DATA)
		return 0;
	if (r != 0 && r != MYSQL_DATA_TRUNCATED) {
		(void)db_stmt_fail(db, sid);
		return -1;
	}
	if (res_finish(db, res) != PAT_OK)
		return -1;
	return 1;
}

/* Frees the buffered result of sid's statement (s, still cached). */
static enum pat_err
db_free_result(struct db *db, enum db_sid sid, MYSQL_STMT *s)
{
	if (mysql_stmt_free_result(s))
		return db_stmt_fail(db, sid);
	return PAT_OK;
}

/* Runs a query expected to return at most one row; *found = 0 or 1. */
static enum pat_err
db_one(struct db *db, enum db_sid sid, struct db_par *par,
    struct db_res *res, int *found)
{
	MYSQL_STMT	*s = NULL;
	enum pat_err	 rc;
	int		 f;

	if ((rc = db_exec(db, sid, par, res, &s)) != PAT_OK)
		return rc;
	if ((f = db_fetch(db, sid, s, res)) < 0)
		return PAT_ERR_DB;	/* s is closed */
	*found = f;
	return db_free_result(db, sid, s);
}

/* Runs a statement without result; *affected = rows matched. */
static enum pat_err
db_write(struct db *db, enum db_sid sid, struct db_par *par,
    unsigned long long *affected)
{
	MYSQL_STMT		*s = NULL;
	enum pat_err		 rc;
	unsigned long long	 n;

	if ((rc = db_exec(db, sid, par, NULL, &s)) != PAT_OK)
		return rc;
	n = mysql_stmt_affected_rows(s);
	if (n == (unsigned long long)-1)
		return db_stmt_fail(db, sid);
	if (affected != NULL)
		*affected = n;
	return PAT_OK;
}

/*
 * Runs a query whose rows are fetched into scratch (res is bound to its
 * fields) and copied into a new array of elsize-byte elements. More than
 * DB_LIST_MAX rows is PAT_ERR_TOOBIG. conv (may be NULL: memcpy) turns the
 * scratch row into an element. *out is never NULL on success.
 */
static enum pat_err
db_list(struct db *db, enum db_sid sid, struct db_par *par,
    struct db_res *res, void *scratch, size_t elsize,
    void (*conv)(void *, const void *), void **out, size_t *n)
{
	MYSQL_STMT		*s = NULL;
	unsigned long long	 rows;
	unsigned char		*arr = NULL;
	size_t			 i = 0;
	enum pat_err		 rc;
	int			 f;

	if ((rc = db_exec(db, sid, par, res, &s)) != PAT_OK)
		return rc;
	rows = mysql_stmt_num_rows(s);
	if (rows > DB_LIST_MAX) {
		rc = PAT_ERR_TOOBIG;
		goto out;
	}
	if ((arr = calloc(rows > 0 ? (size_t)rows : 1, elsize)) == NULL) {
		rc = PAT_ERR_NOMEM;
		goto out;
	}
	while (i < rows && (f = db_fetch(db, sid, s, res)) != 0) {
		if (f < 0) {
			free(arr);
			return PAT_ERR_DB;	/* s is closed */
		}
		if (conv != NULL)
			conv(arr + i * elsize, scratch);
		else
			memcpy(arr + i * elsize, scratch, elsize);
		i++;
	}
out:
	if (db_free_result(db, sid, s) != PAT_OK)
		rc = PAT_ERR_DB;
	if (rc != PAT_OK) {
		free(arr);
		return rc;
	}
	*out = arr;
	*n = i;
	return PAT_OK;
}

/* ------------------------------------------------------------------ */
/* Transactions and retries                                            */

/* Rolls back; a connection whose state is unknown is dropped. */
static void
db_rollback(struct db *db)
{
	if (db->conn == NULL)
		return;
	if (mysql_rollback(db->conn)) {
		if (!db_is_lost(mysql_errno(db->conn)))
			log_warn("ROLLBACK failed (%u); dropping the "
			    "connection", mysql_errno(db->conn));
		db_disconnect(db);
	}
}

static enum pat_err
db_txn(struct db *db, db_fn fn, void *arg)
{
	static const char	 begin[] = "START TRANSACTION";
	enum pat_err		 rc;

	if (mysql_real_query(db->conn, begin, sizeof(begin) - 1))
		return db_conn_fail(db);
	if ((rc = fn(db, arg)) != PAT_OK) {
		db_rollback(db);
		return rc;
	}
	db->commit_sent = 1;
	if (mysql_commit(db->conn)) {
		rc = db_conn_fail(db);
		if (!db_is_lost(db->err))
			db_rollback(db);
		return rc;
	}
	return PAT_OK;
}

/*
 * Runs fn (in a transaction if txn) with the retry rules described at the
 * top of this file. op names the operation in log lines; key (may be NULL)
 * is the row it concerns, logged so an operator can find it.
 */
static enum pat_err
db_run(struct db *db, const char *op, const char *key, int txn, db_fn fn,
    void *arg)
{
	char		 k[96];
	enum pat_err	 rc;
	int		 lost = 0, locks = 0, committing;

	if (db == NULL)
		return PAT_ERR_DB;
	log_escape(k, sizeof(k), key != NULL ? key : "-",
	    key != NULL ? strlen(key) : 1);
	for (;;) {
		db->err = 0;
		db->errmsg[0] = '\0';
		db->commit_sent = 0;
		if ((rc = db_connect(db)) != PAT_OK)
			break;
		rc = txn ? db_txn(db, fn, arg) : fn(db, arg);
		if (rc != PAT_ERR_DB)
			return rc;
		committing = db->commit_sent;
		if (db_is_lost(db->err)) {
			/* The server rolls back whatever was not committed. */
			db_disconnect(db);
			if (committing) {
				log_error("%s %s: connection lost after COMMIT "
				    "was sent (%u: %s): outcome unknown, check "
				    "this row", op, k, db->err, db->errmsg);
				return PAT_ERR_DB;
			}
			if (lost++ == 0) {
				log_warn("%s %s: connection lost (%u: %s), "
				    "reconnecting", op, k, db->err, db->errmsg);
				continue;
			}
		} else if (db_is_lock(db->err) && locks < DB_LOCK_RETRIES) {
			/*
			 * Already rolled back (db_txn). Even at COMMIT, an
			 * error reply means the transaction did not commit.
			 */
			locks++;
			log_warn("%s %s: %s (%u), retrying (%d/%d)", op, k,
			    db->errmsg, db->err, locks, DB_LOCK_RETRIES);
			continue;
		}
		break;
	}
	log_error("%s %s: MariaDB error %u: %s", op, k, db->err, db->errmsg);
	return PAT_ERR_DB;
}

/* ------------------------------------------------------------------ */
/* Set-up                                                              */

enum pat_err
db_global_init(void)
{
	if (db_ready)
		return PAT_OK;
	if (mysql_library_init(0, NULL, NULL) != 0) {
		log_error("mysql_library_init failed");
		return PAT_ERR_DB;
	}
	if (!mysql_thread_safe()) {
		log_error("the MariaDB client library is not thread-safe");
		mysql_library_end();
		return PAT_ERR_DB;
	}
	db_ready = 1;
	return PAT_OK;
}

void
db_global_end(void)
{
	if (db_ready) {
		mysql_library_end();
		db_ready = 0;
	}
}

void
db_thread_end(void)
{
	mysql_thread_end();
}

enum pat_err
db_new(const struct pat_config *cfg, struct db **out)
{
	struct db *db;

	*out = NULL;
	if ((db = calloc(1, sizeof(*db))) == NULL)
		return PAT_ERR_NOMEM;
	db->cfg = cfg;
	*out = db;
	return PAT_OK;
}

enum pat_err
db_open(const struct pat_config *cfg, struct db **out)
{
	struct db	*db = NULL;
	enum pat_err	 rc;

	*out = NULL;
	if ((rc = db_new(cfg, &db)) != PAT_OK)
		return rc;
	if (db_connect(db) != PAT_OK) {
		log_error("cannot connect to MariaDB: %u: %s", db->err,
		    db->errmsg);
		db_close(db);
		return PAT_ERR_DB;
	}
	*out = db;
	return PAT_OK;
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	db_disconnect(db);
	free(db);
}

enum pat_err
db_connection_id(struct db *db, unsigned long *id)
{
	if (db == NULL)
		return PAT_ERR_DB;
	if (db_connect(db) != PAT_OK) {
		log_error("cannot connect to MariaDB: %u: %s", db->err,
		    db->errmsg);
		return PAT_ERR_DB;
	}
	*id = mysql_thread_id(db->conn);
	return PAT_OK;
}

static const char *
db_status_name(enum db_status st)
{
	return st == DB_BANNED ? "banned" : "active";
}

static int
db_too_long(const char *s, size_t max)
{
	return s != NULL && strnlen(s, max + 1) > max;
}

/* ------------------------------------------------------------------ */
/* Users                                                               */

struct a_user {
	const char	*user;
	enum db_status	 st;
};

/* The status of a->user into a->st, or PAT_ERR_NOTFOUND. */
static enum pat_err
op_user_status(struct db *db, void *v)
{
	struct a_user	*a = v;
	struct db_par	 p;
	struct db_res	 r;
	int64_t		 banned = 0;
	enum pat_err	 rc;
	int		 found = 0;

	par_init(&p);
	par_key(&p, a->user);
	res_init(&r);
	res_int(&r, &banned);
	if ((rc = db_one(db, S_USER_STATUS, &p, &r, &found)) != PAT_OK)
		return rc;
	if (!found)
		return PAT_ERR_NOTFOUND;
	a->st = banned ? DB_BANNED : DB_ACTIVE;
	return PAT_OK;
}

enum pat_err
db_user_status(struct db *db, const char *user, enum db_status *st)
{
	struct a_user	a = { .user = user };
	enum pat_err	rc;

	rc = db_run(db, __func__, user, 0, op_user_status, &a);
	if (rc == PAT_OK)
		*st = a.st;
	return rc;
}

/* Idempotent (ON DUPLICATE KEY): safe to retry without a transaction. */
static enum pat_err
op_user_ensure(struct db *db, void *v)
{
	struct a_user	*a = v;
	struct db_par	 p;

	par_init(&p);
	par_key(&p, a->user);
	return db_map(db, db_write(db, S_USER_ENSURE, &p, NULL));
}

enum pat_err
db_user_ensure(struct db *db, const char *user)
{
	struct a_user a = { .user = user };

	if (user == NULL || *user == '\0')
		return PAT_ERR_INVALID;
	return db_run(db, __func__, user, 0, op_user_ensure, &a);
}

static enum pat_err
op_user_set_status(struct db *db, void *v)
{
	struct a_user		*a = v;
	struct db_par		 p;
	unsigned long long	 n = 0;
	enum pat_err		 rc;
	enum db_status		 want = a->st;

	par_init(&p);
	par_str(&p, db_status_name(want));
	par_key(&p, a->user);
	par_str(&p, db_status_name(want));
	if ((rc = db_write(db, S_USER_SET_STATUS, &p, &n)) != PAT_OK)
		return rc;
	if (n == 1)
		return PAT_OK;
	if ((rc = op_user_status(db, a)) != PAT_OK)
		return rc;
	a->st = want;
	return PAT_ERR_ALREADY;
}

enum pat_err
db_user_set_status(struct db *db, const char *user, enum db_status st)
{
	struct a_user a = { .user = user, .st = st };

	if (st != DB_ACTIVE && st != DB_BANNED)
		return PAT_ERR_INVALID;
	return db_run(db, __func__, user, 1, op_user_set_status, &a);
}

/* ------------------------------------------------------------------ */
/* Publishers                                                          */

struct a_pub {
	const char		*id;
	const char		*name;
	enum db_status		 st;
	struct db_publisher	*out;
	size_t			 n;
};

/* A publisher row as read, before its status is turned into the enum. */
struct db_pub_row {
	struct db_publisher	p;
	int64_t			banned;
};

static void
res_pub(struct db_res *r, struct db_pub_row *row)
{
	res_str(r, row->p.id, sizeof(row->p.id));
	res_str(r, row->p.name, sizeof(row->p.name));
	res_int(r, &row->banned);
	res_time(r, &row->p.created_at);
}

static void
db_pub_conv(void *dst, const void *src)
{
	const struct db_pub_row	*row = src;
	struct db_publisher	*p = dst;

	*p = row->p;
	p->status = row->banned ? DB_BANNED : DB_ACTIVE;
}

static enum pat_err
op_pub_get(struct db *db, void *v)
{
	struct a_pub		*a = v;
	struct db_par		 p;
	struct db_res		 r;
	struct db_pub_row	 row;
	enum pat_err		 rc;
	int			 found = 0;

	memset(&row, 0, sizeof(row));
	par_init(&p);
	par_key(&p, a->id);
	res_init(&r);
	res_pub(&r, &row);
	if ((rc = db_one(db, S_PUB_GET, &p, &r, &found)) != PAT_OK)
		return rc;
	if (!found)
		return PAT_ERR_NOTFOUND;
	db_pub_conv(a->out, &row);
	return PAT_OK;
}

enum pat_err
db_publisher_get(struct db *db, const char *id, struct db_publisher *out)
{
	struct a_pub a = { .id = id, .out = out };

	return db_run(db, __func__, id, 0, op_pub_get, &a);
}

static enum pat_err
op_pub_add(struct db *db, void *v)
{
	struct a_pub	*a = v;
	struct db_par	 p;

	par_init(&p);
	par_key(&p, a->id);
	par_str(&p, a->name != NULL ? a->name : "");
	return db_map(db, db_write(db, S_PUB_ADD, &p, NULL));
}

enum pat_err
db_publisher_add(struct db *db, const char *id, const char *name)
{
	struct a_pub a = { .id = id, .name = name };

	if (id == NULL || *id == '\0')
		return PAT_ERR_INVALID;
	if (db_too_long(id, DB_ID_MAX) || db_too_long(name, DB_NAME_MAX))
		return PAT_ERR_TOOBIG;
	return db_run(db, __func__, id, 1, op_pub_add, &a);
}

static enum pat_err
op_pub_list(struct db *db, void *v)
{
	struct a_pub		*a = v;
	struct db_res		 r;
	struct db_pub_row	 row;
	void			*out = NULL;
	enum pat_err		 rc;

	memset(&row, 0, sizeof(row));
	res_init(&r);
	res_pub(&r, &row);
	rc = db_list(db, S_PUB_LIST, NULL, &r, &row, sizeof(*a->out),
	    db_pub_conv, &out, &a->n);
	if (rc == PAT_OK)
		a->out = out;
	return rc;
}

enum pat_err
db_publisher_list(struct db *db, struct db_publisher **out, size_t *n)
{
	struct a_pub	a = { .id = NULL };
	enum pat_err	rc;

	*out = NULL;
	*n = 0;
	if ((rc = db_run(db, __func__, NULL, 0, op_pub_list, &a)) == PAT_OK) {
		*out = a.out;
		*n = a.n;
	}
	return rc;
}

static enum pat_err
op_pub_set_status(struct db *db, void *v)
{
	struct a_pub		*a = v;
	struct db_publisher	 pub;
	struct a_pub		 get = { .id = a->id, .out = &pub };
	struct db_par		 p;
	unsigned long long	 n = 0;
	enum pat_err		 rc;

	par_init(&p);
	par_str(&p, db_status_name(a->st));
	par_key(&p, a->id);
	par_str(&p, db_status_name(a->st));
	if ((rc = db_write(db, S_PUB_SET_STATUS, &p, &n)) != PAT_OK)
		return rc;
	if (n == 1)
		return PAT_OK;
	if ((rc = op_pub_get(db, &get)) != PAT_OK)
		return rc;
	return PAT_ERR_ALREADY;
}

enum pat_err
db_publisher_set_status(struct db *db, const char *id, enum db_status st)
{
	struct a_pub a = { .id = id, .st = st };

	if (st != DB_ACTIVE && st != DB_BANNED)
		return PAT_ERR_INVALID;
	return db_run(db, __func__, id, 1, op_pub_set_status, &a);
}

/* ------------------------------------------------------------------ */
/* Membership and access                                               */

struct a_member {
	const char	*pub;
	const char	*user;
	enum db_role	 role;
	struct db_access *access;
};

static enum pat_err
op_member_role(struct db *db, void *v)
{
	struct a_member	*a = v;
	struct db_par	 p;
	struct db_res	 r;
	int64_t		 owner = 0;
	enum pat_err	 rc;
	int		 found = 0;

	par_init(&p);
	par_key(&p, a->pub);
	par_key(&p, a->user);
	res_init(&r);
	res_int(&r, &owner);
	if ((rc = db_one(db, S_MEMBER_ROLE, &p, &r, &found)) != PAT_OK)
		return rc;
	if (!found)
		return PAT_ERR_NOTFOUND;
	a->role = owner ? DB_ROLE_OWNER : DB_ROLE_MEMBER;
	return PAT_OK;
}

enum pat_err
db_member_role(struct db *db, const char *publisher, const char *user,
    enum db_role *role)
{
	struct a_member	a = { .pub = publisher, .user = user };
	enum pat_err	rc;

	rc = db_run(db, __func__, publisher, 0, op_member_role, &a);
	if (rc == PAT_OK)
		*role = a.role;
	return rc;
}

static enum pat_err
op_member_add(struct db *db, void *v)
{
	struct a_member	*a = v;
	struct a_user	 u = { .user = a->user };
	struct db_par	 p;
	enum pat_err	 rc;

	if ((rc = op_user_ensure(db, &u)) != PAT_OK)
		return rc;
	par_init(&p);
	par_key(&p, a->pub);
	par_key(&p, a->user);
	par_str(&p, a->role == DB_ROLE_OWNER ? "owner" : "member");
	return db_map(db, db_write(db, S_MEMBER_UPSERT, &p, NULL));
}

enum pat_err
db_member_add(struct db *db, const char *publisher, const char *user,
    enum db_role role)
{
	struct a_member a = { .pub = publisher, .user = user, .role = role };

	if (role != DB_ROLE_OWNER && role != DB_ROLE_MEMBER)
		return PAT_ERR_INVALID;
	if (publisher == NULL || !db_is_ascii(publisher))
		return PAT_ERR_NOTFOUND;	/* no such publisher can exist */
	if (user == NULL || *user == '\0')
		return PAT_ERR_INVALID;
	return db_run(db, __func__, publisher, 1, op_member_add, &a);
}

static enum pat_err
op_member_remove(struct db *db, void *v)
{
	struct a_member		*a = v;
	struct db_par		 p;
	unsigned long long	 n = 0;
	enum pat_err		 rc;

	par_init(&p);
	par_key(&p, a->pub);
	par_key(&p, a->user);
	if ((rc = db_write(db, S_MEMBER_REMOVE, &p, &n)) != PAT_OK)
		return rc;
	return n == 0 ? PAT_ERR_NOTFOUND : PAT_OK;
}

enum pat_err
db_member_remove(struct db *db, const char *publisher, const char *user)
{
	struct a_member a = { .pub = publisher, .user = user };

	return db_run(db, __func__, publisher, 1, op_member_remove, &a);
}

static enum pat_err
op_access(struct db *db, void *v)
{
	struct a_member		*a = v;
	struct db_access	*o = a->access;
	struct db_par		 p;
	struct db_res		 r;
	int64_t			 pub = 0, user = 0, owner = 0;
	enum pat_err		 rc;
	int			 found = 0;

	par_init(&p);
	par_key(&p, a->pub);
	par_key(&p, a->user);
	par_key(&p, a->pub);
	par_key(&p, a->user);
	res_init(&r);
	res_int(&r, &pub);
	res_int(&r, &user);
	res_int(&r, &owner);
	if ((rc = db_one(db, S_ACCESS, &p, &r, &found)) != PAT_OK)
		return rc;
	if (!found)
		return db_fail(db, CR_UNKNOWN_ERROR, "access query: no row");
	memset(o, 0, sizeof(*o));
	o->publisher_found = !r.null[0];
	o->publisher_status = pub ? DB_BANNED : DB_ACTIVE;
	o->user_found = !r.null[1];
	o->user_status = user ? DB_BANNED : DB_ACTIVE;
	o->is_member = !r.null[2];
	o->role = owner ? DB_ROLE_OWNER : DB_ROLE_MEMBER;
	return PAT_OK;
}

enum pat_err
db_access_get(struct db *db, const char *publisher, const char *user,
    struct db_access *out)
{
	struct a_member a = { .pub = publisher, .user = user, .access = out };

	memset(out, 0, sizeof(*out));
	return db_run(db, __func__, publisher, 0, op_access, &a);
}

/* ------------------------------------------------------------------ */
/* Tokens                                                              */

struct a_tok {
	struct db_token	*t;
	const char	*owner;		/* insert: re-check this owner, or NULL */
	const char	*id;
	const char	*pub;
	const char	*actor;
	const char	*reason;
	unsigned	 cap;
	enum db_state	 st;
	int64_t		 created;
	unsigned	 count;
	struct db_token	*out;
	size_t		 n;
};

static void
res_token(struct db_res *r, struct db_token *t, int with_hash)
{
	res_str(r, t->id, sizeof(t->id));
	res_str(r, t->publisher_id, sizeof(t->publisher_id));
	res_str(r, t->name, sizeof(t->name));
	res_str(r, t->description, sizeof(t->description));
	res_str(r, t->selector, sizeof(t->selector));
	res_str(r, t->created_by, sizeof(t->created_by));
	res_time(r, &t->created_at);
	res_time(r, &t->last_used_at);
	res_time(r, &t->expires_at);
	res_time(r, &t->revoked_at);
	res_str(r, t->revoked_by, sizeof(t->revoked_by));
	res_str(r, t->revoked_reason, sizeof(t->revoked_reason));
	if (with_hash)
		res_str(r, t->hash, sizeof(t->hash));
}

static enum pat_err
db_count_active(struct db *db, enum db_sid sid, const char *pub,
    unsigned *count)
{
	struct db_par	 p;
	struct db_res	 r;
	int64_t		 n = 0;
	enum pat_err	 rc;
	int		 found = 0;

	par_init(&p);
	par_key(&p, pub);
	res_init(&r);
	res_int(&r, &n);
	if ((rc = db_one(db, sid, &p, &r, &found)) != PAT_OK)
		return rc;
	*count = found && n > 0 ? (unsigned)n : 0;
	return PAT_OK;
}

static enum pat_err
op_tok_count(struct db *db, void *v)
{
	struct a_tok *a = v;

	return db_count_active(db, S_TOK_COUNT, a->pub, &a->count);
}

enum pat_err
db_token_count_active(struct db *db, const char *publisher, unsigned *n)
{
	struct a_tok	a = { .pub = publisher };
	enum pat_err	rc;

	rc = db_run(db, __func__, publisher, 0, op_tok_count, &a);
	if (rc == PAT_OK)
		*n = a.count;
	return rc;
}

/*
 * Locks the publisher row (serialising every insert and revoke-all of one
 * publisher) and reads the server's clock. PAT_ERR_NOTFOUND if none.
 */
static enum pat_err
db_pub_lock(struct db *db, const char *pub, MYSQL_TIME *now, int *is_banned)
{
	struct db_par	 p;
	struct db_res	 r;
	int64_t		 banned = 0, t = 0;
	enum pat_err	 rc;
	int		 found = 0;

	par_init(&p);
	par_key(&p, pub);
	res_init(&r);
	res_int(&r, &banned);
	res_time(&r, &t);
	if ((rc = db_one(db, S_PUB_LOCK, &p, &r, &found)) != PAT_OK)
		return rc;
	if (!found)
		return PAT_ERR_NOTFOUND;
	if (is_banned != NULL)
		*is_banned = banned != 0;
	*now = r.tm[1];
	return PAT_OK;
}

/* Under the publisher lock: owner is an active user with the owner role
 * (locking reads, so a concurrent ban or removal is ordered with us). */
static enum pat_err
db_owner_lock(struct db *db, const char *pub, const char *owner)
{
	struct db_par	 p;
	struct db_res	 r;
	int64_t		 banned = 0, is_owner = 0;
	enum pat_err	 rc;
	int		 found = 0;

	par_init(&p);
	par_key(&p, pub);
	par_key(&p, owner);
	res_init(&r);
	res_int(&r, &banned);
	res_int(&r, &is_owner);
	if ((rc = db_one(db, S_OWNER_LOCK, &p, &r, &found)) != PAT_OK)
		return rc;
	if (!found || banned || r.null[1] || !is_owner)
		return PAT_ERR_FORBIDDEN;
	return PAT_OK;
}

static enum pat_err
op_tok_insert(struct db *db, void *v)
{
	struct a_tok	*a = v;
	struct db_token	*t = a->t;
	struct db_par	 p;
	MYSQL_TIME	 now;
	unsigned	 n = 0;
	int		 banned = 0;
	enum pat_err	 rc;

	if ((rc = db_pub_lock(db, t->publisher_id, &now, &banned)) != PAT_OK)
		return rc;
	if (banned)
		return PAT_ERR_FORBIDDEN;
	if (a->owner != NULL &&
	    (rc = db_owner_lock(db, t->publisher_id, a->owner)) != PAT_OK)
		return rc;
	if ((rc = db_count_active(db, S_TOK_COUNT, t->publisher_id,
	    &n)) != PAT_OK)
		return rc;
	if (n >= a->cap)
		return PAT_ERR_LIMIT;
	par_init(&p);
	par_key(&p, t->id);
	par_key(&p, t->publisher_id);
	par_str(&p, t->name);
	par_str(&p, t->description);
	par_key(&p, t->selector);
	par_key(&p, t->hash);
	par_key(&p, t->created_by);
	par_mtime(&p, &now);
	par_time(&p, t->expires_at);
	if ((rc = db_map(db, db_write(db, S_TOK_INSERT, &p, NULL))) !=
	    PAT_OK)
		return rc;
	par_init(&p);
	par_key(&p, t->id);
	par_str(&p, "created");
	par_str(&p, t->created_by);
	par_null(&p);
	par_mtime(&p, &now);
	if ((rc = db_map(db, db_write(db, S_EV_ADD, &p, NULL))) != PAT_OK)
		return rc;
	a->created = db_mtime_to_epoch(&now);
	return PAT_OK;
}

/* The fixed-size fields of t must be NUL-terminated within their size. */
static int
db_token_terminated(const struct db_token *t)
{
	return memchr(t->id, '\0', sizeof(t->id)) != NULL &&
	    memchr(t->publisher_id, '\0', sizeof(t->publisher_id)) != NULL &&
	    memchr(t->name, '\0', sizeof(t->name)) != NULL &&
	    memchr(t->description, '\0', sizeof(t->description)) != NULL &&
	    memchr(t->selector, '\0', sizeof(t->selector)) != NULL &&
	    memchr(t->hash, '\0', sizeof(t->hash)) != NULL &&
	    memchr(t->created_by, '\0', sizeof(t->created_by)) != NULL;
}

enum pat_err
db_token_insert(struct db *db, struct db_token *t, unsigned cap)
{
	return db_token_insert_owner(db, t, cap, NULL);
}

enum pat_err
db_token_insert_owner(struct db *db, struct db_token *t, unsigned cap,
    const char *owner)
{
	struct a_tok	a = { .t = t, .cap = cap, .owner = owner };
	enum pat_err	rc;

	if (!db_token_terminated(t))
		return PAT_ERR_TOOBIG;
	if (t->id[0] == '\0' || t->selector[0] == '\0' ||
	    t->hash[0] == '\0' || t->created_by[0] == '\0')
		return PAT_ERR_INVALID;
	rc = db_run(db, __func__, t->id, 1, op_tok_insert, &a);
	if (rc == PAT_OK)
		t->created_at = a.created;
	return rc;
}

static enum pat_err
op_tok_list(struct db *db, void *v)
{
	static const enum db_sid sids[2][3] = {
		{ S_TOK_LIST_ACTIVE, S_TOK_LIST_REVOKED, S_TOK_LIST_ALL },
		{ S_TOK_LIST_PUB_ACTIVE, S_TOK_LIST_PUB_REVOKED,
		    S_TOK_LIST_PUB_ALL },
	};
	struct a_tok	*a = v;
	struct db_par	 p;
	struct db_res	 r;
	struct db_token	*row = NULL;
	void		*out = NULL;
	enum pat_err	 rc;
	int		 bypub = a->pub != NULL;

	/* One row is about 10 KiB: keep it off the (thread's) stack. */
	if ((row = calloc(1, sizeof(*row))) == NULL)
		return PAT_ERR_NOMEM;
	par_init(&p);
	if (bypub)
		par_key(&p, a->pub);
	res_init(&r);
	res_token(&r, row, 0);
	rc = db_list(db, sids[bypub][a->st], &p, &r, row, sizeof(*row), NULL,
	    &out, &a->n);
	if (rc == PAT_OK)
		a->out = out;
	free(row);
	return rc;
}

enum pat_err
db_token_list(struct db *db, const char *publisher, enum db_state st,
    struct db_token **out, size_t *n)
{
	struct a_tok	a = { .pub = publisher, .st = st };
	enum pat_err	rc;

	*out = NULL;
	*n = 0;
	if (st != DB_STATE_ACTIVE && st != DB_STATE_REVOKED &&
	    st != DB_STATE_ALL)
		return PAT_ERR_INVALID;
	rc = db_run(db, __func__, publisher, 0, op_tok_list, &a);
	if (rc == PAT_OK) {
		*out = a.out;
		*n = a.n;
	}
	return rc;
}

static enum pat_err
db_token_one(struct db *db, enum db_sid sid, const char *key,
    struct db_token *out)
{
	struct db_par	 p;
	struct db_res	 r;
	struct db_token	*row = NULL;
	enum pat_err	 rc;
	int		 found = 0;

	if ((row = calloc(1, sizeof(*row))) == NULL)
		return PAT_ERR_NOMEM;
	par_init(&p);
	par_key(&p, key);
	res_init(&r);
	res_token(&r, row, 1);
	if ((rc = db_one(db, sid, &p, &r, &found)) == PAT_OK) {
		if (found)
			*out = *row;
		else
			rc = PAT_ERR_NOTFOUND;
	}
	explicit_bzero(row->hash, sizeof(row->hash));
	free(row);
	return rc;
}

static enum pat_err
op_tok_get(struct db *db, void *v)
{
	struct a_tok *a = v;

	return db_token_one(db, S_TOK_GET, a->id, a->t);
}

static enum pat_err
op_tok_by_selector(struct db *db, void *v)
{
	struct a_tok *a = v;

	return db_token_one(db, S_TOK_BY_SELECTOR, a->id, a->t);
}

enum pat_err
db_token_get(struct db *db, const char *id, struct db_token *out)
{
	struct a_tok a = { .id = id, .t = out };

	return db_run(db, __func__, id, 0, op_tok_get, &a);
}

enum pat_err
db_token_by_selector(struct db *db, const char *selector,
    struct db_token *out)
{
	struct a_tok a = { .id = selector, .t = out };

	return db_run(db, __func__, selector, 0, op_tok_by_selector, &a);
}

static enum pat_err
op_tok_revoke(struct db *db, void *v)
{
	struct a_tok		*a = v;
	struct db_par		 p;
	struct db_res		 r;
	unsigned long long	 n = 0;
	int64_t			 revoked = 0;
	enum pat_err		 rc;
	int			 found = 0;

	par_init(&p);
	par_str(&p, a->actor);
	par_str(&p, a->reason);
	par_key(&p, a->id);
	if (a->pub != NULL)
		par_key(&p, a->pub);
	rc = db_write(db, a->pub != NULL ? S_TOK_REVOKE_PUB : S_TOK_REVOKE,
	    &p, &n);
	if ((rc = db_map(db, rc)) != PAT_OK)
		return rc;
	if (n == 0) {
		par_init(&p);
		par_key(&p, a->id);
		if (a->pub != NULL)
			par_key(&p, a->pub);
		res_init(&r);
		res_int(&r, &revoked);
		rc = db_one(db, a->pub != NULL ? S_TOK_STATE_PUB : S_TOK_STATE,
		    &p, &r, &found);
		if (rc != PAT_OK)
			return rc;
		if (!found)
			return PAT_ERR_NOTFOUND;
		if (revoked)
			return PAT_ERR_ALREADY;
		return db_fail(db, CR_UNKNOWN_ERROR,
		    "revoke: active token not updated");
	}
	if (n != 1)
		return db_fail(db, CR_UNKNOWN_ERROR, "revoke: several rows");
	par_init(&p);
	par_key(&p, a->id);
	par_str(&p, "revoked");
	par_str(&p, a->actor);
	par_str(&p, a->reason);
	par_null(&p);
	return db_map(db, db_write(db, S_EV_ADD, &p, NULL));
}

enum pat_err
db_token_revoke(struct db *db, const char *id, const char *publisher,
    const char *actor, const char *reason)
{
	struct a_tok a = { .id = id, .pub = publisher, .actor = actor,
	    .reason = reason };

	if (id == NULL || actor == NULL || *actor == '\0')
		return PAT_ERR_INVALID;
	if (db_too_long(actor, DB_USER_MAX) ||
	    db_too_long(reason, DB_REASON_MAX))
		return PAT_ERR_TOOBIG;
	return db_run(db, __func__, id, 1, op_tok_revoke, &a);
}

/*
 * Locks the publisher (no new tokens meanwhile) and its active tokens (no
 * single revoke meanwhile), then writes one event per token and revokes
 * them all, with the same time on both.
 */
static enum pat_err
op_tok_revoke_all(struct db *db, void *v)
{
	struct a_tok		*a = v;
	struct db_par		 p;
	MYSQL_TIME		 now;
	unsigned long long	 ev = 0, up = 0;
	unsigned		 n = 0;
	enum pat_err		 rc;

	if ((rc = db_pub_lock(db, a->pub, &now, NULL)) != PAT_OK)
		return rc;
	if ((rc = db_count_active(db, S_TOK_COUNT_LOCK, a->pub, &n)) !=
	    PAT_OK)
		return rc;
	a->count = 0;
	if (n == 0)
		return PAT_OK;
	par_init(&p);
	par_str(&p, a->actor);
	par_str(&p, a->reason);
	par_mtime(&p, &now);
	par_key(&p, a->pub);
	if ((rc = db_map(db, db_write(db, S_EV_REVOKE_ALL, &p, &ev))) !=
	    PAT_OK)
		return rc;
	par_init(&p);
	par_mtime(&p, &now);
	par_str(&p, a->actor);
	par_str(&p, a->reason);
	par_key(&p, a->pub);
	if ((rc = db_map(db, db_write(db, S_TOK_REVOKE_ALL, &p, &up))) !=
	    PAT_OK)
		return rc;
	if (ev != n || up != n)
		return db_fail(db, CR_UNKNOWN_ERROR,
		    "revoke all: counts differ");
	a->count = n;
	return PAT_OK;
}

enum pat_err
db_token_revoke_all(struct db *db, const char *publisher, const char *actor,
    const char *reason, unsigned *count)
{
	struct a_tok	a = { .pub = publisher, .actor = actor,
	    .reason = reason };
	enum pat_err	rc;

	*count = 0;
	if (actor == NULL || *actor == '\0')
		return PAT_ERR_INVALID;
	if (db_too_long(actor, DB_USER_MAX) ||
	    db_too_long(reason, DB_REASON_MAX))
		return PAT_ERR_TOOBIG;
	rc = db_run(db, __func__, publisher, 1, op_tok_revoke_all, &a);
	if (rc == PAT_OK)
		*count = a.count;
	return rc;
}

/* Idempotent: safe to retry without a transaction. */
static enum pat_err
op_tok_touch(struct db *db, void *v)
{
	struct a_tok		*a = v;
	struct db_par		 p;
	unsigned long long	 n = 0;
	enum pat_err		 rc;

	par_init(&p);
	par_key(&p, a->id);
	if ((rc = db_write(db, S_TOK_TOUCH, &p, &n)) != PAT_OK)
		return rc;
	return n == 0 ? PAT_ERR_NOTFOUND : PAT_OK;
}

enum pat_err
db_token_touch(struct db *db, const char *id)
{
	struct a_tok a = { .id = id };

	return db_run(db, __func__, id, 0, op_tok_touch, &a);
}

/* ------------------------------------------------------------------ */
/* Events                                                              */

struct a_ev {
	const char	*token_id;
	const char	*event;
	const char	*actor;
	const char	*detail;
	struct db_event	*out;
	size_t		 n;
};

static enum pat_err
op_ev_list(struct db *db, void *v)
{
	struct a_ev	*a = v;
	struct db_par	 p;
	struct db_res	 r;
	struct db_event	 row;
	void		*out = NULL;
	enum pat_err	 rc;

	memset(&row, 0, sizeof(row));
	par_init(&p);
	par_key(&p, a->token_id);
	res_init(&r);
	res_int(&r, &row.id);
	res_str(&r, row.token_id, sizeof(row.token_id));
	res_str(&r, row.event, sizeof(row.event));
	res_str(&r, row.actor, sizeof(row.actor));
	res_str(&r, row.detail, sizeof(row.detail));
	res_time(&r, &row.at);
	rc = db_list(db, S_EV_LIST, &p, &r, &row, sizeof(row), NULL, &out,
	    &a->n);
	if (rc == PAT_OK)
		a->out = out;
	return rc;
}

enum pat_err
db_event_list(struct db *db, const char *token_id, struct db_event **out,
    size_t *n)
{
	struct a_ev	a = { .token_id = token_id };
	enum pat_err	rc;

	*out = NULL;
	*n = 0;
	rc = db_run(db, __func__, token_id, 0, op_ev_list, &a);
	if (rc == PAT_OK) {
		*out = a.out;
		*n = a.n;
	}
	return rc;
}

static enum pat_err
op_ev_add(struct db *db, void *v)
{
	struct a_ev	*a = v;
	struct db_par	 p;

	par_init(&p);
	par_key(&p, a->token_id);
	par_str(&p, a->event);
	par_str(&p, a->actor);
	par_str(&p, a->detail);
	par_null(&p);
	return db_map(db, db_write(db, S_EV_ADD, &p, NULL));
}

enum pat_err
db_event_add(struct db *db, const char *token_id, const char *event,
    const char *actor, const char *detail)
{
	struct a_ev a = { .token_id = token_id, .event = event,
	    .actor = actor, .detail = detail };

	if (event == NULL || actor == NULL)
		return PAT_ERR_INVALID;
	if (token_id == NULL || !db_is_ascii(token_id))
		return PAT_ERR_NOTFOUND;	/* no such token can exist */
	if (db_too_long(event, sizeof(((struct db_event *)0)->event) - 1) ||
	    db_too_long(actor, DB_USER_MAX) ||
	    db_too_long(detail, DB_REASON_MAX))
		return PAT_ERR_TOOBIG;
	return db_run(db, __func__, token_id, 1, op_ev_add, &a);
}
