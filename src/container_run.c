/* SPDX-License-Identifier: Apache-2.0 */
/* `run`: create + start in one process, then stay as the init's parent. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "container.h"
#include "log.h"
#include "terminal.h"

static int
exit_status_of(int status)
{
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/*
 * Foreground run and exec: forward every catchable signal in set (blocked
 * by the caller) to pid until it exits; *status as the shell reports it.
 */
int
ward_wait_forwarding(pid_t pid, const sigset_t *set, int *status,
		     struct ward_err *e)
{
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(set, &si), ws;
		pid_t r;

		if (sig < 0) {
			if (errno == EINTR)
				continue;
			return ward_err_set(e, errno, "sigwaitinfo");
		}
		if (sig != SIGCHLD) {
			kill(pid, sig);
			continue;
		}
		/* Reap everything: a launcher or hook may have exited too. */
		while ((r = waitpid(-1, &ws, WNOHANG)) > 0) {
			if (r == pid) {
				*status = exit_status_of(ws);
				return 0;
			}
		}
	}
}

/* The same with a pty: take the master from sock and relay it until exit. */
int
ward_wait_relaying(int sock, pid_t pid, const sigset_t *set, int *status,
		   struct ward_err *e)
{
	_cleanup_close_ int master = -1;
	int ret, ws;

	ret = ward_terminal_recv(sock, &master, e);
	if (ret < 0)
		return ret;
	/* The relay forwards signals itself (and resizes on SIGWINCH). */
	sigprocmask(SIG_UNBLOCK, set, NULL);
	ret = ward_terminal_relay(master, pid, e);
	if (ret < 0)
		return ret;
	while (waitpid(pid, &ws, 0) < 0) {
		if (errno != EINTR)
			return ward_err_set(e, errno, "waitpid %d", pid);
	}
	*status = exit_status_of(ws);
	return 0;
}

static int
run_created(const struct ward_run_opts *o, struct ward_created *c,
	    const struct ward_spec *s, int tty_sock, const sigset_t *set,
	    int *status, struct ward_err *e)
{
	int ret;

	ret = ward_container_start_created(o->create.root, c, s, e);
	if (ret < 0 || o->detach)
		return ret;
	if (tty_sock >= 0)
		return ward_wait_relaying(tty_sock, c->st.pid, set, status, e);
	return ward_wait_forwarding(c->st.pid, set, status, e);
}

int
ward_container_run(const struct ward_run_opts *o, int *status,
		   struct ward_err *e)
{
	struct ward_create_opts co = o->create;
	_cleanup_free_ struct ward_created *c = calloc(1, sizeof(*c));
	struct ward_spec *s = NULL;
	_cleanup_close_ int tty_parent = -1, tty_child = -1;
	sigset_t set, old;
	bool created;
	int ret;

	*status = 0;
	if (c == NULL)
		return ward_err_set(e, ENOMEM, "run");
	ret = ward_container_prepare_spec(&co, &s, e);
	if (ret < 0)
		return ret;
	if (s->process.terminal && co.console_socket == NULL && !o->detach) {
		int sv[2];

		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
			ward_spec_free(s);
			return ward_err_set(e, errno, "socketpair");
		}
		tty_parent = sv[0];
		tty_child = sv[1];
		co.console_fd = tty_child;
	}
	sigfillset(&set);
	sigprocmask(SIG_BLOCK, &set, &old);
	ret = ward_container_create_spec(&co, s, c, e);
	created = ret == 0;
	if (created)
		ret = run_created(o, c, s, tty_parent, &set, status, e);
	sigprocmask(SIG_SETMASK, &old, NULL);
	/* Ours to remove: on failure, or after a foreground run. */
	if (created && ret < 0)
		ward_container_delete_created(co.root, c, s, &(struct ward_err){ 0 });
	else if (created && !o->detach && !o->keep)
		ret = ward_container_delete_created(co.root, c, s, e);
	ward_spec_free(s);
	return ret;
}
