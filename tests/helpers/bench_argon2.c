/*
 * bench_argon2 — the Argon2id ceiling, in-process: hashes per second on N
 * threads with Debian's libargon2 (the reference code pat uses, through
 * libpat's pw_argon2id_raw) and with libsodium's crypto_pwhash_argon2id
 * (SIMD-dispatched), at the same parameters, plus one hash's latency.
 * libpat's hashes run under pw_set_concurrency(THREADS), with its buffer
 * pool, exactly as in pat-fcgi.
 *
 *   bench_argon2 M_KIB T P THREADS SECONDS
 *
 * Prints key=value lines for scripts/bench.sh.
 */
#include <sys/random.h>

#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pwhash.h"

enum impl { IMPL_REF, IMPL_SODIUM };

struct run {
	enum impl	 impl;
	uint32_t	 m, t, p;
	double		 seconds;
	atomic_long	 done;
	atomic_int	 failed;
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
hash_once(const struct run *r, const unsigned char *pwd, size_t pwdlen,
    const unsigned char salt[16], unsigned char tag[32])
{
	if (r->impl == IMPL_REF)
		return pw_argon2id_raw(r->m, r->t, r->p, pwd, pwdlen, salt, 16,
		    NULL, 0, NULL, 0, tag, 32) == PAT_OK ? 0 : -1;
	return crypto_pwhash_argon2id(tag, 32, (const char *)pwd, pwdlen, salt,
	    r->t, (size_t)r->m * 1024, crypto_pwhash_ALG_ARGON2ID13);
}

static void *
worker(void *arg)
{
	struct run *r = arg;
	unsigned char pwd[30], salt[16], tag[32];
	double end = now_s() + r->seconds;

	memset(pwd, 'x', sizeof(pwd));
	while (now_s() < end) {
		if (getrandom(salt, sizeof(salt), 0) != sizeof(salt) ||
		    hash_once(r, pwd, sizeof(pwd), salt, tag) != 0) {
			atomic_store(&r->failed, 1);
			break;
		}
		atomic_fetch_add(&r->done, 1);
	}
	return NULL;
}

static double
rate(enum impl impl, uint32_t m, uint32_t t, uint32_t p, int threads,
    double seconds)
{
	struct run r = { .impl = impl, .m = m, .t = t, .p = p, .seconds = seconds };
	pthread_t th[64];
	double t0;
	int i;

	t0 = now_s();
	for (i = 0; i < threads; i++)
		if (pthread_create(&th[i], NULL, worker, &r) != 0)
			return -1;
	for (i = 0; i < threads; i++)
		pthread_join(th[i], NULL);
	if (atomic_load(&r.failed))
		return -1;
	return (double)atomic_load(&r.done) / (now_s() - t0);
}

static double
latency_ms(enum impl impl, uint32_t m, uint32_t t, uint32_t p, int n)
{
	struct run r = { .impl = impl, .m = m, .t = t, .p = p };
	unsigned char pwd[30], salt[16] = { 0 }, tag[32];
	double best = 1e9;
	int i;

	memset(pwd, 'x', sizeof(pwd));
	for (i = 0; i < n; i++) {
		double t0 = now_s();

		if (hash_once(&r, pwd, sizeof(pwd), salt, tag) != 0)
			return -1;
		if (now_s() - t0 < best)
			best = now_s() - t0;
	}
	return best * 1000;
}

int
main(int argc, char *argv[])
{
	unsigned char pwd[30], salt[16] = { 7 }, a[32], b[32];
	uint32_t m, t, p;
	int threads;
	double secs;
	struct run ref = { .impl = IMPL_REF }, sod = { .impl = IMPL_SODIUM };

	if (argc != 6) {
		fprintf(stderr, "usage: bench_argon2 M_KIB T P THREADS SECONDS\n");
		return 2;
	}
	m = (uint32_t)strtoul(argv[1], NULL, 10);
	t = (uint32_t)strtoul(argv[2], NULL, 10);
	p = (uint32_t)strtoul(argv[3], NULL, 10);
	threads = (int)strtol(argv[4], NULL, 10);
	secs = strtod(argv[5], NULL);
	if (sodium_init() < 0 || threads < 1 || threads > 64 || m < 8 || t < 1 || p < 1) {
		fprintf(stderr, "bench_argon2: bad arguments or libsodium init failed\n");
		return 2;
	}
	/* The same cap, and so the same buffer pool, as pat-fcgi with this
	 * many hashing threads. */
	pw_set_concurrency((unsigned)threads);
	/* Same inputs, same tag: libsodium is a drop-in for the hash itself
	 * (it supports p=1 only). */
	memset(pwd, 'x', sizeof(pwd));
	ref.m = sod.m = m;
	ref.t = sod.t = t;
	ref.p = sod.p = p;
	if (hash_once(&ref, pwd, sizeof(pwd), salt, a) != 0)
		return 1;
	if (p == 1 && hash_once(&sod, pwd, sizeof(pwd), salt, b) == 0)
		printf("sodium_same_tag=%s\n", memcmp(a, b, 32) == 0 ? "yes" : "no");
	else
		printf("sodium_same_tag=n/a\n");
	printf("ref_latency_ms=%.2f\n", latency_ms(IMPL_REF, m, t, p, 5));
	printf("ref_rate=%.1f\n", rate(IMPL_REF, m, t, p, threads, secs));
	if (p == 1) {
		printf("sodium_latency_ms=%.2f\n", latency_ms(IMPL_SODIUM, m, t, p, 5));
		printf("sodium_rate=%.1f\n", rate(IMPL_SODIUM, m, t, p, threads, secs));
	}
	return 0;
}
