/*
 * test_races.c — concurrency against the real stack: creation against
 * revocation (through the API and pat-admin's revoke --all), revocation
 * against verification (a revoked token never verifies once its revocation
 * has committed), and a creation that meets a held row lock (a JSON 503
 * well inside nginx's timeout, and no row).
 */
#include <sys/wait.h>

#include <criterion/criterion.h>
#include <json-c/json.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

#define JSON_HDR "Content-Type: application/json\r\n"
#define NCREATE 24

TestSuite(races, .timeout = 240);

static char *
auth(const char *owner, int json)
{
	char *jwt = ts_jwt(owner, 600), *h = NULL;

	cr_assert(asprintf(&h, "Authorization: Bearer %s\r\n%s", jwt,
	    json ? JSON_HDR : "") > 0);
	free(jwt);
	return h;
}

/* Creates one token; returns its id (malloc'd) and its plaintext. */
static char *
create(const char *pub, const char *owner, char **token)
{
	char *h = auth(owner, 1), *path = NULL, *id = NULL;
	struct json_object *o, *v;
	struct ts_http r;

	cr_assert(asprintf(&path, "/publishers/%s/tokens", pub) > 0);
	ts_http("POST", path, h, "{\"name\":\"race\"}", 15, &r);
	if (r.status == 201) {
		o = json_tokener_parse(r.body);
		cr_assert(json_object_object_get_ex(o, "id", &v));
		id = strdup(json_object_get_string(v));
		if (token != NULL) {
			cr_assert(json_object_object_get_ex(o, "token", &v));
			*token = strdup(json_object_get_string(v));
		}
		json_object_put(o);
	}
	ts_http_free(&r);
	free(h);
	free(path);
	return id;
}

static int
delete(const char *pub, const char *owner, const char *id)
{
	char *h = auth(owner, 0), *path = NULL;
	struct ts_http r;
	int st;

	cr_assert(asprintf(&path, "/publishers/%s/tokens/%s", pub, id) > 0);
	st = ts_http("DELETE", path, h, NULL, 0, &r);
	ts_http_free(&r);
	free(h);
	free(path);
	return st;
}

struct shared {
	const char	*pub;
	const char	*owner;
	char		*ids[NCREATE];
	atomic_int	 made;
	atomic_int	 created;
	atomic_int	 revoked;
	atomic_int	 done;
};

static void *
creator(void *arg)
{
	struct shared *sh = arg;
	int i;

	for (i = 0; i < NCREATE; i++) {
		char *id = create(sh->pub, sh->owner, NULL);

		if (id != NULL) {
			sh->ids[atomic_load(&sh->made)] = id;
			atomic_fetch_add(&sh->made, 1);
			atomic_fetch_add(&sh->created, 1);
		}
	}
	atomic_store(&sh->done, 1);
	return NULL;
}

static void *
revoker(void *arg)
{
	struct shared *sh = arg;
	int next = 0;

	while (!atomic_load(&sh->done) || next < atomic_load(&sh->made)) {
		if (next < atomic_load(&sh->made)) {
			int st = delete(sh->pub, sh->owner, sh->ids[next]);

			cr_assert_eq(st, 204, "revoking %s: %d", sh->ids[next], st);
			atomic_fetch_add(&sh->revoked, 1);
			next++;
		} else {
			usleep(1000);
		}
	}
	return NULL;
}

Test(races, create_against_revoke)
{
	char *pub = ts_unique_id("race"), *owner = ts_unique_id("owner");
	struct shared sh = { .pub = pub, .owner = owner };
	pthread_t c, r;
	int i;

	ts_seed_publisher(pub, owner);
	cr_assert_eq(pthread_create(&c, NULL, creator, &sh), 0);
	cr_assert_eq(pthread_create(&r, NULL, revoker, &sh), 0);
	pthread_join(c, NULL);
	pthread_join(r, NULL);
	cr_assert_eq(atomic_load(&sh.created), NCREATE);
	cr_assert_eq(atomic_load(&sh.revoked), NCREATE);
	/* Every 201 has its row, every 204 its revocation and its event. */
	cr_assert_eq(ts_sql_long("SELECT COUNT(*) FROM personal_access_tokens "
	    "WHERE publisher_id='%s'", pub), NCREATE);
	cr_assert_eq(ts_sql_long("SELECT COUNT(*) FROM personal_access_tokens "
	    "WHERE publisher_id='%s' AND revoked_at IS NULL", pub), 0);
	cr_assert_eq(ts_sql_long("SELECT COUNT(*) FROM token_events e JOIN "
	    "personal_access_tokens t ON t.id = e.token_id WHERE "
	    "t.publisher_id='%s' AND e.event='revoked'", pub), NCREATE);
	for (i = 0; i < NCREATE; i++)
		free(sh.ids[i]);
	free(pub);
	free(owner);
}

