/*
 * test_db.c — lib/db.c against the harness's private MariaDB.
 *
 * Server-side operations run with the server account (ts_config(0), user
 * pat); set-up and admin operations with the admin account (ts_config(1)).
 * Every row written uses ids from ts_unique_id(): tests run in parallel.
 */
#include <sys/random.h>

#include <criterion/criterion.h>
#include <mysql.h>
#include <mysqld_error.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "db.h"
#include "support.h"

#define HASH	"$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNo"

static struct pat_config	*cfg_srv, *cfg_adm;
static struct db		*srv, *adm;

static void
setup(void)
{
	cr_assert_eq(db_global_init(), PAT_OK);
}

static void
teardown(void)
{
	db_close(srv);
	db_close(adm);
	srv = adm = NULL;
	cfg_free(cfg_srv);
	cfg_free(cfg_adm);
	cfg_srv = cfg_adm = NULL;
	db_thread_end();
	db_global_end();
}

TestSuite(db, .init = setup, .fini = teardown, .timeout = 60);

/* Opens srv (account pat) and adm (account pat_admin). */
static void
open_both(void)
{
	cfg_srv = ts_config(0);
	cfg_adm = ts_config(1);
	cr_assert_eq(db_open(cfg_srv, &srv), PAT_OK);
	cr_assert_eq(db_open(cfg_adm, &adm), PAT_OK);
}

static void
rand_hex(char *out, size_t nbytes)
{
	unsigned char	r[32];
	size_t		i;

	cr_assert(nbytes <= sizeof(r));
	cr_assert_eq(getrandom(r, nbytes, 0), (ssize_t)nbytes);
	for (i = 0; i < nbytes; i++)
		snprintf(out + 2 * i, 3, "%02x", r[i]);
}

/* A fresh UUID-shaped id. */
static void
new_uuid(char out[37])
{
	char h[33];

	rand_hex(h, 16);
	snprintf(out, 37, "%.8s-%.4s-4%.3s-a%.3s-%.12s", h, h + 8, h + 12,
	    h + 16, h + 20);
}

/* A new publisher with an owner; both ids malloc'd, caller frees. */
static void
new_publisher(char **pub, char **owner)
{
	*pub = ts_unique_id("pub");
	*owner = ts_unique_id("user");
	cr_assert_eq(db_publisher_add(adm, *pub, "Test publisher"), PAT_OK);
	cr_assert_eq(db_member_add(adm, *pub, *owner, DB_ROLE_OWNER), PAT_OK);
}

static void
new_token(struct db_token *t, const char *pub, const char *by,
    const char *name)
{
	memset(t, 0, sizeof(*t));
	new_uuid(t->id);
	snprintf(t->publisher_id, sizeof(t->publisher_id), "%s", pub);
	snprintf(t->name, sizeof(t->name), "%s", name);
	snprintf(t->description, sizeof(t->description), "for %s", name);
	rand_hex(t->selector, 12);
	snprintf(t->hash, sizeof(t->hash), "%s", HASH);
	snprintf(t->created_by, sizeof(t->created_by), "%s", by);
}

/* Sets a token's created_at (as root: the server account cannot). */
static void
set_created_at(const char *id, const char *when)
{
	char sql[256];

	cr_assert(snprintf(sql, sizeof(sql), "UPDATE personal_access_tokens "
	    "SET created_at = '%s' WHERE id = '%s'", when, id) <
	    (int)sizeof(sql));
	cr_assert_eq(ts_sql(sql), 0, "%s", sql);
}

/* ---- set-up ---------------------------------------------------------- */

Test(db, global_init_is_idempotent)
{
	cr_assert_eq(db_global_init(), PAT_OK);
	db_close(NULL);	/* no-op */
}

Test(db, open_nonexistent_socket_fails_fast)
{
	struct pat_config	 c;
	struct db		*d = NULL;
	struct timespec		 t0, t1;
	enum db_status		 st;

	memset(&c, 0, sizeof(c));
	c.db_socket = "/nonexistent/pat-test/mysqld.sock";
	c.db_name = "pat";
	c.db_user = "pat";
	c.db_connect_timeout = 2;
	c.db_read_timeout = 2;
	c.db_write_timeout = 2;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cr_assert_eq(db_open(&c, &d), PAT_ERR_DB);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	cr_assert_null(d);
	cr_assert_leq(t1.tv_sec - t0.tv_sec, 3);

	/* Lazy: db_new succeeds, the first call fails. */
	cr_assert_eq(db_new(&c, &d), PAT_OK);
	cr_assert_not_null(d);
	cr_assert_eq(db_user_status(d, "nobody", &st), PAT_ERR_DB);
	db_close(d);
}

Test(db, open_wrong_password_fails)
{
	struct pat_config	*c = ts_config(0);
	struct db		*d = NULL;
	char			*saved = c->db_password;

	c->db_password = "not-the-password";
	cr_assert_eq(db_open(c, &d), PAT_ERR_DB);
	cr_assert_null(d);
	c->db_password = saved;
	cr_assert_eq(db_open(c, &d), PAT_OK);
	db_close(d);
	cfg_free(c);
}

Test(db, lazy_db_new_connects_on_first_use)
{
	struct db_publisher	p;
	char			*pub, *owner;

	open_both();
	new_publisher(&pub, &owner);
	db_close(srv);
	cr_assert_eq(db_new(cfg_srv, &srv), PAT_OK);
	cr_assert_eq(db_publisher_get(srv, pub, &p), PAT_OK);
	cr_assert_str_eq(p.id, pub);
	free(pub);
	free(owner);
}

/* ---- users ----------------------------------------------------------- */

