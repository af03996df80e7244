/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `exec`, parent side: the container's state and hardened spec, the exec
 * process (process.json, or the flags over the container's own process),
 * the exec policy, the plan, then spawn into the init's namespaces and
 * cgroup, sync, and wait (or detach). The child's half is in
 * container_exec_child.c. A failure kills what was spawned: nothing is left.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "capname.h"
#include "container.h"
#include "container_ctl.h"
#include "container_exec.h"
#include "log.h"
#include "sync.h"
#include "terminal.h"

/* Everything an exec holds between the state dir's lock and the wait. */
struct exec_ctx {
	const struct ward_exec_opts *o;
	struct ward_state_dir d;
	bool locked;
	struct ward_state st;
	struct ward_spec *container;	/* hardened, from the state dir */
	struct ward_spec *proc;		/* the exec process; may point into container */
	struct ward_cgroup *cg;		/* NULL when the container has none */
	struct ward_exec_plan plan;
	int relay_fd;			/* our end of the tty relay pair, or -1 */
	pid_t pid;
};

static int
copy_strv(struct ward_spec *s, char *const *v, size_t n, char ***out,
	  size_t *n_out, struct ward_err *e)
{
	for (size_t i = 0; i < n; i++) {
		int ret = ward_spec_strv_append(s, out, n_out, v[i], e);

		if (ret < 0)
			return ret;
	}
	return 0;
}

/* runc's --cap: into bounding, effective, permitted; ambient if it keeps any. */
static int
add_caps(struct ward_process *p, char *const *names, size_t n,
	 struct ward_err *e)
{
	bool ambient = p->caps.set[WARD_CAP_AMBIENT] != 0 ||
		       p->caps.set[WARD_CAP_INHERITABLE] != 0;

	for (size_t i = 0; i < n; i++) {
		int cap = ward_cap_from_name(names[i]);
		uint64_t bit;

		/* Fail closed: a name we cannot map is an error, not ignored. */
		if (cap < 0)
			return ward_err_set(e, EINVAL, "--cap: unknown capability \"%s\"",
					    names[i]);
		bit = UINT64_C(1) << cap;
		p->caps.set[WARD_CAP_BOUNDING] |= bit;
		p->caps.set[WARD_CAP_EFFECTIVE] |= bit;
		p->caps.set[WARD_CAP_PERMITTED] |= bit;
		if (ambient)
			p->caps.set[WARD_CAP_AMBIENT] |= bit;
	}
	if (n > 0)
		p->has_caps = true;
	return 0;
}

static int
add_gids(struct ward_spec *s, struct ward_user *u, const uint32_t *gids,
	 size_t n, struct ward_err *e)
{
	uint32_t *v;

	if (n == 0)
		return 0;
	v = ward_spec_alloc(s, (u->n_additional_gids + n) * sizeof(*v));
	if (v == NULL)
		return ward_err_set(e, ENOMEM, "additional gids");
	if (u->n_additional_gids > 0)
		memcpy(v, u->additional_gids, u->n_additional_gids * sizeof(*v));
	memcpy(v + u->n_additional_gids, gids, n * sizeof(*v));
	u->additional_gids = v;
	u->n_additional_gids += n;
	return 0;
}

/*
 * runc's defaults: the container's process with args, cwd, env (appended),
 * user, groups (appended), caps (added), terminal and labels from the flags.
 * Unchanged arrays are shared with the container's spec, which outlives it.
 */
static int
proc_from_flags(struct exec_ctx *x, struct ward_spec *s, struct ward_err *e)
{
	const struct ward_exec_opts *o = x->o;
	struct ward_process *p = &s->process;
	int ret;

	if (o->n_args == 0)
		return ward_err_set(e, EINVAL, "exec: no command given");
	s->has_process = true;
	if (x->container->has_process)
		*p = x->container->process;
	p->args = NULL;
	p->n_args = 0;
	ret = copy_strv(s, o->args, o->n_args, &p->args, &p->n_args, e);
	if (ret == 0)
		ret = copy_strv(s, o->env, o->n_env, &p->env, &p->n_env, e);
	if (ret == 0)
		ret = add_gids(s, &p->user, o->additional_gids,
			       o->n_additional_gids, e);
	if (ret == 0)
		ret = add_caps(p, o->caps, o->n_caps, e);
	if (ret < 0)
		return ret;
	p->terminal = o->tty;
	if (o->cwd != NULL && (p->cwd = ward_spec_strdup(s, o->cwd)) == NULL)
		return ward_err_set(e, ENOMEM, "cwd");
	if (o->has_uid)
		p->user.uid = o->uid;
	if (o->has_gid)
		p->user.gid = o->gid;
	if (o->no_new_privs)
		p->no_new_privileges = true;
	if (o->process_label != NULL)
		p->selinux_label = ward_spec_strdup(s, o->process_label);
	if (o->apparmor != NULL)
		p->apparmor_profile = ward_spec_strdup(s, o->apparmor);
	return 0;
}

static int
load_proc(struct exec_ctx *x, struct ward_err *e)
{
	const struct ward_process *c = &x->container->process;
	int ret;

	if (x->o->process != NULL) {
		ret = ward_spec_load_process(x->o->process, &x->proc, e);
		if (ret < 0)
			return ret;
		/* runc: a process.json without rlimits gets the container's. */
		if (x->proc->process.n_rlimits == 0 && x->container->has_process) {
			x->proc->process.rlimits = c->rlimits;
			x->proc->process.n_rlimits = c->n_rlimits;
		}
		return 0;
	}
	x->proc = calloc(1, sizeof(*x->proc));
	if (x->proc == NULL)
		return ward_err_set(e, ENOMEM, "exec process");
	return proc_from_flags(x, x->proc, e);
}

/* runc's rules, word for word: containerd relies on them. */
static int
check_terminal(const struct ward_exec_opts *o, bool terminal,
	       struct ward_err *e)
{
	if (o->detach && terminal && o->console_socket == NULL)
		return ward_err_set(e, EINVAL, "cannot allocate tty if ward will "
				    "detach without setting console socket");
	if ((!o->detach || !terminal) && o->console_socket != NULL)
		return ward_err_set(e, EINVAL, "cannot use console socket if ward "
				    "will not detach or allocate tty");
	return 0;
}

static int
check_policy(struct exec_ctx *x, struct ward_err *e)
{
	struct ward_report r = { 0 };
	int ret;

	ret = ward_policy_check_exec(x->proc, x->container, x->o->conf, &r, e);
	if (ret == 0 && r.n_refused > 0)
		ret = ward_report_to_err(&r, e);
	for (size_t i = 0; ret == 0 && i < r.n; i++)
		if (r.v[i].kind == WARD_VERDICT_HARDEN)
			ward_debug("exec: harden %s: %s: %s", r.v[i].rule,
				   r.v[i].path, r.v[i].what);
	ward_report_free(&r);
	return ret;
}

static int
open_ns(pid_t pid, enum ward_ns_type t, int *fd, struct ward_err *e)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid,
		 ward_ns_proc_name(t));
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return ward_err_set(e, errno, "open %s", path);
	return 0;
}

