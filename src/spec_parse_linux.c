/* SPDX-License-Identifier: Apache-2.0 */
/* The "linux" object of config.json, except resources and seccomp. */
#include <errno.h>
#include <string.h>

#include "spec_parse.h"

static const char *const propagations[] = {
	"private", "rprivate", "slave",	     "rslave",
	"shared",  "rshared",  "unbindable", "runbindable",
};

static bool
node_is(const struct ward_json *v, const char *s)
{
	return v->len == strlen(s) && memcmp(v->str, s, v->len) == 0;
}

static int
ns_type(struct spec_ctx *c, const struct ward_json_path *p,
	const struct ward_json *v, enum ward_ns_type *out)
{
	struct ward_json_path tp;
	const struct ward_json *t = spec_member(v, p, "type", &tp);
	char q[40];
	int ret;

	if (t == NULL)
		return spec_fail(c, &tp, "required");
	ret = spec_expect(c, &tp, t, WARD_JSON_STRING);
	if (ret < 0)
		return ret;
	for (int i = 0; i < WARD_NS__N; i++) {
		if (node_is(t, ward_ns_name(i))) {
			*out = i;
			return 0;
		}
	}
	ward_json_quote(t->str, t->len, q, sizeof(q));
	return spec_fail(c, &tp, "unknown namespace type \"%s\"", q);
}

static int
parse_namespace(struct spec_ctx *c, const struct ward_json_path *p,
		const struct ward_json *v, size_t index, struct ward_linux *l)
{
	struct ward_json_path tp = SPEC_KEY(p, "type");
	struct ward_namespace *ns;
	enum ward_ns_type t = WARD_NS_PID;
	int ret = spec_expect(c, p, v, WARD_JSON_OBJECT);

	if (ret == 0)
		ret = ns_type(c, p, v, &t);
	if (ret < 0)
		return ret;
	ns = &l->ns[t];
	if (ns->present)
		return spec_fail(c, &tp,
				 "duplicate namespace type \"%s\" (also at "
				 "index %zu)",
				 ward_ns_name(t), ns->index);
	ns->present = true;
	ns->index = index;
	return spec_get_str(c, p, v, "path", SPEC_ABSPATH, &ns->path);
}

static int
parse_namespaces(struct spec_ctx *c, const struct ward_json_path *up,
		 const struct ward_json *obj, struct ward_linux *l)
{
	struct ward_json_path p;
	const struct ward_json *v = spec_member(obj, up, "namespaces", &p), *it;
	size_t i = 0;
	int ret;

	if (v == NULL)
		return 0;
	ret = spec_expect(c, &p, v, WARD_JSON_ARRAY);
	if (ret < 0)
		return ret;
	ward_json_foreach(it, v) {
		struct ward_json_path ip = SPEC_IDX(&p, i);

		ret = parse_namespace(c, &ip, it, i, l);
		if (ret < 0)
			return ret;
		i++;
	}
	return 0;
}

static int
parse_propagation(struct spec_ctx *c, const struct ward_json_path *up,
		  const struct ward_json *obj, struct ward_linux *l)
{
	struct ward_json_path p = SPEC_KEY(up, "rootfsPropagation");
	char q[40];
	int ret = spec_get_str(c, up, obj, "rootfsPropagation", 0,
			       &l->rootfs_propagation);

	if (ret < 0 || l->rootfs_propagation == NULL)
		return ret;
	for (size_t i = 0; i < WARD_ARRAY_SIZE(propagations); i++)
		if (strcmp(propagations[i], l->rootfs_propagation) == 0)
			return 0;
	ward_json_quote(l->rootfs_propagation, strlen(l->rootfs_propagation),
			q, sizeof(q));
	return spec_fail(c, &p, "unknown propagation \"%s\"", q);
}

static int
parse_personality(struct spec_ctx *c, const struct ward_json_path *up,
		  const struct ward_json *obj, struct ward_linux *l)
{
	struct ward_json_path p, dp;
	const struct ward_json *v;
	struct ward_personality *pers = &l->personality;
	int ret = spec_get_obj(c, up, obj, "personality", false, &v, &p);

	if (ret < 0 || v == NULL)
		return ret;
	l->has_personality = true;
	ret = spec_get_str(c, &p, v, "domain", SPEC_REQUIRED, &pers->domain);
	if (ret < 0)
		return ret;
	if (strcmp(pers->domain, "LINUX") != 0 &&
	    strcmp(pers->domain, "LINUX32") != 0) {
		dp = SPEC_KEY(&p, "domain");
		return spec_fail(c, &dp, "must be \"LINUX\" or \"LINUX32\"");
	}
	return spec_get_strv(c, &p, v, "flags", 0, NULL, &pers->flags,
			     &pers->n_flags);
}

static int
parse_offset(struct spec_ctx *c, const struct ward_json_path *p,
	     const struct ward_json *v, struct ward_time_offset *t)
{
	struct ward_json_path np = SPEC_KEY(p, "nanosecs");
	bool has = false;
	int ret = spec_expect(c, p, v, WARD_JSON_OBJECT);

	if (ret < 0)
		return ret;
	t->present = true;
	ret = spec_get_i64(c, p, v, "secs", &has, &t->secs);
	if (ret == 0)
		ret = spec_get_u32(c, p, v, "nanosecs", &has, &t->nanosecs);
	/* timens offsets are a timespec: the kernel refuses nsec >= 1s. */
	if (ret == 0 && t->nanosecs >= 1000000000u)
		return spec_fail(c, &np, "must be less than 1000000000");
	return ret;
}

