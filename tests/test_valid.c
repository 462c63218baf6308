/*
 * test_valid.c — input validation: every rule with an accepted value and
 * its rejected twin.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "valid.h"
#include "support.h"

/* unit repeated n times, NUL-terminated, malloc'd. */
static char *
repeat(const char *unit, size_t n, size_t *len)
{
	size_t	 u = strlen(unit), i;
	char	*s;

	cr_assert_not_null(s = malloc(u * n + 1));
	for (i = 0; i < n; i++)
		memcpy(s + i * u, unit, u);
	s[u * n] = '\0';
	if (len != NULL)
		*len = u * n;
	return s;
}

static enum pat_err
name(const char *s, size_t len, struct val_error *e)
{
	e->field = NULL;
	e->message = NULL;
	return val_token_name(s, len, e);
}

static enum pat_err
desc(const char *s, size_t len, struct val_error *e)
{
	e->field = NULL;
	e->message = NULL;
	return val_token_description(s, len, e);
}

#define NAME_OK(s) do {							\
	struct val_error e_;						\
	cr_expect_eq(name((s), sizeof(s) - 1, &e_), PAT_OK,		\
	    "name should accept \"%s\"", (s));				\
} while (0)
#define NAME_BAD(s, msg) do {						\
	struct val_error e_;						\
	cr_expect_eq(name((s), sizeof(s) - 1, &e_), PAT_ERR_INVALID,	\
	    "name should reject \"%s\"", (s));				\
	cr_expect_str_eq(e_.field, "name");				\
	cr_expect_str_eq(e_.message, (msg));				\
} while (0)
#define DESC_OK(s) do {							\
	struct val_error e_;						\
	cr_expect_eq(desc((s), sizeof(s) - 1, &e_), PAT_OK,		\
	    "description should accept \"%s\"", (s));			\
} while (0)
#define DESC_BAD(s, msg) do {						\
	struct val_error e_;						\
	cr_expect_eq(desc((s), sizeof(s) - 1, &e_), PAT_ERR_INVALID,	\
	    "description should reject \"%s\"", (s));			\
	cr_expect_str_eq(e_.field, "description");			\
	cr_expect_str_eq(e_.message, (msg));				\
} while (0)

#define M_LEN	"name must be 1 to 100 characters"
#define M_CTL	"name must not contain control characters"
#define M_UTF8	"name must be valid UTF-8"
#define M_BLANK	"name must not be only whitespace"
#define D_LEN	"description must be at most 2000 characters"
#define D_CTL	"description must not contain control characters"
#define D_UTF8	"description must be valid UTF-8"

/* ---- UTF-8 decoder ---- */

Test(utf8, decodes_and_rejects)
{
	static const struct {
		const char	*s;
		size_t		 len;	/* 0: invalid */
		uint32_t	 cp;
	} v[] = {
		{ "A", 1, 0x41 },
		{ "\x7f", 1, 0x7f },
		{ "\xc2\x80", 2, 0x80 },
		{ "\xdf\xbf", 2, 0x7ff },
		{ "\xe0\xa0\x80", 3, 0x800 },
		{ "\xed\x9f\xbf", 3, 0xd7ff },
		{ "\xee\x80\x80", 3, 0xe000 },
		{ "\xef\xbf\xbf", 3, 0xffff },
		{ "\xf0\x90\x80\x80", 4, 0x10000 },
		{ "\xf4\x8f\xbf\xbf", 4, 0x10ffff },
		{ "\xc0\xaf", 0, 0 },		/* overlong */
		{ "\xc1\xbf", 0, 0 },		/* overlong */
		{ "\xe0\x9f\xbf", 0, 0 },	/* overlong */
		{ "\xf0\x8f\xbf\xbf", 0, 0 },	/* overlong */
		{ "\xed\xa0\x80", 0, 0 },	/* U+D800 */
		{ "\xed\xbf\xbf", 0, 0 },	/* U+DFFF */
		{ "\xf4\x90\x80\x80", 0, 0 },	/* U+110000 */
		{ "\xf5\x80\x80\x80", 0, 0 },
		{ "\xff", 0, 0 },
		{ "\x80", 0, 0 },		/* stray continuation */
		{ "\xe2\x82", 0, 0 },		/* truncated */
		{ "\xe2\x82" "A", 0, 0 },	/* truncated, then ASCII */
		{ "\xf0\x9f\x98", 0, 0 },
	};
	size_t		 i, n;
	uint32_t	 cp;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		cp = 0xfffffffful;
		n = val_utf8_next((const unsigned char *)v[i].s,
		    strlen(v[i].s), &cp);
		cr_expect_eq(n, v[i].len, "case %zu", i);
		if (v[i].len != 0)
			cr_expect_eq(cp, v[i].cp, "case %zu", i);
	}
	cr_expect_eq(val_utf8_next((const unsigned char *)"A", 0, &cp), 0);
	/* A length shorter than the sequence is a truncation. */
	cr_expect_eq(val_utf8_next((const unsigned char *)"\xc3\xa9", 1, &cp),
	    0);
}

