/* SPDX-License-Identifier: Apache-2.0 */
/*
 * config.json -> struct ward_spec. The JSON is first read into a bounded
 * document (json.c: depth, duplicate keys, UTF-8, exact number literals),
 * then walked against the known schema, so the walk's depth is the schema's,
 * never the input's. Unknown members are ignored, as the OCI spec requires.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ward/cleanup.h"
#include "json.h"
#include "spec.h"
#include "spec_parse.h"

_Static_assert(WARD_SPEC_MAX_DEPTH <= WARD_JSON_DEPTH_LIMIT,
	       "json.c cannot count that deep");

static const char *const ns_names[WARD_NS__N] = {
	[WARD_NS_PID] = "pid",	   [WARD_NS_NET] = "network",
	[WARD_NS_MOUNT] = "mount", [WARD_NS_IPC] = "ipc",
	[WARD_NS_UTS] = "uts",	   [WARD_NS_USER] = "user",
	[WARD_NS_CGROUP] = "cgroup", [WARD_NS_TIME] = "time",
};

static const char *const hook_names[WARD_HOOK__N] = {
	[WARD_HOOK_PRESTART] = "prestart",
	[WARD_HOOK_CREATE_RUNTIME] = "createRuntime",
	[WARD_HOOK_CREATE_CONTAINER] = "createContainer",
	[WARD_HOOK_START_CONTAINER] = "startContainer",
	[WARD_HOOK_POSTSTART] = "poststart",
	[WARD_HOOK_POSTSTOP] = "poststop",
};

static const char *const capset_names[WARD_CAP__N] = {
	[WARD_CAP_BOUNDING] = "bounding",
	[WARD_CAP_EFFECTIVE] = "effective",
	[WARD_CAP_INHERITABLE] = "inheritable",
	[WARD_CAP_PERMITTED] = "permitted",
	[WARD_CAP_AMBIENT] = "ambient",
};

const char *
ward_ns_name(enum ward_ns_type t)
{
	return (unsigned)t < WARD_NS__N ? ns_names[t] : NULL;
}

const char *
ward_hook_name(enum ward_hook_kind k)
{
	return (unsigned)k < WARD_HOOK__N ? hook_names[k] : NULL;
}

const char *
ward_capset_name(enum ward_capset c)
{
	return (unsigned)c < WARD_CAP__N ? capset_names[c] : NULL;
}

char *
ward_spec_strdup(struct ward_spec *s, const char *str)
{
	if (str == NULL)
		return NULL;
	return ward_arena_strdup(&s->arena, str);
}

void *
ward_spec_alloc(struct ward_spec *s, size_t size)
{
	return ward_arena_alloc(&s->arena, size);
}

int
ward_spec_strv_append(struct ward_spec *s, char ***v, size_t *n,
		      const char *str, struct ward_err *e)
{
	char **nv;

	if (str == NULL)
		return ward_err_set(e, EINVAL, "appending a NULL string");
	if (*n > SIZE_MAX / sizeof(char *) - 2)
		return ward_err_set(e, ENOMEM, "string array too long");
	/* The arena cannot grow in place; arrays here hold a handful of items. */
	nv = ward_arena_alloc(&s->arena, (*n + 2) * sizeof(char *));
	if (nv == NULL)
		return ward_err_set(e, ENOMEM, "appending \"%s\"", str);
	if (*n > 0)
		memcpy(nv, *v, *n * sizeof(char *));
	nv[*n] = ward_arena_strdup(&s->arena, str);
	if (nv[*n] == NULL)
		return ward_err_set(e, ENOMEM, "appending \"%s\"", str);
	*v = nv;
	(*n)++;
	return 0;
}

void
ward_spec_free(struct ward_spec *s)
{
	if (s == NULL)
		return;
	ward_arena_release(&s->arena);
	free(s);
}

static int
parse_root(struct spec_ctx *c, const struct ward_json *top)
{
	struct ward_json_path p;
	const struct ward_json *v;
	int ret = spec_get_obj(c, NULL, top, "root", false, &v, &p);

	if (ret < 0 || v == NULL)
		return ret;
	c->s->has_root = true;
	ret = spec_get_str(c, &p, v, "path", SPEC_REQUIRED | SPEC_NONEMPTY,
			   &c->s->root.path);
	if (ret == 0)
		ret = spec_get_bool(c, &p, v, "readonly", SPEC_OPT,
				    &c->s->root.readonly);
	return ret;
}

static int
parse_mount(struct spec_ctx *c, const struct ward_json_path *p,
	    const struct ward_json *v, void *elem)
{
	struct ward_mount *m = elem;
	int ret = spec_expect(c, p, v, WARD_JSON_OBJECT);

	if (ret == 0)
		ret = spec_get_str(c, p, v, "destination",
				   SPEC_REQUIRED | SPEC_ABSPATH, &m->destination);
	if (ret == 0)
		ret = spec_get_str(c, p, v, "type", 0, &m->type);
	if (ret == 0)
		ret = spec_get_str(c, p, v, "source", 0, &m->source);
	if (ret == 0)
		ret = spec_get_strv(c, p, v, "options", 0, NULL, &m->options,
				    &m->n_options);
	if (ret == 0)
		ret = spec_get_idmaps(c, p, v, "uidMappings", &m->uid_mappings);
	if (ret == 0)
		ret = spec_get_idmaps(c, p, v, "gidMappings", &m->gid_mappings);
	return ret;
}

