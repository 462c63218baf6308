/*
 * test_jwt.c — JWT verification and HS256 minting: RFC 7515 appendix A
 * known answers, then tokens minted here (HS256, RS256, ES256, ...) with a
 * rejected twin for every rule of SECURITY.md's JWT section.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "jwt.h"
#include "support.h"

#define NOW	INT64_C(1700000000)
#define ISS	"https://issuer.example"
#define AUD	"pat"
#define HDR_HS	"{\"alg\":\"HS256\",\"typ\":\"JWT\"}"

static const unsigned char secret[] =
    "test-secret-0123456789-abcdefghij-klmnop";
#define SECRET_LEN	(sizeof(secret) - 1)

static const struct jwt_policy pol = { ISS, AUD, 60 };

/* ---- helpers ---- */

static char *
b64(const void *p, size_t n)
{
	size_t cap = n / 3 * 4 + 5;
	char *s = malloc(cap);

	cr_assert_not_null(s);
	cr_assert_neq(jwt_b64url_encode(p, n, s, cap), (size_t)-1);
	return s;
}

static unsigned char *
unb64(const char *s, size_t *n)
{
	size_t len = strlen(s);
	unsigned char *p = malloc(len + 1);

	cr_assert_not_null(p);
	*n = jwt_b64url_decode(s, len, p, len + 1);
	cr_assert_neq(*n, (size_t)-1, "bad base64url in test: %s", s);
	return p;
}

static char *
cat3(const char *a, const char *b, const char *c)
{
	char *s = NULL;

	cr_assert(asprintf(&s, "%s.%s.%s", a, b, c) > 0);
	return s;
}

/* "b64(hdr).b64(pay)" — the JWS signing input. */
static char *
signing_input(const char *hdr, const char *pay)
{
	char *h = b64(hdr, strlen(hdr)), *p = b64(pay, strlen(pay)), *s = NULL;

	cr_assert(asprintf(&s, "%s.%s", h, p) > 0);
	free(h);
	free(p);
	return s;
}

static char *
with_sig(const char *input, const unsigned char *sig, size_t siglen)
{
	char *sg = b64(sig, siglen), *s = NULL;

	cr_assert(asprintf(&s, "%s.%s", input, sg) > 0);
	free(sg);
	return s;
}

static char *
sign_hmac(const EVP_MD *md, const void *key, size_t keylen, const char *hdr,
    const char *pay)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	char *in = signing_input(hdr, pay), *t;

	cr_assert_not_null(HMAC(md, key, (int)keylen, (unsigned char *)in,
	    strlen(in), mac, &maclen));
	t = with_sig(in, mac, maclen);
	free(in);
	return t;
}

static char *
sign_hs(const char *hdr, const char *pay)
{
	return sign_hmac(EVP_sha256(), secret, SECRET_LEN, hdr, pay);
}

/* Raw JWS signature of input with pk for alg (RS*, PS256, ES256 as r||s). */
static unsigned char *
raw_sig(EVP_PKEY *pk, const char *alg, const char *in, size_t *siglen)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	const EVP_MD *dg = EVP_sha256();
	unsigned char *sig, *rs;
	const unsigned char *q;
	const BIGNUM *r, *s;
	ECDSA_SIG *es;
	size_t len = 0;

	if (strcmp(alg, "RS384") == 0)
		dg = EVP_sha384();
	else if (strcmp(alg, "RS512") == 0)
		dg = EVP_sha512();
	cr_assert_not_null(md);
	cr_assert_eq(EVP_DigestSignInit(md, &pctx, dg, NULL, pk), 1);
	if (strcmp(alg, "PS256") == 0) {
		cr_assert_eq(EVP_PKEY_CTX_set_rsa_padding(pctx,
		    RSA_PKCS1_PSS_PADDING), 1);
		cr_assert_eq(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx,
		    RSA_PSS_SALTLEN_DIGEST), 1);
	}
	cr_assert_eq(EVP_DigestSign(md, NULL, &len, (const unsigned char *)in,
	    strlen(in)), 1);
	cr_assert_not_null(sig = malloc(len));
	cr_assert_eq(EVP_DigestSign(md, sig, &len, (const unsigned char *)in,
	    strlen(in)), 1);
	EVP_MD_CTX_free(md);
	if (strcmp(alg, "ES256") != 0) {
		*siglen = len;
		return sig;
	}
	q = sig;
	cr_assert_not_null(es = d2i_ECDSA_SIG(NULL, &q, (long)len));
	ECDSA_SIG_get0(es, &r, &s);
	cr_assert_not_null(rs = malloc(64));
	cr_assert_eq(BN_bn2binpad(r, rs, 32), 32);
	cr_assert_eq(BN_bn2binpad(s, rs + 32, 32), 32);
	ECDSA_SIG_free(es);
	free(sig);
	*siglen = 64;
	return rs;
}

static char *
sign_pk(EVP_PKEY *pk, const char *alg, const char *hdr, const char *pay)
{
	char *in = signing_input(hdr, pay), *t;
	unsigned char *sig;
	size_t siglen = 0;

	sig = raw_sig(pk, alg, in, &siglen);
	t = with_sig(in, sig, siglen);
	free(sig);
	free(in);
	return t;
}

static EVP_PKEY *
gen_rsa(unsigned bits)
{
	EVP_PKEY *pk = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits);

	cr_assert_not_null(pk);
	return pk;
}

static EVP_PKEY *
gen_ec(void)
{
	EVP_PKEY *pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");

	cr_assert_not_null(pk);
	return pk;
}

static char *
bn_b64(EVP_PKEY *pk, const char *param, int pad)
{
	BIGNUM *bn = NULL;
	unsigned char buf[1024];
	int n;

	cr_assert_eq(EVP_PKEY_get_bn_param(pk, param, &bn), 1);
	if (pad > 0)
		n = BN_bn2binpad(bn, buf, pad);
	else
		n = BN_bn2bin(bn, buf);
	cr_assert_gt(n, 0);
	BN_free(bn);
	return b64(buf, (size_t)n);
}

/* Public JWK of pk; kid NULL omits it; extra is ",\"member\":..." or "". */
static char *
jwk_of(EVP_PKEY *pk, const char *kid, const char *extra)
{
	char *a, *b, *s = NULL, kidm[300] = "";

	if (kid != NULL)
		snprintf(kidm, sizeof(kidm), ",\"kid\":\"%s\"", kid);
	if (EVP_PKEY_is_a(pk, "RSA")) {
		a = bn_b64(pk, OSSL_PKEY_PARAM_RSA_N, 0);
		b = bn_b64(pk, OSSL_PKEY_PARAM_RSA_E, 0);
		cr_assert(asprintf(&s, "{\"kty\":\"RSA\"%s,\"n\":\"%s\","
		    "\"e\":\"%s\"%s}", kidm, a, b, extra) > 0);
	} else {
		a = bn_b64(pk, OSSL_PKEY_PARAM_EC_PUB_X, 32);
		b = bn_b64(pk, OSSL_PKEY_PARAM_EC_PUB_Y, 32);
		cr_assert(asprintf(&s, "{\"kty\":\"EC\",\"crv\":\"P-256\"%s,"
		    "\"x\":\"%s\",\"y\":\"%s\"%s}", kidm, a, b, extra) > 0);
	}
	free(a);
	free(b);
	return s;
}

static char *
jwks1(const char *k1)
{
	char *s = NULL;

	cr_assert(asprintf(&s, "{\"keys\":[%s]}", k1) > 0);
	return s;
}

static char *
jwks2(const char *k1, const char *k2)
{
	char *s = NULL;

	cr_assert(asprintf(&s, "{\"keys\":[%s,%s]}", k1, k2) > 0);
	return s;
}

static struct jwt_keys *
keys_ok(const unsigned char *hs, size_t hslen, const char *jwks)
{
	struct jwt_keys *k = NULL;
	char err[512] = "";

	cr_assert_eq(jwt_keys_new(hs, hslen, jwks, "test.jwks", &k, err,
	    sizeof(err)), PAT_OK, "jwt_keys_new: %s", err);
	cr_assert_not_null(k);
	return k;
}

static struct jwt_keys *
hs_keys(void)
{
	return keys_ok(secret, SECRET_LEN, NULL);
}

/* jwt_keys_new must fail with PAT_ERR_CONFIG and a message holding want1
 * and want2 (either may be NULL). */
static void
keys_bad(const char *jwks, const char *want1, const char *want2)
{
	struct jwt_keys *k = (struct jwt_keys *)&k;	/* poison */
	char err[512] = "";

	cr_assert_eq(jwt_keys_new(NULL, 0, jwks, "test.jwks", &k, err,
	    sizeof(err)), PAT_ERR_CONFIG, "accepted: %s", jwks);
	cr_assert_null(k);
	cr_assert_not_null(strstr(err, "test.jwks"), "message: %s", err);
	if (want1 != NULL)
		cr_assert_not_null(strstr(err, want1), "message: %s (want %s)",
		    err, want1);
	if (want2 != NULL)
		cr_assert_not_null(strstr(err, want2), "message: %s (want %s)",
		    err, want2);
}

static enum jwt_reason
check_at(const struct jwt_keys *k, const struct jwt_policy *p,
    const char *tok, size_t len, int64_t now, struct jwt_claims *c)
{
	struct jwt_claims cl;
	enum jwt_reason why = (enum jwt_reason)99;
	enum pat_err rc;

	rc = jwt_verify(k, p, tok, len, (time_t)now, c ? c : &cl, &why);
	cr_assert(rc == PAT_OK || rc == PAT_ERR_JWT, "rc %d", rc);
	cr_assert_eq(rc == PAT_OK, why == JWT_R_OK, "rc %d why %d", rc, why);
	return why;
}

static enum jwt_reason
check(const struct jwt_keys *k, const char *tok)
{
	return check_at(k, &pol, tok, strlen(tok), NOW, NULL);
}

#define EXPECT(k, tok, want) do {					\
	const char *t_ = (tok);						\
	enum jwt_reason g_ = check((k), t_);				\
	cr_expect_eq(g_, (want), "line %d: got \"%s\", want \"%s\" for %s", \
	    __LINE__, jwt_reason_str(g_), jwt_reason_str(want), t_);	\
} while (0)