/* ---- name ---- */

Test(name, length_ascii)
{
	struct val_error	 e;
	char			*s;
	size_t			 len;

	NAME_OK("a");
	NAME_BAD("", M_LEN);
	s = repeat("a", 100, &len);
	cr_expect_eq(name(s, len, &e), PAT_OK);
	free(s);
	s = repeat("a", 101, &len);
	cr_expect_eq(name(s, len, &e), PAT_ERR_INVALID);
	cr_expect_str_eq(e.message, M_LEN);
	free(s);
}

Test(name, length_counts_code_points)
{
	struct val_error	 e;
	char			*s;
	size_t			 len;

	s = repeat("\xf0\x9f\x98\x80", 100, &len);	/* 400 bytes */
	cr_expect_eq(name(s, len, &e), PAT_OK);
	free(s);
	s = repeat("\xf0\x9f\x98\x80", 101, &len);
	cr_expect_eq(name(s, len, &e), PAT_ERR_INVALID);
	cr_expect_str_eq(e.message, M_LEN);
	free(s);
	s = repeat("\xc3\xa9", 100, &len);
	cr_expect_eq(name(s, len, &e), PAT_OK);
	free(s);
	s = repeat("\xc3\xa9", 101, &len);
	cr_expect_eq(name(s, len, &e), PAT_ERR_INVALID);
	free(s);
}

Test(name, whitespace_only)
{
	NAME_OK("a b");
	NAME_OK(" a ");
	NAME_BAD(" ", M_BLANK);
	NAME_BAD("   ", M_BLANK);
	NAME_BAD("\xc2\xa0", M_BLANK);		/* NBSP */
	NAME_BAD("\xe3\x80\x80", M_BLANK);	/* ideographic space */
	NAME_OK("\xe3\x80\x80x");
}

Test(name, control_characters)
{
	NAME_OK("ab");
	NAME_BAD("a\x01" "b", M_CTL);
	NAME_BAD("a\x1f" "b", M_CTL);
	NAME_BAD("a\x7f" "b", M_CTL);		/* DEL */
	NAME_BAD("a\xc2\x85" "b", M_CTL);	/* C1 NEL */
	NAME_BAD("a\xc2\x80" "b", M_CTL);	/* C1 first */
	NAME_BAD("a\xc2\x9f" "b", M_CTL);	/* C1 last */
	NAME_OK("a\xc2\xa1" "b");		/* U+00A1 is not C1 */
	NAME_BAD("a\tb", M_CTL);
	NAME_BAD("a\nb", M_CTL);
	NAME_BAD("a\rb", M_CTL);
	NAME_BAD("a\0b", M_CTL);		/* embedded NUL */
}

/* Characters that hide or reorder text; ZWJ and ZWNJ are real text. */
Test(name, invisible_and_bidi_characters)
{
	static const char *hidden =
	    "name must not contain invisible or direction-changing characters";

	NAME_BAD("\xe2\x80\x8b", hidden);		/* U+200B zero-width space alone */
	NAME_BAD("a\xe2\x80\x8b" "b", hidden);
	NAME_BAD("a\xe2\x80\xae" "b", hidden);	/* U+202E right-to-left override */
	NAME_BAD("a\xe2\x81\xa6" "b", hidden);	/* U+2066 left-to-right isolate */
	NAME_BAD("\xef\xbb\xbf" "ci", hidden);	/* U+FEFF BOM */
	NAME_BAD("a\xc2\xad" "b", hidden);		/* U+00AD soft hyphen */
	NAME_OK("a\xe2\x80\x8d" "b");		/* U+200D ZWJ */
	NAME_OK("\xe0\xa4\x95\xe0\xa5\x8d\xe2\x80\x8c");	/* Devanagari with ZWNJ */
	NAME_OK("\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb");	/* emoji ZWJ sequence */
	cr_assert_eq(val_token_description("x\xe2\x80\xaey", 5, NULL),
	    PAT_ERR_INVALID);
	cr_assert_eq(val_token_description("x\xe2\x80\x8dy", 5, NULL), PAT_OK);
}

