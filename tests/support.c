/*
 * support.c — helpers shared by the Criterion suites (see support.h).
 */
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "jwt.h"
#include "support.h"

const char *
ts_env(const char *name)
{
	const char *v = getenv(name);

	if (v == NULL || *v == '\0')
		cr_skip_test("%s is not set: run this suite through scripts/test.sh", name);
	return v;
}

char *
ts_unique_id(const char *prefix)
{
	unsigned char r[6];
	char *s = NULL;

	cr_assert_eq(getrandom(r, sizeof(r), 0), (ssize_t)sizeof(r));
	cr_assert(asprintf(&s, "%s-%02x%02x%02x%02x%02x%02x", prefix,
	    r[0], r[1], r[2], r[3], r[4], r[5]) > 0);
	return s;
}

struct pat_config *
ts_config(int admin)
{
	struct pat_config *cfg = NULL;
	char err[512];
	const char *path;

	path = ts_env(admin ? "PAT_TEST_ADMIN_CONFIG" : "PAT_TEST_CONFIG");
	if (cfg_load(path, &cfg, err, sizeof(err)) != PAT_OK)
		cr_assert_fail("cannot load %s: %s", path, err);
	return cfg;
}

/* Appends everything readable from fd to *buf; returns 0 on EOF. */
static int
drain(int fd, char **buf, size_t *len)
{
	char tmp[4096];
	ssize_t n;
	char *p;

	n = read(fd, tmp, sizeof(tmp));
	if (n < 0 && errno == EINTR)
		return 1;
	if (n <= 0)
		return 0;
	p = realloc(*buf, *len + (size_t)n + 1);
	cr_assert_not_null(p);
	memcpy(p + *len, tmp, (size_t)n);
	*len += (size_t)n;
	p[*len] = '\0';
	*buf = p;
	return 1;
}

