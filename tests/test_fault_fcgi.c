/*
 * test_fault_fcgi.c — PARAMS records claiming 2 GiB names and values, the
 * shape of CVE-2025-23016, sent straight to pat-fcgi's socket. Debian's
 * libfcgi 2.4.2-2+deb12u1 no longer overflows on them but asks malloc for
 * a negative size and aborts the process (an assert in its Malloc);
 * pat-fcgi's supervisor forks a new worker on the same socket, so service
 * continues. Requests in flight in the dying worker are lost, which is
 * why this is a fault suite: it runs last and alone (scripts/test.sh).
 */
#include <sys/socket.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

TestSuite(fault_fcgi, .timeout = 120);

Test(fault_fcgi, huge_param_lengths)
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
		fd = ts_fcgi_connect();
		ts_fcgi_begin(fd);
		memcpy(p, bad[i], sizeof(bad[i]));
		ts_fcgi_record(fd, TS_FCGI_PARAMS, p, sizeof(bad[i]));
		ts_fcgi_record(fd, TS_FCGI_PARAMS, NULL, 0);
		ts_fcgi_record(fd, TS_FCGI_STDIN, NULL, 0);
		(void)ts_fcgi_response(fd, NULL);
		close(fd);
	}
	ts_fcgi_still_serving();
}

static int
tcp_connect(int port)
{
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	cr_assert(fd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
tcp_request(int port)
{
	unsigned char p[8192];
	size_t n;
	int fd = tcp_connect(port), st;

	cr_assert(fd >= 0);
	ts_fcgi_begin(fd);
	n = ts_fcgi_params(p, "GET", "/publishers/x/tokens", NULL, NULL, NULL);
	ts_fcgi_record(fd, TS_FCGI_PARAMS, p, n);
	ts_fcgi_record(fd, TS_FCGI_PARAMS, NULL, 0);
	ts_fcgi_record(fd, TS_FCGI_STDIN, NULL, 0);
	st = ts_fcgi_response(fd, NULL);
	close(fd);
	return st;
}

/*
 * pat-fcgi on TCP (listen = 127.0.0.1:PORT, 2 threads): peers that
 * connect, start a request and stall used to hold every worker thread for
 * as long as they liked (libfcgi reads without a deadline). Now a stalled
 * read fails after 10 s and the thread moves on: a real request behind
 * two stalled ones is answered well inside nginx's 30 s.
 */
Test(fault_fcgi, stalled_tcp_peers_do_not_starve_workers, .timeout = 90)
{
	const char *cfgpath = ts_env("PAT_TEST_CONFIG");
	char *newpath = NULL, *bin = NULL, *log = NULL;
	struct sockaddr_in sa;
	socklen_t salen = sizeof(sa);
	int port, fd, idle[2], i, st;
	pid_t pid;
	time_t t0;
	FILE *f;
	size_t cap = 0;
	char *line = NULL;

	/* A free port, and the test config with listen and threads changed. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&sa, &salen), 0);
	port = ntohs(sa.sin_port);
	close(fd);
	cr_assert(asprintf(&newpath, "%s/etc/tcp.conf", ts_env("PAT_TEST_DIR")) > 0);
	cr_assert_not_null(f = fopen(cfgpath, "r"));
	{
		FILE *o = fopen(newpath, "w");

		cr_assert_not_null(o);
		while (getline(&line, &cap, f) > 0) {
			if (strncmp(line, "listen", 6) == 0)
				fprintf(o, "listen = 127.0.0.1:%d\n", port);
			else if (strncmp(line, "threads", 7) == 0)
				fprintf(o, "threads = 2\n");
			else
				fputs(line, o);
		}
		fclose(o);
	}
	fclose(f);
	free(line);

	cr_assert(asprintf(&bin, "%s/pat-fcgi", ts_env("PAT_TEST_BUILD")) > 0);
	cr_assert(asprintf(&log, "%s/log/pat-fcgi-tcp.log", ts_env("PAT_TEST_DIR")) > 0);
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		if (freopen(log, "a", stderr) == NULL)
			_exit(127);
		execl(bin, bin, "--config", newpath, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 100 && (fd = tcp_connect(port)) < 0; i++)
		usleep(100000);
	cr_assert(fd >= 0, "pat-fcgi did not listen on port %d", port);
	close(fd);

	/* The twin: with no stalled peers a request is answered at once. */
	t0 = time(NULL);
	cr_assert_eq(tcp_request(port), 401);
	cr_assert_leq(time(NULL) - t0, 2);

	/* Two peers start a request and stall: both threads are held. */
	for (i = 0; i < 2; i++) {
		unsigned char p[8192];
		size_t n;

		idle[i] = tcp_connect(port);
		cr_assert(idle[i] >= 0);
		ts_fcgi_begin(idle[i]);
		n = ts_fcgi_params(p, "GET", "/publishers/x/tokens", NULL, NULL, NULL);
		ts_fcgi_record(idle[i], TS_FCGI_PARAMS, p, n / 2);
	}
	usleep(200000);
	t0 = time(NULL);
	st = tcp_request(port);
	cr_assert_eq(st, 401, "no answer behind stalled peers (%d)", st);
	cr_assert_leq(time(NULL) - t0, 20, "answered only after %ld s",
	    (long)(time(NULL) - t0));
	for (i = 0; i < 2; i++)
		close(idle[i]);

	kill(pid, SIGTERM);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit status %d", st);
	free(bin);
	free(log);
	free(newpath);
}
