/*
 * test_token.c — tokens: generation, checksum, parsing, masking, UUIDs.
 */
#include <sys/mman.h>

#include <regex.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "token.h"
#include "support.h"

static const char alphabet[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

#define BODY_LEN	(TOK_LEN - TOK_CHECKSUM_LEN)

/* Known answers, computed independently with Python's zlib.crc32. */
static const char *const kat[] = {
	"pat_0000000000000000000000000000000000000000001PRNOO",
	"pat_AbCdEfGhIjKl0123456789abcdefghijKLMNOPQRST3GHoXX",
	"pat_zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz0tEOTb",
};
#define NKAT	(sizeof(kat) / sizeof(kat[0]))

static int
is_b62(unsigned char c)
{
	return c != '\0' && strchr(alphabet, c) != NULL;
}

/* Appends the checksum of the BODY_LEN characters at t (any prefix). */
static void
seal(char t[TOK_LEN + 1])
{
	uint32_t	crc = tok_crc32(t, BODY_LEN);
	int		i;

	for (i = TOK_CHECKSUM_LEN - 1; i >= 0; i--) {
		t[BODY_LEN + i] = alphabet[crc % 62];
		crc /= 62;
	}
	t[TOK_LEN] = '\0';
}

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
gen(char t[TOK_LEN + 1], struct tok_parts *p)
{
	cr_assert_eq(tok_generate(t, p), PAT_OK);
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

Test(token, crc32_known_vectors)
{
	cr_assert_eq(tok_crc32("123456789", 9), 0xCBF43926U);
	cr_assert_eq(tok_crc32("", 0), 0U);
	cr_assert_eq(tok_crc32(NULL, 0), 0U);
	cr_assert_eq(tok_crc32("a", 1), 0xE8B7BE43U);
	cr_assert_eq(tok_crc32("The quick brown fox jumps over the lazy dog",
	    43), 0x414FA339U);
	/* rejected twins */
	cr_assert_neq(tok_crc32("123456780", 9), 0xCBF43926U);
	cr_assert_neq(tok_crc32("12345678", 8), 0xCBF43926U);
}

Test(token, checksum_known_answers)
{
	struct tok_parts	p;
	char			t[TOK_LEN + 1];
	size_t			i;

	for (i = 0; i < NKAT; i++) {
		cr_assert_eq(strlen(kat[i]), TOK_LEN);
		cr_assert_eq(tok_parse(kat[i], TOK_LEN, &p), PAT_OK, "%s",
		    kat[i]);
		memcpy(t, kat[i], sizeof(t));
		seal(t);
		cr_assert_str_eq(t, kat[i]);
		/* rejected twin: checksum off by one digit */
		t[TOK_LEN - 1] = t[TOK_LEN - 1] == '0' ? '1' : '0';
		cr_assert_eq(tok_parse(t, TOK_LEN, &p), PAT_ERR_CHECKSUM);
	}
	cr_assert_eq(tok_parse(kat[1], TOK_LEN, &p), PAT_OK);
	cr_assert_str_eq(p.selector, "AbCdEfGhIjKl");
	cr_assert_str_eq(p.secret, "0123456789abcdefghijKLMNOPQRST");
	tok_parts_wipe(&p);
}

Test(token, layout_constants)
{
	cr_assert_eq(TOK_LEN, 52);
	cr_assert_eq(strlen(TOK_PREFIX), TOK_PREFIX_LEN);
	cr_assert_eq(TOK_MASK_SIZE, strlen("pat_abcdef…") + 1);
}

Test(token, generated_matches_regex)
{
	char	t[TOK_LEN + 1];
	int	i;

	for (i = 0; i < 1000; i++) {
		gen(t, NULL);
		cr_assert_eq(strlen(t), TOK_LEN);
		cr_assert(matches(TOK_REGEX, t), "%s", t);
	}
	/* the regex itself has rejected twins */
	cr_assert_not(matches(TOK_REGEX, "PAT_" "0123456789012345678901234567"
	    "89012345678901234567"));
	cr_assert_not(matches(TOK_REGEX, "pat_" "0123456789012345678901234567"
	    "8901234567890123456"));
	cr_assert_not(matches(TOK_REGEX, "pat_" "0123456789012345678901234567"
	    "890123456789012345678"));
	cr_assert_not(matches(TOK_REGEX, "pat_" "0123456789012345678901234567"
	    "8901234567890123456_"));
	cr_assert(matches(TOK_REGEX, "pat_" "0123456789012345678901234567"
	    "89012345678901234567"));
	explicit_bzero(t, sizeof(t));
}

Test(token, parse_round_trip)
{
	struct tok_parts	g, p;
	char			t[TOK_LEN + 1];
	int			i;

	for (i = 0; i < 1000; i++) {
		gen(t, &g);
		cr_assert_eq(strlen(g.selector), TOK_SELECTOR_LEN);
		cr_assert_eq(strlen(g.secret), TOK_SECRET_LEN);
		cr_assert_eq(memcmp(t, TOK_PREFIX, TOK_PREFIX_LEN), 0);
		cr_assert_eq(memcmp(t + TOK_PREFIX_LEN, g.selector,
		    TOK_SELECTOR_LEN), 0);
		cr_assert_eq(memcmp(t + TOK_PREFIX_LEN + TOK_SELECTOR_LEN,
		    g.secret, TOK_SECRET_LEN), 0);
		cr_assert(tok_selector_valid(g.selector, TOK_SELECTOR_LEN));

		cr_assert_eq(tok_parse(t, TOK_LEN, &p), PAT_OK, "%s", t);
		cr_assert_str_eq(p.selector, g.selector);
		cr_assert_str_eq(p.secret, g.secret);
		cr_assert_eq(tok_parse(t, TOK_LEN, NULL), PAT_OK);
	}
	tok_parts_wipe(&g);
	tok_parts_wipe(&p);
	explicit_bzero(t, sizeof(t));
}

Test(token, distinct_selectors_and_secrets)
{
	enum { N = 10000 };
	struct tok_parts	*p;
	char			**sel, **sec, t[TOK_LEN + 1];
	size_t			 i;

	p = calloc(N, sizeof(*p));
	sel = calloc(N, sizeof(*sel));
	sec = calloc(N, sizeof(*sec));
	cr_assert(p != NULL && sel != NULL && sec != NULL);
	for (i = 0; i < N; i++) {
		gen(t, &p[i]);
		sel[i] = p[i].selector;
		sec[i] = p[i].secret;
	}
	qsort(sel, N, sizeof(*sel), cmpstr);
	qsort(sec, N, sizeof(*sec), cmpstr);
	for (i = 1; i < N; i++) {
		cr_assert_str_neq(sel[i - 1], sel[i]);
		cr_assert_str_neq(sec[i - 1], sec[i]);
	}
	/* rejected twin: the check does notice a duplicate */
	memcpy(p[1].secret, p[0].secret, sizeof(p[0].secret));
	qsort(sec, N, sizeof(*sec), cmpstr);
	for (i = 1; i < N; i++)
		if (strcmp(sec[i - 1], sec[i]) == 0)
			break;
	cr_assert_lt(i, N);
	explicit_bzero(p, N * sizeof(*p));
	free(p);
	free(sel);
	free(sec);
}

static double
chi_square(const unsigned long count[62], unsigned long total)
{
	double	e = (double)total / 62.0, x2 = 0.0, d;
	int	i;

	for (i = 0; i < 62; i++) {
		d = (double)count[i] - e;
		x2 += d * d / e;
	}
	return x2;
}

/*
 * 420,000 characters over 62 symbols: chi-square has mean 61 and standard
 * deviation 11. The bound of 150 fails with probability below 1e-9; plain
 * byte % 62 (symbols 0..7 at 5/256, the rest at 4/256) scores in the
 * thousands, as the twin below shows.
 */
Test(token, character_distribution_uniform)
{
	unsigned long	 count[62] = { 0 }, biased[62] = { 0 }, total = 0;
	struct tok_parts p;
	char		 t[TOK_LEN + 1];
	const char	*c;
	int		 i, j;

	for (i = 0; i < 10000; i++) {
		gen(t, &p);
		for (j = TOK_PREFIX_LEN; j < BODY_LEN; j++) {
			c = strchr(alphabet, t[j]);
			cr_assert(c != NULL);
			count[c - alphabet]++;
			total++;
		}
	}
	cr_assert_lt(chi_square(count, total), 150.0, "chi2 %f",
	    chi_square(count, total));

	/* rejected twin: modulo bias is caught by the same bound */
	for (i = 0; i < 420000; i++)
		biased[(i % 256) % 62]++;
	cr_assert_gt(chi_square(biased, 420000), 150.0);
	tok_parts_wipe(&p);
	explicit_bzero(t, sizeof(t));
}

/* Every byte value at every position: FORMAT or CHECKSUM, never OK. */
static void
check_substitutions(const char *tok)
{
	char		t[TOK_LEN + 1];
	enum pat_err	want, got;
	size_t		i;
	int		v;

	for (i = 0; i < TOK_LEN; i++) {
		for (v = 0; v < 256; v++) {
			if ((unsigned char)tok[i] == v)
				continue;
			memcpy(t, tok, sizeof(t));
			t[i] = (char)v;
			if (i < TOK_PREFIX_LEN || !is_b62((unsigned char)v))
				want = PAT_ERR_FORMAT;
			else
				want = PAT_ERR_CHECKSUM;
			got = tok_parse(t, TOK_LEN, NULL);
			cr_assert_eq(got, want, "pos %zu byte %d: %s", i, v,
			    pat_strerror(got));
		}
	}
}

Test(token, every_substitution_caught)
{
	char	t[TOK_LEN + 1];
	size_t	i;

	for (i = 0; i < NKAT; i++)
		check_substitutions(kat[i]);
	for (i = 0; i < 20; i++) {
		gen(t, NULL);
		check_substitutions(t);
	}
	explicit_bzero(t, sizeof(t));
}

Test(token, transpositions_caught)
{
	char	t[TOK_LEN + 1], g[TOK_LEN + 1], c;
	size_t	k, i, j, n = 0;

	/* known tokens: every pair of distinct characters swapped */
	for (k = 0; k < NKAT; k++) {
		for (i = TOK_PREFIX_LEN; i < TOK_LEN; i++) {
			for (j = i + 1; j < TOK_LEN; j++) {
				if (kat[k][i] == kat[k][j])
					continue;
				memcpy(t, kat[k], sizeof(t));
				c = t[i];
				t[i] = t[j];
				t[j] = c;
				cr_assert_eq(tok_parse(t, TOK_LEN, NULL),
				    PAT_ERR_CHECKSUM, "%s", t);
				n++;
			}
		}
	}
	cr_assert_gt(n, 1000);
	/* generated tokens: adjacent swaps (a burst CRC-32 always detects) */
	for (k = 0; k < 200; k++) {
		gen(g, NULL);
		for (i = TOK_PREFIX_LEN; i + 1 < TOK_LEN; i++) {
			if (g[i] == g[i + 1])
				continue;
			memcpy(t, g, sizeof(t));
			t[i] = g[i + 1];
			t[i + 1] = g[i];
			cr_assert_eq(tok_parse(t, TOK_LEN, NULL),
			    PAT_ERR_CHECKSUM, "%s", t);
		}
	}
	/* prefix swap "pta_" is a format error */
	memcpy(t, kat[1], sizeof(t));
	t[1] = 't';
	t[2] = 'a';
	cr_assert_eq(tok_parse(t, TOK_LEN, NULL), PAT_ERR_FORMAT);
	explicit_bzero(t, sizeof(t));
	explicit_bzero(g, sizeof(g));
}

Test(token, wrong_prefix)
{
	static const char *const prefixes[] = {
		"PAT_", "Pat_", "pat-", "pat.", "ghp_", "tap_", "pa_t", "pat0",
		"xat_", " at_",
	};
	char	t[TOK_LEN + 1];
	size_t	i;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		memcpy(t, kat[1], sizeof(t));
		memcpy(t, prefixes[i], TOK_PREFIX_LEN);
		/* checksum correct for the wrong prefix: still FORMAT */
		seal(t);
		cr_assert_eq(tok_parse(t, TOK_LEN, NULL), PAT_ERR_FORMAT,
		    "%s", t);
	}
	/* twin: the same construction with the right prefix parses */
	memcpy(t, kat[1], sizeof(t));
	seal(t);
	cr_assert_eq(tok_parse(t, TOK_LEN, NULL), PAT_OK);
	/* no prefix at all, body shifted: 52 base62 characters */
	memset(t, 'a', TOK_LEN);
	seal(t);
	cr_assert_eq(tok_parse(t, TOK_LEN, NULL), PAT_ERR_FORMAT);
}

Test(token, wrong_lengths)
{
	char	buf[TOK_LEN + 8];
	size_t	len;

	memcpy(buf, kat[1], TOK_LEN);
	buf[TOK_LEN] = 'A';
	buf[TOK_LEN + 1] = '\0';
	cr_assert_eq(tok_parse(buf, TOK_LEN, NULL), PAT_OK);
	cr_assert_eq(tok_parse(buf, TOK_LEN + 1, NULL), PAT_ERR_FORMAT);
	cr_assert_eq(tok_parse(buf, TOK_LEN - 1, NULL), PAT_ERR_FORMAT);
	for (len = 0; len < sizeof(buf); len++)
		if (len != TOK_LEN)
			cr_assert_eq(tok_parse(buf, len, NULL),
			    PAT_ERR_FORMAT, "len %zu", len);
	cr_assert_eq(tok_parse(NULL, 0, NULL), PAT_ERR_FORMAT);
	cr_assert_eq(tok_parse(NULL, TOK_LEN, NULL), PAT_ERR_FORMAT);
	cr_assert_eq(tok_parse("", 0, NULL), PAT_ERR_FORMAT);
	/* a valid token with a trailing newline or NUL counted */
	buf[TOK_LEN] = '\n';
	cr_assert_eq(tok_parse(buf, TOK_LEN + 1, NULL), PAT_ERR_FORMAT);
	buf[TOK_LEN] = '\0';
	cr_assert_eq(tok_parse(buf, TOK_LEN + 1, NULL), PAT_ERR_FORMAT);
}

Test(token, embedded_nul_and_non_ascii)
{
	static const unsigned char bad[] = { 0x00, 0x80, 0xc3, 0xe9, 0xff,
	    0x7f, ' ', '\t', '-', '_', '+', '/', '=' };
	char	t[TOK_LEN + 1];
	size_t	i;

	for (i = 0; i < sizeof(bad); i++) {
		memcpy(t, kat[1], sizeof(t));
		t[20] = (char)bad[i];
		cr_assert_eq(tok_parse(t, TOK_LEN, NULL), PAT_ERR_FORMAT,
		    "byte %u", bad[i]);
	}
	/* a UTF-8 "é" (2 bytes) in place of two characters */
	memcpy(t, kat[1], sizeof(t));
	memcpy(t + 10, "\xc3\xa9", 2);
	cr_assert_eq(tok_parse(t, TOK_LEN, NULL), PAT_ERR_FORMAT);
	/* fullwidth digit U+FF10 in the checksum */
	memcpy(t, kat[1], sizeof(t));
	memcpy(t + TOK_LEN - 3, "\xef\xbc\x90", 3);
	cr_assert_eq(tok_parse(t, TOK_LEN, NULL), PAT_ERR_FORMAT);
}

/* tok_parse never reads past len: the input ends at an unmapped page. */
Test(token, never_reads_past_len)
{
	long	 pg = sysconf(_SC_PAGESIZE);
	char	*m, *end;
	size_t	 len;

	cr_assert_gt(pg, 0);
	m = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert(m != MAP_FAILED);
	cr_assert_eq(mprotect(m + pg, (size_t)pg, PROT_NONE), 0);
	end = m + pg;

	memcpy(end - TOK_LEN, kat[1], TOK_LEN);
	cr_assert_eq(tok_parse(end - TOK_LEN, TOK_LEN, NULL), PAT_OK);
	for (len = 0; len < TOK_LEN; len++) {
		memcpy(end - len, kat[1], len);
		cr_assert_eq(tok_parse(end - len, len, NULL), PAT_ERR_FORMAT);
	}
	cr_assert(tok_selector_valid(end - TOK_SELECTOR_LEN,
	    TOK_SELECTOR_LEN));
	cr_assert_not(tok_selector_valid(end - 3, 3));
	munmap(m, (size_t)pg * 2);
}

Test(token, failed_parse_zeroes_parts)
{
	struct tok_parts	p;
	char			t[TOK_LEN + 1];

	memset(&p, 'x', sizeof(p));
	memcpy(t, kat[1], sizeof(t));
	t[TOK_LEN - 1] ^= 1;
	cr_assert_eq(tok_parse(t, TOK_LEN, &p), PAT_ERR_CHECKSUM);
	cr_assert_eq(p.selector[0], '\0');
	cr_assert_eq(p.secret[0], '\0');
	memset(&p, 'x', sizeof(p));
	cr_assert_eq(tok_parse(t, 3, &p), PAT_ERR_FORMAT);
	cr_assert_eq(p.secret[0], '\0');
}

Test(token, selector_valid)
{
	cr_assert(tok_selector_valid("AbCdEfGhIjKl", 12));
	cr_assert(tok_selector_valid("000000000000", 12));
	cr_assert_not(tok_selector_valid("AbCdEfGhIjK", 11));
	cr_assert_not(tok_selector_valid("AbCdEfGhIjKlm", 13));
	cr_assert_not(tok_selector_valid("AbCdEfGhIjK_", 12));
	cr_assert_not(tok_selector_valid("AbCdE\0GhIjKl", 12));
	cr_assert_not(tok_selector_valid("AbCdE\xc3\xa9hIjK", 12));
	cr_assert_not(tok_selector_valid("", 0));
	cr_assert_not(tok_selector_valid(NULL, 12));
}

#define UUID_RE	"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-" \
		"[0-9a-f]{12}$"

Test(token, uuid4_shape)
{
	char	u[37], prev[37] = "";
	int	i, variants[4] = { 0 };

	for (i = 0; i < 2000; i++) {
		cr_assert_eq(tok_uuid4(u), PAT_OK);
		cr_assert_eq(strlen(u), 36);
		cr_assert(matches(UUID_RE, u), "%s", u);
		cr_assert_eq(u[14], '4');
		cr_assert(strchr("89ab", u[19]) != NULL);
		variants[strchr("89ab", u[19]) - "89ab"]++;
		cr_assert_str_neq(u, prev);
		memcpy(prev, u, sizeof(u));
	}
	/* the two low variant bits stay random */
	for (i = 0; i < 4; i++)
		cr_assert_gt(variants[i], 0);

	/* rejected twins for the shape check */
	cr_assert(matches(UUID_RE, "0f1e2d3c-4b5a-4968-8776-655443322110"));
	cr_assert_not(matches(UUID_RE,
	    "0f1e2d3c-4b5a-3968-8776-655443322110"));	/* version 3 */
	cr_assert_not(matches(UUID_RE,
	    "0f1e2d3c-4b5a-4968-c776-655443322110"));	/* variant 110 */
	cr_assert_not(matches(UUID_RE,
	    "0f1e2d3c-4b5a-4968-7776-655443322110"));	/* variant 0 */
	cr_assert_not(matches(UUID_RE,
	    "0F1E2D3C-4B5A-4968-8776-655443322110"));	/* uppercase */
	cr_assert_not(matches(UUID_RE,
	    "0f1e2d3c4b5a49688776655443322110"));	/* no dashes */
}

Test(token, mask)
{
	char	m[TOK_MASK_SIZE];

	tok_mask("AbCdEfGhIjKl", m);
	cr_assert_str_eq(m, "pat_AbCdEf…");
	cr_assert_eq(strlen(m) + 1, TOK_MASK_SIZE);
	/* rejected twin: nothing past the shown characters leaks */
	cr_assert_null(strchr(m, 'G'));
	cr_assert_null(strstr(m, "AbCdEfG"));

	tok_mask("abc", m);
	cr_assert_str_eq(m, "pat_abc…");
	tok_mask("", m);
	cr_assert_str_eq(m, "pat_…");
	tok_mask(NULL, m);
	cr_assert_str_eq(m, "pat_…");
}

Test(token, parts_wipe)
{
	struct tok_parts	p;
	char			t[TOK_LEN + 1];
	size_t			i;

	gen(t, &p);
	tok_parts_wipe(&p);
	for (i = 0; i < sizeof(p.secret); i++)
		cr_assert_eq(p.secret[i], '\0');
	for (i = 0; i < sizeof(p.selector); i++)
		cr_assert_eq(p.selector[i], '\0');
	tok_parts_wipe(NULL);
	explicit_bzero(t, sizeof(t));
}
