/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
/*
 * The mounts stage, parent side: the plan (what to mount, in which order),
 * the early rootfs check and the idmapped rootfs tree. The child side is in
 * mounts_apply.c and mounts_target.c; per-entry option parsing in
 * mounts_opts.c; cgroup layouts in mounts_cgroup.c; /dev nodes in devices.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ward/cleanup.h"
#include "mounts_int.h"
#include "sys.h"

int
ward_mounts_push(struct ward_mounts_plan *p, const struct ward_mount_op *op,
		 struct ward_err *e)
{
	if (p->n_ops == p->cap_ops) {
		size_t cap = p->cap_ops == 0 ? 32 : p->cap_ops * 2;
		struct ward_mount_op *v;

		/* The arena cannot grow in place; the old copy is simply left behind. */
		v = ward_arena_alloc(&p->arena, cap * sizeof(*v));
		if (v == NULL)
			return ward_err_set(e, ENOMEM, "mount plan");
		if (p->n_ops > 0)
			memcpy(v, p->ops, p->n_ops * sizeof(*v));
		p->ops = v;
		p->cap_ops = cap;
	}
	p->ops[p->n_ops] = *op;
	p->ops[p->n_ops++].source_fd = -1;
	return 0;
}

char *
ward_mounts_strdup(struct ward_mounts_plan *p, const char *s,
		   struct ward_err *e)
{
	char *d = ward_arena_strdup(&p->arena, s);

	if (d == NULL)
		ward_err_set(e, ENOMEM, "mount plan");
	return d;
}

int
ward_mounts_clean(struct ward_mounts_plan *p, const char *in, const char **out,
		  const char *what, struct ward_err *e)
{
	char buf[PATH_MAX];
	int ret;

	if (in == NULL || in[0] == '\0')
		return ward_err_set(e, EINVAL, "%s: missing path", what);
	ret = ward_path_clean(in, buf, sizeof(buf));
	if (ret < 0)
		return ward_err_set(e, -ret, "%s: %s", what, in);
	*out = ward_mounts_strdup(p, buf, e);
	return *out == NULL ? -ENOMEM : 0;
}

static int
plan_rootfs(const struct ward_spec *s, const char *bundle,
	    struct ward_mounts_plan *p, struct ward_err *e)
{
	_cleanup_free_ char *joined = NULL;
	_cleanup_free_ char *real = NULL;
	const char *path;
	struct stat st;

	if (!s->has_root || s->root.path == NULL || s->root.path[0] == '\0')
		return ward_err_set(e, EINVAL, "root.path: missing");
	path = s->root.path;
	if (path[0] != '/' && bundle != NULL) {
		if (asprintf(&joined, "%s/%s", bundle, path) < 0)
			return ward_err_set(e, ENOMEM, "root.path");
		path = joined;
	}
	/* The bundle is the admin's: resolving its symlinks here is intended. */
	real = realpath(path, NULL);
	if (real == NULL)
		return ward_err_set(e, errno, "root.path: %s", path);
	if (stat(real, &st) < 0)
		return ward_err_set(e, errno, "root.path: %s", real);
	if (!S_ISDIR(st.st_mode))
		return ward_err_set(e, ENOTDIR, "root.path: %s", real);
	if (strcmp(real, "/") == 0)
		return ward_err_set(e, EINVAL,
				    "root.path: %s resolves to the host's /",
				    path);
	p->rootfs = ward_mounts_strdup(p, real, e);
	return p->rootfs == NULL ? -ENOMEM : 0;
}

/*
 * "/" is made rprivate by default (crun's choice; runc uses rslave): no mount
 * event crosses between host and container in either direction. rslave is
 * available through linux.rootfsPropagation for volumes that must see later
 * host mounts. Unbindable is applied to the rootfs only, at the end: an
 * unbindable "/" would forbid the bind mounts of mounts[].
 */
static int
plan_propagation(const struct ward_spec *s, struct ward_mounts_plan *p,
		 struct ward_err *e)
{
	static const struct {
		const char *name;
		uint64_t root, rootfs;
	} props[] = {
		{ "private", MS_PRIVATE, MS_PRIVATE },
		{ "rprivate", MS_PRIVATE, MS_PRIVATE },
		{ "slave", MS_SLAVE, MS_SLAVE },
		{ "rslave", MS_SLAVE, MS_SLAVE },
		{ "unbindable", MS_PRIVATE, MS_UNBINDABLE },
		{ "runbindable", MS_PRIVATE, MS_UNBINDABLE },
	};
	const char *v = s->linux.rootfs_propagation;

