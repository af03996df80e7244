/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "ward/cleanup.h"
#include "json.h"

/* Nodes are carved from arena blocks: one arena call per node would pad each. */
#define NODE_BLOCK 256
/* Objects this small are checked for duplicate keys pairwise, not sorted. */
#define DUP_SMALL 8
/* Longest key shown in a path before it is cut. */
#define KEY_SHOWN 32

struct frame {
	struct ward_json *node;
	struct ward_json *tail;
	struct ward_json_path path;	/* how the parent refers to node */
};

struct builder {
	struct ward_arena *a;
	const char *buf;
	size_t len;
	size_t max_depth;
	struct ward_err *e;
	struct ward_json *root;
	struct ward_json *pool;
	size_t pool_left;
	size_t depth;
	struct frame st[WARD_JSON_DEPTH_LIMIT];
};

const char *
ward_json_type_name(enum ward_json_type t)
{
	static const char *const names[] = {
		[WARD_JSON_NULL] = "null",	  [WARD_JSON_BOOL] = "a boolean",
		[WARD_JSON_NUMBER] = "a number",  [WARD_JSON_STRING] = "a string",
		[WARD_JSON_ARRAY] = "an array",	  [WARD_JSON_OBJECT] = "an object",
	};

	if ((size_t)t >= WARD_ARRAY_SIZE(names))
		return "?";
	return names[t];
}

void
ward_json_quote(const char *s, size_t n, char *buf, size_t len)
{
	size_t max = len > 4 ? len - 4 : 0, o = 0;

	if (len == 0)
		return;
	for (size_t i = 0; i < n && o + 1 < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (o >= max && i + 1 < n) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		/* Messages end up in json log lines: keep them plain ASCII. */
		buf[o++] = (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\')
				   ? (char)ch
				   : '?';
	}
	buf[o] = '\0';
}

static bool
plain_key(const char *k, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = k[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '-'))
			return false;
	}
	return true;
}

static size_t
fmt_frame(const struct ward_json_path *f, bool first, char *out, size_t len)
{
	char q[KEY_SHOWN + 4];
	int n;

	if (f->key == NULL)
		n = snprintf(out, len, "[%zu]", f->index);
	else if (plain_key(f->key, f->key_len) && f->key_len <= KEY_SHOWN)
		n = snprintf(out, len, "%s%.*s", first ? "" : ".",
			     (int)f->key_len, f->key);
	else {
		ward_json_quote(f->key, f->key_len, q, sizeof(q));
		n = snprintf(out, len, "[\"%s\"]", q);
	}
	if (n < 0)
		return 0;
	return (size_t)n < len ? (size_t)n : len - 1;
}

void
ward_json_path_fmt(const struct ward_json_path *p, char *buf, size_t len)
{
	/* Deep enough for any parse stack (64) plus a spec's own frames. */
	const struct ward_json_path *v[WARD_JSON_DEPTH_LIMIT + 16];
	char full[(WARD_JSON_DEPTH_LIMIT + 16) * (KEY_SHOWN + 8)];
	size_t n = 0, o = 0;
	const char *tail;

	if (len == 0)
		return;
	for (; p != NULL && n < WARD_ARRAY_SIZE(v); p = p->up)
		v[n++] = p;
	if (n == 0) {
		snprintf(buf, len, "top level");
		return;
	}
	while (n > 0) {
		n--;
		o += fmt_frame(v[n], o == 0, full + o, sizeof(full) - o);
	}
	if (o < len) {
		memcpy(buf, full, o + 1);
		return;
	}
	/* Too long: keep the innermost part, cut at a component boundary. */
	tail = full + o - (len > 4 ? len - 4 : 0);
	for (const char *c = tail; *c != '\0'; c++) {
		if (*c == '.' || *c == '[') {
			tail = *c == '.' ? c + 1 : c;
			break;
		}
	}
	snprintf(buf, len, "...%s", tail);
}

int
ward_json_fail(struct ward_err *e, const struct ward_json_path *p,
	       const char *fmt, ...)
{
	char path[WARD_JSON_PATH_MAX];
	char what[WARD_ERR_MSG_MAX];
	va_list ap;

	ward_json_path_fmt(p, path, sizeof(path));
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return ward_err_set(e, EINVAL, "%s: %s", path, what);
}

struct ward_json *
ward_json_get(const struct ward_json *obj, const char *key)
{
	size_t n = strlen(key);
	struct ward_json *k, *v;

	ward_json_foreach_member(k, v, obj)
		if (k->len == n && memcmp(k->str, key, n) == 0)
			return v;
	return NULL;
}

/* ---- building the tree from yajl events ---- */

static const struct ward_json_path *
cur_path(const struct builder *b)
{
	/* The root container has no frame of its own. */
	return b->depth > 1 ? &b->st[b->depth - 1].path : NULL;
}

