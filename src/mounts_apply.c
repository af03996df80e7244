/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
/*
 * The mounts stage, child side: runs in the cloned container process, in its
 * new mount namespace, and only makes syscalls (no allocation, no stdio).
 * Every mount is made with the new mount API and attached to the fd of its
 * resolved target; no mount(2) call takes a container path string.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "mounts_int.h"
#include "sys.h"

#define EMPTY_PATHS (MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH)

/*
 * The kernel explains most fsconfig failures in the context's log ("e tmpfs:
 * Bad value for 'mode'"). key names the option that failed, or NULL.
 */
static int
fs_error(int fsfd, int err, const char *key, const struct ward_mount_op *op,
	 struct ward_err *e)
{
	char log[160];
	ssize_t n = read(fsfd, log, sizeof(log) - 1);

	while (n > 0 && log[n - 1] == '\n')
		n--;
	log[n > 0 ? n : 0] = '\0';
	return ward_err_set(e, err, "mount %s on %s%s%s%s%s", op->fstype,
			    op->target, key != NULL ? ": option " : "",
			    key != NULL ? key : "", n > 0 ? ": " : "", log);
}

/* Attach a detached mount onto the target fd, then set its propagation. */
static int
attach(int mnt, int target, const struct ward_mount_op *op, struct ward_err *e)
{
	unsigned int rec = op->flags & WARD_MOP_F_PROP_RECURSIVE ? AT_RECURSIVE : 0;

	if (ward_move_mount(mnt, "", target, "", EMPTY_PATHS) < 0)
		return ward_err_set(e, errno, "attach %s", op->target);
	/* mnt now names the attached mount's root, in this namespace. */
	if (op->propagation != 0 &&
	    ward_mount_setattr(mnt, "", AT_EMPTY_PATH | rec, 0, 0,
			       op->propagation, -1) < 0)
		return ward_err_set(e, errno, "propagation of %s", op->target);
	return 0;
}

/* Fallback when sysfs needs a network namespace this user ns does not own. */
static int
bind_host_sys(int rootfd, const struct ward_mount_op *op, struct ward_err *e)
{
	const uint64_t ro = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
			    MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
	_cleanup_close_ int tree = -1;
	_cleanup_close_ int target = -1;
	int ret;

	tree = ward_open_tree(AT_FDCWD, "/sys",
			      OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (tree < 0)
		return ward_err_set(e, errno, "sysfs on %s: bind the host /sys", op->target);
	if (ward_mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, ro, 0, 0,
			       -1) < 0)
		return ward_err_set(e, errno, "sysfs on %s: read-only host /sys", op->target);
	ret = ward_mounts_target(rootfd, op->target, true, true, &target, e);
	if (ret < 0)
		return ret;
	return attach(tree, target, op, e);
}

/*
 * A new filesystem as a detached mount in *out. Returns 1, with e untouched,
 * when sysfs is refused for want of a network namespace owned by our user
 * namespace (a joined netns): the caller falls back, as runc does rootless.
 */
static int
make_fs(const struct ward_mount_op *op, int *out, struct ward_err *e)
{
	_cleanup_close_ int fsfd = -1;
	bool fallback = op->flags & WARD_MOP_F_SYSFS_FALLBACK;
	int err;

	fsfd = ward_fsopen(op->fstype, FSOPEN_CLOEXEC);
	if (fsfd < 0 && fallback && errno == EPERM)
		return 1;
	if (fsfd < 0)
		return ward_err_set(e, errno, "fsopen %s for %s", op->fstype, op->target);
	if (op->source != NULL &&
	    ward_fsconfig(fsfd, FSCONFIG_SET_STRING, "source", op->source, 0) < 0)
		return fs_error(fsfd, errno, "source", op, e);
	for (size_t i = 0; i < op->n_params; i++) {
		const struct ward_fs_param *par = &op->params[i];
		unsigned int cmd = par->value != NULL ? FSCONFIG_SET_STRING :
							FSCONFIG_SET_FLAG;

		if (ward_fsconfig(fsfd, cmd, par->key, par->value, 0) < 0)
			return fs_error(fsfd, errno, par->key, op, e);
	}
	if (ward_fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		err = errno;
		if (fallback && err == EPERM)
			return 1;
		return fs_error(fsfd, err, NULL, op, e);
	}
	*out = ward_fsmount(fsfd, FSMOUNT_CLOEXEC, (unsigned int)op->attr_set);
	if (*out < 0)
		return fs_error(fsfd, errno, NULL, op, e);
	return 0;
}

