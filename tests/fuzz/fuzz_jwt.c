/*
 * fuzz_jwt.c — libFuzzer harness for lib/jwt.h: jwt_verify, jwt_keys_new,
 * jwt_sign_hs256 and the base64url helpers.
 *
 * Fixed key set (tests/fuzz/fixtures/keys.h, made by mkseeds.py): an HS256
 * secret plus a JWKS with one RSA (kid "rsa-1", RS256) and one EC P-256
 * (kid "ec-1", ES256) public key; a second set is a JWKS holding only the
 * RSA key without a kid. Fixed policy: iss FZ_ISSUER, aud FZ_AUDIENCE,
 * leeway 60 s, clock FZ_NOW. The first input byte picks the mode (mod 8):
 *
 *   0, 5-7  jwt_verify(rest) against the full key set: what an attacker
 *           controls in an Authorization header. Also: the base64url
 *           decoder is canonical (decode(x) re-encodes to x) and agrees
 *           with an independent encoder.
 *   1       rest = header JSON, NUL, payload JSON (no NUL: the payload,
 *           under {"alg":"HS256","typ":"JWT"}), encoded and signed with the
 *           HS256 secret here, then verified: this reaches the header and
 *           claim checks that random bytes never get past the signature
 *           for. Oracle: an accepted token has alg HS256, no crit, an
 *           integer exp in the future (with leeway), iss equal to the
 *           policy's, aud matching, and sub equal to the claims' sub; a
 *           token whose header says HS256 never fails on its signature.
 *   2       rest as JWKS text for jwt_keys_new; a set that loads is then
 *           used to verify the fixture tokens.
 *   3       jwt_verify(rest) against the one-key JWKS (no kid).
 *   4       rest = sub [NUL iss]: jwt_sign_hs256 then jwt_verify must
 *           round-trip (sub and iss escaped correctly).
 *
 * Every mode also checks: PAT_OK exactly when *why is JWT_R_OK, claims
 * zeroed on failure, an accepted sub is 1..255 printable ASCII.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "jwt.h"
#include "keys.h"

#define LEEWAY	60

int LLVMFuzzerInitialize(int *, char ***);
int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct jwt_keys	*keys_full;
static struct jwt_keys	*keys_one;
static const struct jwt_policy policy = { FZ_ISSUER, FZ_AUDIENCE, LEEWAY };

static const char *const fixture_tokens[] = {
	FZ_JWT_HS256, FZ_JWT_RS256, FZ_JWT_ES256, FZ_JWT_RS256_NOKID,
	FZ_JWT_EXPIRED, FZ_JWT_OTHER_SUB
};

static void
die(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_jwt: %s: %s\n", what, detail);
	abort();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct jwt_claims	 c;
	enum jwt_reason		 why;
	char			 err[512];
	size_t			 i;

	(void)argc;
	(void)argv;
	if (jwt_keys_new((const unsigned char *)FZ_HS256_SECRET,
	    sizeof(FZ_HS256_SECRET) - 1, FZ_JWKS, "fixture JWKS", &keys_full,
	    err, sizeof(err)) != PAT_OK)
		die("fixture key set", err);
	if (jwt_keys_new(NULL, 0, FZ_JWKS_ONE, "fixture JWKS (one key)",
	    &keys_one, err, sizeof(err)) != PAT_OK)
		die("fixture one-key set", err);
	/* The fixtures must verify, or every seed tests the wrong thing. */
	for (i = 0; i < 4; i++)
		if (jwt_verify(i < 3 ? keys_full : keys_one, &policy,
		    fixture_tokens[i], strlen(fixture_tokens[i]), FZ_NOW, &c,
		    &why) != PAT_OK)
			die("fixture token does not verify (rerun mkseeds.py)",
			    jwt_reason_str(why));
	return 0;
}

static void
check_result(enum pat_err rc, enum jwt_reason why, const struct jwt_claims *c,
    time_t now)
{
	static const struct jwt_claims	 zero;
	size_t				 i, len;

	if (rc != PAT_OK && rc != PAT_ERR_JWT && rc != PAT_ERR_NOMEM)
		abort();
	if (rc == PAT_ERR_JWT && why == JWT_R_OK)
		abort();
	if (rc == PAT_OK && why != JWT_R_OK)
		abort();
	if (jwt_reason_str(why) == NULL)
		abort();
	if (rc != PAT_OK) {
		if (memcmp(c, &zero, sizeof(zero)) != 0)
			abort();
		return;
	}
	len = strnlen(c->sub, sizeof(c->sub));
	if (len == 0 || len > JWT_SUB_MAX)
		abort();
	for (i = 0; i < len; i++)
		if (c->sub[i] < 0x21 || c->sub[i] > 0x7e)
			abort();
	if (c->exp + LEEWAY <= (int64_t)now)
		abort();
	if (c->iat < 0 || c->iat - LEEWAY > (int64_t)now)
		abort();
}

