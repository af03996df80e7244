/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A bounded, strict JSON document model built with yajl's event parser, for
 * spec.c. Unlike yajl_tree it counts depth while parsing (never recursing on
 * untrusted depth), rejects duplicate object keys, and keeps numbers as their
 * literal text so callers can range-check integers exactly.
 *
 * Nodes live in an arena. Strings are NOT NUL-terminated: they point into the
 * input buffer when yajl hands us the bytes in place, so the input must
 * outlive the tree. Copy with ward_arena_strndup() before keeping them.
 */
#ifndef WARD_JSON_H
#define WARD_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ward/error.h"
#include "util.h"

/* The deepest nesting any caller may ask ward_json_parse() to accept. */
#define WARD_JSON_DEPTH_LIMIT 64
/* Room for a formatted JSON path in an error message. */
#define WARD_JSON_PATH_MAX 160

enum ward_json_type {
	WARD_JSON_NULL,
	WARD_JSON_BOOL,
	WARD_JSON_NUMBER,
	WARD_JSON_STRING,
	WARD_JSON_ARRAY,
	WARD_JSON_OBJECT,
};

/*
 * An array's children are its elements; an object's children alternate key
 * (a STRING node) and value, so a member costs two small nodes.
 */
struct ward_json {
	uint8_t type;
	bool boolean;
	uint32_t len;			/* string/number bytes; element/member count */
	union {
		const char *str;	/* STRING, NUMBER: literal text */
		struct ward_json *first;	/* ARRAY, OBJECT */
	};
	struct ward_json *next;
};

#define ward_json_foreach(it, arr)                                             \
	for ((it) = (arr)->first; (it) != NULL; (it) = (it)->next)

/* k walks the keys of obj, v the matching values. */
#define ward_json_foreach_member(k, v, obj)                                    \
	for ((k) = (obj)->first; (k) != NULL && ((v) = (k)->next) != NULL;      \
	     (k) = (v)->next)

/*
 * A JSON path as a chain of stack frames, innermost first: key != NULL names
 * an object member, otherwise index names an array element. The root has no
 * frame (NULL).
 */
struct ward_json_path {
	const struct ward_json_path *up;
	const char *key;
	size_t key_len;
	size_t index;
};

/*
 * Parse buf into *root (any JSON value). max_depth (at most
 * WARD_JSON_DEPTH_LIMIT) bounds nesting; duplicate keys, invalid UTF-8,
 * truncation and trailing data are errors (EINVAL) that name the JSON path.
 */
int ward_json_parse(struct ward_arena *a, const char *buf, size_t len,
		    size_t max_depth, struct ward_json **root,
		    struct ward_err *e);

/* The value of member key in obj (an OBJECT), or NULL when absent. */
struct ward_json *ward_json_get(const struct ward_json *obj, const char *key);

/* "a.b[3][\"odd key\"]"; "top level" for the root; long paths keep the tail. */
void ward_json_path_fmt(const struct ward_json_path *p, char *buf, size_t len);

/* Quote bytes for a message: printable ASCII kept, the rest as '?', capped. */
void ward_json_quote(const char *s, size_t n, char *buf, size_t len);

/* "an object", "a string", ... for "expected X, got Y" messages. */
const char *ward_json_type_name(enum ward_json_type t);

/* ward_err_set(e, EINVAL, "<path>: <fmt...>"); returns -EINVAL. */
int ward_json_fail(struct ward_err *e, const struct ward_json_path *p,
		   const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