static struct ward_json *
new_node(struct builder *b, enum ward_json_type t)
{
	struct ward_json *n;

	if (b->pool_left == 0) {
		b->pool = ward_arena_alloc(b->a, NODE_BLOCK * sizeof(*b->pool));
		if (b->pool == NULL) {
			ward_err_set(b->e, ENOMEM, "parsing JSON");
			return NULL;
		}
		b->pool_left = NODE_BLOCK;
	}
	n = b->pool++;
	b->pool_left--;
	n->type = (uint8_t)t;
	return n;
}

/* Link n as the next child of the open container (or as the root). */
static void
attach(struct builder *b, struct ward_json *n)
{
	struct frame *f;

	if (b->depth == 0) {
		b->root = n;
		return;
	}
	f = &b->st[b->depth - 1];
	if (f->tail == NULL)
		f->node->first = n;
	else
		f->tail->next = n;
	f->tail = n;
	if (f->node->type == WARD_JSON_ARRAY)
		f->node->len++;
}

/* Text that yajl decoded into its own buffer is copied; the rest is borrowed. */
static const char *
keep_text(struct builder *b, const unsigned char *s, size_t n)
{
	uintptr_t p = (uintptr_t)s, lo = (uintptr_t)b->buf;
	char *copy;

	if (p >= lo && p - lo <= b->len && n <= b->len - (p - lo))
		return (const char *)s;
	copy = ward_arena_strndup(b->a, (const char *)s, n);
	if (copy == NULL)
		ward_err_set(b->e, ENOMEM, "parsing JSON");
	return copy;
}

static int
add_text(struct builder *b, enum ward_json_type t, const unsigned char *s,
	 size_t n)
{
	struct ward_json *node = new_node(b, t);

	if (node == NULL)
		return 0;
	node->str = keep_text(b, s, n);
	if (node->str == NULL)
		return 0;
	node->len = (uint32_t)n;
	attach(b, node);
	return 1;
}

static int
on_null(void *ctx)
{
	struct builder *b = ctx;
	struct ward_json *n = new_node(b, WARD_JSON_NULL);

	if (n == NULL)
		return 0;
	attach(b, n);
	return 1;
}

static int
on_bool(void *ctx, int val)
{
	struct builder *b = ctx;
	struct ward_json *n = new_node(b, WARD_JSON_BOOL);

	if (n == NULL)
		return 0;
	n->boolean = val != 0;
	attach(b, n);
	return 1;
}

static int
on_number(void *ctx, const char *s, size_t n)
{
	return add_text(ctx, WARD_JSON_NUMBER, (const unsigned char *)s, n);
}

static int
on_string(void *ctx, const unsigned char *s, size_t n)
{
	return add_text(ctx, WARD_JSON_STRING, s, n);
}

static int
on_key(void *ctx, const unsigned char *s, size_t n)
{
	struct builder *b = ctx;

	if (add_text(b, WARD_JSON_STRING, s, n) == 0)
		return 0;
	b->st[b->depth - 1].node->len++;
	return 1;
}

static int
open_container(struct builder *b, enum ward_json_type t)
{
	struct ward_json *n = new_node(b, t);
	struct ward_json_path p = { .up = cur_path(b) };
	struct frame *f;

	if (n == NULL)
		return 0;
	if (b->depth > 0) {
		f = &b->st[b->depth - 1];
		if (f->node->type == WARD_JSON_OBJECT) {
			/* The member's key is the last child linked so far. */
			p.key = f->tail->str;
			p.key_len = f->tail->len;
		} else {
			p.index = f->node->len;
		}
	}
	attach(b, n);
	if (b->depth >= b->max_depth) {
		ward_json_fail(b->e, &p, "nesting deeper than %zu levels",
			       b->max_depth);
		return 0;
	}
	f = &b->st[b->depth++];
	f->node = n;
	f->tail = NULL;
	f->path = p;
	return 1;
}

static int
on_start_map(void *ctx)
{
	return open_container(ctx, WARD_JSON_OBJECT);
}

static int
on_start_array(void *ctx)
{
	return open_container(ctx, WARD_JSON_ARRAY);
}

static int
on_end_array(void *ctx)
{
	struct builder *b = ctx;

	b->depth--;
	return 1;
}

static bool
key_eq(const struct ward_json *x, const struct ward_json *y)
{
	return x->len == y->len && memcmp(x->str, y->str, x->len) == 0;
}

static int
key_cmp(const void *pa, const void *pb)
{
	const struct ward_json *x = *(const struct ward_json *const *)pa;
	const struct ward_json *y = *(const struct ward_json *const *)pb;
	size_t n = x->len < y->len ? x->len : y->len;
	int r = memcmp(x->str, y->str, n);

	if (r != 0)
		return r;
	return x->len < y->len ? -1 : x->len > y->len;
}

