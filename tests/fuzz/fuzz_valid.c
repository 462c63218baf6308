/*
 * fuzz_valid.c — libFuzzer harness for the request-body validator:
 * lib/valid.h val_create_body (and so lib/json.h js_parse_strict), plus the
 * small validators it is built from.
 *
 * The input is a POST body, exactly as pat-fcgi hands it over (an exact-size
 * heap copy, not NUL-terminated, so ASan sees any read past the end).
 * Oracles:
 *   - val_create_body: PAT_ERR_TOOBIG exactly when the body is over
 *     VAL_BODY_MAX; FORMAT with no field, INVALID with a field and a
 *     message; on PAT_OK both strings exist, hold no NUL, and pass
 *     val_token_name / val_token_description again; and OK or INVALID only
 *     when js_parse_strict accepts the body as an object at VAL_BODY_DEPTH;
 *   - js_parse_strict: accepting at a depth implies accepting at a larger
 *     one; an accepted value re-serialised by json-c is accepted again and
 *     re-serialises identically; no accepted string holds a NUL;
 *   - val_utf8_next agrees with an RFC 3629 table decoder at every offset;
 *   - val_token_name / val_token_description never accept invalid UTF-8,
 *     control characters (but \t \n \r in a description) or a bad length,
 *     and val_publisher_id / val_user_id / val_uuid agree with reference
 *     implementations of their regexes.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "json.h"
#include "valid.h"

#define DEEP	64

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* RFC 3629 §4 table: the length of the sequence at s, or 0. */
static size_t
ref_utf8(const unsigned char *s, size_t len, uint32_t *cp)
{
	unsigned char	 c = s[0], lo = 0x80, hi = 0xbf;
	size_t		 n, k;
	uint32_t	 v;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		v = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0;
		if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		v = c & 0x07;
		if (c == 0xf0)
			lo = 0x90;
		if (c == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (len < n)
		return 0;
	for (k = 1; k < n; k++) {
		if (s[k] < lo || s[k] > hi)
			return 0;
		lo = 0x80;
		hi = 0xbf;
		v = (v << 6) | (s[k] & 0x3f);
	}
	*cp = v;
	return n;
}

/*
 * What a text rule must refuse: -1 invalid UTF-8 or a control character
 * (allow_tnr: \t \n \r allowed), else the number of code points.
 * *alnum says whether an ASCII letter or digit occurs (surely not blank).
 */
static long
ref_text(const unsigned char *s, size_t len, int allow_tnr, int *alnum)
{
	size_t		 i = 0, n;
	uint32_t	 cp;
	long		 count = 0;

	*alnum = 0;
	while (i < len) {
		if ((n = ref_utf8(s + i, len - i, &cp)) == 0)
			return -1;
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
			if (!(allow_tnr && (cp == '\t' || cp == '\n' ||
			    cp == '\r')))
				return -1;
		}
		/* Invisible or direction-changing format characters. */
		if (cp == 0xad || cp == 0x61c || cp == 0x180e ||
		    cp == 0x200b || cp == 0x200e || cp == 0x200f ||
		    (cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2060 && cp <= 0x2064) ||
		    (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff ||
		    (cp >= 0xfff9 && cp <= 0xfffb))
			return -1;
		if ((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
		    (cp >= 'A' && cp <= 'Z'))
			*alnum = 1;
		count++;
		i += n;
	}
	return count;
}

static int
ref_publisher_id(const unsigned char *s, size_t len)
{
	size_t	i;

	if (len < 1 || len > VAL_PUBLISHER_ID_MAX || s[0] < 'a' || s[0] > 'z')
		return 0;
	for (i = 1; i < len; i++)
		if (strchr("abcdefghijklmnopqrstuvwxyz0123456789-", s[i]) ==
		    NULL || s[i] == '\0')
			return 0;
	return 1;
}

static int
ref_user_id(const unsigned char *s, size_t len)
{
	size_t	i;

	if (len < 1 || len > VAL_USER_ID_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if (s[i] <= ' ' || s[i] >= 0x7f)
			return 0;
	/* Not "admin:" in any case: pat-admin's operators look like that. */
	if (len >= 6 && tolower(s[0]) == 'a' && tolower(s[1]) == 'd' &&
	    tolower(s[2]) == 'm' && tolower(s[3]) == 'i' &&
	    tolower(s[4]) == 'n' && s[5] == ':')
		return 0;
	return 1;
}

static int
ref_uuid(const unsigned char *s, size_t len)
{
	static const char	 tmpl[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
	size_t			 i;

	if (len != sizeof(tmpl) - 1)
		return 0;
	for (i = 0; i < len; i++) {
		if (tmpl[i] == '-') {
			if (s[i] != '-')
				return 0;
		} else if (s[i] == '\0' || strchr("0123456789abcdef", s[i]) ==
		    NULL)
			return 0;
	}
	return 1;
}

/* Every string and key in o is free of NUL bytes. */
static int
no_nul(struct json_object *o)
{
	struct json_object_iterator	 it, end;
	size_t				 i, n;

	switch (json_object_get_type(o)) {
	case json_type_string:
		return strlen(json_object_get_string(o)) ==
		    (size_t)json_object_get_string_len(o);
	case json_type_array:
		n = json_object_array_length(o);
		for (i = 0; i < n; i++)
			if (!no_nul(json_object_array_get_idx(o, i)))
				return 0;
		return 1;
	case json_type_object:
		it = json_object_iter_begin(o);
		end = json_object_iter_end(o);
		for (; !json_object_iter_equal(&it, &end);
		    json_object_iter_next(&it)) {
			/* Keys are C strings in json-c: a NUL truncates. */
			if (!no_nul(json_object_iter_peek_value(&it)))
				return 0;
		}
		return 1;
	default:
		return 1;
	}
}

static void
check_json(const char *text, size_t size, enum pat_err *shallow,
    int *is_object)
{
	struct json_object	*o = NULL, *o2 = NULL, *o3 = NULL;
	const char		*s;
	char			*copy = NULL, *copy2 = NULL;
	size_t			 len = 0, len2 = 0;
	enum pat_err		 rc, rc2;

	*is_object = 0;
	*shallow = js_parse_strict(text, size, VAL_BODY_DEPTH, &o);
	if (*shallow == PAT_OK)
		*is_object = json_object_is_type(o, json_type_object);
	json_object_put(o);
	o = NULL;

	rc = js_parse_strict(text, size, DEEP, &o);
	if (rc != PAT_OK && rc != PAT_ERR_FORMAT && rc != PAT_ERR_NOMEM)
		abort();
	if (*shallow == PAT_OK && rc != PAT_OK)
		abort();	/* more depth allowed, less accepted */
	if (rc != PAT_OK)
		goto out;
	if (!no_nul(o))
		abort();

	/* Round trip: json-c's output of what we accepted is accepted. */
	s = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN, &len);
	if (s == NULL || (copy = malloc(len + 1)) == NULL)
		goto out;
	memcpy(copy, s, len + 1);
	rc2 = js_parse_strict(copy, len, DEEP, &o2);
	if (rc2 == PAT_ERR_NOMEM)
		goto out;
	if (rc2 != PAT_OK)
		abort();
	s = json_object_to_json_string_length(o2, JSON_C_TO_STRING_PLAIN,
	    &len2);
	if (s == NULL || (copy2 = malloc(len2 + 1)) == NULL)
		goto out;
	memcpy(copy2, s, len2 + 1);
	if (len2 != len || memcmp(copy, copy2, len) != 0)
		abort();
	/* Depth 1 accepts exactly the scalars and empty containers. */
	if (js_parse_strict(text, size, 1, &o3) == PAT_OK &&
	    ((json_object_is_type(o3, json_type_object) &&
	    json_object_object_length(o3) != 0) ||
	    (json_object_is_type(o3, json_type_array) &&
	    json_object_array_length(o3) != 0)))
		abort();
	json_object_put(o3);
	o3 = NULL;
	if (js_parse_strict(text, size, 0, &o3) != PAT_ERR_FORMAT)
		abort();
out:
	json_object_put(o);
	json_object_put(o2);
	json_object_put(o3);
	free(copy);
	free(copy2);
}

static void
check_small(const unsigned char *data, size_t size, const char *text)
{
	struct val_error	 e;
	enum pat_err		 rc;
	size_t			 i, n, want;
	uint32_t		 cp, rcp;
	long			 count;
	int			 alnum;

	for (i = 0; i < size; i++) {
		cp = rcp = 0xffffffffU;
		n = val_utf8_next(data + i, size - i, &cp);
		want = ref_utf8(data + i, size - i, &rcp);
		if (n != want || (n != 0 && cp != rcp))
			abort();
	}
	if (val_utf8_next(data, 0, &cp) != 0)
		abort();

	memset(&e, 0, sizeof(e));
	rc = val_token_name(text, size, &e);
	count = ref_text(data, size, 0, &alnum);
	if (rc == PAT_OK) {
		if (count < 1 || count > VAL_NAME_MAX)
			abort();
	} else if (rc != PAT_ERR_INVALID || e.field == NULL ||
	    e.message == NULL || strcmp(e.field, "name") != 0)
		abort();
	else if (count >= 1 && count <= VAL_NAME_MAX && alnum)
		abort();	/* valid, not blank, yet refused */

	memset(&e, 0, sizeof(e));
	rc = val_token_description(text, size, &e);
	count = ref_text(data, size, 1, &alnum);
	if (rc == PAT_OK) {
		if (count < 0 || count > VAL_DESCRIPTION_MAX)
			abort();
	} else if (rc != PAT_ERR_INVALID || e.field == NULL ||
	    e.message == NULL)
		abort();
	else if (count >= 0 && count <= VAL_DESCRIPTION_MAX)
		abort();

	if (val_publisher_id(text, size) != ref_publisher_id(data, size) ||
	    val_user_id(text, size) != ref_user_id(data, size) ||
	    val_uuid(text, size) != ref_uuid(data, size))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct val_create	 vc;
	struct val_error	 e;
	char			*text;
	enum pat_err		 rc, shallow = PAT_ERR_FORMAT;
	int			 is_object = 0;

	if ((text = malloc(size > 0 ? size : 1)) == NULL)
		return 0;
	if (size > 0)
		memcpy(text, data, size);

	memset(&e, 0, sizeof(e));
	memset(&vc, 0xa5, sizeof(vc));
	rc = val_create_body(text, size, &vc, &e);
	if (size <= VAL_BODY_MAX)
		check_json(text, size, &shallow, &is_object);
	switch (rc) {
	case PAT_OK:
		if (vc.name == NULL || vc.description == NULL ||
		    val_token_name(vc.name, strlen(vc.name), NULL) != PAT_OK ||
		    val_token_description(vc.description,
		    strlen(vc.description), NULL) != PAT_OK)
			abort();
		/* fall through */
	case PAT_ERR_INVALID:
		if (size > VAL_BODY_MAX || shallow != PAT_OK || !is_object)
			abort();
		if (rc == PAT_ERR_INVALID && (e.field == NULL ||
		    e.message == NULL))
			abort();
		break;
	case PAT_ERR_TOOBIG:
		if (size <= VAL_BODY_MAX)
			abort();
		break;
	case PAT_ERR_FORMAT:
		if (size > VAL_BODY_MAX || e.field != NULL ||
		    e.message == NULL || (shallow == PAT_OK && is_object))
			abort();
		break;
	case PAT_ERR_NOMEM:
		break;
	default:
		abort();
	}
	if (rc != PAT_OK && (vc.name != NULL || vc.description != NULL))
		abort();
	val_create_free(&vc);
	val_create_free(&vc);	/* idempotent */
	val_create_free(NULL);

	if (size <= 4096)
		check_small(data, size, text);

	free(text);
	return 0;
}
