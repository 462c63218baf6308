/*
 * test_fcgi_raw.c — FastCGI spoken directly to pat-fcgi's socket, not
 * through nginx: the abuse a broken or hostile upstream could send. After
 * each, pat-fcgi still answers a well-formed request.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <criterion/criterion.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

TestSuite(fcgi_raw, .timeout = 120);

enum { BEGIN = 1, ABORT = 2, END = 3, PARAMS = 4, STDIN = 5, STDOUT = 6 };

static int
fcgi_connect(void)
{
	struct sockaddr_un sa;
	const char *path = ts_env("PAT_TEST_FCGI_SOCKET");
	int fd;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	cr_assert_lt(strlen(path), sizeof(sa.sun_path));
	memcpy(sa.sun_path, path, strlen(path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	cr_assert(fd >= 0);
	cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0,
	    "connect %s: %s", path, strerror(errno));
	return fd;
}

static void
put_all(int fd, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n <= 0)
			return;	/* the server may have closed: that is allowed */
		p += n;
		len -= (size_t)n;
	}
}

static void
record(int fd, int type, const void *body, size_t len)
{
	unsigned char h[8] = { 1, (unsigned char)type, 0, 1,
	    (unsigned char)(len >> 8), (unsigned char)len, 0, 0 };

	cr_assert_leq(len, 65535);
	put_all(fd, h, sizeof(h));
	if (len > 0)
		put_all(fd, body, len);
}

static void
begin(int fd)
{
	unsigned char b[8] = { 0, 1, 0, 0, 0, 0, 0, 0 };	/* RESPONDER, no keep-conn */

	record(fd, BEGIN, b, sizeof(b));
}

/* Appends one name-value pair to buf (FastCGI length encoding). */
static size_t
pair(unsigned char *buf, size_t off, const char *name, const char *value)
{
	size_t nl = strlen(name), vl = strlen(value), i;
	size_t lens[2] = { nl, vl };

	for (i = 0; i < 2; i++) {
		if (lens[i] < 128) {
			buf[off++] = (unsigned char)lens[i];
		} else {
			buf[off++] = (unsigned char)(0x80 | (lens[i] >> 24));
			buf[off++] = (unsigned char)(lens[i] >> 16);
			buf[off++] = (unsigned char)(lens[i] >> 8);
			buf[off++] = (unsigned char)lens[i];
		}
	}
	memcpy(buf + off, name, nl);
	off += nl;
	memcpy(buf + off, value, vl);
	return off + vl;
}

static size_t
params_for(unsigned char *buf, const char *method, const char *uri,
    const char *auth, const char *ctype, const char *clen)
{
	size_t off = 0;

	off = pair(buf, off, "REQUEST_METHOD", method);
	off = pair(buf, off, "REQUEST_URI", uri);
	off = pair(buf, off, "DOCUMENT_URI", uri);
	off = pair(buf, off, "SCRIPT_NAME", uri);
	off = pair(buf, off, "QUERY_STRING", "");
	off = pair(buf, off, "SERVER_PROTOCOL", "HTTP/1.1");
	off = pair(buf, off, "REMOTE_ADDR", "127.0.0.1");
	if (auth != NULL)
		off = pair(buf, off, "HTTP_AUTHORIZATION", auth);
	if (ctype != NULL)
		off = pair(buf, off, "CONTENT_TYPE", ctype);
	if (clen != NULL)
		off = pair(buf, off, "CONTENT_LENGTH", clen);
	return off;
}

/* Reads the response's STDOUT until END_REQUEST or EOF; returns the HTTP
 * status from its Status header (200 if none), 0 if nothing came back. */
static int
response(int fd, char **body_out)
{
	unsigned char h[8];
	char *out = NULL;
	size_t len = 0;
	int status = 0, ended = 0;

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		size_t n, pad, got = 0;
		unsigned char *b;

		if (poll(&pfd, 1, 30000) <= 0)
			break;
		while (got < 8) {
			ssize_t r = recv(fd, h + got, 8 - got, 0);

			if (r <= 0)
				goto done;
			got += (size_t)r;
		}
		n = (size_t)h[4] << 8 | h[5];
		pad = h[6];
		b = malloc(n + pad + 1);
		cr_assert_not_null(b);
		for (got = 0; got < n + pad; ) {
			ssize_t r = recv(fd, b + got, n + pad - got, 0);

			if (r <= 0) {
				free(b);
				goto done;
			}
			got += (size_t)r;
		}
		if (h[1] == STDOUT && n > 0) {
			out = realloc(out, len + n + 1);
			cr_assert_not_null(out);
			memcpy(out + len, b, n);
			len += n;
			out[len] = '\0';
		}
		free(b);
		if (h[1] == END) {
			ended = 1;
			break;
		}
	}
done:
	if (out != NULL) {
		const char *s = strstr(out, "Status: ");

		status = s ? (int)strtol(s + 8, NULL, 10) : 200;
	}
	if (!ended && out == NULL)
		status = 0;
	if (body_out != NULL)
		*body_out = out;
	else
		free(out);
	return status;
}

/* A complete request; returns the status. */
static int
request(const char *method, const char *uri, const char *auth,
    const char *ctype, const char *clen, const char *body, size_t blen,
    char **out)
{
	unsigned char p[8192];
	size_t n;
	int fd = fcgi_connect(), st;

	begin(fd);
	n = params_for(p, method, uri, auth, ctype, clen);
	record(fd, PARAMS, p, n);
	record(fd, PARAMS, NULL, 0);
	if (blen > 0)
		record(fd, STDIN, body, blen);
	record(fd, STDIN, NULL, 0);
	st = response(fd, out);
	close(fd);
	return st;
}