/* The first key of obj that appears twice, or NULL; *err on ENOMEM. */
static const struct ward_json *
find_dup(const struct ward_json *obj, bool *err)
{
	_cleanup_free_ const struct ward_json **keys = NULL;
	const struct ward_json *k, *v, *k2, *v2;
	size_t n = 0;

	if (obj->len <= DUP_SMALL) {
		ward_json_foreach_member(k, v, obj)
			for (k2 = v->next; k2 != NULL; k2 = v2->next) {
				v2 = k2->next;
				if (key_eq(k, k2))
					return k2;
			}
		return NULL;
	}
	/* Sorting keeps a hostile object with a million keys O(n log n). */
	keys = calloc(obj->len, sizeof(*keys));
	if (keys == NULL) {
		*err = true;
		return NULL;
	}
	ward_json_foreach_member(k, v, obj)
		keys[n++] = k;
	qsort(keys, n, sizeof(*keys), key_cmp);
	for (size_t i = 1; i < n; i++)
		if (key_eq(keys[i - 1], keys[i]))
			return keys[i];
	return NULL;
}

static int
on_end_map(void *ctx)
{
	struct builder *b = ctx;
	const struct ward_json *dup;
	char q[KEY_SHOWN + 4];
	bool err = false;

	dup = find_dup(b->st[b->depth - 1].node, &err);
	if (err) {
		ward_err_set(b->e, ENOMEM, "parsing JSON");
		return 0;
	}
	if (dup != NULL) {
		ward_json_quote(dup->str, dup->len, q, sizeof(q));
		ward_json_fail(b->e, cur_path(b), "duplicate key \"%s\"", q);
		return 0;
	}
	b->depth--;
	return 1;
}

static const yajl_callbacks callbacks = {
	.yajl_null = on_null,
	.yajl_boolean = on_bool,
	/* Raw literals: integers are range-checked exactly, never via double. */
	.yajl_number = on_number,
	.yajl_string = on_string,
	.yajl_start_map = on_start_map,
	.yajl_map_key = on_key,
	.yajl_end_map = on_end_map,
	.yajl_start_array = on_start_array,
	.yajl_end_array = on_end_array,
};

/* yajl's own diagnosis: "parse error: premature EOF" and the like. */
static int
syntax_error(struct builder *b, yajl_handle h, size_t offset)
{
	const struct ward_json_path *where = cur_path(b);
	unsigned char *msg = yajl_get_error(h, 0, NULL, 0);
	char path[WARD_JSON_PATH_MAX];
	size_t n;

	ward_json_path_fmt(where, path, sizeof(path));
	n = msg != NULL ? strcspn((char *)msg, "\n") : 0;
	ward_err_set(b->e, EINVAL, "invalid JSON at byte %zu%s%s: %.*s",
		     offset, where != NULL ? " in " : "",
		     where != NULL ? path : "", (int)n,
		     msg != NULL ? (char *)msg : "");
	if (msg != NULL)
		yajl_free_error(h, msg);
	return -EINVAL;
}

int
ward_json_parse(struct ward_arena *a, const char *buf, size_t len,
		size_t max_depth, struct ward_json **root, struct ward_err *e)
{
	struct builder *b;
	yajl_handle h;
	yajl_status st;
	size_t offset = len;
	int ret = 0;

	/* Node lengths are 32-bit; callers bound input far below that. */
	if (len > UINT32_MAX)
		return ward_err_set(e, EFBIG, "JSON input of %zu bytes", len);
	/* Heap, not stack: the frame stack is a few kilobytes. */
	b = calloc(1, sizeof(*b));
	if (b == NULL)
		return ward_err_set(e, ENOMEM, "parsing JSON");
	b->a = a;
	b->buf = buf;
	b->len = len;
	b->e = e;
	b->max_depth = max_depth < WARD_JSON_DEPTH_LIMIT ? max_depth
							 : WARD_JSON_DEPTH_LIMIT;
	/*
	 * Default flags are the strict ones we want: UTF-8 validated, no
	 * comments, no trailing garbage, one value only.
	 */
	h = yajl_alloc(&callbacks, NULL, b);
	if (h == NULL) {
		free(b);
		return ward_err_set(e, ENOMEM, "parsing JSON");
	}
	st = yajl_parse(h, (const unsigned char *)buf, len);
	if (st == yajl_status_error)
		offset = yajl_get_bytes_consumed(h);
	else if (st == yajl_status_ok)
		st = yajl_complete_parse(h);
	if (st == yajl_status_client_canceled)
		ret = -(e->code != 0 ? e->code : EINVAL);
	else if (st != yajl_status_ok)
		ret = syntax_error(b, h, offset);
	else
		*root = b->root;
	yajl_free(h);
	free(b);
	return ret;
}
