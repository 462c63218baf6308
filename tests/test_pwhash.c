/*
 * test_pwhash.c — Argon2id, PHC strings, pepper, concurrency cap.
 *
 * The concurrency tests interpose argon2_ctx(): libpat.a is linked
 * statically, so its call resolves to the definition below, which counts
 * callers inside Argon2 and then calls libargon2's through dlsym(RTLD_NEXT).
 * No test hook in the library is needed.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <regex.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <argon2.h>
#include <criterion/criterion.h>

#include "pwhash.h"
#include "support.h"

#define M_FAST	256
#define T_FAST	1

static const struct pw_params fast = { M_FAST, T_FAST, 1, NULL, 0 };

static const char secret[] = "s3cr3tS3CR3Ts3cr3tS3CR3Ts3cr3t";
#define SECRET_LEN	(sizeof(secret) - 1)

/* ---- argon2_ctx interposition ---------------------------------------- */

typedef int (*argon2_ctx_fn)(argon2_context *, argon2_type);

static pthread_mutex_t	hk_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	hk_cond = PTHREAD_COND_INITIALIZER;
static unsigned		hk_inside, hk_peak, hk_calls;
static unsigned		hk_target;	/* 0: pass straight through */
static int		hk_reached;	/* target callers were inside at once */
static long		hk_wait_ms;

int
argon2_ctx(argon2_context *ctx, argon2_type type)
{
	static argon2_ctx_fn	 real;
	struct timespec		 dl;
	int			 rc;

	pthread_mutex_lock(&hk_mutex);
	if (real == NULL)
		real = (argon2_ctx_fn)dlsym(RTLD_NEXT, "argon2_ctx");
	if (real == NULL) {
		pthread_mutex_unlock(&hk_mutex);
		return ARGON2_INCORRECT_PARAMETER;
	}
	hk_calls++;
	if (++hk_inside > hk_peak)
		hk_peak = hk_inside;
	if (hk_target != 0) {
		/* linger until target callers were inside, or the timeout */
		if (hk_inside >= hk_target) {
			hk_reached = 1;
			pthread_cond_broadcast(&hk_cond);
		}
		clock_gettime(CLOCK_REALTIME, &dl);
		dl.tv_sec += hk_wait_ms / 1000;
		dl.tv_nsec += (hk_wait_ms % 1000) * 1000000L;
		if (dl.tv_nsec >= 1000000000L) {
			dl.tv_sec++;
			dl.tv_nsec -= 1000000000L;
		}
		while (!hk_reached &&
		    pthread_cond_timedwait(&hk_cond, &hk_mutex, &dl) == 0)
			;
	}
	pthread_mutex_unlock(&hk_mutex);

	rc = real(ctx, type);

	pthread_mutex_lock(&hk_mutex);
	hk_inside--;
	pthread_mutex_unlock(&hk_mutex);
	return rc;
}

/* ---- helpers ---------------------------------------------------------- */

static int
matches(const char *re, const char *s)
{
	regex_t	rx;
	int	rc;

	cr_assert_eq(regcomp(&rx, re, REG_EXTENDED | REG_NOSUB), 0);
	rc = regexec(&rx, s, 0, NULL, 0);
	regfree(&rx);
	return rc == 0;
}

static void
hash_ok(const struct pw_params *pp, const char *s, size_t len,
    char out[PW_PHC_MAX])
{
	enum pat_err	rc;

	rc = pw_hash(pp, s, len, out);
	cr_assert_eq(rc, PAT_OK, "pw_hash: %s", pat_strerror(rc));
}

/* ---- RFC 9106 section 5.3 -------------------------------------------- */

static const unsigned char rfc_tag[32] = {
	0x0d, 0x64, 0x0d, 0xf5, 0x8d, 0x78, 0x76, 0x6c,
	0x08, 0xc0, 0x37, 0xa3, 0x4a, 0x8b, 0x53, 0xc9,
	0xd0, 0x1e, 0xf0, 0x45, 0x2d, 0x75, 0xb6, 0x5e,
	0xb5, 0x25, 0x20, 0xe9, 0x6b, 0x01, 0xe6, 0x59,
};

struct rfc_in {
	unsigned char	pwd[32], salt[16], secret[8], ad[12];
	uint32_t	m, t, p;
};

static void
rfc_init(struct rfc_in *in)
{
	memset(in->pwd, 0x01, sizeof(in->pwd));
	memset(in->salt, 0x02, sizeof(in->salt));
	memset(in->secret, 0x03, sizeof(in->secret));
	memset(in->ad, 0x04, sizeof(in->ad));
	in->m = 32;
	in->t = 3;
	in->p = 4;
}

