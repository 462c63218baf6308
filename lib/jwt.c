/*
 * jwt.c — JWT (RFC 7519) verification with OpenSSL 3.0 EVP, HS256 minting.
 *
 * Order of checks in jwt_verify: size and segment syntax, base64url of all
 * three segments, header JSON, alg (allow-list), typ, crit, kid, key
 * selection, alg == the key's bound alg, signature; only then the payload
 * JSON and its claims (exp, nbf, iat, iss, aud, sub).
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include "json.h"
#include "b64.h"
#include "jwt.h"

#define JWT_JSON_DEPTH		8	/* header and payload */
#define JWKS_JSON_DEPTH		8	/* {"keys":[{"x5c":[...]}]} is 4 */
#define JWKS_MAX_KEYS		64
#define JWT_KID_MAX		256
#define JWT_LEEWAY_MAX		60
#define JWT_HS256_MIN		32	/* RFC 7518 3.2: key >= hash size */
#define JWT_HS256_MAX		4096
#define JWT_RSA_MIN_BITS	2048
#define JWT_RSA_MAX_BYTES	1024	/* 8192-bit modulus */
#define JWT_RSA_E_MAX_BYTES	8
#define JWT_P256_LEN		32
#define JWT_TIME_MAX		INT64_C(253402300799)	/* 9999-12-31T23:59:59Z */

enum jwt_alg {
	ALG_UNKNOWN = 0,
	ALG_HS256,
	ALG_RS256,
	ALG_RS384,
	ALG_RS512,
	ALG_PS256,
	ALG_ES256
};

static const struct {
	const char	*name;
	enum jwt_alg	 alg;
} jwt_algs[] = {
	{ "HS256", ALG_HS256 },
	{ "RS256", ALG_RS256 },
	{ "RS384", ALG_RS384 },
	{ "RS512", ALG_RS512 },
	{ "PS256", ALG_PS256 },
	{ "ES256", ALG_ES256 },
};

/* JWK members that only a private (or symmetric) key has. */
static const char *const jwk_private[] = {
	"d", "p", "q", "dp", "dq", "qi", "oth", "k"
};

struct jwk {
	char		 kid[JWT_KID_MAX + 1];
	size_t		 kidlen;
	int		 has_kid;
	enum jwt_alg	 alg;
	EVP_PKEY	*pkey;
};

struct jwt_keys {
	unsigned char	*hs256;
	size_t		 hs256_len;
	struct jwk	*jwk;
	size_t		 njwk;
};


const char *
jwt_reason_str(enum jwt_reason r)
{
	switch (r) {
	case JWT_R_OK:		return "ok";
	case JWT_R_SYNTAX:	return "malformed token";
	case JWT_R_ALG:		return "algorithm not allowed for the key";
	case JWT_R_KID:		return "no key for this kid";
	case JWT_R_CRIT:	return "crit header present";
	case JWT_R_SIGNATURE:	return "signature does not verify";
	case JWT_R_EXPIRED:	return "expired or exp missing";
	case JWT_R_NOT_YET:	return "not yet valid";
	case JWT_R_ISSUER:	return "wrong issuer";
	case JWT_R_AUDIENCE:	return "wrong audience";
	case JWT_R_SUBJECT:	return "bad subject";
	case JWT_R_CLAIMS:	return "claim of the wrong type";
	}
	return "unknown reason";
}

/* ---- base64url (RFC 4648 §5, no padding): lib/b64.c ---- */

size_t
jwt_b64url_encode(const void *src, size_t len, char *dst, size_t dstsz)
{
	return b64_encode(B64_URL, src, len, dst, dstsz);
}

size_t
jwt_b64url_decode(const char *src, size_t len, unsigned char *dst,
    size_t dstsz)
{
	return b64_decode(B64_URL, src, len, dst, dstsz);
}

/* ---- key set ---- */

static enum jwt_alg
alg_lookup(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(jwt_algs) / sizeof(jwt_algs[0]); i++)
		if (strlen(jwt_algs[i].name) == len &&
		    memcmp(jwt_algs[i].name, s, len) == 0)
			return jwt_algs[i].alg;
	return ALG_UNKNOWN;
}

/* obj[key] if it is a string; *len its length. NULL if absent/other. */
static const char *
get_str(struct json_object *obj, const char *key, size_t *len,
    int *present)
{
	struct json_object *v = NULL;
	int has;

	has = json_object_object_get_ex(obj, key, &v);
	if (present != NULL)
		*present = has;
	if (!has || !json_object_is_type(v, json_type_string))
		return NULL;
	*len = (size_t)json_object_get_string_len(v);
	return json_object_get_string(v);
}

