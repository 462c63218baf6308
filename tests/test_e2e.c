/*
 * test_e2e.c — the token API end to end: HTTP through the real nginx (the
 * shipped nginx/pat.conf), pat-fcgi and MariaDB that scripts/test.sh
 * started. Every accepted case has its rejected twin.
 */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <pthread.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "support.h"
#include "token.h"

#define JSON_HDR "Content-Type: application/json\r\n"

TestSuite(e2e, .timeout = 120);

static char *
auth_hdr(const char *sub, const char *extra)
{
	char *jwt = ts_jwt(sub, 300), *h = NULL;

	cr_assert(asprintf(&h, "Authorization: Bearer %s\r\n%s", jwt,
	    extra ? extra : "") > 0);
	free(jwt);
	return h;
}

static char *
tokens_path(const char *pub)
{
	char *p = NULL;

	cr_assert(asprintf(&p, "/publishers/%s/tokens", pub) > 0);
	return p;
}

/* Asserts an ErrorResponse with the given status and error code. */
static void
expect_error(struct ts_http *r, int status, const char *code)
{
	struct json_object *o, *e, *m;
	char *ct;

	cr_assert_eq(r->status, status, "status %d, want %d: %s", r->status,
	    status, r->body);
	ct = ts_http_header(r, "Content-Type");
	cr_assert_not_null(ct);
	cr_assert_str_eq(ct, "application/json; charset=utf-8");
	free(ct);
	o = json_tokener_parse(r->body);
	cr_assert_not_null(o, "error body is not JSON: %s", r->body);
	cr_assert(json_object_object_get_ex(o, "error", &e) &&
	    json_object_is_type(e, json_type_string));
	cr_assert(json_object_object_get_ex(o, "message", &m) &&
	    json_object_is_type(m, json_type_string));
	cr_assert(json_object_get_string_len(m) > 0);
	if (code != NULL)
		cr_assert_str_eq(json_object_get_string(e), code, "body %s", r->body);
	json_object_put(o);
}

static struct json_object *
create(const char *pub, const char *owner, const char *body, struct ts_http *r)
{
	char *h = auth_hdr(owner, JSON_HDR), *path = tokens_path(pub);

	ts_http("POST", path, h, body, strlen(body), r);
	free(h);
	free(path);
	return r->status == 201 ? json_tokener_parse(r->body) : NULL;
}

