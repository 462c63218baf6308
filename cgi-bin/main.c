/*
 * main.c — pat-fcgi: the FastCGI server. Adapts libfcgi's FCGX_* API to
 * struct http_request / struct http_response and runs app_handle() in a
 * pool of worker threads, each with its own FCGX_Request and its own
 * database connection.
 *
 *   pat-fcgi [--config FILE] [--help]
 *
 * Request framing decided here (cgi-bin/app.c decides everything else):
 *   - the path is REQUEST_URI up to '?', raw (nginx's default fastcgi_params
 *     pass it); without REQUEST_URI the request is a 404;
 *   - CONTENT_LENGTH absent or empty: no body (a POST then gets 411);
 *     anything but 1..19 decimal digits: 400; over HTTP_BODY_MAX: 413,
 *     decided before any allocation (the body is read and discarded up to
 *     DRAIN_MAX so that nginx is not cut off mid-write);
 *   - the body is read into a buffer of exactly CONTENT_LENGTH bytes with a
 *     loop on FCGX_GetStr; fewer bytes than announced: 400, never parsed.
 *
 * Shutdown: SIGTERM or SIGINT (taken by sigwait in the main thread; worker
 * threads block both) stops accepting: FCGX_ShutdownPending() and
 * shutdown(2) of the listening socket wake every thread blocked in accept;
 * requests in flight finish; threads are joined; everything is freed in
 * reverse order; exit 0. The threads live in a worker process that a
 * small supervisor (the process started) forks, and forks again should it
 * die abnormally; the supervisor passes SIGTERM/SIGINT on. Note that with an inherited socket (listen = "")
 * the shutdown(2) affects the socket itself, so give each pat-fcgi process
 * its own socket (spawn-fcgi does).
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <fastcgi.h>

#include "app.h"
#include "config.h"
#include "db.h"
#include "http.h"
#include "log.h"
#include "pwhash.h"

#define LISTEN_BACKLOG	1024
#define DRAIN_MAX	(1024 * 1024)	/* bytes discarded from an unread body */
#define IO_TIMEOUT_SEC	10	/* TCP: a stalled peer is dropped after this */
#define LOG_FIELD_MAX	256

struct server {
	const struct app	*app;
	int			 listen_fd;
	atomic_int		 stop;
};

struct thread {
	pthread_t		 tid;
	int			 started;
	struct server		*srv;
	struct worker		*w;
	unsigned		 idx;
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: pat-fcgi [--config FILE] [--help]\n"
	    "\n"
	    "Serves the personal access token API over FastCGI.\n"
	    "\n"
	    "  -c, --config FILE  configuration file (default: $PAT_CONFIG,\n"
	    "                     else %s)\n"
	    "  -h, --help         show this help\n", CFG_DEFAULT_PATH);
}

/* Copies param name of fr into *dst (NULL if absent). 0 on NOMEM. */
static int
param_dup(FCGX_Request *fr, const char *name, char **dst)
{
	const char	*v;

	*dst = NULL;
	if ((v = FCGX_GetParam(name, fr->envp)) == NULL)
		return 1;
	return (*dst = strdup(v)) != NULL;
}

/*
 * Parses CONTENT_LENGTH strictly: 1..19 decimal digits, no sign, no
 * space. Returns the body state and, for HTTP_BODY_OK, *len.
 */
static enum http_body_state
content_length(const char *s, size_t *len)
{
	unsigned long long	n = 0;
	size_t			i;

	*len = 0;
	if (s == NULL || *s == '\0')
		return HTTP_BODY_NONE;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9' || i >= 19)
			return HTTP_BODY_BADLEN;
		n = n * 10 + (unsigned long long)(s[i] - '0');
	}
	if (n > HTTP_BODY_MAX)
		return HTTP_BODY_TOOBIG;
	*len = (size_t)n;
	return HTTP_BODY_OK;
}

/* Reads and discards what is left of the request body, up to DRAIN_MAX. */
static void
drain(FCGX_Request *fr)
{
	char	buf[4096];
	size_t	total = 0;
	int	n;

	while (total < DRAIN_MAX &&
	    (n = FCGX_GetStr(buf, (int)sizeof(buf), fr->in)) > 0)
		total += (size_t)n;
}