Test(name, utf8)
{
	NAME_OK("caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80");
	NAME_BAD("a\xc0\xaf", M_UTF8);		/* overlong */
	NAME_BAD("a\xed\xa0\x80", M_UTF8);	/* surrogate */
	NAME_BAD("a\xf4\x90\x80\x80", M_UTF8);	/* > U+10FFFF */
	NAME_BAD("a\xe2\x82", M_UTF8);		/* truncated at end */
	NAME_BAD("\xe2\x82" "a", M_UTF8);	/* truncated mid-string */
	NAME_BAD("\x80", M_UTF8);
	NAME_BAD("\xfe", M_UTF8);
}

/* ---- description ---- */

Test(description, length)
{
	struct val_error	 e;
	char			*s;
	size_t			 len;

	DESC_OK("");
	DESC_OK(" ");
	s = repeat("a", 2000, &len);
	cr_expect_eq(desc(s, len, &e), PAT_OK);
	free(s);
	s = repeat("a", 2001, &len);
	cr_expect_eq(desc(s, len, &e), PAT_ERR_INVALID);
	cr_expect_str_eq(e.field, "description");
	cr_expect_str_eq(e.message, D_LEN);
	free(s);
	s = repeat("\xe6\x97\xa5", 2000, &len);		/* 6000 bytes */
	cr_expect_eq(desc(s, len, &e), PAT_OK);
	free(s);
	s = repeat("\xe6\x97\xa5", 2001, &len);
	cr_expect_eq(desc(s, len, &e), PAT_ERR_INVALID);
	free(s);
}

Test(description, control_characters)
{
	DESC_OK("line 1\nline 2");
	DESC_OK("a\r\n\tb");
	DESC_BAD("a\x01", D_CTL);
	DESC_BAD("a\x0b", D_CTL);		/* vertical tab */
	DESC_BAD("a\x7f", D_CTL);
	DESC_BAD("a\xc2\x85", D_CTL);
	DESC_BAD("a\0b", D_CTL);
}

Test(description, utf8)
{
	DESC_OK("\xf0\x9f\x98\x80");
	DESC_BAD("\xc0\xaf", D_UTF8);
	DESC_BAD("\xed\xa0\x80", D_UTF8);
	DESC_BAD("\xf0\x9f\x98", D_UTF8);
}

/* ---- create body ---- */

static enum pat_err
body(const char *s, size_t len, struct val_create *c, struct val_error *e)
{
	e->field = "unset";
	e->message = NULL;
	return val_create_body(s, len, c, e);
}

#define BODY_OK(s, want_name, want_desc) do {				\
	struct val_create c_;						\
	struct val_error e_;						\
	cr_assert_eq(body((s), strlen(s), &c_, &e_), PAT_OK,		\
	    "should accept %s (%s)", (s), e_.message);			\
	cr_expect_str_eq(c_.name, (want_name));				\
	cr_expect_str_eq(c_.description, (want_desc));			\
	val_create_free(&c_);						\
} while (0)
#define BODY_BAD(s, rc, fld, msg) do {					\
	struct val_create c_;						\
	struct val_error e_;						\
	cr_expect_eq(body((s), strlen(s), &c_, &e_), (rc),		\
	    "should reject %s", (s));					\
	if ((fld) == NULL)						\
		cr_expect_null(e_.field, "field for %s", (s));		\
	else								\
		cr_expect_str_eq(e_.field, (const char *)(fld));	\
	cr_expect_str_eq(e_.message, (msg));				\
	cr_expect_null(c_.name);					\
	cr_expect_null(c_.description);					\
	val_create_free(&c_);						\
} while (0)

#define B_JSON	"body must be a valid JSON object"
#define B_OBJ	"body must be a JSON object"

Test(body, minimal_and_full)
{
	BODY_OK("{\"name\":\"ci\"}", "ci", "");
	BODY_OK("{\"name\":\"ci\",\"description\":\"for CI\"}", "ci",
	    "for CI");
	BODY_OK(" {\"description\":\"d\\n2\", \"name\":\"caf\\u00e9\"} ",
	    "caf\xc3\xa9", "d\n2");
}