/*
 * The standard claims with member name set to raw JSON (NULL omits it; a
 * name not among the standard ones is appended).
 */
static char *
claims_with(const char *name, const char *raw)
{
	static const char *const names[] = {
		"iss", "aud", "sub", "iat", "nbf", "exp"
	};
	char defs[6][64], buf[8192];
	size_t i, o = 0;
	int n, found = 0;

	snprintf(defs[0], sizeof(defs[0]), "\"%s\"", ISS);
	snprintf(defs[1], sizeof(defs[1]), "\"%s\"", AUD);
	snprintf(defs[2], sizeof(defs[2]), "\"user-1\"");
	snprintf(defs[3], sizeof(defs[3]), "%lld", (long long)NOW);
	snprintf(defs[4], sizeof(defs[4]), "%lld", (long long)NOW);
	snprintf(defs[5], sizeof(defs[5]), "%lld", (long long)NOW + 300);
	buf[o++] = '{';
	for (i = 0; i < 6; i++) {
		const char *v = defs[i];

		if (name != NULL && strcmp(name, names[i]) == 0) {
			found = 1;
			if ((v = raw) == NULL)
				continue;
		}
		n = snprintf(buf + o, sizeof(buf) - o, "%s\"%s\":%s",
		    o > 1 ? "," : "", names[i], v);
		cr_assert(n > 0 && (size_t)n < sizeof(buf) - o);
		o += (size_t)n;
	}
	if (name != NULL && !found && raw != NULL) {
		n = snprintf(buf + o, sizeof(buf) - o, ",\"%s\":%s", name, raw);
		cr_assert(n > 0 && (size_t)n < sizeof(buf) - o);
		o += (size_t)n;
	}
	cr_assert(o + 2 <= sizeof(buf));
	buf[o++] = '}';
	buf[o] = '\0';
	return strdup(buf);
}

static char *
claims(void)
{
	return claims_with(NULL, NULL);
}

/* An HS256 token with the standard claims but member name = raw. */
static char *
hs_claim(const char *name, const char *raw)
{
	char *c = claims_with(name, raw), *t = sign_hs(HDR_HS, c);

	free(c);
	return t;
}

static char *
hs_time(const char *name, int64_t v)
{
	char raw[32];

	snprintf(raw, sizeof(raw), "%lld", (long long)v);
	return hs_claim(name, raw);
}

/* Flips one bit of the decoded segment seg (0..2) and re-encodes. */
static char *
flip_bit(const char *tok, int seg, size_t byte, unsigned bit)
{
	char *parts[3], *copy = strdup(tok), *p, *t;
	unsigned char *raw;
	size_t n;
	int i;

	cr_assert_not_null(copy);
	for (i = 0, p = copy; i < 3; i++) {
		parts[i] = p;
		if (i < 2) {
			p = strchr(p, '.');
			cr_assert_not_null(p);
			*p++ = '\0';
		}
	}
	raw = unb64(parts[seg], &n);
	cr_assert_lt(byte, n);
	raw[byte] ^= (unsigned char)(1u << bit);
	p = b64(raw, n);
	t = cat3(seg == 0 ? p : parts[0], seg == 1 ? p : parts[1],
	    seg == 2 ? p : parts[2]);
	free(p);
	free(raw);
	free(copy);
	return t;
}

/* ---- base64url ---- */

Test(jwt, b64url_rfc4648_vectors)
{
	static const char *const plain[] = {
		"", "f", "fo", "foo", "foob", "fooba", "foobar"
	};
	static const char *const enc[] = {
		"", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy"
	};
	unsigned char raw[3] = { 0xfb, 0xff, 0xbf }, out[16];
	char buf[16];
	size_t i, n;

	for (i = 0; i < 7; i++) {
		n = jwt_b64url_encode(plain[i], strlen(plain[i]), buf,
		    sizeof(buf));
		cr_expect_eq(n, strlen(enc[i]));
		cr_expect_str_eq(buf, enc[i]);
		n = jwt_b64url_decode(enc[i], strlen(enc[i]), out, sizeof(out));
		cr_expect_eq(n, strlen(plain[i]));
		cr_expect_eq(memcmp(out, plain[i], n), 0);
	}
	/* The URL alphabet: '-' and '_', never '+' and '/'. */
	cr_expect_eq(jwt_b64url_encode(raw, 3, buf, sizeof(buf)), 4);
	cr_expect_str_eq(buf, "-_-_");
	cr_expect_eq(jwt_b64url_decode("-_-_", 4, out, sizeof(out)), 3);
	cr_expect_eq(memcmp(out, raw, 3), 0);
}

Test(jwt, b64url_rejects)
{
	unsigned char out[16];
	char small[4];

	cr_expect_eq(jwt_b64url_decode("+/+/", 4, out, 16), (size_t)-1);
	cr_expect_eq(jwt_b64url_decode("Zg==", 4, out, 16), (size_t)-1);
	cr_expect_eq(jwt_b64url_decode("Zg=", 3, out, 16), (size_t)-1);
	cr_expect_eq(jwt_b64url_decode("Zm 9v", 5, out, 16), (size_t)-1);
	cr_expect_eq(jwt_b64url_decode("Zm9v\n", 5, out, 16), (size_t)-1);
	cr_expect_eq(jwt_b64url_decode("Z", 1, out, 16), (size_t)-1);
	cr_expect_eq(jwt_b64url_decode("Zm9vY", 5, out, 16), (size_t)-1);
	cr_expect_eq(jwt_b64url_decode("Zm\0v", 4, out, 16), (size_t)-1);
	/* Non-canonical: unused low bits set ("Zh" would also be "f"). */
	cr_expect_eq(jwt_b64url_decode("Zh", 2, out, 16), (size_t)-1);
	cr_expect_eq(jwt_b64url_decode("Zm9", 3, out, 16), (size_t)-1);
	/* Bounds. */
	cr_expect_eq(jwt_b64url_decode("Zm9vYmFy", 8, out, 5), (size_t)-1);
	cr_expect_eq(jwt_b64url_decode("Zm9vYmFy", 8, out, 6), 6);
	cr_expect_eq(jwt_b64url_encode("foo", 3, small, 4), (size_t)-1);
	cr_expect_eq(small[0], '\0');
	cr_expect_eq(jwt_b64url_encode("fo", 2, small, 4), 3);
}

Test(jwt, reason_strings)
{
	int r;

	for (r = JWT_R_OK; r <= JWT_R_CLAIMS; r++) {
		cr_expect_not_null(jwt_reason_str((enum jwt_reason)r));
		cr_expect_neq(strcmp(jwt_reason_str((enum jwt_reason)r),
		    "unknown reason"), 0);
	}
}

/* ---- RFC 7515 appendix A known answers ---- */

#define RFC_PAY64 "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6" \
	"Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
#define RFC_EXP	INT64_C(1300819380)

static const char rfc_a1[] = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
    RFC_PAY64 ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
static const char rfc_a1_key[] = "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQ"
    "Lr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";

static const char rfc_a2[] = "eyJhbGciOiJSUzI1NiJ9." RFC_PAY64 "."
    "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7"
    "AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4"
    "BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K"
    "0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqv"
    "hJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrB"
    "p0igcN_IoypGlUPQGe77Rw";
static const char rfc_a2_jwks[] = "{\"keys\":[{\"kty\":\"RSA\","
    "\"n\":\"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddx"
    "HmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMs"
    "D1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSH"
    "SXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdV"
    "MTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8"
    "NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ\","
    "\"e\":\"AQAB\"}]}";

static const char rfc_a3[] = "eyJhbGciOiJFUzI1NiJ9." RFC_PAY64 "."
    "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSA"
    "pmWQxfKTUJqPP3-Kg6NU1Q";
static const char rfc_a3_jwks[] = "{\"keys\":[{\"kty\":\"EC\","
    "\"crv\":\"P-256\","
    "\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\","
    "\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}]}";

/* The RFC tokens carry iss "joe" and no aud: a good signature therefore
 * reaches the audience check, a bad one stops at the signature. */
static const struct jwt_policy pol_joe = { "joe", AUD, 0 };

static void
rfc_known_answer(const struct jwt_keys *k, const char *tok)
{
	char *bad;

	cr_expect_eq(check_at(k, &pol_joe, tok, strlen(tok), RFC_EXP - 1,
	    NULL), JWT_R_AUDIENCE);
	/* Twins: after exp, and with one signature bit flipped. */
	cr_expect_eq(check_at(k, &pol_joe, tok, strlen(tok), RFC_EXP, NULL),
	    JWT_R_EXPIRED);
	bad = flip_bit(tok, 2, 0, 0);
	cr_expect_eq(check_at(k, &pol_joe, bad, strlen(bad), RFC_EXP - 1,
	    NULL), JWT_R_SIGNATURE);
	free(bad);
	bad = flip_bit(tok, 1, 3, 5);
	cr_expect_eq(check_at(k, &pol_joe, bad, strlen(bad), RFC_EXP - 1,
	    NULL), JWT_R_SIGNATURE);
	free(bad);
}

Test(jwt, rfc7515_a1_hs256)
{
	struct jwt_keys *k, *other;
	unsigned char *key;
	size_t n;

	key = unb64(rfc_a1_key, &n);
	cr_assert_eq(n, 64);
	k = keys_ok(key, n, NULL);
	rfc_known_answer(k, rfc_a1);
	/* Twin: another secret. */
	key[0] ^= 1;
	other = keys_ok(key, n, NULL);
	cr_expect_eq(check_at(other, &pol_joe, rfc_a1, strlen(rfc_a1),
	    RFC_EXP - 1, NULL), JWT_R_SIGNATURE);
	jwt_keys_free(k);
	jwt_keys_free(other);
	free(key);
}