static void
rfc_run(const struct rfc_in *in, unsigned char tag[32])
{
	enum pat_err	rc;

	rc = pw_argon2id_raw(in->m, in->t, in->p, in->pwd, sizeof(in->pwd),
	    in->salt, sizeof(in->salt), in->secret, sizeof(in->secret),
	    in->ad, sizeof(in->ad), tag, 32);
	cr_assert_eq(rc, PAT_OK, "%s", pat_strerror(rc));
}

Test(pwhash, rfc9106_argon2id_vector)
{
	struct rfc_in	in;
	unsigned char	tag[32];

	rfc_init(&in);
	rfc_run(&in, tag);
	cr_assert_arr_eq(tag, rfc_tag, sizeof(tag));
}

Test(pwhash, rfc9106_rejected_twins)
{
	struct rfc_in	in;
	unsigned char	tag[32];
	int		i;

	for (i = 0; i < 7; i++) {
		rfc_init(&in);
		switch (i) {
		case 0: in.pwd[31] ^= 1; break;
		case 1: in.salt[0] ^= 1; break;
		case 2: in.secret[4] ^= 1; break;
		case 3: in.ad[11] ^= 1; break;
		case 4: in.m = 40; break;
		case 5: in.t = 2; break;
		case 6: in.p = 2; break;
		}
		rfc_run(&in, tag);
		cr_assert_arr_neq(tag, rfc_tag, sizeof(tag), "twin %d", i);
	}
}

Test(pwhash, raw_rejects_bad_inputs)
{
	unsigned char	tag[32], salt[16] = { 0 };

	/* salt under Argon2's 8-byte minimum */
	cr_assert_eq(pw_argon2id_raw(32, 1, 1, "x", 1, salt, 7, NULL, 0,
	    NULL, 0, tag, sizeof(tag)), PAT_ERR_HASH);
	/* memory under 8 * lanes */
	cr_assert_eq(pw_argon2id_raw(31, 1, 4, "x", 1, salt, 16, NULL, 0,
	    NULL, 0, tag, sizeof(tag)), PAT_ERR_HASH);
	cr_assert_eq(pw_argon2id_raw(32, 0, 1, "x", 1, salt, 16, NULL, 0,
	    NULL, 0, tag, sizeof(tag)), PAT_ERR_HASH);
	cr_assert_eq(pw_argon2id_raw(32, 1, 1, "x", 1, salt, 16, NULL, 0,
	    NULL, 0, tag, 3), PAT_ERR_HASH);
	cr_assert_eq(pw_argon2id_raw(32, 1, 1, "x", 1, salt, 16, NULL, 0,
	    NULL, 0, NULL, 32), PAT_ERR_HASH);
	cr_assert_eq(pw_argon2id_raw(32, 1, 1, NULL, 1, salt, 16, NULL, 0,
	    NULL, 0, tag, sizeof(tag)), PAT_ERR_HASH);
	/* twin: the same call with sane values succeeds */
	cr_assert_eq(pw_argon2id_raw(32, 1, 1, "x", 1, salt, 16, NULL, 0,
	    NULL, 0, tag, sizeof(tag)), PAT_OK);
	cr_assert_eq(pw_argon2id_raw(32, 1, 1, NULL, 0, salt, 16, NULL, 0,
	    NULL, 0, tag, sizeof(tag)), PAT_OK);
}

/* ---- pw_hash / pw_verify --------------------------------------------- */

#define PHC_FAST_RE	"^\\$argon2id\\$v=19\\$m=256,t=1,p=1\\$" \
			"[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}$"

Test(pwhash, round_trip)
{
	char	phc[PW_PHC_MAX], wrong[] = "s3cr3tS3CR3Ts3cr3tS3CR3Ts3cr3t";

	hash_ok(&fast, secret, SECRET_LEN, phc);
	cr_assert(matches(PHC_FAST_RE, phc), "%s", phc);
	cr_assert_eq(pw_verify(&fast, phc, secret, SECRET_LEN), PAT_OK);

	/* rejected twins: one character, one byte shorter, longer, empty */
	wrong[7] = 'X';
	cr_assert_eq(pw_verify(&fast, phc, wrong, SECRET_LEN),
	    PAT_ERR_MISMATCH);
	cr_assert_eq(pw_verify(&fast, phc, secret, SECRET_LEN - 1),
	    PAT_ERR_MISMATCH);
	cr_assert_eq(pw_verify(&fast, phc, "s3cr3tS3CR3Ts3cr3tS3CR3Ts3cr3tX",
	    SECRET_LEN + 1), PAT_ERR_MISMATCH);
	cr_assert_eq(pw_verify(&fast, phc, "", 0), PAT_ERR_MISMATCH);
	cr_assert_eq(pw_verify(&fast, phc, NULL, 0), PAT_ERR_MISMATCH);
}