Test(db, user_ensure_status_ban)
{
	char		*u = ts_unique_id("user");
	enum db_status	 st;

	open_both();
	cr_assert_eq(db_user_status(srv, u, &st), PAT_ERR_NOTFOUND);
	cr_assert_eq(db_user_ensure(adm, u), PAT_OK);
	cr_assert_eq(db_user_ensure(adm, u), PAT_OK);	/* idempotent */
	cr_assert_eq(db_user_status(srv, u, &st), PAT_OK);
	cr_assert_eq(st, DB_ACTIVE);
	cr_assert_eq(db_user_set_status(adm, u, DB_BANNED), PAT_OK);
	cr_assert_eq(db_user_set_status(adm, u, DB_BANNED), PAT_ERR_ALREADY);
	cr_assert_eq(db_user_status(srv, u, &st), PAT_OK);
	cr_assert_eq(st, DB_BANNED);
	cr_assert_eq(db_user_set_status(adm, u, DB_ACTIVE), PAT_OK);
	cr_assert_eq(db_user_status(srv, u, &st), PAT_OK);
	cr_assert_eq(st, DB_ACTIVE);
	cr_assert_eq(db_user_set_status(adm, "no-such-user-x", DB_BANNED),
	    PAT_ERR_NOTFOUND);
	free(u);
}

Test(db, user_non_ascii_is_not_found_or_invalid)
{
	enum db_status st;

	open_both();
	cr_assert_eq(db_user_status(srv, "jösé🔑", &st), PAT_ERR_NOTFOUND);
	cr_assert_eq(db_user_ensure(adm, "jösé🔑"), PAT_ERR_INVALID);
	cr_assert_eq(db_user_ensure(adm, ""), PAT_ERR_INVALID);
	cr_assert_eq(db_user_set_status(adm, "jösé", DB_BANNED),
	    PAT_ERR_NOTFOUND);
}

/* ---- publishers ------------------------------------------------------ */

Test(db, publisher_add_get_duplicate)
{
	char			*id = ts_unique_id("pub");
	struct db_publisher	 p;
	time_t			 now = time(NULL);

	open_both();
	cr_assert_eq(db_publisher_get(srv, id, &p), PAT_ERR_NOTFOUND);
	cr_assert_eq(db_publisher_add(adm, id, "Éditions 🦊 Ltd"), PAT_OK);
	cr_assert_eq(db_publisher_add(adm, id, "again"), PAT_ERR_EXISTS);
	cr_assert_eq(db_publisher_get(srv, id, &p), PAT_OK);
	cr_assert_str_eq(p.id, id);
	cr_assert_str_eq(p.name, "Éditions 🦊 Ltd");
	cr_assert_eq(p.status, DB_ACTIVE);
	cr_assert(p.created_at >= now - 5 && p.created_at <= now + 5,
	    "created_at %lld vs now %lld", (long long)p.created_at,
	    (long long)now);
	free(id);
}

Test(db, publisher_bad_id_is_invalid)
{
	open_both();
	cr_assert_eq(db_publisher_add(adm, "Bad_Id", "x"), PAT_ERR_INVALID);
	cr_assert_eq(db_publisher_add(adm, "9abc", "x"), PAT_ERR_INVALID);
	cr_assert_eq(db_publisher_add(adm, "", "x"), PAT_ERR_INVALID);
	cr_assert_eq(db_publisher_add(adm, "é-pub", "x"), PAT_ERR_INVALID);
}

Test(db, publisher_name_limits)
{
	char	*id = ts_unique_id("pub"), *id2 = ts_unique_id("pub");
	char	 name[DB_NAME_MAX + 1], longname[102];
	size_t	 i;
	struct db_publisher p;

	open_both();
	/* 100 four-byte code points: exactly the column and the buffer. */
	for (i = 0; i < 100; i++)
		memcpy(name + 4 * i, "\xf0\x9f\x98\x80", 4);
	name[400] = '\0';
	cr_assert_eq(db_publisher_add(adm, id, name), PAT_OK);
	cr_assert_eq(db_publisher_get(srv, id, &p), PAT_OK);
	cr_assert_str_eq(p.name, name);
	/* 101 characters: too long for VARCHAR(100). */
	memset(longname, 'a', 101);
	longname[101] = '\0';
	cr_assert_eq(db_publisher_add(adm, id2, longname), PAT_ERR_TOOBIG);
	cr_assert_eq(db_publisher_get(srv, id2, &p), PAT_ERR_NOTFOUND);
	free(id);
	free(id2);
}

Test(db, publisher_ban_and_list)
{
	char			*a = ts_unique_id("pub"), *b = ts_unique_id("pub");
	struct db_publisher	*list = NULL, p;
	size_t			 n = 0, i;
	int			 seen = 0;

	open_both();
	cr_assert_eq(db_publisher_add(adm, a, "A"), PAT_OK);
	cr_assert_eq(db_publisher_add(adm, b, NULL), PAT_OK);
	cr_assert_eq(db_publisher_set_status(adm, a, DB_BANNED), PAT_OK);
	cr_assert_eq(db_publisher_set_status(adm, a, DB_BANNED),
	    PAT_ERR_ALREADY);
	cr_assert_eq(db_publisher_set_status(adm, "no-such-pub-x", DB_BANNED),
	    PAT_ERR_NOTFOUND);
	cr_assert_eq(db_publisher_get(srv, a, &p), PAT_OK);
	cr_assert_eq(p.status, DB_BANNED);
	cr_assert_eq(db_publisher_list(srv, &list, &n), PAT_OK);
	cr_assert_not_null(list);
	for (i = 0; i < n; i++) {
		if (i > 0)
			cr_assert(strcmp(list[i - 1].id, list[i].id) < 0);
		if (strcmp(list[i].id, a) == 0) {
			cr_assert_eq(list[i].status, DB_BANNED);
			seen++;
		}
		if (strcmp(list[i].id, b) == 0) {
			cr_assert_eq(list[i].status, DB_ACTIVE);
			cr_assert_str_eq(list[i].name, "");
			seen++;
		}
	}
	cr_assert_eq(seen, 2);
	free(list);
	cr_assert_eq(db_publisher_set_status(adm, a, DB_ACTIVE), PAT_OK);
	free(a);
	free(b);
}

