/*
 * json.c — strict JSON parsing on top of json-c 0.16.
 *
 * json-c's STRICT mode still accepts NaN, Infinity, single quotes, "1.",
 * raw control characters, lone surrogate escapes and loosely validated
 * UTF-8, and it keeps the last of duplicate keys silently. So after json-c
 * has parsed (and thereby checked the structure of) the text, a small
 * lexical pass re-reads the raw bytes, checks every token against RFC 8259
 * and compares the decoded keys of each object.
 */
#include <limits.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "json.h"
#include "valid.h"

struct js_key {
	size_t		 off;		/* into the arena */
	size_t		 len;
	const char	*p;		/* arena + off, set just before sorting */
};

struct js_frame {
	int		 is_object;
	int		 want_key;	/* next string in this object is a key */
	size_t		 key_start;	/* this object's first key in keys[] */
	size_t		 arena_start;
};

struct js_scan {
	const unsigned char	*s;
	size_t			 len;
	size_t			 i;
	struct js_frame		*frames;
	int			 nframes;
	int			 maxframes;
	struct js_key		*keys;
	size_t			 nkeys;
	size_t			 keycap;
	char			*arena;		/* decoded keys, at most len bytes */
	size_t			 alen;
};

static int
js_is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int
js_is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int
js_hex4(const unsigned char *p, uint32_t *v)
{
	uint32_t	 r = 0;
	int		 k;

	for (k = 0; k < 4; k++) {
		r <<= 4;
		if (p[k] >= '0' && p[k] <= '9')
			r |= (uint32_t)(p[k] - '0');
		else if (p[k] >= 'a' && p[k] <= 'f')
			r |= (uint32_t)(p[k] - 'a' + 10);
		else if (p[k] >= 'A' && p[k] <= 'F')
			r |= (uint32_t)(p[k] - 'A' + 10);
		else
			return -1;
	}
	*v = r;
	return 0;
}

