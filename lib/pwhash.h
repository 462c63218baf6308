/*
 * pwhash.h — Argon2id hashing of token secrets, PHC string form
 * "$argon2id$v=19$m=19456,t=2,p=1$<salt b64>$<hash b64>" (unpadded standard
 * base64), 16-byte salt from getrandom, 32-byte tag. An optional pepper is
 * passed as Argon2's secret input through argon2_ctx; the PHC string is
 * built and parsed here (Debian's libargon2 does not export its encoder).
 */
#ifndef PAT_PWHASH_H
#define PAT_PWHASH_H

#include <stdint.h>
#include "pat.h"

#define PW_SALT_LEN	16
#define PW_TAG_LEN	32
#define PW_PHC_MAX	160	/* buffer size for a PHC string we produce */

struct pw_params {
	uint32_t		 m_kib;		/* memory, KiB */
	uint32_t		 t;		/* iterations */
	uint32_t		 p;		/* lanes / threads */
	const unsigned char	*pepper;	/* NULL = no pepper; never wiped here */
	size_t			 pepper_len;
};

/*
 * Sets the process-wide cap on concurrent Argon2 computations (n >= 1).
 * pw_hash, pw_verify and pw_argon2id_raw block while n are running. Call
 * once before threads start; without a call (or with n == 0) there is no cap.
 */
void pw_set_concurrency(unsigned n);

/*
 * Hashes secret (len bytes) with params and a fresh salt; writes the PHC
 * string into out (size PW_PHC_MAX). Returns PAT_ERR_RANDOM, PAT_ERR_HASH
 * (with any Argon2 failure: only ARGON2_OK is success; also for m/t/p
 * outside the bounds pw_verify accepts) or PAT_OK. On failure out is "".
 */
enum pat_err pw_hash(const struct pw_params *params, const char *secret,
    size_t len, char out[PW_PHC_MAX]) PAT_WUR;

/*
 * Verifies secret against phc, using the m/t/p/salt in phc (so old hashes
 * keep verifying after the config changes) and the pepper in params.
 * Constant-time tag comparison. Returns PAT_OK, PAT_ERR_MISMATCH, or
 * PAT_ERR_FORMAT for a PHC string we cannot parse (accepted: exactly
 * "$argon2id$v=19$m=M,t=T,p=P$<salt>$<tag>", M 8..4194304 and >= 8*P,
 * T 1..100, P 1..16, salt 8..64 and tag 16..64 bytes in canonical unpadded
 * base64, nothing after). PAT_ERR_HASH if Argon2 itself fails (e.g. out of
 * memory). params may be NULL (no pepper).
 */
enum pat_err pw_verify(const struct pw_params *params, const char *phc,
    const char *secret, size_t len) PAT_WUR;

/*
 * Raw Argon2id with explicit salt (for known-answer tests); also honours
 * pepper/ad. Returns PAT_OK or PAT_ERR_HASH.
 */
enum pat_err pw_argon2id_raw(uint32_t m_kib, uint32_t t, uint32_t p,
    const void *pwd, size_t pwdlen, const void *salt, size_t saltlen,
    const void *secret, size_t secretlen, const void *ad, size_t adlen,
    void *tag, size_t taglen) PAT_WUR;

#endif