Test(body, not_an_object)
{
	BODY_OK("{\"name\":\"x\"}", "x", "");
	BODY_BAD("", PAT_ERR_FORMAT, NULL, B_JSON);
	BODY_BAD("name=x", PAT_ERR_FORMAT, NULL, B_JSON);
	BODY_BAD("{\"name\":\"x\"", PAT_ERR_FORMAT, NULL, B_JSON);
	BODY_BAD("{\"name\":\"x\"}x", PAT_ERR_FORMAT, NULL, B_JSON);
	BODY_BAD("[{\"name\":\"x\"}]", PAT_ERR_FORMAT, NULL, B_OBJ);
	BODY_BAD("\"x\"", PAT_ERR_FORMAT, NULL, B_OBJ);
	BODY_BAD("1", PAT_ERR_FORMAT, NULL, B_OBJ);
	BODY_BAD("null", PAT_ERR_FORMAT, NULL, B_OBJ);
	BODY_BAD("true", PAT_ERR_FORMAT, NULL, B_OBJ);
}

Test(body, strict_json)
{
	BODY_BAD("{\"name\":\"x\",\"name\":\"y\"}", PAT_ERR_FORMAT, NULL,
	    B_JSON);
	BODY_BAD("{'name':'x'}", PAT_ERR_FORMAT, NULL, B_JSON);
	BODY_BAD("{\"name\":\"x\",}", PAT_ERR_FORMAT, NULL, B_JSON);
	BODY_BAD("{\"name\":\"x\",\"n\":NaN}", PAT_ERR_FORMAT, NULL, B_JSON);
}

Test(body, depth)
{
	BODY_OK("{\"name\":\"x\",\"u\":{\"a\":{\"b\":1}}}", "x", "");
	BODY_BAD("{\"name\":\"x\",\"u\":{\"a\":{\"b\":[1]}}}", PAT_ERR_FORMAT,
	    NULL, B_JSON);
}

Test(body, name_missing_or_wrong_type)
{
	BODY_OK("{\"name\":\"x\"}", "x", "");
	BODY_BAD("{}", PAT_ERR_INVALID, "name", "name is required");
	BODY_BAD("{\"description\":\"d\"}", PAT_ERR_INVALID, "name",
	    "name is required");
	BODY_BAD("{\"Name\":\"x\"}", PAT_ERR_INVALID, "name",
	    "name is required");
	BODY_BAD("{\"name\":1}", PAT_ERR_INVALID, "name",
	    "name must be a string");
	BODY_BAD("{\"name\":[\"x\"]}", PAT_ERR_INVALID, "name",
	    "name must be a string");
	BODY_BAD("{\"name\":null}", PAT_ERR_INVALID, "name",
	    "name must be a string");
	BODY_BAD("{\"name\":{\"x\":1}}", PAT_ERR_INVALID, "name",
	    "name must be a string");
	BODY_BAD("{\"name\":true}", PAT_ERR_INVALID, "name",
	    "name must be a string");
}

Test(body, name_rules)
{
	BODY_OK("{\"name\":\"a\"}", "a", "");
	BODY_BAD("{\"name\":\"\"}", PAT_ERR_INVALID, "name", M_LEN);
	BODY_BAD("{\"name\":\"  \"}", PAT_ERR_INVALID, "name", M_BLANK);
	BODY_BAD("{\"name\":\"a\\u0001\"}", PAT_ERR_INVALID, "name", M_CTL);
	BODY_BAD("{\"name\":\"a\\u0085\"}", PAT_ERR_INVALID, "name", M_CTL);
	BODY_BAD("{\"name\":\"a\\n\"}", PAT_ERR_INVALID, "name", M_CTL);
	/* \u0000 is refused by the parser already. */
	BODY_BAD("{\"name\":\"a\\u0000b\"}", PAT_ERR_FORMAT, NULL, B_JSON);
	BODY_BAD("{\"name\":\"\xc0\xaf\"}", PAT_ERR_FORMAT, NULL, B_JSON);
}