/* Appends cp as UTF-8 to out (capacity checked by the caller's bound). */
static size_t
js_utf8_put(char *out, uint32_t cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * Reads the string starting at the quote at sc->i. With out non-NULL the
 * decoded bytes are written there (a decoded string is never longer than
 * its raw form) and *outlen set. Rejects raw control characters, invalid
 * escapes, \u0000, lone surrogates and invalid UTF-8.
 */
static enum pat_err
js_scan_string(struct js_scan *sc, char *out, size_t *outlen)
{
	const unsigned char	*s = sc->s;
	size_t			 i = sc->i + 1, n = 0, k;
	uint32_t		 cp, lo;
	unsigned char		 c;

	for (;;) {
		if (i >= sc->len)
			return PAT_ERR_FORMAT;
		c = s[i];
		if (c == '"')
			break;
		if (c < 0x20)
			return PAT_ERR_FORMAT;
		if (c >= 0x80) {
			k = val_utf8_next(s + i, sc->len - i, &cp);
			if (k == 0)
				return PAT_ERR_FORMAT;
			if (out != NULL)
				memcpy(out + n, s + i, k);
			n += k;
			i += k;
			continue;
		}
		if (c != '\\') {
			if (out != NULL)
				out[n] = (char)c;
			n++;
			i++;
			continue;
		}
		if (i + 1 >= sc->len)
			return PAT_ERR_FORMAT;
		switch (s[i + 1]) {
		case '"':	cp = '"'; break;
		case '\\':	cp = '\\'; break;
		case '/':	cp = '/'; break;
		case 'b':	cp = '\b'; break;
		case 'f':	cp = '\f'; break;
		case 'n':	cp = '\n'; break;
		case 'r':	cp = '\r'; break;
		case 't':	cp = '\t'; break;
		case 'u':
			if (sc->len - i < 6 || js_hex4(s + i + 2, &cp) == -1)
				return PAT_ERR_FORMAT;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return PAT_ERR_FORMAT;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (sc->len - i < 12 || s[i + 6] != '\\' ||
				    s[i + 7] != 'u' ||
				    js_hex4(s + i + 8, &lo) == -1 ||
				    lo < 0xdc00 || lo > 0xdfff)
					return PAT_ERR_FORMAT;
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
				i += 6;
			}
			if (cp == 0)
				return PAT_ERR_FORMAT;
			i += 4;
			break;
		default:
			return PAT_ERR_FORMAT;
		}
		i += 2;
		if (out != NULL)
			n += js_utf8_put(out + n, cp);
		else
			n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
	}
	sc->i = i + 1;
	if (outlen != NULL)
		*outlen = n;
	return PAT_OK;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? and nothing glued on. */
static enum pat_err
js_scan_number(struct js_scan *sc)
{
	const unsigned char	*s = sc->s;
	size_t			 i = sc->i, len = sc->len, start;

	if (i < len && s[i] == '-')
		i++;
	if (i >= len || !js_is_digit(s[i]))
		return PAT_ERR_FORMAT;
	if (s[i] == '0')
		i++;
	else
		while (i < len && js_is_digit(s[i]))
			i++;
	if (i < len && s[i] == '.') {
		start = ++i;
		while (i < len && js_is_digit(s[i]))
			i++;
		if (i == start)
			return PAT_ERR_FORMAT;
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		start = i;
		while (i < len && js_is_digit(s[i]))
			i++;
		if (i == start)
			return PAT_ERR_FORMAT;
	}
	if (i < len && (js_is_digit(s[i]) || s[i] == '.' || s[i] == 'e' ||
	    s[i] == 'E' || s[i] == '+' || s[i] == '-'))
		return PAT_ERR_FORMAT;
	sc->i = i;
	return PAT_OK;
}

static enum pat_err
js_scan_literal(struct js_scan *sc)
{
	static const char *const lits[] = { "true", "false", "null" };
	size_t	 k, n;

	for (k = 0; k < sizeof(lits) / sizeof(lits[0]); k++) {
		n = strlen(lits[k]);
		if (sc->len - sc->i >= n &&
		    memcmp(sc->s + sc->i, lits[k], n) == 0) {
			sc->i += n;
			return PAT_OK;
		}
	}
	return PAT_ERR_FORMAT;
}

static int
js_key_cmp(const void *a, const void *b)
{
	const struct js_key	*ka = a, *kb = b;
	size_t			 n = ka->len < kb->len ? ka->len : kb->len;
	int			 r;

	if (n > 0 && (r = memcmp(ka->p, kb->p, n)) != 0)
		return r;
	return (ka->len > kb->len) - (ka->len < kb->len);
}

/* Sorts the keys of the object being closed and rejects a repeated one. */
static enum pat_err
js_close_object(struct js_scan *sc, const struct js_frame *f)
{
	struct js_key	*k;
	size_t		 n = sc->nkeys - f->key_start, j;

	/* sc->keys is NULL until the first key: no arithmetic on it before. */
	if (n > 1) {
		k = sc->keys + f->key_start;
		for (j = 0; j < n; j++)
			k[j].p = sc->arena + k[j].off;
		qsort(k, n, sizeof(*k), js_key_cmp);
		for (j = 1; j < n; j++)
			if (js_key_cmp(&k[j - 1], &k[j]) == 0)
				return PAT_ERR_FORMAT;
	}
	sc->nkeys = f->key_start;
	sc->alen = f->arena_start;
	return PAT_OK;
}

static enum pat_err
js_add_key(struct js_scan *sc)
{
	struct js_key	*nk;
	size_t		 ncap, klen;
	enum pat_err	 rc;

	if (sc->nkeys == sc->keycap) {
		ncap = sc->keycap == 0 ? 16 : sc->keycap * 2;
		if (ncap > SIZE_MAX / sizeof(*nk))
			return PAT_ERR_NOMEM;
		if ((nk = realloc(sc->keys, ncap * sizeof(*nk))) == NULL)
			return PAT_ERR_NOMEM;
		sc->keys = nk;
		sc->keycap = ncap;
	}
	if ((rc = js_scan_string(sc, sc->arena + sc->alen, &klen)) != PAT_OK)
		return rc;
	sc->keys[sc->nkeys].off = sc->alen;
	sc->keys[sc->nkeys].len = klen;
	sc->keys[sc->nkeys].p = NULL;
	sc->nkeys++;
	sc->alen += klen;
	return PAT_OK;
}

/*
 * The lexical pass over text json-c has already accepted: every token must
 * be RFC 8259 JSON, and no object may repeat a key. Bounded by len and by
 * sc->maxframes levels; O(n log n) in the number of keys.
 */
static enum pat_err
js_scan(struct js_scan *sc)
{
	struct js_frame	*f;
	unsigned char	 c;
	enum pat_err	 rc;

	while (sc->i < sc->len) {
		c = sc->s[sc->i];
		f = sc->nframes > 0 ? &sc->frames[sc->nframes - 1] : NULL;
		if (js_is_ws(c) || c == ':') {
			sc->i++;
		} else if (c == '{' || c == '[') {
			if (sc->nframes >= sc->maxframes)
				return PAT_ERR_FORMAT;
			f = &sc->frames[sc->nframes++];
			f->is_object = c == '{';
			f->want_key = f->is_object;
			f->key_start = sc->nkeys;
			f->arena_start = sc->alen;
			sc->i++;
		} else if (c == '}' || c == ']') {
			if (f == NULL || f->is_object != (c == '}'))
				return PAT_ERR_FORMAT;
			if (f->is_object && (rc = js_close_object(sc, f)) != PAT_OK)
				return rc;
			sc->nframes--;
			sc->i++;
		} else if (c == ',') {
			if (f == NULL)
				return PAT_ERR_FORMAT;
			f->want_key = f->is_object;
			sc->i++;
		} else if (c == '"') {
			if (f != NULL && f->want_key) {
				f->want_key = 0;
				rc = js_add_key(sc);
			} else
				rc = js_scan_string(sc, NULL, NULL);
			if (rc != PAT_OK)
				return rc;
		} else if (c == '-' || js_is_digit(c)) {
			if ((rc = js_scan_number(sc)) != PAT_OK)
				return rc;
		} else if ((rc = js_scan_literal(sc)) != PAT_OK)
			return rc;
	}
	return sc->nframes == 0 ? PAT_OK : PAT_ERR_FORMAT;
}

enum pat_err
js_parse_strict(const char *text, size_t len, int depth,
    struct json_object **out)
{
	struct json_tokener	*tok = NULL;
	struct json_object	*obj = NULL;
	struct js_scan		 sc;
	enum json_tokener_error	 jerr;
	enum pat_err		 rc = PAT_ERR_FORMAT;
	size_t			 end;

	memset(&sc, 0, sizeof(sc));
	*out = NULL;
	if (text == NULL || len == 0 || len >= INT_MAX || depth < 1)
		goto out;
	if ((tok = json_tokener_new_ex(depth)) == NULL) {
		rc = PAT_ERR_NOMEM;
		goto out;
	}
	json_tokener_set_flags(tok,
	    JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	if (jerr == json_tokener_continue && end == len) {
		/* A top-level scalar ("1", "true") ends only at a NUL. */
		obj = json_tokener_parse_ex(tok, "", 1);
		jerr = json_tokener_get_error(tok);
		end = len;
	}
	if (jerr != json_tokener_success || end > len)
		goto out;
	for (; end < len; end++)
		if (!js_is_ws((unsigned char)text[end]))
			goto out;

	sc.s = (const unsigned char *)text;
	sc.len = len;
	sc.maxframes = depth;
	if ((sc.frames = calloc((size_t)depth, sizeof(*sc.frames))) == NULL ||
	    (sc.arena = malloc(len)) == NULL) {
		rc = PAT_ERR_NOMEM;
		goto out;
	}
	if ((rc = js_scan(&sc)) != PAT_OK)
		goto out;

	*out = obj;
	obj = NULL;
	rc = PAT_OK;
out:
	free(sc.frames);
	free(sc.keys);
	free(sc.arena);
	json_object_put(obj);
	if (tok != NULL)
		json_tokener_free(tok);
	return rc;
}

struct json_object *
js_get_typed(struct json_object *obj, const char *key, enum json_type t,
    int *present)
{
	struct json_object	*v = NULL;
	int			 found;

	found = obj != NULL && json_object_is_type(obj, json_type_object) &&
	    json_object_object_get_ex(obj, key, &v);
	if (present != NULL)
		*present = found;
	if (!found || !json_object_is_type(v, t))
		return NULL;
	return v;
}

void
js_time_rfc3339(long long t, char out[21])
{
	struct tm	 tm;
	time_t		 tt = (time_t)t;
	int		 n;

	if ((long long)tt != t || gmtime_r(&tt, &tm) == NULL ||
	    tm.tm_year < -1900 || tm.tm_year > 9999 - 1900)
		goto fail;
	/* strftime's %Y does not pad years below 1000. */
	n = snprintf(out, 21, "%04d-%02d-%02dT%02d:%02d:%02dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec);
	if (n == 20)
		return;
fail:
	memcpy(out, "1970-01-01T00:00:00Z", 21);
}