int
ts_run(char *const argv[], const char *stdin_data, char **out, char **err)
{
	int in[2], o[2], e[2], status = 0;
	char *obuf = NULL, *ebuf = NULL;
	size_t olen = 0, elen = 0, inoff = 0, inlen;
	struct pollfd pfd[3];
	pid_t pid;

	inlen = stdin_data ? strlen(stdin_data) : 0;
	cr_assert(pipe2(in, O_CLOEXEC) == 0 && pipe2(o, O_CLOEXEC) == 0 &&
	    pipe2(e, O_CLOEXEC) == 0);
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(o[1], 1);
		dup2(e[1], 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(in[0]);
	close(o[1]);
	close(e[1]);
	signal(SIGPIPE, SIG_IGN);
	if (inlen == 0) {
		close(in[1]);
		in[1] = -1;
	}
	for (;;) {
		int nfd = 0, oi = -1, ei = -1, ii = -1;

		if (o[0] >= 0) {
			pfd[nfd] = (struct pollfd){ .fd = o[0], .events = POLLIN };
			oi = nfd++;
		}
		if (e[0] >= 0) {
			pfd[nfd] = (struct pollfd){ .fd = e[0], .events = POLLIN };
			ei = nfd++;
		}
		if (in[1] >= 0) {
			pfd[nfd] = (struct pollfd){ .fd = in[1], .events = POLLOUT };
			ii = nfd++;
		}
		if (nfd == 0)
			break;
		if (poll(pfd, (nfds_t)nfd, 60000) <= 0) {
			kill(pid, SIGKILL);
			break;
		}
		if (oi >= 0 && pfd[oi].revents && !drain(o[0], &obuf, &olen)) {
			close(o[0]);
			o[0] = -1;
		}
		if (ei >= 0 && pfd[ei].revents && !drain(e[0], &ebuf, &elen)) {
			close(e[0]);
			e[0] = -1;
		}
		if (ii >= 0 && pfd[ii].revents) {
			ssize_t n = write(in[1], stdin_data + inoff, inlen - inoff);

			if (n > 0)
				inoff += (size_t)n;
			if (n < 0 || inoff == inlen) {
				close(in[1]);
				in[1] = -1;
			}
		}
	}
	if (o[0] >= 0)
		close(o[0]);
	if (e[0] >= 0)
		close(e[0]);
	if (in[1] >= 0)
		close(in[1]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (obuf == NULL)
		obuf = strdup("");
	if (ebuf == NULL)
		ebuf = strdup("");
	if (out != NULL)
		*out = obuf;
	else
		free(obuf);
	if (err != NULL)
		*err = ebuf;
	else
		free(ebuf);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

int
ts_sql(const char *sql)
{
	const char *sock = ts_env("PAT_TEST_MYSQL_SOCKET");
	const char *user = getenv("PAT_TEST_MYSQL_USER");
	char *err = NULL;
	int rc;
	char *const argv[] = { "mariadb", "--no-defaults", "-S", (char *)sock,
	    "-u", (char *)(user ? user : "root"), "-D", "pat", "-N", "-B",
	    "-e", (char *)sql, NULL };

	rc = ts_run(argv, NULL, NULL, &err);
	if (rc != 0)
		cr_log_warn("ts_sql: %s: %s", sql, err);
	free(err);
	return rc;
}

static char ts_source[INET_ADDRSTRLEN];

void
ts_http_set_source(const char *ip)
{
	snprintf(ts_source, sizeof(ts_source), "%s", ip ? ip : "");
}

long
ts_sql_long(const char *fmt, ...)
{
	const char *user = getenv("PAT_TEST_MYSQL_USER");
	char *sql = NULL, *out = NULL, *err = NULL;
	va_list ap;
	long n;
	int len;

	va_start(ap, fmt);
	len = vasprintf(&sql, fmt, ap);
	va_end(ap);
	cr_assert(len > 0);
	{
		char *const argv[] = { "mariadb", "--no-defaults", "-S",
		    (char *)ts_env("PAT_TEST_MYSQL_SOCKET"), "-u",
		    (char *)(user ? user : "root"), "-D", "pat", "-N", "-B",
		    "-e", sql, NULL };

		cr_assert_eq(ts_run(argv, NULL, &out, &err), 0, "%s: %s", sql, err);
	}
	n = strtol(out, NULL, 10);
	free(out);
	free(err);
	free(sql);
	return n;
}

int
ts_http(const char *method, const char *path, const char *headers,
    const char *body, size_t body_len, struct ts_http *resp)
{
	struct sockaddr_in sa;
	char *req = NULL, *buf = NULL, *sep, *p;
	size_t len = 0;
	int fd, n;
	long port;

	memset(resp, 0, sizeof(*resp));
	port = strtol(ts_env("PAT_TEST_HTTP_PORT"), NULL, 10);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	cr_assert(fd >= 0);
	{
		/* nginx rate-limits creations per client address: each
		 * exchange comes from its own loopback address unless a test
		 * chose one. */
		struct sockaddr_in src;
		unsigned char r[3];

		memset(&src, 0, sizeof(src));
		src.sin_family = AF_INET;
		if (ts_source[0] != '\0') {
			cr_assert_eq(inet_pton(AF_INET, ts_source, &src.sin_addr), 1);
		} else {
			cr_assert_eq(getrandom(r, sizeof(r), 0), 3);
			src.sin_addr.s_addr = htonl(0x7f000000u |
			    (uint32_t)(1 + r[0] % 254) << 16 |
			    (uint32_t)(1 + r[1] % 254) << 8 | (uint32_t)(1 + r[2] % 254));
		}
		cr_assert(bind(fd, (struct sockaddr *)&src, sizeof(src)) == 0,
		    "bind: %s", strerror(errno));
	}
	cr_assert(connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0,
	    "connect to nginx on port %ld: %s", port, strerror(errno));
	n = asprintf(&req, "%s %s HTTP/1.0\r\nHost: 127.0.0.1\r\n"
	    "Connection: close\r\n%s%s%zu\r\n\r\n", method, path,
	    headers ? headers : "",
	    body ? "Content-Length: " : "X-No-Body: ", body ? body_len : 0);
	cr_assert(n > 0);
	cr_assert(write(fd, req, (size_t)n) == n);
	if (body != NULL && body_len > 0) {
		size_t off = 0;

		while (off < body_len) {
			ssize_t w = write(fd, body + off, body_len - off);

			if (w <= 0)
				break;	/* the server may close early (413) */
			off += (size_t)w;
		}
	}
	free(req);
	while (drain(fd, &buf, &len))
		;
	close(fd);
	cr_assert_not_null(buf, "no response from nginx");
	cr_assert(strncmp(buf, "HTTP/1.", 7) == 0, "not HTTP: %.40s", buf);
	resp->status = (int)strtol(buf + 9, NULL, 10);
	sep = strstr(buf, "\r\n\r\n");
	cr_assert_not_null(sep);
	*sep = '\0';
	resp->headers = buf;
	p = sep + 4;
	resp->body_len = len - (size_t)(p - buf);
	resp->body = malloc(resp->body_len + 1);
	cr_assert_not_null(resp->body);
	memcpy(resp->body, p, resp->body_len);
	resp->body[resp->body_len] = '\0';
	return resp->status;
}

char *
ts_http_header(const struct ts_http *resp, const char *name)
{
	size_t nl = strlen(name);
	const char *line = resp->headers;

	while ((line = strstr(line, "\r\n")) != NULL) {
		const char *end;

		line += 2;
		if (strncasecmp(line, name, nl) == 0 && line[nl] == ':') {
			const char *v = line + nl + 1;

			while (*v == ' ')
				v++;
			end = strstr(v, "\r\n");
			return end ? strndup(v, (size_t)(end - v)) : strdup(v);
		}
	}
	return NULL;
}

void
ts_http_free(struct ts_http *resp)
{
	free(resp->headers);
	free(resp->body);
	memset(resp, 0, sizeof(*resp));
}

char *
ts_jwt_at(const char *sub, time_t iat, long ttl)
{
	struct pat_config *cfg = ts_config(0);
	char *jwt = NULL;

	cr_assert_not_null(cfg->hs256_secret, "test config has no HS256 secret");
	cr_assert_eq(jwt_sign_hs256(cfg->hs256_secret, cfg->hs256_secret_len,
	    cfg->issuer, cfg->audience, sub, iat, ttl, &jwt), PAT_OK);
	cfg_free(cfg);
	return jwt;
}

char *
ts_jwt(const char *sub, long ttl)
{
	return ts_jwt_at(sub, time(NULL), ttl);
}

void
ts_seed_publisher(const char *pub, const char *owner)
{
	char *sql = NULL;

	cr_assert(asprintf(&sql,
	    "INSERT IGNORE INTO publishers (id, name) VALUES ('%s', '%s');"
	    "INSERT IGNORE INTO users (id) VALUES ('%s');"
	    "INSERT INTO publisher_members (publisher_id, user_id, role) "
	    "VALUES ('%s', '%s', 'owner') ON DUPLICATE KEY UPDATE role='owner';",
	    pub, pub, owner, pub, owner) > 0);
	cr_assert_eq(ts_sql(sql), 0, "seeding %s failed", pub);
	free(sql);
}

/* ---- FastCGI spoken directly to pat-fcgi (see support.h) ---- */


int
ts_fcgi_connect(void)
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

void
ts_fcgi_put(int fd, const void *buf, size_t len)
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

void
ts_fcgi_record(int fd, int type, const void *body, size_t len)
{
	unsigned char h[8] = { 1, (unsigned char)type, 0, 1,
	    (unsigned char)(len >> 8), (unsigned char)len, 0, 0 };

	cr_assert_leq(len, 65535);
	ts_fcgi_put(fd, h, sizeof(h));
	if (len > 0)
		ts_fcgi_put(fd, body, len);
}

void
ts_fcgi_begin(int fd)
{
	unsigned char b[8] = { 0, 1, 0, 0, 0, 0, 0, 0 };	/* RESPONDER, no keep-conn */

	ts_fcgi_record(fd, TS_FCGI_BEGIN, b, sizeof(b));
}

/* Appends one name-value pair to buf (FastCGI length encoding). */
static size_t
fcgi_pair(unsigned char *buf, size_t off, const char *name, const char *value)
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

size_t
ts_fcgi_params(unsigned char *buf, const char *method, const char *uri,
    const char *auth, const char *ctype, const char *clen)
{
	size_t off = 0;

	off = fcgi_pair(buf, off, "REQUEST_METHOD", method);
	off = fcgi_pair(buf, off, "REQUEST_URI", uri);
	off = fcgi_pair(buf, off, "DOCUMENT_URI", uri);
	off = fcgi_pair(buf, off, "SCRIPT_NAME", uri);
	off = fcgi_pair(buf, off, "QUERY_STRING", "");
	off = fcgi_pair(buf, off, "SERVER_PROTOCOL", "HTTP/1.1");
	off = fcgi_pair(buf, off, "REMOTE_ADDR", "127.0.0.1");
	if (auth != NULL)
		off = fcgi_pair(buf, off, "HTTP_AUTHORIZATION", auth);
	if (ctype != NULL)
		off = fcgi_pair(buf, off, "CONTENT_TYPE", ctype);
	if (clen != NULL)
		off = fcgi_pair(buf, off, "CONTENT_LENGTH", clen);
	return off;
}

/* Reads the response's TS_FCGI_STDOUT until END_REQUEST or EOF; returns the HTTP
 * status from its Status header (200 if none), 0 if nothing came back. */
int
ts_fcgi_response(int fd, char **body_out)
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
		if (h[1] == TS_FCGI_STDOUT && n > 0) {
			out = realloc(out, len + n + 1);
			cr_assert_not_null(out);
			memcpy(out + len, b, n);
			len += n;
			out[len] = '\0';
		}
		free(b);
		if (h[1] == TS_FCGI_END) {
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
int
ts_fcgi_request(const char *method, const char *uri, const char *auth,
    const char *ctype, const char *clen, const char *body, size_t blen,
    char **out)
{
	unsigned char p[8192];
	size_t n;
	int fd = ts_fcgi_connect(), st;

	ts_fcgi_begin(fd);
	n = ts_fcgi_params(p, method, uri, auth, ctype, clen);
	ts_fcgi_record(fd, TS_FCGI_PARAMS, p, n);
	ts_fcgi_record(fd, TS_FCGI_PARAMS, NULL, 0);
	if (blen > 0)
		ts_fcgi_record(fd, TS_FCGI_STDIN, body, blen);
	ts_fcgi_record(fd, TS_FCGI_STDIN, NULL, 0);
	st = ts_fcgi_response(fd, out);
	close(fd);
	return st;
}

/* pat-fcgi still serves: a plain unauthenticated GET is a 401. */
void
ts_fcgi_still_serving(void)
{
	int i;

	for (i = 0; i < 4; i++)
		cr_assert_eq(ts_fcgi_request("GET", "/publishers/x/tokens", NULL, NULL,
		    NULL, NULL, 0, NULL), 401, "pat-fcgi stopped serving");
}

