/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private to the serialiser (spec_json.c, spec_json_linux.c): thin yajl_gen
 * wrappers that remember the first failure, so emitting code reads as a
 * list of fields and is checked once at the end.
 */
#ifndef WARD_SPEC_JSON_H
#define WARD_SPEC_JSON_H

#include <yajl/yajl_gen.h>

#include "spec.h"

struct spec_gen {
	yajl_gen g;
	yajl_gen_status st;
};

void gen_map_open(struct spec_gen *g);
void gen_map_close(struct spec_gen *g);
void gen_array_open(struct spec_gen *g);
void gen_array_close(struct spec_gen *g);
void gen_key(struct spec_gen *g, const char *key);
void gen_string(struct spec_gen *g, const char *s);
void gen_u64(struct spec_gen *g, uint64_t v);
void gen_i64(struct spec_gen *g, int64_t v);

/* Key/value pairs; the string and array forms skip NULL values. */
void gen_kstr(struct spec_gen *g, const char *key, const char *s);
void gen_ku64(struct spec_gen *g, const char *key, uint64_t v);
void gen_ki64(struct spec_gen *g, const char *key, int64_t v);
void gen_kbool(struct spec_gen *g, const char *key, bool v);
void gen_kstrv(struct spec_gen *g, const char *key, char *const *v, size_t n);
void gen_kkv(struct spec_gen *g, const char *key, const struct ward_kv *kv,
	     size_t n);
void gen_kidmaps(struct spec_gen *g, const char *key,
		 const struct ward_id_maps *m);

void spec_gen_linux(struct spec_gen *g, const struct ward_linux *l);
void spec_gen_resources(struct spec_gen *g, const struct ward_resources *r);

#endif