static int
admin(const char *stdin_data, char **out, char **err, char *const args[])
{
	char *bin = NULL;
	char *argv[16];
	int i = 0, rc;

	cr_assert(asprintf(&bin, "%s/pat-admin", ts_env("PAT_TEST_BUILD")) > 0);
	argv[i++] = bin;
	argv[i++] = "--config";
	argv[i++] = (char *)ts_env("PAT_TEST_ADMIN_CONFIG");
	for (; *args != NULL && i < 15; args++)
		argv[i++] = *args;
	argv[i] = NULL;
	rc = ts_run(argv, stdin_data, out, err);
	free(bin);
	return rc;
}

Test(races, revoke_all_against_creation)
{
	char *pub = ts_unique_id("race"), *owner = ts_unique_id("owner");
	struct shared sh = { .pub = pub, .owner = owner };
	char *err = NULL;
	pthread_t c;
	int i;
	long rows, active;

	ts_seed_publisher(pub, owner);
	cr_assert_eq(pthread_create(&c, NULL, creator, &sh), 0);
	while (atomic_load(&sh.made) < NCREATE / 3)
		usleep(1000);
	{
		char *args[] = { "revoke", "--publisher", (char *)pub, "--all",
		    "--yes", NULL };

		cr_assert_eq(admin(NULL, NULL, &err, args), 0, "%s", err);
	}
	free(err);
	pthread_join(c, NULL);
	/* Whatever interleaving: no row lost or invented, every token either
	 * revoked by the sweep or created after it. */
	rows = ts_sql_long("SELECT COUNT(*) FROM personal_access_tokens "
	    "WHERE publisher_id='%s'", pub);
	active = ts_sql_long("SELECT COUNT(*) FROM personal_access_tokens "
	    "WHERE publisher_id='%s' AND revoked_at IS NULL", pub);
	cr_assert_eq(rows, atomic_load(&sh.created));
	cr_assert_geq(NCREATE - active, NCREATE / 3);
	cr_assert_eq(ts_sql_long("SELECT COUNT(*) FROM personal_access_tokens t "
	    "WHERE publisher_id='%s' AND revoked_at IS NOT NULL AND NOT EXISTS "
	    "(SELECT 1 FROM token_events e WHERE e.token_id = t.id AND "
	    "e.event = 'revoked')", pub), 0);
	for (i = 0; i < NCREATE; i++)
		free(sh.ids[i]);
	free(pub);
	free(owner);
}

struct verifier {
	const char	*token;
	atomic_int	*stop;
	int		 valid;
	int		 revoked;
};

static void *
verify_loop(void *arg)
{
	struct verifier *v = arg;
	char *in = NULL, *out = NULL, *err = NULL;
	char *args[] = { "verify", NULL };

	cr_assert(asprintf(&in, "%s\n", v->token) > 0);
	while (!atomic_load(v->stop)) {
		int rc = admin(in, &out, &err, args);

		if (rc == 0)
			v->valid++;
		else if (strstr(err, "revoked") != NULL)
			v->revoked++;
		else
			cr_assert_fail("verify: exit %d: %s", rc, err);
		free(out);
		free(err);
	}
	free(in);
	return NULL;
}

Test(races, revoked_never_verifies_after_commit)
{
	char *pub = ts_unique_id("race"), *owner = ts_unique_id("owner");
	char *token = NULL, *id, *in = NULL, *out = NULL, *err = NULL;
	char *args[] = { "verify", NULL };
	struct verifier v[2];
	atomic_int stop = 0;
	pthread_t th[2];
	int i;

	ts_seed_publisher(pub, owner);
	id = create(pub, owner, &token);
	cr_assert_not_null(id);
	cr_assert(asprintf(&in, "%s\n", token) > 0);
	cr_assert_eq(admin(in, &out, &err, args), 0, "fresh token: %s", err);
	free(out);
	free(err);
	for (i = 0; i < 2; i++) {
		v[i] = (struct verifier){ .token = token, .stop = &stop };
		cr_assert_eq(pthread_create(&th[i], NULL, verify_loop, &v[i]), 0);
	}
	usleep(300000);
	cr_assert_eq(delete(pub, owner, id), 204);
	/* From the 204 on, the revocation has committed: every verification
	 * that starts now fails as revoked. */
	for (i = 0; i < 5; i++) {
		cr_assert_eq(admin(in, &out, &err, args), 1, "verified after revoke");
		cr_assert(strstr(err, "revoked") != NULL, "%s", err);
		free(out);
		free(err);
	}
	atomic_store(&stop, 1);
	for (i = 0; i < 2; i++) {
		pthread_join(th[i], NULL);
		cr_assert_gt(v[i].valid + v[i].revoked, 0);
	}
	free(in);
	free(token);
	free(id);
	free(pub);
	free(owner);
}

/* Another session holds the publisher's row lock for 20 s: a creation
 * waits at most innodb_lock_wait_timeout per try (a quarter of the read
 * timeout), then answers JSON 503 with no row; once the lock is gone the
 * next creation succeeds. */