	p->root_propagation = MS_PRIVATE;
	p->rootfs_propagation = MS_PRIVATE;
	if (v == NULL || v[0] == '\0')
		return 0;
	for (size_t i = 0; i < WARD_ARRAY_SIZE(props); i++) {
		if (strcmp(v, props[i].name) == 0) {
			p->root_propagation = props[i].root;
			p->rootfs_propagation = props[i].rootfs;
			return 0;
		}
	}
	if (strcmp(v, "shared") == 0 || strcmp(v, "rshared") == 0)
		return ward_err_set(e, EPERM,
				    "linux.rootfsPropagation: %s propagation would let the container's mounts reach the host",
				    v);
	return ward_err_set(e, EINVAL,
			    "linux.rootfsPropagation: unknown propagation \"%s\"",
			    v);
}

static bool
dest_is(const char *dest, const char *want)
{
	char buf[PATH_MAX];

	if (dest == NULL || ward_path_clean(dest, buf, sizeof(buf)) < 0)
		return false;
	return strcmp(buf, want) == 0;
}

static bool
spec_mounts(const struct ward_spec *s, const char *dest)
{
	for (size_t i = 0; i < s->n_mounts; i++)
		if (dest_is(s->mounts[i].destination, dest))
			return true;
	return false;
}

/*
 * A user namespace without mappings in the spec is one ward allocates: a
 * 65536-id block from container id 0 (userns.c), so gid 5 is mapped. A
 * joined one (path) is unknown: no gid= then.
 */
static bool
gid_mapped(const struct ward_spec *s, uint32_t gid)
{
	const struct ward_id_maps *m = &s->linux.gid_mappings;

	if (!ward_spec_has_ns(s, WARD_NS_USER))
		return true;
	if (m->n == 0 && s->linux.uid_mappings.n == 0)
		return s->linux.ns[WARD_NS_USER].path == NULL;
	for (size_t i = 0; i < m->n; i++)
		if (gid >= m->v[i].container_id &&
		    gid - m->v[i].container_id < m->v[i].size)
			return true;
	return false;
}

/* /dev/pts and /dev/shm when the config does not mount them itself. */
static int
plan_dev_defaults(const struct ward_spec *s, struct ward_mounts_plan *p,
		  struct ward_err *e)
{
	static const char *const pts[] = { "newinstance", "ptmxmode=0666",
					   "mode=0620", "gid=5", NULL };
	static const char *const shm[] = { "mode=1777", "size=" WARD_DEV_SIZE,
					   NULL };
	const uint64_t safe = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
			      MOUNT_ATTR_NOEXEC;
	int ret;

