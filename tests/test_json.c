/*
 * test_json.c — strict JSON parsing (accepted/rejected twins), typed
 * lookups, RFC 3339 formatting.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <criterion/criterion.h>

#include "json.h"
#include "support.h"

#define DEPTH	8

static enum pat_err
parse_d(const char *s, size_t len, int depth)
{
	struct json_object	*o = (struct json_object *)&o;	/* poison */
	enum pat_err		 rc;

	rc = js_parse_strict(s, len, depth, &o);
	if (rc != PAT_OK)
		cr_assert_null(o, "*out must be NULL on failure");
	json_object_put(o);
	return rc;
}

/* Literal strings: sizeof - 1 keeps embedded NULs in the length. */
#define OK(s)	cr_expect_eq(parse_d((s), sizeof(s) - 1, DEPTH), PAT_OK, \
		    "should accept: %s", (s))
#define BAD(s)	cr_expect_eq(parse_d((s), sizeof(s) - 1, DEPTH), \
		    PAT_ERR_FORMAT, "should reject: %s", (s))

Test(json, empty_object_vs_empty_text)
{
	struct json_object	*o = NULL;

	OK("{}");
	BAD("");
	BAD(" ");
	BAD("\n\t\r ");
	cr_expect_eq(js_parse_strict(NULL, 0, DEPTH, &o), PAT_ERR_FORMAT);
	cr_expect_eq(js_parse_strict("{}", 2, 0, &o), PAT_ERR_FORMAT);
	cr_expect_eq(js_parse_strict("{}", 2, -1, &o), PAT_ERR_FORMAT);
}

Test(json, value_is_returned)
{
	struct json_object	*o = NULL, *v;

	cr_assert_eq(js_parse_strict("{\"a\":\"b\"}", 9, DEPTH, &o), PAT_OK);
	cr_assert(json_object_is_type(o, json_type_object));
	cr_assert(json_object_object_get_ex(o, "a", &v));
	cr_expect_str_eq(json_object_get_string(v), "b");
	json_object_put(o);
	/* Text beyond len is not read. */
	cr_assert_eq(js_parse_strict("{}garbage", 2, DEPTH, &o), PAT_OK);
	json_object_put(o);
	/* The text null: PAT_OK and json-c's NULL. */
	o = (struct json_object *)&o;
	cr_assert_eq(js_parse_strict("null", 4, DEPTH, &o), PAT_OK);
	cr_expect_null(o);
}

Test(json, scalars_at_top_level)
{
	OK("1");
	OK("0");
	OK("-0");
	OK("1.5");
	OK("-12.5e+3");
	OK("1E5");
	OK("true");
	OK("false");
	OK("null");
	OK("\"s\"");
	BAD("01");
	BAD("1.");
	BAD("[1.]");
	BAD(".5");
	BAD("+1");
	BAD("-");
	BAD("1e");
	BAD("[1e+]");
	BAD("0x10");
	BAD("tru");
	BAD("[tRue]");
	BAD("True");
	BAD("nul");
}

Test(json, duplicate_keys)
{
	OK("{\"a\":1}");
	BAD("{\"a\":1,\"a\":2}");
	OK("{\"a\":1,\"b\":2}");
	BAD("{\"a\":1,\"b\":2,\"a\":3}");
	OK("{\"a\":1,\"ab\":2,\"\":3}");
	BAD("{\"\":1,\"\":2}");
}

Test(json, duplicate_keys_nested)
{
	OK("{\"x\":{\"a\":1,\"b\":2}}");
	BAD("{\"x\":{\"a\":1,\"a\":2}}");
	BAD("[{\"a\":1,\"a\":2}]");
	BAD("{\"x\":[1,{\"y\":{\"a\":1,\"a\":2}}]}");
	/* The same key in different objects is fine. */
	OK("{\"x\":{\"a\":1},\"y\":{\"a\":1}}");
	OK("[{\"a\":1},{\"a\":1}]");
	OK("{\"a\":{\"a\":{\"a\":1}}}");
	/* A parent's duplicate after a nested object is still seen. */
	BAD("{\"a\":{\"b\":1},\"a\":2}");
	BAD("{\"a\":1,\"x\":{\"b\":1},\"a\":2}");
	OK("{\"a\":1,\"x\":{\"a\":1},\"b\":2}");
}

