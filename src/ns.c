/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ns.h"
#include "util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct {
	int flag;
	const char *proc;
} ns_info[WARD_NS__N] = {
	[WARD_NS_PID] = { CLONE_NEWPID, "pid" },
	[WARD_NS_NET] = { CLONE_NEWNET, "net" },
	[WARD_NS_MOUNT] = { CLONE_NEWNS, "mnt" },
	[WARD_NS_IPC] = { CLONE_NEWIPC, "ipc" },
	[WARD_NS_UTS] = { CLONE_NEWUTS, "uts" },
	[WARD_NS_USER] = { CLONE_NEWUSER, "user" },
	[WARD_NS_CGROUP] = { CLONE_NEWCGROUP, "cgroup" },
	[WARD_NS_TIME] = { CLONE_NEWTIME, "time" },
};

/* setns order: the user namespace first, so the rest are joined with its caps. */
static const enum ward_ns_type join_order[] = {
	WARD_NS_USER, WARD_NS_PID, WARD_NS_NET, WARD_NS_IPC, WARD_NS_UTS,
	WARD_NS_CGROUP, WARD_NS_TIME, WARD_NS_MOUNT,
};

int
ward_ns_clone_flag(enum ward_ns_type t)
{
	return ns_info[t].flag;
}

const char *
ward_ns_proc_name(enum ward_ns_type t)
{
	return ns_info[t].proc;
}

static int
open_ns(const struct ward_spec *s, enum ward_ns_type t, int *out,
	struct ward_err *e)
{
	const struct ward_namespace *ns = &s->linux.ns[t];
	_cleanup_close_ int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
	int type;

	if (fd < 0)
		return ward_err_set(e, errno, "linux.namespaces[%zu].path: open %s",
				    ns->index, ns->path);
	type = ioctl(fd, NS_GET_NSTYPE);
	if (type < 0)
		return ward_err_set(e, errno,
				    "linux.namespaces[%zu].path: %s is not a namespace",
				    ns->index, ns->path);
	if (type != ns_info[t].flag)
		return ward_err_set(e, EINVAL,
				    "linux.namespaces[%zu].path: %s is not a %s namespace",
				    ns->index, ns->path, ward_ns_name(t));
	*out = take_fd(&fd);
	return 0;
}

/* Is fd's owning user namespace the host's (ours)? *owner gets it if not. */
static int
owner_of(int fd, const struct stat *host, int *owner, struct ward_err *e)
{
	_cleanup_close_ int uf = ioctl(fd, NS_GET_USERNS);
	struct stat st;

	*owner = -1;
	if (uf < 0)
		return ward_err_set(e, errno, "owner of a joined namespace");
	if (fstat(uf, &st) < 0)
		return ward_err_set(e, errno, "stat a user namespace");
	if (st.st_dev != host->st_dev || st.st_ino != host->st_ino)
		*owner = take_fd(&uf);
	return 0;
}

/* Adopt the user namespace that owns the joined namespaces, if not ours. */
static int
adopt_owner(const struct ward_spec *s, struct ward_ns_plan *p,
	    struct ward_err *e)
{
	struct stat host, a, b;
	int owner, ret;

	if (stat("/proc/self/ns/user", &host) < 0)
		return ward_err_set(e, errno, "stat /proc/self/ns/user");
	for (int t = 0; t < WARD_NS__N; t++) {
		if (t == WARD_NS_USER || p->join_fd[t] < 0)
			continue;
		ret = owner_of(p->join_fd[t], &host, &owner, e);
		if (ret < 0)
			return ret;
		p->host_owned[t] = owner < 0;
		if (owner < 0)
			continue;
		if (p->join_fd[WARD_NS_USER] < 0) {
			p->join_fd[WARD_NS_USER] = owner;
			if (sscanf(s->linux.ns[t].path, "/proc/%d/ns/", &p->userns_pid) != 1)
				p->userns_pid = 0;
			continue;
		}
		ret = fstat(owner, &a) < 0 || fstat(p->join_fd[WARD_NS_USER], &b) < 0;
		close(owner);
		if (ret || a.st_ino != b.st_ino)
			return ward_err_set(e, EINVAL,
					    "linux.namespaces[%zu].path: %s belongs to another "
					    "container's user namespace than the other joined ones",
					    s->linux.ns[t].index, s->linux.ns[t].path);
	}
	if (p->join_fd[WARD_NS_USER] >= 0) {
		p->clone_flags &= ~(uint64_t)CLONE_NEWUSER;
		p->joined_userns = true;
	}
	return 0;
}

int
ward_ns_plan(const struct ward_spec *s, struct ward_ns_plan *p,
	     struct ward_err *e)
{
	int ret;

	memset(p, 0, sizeof(*p));
	for (int t = 0; t < WARD_NS__N; t++)
		p->join_fd[t] = -1;
	for (int t = 0; t < WARD_NS__N; t++) {
		const struct ward_namespace *ns = &s->linux.ns[t];

		if (!ns->present)
			continue;
		if (ns->path == NULL) {
			p->clone_flags |= (uint64_t)ns_info[t].flag;
			continue;
		}
		ret = open_ns(s, (enum ward_ns_type)t, &p->join_fd[t], e);
		if (ret < 0) {
			ward_ns_plan_free(p);
			return ret;
		}
		p->join_any = true;
	}
	if (p->join_any && (p->clone_flags & CLONE_NEWUSER)) {
		ret = adopt_owner(s, p, e);
		if (ret < 0) {
			ward_ns_plan_free(p);
			return ret;
		}
	}
	if ((p->clone_flags & CLONE_NEWTIME) &&
	    (s->linux.time_boottime.present || s->linux.time_monotonic.present)) {
		/* Offsets must be written before any process enters the ns. */
		p->time_offsets = true;
		p->boottime = s->linux.time_boottime;
		p->monotonic = s->linux.time_monotonic;
	}
	return 0;
}

