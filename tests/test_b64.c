/*
 * test_b64.c — strict, unpadded base64 in both alphabets: RFC 4648 §10
 * vectors (without their padding), and a rejected twin for each rule.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "b64.h"

static const struct { const char *plain, *enc; } rfc4648[] = {
	{ "", "" }, { "f", "Zg" }, { "fo", "Zm8" }, { "foo", "Zm9v" },
	{ "foob", "Zm9vYg" }, { "fooba", "Zm9vYmE" }, { "foobar", "Zm9vYmFy" },
};

Test(b64, rfc4648_vectors_both_ways)
{
	char enc[16];
	unsigned char dec[16];
	size_t i, n;

	for (i = 0; i < sizeof(rfc4648) / sizeof(rfc4648[0]); i++) {
		size_t pl = strlen(rfc4648[i].plain), el = strlen(rfc4648[i].enc);

		cr_assert_eq(b64_encode(B64_STD, rfc4648[i].plain, pl, enc,
		    sizeof(enc)), el);
		cr_assert_str_eq(enc, rfc4648[i].enc);
		n = b64_decode(B64_URL, rfc4648[i].enc, el, dec, sizeof(dec));
		cr_assert_eq(n, pl);
		cr_assert_eq(memcmp(dec, rfc4648[i].plain, pl), 0);
	}
}

/* 0xfb 0xff encodes to "+/8" in the standard alphabet, "-_8" in the URL one. */
Test(b64, alphabets_differ_in_two_characters)
{
	static const unsigned char in[] = { 0xfb, 0xff };
	unsigned char out[4];
	char enc[8];

	cr_assert_eq(b64_encode(B64_STD, in, 2, enc, sizeof(enc)), 3);
	cr_assert_str_eq(enc, "+/8");
	cr_assert_eq(b64_encode(B64_URL, in, 2, enc, sizeof(enc)), 3);
	cr_assert_str_eq(enc, "-_8");
	cr_assert_eq(b64_decode(B64_STD, "+/8", 3, out, sizeof(out)), 2);
	cr_assert_eq(b64_decode(B64_URL, "-_8", 3, out, sizeof(out)), 2);
	/* Each refuses the other's characters. */
	cr_assert_eq(b64_decode(B64_STD, "-_8", 3, out, sizeof(out)), (size_t)-1);
	cr_assert_eq(b64_decode(B64_URL, "+/8", 3, out, sizeof(out)), (size_t)-1);
	cr_assert_eq(b64_value(B64_URL, '_'), 63);
	cr_assert_eq(b64_value(B64_STD, '_'), -1);
}

Test(b64, strict_decoding)
{
	unsigned char out[16];

	cr_assert_eq(b64_decode(B64_STD, "Zg", 2, out, sizeof(out)), 1);
	cr_assert_eq(b64_decode(B64_STD, "Zg==", 4, out, sizeof(out)), (size_t)-1);	/* padding */
	cr_assert_eq(b64_decode(B64_STD, "Zh", 2, out, sizeof(out)), (size_t)-1);	/* unused bits set */
	cr_assert_eq(b64_decode(B64_STD, "Zm9vY", 5, out, sizeof(out)), (size_t)-1);	/* 4n+1 */
	cr_assert_eq(b64_decode(B64_STD, "Zm 9v", 5, out, sizeof(out)), (size_t)-1);	/* whitespace */
	cr_assert_eq(b64_decode(B64_STD, "Zm9v", 4, out, 2), (size_t)-1);		/* no room */
	cr_assert_eq(b64_decode(B64_STD, "Zm9v", 4, out, 3), 3);			/* exactly room */
}

Test(b64, encoder_needs_room_for_the_nul)
{
	char enc[5];

	cr_assert_eq(b64_encode(B64_STD, "foo", 3, enc, 4), (size_t)-1);
	cr_assert_eq(b64_encode(B64_STD, "foo", 3, enc, 5), 4);
	cr_assert_str_eq(enc, "Zm9v");
	cr_assert_eq(b64_encode(B64_STD, "foo", 3, NULL, 0), (size_t)-1);
}