/* pat-fcgi still serves: a plain unauthenticated GET is a 401. */
static void
still_serving(void)
{
	int i;

	for (i = 0; i < 4; i++)
		cr_assert_eq(request("GET", "/publishers/x/tokens", NULL, NULL,
		    NULL, NULL, 0, NULL), 401, "pat-fcgi stopped serving");
}

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
	cr_assert_eq(request("POST", uri, auth, "application/json", "12",
	    "{\"name\":\"r\"}", 12, &out), 201, "%s", out);
	cr_assert(strstr(out, "Cache-Control: no-store") != NULL);
	free(out);
	cr_assert_eq(request("GET", uri, auth, NULL, NULL, NULL, 0, NULL), 200);
	still_serving();
	free(uri);
	free(auth);
	free(pub);
}

Test(fcgi_raw, huge_param_lengths)
{
	unsigned char p[64];
	int fd, i;
	/* Name and value lengths claiming 2 GiB, and one at 0x7fffffff with
	 * a 1-byte name: the CVE-2025-23016 shape. */
	static const unsigned char bad[][10] = {
		{ 0xff, 0xff, 0xff, 0xff, 0x01, 'A', 'B' },
		{ 0x01, 0xff, 0xff, 0xff, 0xff, 'A', 'B' },
		{ 0xff, 0xff, 0xff, 0xf0, 0xff, 0xff, 0xff, 0xf0, 'A', 'B' },
	};

	for (i = 0; i < 3; i++) {
		fd = fcgi_connect();
		begin(fd);
		memcpy(p, bad[i], sizeof(bad[i]));
		record(fd, PARAMS, p, sizeof(bad[i]));
		record(fd, PARAMS, NULL, 0);
		record(fd, STDIN, NULL, 0);
		(void)response(fd, NULL);
		close(fd);
	}
	still_serving();
}

Test(fcgi_raw, content_length_disagrees_with_body)
{
	char *pub, *auth = owner_auth(&pub), *uri = NULL, *out = NULL;

	cr_assert(asprintf(&uri, "/publishers/%s/tokens", pub) > 0);
	/* Announced 100, sent 12: a short read is a 400, never a parse. */
	cr_assert_eq(request("POST", uri, auth, "application/json", "100",
	    "{\"name\":\"r\"}", 12, &out), 400, "%s", out);
	cr_assert(strstr(out, "\"error\"") != NULL);
	free(out);
	/* Announced 5 of a valid 12-byte body: only 5 bytes are read: 400. */
	cr_assert_eq(request("POST", uri, auth, "application/json", "5",
	    "{\"name\":\"r\"}", 12, NULL), 400);
	/* The twin: the right length is a 201. */
	cr_assert_eq(request("POST", uri, auth, "application/json", "12",
	    "{\"name\":\"r\"}", 12, NULL), 201);
	still_serving();
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
		st = request("POST", uri, auth, "application/json", bad[i],
		    "{\"name\":\"r\"}", 12, NULL);
		cr_assert(st == 400 || st == 411 || st == 413,
		    "CONTENT_LENGTH '%s' gave %d", bad[i], st);
	}
	/* Over the limit: 413 before anything is read or allocated. */
	cr_assert_eq(request("POST", uri, auth, "application/json", "16385",
	    NULL, 0, NULL), 413);
	cr_assert_eq(request("POST", uri, auth, "application/json",
	    "4294967296", NULL, 0, NULL), 413);
	still_serving();
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
		fd = fcgi_connect();
		begin(fd);
		n = params_for(p, "POST", "/publishers/x/tokens", NULL,
		    "application/json", "12");
		record(fd, PARAMS, p, n / 2);
		close(fd);

		/* Full params, a body shorter than announced, then hang up. */
		fd = fcgi_connect();
		begin(fd);
		n = params_for(p, "POST", "/publishers/x/tokens", "Bearer x",
		    "application/json", "1000");
		record(fd, PARAMS, p, n);
		record(fd, PARAMS, NULL, 0);
		record(fd, STDIN, "{\"na", 4);
		close(fd);

		/* An ABORT_REQUEST record in the middle. */
		fd = fcgi_connect();
		begin(fd);
		record(fd, PARAMS, p, n);
		record(fd, PARAMS, NULL, 0);
		record(fd, ABORT, NULL, 0);
		(void)response(fd, NULL);
		close(fd);

		/* A record header cut in half. */
		fd = fcgi_connect();
		put_all(fd, "\x01\x01\x00", 3);
		close(fd);
	}
	still_serving();
}

Test(fcgi_raw, connection_dropped_mid_response)
{
	char *pub, *auth = owner_auth(&pub), *uri = NULL;
	unsigned char p[8192];
	size_t n;
	int fd, i;

	cr_assert(asprintf(&uri, "/publishers/%s/tokens", pub) > 0);
	for (i = 0; i < 12; i++) {
		fd = fcgi_connect();
		begin(fd);
		n = params_for(p, i % 2 ? "GET" : "POST", uri, auth,
		    "application/json", i % 2 ? NULL : "12");
		record(fd, PARAMS, p, n);
		record(fd, PARAMS, NULL, 0);
		if (i % 2 == 0)
			record(fd, STDIN, "{\"name\":\"r\"}", 12);
		record(fd, STDIN, NULL, 0);
		close(fd);	/* gone before the answer */
	}
	still_serving();
	free(uri);
	free(auth);
	free(pub);
}