Test(pwhash, empty_secret_round_trip)
{
	char	phc[PW_PHC_MAX];

	hash_ok(&fast, "", 0, phc);
	cr_assert_eq(pw_verify(&fast, phc, "", 0), PAT_OK);
	cr_assert_eq(pw_verify(&fast, phc, "a", 1), PAT_ERR_MISMATCH);
}

Test(pwhash, salts_differ)
{
	char	a[PW_PHC_MAX], b[PW_PHC_MAX];
	char	*sa, *sb;

	hash_ok(&fast, secret, SECRET_LEN, a);
	hash_ok(&fast, secret, SECRET_LEN, b);
	cr_assert_str_neq(a, b);
	sa = strrchr(a, '$');
	sb = strrchr(b, '$');
	*sa = *sb = '\0';
	/* salt fields differ, not just tags */
	cr_assert_str_neq(strrchr(a, '$'), strrchr(b, '$'));
	*sa = *sb = '$';
	cr_assert_eq(pw_verify(&fast, a, secret, SECRET_LEN), PAT_OK);
	cr_assert_eq(pw_verify(&fast, b, secret, SECRET_LEN), PAT_OK);
}

Test(pwhash, default_parameters)
{
	const struct pw_params	def = { 19456, 2, 1, NULL, 0 };
	char			phc[PW_PHC_MAX];

	hash_ok(&def, secret, SECRET_LEN, phc);
	cr_assert_eq(strncmp(phc, "$argon2id$v=19$m=19456,t=2,p=1$", 31), 0,
	    "%s", phc);
	cr_assert_eq(pw_verify(&def, phc, secret, SECRET_LEN), PAT_OK);
	cr_assert_eq(pw_verify(&def, phc, secret, SECRET_LEN - 1),
	    PAT_ERR_MISMATCH);
	/* libargon2 agrees */
	cr_assert_eq(argon2id_verify(phc, secret, SECRET_LEN), ARGON2_OK);
}

Test(pwhash, pepper)
{
	static const unsigned char pep[32] = "0123456789abcdef0123456789abcdef";
	static const unsigned char pep2[32] = "0123456789abcdef0123456789abcdeF";
	struct pw_params	with = fast, other = fast;
	unsigned char		copy[32];
	char			phc[PW_PHC_MAX], plain[PW_PHC_MAX];

	with.pepper = pep;
	with.pepper_len = sizeof(pep);
	other.pepper = pep2;
	other.pepper_len = sizeof(pep2);
	memcpy(copy, pep, sizeof(copy));

	hash_ok(&with, secret, SECRET_LEN, phc);
	cr_assert_eq(pw_verify(&with, phc, secret, SECRET_LEN), PAT_OK);
	cr_assert_eq(pw_verify(&other, phc, secret, SECRET_LEN),
	    PAT_ERR_MISMATCH);
	cr_assert_eq(pw_verify(&fast, phc, secret, SECRET_LEN),
	    PAT_ERR_MISMATCH);
	cr_assert_eq(pw_verify(NULL, phc, secret, SECRET_LEN),
	    PAT_ERR_MISMATCH);
	with.pepper_len = sizeof(pep) - 1;
	cr_assert_eq(pw_verify(&with, phc, secret, SECRET_LEN),
	    PAT_ERR_MISMATCH);
	with.pepper_len = sizeof(pep);
	/* a peppered hash is not verifiable by plain libargon2 */
	cr_assert_eq(argon2id_verify(phc, secret, SECRET_LEN),
	    ARGON2_VERIFY_MISMATCH);

	/* twin: an unpeppered hash does not verify with a pepper */
	hash_ok(&fast, secret, SECRET_LEN, plain);
	cr_assert_eq(pw_verify(&fast, plain, secret, SECRET_LEN), PAT_OK);
	cr_assert_eq(pw_verify(&with, plain, secret, SECRET_LEN),
	    PAT_ERR_MISMATCH);

	/* the shared pepper is never wiped or changed */
	cr_assert_arr_eq(pep, copy, sizeof(copy));
	/* NULL pepper with a length is a caller error */
	with.pepper = NULL;
	cr_assert_eq(pw_hash(&with, secret, SECRET_LEN, phc), PAT_ERR_HASH);
	cr_assert_str_eq(phc, "");
}

