/* SPDX-License-Identifier: Apache-2.0 */
/* Typed accessors for the spec parser: JSON node -> ward_spec field. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "spec_parse.h"

int
spec_fail(struct spec_ctx *c, const struct ward_json_path *p, const char *fmt,
	  ...)
{
	char what[WARD_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return ward_json_fail(c->e, p, "%s", what);
}

int
spec_enomem(struct spec_ctx *c)
{
	return ward_err_set(c->e, ENOMEM, "parsing the config");
}

const struct ward_json *
spec_member(const struct ward_json *obj, const struct ward_json_path *up,
	    const char *key, struct ward_json_path *p)
{
	const struct ward_json *v = ward_json_get(obj, key);

	*p = (struct ward_json_path){ .up = up, .key = key,
				      .key_len = strlen(key) };
	/* Go's encoding/json, which writes most configs, treats null as absent. */
	if (v != NULL && v->type == WARD_JSON_NULL)
		return NULL;
	return v;
}

int
spec_expect(struct spec_ctx *c, const struct ward_json_path *p,
	    const struct ward_json *v, enum ward_json_type t)
{
	if (v->type == t)
		return 0;
	return spec_fail(c, p, "expected %s, got %s", ward_json_type_name(t),
			 ward_json_type_name(v->type));
}

int
spec_string(struct spec_ctx *c, const struct ward_json_path *p,
	    const struct ward_json *v, unsigned flags, char **out)
{
	char *s;
	int ret = spec_expect(c, p, v, WARD_JSON_STRING);

	if (ret < 0)
		return ret;
	/* An embedded NUL would silently shorten a path or an argument. */
	if (memchr(v->str, '\0', v->len) != NULL)
		return spec_fail(c, p, "string contains a NUL character");
	if ((flags & SPEC_NONEMPTY) && v->len == 0)
		return spec_fail(c, p, "must not be empty");
	if ((flags & SPEC_ABSPATH) && (v->len == 0 || v->str[0] != '/'))
		return spec_fail(c, p, "must be an absolute path");
	s = ward_arena_strndup(&c->s->arena, v->str, v->len);
	if (s == NULL)
		return spec_enomem(c);
	*out = s;
	return 0;
}

