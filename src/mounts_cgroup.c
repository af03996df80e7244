/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
/*
 * A "cgroup" mount (what Docker and `runc spec` put at /sys/fs/cgroup). On a
 * cgroup2 host it is cgroup2. On a v1 or hybrid host the container gets the
 * same layout as the host: a tmpfs holding one cgroup mount per v1 hierarchy
 * (plus cgroup2 at "unified" on a hybrid host), the co-mount symlinks
 * ("cpu" -> "cpu,cpuacct"), and the tmpfs made read-only at the end. In the
 * container's cgroup namespace every hierarchy shows its own cgroup as root.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <linux/magic.h>

#include "ward/cleanup.h"
#include "mounts_int.h"
#include "sys.h"

#define CGROUP_ROOT "/sys/fs/cgroup"
#define MOUNTINFO_MAX (4u << 20)

struct hier {
	const char *name;	/* basename under /sys/fs/cgroup: "cpu,cpuacct" */
	bool v2;
	const char *opts;	/* super options: "rw,cpu,cpuacct" */
};

/* Super options that describe the mount, not the hierarchy's identity. */
static bool
skip_super_opt(const char *o)
{
	static const char *const skip[] = {
		"rw", "ro", "noprefix", "xattr", "clone_children",
		"cpuset_v2_mode", "favordynmods", "none",
	};

	/* A release_agent runs as host root: never carried into a container. */
	if (ward_str_has_prefix(o, "release_agent="))
		return true;
	for (size_t i = 0; i < WARD_ARRAY_SIZE(skip); i++)
		if (strcmp(o, skip[i]) == 0)
			return true;
	return false;
}

static int
push_v1(struct ward_mounts_plan *p, const char *target, const struct hier *h,
	uint64_t attrs, struct ward_err *e)
{
	char buf[PATH_MAX];
	const char *params[16 + 1];
	size_t n = 0;
	char *opts, *save = NULL;
	const char *sub;

	snprintf(buf, sizeof(buf), "%s/%s", target, h->name);
	sub = ward_mounts_strdup(p, buf, e);
	opts = ward_mounts_strdup(p, h->opts, e);
	if (sub == NULL || opts == NULL)
		return -ENOMEM;
	if (h->v2)
		return ward_mounts_push_fs(p, "cgroup2", sub, attrs, 0, NULL, e);
	for (char *o = strtok_r(opts, ",", &save); o != NULL;
	     o = strtok_r(NULL, ",", &save)) {
		if (skip_super_opt(o))
			continue;
		if (n == 16)
			return ward_err_set(e, E2BIG, "cgroup hierarchy %s: too many options",
					    h->name);
		params[n++] = o;
	}
	params[n] = NULL;
	return ward_mounts_push_fs(p, "cgroup", sub, attrs, 0, params, e);
}