Test(jwt, rfc7515_a2_rs256)
{
	struct jwt_keys *k = keys_ok(NULL, 0, rfc_a2_jwks);
	EVP_PKEY *pk = gen_rsa(2048);
	char *jwk = jwk_of(pk, NULL, ""), *jwks = jwks1(jwk);
	struct jwt_keys *other = keys_ok(NULL, 0, jwks);

	rfc_known_answer(k, rfc_a2);
	cr_expect_eq(check_at(other, &pol_joe, rfc_a2, strlen(rfc_a2),
	    RFC_EXP - 1, NULL), JWT_R_SIGNATURE);
	/* The A.2 token under the A.3 (EC) key: alg does not fit the key. */
	jwt_keys_free(other);
	other = keys_ok(NULL, 0, rfc_a3_jwks);
	cr_expect_eq(check_at(other, &pol_joe, rfc_a2, strlen(rfc_a2),
	    RFC_EXP - 1, NULL), JWT_R_ALG);
	jwt_keys_free(k);
	jwt_keys_free(other);
	EVP_PKEY_free(pk);
	free(jwk);
	free(jwks);
}

Test(jwt, rfc7515_a3_es256)
{
	struct jwt_keys *k = keys_ok(NULL, 0, rfc_a3_jwks);
	EVP_PKEY *pk = gen_ec();
	char *jwk = jwk_of(pk, NULL, ""), *jwks = jwks1(jwk);
	struct jwt_keys *other = keys_ok(NULL, 0, jwks);

	rfc_known_answer(k, rfc_a3);
	cr_expect_eq(check_at(other, &pol_joe, rfc_a3, strlen(rfc_a3),
	    RFC_EXP - 1, NULL), JWT_R_SIGNATURE);
	jwt_keys_free(k);
	jwt_keys_free(other);
	EVP_PKEY_free(pk);
	free(jwk);
	free(jwks);
}

/* ---- minting ---- */

Test(jwt, sign_hs256_roundtrip)
{
	struct jwt_keys *k = hs_keys();
	struct jwt_claims c;
	char *t = NULL, *dot, *h;
	unsigned char hdr[64];
	size_t n;

	cr_assert_eq(jwt_sign_hs256(secret, SECRET_LEN, ISS, AUD, "user-1",
	    (time_t)NOW, 300, &t), PAT_OK);
	cr_assert_eq(check_at(k, &pol, t, strlen(t), NOW, &c), JWT_R_OK);
	cr_expect_str_eq(c.sub, "user-1");
	cr_expect_eq(c.exp, NOW + 300);
	cr_expect_eq(c.iat, NOW);
	/* The header is exactly {"alg":"HS256","typ":"JWT"}. */
	dot = strchr(t, '.');
	cr_assert_not_null(dot);
	n = jwt_b64url_decode(t, (size_t)(dot - t), hdr, sizeof(hdr) - 1);
	cr_assert_neq(n, (size_t)-1);
	hdr[n] = '\0';
	cr_expect_str_eq((char *)hdr, HDR_HS);
	/* Twins: expired at now + ttl; another secret. */
	cr_expect_eq(check_at(k, &pol, t, strlen(t), NOW + 300 + 60, NULL),
	    JWT_R_EXPIRED);
	cr_expect_eq(check_at(k, &pol, t, strlen(t), NOW + 300 + 59, NULL),
	    JWT_R_OK);
	h = t;
	cr_assert_eq(jwt_sign_hs256((const unsigned char *)
	    "another-secret-0123456789-abcdefghij", 36, ISS, AUD, "user-1",
	    (time_t)NOW, 300, &t), PAT_OK);
	EXPECT(k, t, JWT_R_SIGNATURE);
	free(h);
	free(t);
	jwt_keys_free(k);
}

Test(jwt, sign_hs256_escapes_claims)
{
	static const char iss[] = "https://x/\"quoted\\\"\n\t/";
	const struct jwt_policy p = { iss, "a\"b", 0 };
	struct jwt_keys *k = hs_keys();
	char *t = NULL;

	cr_assert_eq(jwt_sign_hs256(secret, SECRET_LEN, iss, "a\"b", "u@x",
	    (time_t)NOW, 60, &t), PAT_OK);
	cr_expect_eq(check_at(k, &p, t, strlen(t), NOW, NULL), JWT_R_OK);
	cr_expect_eq(check_at(k, &pol, t, strlen(t), NOW, NULL), JWT_R_ISSUER);
	free(t);
	jwt_keys_free(k);
}

Test(jwt, sign_hs256_rejects_bad_input)
{
	char *t = (char *)&t;
	char longsub[JWT_SUB_MAX + 2];

	memset(longsub, 'a', sizeof(longsub) - 1);
	longsub[sizeof(longsub) - 1] = '\0';
	cr_expect_eq(jwt_sign_hs256(secret, 31, ISS, AUD, "u", (time_t)NOW,
	    60, &t), PAT_ERR_INVALID);
	cr_expect_null(t);
	cr_expect_eq(jwt_sign_hs256(secret, SECRET_LEN, ISS, AUD, "a b",
	    (time_t)NOW, 60, &t), PAT_ERR_INVALID);
	cr_expect_eq(jwt_sign_hs256(secret, SECRET_LEN, ISS, AUD, "",
	    (time_t)NOW, 60, &t), PAT_ERR_INVALID);
	cr_expect_eq(jwt_sign_hs256(secret, SECRET_LEN, ISS, AUD, longsub,
	    (time_t)NOW, 60, &t), PAT_ERR_INVALID);
	cr_expect_eq(jwt_sign_hs256(secret, SECRET_LEN, ISS, AUD, "u",
	    (time_t)NOW, 0, &t), PAT_ERR_INVALID);
	cr_expect_eq(jwt_sign_hs256(secret, SECRET_LEN, ISS, AUD, "u",
	    (time_t)NOW, -5, &t), PAT_ERR_INVALID);
	cr_expect_eq(jwt_sign_hs256(secret, SECRET_LEN, NULL, AUD, "u",
	    (time_t)NOW, 60, &t), PAT_ERR_INVALID);
	cr_expect_null(t);
	/* Twin: the longest sub is fine. */
	longsub[JWT_SUB_MAX] = '\0';
	cr_expect_eq(jwt_sign_hs256(secret, SECRET_LEN, ISS, AUD, longsub,
	    (time_t)NOW, 60, &t), PAT_OK);
	free(t);
}

/* ---- algorithms ---- */

Test(jwt, alg_none_and_unknown)
{
	struct jwt_keys *k = hs_keys();
	char *c = claims(), *t, *in;
	static const char *const bad[] = {
		"{\"alg\":\"none\"}", "{\"alg\":\"None\"}",
		"{\"alg\":\"NONE\"}", "{\"alg\":\"hs256\"}",
		"{\"alg\":\"HS256 \"}", "{\"alg\":\"XYZ\"}",
		"{\"alg\":\"\"}", "{\"alg\":null}", "{\"alg\":256}",
		"{\"alg\":[\"HS256\"]}", "{\"typ\":\"JWT\"}", "{}",
		"{\"alg\":\"HS384\"}", "{\"alg\":\"EdDSA\"}",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t = sign_hs(bad[i], c);
		EXPECT(k, t, JWT_R_ALG);
		free(t);
	}
	/* HS512 with the right secret is still refused. */
	t = sign_hmac(EVP_sha512(), secret, SECRET_LEN,
	    "{\"alg\":\"HS512\"}", c);
	EXPECT(k, t, JWT_R_ALG);
	free(t);
	/* The classic unsecured JWS: empty signature segment. */
	in = signing_input("{\"alg\":\"none\"}", c);
	cr_assert(asprintf(&t, "%s.", in) > 0);
	cr_expect_neq(check(k, t), JWT_R_OK);
	free(t);
	free(in);
	/* Twin. */
	t = sign_hs("{\"alg\":\"HS256\"}", c);
	EXPECT(k, t, JWT_R_OK);
	free(t);
	free(c);
	jwt_keys_free(k);
}

Test(jwt, hs256_needs_the_secret)
{
	EVP_PKEY *pk = gen_ec();
	char *jwk = jwk_of(pk, "e1", ""), *jwks = jwks1(jwk);
	struct jwt_keys *k = keys_ok(NULL, 0, jwks);
	char *c = claims(), *t;

	/* Only an EC key: HS256 (even signed with "the" secret) is refused. */
	t = sign_hs(HDR_HS, c);
	EXPECT(k, t, JWT_R_ALG);
	free(t);
	t = sign_hs("{\"alg\":\"HS256\",\"kid\":\"e1\"}", c);
	EXPECT(k, t, JWT_R_ALG);
	free(t);
	/* Twin: ES256 with that key. */
	t = sign_pk(pk, "ES256", "{\"alg\":\"ES256\",\"kid\":\"e1\"}", c);
	EXPECT(k, t, JWT_R_OK);
	free(t);
	/* And an ES256 token with only the HS256 secret is refused. */
	jwt_keys_free(k);
	k = hs_keys();
	t = sign_pk(pk, "ES256", "{\"alg\":\"ES256\",\"kid\":\"e1\"}", c);
	EXPECT(k, t, JWT_R_ALG);
	free(t);
	jwt_keys_free(k);
	EVP_PKEY_free(pk);
	free(jwk);
	free(jwks);
	free(c);
}

Test(jwt, algorithm_confusion)
{
	EVP_PKEY *pk = gen_rsa(2048);
	char *jwk = jwk_of(pk, "r1", ""), *jwks = jwks1(jwk);
	struct jwt_keys *rsa_only = keys_ok(NULL, 0, jwks);
	struct jwt_keys *both = keys_ok(secret, SECRET_LEN, jwks);
	unsigned char *der = NULL;
	char *pem = NULL, *c = claims(), *t;
	BIO *bio = BIO_new(BIO_s_mem());
	long pemlen;
	int derlen;
	static const char *const hdrs[] = {
		"{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
		"{\"alg\":\"HS256\",\"kid\":\"r1\"}",
	};
	size_t i;

	cr_assert_not_null(bio);
	cr_assert_eq(PEM_write_bio_PUBKEY(bio, pk), 1);
	pemlen = BIO_get_mem_data(bio, &pem);
	cr_assert_gt(pemlen, 0);
	cr_assert_gt(derlen = i2d_PUBKEY(pk, &der), 0);

	for (i = 0; i < 2; i++) {
		t = sign_hmac(EVP_sha256(), pem, (size_t)pemlen, hdrs[i], c);
		EXPECT(rsa_only, t, JWT_R_ALG);
		EXPECT(both, t, JWT_R_SIGNATURE);
		free(t);
		t = sign_hmac(EVP_sha256(), der, (size_t)derlen, hdrs[i], c);
		EXPECT(rsa_only, t, JWT_R_ALG);
		EXPECT(both, t, JWT_R_SIGNATURE);
		free(t);
	}
	/* Twins: the real RS256 token, and HS256 with the real secret. */
	t = sign_pk(pk, "RS256", "{\"alg\":\"RS256\",\"kid\":\"r1\"}", c);
	EXPECT(rsa_only, t, JWT_R_OK);
	EXPECT(both, t, JWT_R_OK);
	free(t);
	t = sign_hs(HDR_HS, c);
	EXPECT(both, t, JWT_R_OK);
	EXPECT(rsa_only, t, JWT_R_ALG);
	free(t);
	/* RS256 header on an HMAC signature made with the PEM. */
	t = sign_hmac(EVP_sha256(), pem, (size_t)pemlen,
	    "{\"alg\":\"RS256\",\"kid\":\"r1\"}", c);
	EXPECT(both, t, JWT_R_SIGNATURE);
	free(t);

	BIO_free(bio);
	OPENSSL_free(der);
	jwt_keys_free(rsa_only);
	jwt_keys_free(both);
	EVP_PKEY_free(pk);
	free(jwk);
	free(jwks);
	free(c);
}

