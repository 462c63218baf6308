/*
 * app.c — the request path of pat-fcgi, top to bottom.
 *
 * app_handle() is the dispatcher. It checks, cheapest first, and stops at
 * the first failure:
 *
 *   1. route        the raw path names one of our resources    else 404
 *   2. method       the resource allows it                     else 405 + Allow
 *   3. path ids     publisherId is a valid publisher id, and
 *                   tokenId a lowercase UUID: an id that fails
 *                   the syntax cannot exist                    else 404
 *   4. media type   POST: Content-Type application/json        else 415
 *      framing      POST: Content-Length given                 else 411
 *                         at most HTTP_BODY_MAX bytes          else 413
 *                         well-formed, whole body arrived      else 400
 *   5. credentials  Authorization: Bearer <JWT>, verified      else 401
 *   6. body         POST: a JSON object with a valid name
 *                   and description                            else 400
 *   7. database     publisher exists                           else 404
 *                   user known, active, owner; publisher
 *                   active                                     else 403
 *   8. handler      create (201) / list (200) / revoke (204)
 *
 * So a request without a valid JWT costs no database round trip and no
 * Argon2 work; a POST at the token cap costs one COUNT and no Argon2 work.
 * A database failure anywhere is a JSON 503 with Retry-After; any other
 * internal failure a JSON 500. Details go to the log, never to the client.
 *
 * Error codes ("error" in the body):
 *   400 invalid_request, token_limit_reached   401 unauthorized, invalid_token
 *   403 forbidden   404 not_found   405 method_not_allowed
 *   411 length_required   413 payload_too_large   415 unsupported_media_type
 *   500 internal_error   503 service_unavailable
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <json-c/json.h>

#include "app.h"
#include "db.h"
#include "json.h"
#include "log.h"
#include "token.h"
#include "valid.h"

#define WWW_AUTH		"Bearer realm=\"pat\""
#define WWW_AUTH_INVALID	"Bearer realm=\"pat\", error=\"invalid_token\""
#define ALLOW_TOKENS		"GET, POST"
#define ALLOW_TOKEN		"DELETE"
#define REVOKE_REASON		"revoked via API"
#define CREATE_ATTEMPTS		3	/* on a (very unlikely) duplicate id/selector */
#define PATH_MAX_LEN		256	/* longer paths are not ours */

enum route {
	ROUTE_NONE = 0,
	ROUTE_TOKENS,		/* /publishers/{publisherId}/tokens */
	ROUTE_TOKEN		/* /publishers/{publisherId}/tokens/{tokenId} */
};

struct route_match {
	enum route	 route;
	const char	*pub;		/* into the path, pub_len bytes */
	size_t		 pub_len;
	const char	*tid;		/* into the path, tid_len bytes */
	size_t		 tid_len;
};

enum pat_err
app_new(const struct pat_config *cfg, struct app **out, char *errbuf,
    size_t errlen)
{
	struct app	*app = NULL;
	enum pat_err	 rc = PAT_ERR_NOMEM;

	*out = NULL;
	if ((app = calloc(1, sizeof(*app))) == NULL) {
		snprintf(errbuf, errlen, "out of memory");
		goto out;
	}
	app->cfg = cfg;
	rc = jwt_keys_new(cfg->hs256_secret, cfg->hs256_secret_len,
	    cfg->jwks_json, cfg->jwks_path, &app->keys, errbuf, errlen);
	if (rc != PAT_OK)
		goto out;
	app->policy.issuer = cfg->issuer;
	app->policy.audience = cfg->audience;
	app->policy.leeway = cfg->leeway_seconds;
	app->pw.m_kib = cfg->argon2_memory_kib;
	app->pw.t = cfg->argon2_iterations;
	app->pw.p = cfg->argon2_parallelism;
	app->pw.pepper = cfg->pepper;
	app->pw.pepper_len = cfg->pepper_len;
	app->cap = cfg->max_tokens_per_publisher;
	*out = app;
	app = NULL;
	rc = PAT_OK;
out:
	app_free(app);
	return rc;
}

void
app_free(struct app *app)
{
	if (app == NULL)
		return;
	jwt_keys_free(app->keys);
	explicit_bzero(app, sizeof(*app));
	free(app);
}

enum pat_err
worker_new(const struct app *app, struct worker **out)
{
	struct worker	*w = NULL;
	enum pat_err	 rc = PAT_ERR_NOMEM;

	*out = NULL;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		goto out;
	w->app = app;
	if ((rc = db_new(app->cfg, &w->db)) != PAT_OK)
		goto out;
	*out = w;
	w = NULL;
	rc = PAT_OK;
out:
	worker_free(w);
	return rc;
}

