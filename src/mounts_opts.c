/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
/*
 * One mounts[] entry to ops: its type decides bind or new filesystem, its
 * options become MOUNT_ATTR_* bits, a propagation, and fsconfig() parameters.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ward/cleanup.h"
#include "mounts_int.h"
#include "sys.h"

#define SAFE_ATTRS (MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC)

enum opt_kind {
	OPT_SET,	/* MOUNT_ATTR_* bit on */
	OPT_CLEAR,	/* MOUNT_ATTR_* bit off (cancels an earlier OPT_SET) */
	OPT_ATIME,	/* one of the MOUNT_ATTR__ATIME values */
	OPT_PROP,	/* propagation */
	OPT_BIND,
	OPT_SB,		/* a superblock flag: fsconfig(SET_FLAG) */
	OPT_NOOP,
	OPT_REFUSE,
};

struct mount_opt {
	const char *name;
	enum opt_kind kind;
	uint64_t value;
	bool recursive;
	const char *why;	/* OPT_REFUSE, OPT_NOOP: the reason */
};

static const struct mount_opt opts[] = {
	{ "ro", OPT_SET, MOUNT_ATTR_RDONLY },
	{ "rw", OPT_CLEAR, MOUNT_ATTR_RDONLY },
	{ "nosuid", OPT_SET, MOUNT_ATTR_NOSUID },
	{ "suid", OPT_CLEAR, MOUNT_ATTR_NOSUID },
	{ "nodev", OPT_SET, MOUNT_ATTR_NODEV },
	{ "dev", OPT_CLEAR, MOUNT_ATTR_NODEV },
	{ "noexec", OPT_SET, MOUNT_ATTR_NOEXEC },
	{ "exec", OPT_CLEAR, MOUNT_ATTR_NOEXEC },
	{ "nodiratime", OPT_SET, MOUNT_ATTR_NODIRATIME },
	{ "diratime", OPT_CLEAR, MOUNT_ATTR_NODIRATIME },
	{ "nosymfollow", OPT_SET, MOUNT_ATTR_NOSYMFOLLOW },
	{ "symfollow", OPT_CLEAR, MOUNT_ATTR_NOSYMFOLLOW },
	/* Without noatime or strictatime the kernel's default is relatime. */
	{ "atime", OPT_ATIME, MOUNT_ATTR_RELATIME },
	{ "relatime", OPT_ATIME, MOUNT_ATTR_RELATIME },
	{ "norelatime", OPT_ATIME, MOUNT_ATTR_RELATIME },
	{ "nostrictatime", OPT_ATIME, MOUNT_ATTR_RELATIME },
	{ "noatime", OPT_ATIME, MOUNT_ATTR_NOATIME },
	{ "strictatime", OPT_ATIME, MOUNT_ATTR_STRICTATIME },
	{ "sync", OPT_SB },
	{ "dirsync", OPT_SB },
	{ "async", OPT_NOOP, 0, false, "the default" },
	/* Mandatory locking is gone since Linux 5.15; the flag is ignored. */
	{ "mand", OPT_NOOP, 0, false, "ignored by Linux since 5.15" },
	{ "nomand", OPT_NOOP, 0, false, "the default" },
	/* Every op sets its attributes directly: there is nothing to remount. */
	{ "remount", OPT_NOOP, 0, false, "implied" },
	{ "bind", OPT_BIND, 0, false },
	{ "rbind", OPT_BIND, 0, true },
	{ "private", OPT_PROP, MS_PRIVATE, false },
	{ "rprivate", OPT_PROP, MS_PRIVATE, true },
	{ "slave", OPT_PROP, MS_SLAVE, false },
	{ "rslave", OPT_PROP, MS_SLAVE, true },
	{ "unbindable", OPT_PROP, MS_UNBINDABLE, false },
	{ "runbindable", OPT_PROP, MS_UNBINDABLE, true },
	{ "shared", OPT_REFUSE, 0, false,
	  "shared propagation would let the container's mounts reach the host" },
	{ "rshared", OPT_REFUSE, 0, false,
	  "shared propagation would let the container's mounts reach the host" },
	{ "idmap", OPT_REFUSE, 0, false, "idmapped bind mounts are not supported yet" },
	{ "ridmap", OPT_REFUSE, 0, false, "idmapped bind mounts are not supported yet" },
	{ "tmpcopyup", OPT_REFUSE, 0, false, "tmpcopyup is not supported" },
};