Test(e2e, create_list_delete)
{
	char *pub = ts_unique_id("e2e"), *owner = ts_unique_id("owner");
	char *path, *loc, *cc, *h, *del = NULL;
	struct json_object *o, *v, *list;
	struct tok_parts parts;
	struct ts_http r, l, d;
	regex_t re;
	const char *tok, *id;

	ts_seed_publisher(pub, owner);
	o = create(pub, owner, "{\"name\":\"ci\",\"description\":\"from CI\","
	    "\"id\":\"ignored\",\"token\":\"ignored\",\"createdAt\":1}", &r);
	cr_assert_not_null(o, "create: %d %s", r.status, r.body);

	cr_assert(json_object_object_get_ex(o, "token", &v));
	tok = json_object_get_string(v);
	cr_assert_eq(regcomp(&re, TOK_REGEX, REG_EXTENDED | REG_NOSUB), 0);
	cr_assert_eq(regexec(&re, tok, 0, NULL, 0), 0, "token %s", tok);
	regfree(&re);
	cr_assert_eq(tok_parse(tok, strlen(tok), &parts), PAT_OK);
	cr_assert(json_object_object_get_ex(o, "id", &v));
	id = json_object_get_string(v);
	cr_assert_eq(strlen(id), 36);
	cr_assert_str_neq(id, "ignored");
	cr_assert(json_object_object_get_ex(o, "name", &v));
	cr_assert_str_eq(json_object_get_string(v), "ci");
	cr_assert(json_object_object_get_ex(o, "description", &v));
	cr_assert_str_eq(json_object_get_string(v), "from CI");
	cr_assert(json_object_object_get_ex(o, "createdAt", &v));
	cr_assert(json_object_is_type(v, json_type_string));
	cr_assert_eq(strlen(json_object_get_string(v)), 20, "createdAt %s",
	    json_object_get_string(v));

	cc = ts_http_header(&r, "Cache-Control");
	cr_assert_not_null(cc);
	cr_assert(strstr(cc, "no-store") != NULL);
	free(cc);
	loc = ts_http_header(&r, "Location");
	cr_assert_not_null(loc);
	path = tokens_path(pub);
	cr_assert(asprintf(&del, "%s/%s", path, id) > 0);
	cr_assert_str_eq(loc, del);
	free(loc);

	/* The list shows it masked; the secret appears nowhere. */
	h = auth_hdr(owner, NULL);
	ts_http("GET", path, h, NULL, 0, &l);
	cr_assert_eq(l.status, 200, "%s", l.body);
	cr_assert_null(strstr(l.body, parts.secret));
	cr_assert_null(strstr(l.body, "argon2"));
	list = json_tokener_parse(l.body);
	cr_assert(json_object_is_type(list, json_type_array));
	cr_assert_eq(json_object_array_length(list), 1);
	v = json_object_array_get_idx(list, 0);
	{
		struct json_object *t;
		char mask[TOK_MASK_SIZE];

		cr_assert(json_object_object_get_ex(v, "token", &t));
		tok_mask(parts.selector, mask);
		cr_assert_str_eq(json_object_get_string(t), mask);
		cr_assert(json_object_object_get_ex(v, "id", &t));
		cr_assert_str_eq(json_object_get_string(t), id);
	}
	json_object_put(list);

	/* Delete: 204, then the twin: 404, and the list is empty. */
	ts_http("DELETE", del, h, NULL, 0, &d);
	cr_assert_eq(d.status, 204, "%s", d.body);
	cr_assert_eq(d.body_len, 0);
	ts_http_free(&d);
	ts_http("DELETE", del, h, NULL, 0, &d);
	expect_error(&d, 404, "not_found");
	ts_http_free(&d);
	ts_http_free(&l);
	ts_http("GET", path, h, NULL, 0, &l);
	cr_assert_eq(l.status, 200);
	cr_assert_str_eq(l.body, "[]");

	tok_parts_wipe(&parts);
	ts_http_free(&l);
	ts_http_free(&r);
	json_object_put(o);
	free(h);
	free(del);
	free(path);
	free(pub);
	free(owner);
}

Test(e2e, missing_and_bad_credentials_are_401)
{
	struct ts_http r;
	char *www;

	/* No credentials: 401 with a challenge but no error attribute. */
	ts_http("POST", "/publishers/some-pub/tokens", JSON_HDR, "{\"name\":\"x\"}", 12, &r);
	expect_error(&r, 401, NULL);
	www = ts_http_header(&r, "WWW-Authenticate");
	cr_assert_not_null(www);
	cr_assert_str_eq(www, "Bearer realm=\"pat\"");
	free(www);
	ts_http_free(&r);

	/* A token that fails: error="invalid_token" (RFC 6750 §3). */
	ts_http("POST", "/publishers/some-pub/tokens",
	    "Authorization: Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.\r\n" JSON_HDR,
	    "{\"name\":\"x\"}", 12, &r);
	expect_error(&r, 401, "invalid_token");
	www = ts_http_header(&r, "WWW-Authenticate");
	cr_assert_not_null(www);
	cr_assert(strstr(www, "Bearer realm=\"pat\"") == www);
	cr_assert(strstr(www, "error=\"invalid_token\"") != NULL);
	free(www);
	ts_http_free(&r);

	/* An expired JWT of a real owner is refused the same way. */
	{
		char *pub = ts_unique_id("e2e"), *owner = ts_unique_id("owner");
		char *jwt = ts_jwt_at(owner, time(NULL) - 7200, 3600), *h = NULL, *path = tokens_path(pub);

		ts_seed_publisher(pub, owner);
		cr_assert(asprintf(&h, "Authorization: Bearer %s\r\n", jwt) > 0);
		ts_http("GET", path, h, NULL, 0, &r);
		expect_error(&r, 401, "invalid_token");
		ts_http_free(&r);
		free(h);
		free(jwt);
		free(path);
		free(pub);
		free(owner);
	}
}