void
worker_free(struct worker *w)
{
	if (w == NULL)
		return;
	db_close(w->db);
	free(w);
}

/*
 * Routing. The path is the raw request path (never percent-decoded): our
 * ids are [a-z0-9-], so a legitimate client never needs an escape, and
 * refusing '%' outright means "%2F" or "%00" can never smuggle a separator
 * or a NUL into an id. No trailing slash, no empty segment: anything but
 * the two exact shapes is a 404.
 */
static int
route_parse(const char *path, struct route_match *m)
{
	static const char	 pfx[] = "/publishers/";
	static const char	 mid[] = "/tokens";
	const char		*p, *slash;
	size_t			 len;

	memset(m, 0, sizeof(*m));
	if (path == NULL)
		return 0;
	len = strnlen(path, PATH_MAX_LEN + 1);
	if (len > PATH_MAX_LEN || strchr(path, '%') != NULL)
		return 0;
	if (strncmp(path, pfx, sizeof(pfx) - 1) != 0)
		return 0;
	p = path + sizeof(pfx) - 1;
	if ((slash = strchr(p, '/')) == NULL || slash == p)
		return 0;
	m->pub = p;
	m->pub_len = (size_t)(slash - p);
	if (strncmp(slash, mid, sizeof(mid) - 1) != 0)
		return 0;
	p = slash + sizeof(mid) - 1;
	if (*p == '\0') {
		m->route = ROUTE_TOKENS;
		return 1;
	}
	if (*p != '/' || p[1] == '\0' || strchr(p + 1, '/') != NULL)
		return 0;
	m->tid = p + 1;
	m->tid_len = strlen(p + 1);
	m->route = ROUTE_TOKEN;
	return 1;
}

/*
 * Content-Type: application/json, with optional parameters; a charset
 * parameter, if any, must be utf-8 (RFC 8259 §8.1). Case-insensitive.
 */
static int
media_type_ok(const char *ct)
{
	static const char	 json[] = "application/json";
	const char		*p, *seg, *v;
	size_t			 seglen, vlen;

	if (ct == NULL || strncasecmp(ct, json, sizeof(json) - 1) != 0)
		return 0;
	p = ct + sizeof(json) - 1;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			return 1;
		if (*p++ != ';')
			return 0;
		while (*p == ' ' || *p == '\t')
			p++;
		seg = p;
		seglen = strcspn(seg, ";");
		p = seg + seglen;
		while (seglen > 0 && (seg[seglen - 1] == ' ' ||
		    seg[seglen - 1] == '\t'))
			seglen--;
		if (seglen < 8 || strncasecmp(seg, "charset=", 8) != 0)
			continue;	/* another parameter: ignored */
		v = seg + 8;
		vlen = seglen - 8;
		if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
			v++;
			vlen -= 2;
		}
		if (vlen != 5 || strncasecmp(v, "utf-8", 5) != 0)
			return 0;
	}
}

int
app_bearer_token(const char *value, const char **tok, size_t *toklen)
{
	const char	*p, *start;

	*tok = NULL;
	*toklen = 0;
	if (value == NULL || strncasecmp(value, "Bearer", 6) != 0 ||
	    value[6] != ' ')
		return 0;
	p = value + 6;
	while (*p == ' ')
		p++;
	start = p;
	/* b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=" */
	while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
	    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' ||
	    *p == '_' || *p == '~' || *p == '+' || *p == '/')
		p++;
	if (p == start)
		return 0;
	while (*p == '=')
		p++;
	if (*p != '\0')
		return 0;
	*tok = start;
	*toklen = (size_t)(p - start);
	return 1;
}

/* A database failure: 503 (retry later) for PAT_ERR_DB, 500 otherwise. */
static void
fail_internal(struct http_response *resp, enum pat_err rc, const char *what)
{
	log_warn("%s: %s", what, pat_strerror(rc));
	resp->location[0] = '\0';
	if (rc == PAT_ERR_DB) {
		resp->retry_after = HTTP_RETRY_AFTER;
		http_error(resp, 503, "service_unavailable",
		    "The service is temporarily unavailable; try again later.");
	} else
		http_error(resp, 500, "internal_error",
		    "The server could not complete the request.");
}