/* "cpu,cpuacct" is also reachable as "cpu" and "cpuacct", as on the host. */
static int
push_links(struct ward_mounts_plan *p, const char *target,
	   const struct hier *v, size_t n, size_t k, struct ward_err *e)
{
	char buf[PATH_MAX];
	char *names, *save = NULL;
	int ret;

	if (strchr(v[k].name, ',') == NULL)
		return 0;
	names = ward_mounts_strdup(p, v[k].name, e);
	if (names == NULL)
		return -ENOMEM;
	for (char *c = strtok_r(names, ",", &save); c != NULL;
	     c = strtok_r(NULL, ",", &save)) {
		struct ward_mount_op op = {
			.kind = WARD_MOP_SYMLINK,
			.flags = WARD_MOP_F_EXIST_OK,
			.source = v[k].name,
			.index = -1,
		};
		bool taken = false;

		for (size_t j = 0; j < n; j++)
			taken = taken || strcmp(v[j].name, c) == 0;
		if (taken)
			continue;
		snprintf(buf, sizeof(buf), "%s/%s", target, c);
		op.target = ward_mounts_strdup(p, buf, e);
		if (op.target == NULL)
			return -ENOMEM;
		ret = ward_mounts_push(p, &op, e);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* Split one mountinfo line; true when it is a hierarchy under /sys/fs/cgroup. */
static bool
parse_line(char *line, struct hier *h)
{
	char *f[12], *save = NULL;
	size_t n = 0, dash;
	const char *mp, *base;

	for (char *t = strtok_r(line, " ", &save); t != NULL && n < 12;
	     t = strtok_r(NULL, " ", &save))
		f[n++] = t;
	for (dash = 6; dash < n && strcmp(f[dash], "-") != 0; dash++)
		;
	if (n < 5 || dash + 3 >= n)
		return false;
	mp = f[4];
	base = strrchr(mp, '/');
	if (base == NULL || (size_t)(base - mp) != strlen(CGROUP_ROOT) ||
	    strncmp(mp, CGROUP_ROOT, strlen(CGROUP_ROOT)) != 0 ||
	    strchr(mp, '\\') != NULL || base[1] == '\0')
		return false;
	h->name = base + 1;
	h->opts = f[dash + 3];
	if (strcmp(f[dash + 1], "cgroup2") == 0)
		h->v2 = true;
	else if (strcmp(f[dash + 1], "cgroup") == 0)
		h->v2 = false;
	else
		return false;
	return true;
}

static int
push_hierarchies(struct ward_mounts_plan *p, const char *target,
		 uint64_t attrs, char *info, struct ward_err *e)
{
	struct hier v[32];
	size_t n = 0;
	char *save = NULL;
	int ret;

	for (char *l = strtok_r(info, "\n", &save); l != NULL;
	     l = strtok_r(NULL, "\n", &save)) {
		if (n == WARD_ARRAY_SIZE(v))
			return ward_err_set(e, E2BIG, "too many cgroup hierarchies");
		if (parse_line(l, &v[n]))
			n++;
	}
	if (n == 0)
		return ward_err_set(e, ENOENT, "no cgroup hierarchy under %s on the host",
				    CGROUP_ROOT);
	for (size_t k = 0; k < n; k++) {
		ret = push_v1(p, target, &v[k], attrs, e);
		if (ret < 0)
			return ret;
	}
	for (size_t k = 0; k < n; k++) {
		ret = push_links(p, target, v, n, k, e);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int
plan_cgroup(struct ward_mounts_plan *p, size_t index,
			const char *target, uint64_t attrs, struct ward_err *e)
{
	static const char *const tmpfs[] = { "mode=755", NULL };
	_cleanup_free_ char *info = NULL;
	struct ward_mount_op ro = {
		.kind = WARD_MOP_SETATTR,
		.target = target,
		.attr_set = MOUNT_ATTR_RDONLY,
		.index = (int)index,
	};
	struct statfs sf;
	size_t len;
	int ret;

	if (statfs(CGROUP_ROOT, &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC) {
		ret = ward_mounts_push_fs(p, "cgroup2", target, attrs, 0, NULL, e);
		if (ret == 0)
			p->ops[p->n_ops - 1].index = (int)index;
		return ret;
	}
	ret = ward_read_file("/proc/self/mountinfo", MOUNTINFO_MAX, &info, &len, e);
	if (ret < 0)
		return ret;
	ret = ward_mounts_push_fs(p, "tmpfs", target,
				  MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
					  MOUNT_ATTR_NOEXEC,
				  0, tmpfs, e);
	if (ret < 0)
		return ret;
	p->ops[p->n_ops - 1].index = (int)index;
	ret = push_hierarchies(p, target, attrs, info, e);
	if (ret < 0)
		return ret;
	return ward_mounts_push(p, &ro, e);
}

/*
 * Cgroup filesystems show the mounter's cgroup namespace, so they go in a
 * second phase of ward_mounts_build(), after the init has been attached to
 * its cgroups and has unshared its cgroup namespace; the rest of the tree
 * is built meanwhile. The read-only remount of the v1 layout's tmpfs waits
 * with them (the mount points are made in it). Usually the parent sends
 * each hierarchy's cgroup as a bind instead (ward_mounts_use_cgroup_bind),
 * which shows the same.
 */
int
ward_mounts_plan_cgroup(struct ward_mounts_plan *p, size_t index,
			const char *target, uint64_t attrs, struct ward_err *e)
{
	size_t first = p->n_ops;
	int ret = plan_cgroup(p, index, target, attrs, e);

	for (size_t i = first; ret == 0 && i < p->n_ops; i++) {
		struct ward_mount_op *op = &p->ops[i];

		if (op->kind == WARD_MOP_SETATTR ||
		    (op->kind == WARD_MOP_FS && strncmp(op->fstype, "cgroup", 6) == 0))
			op->flags |= WARD_MOP_F_CGROUPNS;
	}
	return ret;
}

static bool
is_cgroupfs(const struct ward_mount_op *op)
{
	return op->kind == WARD_MOP_FS && (op->flags & WARD_MOP_F_CGROUPNS) &&
	       strncmp(op->fstype, "cgroup", 6) == 0;
}

int
ward_mounts_cgroup_op(const struct ward_mounts_plan *p, const char *name,
		      bool v2)
{
	for (size_t i = 0; i < p->n_ops; i++) {
		const struct ward_mount_op *op = &p->ops[i];
		const char *base = strrchr(op->target, '/');

		if (!is_cgroupfs(op) || v2 != (strcmp(op->fstype, "cgroup2") == 0))
			continue;
		if (base != NULL && strcmp(base + 1, name) == 0)
			return (int)i;
	}
	return -1;
}

int
ward_mounts_use_cgroup_bind(struct ward_mounts_plan *p, size_t i, int fd,
			    struct ward_err *e)
{
	struct ward_mount_op *op = i < p->n_ops ? &p->ops[i] : NULL;

	if (op == NULL || !is_cgroupfs(op) || op->source_fd >= 0)
		return ward_err_set(e, EPROTO, "sync: no cgroup mount %zu to bind", i);
	op->kind = WARD_MOP_BIND;
	op->source = op->target;	/* for messages */
	op->source_fd = fd;
	return 0;
}