static int
str_eq(const char *a, size_t alen, const char *b)
{
	return b != NULL && strlen(b) == alen && memcmp(a, b, alen) == 0;
}

/* Copies kid into dst (size >= 68) for messages: printable, truncated. */
static void
kid_for_msg(const char *kid, size_t len, char *dst, size_t dstsz)
{
	size_t i, o = 0;

	for (i = 0; i < len && o + 4 < dstsz && i < 64; i++)
		dst[o++] = (kid[i] >= 0x20 && kid[i] < 0x7f && kid[i] != '"') ?
		    kid[i] : '?';
	if (i < len && o + 4 < dstsz) {
		dst[o++] = '.';
		dst[o++] = '.';
		dst[o++] = '.';
	}
	dst[o] = '\0';
}

static EVP_PKEY *
pkey_fromdata(const char *type, OSSL_PARAM_BLD *bld)
{
	EVP_PKEY_CTX *ctx = NULL, *chk = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY *pk = NULL;

	if ((params = OSSL_PARAM_BLD_to_param(bld)) == NULL)
		goto out;
	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL)) == NULL)
		goto out;
	if (EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_PUBLIC_KEY, params) != 1) {
		EVP_PKEY_free(pk);
		pk = NULL;
		goto out;
	}
	/* RSA: n odd, e odd and sane; EC: point on the curve, right order. */
	if ((chk = EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL)) == NULL ||
	    EVP_PKEY_public_check(chk) != 1) {
		EVP_PKEY_free(pk);
		pk = NULL;
	}
out:
	EVP_PKEY_CTX_free(chk);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	ERR_clear_error();
	return pk;
}

/* Decodes member name of obj (base64url) into dst; -1 when bad. */
static int
get_b64(struct json_object *obj, const char *name, unsigned char *dst,
    size_t dstsz, size_t *outlen)
{
	const char *s;
	size_t len = 0, n;

	if ((s = get_str(obj, name, &len, NULL)) == NULL || len == 0)
		return -1;
	if ((n = jwt_b64url_decode(s, len, dst, dstsz)) == (size_t)-1)
		return -1;
	*outlen = n;
	return 0;
}

static enum pat_err
jwk_rsa(struct json_object *o, struct jwk *k, char *msg, size_t msglen)
{
	unsigned char nb[JWT_RSA_MAX_BYTES], eb[JWT_RSA_E_MAX_BYTES];
	size_t nlen = 0, elen = 0;
	BIGNUM *n = NULL, *e = NULL;
	OSSL_PARAM_BLD *bld = NULL;
	enum pat_err rc = PAT_ERR_CONFIG;
	int bits;

	if (get_b64(o, "n", nb, sizeof(nb), &nlen) == -1) {
		pat_errf(msg, msglen, "\"n\" must be a base64url string of at "
		    "most %d bytes", JWT_RSA_MAX_BYTES);
		goto out;
	}
	if (get_b64(o, "e", eb, sizeof(eb), &elen) == -1) {
		pat_errf(msg, msglen, "\"e\" must be a base64url string of at "
		    "most %d bytes", JWT_RSA_E_MAX_BYTES);
		goto out;
	}
	if ((n = BN_bin2bn(nb, (int)nlen, NULL)) == NULL ||
	    (e = BN_bin2bn(eb, (int)elen, NULL)) == NULL) {
		rc = PAT_ERR_NOMEM;
		goto out;
	}
	if ((bits = BN_num_bits(n)) < JWT_RSA_MIN_BITS) {
		pat_errf(msg, msglen, "RSA key has %d bits, at least %d required",
		    bits, JWT_RSA_MIN_BITS);
		goto out;
	}
	if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) != 1) {
		rc = PAT_ERR_NOMEM;
		goto out;
	}
	if ((k->pkey = pkey_fromdata("RSA", bld)) == NULL) {
		pat_errf(msg, msglen, "not a valid RSA public key");
		goto out;
	}
	rc = PAT_OK;
out:
	OSSL_PARAM_BLD_free(bld);
	BN_free(n);
	BN_free(e);
	ERR_clear_error();
	return rc;
}

