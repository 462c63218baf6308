/*
 * test_matrix.c — every rejection of SECURITY.md as one table, walked
 * through the real nginx and pat-fcgi: the request, the expected status and
 * the expected "error" code of the ErrorResponse. Each group ends with the
 * accepted twin.
 */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "jwt.h"
#include "support.h"

TestSuite(matrix, .timeout = 180);

static struct pat_config *cfg;
static char *pub, *owner;

/* header.payload signed with the test's HS256 secret (or key/keylen). */
static char *
mint_raw(const char *header, const char *payload, const void *key, size_t keylen)
{
	char h[4096], p[4096], sig[128], *out = NULL;
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	char *signing = NULL;

	jwt_b64url_encode(header, strlen(header), h, sizeof(h));
	jwt_b64url_encode(payload, strlen(payload), p, sizeof(p));
	cr_assert(asprintf(&signing, "%s.%s", h, p) > 0);
	cr_assert_not_null(HMAC(EVP_sha256(), key, (int)keylen,
	    (const unsigned char *)signing, strlen(signing), mac, &maclen));
	jwt_b64url_encode(mac, maclen, sig, sizeof(sig));
	cr_assert(asprintf(&out, "%s.%s", signing, sig) > 0);
	free(signing);
	return out;
}

static char *
mint(const char *header, const char *payload)
{
	return mint_raw(header, payload, cfg->hs256_secret, cfg->hs256_secret_len);
}

/* A payload with the test's iss/aud and sub=owner, plus extra members. */
static char *
claims(const char *exp_json, const char *extra)
{
	char *s = NULL;

	cr_assert(asprintf(&s, "{\"iss\":\"%s\",\"aud\":\"%s\",\"sub\":\"%s\","
	    "\"exp\":%s%s}", cfg->issuer, cfg->audience, owner, exp_json,
	    extra ? extra : "") > 0);
	return s;
}

static char *
future(void)
{
	char *s = NULL;

	cr_assert(asprintf(&s, "%lld", (long long)time(NULL) + 300) > 0);
	return s;
}

static const char *HS = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";

enum auth { A_NONE, A_VALID, A_RAW };

struct row {
	const char	*what;
	const char	*method;
	const char	*path;		/* NULL = the owner's tokens path */
	enum auth	 auth;
	char		*raw_auth;	/* A_RAW: the whole header value */
	const char	*ctype;
	const char	*body;
	size_t		 body_len;	/* 0 = strlen(body) */
	int		 status;
	const char	*error;		/* expected code, NULL = success */
};

static void
walk(struct row *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct row *r = &rows[i];
		char *path = NULL, *hdr = NULL, *jwt = NULL;
		struct ts_http resp;
		size_t blen = r->body ? (r->body_len ? r->body_len : strlen(r->body)) : 0;

		if (r->path == NULL)
			cr_assert(asprintf(&path, "/publishers/%s/tokens", pub) > 0);
		else
			path = strdup(r->path);
		if (r->auth == A_VALID)
			jwt = ts_jwt(owner, 300);
		cr_assert(asprintf(&hdr, "%s%s%s%s%s%s",
		    r->auth == A_VALID ? "Authorization: Bearer " : "",
		    r->auth == A_VALID ? jwt : "", r->auth == A_VALID ? "\r\n" : "",
		    r->auth == A_RAW ? "Authorization: " : "",
		    r->auth == A_RAW ? r->raw_auth : "",
		    r->auth == A_RAW ? "\r\n" : "") >= 0);
		if (r->ctype != NULL) {
			char *h2 = NULL;

			cr_assert(asprintf(&h2, "%sContent-Type: %s\r\n", hdr, r->ctype) > 0);
			free(hdr);
			hdr = h2;
		}
		ts_http(r->method, path, hdr, r->body, blen, &resp);
		cr_assert_eq(resp.status, r->status, "[%s] status %d, want %d: %s",
		    r->what, resp.status, r->status, resp.body);
		if (r->error != NULL) {
			struct json_object *o = json_tokener_parse(resp.body), *e, *m;

			cr_assert_not_null(o, "[%s] not JSON: %s", r->what, resp.body);
			cr_assert(json_object_object_get_ex(o, "error", &e) &&
			    json_object_object_get_ex(o, "message", &m),
			    "[%s] not an ErrorResponse: %s", r->what, resp.body);
			cr_assert_str_eq(json_object_get_string(e), r->error,
			    "[%s] error %s, want %s", r->what,
			    json_object_get_string(e), r->error);
			json_object_put(o);
		}
		ts_http_free(&resp);
		free(path);
		free(hdr);
		free(jwt);
		free(r->raw_auth);
		r->raw_auth = NULL;
	}
}