/*
 * Credentials (step 5). Returns 1 with claims filled, or 0 with a 401 in
 * resp: without error="invalid_token" when no Bearer credentials were
 * presented (absent, another scheme, malformed), with it when a token was
 * presented and failed verification.
 */
static int
authenticate(const struct app *app, const struct http_request *req,
    struct jwt_claims *claims, struct http_response *resp)
{
	const char	*tok;
	size_t		 toklen;
	enum jwt_reason	 why = JWT_R_OK;
	enum pat_err	 rc;

	if (req->authorization == NULL || req->authorization[0] == '\0') {
		resp->www_authenticate = WWW_AUTH;
		resp->log_note = "no credentials";
		http_error(resp, 401, "unauthorized",
		    "A bearer token is required.");
		return 0;
	}
	if (!app_bearer_token(req->authorization, &tok, &toklen)) {
		resp->www_authenticate = WWW_AUTH;
		resp->log_note = "malformed Authorization";
		http_error(resp, 401, "unauthorized",
		    "The Authorization header must be \"Bearer <token>\".");
		return 0;
	}
	rc = jwt_verify(app->keys, &app->policy, tok, toklen, time(NULL),
	    claims, &why);
	if (rc == PAT_ERR_NOMEM) {
		fail_internal(resp, rc, "jwt_verify");
		return 0;
	}
	if (rc == PAT_OK && !val_user_id(claims->sub, strlen(claims->sub))) {
		rc = PAT_ERR_JWT;
		why = JWT_R_SUBJECT;
	}
	if (rc != PAT_OK) {
		explicit_bzero(claims, sizeof(*claims));
		resp->www_authenticate = WWW_AUTH_INVALID;
		resp->log_note = jwt_reason_str(why);
		http_error(resp, 401, "invalid_token",
		    "The bearer token is invalid or expired.");
		return 0;
	}
	return 1;
}

/*
 * Authorization (step 7): one round trip. Returns 1 if sub may manage
 * pub's tokens, else 0 with 404 (unknown publisher), 403 (unknown or
 * banned user, not an owner, banned publisher) or 5xx in resp.
 */
static int
authorize(struct worker *w, const char *pub, const char *sub,
    struct http_response *resp)
{
	struct db_access	 acc;
	enum pat_err		 rc;

	memset(&acc, 0, sizeof(acc));
	if ((rc = db_access_get(w->db, pub, sub, &acc)) != PAT_OK) {
		fail_internal(resp, rc, "db_access_get");
		return 0;
	}
	if (!acc.publisher_found) {
		http_error(resp, 404, "not_found", "No such publisher.");
		return 0;
	}
	if (!acc.user_found || acc.user_status != DB_ACTIVE) {
		resp->log_note = acc.user_found ? "user banned" : "user unknown";
		http_error(resp, 403, "forbidden",
		    "This account may not manage tokens.");
		return 0;
	}
	if (!acc.is_member || acc.role != DB_ROLE_OWNER) {
		resp->log_note = "not an owner";
		http_error(resp, 403, "forbidden",
		    "Only an owner of this publisher may manage its tokens.");
		return 0;
	}
	if (acc.publisher_status != DB_ACTIVE) {
		resp->log_note = "publisher banned";
		http_error(resp, 403, "forbidden",
		    "This publisher is not active.");
		return 0;
	}
	return 1;
}

/* Adds key: RFC 3339 time, or null when t is 0. 0 on failure. */
static int
add_time(struct json_object *o, const char *key, int64_t t)
{
	char	buf[32];

	if (t == 0)
		return json_object_object_add(o, key, NULL) == 0;
	js_time_rfc3339((long long)t, buf);
	return json_object_object_add(o, key,
	    json_object_new_string(buf)) == 0;
}

static int
add_string(struct json_object *o, const char *key, const char *s)
{
	struct json_object	*v;

	if ((v = json_object_new_string(s)) == NULL)
		return 0;
	return json_object_object_add(o, key, v) == 0;
}

/*
 * POST /publishers/{publisherId}/tokens, after steps 1–7.
 * 201 with {"token","id","name","description","createdAt"}, Location and
 * (as every response) Cache-Control: no-store; 400 token_limit_reached;
 * 404 if the publisher vanished meanwhile; 500/503.
 *
 * The token is shown this once: it exists in tok, parts and the response
 * body, all wiped. It never enters json-c (whose buffers are not wiped):
 * the body is '{"token":"<tok>",' followed by the rest of a json-c object.
 */
