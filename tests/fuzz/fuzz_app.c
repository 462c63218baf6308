/*
 * fuzz_app.c — libFuzzer harness for the whole request handler,
 * cgi-bin/app.h app_handle, in-process and without a server: routing,
 * method and id checks, media type and framing, Bearer parsing, JWT
 * verification, body validation, error rendering (http_error, http_render).
 *
 * The database is a "database unavailable" fake, not a fake database
 * implementation: the worker's config names a MariaDB socket that does not
 * exist, so every database call fails fast with PAT_ERR_DB and a request
 * that gets that far ends in a JSON 503. (The socket name is inside the
 * harness's own directory, pat-fuzz-app.<pid>.XXXXXX under $TMPDIR or
 * /tmp, which holds the config and its secret files; it is removed at a
 * normal exit, left behind when libFuzzer stops on a crash or a signal.) The create/list/revoke handlers behind the database are
 * covered by the e2e tests, not here. Argon2 parameters in the config are
 * the smallest allowed (m=8 KiB, t=1, p=1), though with the database down
 * no request reaches pw_hash.
 *
 * Input layout (see mkseeds.py, corpus_app):
 *   byte 0  method:        GET POST DELETE PUT HEAD "post" "" <from input>
 *   byte 1  path:          /publishers/acme/tokens, .../tokens/<uuid>,
 *                          /publishers/Acme/tokens, .../tokens/,
 *                          .../tokens/not-a-uuid, /publishers//tokens, /,
 *                          <from input>
 *   byte 2  Content-Type:  none, application/json, application/json;
 *                          charset=utf-8, text/plain, <from input>
 *   byte 3  Authorization: none, Bearer + a valid HS256 / RS256 / ES256
 *                          fixture JWT, Bearer + an expired one,
 *                          <from input>
 *   byte 4  body state:    OK NONE TOOBIG BADLEN SHORT
 *   then one '\n'-terminated line per field chosen <from input>, in the
 *   order method, path, Content-Type, Authorization (a NUL in a line ends
 *   the C string there, as strdup in main.c would); the rest is the body,
 *   an exact-size heap buffer without a trailing NUL.
 *
 * Oracles: every response has a status in the documented set and, but for
 * 204, a JSON object body {"error","message"} of strings; never 200, 201,
 * 204 or 403 (they need the database) nor 500; 401 carries
 * WWW-Authenticate, with error="invalid_token" exactly when Bearer
 * credentials were presented, and never answers a JWT that verifies; 405
 * carries Allow; 503 carries Retry-After and happens only after a JWT that
 * verifies (no database round trip without valid credentials) and, for
 * POST, a body that validates (cheapest check first); the response renders
 * with Cache-Control: no-store.
 *
 * The handler logs every failed database connection on stderr: fuzz.sh
 * runs this harness with -close_fd_mask=2 (libFuzzer and the sanitizers
 * keep their own copy of stderr).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "app.h"
#include "config.h"
#include "db.h"
#include "http.h"
#include "json.h"
#include "jwt.h"
#include "keys.h"
#include "log.h"
#include "pwhash.h"
#include "valid.h"

int LLVMFuzzerInitialize(int *, char ***);
int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define PEPPER	"fuzz-only-pepper-0123456789abcdef-0123456789"
#define IN	NULL		/* "take this field from the input" */

static char			 dir[256];
static struct pat_config	*cfg;
static struct app		*app;
static struct worker		*worker;

static const char *const methods[] = {
	"GET", "POST", "DELETE", "PUT", "HEAD", "post", "", IN
};
static const char *const paths[] = {
	"/publishers/acme/tokens",
	"/publishers/acme/tokens/0b1e8d2c-5f8a-4b7e-9c3d-2a1f0e9d8c7b",
	"/publishers/Acme/tokens",
	"/publishers/acme/tokens/",
	"/publishers/acme/tokens/not-a-uuid",
	"/publishers//tokens",
	"/",
	IN
};
/* "" stands for "no header" (NULL in the request). */
static const char *const ctypes[] = {
	"", "application/json", "application/json; charset=utf-8",
	"text/plain", IN
};
static const char *const auths[] = {
	"", "Bearer " FZ_JWT_HS256, "Bearer " FZ_JWT_RS256,
	"Bearer " FZ_JWT_ES256, "Bearer " FZ_JWT_EXPIRED, IN
};
static const enum http_body_state states[] = {
	HTTP_BODY_OK, HTTP_BODY_NONE, HTTP_BODY_TOOBIG, HTTP_BODY_BADLEN,
	HTTP_BODY_SHORT
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static void
die(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_app: %s: %s\n", what, detail);
	abort();
}

static void
path_in_dir(char *out, size_t outsz, const char *name)
{
	int	n;

	n = snprintf(out, outsz, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= outsz)
		die("path too long", name);
}

static void
write_file(const char *name, const char *content, mode_t mode)
{
	char	p[320];
	size_t	len = strlen(content);
	int	fd;

	path_in_dir(p, sizeof(p), name);
	if ((fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)) ==
	    -1 || fchmod(fd, mode) == -1 ||
	    write(fd, content, len) != (ssize_t)len || close(fd) == -1)
		die(p, strerror(errno));
}