/*
 * Fills req from fr: every parameter copied (nothing points into fr after
 * this), the body read in full. Returns PAT_OK or PAT_ERR_NOMEM.
 */
static enum pat_err
request_read(FCGX_Request *fr, struct http_request *req)
{
	const char	*uri, *q, *cl;
	size_t		 len = 0, got = 0;
	int		 n;

	if (!param_dup(fr, "REQUEST_METHOD", &req->method) ||
	    !param_dup(fr, "CONTENT_TYPE", &req->content_type) ||
	    !param_dup(fr, "HTTP_AUTHORIZATION", &req->authorization) ||
	    !param_dup(fr, "REMOTE_ADDR", &req->remote_addr))
		return PAT_ERR_NOMEM;
	if ((uri = FCGX_GetParam("REQUEST_URI", fr->envp)) != NULL) {
		if ((q = strchr(uri, '?')) != NULL) {
			req->path = strndup(uri, (size_t)(q - uri));
			req->query = strdup(q + 1);
			if (req->query == NULL)
				return PAT_ERR_NOMEM;
		} else
			req->path = strdup(uri);
		if (req->path == NULL)
			return PAT_ERR_NOMEM;
	}

	cl = FCGX_GetParam("CONTENT_LENGTH", fr->envp);
	req->body_state = content_length(cl, &len);
	if (req->body_state != HTTP_BODY_OK) {
		if (req->body_state != HTTP_BODY_NONE)
			drain(fr);
		return PAT_OK;
	}
	if ((req->body = malloc(len + 1)) == NULL)
		return PAT_ERR_NOMEM;
	while (got < len) {
		n = FCGX_GetStr(req->body + got, (int)(len - got), fr->in);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	req->body[got] = '\0';
	req->body_len = got;
	if (got != len)
		req->body_state = HTTP_BODY_SHORT;
	return PAT_OK;
}

static long
elapsed_ms(const struct timespec *t0)
{
	struct timespec	t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (long)(t1.tv_sec - t0->tv_sec) * 1000 +
	    (long)(t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/* A request field for the log: escaped, "-" when absent. */
static void
log_field(char *dst, size_t size, const char *src)
{
	if (src == NULL)
		src = "-";
	log_escape(dst, size, src, strlen(src));
}

/* One request: read, handle, write, log. FCGX_Finish_r is the caller's. */
static void
serve(struct worker *w, FCGX_Request *fr)
{
	static const char	 oom[] = "Status: 500 Internal Server Error\r\n"
	    "Content-Type: application/json; charset=utf-8\r\n"
	    "Cache-Control: no-store\r\n\r\n"
	    "{\"error\":\"internal_error\",\"message\":\"Out of memory.\"}";
	struct http_request	 req;
	struct http_response	 resp;
	struct timespec		 t0;
	char			 m[LOG_FIELD_MAX], p[LOG_FIELD_MAX];
	char			 a[LOG_FIELD_MAX];
	char			*out = NULL;
	size_t			 outlen = 0;
	int			 status, wrote;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	http_request_init(&req);
	http_response_init(&resp);

	if (request_read(fr, &req) != PAT_OK)
		http_error(&resp, 500, "internal_error",
		    "The server could not complete the request.");
	else
		app_handle(w, &req, &resp);

	if (http_render(&resp, &out, &outlen) == PAT_OK) {
		wrote = FCGX_PutStr(out, (int)outlen, fr->out) == (int)outlen;
		status = resp.status;
	} else {
		wrote = FCGX_PutStr(oom, (int)sizeof(oom) - 1, fr->out) ==
		    (int)sizeof(oom) - 1;
		status = 500;
	}
	http_render_free(out, outlen);

	log_field(m, sizeof(m), req.method);
	log_field(p, sizeof(p), req.path);
	log_field(a, sizeof(a), req.remote_addr);
	if (status >= 500)
		log_warn("%s %s %s %d %ldms%s%s%s", a, m, p, status,
		    elapsed_ms(&t0), resp.log_note ? " (" : "",
		    resp.log_note ? resp.log_note : "",
		    resp.log_note ? ")" : "");
	else
		log_info("%s %s %s %d %ldms%s%s%s", a, m, p, status,
		    elapsed_ms(&t0), resp.log_note ? " (" : "",
		    resp.log_note ? resp.log_note : "",
		    resp.log_note ? ")" : "");
	if (!wrote)
		log_info("%s %s %s: client went away before the response",
		    a, m, p);

	http_response_free(&resp);
	http_request_free(&req);
}

static void *
thread_main(void *arg)
{
	struct thread	*t = arg;
	FCGX_Request	 fr;
	struct timespec	 pause = { 0, 100 * 1000 * 1000 };
	int		 rc;

	if (FCGX_InitRequest(&fr, t->srv->listen_fd, 0) != 0) {
		log_error("thread %u: FCGX_InitRequest failed", t->idx);
		return NULL;
	}
	while (!atomic_load(&t->srv->stop)) {
		if ((rc = FCGX_Accept_r(&fr)) < 0) {
			if (atomic_load(&t->srv->stop))
				break;
			/* A TCP listener's timeout (listen_timeouts): nobody
			 * connected for IO_TIMEOUT_SEC. */
			if (rc == -EAGAIN || rc == -EWOULDBLOCK)
				continue;
			log_warn("thread %u: accept failed: %s", t->idx,
			    rc > -4096 ? strerror(-rc) : "libfcgi error");
			nanosleep(&pause, NULL);
			continue;
		}
		serve(t->w, &fr);
		FCGX_Finish_r(&fr);
	}
	FCGX_Free(&fr, 1);
	db_thread_end();
	return NULL;
}

/* Creates the unix socket at path, mode and group from cfg. -1 on error. */
static int
listen_unix(const struct pat_config *cfg, const char *path)
{
	struct stat	 st;
	struct group	 gr, *grp = NULL;
	char		 grbuf[4096];
	mode_t		 old;
	int		 fd = -1, e;

	if (*path != '/' || strchr(path, ':') != NULL) {
		fprintf(stderr, "pat-fcgi: %s: [server] listen: a unix socket "
		    "path must be absolute and contain no ':'\n", cfg->path);
		goto err;
	}
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			fprintf(stderr, "pat-fcgi: %s exists and is not a "
			    "socket\n", path);
			goto err;
		}
		if (unlink(path) != 0) {
			fprintf(stderr, "pat-fcgi: cannot remove stale socket "
			    "%s: %s\n", path, strerror(errno));
			goto err;
		}
	}
	/* Never more permissive than 0660, even for an instant. */
	old = umask(0117);
	fd = FCGX_OpenSocket(path, LISTEN_BACKLOG);
	umask(old);
	if (fd < 0) {
		fprintf(stderr, "pat-fcgi: cannot listen on %s: %s\n", path,
		    strerror(errno));
		goto err;
	}
	if (chmod(path, (mode_t)cfg->socket_mode) != 0) {
		fprintf(stderr, "pat-fcgi: chmod %s: %s\n", path,
		    strerror(errno));
		goto err;
	}
	if (cfg->socket_group != NULL && *cfg->socket_group != '\0') {
		e = getgrnam_r(cfg->socket_group, &gr, grbuf, sizeof(grbuf),
		    &grp);
		if (e != 0 || grp == NULL) {
			fprintf(stderr, "pat-fcgi: %s: [server] socket_group: "
			    "no group %s\n", cfg->path, cfg->socket_group);
			goto err;
		}
		if (chown(path, (uid_t)-1, grp->gr_gid) != 0) {
			fprintf(stderr, "pat-fcgi: chown %s to group %s: %s\n",
			    path, cfg->socket_group, strerror(errno));
			goto err;
		}
	}
	return fd;
err:
	if (fd >= 0) {
		close(fd);
		unlink(path);
	}
	return -1;
}

/* Opens cfg->listen. -1 on error (message on stderr). */
/*
 * libfcgi reads a request's records with no deadline, so a peer that
 * connects and stalls holds a worker thread for as long as it likes; a few
 * such peers stall the server. On a TCP listener (reachable from other
 * hosts when scaled out) receive and send timeouts set here are inherited
 * by every accepted socket: a stalled read fails after IO_TIMEOUT_SEC and
 * libfcgi drops the connection (a body read short of CONTENT_LENGTH is a
 * 400). accept() then also wakes every IO_TIMEOUT_SEC with EAGAIN, which
 * thread_main takes in its stride. AF_UNIX sockets do not inherit these
 * options; the unix socket is reachable only by nginx's group, and nginx
 * sends whole, buffered requests.
 */
static int
listen_timeouts(int fd)
{
	struct timeval	tv = { IO_TIMEOUT_SEC, 0 };

	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) != 0)
		return -1;
	return 0;
}