Test(jwt, alg_must_match_the_key)
{
	EVP_PKEY *rsa = gen_rsa(2048), *ec = gen_ec();
	char *j1 = jwk_of(rsa, "r1", ""), *j2 = jwk_of(ec, "e1", "");
	char *jwks = jwks2(j1, j2), *c = claims(), *t;
	struct jwt_keys *k = keys_ok(NULL, 0, jwks);

	t = sign_pk(rsa, "RS256", "{\"alg\":\"RS256\",\"kid\":\"r1\"}", c);
	EXPECT(k, t, JWT_R_OK);
	free(t);
	t = sign_pk(ec, "ES256", "{\"alg\":\"ES256\",\"kid\":\"e1\"}", c);
	EXPECT(k, t, JWT_R_OK);
	free(t);
	/* Twins: right key, wrong alg claims; alg of the other key. */
	t = sign_pk(rsa, "RS256", "{\"alg\":\"ES256\",\"kid\":\"r1\"}", c);
	EXPECT(k, t, JWT_R_ALG);
	free(t);
	t = sign_pk(rsa, "PS256", "{\"alg\":\"PS256\",\"kid\":\"r1\"}", c);
	EXPECT(k, t, JWT_R_ALG);
	free(t);
	t = sign_pk(rsa, "RS384", "{\"alg\":\"RS384\",\"kid\":\"r1\"}", c);
	EXPECT(k, t, JWT_R_ALG);
	free(t);
	t = sign_pk(ec, "ES256", "{\"alg\":\"RS256\",\"kid\":\"e1\"}", c);
	EXPECT(k, t, JWT_R_ALG);
	free(t);
	jwt_keys_free(k);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(ec);
	free(j1);
	free(j2);
	free(jwks);
	free(c);
}

Test(jwt, jwk_alg_binds_rs384_ps256)
{
	EVP_PKEY *rsa = gen_rsa(2048);
	char *j1 = jwk_of(rsa, "a", ",\"alg\":\"RS384\",\"use\":\"sig\"");
	char *j2 = jwk_of(rsa, "b", ",\"alg\":\"PS256\"");
	char *j3 = jwk_of(rsa, "c", ",\"alg\":\"RS512\"");
	char *jwks = NULL, *c = claims(), *t;
	struct jwt_keys *k;

	cr_assert(asprintf(&jwks, "{\"keys\":[%s,%s,%s]}", j1, j2, j3) > 0);
	k = keys_ok(NULL, 0, jwks);
	t = sign_pk(rsa, "RS384", "{\"alg\":\"RS384\",\"kid\":\"a\"}", c);
	EXPECT(k, t, JWT_R_OK);
	free(t);
	t = sign_pk(rsa, "PS256", "{\"alg\":\"PS256\",\"kid\":\"b\"}", c);
	EXPECT(k, t, JWT_R_OK);
	free(t);
	t = sign_pk(rsa, "RS512", "{\"alg\":\"RS512\",\"kid\":\"c\"}", c);
	EXPECT(k, t, JWT_R_OK);
	free(t);
	/* Twins: RS256 on a key bound to RS384; PKCS#1 v1.5 under PS256. */
	t = sign_pk(rsa, "RS256", "{\"alg\":\"RS256\",\"kid\":\"a\"}", c);
	EXPECT(k, t, JWT_R_ALG);
	free(t);
	t = sign_pk(rsa, "RS256", "{\"alg\":\"PS256\",\"kid\":\"b\"}", c);
	EXPECT(k, t, JWT_R_SIGNATURE);
	free(t);
	jwt_keys_free(k);
	EVP_PKEY_free(rsa);
	free(j1);
	free(j2);
	free(j3);
	free(jwks);
	free(c);
}

/* ---- kid ---- */

Test(jwt, kid_selects_the_key)
{
	EVP_PKEY *a = gen_rsa(2048), *b = gen_ec();
	char *ja = jwk_of(a, "k1", ""), *jb = jwk_of(b, "k2", "");
	char *jwks = jwks2(ja, jb), *c = claims(), *t, hdr[512], kid[300];
	struct jwt_keys *k = keys_ok(NULL, 0, jwks);

	t = sign_pk(b, "ES256", "{\"alg\":\"ES256\",\"kid\":\"k2\"}", c);
	EXPECT(k, t, JWT_R_OK);
	free(t);
	/* Twins. */
	t = sign_pk(b, "ES256", "{\"alg\":\"ES256\",\"kid\":\"k3\"}", c);
	EXPECT(k, t, JWT_R_KID);
	free(t);
	t = sign_pk(b, "ES256", "{\"alg\":\"ES256\",\"kid\":\"K2\"}", c);
	EXPECT(k, t, JWT_R_KID);
	free(t);
	t = sign_pk(b, "ES256", "{\"alg\":\"ES256\",\"kid\":\"k\"}", c);
	EXPECT(k, t, JWT_R_KID);
	free(t);
	t = sign_pk(b, "ES256", "{\"alg\":\"ES256\",\"kid\":\"k22\"}", c);
	EXPECT(k, t, JWT_R_KID);
	free(t);
	t = sign_pk(b, "ES256", "{\"alg\":\"ES256\",\"kid\":\"../k2\"}", c);
	EXPECT(k, t, JWT_R_KID);
	free(t);
	t = sign_pk(b, "ES256", "{\"alg\":\"ES256\",\"kid\":2}", c);
	EXPECT(k, t, JWT_R_KID);
	free(t);
	t = sign_pk(b, "ES256", "{\"alg\":\"ES256\",\"kid\":null}", c);
	EXPECT(k, t, JWT_R_KID);
	free(t);
	/* Missing kid with two keys. */
	t = sign_pk(b, "ES256", "{\"alg\":\"ES256\"}", c);
	EXPECT(k, t, JWT_R_KID);
	free(t);
	/* The other key's kid, this key's signature. */
	t = sign_pk(b, "ES256", "{\"alg\":\"ES256\",\"kid\":\"k1\"}", c);
	EXPECT(k, t, JWT_R_ALG);
	free(t);
	t = sign_pk(b, "RS256", "{\"alg\":\"RS256\",\"kid\":\"k1\"}", c);
	EXPECT(k, t, JWT_R_SIGNATURE);
	free(t);
	/* A kid longer than 256 bytes. */
	memset(kid, 'k', 257);
	kid[257] = '\0';
	snprintf(hdr, sizeof(hdr), "{\"alg\":\"ES256\",\"kid\":\"%s\"}", kid);
	t = sign_pk(b, "ES256", hdr, c);
	EXPECT(k, t, JWT_R_KID);
	free(t);
	jwt_keys_free(k);
	EVP_PKEY_free(a);
	EVP_PKEY_free(b);
	free(ja);
	free(jb);
	free(jwks);
	free(c);
}

Test(jwt, kid_of_256_bytes)
{
	EVP_PKEY *b = gen_ec();
	char kid[300], hdr[512], *jb, *jwks, *c = claims(), *t;
	struct jwt_keys *k;

	memset(kid, 'k', 256);
	kid[256] = '\0';
	jb = jwk_of(b, kid, "");
	jwks = jwks1(jb);
	k = keys_ok(NULL, 0, jwks);
	snprintf(hdr, sizeof(hdr), "{\"alg\":\"ES256\",\"kid\":\"%s\"}", kid);
	t = sign_pk(b, "ES256", hdr, c);
	EXPECT(k, t, JWT_R_OK);
	free(t);
	/* Twin: 255 of them. */
	kid[255] = '\0';
	snprintf(hdr, sizeof(hdr), "{\"alg\":\"ES256\",\"kid\":\"%s\"}", kid);
	t = sign_pk(b, "ES256", hdr, c);
	EXPECT(k, t, JWT_R_KID);
	free(t);
	jwt_keys_free(k);
	EVP_PKEY_free(b);
	free(jb);
	free(jwks);
	free(c);
}

Test(jwt, kid_optional_with_one_key)
{
	EVP_PKEY *a = gen_ec();
	char *j1 = jwk_of(a, NULL, ""), *j2 = jwk_of(a, "only", "");
	char *s1 = jwks1(j1), *s2 = jwks1(j2), *c = claims(), *t;
	struct jwt_keys *nokid = keys_ok(NULL, 0, s1);
	struct jwt_keys *withkid = keys_ok(NULL, 0, s2);

	t = sign_pk(a, "ES256", "{\"alg\":\"ES256\"}", c);
	EXPECT(nokid, t, JWT_R_OK);
	EXPECT(withkid, t, JWT_R_OK);
	free(t);
	t = sign_pk(a, "ES256", "{\"alg\":\"ES256\",\"kid\":\"only\"}", c);
	EXPECT(withkid, t, JWT_R_OK);
	/* Twin: a kid the set does not have. */
	EXPECT(nokid, t, JWT_R_KID);
	free(t);
	jwt_keys_free(nokid);
	jwt_keys_free(withkid);
	EVP_PKEY_free(a);
	free(j1);
	free(j2);
	free(s1);
	free(s2);
	free(c);
}

