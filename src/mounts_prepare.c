/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
/*
 * Parent side, host root: every host path the container needs becomes a
 * detached mount before clone. The child, root only in its own user
 * namespace, could neither traverse a 0700 bundle or volume directory nor
 * set attributes on a mount it does not own; here both are plain. The fds are
 * CLOEXEC and inherited by the child, which only attaches them.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "mounts_int.h"
#include "sys.h"

static int
open_bind(struct ward_mount_op *op, struct ward_err *e)
{
	unsigned int rec = op->flags & WARD_MOP_F_RECURSIVE ? AT_RECURSIVE : 0;
	_cleanup_close_ int fd = -1;
	struct stat st;

	fd = ward_open_tree(AT_FDCWD, op->source,
			    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | rec);
	if (fd < 0 || fstat(fd, &st) < 0)
		return ward_err_set(e, errno, "bind source %s for %s", op->source,
				    op->target);
	/* The node, not whatever replaced it since the plan looked. */
	if ((op->flags & WARD_MOP_F_DEVICE) &&
	    (!S_ISCHR(st.st_mode) || st.st_rdev != op->rdev))
		return ward_err_set(e, ENODEV, "bind source %s is not the expected device",
				    op->source);
	/* Restricted while still detached: never visible with fewer flags. */
	if ((op->attr_set | op->attr_clr) != 0 &&
	    ward_mount_setattr(fd, "", AT_EMPTY_PATH | rec, op->attr_set,
			       op->attr_clr, 0, -1) < 0)
		return ward_err_set(e, errno, "bind source %s for %s: set attributes",
				    op->source, op->target);
	op->source_fd = take_fd(&fd);
	return 0;
}

int
ward_mounts_open_sources(struct ward_mounts_plan *p, struct ward_err *e)
{
	int ret;

	p->rootfs_fd = ward_open_tree(AT_FDCWD, p->rootfs,
				      OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
					      AT_RECURSIVE);
	if (p->rootfs_fd < 0)
		return ward_err_set(e, errno, "clone the rootfs %s", p->rootfs);
	for (size_t i = 0; i < p->n_ops; i++) {
		if (p->ops[i].kind != WARD_MOP_BIND)
			continue;
		ret = open_bind(&p->ops[i], e);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int
ward_mounts_idmap_prepare(const struct ward_mounts_plan *p, int userns_fd,
			  int *tree_fd, struct ward_err *e)
{
	_cleanup_close_ int fd = -1;

	fd = ward_open_tree(AT_FDCWD, p->rootfs,
			    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (fd < 0)
		return ward_err_set(e, errno, "clone the rootfs %s", p->rootfs);
	/* Only a detached mount can be idmapped; the child attaches it. */
	if (ward_mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE,
			       MOUNT_ATTR_IDMAP, 0, 0, userns_fd) < 0)
		return ward_err_set(e, errno,
				    "idmap the rootfs %s (does its filesystem support idmapped mounts?)",
				    p->rootfs);
	*tree_fd = take_fd(&fd);
	return 0;
}