/* Every namespace the container has, as the init holds it now. */
static int
plan_ns(struct ward_exec_plan *p, const struct ward_spec *c, pid_t pid,
	struct ward_err *e)
{
	for (int t = 0; t < WARD_NS__N; t++) {
		int ret;

		if (!c->linux.ns[t].present)
			continue;
		if (t == WARD_NS_CGROUP) {
			ret = open_ns(pid, WARD_NS_CGROUP, &p->cgroupns_fd, e);
		} else {
			ret = open_ns(pid, (enum ward_ns_type)t, &p->ns.join_fd[t], e);
			p->ns.join_any = true;
		}
		if (ret < 0)
			return ret;
	}
	p->userns = c->linux.ns[WARD_NS_USER].present;
	return 0;
}


/* HOME from the container's /etc/passwd, as runc does for exec. */
static int
plan_home(struct ward_exec_plan *p, pid_t pid, struct ward_err *e)
{
	_cleanup_close_ int rootfd = -1;
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/root", (int)pid);
	rootfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return ward_err_set(e, errno, "open %s", path);
	return ward_process_plan_home(&p->proc, rootfd, e);
}

static int
plan_console(struct exec_ctx *x, struct ward_err *e)
{
	int sv[2];

	if (x->o->console_socket != NULL)
		return ward_terminal_connect(x->o->console_socket,
					     &x->plan.console_fd, e);
	if (!x->proc->process.terminal)
		return 0;
	/* Foreground --tty: the pty master comes to us and we relay it. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return ward_err_set(e, errno, "socketpair");
	x->relay_fd = sv[0];
	x->plan.console_fd = sv[1];
	return 0;
}

static int
build_plan(struct exec_ctx *x, struct ward_err *e)
{
	struct ward_exec_plan *p = &x->plan;
	int ret, fds[2];

	ret = ward_process_plan(x->proc, x->o->preserve_fds, &p->proc, e);
	if (ret == 0)
		ret = plan_home(p, x->st.pid, e);
	if (ret == 0)
		ret = ward_caps_plan(&x->proc->process, &p->caps, e);
	if (ret == 0)
		ret = ward_plan_seccomp(x->container->linux.seccomp, &p->caps, x->o->root,
				&p->baseline, &p->profile, &p->profile_flags, e);
	if (ret == 0)
		ret = plan_ns(p, x->container, x->st.pid, e);
	if (ret < 0)
		return ret;
	/* Opened by pid: make sure it was still the container's init. */
	if (ward_state_status(&x->st) == WARD_STATUS_STOPPED)
		return ward_err_set(e, ESRCH, "cannot exec in a stopped container");
	ret = plan_console(x, e);
	if (ret < 0)
		return ret;
	ret = ward_sync_pair(fds, e);
	if (ret < 0)
		return ret;
	p->sync_parent = fds[0];
	p->sync_child = fds[1];
	p->state_dirfd = x->d.dirfd;
	return 0;
}

