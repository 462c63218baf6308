/*
 * valid.h — declarative validation of user input, shared by pat-fcgi and
 * pat-admin, so the API and the shell apply the same rules.
 */
#ifndef PAT_VALID_H
#define PAT_VALID_H

#include <stddef.h>
#include <stdint.h>
#include "pat.h"

#define VAL_NAME_MAX		100	/* characters (code points) */
#define VAL_DESCRIPTION_MAX	2000	/* characters (code points) */
#define VAL_PUBLISHER_ID_MAX	64
#define VAL_USER_ID_MAX		255
#define VAL_BODY_MAX		16384	/* bytes */
#define VAL_BODY_DEPTH		4

/*
 * Decodes one UTF-8 sequence at s (len > 0 bytes available) into *cp.
 * Strict: rejects overlong forms, surrogates U+D800..U+DFFF, code points
 * above U+10FFFF, stray continuation bytes and truncated sequences.
 * Returns the sequence length (1..4), or 0 when invalid.
 */
size_t val_utf8_next(const unsigned char *s, size_t len, uint32_t *cp);

/* A validation failure: which field and a human sentence (static). */
struct val_error {
	const char	*field;		/* e.g. "name"; NULL for the whole body */
	const char	*message;	/* e.g. "name must be 1 to 100 characters" */
};

/*
 * Token name: valid UTF-8, 1..VAL_NAME_MAX code points, no control
 * characters (C0, DEL, C1), not only whitespace. Returns PAT_OK or
 * PAT_ERR_INVALID with e filled.
 */
enum pat_err val_token_name(const char *s, size_t len, struct val_error *e) PAT_WUR;

/* Token description: valid UTF-8, 0..VAL_DESCRIPTION_MAX code points, no
 * control characters except \n, \r and \t. */
enum pat_err val_token_description(const char *s, size_t len, struct val_error *e) PAT_WUR;

/* Publisher id: ^[a-z][a-z0-9-]*$, 1..64 bytes. */
int val_publisher_id(const char *s, size_t len);

/* The actor prefix pat-admin records for operators ("admin:root"). */
#define VAL_ADMIN_PREFIX	"admin:"

/* User id (JWT sub): 1..255 bytes of printable ASCII 0x21..0x7e, not
 * starting with VAL_ADMIN_PREFIX (any case). */
int val_user_id(const char *s, size_t len);

/* Token id: lowercase canonical UUID, 36 bytes. */
int val_uuid(const char *s, size_t len);

/* The POST /publishers/{id}/tokens body, validated. */
struct val_create {
	char	*name;		/* malloc'd, NUL-terminated */
	char	*description;	/* malloc'd, "" when absent or null */
};

/*
 * Validates a create-token body: a JSON object (js_parse_strict, depth
 * VAL_BODY_DEPTH) with "name" a string passing val_token_name and optional
 * "description" a string (or null) passing val_token_description. "id",
 * "createdAt", "token" and unknown fields are ignored. Returns PAT_OK with
 * out filled (free with val_create_free), PAT_ERR_TOOBIG when len >
 * VAL_BODY_MAX, PAT_ERR_FORMAT when the body is not a JSON object (e->field
 * NULL), PAT_ERR_INVALID with e naming the field, or PAT_ERR_NOMEM.
 */
enum pat_err val_create_body(const char *body, size_t len,
    struct val_create *out, struct val_error *e) PAT_WUR;

void val_create_free(struct val_create *c);

#endif
