/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The exec'd process, from clone3 (already in the container's user, pid,
 * mount, network, ipc and uts namespaces, and in its cgroup on v2) to
 * execve. The same apply steps as the init's, in the same order; nothing
 * here allocates or prints: a failure travels to the parent as SYNC_ERROR.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <termios.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "container.h"
#include "container_exec.h"
#include "sync.h"
#include "terminal.h"

/* What runc sends beside the fd; go-runc names the console file by it. */
#define PTMX_NAME "/dev/ptmx"

/* Still ns-root: the container's namespaces, ids and terminal. */
static int
enter(struct ward_exec_plan *p, struct ward_err *e)
{
	int ret;

	/* Our host ids are unmapped in the container's user ns: take 0:0. */
	if (p->userns && setresgid(0, 0, 0) < 0)
		return ward_err_set(e, errno, "setresgid(0) in the user namespace");
	if (p->userns && setresuid(0, 0, 0) < 0)
		return ward_err_set(e, errno, "setresuid(0) in the user namespace");
	/* After the uid change, which clears it: die with the runtime. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		return ward_err_set(e, errno, "prctl(PR_SET_PDEATHSIG)");
	/*
	 * Joined here, not by the launcher: born into the cgroup, we are below
	 * the namespace's root, which a cgroup2 mounted with nsdelegate needs.
	 */
	if (p->cgroupns_fd >= 0) {
		if (setns(p->cgroupns_fd, CLONE_NEWCGROUP) < 0)
			return ward_err_set(e, errno, "setns cgroup namespace");
		close(p->cgroupns_fd);
		p->cgroupns_fd = -1;
	}
	if (p->console_fd >= 0) {
		/* An exec's pty never replaces the init's /dev/console. */
		ret = ward_terminal_child_setup(p->console_fd, &p->proc, false, e);
		if (ret < 0)
			return ret;
		close(p->console_fd);
		p->console_fd = -1;
	}
	return 0;
}

static int
exec_body(struct ward_exec_plan *p, struct ward_err *e)
{
	char exe[PATH_MAX];
	int ret;

	ret = ward_child_prologue(p->state_dirfd, e);
	if (ret < 0)
		return ret;
	/* v1: the parent attaches us to the cgroups, then says go. */
	ret = ward_sync_expect(p->sync_child, WARD_SYNC_MAPS_DONE, NULL, e);
	if (ret < 0)
		return ret;
	ret = enter(p, e);
	if (ret < 0)
		return ret;
	int keep[] = { p->sync_child };

	ret = ward_child_setup_process(&p->proc, &p->caps, keep, 1, exe,
				       sizeof(exe), e);
	if (ret < 0)
		return ret;
	ret = ward_child_report_ready(p->sync_child, e);
	if (ret < 0)
		return ret;
	/* Seccomp last: after it, ward makes no syscall but execve. */
	ret = ward_child_load_filters(p->baseline, &p->profile, p->profile_flags, e);
	if (ret < 0)
		return ret;
	/* sync_child is CLOEXEC: the parent reads EOF when execve succeeded. */
	return ward_process_exec(&p->proc, exe, e);
}

int
ward_exec_child_main(void *arg)
{
	struct ward_exec_plan *p = arg;
	struct ward_err e = { 0 };

	close(p->sync_parent);
	exec_body(p, &e);
	/* Only reached on failure (a profile denying sendmsg just loses it). */
	ward_sync_send(p->sync_child, WARD_SYNC_ERROR, &e, -1);
	_exit(127);
}