static int
parse_hook(struct spec_ctx *c, const struct ward_json_path *p,
	   const struct ward_json *v, void *elem)
{
	struct ward_hook *h = elem;
	int64_t timeout;
	int ret = spec_expect(c, p, v, WARD_JSON_OBJECT);

	if (ret == 0)
		ret = spec_get_str(c, p, v, "path", SPEC_REQUIRED | SPEC_ABSPATH,
				   &h->path);
	if (ret == 0)
		ret = spec_get_strv(c, p, v, "args", 0, NULL, &h->args,
				    &h->n_args);
	if (ret == 0)
		ret = spec_get_strv(c, p, v, "env", 0, NULL, &h->env, &h->n_env);
	if (ret == 0)
		ret = spec_get_range(c, p, v, "timeout", 1, INT32_MAX,
				     &h->has_timeout, &timeout);
	if (ret == 0 && h->has_timeout)
		h->timeout = (int)timeout;
	return ret;
}

static int
parse_hooks(struct spec_ctx *c, const struct ward_json *top)
{
	struct ward_json_path p;
	const struct ward_json *hooks;
	struct ward_hooks *h = &c->s->hooks;
	int ret = spec_get_obj(c, NULL, top, "hooks", false, &hooks, &p);

	for (int k = 0; ret == 0 && hooks != NULL && k < WARD_HOOK__N; k++)
		ret = spec_get_list(c, &p, hooks, hook_names[k],
				    sizeof(struct ward_hook), parse_hook,
				    (void **)&h->v[k], &h->n[k]);
	return ret;
}

static int
parse_top_process(struct spec_ctx *c, const struct ward_json *top)
{
	struct ward_json_path p;
	const struct ward_json *v;
	int ret = spec_get_obj(c, NULL, top, "process", false, &v, &p);

	if (ret < 0 || v == NULL)
		return ret;
	c->s->has_process = true;
	return spec_parse_process(c, &p, v, &c->s->process);
}

static int
parse_top_linux(struct spec_ctx *c, const struct ward_json *top)
{
	struct ward_json_path p;
	const struct ward_json *v;
	int ret = spec_get_obj(c, NULL, top, "linux", false, &v, &p);

	if (ret < 0 || v == NULL)
		return ret;
	c->s->has_linux = true;
	return spec_parse_linux(c, &p, v, &c->s->linux);
}

static int
parse_config(struct spec_ctx *c, const struct ward_json *top)
{
	struct ward_spec *s = c->s;
	int ret;

	ret = spec_get_str(c, NULL, top, "ociVersion",
			   SPEC_REQUIRED | SPEC_NONEMPTY, &s->oci_version);
	if (ret == 0)
		ret = parse_top_process(c, top);
	if (ret == 0)
		ret = parse_root(c, top);
	if (ret == 0)
		ret = spec_get_str(c, NULL, top, "hostname", 0, &s->hostname);
	if (ret == 0)
		ret = spec_get_str(c, NULL, top, "domainname", 0,
				   &s->domainname);
	if (ret == 0)
		ret = spec_get_list(c, NULL, top, "mounts",
				    sizeof(struct ward_mount), parse_mount,
				    (void **)&s->mounts, &s->n_mounts);
	if (ret == 0)
		ret = parse_hooks(c, top);
	if (ret == 0)
		ret = spec_get_kv(c, NULL, top, "annotations", &s->annotations,
				  &s->n_annotations);
	if (ret == 0)
		ret = parse_top_linux(c, top);
	return ret;
}

static int
parse_doc(const char *buf, size_t len, bool process_only,
	  struct ward_spec **out, struct ward_err *e)
{
	struct ward_arena tree = { 0 };
	struct ward_json *top = NULL;
	struct spec_ctx c = { .e = e };
	int ret;

	if (len > WARD_SPEC_MAX_BYTES)
		return ward_err_set(e, EFBIG, "%s is %zu bytes, over the %u-byte limit",
				    process_only ? "process.json" : "config.json",
				    len, WARD_SPEC_MAX_BYTES);
	c.s = calloc(1, sizeof(*c.s));
	if (c.s == NULL)
		return ward_err_set(e, ENOMEM, "allocating the spec");
	ret = ward_json_parse(&tree, buf, len, WARD_SPEC_MAX_DEPTH, &top, e);
	if (ret == 0)
		ret = spec_expect(&c, NULL, top, WARD_JSON_OBJECT);
	if (ret == 0 && process_only) {
		c.s->has_process = true;
		ret = spec_parse_process(&c, NULL, top, &c.s->process);
	} else if (ret == 0) {
		ret = parse_config(&c, top);
	}
	/* Every kept string was copied into the spec's arena. */
	ward_arena_release(&tree);
	if (ret < 0) {
		ward_spec_free(c.s);
		return ret;
	}
	*out = c.s;
	return 0;
}

int
ward_spec_parse(const char *buf, size_t len, struct ward_spec **out,
		struct ward_err *e)
{
	return parse_doc(buf, len, false, out, e);
}

int
ward_spec_parse_process(const char *buf, size_t len, struct ward_spec **out,
			struct ward_err *e)
{
	return parse_doc(buf, len, true, out, e);
}

static int
load(const char *path, bool process_only, struct ward_spec **out,
     struct ward_err *e)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	int ret;

	ret = ward_read_file(path, WARD_SPEC_MAX_BYTES, &buf, &len, e);
	if (ret < 0)
		return ret;
	return parse_doc(buf, len, process_only, out, e);
}

int
ward_spec_load(const char *path, struct ward_spec **out, struct ward_err *e)
{
	return load(path, false, out, e);
}

int
ward_spec_load_process(const char *path, struct ward_spec **out,
		       struct ward_err *e)
{
	return load(path, true, out, e);
}
