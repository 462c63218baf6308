/*
 * http.c — request/response structs and the CGI/FastCGI response renderer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "http.h"

#define HTTP_HEAD_MAX	1024	/* rendered header block, bytes */

static void
wipe_free(char *p, size_t len)
{
	if (p == NULL)
		return;
	explicit_bzero(p, len);
	free(p);
}

void
http_request_init(struct http_request *req)
{
	memset(req, 0, sizeof(*req));
}

void
http_request_free(struct http_request *req)
{
	if (req == NULL)
		return;
	free(req->method);
	free(req->path);
	free(req->query);
	free(req->content_type);
	if (req->authorization != NULL)
		wipe_free(req->authorization, strlen(req->authorization));
	free(req->remote_addr);
	/* main.c allocates body_len + 1 bytes (a trailing NUL). */
	if (req->body != NULL)
		wipe_free(req->body, req->body_len);
	memset(req, 0, sizeof(*req));
}

void
http_response_init(struct http_response *resp)
{
	memset(resp, 0, sizeof(*resp));
}

static void
response_drop_body(struct http_response *resp)
{
	if (resp->body != NULL) {
		if (resp->secret)
			explicit_bzero(resp->body, resp->body_len);
		free(resp->body);
	}
	resp->body = NULL;
	resp->body_len = 0;
	resp->secret = 0;
}

void
http_response_free(struct http_response *resp)
{
	if (resp == NULL)
		return;
	response_drop_body(resp);
	http_response_init(resp);
}

enum pat_err
http_response_set_body(struct http_response *resp, const char *json,
    size_t len)
{
	char	*p;

	if ((p = malloc(len + 1)) == NULL)
		return PAT_ERR_NOMEM;
	memcpy(p, json, len);
	p[len] = '\0';
	response_drop_body(resp);
	resp->body = p;
	resp->body_len = len;
	return PAT_OK;
}

void
http_error(struct http_response *resp, int status, const char *code,
    const char *message)
{
	static const char	 fallback[] =
	    "{\"error\":\"internal_error\",\"message\":\"Out of memory.\"}";
	struct json_object	*o = NULL;
	const char		*s;
	size_t			 len;

	response_drop_body(resp);
	resp->status = status;
	if ((o = json_object_new_object()) == NULL)
		goto fail;
	if (json_object_object_add(o, "error",
	    json_object_new_string(code)) != 0 ||
	    json_object_object_add(o, "message",
	    json_object_new_string(message)) != 0)
		goto fail;
	s = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	if (s == NULL || http_response_set_body(resp, s, len) != PAT_OK)
		goto fail;
	json_object_put(o);
	return;
fail:
	json_object_put(o);
	/* Static body; copy it so free() stays uniform. If even that fails,
	 * the renderer sends the status with no body. */
	if (http_response_set_body(resp, fallback, sizeof(fallback) - 1) !=
	    PAT_OK)
		return;
}

const char *
http_reason(int status)
{
	switch (status) {
	case 200:	return "OK";
	case 201:	return "Created";
	case 204:	return "No Content";
	case 400:	return "Bad Request";
	case 401:	return "Unauthorized";
	case 403:	return "Forbidden";
	case 404:	return "Not Found";
	case 405:	return "Method Not Allowed";
	case 411:	return "Length Required";
	case 413:	return "Content Too Large";
	case 415:	return "Unsupported Media Type";
	case 500:	return "Internal Server Error";
	case 503:	return "Service Unavailable";
	}
	return "Unknown";
}

/* A header value we emit must never contain CR, LF or NUL. */
static int
header_safe(const char *v)
{
	return strpbrk(v, "\r\n") == NULL;
}

/* Appends "name: value\r\n" to buf at *off; 0 on overflow or bad value. */
static int
head_add(char *buf, size_t size, size_t *off, const char *name,
    const char *value)
{
	int	n;

	if (!header_safe(value))
		return 0;
	n = snprintf(buf + *off, size - *off, "%s: %s\r\n", name, value);
	if (n < 0 || (size_t)n >= size - *off)
		return 0;
	*off += (size_t)n;
	return 1;
}

enum pat_err
http_render(const struct http_response *resp, char **out, size_t *outlen)
{
	char		 head[HTTP_HEAD_MAX], num[32];
	char		*buf = NULL;
	size_t		 off = 0, blen;
	int		 status, n;
	enum pat_err	 rc = PAT_ERR_TOOBIG;

	*out = NULL;
	*outlen = 0;
	status = resp->status == 0 ? 500 : resp->status;
	blen = resp->body != NULL ? resp->body_len : 0;
	if (blen > HTTP_RESPONSE_MAX)
		goto out;

	n = snprintf(num, sizeof(num), "%d %s", status, http_reason(status));
	if (n < 0 || (size_t)n >= sizeof(num))
		goto out;
	if (!head_add(head, sizeof(head), &off, "Status", num))
		goto out;
	if (resp->body != NULL && !head_add(head, sizeof(head), &off,
	    "Content-Type", "application/json; charset=utf-8"))
		goto out;
	if (!head_add(head, sizeof(head), &off, "Cache-Control", "no-store"))
		goto out;
	if (resp->www_authenticate != NULL && !head_add(head, sizeof(head),
	    &off, "WWW-Authenticate", resp->www_authenticate))
		goto out;
	if (resp->allow != NULL && !head_add(head, sizeof(head), &off,
	    "Allow", resp->allow))
		goto out;
	if (resp->location[0] != '\0' && !head_add(head, sizeof(head), &off,
	    "Location", resp->location))
		goto out;
	if (resp->retry_after != 0) {
		n = snprintf(num, sizeof(num), "%u", resp->retry_after);
		if (n < 0 || (size_t)n >= sizeof(num) ||
		    !head_add(head, sizeof(head), &off, "Retry-After", num))
			goto out;
	}
	if (off + 2 >= sizeof(head))
		goto out;
	head[off++] = '\r';
	head[off++] = '\n';

	rc = PAT_ERR_NOMEM;
	if ((buf = malloc(off + blen + 1)) == NULL)
		goto out;
	memcpy(buf, head, off);
	if (blen > 0)
		memcpy(buf + off, resp->body, blen);
	buf[off + blen] = '\0';
	*out = buf;
	*outlen = off + blen;
	rc = PAT_OK;
out:
	return rc;
}

void
http_render_free(char *out, size_t outlen)
{
	wipe_free(out, outlen);
}