static enum pat_err
jwk_ec(struct json_object *o, struct jwk *k, char *msg, size_t msglen)
{
	unsigned char pt[1 + 2 * JWT_P256_LEN];
	size_t len = 0, xlen = 0, ylen = 0;
	OSSL_PARAM_BLD *bld = NULL;
	enum pat_err rc = PAT_ERR_CONFIG;
	const char *crv;

	if ((crv = get_str(o, "crv", &len, NULL)) == NULL ||
	    !str_eq(crv, len, "P-256")) {
		pat_errf(msg, msglen, "\"crv\" must be \"P-256\"");
		goto out;
	}
	pt[0] = 0x04;
	if (get_b64(o, "x", pt + 1, JWT_P256_LEN, &xlen) == -1 ||
	    xlen != JWT_P256_LEN ||
	    get_b64(o, "y", pt + 1 + JWT_P256_LEN, JWT_P256_LEN, &ylen) == -1 ||
	    ylen != JWT_P256_LEN) {
		pat_errf(msg, msglen, "\"x\" and \"y\" must be base64url strings "
		    "of %d bytes", JWT_P256_LEN);
		goto out;
	}
	if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
	    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
	    "prime256v1", 0) != 1 ||
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
	    pt, sizeof(pt)) != 1) {
		rc = PAT_ERR_NOMEM;
		goto out;
	}
	if ((k->pkey = pkey_fromdata("EC", bld)) == NULL) {
		pat_errf(msg, msglen, "not a valid P-256 public key (point not "
		    "on the curve?)");
		goto out;
	}
	rc = PAT_OK;
out:
	OSSL_PARAM_BLD_free(bld);
	return rc;
}

/*
 * Loads one JWK into k. kid is read first so that the caller can name the
 * key in msg whatever else is wrong.
 */
static enum pat_err
jwk_load(struct json_object *o, struct jwk *k, char *msg, size_t msglen)
{
	const char *s;
	size_t len = 0, i;
	int present = 0;
	enum jwt_alg alg;
	int is_rsa;

	if (!json_object_is_type(o, json_type_object)) {
		pat_errf(msg, msglen, "not a JSON object");
		return PAT_ERR_CONFIG;
	}
	s = get_str(o, "kid", &len, &present);
	if (present) {
		if (s == NULL || len == 0 || len > JWT_KID_MAX) {
			pat_errf(msg, msglen, "\"kid\" must be a string of 1 to "
			    "%d bytes", JWT_KID_MAX);
			return PAT_ERR_CONFIG;
		}
		memcpy(k->kid, s, len);
		k->kid[len] = '\0';
		k->kidlen = len;
		k->has_kid = 1;
	}
	if ((s = get_str(o, "kty", &len, NULL)) == NULL) {
		pat_errf(msg, msglen, "\"kty\" missing or not a string");
		return PAT_ERR_CONFIG;
	}
	if (str_eq(s, len, "oct")) {
		pat_errf(msg, msglen, "kty \"oct\" (shared secret) is refused in "
		    "a JWKS; use hs256_secret_file");
		return PAT_ERR_CONFIG;
	}
	if (str_eq(s, len, "RSA"))
		is_rsa = 1;
	else if (str_eq(s, len, "EC"))
		is_rsa = 0;
	else {
		pat_errf(msg, msglen, "unsupported kty (RSA or EC only)");
		return PAT_ERR_CONFIG;
	}
	for (i = 0; i < sizeof(jwk_private) / sizeof(jwk_private[0]); i++)
		if (json_object_object_get_ex(o, jwk_private[i], NULL)) {
			pat_errf(msg, msglen, "private member \"%s\" present; "
			    "the JWKS must hold public keys only",
			    jwk_private[i]);
			return PAT_ERR_CONFIG;
		}
	s = get_str(o, "use", &len, &present);
	if (present && (s == NULL || !str_eq(s, len, "sig"))) {
		pat_errf(msg, msglen, "\"use\" must be \"sig\"");
		return PAT_ERR_CONFIG;
	}
	alg = is_rsa ? ALG_RS256 : ALG_ES256;
	s = get_str(o, "alg", &len, &present);
	if (present) {
		alg = s == NULL ? ALG_UNKNOWN : alg_lookup(s, len);
		if (is_rsa && alg != ALG_RS256 && alg != ALG_RS384 &&
		    alg != ALG_RS512 && alg != ALG_PS256) {
			pat_errf(msg, msglen, "\"alg\" must be RS256, RS384, "
			    "RS512 or PS256 for kty RSA");
			return PAT_ERR_CONFIG;
		}
		if (!is_rsa && alg != ALG_ES256) {
			pat_errf(msg, msglen, "\"alg\" must be ES256 for kty EC");
			return PAT_ERR_CONFIG;
		}
	}
	k->alg = alg;
	return is_rsa ? jwk_rsa(o, k, msg, msglen) : jwk_ec(o, k, msg, msglen);
}