Test(e2e, owner_only)
{
	char *pub = ts_unique_id("e2e"), *owner = ts_unique_id("owner");
	char *member = ts_unique_id("member"), *stranger = ts_unique_id("stranger");
	char *sql = NULL, *h, *path = tokens_path(pub);
	struct ts_http r;

	ts_seed_publisher(pub, owner);
	cr_assert(asprintf(&sql, "INSERT INTO users (id) VALUES ('%s'),('%s');"
	    "INSERT INTO publisher_members VALUES ('%s','%s','member',NOW());",
	    member, stranger, pub, member) > 0);
	cr_assert_eq(ts_sql(sql), 0);
	free(sql);

	h = auth_hdr(member, JSON_HDR);
	ts_http("POST", path, h, "{\"name\":\"x\"}", 12, &r);
	expect_error(&r, 403, "forbidden");
	ts_http_free(&r);
	free(h);
	h = auth_hdr(stranger, JSON_HDR);
	ts_http("POST", path, h, "{\"name\":\"x\"}", 12, &r);
	expect_error(&r, 403, "forbidden");
	ts_http_free(&r);
	ts_http("GET", path, h, NULL, 0, &r);
	expect_error(&r, 403, "forbidden");
	ts_http_free(&r);
	free(h);

	/* The owner may; banned, the owner may not; the publisher banned, neither. */
	h = auth_hdr(owner, JSON_HDR);
	ts_http("GET", path, h, NULL, 0, &r);
	cr_assert_eq(r.status, 200);
	ts_http_free(&r);
	cr_assert(asprintf(&sql, "UPDATE users SET status='banned' WHERE id='%s'", owner) > 0);
	cr_assert_eq(ts_sql(sql), 0);
	free(sql);
	ts_http("POST", path, h, "{\"name\":\"x\"}", 12, &r);
	expect_error(&r, 403, "forbidden");
	ts_http_free(&r);
	cr_assert(asprintf(&sql, "UPDATE users SET status='active' WHERE id='%s';"
	    "UPDATE publishers SET status='banned' WHERE id='%s'", owner, pub) > 0);
	cr_assert_eq(ts_sql(sql), 0);
	free(sql);
	ts_http("POST", path, h, "{\"name\":\"x\"}", 12, &r);
	expect_error(&r, 403, "forbidden");
	ts_http_free(&r);
	free(h);
	free(path);

	/* Unknown publisher: 404. */
	h = auth_hdr(owner, JSON_HDR);
	ts_http("POST", "/publishers/no-such-publisher-e2e/tokens", h,
	    "{\"name\":\"x\"}", 12, &r);
	expect_error(&r, 404, "not_found");
	ts_http_free(&r);
	free(h);
	free(pub);
	free(owner);
	free(member);
	free(stranger);
}

