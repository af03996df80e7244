/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private to the spec parser (spec.c, spec_parse_*.c): typed accessors that
 * turn ward_json nodes into ward_spec fields, with errors naming the path.
 *
 * Conventions for the member accessors (spec_get_*): `obj` is an object node,
 * `up` its path. A member that is absent or JSON null is left untouched. For
 * scalars, `has` is set when the member is present; passing has == NULL makes
 * the member required. Every string array is also NULL-terminated.
 */
#ifndef WARD_SPEC_PARSE_H
#define WARD_SPEC_PARSE_H

#include "json.h"
#include "spec.h"

struct spec_ctx {
	struct ward_spec *s;
	struct ward_err *e;
};

/* A path frame for member k of up, for a string literal k. */
#define SPEC_KEY(parent, k)                                                    \
	((struct ward_json_path){ .up = (parent), .key = (k),                  \
				  .key_len = sizeof(k) - 1 })
#define SPEC_IDX(parent, i) ((struct ward_json_path){ .up = (parent), .index = (i) })

/* has for an optional scalar whose presence the model does not record. */
#define SPEC_OPT (&(bool){ false })

/* Flags for string members. */
#define SPEC_REQUIRED 0x1u	/* absent or null is an error */
#define SPEC_ABSPATH 0x2u	/* must start with '/' */
#define SPEC_NONEMPTY 0x4u	/* "" is an error */

int spec_fail(struct spec_ctx *c, const struct ward_json_path *p,
	      const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int spec_enomem(struct spec_ctx *c);

/* obj's member key (NULL when absent or null); *p becomes its path. */
const struct ward_json *spec_member(const struct ward_json *obj,
				    const struct ward_json_path *up,
				    const char *key, struct ward_json_path *p);
/* "expected <what>, got <type>" unless v has type t. */
int spec_expect(struct spec_ctx *c, const struct ward_json_path *p,
		const struct ward_json *v, enum ward_json_type t);

/* Value converters (v present and not null). */
int spec_string(struct spec_ctx *c, const struct ward_json_path *p,
		const struct ward_json *v, unsigned flags, char **out);
int spec_uint(struct spec_ctx *c, const struct ward_json_path *p,
	      const struct ward_json *v, uint64_t max, uint64_t *out);
int spec_int(struct spec_ctx *c, const struct ward_json_path *p,
	     const struct ward_json *v, int64_t min, int64_t max, int64_t *out);
/* An array: allocates n elements of size elem (zeroed) from the arena. */
int spec_array(struct spec_ctx *c, const struct ward_json_path *p,
	       const struct ward_json *v, size_t elem, void **out, size_t *n);
int spec_strv(struct spec_ctx *c, const struct ward_json_path *p,
	      const struct ward_json *v, unsigned flags, char ***out,
	      size_t *n);

/* Member accessors. */
int spec_get_str(struct spec_ctx *c, const struct ward_json_path *up,
		 const struct ward_json *obj, const char *key, unsigned flags,
		 char **out);
int spec_get_bool(struct spec_ctx *c, const struct ward_json_path *up,
		  const struct ward_json *obj, const char *key, bool *has,
		  bool *out);
int spec_get_u16(struct spec_ctx *c, const struct ward_json_path *up,
		 const struct ward_json *obj, const char *key, bool *has,
		 uint16_t *out);
int spec_get_u32(struct spec_ctx *c, const struct ward_json_path *up,
		 const struct ward_json *obj, const char *key, bool *has,
		 uint32_t *out);
int spec_get_u64(struct spec_ctx *c, const struct ward_json_path *up,
		 const struct ward_json *obj, const char *key, bool *has,
		 uint64_t *out);
int spec_get_i64(struct spec_ctx *c, const struct ward_json_path *up,
		 const struct ward_json *obj, const char *key, bool *has,
		 int64_t *out);
/* Bounded variant of the above for fields with a documented range. */
int spec_get_range(struct spec_ctx *c, const struct ward_json_path *up,
		   const struct ward_json *obj, const char *key, int64_t min,
		   int64_t max, bool *has, int64_t *out);
int spec_get_strv(struct spec_ctx *c, const struct ward_json_path *up,
		  const struct ward_json *obj, const char *key, unsigned flags,
		  bool *has, char ***out, size_t *n);
/* An object whose values are all strings (annotations, sysctl, unified). */
int spec_get_kv(struct spec_ctx *c, const struct ward_json_path *up,
		const struct ward_json *obj, const char *key,
		struct ward_kv **out, size_t *n);
int spec_get_idmaps(struct spec_ctx *c, const struct ward_json_path *up,
		    const struct ward_json *obj, const char *key,
		    struct ward_id_maps *out);
/* The member as an object node (NULL when absent); type-checked. */
int spec_get_obj(struct spec_ctx *c, const struct ward_json_path *up,
		 const struct ward_json *obj, const char *key, bool required,
		 const struct ward_json **out, struct ward_json_path *p);

/*
 * An array of objects under key: allocates *n elements of size bytes and
 * calls fn on each (elem points at element i).
 */
int spec_get_list(struct spec_ctx *c, const struct ward_json_path *up,
		  const struct ward_json *obj, const char *key, size_t size,
		  int (*fn)(struct spec_ctx *c, const struct ward_json_path *p,
			    const struct ward_json *v, void *elem),
		  void **out, size_t *n);

/* The sections, one per file. */
int spec_parse_process(struct spec_ctx *c, const struct ward_json_path *p,
		       const struct ward_json *v, struct ward_process *out);
int spec_parse_linux(struct spec_ctx *c, const struct ward_json_path *p,
		     const struct ward_json *v, struct ward_linux *out);
int spec_parse_seccomp(struct spec_ctx *c, const struct ward_json_path *p,
		       const struct ward_json *v, struct ward_seccomp *out);
int spec_parse_resources(struct spec_ctx *c, const struct ward_json_path *p,
			 const struct ward_json *v, struct ward_resources *out);

#endif