static enum pat_err
jwks_load(struct jwt_keys *keys, const char *json, const char *name,
    char *errbuf, size_t errlen)
{
	struct json_object *root = NULL, *arr = NULL;
	struct jwk *k;
	char msg[192], kid[72];
	size_t n, i, j;
	enum pat_err rc;

	rc = js_parse_strict(json, strlen(json), JWKS_JSON_DEPTH, &root);
	if (rc == PAT_ERR_NOMEM)
		goto out;
	if (rc != PAT_OK) {
		pat_errf(errbuf, errlen, "%s: not valid JSON (strict, nesting at "
		    "most %d, no duplicate keys)", name, JWKS_JSON_DEPTH);
		rc = PAT_ERR_CONFIG;
		goto out;
	}
	rc = PAT_ERR_CONFIG;
	if (!json_object_is_type(root, json_type_object) ||
	    !json_object_object_get_ex(root, "keys", &arr) ||
	    !json_object_is_type(arr, json_type_array)) {
		pat_errf(errbuf, errlen, "%s: must be an object with a \"keys\" "
		    "array", name);
		goto out;
	}
	n = json_object_array_length(arr);
	if (n == 0 || n > JWKS_MAX_KEYS) {
		pat_errf(errbuf, errlen, "%s: \"keys\" must hold 1 to %d keys",
		    name, JWKS_MAX_KEYS);
		goto out;
	}
	if ((keys->jwk = calloc(n, sizeof(*keys->jwk))) == NULL) {
		rc = PAT_ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		k = &keys->jwk[i];
		keys->njwk = i + 1;
		msg[0] = '\0';
		rc = jwk_load(json_object_array_get_idx(arr, i), k, msg,
		    sizeof(msg));
		if (rc == PAT_OK && !k->has_kid && n > 1) {
			pat_errf(msg, sizeof(msg), "\"kid\" is required when the "
			    "set holds more than one key");
			rc = PAT_ERR_CONFIG;
		}
		for (j = 0; rc == PAT_OK && j < i; j++)
			if (keys->jwk[j].has_kid &&
			    keys->jwk[j].kidlen == k->kidlen &&
			    memcmp(keys->jwk[j].kid, k->kid, k->kidlen) == 0) {
				pat_errf(msg, sizeof(msg), "duplicate \"kid\" "
				    "(same as keys[%zu])", j);
				rc = PAT_ERR_CONFIG;
			}
		if (rc == PAT_ERR_NOMEM)
			goto out;
		if (rc != PAT_OK) {
			if (k->has_kid) {
				kid_for_msg(k->kid, k->kidlen, kid, sizeof(kid));
				pat_errf(errbuf, errlen, "%s: keys[%zu] "
				    "(kid \"%s\"): %s", name, i, kid, msg);
			} else
				pat_errf(errbuf, errlen, "%s: keys[%zu]: %s",
				    name, i, msg);
			goto out;
		}
	}
	rc = PAT_OK;
out:
	json_object_put(root);
	return rc;
}

enum pat_err
jwt_keys_new(const unsigned char *hs256, size_t hs256_len,
    const char *jwks_json, const char *jwks_name, struct jwt_keys **out,
    char *errbuf, size_t errlen)
{
	struct jwt_keys *keys = NULL;
	enum pat_err rc = PAT_ERR_CONFIG;

	if (errbuf != NULL && errlen > 0)
		errbuf[0] = '\0';
	if (out == NULL)
		return PAT_ERR_INVALID;
	*out = NULL;
	if (jwks_name == NULL)
		jwks_name = "JWKS";
	if (hs256 == NULL && jwks_json == NULL) {
		pat_errf(errbuf, errlen, "no HS256 secret and no JWKS: at least "
		    "one key is needed");
		goto out;
	}
	if (hs256 != NULL &&
	    (hs256_len < JWT_HS256_MIN || hs256_len > JWT_HS256_MAX)) {
		pat_errf(errbuf, errlen, "HS256 secret is %zu bytes; it must be "
		    "%d to %d bytes", hs256_len, JWT_HS256_MIN, JWT_HS256_MAX);
		goto out;
	}
	if ((keys = calloc(1, sizeof(*keys))) == NULL) {
		rc = PAT_ERR_NOMEM;
		goto out;
	}
	if (hs256 != NULL) {
		if ((keys->hs256 = malloc(hs256_len)) == NULL) {
			rc = PAT_ERR_NOMEM;
			goto out;
		}
		memcpy(keys->hs256, hs256, hs256_len);
		keys->hs256_len = hs256_len;
	}
	if (jwks_json != NULL &&
	    (rc = jwks_load(keys, jwks_json, jwks_name, errbuf, errlen)) !=
	    PAT_OK)
		goto out;
	*out = keys;
	keys = NULL;
	rc = PAT_OK;
out:
	if (rc == PAT_ERR_NOMEM)
		pat_errf(errbuf, errlen, "out of memory");
	jwt_keys_free(keys);
	return rc;
}

