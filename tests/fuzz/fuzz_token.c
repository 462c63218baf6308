/*
 * fuzz_token.c — libFuzzer harness for lib/token.h: tok_parse,
 * tok_selector_valid and tok_mask.
 *
 * The input is the candidate token text, as pat-admin verify and the
 * verifier would receive it. Oracles:
 *   - tok_parse's verdict equals an independent re-implementation of the
 *     layout (length, prefix, base62 alphabet, CRC-32 checksum as 6 base62
 *     digits): OK / PAT_ERR_FORMAT / PAT_ERR_CHECKSUM;
 *   - on PAT_OK, "pat_" + selector + secret + the recomputed checksum
 *     concatenate back to the input, and both parts are NUL-terminated;
 *   - on failure the parts are all zero;
 *   - tok_crc32 equals a bytewise reference CRC-32 (IEEE, reflected);
 *   - tok_selector_valid agrees with the alphabet on the first bytes, and
 *     tok_mask never writes past TOK_MASK_SIZE (ASan sees that) and always
 *     yields a NUL-terminated "pat_" + at most TOK_MASK_SHOWN base62 + "…".
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "token.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char alphabet[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

static int
is_b62(unsigned char c)
{
	return c != '\0' && memchr(alphabet, c, sizeof(alphabet) - 1) != NULL;
}

/* The textbook bit-at-a-time CRC-32, independent of token.c's loop. */
static uint32_t
ref_crc32(const unsigned char *p, size_t len)
{
	uint32_t	crc = 0xffffffffU;
	size_t		i;
	int		k;

	for (i = 0; i < len; i++) {
		crc ^= p[i];
		for (k = 0; k < 8; k++) {
			if (crc & 1U)
				crc = (crc >> 1) ^ 0xedb88320U;
			else
				crc >>= 1;
		}
	}
	return ~crc;
}

static void
ref_checksum(const unsigned char *body, size_t len, char out[TOK_CHECKSUM_LEN])
{
	uint32_t	crc = ref_crc32(body, len);
	int		i;

	for (i = TOK_CHECKSUM_LEN - 1; i >= 0; i--) {
		out[i] = alphabet[crc % 62];
		crc /= 62;
	}
}

static enum pat_err
ref_parse(const unsigned char *s, size_t len)
{
	char	sum[TOK_CHECKSUM_LEN];
	size_t	i, body = TOK_LEN - TOK_CHECKSUM_LEN;

	if (len != TOK_LEN || memcmp(s, TOK_PREFIX, TOK_PREFIX_LEN) != 0)
		return PAT_ERR_FORMAT;
	for (i = TOK_PREFIX_LEN; i < len; i++)
		if (!is_b62(s[i]))
			return PAT_ERR_FORMAT;
	ref_checksum(s, body, sum);
	if (memcmp(sum, s + body, TOK_CHECKSUM_LEN) != 0)
		return PAT_ERR_CHECKSUM;
	return PAT_OK;
}

static int
all_zero(const void *p, size_t n)
{
	const unsigned char	*b = p;
	size_t			 i;

	for (i = 0; i < n; i++)
		if (b[i] != 0)
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tok_parts	 parts;
	char			*text = NULL, rebuilt[TOK_LEN + 1];
	char			 sum[TOK_CHECKSUM_LEN], mask[TOK_MASK_SIZE];
	char			 sel[TOK_SELECTOR_LEN + 1];
	size_t			 n, i, shown;
	enum pat_err		 rc, want;
	int			 valid;

	/* An exact-size heap copy: ASan flags any read past len. */
	if ((text = malloc(size > 0 ? size : 1)) == NULL)
		return 0;
	if (size > 0)
		memcpy(text, data, size);

	memset(&parts, 0xa5, sizeof(parts));
	rc = tok_parse(text, size, &parts);
	want = ref_parse(data, size);
	if (rc != want)
		abort();
	if (tok_parse(text, size, NULL) != rc)
		abort();
	if (rc == PAT_OK) {
		if (strlen(parts.selector) != TOK_SELECTOR_LEN ||
		    strlen(parts.secret) != TOK_SECRET_LEN)
			abort();
		ref_checksum(data, TOK_LEN - TOK_CHECKSUM_LEN, sum);
		n = 0;
		memcpy(rebuilt + n, TOK_PREFIX, TOK_PREFIX_LEN);
		n += TOK_PREFIX_LEN;
		memcpy(rebuilt + n, parts.selector, TOK_SELECTOR_LEN);
		n += TOK_SELECTOR_LEN;
		memcpy(rebuilt + n, parts.secret, TOK_SECRET_LEN);
		n += TOK_SECRET_LEN;
		memcpy(rebuilt + n, sum, TOK_CHECKSUM_LEN);
		n += TOK_CHECKSUM_LEN;
		if (n != size || memcmp(rebuilt, data, size) != 0)
			abort();
		if (!tok_selector_valid(parts.selector, TOK_SELECTOR_LEN))
			abort();
	} else if (!all_zero(&parts, sizeof(parts)))
		abort();
	tok_parts_wipe(&parts);
	if (!all_zero(&parts, sizeof(parts)))
		abort();

	if (tok_crc32(text, size) != ref_crc32(data, size))
		abort();

	/* The input as a selector: the first TOK_SELECTOR_LEN bytes. */
	n = size < TOK_SELECTOR_LEN ? size : TOK_SELECTOR_LEN;
	valid = n == TOK_SELECTOR_LEN;
	for (i = 0; i < n; i++)
		if (!is_b62(data[i]))
			valid = 0;
	if (tok_selector_valid(text, n) != valid)
		abort();
	if (tok_selector_valid(NULL, n) != 0)
		abort();

	/* tok_mask reads a NUL-terminated selector. */
	memset(sel, 0, sizeof(sel));
	memcpy(sel, data, n);
	memset(mask, 0x5a, sizeof(mask));
	tok_mask(sel, mask);
	if (memchr(mask, '\0', sizeof(mask)) == NULL ||
	    memcmp(mask, TOK_PREFIX, TOK_PREFIX_LEN) != 0)
		abort();
	for (shown = 0; shown < TOK_MASK_SHOWN && is_b62((unsigned char)
	    sel[shown]); shown++)
		if (mask[TOK_PREFIX_LEN + shown] != sel[shown])
			abort();
	if (strcmp(mask + TOK_PREFIX_LEN + shown, "…") != 0)
		abort();

	explicit_bzero(text, size > 0 ? size : 1);
	free(text);
	return 0;
}
