/*
 * token.h — personal access tokens: generate, parse, checksum, mask.
 *
 * Layout (52 characters, regex ^pat_[0-9A-Za-z]{48}$):
 *   "pat_" | selector (12 base62) | secret (30 base62) | checksum (6 base62)
 * The selector is random and not secret (unique index in the database).
 * The secret is 30 base62 characters from getrandom(2): 30*log2(62) = 178.6
 * bits. The checksum is CRC-32 (IEEE, as zlib) of the first 46 characters
 * ("pat_" + selector + secret), written as 6 base62 digits, most significant
 * first, zero-padded with '0'. Alphabet: 0-9 A-Z a-z (that order).
 */
#ifndef PAT_TOKEN_H
#define PAT_TOKEN_H

#include <stdint.h>
#include "pat.h"

#define TOK_PREFIX		"pat_"
#define TOK_PREFIX_LEN		4
#define TOK_SELECTOR_LEN	12
#define TOK_SECRET_LEN		30
#define TOK_CHECKSUM_LEN	6
#define TOK_LEN	(TOK_PREFIX_LEN + TOK_SELECTOR_LEN + TOK_SECRET_LEN + TOK_CHECKSUM_LEN)
#define TOK_REGEX		"^pat_[0-9A-Za-z]{48}$"
#define TOK_MASK_SHOWN		6	/* selector characters shown when masked */
#define TOK_MASK_SIZE	(TOK_PREFIX_LEN + TOK_MASK_SHOWN + sizeof("…"))

struct tok_parts {
	char	selector[TOK_SELECTOR_LEN + 1];
	char	secret[TOK_SECRET_LEN + 1];	/* wipe with tok_parts_wipe() */
};

/*
 * Generates a fresh token into out (NUL-terminated, TOK_LEN characters) and
 * its parts into parts (may be NULL). Returns PAT_ERR_RANDOM if getrandom
 * fails. The caller wipes out and parts when done.
 */
enum pat_err tok_generate(char out[TOK_LEN + 1], struct tok_parts *parts) PAT_WUR;

/*
 * Parses text (len bytes, need not be NUL-terminated; never reads past
 * len). Returns PAT_OK and fills parts (may be NULL: validate only);
 * PAT_ERR_FORMAT if the length, prefix or alphabet is wrong;
 * PAT_ERR_CHECKSUM if the shape is right but the checksum is not. On any
 * failure parts is zeroed. Never touches the database.
 */
enum pat_err tok_parse(const char *text, size_t len, struct tok_parts *parts) PAT_WUR;

/* CRC-32 (IEEE 802.3, reflected, as zlib's crc32()) of buf. */
uint32_t tok_crc32(const void *buf, size_t len);

/* "pat_" + first TOK_MASK_SHOWN selector characters + "…" (UTF-8). */
void tok_mask(const char *selector, char out[TOK_MASK_SIZE]);

/* True if s is a syntactically valid selector (TOK_SELECTOR_LEN base62). */
int tok_selector_valid(const char *s, size_t len);

/* A random (version 4) UUID, lowercase, NUL-terminated, from getrandom. */
enum pat_err tok_uuid4(char out[37]) PAT_WUR;

/* explicit_bzero on parts. */
void tok_parts_wipe(struct tok_parts *parts);

#endif