static int
apply_fs(int rootfd, const struct ward_mount_op *op, struct ward_err *e)
{
	_cleanup_close_ int mnt = -1;
	_cleanup_close_ int target = -1;
	int ret;

	ret = make_fs(op, &mnt, e);
	if (ret > 0)
		return bind_host_sys(rootfd, op, e);
	if (ret < 0)
		return ret;
	ret = ward_mounts_target(rootfd, op->target, true,
				 op->flags & WARD_MOP_F_REAL_DIR, &target, e);
	if (ret < 0)
		return ret;
	return attach(mnt, target, op, e);
}

/*
 * The parent cloned the source and set its attributes (mounts_prepare.c);
 * a host device node is cloned here, still before the pivot.
 */
static int
apply_bind(int rootfd, const struct ward_mount_op *op, struct ward_err *e)
{
	_cleanup_close_ int target = -1, node = -1;
	int src = op->source_fd;
	struct stat st;
	int ret;

	if (src < 0 && (op->flags & WARD_MOP_F_DEVICE)) {
		ret = ward_mounts_clone_source(op, &node, e);
		if (ret < 0)
			return ret;
		src = node;
	}
	if (src < 0 || fstat(src, &st) < 0)
		return ward_err_set(e, src < 0 ? EBADF : errno,
				    "bind %s on %s", op->source, op->target);
	ret = ward_mounts_target(rootfd, op->target, S_ISDIR(st.st_mode), false,
				 &target, e);
	if (ret < 0)
		return ret;
	return attach(src, target, op, e);
}

static int
apply_symlink(int rootfd, const struct ward_mount_op *op, struct ward_err *e)
{
	char parent[PATH_MAX];
	_cleanup_close_ int dirfd = -1;
	const char *slash = strrchr(op->target, '/');
	size_t n = (size_t)(slash - op->target);
	int ret;

	if (n == 0 || n >= sizeof(parent))
		return ward_err_set(e, EINVAL, "symlink %s", op->target);
	memcpy(parent, op->target, n);
	parent[n] = '\0';
	ret = ward_mounts_target(rootfd, parent, true, false, &dirfd, e);
	if (ret < 0)
		return ret;
	if (symlinkat(op->source, dirfd, slash + 1) < 0 &&
	    !(errno == EEXIST && (op->flags & WARD_MOP_F_EXIST_OK)))
		return ward_err_set(e, errno, "symlink %s -> %s", op->target, op->source);
	return 0;
}

/* Only ever on a mount ward made: a mere directory would change its parent. */
static int
apply_setattr(int rootfd, const struct ward_mount_op *op, struct ward_err *e)
{
	_cleanup_close_ int fd = -1;
	struct statx stx;
	int ret;

	ret = ward_mounts_target(rootfd, op->target, true, true, &fd, e);
	if (ret < 0)
		return ret;
	if (statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx) < 0)
		return ward_err_set(e, errno, "statx %s", op->target);
	if (!(stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) ||
	    !(stx.stx_attributes & STATX_ATTR_MOUNT_ROOT))
		return ward_err_set(e, EINVAL, "%s is not a mount point", op->target);
	if (ward_mount_setattr(fd, "", AT_EMPTY_PATH, op->attr_set, op->attr_clr,
			       op->propagation, -1) < 0)
		return ward_err_set(e, errno, "set attributes of %s", op->target);
	return 0;
}