Test(pwhash, our_phc_verifies_with_libargon2)
{
	const struct pw_params	p2 = { 512, 2, 2, NULL, 0 };
	char			phc[PW_PHC_MAX];

	hash_ok(&fast, secret, SECRET_LEN, phc);
	cr_assert_eq(argon2id_verify(phc, secret, SECRET_LEN), ARGON2_OK);
	cr_assert_eq(argon2id_verify(phc, secret, SECRET_LEN - 1),
	    ARGON2_VERIFY_MISMATCH);
	hash_ok(&p2, secret, SECRET_LEN, phc);
	cr_assert_eq(argon2id_verify(phc, secret, SECRET_LEN), ARGON2_OK);
	cr_assert_eq(argon2id_verify(phc, "nope", 4), ARGON2_VERIFY_MISMATCH);
}

Test(pwhash, libargon2_phc_verifies_with_us)
{
	static const struct {
		uint32_t	t, m, p;
		size_t		saltlen, taglen;
	} c[] = {
		{ 1, 256, 1, 16, 32 },
		{ 2, 512, 2, 16, 32 },
		{ 1, 64, 1, 8, 16 },
		{ 1, 128, 4, 64, 64 },
		{ 3, 1024, 1, 32, 24 },
	};
	unsigned char	salt[64];
	char		enc[256];
	size_t		i;
	int		rc;

	for (i = 0; i < sizeof(salt); i++)
		salt[i] = (unsigned char)(i * 37 + 11);
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		rc = argon2id_hash_encoded(c[i].t, c[i].m, c[i].p, secret,
		    SECRET_LEN, salt, c[i].saltlen, c[i].taglen, enc,
		    sizeof(enc));
		cr_assert_eq(rc, ARGON2_OK, "%s", argon2_error_message(rc));
		cr_assert_eq(pw_verify(&fast, enc, secret, SECRET_LEN),
		    PAT_OK, "%s", enc);
		cr_assert_eq(pw_verify(&fast, enc, secret, SECRET_LEN - 1),
		    PAT_ERR_MISMATCH, "%s", enc);
	}
}

