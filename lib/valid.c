/*
 * valid.c — declarative validation of user input: one rule table for the
 * text fields, one field table for the create-token body.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "json.h"
#include "valid.h"

/* A text field's rule; every message is static and safe to show a client. */
struct val_text_rule {
	const char	*field;
	size_t		 min;		/* code points */
	size_t		 max;
	int		 allow_tnr;	/* \t, \n and \r allowed */
	int		 reject_blank;	/* not only whitespace */
	const char	*msg_utf8;
	const char	*msg_ctl;
	const char	*msg_len;
	const char	*msg_blank;
	const char	*msg_hidden;
};

static const struct val_text_rule val_name_rule = {
	"name", 1, VAL_NAME_MAX, 0, 1,
	"name must be valid UTF-8",
	"name must not contain control characters",
	"name must be 1 to 100 characters",
	"name must not be only whitespace",
	"name must not contain invisible or direction-changing characters",
};

static const struct val_text_rule val_description_rule = {
	"description", 0, VAL_DESCRIPTION_MAX, 1, 0,
	"description must be valid UTF-8",
	"description must not contain control characters",
	"description must be at most 2000 characters",
	NULL,
	"description must not contain invisible or direction-changing "
	"characters",
};

/* A field of the create-token body and where its copy goes. */
struct val_field {
	const char	*key;
	int		 required;	/* else absent or null means "" */
	const struct val_text_rule *rule;
	size_t		 off;		/* char * in struct val_create */
	const char	*msg_required;
	const char	*msg_type;
};

static const struct val_field val_create_fields[] = {
	{ "name", 1, &val_name_rule, offsetof(struct val_create, name),
	  "name is required", "name must be a string" },
	{ "description", 0, &val_description_rule,
	  offsetof(struct val_create, description),
	  NULL, "description must be a string" },
};

static enum pat_err
val_fail(struct val_error *e, const char *field, const char *message,
    enum pat_err rc)
{
	if (e != NULL) {
		e->field = field;
		e->message = message;
	}
	return rc;
}

size_t
val_utf8_next(const unsigned char *s, size_t len, uint32_t *cp)
{
	uint32_t	 c, min;
	size_t		 n, k;

	if (len == 0)
		return 0;
	c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		c &= 0x07;
		min = 0x10000;
	} else
		return 0;
	if (len < n)
		return 0;
	for (k = 1; k < n; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[k] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* C0, DEL and C1. */
static int
val_is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

/*
 * Format characters that hide text or reorder it on screen (zero-width
 * space, bidirectional overrides and isolates, BOM, ...): a token name an
 * owner or operator cannot read as it is. ZWNJ and ZWJ (U+200C, U+200D)
 * stay allowed: scripts and emoji sequences need them.
 */
static int
val_is_hidden(uint32_t cp)
{
	return cp == 0xad || cp == 0x61c || cp == 0x180e || cp == 0x200b ||
	    cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x2066 && cp <= 0x2069) ||
	    cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb);
}

/* Unicode White_Space, control characters aside. */
static int
val_is_space(uint32_t cp)
{
	return cp == 0x20 || cp == 0xa0 || cp == 0x1680 ||
	    (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 ||
	    cp == 0x202f || cp == 0x205f || cp == 0x3000;
}

static enum pat_err
val_text(const struct val_text_rule *r, const char *s, size_t len,
    struct val_error *e)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, n, count = 0;
	uint32_t		 cp;
	int			 blank = 1;

	if (s == NULL && len > 0)
		return val_fail(e, r->field, r->msg_utf8, PAT_ERR_INVALID);
	while (i < len) {
		if ((n = val_utf8_next(p + i, len - i, &cp)) == 0)
			return val_fail(e, r->field, r->msg_utf8,
			    PAT_ERR_INVALID);
		if (val_is_control(cp) && !(r->allow_tnr &&
		    (cp == '\t' || cp == '\n' || cp == '\r')))
			return val_fail(e, r->field, r->msg_ctl,
			    PAT_ERR_INVALID);
		if (val_is_hidden(cp))
			return val_fail(e, r->field, r->msg_hidden,
			    PAT_ERR_INVALID);
		if (!val_is_space(cp))
			blank = 0;
		count++;
		i += n;
	}
	if (count < r->min || count > r->max)
		return val_fail(e, r->field, r->msg_len, PAT_ERR_INVALID);
	if (r->reject_blank && blank)
		return val_fail(e, r->field, r->msg_blank, PAT_ERR_INVALID);
	return PAT_OK;
}