Test(json, duplicate_keys_through_escapes)
{
	BAD("{\"a\":1,\"\\u0061\":2}");
	OK("{\"a\":1,\"\\u0062\":2}");
	BAD("{\"\\u00e9\":1,\"\xc3\xa9\":2}");
	OK("{\"\\u00e9\":1,\"\xc3\xa8\":2}");
	BAD("{\"\\ud83d\\ude00\":1,\"\xf0\x9f\x98\x80\":2}");
	OK("{\"\\ud83d\\ude00\":1,\"\xf0\x9f\x98\x81\":2}");
	BAD("{\"\\n\":1,\"\\u000a\":2}");
	BAD("{\"/\":1,\"\\/\":2}");
	BAD("{\"\\\"\":1,\"\\u0022\":2}");
	BAD("{\"A\":1,\"\\u0041\":2}");
	OK("{\"A\":1,\"\\u0061\":2}");
}

Test(json, nul_in_strings)
{
	OK("\"a\\u0001b\"");
	BAD("\"a\\u0000b\"");
	OK("{\"k\":\"a\\u0001b\"}");
	BAD("{\"k\":\"a\\u0000b\"}");
	OK("{\"a\\u0001b\":1}");
	BAD("{\"a\\u0000b\":1}");
	BAD("[\"\\u0000\"]");
	/* Raw NUL bytes inside the given length. */
	BAD("\"a\0b\"");
	BAD("{}\0");
	BAD("{\"a\0\":1}");
}

Test(json, raw_control_characters)
{
	OK("\"a\\tb\"");
	BAD("\"a\tb\"");
	OK("\"a\\nb\"");
	BAD("\"a\nb\"");
	BAD("\"a\x01" "b\"");
	BAD("\"a\x1f" "b\"");
	OK("\"a\x7f" "b\"");	/* DEL need not be escaped in JSON */
}

Test(json, escapes)
{
	OK("\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\uFFFD\"");
	BAD("\"\\x41\"");
	BAD("\"\\a\"");
	BAD("\"\\u12\"");
	BAD("\"\\u12g4\"");
	BAD("\"\\");
	BAD("\"abc");
}

Test(json, trailing_data_and_second_value)
{
	OK("{\"a\":1}");
	BAD("{}{}");
	BAD("{} x");
	BAD("{} {}");
	BAD("[1] ]");
	BAD("1 2");
	BAD("\"a\" \"b\"");
	BAD("{}\x0c");
	BAD("{},");
}

Test(json, trailing_commas_comments_quotes)
{
	OK("[1,2]");
	BAD("[1,2,]");
	BAD("[1,,2]");
	OK("{\"a\":1,\"b\":2}");
	BAD("{\"a\":1,}");
	BAD("{,}");
	BAD("/*c*/{}");
	BAD("{}/*c*/");
	BAD("{}//c");
	BAD("# c\n{}");
	OK("\"a\"");
	BAD("'a'");
	BAD("{'a':1}");
	BAD("{\"a\":'b'}");
	BAD("{a:1}");
	BAD("{\"a\" 1}");
	BAD("[1 2]");
}

Test(json, nan_and_infinity)
{
	OK("1e308");
	BAD("NaN");
	BAD("[NaN]");
	BAD("{\"a\":NaN}");
	BAD("nan");
	BAD("Infinity");
	BAD("-Infinity");
	BAD("[Infinity]");
	BAD("[-Infinity]");
	BAD("inf");
}

Test(json, whitespace_around_value)
{
	OK(" {} ");
	OK("\n\t\r {\"a\" : [ 1 , 2 ] }\r\n\t ");
	OK(" 1 ");
	OK("\ttrue\n");
	BAD("\x0c{}");
	BAD("\x0b{}");
	BAD("\xc2\xa0{}");		/* NBSP is not JSON whitespace */
	BAD("\xef\xbb\xbf{}");		/* nor is a BOM */
}