struct parsed {
	uint64_t attr_set;
	bool has_atime;
	uint64_t atime;
	uint64_t propagation;
	bool prop_recursive;
	bool bind, rbind;
	struct ward_fs_param *params;	/* room for n_options + 4 */
	size_t n_params;
	bool has_mode;
};

static const struct mount_opt *
find_opt(const char *name)
{
	for (size_t i = 0; i < WARD_ARRAY_SIZE(opts); i++)
		if (strcmp(opts[i].name, name) == 0)
			return &opts[i];
	return NULL;
}

static int
add_param(struct ward_mounts_plan *p, struct parsed *r, const char *opt,
	  struct ward_err *e)
{
	struct ward_fs_param *par = &r->params[r->n_params];
	const char *eq = strchr(opt, '=');

	if (eq == NULL) {
		par->key = ward_mounts_strdup(p, opt, e);
		par->value = NULL;
	} else {
		par->key = ward_arena_strndup(&p->arena, opt, (size_t)(eq - opt));
		par->value = ward_mounts_strdup(p, eq + 1, e);
	}
	if (par->key == NULL || (eq != NULL && par->value == NULL))
		return ward_err_set(e, ENOMEM, "mount plan");
	if (strcmp(par->key, "mode") == 0)
		r->has_mode = true;
	r->n_params++;
	return 0;
}

static void
apply_opt(const struct mount_opt *o, struct parsed *r)
{
	switch (o->kind) {
	case OPT_SET:
		r->attr_set |= o->value;
		break;
	case OPT_CLEAR:
		r->attr_set &= ~o->value;
		break;
	case OPT_ATIME:
		r->has_atime = true;
		r->atime = o->value;
		break;
	case OPT_PROP:
		r->propagation = o->value;
		r->prop_recursive = o->recursive;
		break;
	case OPT_BIND:
		r->bind = true;
		r->rbind = r->rbind || o->recursive;
		break;
	default:
		break;
	}
}

/*
 * Two passes: the first finds bind/rbind (it decides how every other option
 * is read), the second parses. A bind takes no data, so an option unknown
 * to the table is an error there; for a new filesystem it goes to fsconfig.
 */
static int
parse_options(struct ward_mounts_plan *p, const struct ward_mount *m, size_t i,
	      struct parsed *r, struct ward_err *e)
{
	bool bind = m->type != NULL && strcmp(m->type, "bind") == 0;
	int ret;

	memset(r, 0, sizeof(*r));
	r->params = ward_arena_alloc(&p->arena, (m->n_options + 4) *
						       sizeof(*r->params));
	if (r->params == NULL)
		return ward_err_set(e, ENOMEM, "mount plan");
	for (size_t j = 0; j < m->n_options; j++) {
		const struct mount_opt *o = find_opt(m->options[j]);

		bind = bind || (o != NULL && o->kind == OPT_BIND);
	}
	for (size_t j = 0; j < m->n_options; j++) {
		const char *name = m->options[j];
		const struct mount_opt *o = find_opt(name);

		if (o != NULL && o->kind == OPT_REFUSE)
			return ward_err_set(e, EINVAL, "mounts[%zu].options[%zu]: %s: %s",
					    i, j, name, o->why);
		if (o == NULL && bind)
			return ward_err_set(e, EINVAL,
					    "mounts[%zu].options[%zu]: unknown bind mount option \"%s\"",
					    i, j, name);
		if (o != NULL && o->kind == OPT_SB && bind)
			return ward_err_set(e, EINVAL,
					    "mounts[%zu].options[%zu]: %s is a filesystem flag; a bind mount cannot change it",
					    i, j, name);
		if (o == NULL || o->kind == OPT_SB) {
			ret = add_param(p, r, name, e);
			if (ret < 0)
				return ret;
			continue;
		}
		apply_opt(o, r);
	}
	r->bind = bind;
	return 0;
}

static int
set_op_attrs(struct ward_mount_op *op, const struct parsed *r)
{
	op->attr_set |= r->attr_set;
	if (r->has_atime) {
		op->attr_set = (op->attr_set & ~(uint64_t)MOUNT_ATTR__ATIME) |
			       r->atime;
		/* mount_setattr changes the atime field only when told to. */
		op->attr_clr |= MOUNT_ATTR__ATIME;
	}
	op->propagation = r->propagation;
	if (r->prop_recursive)
		op->flags |= WARD_MOP_F_PROP_RECURSIVE;
	return 0;
}

/*
 * A bind keeps the source mount's flags and only adds restrictions: "rw",
 * "suid", "dev", "exec" cancel an earlier option but never clear a flag the
 * source has (a user namespace could not clear a locked one anyway).
 */