static bool
all_digits(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* Decimal digits to u64; false on overflow. */
static bool
digits_u64(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

static int
not_integer(struct spec_ctx *c, const struct ward_json_path *p,
	    const struct ward_json *v, const char *what)
{
	char lit[32];

	if (v->type != WARD_JSON_NUMBER)
		return spec_fail(c, p, "expected %s, got %s", what,
				 ward_json_type_name(v->type));
	ward_json_quote(v->str, v->len, lit, sizeof(lit));
	return spec_fail(c, p, "expected %s, got %s", what, lit);
}

int
spec_uint(struct spec_ctx *c, const struct ward_json_path *p,
	  const struct ward_json *v, uint64_t max, uint64_t *out)
{
	uint64_t val;

	if (v->type != WARD_JSON_NUMBER || !all_digits(v->str, v->len))
		return not_integer(c, p, v, "an unsigned integer");
	if (!digits_u64(v->str, v->len, &val) || val > max)
		return spec_fail(c, p, "out of range (maximum %" PRIu64 ")",
				 max);
	*out = val;
	return 0;
}

int
spec_int(struct spec_ctx *c, const struct ward_json_path *p,
	 const struct ward_json *v, int64_t min, int64_t max, int64_t *out)
{
	bool neg;
	uint64_t mag;
	int64_t val;

	if (v->type != WARD_JSON_NUMBER)
		return not_integer(c, p, v, "an integer");
	neg = v->len > 0 && v->str[0] == '-';
	if (!all_digits(v->str + neg, v->len - neg))
		return not_integer(c, p, v, "an integer");
	if (!digits_u64(v->str + neg, v->len - neg, &mag) ||
	    mag > (uint64_t)INT64_MAX + neg)
		goto range;
	if (neg)
		val = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN
						      : -(int64_t)mag;
	else
		val = (int64_t)mag;
	if (val < min || val > max)
		goto range;
	*out = val;
	return 0;
range:
	return spec_fail(c, p, "out of range [%" PRId64 ", %" PRId64 "]", min,
			 max);
}

int
spec_array(struct spec_ctx *c, const struct ward_json_path *p,
	   const struct ward_json *v, size_t elem, void **out, size_t *n)
{
	void *arr;
	int ret = spec_expect(c, p, v, WARD_JSON_ARRAY);

	if (ret < 0)
		return ret;
	/* One spare element keeps string arrays NULL-terminated. */
	arr = ward_arena_alloc(&c->s->arena, ((size_t)v->len + 1) * elem);
	if (arr == NULL)
		return spec_enomem(c);
	*out = arr;
	*n = v->len;
	return 0;
}

int
spec_strv(struct spec_ctx *c, const struct ward_json_path *p,
	  const struct ward_json *v, unsigned flags, char ***out, size_t *n)
{
	const struct ward_json *it;
	char **arr;
	size_t i = 0;
	int ret = spec_array(c, p, v, sizeof(char *), (void **)&arr, n);

	if (ret < 0)
		return ret;
	ward_json_foreach(it, v) {
		struct ward_json_path ip = SPEC_IDX(p, i);

		ret = spec_string(c, &ip, it, flags, &arr[i]);
		if (ret < 0)
			return ret;
		i++;
	}
	*out = arr;
	return 0;
}

int
spec_get_str(struct spec_ctx *c, const struct ward_json_path *up,
	     const struct ward_json *obj, const char *key, unsigned flags,
	     char **out)
{
	struct ward_json_path p;
	const struct ward_json *v = spec_member(obj, up, key, &p);

	if (v == NULL)
		return (flags & SPEC_REQUIRED) ? spec_fail(c, &p, "required") : 0;
	return spec_string(c, &p, v, flags, out);
}

int
spec_get_bool(struct spec_ctx *c, const struct ward_json_path *up,
	      const struct ward_json *obj, const char *key, bool *has,
	      bool *out)
{
	struct ward_json_path p;
	const struct ward_json *v = spec_member(obj, up, key, &p);
	int ret;

	if (v == NULL)
		return has == NULL ? spec_fail(c, &p, "required") : 0;
	ret = spec_expect(c, &p, v, WARD_JSON_BOOL);
	if (ret < 0)
		return ret;
	*out = v->boolean;
	if (has != NULL)
		*has = true;
	return 0;
}

static int
get_uint(struct spec_ctx *c, const struct ward_json_path *up,
	 const struct ward_json *obj, const char *key, uint64_t max,
	 bool *has, uint64_t *out)
{
	struct ward_json_path p;
	const struct ward_json *v = spec_member(obj, up, key, &p);
	int ret;

	if (v == NULL)
		return has == NULL ? spec_fail(c, &p, "required") : 1;
	ret = spec_uint(c, &p, v, max, out);
	if (ret == 0 && has != NULL)
		*has = true;
	return ret;
}

int
spec_get_u16(struct spec_ctx *c, const struct ward_json_path *up,
	     const struct ward_json *obj, const char *key, bool *has,
	     uint16_t *out)
{
	uint64_t v;
	int ret = get_uint(c, up, obj, key, UINT16_MAX, has, &v);

	if (ret == 0)
		*out = (uint16_t)v;
	return ret < 0 ? ret : 0;
}

int
spec_get_u32(struct spec_ctx *c, const struct ward_json_path *up,
	     const struct ward_json *obj, const char *key, bool *has,
	     uint32_t *out)
{
	uint64_t v;
	int ret = get_uint(c, up, obj, key, UINT32_MAX, has, &v);

	if (ret == 0)
		*out = (uint32_t)v;
	return ret < 0 ? ret : 0;
}

int
spec_get_u64(struct spec_ctx *c, const struct ward_json_path *up,
	     const struct ward_json *obj, const char *key, bool *has,
	     uint64_t *out)
{
	int ret = get_uint(c, up, obj, key, UINT64_MAX, has, out);

	return ret < 0 ? ret : 0;
}

int
spec_get_range(struct spec_ctx *c, const struct ward_json_path *up,
	       const struct ward_json *obj, const char *key, int64_t min,
	       int64_t max, bool *has, int64_t *out)
{
	struct ward_json_path p;
	const struct ward_json *v = spec_member(obj, up, key, &p);
	int ret;

	if (v == NULL)
		return has == NULL ? spec_fail(c, &p, "required") : 0;
	ret = spec_int(c, &p, v, min, max, out);
	if (ret == 0 && has != NULL)
		*has = true;
	return ret;
}

int
spec_get_i64(struct spec_ctx *c, const struct ward_json_path *up,
	     const struct ward_json *obj, const char *key, bool *has,
	     int64_t *out)
{
	return spec_get_range(c, up, obj, key, INT64_MIN, INT64_MAX, has, out);
}

int
spec_get_strv(struct spec_ctx *c, const struct ward_json_path *up,
	      const struct ward_json *obj, const char *key, unsigned flags,
	      bool *has, char ***out, size_t *n)
{
	struct ward_json_path p;
	const struct ward_json *v = spec_member(obj, up, key, &p);
	int ret;

	if (v == NULL)
		return (flags & SPEC_REQUIRED) ? spec_fail(c, &p, "required") : 0;
	ret = spec_strv(c, &p, v, flags & ~SPEC_REQUIRED, out, n);
	if (ret == 0 && has != NULL)
		*has = true;
	return ret;
}

int
spec_get_obj(struct spec_ctx *c, const struct ward_json_path *up,
	     const struct ward_json *obj, const char *key, bool required,
	     const struct ward_json **out, struct ward_json_path *p)
{
	const struct ward_json *v = spec_member(obj, up, key, p);

	*out = NULL;
	if (v == NULL)
		return required ? spec_fail(c, p, "required") : 0;
	if (spec_expect(c, p, v, WARD_JSON_OBJECT) < 0)
		return -EINVAL;
	*out = v;
	return 0;
}

int
spec_get_kv(struct spec_ctx *c, const struct ward_json_path *up,
	    const struct ward_json *obj, const char *key, struct ward_kv **out,
	    size_t *n)
{
	struct ward_json_path p;
	const struct ward_json *m, *k, *v;
	struct ward_kv *kv;
	size_t i = 0;
	int ret = spec_get_obj(c, up, obj, key, false, &m, &p);

	if (ret < 0 || m == NULL)
		return ret;
	kv = ward_arena_alloc(&c->s->arena, ((size_t)m->len + 1) * sizeof(*kv));
	if (kv == NULL)
		return spec_enomem(c);
	ward_json_foreach_member(k, v, m) {
		struct ward_json_path kp = { .up = &p, .key = k->str,
					     .key_len = k->len };

		ret = spec_string(c, &kp, k, 0, &kv[i].key);
		if (ret == 0)
			ret = spec_string(c, &kp, v, 0, &kv[i].value);
		if (ret < 0)
			return ret;
		i++;
	}
	*out = kv;
	*n = i;
	return 0;
}

static int
parse_idmap(struct spec_ctx *c, const struct ward_json_path *p,
	    const struct ward_json *v, struct ward_id_map *m)
{
	int ret = spec_expect(c, p, v, WARD_JSON_OBJECT);

	if (ret == 0)
		ret = spec_get_u32(c, p, v, "containerID", NULL,
				   &m->container_id);
	if (ret == 0)
		ret = spec_get_u32(c, p, v, "hostID", NULL, &m->host_id);
	if (ret == 0)
		ret = spec_get_u32(c, p, v, "size", NULL, &m->size);
	if (ret < 0)
		return ret;
	if (m->size == 0)
		return spec_fail(c, p, "size must be greater than 0");
	/*
	 * A range that wrapped past 2^32 would let a policy check on
	 * [hostID, hostID+size) miss host id 0.
	 */
	if ((uint64_t)m->container_id + m->size > (UINT64_C(1) << 32) ||
	    (uint64_t)m->host_id + m->size > (UINT64_C(1) << 32))
		return spec_fail(c, p, "range exceeds the 32-bit id space");
	return 0;
}

int
spec_get_idmaps(struct spec_ctx *c, const struct ward_json_path *up,
		const struct ward_json *obj, const char *key,
		struct ward_id_maps *out)
{
	struct ward_json_path p;
	const struct ward_json *v = spec_member(obj, up, key, &p), *it;
	size_t i = 0;
	int ret;

	if (v == NULL)
		return 0;
	ret = spec_array(c, &p, v, sizeof(*out->v), (void **)&out->v, &out->n);
	if (ret < 0)
		return ret;
	ward_json_foreach(it, v) {
		struct ward_json_path ip = SPEC_IDX(&p, i);

		ret = parse_idmap(c, &ip, it, &out->v[i++]);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int
spec_get_list(struct spec_ctx *c, const struct ward_json_path *up,
	      const struct ward_json *obj, const char *key, size_t size,
	      int (*fn)(struct spec_ctx *c, const struct ward_json_path *p,
			const struct ward_json *v, void *elem),
	      void **out, size_t *n)
{
	struct ward_json_path p;
	const struct ward_json *v = spec_member(obj, up, key, &p), *it;
	size_t i = 0;
	int ret;

	if (v == NULL)
		return 0;
	ret = spec_array(c, &p, v, size, out, n);
	if (ret < 0)
		return ret;
	ward_json_foreach(it, v) {
		struct ward_json_path ip = SPEC_IDX(&p, i);

		ret = fn(c, &ip, it, (char *)*out + size * i);
		if (ret < 0)
			return ret;
		i++;
	}
	return 0;
}