static void
handle_create(struct worker *w, const char *pub, const char *sub,
    const struct val_create *vc, struct http_response *resp)
{
	static const char	 head[] = "{\"token\":\"";
	const struct app	*app = w->app;
	struct db_token		*t = NULL;
	struct tok_parts	 parts;
	struct json_object	*o = NULL;
	char			 tok[TOK_LEN + 1], msg[128], created[32];
	const char		*rest = NULL;
	char			*body = NULL;
	size_t			 restlen = 0, blen;
	unsigned		 n = 0, attempt;
	enum pat_err		 rc;
	int			 k;

	memset(&parts, 0, sizeof(parts));
	memset(tok, 0, sizeof(tok));

	/* Cheap pre-check, before any Argon2 work; the insert re-checks
	 * under a row lock. */
	if ((rc = db_token_count_active(w->db, pub, &n)) != PAT_OK) {
		fail_internal(resp, rc, "db_token_count_active");
		goto out;
	}
	if (n >= app->cap)
		goto limit;

	if ((t = calloc(1, sizeof(*t))) == NULL) {
		fail_internal(resp, PAT_ERR_NOMEM, "calloc");
		goto out;
	}
	if ((size_t)snprintf(t->publisher_id, sizeof(t->publisher_id), "%s",
	    pub) >= sizeof(t->publisher_id) ||
	    (size_t)snprintf(t->name, sizeof(t->name), "%s", vc->name) >=
	    sizeof(t->name) ||
	    (size_t)snprintf(t->description, sizeof(t->description), "%s",
	    vc->description) >= sizeof(t->description) ||
	    (size_t)snprintf(t->created_by, sizeof(t->created_by), "%s",
	    sub) >= sizeof(t->created_by)) {
		/* valid.h's limits fit db.h's buffers: cannot happen. */
		fail_internal(resp, PAT_ERR_TOOBIG, "handle_create");
		goto out;
	}
	t->expires_at = 0;

	rc = PAT_ERR_EXISTS;
	for (attempt = 0; attempt < CREATE_ATTEMPTS && rc == PAT_ERR_EXISTS;
	    attempt++) {
		explicit_bzero(tok, sizeof(tok));
		tok_parts_wipe(&parts);
		if ((rc = tok_generate(tok, &parts)) != PAT_OK) {
			fail_internal(resp, rc, "tok_generate");
			goto out;
		}
		if ((rc = tok_uuid4(t->id)) != PAT_OK) {
			fail_internal(resp, rc, "tok_uuid4");
			goto out;
		}
		memcpy(t->selector, parts.selector, sizeof(parts.selector));
		if ((rc = pw_hash(&app->pw, parts.secret, TOK_SECRET_LEN,
		    t->hash)) != PAT_OK) {
			fail_internal(resp, rc, "pw_hash");
			goto out;
		}
		rc = db_token_insert_owner(w->db, t, app->cap, sub);
	}
	switch (rc) {
	case PAT_OK:
		break;
	case PAT_ERR_LIMIT:
		goto limit;
	case PAT_ERR_NOTFOUND:
		http_error(resp, 404, "not_found", "No such publisher.");
		goto out;
	case PAT_ERR_FORBIDDEN:
		/* Banned or demoted while this request was in flight. */
		http_error(resp, 403, "forbidden",
		    "You may not manage this publisher's tokens.");
		goto out;
	default:
		fail_internal(resp, rc, "db_token_insert");
		goto out;
	}

	/* The rest of the body, without the token. */
	js_time_rfc3339((long long)t->created_at, created);
	if ((o = json_object_new_object()) == NULL ||
	    !add_string(o, "id", t->id) ||
	    !add_string(o, "name", t->name) ||
	    !add_string(o, "description", t->description) ||
	    !add_string(o, "createdAt", created) ||
	    (rest = json_object_to_json_string_length(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
	    &restlen)) == NULL || restlen < 2 || rest[0] != '{') {
		log_warn("token %s created but the response failed", t->id);
		fail_internal(resp, PAT_ERR_NOMEM, "json");
		goto out;
	}
	/* '{"token":"' tok '",' rest-without-its-'{' */
	blen = (sizeof(head) - 1) + TOK_LEN + 2 + (restlen - 1);
	if ((body = malloc(blen + 1)) == NULL) {
		log_warn("token %s created but the response failed", t->id);
		fail_internal(resp, PAT_ERR_NOMEM, "malloc");
		goto out;
	}
	memcpy(body, head, sizeof(head) - 1);
	memcpy(body + sizeof(head) - 1, tok, TOK_LEN);
	memcpy(body + sizeof(head) - 1 + TOK_LEN, "\",", 2);
	memcpy(body + sizeof(head) - 1 + TOK_LEN + 2, rest + 1, restlen - 1);
	body[blen] = '\0';

	http_response_free(resp);
	resp->status = 201;
	resp->body = body;
	resp->body_len = blen;
	resp->secret = 1;
	body = NULL;
	k = snprintf(resp->location, sizeof(resp->location),
	    "/publishers/%s/tokens/%s", pub, t->id);
	if (k < 0 || (size_t)k >= sizeof(resp->location))
		resp->location[0] = '\0';	/* cannot happen: ids are bounded */
	goto out;

limit:
	snprintf(msg, sizeof(msg), "This publisher already has the maximum "
	    "number of active tokens (%u).", app->cap);
	http_error(resp, 400, "token_limit_reached", msg);
out:
	json_object_put(o);
	explicit_bzero(tok, sizeof(tok));
	tok_parts_wipe(&parts);
	if (t != NULL) {
		explicit_bzero(t, sizeof(*t));
		free(t);
	}
	free(body);
}

