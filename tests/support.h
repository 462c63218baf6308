/*
 * support.h — helpers shared by the Criterion suites.
 *
 * The harness (scripts/test.sh) starts a private MariaDB, pat-fcgi and nginx
 * and exports:
 *   PAT_TEST_DIR           the stack's directory (build/.../stack)
 *   PAT_TEST_CONFIG        pat.conf for the server account (user pat)
 *   PAT_TEST_ADMIN_CONFIG  pat.conf for the admin account (user pat_admin)
 *   PAT_TEST_HTTP_PORT     nginx on 127.0.0.1:<port>
 *   PAT_TEST_FCGI_SOCKET   pat-fcgi's unix socket (behind nginx)
 *   PAT_TEST_MYSQL_SOCKET  MariaDB's unix socket
 *   PAT_TEST_BUILD         the build directory (build, build/asan, ...)
 * Suites run their tests in parallel processes: every test that writes to the
 * database uses ids made unique by ts_unique_id().
 */
#ifndef PAT_TEST_SUPPORT_H
#define PAT_TEST_SUPPORT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct pat_config;

/* getenv(name), or skip the test (cr_skip_test) when unset. */
const char *ts_env(const char *name);

/* A fresh id "<prefix>-<random hex>", lowercase, valid as a publisher id
 * when prefix is. Returns a static-per-call malloc'd string the caller frees. */
char *ts_unique_id(const char *prefix);

/* Loads $PAT_TEST_CONFIG (admin = 0) or $PAT_TEST_ADMIN_CONFIG (admin = 1);
 * cr_assert-fails on error. */
struct pat_config *ts_config(int admin);

/* Runs one SQL text as MariaDB root on the private server (for set-up that
 * the API cannot do, e.g. killing connections). Returns the exit status. */
int ts_sql(const char *sql);

/* Runs a query (printf-formatted) as MariaDB root and returns the first
 * number it prints, e.g. a COUNT(*); cr_assert-fails on error. */
long ts_sql_long(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Runs argv (NULL-terminated) with stdin_data (may be NULL) on its stdin,
 * capturing stdout and stderr (malloc'd, NUL-terminated; pass NULL to
 * discard). Returns the exit status (or 128+signal). */
int ts_run(char *const argv[], const char *stdin_data, char **out, char **err);

/* An HTTP/1.0 exchange (no chunked bodies) with nginx on 127.0.0.1:$PAT_TEST_HTTP_PORT
 * (Connection: close). headers is extra header lines, each ending "\r\n"
 * (may be NULL). body may be NULL. */
struct ts_http {
	int	 status;
	char	*headers;	/* raw header block */
	char	*body;		/* NUL-terminated */
	size_t	 body_len;
};
int ts_http(const char *method, const char *path, const char *headers,
    const char *body, size_t body_len, struct ts_http *resp);
/* Each exchange comes from a random 127.x.y.z source address (nginx's
 * rate limit is per address) unless a source was set here; NULL resets. */
void ts_http_set_source(const char *ip);
/* Value of header name (case-insensitive) in resp, malloc'd, or NULL. */
char *ts_http_header(const struct ts_http *resp, const char *name);
void ts_http_free(struct ts_http *resp);

/* Mints an HS256 JWT for sub with the test config's secret/iss/aud,
 * issued now (ts_jwt) or at iat (ts_jwt_at), valid for ttl seconds. */
char *ts_jwt(const char *sub, long ttl);
char *ts_jwt_at(const char *sub, time_t iat, long ttl);

/* Creates publisher pub (active) with owner user through the admin
 * account's SQL (ts_sql). */
void ts_seed_publisher(const char *pub, const char *owner);

/*
 * FastCGI spoken directly to pat-fcgi's socket ($PAT_TEST_FCGI_SOCKET), as
 * a broken or hostile upstream would: records, params, a whole request,
 * and reading a response.
 */
enum { TS_FCGI_BEGIN = 1, TS_FCGI_ABORT = 2, TS_FCGI_END = 3,
    TS_FCGI_PARAMS = 4, TS_FCGI_STDIN = 5, TS_FCGI_STDOUT = 6 };
int ts_fcgi_connect(void);
/* Sends all of buf, or stops quietly when the server has closed. */
void ts_fcgi_put(int fd, const void *buf, size_t len);
/* One record of type with request id 1 (body at most 65535 bytes). */
void ts_fcgi_record(int fd, int type, const void *body, size_t len);
/* BEGIN_REQUEST, role RESPONDER, no keep-conn. */
void ts_fcgi_begin(int fd);
/* Encodes the usual CGI params into buf (8 KiB); returns the length.
 * auth, ctype, clen may be NULL (absent). */
size_t ts_fcgi_params(unsigned char *buf, const char *method, const char *uri,
    const char *auth, const char *ctype, const char *clen);
/* Reads STDOUT records until END_REQUEST or EOF; the HTTP status from the
 * Status header (200 if none), 0 if nothing came back. body_out may be NULL. */
int ts_fcgi_response(int fd, char **body_out);
/* A whole request on a new connection; returns the status. */
int ts_fcgi_request(const char *method, const char *uri, const char *auth,
    const char *ctype, const char *clen, const char *body, size_t blen,
    char **out);
/* Asserts pat-fcgi answers plain requests (401 for no credentials). */
void ts_fcgi_still_serving(void);

#endif