static char *
bearer(char *jwt)
{
	char *s = NULL;

	cr_assert(asprintf(&s, "Bearer %s", jwt) > 0);
	free(jwt);
	return s;
}

static void
setup(void)
{
	cfg = ts_config(0);
	pub = ts_unique_id("matrix");
	owner = ts_unique_id("owner");
	ts_seed_publisher(pub, owner);
}

static void
teardown(void)
{
	cfg_free(cfg);
	free(pub);
	free(owner);
}

#define J "application/json"
#define NAME "{\"name\":\"m\"}"

Test(matrix, jwt_rejections, .init = setup, .fini = teardown)
{
	char *f = future(), *past = NULL, *c;
	char big[9000];
	struct row rows[64];
	size_t n = 0;

	cr_assert(asprintf(&past, "%lld", (long long)time(NULL) - 3600) > 0);
	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';

#define ROW(w, a, want, code) rows[n++] = (struct row){ .what = w, \
	.method = "POST", .auth = A_RAW, .raw_auth = (a), .ctype = J, \
	.body = NAME, .status = want, .error = code }

	rows[n++] = (struct row){ .what = "no Authorization", .method = "POST",
	    .auth = A_NONE, .ctype = J, .body = NAME, .status = 401,
	    .error = "unauthorized" };
	ROW("Basic scheme", strdup("Basic dXNlcjpwYXNz"), 401, "unauthorized");
	/* No token after the scheme: nothing was presented (RFC 6750 §3.1). */
	ROW("empty Bearer", strdup("Bearer "), 401, "unauthorized");
	ROW("alg none", bearer(mint("{\"alg\":\"none\"}", c = claims(f, NULL))), 401, "invalid_token");
	free(c);
	ROW("alg None", bearer(mint("{\"alg\":\"None\"}", c = claims(f, NULL))), 401, "invalid_token");
	free(c);
	ROW("alg HS512", bearer(mint("{\"alg\":\"HS512\"}", c = claims(f, NULL))), 401, "invalid_token");
	free(c);
	ROW("alg RS256 (no such key)", bearer(mint("{\"alg\":\"RS256\"}", c = claims(f, NULL))), 401, "invalid_token");
	free(c);
	ROW("alg missing", bearer(mint("{\"typ\":\"JWT\"}", c = claims(f, NULL))), 401, "invalid_token");
	free(c);
	ROW("crit header", bearer(mint("{\"alg\":\"HS256\",\"crit\":[\"exp\"]}", c = claims(f, NULL))), 401, "invalid_token");
	free(c);
	ROW("wrong secret", bearer(mint_raw(HS, c = claims(f, NULL), "not-the-secret-not-the-secret-xx", 32)), 401, "invalid_token");
	free(c);
	ROW("expired", bearer(mint(HS, c = claims(past, NULL))), 401, "invalid_token");
	free(c);
	ROW("exp zero", bearer(mint(HS, c = claims("0", NULL))), 401, "invalid_token");
	free(c);
	{
		char *p = NULL;

		cr_assert(asprintf(&p, "{\"iss\":\"%s\",\"aud\":\"%s\",\"sub\":\"%s\"}",
		    cfg->issuer, cfg->audience, owner) > 0);
		ROW("no exp at all", bearer(mint(HS, p)), 401, "invalid_token");
		free(p);
	}
	ROW("exp as string", bearer(mint(HS, c = claims("\"9999999999\"", NULL))), 401, "invalid_token");
	free(c);
	ROW("exp true", bearer(mint(HS, c = claims("true", NULL))), 401, "invalid_token");
	free(c);
	ROW("exp null", bearer(mint(HS, c = claims("null", NULL))), 401, "invalid_token");
	free(c);
	ROW("exp huge (overflow)", bearer(mint(HS, c = claims("9223372036854775807", NULL))), 401, "invalid_token");
	free(c);
	{
		char *nbf = NULL;

		cr_assert(asprintf(&nbf, ",\"nbf\":%lld", (long long)time(NULL) + 3600) > 0);
		ROW("nbf in the future", bearer(mint(HS, c = claims(f, nbf))), 401, "invalid_token");
		free(c);
		free(nbf);
	}
	{
		char *p = NULL;

		cr_assert(asprintf(&p, "{\"iss\":\"%sx\",\"aud\":\"%s\",\"sub\":\"%s\",\"exp\":%s}",
		    cfg->issuer, cfg->audience, owner, f) > 0);
		ROW("wrong iss", bearer(mint(HS, p)), 401, "invalid_token");
		free(p);
		cr_assert(asprintf(&p, "{\"iss\":\"%s\",\"aud\":\"other\",\"sub\":\"%s\",\"exp\":%s}",
		    cfg->issuer, owner, f) > 0);
		ROW("wrong aud", bearer(mint(HS, p)), 401, "invalid_token");
		free(p);
		cr_assert(asprintf(&p, "{\"iss\":\"%s\",\"aud\":\"%s\",\"exp\":%s}",
		    cfg->issuer, cfg->audience, f) > 0);
		ROW("no sub", bearer(mint(HS, p)), 401, "invalid_token");
		free(p);
		cr_assert(asprintf(&p, "{\"iss\":\"%s\",\"aud\":\"%s\",\"sub\":42,\"exp\":%s}",
		    cfg->issuer, cfg->audience, f) > 0);
		ROW("sub not a string", bearer(mint(HS, p)), 401, "invalid_token");
		free(p);
		cr_assert(asprintf(&p, "{\"iss\":\"%s\",\"aud\":[\"x\",\"%s\"],\"sub\":\"%s\",\"exp\":%s}",
		    cfg->issuer, cfg->audience, owner, f) > 0);
		/* aud as an array holding ours is accepted: the request goes on. */
		rows[n++] = (struct row){ .what = "aud array (accepted)", .method = "POST",
		    .auth = A_RAW, .raw_auth = bearer(mint(HS, p)), .ctype = J,
		    .body = NAME, .status = 201 };
		free(p);
	}
	{
		char *tok = mint(HS, c = claims(f, NULL)), *s = NULL;

		free(c);
		cr_assert(asprintf(&s, "Bearer %s=", tok) > 0);
		ROW("padding", s, 401, "invalid_token");
		cr_assert(asprintf(&s, "Bearer %s.x", tok) > 0);
		ROW("four segments", s, 401, "invalid_token");
		s = strdup(tok);
		*strrchr(s, '.') = '\0';
		{
			char *b = NULL;

			cr_assert(asprintf(&b, "Bearer %s", s) > 0);
			ROW("two segments", b, 401, "invalid_token");
		}
		free(s);
		s = strdup(tok);
		s[strlen(s) - 2] = s[strlen(s) - 2] == 'A' ? 'B' : 'A';
		ROW("signature altered", bearer(s), 401, "invalid_token");
		cr_assert(asprintf(&s, "Bearer %s", big) > 0);
		ROW("oversize (9000 bytes)", s, 401, "invalid_token");
		/* The accepted twin of the whole group. */
		cr_assert(asprintf(&s, "Bearer %s", tok) > 0);
		rows[n++] = (struct row){ .what = "valid (accepted)", .method = "POST",
		    .auth = A_RAW, .raw_auth = s, .ctype = J, .body = NAME, .status = 201 };
		cr_assert(asprintf(&s, "bearer %s", tok) > 0);
		rows[n++] = (struct row){ .what = "scheme case-insensitive (accepted)",
		    .method = "POST", .auth = A_RAW, .raw_auth = s, .ctype = J,
		    .body = NAME, .status = 201 };
		free(tok);
	}
	cr_assert_leq(n, sizeof(rows) / sizeof(rows[0]));
	walk(rows, n);
	free(f);
	free(past);