/* Test-local strict-enough base64 decoder for the salt field. */
static size_t
b64dec(const char *in, size_t len, unsigned char *out, size_t max)
{
	static const char a[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char	*c;
	uint32_t	 acc = 0;
	size_t		 i, o = 0;
	int		 bits = 0;

	for (i = 0; i < len; i++) {
		c = memchr(a, in[i], 64);
		cr_assert_not_null(c);
		acc = acc << 6 | (uint32_t)(c - a);
		if ((bits += 6) >= 8) {
			bits -= 8;
			cr_assert_lt(o, max);
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	return o;
}

/* Our PHC string equals libargon2's encoding of the same inputs. */
Test(pwhash, phc_equals_libargon2_encoding)
{
	const struct pw_params	pp[] = {
		{ 256, 1, 1, NULL, 0 }, { 512, 2, 2, NULL, 0 },
	};
	unsigned char		salt[64];
	char			phc[PW_PHC_MAX], enc[256], *a, *b;
	size_t			i, n;

	for (i = 0; i < sizeof(pp) / sizeof(pp[0]); i++) {
		hash_ok(&pp[i], secret, SECRET_LEN, phc);
		b = strrchr(phc, '$');
		*b = '\0';
		a = strrchr(phc, '$') + 1;
		n = b64dec(a, strlen(a), salt, sizeof(salt));
		*b = '$';
		cr_assert_eq(n, PW_SALT_LEN);
		cr_assert_eq(argon2id_hash_encoded(pp[i].t, pp[i].m_kib,
		    pp[i].p, secret, SECRET_LEN, salt, n, PW_TAG_LEN, enc,
		    sizeof(enc)), ARGON2_OK);
		cr_assert_str_eq(phc, enc);
		/* twin: another secret, another string */
		cr_assert_eq(argon2id_hash_encoded(pp[i].t, pp[i].m_kib,
		    pp[i].p, secret, SECRET_LEN - 1, salt, n, PW_TAG_LEN, enc,
		    sizeof(enc)), ARGON2_OK);
		cr_assert_str_neq(phc, enc);
	}
}

/* pw_argon2id_raw equals libargon2's argon2id_hash_raw without extras. */
Test(pwhash, raw_equals_libargon2)
{
	unsigned char	salt[16], t1[32], t2[32];
	size_t		i;

	for (i = 0; i < sizeof(salt); i++)
		salt[i] = (unsigned char)(0xf0 + i);
	cr_assert_eq(argon2id_hash_raw(2, 256, 2, secret, SECRET_LEN, salt,
	    sizeof(salt), t1, sizeof(t1)), ARGON2_OK);
	cr_assert_eq(pw_argon2id_raw(256, 2, 2, secret, SECRET_LEN, salt,
	    sizeof(salt), NULL, 0, NULL, 0, t2, sizeof(t2)), PAT_OK);
	cr_assert_arr_eq(t1, t2, sizeof(t1));
	/* twin: with a secret input the tags differ */
	cr_assert_eq(pw_argon2id_raw(256, 2, 2, secret, SECRET_LEN, salt,
	    sizeof(salt), "k", 1, NULL, 0, t2, sizeof(t2)), PAT_OK);
	cr_assert_arr_neq(t1, t2, sizeof(t1));
}

Test(pwhash, old_parameters_keep_verifying)
{
	const struct pw_params	old1 = { 8192, 1, 1, NULL, 0 };
	const struct pw_params	old2 = { 256, 2, 2, NULL, 0 };
	const struct pw_params	now = { 19456, 2, 1, NULL, 0 };
	char			phc[PW_PHC_MAX];
	char			*m;

	hash_ok(&old1, secret, SECRET_LEN, phc);
	cr_assert_eq(strncmp(phc, "$argon2id$v=19$m=8192,t=1,p=1$", 30), 0);
	cr_assert_eq(pw_verify(&now, phc, secret, SECRET_LEN), PAT_OK);
	cr_assert_eq(pw_verify(&now, phc, "x", 1), PAT_ERR_MISMATCH);

	hash_ok(&old2, secret, SECRET_LEN, phc);
	cr_assert_eq(pw_verify(&now, phc, secret, SECRET_LEN), PAT_OK);
	/* twin: the parameters in the string are what counts */
	m = strstr(phc, "t=2");
	cr_assert_not_null(m);
	m[2] = '3';
	cr_assert_eq(pw_verify(&now, phc, secret, SECRET_LEN),
	    PAT_ERR_MISMATCH);
}

Test(pwhash, hash_rejects_bad_params)
{
	static const struct pw_params bad[] = {
		{ 7, 1, 1, NULL, 0 },
		{ 4194305, 1, 1, NULL, 0 },
		{ 256, 0, 1, NULL, 0 },
		{ 256, 101, 1, NULL, 0 },
		{ 256, 1, 0, NULL, 0 },
		{ 256, 1, 17, NULL, 0 },
		{ 31, 1, 4, NULL, 0 },	/* m < 8 * p */
	};
	char	phc[PW_PHC_MAX];
	size_t	i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(phc, 'x', sizeof(phc));
		cr_assert_eq(pw_hash(&bad[i], secret, SECRET_LEN, phc),
		    PAT_ERR_HASH, "case %zu", i);
		cr_assert_str_eq(phc, "");
	}
	cr_assert_eq(pw_hash(NULL, secret, SECRET_LEN, phc), PAT_ERR_HASH);
	cr_assert_eq(pw_hash(&fast, NULL, 3, phc), PAT_ERR_HASH);
	/* twins at the edges of the bounds */
	{
		const struct pw_params ok1 = { 8, 1, 1, NULL, 0 };
		const struct pw_params ok2 = { 32, 1, 4, NULL, 0 };

		hash_ok(&ok1, secret, SECRET_LEN, phc);
		cr_assert_eq(pw_verify(NULL, phc, secret, SECRET_LEN), PAT_OK);
		hash_ok(&ok2, secret, SECRET_LEN, phc);
		cr_assert_eq(pw_verify(NULL, phc, secret, SECRET_LEN), PAT_OK);
	}
}

/* ---- malformed PHC strings ------------------------------------------- */

/* A valid hash of "pw" (libargon2, m=256,t=1,p=1, salt 16 bytes). */
static char	good[256];
static char	gsalt[64], gtag[128];	/* its base64 fields */

static void
make_good(void)
{
	unsigned char	salt[16];
	char		*a, *b;
	size_t		i;

	for (i = 0; i < sizeof(salt); i++)
		salt[i] = (unsigned char)(i + 1);
	cr_assert_eq(argon2id_hash_encoded(1, 256, 1, "pw", 2, salt,
	    sizeof(salt), 32, good, sizeof(good)), ARGON2_OK);
	a = strrchr(good, '$');
	*a = '\0';
	b = strrchr(good, '$');
	cr_assert_lt(strlen(b + 1), sizeof(gsalt));
	memcpy(gsalt, b + 1, strlen(b + 1) + 1);
	memcpy(gtag, a + 1, strlen(a + 1) + 1);
	*a = '$';
}

static void
expect(enum pat_err want, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
expect(enum pat_err want, const char *fmt, ...)
{
	char		phc[512];
	va_list		ap;
	int		n;
	enum pat_err	got;

	va_start(ap, fmt);
	n = vsnprintf(phc, sizeof(phc), fmt, ap);
	va_end(ap);
	cr_assert(n >= 0 && (size_t)n < sizeof(phc));
	got = pw_verify(NULL, phc, "pw", 2);
	cr_assert_eq(got, want, "%s: got %s", phc, pat_strerror(got));
}

Test(pwhash, malformed_phc_is_format)
{
	const char	*s = gsalt, *t = gtag;
	char		 longsalt[100], shorttag[32], longtag[100];

	make_good();
	/* the accepted original and a well-formed mismatch */
	expect(PAT_OK, "%s", good);
	expect(PAT_OK, "$argon2id$v=19$m=256,t=1,p=1$%s$%s", s, t);
	expect(PAT_ERR_MISMATCH, "$argon2id$v=19$m=264,t=1,p=1$%s$%s", s, t);

	/* algorithm and version */
	expect(PAT_ERR_FORMAT, "$argon2i$v=19$m=256,t=1,p=1$%s$%s", s, t);
	expect(PAT_ERR_FORMAT, "$argon2d$v=19$m=256,t=1,p=1$%s$%s", s, t);
	expect(PAT_ERR_FORMAT, "$Argon2id$v=19$m=256,t=1,p=1$%s$%s", s, t);
	expect(PAT_ERR_FORMAT, "$argon2id$v=16$m=256,t=1,p=1$%s$%s", s, t);
	expect(PAT_ERR_FORMAT, "$argon2id$v=019$m=256,t=1,p=1$%s$%s", s, t);
	expect(PAT_ERR_FORMAT, "$argon2id$m=256,t=1,p=1$%s$%s", s, t);
	expect(PAT_ERR_FORMAT, "argon2id$v=19$m=256,t=1,p=1$%s$%s", s, t);
	expect(PAT_ERR_FORMAT, " $argon2id$v=19$m=256,t=1,p=1$%s$%s", s, t);

	/* parameters: missing, reordered, signs, zeros, bounds */
	expect(PAT_ERR_FORMAT, "$argon2id$v=19$t=1,p=1$%s$%s", s, t);
	expect(PAT_ERR_FORMAT, "$argon2id$v=19$m=256,p=1$%s$%s", s, t);
	expect(PAT_ERR_FORMAT, "$argon2id$v=19$m=256,t=1$%s$%s", s, t);
	expect(PAT_ERR_FORMAT, "$argon2id$v=19$t=1,m=256,p=1$%s$%s", s, t);
	expect(PAT_ERR_FORMAT, "$argon2id$v=19$m=256,t=1,p=1,k=1$%s$%s", s,
	    t);
	expect(PAT_ERR_FORMAT, "$argon2id$v=19$m=,t=1,p=1$%s$%s", s, t);
	expect(PAT_ERR_FORMAT, "$argon2id$v=19$m=+256,t=1,p=1$%s$%s", s, t);
	expect(PAT_ERR_FORMAT, "$argon2id$v=19$m=-256,t=1,p=1$%s$%s", s, t);
	expect(PAT_ERR_FORMAT, "$argon2id$v=19$m=0256,t=1,p=1$%s$%s", s, t);
	expect(PAT_ERR_FORMAT, "$argon2id$v=19$m= 256,t=1,p=1$%s$%s", s, t);
	expect(PAT_ERR_FORMAT, "$argon2id$v=19$m=256 ,t=1,p=1$%s$%s", s, t);
	expect(PAT_ERR_FORMAT, "$argon2id$v=19$m=0x100,t=1,p=1$%s$%s", s, t);
	expect(PAT_ERR_FORMAT, "$argon2id$v=19$m=7,t=1,p=1$%s$%s", s, t);
	expect(PAT_ERR_FORMAT, "$argon2id$v=19$m=4194305,t=1,p=1$%s$%s", s,
	    t);
	expect(PAT_ERR_FORMAT, "$argon2id$v=19$m=4294967296,t=1,p=1$%s$%s",
	    s, t);
	expect(PAT_ERR_FORMAT,
	    "$argon2id$v=19$m=99999999999999999999999,t=1,p=1$%s$%s", s, t);
	expect(PAT_ERR_FORMAT, "$argon2id$v=19$m=256,t=0,p=1$%s$%s", s, t);
	expect(PAT_ERR_FORMAT, "$argon2id$v=19$m=256,t=101,p=1$%s$%s", s, t);
	expect(PAT_ERR_FORMAT, "$argon2id$v=19$m=256,t=1,p=0$%s$%s", s, t);
	expect(PAT_ERR_FORMAT, "$argon2id$v=19$m=256,t=1,p=17$%s$%s", s, t);
	expect(PAT_ERR_FORMAT, "$argon2id$v=19$m=8,t=1,p=2$%s$%s", s, t);
	expect(PAT_ERR_FORMAT, "$argon2id$v=19$m=256,t=1,p=1%s$%s", s, t);

	/* salt and tag fields */
	expect(PAT_ERR_FORMAT, "$argon2id$v=19$m=256,t=1,p=1$%s", s);
	expect(PAT_ERR_FORMAT, "$argon2id$v=19$m=256,t=1,p=1$%s$", s);
	expect(PAT_ERR_FORMAT, "$argon2id$v=19$m=256,t=1,p=1$$%s", t);
	expect(PAT_ERR_FORMAT, "$argon2id$v=19$m=256,t=1,p=1$");
	expect(PAT_ERR_FORMAT, "$argon2id$v=19$m=256,t=1,p=1");
	expect(PAT_ERR_FORMAT, "$argon2id$v=19$m=256,t=1,p=1$%s==$%s", s, t);
	expect(PAT_ERR_FORMAT, "$argon2id$v=19$m=256,t=1,p=1$%s$%s=", s, t);
	expect(PAT_ERR_FORMAT, "$argon2id$v=19$m=256,t=1,p=1$%s!$%s", s, t);
	expect(PAT_ERR_FORMAT, "$argon2id$v=19$m=256,t=1,p=1$%s$%.42s-", s,
	    t);
	expect(PAT_ERR_FORMAT, "$argon2id$v=19$m=256,t=1,p=1$%s$%.42s_", s,
	    t);
	expect(PAT_ERR_FORMAT, "$argon2id$v=19$m=256,t=1,p=1$%s$%sAA", s, t);
	/* twin: one more character is a longer (33-byte) tag, well-formed */
	expect(PAT_ERR_MISMATCH, "$argon2id$v=19$m=256,t=1,p=1$%s$%sA", s, t);
	/* 7-byte salt (10 chars) and 65-byte salt (87 chars) */
	expect(PAT_ERR_FORMAT, "$argon2id$v=19$m=256,t=1,p=1$AAAAAAAAAA$%s",
	    t);
	memset(longsalt, 'A', 87);
	longsalt[87] = '\0';
	expect(PAT_ERR_FORMAT, "$argon2id$v=19$m=256,t=1,p=1$%s$%s",
	    longsalt, t);
	/* 15-byte tag (20 chars) and 65-byte tag (87 chars) */
	memset(shorttag, 'A', 20);
	shorttag[20] = '\0';
	expect(PAT_ERR_FORMAT, "$argon2id$v=19$m=256,t=1,p=1$%s$%s", s,
	    shorttag);
	memset(longtag, 'A', 87);
	longtag[87] = '\0';
	expect(PAT_ERR_FORMAT, "$argon2id$v=19$m=256,t=1,p=1$%s$%s", s,
	    longtag);
	/* twins: 8-byte salt and 16-byte tag are well-formed (mismatch) */
	expect(PAT_ERR_MISMATCH, "$argon2id$v=19$m=256,t=1,p=1$AAAAAAAAAAA$%s",
	    t);
	memset(shorttag, 'A', 22);
	shorttag[22] = '\0';
	expect(PAT_ERR_MISMATCH, "$argon2id$v=19$m=256,t=1,p=1$%s$%s", s,
	    shorttag);
	/* non-canonical base64: unused low bits set ("AB" not "AA") */
	expect(PAT_ERR_FORMAT, "$argon2id$v=19$m=256,t=1,p=1$AAAAAAAAAAB$%s",
	    t);
	/* length 4k+1 */
	expect(PAT_ERR_FORMAT, "$argon2id$v=19$m=256,t=1,p=1$AAAAAAAAA$%s",
	    t);

	/* trailing junk */
	expect(PAT_ERR_FORMAT, "%s$", good);
	expect(PAT_ERR_FORMAT, "%s ", good);
	expect(PAT_ERR_FORMAT, "%s\n", good);
	expect(PAT_ERR_FORMAT, "%s$extra", good);
	expect(PAT_ERR_FORMAT, "%s$%s", good, t);

	/* empty and NULL */
	expect(PAT_ERR_FORMAT, "%s", "");
	expect(PAT_ERR_FORMAT, "$");
	cr_assert_eq(pw_verify(NULL, NULL, "pw", 2), PAT_ERR_FORMAT);
}

Test(pwhash, overlong_phc_is_format)
{
	char	buf[4096];

	make_good();
	memset(buf, 'A', sizeof(buf) - 1);
	buf[sizeof(buf) - 1] = '\0';
	memcpy(buf, good, strlen(good));
	cr_assert_eq(pw_verify(NULL, buf, "pw", 2), PAT_ERR_FORMAT);
}

/* ---- concurrency cap -------------------------------------------------- */

#define NTHREADS	4

static pthread_barrier_t	start;
static char			shared_phc[PW_PHC_MAX];

/* Thread i makes one Argon2 call: pw_hash, pw_verify or pw_argon2id_raw. */
static void *
worker(void *arg)
{
	char		phc[PW_PHC_MAX];
	unsigned char	tag[32], salt[16] = { 0 };
	int		mode = *(int *)arg % 3;

	pthread_barrier_wait(&start);
	switch (mode) {
	case 0:
		if (pw_hash(&fast, secret, SECRET_LEN, phc) != PAT_OK)
			return "pw_hash";
		break;
	case 1:
		if (pw_verify(&fast, shared_phc, secret, SECRET_LEN) != PAT_OK)
			return "pw_verify";
		break;
	default:
		if (pw_argon2id_raw(M_FAST, T_FAST, 1, secret, SECRET_LEN,
		    salt, sizeof(salt), NULL, 0, NULL, 0, tag, 32) != PAT_OK)
			return "pw_argon2id_raw";
		break;
	}
	return NULL;
}

/*
 * Runs NTHREADS workers, each making one Argon2 call; inside argon2_ctx each
 * caller lingers until target callers are inside (or wait_ms passes).
 * Returns the most callers seen inside at once.
 */
static unsigned
run_workers(unsigned target, long wait_ms)
{
	pthread_t	 th[NTHREADS];
	int		 id[NTHREADS];
	void		*res;
	int		 i;

	hash_ok(&fast, secret, SECRET_LEN, shared_phc);
	pthread_mutex_lock(&hk_mutex);
	hk_target = target;
	hk_wait_ms = wait_ms;
	hk_peak = hk_calls = 0;
	hk_reached = 0;
	pthread_mutex_unlock(&hk_mutex);

	cr_assert_eq(pthread_barrier_init(&start, NULL, NTHREADS), 0);
	for (i = 0; i < NTHREADS; i++) {
		id[i] = i;
		cr_assert_eq(pthread_create(&th[i], NULL, worker, &id[i]), 0);
	}
	for (i = 0; i < NTHREADS; i++) {
		cr_assert_eq(pthread_join(th[i], &res), 0);
		cr_assert_null(res, "worker failed in %s", (char *)res);
	}
	pthread_barrier_destroy(&start);

	pthread_mutex_lock(&hk_mutex);
	cr_assert_eq(hk_calls, NTHREADS);
	cr_assert_eq(hk_inside, 0);
	hk_target = 0;
	pthread_mutex_unlock(&hk_mutex);
	return hk_peak;
}

/*
 * With a cap of 1, a caller inside Argon2 waits 100 ms for a second one to
 * join it; none ever does, though three are waiting to.
 */
Test(pwhash, concurrency_cap_one)
{
	pw_set_concurrency(1);
	cr_assert_eq(run_workers(2, 100), 1);
}

Test(pwhash, concurrency_cap_two)
{
	pw_set_concurrency(2);
	cr_assert_leq(run_workers(3, 100), 2);
}

/* Rejected twin: without a cap all four threads are inside together. */
Test(pwhash, concurrency_uncapped)
{
	cr_assert_eq(run_workers(NTHREADS, 20000), NTHREADS);
}

/* A cap above the thread count does not get in the way; 0 lifts a cap. */
Test(pwhash, concurrency_cap_high)
{
	pw_set_concurrency(8);
	cr_assert_eq(run_workers(NTHREADS, 20000), NTHREADS);
	pw_set_concurrency(1);
	pw_set_concurrency(0);
	cr_assert_eq(run_workers(NTHREADS, 20000), NTHREADS);
}
