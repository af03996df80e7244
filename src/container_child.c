/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container's init, from clone3 to execve. One call per line; the order
 * is the security argument, so every constraint says why. Nothing here
 * allocates or prints: a failure travels to the parent as SYNC_ERROR.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "container.h"
#include "netlink.h"
#include "sync.h"
#include "terminal.h"

/* Wait for `start`: one connection on start.sock, one byte. */
static int
wait_for_start(int listen_fd, int *conn, struct ward_err *e)
{
	char c;
	ssize_t n;

	do
		*conn = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
	while (*conn < 0 && errno == EINTR);
	if (*conn < 0)
		return ward_err_set(e, errno, "wait for start");
	do
		n = read(*conn, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		return ward_err_set(e, n < 0 ? errno : EPIPE, "read start request");
	return 0;
}

static int
become_root_in_userns(const struct ward_plan *p, struct ward_err *e)
{
	if (!p->userns.write_maps && p->spec->linux.ns[WARD_NS_USER].path == NULL &&
	    !p->ns.joined_userns)
		return 0;
	/* Unmapped until the maps are written (or, joined, ever): take 0:0. */
	if (setresgid(0, 0, 0) < 0)
		return ward_err_set(e, errno, "setresgid(0) in the user namespace");
	if (setresuid(0, 0, 0) < 0)
		return ward_err_set(e, errno, "setresuid(0) in the user namespace");
	return 0;
}

/*
 * Until ATTACHED: for each JOIN_CGROUP, write "0" (this thread) to the v1
 * "tasks" fd it carries, which needs no RCU grace period (cgroup.h); each
 * CGROUP_MOUNT carries our cgroup as a detached mount for the cgroupfs
 * mount op it names, in our copy of the plan.
 */
static int
join_cgroups(struct ward_plan *p, struct ward_err *e)
{
	for (;;) {
		enum ward_sync type;
		char what[WARD_ERR_MSG_MAX];
		unsigned long op;
		int fd, ret;

		ret = ward_sync_recv(p->sync_child, &type, &fd, what,
				     sizeof(what), e);
		if (ret < 0)
			return ret;
		if (type == WARD_SYNC_ATTACHED && fd < 0)
			return 0;
		if (type == WARD_SYNC_CGROUP_MOUNT && fd >= 0) {
			op = strtoul(what, NULL, 10);
			ret = ward_mounts_use_cgroup_bind(&p->mounts, op, fd, e);
			if (ret == 0)
				continue;	/* the plan owns fd now */
			close(fd);
			return ret;
		}
		if (type != WARD_SYNC_JOIN_CGROUP || fd < 0) {
			if (fd >= 0)
				close(fd);
			return ward_err_set(e, EPROTO, "sync: expected a cgroup, got %d",
					    type);
		}
		ret = write(fd, "0", 1) == 1 ? 0 : -errno;
		close(fd);
		if (ret < 0)
			return ward_err_set(e, -ret, "join cgroup %s", what);
	}
}

/* Into the container's root, then its sysctls (before /proc/sys is ro). */
static int
pivot(const struct ward_plan *p, int tree_fd, struct ward_err *e)
{
	int ret = ward_mounts_pivot(&p->mounts, tree_fd, e);

	return ret < 0 ? ret : ward_process_apply_sysctl(&p->proc, e);
}

/* Join the cgroups the parent made meanwhile, then (v1) mount cgroupfs. */
static int
cgroup_mounts(struct ward_plan *p, int tree_fd, struct ward_err *e)
{
	int ret = join_cgroups(p, e);

	if (ret < 0)
		return ret;
	/* v1 roots a cgroup ns where we are: only now, after the attach. */
	if (p->unshare_cgroupns && unshare(CLONE_NEWCGROUP) < 0)
		return ward_err_set(e, errno, "unshare(CLONE_NEWCGROUP)");
	return ward_mounts_build_phase(&p->mounts, tree_fd, true, e);
}

/*
 * Filesystem, identity of the host bits, network: all still as ns-root.
 * Without createContainer hooks, which OCI runs between the last mount and
 * pivot_root, the pivot (and the RCU grace period of detaching the old
 * root) comes before the wait for our cgroups, on time we would otherwise
 * spend waiting; cgroupfs then goes on below the new root, through the
 * same rootfs fd, before the masked and read-only paths.
 */
static int
setup_environment(struct ward_plan *p, int tree_fd, struct ward_err *e)
{
	bool hooks = p->spec->hooks.n[WARD_HOOK_CREATE_CONTAINER] > 0;
	int ret;

	ret = ward_mounts_build_phase(&p->mounts, tree_fd, false, e);
	if (ret < 0)
		return ret;
	/* Namespaces of our own, no files: work for the wait below. */
	ret = ward_process_apply_uts(&p->proc, e);
	if (ret == 0 && p->new_net)
		ret = ward_netlink_lo_up(e);
	if (ret == 0 && !hooks)
		ret = pivot(p, tree_fd, e);
	if (ret == 0)
		ret = cgroup_mounts(p, tree_fd, e);
	if (ret < 0)
		return ret;
	if (hooks) {
		/* The OCI order: createContainer hooks after the mounts. */
		ret = ward_sync_send(p->sync_child, WARD_SYNC_MOUNTS_DONE, NULL, -1);
		if (ret < 0)
			return ward_err_set(e, -ret, "report mounts");
		ret = ward_sync_expect(p->sync_child, WARD_SYNC_HOOKS_DONE, NULL, e);
		if (ret == 0)
			ret = pivot(p, tree_fd, e);
		if (ret < 0)
			return ret;
	}
	ret = ward_mounts_finish(&p->mounts, e);
	if (ret < 0)
		return ret;
	if (p->console_fd >= 0) {
		/* The pty comes from the container's own devpts instance. */
		ret = ward_terminal_child_setup(p->console_fd, &p->proc, true, e);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* First steps of every child (init or exec'd), before it waits for the go. */
int
ward_child_prologue(int state_dirfd, struct ward_err *e)
{
	sigset_t none;

	/* The runtime blocks every signal to forward them; the program gets none. */
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) < 0)
		return ward_err_set(e, errno, "sigprocmask");
	/* Non-dumpable until execve: no ptrace or /proc/PID/fd of our fds. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return ward_err_set(e, errno, "prctl(PR_SET_DUMPABLE)");
	/* Our copy shares the state dir's flock: `start` would wait forever. */
	close(state_dirfd);
	return 0;
}

/*
 * Resolve, chdir, then drop to the container user for good: the same steps,
 * in the same order, for the init and for every exec'd process. keep[] are
 * the runtime's own channels, close-on-exec until execve.
 */
int
ward_child_setup_process(const struct ward_process_plan *proc,
			 const struct ward_caps_plan *caps, const int *keep,
			 size_t n_keep, char *exe, size_t len, struct ward_err *e)
{
	int ret;

	/* cwd first: a relative args[0] or PATH entry resolves against it. */
	ret = ward_process_apply_cwd(proc, e);
	if (ret < 0)
		return ret;
	/* Before dropping privileges: a missing binary is create's error. */
	ret = ward_process_resolve_exec(proc, exe, len, e);
	if (ret < 0)
		return ret;
	ret = ward_process_apply_user(proc, e);
	if (ret < 0)
		return ret;
	ret = ward_caps_apply(caps, e);
	if (ret < 0)
		return ret;
	/* Last of ward's own work: a tiny RLIMIT_AS or NOFILE can't break us. */
	ret = ward_process_apply_rlimits(proc, e);
	if (ret < 0)
		return ret;
	/* NNP before seccomp: the filter then needn't allow setresuid/capset. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return ward_err_set(e, errno, "prctl(PR_SET_NO_NEW_PRIVS)");
	return ward_process_close_fds(proc, keep, n_keep, e);
}

int
ward_child_report_ready(int sync, struct ward_err *e)
{
	int ret;

	/* From here the runtime may exit (create, exec --detach): outlive it. */
	if (prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0) < 0)
		return ward_err_set(e, errno, "prctl(PR_SET_PDEATHSIG, 0)");
	ret = ward_sync_send(sync, WARD_SYNC_READY, NULL, -1);
	return ret < 0 ? ward_err_set(e, -ret, "report ready") : 0;
}

int
ward_child_load_filters(const struct ward_bpf *baseline,
			const struct ward_bpf *profile, unsigned int flags,
			struct ward_err *e)
{
	int ret;

	/*
	 * Baseline first: it allows seccomp(2), so a profile that denies it
	 * still loads; and with two errno verdicts the kernel returns the last
	 * filter's, so the profile's own errnoRet wins over the baseline EPERM.
	 */
	ret = ward_seccomp_load(baseline, 0, e);
	if (ret < 0 || profile->len == 0)
		return ret;
	return ward_seccomp_load(profile, flags, e);
}

static int
child_body(struct ward_plan *p, int *conn, struct ward_err *e)
{
	char exe[PATH_MAX];
	int tree_fd = -1, ret;

	ret = ward_child_prologue(p->state_dirfd, e);
	if (ret < 0)
		return ret;
	/* Had the runtime died before now, this read sees EOF and we exit. */
	ret = ward_sync_expect(p->sync_child, WARD_SYNC_MAPS_DONE, &tree_fd, e);
	if (ret < 0)
		return ret;
	ret = become_root_in_userns(p, e);
	if (ret < 0)
		return ret;
	/*
	 * A create killed mid-way must not leave a half-built init behind.
	 * Set after the uid change above, which would clear it; the runtime's
	 * death before this point shows as EOF on the sync socket instead.
	 */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		return ward_err_set(e, errno, "prctl(PR_SET_PDEATHSIG)");

	ret = setup_environment(p, tree_fd, e);
	if (tree_fd >= 0)
		close(tree_fd);
	if (ret < 0)
		return ret;
	int keep[] = { p->start_fd, p->sync_child };

	ret = ward_child_setup_process(&p->proc, &p->caps, keep, 2, exe,
				       sizeof(exe), e);
	if (ret < 0)
		return ret;
	ret = ward_child_report_ready(p->sync_child, e);
	if (ret < 0)
		return ret;
	close(p->sync_child);
	p->sync_child = -1;
	ret = wait_for_start(p->start_fd, conn, e);
	if (ret < 0)
		return ret;
	close(p->start_fd);
	/* Seccomp last: after it, ward makes no syscall but execve. */
	ret = ward_child_load_filters(p->baseline, &p->profile, p->profile_flags, e);
	if (ret < 0)
		return ret;
	return ward_process_exec(&p->proc, exe, e);
}

int
ward_child_main(void *arg)
{
	struct ward_plan *p = arg;
	struct ward_err e = { 0 };
	int conn = -1;

	close(p->sync_parent);
	child_body(p, &conn, &e);
	/* Only reached on failure: tell whoever is listening why. */
	if (p->sync_child >= 0)
		ward_sync_send(p->sync_child, WARD_SYNC_ERROR, &e, -1);
	else if (conn >= 0)
		(void)!write(conn, e.msg, sizeof(e.msg));
	_exit(127);
}