Test(e2e, body_rules)
{
	char *pub = ts_unique_id("e2e"), *owner = ts_unique_id("owner");
	char *path = tokens_path(pub), *h = auth_hdr(owner, NULL), *hj;
	char big[17000];
	struct ts_http r;

	ts_seed_publisher(pub, owner);
	hj = auth_hdr(owner, JSON_HDR);

	/* Content type: JSON (with parameters) accepted, anything else 415. */
	{
		char *ht = auth_hdr(owner, "Content-Type: text/plain\r\n");

		ts_http("POST", path, ht, "{\"name\":\"x\"}", 12, &r);
		expect_error(&r, 415, "unsupported_media_type");
		ts_http_free(&r);
		free(ht);
		ht = auth_hdr(owner, "Content-Type: application/json; charset=utf-8\r\n");
		ts_http("POST", path, ht, "{\"name\":\"x\"}", 12, &r);
		cr_assert_eq(r.status, 201, "%s", r.body);
		ts_http_free(&r);
		free(ht);
	}
	ts_http("POST", path, h, "{\"name\":\"x\"}", 12, &r);
	expect_error(&r, 415, "unsupported_media_type");
	ts_http_free(&r);

	/* Not JSON, not an object, missing name, bad name: 400. */
	ts_http("POST", path, hj, "{\"name\":", 8, &r);
	expect_error(&r, 400, "invalid_request");
	ts_http_free(&r);
	ts_http("POST", path, hj, "[]", 2, &r);
	expect_error(&r, 400, "invalid_request");
	ts_http_free(&r);
	ts_http("POST", path, hj, "{}", 2, &r);
	expect_error(&r, 400, "invalid_request");
	ts_http_free(&r);
	ts_http("POST", path, hj, "{\"name\":\"\"}", 11, &r);
	expect_error(&r, 400, "invalid_request");
	ts_http_free(&r);
	ts_http("POST", path, hj, "{\"name\":\"a\\u0000b\"}", 19, &r);
	expect_error(&r, 400, "invalid_request");
	ts_http_free(&r);
	ts_http("POST", path, hj, "{\"name\":\"a\",\"name\":\"b\"}", 23, &r);
	expect_error(&r, 400, "invalid_request");
	ts_http_free(&r);

	/* Over 16 KiB: 413 (nginx or pat-fcgi, always JSON). */
	memset(big, ' ', sizeof(big));
	memcpy(big, "{\"name\":\"x\"", 11);
	big[sizeof(big) - 1] = '}';
	ts_http("POST", path, hj, big, sizeof(big), &r);
	expect_error(&r, 413, "payload_too_large");
	ts_http_free(&r);
	/* Its twin: padded to exactly 16 KiB, accepted. */
	big[16383] = '}';
	ts_http("POST", path, hj, big, 16384, &r);
	cr_assert_eq(r.status, 201, "%s", r.body);
	ts_http_free(&r);

	free(h);
	free(hj);
	free(path);
	free(pub);
	free(owner);
}

Test(e2e, routing)
{
	struct ts_http r;
	char *allow;

	ts_http("GET", "/", NULL, NULL, 0, &r);
	expect_error(&r, 404, "not_found");
	ts_http_free(&r);
	ts_http("GET", "/publishers/x/tokens/a/b", NULL, NULL, 0, &r);
	expect_error(&r, 404, "not_found");
	ts_http_free(&r);
	ts_http("GET", "/etc/passwd", NULL, NULL, 0, &r);
	expect_error(&r, 404, "not_found");
	ts_http_free(&r);

	ts_http("PUT", "/publishers/x/tokens", NULL, "{}", 2, &r);
	expect_error(&r, 405, "method_not_allowed");
	allow = ts_http_header(&r, "Allow");
	cr_assert_not_null(allow);
	cr_assert(strstr(allow, "GET") && strstr(allow, "POST"));
	free(allow);
	ts_http_free(&r);
	ts_http("POST", "/publishers/x/tokens/00000000-0000-4000-8000-000000000000",
	    NULL, "{}", 2, &r);
	expect_error(&r, 405, "method_not_allowed");
	allow = ts_http_header(&r, "Allow");
	cr_assert_not_null(allow);
	cr_assert(strstr(allow, "DELETE") != NULL);
	free(allow);
	ts_http_free(&r);

	/* nginx itself says who it is not. */
	ts_http("GET", "/", NULL, NULL, 0, &r);
	cr_assert_null(strstr(r.headers, "nginx/"));
	ts_http_free(&r);
}

