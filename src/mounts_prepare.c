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
#include "log.h"
#include "mounts_int.h"
#include "sys.h"

/*
 * A clone of a shared mount joins its peer group: every mount the child
 * made below it would propagate back to the host (Docker's overlay2
 * "merged" dir is shared, so is "/" under systemd). Cut the clone loose
 * while it is detached: a slave when the config asks for slave propagation
 * (host mounts still come in, nothing goes out), private otherwise.
 */
static int
isolate(int fd, bool recursive, bool slave, const char *what,
	struct ward_err *e)
{
	if (ward_mount_setattr(fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0),
			       0, 0, slave ? MS_SLAVE : MS_PRIVATE, -1) < 0)
		return ward_err_set(e, errno, "%s: make its clone %s", what,
				    slave ? "slave" : "private");
	return 0;
}

int
ward_mounts_clone_source(const struct ward_mount_op *op, int *out,
			 struct ward_err *e)
{
	unsigned int rec = op->flags & WARD_MOP_F_RECURSIVE ? AT_RECURSIVE : 0;
	_cleanup_close_ int fd = -1;
	struct stat st;
	int ret;

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
	/*
	 * Isolated and restricted while still detached (one call for both):
	 * never visible with fewer flags, never sharing the host's events.
	 */
	if ((op->attr_set | op->attr_clr) != 0)
		ret = ward_mount_setattr(fd, "", AT_EMPTY_PATH | rec, op->attr_set,
					 op->attr_clr,
					 op->propagation == MS_SLAVE ? MS_SLAVE : MS_PRIVATE,
					 -1) < 0 ? -errno : 0;
	else
		ret = isolate(fd, rec != 0, op->propagation == MS_SLAVE,
			      op->source, e);
	if (ret < 0)
		return ward_err_set(e, -ret, "bind source %s for %s: set attributes",
				    op->source, op->target);
	*out = take_fd(&fd);
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
	ret = isolate(p->rootfs_fd, true, p->root_propagation == MS_SLAVE,
		      p->rootfs, e);
	if (ret < 0)
		return ret;
	for (size_t i = 0; i < p->n_ops; i++) {
		/*
		 * Host device nodes are the child's to clone, while it waits
		 * for its cgroups anyway: root-owned /dev is open to it, and
		 * the node is checked against the planned device there too.
		 */
		if (p->ops[i].kind != WARD_MOP_BIND ||
		    (p->ops[i].flags & WARD_MOP_F_DEVICE))
			continue;
		ret = ward_mounts_clone_source(&p->ops[i], &p->ops[i].source_fd, e);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/*
 * Bind sources, idmapped where they are, before the child attaches them: the
 * child inherited the same detached mounts. Device nodes keep the host's
 * owners. A filesystem that cannot be idmapped (EINVAL; procfs, cgroupfs,
 * an already idmapped mount) keeps the plain bind: its files show as the
 * overflow ids inside, as without this step.
 */
static int
idmap_binds(const struct ward_mounts_plan *p, int userns_fd, struct ward_err *e)
{
	for (size_t i = 0; i < p->n_ops; i++) {
		const struct ward_mount_op *op = &p->ops[i];
		unsigned int rec = op->flags & WARD_MOP_F_RECURSIVE ? AT_RECURSIVE : 0;

		if (op->kind != WARD_MOP_BIND || (op->flags & WARD_MOP_F_DEVICE) ||
		    op->source_fd < 0)
			continue;
		if (ward_mount_setattr(op->source_fd, "", AT_EMPTY_PATH | rec,
				       MOUNT_ATTR_IDMAP, 0, 0, userns_fd) == 0)
			continue;
		if (errno != EINVAL)
			return ward_err_set(e, errno, "idmap bind source %s for %s",
					    op->source, op->target);
		ward_debug("bind %s on %s: not idmapped (its filesystem cannot be)",
			   op->source, op->target);
	}
	return 0;
}

static int
idmap_overlay(const struct ward_mounts_plan *p, const struct ward_overlay *ov,
	      int userns_fd, int *tree_fd, struct ward_err *e)
{
	if (p->host_root_uid == (uint32_t)-1 || p->host_root_gid == (uint32_t)-1)
		return ward_err_set(e, EINVAL,
				    "overlay rootfs %s: container uid/gid 0 is not mapped",
				    p->rootfs);
	return ward_overlay_idmap(ov, userns_fd, p->host_root_uid,
				  p->host_root_gid, tree_fd, e);
}

int
ward_mounts_idmap_prepare(const struct ward_mounts_plan *p, int userns_fd,
			  int *tree_fd, struct ward_err *e)
{
	_cleanup_close_ int fd = -1;
	struct ward_overlay ov;
	bool overlay;
	int ret;

	ret = ward_overlay_of(p->rootfs, &ov, &overlay, e);
	if (ret < 0)
		return ret;
	if (overlay) {
		ret = idmap_overlay(p, &ov, userns_fd, &fd, e);
		ward_overlay_free(&ov);
		if (ret < 0)
			return ret;
	} else {
		fd = ward_open_tree(AT_FDCWD, p->rootfs,
				    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
		if (fd < 0)
			return ward_err_set(e, errno, "clone the rootfs %s", p->rootfs);
		ret = isolate(fd, true, p->root_propagation == MS_SLAVE, p->rootfs, e);
		if (ret < 0)
			return ret;
		/* Only a detached mount can be idmapped; the child attaches it. */
		if (ward_mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE,
				       MOUNT_ATTR_IDMAP, 0, 0, userns_fd) < 0)
			return ward_err_set(e, errno,
					    "idmap the rootfs %s (does its filesystem support idmapped mounts?)",
					    p->rootfs);
	}
	ret = idmap_binds(p, userns_fd, e);
	if (ret < 0)
		return ret;
	*tree_fd = take_fd(&fd);
	return 0;
}