Test(body, description_rules)
{
	BODY_OK("{\"name\":\"x\",\"description\":\"\"}", "x", "");
	BODY_OK("{\"name\":\"x\",\"description\":null}", "x", "");
	BODY_BAD("{\"name\":\"x\",\"description\":1}", PAT_ERR_INVALID,
	    "description", "description must be a string");
	BODY_BAD("{\"name\":\"x\",\"description\":[]}", PAT_ERR_INVALID,
	    "description", "description must be a string");
	BODY_BAD("{\"name\":\"x\",\"description\":false}", PAT_ERR_INVALID,
	    "description", "description must be a string");
	BODY_OK("{\"name\":\"x\",\"description\":\"a\\tb\"}", "x", "a\tb");
	BODY_BAD("{\"name\":\"x\",\"description\":\"a\\u0001b\"}",
	    PAT_ERR_INVALID, "description", D_CTL);
	/* name is checked first. */
	BODY_BAD("{\"name\":1,\"description\":1}", PAT_ERR_INVALID, "name",
	    "name must be a string");
}

Test(body, description_length)
{
	struct val_create	 c;
	struct val_error	 e;
	char			*d, *s;
	size_t			 dlen;
	int			 n;

	d = repeat("\xc3\xa9", 2000, &dlen);
	cr_assert_not_null(s = malloc(dlen + 64));
	n = snprintf(s, dlen + 64, "{\"name\":\"x\",\"description\":\"%s\"}",
	    d);
	cr_assert(n > 0 && (size_t)n < dlen + 64);
	cr_expect_eq(body(s, (size_t)n, &c, &e), PAT_OK);
	cr_expect_eq(strlen(c.description), dlen);
	val_create_free(&c);
	free(s);
	free(d);

	d = repeat("\xc3\xa9", 2001, &dlen);
	cr_assert_not_null(s = malloc(dlen + 64));
	n = snprintf(s, dlen + 64, "{\"name\":\"x\",\"description\":\"%s\"}",
	    d);
	cr_assert(n > 0 && (size_t)n < dlen + 64);
	cr_expect_eq(body(s, (size_t)n, &c, &e), PAT_ERR_INVALID);
	cr_expect_str_eq(e.message, D_LEN);
	free(s);
	free(d);
}

Test(body, output_only_and_unknown_fields_ignored)
{
	BODY_OK("{\"name\":\"x\",\"id\":1,\"createdAt\":[1,2],\"token\":{}}",
	    "x", "");
	BODY_OK("{\"id\":null,\"createdAt\":true,\"token\":\"pat_x\","
	    "\"name\":\"x\"}", "x", "");
	BODY_OK("{\"name\":\"x\",\"foo\":\"bar\",\"expiresAt\":{\"a\":[]}}",
	    "x", "");
	BODY_OK("{\"name\":\"x\",\"foo\":\"\\u0001\\u0085\"}", "x", "");
	/* Unknown fields are still strict JSON. */
	BODY_BAD("{\"name\":\"x\",\"foo\":\"\\u0000\"}", PAT_ERR_FORMAT, NULL,
	    B_JSON);
}

/* A valid body of exactly len bytes, padded with an unknown field. */
static char *
body_of_size(size_t len)
{
	static const char head[] = "{\"name\":\"x\",\"pad\":\"";
	static const char tail[] = "\"}";
	char	*s;

	cr_assert_gt(len, sizeof(head) + sizeof(tail));
	cr_assert_not_null(s = malloc(len + 1));
	memcpy(s, head, sizeof(head) - 1);
	memset(s + sizeof(head) - 1, 'p', len - (sizeof(head) - 1) -
	    (sizeof(tail) - 1));
	memcpy(s + len - (sizeof(tail) - 1), tail, sizeof(tail) - 1);
	s[len] = '\0';
	return s;
}

Test(body, size_limit)
{
	struct val_create	 c;
	struct val_error	 e;
	char			*s;

	s = body_of_size(VAL_BODY_MAX);
	cr_expect_eq(strlen(s), 16384);
	cr_expect_eq(body(s, VAL_BODY_MAX, &c, &e), PAT_OK);
	cr_expect_str_eq(c.name, "x");
	val_create_free(&c);
	free(s);

	s = body_of_size(VAL_BODY_MAX + 1);
	cr_expect_eq(body(s, VAL_BODY_MAX + 1, &c, &e), PAT_ERR_TOOBIG);
	cr_expect_null(e.field);
	cr_expect_not_null(e.message);
	cr_expect_null(c.name);
	free(s);

	/* Checked before parsing: oversized garbage is TOOBIG too. */
	s = repeat("x", VAL_BODY_MAX + 1, NULL);
	cr_expect_eq(body(s, VAL_BODY_MAX + 1, &c, &e), PAT_ERR_TOOBIG);
	free(s);
}

