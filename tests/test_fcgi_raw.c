/*
 * test_fcgi_raw.c — FastCGI spoken directly to pat-fcgi's socket, not
 * through nginx: the abuse a broken or hostile upstream could send. After
 * each, pat-fcgi still answers a well-formed request.
 */

#include <sys/stat.h>

#include <criterion/criterion.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

TestSuite(fcgi_raw, .timeout = 120);

static char *
owner_auth(char **pub_out)
{
	char *pub = ts_unique_id("raw"), *owner = ts_unique_id("owner");
	char *jwt, *h = NULL;

	ts_seed_publisher(pub, owner);
	jwt = ts_jwt(owner, 300);
	cr_assert(asprintf(&h, "Bearer %s", jwt) > 0);
	free(jwt);
	free(owner);
	*pub_out = pub;
	return h;
}

Test(fcgi_raw, well_formed_baseline)
{
	char *pub, *auth = owner_auth(&pub), *uri = NULL, *out = NULL;

	cr_assert(asprintf(&uri, "/publishers/%s/tokens", pub) > 0);
	cr_assert_eq(ts_fcgi_request("POST", uri, auth, "application/json", "12",
	    "{\"name\":\"r\"}", 12, &out), 201, "%s", out);
	cr_assert(strstr(out, "Cache-Control: no-store") != NULL);
	free(out);
	cr_assert_eq(ts_fcgi_request("GET", uri, auth, NULL, NULL, NULL, 0, NULL), 200);
	ts_fcgi_still_serving();
	free(uri);
	free(auth);
	free(pub);
}

Test(fcgi_raw, content_length_disagrees_with_body)
{
	char *pub, *auth = owner_auth(&pub), *uri = NULL, *out = NULL;

	cr_assert(asprintf(&uri, "/publishers/%s/tokens", pub) > 0);
	/* Announced 100, sent 12: a short read is a 400, never a parse. */
	cr_assert_eq(ts_fcgi_request("POST", uri, auth, "application/json", "100",
	    "{\"name\":\"r\"}", 12, &out), 400, "%s", out);
	cr_assert(strstr(out, "\"error\"") != NULL);
	free(out);
	/* Announced 5 of a valid 12-byte body: only 5 bytes are read: 400. */
	cr_assert_eq(ts_fcgi_request("POST", uri, auth, "application/json", "5",
	    "{\"name\":\"r\"}", 12, NULL), 400);
	/* The twin: the right length is a 201. */
	cr_assert_eq(ts_fcgi_request("POST", uri, auth, "application/json", "12",
	    "{\"name\":\"r\"}", 12, NULL), 201);
	ts_fcgi_still_serving();
	free(uri);
	free(auth);
	free(pub);
}

Test(fcgi_raw, bad_content_length_values)
{
	char *pub, *auth = owner_auth(&pub), *uri = NULL;
	static const char *bad[] = { "abc", "-1", "1e3", " 12", "12 ", "+12",
	    "99999999999999999999", "0x10" };
	size_t i;
	int st;

	cr_assert(asprintf(&uri, "/publishers/%s/tokens", pub) > 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		st = ts_fcgi_request("POST", uri, auth, "application/json", bad[i],
		    "{\"name\":\"r\"}", 12, NULL);
		cr_assert(st == 400 || st == 411 || st == 413,
		    "CONTENT_LENGTH '%s' gave %d", bad[i], st);
	}
	/* Over the limit: 413 before anything is read or allocated. */
	cr_assert_eq(ts_fcgi_request("POST", uri, auth, "application/json", "16385",
	    NULL, 0, NULL), 413);
	cr_assert_eq(ts_fcgi_request("POST", uri, auth, "application/json",
	    "4294967296", NULL, 0, NULL), 413);
	ts_fcgi_still_serving();
	free(uri);
	free(auth);
	free(pub);
}

Test(fcgi_raw, aborted_and_truncated_requests)
{
	unsigned char p[8192];
	size_t n;
	int fd, i;

	for (i = 0; i < 8; i++) {
		/* Begin, half the params, then hang up. */
		fd = ts_fcgi_connect();
		ts_fcgi_begin(fd);
		n = ts_fcgi_params(p, "POST", "/publishers/x/tokens", NULL,
		    "application/json", "12");
		ts_fcgi_record(fd, TS_FCGI_PARAMS, p, n / 2);
		close(fd);

		/* Full params, a body shorter than announced, then hang up. */
		fd = ts_fcgi_connect();
		ts_fcgi_begin(fd);
		n = ts_fcgi_params(p, "POST", "/publishers/x/tokens", "Bearer x",
		    "application/json", "1000");
		ts_fcgi_record(fd, TS_FCGI_PARAMS, p, n);
		ts_fcgi_record(fd, TS_FCGI_PARAMS, NULL, 0);
		ts_fcgi_record(fd, TS_FCGI_STDIN, "{\"na", 4);
		close(fd);

		/* An ABORT_REQUEST record in the middle. */
		fd = ts_fcgi_connect();
		ts_fcgi_begin(fd);
		ts_fcgi_record(fd, TS_FCGI_PARAMS, p, n);
		ts_fcgi_record(fd, TS_FCGI_PARAMS, NULL, 0);
		ts_fcgi_record(fd, TS_FCGI_ABORT, NULL, 0);
		(void)ts_fcgi_response(fd, NULL);
		close(fd);

		/* A record header cut in half. */
		fd = ts_fcgi_connect();
		ts_fcgi_put(fd, "\x01\x01\x00", 3);
		close(fd);
	}
	ts_fcgi_still_serving();
}