/* An independent base64url encoder (no padding). */
static size_t
ref_b64url(const unsigned char *s, size_t len, char *dst)
{
	static const char	 a[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t			 i, o = 0;
	unsigned		 bits = 0;
	uint32_t		 acc = 0;

	for (i = 0; i < len; i++) {
		acc = (acc << 8) | s[i];
		bits += 8;
		while (bits >= 6) {
			bits -= 6;
			dst[o++] = a[(acc >> bits) & 63];
		}
		acc &= 0xff;
	}
	if (bits > 0)
		dst[o++] = a[(acc << (6 - bits)) & 63];
	dst[o] = '\0';
	return o;
}

static void
check_b64(const char *text, size_t len)
{
	unsigned char	*dec = NULL;
	char		*enc = NULL, *ref = NULL;
	size_t		 n, m, cap;

	cap = len / 4 * 3 + 3;
	if ((dec = malloc(cap)) == NULL ||
	    (enc = malloc(len + 2)) == NULL ||
	    (ref = malloc(len / 3 * 4 + 8)) == NULL)
		goto out;
	n = jwt_b64url_decode(text, len, dec, cap);
	if (n != (size_t)-1) {
		if (n > cap)
			abort();
		/* Canonical: one encoding per byte string. */
		m = jwt_b64url_encode(dec, n, enc, len + 2);
		if (m != len || memcmp(enc, text, len) != 0)
			abort();
		/* An exact-size output buffer is enough. */
		if (n > 0 && jwt_b64url_decode(text, len, dec, n) != n)
			abort();
		if (n > 0 && jwt_b64url_decode(text, len, dec, n - 1) !=
		    (size_t)-1)
			abort();
	}
	/* The input as bytes: encoder == reference, and decodes back. */
	m = ref_b64url((const unsigned char *)text, len, ref);
	free(enc);
	if ((enc = malloc(m + 1)) == NULL)
		goto out;
	if (jwt_b64url_encode(text, len, enc, m) != (size_t)-1)
		abort();	/* no room for the NUL */
	if (jwt_b64url_encode(text, len, enc, m + 1) != m ||
	    memcmp(enc, ref, m + 1) != 0)
		abort();
	free(dec);
	if ((dec = malloc(len + 1)) == NULL)
		goto out;
	if (jwt_b64url_decode(enc, m, dec, len + 1) != len ||
	    memcmp(dec, text, len) != 0)
		abort();
out:
	free(dec);
	free(enc);
	free(ref);
}

static void
mode_raw(const struct jwt_keys *keys, const char *tok, size_t len)
{
	struct jwt_claims	 c;
	enum jwt_reason		 why = JWT_R_OK;
	enum pat_err		 rc;

	memset(&c, 0xa5, sizeof(c));
	rc = jwt_verify(keys, &policy, tok, len, FZ_NOW, &c, &why);
	check_result(rc, why, &c, FZ_NOW);
	if (len > JWT_MAX_LEN && (rc != PAT_ERR_JWT || why != JWT_R_SYNTAX))
		abort();
	/* No keys, or no policy: never accepted. */
	if (jwt_verify(NULL, &policy, tok, len, FZ_NOW, &c, &why) == PAT_OK ||
	    jwt_verify(keys, NULL, tok, len, FZ_NOW, &c, &why) == PAT_OK)
		abort();
	/* why and out are optional. */
	(void)jwt_verify(keys, &policy, tok, len, FZ_NOW, NULL, NULL);
}

/* Type-checked claim lookups with plain json-c, for the mode 1 oracle. */
static int
json_str_eq(struct json_object *o, const char *key, const char *want)
{
	struct json_object	*v = NULL;

	return json_object_object_get_ex(o, key, &v) &&
	    json_object_is_type(v, json_type_string) &&
	    (size_t)json_object_get_string_len(v) == strlen(want) &&
	    strcmp(json_object_get_string(v), want) == 0;
}

static int
aud_ok(struct json_object *p)
{
	struct json_object	*v = NULL, *e;
	size_t			 i, n;

	if (!json_object_object_get_ex(p, "aud", &v))
		return 0;
	if (json_object_is_type(v, json_type_string))
		return json_str_eq(p, "aud", FZ_AUDIENCE);
	if (!json_object_is_type(v, json_type_array))
		return 0;
	n = json_object_array_length(v);
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(v, i);
		if (json_object_is_type(e, json_type_string) &&
		    strcmp(json_object_get_string(e), FZ_AUDIENCE) == 0)
			return 1;
	}
	return 0;
}