/* ---- header parameters ---- */

Test(jwt, crit_is_rejected)
{
	struct jwt_keys *k = hs_keys();
	char *c = claims(), *t;

	t = sign_hs("{\"alg\":\"HS256\",\"crit\":[\"exp\"],\"exp\":1}", c);
	EXPECT(k, t, JWT_R_CRIT);
	free(t);
	t = sign_hs("{\"alg\":\"HS256\",\"crit\":[\"b64\"],\"b64\":false}", c);
	EXPECT(k, t, JWT_R_CRIT);
	free(t);
	t = sign_hs("{\"alg\":\"HS256\",\"crit\":[]}", c);
	EXPECT(k, t, JWT_R_CRIT);
	free(t);
	t = sign_hs("{\"alg\":\"HS256\",\"crit\":null}", c);
	EXPECT(k, t, JWT_R_CRIT);
	free(t);
	/* Twin: the same without crit. */
	t = sign_hs("{\"alg\":\"HS256\",\"exp\":1}", c);
	EXPECT(k, t, JWT_R_OK);
	free(t);
	free(c);
	jwt_keys_free(k);
}

Test(jwt, typ)
{
	struct jwt_keys *k = hs_keys();
	char *c = claims(), *t;
	static const char *const good[] = {
		"{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
		"{\"alg\":\"HS256\",\"typ\":\"jwt\"}",
		"{\"alg\":\"HS256\",\"typ\":\"application/jwt\"}",
		"{\"alg\":\"HS256\",\"typ\":\"at+jwt\"}",
		"{\"alg\":\"HS256\"}",
	};
	static const char *const bad[] = {
		"{\"alg\":\"HS256\",\"typ\":\"JWS\"}",
		"{\"alg\":\"HS256\",\"typ\":\"dpop+jwt\"}",
		"{\"alg\":\"HS256\",\"typ\":\"secevent+jwt\"}",
		"{\"alg\":\"HS256\",\"typ\":\"JWT \"}",
		"{\"alg\":\"HS256\",\"typ\":\"\"}",
		"{\"alg\":\"HS256\",\"typ\":1}",
		"{\"alg\":\"HS256\",\"typ\":null}",
	};
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		t = sign_hs(good[i], c);
		EXPECT(k, t, JWT_R_OK);
		free(t);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t = sign_hs(bad[i], c);
		EXPECT(k, t, JWT_R_SYNTAX);
		free(t);
	}
	free(c);
	jwt_keys_free(k);
}

Test(jwt, jku_x5u_jwk_x5c_ignored)
{
	EVP_PKEY *good = gen_ec(), *evil = gen_ec();
	char *jg = jwk_of(good, "g", ""), *je = jwk_of(evil, "g", "");
	char *jwks = jwks1(jg), *c = claims(), *t, *hdr = NULL;
	struct jwt_keys *k = keys_ok(NULL, 0, jwks);

	cr_assert(asprintf(&hdr, "{\"alg\":\"ES256\",\"kid\":\"g\","
	    "\"jku\":\"https://evil.example/jwks.json\","
	    "\"x5u\":\"https://evil.example/cert.pem\","
	    "\"x5c\":[\"MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\"],"
	    "\"jwk\":%s}", je) > 0);
	t = sign_pk(good, "ES256", hdr, c);
	EXPECT(k, t, JWT_R_OK);
	free(t);
	/* Twin: signed by the key the header points at. */
	t = sign_pk(evil, "ES256", hdr, c);
	EXPECT(k, t, JWT_R_SIGNATURE);
	free(t);
	jwt_keys_free(k);
	EVP_PKEY_free(good);
	EVP_PKEY_free(evil);
	free(jg);
	free(je);
	free(jwks);
	free(hdr);
	free(c);
}

/* ---- exp, nbf, iat ---- */

Test(jwt, exp_and_leeway)
{
	struct jwt_keys *k = hs_keys();
	struct jwt_policy p = pol;
	char *t;

	t = hs_time("exp", NOW - 59);
	EXPECT(k, t, JWT_R_OK);
	free(t);
	t = hs_time("exp", NOW - 60);	/* exp + leeway <= now */
	EXPECT(k, t, JWT_R_EXPIRED);
	free(t);
	t = hs_time("exp", NOW - 61);
	EXPECT(k, t, JWT_R_EXPIRED);
	free(t);
	t = hs_time("exp", NOW + 1);
	EXPECT(k, t, JWT_R_OK);
	/* Leeway 0: expired at exp itself. */
	p.leeway = 0;
	cr_expect_eq(check_at(k, &p, t, strlen(t), NOW, NULL), JWT_R_OK);
	cr_expect_eq(check_at(k, &p, t, strlen(t), NOW + 1, NULL),
	    JWT_R_EXPIRED);
	free(t);
	/* Leeway is clamped to 60. */
	p.leeway = 3600;
	t = hs_time("exp", NOW - 61);
	cr_expect_eq(check_at(k, &p, t, strlen(t), NOW, NULL), JWT_R_EXPIRED);
	free(t);
	t = hs_time("exp", NOW - 59);
	cr_expect_eq(check_at(k, &p, t, strlen(t), NOW, NULL), JWT_R_OK);
	free(t);
	jwt_keys_free(k);
}

Test(jwt, exp_required_and_integer)
{
	struct jwt_keys *k = hs_keys();
	static const char *const bad[] = {
		NULL, "\"9999999999\"", "true", "false", "null", "1.5",
		"1.5e9", "2e9", "1700000300.0", "[1700000300]",
		"{\"t\":1700000300}", "-1",
	};
	size_t i;
	char *t;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t = hs_claim("exp", bad[i]);
		EXPECT(k, t, JWT_R_EXPIRED);
		free(t);
	}
	t = hs_claim("exp", "1700000300");
	EXPECT(k, t, JWT_R_OK);
	free(t);
	jwt_keys_free(k);
}

Test(jwt, exp_range_no_overflow)
{
	struct jwt_keys *k = hs_keys();
	struct jwt_claims cl;
	char *t;
	static const char *const huge[] = {
		"9223372036854775807", "9223372036854775806",
		"9223372036854775808", "18446744073709551615",
		"99999999999999999999999", "-9223372036854775808",
		"253402300800",
	};
	size_t i;

	/* Rule: NumericDates are integers in 0..253402300799 (9999-12-31);
	 * anything larger (json-c clamps overflow to INT64_MAX) is refused. */
	for (i = 0; i < sizeof(huge) / sizeof(huge[0]); i++) {
		t = hs_claim("exp", huge[i]);
		EXPECT(k, t, JWT_R_EXPIRED);
		free(t);
	}
	t = hs_claim("exp", "253402300799");
	cr_expect_eq(check_at(k, &pol, t, strlen(t), NOW, &cl), JWT_R_OK);
	cr_expect_eq(cl.exp, INT64_C(253402300799));
	/* now near INT64_MAX: still no overflow, just expired. */
	cr_expect_eq(check_at(k, &pol, t, strlen(t),
	    (int64_t)(INT64_MAX), NULL), JWT_R_EXPIRED);
	free(t);
	jwt_keys_free(k);
}

Test(jwt, nbf)
{
	struct jwt_keys *k = hs_keys();
	char *t;

	t = hs_time("nbf", NOW + 60);
	EXPECT(k, t, JWT_R_OK);
	free(t);
	t = hs_time("nbf", NOW + 61);
	EXPECT(k, t, JWT_R_NOT_YET);
	free(t);
	t = hs_time("nbf", NOW + 3600);
	EXPECT(k, t, JWT_R_NOT_YET);
	free(t);
	t = hs_claim("nbf", NULL);
	EXPECT(k, t, JWT_R_OK);
	free(t);
	t = hs_claim("nbf", "\"1700000000\"");
	EXPECT(k, t, JWT_R_CLAIMS);
	free(t);
	t = hs_claim("nbf", "1.5");
	EXPECT(k, t, JWT_R_CLAIMS);
	free(t);
	t = hs_claim("nbf", "null");
	EXPECT(k, t, JWT_R_CLAIMS);
	free(t);
	t = hs_claim("nbf", "9223372036854775807");
	EXPECT(k, t, JWT_R_CLAIMS);
	free(t);
	jwt_keys_free(k);
}

Test(jwt, iat)
{
	struct jwt_keys *k = hs_keys();
	struct jwt_claims cl;
	char *t;

	t = hs_time("iat", NOW + 60);
	EXPECT(k, t, JWT_R_OK);
	free(t);
	t = hs_time("iat", NOW + 61);
	EXPECT(k, t, JWT_R_NOT_YET);
	free(t);
	t = hs_time("iat", NOW - 86400);
	EXPECT(k, t, JWT_R_OK);
	free(t);
	t = hs_claim("iat", NULL);
	cr_expect_eq(check_at(k, &pol, t, strlen(t), NOW, &cl), JWT_R_OK);
	cr_expect_eq(cl.iat, 0);
	free(t);
	t = hs_claim("iat", "true");
	EXPECT(k, t, JWT_R_CLAIMS);
	free(t);
	t = hs_claim("iat", "\"now\"");
	EXPECT(k, t, JWT_R_CLAIMS);
	free(t);
	t = hs_claim("iat", "1.7e9");
	EXPECT(k, t, JWT_R_CLAIMS);
	free(t);
	jwt_keys_free(k);
}

/* ---- iss, aud, sub ---- */

Test(jwt, iss_exact)
{
	struct jwt_keys *k = hs_keys();
	static const char *const bad[] = {
		NULL, "\"https://issuer.exampl\"", "\"https://issuer.example/\"",
		"\"https://issuer.example.evil\"", "\"HTTPS://ISSUER.EXAMPLE\"",
		"\" https://issuer.example\"", "\"\"", "null", "1",
		"[\"https://issuer.example\"]", "\"https://issuer.example\\u0000\"",
	};
	size_t i;
	char *t;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t = hs_claim("iss", bad[i]);
		cr_expect_neq(check(k, t), JWT_R_OK, "accepted iss %s", bad[i]);
		if (i < sizeof(bad) / sizeof(bad[0]) - 1)
			EXPECT(k, t, JWT_R_ISSUER);
		free(t);
	}
	t = hs_claim("iss", "\"https:\\/\\/issuer.example\"");	/* same string */
	EXPECT(k, t, JWT_R_OK);
	free(t);
	jwt_keys_free(k);
}

