/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Stage: the container's filesystem. Planned in the parent from the hardened
 * spec (every parse, allocation and config-driven error happens there);
 * applied in the child, which only makes syscalls.
 *
 * Parent (host root)                       Child (new user + mount ns, uid 0)
 *   ward_mounts_plan(): also clones the      ward_mounts_apply(plan, tree_fd)
 *     rootfs and every bind source as          "/" rprivate (or rslave)
 *     detached mounts (fds inherited)          rootfs tree (idmapped or the
 *   ward_mounts_check_rootfs()                  plan's clone) attached on "/"
 *   [clone, write id maps]                     ops[] under the rootfs dirfd
 *   ward_mounts_idmap_prepare() -> tree_fd     pivot_root, old root detached
 *   [send tree_fd over the sync socket]        read-only paths, masked paths
 *                                              root.readonly
 *
 * Every container path is resolved under a dirfd with openat2(RESOLVE_IN_ROOT
 * | RESOLVE_NO_MAGICLINKS): a symlink in the image can never send a mount
 * outside the rootfs. Mounts are made with the new mount API onto the
 * resolved fd, never onto a path string; mount(2) is not used at all.
 *
 * Decisions (each also commented where it is made):
 * - "/" is made rprivate by default (runc: rslave); linux.rootfsPropagation
 *   may ask for slave; unbindable is applied to the rootfs last.
 * - /dev is always a tmpfs (nosuid, nodev, noexec, mode 755): ward's own when
 *   the config has none, the config's (hardened) otherwise; a config /dev of
 *   any other type is refused. The nodes null zero full random urandom tty
 *   and the allowed linux.devices are bind mounts of the host's nodes (they
 *   keep working on a nodev tmpfs: the bind's own mount decides). /dev/pts
 *   (newinstance, ptmxmode=0666, mode=0620, gid=5 when mapped) and /dev/shm
 *   (1777, 64 MiB) are added when the config lacks them; /dev/ptmx ->
 *   pts/ptmx, /dev/fd and stdin/out/err -> /proc/self/fd/...
 * - procfs, sysfs and /dev go only on real directories: a symlink there is
 *   refused (issue 3 item 11). sysfs is read-only; when it cannot be mounted
 *   (EPERM: a joined netns not owned by our user ns) the host /sys is bound
 *   read-only instead, as runc does rootless.
 * - A bind never clears a flag its source mount has: rw/suid/dev/exec only
 *   cancel an earlier option. sync/dirsync cannot apply to a bind (error);
 *   mand/nomand/async/remount are accepted and have no effect.
 * - "cgroup" is cgroup2 on a cgroup2 host, and the host's v1 layout (tmpfs
 *   + one mount per hierarchy, read-only) on a v1/hybrid host.
 * - A missing target is created inside the rootfs; a dangling symlink on the
 *   way is followed, in root, to create its target.
 * - Masked and read-only paths that are absent or symlinks are skipped.
 */
#ifndef WARD_MOUNTS_H
#define WARD_MOUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ward/error.h"
#include "spec.h"
#include "util.h"

enum ward_mount_op_kind {
	WARD_MOP_BIND,		/* clone a host path (open_tree) onto target */
	WARD_MOP_FS,		/* a new filesystem (fsopen..fsmount) onto target */
	WARD_MOP_SYMLINK,	/* create the symlink target -> source */
	WARD_MOP_SETATTR,	/* set attributes of the mount found at target */
};

/* ward_mount_op.flags */
enum {
	WARD_MOP_F_RECURSIVE = 1 << 0,	/* rbind; attributes set recursively */
	WARD_MOP_F_REAL_DIR = 1 << 1,	/* target must be a directory, not a symlink */
	WARD_MOP_F_SYSFS_FALLBACK = 1 << 2, /* EPERM: read-only rbind of host /sys */
	WARD_MOP_F_DEVICE = 1 << 3,	/* source must be the char device rdev */
	WARD_MOP_F_PROP_RECURSIVE = 1 << 4, /* rprivate, rslave, runbindable */
	WARD_MOP_F_EXIST_OK = 1 << 5,	/* SYMLINK: an existing entry wins */
	WARD_MOP_F_CGROUPNS = 1 << 6,	/* needs the final cgroup namespace */
};

/* One fsconfig() call: a key=value string, or a flag when value is NULL. */
struct ward_fs_param {
	const char *key;
	const char *value;
};

struct ward_mount_op {
	enum ward_mount_op_kind kind;
	unsigned int flags;		/* WARD_MOP_F_* */
	const char *target;		/* cleaned absolute path in the container */
	const char *source;		/* BIND: host path; FS: "source" or NULL;
					   SYMLINK: link text */
	const char *fstype;		/* FS only */
	const struct ward_fs_param *params;
	size_t n_params;
	uint64_t attr_set;		/* MOUNT_ATTR_* to set (fsmount/setattr) */
	uint64_t attr_clr;		/* MOUNT_ATTR_* to clear (setattr only) */
	uint64_t propagation;		/* MS_PRIVATE/MS_SLAVE/MS_UNBINDABLE; 0 = keep */
	dev_t rdev;			/* WARD_MOP_F_DEVICE */
	int index;			/* mounts[index]; -1 = added by ward */
	int source_fd;			/* BIND: the detached clone of source, made
					   (with its attributes) by the parent */
};