/* ---- membership and access ------------------------------------------ */

Test(db, member_add_role_remove)
{
	char		*pub, *owner, *u = ts_unique_id("user");
	enum db_role	 role;
	enum db_status	 st;

	open_both();
	new_publisher(&pub, &owner);
	cr_assert_eq(db_member_role(srv, pub, owner, &role), PAT_OK);
	cr_assert_eq(role, DB_ROLE_OWNER);
	cr_assert_eq(db_member_role(srv, pub, u, &role), PAT_ERR_NOTFOUND);
	/* Creates the user. */
	cr_assert_eq(db_member_add(adm, pub, u, DB_ROLE_MEMBER), PAT_OK);
	cr_assert_eq(db_user_status(srv, u, &st), PAT_OK);
	cr_assert_eq(db_member_role(srv, pub, u, &role), PAT_OK);
	cr_assert_eq(role, DB_ROLE_MEMBER);
	/* Updates the role. */
	cr_assert_eq(db_member_add(adm, pub, u, DB_ROLE_OWNER), PAT_OK);
	cr_assert_eq(db_member_role(srv, pub, u, &role), PAT_OK);
	cr_assert_eq(role, DB_ROLE_OWNER);
	cr_assert_eq(db_member_remove(adm, pub, u), PAT_OK);
	cr_assert_eq(db_member_remove(adm, pub, u), PAT_ERR_NOTFOUND);
	cr_assert_eq(db_member_role(srv, pub, u, &role), PAT_ERR_NOTFOUND);
	free(pub);
	free(owner);
	free(u);
}

Test(db, member_add_unknown_publisher)
{
	char		*u = ts_unique_id("user");
	enum db_status	 st;

	open_both();
	cr_assert_eq(db_member_add(adm, "no-such-pub-y", u, DB_ROLE_OWNER),
	    PAT_ERR_NOTFOUND);
	/* The whole transaction rolled back: no user either. */
	cr_assert_eq(db_user_status(srv, u, &st), PAT_ERR_NOTFOUND);
	cr_assert_eq(db_member_add(adm, "pübl", u, DB_ROLE_OWNER),
	    PAT_ERR_NOTFOUND);
	free(u);
}

Test(db, access_get)
{
	char			*pub, *owner, *m = ts_unique_id("user");
	char			*stranger = ts_unique_id("user");
	struct db_access	 a;

	open_both();
	new_publisher(&pub, &owner);
	cr_assert_eq(db_member_add(adm, pub, m, DB_ROLE_MEMBER), PAT_OK);
	cr_assert_eq(db_user_ensure(adm, stranger), PAT_OK);

	cr_assert_eq(db_access_get(srv, pub, owner, &a), PAT_OK);
	cr_assert(a.publisher_found && a.publisher_status == DB_ACTIVE);
	cr_assert(a.user_found && a.user_status == DB_ACTIVE);
	cr_assert(a.is_member && a.role == DB_ROLE_OWNER);

	cr_assert_eq(db_access_get(srv, pub, m, &a), PAT_OK);
	cr_assert(a.is_member && a.role == DB_ROLE_MEMBER);

	cr_assert_eq(db_access_get(srv, pub, stranger, &a), PAT_OK);
	cr_assert(a.publisher_found && a.user_found && !a.is_member);

	cr_assert_eq(db_access_get(srv, pub, "no-such-user-z", &a), PAT_OK);
	cr_assert(a.publisher_found && !a.user_found && !a.is_member);

	cr_assert_eq(db_access_get(srv, "no-such-pub-z", owner, &a), PAT_OK);
	cr_assert(!a.publisher_found && a.user_found && !a.is_member);

	cr_assert_eq(db_access_get(srv, "pub-ü", "üser-🔑", &a), PAT_OK);
	cr_assert(!a.publisher_found && !a.user_found && !a.is_member);

	cr_assert_eq(db_user_set_status(adm, owner, DB_BANNED), PAT_OK);
	cr_assert_eq(db_publisher_set_status(adm, pub, DB_BANNED), PAT_OK);
	cr_assert_eq(db_access_get(srv, pub, owner, &a), PAT_OK);
	cr_assert_eq(a.user_status, DB_BANNED);
	cr_assert_eq(a.publisher_status, DB_BANNED);
	cr_assert(a.is_member && a.role == DB_ROLE_OWNER);
	free(pub);
	free(owner);
	free(m);
	free(stranger);
}

/* ---- tokens ---------------------------------------------------------- */

Test(db, token_insert_get_by_selector)
{
	char		*pub, *owner;
	struct db_token	 t, g;
	time_t		 now = time(NULL);

	open_both();
	new_publisher(&pub, &owner);
	new_token(&t, pub, owner, "CI 🚀 token — ключ");
	snprintf(t.description, sizeof(t.description),
	    "emoji 😀🎉 and 𝄞 and ✓, 4-byte and 3-byte");
	t.expires_at = 4102444800;	/* 2100-01-01: after 2038 */
	cr_assert_eq(db_token_insert(srv, &t, 100), PAT_OK);
	cr_assert(t.created_at >= now - 5 && t.created_at <= now + 5);

	cr_assert_eq(db_token_get(srv, t.id, &g), PAT_OK);
	cr_assert_str_eq(g.id, t.id);
	cr_assert_str_eq(g.publisher_id, pub);
	cr_assert_str_eq(g.name, t.name);
	cr_assert_str_eq(g.description, t.description);
	cr_assert_str_eq(g.selector, t.selector);
	cr_assert_str_eq(g.hash, HASH);
	cr_assert_str_eq(g.created_by, owner);
	cr_assert_eq(g.created_at, t.created_at);
	cr_assert_eq(g.expires_at, 4102444800);
	cr_assert_eq(g.last_used_at, 0);
	cr_assert_eq(g.revoked_at, 0);
	cr_assert_str_eq(g.revoked_by, "");
	cr_assert_str_eq(g.revoked_reason, "");

	memset(&g, 0, sizeof(g));
	cr_assert_eq(db_token_by_selector(srv, t.selector, &g), PAT_OK);
	cr_assert_str_eq(g.id, t.id);
	cr_assert_str_eq(g.hash, HASH);

	cr_assert_eq(db_token_get(srv, "00000000-0000-4000-a000-000000000000",
	    &g), PAT_ERR_NOTFOUND);
	cr_assert_eq(db_token_by_selector(srv, "nosuchselector", &g),
	    PAT_ERR_NOTFOUND);
	cr_assert_eq(db_token_by_selector(srv, "sélecteur", &g),
	    PAT_ERR_NOTFOUND);
	free(pub);
	free(owner);
}