Test(jwt, aud_string_or_array)
{
	struct jwt_keys *k = hs_keys();
	static const char *const good[] = {
		"\"pat\"", "[\"pat\"]", "[\"other\",\"pat\"]",
		"[\"pat\",\"other\"]",
	};
	static const char *const bad[] = {
		NULL, "\"pats\"", "\"pa\"", "\"PAT\"", "\"\"", "[]",
		"[\"other\"]", "[\"pat\",1]", "[1,\"pat\"]", "[\"pat\",null]",
		"[[\"pat\"]]", "[{\"aud\":\"pat\"}]", "1", "null", "true",
		"{\"pat\":true}",
	};
	size_t i;
	char *t;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		t = hs_claim("aud", good[i]);
		EXPECT(k, t, JWT_R_OK);
		free(t);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t = hs_claim("aud", bad[i]);
		EXPECT(k, t, JWT_R_AUDIENCE);
		free(t);
	}
	jwt_keys_free(k);
}

Test(jwt, sub_rules)
{
	struct jwt_keys *k = hs_keys();
	struct jwt_claims cl;
	char raw[600], *t;
	static const char *const bad[] = {
		NULL, "\"\"", "42", "null", "true", "[\"u\"]", "\"a b\"",
		"\"a\\tb\"", "\"caf\\u00e9\"", "\"a\\u007fb\"", "\" u\"",
		"\"u\\n\"",
	};
	size_t i;

	t = hs_claim("sub", "\"user-1\"");
	cr_expect_eq(check_at(k, &pol, t, strlen(t), NOW, &cl), JWT_R_OK);
	cr_expect_str_eq(cl.sub, "user-1");
	free(t);
	t = hs_claim("sub", "\"!~{}[]@x.y\"");
	EXPECT(k, t, JWT_R_OK);
	free(t);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t = hs_claim("sub", bad[i]);
		EXPECT(k, t, JWT_R_SUBJECT);
		free(t);
	}
	/* 255 bytes accepted, 256 refused. */
	raw[0] = '"';
	memset(raw + 1, 'a', JWT_SUB_MAX);
	raw[1 + JWT_SUB_MAX] = '"';
	raw[2 + JWT_SUB_MAX] = '\0';
	t = hs_claim("sub", raw);
	cr_expect_eq(check_at(k, &pol, t, strlen(t), NOW, &cl), JWT_R_OK);
	cr_expect_eq(strlen(cl.sub), JWT_SUB_MAX);
	free(t);
	raw[1 + JWT_SUB_MAX] = 'a';
	raw[2 + JWT_SUB_MAX] = '"';
	raw[3 + JWT_SUB_MAX] = '\0';
	t = hs_claim("sub", raw);
	EXPECT(k, t, JWT_R_SUBJECT);
	free(t);
	jwt_keys_free(k);
}

Test(jwt, claims_out_cleared_on_failure)
{
	struct jwt_keys *k = hs_keys();
	struct jwt_claims cl;
	enum jwt_reason why;
	char *t = hs_claim("aud", "\"nope\"");

	memset(&cl, 'x', sizeof(cl));
	cr_expect_eq(jwt_verify(k, &pol, t, strlen(t), (time_t)NOW, &cl, &why),
	    PAT_ERR_JWT);
	cr_expect_eq(why, JWT_R_AUDIENCE);
	cr_expect_eq(cl.sub[0], '\0');
	cr_expect_eq(cl.exp, 0);
	/* why may be NULL. */
	cr_expect_eq(jwt_verify(k, &pol, t, strlen(t), (time_t)NOW, &cl, NULL),
	    PAT_ERR_JWT);
	free(t);
	jwt_keys_free(k);
}

/* ---- syntax ---- */

Test(jwt, segments_and_base64url)
{
	struct jwt_keys *k = hs_keys();
	char *c = claims(), *good = sign_hs(HDR_HS, c), *t = NULL;
	char *d1, *d2;
	size_t len = strlen(good), i;
	char buf[JWT_MAX_LEN + 64];

	EXPECT(k, good, JWT_R_OK);
	d1 = strchr(good, '.');
	d2 = strrchr(good, '.');
	cr_assert(d1 != NULL && d2 != NULL && d1 != d2);

#define VARIANT(fmt, ...) do {						\
	cr_assert(asprintf(&t, fmt, __VA_ARGS__) > 0);			\
	EXPECT(k, t, JWT_R_SYNTAX);					\
	free(t);							\
} while (0)
	/* Padding, whitespace, wrong alphabet, wrong segment counts. */
	VARIANT("%s=", good);
	VARIANT("%s==", good);
	VARIANT("%.*s=.%s", (int)(d1 - good), good, d1 + 1);
	VARIANT(" %s", good);
	VARIANT("%s ", good);
	VARIANT("%s\n", good);
	VARIANT("%.*s %s", (int)(d1 - good) + 1, good, d1 + 1);
	VARIANT("%.*s\t%s", (int)(d2 - good), good, d2);
	VARIANT("%s.", good);
	VARIANT("%s.e30", good);
	VARIANT("%.*s", (int)(d2 - good), good);	/* two segments */
	VARIANT(".%s", d1 + 1);				/* empty header */
	VARIANT("%.*s.%s", (int)(d1 - good), good, d2);	/* empty payload */
	VARIANT("%.*s.", (int)(d2 - good), good);	/* empty signature */
	VARIANT("%s", "..");
	VARIANT("%s", ".");
	VARIANT("%s", "abc");
	/* '+' and '/' in place of '-' and '_'. */
	for (i = 0; i < 2; i++) {
		const char from = i ? '_' : '-', to = i ? '/' : '+';
		char *p;
		int n = 0;

		/* Find a token that has the char; re-mint until it does. */
		t = strdup(good);
		while ((p = strchr(t, from)) == NULL && n < 200) {
			char extra[32];
			char *cc;

			free(t);
			snprintf(extra, sizeof(extra), "%d", n++);
			cc = claims_with("n", extra);
			t = sign_hs(HDR_HS, cc);
			free(cc);
		}
		cr_assert_not_null(p, "no '%c' in 200 tokens", from);
		cr_expect_eq(check(k, t), JWT_R_OK);
		*p = to;
		EXPECT(k, t, JWT_R_SYNTAX);
		free(t);
	}
	/* Non-canonical last character of the signature. */
	memcpy(buf, good, len + 1);
	cr_assert_eq((len - (size_t)(d2 - good) - 1) % 4, 3);	/* 32 bytes */
	buf[len - 1] = buf[len - 1] == 'A' ? 'B' : (char)(buf[len - 1] + 1);
	cr_expect_neq(check(k, buf), JWT_R_OK);
	/* An embedded NUL inside the length. */
	memcpy(buf, good, len + 1);
	buf[5] = '\0';
	cr_expect_eq(check_at(k, &pol, buf, len, NOW, NULL), JWT_R_SYNTAX);
	/* Empty and NULL. */
	cr_expect_eq(check_at(k, &pol, "", 0, NOW, NULL), JWT_R_SYNTAX);
	cr_expect_eq(check_at(k, &pol, NULL, 0, NOW, NULL), JWT_R_SYNTAX);
	/* Length is honoured: the token followed by garbage beyond len. */
	snprintf(buf, sizeof(buf), "%s garbage", good);
	cr_expect_eq(check_at(k, &pol, buf, len, NOW, NULL), JWT_R_OK);
#undef VARIANT
	free(good);
	free(c);
	jwt_keys_free(k);
}

Test(jwt, oversize_token)
{
	struct jwt_keys *k = hs_keys();
	char pad[JWT_MAX_LEN], *t;
	size_t lo, hi, mid, len = 0;

	/* Find the largest padding that still fits in JWT_MAX_LEN. */
	lo = 0;
	hi = JWT_MAX_LEN - 1000;
	while (lo < hi) {
		mid = (lo + hi + 1) / 2;
		pad[0] = '"';
		memset(pad + 1, 'p', mid);
		pad[mid + 1] = '"';
		pad[mid + 2] = '\0';
		t = hs_claim("pad", pad);
		len = strlen(t);
		free(t);
		if (len <= JWT_MAX_LEN)
			lo = mid;
		else
			hi = mid - 1;
	}
	pad[0] = '"';
	memset(pad + 1, 'p', lo);
	pad[lo + 1] = '"';
	pad[lo + 2] = '\0';
	t = hs_claim("pad", pad);
	cr_assert_leq(strlen(t), JWT_MAX_LEN);
	cr_assert_gt(strlen(t), JWT_MAX_LEN - 4);
	EXPECT(k, t, JWT_R_OK);
	free(t);
	/* Twin: a few bytes more. */
	memset(pad + 1, 'p', lo + 3);
	pad[lo + 4] = '"';
	pad[lo + 5] = '\0';
	t = hs_claim("pad", pad);
	cr_assert_gt(strlen(t), JWT_MAX_LEN);
	EXPECT(k, t, JWT_R_SYNTAX);
	free(t);
	jwt_keys_free(k);
}

Test(jwt, header_and_payload_must_be_objects)
{
	struct jwt_keys *k = hs_keys();
	char *c = claims(), *t;
	static const char *const notobj[] = {
		"[]", "\"x\"", "1", "null", "true", "[{\"alg\":\"HS256\"}]",
		"{\"alg\":\"HS256\"", "{alg:\"HS256\"}", "{'alg':'HS256'}",
	};
	size_t i;

	for (i = 0; i < sizeof(notobj) / sizeof(notobj[0]); i++) {
		t = sign_hs(notobj[i], c);
		EXPECT(k, t, JWT_R_SYNTAX);
		free(t);
		t = sign_hs(HDR_HS, notobj[i]);
		EXPECT(k, t, JWT_R_SYNTAX);
		free(t);
	}
	t = sign_hs(HDR_HS, c);
	EXPECT(k, t, JWT_R_OK);
	free(t);
	free(c);
	jwt_keys_free(k);
}