/*
 * GET /publishers/{publisherId}/tokens, after steps 1–7.
 * 200 with an array of the publisher's active tokens, newest first:
 * {"id","name","description","createdAt","lastUsedAt","expiresAt","token"}
 * with token masked ("pat_" + 6 selector characters + "…") and
 * lastUsedAt/expiresAt null when unset. Never a hash. 500/503.
 */
static void
handle_list(struct worker *w, const char *pub, struct http_response *resp)
{
	struct db_token		*toks = NULL;
	struct json_object	*arr = NULL, *o;
	char			 mask[TOK_MASK_SIZE], created[32];
	const char		*s;
	size_t			 n = 0, i, len;
	enum pat_err		 rc;

	if ((rc = db_token_list(w->db, pub, DB_STATE_ACTIVE, &toks, &n)) !=
	    PAT_OK) {
		fail_internal(resp, rc, "db_token_list");
		toks = NULL;
		n = 0;
		goto out;
	}
	if ((arr = json_object_new_array_ext((int)n)) == NULL)
		goto nomem;
	for (i = 0; i < n; i++) {
		if ((o = json_object_new_object()) == NULL)
			goto nomem;
		if (json_object_array_add(arr, o) != 0) {
			json_object_put(o);
			goto nomem;
		}
		tok_mask(toks[i].selector, mask);
		js_time_rfc3339((long long)toks[i].created_at, created);
		if (!add_string(o, "id", toks[i].id) ||
		    !add_string(o, "name", toks[i].name) ||
		    !add_string(o, "description", toks[i].description) ||
		    !add_string(o, "createdAt", created) ||
		    !add_time(o, "lastUsedAt", toks[i].last_used_at) ||
		    !add_time(o, "expiresAt", toks[i].expires_at) ||
		    !add_string(o, "token", mask))
			goto nomem;
	}
	s = json_object_to_json_string_length(arr, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	if (s == NULL || http_response_set_body(resp, s, len) != PAT_OK)
		goto nomem;
	resp->status = 200;
	goto out;
nomem:
	fail_internal(resp, PAT_ERR_NOMEM, "handle_list");
out:
	json_object_put(arr);
	if (toks != NULL) {
		explicit_bzero(toks, n * sizeof(*toks));
		free(toks);
	}
}

/*
 * DELETE /publishers/{publisherId}/tokens/{tokenId}, after steps 1–7.
 * 204 (no body) when revoked now; 404 when the publisher has no such token
 * or it is already revoked (revoked tokens no longer exist for the API);
 * 500/503.
 */
static void
handle_revoke(struct worker *w, const char *pub, const char *tid,
    const char *sub, struct http_response *resp)
{
	enum pat_err	rc;

	rc = db_token_revoke(w->db, tid, pub, sub, REVOKE_REASON);
	switch (rc) {
	case PAT_OK:
		http_response_free(resp);
		resp->status = 204;
		break;
	case PAT_ERR_NOTFOUND:
	case PAT_ERR_ALREADY:
		http_error(resp, 404, "not_found", "No such token.");
		break;
	default:
		fail_internal(resp, rc, "db_token_revoke");
		break;
	}
}

void
app_handle(struct worker *w, const struct http_request *req,
    struct http_response *resp)
{
	struct route_match	 rt;
	struct jwt_claims	 claims;
	struct val_create	 vc;
	struct val_error	 ve;
	char			 pub[VAL_PUBLISHER_ID_MAX + 1], tid[37];
	const char		*method;
	enum pat_err		 rc;
	int			 is_post = 0, is_get = 0, is_delete = 0;

	memset(&claims, 0, sizeof(claims));
	memset(&vc, 0, sizeof(vc));
	memset(&ve, 0, sizeof(ve));
	pub[0] = tid[0] = '\0';
	method = req->method != NULL ? req->method : "";

	/* 1. Route. */
	if (!route_parse(req->path, &rt)) {
		http_error(resp, 404, "not_found", "No such resource.");
		goto out;
	}

	/* 2. Method. */
	if (rt.route == ROUTE_TOKENS) {
		is_post = strcmp(method, "POST") == 0;
		is_get = strcmp(method, "GET") == 0;
		if (!is_post && !is_get) {
			resp->allow = ALLOW_TOKENS;
			http_error(resp, 405, "method_not_allowed",
			    "Allowed methods: GET, POST.");
			goto out;
		}
	} else {
		is_delete = strcmp(method, "DELETE") == 0;
		if (!is_delete) {
			resp->allow = ALLOW_TOKEN;
			http_error(resp, 405, "method_not_allowed",
			    "Allowed methods: DELETE.");
			goto out;
		}
	}

	/* 3. Path ids: one that fails the syntax names nothing. */
	if (!val_publisher_id(rt.pub, rt.pub_len)) {
		http_error(resp, 404, "not_found", "No such publisher.");
		goto out;
	}
	memcpy(pub, rt.pub, rt.pub_len);
	pub[rt.pub_len] = '\0';
	if (rt.route == ROUTE_TOKEN) {
		if (!val_uuid(rt.tid, rt.tid_len)) {
			http_error(resp, 404, "not_found", "No such token.");
			goto out;
		}
		memcpy(tid, rt.tid, rt.tid_len);
		tid[rt.tid_len] = '\0';
	}

	/* 4. Media type and framing of the POST body. */
	if (is_post) {
		if (!media_type_ok(req->content_type)) {
			http_error(resp, 415, "unsupported_media_type",
			    "The request body must be application/json.");
			goto out;
		}
		switch (req->body_state) {
		case HTTP_BODY_OK:
			break;
		case HTTP_BODY_NONE:
			http_error(resp, 411, "length_required",
			    "A Content-Length is required.");
			goto out;
		case HTTP_BODY_TOOBIG:
			http_error(resp, 413, "payload_too_large",
			    "The request body must be at most 16384 bytes.");
			goto out;
		case HTTP_BODY_BADLEN:
			http_error(resp, 400, "invalid_request",
			    "The Content-Length is malformed.");
			goto out;
		case HTTP_BODY_SHORT:
		default:
			http_error(resp, 400, "invalid_request",
			    "The request body is incomplete.");
			goto out;
		}
	}

	/* 5. Credentials: no database, no Argon2 before this passes. */
	if (!authenticate(w->app, req, &claims, resp))
		goto out;

	/* 6. Body. */
	if (is_post) {
		rc = val_create_body(req->body, req->body_len, &vc, &ve);
		switch (rc) {
		case PAT_OK:
			break;
		case PAT_ERR_TOOBIG:
			http_error(resp, 413, "payload_too_large",
			    "The request body must be at most 16384 bytes.");
			goto out;
		case PAT_ERR_FORMAT:
			http_error(resp, 400, "invalid_request",
			    "The request body must be a JSON object.");
			goto out;
		case PAT_ERR_INVALID:
			http_error(resp, 400, "invalid_request",
			    ve.message != NULL ? ve.message :
			    "The request body is invalid.");
			goto out;
		default:
			fail_internal(resp, rc, "val_create_body");
			goto out;
		}
	}

	/* 7. Database: may this user manage this publisher's tokens? */
	if (!authorize(w, pub, claims.sub, resp))
		goto out;

	/* 8. The handler. */
	if (is_post)
		handle_create(w, pub, claims.sub, &vc, resp);
	else if (is_get)
		handle_list(w, pub, resp);
	else
		handle_revoke(w, pub, tid, claims.sub, resp);
out:
	if (is_post)
		val_create_free(&vc);
	explicit_bzero(&claims, sizeof(claims));
	if (resp->status == 0)
		fail_internal(resp, PAT_ERR_INVALID, "app_handle");
}