void
jwt_keys_free(struct jwt_keys *keys)
{
	size_t i;

	if (keys == NULL)
		return;
	if (keys->hs256 != NULL) {
		explicit_bzero(keys->hs256, keys->hs256_len);
		free(keys->hs256);
	}
	for (i = 0; i < keys->njwk; i++)
		EVP_PKEY_free(keys->jwk[i].pkey);
	free(keys->jwk);
	explicit_bzero(keys, sizeof(*keys));
	free(keys);
}

/* ---- verification ---- */

/* 1 when sig verifies over in with k (RS*, PS256, ES256), else 0. */
static int
verify_pkey(const struct jwk *k, const unsigned char *in, size_t inlen,
    const unsigned char *sig, size_t siglen)
{
	EVP_MD_CTX *md = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	ECDSA_SIG *es = NULL;
	BIGNUM *r = NULL, *s = NULL;
	unsigned char *der = NULL;
	const EVP_MD *dg;
	int derlen, ok = 0;

	switch (k->alg) {
	case ALG_RS384:
		dg = EVP_sha384();
		break;
	case ALG_RS512:
		dg = EVP_sha512();
		break;
	case ALG_RS256:
	case ALG_PS256:
	case ALG_ES256:
		dg = EVP_sha256();
		break;
	default:
		goto out;
	}
	if (k->alg == ALG_ES256) {
		/* JWS: r || s, 32 bytes each; EVP wants DER ECDSA-Sig-Value. */
		if (siglen != 2 * JWT_P256_LEN)
			goto out;
		if ((r = BN_bin2bn(sig, JWT_P256_LEN, NULL)) == NULL ||
		    (s = BN_bin2bn(sig + JWT_P256_LEN, JWT_P256_LEN,
		    NULL)) == NULL || (es = ECDSA_SIG_new()) == NULL)
			goto out;
		if (ECDSA_SIG_set0(es, r, s) != 1)
			goto out;
		r = s = NULL;	/* owned by es */
		if ((derlen = i2d_ECDSA_SIG(es, &der)) <= 0)
			goto out;
		sig = der;
		siglen = (size_t)derlen;
	} else if (EVP_PKEY_get_size(k->pkey) <= 0 ||
	    siglen != (size_t)EVP_PKEY_get_size(k->pkey))
		goto out;
	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestVerifyInit(md, &pctx, dg, NULL, k->pkey) != 1)
		goto out;
	if (k->alg == ALG_PS256) {
		if (EVP_PKEY_CTX_set_rsa_padding(pctx,
		    RSA_PKCS1_PSS_PADDING) != 1 ||
		    EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) != 1 ||
		    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx,
		    RSA_PSS_SALTLEN_DIGEST) != 1)
			goto out;
	} else if (k->alg != ALG_ES256 &&
	    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1)
		goto out;
	ok = EVP_DigestVerify(md, sig, siglen, in, inlen) == 1;
out:
	EVP_MD_CTX_free(md);
	ECDSA_SIG_free(es);
	BN_free(r);
	BN_free(s);
	OPENSSL_free(der);
	ERR_clear_error();
	return ok;
}

/* 1 when sig is the HMAC-SHA256 of in under key (constant-time compare). */
static int
verify_hs256(const unsigned char *key, size_t keylen, const unsigned char *in,
    size_t inlen, const unsigned char *sig, size_t siglen)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	int ok = 0;

	if (siglen != 32 || keylen > INT_MAX)
		return 0;
	if (HMAC(EVP_sha256(), key, (int)keylen, in, inlen, mac,
	    &maclen) != NULL && maclen == 32)
		ok = CRYPTO_memcmp(mac, sig, 32) == 0;
	explicit_bzero(mac, sizeof(mac));
	ERR_clear_error();
	return ok;
}