static void
plan_free(struct ward_exec_plan *p)
{
	ward_ns_plan_free(&p->ns);
	ward_process_plan_free(&p->proc);
	ward_bpf_free(&p->profile);
	ward_close_fd(&p->cgroupns_fd);
	ward_close_fd(&p->sync_parent);
	ward_close_fd(&p->sync_child);
	ward_close_fd(&p->console_fd);
}

/* After READY: EOF means execve closed the CLOEXEC socket; else its error. */
static int
wait_execve(int sock, struct ward_err *e)
{
	ssize_t n;
	char c;
	int ret;

	do
		n = recv(sock, &c, 1, MSG_PEEK);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return ward_err_set(e, errno, "sync: receive");
	if (n == 0)
		return 0;
	ret = ward_sync_expect(sock, WARD_SYNC_ERROR, NULL, e);
	return ret < 0 ? ret : ward_err_set(e, EPROTO, "sync: unexpected message");
}

/* The launcher setns()es and clone3()s: the process is our child (CLONE_PARENT). */
static int
spawn(struct exec_ctx *x, struct ward_err *e)
{
	struct ward_exec_plan *p = &x->plan;
	_cleanup_close_ int v2_fd = -1;
	int ret;

	/* v2: born in the container's cgroup, so it never runs outside it. */
	if (x->cg != NULL) {
		ret = ward_cgroup_v2_fd(x->cg, &v2_fd, e);
		if (ret < 0)
			return ret;
	}
	x->pid = ward_ns_spawn(&p->ns, v2_fd, ward_exec_child_main, p, e);
	if (x->pid < 0)
		return x->pid;
	ward_close_fd(&p->sync_child);
	ward_close_fd(&p->console_fd);
	/* v1: joined before it runs anything (it waits for our go). */
	if (x->cg != NULL) {
		ret = ward_cgroup_attach(x->cg, x->pid, e);
		if (ret < 0)
			return ret;
	}
	if (x->proc->process.has_oom_score_adj) {
		ret = ward_process_set_oom_score_adj(x->pid,
						     x->proc->process.oom_score_adj, e);
		if (ret < 0)
			return ret;
	}
	ret = ward_sync_send(p->sync_parent, WARD_SYNC_MAPS_DONE, NULL, -1);
	/* On EPIPE the child died: its SYNC_ERROR, if any, is still queued. */
	if (ret < 0 && ret != -EPIPE)
		return ward_err_set(e, -ret, "sync: send go");
	ret = ward_sync_expect(p->sync_parent, WARD_SYNC_READY, NULL, e);
	if (ret == 0)
		ret = wait_execve(p->sync_parent, e);
	return ret;
}

