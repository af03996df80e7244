/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
/*
 * /dev contents, planned: the default nodes and the linux.devices nodes the
 * policy allowed, each a bind of the host node (mknod needs CAP_MKNOD in the
 * initial user namespace); /dev/ptmx as a symlink to the container's own
 * devpts instance; the /dev/fd and stdio symlinks.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "devices.h"
#include "mounts_int.h"
#include "sys.h"

static const struct ward_dev_node nodes[] = {
	{ "null", 1, 3, true },	   { "zero", 1, 5, true },
	{ "full", 1, 7, true },	   { "random", 1, 8, true },
	{ "urandom", 1, 9, true }, { "tty", 5, 0, true },
};

const struct ward_dev_node *
ward_devices_lookup(int64_t major, int64_t minor)
{
	for (size_t i = 0; i < WARD_ARRAY_SIZE(nodes); i++)
		if (nodes[i].major == major && nodes[i].minor == minor)
			return &nodes[i];
	return NULL;
}

/* The host node must be what its name says before anyone binds it. */
static int
push_node(struct ward_mounts_plan *p, const struct ward_dev_node *n,
	  const char *target, struct stat *st, struct ward_err *e)
{
	char src[64];
	struct ward_mount_op op = {
		.kind = WARD_MOP_BIND,
		.flags = WARD_MOP_F_DEVICE,
		.target = target,
		.attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC,
		.rdev = makedev(n->major, n->minor),
		.index = -1,
	};

	snprintf(src, sizeof(src), "/dev/%s", n->name);
	if (stat(src, st) < 0)
		return ward_err_set(e, errno, "host device %s", src);
	if (!S_ISCHR(st->st_mode) || st->st_rdev != op.rdev)
		return ward_err_set(e, ENODEV, "host %s is not the character device %u:%u",
				    src, n->major, n->minor);
	op.source = ward_mounts_strdup(p, src, e);
	if (op.source == NULL)
		return -ENOMEM;
	return ward_mounts_push(p, &op, e);
}

static int
check_device(const struct ward_device *d, size_t i,
	     const struct ward_dev_node **out, struct ward_err *e)
{
	if (d->type != 'c' && d->type != 'u')
		return ward_err_set(e, EINVAL,
				    "linux.devices[%zu].type: only character devices can be bound from the host",
				    i);
	if (d->major == 5 && d->minor == 1)
		return ward_err_set(e, EINVAL,
				    "linux.devices[%zu]: /dev/console comes from the container's terminal, not the host",
				    i);
	*out = ward_devices_lookup(d->major, d->minor);
	if (*out == NULL)
		return ward_err_set(e, EINVAL,
				    "linux.devices[%zu]: c %lld:%lld is not a device ward binds from the host",
				    i, (long long)d->major, (long long)d->minor);
	return 0;
}

/*
 * A bound node keeps the host's mode: a fileMode that asks for less access
 * than the host node grants cannot be honoured, so it is an error. uid/gid
 * cannot be applied either (chown would change the host node); they do not
 * widen access, so they are left to the host's.
 */
static int
plan_device(const struct ward_spec *s, size_t i, struct ward_mounts_plan *p,
	    bool *covered, struct ward_err *e)
{
	const struct ward_device *d = &s->linux.devices[i];
	const struct ward_dev_node *n;
	const char *target;
	char what[64];
	struct stat st;
	int ret;

	ret = check_device(d, i, &n, e);
	if (ret < 0)
		return ret;
	snprintf(what, sizeof(what), "linux.devices[%zu].path", i);
	ret = ward_mounts_clean(p, d->path, &target, what, e);
	if (ret < 0)
		return ret;
	ret = push_node(p, n, target, &st, e);
	if (ret < 0)
		return ret;
	if (d->has_file_mode && (st.st_mode & 07777 & ~(mode_t)d->file_mode))
		return ward_err_set(e, EINVAL,
				    "linux.devices[%zu].fileMode: 0%o is stricter than the host node's 0%o, which a bind mount keeps",
				    i, d->file_mode & 07777, st.st_mode & 07777);
	if (strncmp(target, "/dev/", 5) == 0 && strcmp(target + 5, n->name) == 0)
		covered[n - nodes] = true;
	return 0;
}

static int
push_links(struct ward_mounts_plan *p, struct ward_err *e)
{
	static const char *const links[][2] = {
		/* The container's own devpts instance, never the host's ptmx. */
		{ "/dev/ptmx", "pts/ptmx" },
		{ "/dev/fd", "/proc/self/fd" },
		{ "/dev/stdin", "/proc/self/fd/0" },
		{ "/dev/stdout", "/proc/self/fd/1" },
		{ "/dev/stderr", "/proc/self/fd/2" },
	};
	int ret;

	for (size_t i = 0; i < WARD_ARRAY_SIZE(links); i++) {
		struct ward_mount_op op = {
			.kind = WARD_MOP_SYMLINK,
			.flags = WARD_MOP_F_EXIST_OK,
			.target = links[i][0],
			.source = links[i][1],
			.index = -1,
		};

		ret = ward_mounts_push(p, &op, e);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int
ward_devices_plan(const struct ward_spec *s, struct ward_mounts_plan *p,
		  struct ward_err *e)
{
	bool covered[WARD_ARRAY_SIZE(nodes)] = { false };
	char target[64];
	struct stat st;
	int ret;

	for (size_t i = 0; i < s->linux.n_devices; i++) {
		const struct ward_device *d = &s->linux.devices[i];

		/* /dev/ptmx is the symlink into the container's devpts. */
		if (d->major == 5 && d->minor == 2 && d->path != NULL &&
		    strcmp(d->path, "/dev/ptmx") == 0)
			continue;
		ret = plan_device(s, i, p, covered, e);
		if (ret < 0)
			return ret;
	}
	for (size_t k = 0; k < WARD_ARRAY_SIZE(nodes); k++) {
		const char *t;

		if (!nodes[k].is_default || covered[k])
			continue;
		snprintf(target, sizeof(target), "/dev/%s", nodes[k].name);
		t = ward_mounts_strdup(p, target, e);
		if (t == NULL)
			return -ENOMEM;
		ret = push_node(p, &nodes[k], t, &st, e);
		if (ret < 0)
			return ret;
	}
	return push_links(p, e);
}