static int
plan_bind(struct ward_mounts_plan *p, const struct ward_mount *m,
	  const char *bundle, size_t i, const struct parsed *r,
	  struct ward_mount_op *op, struct ward_err *e)
{
	_cleanup_free_ char *joined = NULL;
	_cleanup_free_ char *real = NULL;
	const char *src = m->source;

	if (src == NULL || src[0] == '\0')
		return ward_err_set(e, EINVAL, "mounts[%zu].source: missing for a bind mount", i);
	/* runtime-spec: a relative bind source is relative to the bundle. */
	if (src[0] != '/' && bundle != NULL) {
		if (asprintf(&joined, "%s/%s", bundle, src) < 0)
			return ward_err_set(e, ENOMEM, "mount plan");
		src = joined;
	}
	real = realpath(src, NULL);
	if (real == NULL)
		return ward_err_set(e, errno, "mounts[%zu].source: %s", i, src);
	op->kind = WARD_MOP_BIND;
	op->source = ward_mounts_strdup(p, real, e);
	if (op->source == NULL)
		return -ENOMEM;
	if (r->rbind)
		op->flags |= WARD_MOP_F_RECURSIVE;
	return set_op_attrs(op, r);
}

static const struct fs_type {
	const char *name;
	uint64_t force;		/* attributes always set, whatever the options */
	unsigned int flags;
} fs_types[] = {
	{ "tmpfs", 0, 0 },
	{ "proc", SAFE_ATTRS, WARD_MOP_F_REAL_DIR },
	{ "sysfs", MOUNT_ATTR_RDONLY | SAFE_ATTRS,
	  WARD_MOP_F_REAL_DIR | WARD_MOP_F_SYSFS_FALLBACK },
	{ "mqueue", SAFE_ATTRS, 0 },
	{ "devpts", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, 0 },
	{ "cgroup", MOUNT_ATTR_RDONLY | SAFE_ATTRS, 0 },
	{ "cgroup2", MOUNT_ATTR_RDONLY | SAFE_ATTRS, 0 },
};

static bool
has_param(const struct parsed *r, const char *key)
{
	for (size_t k = 0; k < r->n_params; k++)
		if (strcmp(r->params[k].key, key) == 0)
			return true;
	return false;
}

static bool
id_mapped(const struct ward_id_maps *m, uint64_t id)
{
	for (size_t k = 0; k < m->n; k++)
		if (id >= m->v[k].container_id &&
		    id - m->v[k].container_id < m->v[k].size)
			return true;
	return false;
}

/* devpts fails with a bare EINVAL on an unmapped uid=/gid=: say why here. */
static int
check_devpts_ids(const struct ward_spec *s, size_t i, const struct parsed *r,
		 struct ward_err *e)
{
	const struct ward_id_maps *maps[2] = { &s->linux.uid_mappings,
					       &s->linux.gid_mappings };
	static const char *const keys[2] = { "uid", "gid" };
	uint64_t id;

	if (!ward_spec_has_ns(s, WARD_NS_USER))
		return 0;
	for (size_t k = 0; k < r->n_params; k++) {
		for (int w = 0; w < 2; w++) {
			if (strcmp(r->params[k].key, keys[w]) != 0 ||
			    r->params[k].value == NULL || maps[w]->n == 0)
				continue;
			if (ward_parse_u64(r->params[k].value, &id) < 0 ||
			    !id_mapped(maps[w], id))
				return ward_err_set(e, EINVAL,
						    "mounts[%zu].options: %s=%s is not mapped in the container's user namespace",
						    i, keys[w], r->params[k].value);
		}
	}
	return 0;
}

static int
plan_fs(const struct ward_spec *s, struct ward_mounts_plan *p,
	const struct ward_mount *m, size_t i, struct parsed *r,
	struct ward_mount_op *op, struct ward_err *e)
{
	const struct fs_type *t = NULL;
	int ret;