void
ward_ns_plan_free(struct ward_ns_plan *p)
{
	for (int t = 0; t < WARD_NS__N; t++) {
		if (p->join_fd[t] >= 0)
			close(p->join_fd[t]);
		p->join_fd[t] = -1;
	}
}

static pid_t
do_clone3(uint64_t flags, int cgroup_fd)
{
	struct clone_args args;

	memset(&args, 0, sizeof(args));
	args.flags = flags;
	/*
	 * clone3 wants exit_signal 0 with CLONE_PARENT: the child then takes
	 * the launcher's own (SIGCHLD, from fork), so the runtime still reaps
	 * init like any child.
	 */
	args.exit_signal = (flags & CLONE_PARENT) ? 0 : SIGCHLD;
	if (cgroup_fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)cgroup_fd;
	}
	return (pid_t)syscall(SYS_clone3, &args, sizeof(args));
}

/* In the launcher: write the time offsets of a fresh time ns (for children). */
static int
setup_time_ns(const struct ward_ns_plan *p)
{
	char buf[128];
	int n = 0, fd, ret = 0;

	if (unshare(CLONE_NEWTIME) < 0)
		return -errno;
	if (p->monotonic.present)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "monotonic %lld %u\n",
			      (long long)p->monotonic.secs, p->monotonic.nanosecs);
	if (p->boottime.present)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "boottime %lld %u\n",
			      (long long)p->boottime.secs, p->boottime.nanosecs);
	fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, buf, (size_t)n) != n)
		ret = -errno ? -errno : -EIO;
	close(fd);
	return ret;
}

static void __attribute__((noreturn))
launcher(const struct ward_ns_plan *p, int cgroup_fd, int report_fd,
	 int (*fn)(void *), void *arg)
{
	uint64_t flags = p->clone_flags | CLONE_PARENT;
	int32_t res;
	pid_t pid;

	/*
	 * Namespaces the host's user namespace owns first, while we are host
	 * root (a CNI network namespace); then the user namespace; then those
	 * it owns (the pod sandbox's ipc, uts, pid).
	 */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < WARD_ARRAY_SIZE(join_order); i++) {
			enum ward_ns_type t = join_order[i];
			int fd = p->join_fd[t];
			bool now = pass == 0 ? p->host_owned[t] :
					       !p->host_owned[t];

			if (fd >= 0 && now && setns(fd, 0) < 0) {
				res = -errno;
				goto report;
			}
		}
	}
	if (p->time_offsets) {
		flags &= ~(uint64_t)CLONE_NEWTIME;
		res = setup_time_ns(p);
		if (res < 0)
			goto report;
	}
	pid = do_clone3(flags, cgroup_fd);
	if (pid == 0)
		_exit(fn(arg));
	res = pid < 0 ? -errno : pid;
report:
	if (write(report_fd, &res, sizeof(res)) != sizeof(res))
		_exit(2);
	_exit(0);
}

pid_t
ward_ns_spawn(const struct ward_ns_plan *p, int cgroup_fd, int (*fn)(void *),
	      void *arg, struct ward_err *e)
{
	_cleanup_close_ int rd = -1, wr = -1;
	int pipefd[2], status;
	int32_t res = 0;
	pid_t pid, lpid;

	if (!p->join_any && !p->time_offsets) {
		pid = do_clone3(p->clone_flags, cgroup_fd);
		if (pid < 0)
			return ward_err_set(e, errno, "clone3 into new namespaces");
		if (pid == 0)
			_exit(fn(arg));
		return pid;
	}
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return ward_err_set(e, errno, "pipe");
	rd = pipefd[0];
	wr = pipefd[1];
	lpid = fork();
	if (lpid < 0)
		return ward_err_set(e, errno, "fork launcher");
	if (lpid == 0)
		launcher(p, cgroup_fd, wr, fn, arg);
	close(take_fd(&wr));
	if (read(rd, &res, sizeof(res)) != sizeof(res))
		res = -EPIPE;
	while (waitpid(lpid, &status, 0) < 0 && errno == EINTR)
		;
	if (res < 0)
		return ward_err_set(e, -res, "join namespaces and clone");
	return (pid_t)res;
}

int
ward_ns_enter_pid(pid_t pid, const bool which[WARD_NS__N], struct ward_err *e)
{
	char path[64];

	for (size_t i = 0; i < WARD_ARRAY_SIZE(join_order); i++) {
		enum ward_ns_type t = join_order[i];
		_cleanup_close_ int fd = -1;

		if (!which[t])
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, ns_info[t].proc);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return ward_err_set(e, errno, "open %s", path);
		if (setns(fd, ns_info[t].flag) < 0)
			return ward_err_set(e, errno, "setns %s", path);
	}
	return 0;
}