#undef ROW
}

Test(matrix, body_and_route_rejections, .init = setup, .fini = teardown)
{
	static char name101[200], desc2001[2100], deep[64], big[16385], ok16k[16384];
	char name100[128];
	struct row rows[64];
	size_t n = 0;

	memset(name100, 'n', 100);
	name100[100] = '\0';
	snprintf(name101, sizeof(name101), "{\"name\":\"%s%s\"}", name100, "n");
	memset(desc2001, 0, sizeof(desc2001));
	memcpy(desc2001, "{\"name\":\"d\",\"description\":\"", 28);
	memset(desc2001 + 28, 'd', 2001);
	memcpy(desc2001 + 28 + 2001, "\"}", 2);
	snprintf(deep, sizeof(deep), "{\"name\":\"x\",\"a\":[[[[[[[[[[1]]]]]]]]]]}");
	memset(big, ' ', sizeof(big));
	memcpy(big, NAME, strlen(NAME) - 1);
	big[sizeof(big) - 1] = '}';
	memset(ok16k, ' ', sizeof(ok16k));
	memcpy(ok16k, NAME, strlen(NAME) - 1);
	ok16k[sizeof(ok16k) - 1] = '}';

#define ROW(w, ct, b, want, code) rows[n++] = (struct row){ .what = w, \
	.method = "POST", .auth = A_VALID, .ctype = ct, .body = b, \
	.status = want, .error = code }
	ROW("no content type", NULL, NAME, 415, "unsupported_media_type");
	ROW("text/plain", "text/plain", NAME, 415, "unsupported_media_type");
	ROW("application/jsonx", "application/jsonx", NAME, 415, "unsupported_media_type");
	ROW("not JSON", J, "{\"name\":", 400, "invalid_request");
	ROW("array", J, "[]", 400, "invalid_request");
	ROW("string", J, "\"name\"", 400, "invalid_request");
	ROW("trailing garbage", J, NAME "x", 400, "invalid_request");
	ROW("two values", J, NAME NAME, 400, "invalid_request");
	ROW("duplicate key", J, "{\"name\":\"a\",\"name\":\"b\"}", 400, "invalid_request");
	ROW("NUL in name", J, "{\"name\":\"a\\u0000b\"}", 400, "invalid_request");
	ROW("invalid UTF-8", J, "{\"name\":\"\xc3\x28\"}", 400, "invalid_request");
	ROW("name missing", J, "{\"description\":\"d\"}", 400, "invalid_request");
	ROW("name empty", J, "{\"name\":\"\"}", 400, "invalid_request");
	ROW("name number", J, "{\"name\":5}", 400, "invalid_request");
	ROW("name null", J, "{\"name\":null}", 400, "invalid_request");
	ROW("name 101 chars", J, name101, 400, "invalid_request");
	ROW("name control char", J, "{\"name\":\"a\\u0001\"}", 400, "invalid_request");
	ROW("description number", J, "{\"name\":\"a\",\"description\":1}", 400, "invalid_request");
	ROW("description 2001 chars", J, desc2001, 400, "invalid_request");
	ROW("too deep", J, deep, 400, "invalid_request");
	ROW("16 KiB + 1", J, big, 413, "payload_too_large");
	rows[n - 1].body_len = sizeof(big);
	ROW("accepted twin: exactly 16 KiB", J, ok16k, 201, NULL);
	rows[n - 1].body_len = sizeof(ok16k);