Test(e2e, creation_is_rate_limited)
{
	struct ts_http r;
	int i, limited = 0, other = 0;
	char *retry;

	/* All from one address: past the burst, nginx answers 429 in JSON. */
	ts_http_set_source("127.0.0.77");
	for (i = 0; i < 40; i++) {
		ts_http("POST", "/publishers/rate/tokens", JSON_HDR, "{}", 2, &r);
		if (r.status == 429) {
			expect_error(&r, 429, "too_many_requests");
			retry = ts_http_header(&r, "Retry-After");
			cr_assert_not_null(retry);
			free(retry);
			limited++;
		} else {
			cr_assert_eq(r.status, 401);
			other++;
		}
		ts_http_free(&r);
	}
	cr_assert_gt(limited, 0);
	cr_assert_gt(other, 0);
	/* The twin: GET is not limited. */
	for (i = 0; i < 40; i++) {
		ts_http("GET", "/publishers/rate/tokens", NULL, NULL, 0, &r);
		cr_assert_eq(r.status, 401);
		ts_http_free(&r);
	}
	ts_http_set_source(NULL);
}

struct racer {
	const char	*pub;
	const char	*owner;
	int		 created;
	int		 limited;
	int		 other;
};

static void *
race(void *arg)
{
	struct racer *rc = arg;
	struct ts_http r;
	int i;

	for (i = 0; i < 8; i++) {
		struct json_object *o = create(rc->pub, rc->owner,
		    "{\"name\":\"race\"}", &r);

		if (r.status == 201)
			rc->created++;
		else if (r.status == 400 && strstr(r.body, "token_limit_reached"))
			rc->limited++;
		else
			rc->other++;
		json_object_put(o);
		ts_http_free(&r);
	}
	return NULL;
}

/* 16 clients x 8 creations against the cap of 100: exactly 100 succeed,
 * exactly 100 rows exist, the other 28 are token_limit_reached. */
Test(e2e, cap_holds_under_concurrency, .timeout = 300)
{
	char *pub = ts_unique_id("race"), *owner = ts_unique_id("owner");
	struct racer rc[16];
	pthread_t th[16];
	int i, created = 0, limited = 0, other = 0;

	ts_seed_publisher(pub, owner);
	for (i = 0; i < 16; i++) {
		rc[i] = (struct racer){ .pub = pub, .owner = owner };
		cr_assert_eq(pthread_create(&th[i], NULL, race, &rc[i]), 0);
	}
	for (i = 0; i < 16; i++) {
		pthread_join(th[i], NULL);
		created += rc[i].created;
		limited += rc[i].limited;
		other += rc[i].other;
	}
	cr_assert_eq(other, 0);
	cr_assert_eq(created, 100);
	cr_assert_eq(limited, 28);
	cr_assert_eq(ts_sql_long("SELECT COUNT(*) FROM personal_access_tokens "
	    "WHERE publisher_id='%s' AND revoked_at IS NULL", pub), 100);
	free(pub);
	free(owner);
}

/* Returns 1 if needle occurs in any file of dir (the stack's logs). */
static int
found_in_logs(const char *dir, const char *needle)
{
	char *const argv[] = { "grep", "-rqF", "--", (char *)needle, (char *)dir, NULL };

	return ts_run(argv, NULL, NULL, NULL) == 0;
}

/* The token, its secret and the caller's JWT reach no log (nginx's access
 * and error logs, pat-fcgi's log) and no database column; the stored hash
 * is an Argon2id PHC string. The twin: the token id, which is not secret,
 * does appear (the DELETE line of the access log), so the search works. */