/* ASCII case-insensitive prefix compare, independent of the locale. */
static int
ascii_caseeq(const char *a, const char *b, size_t n)
{
	size_t i;
	unsigned char x, y;

	for (i = 0; i < n; i++) {
		x = (unsigned char)a[i];
		y = (unsigned char)b[i];
		if (x >= 'A' && x <= 'Z')
			x = (unsigned char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (unsigned char)(y - 'A' + 'a');
		if (x != y)
			return 0;
	}
	return 1;
}

/* typ: "JWT" or "at+jwt" (RFC 9068), optionally "application/", any case. */
static int
typ_ok(const char *s, size_t len)
{
	static const char app[] = "application/";

	if (len > sizeof(app) - 1 && ascii_caseeq(s, app, sizeof(app) - 1)) {
		s += sizeof(app) - 1;
		len -= sizeof(app) - 1;
	}
	return (len == 3 && ascii_caseeq(s, "jwt", 3)) ||
	    (len == 6 && ascii_caseeq(s, "at+jwt", 6));
}

/*
 * A NumericDate claim: 0 absent, 1 present (*v set), -1 not an integer or
 * outside 0..JWT_TIME_MAX (json-c clamps overflowing integers to
 * INT64_MAX, so they land here too).
 */
static int
claim_time(struct json_object *p, const char *name, int64_t *v)
{
	struct json_object *o = NULL;

	if (!json_object_object_get_ex(p, name, &o))
		return 0;
	if (!json_object_is_type(o, json_type_int))
		return -1;
	*v = json_object_get_int64(o);
	if (*v < 0 || *v > JWT_TIME_MAX)
		return -1;
	return 1;
}

static enum jwt_reason
check_claims(struct json_object *p, const struct jwt_policy *pol, time_t tnow,
    struct jwt_claims *out)
{
	struct json_object *aud = NULL, *e;
	int64_t now = (int64_t)tnow, leeway, exp = 0, nbf = 0, iat = 0;
	const char *s;
	size_t len = 0, i, n;
	int found, rv;

	leeway = pol->leeway > JWT_LEEWAY_MAX ? JWT_LEEWAY_MAX : pol->leeway;

	/* exp: required; expired when exp + leeway <= now, without overflow. */
	if (claim_time(p, "exp", &exp) != 1)
		return JWT_R_EXPIRED;
	if (exp <= INT64_MAX - leeway && exp + leeway <= now)
		return JWT_R_EXPIRED;
	/* nbf, iat: optional; 0 <= value, so value - leeway cannot overflow. */
	if ((rv = claim_time(p, "nbf", &nbf)) == -1)
		return JWT_R_CLAIMS;
	if (rv == 1 && nbf - leeway > now)
		return JWT_R_NOT_YET;
	if ((rv = claim_time(p, "iat", &iat)) == -1)
		return JWT_R_CLAIMS;
	if (rv == 1 && iat - leeway > now)
		return JWT_R_NOT_YET;

	if ((s = get_str(p, "iss", &len, NULL)) == NULL ||
	    pol->issuer == NULL || !str_eq(s, len, pol->issuer))
		return JWT_R_ISSUER;

	if (pol->audience == NULL || !json_object_object_get_ex(p, "aud", &aud))
		return JWT_R_AUDIENCE;
	if (json_object_is_type(aud, json_type_string)) {
		if (!str_eq(json_object_get_string(aud),
		    (size_t)json_object_get_string_len(aud), pol->audience))
			return JWT_R_AUDIENCE;
	} else if (json_object_is_type(aud, json_type_array)) {
		n = json_object_array_length(aud);
		found = 0;
		for (i = 0; i < n; i++) {
			e = json_object_array_get_idx(aud, i);
			if (!json_object_is_type(e, json_type_string))
				return JWT_R_AUDIENCE;
			if (str_eq(json_object_get_string(e),
			    (size_t)json_object_get_string_len(e),
			    pol->audience))
				found = 1;
		}
		if (!found)
			return JWT_R_AUDIENCE;
	} else
		return JWT_R_AUDIENCE;

	if ((s = get_str(p, "sub", &len, NULL)) == NULL || len == 0 ||
	    len > JWT_SUB_MAX)
		return JWT_R_SUBJECT;
	for (i = 0; i < len; i++)
		if (s[i] < 0x21 || s[i] > 0x7e)
			return JWT_R_SUBJECT;

	if (out != NULL) {
		memcpy(out->sub, s, len);
		out->sub[len] = '\0';
		out->exp = exp;
		out->iat = iat;
	}
	return JWT_R_OK;
}

enum pat_err
jwt_verify(const struct jwt_keys *keys, const struct jwt_policy *pol,
    const char *token, size_t len, time_t now, struct jwt_claims *out,
    enum jwt_reason *why)
{
	struct json_object *hdr = NULL, *pay = NULL;
	const struct jwk *k = NULL;
	unsigned char *buf = NULL, *h, *p, *sig;
	size_t dot[2], ndots = 0, i, hlen, plen, siglen, slen = 0, kidlen = 0;
	const char *s, *kid;
	enum jwt_reason r = JWT_R_SYNTAX;
	enum pat_err rc = PAT_ERR_JWT, prc;
	enum jwt_alg alg;
	int present = 0;

	if (out != NULL)
		memset(out, 0, sizeof(*out));

	/* Shape: three non-empty base64url segments, nothing else. */
	if (token == NULL || len == 0 || len > JWT_MAX_LEN)
		goto out;
	for (i = 0; i < len; i++) {
		if (token[i] == '.') {
			if (ndots == 2)
				goto out;
			dot[ndots++] = i;
		} else if (b64_value(B64_URL, (unsigned char)token[i]) < 0)
			goto out;
	}
	if (ndots != 2 || dot[0] == 0 || dot[1] == dot[0] + 1 ||
	    dot[1] == len - 1)
		goto out;
	if ((buf = malloc(len)) == NULL) {
		rc = PAT_ERR_NOMEM;
		goto out;
	}
	h = buf;
	if ((hlen = jwt_b64url_decode(token, dot[0], h, len)) == (size_t)-1)
		goto out;
	p = h + hlen;
	if ((plen = jwt_b64url_decode(token + dot[0] + 1, dot[1] - dot[0] - 1,
	    p, len - hlen)) == (size_t)-1)
		goto out;
	sig = p + plen;
	if ((siglen = jwt_b64url_decode(token + dot[1] + 1, len - dot[1] - 1,
	    sig, len - hlen - plen)) == (size_t)-1)
		goto out;

	/* Header. */
	prc = js_parse_strict((const char *)h, hlen, JWT_JSON_DEPTH, &hdr);
	if (prc == PAT_ERR_NOMEM) {
		rc = PAT_ERR_NOMEM;
		goto out;
	}
	if (prc != PAT_OK || !json_object_is_type(hdr, json_type_object))
		goto out;
	r = JWT_R_ALG;
	if ((s = get_str(hdr, "alg", &slen, NULL)) == NULL ||
	    (alg = alg_lookup(s, slen)) == ALG_UNKNOWN)
		goto out;
	r = JWT_R_SYNTAX;
	s = get_str(hdr, "typ", &slen, &present);
	if (present && (s == NULL || !typ_ok(s, slen)))
		goto out;
	r = JWT_R_CRIT;
	if (json_object_object_get_ex(hdr, "crit", NULL))
		goto out;
	r = JWT_R_KID;
	kid = get_str(hdr, "kid", &kidlen, &present);
	if (present && (kid == NULL || kidlen > JWT_KID_MAX))
		goto out;

	/* Key first, then the token's alg must be that key's alg. */
	if (keys == NULL) {
		r = JWT_R_ALG;
		goto out;
	}
	if (alg == ALG_HS256) {
		r = JWT_R_ALG;
		if (keys->hs256 == NULL)
			goto out;
	} else {
		r = JWT_R_ALG;
		if (keys->njwk == 0)
			goto out;
		r = JWT_R_KID;
		if (kid != NULL) {
			for (i = 0; i < keys->njwk && k == NULL; i++)
				if (keys->jwk[i].has_kid &&
				    keys->jwk[i].kidlen == kidlen &&
				    memcmp(keys->jwk[i].kid, kid, kidlen) == 0)
					k = &keys->jwk[i];
		} else if (keys->njwk == 1)
			k = &keys->jwk[0];
		if (k == NULL)
			goto out;
		r = JWT_R_ALG;
		if (k->alg != alg)
			goto out;
	}

	/* Signature over the ASCII "header.payload", before any claim. */
	r = JWT_R_SIGNATURE;
	if (alg == ALG_HS256) {
		if (!verify_hs256(keys->hs256, keys->hs256_len,
		    (const unsigned char *)token, dot[1], sig, siglen))
			goto out;
	} else if (!verify_pkey(k, (const unsigned char *)token, dot[1], sig,
	    siglen))
		goto out;

	/* Payload and claims. */
	r = JWT_R_SYNTAX;
	prc = js_parse_strict((const char *)p, plen, JWT_JSON_DEPTH, &pay);
	if (prc == PAT_ERR_NOMEM) {
		rc = PAT_ERR_NOMEM;
		goto out;
	}
	if (prc != PAT_OK || !json_object_is_type(pay, json_type_object))
		goto out;
	if (pol == NULL) {
		r = JWT_R_ISSUER;
		goto out;
	}
	if ((r = check_claims(pay, pol, now, out)) == JWT_R_OK)
		rc = PAT_OK;
out:
	if (rc != PAT_OK && out != NULL)
		memset(out, 0, sizeof(*out));
	if (why != NULL)
		*why = rc == PAT_OK ? JWT_R_OK : r;
	json_object_put(hdr);
	json_object_put(pay);
	free(buf);
	return rc;
}

/* ---- minting ---- */

enum pat_err
jwt_sign_hs256(const unsigned char *key, size_t keylen, const char *iss,
    const char *aud, const char *sub, time_t now, long ttl, char **out)
{
	static const char hdr[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
	struct json_object *pay = NULL, *v;
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	const char *txt;
	char *buf = NULL;
	size_t txtlen, sublen, cap = 0, o, n, i;
	int64_t t = (int64_t)now, exp;
	enum pat_err rc = PAT_ERR_INVALID;

	if (out == NULL)
		return PAT_ERR_INVALID;
	*out = NULL;
	if (key == NULL || keylen < JWT_HS256_MIN || keylen > JWT_HS256_MAX ||
	    iss == NULL || aud == NULL || sub == NULL)
		goto out;
	if (t < 0 || t > JWT_TIME_MAX || ttl <= 0 ||
	    (int64_t)ttl > JWT_TIME_MAX - t)
		goto out;
	exp = t + (int64_t)ttl;
	sublen = strlen(sub);
	if (sublen == 0 || sublen > JWT_SUB_MAX)
		goto out;
	for (i = 0; i < sublen; i++)
		if (sub[i] < 0x21 || sub[i] > 0x7e)
			goto out;

	rc = PAT_ERR_NOMEM;
	if ((pay = json_object_new_object()) == NULL)
		goto out;
#define ADD(name, val)							\
	do {								\
		if ((v = (val)) == NULL)				\
			goto out;					\
		if (json_object_object_add(pay, (name), v) != 0) {	\
			json_object_put(v);				\
			goto out;					\
		}							\
	} while (0)
	ADD("iss", json_object_new_string(iss));
	ADD("aud", json_object_new_string(aud));
	ADD("sub", json_object_new_string(sub));
	ADD("iat", json_object_new_int64(t));
	ADD("nbf", json_object_new_int64(t));
	ADD("exp", json_object_new_int64(exp));
#undef ADD
	if ((txt = json_object_to_json_string_length(pay,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
	    &txtlen)) == NULL)
		goto out;

	/* header.payload.signature, each base64url (4/3 + 1) plus dots. */
	cap = (sizeof(hdr) / 3 + 1) * 4 + 1 + (txtlen / 3 + 1) * 4 + 1 +
	    (32 / 3 + 1) * 4 + 1;
	if ((buf = malloc(cap)) == NULL)
		goto out;
	rc = PAT_ERR_INVALID;
	o = 0;
	if ((n = jwt_b64url_encode(hdr, sizeof(hdr) - 1, buf + o,
	    cap - o)) == (size_t)-1)
		goto out;
	o += n;
	buf[o++] = '.';
	if ((n = jwt_b64url_encode(txt, txtlen, buf + o, cap - o)) ==
	    (size_t)-1)
		goto out;
	o += n;
	if (HMAC(EVP_sha256(), key, (int)keylen, (unsigned char *)buf, o, mac,
	    &maclen) == NULL || maclen != 32) {
		ERR_clear_error();
		goto out;
	}
	buf[o++] = '.';
	if ((n = jwt_b64url_encode(mac, 32, buf + o, cap - o)) == (size_t)-1)
		goto out;
	o += n;
	rc = PAT_ERR_TOOBIG;
	if (o > JWT_MAX_LEN)
		goto out;
	*out = buf;
	buf = NULL;
	rc = PAT_OK;
out:
	explicit_bzero(mac, sizeof(mac));
	if (buf != NULL) {
		explicit_bzero(buf, cap);
		free(buf);
	}
	json_object_put(pay);
	return rc;
}
