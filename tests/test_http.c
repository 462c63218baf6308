/*
 * test_http.c — pat-fcgi's handlers (cgi-bin/app.c, cgi-bin/http.c),
 * called with request structs: no socket, no nginx.
 *
 * Suite "pure": a self-contained config written to a temporary directory,
 * whose database socket does not exist. Every request there must be
 * answered without the database: had a handler touched it, the answer
 * would be a 503 (the twins below prove that it would).
 * Suite "db": the harness's config (PAT_TEST_CONFIG) and its MariaDB.
 */
#include <sys/random.h>
#include <sys/stat.h>

#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "../cgi-bin/app.h"
#include "config.h"
#include "db.h"
#include "../cgi-bin/http.h"
#include "jwt.h"
#include "pwhash.h"
#include "support.h"
#include "token.h"

#define ISS	"https://issuer.test/"
#define AUD	"pat-test"

static char			 tmpdir[64];
static unsigned char		 hs_secret[48];
static struct pat_config	*cfg;
static struct app		*app;
static struct worker		*wk;

/* ---------------------------------------------------------------- helpers */

static void
write_file(const char *dir, const char *name, const void *data, size_t len)
{
	char	path[256];
	int	fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert(fd >= 0, "open %s", path);
	cr_assert_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void
pure_setup(void)
{
	static const char	 alnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	char			 conf[1024], path[256], err[512];
	size_t			 i;
	int			 n;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/pat-test-http-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
	cr_assert_eq(getrandom(hs_secret, sizeof(hs_secret), 0),
	    (ssize_t)sizeof(hs_secret));
	for (i = 0; i < sizeof(hs_secret); i++)
		hs_secret[i] = (unsigned char)alnum[hs_secret[i] % 36];
	write_file(tmpdir, "jwt.secret", hs_secret, sizeof(hs_secret));
	n = snprintf(conf, sizeof(conf),
	    "[server]\nlisten = unix:%s/pat.sock\nthreads = 1\n"
	    "[database]\nsocket = %s/no-such-mysqld.sock\n"
	    "connect_timeout = 1\n"
	    "[auth]\nissuer = " ISS "\naudience = " AUD "\n"
	    "leeway_seconds = 5\nhs256_secret_file = jwt.secret\n"
	    "[tokens]\nargon2_memory_kib = 64\nargon2_iterations = 1\n"
	    "max_tokens_per_publisher = 100\n", tmpdir, tmpdir);
	cr_assert(n > 0 && (size_t)n < sizeof(conf));
	write_file(tmpdir, "pat.conf", conf, (size_t)n);
	snprintf(path, sizeof(path), "%s/pat.conf", tmpdir);
	if (cfg_load(path, &cfg, err, sizeof(err)) != PAT_OK)
		cr_assert_fail("cfg_load: %s", err);
	if (app_new(cfg, &app, err, sizeof(err)) != PAT_OK)
		cr_assert_fail("app_new: %s", err);
	cr_assert_eq(worker_new(app, &wk), PAT_OK);
}

static void
pure_teardown(void)
{
	char	path[256];

	worker_free(wk);
	app_free(app);
	cfg_free(cfg);
	wk = NULL;
	app = NULL;
	cfg = NULL;
	snprintf(path, sizeof(path), "%s/jwt.secret", tmpdir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/pat.conf", tmpdir);
	unlink(path);
	rmdir(tmpdir);
}

/* A JWT signed with the pure config's secret. Caller frees. */
static char *
pure_jwt(const char *sub, long ttl)
{
	char	*jwt = NULL;

	cr_assert_eq(jwt_sign_hs256(hs_secret, sizeof(hs_secret), ISS, AUD,
	    sub, time(NULL), ttl, &jwt), PAT_OK);
	return jwt;
}

/* An HS256 JWT over the given payload (printf format), pure secret. */
static char *craft_jwt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *
craft_jwt(const char *fmt, ...)
{
	static const char	 hdr[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
	char			*pay = NULL, *out;
	char			 seg[1024];
	unsigned char		 mac[32];
	unsigned int		 maclen = 0;
	size_t			 off;
	va_list			 ap;
	int			 n;

	va_start(ap, fmt);
	n = vasprintf(&pay, fmt, ap);
	va_end(ap);
	cr_assert(n > 0);
	out = malloc(2048);
	cr_assert_not_null(out);
	off = jwt_b64url_encode(hdr, sizeof(hdr) - 1, out, 2048);
	out[off++] = '.';
	off += jwt_b64url_encode(pay, (size_t)n, out + off, 2048 - off);
	cr_assert_not_null(HMAC(EVP_sha256(), hs_secret, sizeof(hs_secret),
	    (unsigned char *)out, off, mac, &maclen));
	out[off++] = '.';
	jwt_b64url_encode(mac, maclen, seg, sizeof(seg));
	cr_assert_lt(off + strlen(seg), 2048);
	memcpy(out + off, seg, strlen(seg) + 1);
	free(pay);
	return out;
}

static char *
xstrdup(const char *s)
{
	char	*p;

	if (s == NULL)
		return NULL;
	p = strdup(s);
	cr_assert_not_null(p);
	return p;
}

/* auth is the whole Authorization value; body NULL = no body. */
static void
mkreq(struct http_request *r, const char *method, const char *path,
    const char *ctype, const char *auth, const char *body)
{
	http_request_init(r);
	r->method = xstrdup(method);
	r->path = xstrdup(path);
	r->content_type = xstrdup(ctype);
	r->authorization = xstrdup(auth);
	r->remote_addr = xstrdup("127.0.0.1");
	if (body != NULL) {
		r->body = xstrdup(body);
		r->body_len = strlen(body);
		r->body_state = HTTP_BODY_OK;
	}
}

/* "Bearer <jwt>", malloc'd; frees jwt. */
static char *
bearer(char *jwt)
{
	char	*s = NULL;

	cr_assert(asprintf(&s, "Bearer %s", jwt) > 0);
	free(jwt);
	return s;
}

/* Runs one request against worker w; resp is initialised here. */
static void
call(struct worker *w, const char *method, const char *path,
    const char *ctype, const char *auth, const char *body,
    struct http_response *resp)
{
	struct http_request	req;

	mkreq(&req, method, path, ctype, auth, body);
	http_response_init(resp);
	app_handle(w, &req, resp);
	http_request_free(&req);
}

/* The value of header name in the rendered response, malloc'd, or NULL. */
static char *
rendered_header(const struct http_response *resp, const char *name)
{
	char	*out = NULL, *line, *end, *val = NULL;
	size_t	 outlen = 0, nl = strlen(name);

	cr_assert_eq(http_render(resp, &out, &outlen), PAT_OK);
	for (line = out; (end = strstr(line, "\r\n")) != NULL && end != line;
	    line = end + 2) {
		if (strncasecmp(line, name, nl) == 0 && line[nl] == ':') {
			val = strndup(line + nl + 2, (size_t)(end - line - nl - 2));
			break;
		}
	}
	http_render_free(out, outlen);
	return val;
}

/* Asserts an ErrorResponse: status, exactly "error" and "message"
 * (non-empty strings), error == code. */
static void
assert_error(const struct http_response *resp, int status, const char *code)
{
	struct json_object	*o, *e, *m;
	char			*ct;

	cr_assert_eq(resp->status, status, "status %d, want %d (%.*s)",
	    resp->status, status, (int)resp->body_len,
	    resp->body ? resp->body : "");
	cr_assert_not_null(resp->body);
	o = json_tokener_parse(resp->body);
	cr_assert_not_null(o, "body is not JSON: %s", resp->body);
	cr_assert(json_object_is_type(o, json_type_object));
	cr_assert_eq(json_object_object_length(o), 2, "%s", resp->body);
	cr_assert(json_object_object_get_ex(o, "error", &e));
	cr_assert(json_object_object_get_ex(o, "message", &m));
	cr_assert(json_object_is_type(e, json_type_string));
	cr_assert(json_object_is_type(m, json_type_string));
	cr_assert_str_eq(json_object_get_string(e), code);
	cr_assert_gt(json_object_get_string_len(m), 0);
	json_object_put(o);
	ct = rendered_header(resp, "Content-Type");
	cr_assert_not_null(ct);
	cr_assert_str_eq(ct, "application/json; charset=utf-8");
	free(ct);
	ct = rendered_header(resp, "Cache-Control");
	cr_assert_not_null(ct);
	cr_assert_str_eq(ct, "no-store");
	free(ct);
}

static void
assert_header(const struct http_response *resp, const char *name,
    const char *want)
{
	char	*v = rendered_header(resp, name);

	if (want == NULL) {
		cr_assert_null(v, "unexpected %s: %s", name, v);
		return;
	}
	cr_assert_not_null(v, "no %s header", name);
	cr_assert_str_eq(v, want, "%s: %s, want %s", name, v, want);
	free(v);
}

/* ------------------------------------------------------------ pure suite */

TestSuite(pure, .init = pure_setup, .fini = pure_teardown);

#define TOKENS	"/publishers/acme/tokens"
#define TOKEN	"/publishers/acme/tokens/0b4f8c4e-8a3a-4c1e-9a53-3f2f9b2c1d7e"
#define JSONCT	"application/json"
#define BODY	"{\"name\":\"ci\"}"

Test(pure, unknown_paths_are_json_404)
{
	static const char *const bad[] = {
		"/", "/publishers", "/publishers/", "/publishers/acme",
		"/publishers/acme/tokens/", "/publishers/acme/tokensx",
		"/publishers//tokens", "/publishers/acme//tokens",
		"/publishers/acme%2Ftokens", "/publishers/acme/tokens%2F",
		"/publishers/ac%00me/tokens", "/publishers/%61cme/tokens",
		"/x/publishers/acme/tokens", "publishers/acme/tokens",
		"/publishers/acme/tokens/" "0b4f8c4e-8a3a-4c1e-9a53-3f2f9b2c1d7e/",
		"/publishers/acme/tokens/a/b", "", NULL
	};
	struct http_response	resp;
	size_t			i;

	for (i = 0; bad[i] != NULL; i++) {
		call(wk, "GET", bad[i], NULL, NULL, NULL, &resp);
		cr_assert_eq(resp.status, 404, "%s: %d", bad[i], resp.status);
		assert_error(&resp, 404, "not_found");
		http_response_free(&resp);
	}
	call(wk, "GET", NULL, NULL, NULL, NULL, &resp);
	assert_error(&resp, 404, "not_found");
	http_response_free(&resp);

	/* Twins: the exact shapes route (and stop at the credentials). */
	call(wk, "GET", TOKENS, NULL, NULL, NULL, &resp);
	assert_error(&resp, 401, "unauthorized");
	http_response_free(&resp);
	call(wk, "DELETE", TOKEN, NULL, NULL, NULL, &resp);
	assert_error(&resp, 401, "unauthorized");
	http_response_free(&resp);
}

Test(pure, long_path_is_404)
{
	struct http_response	resp;
	char			path[600];

	memset(path, 'a', sizeof(path));
	memcpy(path, "/publishers/", 12);
	memcpy(path + sizeof(path) - 8, "/tokens", 8);
	call(wk, "GET", path, NULL, NULL, NULL, &resp);
	assert_error(&resp, 404, "not_found");
	http_response_free(&resp);
}

Test(pure, bad_publisher_id_is_404_before_credentials)
{
	static const char *const bad[] = {
		"/publishers/ACME/tokens", "/publishers/1acme/tokens",
		"/publishers/-acme/tokens", "/publishers/ac_me/tokens",
		"/publishers/ac.me/tokens", "/publishers/..%2f/tokens",
		"/publishers/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "aaaaaaaaaaaaaa/tokens",	/* 65 */
		NULL
	};
	struct http_response	resp;
	size_t			i;

	for (i = 0; bad[i] != NULL; i++) {
		call(wk, "GET", bad[i], NULL, NULL, NULL, &resp);
		cr_assert_eq(resp.status, 404, "%s: %d", bad[i], resp.status);
		assert_error(&resp, 404, "not_found");
		http_response_free(&resp);
	}
	/* Twin: 64 characters is a valid id. */
	call(wk, "GET", "/publishers/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaa/tokens", NULL, NULL, NULL, &resp);
	assert_error(&resp, 401, "unauthorized");
	http_response_free(&resp);
}

Test(pure, bad_token_id_is_404)
{
	static const char *const bad[] = {
		"/publishers/acme/tokens/1",
		"/publishers/acme/tokens/0B4F8C4E-8A3A-4C1E-9A53-3F2F9B2C1D7E",
		"/publishers/acme/tokens/0b4f8c4e8a3a4c1e9a533f2f9b2c1d7e",
		"/publishers/acme/tokens/0b4f8c4e-8a3a-4c1e-9a53-3f2f9b2c1d7",
		"/publishers/acme/tokens/0b4f8c4e-8a3a-4c1e-9a53-3f2f9b2c1d7ef",
		"/publishers/acme/tokens/zb4f8c4e-8a3a-4c1e-9a53-3f2f9b2c1d7e",
		NULL
	};
	struct http_response	resp;
	size_t			i;

	for (i = 0; bad[i] != NULL; i++) {
		call(wk, "DELETE", bad[i], NULL, NULL, NULL, &resp);
		assert_error(&resp, 404, "not_found");
		http_response_free(&resp);
	}
	call(wk, "DELETE", TOKEN, NULL, NULL, NULL, &resp);
	assert_error(&resp, 401, "unauthorized");
	http_response_free(&resp);
}

Test(pure, other_methods_are_405_with_allow)
{
	static const char *const coll[] = { "PUT", "PATCH", "DELETE", "HEAD",
	    "OPTIONS", "get", "post", "", NULL };
	static const char *const item[] = { "GET", "POST", "PUT", "PATCH",
	    "HEAD", "delete", NULL };
	struct http_response	resp;
	size_t			i;

	for (i = 0; coll[i] != NULL; i++) {
		call(wk, coll[i], TOKENS, NULL, NULL, NULL, &resp);
		assert_error(&resp, 405, "method_not_allowed");
		assert_header(&resp, "Allow", "GET, POST");
		http_response_free(&resp);
	}
	for (i = 0; item[i] != NULL; i++) {
		call(wk, item[i], TOKEN, NULL, NULL, NULL, &resp);
		assert_error(&resp, 405, "method_not_allowed");
		assert_header(&resp, "Allow", "DELETE");
		http_response_free(&resp);
	}
	call(wk, NULL, TOKENS, NULL, NULL, NULL, &resp);
	assert_error(&resp, 405, "method_not_allowed");
	http_response_free(&resp);
	/* Twins. */
	call(wk, "GET", TOKENS, NULL, NULL, NULL, &resp);
	assert_error(&resp, 401, "unauthorized");
	assert_header(&resp, "Allow", NULL);
	http_response_free(&resp);
	call(wk, "POST", TOKENS, JSONCT, NULL, BODY, &resp);
	assert_error(&resp, 401, "unauthorized");
	http_response_free(&resp);
}

Test(pure, media_type)
{
	static const char *const bad[] = {
		"text/plain", "application/jsonx", "application/json-patch+json",
		"application/x-www-form-urlencoded", "application/json; charset=latin1",
		"application/json;charset=utf-16", "application/json charset=utf-8",
		"multipart/form-data", "", " application/json", NULL
	};
	static const char *const good[] = {
		"application/json", "Application/JSON", "application/json ",
		"application/json; charset=utf-8", "application/json;charset=UTF-8",
		"application/json; charset=\"utf-8\"",
		"application/json; foo=bar; charset=utf-8", NULL
	};
	struct http_response	resp;
	size_t			i;

	for (i = 0; bad[i] != NULL; i++) {
		call(wk, "POST", TOKENS, bad[i], NULL, BODY, &resp);
		cr_assert_eq(resp.status, 415, "%s: %d", bad[i], resp.status);
		assert_error(&resp, 415, "unsupported_media_type");
		http_response_free(&resp);
	}
	call(wk, "POST", TOKENS, NULL, NULL, BODY, &resp);
	assert_error(&resp, 415, "unsupported_media_type");
	http_response_free(&resp);
	for (i = 0; good[i] != NULL; i++) {
		call(wk, "POST", TOKENS, good[i], NULL, BODY, &resp);
		cr_assert_eq(resp.status, 401, "%s: %d", good[i], resp.status);
		http_response_free(&resp);
	}
	/* GET ignores the Content-Type. */
	call(wk, "GET", TOKENS, "text/plain", NULL, NULL, &resp);
	assert_error(&resp, 401, "unauthorized");
	http_response_free(&resp);
}

Test(pure, body_framing)
{
	struct http_request	req;
	struct http_response	resp;
	static const struct {
		enum http_body_state	st;
		int			status;
		const char		*code;
	} cases[] = {
		{ HTTP_BODY_NONE, 411, "length_required" },
		{ HTTP_BODY_TOOBIG, 413, "payload_too_large" },
		{ HTTP_BODY_BADLEN, 400, "invalid_request" },
		{ HTTP_BODY_SHORT, 400, "invalid_request" },
	};
	size_t			i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mkreq(&req, "POST", TOKENS, JSONCT, NULL, BODY);
		req.body_state = cases[i].st;
		http_response_init(&resp);
		app_handle(wk, &req, &resp);
		assert_error(&resp, cases[i].status, cases[i].code);
		http_response_free(&resp);
		http_request_free(&req);
	}
	/* Twin: a whole body passes framing (and stops at credentials). */
	call(wk, "POST", TOKENS, JSONCT, NULL, BODY, &resp);
	assert_error(&resp, 401, "unauthorized");
	http_response_free(&resp);
	/* GET does not care about a body's framing. */
	mkreq(&req, "GET", TOKENS, NULL, NULL, NULL);
	req.body_state = HTTP_BODY_TOOBIG;
	http_response_init(&resp);
	app_handle(wk, &req, &resp);
	assert_error(&resp, 401, "unauthorized");
	http_response_free(&resp);
	http_request_free(&req);
}

Test(pure, body_over_16k_is_413_and_16k_is_not)
{
	struct http_response	 resp;
	char			*auth = bearer(pure_jwt("alice", 300));
	char			*big;
	size_t			 n = HTTP_BODY_MAX + 1;

	/* {"name":"ci","description":"xxx..."} padded with spaces. */
	big = malloc(n + 1);
	cr_assert_not_null(big);
	memset(big, ' ', n);
	memcpy(big, BODY, strlen(BODY));
	big[n] = '\0';
	call(wk, "POST", TOKENS, JSONCT, auth, big, &resp);
	assert_error(&resp, 413, "payload_too_large");
	http_response_free(&resp);
	big[n - 1] = '\0';	/* exactly 16384: valid, reaches the db */
	call(wk, "POST", TOKENS, JSONCT, auth, big, &resp);
	assert_error(&resp, 503, "service_unavailable");
	http_response_free(&resp);
	free(big);
	free(auth);
}

Test(pure, missing_or_malformed_credentials_401_without_error_attr)
{
	static const char *const bad[] = {
		NULL, "", "Basic YWxpY2U6cGFzcw==", "Bearer", "Bearer ",
		"Bearer a b", "Bearer a\tb", "Bearer\ta", "Bearer a=b",
		"Bearer a,b", "Bearer a\"", "Bearerx a", "Token abc",
		"Bearer é", NULL
	};
	struct http_response	resp;
	size_t			i;

	/* bad[0] is NULL: absent header; the loop starts after it. */
	call(wk, "GET", TOKENS, NULL, NULL, NULL, &resp);
	assert_error(&resp, 401, "unauthorized");
	assert_header(&resp, "WWW-Authenticate", "Bearer realm=\"pat\"");
	http_response_free(&resp);
	for (i = 1; bad[i] != NULL; i++) {
		call(wk, "GET", TOKENS, NULL, bad[i], NULL, &resp);
		cr_assert_eq(resp.status, 401, "%s: %d", bad[i], resp.status);
		assert_error(&resp, 401, "unauthorized");
		assert_header(&resp, "WWW-Authenticate", "Bearer realm=\"pat\"");
		http_response_free(&resp);
	}
}

Test(pure, presented_bad_token_401_invalid_token)
{
	char			*bad[8];
	struct http_response	 resp;
	char			*jwt, *other = NULL;
	size_t			 i, n = 0, n2;
	unsigned char		 wrong[48];

	bad[n++] = xstrdup("Bearer abc.def.ghi");
	bad[n++] = xstrdup("Bearer not-a-jwt");
	cr_assert_eq(jwt_sign_hs256(hs_secret, sizeof(hs_secret), ISS, AUD,
	    "alice", time(NULL) - 7200, 60, &other), PAT_OK);
	bad[n++] = bearer(other);			/* expired */
	other = NULL;
	memset(wrong, 'w', sizeof(wrong));
	cr_assert_eq(jwt_sign_hs256(wrong, sizeof(wrong), ISS, AUD, "alice",
	    time(NULL), 300, &other), PAT_OK);
	bad[n++] = bearer(other);			/* wrong key */
	other = NULL;
	cr_assert_eq(jwt_sign_hs256(hs_secret, sizeof(hs_secret), ISS,
	    "someone-else", "alice", time(NULL), 300, &other), PAT_OK);
	bad[n++] = bearer(other);			/* wrong audience */
	other = NULL;
	cr_assert_eq(jwt_sign_hs256(hs_secret, sizeof(hs_secret),
	    "https://evil.test/", AUD, "alice", time(NULL), 300, &other),
	    PAT_OK);
	bad[n++] = bearer(other);			/* wrong issuer */
	bad[n++] = bearer(craft_jwt("{\"iss\":\"" ISS "\",\"aud\":\"" AUD
	    "\",\"sub\":\"al ice\",\"exp\":%lld}",
	    (long long)time(NULL) + 300));		/* sub not a user id */
	jwt = pure_jwt("alice", 300);
	n2 = strlen(jwt) - 2;				/* signature changed */
	jwt[n2] = jwt[n2] == 'A' ? 'B' : 'A';
	bad[n++] = bearer(jwt);

	for (i = 0; i < n; i++) {
		call(wk, "GET", TOKENS, NULL, bad[i], NULL, &resp);
		cr_assert_eq(resp.status, 401, "case %zu: %d", i, resp.status);
		assert_error(&resp, 401, "invalid_token");
		assert_header(&resp, "WWW-Authenticate",
		    "Bearer realm=\"pat\", error=\"invalid_token\"");
		cr_assert_not_null(resp.log_note);
		http_response_free(&resp);
		free(bad[i]);
	}
	/* Twin: the same crafted token with a valid sub passes (and reaches
	 * the unreachable database). */
	other = bearer(craft_jwt("{\"iss\":\"" ISS "\",\"aud\":\"" AUD
	    "\",\"sub\":\"alice\",\"exp\":%lld}",
	    (long long)time(NULL) + 300));
	call(wk, "GET", TOKENS, NULL, other, NULL, &resp);
	assert_error(&resp, 503, "service_unavailable");
	http_response_free(&resp);
	free(other);
}

/*
 * The worker's database socket does not exist: a bad JWT still gets its 401
 * (no round trip), while a good JWT reaches the database and gets a JSON
 * 503 with Retry-After.
 */
Test(pure, bad_jwt_costs_no_database_round_trip)
{
	struct http_response	 resp;
	char			*good = bearer(pure_jwt("alice", 300));
	char			*lower = NULL, *two = NULL;

	call(wk, "POST", TOKENS, JSONCT, "Bearer x.y.z", BODY, &resp);
	assert_error(&resp, 401, "invalid_token");
	http_response_free(&resp);
	call(wk, "GET", TOKENS, NULL, "Bearer x.y.z", NULL, &resp);
	assert_error(&resp, 401, "invalid_token");
	http_response_free(&resp);

	call(wk, "POST", TOKENS, JSONCT, good, BODY, &resp);
	assert_error(&resp, 503, "service_unavailable");
	assert_header(&resp, "Retry-After", "5");
	http_response_free(&resp);
	call(wk, "GET", TOKENS, NULL, good, NULL, &resp);
	assert_error(&resp, 503, "service_unavailable");
	http_response_free(&resp);
	call(wk, "DELETE", TOKEN, NULL, good, NULL, &resp);
	assert_error(&resp, 503, "service_unavailable");
	http_response_free(&resp);

	/* "Bearer" is case-insensitive and 1*SP may be several spaces. */
	cr_assert(asprintf(&lower, "bEARER %s", good + 7) > 0);
	call(wk, "GET", TOKENS, NULL, lower, NULL, &resp);
	assert_error(&resp, 503, "service_unavailable");
	http_response_free(&resp);
	cr_assert(asprintf(&two, "Bearer   %s", good + 7) > 0);
	call(wk, "GET", TOKENS, NULL, two, NULL, &resp);
	assert_error(&resp, 503, "service_unavailable");
	http_response_free(&resp);
	free(lower);
	free(two);
	free(good);
}

Test(pure, invalid_bodies_400_before_database)
{
	static const char *const bad[] = {
		"", "{", "[]", "\"ci\"", "null", "42", "{}",
		"{\"name\":1}", "{\"name\":null}", "{\"name\":\"\"}",
		"{\"name\":\"   \"}", "{\"name\":\"a\\u0000b\"}",
		"{\"name\":\"a\\nb\"}", "{\"name\":\"ci\"} x",
		"{\"name\":\"ci\",\"name\":\"cd\"}",
		"{\"name\":\"ci\",\"description\":5}",
		"{\"name\":\"\xff\"}", "{'name':'ci'}", NULL
	};
	static const char *const good[] = {
		BODY, "{\"name\":\"ci\",\"description\":null}",
		"{\"name\":\"ci\",\"description\":\"for CI\\nline 2\"}",
		" {\"name\":\"ci\"} \n", "{\"name\":\"ci\",\"extra\":[1,2]}",
		"{\"name\":\"ci\",\"id\":\"x\",\"token\":\"y\",\"createdAt\":1}",
		NULL
	};
	struct http_response	 resp;
	char			*auth = bearer(pure_jwt("alice", 300));
	size_t			 i;

	for (i = 0; bad[i] != NULL; i++) {
		call(wk, "POST", TOKENS, JSONCT, auth, bad[i], &resp);
		cr_assert_eq(resp.status, 400, "%s: %d", bad[i], resp.status);
		assert_error(&resp, 400, "invalid_request");
		http_response_free(&resp);
	}
	for (i = 0; good[i] != NULL; i++) {
		call(wk, "POST", TOKENS, JSONCT, auth, good[i], &resp);
		cr_assert_eq(resp.status, 503, "%s: %d", good[i], resp.status);
		http_response_free(&resp);
	}
	free(auth);
}

Test(pure, bearer_parser)
{
	const char	*t;
	size_t		 n;

	cr_assert(app_bearer_token("Bearer abc", &t, &n));
	cr_assert_eq(n, 3);
	cr_assert_eq(strncmp(t, "abc", 3), 0);
	cr_assert(app_bearer_token("bearer a-._~+/9==", &t, &n));
	cr_assert_eq(n, 10);
	cr_assert(app_bearer_token("BEARER  x", &t, &n));
	cr_assert_eq(n, 1);
	cr_assert_not(app_bearer_token(NULL, &t, &n));
	cr_assert_not(app_bearer_token("Bearer", &t, &n));
	cr_assert_not(app_bearer_token("Bearer =", &t, &n));
	cr_assert_not(app_bearer_token("Bearer a==b", &t, &n));
	cr_assert_not(app_bearer_token("Bearer a ", &t, &n));
	cr_assert_not(app_bearer_token(" Bearer a", &t, &n));
	cr_assert_not(app_bearer_token("Bearer:a", &t, &n));
	cr_assert_null(t);
	cr_assert_eq(n, 0);
}

Test(pure, render)
{
	struct http_response	 resp;
	char			*out = NULL;
	size_t			 len = 0;

	http_response_init(&resp);
	resp.status = 204;
	cr_assert_eq(http_render(&resp, &out, &len), PAT_OK);
	cr_assert_str_eq(out, "Status: 204 No Content\r\n"
	    "Cache-Control: no-store\r\n\r\n");
	cr_assert_eq(len, strlen(out));
	http_render_free(out, len);

	http_error(&resp, 201, "x", "y");
	snprintf(resp.location, sizeof(resp.location), "/publishers/a/tokens/b");
	cr_assert_eq(http_render(&resp, &out, &len), PAT_OK);
	cr_assert_str_eq(out, "Status: 201 Created\r\n"
	    "Content-Type: application/json; charset=utf-8\r\n"
	    "Cache-Control: no-store\r\n"
	    "Location: /publishers/a/tokens/b\r\n\r\n"
	    "{\"error\":\"x\",\"message\":\"y\"}");
	http_render_free(out, len);

	/* A header value with CR/LF is refused, never emitted. */
	snprintf(resp.location, sizeof(resp.location), "/a\r\nSet-Cookie: x");
	cr_assert_neq(http_render(&resp, &out, &len), PAT_OK);
	cr_assert_null(out);
	http_response_free(&resp);

	/* Status 0 renders as 500. */
	cr_assert_eq(http_render(&resp, &out, &len), PAT_OK);
	cr_assert_eq(strncmp(out, "Status: 500 ", 12), 0);
	http_render_free(out, len);
}

Test(pure, error_body_is_escaped_json)
{
	struct http_response	 resp;
	struct json_object	*o, *m;

	http_response_init(&resp);
	http_error(&resp, 400, "invalid_request", "quote \" slash / nl \n");
	o = json_tokener_parse(resp.body);
	cr_assert_not_null(o);
	cr_assert(json_object_object_get_ex(o, "message", &m));
	cr_assert_str_eq(json_object_get_string(m), "quote \" slash / nl \n");
	json_object_put(o);
	http_response_free(&resp);
	cr_assert_null(resp.body);
	cr_assert_eq(resp.status, 0);
}

/* -------------------------------------------------------------- db suite */

static void sqlf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
sqlf(const char *fmt, ...)
{
	va_list	 ap;
	char	*sql = NULL;
	int	 n;

	va_start(ap, fmt);
	n = vasprintf(&sql, fmt, ap);
	va_end(ap);
	cr_assert(n > 0);
	cr_assert_eq(ts_sql(sql), 0, "%s", sql);
	free(sql);
}

static void
db_setup(void)
{
	char	err[512];

	cfg = ts_config(0);
	if (app_new(cfg, &app, err, sizeof(err)) != PAT_OK)
		cr_assert_fail("app_new: %s", err);
	cr_assert_eq(worker_new(app, &wk), PAT_OK);
}

static void
db_teardown(void)
{
	worker_free(wk);
	app_free(app);
	cfg_free(cfg);
	db_thread_end();
	wk = NULL;
	app = NULL;
	cfg = NULL;
}

TestSuite(db, .init = db_setup, .fini = db_teardown, .timeout = 60);

/* A fresh publisher owned by a fresh user; *auth is "Bearer <jwt>". */
static void
fresh(char **pub, char **owner, char **auth)
{
	*pub = ts_unique_id("pub");
	*owner = ts_unique_id("user");
	ts_seed_publisher(*pub, *owner);
	*auth = bearer(ts_jwt(*owner, 300));
}

static char *
tokens_path(const char *pub)
{
	char	*s = NULL;

	cr_assert(asprintf(&s, "/publishers/%s/tokens", pub) > 0);
	return s;
}

static char *
token_path(const char *pub, const char *id)
{
	char	*s = NULL;

	cr_assert(asprintf(&s, "/publishers/%s/tokens/%s", pub, id) > 0);
	return s;
}

static const char *
jstr(struct json_object *o, const char *key)
{
	struct json_object	*v;

	cr_assert(json_object_object_get_ex(o, key, &v), "no %s", key);
	cr_assert(json_object_is_type(v, json_type_string), "%s: not a string",
	    key);
	return json_object_get_string(v);
}

static int
is_rfc3339_utc(const char *s)
{
	int	y, mo, d, h, mi, se;
	char	z = 0;

	return strlen(s) == 20 && sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c", &y,
	    &mo, &d, &h, &mi, &se, &z) == 7 && z == 'Z';
}

/* POSTs a token named name; returns the parsed 201 body. */
static struct json_object *
create(const char *pub, const char *auth, const char *body,
    struct http_response *resp)
{
	char			*path = tokens_path(pub);
	struct json_object	*o;

	call(wk, "POST", path, JSONCT, auth, body, resp);
	free(path);
	cr_assert_eq(resp->status, 201, "status %d: %.*s", resp->status,
	    (int)resp->body_len, resp->body ? resp->body : "");
	o = json_tokener_parse(resp->body);
	cr_assert_not_null(o);
	return o;
}

Test(db, create_201)
{
	struct http_response	 resp;
	struct json_object	*o;
	struct tok_parts	 parts;
	struct db_token		 row;
	char			*pub, *owner, *auth, *loc, *want;
	const char		*tok, *id;

	fresh(&pub, &owner, &auth);
	o = create(pub, auth, "{\"name\":\"ci \xc3\xa9\",\"description\":"
	    "\"for \\\"CI\\\"\"}", &resp);
	cr_assert_eq(json_object_object_length(o), 5, "%s", resp.body);
	tok = jstr(o, "token");
	id = jstr(o, "id");
	cr_assert_str_eq(jstr(o, "name"), "ci \xc3\xa9");
	cr_assert_str_eq(jstr(o, "description"), "for \"CI\"");
	cr_assert(is_rfc3339_utc(jstr(o, "createdAt")), "%s",
	    jstr(o, "createdAt"));
	cr_assert(resp.secret);
	cr_assert_eq(strncmp(resp.body, "{\"token\":\"pat_", 14), 0);

	/* The token parses offline and its secret verifies against the row. */
	cr_assert_eq(tok_parse(tok, strlen(tok), &parts), PAT_OK);
	memset(&row, 0, sizeof(row));
	cr_assert_eq(db_token_get(wk->db, id, &row), PAT_OK);
	cr_assert_str_eq(row.publisher_id, pub);
	cr_assert_str_eq(row.created_by, owner);
	cr_assert_str_eq(row.selector, parts.selector);
	cr_assert_eq(strncmp(row.hash, "$argon2id$", 10), 0);
	cr_assert_null(strstr(row.hash, parts.secret));
	cr_assert_eq(pw_verify(&app->pw, row.hash, parts.secret,
	    strlen(parts.secret)), PAT_OK);
	/* Twin: another secret does not verify. */
	parts.secret[0] = parts.secret[0] == 'a' ? 'b' : 'a';
	cr_assert_eq(pw_verify(&app->pw, row.hash, parts.secret,
	    strlen(parts.secret)), PAT_ERR_MISMATCH);
	tok_parts_wipe(&parts);

	want = token_path(pub, id);
	assert_header(&resp, "Location", want);
	assert_header(&resp, "Cache-Control", "no-store");
	assert_header(&resp, "Content-Type", "application/json; charset=utf-8");
	loc = rendered_header(&resp, "WWW-Authenticate");
	cr_assert_null(loc);
	free(want);
	json_object_put(o);
	http_response_free(&resp);
	free(pub);
	free(owner);
	free(auth);
}

Test(db, create_ignores_output_only_fields)
{
	struct http_response	 resp;
	struct json_object	*o;
	char			*pub, *owner, *auth;

	fresh(&pub, &owner, &auth);
	o = create(pub, auth, "{\"name\":\"ci\",\"id\":"
	    "\"00000000-0000-4000-8000-000000000000\",\"token\":\"pat_x\","
	    "\"createdAt\":\"1970-01-01T00:00:00Z\",\"unknown\":{}}", &resp);
	cr_assert_str_neq(jstr(o, "id"), "00000000-0000-4000-8000-000000000000");
	cr_assert_str_neq(jstr(o, "token"), "pat_x");
	cr_assert_str_neq(jstr(o, "createdAt"), "1970-01-01T00:00:00Z");
	cr_assert_str_eq(jstr(o, "description"), "");
	json_object_put(o);
	http_response_free(&resp);
	free(pub);
	free(owner);
	free(auth);
}

Test(db, list_masks_tokens)
{
	struct http_response	 resp, r1, r2;
	struct json_object	*o1, *o2, *arr, *e;
	char			*pub, *owner, *auth, *path;
	char			 tok1[TOK_LEN + 1], tok2[TOK_LEN + 1];
	char			 mask[TOK_MASK_SIZE], sel[TOK_SELECTOR_LEN + 1];
	struct tok_parts	 p1;
	size_t			 i;

	fresh(&pub, &owner, &auth);
	o1 = create(pub, auth, "{\"name\":\"one\"}", &r1);
	o2 = create(pub, auth, "{\"name\":\"two\"}", &r2);
	snprintf(tok1, sizeof(tok1), "%s", jstr(o1, "token"));
	snprintf(tok2, sizeof(tok2), "%s", jstr(o2, "token"));
	cr_assert_eq(tok_parse(tok1, strlen(tok1), &p1), PAT_OK);
	snprintf(sel, sizeof(sel), "%s", p1.selector);

	path = tokens_path(pub);
	call(wk, "GET", path, NULL, auth, NULL, &resp);
	cr_assert_eq(resp.status, 200, "%d %s", resp.status, resp.body);
	assert_header(&resp, "Content-Type", "application/json; charset=utf-8");
	assert_header(&resp, "Cache-Control", "no-store");
	cr_assert_null(strstr(resp.body, tok1));
	cr_assert_null(strstr(resp.body, tok2));
	cr_assert_null(strstr(resp.body, p1.secret));
	cr_assert_null(strstr(resp.body, "argon2"));
	cr_assert_null(strstr(resp.body, "hash"));
	arr = json_tokener_parse(resp.body);
	cr_assert(json_object_is_type(arr, json_type_array));
	cr_assert_eq(json_object_array_length(arr), 2);
	/* Newest first: both created in the same second, so find by id. */
	tok_mask(sel, mask);
	for (i = 0; i < 2; i++) {
		e = json_object_array_get_idx(arr, i);
		cr_assert(is_rfc3339_utc(jstr(e, "createdAt")));
		cr_assert(json_object_object_get_ex(e, "lastUsedAt", NULL));
		cr_assert(json_object_object_get_ex(e, "expiresAt", NULL));
		cr_assert_eq(strncmp(jstr(e, "token"), "pat_", 4), 0);
		cr_assert_lt(strlen(jstr(e, "token")), 16);
		if (strcmp(jstr(e, "id"), jstr(o1, "id")) == 0) {
			cr_assert_str_eq(jstr(e, "token"), mask);
			cr_assert_str_eq(jstr(e, "name"), "one");
		}
	}
	json_object_put(arr);
	http_response_free(&resp);
	tok_parts_wipe(&p1);

	/* Twin: a revoked token leaves the list. */
	free(path);
	path = token_path(pub, jstr(o1, "id"));
	call(wk, "DELETE", path, NULL, auth, NULL, &resp);
	cr_assert_eq(resp.status, 204);
	http_response_free(&resp);
	free(path);
	path = tokens_path(pub);
	call(wk, "GET", path, NULL, auth, NULL, &resp);
	arr = json_tokener_parse(resp.body);
	cr_assert_eq(json_object_array_length(arr), 1);
	cr_assert_str_eq(jstr(json_object_array_get_idx(arr, 0), "id"),
	    jstr(o2, "id"));
	json_object_put(arr);
	http_response_free(&resp);

	json_object_put(o1);
	json_object_put(o2);
	http_response_free(&r1);
	http_response_free(&r2);
	free(path);
	free(pub);
	free(owner);
	free(auth);
}

Test(db, list_empty_is_empty_array)
{
	struct http_response	 resp;
	char			*pub, *owner, *auth, *path;

	fresh(&pub, &owner, &auth);
	path = tokens_path(pub);
	call(wk, "GET", path, NULL, auth, NULL, &resp);
	cr_assert_eq(resp.status, 200);
	cr_assert_str_eq(resp.body, "[]");
	http_response_free(&resp);
	free(path);
	free(pub);
	free(owner);
	free(auth);
}

Test(db, delete_204_then_404)
{
	struct http_response	 resp, r1;
	struct json_object	*o;
	struct db_token		 row;
	char			*pub, *owner, *auth, *path, *other;

	fresh(&pub, &owner, &auth);
	o = create(pub, auth, BODY, &r1);
	path = token_path(pub, jstr(o, "id"));
	call(wk, "DELETE", path, NULL, auth, NULL, &resp);
	cr_assert_eq(resp.status, 204, "%d %s", resp.status, resp.body);
	cr_assert_null(resp.body);
	assert_header(&resp, "Content-Type", NULL);
	assert_header(&resp, "Cache-Control", "no-store");
	http_response_free(&resp);
	memset(&row, 0, sizeof(row));
	cr_assert_eq(db_token_get(wk->db, jstr(o, "id"), &row), PAT_OK);
	cr_assert_neq(row.revoked_at, 0);
	cr_assert_str_eq(row.revoked_by, owner);
	cr_assert_str_eq(row.revoked_reason, "revoked via API");

	call(wk, "DELETE", path, NULL, auth, NULL, &resp);
	assert_error(&resp, 404, "not_found");
	http_response_free(&resp);
	free(path);

	/* A token id nobody has. */
	path = token_path(pub, "0b4f8c4e-8a3a-4c1e-9a53-3f2f9b2c1d7e");
	call(wk, "DELETE", path, NULL, auth, NULL, &resp);
	assert_error(&resp, 404, "not_found");
	http_response_free(&resp);
	free(path);
	json_object_put(o);
	http_response_free(&r1);

	/* Another publisher's token, through this publisher: 404, and it
	 * stays active. */
	{
		char			*pub2, *owner2, *auth2;
		struct json_object	*o2;

		fresh(&pub2, &owner2, &auth2);
		o2 = create(pub2, auth2, BODY, &r1);
		other = token_path(pub, jstr(o2, "id"));
		call(wk, "DELETE", other, NULL, auth, NULL, &resp);
		assert_error(&resp, 404, "not_found");
		http_response_free(&resp);
		cr_assert_eq(db_token_get(wk->db, jstr(o2, "id"), &row),
		    PAT_OK);
		cr_assert_eq(row.revoked_at, 0);
		free(other);
		json_object_put(o2);
		http_response_free(&r1);
		free(pub2);
		free(owner2);
		free(auth2);
	}
	free(pub);
	free(owner);
	free(auth);
}

Test(db, unknown_publisher_404)
{
	struct http_response	 resp;
	char			*pub = ts_unique_id("nopub");
	char			*user = ts_unique_id("user");
	char			*auth, *path;

	sqlf("INSERT INTO users (id) VALUES ('%s');", user);
	auth = bearer(ts_jwt(user, 300));
	path = tokens_path(pub);
	call(wk, "GET", path, NULL, auth, NULL, &resp);
	assert_error(&resp, 404, "not_found");
	http_response_free(&resp);
	call(wk, "POST", path, JSONCT, auth, BODY, &resp);
	assert_error(&resp, 404, "not_found");
	http_response_free(&resp);
	free(path);
	path = token_path(pub, "0b4f8c4e-8a3a-4c1e-9a53-3f2f9b2c1d7e");
	call(wk, "DELETE", path, NULL, auth, NULL, &resp);
	assert_error(&resp, 404, "not_found");
	http_response_free(&resp);
	free(path);
	free(pub);
	free(user);
	free(auth);
}

/* Runs GET, POST and DELETE as auth on pub and expects 403 for each. */
static void
expect_403(const char *pub, const char *auth)
{
	struct http_response	 resp;
	char			*path = tokens_path(pub);

	call(wk, "GET", path, NULL, auth, NULL, &resp);
	assert_error(&resp, 403, "forbidden");
	http_response_free(&resp);
	call(wk, "POST", path, JSONCT, auth, BODY, &resp);
	assert_error(&resp, 403, "forbidden");
	http_response_free(&resp);
	free(path);
	path = token_path(pub, "0b4f8c4e-8a3a-4c1e-9a53-3f2f9b2c1d7e");
	call(wk, "DELETE", path, NULL, auth, NULL, &resp);
	assert_error(&resp, 403, "forbidden");
	http_response_free(&resp);
	free(path);
}

Test(db, forbidden_403)
{
	struct http_response	 resp;
	struct json_object	*o;
	char			*pub, *owner, *auth, *member, *stranger;
	char			*unknown, *a;

	fresh(&pub, &owner, &auth);

	/* Twin first: the owner may. */
	o = create(pub, auth, BODY, &resp);
	json_object_put(o);
	http_response_free(&resp);

	/* A member who is not an owner. */
	member = ts_unique_id("member");
	sqlf("INSERT INTO users (id) VALUES ('%s'); "
	    "INSERT INTO publisher_members (publisher_id, user_id, role) "
	    "VALUES ('%s', '%s', 'member');", member, pub, member);
	a = bearer(ts_jwt(member, 300));
	expect_403(pub, a);
	free(a);

	/* A known user with no membership. */
	stranger = ts_unique_id("stranger");
	sqlf("INSERT INTO users (id) VALUES ('%s');", stranger);
	a = bearer(ts_jwt(stranger, 300));
	expect_403(pub, a);
	free(a);

	/* A user the database has never seen. */
	unknown = ts_unique_id("unknown");
	a = bearer(ts_jwt(unknown, 300));
	expect_403(pub, a);
	free(a);

	/* The owner, banned. */
	sqlf("UPDATE users SET status = 'banned' WHERE id = '%s';", owner);
	expect_403(pub, auth);
	sqlf("UPDATE users SET status = 'active' WHERE id = '%s';", owner);

	/* The publisher, banned. */
	sqlf("UPDATE publishers SET status = 'banned' WHERE id = '%s';", pub);
	expect_403(pub, auth);
	sqlf("UPDATE publishers SET status = 'active' WHERE id = '%s';", pub);
	/* Twin: unbanned, the owner may again. */
	o = create(pub, auth, BODY, &resp);
	json_object_put(o);
	http_response_free(&resp);

	free(member);
	free(stranger);
	free(unknown);
	free(pub);
	free(owner);
	free(auth);
}

Test(db, token_limit_400)
{
	struct http_response	 resp;
	struct json_object	*o, *o1;
	char			*pub, *owner, *auth, *path, err[512];

	/* The same config with a cap of 2. */
	worker_free(wk);
	app_free(app);
	cfg->max_tokens_per_publisher = 2;
	if (app_new(cfg, &app, err, sizeof(err)) != PAT_OK)
		cr_assert_fail("app_new: %s", err);
	cr_assert_eq(worker_new(app, &wk), PAT_OK);

	fresh(&pub, &owner, &auth);
	o1 = create(pub, auth, BODY, &resp);
	http_response_free(&resp);
	o = create(pub, auth, BODY, &resp);
	json_object_put(o);
	http_response_free(&resp);
	path = tokens_path(pub);
	call(wk, "POST", path, JSONCT, auth, BODY, &resp);
	assert_error(&resp, 400, "token_limit_reached");
	http_response_free(&resp);
	free(path);

	/* Twin: after a revocation there is room again. */
	path = token_path(pub, jstr(o1, "id"));
	call(wk, "DELETE", path, NULL, auth, NULL, &resp);
	cr_assert_eq(resp.status, 204);
	http_response_free(&resp);
	o = create(pub, auth, BODY, &resp);
	json_object_put(o);
	http_response_free(&resp);

	json_object_put(o1);
	free(path);
	free(pub);
	free(owner);
	free(auth);
}