Test(db, token_insert_failures)
{
	char		*pub, *owner;
	struct db_token	 t, d;
	unsigned	 n = 9;

	open_both();
	new_publisher(&pub, &owner);
	new_token(&t, pub, owner, "first");
	cr_assert_eq(db_token_insert(srv, &t, 10), PAT_OK);

	/* Same selector, new id. */
	d = t;
	new_uuid(d.id);
	cr_assert_eq(db_token_insert(srv, &d, 10), PAT_ERR_EXISTS);
	/* Same id, new selector. */
	d = t;
	rand_hex(d.selector, 12);
	cr_assert_eq(db_token_insert(srv, &d, 10), PAT_ERR_EXISTS);
	/* Unknown publisher. */
	new_token(&d, "no-such-pub-w", owner, "x");
	cr_assert_eq(db_token_insert(srv, &d, 10), PAT_ERR_NOTFOUND);
	/* Name over 100 characters. */
	new_token(&d, pub, owner, "x");
	memset(d.name, 'n', 101);
	d.name[101] = '\0';
	cr_assert_eq(db_token_insert(srv, &d, 10), PAT_ERR_TOOBIG);
	/* An expiry past DATETIME's year 9999. */
	new_token(&d, pub, owner, "x");
	d.expires_at = 253402300800;	/* 10000-01-01 */
	cr_assert_eq(db_token_insert(srv, &d, 10), PAT_ERR_INVALID);
	/* Missing hash. */
	new_token(&d, pub, owner, "x");
	d.hash[0] = '\0';
	cr_assert_eq(db_token_insert(srv, &d, 10), PAT_ERR_INVALID);

	cr_assert_eq(db_token_count_active(srv, pub, &n), PAT_OK);
	cr_assert_eq(n, 1);
	free(pub);
	free(owner);
}

Test(db, token_cap)
{
	char		*pub, *owner;
	struct db_token	 t[4];
	unsigned	 i, n = 0;

	open_both();
	new_publisher(&pub, &owner);
	cr_assert_eq(db_token_count_active(srv, pub, &n), PAT_OK);
	cr_assert_eq(n, 0);
	for (i = 0; i < 3; i++) {
		new_token(&t[i], pub, owner, "capped");
		cr_assert_eq(db_token_insert(srv, &t[i], 3), PAT_OK);
	}
	new_token(&t[3], pub, owner, "one too many");
	cr_assert_eq(db_token_insert(srv, &t[3], 3), PAT_ERR_LIMIT);
	cr_assert_eq(db_token_get(srv, t[3].id, &t[3]), PAT_ERR_NOTFOUND);
	cr_assert_eq(db_token_count_active(srv, pub, &n), PAT_OK);
	cr_assert_eq(n, 3);

	/* Revoking frees a slot. */
	cr_assert_eq(db_token_revoke(srv, t[0].id, pub, owner, NULL), PAT_OK);
	new_token(&t[3], pub, owner, "fits again");
	cr_assert_eq(db_token_insert(srv, &t[3], 3), PAT_OK);
	cr_assert_eq(db_token_count_active(srv, pub, &n), PAT_OK);
	cr_assert_eq(n, 3);
	cr_assert_eq(db_token_count_active(srv, "no-such-pub-v", &n), PAT_OK);
	cr_assert_eq(n, 0);
	free(pub);
	free(owner);
}

#define RACERS	8
#define RACECAP	5

struct racer {
	const char	*pub;
	const char	*owner;
	enum pat_err	 rc;
};

static void *
race(void *arg)
{
	struct racer	*r = arg;
	struct db	*d = NULL;
	struct db_token	 t;

	r->rc = db_open(cfg_srv, &d);
	if (r->rc == PAT_OK) {
		new_token(&t, r->pub, r->owner, "racer");
		r->rc = db_token_insert(d, &t, RACECAP);
	}
	db_close(d);
	db_thread_end();
	return NULL;
}

Test(db, token_cap_holds_under_concurrency)
{
	char		*pub, *owner;
	pthread_t	 th[RACERS];
	struct racer	 r[RACERS];
	struct db_token	*list = NULL;
	size_t		 n = 0;
	unsigned	 i, ok = 0, limit = 0, active = 0;

	open_both();
	new_publisher(&pub, &owner);
	for (i = 0; i < RACERS; i++) {
		r[i] = (struct racer){ .pub = pub, .owner = owner };
		cr_assert_eq(pthread_create(&th[i], NULL, race, &r[i]), 0);
	}
	for (i = 0; i < RACERS; i++) {
		cr_assert_eq(pthread_join(th[i], NULL), 0);
		if (r[i].rc == PAT_OK)
			ok++;
		else if (r[i].rc == PAT_ERR_LIMIT)
			limit++;
		else
			cr_assert_fail("racer %u: %s", i,
			    pat_strerror(r[i].rc));
	}
	cr_assert_eq(ok, RACECAP);
	cr_assert_eq(limit, RACERS - RACECAP);
	cr_assert_eq(db_token_count_active(srv, pub, &active), PAT_OK);
	cr_assert_eq(active, RACECAP);
	cr_assert_eq(db_token_list(srv, pub, DB_STATE_ALL, &list, &n), PAT_OK);
	cr_assert_eq(n, RACECAP);
	free(list);
	free(pub);
	free(owner);
}

