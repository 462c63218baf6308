/*
 * json.h — strict JSON parsing on top of json-c 0.16, and output helpers.
 */
#ifndef PAT_JSON_H
#define PAT_JSON_H

#include <stddef.h>
#include <json-c/json.h>
#include "pat.h"

/*
 * Parses exactly len bytes of text as one JSON value with
 * JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8 and the given maximum
 * depth. Rejects (PAT_ERR_FORMAT): a parse that does not consume all of
 * text (trailing bytes other than JSON whitespace), duplicate keys in any
 * object, any string or key containing U+0000, invalid UTF-8, nesting deeper
 * than depth. Returns PAT_OK with *out owned by the caller (json_object_put),
 * PAT_ERR_FORMAT, or PAT_ERR_NOMEM.
 * Depth counts value levels as json-c does: a top-level scalar or empty
 * container is depth 1, {"a":1} and [1] are depth 2, {"a":[1]} is 3;
 * depth < 1 is refused. Beyond json-c's STRICT mode this also rejects what
 * RFC 8259 forbids and json-c lets through: NaN/Infinity, single-quoted
 * strings, numbers like "1.", raw control characters in strings, lone
 * surrogate escapes, overlong/surrogate/out-of-range UTF-8. The JSON text
 * "null" yields PAT_OK with *out NULL (json-c's null).
 */
enum pat_err js_parse_strict(const char *text, size_t len, int depth,
    struct json_object **out) PAT_WUR;

/*
 * Looks up key in obj and returns it only if it has type t, else NULL.
 * *present (may be NULL) says whether the key exists at all.
 */
struct json_object *js_get_typed(struct json_object *obj, const char *key,
    enum json_type t, int *present);

/* Formats t (UTC) as RFC 3339 "2026-12-03T13:28:14Z" into out (size >= 21).
 * A t outside years 0000..9999 gives "1970-01-01T00:00:00Z". */
void js_time_rfc3339(long long t, char out[21]);

#endif
