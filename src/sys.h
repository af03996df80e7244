/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Leaf: thin wrappers for the system calls ward relies on, called through
 * syscall(2) so the runtime does not depend on which of them a given glibc
 * happens to export (2.36 lacks openat2, pivot_root and clone3; the mount
 * API arrived in 2.36 with a <sys/mount.h> that clashes with
 * <linux/mount.h>). They keep libc's convention: -1 with errno set. None of
 * them allocates, so all are safe in the cloned container child.
 *
 * Include this header instead of <linux/mount.h>: it brings <sys/mount.h>
 * (MOUNT_ATTR_*, struct mount_attr, FSCONFIG_*, OPEN_TREE_*, MOVE_MOUNT_*)
 * and <linux/openat2.h> (struct open_how, RESOLVE_*).
 */
#ifndef WARD_SYS_H
#define WARD_SYS_H

#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/types.h>
#include <linux/openat2.h>

#ifndef CLOSE_RANGE_UNSHARE
#define CLOSE_RANGE_UNSHARE (1U << 1)
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#ifndef MOUNT_ATTR_NOSYMFOLLOW
#define MOUNT_ATTR_NOSYMFOLLOW 0x00200000
#endif

/*
 * struct clone_args of <linux/sched.h>, spelled out because that header
 * redefines the CLONE_* macros of <sched.h>. Layout is the kernel ABI
 * (CLONE_ARGS_SIZE_VER2 = 88 bytes).
 */
struct ward_clone_args {
	uint64_t flags;
	uint64_t pidfd;		/* pointer to int, for CLONE_PIDFD */
	uint64_t child_tid;
	uint64_t parent_tid;
	uint64_t exit_signal;
	uint64_t stack;
	uint64_t stack_size;
	uint64_t tls;
	uint64_t set_tid;
	uint64_t set_tid_size;
	uint64_t cgroup;	/* fd, for CLONE_INTO_CGROUP */
};

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

int ward_openat2(int dirfd, const char *path, uint64_t flags,
		 uint64_t resolve);
int ward_open_tree(int dirfd, const char *path, unsigned int flags);
int ward_move_mount(int from_dirfd, const char *from_path, int to_dirfd,
		    const char *to_path, unsigned int flags);
int ward_mount_setattr(int dirfd, const char *path, unsigned int flags,
		       uint64_t attr_set, uint64_t attr_clr,
		       uint64_t propagation, int userns_fd);
int ward_fsopen(const char *fsname, unsigned int flags);
int ward_fsconfig(int fsfd, unsigned int cmd, const char *key,
		  const void *value, int aux);
int ward_fsmount(int fsfd, unsigned int flags, unsigned int attr_flags);
int ward_fspick(int dirfd, const char *path, unsigned int flags);
int ward_pivot_root(const char *new_root, const char *put_old);
/*
 * clone3 without a new stack behaves like fork(): the child returns 0 on a
 * copy of the caller's stack. Returns the child's pid in the parent.
 */
pid_t ward_clone3(struct ward_clone_args *args);
int ward_close_range(unsigned int first, unsigned int last,
		     unsigned int flags);
int ward_pidfd_open(pid_t pid, unsigned int flags);
int ward_pidfd_send_signal(int pidfd, int sig, siginfo_t *info,
			   unsigned int flags);

#endif