	for (size_t k = 0; k < WARD_ARRAY_SIZE(fs_types); k++)
		if (strcmp(m->type, fs_types[k].name) == 0)
			t = &fs_types[k];
	if (strcmp(m->type, "overlay") == 0)
		return ward_err_set(e, ENOTSUP, "mounts[%zu].type: overlay mounts not supported yet", i);
	if (t == NULL)
		return ward_err_set(e, EINVAL, "mounts[%zu].type: unknown mount type \"%s\"",
				    i, m->type);
	op->kind = WARD_MOP_FS;
	op->fstype = t->name;
	op->flags |= t->flags;
	if (m->source != NULL && m->source[0] != '\0') {
		op->source = ward_mounts_strdup(p, m->source, e);
		if (op->source == NULL)
			return -ENOMEM;
	}
	if (strcmp(t->name, "devpts") == 0) {
		ret = check_devpts_ids(s, i, r, e);
		if (ret == 0 && !has_param(r, "newinstance"))
			ret = add_param(p, r, "newinstance", e);
		if (ret == 0 && !has_param(r, "ptmxmode"))
			ret = add_param(p, r, "ptmxmode=0666", e);
		if (ret < 0)
			return ret;
	}
	set_op_attrs(op, r);
	op->attr_set |= t->force;
	op->attr_clr = 0;
	op->params = r->params;
	op->n_params = r->n_params;
	return 0;
}

/* /dev holds the bound host nodes: always a tmpfs, on a real directory. */
static int
plan_dev(struct ward_mounts_plan *p, size_t i, struct parsed *r,
	 struct ward_mount_op *op, struct ward_err *e)
{
	if (op->kind != WARD_MOP_FS || strcmp(op->fstype, "tmpfs") != 0)
		return ward_err_set(e, EINVAL,
				    "mounts[%zu]: /dev must be a tmpfs (ward binds the device nodes into it)",
				    i);
	if (!r->has_mode) {
		int ret = add_param(p, r, "mode=755", e);

		if (ret < 0)
			return ret;
		op->params = r->params;
		op->n_params = r->n_params;
	}
	op->attr_set |= SAFE_ATTRS;
	op->flags |= WARD_MOP_F_REAL_DIR;
	return 0;
}

int
ward_mounts_plan_entry(const struct ward_spec *s, const char *bundle, size_t i,
		       struct ward_mounts_plan *p, struct ward_err *e)
{
	const struct ward_mount *m = &s->mounts[i];
	struct ward_mount_op op = { .index = (int)i };
	struct parsed r;
	char what[64];
	int ret;

	snprintf(what, sizeof(what), "mounts[%zu].destination", i);
	ret = ward_mounts_clean(p, m->destination, &op.target, what, e);
	if (ret < 0)
		return ret;
	if (strcmp(op.target, "/") == 0)
		return ward_err_set(e, EINVAL, "%s: cannot mount over the container's root", what);
	if (m->uid_mappings.n > 0 || m->gid_mappings.n > 0)
		return ward_err_set(e, ENOTSUP,
				    "mounts[%zu].uidMappings: idmapped bind mounts are not supported yet",
				    i);
	ret = parse_options(p, m, i, &r, e);
	if (ret < 0)
		return ret;
	if (r.bind)
		ret = plan_bind(p, m, bundle, i, &r, &op, e);
	else if (m->type == NULL || strcmp(m->type, "none") == 0)
		ret = ward_err_set(e, EINVAL,
				   "mounts[%zu].type: missing (and no bind or rbind option)",
				   i);
	else if (strcmp(m->type, "cgroup") == 0)
		return ward_mounts_plan_cgroup(p, i, op.target,
					       r.attr_set | MOUNT_ATTR_RDONLY |
						       SAFE_ATTRS,
					       e);
	else
		ret = plan_fs(s, p, m, i, &r, &op, e);
	if (ret == 0 && strcmp(op.target, "/dev") == 0)
		ret = plan_dev(p, i, &r, &op, e);
	if (ret < 0)
		return ret;
	return ward_mounts_push(p, &op, e);
}

int
ward_mounts_push_fs(struct ward_mounts_plan *p, const char *fstype,
		    const char *target, uint64_t attrs, unsigned int flags,
		    const char *const *params, struct ward_err *e)
{
	struct ward_mount_op op = {
		.kind = WARD_MOP_FS,
		.flags = flags,
		.target = target,
		.fstype = fstype,
		.source = fstype,
		.attr_set = attrs,
		.index = -1,
	};
	struct parsed r = { 0 };
	size_t n = 0;
	int ret;

	while (params != NULL && params[n] != NULL)
		n++;
	r.params = ward_arena_alloc(&p->arena, (n + 1) * sizeof(*r.params));
	if (r.params == NULL)
		return ward_err_set(e, ENOMEM, "mount plan");
	for (size_t k = 0; k < n; k++) {
		ret = add_param(p, &r, params[k], e);
		if (ret < 0)
			return ret;
	}
	op.params = r.params;
	op.n_params = r.n_params;
	return ward_mounts_push(p, &op, e);
}