Test(db, token_revoke)
{
	char		*pub, *owner, *other, *o2;
	struct db_token	 t, g;
	struct db_event	*ev = NULL;
	size_t		 n = 0;

	open_both();
	new_publisher(&pub, &owner);
	new_publisher(&other, &o2);
	new_token(&t, pub, owner, "to revoke");
	cr_assert_eq(db_token_insert(srv, &t, 10), PAT_OK);

	/* Another publisher cannot see it. */
	cr_assert_eq(db_token_revoke(srv, t.id, other, o2, "x"),
	    PAT_ERR_NOTFOUND);
	cr_assert_eq(db_token_revoke(srv,
	    "00000000-0000-4000-a000-000000000000", pub, owner, "x"),
	    PAT_ERR_NOTFOUND);
	cr_assert_eq(db_token_revoke(srv, "ü", NULL, owner, "x"),
	    PAT_ERR_NOTFOUND);
	cr_assert_eq(db_token_get(srv, t.id, &g), PAT_OK);
	cr_assert_eq(g.revoked_at, 0);

	cr_assert_eq(db_token_revoke(srv, t.id, pub, owner, "leaked 🔥"),
	    PAT_OK);
	cr_assert_eq(db_token_revoke(srv, t.id, pub, owner, "again"),
	    PAT_ERR_ALREADY);
	cr_assert_eq(db_token_revoke(srv, t.id, NULL, "operator", "again"),
	    PAT_ERR_ALREADY);
	cr_assert_eq(db_token_get(srv, t.id, &g), PAT_OK);
	cr_assert(g.revoked_at >= t.created_at);
	cr_assert_str_eq(g.revoked_by, owner);
	cr_assert_str_eq(g.revoked_reason, "leaked 🔥");

	cr_assert_eq(db_event_list(srv, t.id, &ev, &n), PAT_OK);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(ev[0].event, "created");
	cr_assert_str_eq(ev[0].actor, owner);
	cr_assert_str_eq(ev[0].token_id, t.id);
	cr_assert_eq(ev[0].at, t.created_at);
	cr_assert_str_eq(ev[1].event, "revoked");
	cr_assert_str_eq(ev[1].actor, owner);
	cr_assert_str_eq(ev[1].detail, "leaked 🔥");
	cr_assert(ev[1].id > ev[0].id);
	free(ev);

	/* Publisher NULL = any publisher. */
	new_token(&t, pub, owner, "by operator");
	cr_assert_eq(db_token_insert(srv, &t, 10), PAT_OK);
	cr_assert_eq(db_token_revoke(srv, t.id, NULL, "operator", NULL),
	    PAT_OK);
	cr_assert_eq(db_token_get(srv, t.id, &g), PAT_OK);
	cr_assert_str_eq(g.revoked_by, "operator");
	cr_assert_str_eq(g.revoked_reason, "");
	free(pub);
	free(owner);
	free(other);
	free(o2);
}

Test(db, token_revoke_all)
{
	char		*pub, *owner, *other, *o2;
	struct db_token	 t[3], x;
	struct db_event	*ev = NULL;
	size_t		 n = 0;
	unsigned	 i, count = 99, active = 9;

	open_both();
	new_publisher(&pub, &owner);
	new_publisher(&other, &o2);
	for (i = 0; i < 3; i++) {
		new_token(&t[i], pub, owner, "all");
		cr_assert_eq(db_token_insert(srv, &t[i], 10), PAT_OK);
	}
	new_token(&x, other, o2, "bystander");
	cr_assert_eq(db_token_insert(srv, &x, 10), PAT_OK);
	cr_assert_eq(db_token_revoke(srv, t[0].id, pub, owner, NULL), PAT_OK);

	cr_assert_eq(db_token_revoke_all(srv, pub, "operator", "incident",
	    &count), PAT_OK);
	cr_assert_eq(count, 2);
	cr_assert_eq(db_token_count_active(srv, pub, &active), PAT_OK);
	cr_assert_eq(active, 0);
	cr_assert_eq(db_token_count_active(srv, other, &active), PAT_OK);
	cr_assert_eq(active, 1);
	for (i = 1; i < 3; i++) {
		cr_assert_eq(db_event_list(srv, t[i].id, &ev, &n), PAT_OK);
		cr_assert_eq(n, 2);
		cr_assert_str_eq(ev[1].event, "revoked");
		cr_assert_str_eq(ev[1].actor, "operator");
		cr_assert_str_eq(ev[1].detail, "incident");
		free(ev);
	}
	/* t[0] keeps its single revocation. */
	cr_assert_eq(db_event_list(srv, t[0].id, &ev, &n), PAT_OK);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(ev[1].actor, owner);
	free(ev);

	cr_assert_eq(db_token_revoke_all(srv, pub, "operator", NULL, &count),
	    PAT_OK);
	cr_assert_eq(count, 0);
	cr_assert_eq(db_token_revoke_all(srv, "no-such-pub-u", "operator",
	    NULL, &count), PAT_ERR_NOTFOUND);
	free(pub);
	free(owner);
	free(other);
	free(o2);
}