enum pat_err
val_token_name(const char *s, size_t len, struct val_error *e)
{
	return val_text(&val_name_rule, s, len, e);
}

enum pat_err
val_token_description(const char *s, size_t len, struct val_error *e)
{
	return val_text(&val_description_rule, s, len, e);
}

int
val_publisher_id(const char *s, size_t len)
{
	size_t	 i;

	if (s == NULL || len == 0 || len > VAL_PUBLISHER_ID_MAX)
		return 0;
	if (s[0] < 'a' || s[0] > 'z')
		return 0;
	for (i = 1; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

int
val_user_id(const char *s, size_t len)
{
	size_t	 i;

	if (s == NULL || len == 0 || len > VAL_USER_ID_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
			return 0;
	/* pat-admin records its operators as "admin:<login>": no registry
	 * user may look like one in the audit trail. */
	if (len >= sizeof(VAL_ADMIN_PREFIX) - 1 &&
	    strncasecmp(s, VAL_ADMIN_PREFIX, sizeof(VAL_ADMIN_PREFIX) - 1) == 0)
		return 0;
	return 1;
}

int
val_uuid(const char *s, size_t len)
{
	size_t	 i;

	if (s == NULL || len != 36)
		return 0;
	for (i = 0; i < len; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	}
	return 1;
}

static char *
val_strndup(const char *s, size_t len)
{
	char	*p;

	if ((p = malloc(len + 1)) == NULL)
		return NULL;
	if (len > 0)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

enum pat_err
val_create_body(const char *body, size_t len, struct val_create *out,
    struct val_error *e)
{
	const struct val_field	*f;
	struct json_object	*root = NULL, *v;
	const char		*s;
	char			**dst;
	size_t			 i, slen;
	int			 present;
	enum pat_err		 rc;

	memset(out, 0, sizeof(*out));
	if (len > VAL_BODY_MAX) {
		rc = val_fail(e, NULL, "body must be at most 16384 bytes",
		    PAT_ERR_TOOBIG);
		goto out;
	}
	rc = js_parse_strict(body, len, VAL_BODY_DEPTH, &root);
	if (rc == PAT_ERR_FORMAT) {
		rc = val_fail(e, NULL, "body must be a valid JSON object", rc);
		goto out;
	}
	if (rc != PAT_OK)
		goto out;
	if (!json_object_is_type(root, json_type_object)) {
		rc = val_fail(e, NULL, "body must be a JSON object",
		    PAT_ERR_FORMAT);
		goto out;
	}

	for (i = 0; i < sizeof(val_create_fields) /
	    sizeof(val_create_fields[0]); i++) {
		f = &val_create_fields[i];
		v = NULL;
		present = json_object_object_get_ex(root, f->key, &v);
		/* JSON null is a NULL json_object in json-c. */
		if (!present || (v == NULL && !f->required)) {
			if (f->required) {
				rc = val_fail(e, f->key, f->msg_required,
				    PAT_ERR_INVALID);
				goto out;
			}
			s = "";
			slen = 0;
		} else if (!json_object_is_type(v, json_type_string)) {
			rc = val_fail(e, f->key, f->msg_type,
			    PAT_ERR_INVALID);
			goto out;
		} else {
			s = json_object_get_string(v);
			slen = (size_t)json_object_get_string_len(v);
			if (s == NULL || strlen(s) != slen) {
				rc = val_fail(e, f->key, f->rule->msg_ctl,
				    PAT_ERR_INVALID);
				goto out;
			}
			if ((rc = val_text(f->rule, s, slen, e)) != PAT_OK)
				goto out;
		}
		dst = (char **)(void *)((char *)out + f->off);
		if ((*dst = val_strndup(s, slen)) == NULL) {
			rc = PAT_ERR_NOMEM;
			goto out;
		}
	}
	rc = PAT_OK;
out:
	json_object_put(root);
	if (rc != PAT_OK)
		val_create_free(out);
	return rc;
}

void
val_create_free(struct val_create *c)
{
	if (c == NULL)
		return;
	free(c->name);
	free(c->description);
	c->name = NULL;
	c->description = NULL;
}
