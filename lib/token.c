/*
 * token.c — personal access tokens: generate, parse, checksum, mask.
 * See token.h for the layout.
 */

#include <stdint.h>
#include <string.h>

#include "token.h"

#define TOK_BODY_LEN	(TOK_PREFIX_LEN + TOK_SELECTOR_LEN + TOK_SECRET_LEN)
#define TOK_RANDOM_LEN	(TOK_SELECTOR_LEN + TOK_SECRET_LEN)
/* Largest multiple of 62 that fits in a byte: 4 * 62 = 248. */
#define TOK_REJECT_AT	248

static const char tok_alphabet[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

static enum pat_err	tok_base62_random(char *, size_t);
static int		tok_is_base62(unsigned char);
static void		tok_checksum(const char *, char[TOK_CHECKSUM_LEN]);

/*
 * Writes len uniformly distributed base62 characters into out (not
 * NUL-terminated). Bytes >= 248 are rejected so that byte % 62 is unbiased.
 */
static enum pat_err
tok_base62_random(char *out, size_t len)
{
	unsigned char	 pool[64];
	size_t		 have = 0, used = 0, i = 0;
	enum pat_err	 rc = PAT_OK;

	while (i < len) {
		if (used == have) {
			if ((rc = pat_random(pool, sizeof(pool))) != PAT_OK)
				goto out;
			have = sizeof(pool);
			used = 0;
		}
		if (pool[used] < TOK_REJECT_AT)
			out[i++] = tok_alphabet[pool[used] % 62];
		used++;
	}
out:
	explicit_bzero(pool, sizeof(pool));
	return rc;
}

static int
tok_is_base62(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	    (c >= 'a' && c <= 'z');
}

/*
 * The checksum of the TOK_BODY_LEN characters at body: CRC-32 as 6 base62
 * digits, most significant first (62^6 > 2^32, so no truncation).
 */
static void
tok_checksum(const char *body, char out[TOK_CHECKSUM_LEN])
{
	uint32_t	crc;
	int		i;

	crc = tok_crc32(body, TOK_BODY_LEN);
	for (i = TOK_CHECKSUM_LEN - 1; i >= 0; i--) {
		out[i] = tok_alphabet[crc % 62];
		crc /= 62;
	}
}

uint32_t
tok_crc32(const void *buf, size_t len)
{
	const unsigned char	*p = buf;
	uint32_t		 crc = 0xffffffffU;
	size_t			 i;
	int			 k;

	for (i = 0; i < len; i++) {
		crc ^= p[i];
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320U & (0U - (crc & 1U)));
	}
	return crc ^ 0xffffffffU;
}

enum pat_err
tok_generate(char out[TOK_LEN + 1], struct tok_parts *parts)
{
	char		tok[TOK_LEN + 1];
	enum pat_err	rc;

	memcpy(tok, TOK_PREFIX, TOK_PREFIX_LEN);
	rc = tok_base62_random(tok + TOK_PREFIX_LEN, TOK_RANDOM_LEN);
	if (rc != PAT_OK)
		goto out;
	tok_checksum(tok, tok + TOK_BODY_LEN);
	tok[TOK_LEN] = '\0';

	memcpy(out, tok, sizeof(tok));
	if (parts != NULL) {
		memcpy(parts->selector, tok + TOK_PREFIX_LEN,
		    TOK_SELECTOR_LEN);
		parts->selector[TOK_SELECTOR_LEN] = '\0';
		memcpy(parts->secret, tok + TOK_PREFIX_LEN + TOK_SELECTOR_LEN,
		    TOK_SECRET_LEN);
		parts->secret[TOK_SECRET_LEN] = '\0';
	}
out:
	explicit_bzero(tok, sizeof(tok));
	return rc;
}

enum pat_err
tok_parse(const char *text, size_t len, struct tok_parts *parts)
{
	char		sum[TOK_CHECKSUM_LEN];
	enum pat_err	rc = PAT_ERR_FORMAT;
	size_t		i;

	if (parts != NULL)
		explicit_bzero(parts, sizeof(*parts));
	if (text == NULL || len != TOK_LEN)
		goto out;
	if (memcmp(text, TOK_PREFIX, TOK_PREFIX_LEN) != 0)
		goto out;
	for (i = TOK_PREFIX_LEN; i < TOK_LEN; i++)
		if (!tok_is_base62((unsigned char)text[i]))
			goto out;

	tok_checksum(text, sum);
	if (memcmp(sum, text + TOK_BODY_LEN, TOK_CHECKSUM_LEN) != 0) {
		rc = PAT_ERR_CHECKSUM;
		goto out;
	}

	if (parts != NULL) {
		memcpy(parts->selector, text + TOK_PREFIX_LEN,
		    TOK_SELECTOR_LEN);
		memcpy(parts->secret, text + TOK_PREFIX_LEN + TOK_SELECTOR_LEN,
		    TOK_SECRET_LEN);
	}
	rc = PAT_OK;
out:
	return rc;
}

void
tok_mask(const char *selector, char out[TOK_MASK_SIZE])
{
	size_t	n = 0, i;

	memcpy(out, TOK_PREFIX, TOK_PREFIX_LEN);
	if (selector != NULL)
		for (; n < TOK_MASK_SHOWN &&
		    tok_is_base62((unsigned char)selector[n]); n++)
			out[TOK_PREFIX_LEN + n] = selector[n];
	i = TOK_PREFIX_LEN + n;
	memcpy(out + i, "…", sizeof("…"));	/* with its NUL */
}

int
tok_selector_valid(const char *s, size_t len)
{
	size_t	i;

	if (s == NULL || len != TOK_SELECTOR_LEN)
		return 0;
	for (i = 0; i < len; i++)
		if (!tok_is_base62((unsigned char)s[i]))
			return 0;
	return 1;
}

enum pat_err
tok_uuid4(char out[37])
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 b[16];
	size_t			 i, o = 0;
	enum pat_err		 rc;

	if ((rc = pat_random(b, sizeof(b))) != PAT_OK)
		goto out;
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);	/* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);	/* variant 10 */
	for (i = 0; i < sizeof(b); i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[b[i] >> 4];
		out[o++] = hex[b[i] & 0x0f];
	}
	out[o] = '\0';
out:
	explicit_bzero(b, sizeof(b));
	return rc;
}

void
tok_parts_wipe(struct tok_parts *parts)
{
	if (parts != NULL)
		explicit_bzero(parts, sizeof(*parts));
}