Test(db, token_list_order_and_filters)
{
	char		*pub, *owner, *other, *o2;
	struct db_token	 t[3], x, *l = NULL;
	size_t		 n = 0, i;
	char		 when[3][24] = { "2021-01-01 00:00:00",
	    "2023-01-01 00:00:00", "2022-01-01 00:00:00" };
	int		 seen = 0;

	open_both();
	new_publisher(&pub, &owner);
	new_publisher(&other, &o2);
	for (i = 0; i < 3; i++) {
		new_token(&t[i], pub, owner, "listed");
		cr_assert_eq(db_token_insert(srv, &t[i], 10), PAT_OK);
		set_created_at(t[i].id, when[i]);
	}
	new_token(&x, other, o2, "elsewhere");
	cr_assert_eq(db_token_insert(srv, &x, 10), PAT_OK);
	cr_assert_eq(db_token_revoke(srv, t[2].id, pub, owner, NULL), PAT_OK);

	/* Newest first: t1 (2023), t2 (2022), t0 (2021). */
	cr_assert_eq(db_token_list(srv, pub, DB_STATE_ALL, &l, &n), PAT_OK);
	cr_assert_eq(n, 3);
	cr_assert_str_eq(l[0].id, t[1].id);
	cr_assert_str_eq(l[1].id, t[2].id);
	cr_assert_str_eq(l[2].id, t[0].id);
	cr_assert_eq(l[0].created_at, 1672531200);
	cr_assert_str_eq(l[0].hash, "");	/* not in listings */
	cr_assert_str_eq(l[0].name, "listed");
	cr_assert_str_eq(l[0].selector, t[1].selector);
	free(l);

	cr_assert_eq(db_token_list(srv, pub, DB_STATE_ACTIVE, &l, &n), PAT_OK);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(l[0].id, t[1].id);
	cr_assert_str_eq(l[1].id, t[0].id);
	free(l);

	cr_assert_eq(db_token_list(srv, pub, DB_STATE_REVOKED, &l, &n),
	    PAT_OK);
	cr_assert_eq(n, 1);
	cr_assert_str_eq(l[0].id, t[2].id);
	cr_assert_neq(l[0].revoked_at, 0);
	free(l);

	/* Unknown publisher: an empty list, not an error. */
	cr_assert_eq(db_token_list(srv, "no-such-pub-t", DB_STATE_ALL, &l, &n),
	    PAT_OK);
	cr_assert_eq(n, 0);
	cr_assert_not_null(l);
	free(l);

	/* All publishers: both of ours, still newest first. */
	cr_assert_eq(db_token_list(srv, NULL, DB_STATE_ALL, &l, &n), PAT_OK);
	for (i = 0; i < n; i++) {
		if (i > 0)
			cr_assert_geq(l[i - 1].created_at, l[i].created_at);
		if (strcmp(l[i].id, x.id) == 0 || strcmp(l[i].id, t[0].id) == 0)
			seen++;
	}
	cr_assert_eq(seen, 2);
	free(l);
	free(pub);
	free(owner);
	free(other);
	free(o2);
}

Test(db, token_touch)
{
	char		*pub, *owner;
	struct db_token	 t, g;
	time_t		 now = time(NULL);

	open_both();
	new_publisher(&pub, &owner);
	new_token(&t, pub, owner, "touched");
	cr_assert_eq(db_token_insert(srv, &t, 10), PAT_OK);
	cr_assert_eq(db_token_touch(srv, t.id), PAT_OK);
	cr_assert_eq(db_token_touch(srv, t.id), PAT_OK);	/* same second */
	cr_assert_eq(db_token_get(srv, t.id, &g), PAT_OK);
	cr_assert(g.last_used_at >= now - 5 && g.last_used_at <= now + 5);
	cr_assert_eq(db_token_touch(srv,
	    "00000000-0000-4000-a000-000000000000"), PAT_ERR_NOTFOUND);
	free(pub);
	free(owner);
}

/* ---- events ---------------------------------------------------------- */

Test(db, event_add_and_list)
{
	char		*pub, *owner;
	struct db_token	 t;
	struct db_event	*ev = NULL;
	size_t		 n = 0;

	open_both();
	new_publisher(&pub, &owner);
	new_token(&t, pub, owner, "events");
	cr_assert_eq(db_token_insert(srv, &t, 10), PAT_OK);
	cr_assert_eq(db_event_add(srv, t.id, "verified", "pat-admin",
	    "ok ✓"), PAT_OK);
	cr_assert_eq(db_event_add(srv, t.id, "used", owner, NULL), PAT_OK);
	cr_assert_eq(db_event_add(srv, t.id, "exploded", owner, NULL),
	    PAT_ERR_INVALID);
	cr_assert_eq(db_event_add(srv, "00000000-0000-4000-a000-000000000000",
	    "verified", owner, NULL), PAT_ERR_NOTFOUND);
	cr_assert_eq(db_event_list(srv, t.id, &ev, &n), PAT_OK);
	cr_assert_eq(n, 3);
	cr_assert_str_eq(ev[0].event, "created");
	cr_assert_str_eq(ev[1].event, "verified");
	cr_assert_str_eq(ev[1].detail, "ok ✓");
	cr_assert_str_eq(ev[2].event, "used");
	cr_assert_str_eq(ev[2].detail, "");
	free(ev);
	cr_assert_eq(db_event_list(srv, "00000000-0000-4000-a000-000000000000",
	    &ev, &n), PAT_OK);
	cr_assert_eq(n, 0);
	free(ev);
	free(pub);
	free(owner);
}

Test(db, list_over_the_cap_is_toobig)
{
	char		*pub, *owner, sql[256];
	struct db_token	 t;
	struct db_event	*ev = NULL;
	size_t		 n = 0;

	open_both();
	new_publisher(&pub, &owner);
	new_token(&t, pub, owner, "noisy");
	cr_assert_eq(db_token_insert(srv, &t, 10), PAT_OK);
	/* DB_LIST_MAX more events, through the SEQUENCE engine. */
	snprintf(sql, sizeof(sql), "INSERT INTO token_events (token_id, event, "
	    "actor) SELECT '%s', 'used', 'x' FROM seq_1_to_%d", t.id,
	    DB_LIST_MAX);
	cr_assert_eq(ts_sql(sql), 0);
	cr_assert_eq(db_event_list(srv, t.id, &ev, &n), PAT_ERR_TOOBIG);
	cr_assert_null(ev);
	cr_assert_eq(n, 0);
	free(pub);
	free(owner);
}

/* ---- privileges ------------------------------------------------------ */