Test(body, free_accepts_null_and_twice)
{
	struct val_create	 c;
	struct val_error	 e;

	val_create_free(NULL);
	cr_assert_eq(body("{\"name\":\"x\"}", 12, &c, &e), PAT_OK);
	val_create_free(&c);
	val_create_free(&c);
	/* A NULL error pointer is allowed. */
	cr_expect_eq(val_create_body("[]", 2, &c, NULL), PAT_ERR_FORMAT);
}

/* ---- identifiers ---- */

#define ID_OK(fn, s)	cr_expect(fn((s), sizeof(s) - 1), \
			    #fn " should accept \"%s\"", (s))
#define ID_BAD(fn, s)	cr_expect_not(fn((s), sizeof(s) - 1), \
			    #fn " should reject \"%s\"", (s))

Test(ids, publisher_id)
{
	char	*s;

	ID_OK(val_publisher_id, "a");
	ID_OK(val_publisher_id, "a-1");
	ID_OK(val_publisher_id, "acme-corp-2");
	ID_OK(val_publisher_id, "a-");
	ID_BAD(val_publisher_id, "");
	ID_BAD(val_publisher_id, "A");
	ID_BAD(val_publisher_id, "aB");
	ID_BAD(val_publisher_id, "1a");
	ID_BAD(val_publisher_id, "-a");
	ID_BAD(val_publisher_id, "a_b");
	ID_BAD(val_publisher_id, "a b");
	ID_BAD(val_publisher_id, "a.b");
	ID_BAD(val_publisher_id, "a/b");
	ID_BAD(val_publisher_id, "a\0b");
	ID_BAD(val_publisher_id, "\xc3\xa9");
	cr_expect_not(val_publisher_id(NULL, 0));

	s = repeat("a", 64, NULL);
	cr_expect(val_publisher_id(s, 64));
	free(s);
	s = repeat("a", 65, NULL);
	cr_expect_not(val_publisher_id(s, 65));
	free(s);
}

Test(ids, user_id)
{
	char	*s;

	ID_OK(val_user_id, "u");
	ID_OK(val_user_id, "auth0|1234567890");
	ID_OK(val_user_id, "user@example.com");
	ID_OK(val_user_id, "!~");
	/* Operators are "admin:<login>" in the audit trail: no user may be. */
	ID_BAD(val_user_id, "admin:root");
	ID_BAD(val_user_id, "ADMIN:root");
	ID_BAD(val_user_id, "admin:");
	ID_OK(val_user_id, "admin");
	ID_OK(val_user_id, "administrator");
	ID_OK(val_user_id, "x:admin:root");
	ID_BAD(val_user_id, "");
	ID_BAD(val_user_id, "a b");
	ID_BAD(val_user_id, "a\tb");
	ID_BAD(val_user_id, "a\x7f");
	ID_BAD(val_user_id, "a\0b");
	ID_BAD(val_user_id, "\xc3\xa9");
	cr_expect_not(val_user_id(NULL, 0));

	s = repeat("u", 255, NULL);
	cr_expect(val_user_id(s, 255));
	free(s);
	s = repeat("u", 256, NULL);
	cr_expect_not(val_user_id(s, 256));
	free(s);
}

Test(ids, uuid)
{
	ID_OK(val_uuid, "123e4567-e89b-42d3-a456-426614174000");
	ID_OK(val_uuid, "00000000-0000-0000-0000-000000000000");
	ID_BAD(val_uuid, "123E4567-E89B-42D3-A456-426614174000");
	ID_BAD(val_uuid, "123e4567e89b42d3a456426614174000");
	ID_BAD(val_uuid, "{123e4567-e89b-42d3-a456-426614174000}");
	ID_BAD(val_uuid, "123e4567-e89b-42d3-a456-42661417400");
	ID_BAD(val_uuid, "123e4567-e89b-42d3-a456-4266141740000");
	ID_BAD(val_uuid, "123e4567-e89b-42d3-a456_426614174000");
	ID_BAD(val_uuid, "123e4567-e89b-42d3-a4-56426614174000");
	ID_BAD(val_uuid, "123e4567-e89b-42d3-a456-42661417400g");
	ID_BAD(val_uuid, "123e4567-e89b-42d3-a456-42661417400\0");
	ID_BAD(val_uuid, "");
	cr_expect_not(val_uuid(NULL, 36));
}