static int
parse_time_offsets(struct spec_ctx *c, const struct ward_json_path *up,
		   const struct ward_json *obj, struct ward_linux *l)
{
	struct ward_json_path p;
	const struct ward_json *v, *k, *val;
	char q[40];
	int ret = spec_get_obj(c, up, obj, "timeOffsets", false, &v, &p);

	if (ret < 0 || v == NULL)
		return ret;
	ward_json_foreach_member(k, val, v) {
		struct ward_json_path kp = { .up = &p, .key = k->str,
					     .key_len = k->len };

		if (val->type == WARD_JSON_NULL)
			continue;
		/* The keys are clock names, data rather than schema: fail closed. */
		if (node_is(k, "boottime"))
			ret = parse_offset(c, &kp, val, &l->time_boottime);
		else if (node_is(k, "monotonic"))
			ret = parse_offset(c, &kp, val, &l->time_monotonic);
		else {
			ward_json_quote(k->str, k->len, q, sizeof(q));
			return spec_fail(c, &p, "unknown clock \"%s\"", q);
		}
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int
parse_device_type(struct spec_ctx *c, const struct ward_json_path *p,
		  const struct ward_json *v, struct ward_device *d)
{
	struct ward_json_path tp = SPEC_KEY(p, "type");
	char *type = NULL;
	int ret = spec_get_str(c, p, v, "type", SPEC_REQUIRED, &type);

	if (ret < 0)
		return ret;
	if (strlen(type) != 1 || strchr("cbup", type[0]) == NULL)
		return spec_fail(c, &tp, "must be one of \"c\", \"b\", \"u\", \"p\"");
	d->type = type[0];
	return 0;
}

static int
parse_device(struct spec_ctx *c, const struct ward_json_path *p,
	     const struct ward_json *v, void *elem)
{
	struct ward_device *d = elem;
	/* A FIFO has no device number; every other node needs both. */
	bool has_major = false, has_minor = false, *req;
	int ret = spec_expect(c, p, v, WARD_JSON_OBJECT);

	if (ret == 0)
		ret = spec_get_str(c, p, v, "path", SPEC_REQUIRED | SPEC_ABSPATH,
				   &d->path);
	if (ret == 0)
		ret = parse_device_type(c, p, v, d);
	if (ret < 0)
		return ret;
	req = d->type == 'p' ? &has_major : NULL;
	ret = spec_get_range(c, p, v, "major", 0, UINT32_MAX, req, &d->major);
	req = d->type == 'p' ? &has_minor : NULL;
	if (ret == 0)
		ret = spec_get_range(c, p, v, "minor", 0, UINT32_MAX, req,
				     &d->minor);
	if (ret == 0)
		ret = spec_get_u32(c, p, v, "fileMode", &d->has_file_mode,
				   &d->file_mode);
	if (ret == 0)
		ret = spec_get_u32(c, p, v, "uid", &d->has_uid, &d->uid);
	if (ret == 0)
		ret = spec_get_u32(c, p, v, "gid", &d->has_gid, &d->gid);
	return ret;
}

static int
parse_sub(struct spec_ctx *c, const struct ward_json_path *up,
	  const struct ward_json *obj, struct ward_linux *l)
{
	struct ward_json_path p;
	const struct ward_json *v;
	int ret = spec_get_obj(c, up, obj, "resources", false, &v, &p);

	if (ret == 0 && v != NULL) {
		l->has_resources = true;
		ret = spec_parse_resources(c, &p, v, &l->resources);
	}
	if (ret == 0)
		ret = spec_get_obj(c, up, obj, "seccomp", false, &v, &p);
	if (ret == 0 && v != NULL) {
		l->seccomp = ward_arena_alloc(&c->s->arena, sizeof(*l->seccomp));
		if (l->seccomp == NULL)
			return spec_enomem(c);
		ret = spec_parse_seccomp(c, &p, v, l->seccomp);
	}
	return ret;
}

int
spec_parse_linux(struct spec_ctx *c, const struct ward_json_path *p,
		 const struct ward_json *v, struct ward_linux *l)
{
	int ret = parse_namespaces(c, p, v, l);

	if (ret == 0)
		ret = spec_get_idmaps(c, p, v, "uidMappings", &l->uid_mappings);
	if (ret == 0)
		ret = spec_get_idmaps(c, p, v, "gidMappings", &l->gid_mappings);
	if (ret == 0)
		ret = spec_get_kv(c, p, v, "sysctl", &l->sysctl, &l->n_sysctl);
	if (ret == 0)
		ret = parse_sub(c, p, v, l);
	if (ret == 0)
		ret = spec_get_str(c, p, v, "cgroupsPath", 0, &l->cgroups_path);
	if (ret == 0)
		ret = parse_propagation(c, p, v, l);
	if (ret == 0)
		ret = spec_get_strv(c, p, v, "maskedPaths", SPEC_ABSPATH,
				    &l->has_masked_paths, &l->masked_paths,
				    &l->n_masked_paths);
	if (ret == 0)
		ret = spec_get_strv(c, p, v, "readonlyPaths", SPEC_ABSPATH,
				    &l->has_readonly_paths, &l->readonly_paths,
				    &l->n_readonly_paths);
	if (ret == 0)
		ret = spec_get_str(c, p, v, "mountLabel", 0, &l->mount_label);
	if (ret == 0)
		ret = parse_personality(c, p, v, l);
	if (ret == 0)
		ret = parse_time_offsets(c, p, v, l);
	if (ret == 0)
		ret = spec_get_list(c, p, v, "devices", sizeof(*l->devices),
				    parse_device, (void **)&l->devices,
				    &l->n_devices);
	return ret;
}