/* Runs sql over a raw connection with cfg's account; returns its errno. */
static unsigned
raw_sql(const struct pat_config *c, const char *sql)
{
	MYSQL		*m;
	unsigned	 err;

	cr_assert_not_null(m = mysql_init(NULL));
	cr_assert_not_null(mysql_real_connect(m, "localhost", c->db_user,
	    c->db_password, c->db_name, 0, c->db_socket, 0),
	    "%s", mysql_error(m));
	err = mysql_real_query(m, sql, strlen(sql)) ? mysql_errno(m) : 0;
	mysql_close(m);
	return err;
}

Test(db, server_account_is_least_privilege)
{
	char *u = ts_unique_id("user"), *p = ts_unique_id("pub");

	open_both();
	/* Admin-only operations fail with the server account. */
	cr_assert_eq(db_user_ensure(srv, u), PAT_ERR_DB);
	cr_assert_eq(db_publisher_add(srv, p, "x"), PAT_ERR_DB);
	cr_assert_eq(db_member_add(srv, p, u, DB_ROLE_OWNER), PAT_ERR_DB);

	cr_assert_eq(raw_sql(cfg_srv,
	    "DELETE FROM personal_access_tokens WHERE id = 'x'"),
	    ER_TABLEACCESS_DENIED_ERROR);
	cr_assert_eq(raw_sql(cfg_srv, "DELETE FROM token_events WHERE id = 0"),
	    ER_TABLEACCESS_DENIED_ERROR);
	cr_assert_eq(raw_sql(cfg_srv,
	    "UPDATE token_events SET actor = 'x' WHERE id = 0"),
	    ER_TABLEACCESS_DENIED_ERROR);
	cr_assert_eq(raw_sql(cfg_srv,
	    "UPDATE users SET status = 'active' WHERE id = 'x'"),
	    ER_TABLEACCESS_DENIED_ERROR);
	cr_assert_eq(raw_sql(cfg_srv,
	    "INSERT INTO publishers (id) VALUES ('x')"),
	    ER_TABLEACCESS_DENIED_ERROR);
	cr_assert_neq(raw_sql(cfg_srv, "DROP TABLE token_events"), 0);
	/* What it may do, it can. */
	cr_assert_eq(raw_sql(cfg_srv,
	    "SELECT COUNT(*) FROM personal_access_tokens"), 0);
	/* The admin account may delete. */
	cr_assert_eq(raw_sql(cfg_adm,
	    "DELETE FROM publisher_members WHERE publisher_id = 'x'"), 0);
	free(u);
	free(p);
}

/* A raw connection with cfg's account. */
static MYSQL *
raw_open(const struct pat_config *c)
{
	MYSQL *m;

	cr_assert_not_null(m = mysql_init(NULL));
	cr_assert_not_null(mysql_real_connect(m, "localhost", c->db_user,
	    c->db_password, c->db_name, 0, c->db_socket, 0),
	    "%s", mysql_error(m));
	return m;
}

