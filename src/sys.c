/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
/*
 * Raw system-call wrappers (see sys.h for why). Each one is a single
 * syscall(2): no allocation, no locks, usable in the container child.
 */
#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sys.h"

int
ward_openat2(int dirfd, const char *path, uint64_t flags, uint64_t resolve)
{
	struct open_how how = {
		.flags = flags,
		.resolve = resolve,
	};

	return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}

int
ward_open_tree(int dirfd, const char *path, unsigned int flags)
{
	return (int)syscall(SYS_open_tree, dirfd, path, flags);
}

int
ward_move_mount(int from_dirfd, const char *from_path, int to_dirfd,
		const char *to_path, unsigned int flags)
{
	return (int)syscall(SYS_move_mount, from_dirfd, from_path, to_dirfd,
			    to_path, flags);
}

int
ward_mount_setattr(int dirfd, const char *path, unsigned int flags,
		   uint64_t attr_set, uint64_t attr_clr, uint64_t propagation,
		   int userns_fd)
{
	struct mount_attr attr = {
		.attr_set = attr_set,
		.attr_clr = attr_clr,
		.propagation = propagation,
		.userns_fd = userns_fd >= 0 ? (uint64_t)userns_fd : 0,
	};

	return (int)syscall(SYS_mount_setattr, dirfd, path, flags, &attr,
			    sizeof(attr));
}

int
ward_fsopen(const char *fsname, unsigned int flags)
{
	return (int)syscall(SYS_fsopen, fsname, flags);
}

int
ward_fsconfig(int fsfd, unsigned int cmd, const char *key, const void *value,
	      int aux)
{
	return (int)syscall(SYS_fsconfig, fsfd, cmd, key, value, aux);
}

int
ward_fsmount(int fsfd, unsigned int flags, unsigned int attr_flags)
{
	return (int)syscall(SYS_fsmount, fsfd, flags, attr_flags);
}

int
ward_fspick(int dirfd, const char *path, unsigned int flags)
{
	return (int)syscall(SYS_fspick, dirfd, path, flags);
}

int
ward_pivot_root(const char *new_root, const char *put_old)
{
	return (int)syscall(SYS_pivot_root, new_root, put_old);
}

pid_t
ward_clone3(struct ward_clone_args *args)
{
	return (pid_t)syscall(SYS_clone3, args, sizeof(*args));
}

int
ward_close_range(unsigned int first, unsigned int last, unsigned int flags)
{
	return (int)syscall(SYS_close_range, first, last, flags);
}

int
ward_pidfd_open(pid_t pid, unsigned int flags)
{
	return (int)syscall(SYS_pidfd_open, pid, flags);
}

int
ward_pidfd_send_signal(int pidfd, int sig, siginfo_t *info, unsigned int flags)
{
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, info, flags);
}
