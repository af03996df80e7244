/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
/*
 * Child side, after pivot_root: read-only paths, masked paths, the rootfs
 * propagation when it differs from "/"'s (unbindable), root.readonly.
 * Each path is resolved in the new root without following its last
 * component: a path the image replaced by a symlink is skipped (masking or
 * freezing whatever it points at would be the image's choice, not ours), as
 * is a path that does not exist. No allocation.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "mounts_int.h"
#include "sys.h"

#define EMPTY_PATHS (MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH)

/* -ENOENT (e untouched) when path is absent or a symlink. */
static int
open_real(int rootfd, const char *path, int *out, struct stat *st,
	  struct ward_err *e)
{
	_cleanup_close_ int fd = -1;
	int ret;

	ret = ward_mounts_open_nofollow(rootfd, path, &fd, e);
	if (ret < 0)
		return ret;
	if (fstat(fd, st) < 0)
		return ward_err_set(e, errno, "stat %s", path);
	if (S_ISLNK(st->st_mode))
		return -ENOENT;
	*out = take_fd(&fd);
	return 0;
}

/*
 * Bind the path onto itself and set only MOUNT_ATTR_RDONLY: mount_setattr
 * leaves every other flag as it is, so the nosuid/nodev/noexec a user
 * namespace has locked survive without reading them back with statfs (the
 * classic MS_REMOUNT dance runc needs).
 */
static int
readonly_path(int rootfd, const char *path, struct ward_err *e)
{
	_cleanup_close_ int fd = -1;
	_cleanup_close_ int tree = -1;
	struct stat st;
	int ret;

	ret = open_real(rootfd, path, &fd, &st, e);
	if (ret < 0)
		return ret == -ENOENT ? 0 : ret;
	tree = ward_open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
					      AT_EMPTY_PATH | AT_RECURSIVE);
	if (tree < 0)
		return ward_err_set(e, errno, "read-only path %s: bind", path);
	if (ward_mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE,
			       MOUNT_ATTR_RDONLY, 0, 0, -1) < 0)
		return ward_err_set(e, errno, "read-only path %s", path);
	if (ward_move_mount(tree, "", fd, "", EMPTY_PATHS) < 0)
		return ward_err_set(e, errno, "read-only path %s: attach", path);
	return 0;
}

/* An empty read-only tmpfs hides a directory. */
static int
mask_dir(int fd, const char *path, struct ward_err *e)
{
	_cleanup_close_ int fsfd = -1;
	_cleanup_close_ int mnt = -1;

	fsfd = ward_fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fsfd < 0 ||
	    ward_fsconfig(fsfd, FSCONFIG_SET_STRING, "source", "tmpfs", 0) < 0 ||
	    ward_fsconfig(fsfd, FSCONFIG_SET_STRING, "mode", "0755", 0) < 0 ||
	    ward_fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return ward_err_set(e, errno, "masked path %s: tmpfs", path);
	mnt = ward_fsmount(fsfd, FSMOUNT_CLOEXEC,
			   MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
				   MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	if (mnt < 0 || ward_move_mount(mnt, "", fd, "", EMPTY_PATHS) < 0)
		return ward_err_set(e, errno, "masked path %s", path);
	return 0;
}

/* Anything but a directory (file, device, socket) gets /dev/null on top. */
static int
mask_file(int fd, int null, const char *path, struct ward_err *e)
{
	_cleanup_close_ int tree = -1;

	tree = ward_open_tree(null, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
						AT_EMPTY_PATH);
	if (tree < 0 || ward_move_mount(tree, "", fd, "", EMPTY_PATHS) < 0)
		return ward_err_set(e, errno, "masked path %s", path);
	return 0;
}

/* The container's /dev/null, checked: the config could have replaced /dev. */
static int
open_null(int rootfd, int *out, struct ward_err *e)
{
	struct stat st;
	int ret;

	ret = open_real(rootfd, "/dev/null", out, &st, e);
	if (ret == -ENOENT)
		return ward_err_set(e, ENOENT, "masked paths need /dev/null");
	if (ret < 0)
		return ret;
	if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
		return ward_err_set(e, ENODEV, "masked paths: /dev/null is not the null device");
	return 0;
}

static int
mask_paths(const struct ward_mounts_plan *p, int rootfd, struct ward_err *e)
{
	_cleanup_close_ int null = -1;
	int ret;

	if (p->n_masked == 0)
		return 0;
	ret = open_null(rootfd, &null, e);
	if (ret < 0)
		return ret;
	for (size_t i = 0; i < p->n_masked; i++) {
		_cleanup_close_ int fd = -1;
		struct stat st;

		ret = open_real(rootfd, p->masked[i], &fd, &st, e);
		if (ret == -ENOENT)
			continue;
		if (ret < 0)
			return ret;
		if (S_ISDIR(st.st_mode))
			ret = mask_dir(fd, p->masked[i], e);
		else
			ret = mask_file(fd, null, p->masked[i], e);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int
ward_mounts_apply_final(const struct ward_mounts_plan *p, struct ward_err *e)
{
	_cleanup_close_ int rootfd = -1;
	int ret;

	rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return ward_err_set(e, errno, "open the new root");
	/* Read-only first, masks after: a mask inside a read-only tree stays on top. */
	for (size_t i = 0; i < p->n_readonly; i++) {
		ret = readonly_path(rootfd, p->readonly[i], e);
		if (ret < 0)
			return ret;
	}
	ret = mask_paths(p, rootfd, e);
	if (ret < 0)
		return ret;
	/* After the masks: an unbindable tree could not be cloned for them. */
	if (p->rootfs_propagation != p->root_propagation &&
	    ward_mount_setattr(rootfd, "", AT_EMPTY_PATH | AT_RECURSIVE, 0, 0,
			       p->rootfs_propagation, -1) < 0)
		return ward_err_set(e, errno, "rootfs propagation");
	/* Last: every mount target above had to be created first. */
	if (p->root_readonly &&
	    ward_mount_setattr(rootfd, "", AT_EMPTY_PATH, MOUNT_ATTR_RDONLY, 0,
			       0, -1) < 0)
		return ward_err_set(e, errno, "make the root read-only");
	return 0;
}