Test(json, utf8)
{
	OK("\"\xe2\x82\xac \xf0\x9f\x98\x80 \xc3\xa9 \xf4\x8f\xbf\xbf\"");
	OK("{\"\xc3\xa9\":\"\xe6\x97\xa5\xe6\x9c\xac\"}");
	BAD("\"\xc0\xaf\"");			/* overlong '/' */
	BAD("\"\xe0\x80\xaf\"");		/* overlong, 3 bytes */
	BAD("\"\xf0\x80\x80\xaf\"");		/* overlong, 4 bytes */
	BAD("\"\xed\xa0\x80\"");		/* surrogate U+D800 */
	BAD("\"\xed\xbf\xbf\"");		/* surrogate U+DFFF */
	BAD("\"\xf4\x90\x80\x80\"");		/* U+110000 */
	BAD("\"\xe2\x82\"");			/* truncated */
	BAD("\"\xe2\x82");			/* truncated at end */
	BAD("\"\x80\"");			/* stray continuation */
	BAD("\"\xff\"");
	BAD("{\"\xc0\xaf\":1}");
}

Test(json, surrogate_escapes)
{
	OK("\"\\ud83d\\ude00\"");
	OK("\"\\uD83D\\uDE00\"");
	BAD("\"\\ud83d\"");
	BAD("\"\\ude00\"");
	BAD("\"\\ud83dx\"");
	BAD("\"\\ud83d\\u0041\"");
	BAD("\"\\ude00\\ud83d\"");
	BAD("{\"\\ud800\":1}");
}

/* (d - 1) arrays around a scalar: a value of json-c depth d. */
static char *
nested_arrays(int d)
{
	char	*s;
	int	 i, n = 0;

	cr_assert_not_null(s = malloc((size_t)d * 2 + 2));
	for (i = 0; i < d - 1; i++)
		s[n++] = '[';
	s[n++] = '1';
	for (i = 0; i < d - 1; i++)
		s[n++] = ']';
	s[n] = '\0';
	return s;
}

Test(json, depth_limit_exact)
{
	char	*s;
	int	 d;

	for (d = 1; d <= 40; d++) {
		s = nested_arrays(d);
		cr_expect_eq(parse_d(s, strlen(s), d), PAT_OK, "depth %d", d);
		cr_expect_eq(parse_d(s, strlen(s), d + 1), PAT_OK);
		free(s);
		s = nested_arrays(d + 1);
		cr_expect_eq(parse_d(s, strlen(s), d), PAT_ERR_FORMAT,
		    "depth %d + 1", d);
		free(s);
	}
}

Test(json, depth_counts_objects_and_empty_containers)
{
	const char	*ok4 = "{\"a\":{\"b\":{\"c\":1}}}";
	const char	*bad4 = "{\"a\":{\"b\":{\"c\":{\"d\":1}}}}";

	cr_expect_eq(parse_d(ok4, strlen(ok4), 4), PAT_OK);
	cr_expect_eq(parse_d(bad4, strlen(bad4), 4), PAT_ERR_FORMAT);
	cr_expect_eq(parse_d(bad4, strlen(bad4), 5), PAT_OK);
	cr_expect_eq(parse_d("{}", 2, 1), PAT_OK);
	cr_expect_eq(parse_d("{\"a\":1}", 7, 1), PAT_ERR_FORMAT);
	cr_expect_eq(parse_d("{\"a\":1}", 7, 2), PAT_OK);
	cr_expect_eq(parse_d("[[]]", 4, 2), PAT_OK);
	cr_expect_eq(parse_d("[[[]]]", 6, 2), PAT_ERR_FORMAT);
}

/* {"k0":0,"k1":0,...} with n keys, optionally repeating the first key. */
static char *
many_keys(size_t n, int dup, size_t *len)
{
	size_t	 cap = n * 24 + 32, off = 0, i;
	char	*s;
	int	 w;

	cr_assert_not_null(s = malloc(cap));
	s[off++] = '{';
	for (i = 0; i < n; i++) {
		w = snprintf(s + off, cap - off, "%s\"k%zu\":0",
		    i ? "," : "", i);
		cr_assert(w > 0 && (size_t)w < cap - off);
		off += (size_t)w;
	}
	if (dup) {
		w = snprintf(s + off, cap - off, ",\"k0\":1");
		cr_assert(w > 0 && (size_t)w < cap - off);
		off += (size_t)w;
	}
	s[off++] = '}';
	*len = off;
	return s;
}

