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
 * The signature is checked before any claim is read. Returns PAT_OK and
 * fills out, or PAT_ERR_JWT with *why set (why may be NULL), or
 * PAT_ERR_NOMEM.
 */
enum pat_err jwt_verify(const struct jwt_keys *keys,
    const struct jwt_policy *pol, const char *token, size_t len, time_t now,
    struct jwt_claims *out, enum jwt_reason *why) PAT_WUR;

/*
 * Mints an HS256 JWT {"iss","aud","sub","iat","nbf","exp"} with exp = now +
 * ttl. *out is malloc'd, NUL-terminated; the caller frees it.
 */
enum pat_err jwt_sign_hs256(const unsigned char *key, size_t keylen,
    const char *iss, const char *aud, const char *sub, time_t now,
    long ttl, char **out) PAT_WUR;

/* base64url without padding; helpers shared with tests. dst gets a NUL. */
size_t jwt_b64url_encode(const void *src, size_t len, char *dst, size_t dstsz);
/* Returns decoded length, or (size_t)-1 on any invalid character/padding. */
size_t jwt_b64url_decode(const char *src, size_t len, unsigned char *dst,
    size_t dstsz);

#endif