static void
cleanup(void)
{
	static const char *const names[] = {
		"pat.conf", "jwt.secret", "pepper", "jwks.json"
	};
	char	p[320];
	size_t	i;

	worker_free(worker);
	worker = NULL;
	app_free(app);
	app = NULL;
	cfg_free(cfg);
	cfg = NULL;
	if (dir[0] == '\0')
		return;
	for (i = 0; i < NELEM(names); i++) {
		path_in_dir(p, sizeof(p), names[i]);
		(void)unlink(p);
	}
	(void)rmdir(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char		 conf[320], text[2048], err[512];
	const char	*tmp;
	int		 n;

	(void)argc;
	(void)argv;
	log_init("fuzz_app", LOG_LVL_ERROR);
	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	n = snprintf(dir, sizeof(dir), "%s/pat-fuzz-app.%ld.XXXXXX", tmp,
	    (long)getpid());
	if (n < 0 || (size_t)n >= sizeof(dir) || mkdtemp(dir) == NULL)
		die("mkdtemp", strerror(errno));
	atexit(cleanup);
	write_file("jwt.secret", FZ_HS256_SECRET "\n", 0600);
	write_file("pepper", PEPPER "\n", 0600);
	write_file("jwks.json", FZ_JWKS, 0644);
	n = snprintf(text, sizeof(text),
	    "; fuzz_app: the database socket does not exist\n"
	    "[server]\nthreads = 1\nmax_hashes = 1\n"
	    "[database]\nsocket = %s/no-such-mysqld.sock\n"
	    "connect_timeout = 1\nread_timeout = 1\nwrite_timeout = 1\n"
	    "[auth]\nissuer = %s\naudience = %s\nleeway_seconds = 60\n"
	    "hs256_secret_file = jwt.secret\njwks_file = jwks.json\n"
	    "[tokens]\nargon2_memory_kib = 8\nargon2_iterations = 1\n"
	    "argon2_parallelism = 1\npepper_file = pepper\n"
	    "max_tokens_per_publisher = 100\n", dir, FZ_ISSUER, FZ_AUDIENCE);
	if (n < 0 || (size_t)n >= sizeof(text))
		die("config", "too long");
	write_file("pat.conf", text, 0600);
	path_in_dir(conf, sizeof(conf), "pat.conf");
	if (cfg_load(conf, &cfg, err, sizeof(err)) != PAT_OK)
		die("cfg_load", err);
	if (db_global_init() != PAT_OK)
		die("db_global_init", "failed");
	pw_set_concurrency(1);
	if (app_new(cfg, &app, err, sizeof(err)) != PAT_OK)
		die("app_new", err);
	if (worker_new(app, &worker) != PAT_OK)
		die("worker_new", "failed");
	return 0;
}

/*
 * Takes the next '\n'-terminated line of *p (len *left) as a malloc'd C
 * string; a line without '\n' takes all that is left.
 */
static char *
take_line(const uint8_t **p, size_t *left)
{
	const uint8_t	*nl;
	size_t		 n;
	char		*s;

	nl = memchr(*p, '\n', *left);
	n = nl != NULL ? (size_t)(nl - *p) : *left;
	if ((s = malloc(n + 1)) == NULL)
		return NULL;
	memcpy(s, *p, n);
	s[n] = '\0';
	*p += n;
	*left -= n;
	if (nl != NULL) {
		(*p)++;
		(*left)--;
	}
	return s;
}

/* A fixed choice (NULL for "") or the next input line. */
static int
field(const char *fixed, const uint8_t **p, size_t *left, char **out)
{
	*out = NULL;
	if (fixed == IN)
		return (*out = take_line(p, left)) != NULL;
	if (*fixed == '\0')
		return 1;
	return (*out = strdup(fixed)) != NULL;
}

/* The response body is {"error": string, "message": string}. */
static void
check_error_body(const struct http_response *resp)
{
	struct json_object	*o = NULL;

	if (resp->body == NULL || resp->body_len == 0)
		abort();
	if (js_parse_strict(resp->body, resp->body_len, 2, &o) != PAT_OK ||
	    !json_object_is_type(o, json_type_object) ||
	    js_get_typed(o, "error", json_type_string, NULL) == NULL ||
	    js_get_typed(o, "message", json_type_string, NULL) == NULL ||
	    json_object_object_length(o) != 2)
		abort();
	json_object_put(o);
}

/* Would these credentials pass step 5? */
static int
credentials_valid(const char *authz)
{
	struct jwt_claims	 c;
	const char		*tok;
	size_t			 toklen;

	if (authz == NULL || !app_bearer_token(authz, &tok, &toklen))
		return 0;
	if (jwt_verify(app->keys, &app->policy, tok, toklen, time(NULL), &c,
	    NULL) != PAT_OK)
		return 0;
	return val_user_id(c.sub, strlen(c.sub));
}

static void
check_response(const struct http_request *req,
    const struct http_response *resp)
{
	struct val_create	 vc;
	char			*out = NULL, want[32];
	const char		*tok;
	size_t			 outlen = 0, toklen;
	int			 bearer;

	switch (resp->status) {
	case 400: case 401: case 404: case 405: case 411: case 413: case 415:
	case 503:
		break;
	default:
		/* 200/201/204/403 need the database; 500 is a bug here. */
		abort();
	}
	check_error_body(resp);
	if (resp->secret)
		abort();

	bearer = req->authorization != NULL &&
	    app_bearer_token(req->authorization, &tok, &toklen);
	if (bearer && (toklen == 0 || tok < req->authorization ||
	    tok + toklen > req->authorization + strlen(req->authorization)))
		abort();
	if (resp->status == 401) {
		/* A JWT that verifies is never refused. */
		if (credentials_valid(req->authorization))
			abort();
		if (resp->www_authenticate == NULL ||
		    strncmp(resp->www_authenticate, "Bearer realm=\"pat\"",
		    18) != 0)
			abort();
		if ((strstr(resp->www_authenticate,
		    "error=\"invalid_token\"") != NULL) != bearer)
			abort();
	}
	if (resp->status == 405 && (resp->allow == NULL ||
	    resp->allow[0] == '\0'))
		abort();
	if (resp->status == 503) {
		if (resp->retry_after == 0)
			abort();
		/* Reached the database: only with valid credentials ... */
		if (!credentials_valid(req->authorization))
			abort();
		/* ... and, for POST, a body that validates. */
		if (req->method != NULL && strcmp(req->method, "POST") == 0) {
			if (req->body_state != HTTP_BODY_OK ||
			    val_create_body(req->body, req->body_len, &vc,
			    NULL) != PAT_OK)
				abort();
			val_create_free(&vc);
		}
	}

	if (http_render(resp, &out, &outlen) != PAT_OK)
		abort();
	snprintf(want, sizeof(want), "Status: %d ", resp->status);
	if (outlen < strlen(want) || strncmp(out, want, strlen(want)) != 0 ||
	    strstr(out, "\r\nCache-Control: no-store\r\n") == NULL ||
	    strstr(out, "\r\n\r\n") == NULL)
		abort();
	http_render_free(out, outlen);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_request	 req;
	struct http_response	 resp;
	const uint8_t		*p;
	size_t			 left;

	if (size < 5)
		return 0;
	http_request_init(&req);
	http_response_init(&resp);
	p = data + 5;
	left = size - 5;
	if (!field(methods[data[0] % NELEM(methods)], &p, &left, &req.method) ||
	    !field(paths[data[1] % NELEM(paths)], &p, &left, &req.path) ||
	    !field(ctypes[data[2] % NELEM(ctypes)], &p, &left,
	    &req.content_type) ||
	    !field(auths[data[3] % NELEM(auths)], &p, &left,
	    &req.authorization))
		goto out;
	if ((req.remote_addr = strdup("192.0.2.1")) == NULL)
		goto out;
	req.body_state = states[data[4] % NELEM(states)];
	if (req.body_state == HTTP_BODY_OK) {
		/* Exact size, no NUL: ASan sees any read past body_len. */
		if ((req.body = malloc(left > 0 ? left : 1)) == NULL)
			goto out;
		if (left > 0)
			memcpy(req.body, p, left);
		req.body_len = left;
	}

	app_handle(worker, &req, &resp);
	check_response(&req, &resp);
out:
	http_response_free(&resp);
	http_request_free(&req);
	return 0;
}
