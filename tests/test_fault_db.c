/*
 * test_fault_db.c — MariaDB failures under pat-fcgi, through nginx:
 * killed with SIGKILL and restarted, connections killed server-side.
 * pat-fcgi answers JSON 5xx quickly while the database is away and serves
 * again when it is back, without a restart; no token is reported created
 * that was not stored. Runs last and alone (scripts/test.sh): it stops the
 * shared MariaDB.
 */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "support.h"

#define JSON_HDR "Content-Type: application/json\r\n"

TestSuite(fault, .timeout = 240);

static void
stack_cmd(const char *cmd)
{
	char *script = NULL, *err = NULL;

	cr_assert(asprintf(&script, "%s/scripts/stack.sh", ts_env("PAT_TEST_TOP")) > 0);
	{
		char *const argv[] = { script, (char *)cmd,
		    (char *)ts_env("PAT_TEST_DIR"), NULL };

		cr_assert_eq(ts_run(argv, NULL, NULL, &err), 0, "stack.sh %s: %s", cmd, err);
	}
	free(err);
	free(script);
}

static int
post(const char *pub, const char *owner, struct ts_http *r)
{
	char *jwt = ts_jwt(owner, 300), *h = NULL, *path = NULL;

	cr_assert(asprintf(&h, "Authorization: Bearer %s\r\n" JSON_HDR, jwt) > 0);
	cr_assert(asprintf(&path, "/publishers/%s/tokens", pub) > 0);
	ts_http("POST", path, h, "{\"name\":\"fault\"}", 16, r);
	free(jwt);
	free(h);
	free(path);
	return r->status;
}

static void
expect_5xx_json(struct ts_http *r)
{
	struct json_object *o, *e;

	cr_assert(r->status == 500 || r->status == 503, "status %d: %s",
	    r->status, r->body);
	o = json_tokener_parse(r->body);
	cr_assert_not_null(o, "not JSON: %s", r->body);
	cr_assert(json_object_object_get_ex(o, "error", &e));
	cr_assert(json_object_object_get_ex(o, "message", &e));
	cr_assert_null(strstr(r->body, "mysql"));
	cr_assert_null(strstr(r->body, "MariaDB"));
	json_object_put(o);
}

Test(fault, mariadb_killed_and_restarted)
{
	char *pub = ts_unique_id("fault"), *owner = ts_unique_id("owner");
	struct ts_http r;
	int i, created = 0;
	time_t t0;

	ts_seed_publisher(pub, owner);
	cr_assert_eq(post(pub, owner, &r), 201, "%s", r.body);
	created++;
	ts_http_free(&r);

	stack_cmd("db-kill");
	/* Every worker finds the database gone: JSON 5xx, fast (well under
	 * nginx's 30 s fastcgi_read_timeout). */
	for (i = 0; i < 6; i++) {
		t0 = time(NULL);
		post(pub, owner, &r);
		expect_5xx_json(&r);
		cr_assert_leq(time(NULL) - t0, 10, "a 5xx took %ld s", (long)(time(NULL) - t0));
		ts_http_free(&r);
	}
	/* The twin: a bad JWT needs no database and is still a 401. */
	ts_http("GET", "/publishers/x/tokens", "Authorization: Bearer x.y.z\r\n",
	    NULL, 0, &r);
	cr_assert_eq(r.status, 401);
	ts_http_free(&r);

	stack_cmd("db-start");
	/* Back: the next requests succeed, pat-fcgi was not restarted. */
	for (i = 0; i < 8; i++) {
		cr_assert_eq(post(pub, owner, &r), 201, "after restart #%d: %d %s",
		    i, r.status, r.body);
		created++;
		ts_http_free(&r);
	}
	cr_assert_eq(ts_sql_long("SELECT COUNT(*) FROM personal_access_tokens "
	    "WHERE publisher_id='%s'", pub), created);
	free(pub);
	free(owner);
}

Test(fault, connections_killed_server_side)
{
	char *pub = ts_unique_id("fault"), *owner = ts_unique_id("owner");
	struct ts_http r;
	int i, round, created = 0;

	ts_seed_publisher(pub, owner);
	for (round = 0; round < 3; round++) {
		for (i = 0; i < 4; i++) {
			cr_assert_eq(post(pub, owner, &r), 201, "%s", r.body);
			created++;
			ts_http_free(&r);
		}
		/* KILL every connection of the server's account. */
		cr_assert_eq(ts_sql("KILL CONNECTION USER 'pat'@'localhost'"), 0);
	}
	for (i = 0; i < 4; i++) {
		cr_assert_eq(post(pub, owner, &r), 201, "after KILL: %d %s",
		    r.status, r.body);
		created++;
		ts_http_free(&r);
	}
	cr_assert_eq(ts_sql_long("SELECT COUNT(*) FROM personal_access_tokens "
	    "WHERE publisher_id='%s'", pub), created);
	free(pub);
	free(owner);
}
