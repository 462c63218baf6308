/*
 * http.h — the HTTP request and response as pat-fcgi's handlers see them.
 *
 * cgi-bin/main.c adapts FastCGI to these structs; cgi-bin/app.c turns a
 * request into a response; tests build requests by hand and never open a
 * socket. Nothing here knows about FastCGI.
 */
#ifndef PAT_HTTP_H
#define PAT_HTTP_H

#include <stddef.h>
#include "pat.h"
#include "valid.h"

#define HTTP_BODY_MAX		VAL_BODY_MAX	/* request body cap, bytes */
#define HTTP_LOCATION_MAX	192	/* "/publishers/<64>/tokens/<36>" fits */
#define HTTP_RESPONSE_MAX	(1024 * 1024)	/* rendered response cap */
#define HTTP_RETRY_AFTER	5	/* seconds, on 503 */

/*
 * What main.c found out about the request body before the handler runs.
 * Only POST looks at it; other methods ignore whatever was sent.
 */
enum http_body_state {
	HTTP_BODY_NONE = 0,	/* no CONTENT_LENGTH (absent or empty) */
	HTTP_BODY_OK,		/* body/body_len hold the whole body (maybe 0 bytes) */
	HTTP_BODY_TOOBIG,	/* CONTENT_LENGTH > HTTP_BODY_MAX: not read (413) */
	HTTP_BODY_BADLEN,	/* CONTENT_LENGTH not 1..n decimal digits (400) */
	HTTP_BODY_SHORT		/* fewer bytes arrived than announced (400) */
};

/*
 * One request. Every string is malloc'd, NUL-terminated and owned by the
 * struct (http_request_free frees them); NULL means "absent".
 *
 *   method         REQUEST_METHOD, e.g. "POST" (case-sensitive)
 *   path           the raw path: REQUEST_URI up to the first '?', never
 *                  percent-decoded (the router refuses any '%')
 *   query          the part of REQUEST_URI after '?', ignored by the API
 *   content_type   CONTENT_TYPE
 *   authorization  HTTP_AUTHORIZATION (a credential: wiped on free)
 *   remote_addr    REMOTE_ADDR, for logs
 *   body           body_len bytes (not NUL-terminated by contract, though
 *                  main.c adds a NUL); meaningful only when body_state is
 *                  HTTP_BODY_OK
 */
struct http_request {
	char			*method;
	char			*path;
	char			*query;
	char			*content_type;
	char			*authorization;
	char			*remote_addr;
	enum http_body_state	 body_state;
	char			*body;
	size_t			 body_len;
};

/*
 * One response. status 0 means "not set yet". body is malloc'd JSON
 * (body_len bytes) or NULL for no body (204). Every response is rendered
 * with "Content-Type: application/json; charset=utf-8" when it has a body
 * and "Cache-Control: no-store" always. The other headers are emitted when
 * set: www_authenticate and allow point to static strings; location is ""
 * when unset; retry_after 0 means no Retry-After. secret says the body
 * carries a token: it is wiped (explicit_bzero) before it is freed.
 * log_note is a static string for the request log line (e.g. why a JWT was
 * refused); it never reaches the client.
 */
struct http_response {
	int		 status;
	char		*body;
	size_t		 body_len;
	const char	*www_authenticate;
	const char	*allow;
	char		 location[HTTP_LOCATION_MAX];
	unsigned	 retry_after;
	int		 secret;
	const char	*log_note;
};

/* Zeroes req. */
void http_request_init(struct http_request *req);

/* Wipes authorization and body, frees every string, zeroes req.
 * NULL is a no-op. */
void http_request_free(struct http_request *req);

/* Zeroes resp (status 0, no body, no headers). */
void http_response_init(struct http_response *resp);

/* Frees the body (wiping it first if resp->secret) and re-initialises
 * resp. NULL is a no-op. */
void http_response_free(struct http_response *resp);

/*
 * Replaces resp's body with a copy of the len bytes at json. Returns
 * PAT_OK or PAT_ERR_NOMEM (resp unchanged).
 */
enum pat_err http_response_set_body(struct http_response *resp,
    const char *json, size_t len) PAT_WUR;

/*
 * Makes resp an error: status, and the body
 * {"error":"<code>","message":"<message>"} (json-c, so both strings are
 * escaped). Any previous body is dropped (wiped if secret); headers already
 * set (WWW-Authenticate, Allow, Retry-After) are kept. Never fails: without
 * memory a static body of the same shape is used.
 */
void http_error(struct http_response *resp, int status, const char *code,
    const char *message);

/* The reason phrase of status ("Created"), "Unknown" if we never send it. */
const char *http_reason(int status);

/*
 * Renders resp as CGI/FastCGI response output:
 *   "Status: 201 Created\r\nContent-Type: ...\r\n...\r\n\r\n<body>"
 * into *out (malloc'd, *outlen bytes, NUL-terminated). A status of 0 is
 * rendered as 500. The caller frees *out; if resp->secret it must
 * explicit_bzero(*out, *outlen) first (http_render_free does both).
 * Returns PAT_OK, PAT_ERR_NOMEM, or PAT_ERR_TOOBIG over HTTP_RESPONSE_MAX.
 */
enum pat_err http_render(const struct http_response *resp, char **out,
    size_t *outlen) PAT_WUR;

/* explicit_bzero(out, outlen) then free(out). NULL is a no-op. */
void http_render_free(char *out, size_t outlen);

#endif