Test(races, lock_wait_gives_json_503)
{
	char *pub = ts_unique_id("lock"), *owner = ts_unique_id("owner");
	char *sql = NULL, *h, *path = NULL;
	const char *user = getenv("PAT_TEST_MYSQL_USER");
	struct ts_http r;
	pid_t holder;
	time_t t0;
	int st;

	ts_seed_publisher(pub, owner);
	cr_assert(asprintf(&sql, "BEGIN; SELECT id FROM publishers WHERE id='%s' "
	    "FOR UPDATE; DO SLEEP(20); COMMIT;", pub) > 0);
	holder = fork();
	cr_assert(holder >= 0);
	if (holder == 0) {
		if (freopen("/dev/null", "w", stdout) == NULL)
			_exit(127);
		execlp("mariadb", "mariadb", "--no-defaults", "-S",
		    getenv("PAT_TEST_MYSQL_SOCKET"), "-u", user ? user : "root",
		    "-D", "pat", "-N", "-B", "-e", sql, (char *)NULL);
		_exit(127);
	}
	sleep(1);	/* let it take the lock */
	h = auth(owner, 1);
	cr_assert(asprintf(&path, "/publishers/%s/tokens", pub) > 0);
	t0 = time(NULL);
	ts_http("POST", path, h, "{\"name\":\"locked\"}", 17, &r);
	cr_assert_eq(r.status, 503, "%d %s", r.status, r.body);
	cr_assert(strstr(r.body, "\"service_unavailable\"") != NULL, "%s", r.body);
	cr_assert_lt(time(NULL) - t0, 25, "the 503 took %ld s", (long)(time(NULL) - t0));
	ts_http_free(&r);
	cr_assert_eq(ts_sql_long("SELECT COUNT(*) FROM personal_access_tokens "
	    "WHERE publisher_id='%s'", pub), 0);
	waitpid(holder, &st, 0);
	ts_http("POST", path, h, "{\"name\":\"free\"}", 15, &r);
	cr_assert_eq(r.status, 201, "%d %s", r.status, r.body);
	ts_http_free(&r);
	free(h);
	free(path);
	free(sql);
	free(pub);
	free(owner);
}

/*
 * Creations in flight while the operator bans (publisher or user) or
 * removes the owner, then revokes everything: no active token may be left,
 * because the insert re-reads the ban and the role under locks in its own
 * transaction (a ban that commits first stops it; a later one waits for
 * it, and the revoke --all catches the token).
 */
static void
ban_during_creation(const char *how)
{
	char *pub = ts_unique_id("ban"), *owner = ts_unique_id("owner");
	struct shared sh[3];
	pthread_t c[3];
	char *err = NULL;
	int i, j;

	ts_seed_publisher(pub, owner);
	for (i = 0; i < 3; i++) {
		sh[i] = (struct shared){ .pub = pub, .owner = owner };
		cr_assert_eq(pthread_create(&c[i], NULL, creator, &sh[i]), 0);
	}
	while (atomic_load(&sh[0].made) < 2)
		usleep(1000);
	{
		char *args[5] = { NULL };

		if (strcmp(how, "publisher") == 0) {
			args[0] = "publisher"; args[1] = "ban"; args[2] = pub;
		} else if (strcmp(how, "user") == 0) {
			args[0] = "user"; args[1] = "ban"; args[2] = owner;
		} else {
			args[0] = "member"; args[1] = "remove"; args[2] = pub;
			args[3] = owner;
		}
		cr_assert_eq(admin(NULL, NULL, &err, args), 0, "%s", err);
		free(err);
	}
	{
		char *args[] = { "revoke", "--publisher", pub, "--all", "--yes", NULL };

		cr_assert_eq(admin(NULL, NULL, &err, args), 0, "%s", err);
		free(err);
	}
	for (i = 0; i < 3; i++)
		pthread_join(c[i], NULL);
	cr_assert_eq(ts_sql_long("SELECT COUNT(*) FROM personal_access_tokens "
	    "WHERE publisher_id='%s' AND revoked_at IS NULL", pub), 0,
	    "a token was created after the %s ban", how);
	/* Every 201 has its row. */
	cr_assert_eq(ts_sql_long("SELECT COUNT(*) FROM personal_access_tokens "
	    "WHERE publisher_id='%s'", pub),
	    atomic_load(&sh[0].created) + atomic_load(&sh[1].created) +
	    atomic_load(&sh[2].created));
	for (i = 0; i < 3; i++)
		for (j = 0; j < atomic_load(&sh[i].made); j++)
			free(sh[i].ids[j]);
	free(pub);
	free(owner);
}

Test(races, publisher_ban_during_creation) { ban_during_creation("publisher"); }
Test(races, user_ban_during_creation) { ban_during_creation("user"); }
Test(races, owner_removed_during_creation) { ban_during_creation("member"); }