static int
listen_open(const struct pat_config *cfg)
{
	int		 fd, on = 0;
	socklen_t	 olen = sizeof(on);

	if (cfg->listen == NULL || *cfg->listen == '\0') {
		if (getsockopt(FCGI_LISTENSOCK_FILENO, SOL_SOCKET,
		    SO_ACCEPTCONN, &on, &olen) != 0 || !on) {
			fprintf(stderr, "pat-fcgi: %s: [server] listen is "
			    "empty but fd 0 is not a listening socket\n",
			    cfg->path);
			return -1;
		}
		return FCGI_LISTENSOCK_FILENO;
	}
	if (strncmp(cfg->listen, "unix:", 5) == 0)
		return listen_unix(cfg, cfg->listen + 5);
	if ((fd = FCGX_OpenSocket(cfg->listen, LISTEN_BACKLOG)) < 0) {
		fprintf(stderr, "pat-fcgi: cannot listen on %s: %s\n",
		    cfg->listen, strerror(errno));
		return -1;
	}
	if (listen_timeouts(fd) != 0) {
		fprintf(stderr, "pat-fcgi: %s: setsockopt: %s\n",
		    cfg->listen, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * The worker process: database library, Argon2 cap, the thread pool on
 * listen_fd, then sigwait for SIGTERM/SIGINT (blocked by the caller) and
 * a graceful stop. Returns the process exit status.
 */
static int
serve_process(const struct pat_config *cfg, const struct app *app, int listen_fd)
{
	struct thread	*threads = NULL;
	struct server	 srv;
	sigset_t	 sigs;
	unsigned	 i, n = cfg->threads > 0 ? cfg->threads : 1;
	int		 sig = 0, rc = 1, e;

	memset(&srv, 0, sizeof(srv));
	atomic_init(&srv.stop, 0);
	srv.listen_fd = listen_fd;
	srv.app = app;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);

	if (db_global_init() != PAT_OK) {
		log_error("database library initialisation failed");
		return 1;
	}
	pw_set_concurrency(cfg->max_hashes > 0 ? cfg->max_hashes : 1);
	if ((threads = calloc(n, sizeof(*threads))) == NULL) {
		log_error("out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		threads[i].srv = &srv;
		threads[i].idx = i;
		if (worker_new(app, &threads[i].w) != PAT_OK) {
			log_error("out of memory");
			goto stop;
		}
		if ((e = pthread_create(&threads[i].tid, NULL, thread_main,
		    &threads[i])) != 0) {
			log_error("pthread_create: %s", strerror(e));
			goto stop;
		}
		threads[i].started = 1;
	}
	log_info("listening on %s, %u threads, %u concurrent hashes, "
	    "at most %u tokens per publisher",
	    cfg->listen && *cfg->listen ? cfg->listen : "fd 0", n,
	    cfg->max_hashes > 0 ? cfg->max_hashes : 1,
	    cfg->max_tokens_per_publisher);

	while ((e = sigwait(&sigs, &sig)) != 0 && e == EINTR)
		;
	log_info("signal %d: stopping", sig);
	rc = 0;
stop:
	atomic_store(&srv.stop, 1);
	FCGX_ShutdownPending();
	shutdown(listen_fd, SHUT_RDWR);
	for (i = 0; threads != NULL && i < n; i++) {
		if (threads[i].started)
			pthread_join(threads[i].tid, NULL);
		worker_free(threads[i].w);
	}
	if (rc == 0)
		log_info("stopped");
out:
	free(threads);
	db_global_end();
	return rc;
}

/*
 * The supervisor: forks the worker process and forks it again if it dies
 * abnormally (a crash in a library, e.g. libfcgi's abort on a hostile
 * PARAMS length), so that connections queued on the shared listening
 * socket are still served. SIGTERM/SIGINT are passed on and the worker's
 * exit status returned. Restarts are spaced by a second when they come
 * faster than RESTART_BURST in RESTART_WINDOW seconds.
 */
#define RESTART_BURST	5
#define RESTART_WINDOW	10

static int
supervise(const struct pat_config *cfg, const struct app *app, int listen_fd)
{
	sigset_t	 sigs;
	pid_t		 child = -1;
	time_t		 window = 0;
	unsigned	 restarts = 0;
	int		 sig, status, stopping = 0;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGCHLD);
	for (;;) {
		if (child < 0) {
			if ((child = fork()) < 0) {
				log_error("fork: %s", strerror(errno));
				return 1;
			}
			if (child == 0)
				_exit(serve_process(cfg, app, listen_fd));
		}
		if (sigwait(&sigs, &sig) != 0)
			continue;
		if (sig == SIGTERM || sig == SIGINT) {
			stopping = 1;
			kill(child, SIGTERM);
			continue;
		}
		if (waitpid(child, &status, WNOHANG) != child)
			continue;
		child = -1;
		if (stopping || (WIFEXITED(status) && WEXITSTATUS(status) == 0))
			return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
		if (WIFSIGNALED(status))
			log_error("worker process killed by signal %d; restarting",
			    WTERMSIG(status));
		else
			log_error("worker process exited %d; restarting",
			    WEXITSTATUS(status));
		if (time(NULL) - window > RESTART_WINDOW) {
			window = time(NULL);
			restarts = 0;
		}
		if (++restarts > RESTART_BURST)
			sleep(1);
	}
}

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "config",	required_argument,	NULL, 'c' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	struct pat_config	*cfg = NULL;
	struct app		*app = NULL;
	const char		*cfgarg = NULL, *path;
	char			 err[512];
	sigset_t		 sigs;
	struct rlimit		 nocore = { 0, 0 };
	int			 ch, rc = 1, e, listen_fd = -1;

	while ((ch = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			cfgarg = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}

	/* Tokens, the pepper and the keys live in this process's memory:
	 * never in a core dump. */
	(void)setrlimit(RLIMIT_CORE, &nocore);
	log_init("pat-fcgi", LOG_LVL_INFO);
	path = cfg_path(cfgarg);
	if (cfg_load(path, &cfg, err, sizeof(err)) != PAT_OK) {
		fprintf(stderr, "pat-fcgi: %s\n", err);
		goto out;
	}
	if (app_new(cfg, &app, err, sizeof(err)) != PAT_OK) {
		fprintf(stderr, "pat-fcgi: %s\n", err);
		goto out;
	}

	/* Every thread and process inherits this: the signals are taken by
	 * sigwait, in the supervisor and in the worker's main thread. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGCHLD);
	if ((e = pthread_sigmask(SIG_BLOCK, &sigs, NULL)) != 0) {
		fprintf(stderr, "pat-fcgi: pthread_sigmask: %s\n", strerror(e));
		goto out;
	}
	if (FCGX_Init() != 0) {
		fprintf(stderr, "pat-fcgi: FCGX_Init failed\n");
		goto out;
	}
	if ((listen_fd = listen_open(cfg)) < 0)
		goto out;
	rc = supervise(cfg, app, listen_fd);
out:
	if (listen_fd >= 0) {
		close(listen_fd);
		if (cfg != NULL && cfg->listen != NULL &&
		    strncmp(cfg->listen, "unix:", 5) == 0)
			unlink(cfg->listen + 5);
	}
	app_free(app);
	cfg_free(cfg);
	return rc;
}