static int
load_container(struct exec_ctx *x, struct ward_err *e)
{
	enum ward_status status;
	int ret;

	ret = ward_state_open(x->o->root, x->o->id, &x->d, e);
	if (ret < 0)
		return ret;
	x->locked = true;
	ret = ward_state_load(&x->d, &x->st, e);
	if (ret < 0)
		return ret;
	status = ward_container_live_status(&x->st);
	if (status == WARD_STATUS_PAUSED)
		return ward_err_set(e, EBUSY, "cannot exec in a paused container");
	if (status != WARD_STATUS_CREATED && status != WARD_STATUS_RUNNING)
		return ward_err_set(e, ESRCH, "cannot exec in a stopped container");
	ret = ward_container_load_spec(&x->d, &x->container, e);
	if (ret < 0 || x->st.cgroup[0] == '\0')
		return ret;
	return ward_ctl_open_cgroup(&x->st, &x->cg, e);
}

/* Up to a running, exec'd process; the state dir is unlocked on success. */
static int
start_exec(struct exec_ctx *x, struct ward_err *e)
{
	int ret;

	ret = load_container(x, e);
	if (ret == 0)
		ret = load_proc(x, e);
	if (ret == 0)
		ret = check_terminal(x->o, x->proc->process.terminal, e);
	if (ret == 0)
		ret = check_policy(x, e);
	if (ret == 0)
		ret = build_plan(x, e);
	if (ret < 0)
		return ret;
	/* Inherited by the launcher and the process: no ptrace before execve. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return ward_err_set(e, errno, "prctl(PR_SET_DUMPABLE)");
	ret = spawn(x, e);
	if (ret == 0 && x->o->pid_file != NULL)
		ret = ward_write_pid_file(x->o->pid_file, x->pid, e);
	if (ret < 0)
		return ret;
	ward_state_close(&x->d);
	x->locked = false;
	return 0;
}

int
ward_container_exec(const struct ward_exec_opts *o, int *status,
		    struct ward_err *e)
{
	struct exec_ctx x = { .o = o, .relay_fd = -1, .pid = -1 };
	sigset_t set, old;
	int ret;

	x.plan = (struct ward_exec_plan){ .cgroupns_fd = -1, .sync_parent = -1,
					  .sync_child = -1, .console_fd = -1,
					  .state_dirfd = -1 };
	for (int t = 0; t < WARD_NS__N; t++)
		x.plan.ns.join_fd[t] = -1;
	*status = 0;
	/* Blocked before the spawn: nothing sent to us meanwhile is lost. */
	sigfillset(&set);
	sigprocmask(SIG_BLOCK, &set, &old);
	ret = start_exec(&x, e);
	if (ret < 0)
		ward_kill_and_reap(x.pid);
	else if (!o->detach && x.relay_fd >= 0)
		ret = ward_wait_relaying(x.relay_fd, x.pid, &set, status, e);
	else if (!o->detach)
		ret = ward_wait_forwarding(x.pid, &set, status, e);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (x.locked)
		ward_state_close(&x.d);
	ward_close_fd(&x.relay_fd);
	plan_free(&x.plan);
	free(x.cg);
	ward_spec_free(x.proc);
	ward_spec_free(x.container);
	return ret;
}
