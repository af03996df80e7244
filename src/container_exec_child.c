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
#include "container_exec.h"
#include "sync.h"

/* What runc sends beside the fd; go-runc names the console file by it. */
#define PTMX_NAME "/dev/ptmx"

static int
open_pty(const struct ward_process_plan *p, int *master, int *peer,
	 struct ward_err *e)
{
	_cleanup_close_ int m = -1, s = -1;
	struct statfs sfs;
	int unlock = 0;

	/* After setns(mnt), "/" is the container's: its own devpts instance. */
	m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0)
		return ward_err_set(e, errno, "open /dev/ptmx");
	if (ioctl(m, TIOCSPTLCK, &unlock) < 0)
		return ward_err_set(e, errno, "unlockpt");
	/* The peer of this very master: no path an image could redirect. */
	s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s < 0)
		return ward_err_set(e, errno, "TIOCGPTPEER");
	if (fstatfs(s, &sfs) < 0)
		return ward_err_set(e, errno, "statfs pty");
	if (sfs.f_type != DEVPTS_SUPER_MAGIC)
		return ward_err_set(e, EINVAL, "/dev/ptmx did not give a devpts pty");
	if (p->has_console_size) {
		struct winsize ws = { .ws_row = p->console_rows,
				      .ws_col = p->console_cols };

		if (ioctl(m, TIOCSWINSZ, &ws) < 0)
			return ward_err_set(e, errno, "TIOCSWINSZ");
	}
	*master = take_fd(&m);
	*peer = take_fd(&s);
	return 0;
}

static int
send_master(int sock, int fd, struct ward_err *e)
{
	char data[] = PTMX_NAME;
	struct iovec iov = { .iov_base = data, .iov_len = sizeof(data) - 1 };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c;
	ssize_t n;

	memset(&u, 0, sizeof(u));
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	do
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return ward_err_set(e, errno, "send the pty master to the console socket");
	if ((size_t)n != iov.iov_len)
		return ward_err_set(e, EIO, "console socket: short send");
	return 0;
}

/*
 * exec's terminal: like the init's, minus the /dev/console bind, which
 * belongs to the container's init (runc leaves it alone for exec too).
 */
static int
setup_tty(int sock, const struct ward_process_plan *p, struct ward_err *e)
{
	_cleanup_close_ int master = -1, peer = -1;
	int ret;

	ret = open_pty(p, &master, &peer, e);
	if (ret < 0)
		return ret;
	/* The user the process becomes must own its terminal. */
	if (fchown(peer, p->uid, (gid_t)-1) < 0)
		return ward_err_set(e, errno, "chown pty to uid %u", (unsigned)p->uid);
	ret = send_master(sock, master, e);
	if (ret < 0)
		return ret;
	if (setsid() < 0)
		return ward_err_set(e, errno, "setsid");
	if (ioctl(peer, TIOCSCTTY, 0) < 0)
		return ward_err_set(e, errno, "TIOCSCTTY");
	for (int fd = 0; fd <= 2; fd++)
		if (dup2(peer, fd) < 0)
			return ward_err_set(e, errno, "dup2 pty to fd %d", fd);
	if (peer <= 2)
		peer = -1;	/* now one of the stdio fds: keep it */
	return 0;
}

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
		ret = setup_tty(p->console_fd, &p->proc, e);
		if (ret < 0)
			return ret;
		close(p->console_fd);
		p->console_fd = -1;
	}
	return 0;
}

/* The init's setup_process, step for step (see container_child.c). */
static int
setup_process(const struct ward_exec_plan *p, char *exe, size_t len,
	      struct ward_err *e)
{
	int ret;

	/* cwd first: a relative args[0] or PATH entry resolves against it. */
	ret = ward_process_apply_cwd(&p->proc, e);
	if (ret < 0)
		return ret;
	/* Before dropping privileges: a missing binary is exec's error. */
	ret = ward_process_resolve_exec(&p->proc, exe, len, e);
	if (ret < 0)
		return ret;
	ret = ward_process_apply_user(&p->proc, e);
	if (ret < 0)
		return ret;
	ret = ward_caps_apply(&p->caps, e);
	if (ret < 0)
		return ret;
	/* Last of ward's own work: a tiny RLIMIT_AS or NOFILE can't break us. */
	ret = ward_process_apply_rlimits(&p->proc, e);
	if (ret < 0)
		return ret;
	/* NNP before seccomp: the filter then needn't allow setresuid/capset. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return ward_err_set(e, errno, "prctl(PR_SET_NO_NEW_PRIVS)");
	int keep[] = { p->sync_child };

	return ward_process_close_fds(&p->proc, keep, 1, e);
}

static int
load_filters(const struct ward_exec_plan *p, struct ward_err *e)
{
	int ret;

	/* Baseline first, as for the init: the profile's errnoRet wins. */
	ret = ward_seccomp_load(p->baseline, 0, e);
	if (ret < 0 || p->profile.len == 0)
		return ret;
	return ward_seccomp_load(&p->profile, p->profile_flags, e);
}

static int
exec_body(struct ward_exec_plan *p, struct ward_err *e)
{
	char exe[PATH_MAX];
	sigset_t none;
	int ret;

	/* The runtime blocks every signal to forward them; the program gets none. */
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) < 0)
		return ward_err_set(e, errno, "sigprocmask");
	/* Inherited from the runtime already; said again, it costs nothing. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return ward_err_set(e, errno, "prctl(PR_SET_DUMPABLE)");
	/* Our copy shares the state dir's flock: release it with the parent's. */
	close(p->state_dirfd);
	/* v1: the parent attaches us to the cgroups, then says go. */
	ret = ward_sync_expect(p->sync_child, WARD_SYNC_MAPS_DONE, NULL, e);
	if (ret < 0)
		return ret;
	ret = enter(p, e);
	if (ret < 0)
		return ret;
	ret = setup_process(p, exe, sizeof(exe), e);
	if (ret < 0)
		return ret;
	/* Past this point the runtime may exit (exec --detach): outlive it. */
	if (prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0) < 0)
		return ward_err_set(e, errno, "prctl(PR_SET_PDEATHSIG, 0)");
	ret = ward_sync_send(p->sync_child, WARD_SYNC_READY, NULL, -1);
	if (ret < 0)
		return ward_err_set(e, -ret, "report ready");
	/* Seccomp last: after it, ward makes no syscall but execve. */
	ret = load_filters(p, e);
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