Test(e2e, secrets_stay_out_of_logs_and_database)
{
	char *pub = ts_unique_id("secret"), *owner = ts_unique_id("owner");
	char *jwt = ts_jwt(owner, 300), *h = NULL, *path = NULL, *del = NULL;
	char *logs = NULL;
	struct json_object *o, *v;
	struct tok_parts parts;
	struct ts_http r;
	const char *tok, *id;

	ts_seed_publisher(pub, owner);
	cr_assert(asprintf(&h, "Authorization: Bearer %s\r\n" JSON_HDR, jwt) > 0);
	cr_assert(asprintf(&path, "/publishers/%s/tokens", pub) > 0);
	ts_http("POST", path, h, "{\"name\":\"s\"}", 12, &r);
	cr_assert_eq(r.status, 201, "%s", r.body);
	o = json_tokener_parse(r.body);
	cr_assert(json_object_object_get_ex(o, "token", &v));
	tok = json_object_get_string(v);
	cr_assert_eq(tok_parse(tok, strlen(tok), &parts), PAT_OK);
	cr_assert(json_object_object_get_ex(o, "id", &v));
	id = json_object_get_string(v);
	cr_assert(asprintf(&del, "%s/%s", path, id) > 0);
	ts_http_free(&r);
	ts_http("DELETE", del, h, NULL, 0, &r);
	cr_assert_eq(r.status, 204);
	ts_http_free(&r);
	sleep(1);	/* nginx writes its access log line after the response */

	cr_assert(asprintf(&logs, "%s/log", ts_env("PAT_TEST_DIR")) > 0);
	cr_assert(found_in_logs(logs, id), "the twin: the token id should be in the access log");
	cr_assert_not(found_in_logs(logs, tok), "the token is in a log");
	cr_assert_not(found_in_logs(logs, parts.secret), "the secret is in a log");
	cr_assert_not(found_in_logs(logs, jwt), "the JWT is in a log");
	cr_assert_not(found_in_logs(logs, strrchr(jwt, '.') + 1), "the JWT's signature is in a log");

	cr_assert_eq(ts_sql_long("SELECT COUNT(*) FROM personal_access_tokens WHERE "
	    "CONCAT_WS('|', id, name, description, selector, hash, created_by, "
	    "IFNULL(revoked_by, ''), IFNULL(revoked_reason, '')) LIKE '%%%s%%'",
	    parts.secret), 0);
	cr_assert_eq(ts_sql_long("SELECT COUNT(*) FROM token_events WHERE "
	    "CONCAT_WS('|', actor, detail) LIKE '%%%s%%'", parts.secret), 0);
	cr_assert_eq(ts_sql_long("SELECT COUNT(*) FROM personal_access_tokens WHERE "
	    "id = '%s' AND selector = '%s' AND hash LIKE '$argon2id$v=19$m=%%'",
	    id, parts.selector), 1);

	tok_parts_wipe(&parts);
	json_object_put(o);
	free(logs);
	free(del);
	free(path);
	free(h);
	free(jwt);
	free(pub);
	free(owner);
}

/* Errors nginx raises itself, before or without pat-fcgi, are JSON too
 * (an error raised while parsing the request line used to be an HTML 500),
 * and the error pages cannot be requested directly. */
Test(e2e, nginx_own_errors_are_json)
{
	static char longuri[20000];
	struct ts_http r;
	char *ct;

	ts_http("GET", "/publishers/acme%00/tokens", NULL, NULL, 0, &r);
	expect_error(&r, 400, "bad_request");
	ts_http_free(&r);
	ts_http("GE(T", "/publishers/acme/tokens", NULL, NULL, 0, &r);
	expect_error(&r, 400, "bad_request");
	ts_http_free(&r);
	memset(longuri, 'a', sizeof(longuri) - 1);
	longuri[0] = '/';
	ts_http("GET", longuri, NULL, NULL, 0, &r);
	expect_error(&r, 414, "uri_too_long");
	ts_http_free(&r);
	ts_http("GET", "/__pat_error/500", NULL, NULL, 0, &r);
	expect_error(&r, 404, "not_found");
	ts_http_free(&r);
	/* The twin: an ordinary request is answered by pat-fcgi. */
	ts_http("GET", "/publishers/acme/tokens", NULL, NULL, 0, &r);
	expect_error(&r, 401, "unauthorized");
	ct = ts_http_header(&r, "Content-Type");
	cr_assert_str_eq(ct, "application/json; charset=utf-8");
	free(ct);
	ts_http_free(&r);
}