Test(jwt, json_depth)
{
	struct jwt_keys *k = hs_keys();
	char raw[256], *t;
	int i, o;

	/* 4 levels below the payload object: fine. */
	for (o = 0, i = 0; i < 4; i++)
		raw[o++] = '[';
	raw[o++] = '1';
	for (i = 0; i < 4; i++)
		raw[o++] = ']';
	raw[o] = '\0';
	t = hs_claim("deep", raw);
	EXPECT(k, t, JWT_R_OK);
	free(t);
	/* 40 levels: refused. */
	for (o = 0, i = 0; i < 40; i++)
		raw[o++] = '[';
	raw[o++] = '1';
	for (i = 0; i < 40; i++)
		raw[o++] = ']';
	raw[o] = '\0';
	t = hs_claim("deep", raw);
	EXPECT(k, t, JWT_R_SYNTAX);
	free(t);
	/* In the header too. */
	t = NULL;
	cr_assert(asprintf(&t, "{\"alg\":\"HS256\",\"x\":%s}", raw) > 0);
	{
		char *c = claims(), *tok = sign_hs(t, c);

		EXPECT(k, tok, JWT_R_SYNTAX);
		free(tok);
		free(c);
	}
	free(t);
	jwt_keys_free(k);
}

Test(jwt, duplicate_keys)
{
	struct jwt_keys *k = hs_keys();
	char *c, *t;

	/* A second "sub" (last-wins in plain json-c) is refused. */
	c = claims_with("sub", "\"user-1\",\"sub\":\"admin\"");
	t = sign_hs(HDR_HS, c);
	EXPECT(k, t, JWT_R_SYNTAX);
	free(t);
	free(c);
	c = claims_with("exp", "1,\"exp\":1700000300");
	t = sign_hs(HDR_HS, c);
	EXPECT(k, t, JWT_R_SYNTAX);
	free(t);
	free(c);
	/* In the header: alg twice. */
	c = claims();
	t = sign_hs("{\"alg\":\"none\",\"alg\":\"HS256\"}", c);
	EXPECT(k, t, JWT_R_SYNTAX);
	free(t);
	/* Twin. */
	t = sign_hs("{\"alg\":\"HS256\"}", c);
	EXPECT(k, t, JWT_R_OK);
	free(t);
	free(c);
	jwt_keys_free(k);
}

Test(jwt, trailing_garbage_after_json)
{
	struct jwt_keys *k = hs_keys();
	char *c = claims(), *t, *cc = NULL, *hh = NULL;

	cr_assert(asprintf(&cc, "%sx", c) > 0);
	t = sign_hs(HDR_HS, cc);
	EXPECT(k, t, JWT_R_SYNTAX);
	free(t);
	free(cc);
	cr_assert(asprintf(&cc, "%s{}", c) > 0);
	t = sign_hs(HDR_HS, cc);
	EXPECT(k, t, JWT_R_SYNTAX);
	free(t);
	free(cc);
	cr_assert(asprintf(&hh, "%s,", HDR_HS) > 0);
	t = sign_hs(hh, c);
	EXPECT(k, t, JWT_R_SYNTAX);
	free(t);
	free(hh);
	/* Twin: JSON whitespace around the object is allowed. */
	cr_assert(asprintf(&cc, " %s\r\n", c) > 0);
	t = sign_hs(HDR_HS, cc);
	EXPECT(k, t, JWT_R_OK);
	free(t);
	free(cc);
	free(c);
	jwt_keys_free(k);
}

/* ---- signatures ---- */

Test(jwt, one_bit_flips)
{
	EVP_PKEY *rsa = gen_rsa(2048), *ec = gen_ec();
	char *j1 = jwk_of(rsa, "r", ""), *j2 = jwk_of(ec, "e", "");
	char *jwks = jwks2(j1, j2), *c = claims(), *t[3], *bad;
	struct jwt_keys *k = keys_ok(secret, SECRET_LEN, jwks);
	size_t i;

	t[0] = sign_hs(HDR_HS, c);
	t[1] = sign_pk(rsa, "RS256", "{\"alg\":\"RS256\",\"kid\":\"r\"}", c);
	t[2] = sign_pk(ec, "ES256", "{\"alg\":\"ES256\",\"kid\":\"e\"}", c);
	for (i = 0; i < 3; i++) {
		EXPECT(k, t[i], JWT_R_OK);
		bad = flip_bit(t[i], 2, 0, 7);
		EXPECT(k, bad, JWT_R_SIGNATURE);
		free(bad);
		bad = flip_bit(t[i], 2, 31, 0);
		EXPECT(k, bad, JWT_R_SIGNATURE);
		free(bad);
		bad = flip_bit(t[i], 1, 10, 0);
		EXPECT(k, bad, JWT_R_SIGNATURE);
		free(bad);
		free(t[i]);
	}
	jwt_keys_free(k);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(ec);
	free(j1);
	free(j2);
	free(jwks);
	free(c);
}

Test(jwt, signature_lengths)
{
	EVP_PKEY *rsa = gen_rsa(2048), *ec = gen_ec();
	char *j1 = jwk_of(rsa, "r", ""), *j2 = jwk_of(ec, "e", "");
	char *jwks = jwks2(j1, j2), *c = claims(), *in, *t;
	struct jwt_keys *k = keys_ok(secret, SECRET_LEN, jwks);
	unsigned char *sig, big[600], mac[EVP_MAX_MD_SIZE], *der = NULL;
	unsigned int maclen;
	size_t siglen;
	ECDSA_SIG *es;
	BIGNUM *r, *s;
	int derlen;

	/* ES256: exactly 64 bytes r||s. */
	in = signing_input("{\"alg\":\"ES256\",\"kid\":\"e\"}", c);
	sig = raw_sig(ec, "ES256", in, &siglen);
	t = with_sig(in, sig, 64);
	EXPECT(k, t, JWT_R_OK);
	free(t);
	t = with_sig(in, sig, 63);
	EXPECT(k, t, JWT_R_SIGNATURE);
	free(t);
	memcpy(big, sig, 64);
	big[64] = 0;
	t = with_sig(in, big, 65);
	EXPECT(k, t, JWT_R_SIGNATURE);
	free(t);
	memset(big, 0, 1);
	memcpy(big + 1, sig, 32);
	big[33] = 0;
	memcpy(big + 34, sig + 32, 32);
	t = with_sig(in, big, 66);	/* each half zero-padded to 33 */
	EXPECT(k, t, JWT_R_SIGNATURE);
	free(t);
	/* The same signature DER-encoded (what EVP returns) is refused. */
	cr_assert_not_null(es = ECDSA_SIG_new());
	r = BN_bin2bn(sig, 32, NULL);
	s = BN_bin2bn(sig + 32, 32, NULL);
	cr_assert_eq(ECDSA_SIG_set0(es, r, s), 1);
	cr_assert_gt(derlen = i2d_ECDSA_SIG(es, &der), 0);
	t = with_sig(in, der, (size_t)derlen);
	EXPECT(k, t, JWT_R_SIGNATURE);
	free(t);
	OPENSSL_free(der);
	ECDSA_SIG_free(es);
	/* r = 0 or s = 0. */
	memset(big, 0, 64);
	memcpy(big + 32, sig + 32, 32);
	t = with_sig(in, big, 64);
	EXPECT(k, t, JWT_R_SIGNATURE);
	free(t);
	free(sig);
	free(in);

	/* RS256: exactly the modulus size. */
	in = signing_input("{\"alg\":\"RS256\",\"kid\":\"r\"}", c);
	sig = raw_sig(rsa, "RS256", in, &siglen);
	cr_assert_eq(siglen, 256);
	t = with_sig(in, sig, siglen);
	EXPECT(k, t, JWT_R_OK);
	free(t);
	t = with_sig(in, sig, siglen - 1);
	EXPECT(k, t, JWT_R_SIGNATURE);
	free(t);
	big[0] = 0;
	memcpy(big + 1, sig, siglen);
	t = with_sig(in, big, siglen + 1);
	EXPECT(k, t, JWT_R_SIGNATURE);
	free(t);
	free(sig);
	free(in);

	/* HS256: exactly 32 bytes. */
	in = signing_input(HDR_HS, c);
	cr_assert_not_null(HMAC(EVP_sha256(), secret, (int)SECRET_LEN,
	    (unsigned char *)in, strlen(in), mac, &maclen));
	t = with_sig(in, mac, 32);
	EXPECT(k, t, JWT_R_OK);
	free(t);
	t = with_sig(in, mac, 31);
	EXPECT(k, t, JWT_R_SIGNATURE);
	free(t);
	t = with_sig(in, mac, 16);
	EXPECT(k, t, JWT_R_SIGNATURE);
	free(t);
	free(in);

	jwt_keys_free(k);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(ec);
	free(j1);
	free(j2);
	free(jwks);
	free(c);
}

Test(jwt, rsa_3072_ok)
{
	EVP_PKEY *rsa = gen_rsa(3072);
	char *j = jwk_of(rsa, NULL, ",\"alg\":\"RS256\",\"use\":\"sig\","
	    "\"key_ops\":[\"verify\"],\"x5t\":\"abc\"");
	char *jwks = jwks1(j), *c = claims(), *t;
	struct jwt_keys *k = keys_ok(NULL, 0, jwks);

	t = sign_pk(rsa, "RS256", "{\"alg\":\"RS256\"}", c);
	EXPECT(k, t, JWT_R_OK);
	free(t);
	jwt_keys_free(k);
	EVP_PKEY_free(rsa);
	free(j);
	free(jwks);
	free(c);
}

/* ---- key set loading ---- */

Test(jwt, keys_need_something)
{
	struct jwt_keys *k = (struct jwt_keys *)&k;
	char err[256] = "";

	cr_expect_eq(jwt_keys_new(NULL, 0, NULL, NULL, &k, err, sizeof(err)),
	    PAT_ERR_CONFIG);
	cr_expect_null(k);
	cr_expect_neq(err[0], '\0');
	/* HS256 secrets of at least 32 bytes. */
	cr_expect_eq(jwt_keys_new(secret, 31, NULL, NULL, &k, err,
	    sizeof(err)), PAT_ERR_CONFIG);
	cr_expect_null(strstr(err, (const char *)secret), "secret in message");
	cr_expect_eq(jwt_keys_new(secret, 32, NULL, NULL, &k, err,
	    sizeof(err)), PAT_OK);
	jwt_keys_free(k);
	jwt_keys_free(NULL);
}