Test(fcgi_raw, connection_dropped_mid_response)
{
	char *pub, *auth = owner_auth(&pub), *uri = NULL;
	unsigned char p[8192];
	size_t n;
	int fd, i;

	cr_assert(asprintf(&uri, "/publishers/%s/tokens", pub) > 0);
	for (i = 0; i < 12; i++) {
		fd = ts_fcgi_connect();
		ts_fcgi_begin(fd);
		n = ts_fcgi_params(p, i % 2 ? "GET" : "POST", uri, auth,
		    "application/json", i % 2 ? NULL : "12");
		ts_fcgi_record(fd, TS_FCGI_PARAMS, p, n);
		ts_fcgi_record(fd, TS_FCGI_PARAMS, NULL, 0);
		if (i % 2 == 0)
			ts_fcgi_record(fd, TS_FCGI_STDIN, "{\"name\":\"r\"}", 12);
		ts_fcgi_record(fd, TS_FCGI_STDIN, NULL, 0);
		close(fd);	/* gone before the answer */
	}
	ts_fcgi_still_serving();
	free(uri);
	free(auth);
	free(pub);
}

/* The server's memory holds tokens, the pepper and keys: no core dumps,
 * in the supervisor and in the worker it forks. */
Test(fcgi_raw, no_core_dumps)
{
	char *pids = NULL, *line = NULL, *path = NULL;
	size_t cap = 0;
	FILE *f;
	long sup = 0;
	int checked = 0;

	cr_assert(asprintf(&pids, "%s/run/pids", ts_env("PAT_TEST_DIR")) > 0);
	cr_assert_not_null(f = fopen(pids, "r"));
	while (getline(&line, &cap, f) > 0)
		if (strncmp(line, "pat-fcgi ", 9) == 0)
			sup = strtol(line + 9, NULL, 10);
	fclose(f);
	cr_assert_gt(sup, 0, "no pat-fcgi in %s", pids);
	{
		char *tasks = NULL, *children = NULL;
		long pid[2] = { sup, 0 };
		int i;

		cr_assert(asprintf(&tasks, "/proc/%ld/task/%ld/children", sup, sup) > 0);
		if ((f = fopen(tasks, "r")) != NULL) {
			if (getline(&children, &cap, f) > 0)
				pid[1] = strtol(children, NULL, 10);
			fclose(f);
		}
		cr_assert_gt(pid[1], 0, "pat-fcgi has no worker process");
		for (i = 0; i < 2; i++) {
			free(path);
			cr_assert(asprintf(&path, "/proc/%ld/limits", pid[i]) > 0);
			cr_assert_not_null(f = fopen(path, "r"));
			while (getline(&line, &cap, f) > 0) {
				if (strncmp(line, "Max core file size", 18) == 0) {
					long soft, hard;

					cr_assert_eq(sscanf(line + 18, " %ld %ld", &soft, &hard), 2,
					    "%s", line);
					cr_assert_eq(soft, 0);
					cr_assert_eq(hard, 0);
					checked++;
				}
			}
			fclose(f);
		}
		free(tasks);
		free(children);
	}
	cr_assert_eq(checked, 2);
	free(line);
	free(path);
	free(pids);
}

/* Only nginx may reach the socket: mode 0660, group nginx's (www-data
 * when the stack runs as root), never world-accessible. */
Test(fcgi_raw, socket_is_for_nginx_only)
{
	const char *path = ts_env("PAT_TEST_FCGI_SOCKET");
	struct stat st;

	cr_assert_eq(stat(path, &st), 0);
	cr_assert(S_ISSOCK(st.st_mode));
	cr_assert_eq(st.st_mode & 0777, 0660, "mode %o", st.st_mode & 0777);
	if (geteuid() == 0) {
		struct group *g = getgrgid(st.st_gid);

		cr_assert_not_null(g);
		cr_assert_str_eq(g->gr_name, "www-data");
	}
}