static struct json_object *
parse_loose(const char *s, size_t len)
{
	struct json_tokener	*tk;
	struct json_object	*o = NULL;

	if (len > INT32_MAX || (tk = json_tokener_new()) == NULL)
		return NULL;
	o = json_tokener_parse_ex(tk, s, (int)len);
	json_tokener_free(tk);
	return o;
}

static void
mode_signed(const char *in, size_t len)
{
	static const char	 defhdr[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
	struct json_object	*h = NULL, *p = NULL, *v = NULL;
	struct jwt_claims	 c;
	enum jwt_reason		 why = JWT_R_OK;
	unsigned char		 mac[32];
	unsigned int		 maclen = 0;
	const char		*hdr, *pay, *nul;
	char			*tok = NULL;
	size_t			 hlen, plen, o, cap;
	enum pat_err		 rc;

	if ((nul = memchr(in, '\0', len)) != NULL) {
		hdr = in;
		hlen = (size_t)(nul - in);
		pay = nul + 1;
		plen = len - hlen - 1;
	} else {
		hdr = defhdr;
		hlen = sizeof(defhdr) - 1;
		pay = in;
		plen = len;
	}
	cap = (hlen + 2) / 3 * 4 + (plen + 2) / 3 * 4 + 44 + 3;
	if ((tok = malloc(cap)) == NULL)
		return;
	o = ref_b64url((const unsigned char *)hdr, hlen, tok);
	tok[o++] = '.';
	o += ref_b64url((const unsigned char *)pay, plen, tok + o);
	if (HMAC(EVP_sha256(), FZ_HS256_SECRET, sizeof(FZ_HS256_SECRET) - 1,
	    (const unsigned char *)tok, o, mac, &maclen) == NULL ||
	    maclen != 32)
		goto out;
	tok[o++] = '.';
	o += ref_b64url(mac, 32, tok + o);

	memset(&c, 0xa5, sizeof(c));
	rc = jwt_verify(keys_full, &policy, tok, o, FZ_NOW, &c, &why);
	check_result(rc, why, &c, FZ_NOW);
	if (o > JWT_MAX_LEN) {
		if (rc != PAT_ERR_JWT || why != JWT_R_SYNTAX)
			abort();
		goto out;
	}

	h = parse_loose(hdr, hlen);
	if (rc == PAT_ERR_JWT && why == JWT_R_SIGNATURE && h != NULL &&
	    json_str_eq(h, "alg", "HS256"))
		abort();	/* a correct HMAC refused */
	if (rc != PAT_OK)
		goto out;
	/* Accepted: the header and claims must really say so. */
	p = parse_loose(pay, plen);
	if (h == NULL || p == NULL || !json_str_eq(h, "alg", "HS256") ||
	    json_object_object_get_ex(h, "crit", NULL))
		abort();
	if (!json_object_object_get_ex(p, "exp", &v) ||
	    !json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) != c.exp ||
	    json_object_get_int64(v) + LEEWAY <= FZ_NOW)
		abort();
	if (!json_str_eq(p, "iss", FZ_ISSUER) || !aud_ok(p) ||
	    !json_str_eq(p, "sub", c.sub))
		abort();
out:
	json_object_put(h);
	json_object_put(p);
	explicit_bzero(mac, sizeof(mac));
	free(tok);
}

static void
mode_jwks(const char *in, size_t len)
{
	struct jwt_keys		*k = NULL;
	struct jwt_claims	 c;
	enum jwt_reason		 why;
	char			*text, err[256];
	enum pat_err		 rc;
	size_t			 i;

	if ((text = malloc(len + 1)) == NULL)
		return;
	memcpy(text, in, len);
	text[len] = '\0';
	memset(err, 0x5a, sizeof(err));
	rc = jwt_keys_new(NULL, 0, text, "fuzz.jwks", &k, err, sizeof(err));
	if (memchr(err, '\0', sizeof(err)) == NULL)
		abort();
	if (rc == PAT_OK) {
		if (k == NULL)
			abort();
		for (i = 0; i < sizeof(fixture_tokens) /
		    sizeof(fixture_tokens[0]); i++) {
			rc = jwt_verify(k, &policy, fixture_tokens[i],
			    strlen(fixture_tokens[i]), FZ_NOW, &c, &why);
			check_result(rc, why, &c, FZ_NOW);
			/* A JWKS never verifies an HS256 token. */
			if (i == 0 && rc == PAT_OK)
				abort();
		}
	} else if (k != NULL || err[0] == '\0' ||
	    (rc != PAT_ERR_CONFIG && rc != PAT_ERR_NOMEM))
		abort();
	jwt_keys_free(k);

	/* The same bytes as an HS256 secret: accepted iff 32..4096 bytes. */
	k = NULL;
	rc = jwt_keys_new((const unsigned char *)in, len, NULL, NULL, &k,
	    err, sizeof(err));
	if ((rc == PAT_OK) != (len >= 32 && len <= 4096))
		abort();
	jwt_keys_free(k);
	free(text);
}