struct ward_mounts_plan {
	struct ward_arena arena;	/* every string and array below */
	char *rootfs;			/* absolute, symlink-free host path */
	int rootfs_fd;			/* detached recursive clone of rootfs */
	bool fds_open;			/* rootfs_fd and ops[].source_fd are ours */
	uint64_t root_propagation;	/* applied recursively to "/": MS_PRIVATE or MS_SLAVE */
	uint64_t rootfs_propagation;	/* applied recursively to the rootfs at the end */
	bool root_readonly;
	struct ward_mount_op *ops;	/* before pivot_root, in order */
	size_t n_ops;
	size_t cap_ops;
	const char **readonly;		/* after pivot_root, cleaned paths */
	size_t n_readonly;
	const char **masked;
	size_t n_masked;
	uint32_t host_root_uid;		/* host ids of the container's uid/gid 0 */
	uint32_t host_root_gid;		/* ((uint32_t)-1: no user ns or unmapped) */
};

/*
 * Compute every mount the child will make, from the hardened spec and the
 * bundle directory (root.path is relative to it). Errors name the JSON path.
 * The spec's linux.gid_mappings must already hold the final mapping (gid 5
 * for devpts is only used when mapped).
 *
 * Every host path is opened here, by the runtime as host root: the rootfs and
 * each bind source become detached mounts (open_tree OPEN_TREE_CLONE, bind
 * attributes already set) whose fds the cloned child inherits and attaches.
 * The child, root only in its user namespace, never resolves a host path, so
 * a bundle or volume under a 0700 directory works. Call before clone; the
 * plan owns the fds (CLOEXEC) until ward_mounts_plan_free.
 */
int ward_mounts_plan(const struct ward_spec *s, const char *bundle,
		     struct ward_mounts_plan *p, struct ward_err *e);
void ward_mounts_plan_free(struct ward_mounts_plan *p);

/*
 * Optional parent-side check so `create` fails early and clearly: the rootfs
 * is a directory and its /proc, /sys and /dev are not symlinks. The child
 * checks again (it is the check that counts).
 */
int ward_mounts_check_rootfs(const struct ward_mounts_plan *p,
			     struct ward_err *e);

/*
 * Parent step, after the child's id maps are written: clone the rootfs tree
 * (detached) and idmap it to userns_fd, so the image's files show their own
 * owners inside. *tree_fd is the detached mount; send it to the child, which
 * passes it to ward_mounts_apply. Needs host CAP_SYS_ADMIN and a filesystem
 * that supports idmapped mounts (ext4, xfs, btrfs; tmpfs since 6.3): on any
 * other the error says so. Every mount below the rootfs must support it too.
 *
 * An overlay rootfs (Docker, containerd) cannot be idmapped: a new overlay
 * is built on idmapped clones of its layers instead (mounts_overlay.c);
 * writes land in the upper layer with the image's ids. Bind sources (the
 * plan's detached clones, Docker's volumes and /etc/hosts ...) are idmapped
 * in place when their filesystem allows it, so they too show their owners
 * and take writes with the container's ids; device nodes are left as they
 * are, and so is a bind whose filesystem cannot be idmapped.
 */
int ward_mounts_idmap_prepare(const struct ward_mounts_plan *p, int userns_fd,
			      int *tree_fd, struct ward_err *e);

/*
 * Child step, in the new mount namespace with CAP_SYS_ADMIN over it. Does not
 * allocate. rootfs_tree_fd is the idmapped tree from ward_mounts_idmap_prepare
 * or -1 for the plan's plain clone of the rootfs. The caller keeps ownership
 * of rootfs_tree_fd. On return the process is in the new root with cwd "/".
 * Call at most once per plan: each detached mount can be attached once.
 */
int ward_mounts_apply(const struct ward_mounts_plan *p, int rootfs_tree_fd,
		      struct ward_err *e);
/*
 * ward_mounts_apply in its three steps, for a caller with work between them
 * (createContainer hooks before pivot_root; sysctls after /proc is mounted
 * but before /proc/sys turns read-only): build the tree on the rootfs,
 * pivot_root into it, then masked and read-only paths and root.readonly.
 */
int ward_mounts_build(const struct ward_mounts_plan *p, int rootfs_tree_fd,
		      struct ward_err *e);
/*
 * ward_mounts_build in two phases: everything but the cgroup filesystems
 * (cgroupns false), then those alone (true), once the process is in its
 * cgroups and its own cgroup namespace. ward_mounts_build does both.
 */
int ward_mounts_build_phase(const struct ward_mounts_plan *p, int rootfs_tree_fd,
			    bool cgroupns, struct ward_err *e);
int ward_mounts_pivot(const struct ward_mounts_plan *p, int rootfs_tree_fd,
		      struct ward_err *e);
int ward_mounts_finish(const struct ward_mounts_plan *p, struct ward_err *e);

/*
 * cgroupfs from binds the parent prepared (ward_cgroup_clone_dir): the op
 * index of the cgroup filesystem mount for hierarchy name (the basename of
 * its host mount point: "cpu,cpuacct", "unified"), or -1; and, in the
 * child's copy of the plan, that op turned into a bind of fd (which the
 * plan then owns).
 */
int ward_mounts_cgroup_op(const struct ward_mounts_plan *p, const char *name,
			  bool v2);
int ward_mounts_use_cgroup_bind(struct ward_mounts_plan *p, size_t i, int fd,
				struct ward_err *e);

#endif