#undef ROW
	rows[n++] = (struct row){ .what = "accepted twin: plain", .method = "POST",
	    .auth = A_VALID, .ctype = "application/json; charset=utf-8",
	    .body = "{\"name\":\"ok\",\"description\":null,\"id\":7,\"token\":[],\"x\":{}}",
	    .status = 201 };

	rows[n++] = (struct row){ .what = "unknown path", .method = "GET",
	    .path = "/tokens", .auth = A_VALID, .status = 404, .error = "not_found" };
	rows[n++] = (struct row){ .what = "bad publisher id", .method = "GET",
	    .path = "/publishers/Bad_Id/tokens", .auth = A_VALID, .status = 404,
	    .error = "not_found" };
	rows[n++] = (struct row){ .what = "unknown publisher", .method = "GET",
	    .path = "/publishers/no-such-matrix-pub/tokens", .auth = A_VALID,
	    .status = 404, .error = "not_found" };
	rows[n++] = (struct row){ .what = "DELETE on the collection", .method = "DELETE",
	    .path = NULL, .auth = A_VALID, .status = 405, .error = "method_not_allowed" };
	rows[n++] = (struct row){ .what = "PATCH", .method = "PATCH",
	    .auth = A_VALID, .ctype = J, .body = NAME, .status = 405,
	    .error = "method_not_allowed" };
	walk(rows, n);
	{
		char *path = NULL;
		struct row more[2];

		cr_assert(asprintf(&path, "/publishers/%s/tokens/not-a-uuid", pub) > 0);
		more[0] = (struct row){ .what = "token id not a UUID", .method = "DELETE",
		    .path = path, .auth = A_VALID, .status = 404, .error = "not_found" };
		more[1] = (struct row){ .what = "unknown token id", .method = "DELETE",
		    .path = NULL, .auth = A_VALID, .status = 404, .error = "not_found" };
		{
			char *p2 = NULL;

			cr_assert(asprintf(&p2, "/publishers/%s/tokens/00000000-0000-4000-8000-000000000000", pub) > 0);
			more[1].path = p2;
			walk(more, 2);
			free(p2);
		}
		free(path);
	}
}