static int
utf8_valid(const unsigned char *s, size_t len)
{
	size_t		 i = 0, n, k;
	unsigned char	 c, lo, hi;

	while (i < len) {
		c = s[i];
		lo = 0x80;
		hi = 0xbf;
		if (c < 0x80)
			n = 1;
		else if (c >= 0xc2 && c <= 0xdf)
			n = 2;
		else if (c >= 0xe0 && c <= 0xef) {
			n = 3;
			lo = c == 0xe0 ? 0xa0 : 0x80;
			hi = c == 0xed ? 0x9f : 0xbf;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 4;
			lo = c == 0xf0 ? 0x90 : 0x80;
			hi = c == 0xf4 ? 0x8f : 0xbf;
		} else
			return 0;
		if (len - i < n)
			return 0;
		for (k = 1; k < n; k++) {
			if (s[i + k] < lo || s[i + k] > hi)
				return 0;
			lo = 0x80;
			hi = 0xbf;
		}
		i += n;
	}
	return 1;
}

static void
mode_mint(const char *in, size_t len)
{
	struct jwt_policy	 pol = policy;
	struct jwt_claims	 c;
	enum jwt_reason		 why = JWT_R_OK;
	char			*sub, *iss = NULL, *tok = NULL;
	const char		*nul;
	size_t			 sublen, i;
	enum pat_err		 rc;
	int			 sub_ok;

	if ((nul = memchr(in, '\0', len)) == NULL)
		sublen = len;
	else
		sublen = (size_t)(nul - in);
	if ((sub = malloc(sublen + 1)) == NULL)
		return;
	memcpy(sub, in, sublen);
	sub[sublen] = '\0';
	if (nul != NULL) {
		if ((iss = malloc(len - sublen)) == NULL)
			goto out;
		memcpy(iss, nul + 1, len - sublen - 1);
		iss[len - sublen - 1] = '\0';
		pol.issuer = iss;
	}
	sub_ok = sublen >= 1 && sublen <= JWT_SUB_MAX;
	for (i = 0; i < sublen; i++)
		if (sub[i] < 0x21 || sub[i] > 0x7e)
			sub_ok = 0;

	rc = jwt_sign_hs256((const unsigned char *)FZ_HS256_SECRET,
	    sizeof(FZ_HS256_SECRET) - 1, pol.issuer, FZ_AUDIENCE, sub, FZ_NOW,
	    300, &tok);
	if (!sub_ok) {
		if (rc == PAT_OK)
			abort();
		goto out;
	}
	if (rc == PAT_ERR_TOOBIG || rc == PAT_ERR_NOMEM)
		goto out;
	if (rc != PAT_OK || tok == NULL)
		abort();
	memset(&c, 0xa5, sizeof(c));
	rc = jwt_verify(keys_full, &pol, tok, strlen(tok), FZ_NOW, &c, &why);
	check_result(rc, why, &c, FZ_NOW);
	if (utf8_valid((const unsigned char *)pol.issuer, strlen(pol.issuer))) {
		if (rc != PAT_OK || strcmp(c.sub, sub) != 0 ||
		    c.exp != FZ_NOW + 300 || c.iat != FZ_NOW)
			abort();
		/* Expired 300 + LEEWAY seconds later. */
		if (jwt_verify(keys_full, &pol, tok, strlen(tok),
		    FZ_NOW + 300 + LEEWAY, &c, &why) != PAT_ERR_JWT ||
		    why != JWT_R_EXPIRED)
			abort();
	} else if (rc == PAT_OK)
		abort();	/* invalid UTF-8 in a claim got through */
out:
	free(tok);
	free(iss);
	free(sub);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*in;
	size_t	 len;

	if (size < 1)
		return 0;
	len = size - 1;
	/* An exact-size heap copy: ASan flags any read past len. */
	if ((in = malloc(len > 0 ? len : 1)) == NULL)
		return 0;
	memcpy(in, data + 1, len);
	switch (data[0] % 8) {
	case 1:
		mode_signed(in, len);
		break;
	case 2:
		mode_jwks(in, len);
		break;
	case 3:
		mode_raw(keys_one, in, len);
		break;
	case 4:
		mode_mint(in, len);
		break;
	default:
		mode_raw(keys_full, in, len);
		if (len <= JWT_MAX_LEN)
			check_b64(in, len);
		break;
	}
	free(in);
	return 0;
}