Test(jwt, jwks_shape)
{
	EVP_PKEY *ec = gen_ec();
	char *j = jwk_of(ec, "a", ""), *s = NULL;

	keys_bad("", "test.jwks", NULL);
	keys_bad("{", "test.jwks", NULL);
	keys_bad("[]", "keys", NULL);
	keys_bad("{\"keys\":{}}", "keys", NULL);
	keys_bad("{\"keys\":[]}", "keys", NULL);
	keys_bad("{\"keys\":[1]}", "keys[0]", "object");
	keys_bad("{\"keys\":[{\"kty\":\"EC\"}]}", "keys[0]", "P-256");
	keys_bad("{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\","
	    "\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}]}",
	    "keys[0]", "kty");
	keys_bad("{\"keys\":[{\"kid\":\"x\"}]}", "kid \"x\"", "kty");
	cr_assert(asprintf(&s, "{\"keys\":[%s],\"keys\":[]}", j) > 0);
	keys_bad(s, "test.jwks", NULL);
	free(s);
	/* Twin. */
	s = jwks1(j);
	jwt_keys_free(keys_ok(NULL, 0, s));
	free(s);
	free(j);
	EVP_PKEY_free(ec);
}

Test(jwt, jwks_private_members_refused)
{
	EVP_PKEY *rsa = gen_rsa(2048), *ec = gen_ec();
	char *j, *s, *d;

	d = bn_b64(rsa, OSSL_PKEY_PARAM_RSA_D, 0);
	cr_assert(asprintf(&s, ",\"d\":\"%s\"", d) > 0);
	free(d);
	j = jwk_of(rsa, "rsa-priv", s);
	free(s);
	s = jwks1(j);
	keys_bad(s, "keys[0] (kid \"rsa-priv\")", "\"d\"");
	free(s);
	free(j);
	j = jwk_of(rsa, "rsa-p", ",\"p\":\"AQAB\"");
	s = jwks1(j);
	keys_bad(s, "kid \"rsa-p\"", "\"p\"");
	free(s);
	free(j);
	d = bn_b64(ec, OSSL_PKEY_PARAM_PRIV_KEY, 32);
	cr_assert(asprintf(&s, ",\"d\":\"%s\"", d) > 0);
	free(d);
	j = jwk_of(ec, "ec-priv", s);
	free(s);
	s = jwks1(j);
	keys_bad(s, "kid \"ec-priv\"", "\"d\"");
	free(s);
	free(j);
	/* Twin: the same keys, public only. */
	j = jwk_of(rsa, "rsa-pub", "");
	d = jwk_of(ec, "ec-pub", "");
	s = jwks2(j, d);
	jwt_keys_free(keys_ok(NULL, 0, s));
	free(s);
	free(j);
	free(d);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(ec);
}

Test(jwt, jwks_oct_refused)
{
	keys_bad("{\"keys\":[{\"kty\":\"oct\",\"kid\":\"hmac\","
	    "\"k\":\"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN"
	    "3Yj0iPS4hcgUuTwjAzZr1Z9CAow\"}]}", "kid \"hmac\"", "oct");
	keys_bad("{\"keys\":[{\"kty\":\"oct\",\"k\":\"\"}]}", "keys[0]",
	    "oct");
}

Test(jwt, jwks_bad_curve)
{
	EVP_PKEY *ec = gen_ec();
	char *j, *s, *x = bn_b64(ec, OSSL_PKEY_PARAM_EC_PUB_X, 32);
	char *y = bn_b64(ec, OSSL_PKEY_PARAM_EC_PUB_Y, 32);
	static const char *const crvs[] = {
		"P-384", "P-521", "secp256k1", "p-256", "prime256v1", ""
	};
	char *ybad;
	size_t i, n;
	unsigned char *raw;

	for (i = 0; i < sizeof(crvs) / sizeof(crvs[0]); i++) {
		cr_assert(asprintf(&s, "{\"keys\":[{\"kty\":\"EC\","
		    "\"kid\":\"c%zu\",\"crv\":\"%s\",\"x\":\"%s\","
		    "\"y\":\"%s\"}]}", i, crvs[i], x, y) > 0);
		keys_bad(s, "keys[0]", "crv");
		free(s);
	}
	/* A point that is not on the curve. */
	raw = unb64(y, &n);
	raw[31] ^= 1;
	ybad = b64(raw, n);
	free(raw);
	cr_assert(asprintf(&s, "{\"keys\":[{\"kty\":\"EC\",\"kid\":\"off\","
	    "\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\"}]}", x, ybad) > 0);
	keys_bad(s, "kid \"off\"", "curve");
	free(s);
	free(ybad);
	/* Coordinates of the wrong length. */
	cr_assert(asprintf(&s, "{\"keys\":[{\"kty\":\"EC\",\"kid\":\"short\","
	    "\"crv\":\"P-256\",\"x\":\"%.42s\",\"y\":\"%s\"}]}", x, y) > 0);
	keys_bad(s, "kid \"short\"", "32 bytes");
	free(s);
	/* Twin. */
	j = jwk_of(ec, "good", "");
	s = jwks1(j);
	jwt_keys_free(keys_ok(NULL, 0, s));
	free(s);
	free(j);
	free(x);
	free(y);
	EVP_PKEY_free(ec);
}

Test(jwt, jwks_duplicate_and_missing_kid)
{
	EVP_PKEY *a = gen_ec(), *b = gen_ec();
	char *ja = jwk_of(a, "same", ""), *jb = jwk_of(b, "same", "");
	char *na = jwk_of(a, NULL, ""), *nb = jwk_of(b, "b", "");
	char *s;

	s = jwks2(ja, jb);
	keys_bad(s, "keys[1] (kid \"same\")", "duplicate");
	free(s);
	s = jwks2(nb, na);
	keys_bad(s, "keys[1]", "kid");
	free(s);
	/* Twin: distinct kids. */
	s = jwks2(ja, nb);
	jwt_keys_free(keys_ok(NULL, 0, s));
	free(s);
	free(ja);
	free(jb);
	free(na);
	free(nb);
	EVP_PKEY_free(a);
	EVP_PKEY_free(b);
}

Test(jwt, jwks_rsa_1024_refused)
{
	EVP_PKEY *small = gen_rsa(1024), *big = gen_rsa(2048);
	char *j = jwk_of(small, "small", ""), *s = jwks1(j), *c, *t;
	struct jwt_keys *k;

	keys_bad(s, "keys[0] (kid \"small\")", "1024 bits");
	free(s);
	free(j);
	/* Twin. */
	j = jwk_of(big, "big", "");
	s = jwks1(j);
	k = keys_ok(NULL, 0, s);
	c = claims();
	t = sign_pk(big, "RS256", "{\"alg\":\"RS256\",\"kid\":\"big\"}", c);
	EXPECT(k, t, JWT_R_OK);
	free(t);
	free(c);
	jwt_keys_free(k);
	free(s);
	free(j);
	EVP_PKEY_free(small);
	EVP_PKEY_free(big);
}

Test(jwt, jwks_alg_and_use_must_fit)
{
	EVP_PKEY *rsa = gen_rsa(2048), *ec = gen_ec();
	static const struct {
		int		 ec;
		const char	*extra;
		const char	*want;
	} bad[] = {
		{ 0, ",\"alg\":\"ES256\"", "alg" },
		{ 0, ",\"alg\":\"HS256\"", "alg" },
		{ 0, ",\"alg\":\"none\"", "alg" },
		{ 0, ",\"alg\":\"RSA-OAEP\"", "alg" },
		{ 0, ",\"alg\":7", "alg" },
		{ 1, ",\"alg\":\"RS256\"", "alg" },
		{ 1, ",\"alg\":\"ES384\"", "alg" },
		{ 0, ",\"use\":\"enc\"", "use" },
		{ 1, ",\"use\":\"enc\"", "use" },
		{ 1, ",\"use\":null", "use" },
	};
	static const struct {
		int		 ec;
		const char	*extra;
	} good[] = {
		{ 0, ",\"alg\":\"RS256\",\"use\":\"sig\"" },
		{ 0, ",\"alg\":\"PS256\"" },
		{ 1, ",\"alg\":\"ES256\",\"use\":\"sig\"" },
	};
	char *j, *s;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		j = jwk_of(bad[i].ec ? ec : rsa, "k", bad[i].extra);
		s = jwks1(j);
		keys_bad(s, "kid \"k\"", bad[i].want);
		free(s);
		free(j);
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		j = jwk_of(good[i].ec ? ec : rsa, "k", good[i].extra);
		s = jwks1(j);
		jwt_keys_free(keys_ok(NULL, 0, s));
		free(s);
		free(j);
	}
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(ec);
}

Test(jwt, jwks_bad_rsa_numbers)
{
	EVP_PKEY *rsa = gen_rsa(2048);
	char *n = bn_b64(rsa, OSSL_PKEY_PARAM_RSA_N, 0), *s;

	cr_assert(asprintf(&s, "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"r\","
	    "\"n\":\"%s\",\"e\":\"AQA=\"}]}", n) > 0);
	keys_bad(s, "kid \"r\"", "\"e\"");
	free(s);
	cr_assert(asprintf(&s, "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"r\","
	    "\"n\":\"%s\"}]}", n) > 0);
	keys_bad(s, "kid \"r\"", "\"e\"");
	free(s);
	cr_assert(asprintf(&s, "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"r\","
	    "\"n\":\"%s+\",\"e\":\"AQAB\"}]}", n) > 0);
	keys_bad(s, "kid \"r\"", "\"n\"");
	free(s);
	/* Even modulus / even exponent: not a valid public key. */
	cr_assert(asprintf(&s, "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"r\","
	    "\"n\":\"%s\",\"e\":\"AQAA\"}]}", n) > 0);
	keys_bad(s, "kid \"r\"", "RSA");
	free(s);
	/* Twin. */
	cr_assert(asprintf(&s, "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"r\","
	    "\"n\":\"%s\",\"e\":\"AQAB\"}]}", n) > 0);
	jwt_keys_free(keys_ok(NULL, 0, s));
	free(s);
	free(n);
	EVP_PKEY_free(rsa);
}