static unsigned raw_q(MYSQL *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

/* Runs one formatted SQL text on m; returns its errno (0 = success). */
static unsigned
raw_q(MYSQL *m, const char *fmt, ...)
{
	char		 sql[256];
	MYSQL_RES	*res;
	va_list		 ap;
	int		 n;

	va_start(ap, fmt);
	n = vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	cr_assert(n > 0 && n < (int)sizeof(sql));
	if (mysql_real_query(m, sql, strlen(sql)))
		return mysql_errno(m);
	if ((res = mysql_store_result(m)) != NULL)
		mysql_free_result(res);
	return 0;
}

struct revoker {
	const char	*pub;
	enum pat_err	 rc;
	unsigned	 count;
	unsigned long	 conn_before, conn_after;
};

static void *
revoke_all_thread(void *arg)
{
	struct revoker	*r = arg;
	struct db	*d = NULL;

	r->rc = db_open(cfg_srv, &d);
	if (r->rc == PAT_OK)
		r->rc = db_connection_id(d, &r->conn_before);
	if (r->rc == PAT_OK)
		r->rc = db_token_revoke_all(d, r->pub, "operator", "deadlock",
		    &r->count);
	if (r->rc == PAT_OK)
		r->rc = db_connection_id(d, &r->conn_after);
	db_close(d);
	db_thread_end();
	return NULL;
}

/*
 * A real deadlock: another transaction holds a token row and then asks for
 * the publisher row that db_token_revoke_all holds while it waits for that
 * token. The other transaction has written more rows, so InnoDB picks the
 * revoke as the victim; it must be retried and succeed.
 */
Test(db, deadlock_is_retried)
{
	char			*pub, *owner, *bulk, *o2;
	struct db_token		 t[2], b;
	struct revoker		 r = { .rc = PAT_ERR_DB };
	struct timespec		 pause = { 0, 300 * 1000 * 1000 };
	pthread_t		 th;
	MYSQL			*m;
	unsigned		 i, active = 9;

	open_both();
	new_publisher(&pub, &owner);
	new_publisher(&bulk, &o2);
	for (i = 0; i < 2; i++) {
		new_token(&t[i], pub, owner, "deadlocked");
		cr_assert_eq(db_token_insert(srv, &t[i], 10), PAT_OK);
	}
	for (i = 0; i < 20; i++) {
		new_token(&b, bulk, o2, "weight");
		cr_assert_eq(db_token_insert(srv, &b, 100), PAT_OK);
	}
	m = raw_open(cfg_adm);
	cr_assert_eq(raw_q(m, "START TRANSACTION"), 0);
	cr_assert_eq(raw_q(m, "UPDATE personal_access_tokens SET "
	    "last_used_at = UTC_TIMESTAMP() WHERE publisher_id = '%s'", bulk), 0);
	cr_assert_eq(raw_q(m, "SELECT id FROM personal_access_tokens "
	    "WHERE id = '%s' FOR UPDATE", t[0].id), 0);
	r.pub = pub;
	cr_assert_eq(pthread_create(&th, NULL, revoke_all_thread, &r), 0);
	nanosleep(&pause, NULL);	/* the revoke now waits for t[0] */
	cr_assert_eq(raw_q(m, "SELECT id FROM publishers WHERE id = '%s' "
	    "FOR UPDATE", pub), 0, "the revoke should have been the victim");
	nanosleep(&pause, NULL);	/* its retry waits for the publisher */
	cr_assert_eq(raw_q(m, "COMMIT"), 0);
	mysql_close(m);
	cr_assert_eq(pthread_join(th, NULL), 0);
	cr_assert_eq(r.rc, PAT_OK);
	cr_assert_eq(r.count, 2);
	/* Retried on the same connection: a deadlock is no reason to drop it. */
	cr_assert_eq(r.conn_before, r.conn_after);
	cr_assert_eq(db_token_count_active(srv, pub, &active), PAT_OK);
	cr_assert_eq(active, 0);
	free(pub);
	free(owner);
	free(bulk);
	free(o2);
}

/* Rows written by other means may not fit a field: cut, valid UTF-8. */
Test(db, overlong_column_is_cut_at_utf8_boundary)
{
	char		*pub, *owner, sql[256];
	struct db_token	 t, g;

	open_both();
	new_publisher(&pub, &owner);
	new_token(&t, pub, owner, "long reason");
	cr_assert_eq(db_token_insert(srv, &t, 10), PAT_OK);
	/* 255 four-byte characters: 1020 bytes, DB_REASON_MAX is 255. */
	snprintf(sql, sizeof(sql), "UPDATE personal_access_tokens SET "
	    "revoked_reason = REPEAT(_utf8mb4 0xF09F9880, 255) "
	    "WHERE id = '%s'", t.id);
	cr_assert_eq(ts_sql(sql), 0);
	cr_assert_eq(db_token_get(srv, t.id, &g), PAT_OK);
	cr_assert_eq(strlen(g.revoked_reason), 252);	/* 63 whole ones */
	cr_assert_eq(memcmp(g.revoked_reason + 248, "\xf0\x9f\x98\x80", 4),
	    0);
	free(pub);
	free(owner);
}

/* ---- reconnecting ---------------------------------------------------- */

static void
kill_conn(struct db *d, unsigned long *id)
{
	char sql[64];

	cr_assert_eq(db_connection_id(d, id), PAT_OK);
	snprintf(sql, sizeof(sql), "KILL %lu", *id);
	cr_assert_eq(ts_sql(sql), 0);
}

Test(db, reconnects_after_kill_for_reads)
{
	char			*pub, *owner;
	struct db_publisher	 p;
	unsigned long		 id1, id2;

	open_both();
	new_publisher(&pub, &owner);
	cr_assert_eq(db_publisher_get(srv, pub, &p), PAT_OK);	/* prepared */
	kill_conn(srv, &id1);
	cr_assert_eq(db_publisher_get(srv, pub, &p), PAT_OK);
	cr_assert_str_eq(p.id, pub);
	cr_assert_eq(db_connection_id(srv, &id2), PAT_OK);
	cr_assert_neq(id1, id2);
	free(pub);
	free(owner);
}

Test(db, reconnects_after_kill_for_writes)
{
	char		*pub, *owner;
	struct db_token	 t, *l = NULL;
	size_t		 n = 0;
	unsigned long	 id;
	unsigned	 count = 0;

	open_both();
	new_publisher(&pub, &owner);
	new_token(&t, pub, owner, "before");
	cr_assert_eq(db_token_insert(srv, &t, 10), PAT_OK);
	kill_conn(srv, &id);
	new_token(&t, pub, owner, "after kill");
	cr_assert_eq(db_token_insert(srv, &t, 10), PAT_OK);
	kill_conn(srv, &id);
	cr_assert_eq(db_token_revoke(srv, t.id, pub, owner, NULL), PAT_OK);
	kill_conn(srv, &id);
	cr_assert_eq(db_token_list(srv, pub, DB_STATE_ALL, &l, &n), PAT_OK);
	cr_assert_eq(n, 2);	/* exactly once each */
	free(l);
	cr_assert_eq(db_token_count_active(srv, pub, &count), PAT_OK);
	cr_assert_eq(count, 1);
	/* The admin side too. */
	kill_conn(adm, &id);
	cr_assert_eq(db_publisher_set_status(adm, pub, DB_BANNED), PAT_OK);
	free(pub);
	free(owner);
}

/* Output of one SQL text run as MariaDB root, malloc'd. */
static char *
sql_out(const char *sql)
{
	const char	*user = getenv("PAT_TEST_MYSQL_USER");
	char		*out = NULL;
	char *const argv[] = { "mariadb", "--no-defaults", "-S",
	    (char *)ts_env("PAT_TEST_MYSQL_SOCKET"), "-u",
	    (char *)(user ? user : "root"), "-D", "pat", "-N", "-B", "-e",
	    (char *)sql, NULL };

	cr_assert_eq(ts_run(argv, NULL, &out, NULL), 0, "%s", sql);
	return out;
}

Test(db, times_are_stored_as_utc)
{
	char		*pub, *owner, *out, sql[160];
	struct db_token	 t;

	open_both();
	new_publisher(&pub, &owner);
	new_token(&t, pub, owner, "utc");
	t.expires_at = 1700000000;	/* 2023-11-14 22:13:20 UTC */
	cr_assert_eq(db_token_insert(srv, &t, 10), PAT_OK);
	snprintf(sql, sizeof(sql), "SELECT expires_at, "
	    "ABS(TIMESTAMPDIFF(SECOND, created_at, UTC_TIMESTAMP())) < 10 "
	    "FROM personal_access_tokens WHERE id = '%s'", t.id);
	out = sql_out(sql);
	cr_assert_str_eq(out, "2023-11-14 22:13:20\t1\n");
	free(out);
	free(pub);
	free(owner);
}