	if (!spec_mounts(s, "/dev/pts")) {
		const char *const *params = pts;
		const char *const nogid[] = { pts[0], pts[1], pts[2], NULL };

		/* devpts refuses gid= for a group the namespace does not map. */
		if (!gid_mapped(s, 5))
			params = nogid;
		ret = ward_mounts_push_fs(p, "devpts", "/dev/pts",
					  MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC,
					  0, params, e);
		if (ret < 0)
			return ret;
	}
	if (!spec_mounts(s, "/dev/shm")) {
		ret = ward_mounts_push_fs(p, "tmpfs", "/dev/shm", safe, 0, shm,
					  e);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/*
 * mounts[] in order, with /dev always a tmpfs: ward's own at the front when
 * the config has none, followed by the /dev/pts and /dev/shm defaults.
 */
static int
plan_mounts(const struct ward_spec *s, const char *bundle,
	    struct ward_mounts_plan *p, struct ward_err *e)
{
	static const char *const dev[] = { "mode=755", "size=" WARD_DEV_SIZE,
					   NULL };
	int ret;

	if (!spec_mounts(s, "/dev")) {
		/*
		 * nodev/noexec are safe: the nodes are bind mounts of the
		 * host's, whose own mount flags decide whether they open.
		 */
		ret = ward_mounts_push_fs(p, "tmpfs", "/dev",
					  MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
						  MOUNT_ATTR_NOEXEC,
					  WARD_MOP_F_REAL_DIR, dev, e);
		if (ret == 0)
			ret = plan_dev_defaults(s, p, e);
		if (ret < 0)
			return ret;
	}
	for (size_t i = 0; i < s->n_mounts; i++) {
		ret = ward_mounts_plan_entry(s, bundle, i, p, e);
		if (ret == 0 && dest_is(s->mounts[i].destination, "/dev"))
			ret = plan_dev_defaults(s, p, e);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int
plan_paths(struct ward_mounts_plan *p, char **in, size_t n, const char *field,
	   const char ***out, size_t *n_out, struct ward_err *e)
{
	const char **v;
	char what[64];
	int ret;

	if (n == 0)
		return 0;
	v = ward_arena_alloc(&p->arena, n * sizeof(*v));
	if (v == NULL)
		return ward_err_set(e, ENOMEM, "mount plan");
	for (size_t i = 0; i < n; i++) {
		snprintf(what, sizeof(what), "%s[%zu]", field, i);
		ret = ward_mounts_clean(p, in[i], &v[i], what, e);
		if (ret < 0)
			return ret;
		if (strcmp(v[i], "/") == 0)
			return ward_err_set(e, EINVAL,
					    "%s: \"/\" is not allowed (use root.readonly)",
					    what);
	}
	*out = v;
	*n_out = n;
	return 0;
}

/* The host id of container id 0: an overlay rootfs is mounted as it. */
static uint32_t
host_root(const struct ward_spec *s, const struct ward_id_maps *m)
{
	if (!ward_spec_has_ns(s, WARD_NS_USER))
		return (uint32_t)-1;
	for (size_t i = 0; i < m->n; i++)
		if (m->v[i].container_id == 0 && m->v[i].size > 0)
			return m->v[i].host_id;
	return (uint32_t)-1;
}

int
ward_mounts_plan(const struct ward_spec *s, const char *bundle,
		 struct ward_mounts_plan *p, struct ward_err *e)
{
	int ret;

	memset(p, 0, sizeof(*p));
	p->rootfs_fd = -1;
	p->fds_open = true;
	ret = plan_rootfs(s, bundle, p, e);
	if (ret == 0)
		ret = plan_propagation(s, p, e);
	if (ret == 0)
		ret = plan_mounts(s, bundle, p, e);
	if (ret == 0)
		ret = ward_devices_plan(s, p, e);
	if (ret == 0)
		ret = plan_paths(p, s->linux.readonly_paths,
				 s->linux.n_readonly_paths,
				 "linux.readonlyPaths", &p->readonly,
				 &p->n_readonly, e);
	if (ret == 0)
		ret = plan_paths(p, s->linux.masked_paths,
				 s->linux.n_masked_paths, "linux.maskedPaths",
				 &p->masked, &p->n_masked, e);
	if (ret == 0)
		ret = ward_mounts_open_sources(p, e);
	if (ret < 0) {
		ward_mounts_plan_free(p);
		return ret;
	}
	p->root_readonly = s->root.readonly;
	p->host_root_uid = host_root(s, &s->linux.uid_mappings);
	p->host_root_gid = host_root(s, &s->linux.gid_mappings);
	return 0;
}

void
ward_mounts_plan_free(struct ward_mounts_plan *p)
{
	if (p->fds_open) {
		for (size_t i = 0; i < p->n_ops; i++)
			if (p->ops[i].source_fd >= 0)
				close(p->ops[i].source_fd);
		if (p->rootfs_fd >= 0)
			close(p->rootfs_fd);
	}
	ward_arena_release(&p->arena);
	memset(p, 0, sizeof(*p));
}

static int
check_not_symlink(int dirfd, const char *rootfs, const char *name,
		  struct ward_err *e)
{
	_cleanup_close_ int fd = -1;
	struct stat st;

	fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : ward_err_set(e, errno, "%s/%s", rootfs, name);
	if (fstat(fd, &st) < 0)
		return ward_err_set(e, errno, "%s/%s", rootfs, name);
	if (S_ISLNK(st.st_mode))
		return ward_err_set(e, ELOOP,
				    "rootfs %s: /%s is a symlink; ward mounts %s only on a real directory",
				    rootfs, name,
				    strcmp(name, "dev") == 0 ? "/dev" :
				    strcmp(name, "proc") == 0 ? "procfs" : "sysfs");
	return 0;
}

int
ward_mounts_check_rootfs(const struct ward_mounts_plan *p, struct ward_err *e)
{
	_cleanup_close_ int fd = -1;
	static const char *const names[] = { "proc", "sys", "dev" };
	int ret;

	fd = open(p->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return ward_err_set(e, errno, "rootfs %s", p->rootfs);
	for (size_t i = 0; i < WARD_ARRAY_SIZE(names); i++) {
		ret = check_not_symlink(fd, p->rootfs, names[i], e);
		if (ret < 0)
			return ret;
	}
	return 0;
}