int
ward_mounts_apply_op(int rootfd, const struct ward_mount_op *op,
		     struct ward_err *e)
{
	switch (op->kind) {
	case WARD_MOP_BIND:
		return apply_bind(rootfd, op, e);
	case WARD_MOP_FS:
		return apply_fs(rootfd, op, e);
	case WARD_MOP_SYMLINK:
		return apply_symlink(rootfd, op, e);
	case WARD_MOP_SETATTR:
		return apply_setattr(rootfd, op, e);
	}
	return ward_err_set(e, EINVAL, "mount op %d", (int)op->kind);
}

static int
pivot(int rootfd, const char *rootfs, struct ward_err *e)
{
	if (fchdir(rootfd) < 0)
		return ward_err_set(e, errno, "chdir %s", rootfs);
	/*
	 * pivot_root(".", ".") stacks the old root on top of the new one, so
	 * the image needs no put_old directory and nothing in it is written.
	 * Never chroot: the host's tree would stay mounted and reachable
	 * through any fd or ".." that escapes the chroot.
	 */
	if (ward_pivot_root(".", ".") < 0)
		return ward_err_set(e, errno, "pivot_root %s", rootfs);
	/* "/" is private or slave: the detach does not propagate to the host. */
	if (umount2(".", MNT_DETACH) < 0)
		return ward_err_set(e, errno, "detach the old root");
	if (chdir("/") < 0)
		return ward_err_set(e, errno, "chdir /");
	return 0;
}

int
ward_mounts_build_phase(const struct ward_mounts_plan *p, int rootfs_tree_fd,
			bool cgroupns, struct ward_err *e)
{
	int rootfd = rootfs_tree_fd >= 0 ? rootfs_tree_fd : p->rootfs_fd;
	int ret;

	if (!cgroupns) {
		/* First: no mount below may propagate back to the host. */
		if (ward_mount_setattr(AT_FDCWD, "/", AT_RECURSIVE, 0, 0,
				       p->root_propagation, -1) < 0)
			return ward_err_set(e, errno, "make / private");
		/*
		 * The rootfs goes on top of "/" rather than back on its host
		 * path: reaching that path would need the host permissions
		 * this process no longer has. Absolute lookups keep starting
		 * below it, at the old root (the kernel does not step onto
		 * mounts stacked on the process root), until pivot_root swaps
		 * the two.
		 */
		if (ward_move_mount(rootfd, "", AT_FDCWD, "/",
				    MOVE_MOUNT_F_EMPTY_PATH) < 0)
			return ward_err_set(e, errno, "attach the rootfs %s",
					    p->rootfs);
	}
	for (size_t i = 0; i < p->n_ops; i++) {
		if (!(p->ops[i].flags & WARD_MOP_F_CGROUPNS) != !cgroupns)
			continue;
		ret = ward_mounts_apply_op(rootfd, &p->ops[i], e);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int
ward_mounts_build(const struct ward_mounts_plan *p, int rootfs_tree_fd,
		  struct ward_err *e)
{
	int ret = ward_mounts_build_phase(p, rootfs_tree_fd, false, e);

	return ret < 0 ? ret : ward_mounts_build_phase(p, rootfs_tree_fd, true, e);
}

int
ward_mounts_pivot(const struct ward_mounts_plan *p, int rootfs_tree_fd,
		  struct ward_err *e)
{
	return pivot(rootfs_tree_fd >= 0 ? rootfs_tree_fd : p->rootfs_fd,
		     p->rootfs, e);
}

int
ward_mounts_finish(const struct ward_mounts_plan *p, struct ward_err *e)
{
	return ward_mounts_apply_final(p, e);
}

int
ward_mounts_apply(const struct ward_mounts_plan *p, int rootfs_tree_fd,
		  struct ward_err *e)
{
	int ret = ward_mounts_build(p, rootfs_tree_fd, e);

	if (ret == 0)
		ret = ward_mounts_pivot(p, rootfs_tree_fd, e);
	if (ret == 0)
		ret = ward_mounts_finish(p, e);
	return ret;
}