Test(json, many_distinct_keys_are_fast, .timeout = 20)
{
	struct timespec	 t0, t1;
	char		*s;
	size_t		 len;
	double		 secs;

	/* About 16 KiB of keys. */
	s = many_keys(2000, 0, &len);
	cr_expect_gt(len, 16000);
	cr_expect_eq(parse_d(s, len, DEPTH), PAT_OK);
	free(s);
	s = many_keys(2000, 1, &len);
	cr_expect_eq(parse_d(s, len, DEPTH), PAT_ERR_FORMAT);
	free(s);

	/* 100k keys: quadratic scanning would take minutes. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	s = many_keys(100000, 0, &len);
	cr_expect_eq(parse_d(s, len, DEPTH), PAT_OK);
	free(s);
	s = many_keys(100000, 1, &len);
	cr_expect_eq(parse_d(s, len, DEPTH), PAT_ERR_FORMAT);
	free(s);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	cr_expect_lt(secs, 5.0, "100k keys took %.2f s", secs);
}

Test(json, get_typed)
{
	struct json_object	*o = NULL, *v;
	const char		*t = "{\"s\":\"x\",\"n\":1,\"z\":null,\"b\":true}";
	int			 present;

	cr_assert_eq(js_parse_strict(t, strlen(t), DEPTH, &o), PAT_OK);

	v = js_get_typed(o, "s", json_type_string, &present);
	cr_assert_not_null(v);
	cr_expect(present);
	cr_expect_str_eq(json_object_get_string(v), "x");
	present = 0;
	cr_expect_null(js_get_typed(o, "n", json_type_string, &present));
	cr_expect(present);

	cr_expect_not_null(js_get_typed(o, "n", json_type_int, NULL));
	cr_expect_null(js_get_typed(o, "s", json_type_int, NULL));
	cr_expect_not_null(js_get_typed(o, "b", json_type_boolean, NULL));
	cr_expect_null(js_get_typed(o, "b", json_type_int, NULL));

	present = 0;
	cr_expect_null(js_get_typed(o, "z", json_type_string, &present));
	cr_expect(present);

	present = 1;
	cr_expect_null(js_get_typed(o, "missing", json_type_string,
	    &present));
	cr_expect_not(present);

	present = 1;
	cr_expect_null(js_get_typed(NULL, "s", json_type_string, &present));
	cr_expect_not(present);
	json_object_put(o);

	cr_assert_eq(js_parse_strict("[1]", 3, DEPTH, &o), PAT_OK);
	cr_expect_null(js_get_typed(o, "0", json_type_int, &present));
	cr_expect_not(present);
	json_object_put(o);
}

Test(json, time_rfc3339)
{
	char	out[21];

	js_time_rfc3339(0, out);
	cr_expect_str_eq(out, "1970-01-01T00:00:00Z");
	js_time_rfc3339(1796304494LL, out);
	cr_expect_str_eq(out, "2026-12-03T13:28:14Z");
	js_time_rfc3339(1772323199LL, out);
	cr_expect_str_eq(out, "2026-02-28T23:59:59Z");
	js_time_rfc3339(253402300799LL, out);
	cr_expect_str_eq(out, "9999-12-31T23:59:59Z");
	/* Out of range: a fixed, well-formed answer, never an overflow. */
	js_time_rfc3339(253402300800LL, out);
	cr_expect_str_eq(out, "1970-01-01T00:00:00Z");
	js_time_rfc3339(-62167219201LL, out);
	cr_expect_str_eq(out, "1970-01-01T00:00:00Z");
	js_time_rfc3339(-62167219200LL, out);
	cr_expect_str_eq(out, "0000-01-01T00:00:00Z");
	js_time_rfc3339(-1, out);
	cr_expect_str_eq(out, "1969-12-31T23:59:59Z");
}
