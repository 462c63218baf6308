/*
 * trivial_fcgi — the HTTP + FastCGI ceiling for scripts/bench.sh: a
 * multi-threaded libfcgi responder that answers every request with a fixed
 * small JSON body, listening where pat-fcgi would.
 *
 *   trivial_fcgi SOCKET_PATH THREADS
 */
#include <sys/stat.h>

#include <fcgiapp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int listen_fd = -1;

static void *
serve(void *arg)
{
	FCGX_Request req;
	static const char resp[] = "Status: 200 OK\r\n"
	    "Content-Type: application/json; charset=utf-8\r\n\r\n"
	    "{\"ok\":true}\n";

	(void)arg;
	if (FCGX_InitRequest(&req, listen_fd, 0) != 0)
		return NULL;
	while (FCGX_Accept_r(&req) >= 0) {
		FCGX_PutStr(resp, (int)sizeof(resp) - 1, req.out);
		FCGX_Finish_r(&req);
	}
	FCGX_Free(&req, 1);
	return NULL;
}

int
main(int argc, char *argv[])
{
	pthread_t th[256];
	sigset_t sigs;
	long n, i;
	int sig;

	if (argc != 3) {
		fprintf(stderr, "usage: trivial_fcgi SOCKET_PATH THREADS\n");
		return 2;
	}
	n = strtol(argv[2], NULL, 10);
	if (n < 1 || n > 256)
		return 2;
	signal(SIGPIPE, SIG_IGN);
	if (FCGX_Init() != 0)
		return 1;
	unlink(argv[1]);
	listen_fd = FCGX_OpenSocket(argv[1], 1024);
	if (listen_fd < 0 || chmod(argv[1], 0666) != 0) {
		perror(argv[1]);
		return 1;
	}
	/* libfcgi's own SIGTERM handler only sets a flag that threads blocked
	 * in accept never see: take the signal here and leave. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	for (i = 0; i < n; i++)
		pthread_create(&th[i], NULL, serve, NULL);
	sigwait(&sigs, &sig);
	unlink(argv[1]);
	return 0;
}
