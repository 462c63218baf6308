/*
 * app.h — pat-fcgi's application: the routes of DESIGN §3 as plain
 * functions from a struct http_request to a struct http_response.
 *
 * struct app is shared, read-only, by every worker thread; struct worker
 * is one thread's state (its own database connection).
 */
#ifndef PAT_APP_H
#define PAT_APP_H

#include "pat.h"
#include "config.h"
#include "http.h"
#include "jwt.h"
#include "pwhash.h"

struct db;

struct app {
	const struct pat_config	*cfg;		/* not owned; outlives the app */
	struct jwt_keys		*keys;		/* owned */
	struct jwt_policy	 policy;	/* strings point into cfg */
	struct pw_params	 pw;		/* pepper points into cfg */
	unsigned		 cap;		/* max active tokens per publisher */
};

struct worker {
	const struct app	*app;		/* not owned */
	struct db		*db;		/* owned, lazy (db_new) */
};

/*
 * Builds the app from a loaded config (which must outlive it): JWT keys,
 * JWT policy, Argon2 parameters, token cap. Returns PAT_OK with *out set,
 * PAT_ERR_CONFIG with errbuf saying which key is bad, or PAT_ERR_NOMEM.
 */
enum pat_err app_new(const struct pat_config *cfg, struct app **out,
    char *errbuf, size_t errlen) PAT_WUR;

/* Frees the app (wiping key material). NULL is a no-op. */
void app_free(struct app *app);

/*
 * A worker for one thread: app (which must outlive it) and a lazy database
 * handle that connects on first use. Returns PAT_OK or PAT_ERR_NOMEM.
 */
enum pat_err worker_new(const struct app *app, struct worker **out) PAT_WUR;

/* Closes the worker's connection and frees it. NULL is a no-op. Does not
 * call db_thread_end(): the thread does that when it exits. */
void worker_free(struct worker *w);

/*
 * Handles one request. resp must be initialised (http_response_init) and
 * is always filled: a status, and a JSON body except for 204. Never fails;
 * internal errors become JSON 500/503 and are logged, never described to
 * the client. Does not log the request itself (main.c does).
 *
 * Statuses: 200 201 204 400 401 403 404 405 411 413 415 500 503.
 */
void app_handle(struct worker *w, const struct http_request *req,
    struct http_response *resp);

/*
 * Parses an Authorization header value as RFC 6750 §2.1 credentials,
 * "Bearer" (any case) 1*SP b64token. Returns 1 with *tok and *toklen pointing
 * into value, or 0 if it is not well-formed Bearer credentials. Exposed for
 * tests and fuzzing.
 */
int app_bearer_token(const char *value, const char **tok, size_t *toklen);

#endif
