/*
 * test_fault_fcgi.c — PARAMS records claiming 2 GiB names and values, the
 * shape of CVE-2025-23016, sent straight to pat-fcgi's socket. Debian's
 * libfcgi 2.4.2-2+deb12u1 no longer overflows on them but asks malloc for
 * a negative size and aborts the process (an assert in its Malloc);
 * pat-fcgi's supervisor forks a new worker on the same socket, so service
 * continues. Requests in flight in the dying worker are lost, which is
 * why this is a fault suite: it runs last and alone (scripts/test.sh).
 */
#include <criterion/criterion.h>
#include <string.h>
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
