/*
 * jwt.h — JWT (RFC 7519) verification with OpenSSL EVP, and HS256 minting.
 *
 * Keys: an HS256 shared secret (bound to HS256 only) and/or a JWKS whose keys
 * are each bound to one algorithm: kty RSA -> RS256 (or the JWK's alg if it is
 * RS256/RS384/RS512/PS256), kty EC crv P-256 -> ES256. The token's alg must
 * equal the selected key's algorithm; none and unknown algs are refused.
 * With a JWKS, kid selects the key (exact string compare); a token without
 * kid may only use the HS256 secret, or a JWKS holding exactly one key.
 * jku, x5u, jwk, x5c header parameters are ignored; any crit is a reject.
 * Strict: three base64url segments, no padding or whitespace, total length at
 * most JWT_MAX_LEN, JSON depth at most 8, header and payload JSON objects
 * consumed completely, no duplicate keys.
 *
 * Decisions (each has a test in tests/test_jwt.c):
 * - base64url must be canonical: the unused low bits of a segment's last
 *   character must be zero.
 * - alg is matched exactly (case-sensitive) against HS256, RS256, RS384,
 *   RS512, PS256, ES256; anything else, or alg missing/not a string, is
 *   JWT_R_ALG. HS256 uses only the configured secret (any kid is ignored),
 *   so an HS256 token keyed with an RSA public key is JWT_R_ALG without a
 *   secret and JWT_R_SIGNATURE with one.
 * - typ, if present, must be a string equal (ASCII case-insensitive) to
 *   "JWT" or "at+jwt" (RFC 9068), optionally prefixed "application/";
 *   otherwise JWT_R_SYNTAX.
 * - crit present with any value: JWT_R_CRIT.
 * - kid: a string of at most 256 bytes, compared byte for byte; a token kid
 *   that no JWK carries is JWT_R_KID, even when the set has one key.
 * - Signature lengths are exact: HS256 32 bytes, ES256 64 (r||s, never DER),
 *   RS256/384/512 and PS256 the modulus size; anything else is JWT_R_SIGNATURE.
 * - exp, nbf, iat must be JSON integers (json_type_int) in
 *   0..253402300799 (9999-12-31T23:59:59Z); doubles such as 1.5e9, strings,
 *   booleans, null and larger values (json-c clamps them to INT64_MAX) are
 *   refused: exp -> JWT_R_EXPIRED, nbf/iat -> JWT_R_CLAIMS.
 * - Expired when exp + leeway <= now; not yet when nbf - leeway > now or
 *   iat - leeway > now. The range above rules out overflow.
 * - aud: a string, or a non-empty array of strings (any other element type
 *   is JWT_R_AUDIENCE) that contains the audience.
 * - sub: 1..JWT_SUB_MAX bytes of 0x21..0x7e, else JWT_R_SUBJECT.
 */
#ifndef PAT_JWT_H
#define PAT_JWT_H

#include <stdint.h>
#include <time.h>
#include "pat.h"

#define JWT_MAX_LEN	8192
#define JWT_SUB_MAX	255	/* longest sub we accept (users.id size) */

struct jwt_keys;	/* opaque: HS256 secret copy + parsed JWKS */

/*
 * Builds the key set from an HS256 secret (may be NULL) and a JWKS JSON text
 * (may be NULL; jwks_name names it in errors). At least one must be given.
 * The secret is copied. On failure errbuf says which key is bad and why.
 * Returns PAT_OK, PAT_ERR_CONFIG (errbuf: "<jwks_name>: keys[<i>] (kid
 * "<kid>"): <reason>"), or PAT_ERR_NOMEM. The secret must be 32..4096
 * bytes. The JWKS is {"keys":[...]} with 1..64 public keys: kty RSA (n, e;
 * at least 2048 bits) or kty EC with crv P-256 (x, y of 32 bytes); alg, if
 * present, must fit the kty; use, if present, must be "sig"; kid, if
 * present, 1..256 bytes and unique, and required when there is more than
 * one key. Refused: kty oct, and any private member (d, p, q, dp, dq, qi,
 * oth, k). Other members (x5c, x5t, key_ops, ...) are ignored.
 */
enum pat_err jwt_keys_new(const unsigned char *hs256, size_t hs256_len,
    const char *jwks_json, const char *jwks_name, struct jwt_keys **out,
    char *errbuf, size_t errlen) PAT_WUR;

/* Wipes the secret and frees. NULL is a no-op. */
void jwt_keys_free(struct jwt_keys *keys);

struct jwt_policy {
	const char	*issuer;	/* iss must equal this exactly */
	const char	*audience;	/* aud (string or array) must contain it */
	unsigned	 leeway;	/* seconds, clamped to 60 */
};

struct jwt_claims {
	char	sub[JWT_SUB_MAX + 1];
	int64_t	exp;
	int64_t	iat;	/* 0 if absent */
};

/*
 * Reasons, for logs and tests only (never shown to clients in detail).
 */
enum jwt_reason {
	JWT_R_OK = 0,
	JWT_R_SYNTAX,		/* segments, base64url, size, JSON */
	JWT_R_ALG,		/* none / unknown / not the key's alg */
	JWT_R_KID,		/* no key for this kid */
	JWT_R_CRIT,		/* crit header present */
	JWT_R_SIGNATURE,	/* signature does not verify */
	JWT_R_EXPIRED,		/* exp + leeway <= now, or exp missing/mistyped */
	JWT_R_NOT_YET,		/* nbf - leeway > now or iat - leeway > now */
	JWT_R_ISSUER,
	JWT_R_AUDIENCE,
	JWT_R_SUBJECT,		/* sub missing, empty, too long, not a string */
	JWT_R_CLAIMS		/* a claim of the wrong type */
};

const char *jwt_reason_str(enum jwt_reason r);

/*
 * Verifies token (len bytes, need not be NUL-terminated) at time now.
 * The signature is checked before any claim is read (and before the payload
 * JSON is parsed). Returns PAT_OK and fills out, or PAT_ERR_JWT with *why
 * set (why may be NULL) and out zeroed, or PAT_ERR_NOMEM. out may be NULL.
 * keys and pol are only read: one key set may serve many threads.
 */
enum pat_err jwt_verify(const struct jwt_keys *keys,
    const struct jwt_policy *pol, const char *token, size_t len, time_t now,
    struct jwt_claims *out, enum jwt_reason *why) PAT_WUR;

/*
 * Mints an HS256 JWT {"iss","aud","sub","iat","nbf","exp"} with exp = now +
 * ttl. *out is malloc'd, NUL-terminated; the caller frees it (it is a
 * credential: explicit_bzero before free). Returns PAT_OK, PAT_ERR_INVALID
 * (key under 32 bytes, NULL string, sub not 1..JWT_SUB_MAX bytes of
 * 0x21..0x7e, ttl <= 0, exp past 9999-12-31), PAT_ERR_TOOBIG (token over
 * JWT_MAX_LEN), or PAT_ERR_NOMEM.
 */
enum pat_err jwt_sign_hs256(const unsigned char *key, size_t keylen,
    const char *iss, const char *aud, const char *sub, time_t now,
    long ttl, char **out) PAT_WUR;

/* base64url without padding; helpers shared with tests. dst gets a NUL.
 * Returns the encoded length, or (size_t)-1 when dst is too small. */
size_t jwt_b64url_encode(const void *src, size_t len, char *dst, size_t dstsz);
/* Returns decoded length, or (size_t)-1 on any invalid character/padding,
 * a non-canonical last character, or dst too small. */
size_t jwt_b64url_decode(const char *src, size_t len, unsigned char *dst,
    size_t dstsz);

#endif
