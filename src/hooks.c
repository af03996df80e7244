/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hooks.h"
#include "sys.h"
#include "ward/cleanup.h"

extern char **environ;

/* How much of a failing hook's output its error quotes. */
#define QUOTE_MAX 96

static char **
strv_copy(struct ward_arena *a, const char *first, char *const *v, size_t n)
{
	char **out;

	if (n > SIZE_MAX / sizeof(char *) - 2)
		return NULL;
	out = ward_arena_alloc(a, (n + 2) * sizeof(char *));
	if (out == NULL)
		return NULL;
	if (n == 0 && first != NULL)
		out[n++] = (char *)first;
	else
		for (size_t i = 0; i < n; i++)
			if ((out[i] = ward_arena_strdup(a, v[i])) == NULL)
				return NULL;
	out[n] = NULL;
	return out;
}

static int
plan_one(struct ward_arena *a, const struct ward_hook *h,
	 enum ward_hook_kind kind, size_t i, struct ward_hook_cmd *out,
	 struct ward_err *e)
{
	if (h->path == NULL || h->path[0] != '/')
		return ward_err_set(e, EINVAL, "hooks.%s[%zu].path must be absolute",
				    ward_hook_name(kind), i);
	if (h->has_timeout && h->timeout <= 0)
		return ward_err_set(e, EINVAL,
				    "hooks.%s[%zu].timeout must be positive",
				    ward_hook_name(kind), i);
	out->path = ward_arena_strdup(a, h->path);
	if (out->path == NULL)
		return ward_err_set(e, ENOMEM, "hooks plan");
	out->argv = strv_copy(a, out->path, h->args, h->n_args);
	/* Like runc: a hook without env inherits the runtime's. */
	out->envp = h->n_env == 0 ? NULL : strv_copy(a, NULL, h->env, h->n_env);
	if (out->argv == NULL || (h->n_env != 0 && out->envp == NULL))
		return ward_err_set(e, ENOMEM, "hooks plan");
	out->timeout = h->has_timeout ? h->timeout : 0;
	return 0;
}

static int
plan_kind(struct ward_arena *a, const struct ward_hook *v, size_t n,
	  enum ward_hook_kind kind, struct ward_hook_cmd **out,
	  struct ward_err *e)
{
	int ret;

	*out = NULL;
	if (n == 0)
		return 0;
	if (n > SIZE_MAX / sizeof(**out))
		return ward_err_set(e, ENOMEM, "hooks plan");
	*out = ward_arena_alloc(a, n * sizeof(**out));
	if (*out == NULL)
		return ward_err_set(e, ENOMEM, "hooks plan");
	for (size_t i = 0; i < n; i++) {
		ret = plan_one(a, &v[i], kind, i, &(*out)[i], e);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int
ward_hooks_plan(const struct ward_hooks *h, struct ward_hooks_plan *out,
		struct ward_err *e)
{
	int ret;

	memset(out, 0, sizeof(*out));
	for (int k = 0; k < WARD_HOOK__N; k++) {
		ret = plan_kind(&out->arena, h->v[k], h->n[k], k, &out->v[k], e);
		if (ret < 0) {
			ward_hooks_plan_free(out);
			return ret;
		}
		out->n[k] = h->n[k];
	}
	return 0;
}

void
ward_hooks_plan_free(struct ward_hooks_plan *p)
{
	ward_arena_release(&p->arena);
	memset(p, 0, sizeof(*p));
}

/* ---- running: syscalls only from here on ---- */

struct hook_io {
	int in;			/* write end of the hook's stdin; -1 once done */
	int out;		/* read end of its stdout+stderr; -1 at EOF */
	const char *json;
	size_t left;
	char quote[QUOTE_MAX + 1];
	size_t quoted;
};

/* Enter ns_pid's namespaces, mount last (its /proc stays reachable till then). */
static int
enter_namespaces(pid_t pid, bool mount)
{
	static const char *const names[] = { "cgroup", "ipc", "uts", "net", "mnt" };
	size_t n = sizeof(names) / sizeof(names[0]) - (mount ? 0 : 1);
	char path[64];

	for (size_t i = 0; i < n; i++) {
		int fd, ret;

		snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, names[i]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -1;
		ret = setns(fd, 0);
		close(fd);
		if (ret < 0)
			return -1;
	}
	return 0;
}

/* The forked child: never returns. Its errno reaches the parent on errfd. */
static void
hook_child(const struct ward_hook_cmd *c, int in, int out, int errfd)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t none;
	int err;

	if (c->ns_pid > 0 && enter_namespaces(c->ns_pid, c->ns_mount) < 0)
		goto fail;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	sigaction(SIGPIPE, &dfl, NULL);
	/* Its own group, so a timeout kills whatever it started too. */
	setpgid(0, 0);
	/* Above stdio first, so the dup2s below cannot clobber each other. */
	in = fcntl(in, F_DUPFD_CLOEXEC, 3);
	out = fcntl(out, F_DUPFD_CLOEXEC, 3);
	/*
	 * Nothing else of the runtime passes, not even a non-CLOEXEC fd it
	 * inherited (the container's --preserve-fds): runc gives hooks stdio only.
	 */
	if (in >= 0 && out >= 0 && dup2(in, 0) == 0 && dup2(out, 1) == 1 &&
	    dup2(out, 2) == 2 && ward_close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		execve(c->path, c->argv, c->envp != NULL ? c->envp : environ);
fail:
	err = errno;
	(void)!write(errfd, &err, sizeof(err));
	_exit(127);
}

static int
set_nonblock(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return -errno;
	return 0;
}

/* fork+execve; 0 with *pid, or -errno (the exec's own errno when it failed). */
static int
spawn(const struct ward_hook_cmd *c, struct hook_io *io, pid_t *pid)
{
	_cleanup_close_ int in_r = -1, in_w = -1, out_r = -1, out_w = -1;
	_cleanup_close_ int err_r = -1, err_w = -1;
	int p[2], err;
	ssize_t n;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	in_r = p[0], in_w = p[1];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	out_r = p[0], out_w = p[1];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	err_r = p[0], err_w = p[1];
	*pid = fork();
	if (*pid < 0)
		return -errno;
	if (*pid == 0)
		hook_child(c, in_r, out_w, err_w);
	close(err_w);
	err_w = -1;
	do
		n = read(err_r, &err, sizeof(err));
	while (n < 0 && errno == EINTR);
	if (n == sizeof(err)) {
		while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
			;
		return -err;
	}
	if (set_nonblock(in_w) < 0 || set_nonblock(out_r) < 0)
		return -errno;
	io->in = take_fd(&in_w);
	io->out = take_fd(&out_r);
	return 0;
}

static void
close_io(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Feed the state; a hook that stops reading (EPIPE) is not an error. */
static void
write_state(struct hook_io *io)
{
	sigset_t pipe_set, old;
	struct timespec zero = { 0 };
	ssize_t n;

	/* SIGPIPE blocked around the write, then consumed if it came. */
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigprocmask(SIG_BLOCK, &pipe_set, &old);
	n = write(io->in, io->json, io->left);
	if (n < 0 && errno == EPIPE)
		sigtimedwait(&pipe_set, NULL, &zero);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (n > 0) {
		io->json += n;
		io->left -= (size_t)n;
	}
	if ((n < 0 && errno != EAGAIN && errno != EINTR) || io->left == 0)
		close_io(&io->in);
}

/* Keep the start of the output for the error; discard the rest. */
static void
read_output(struct hook_io *io)
{
	char buf[1024];
	ssize_t n;

	for (;;) {
		n = read(io->out, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n && io->quoted < QUOTE_MAX; i++) {
			unsigned char ch = (unsigned char)buf[i];

			io->quote[io->quoted++] = ch < 0x20 || ch == 0x7f ? ' ' : (char)ch;
		}
	}
	if (n == 0 || (n < 0 && errno != EAGAIN))
		close_io(&io->out);
	io->quote[io->quoted] = '\0';
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Until the hook exits or its deadline passes: 1 when it exited, 0 on
 * timeout (then it and its group are killed), -errno on failure.
 */
static int
wait_exit(pid_t pid, int pidfd, struct hook_io *io, int timeout)
{
	long long deadline = timeout > 0 ? now_ms() + timeout * 1000LL : 0;

	for (;;) {
		struct pollfd fds[3] = {
			{ .fd = pidfd, .events = POLLIN },
			{ .fd = io->in, .events = POLLOUT },
			{ .fd = io->out, .events = POLLIN },
		};
		long long left = deadline != 0 ? deadline - now_ms() : -1;
		int r;

		if (deadline != 0 && left <= 0) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			return 0;
		}
		r = poll(fds, 3, left > INT32_MAX ? INT32_MAX : (int)left);
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r <= 0)
			continue;
		if (fds[1].revents != 0)
			write_state(io);
		if (fds[2].revents != 0)
			read_output(io);
		if (fds[0].revents != 0) {
			if (io->out >= 0)
				read_output(io);
			return 1;
		}
	}
}

static int
report(const struct ward_hook_cmd *c, enum ward_hook_kind kind, size_t i,
       int status, const struct hook_io *io, struct ward_err *e)
{
	const char *name = ward_hook_name(kind);
	const char *sep = io->quoted > 0 ? ": " : "";

	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		return ward_err_set(e, ECANCELED,
				    "hook %s[%zu] %s exited with status %d%s%s", name, i,
				    c->path, WEXITSTATUS(status), sep, io->quote);
	return ward_err_set(e, ECANCELED, "hook %s[%zu] %s killed by signal %d%s%s",
			    name, i, c->path, WTERMSIG(status), sep, io->quote);
}

static int
run_one(const struct ward_hook_cmd *c, enum ward_hook_kind kind, size_t i,
	const char *json, size_t len, struct ward_err *e)
{
	struct hook_io io = { .in = -1, .out = -1, .json = json, .left = len };
	_cleanup_close_ int pidfd = -1;
	int ret, status = 0, exited;
	pid_t pid = -1;

	ret = spawn(c, &io, &pid);
	if (ret < 0)
		return ward_err_set(e, -ret, "hook %s[%zu] %s", ward_hook_name(kind),
				    i, c->path);
	if (io.left == 0)
		close_io(&io.in);
	pidfd = ward_pidfd_open(pid, 0);
	exited = pidfd < 0 ? -errno : wait_exit(pid, pidfd, &io, c->timeout);
	if (exited < 0) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
	}
	close_io(&io.in);
	close_io(&io.out);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return ward_err_set(e, errno, "wait for hook %s", c->path);
	if (exited < 0)
		return ward_err_set(e, -exited, "hook %s[%zu] %s",
				    ward_hook_name(kind), i, c->path);
	if (exited == 0)
		return ward_err_set(e, ETIMEDOUT, "hook %s[%zu] %s timed out after %d s",
				    ward_hook_name(kind), i, c->path, c->timeout);
	return report(c, kind, i, status, &io, e);
}

int
ward_hooks_exec(const struct ward_hook_cmd *cmds, size_t n,
		enum ward_hook_kind kind, const char *state_json,
		size_t json_len, struct ward_err *e)
{
	int ret;

	for (size_t i = 0; i < n; i++) {
		ret = run_one(&cmds[i], kind, i, state_json != NULL ? state_json : "",
			      state_json != NULL ? json_len : 0, e);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int
ward_hooks_run(const struct ward_hook *hooks, size_t n, enum ward_hook_kind kind,
	       const char *state_json, struct ward_err *e)
{
	return ward_hooks_run_in(hooks, n, kind, state_json, 0, false, e);
}

int
ward_hooks_run_in(const struct ward_hook *hooks, size_t n,
		  enum ward_hook_kind kind, const char *state_json, pid_t ns_pid,
		  bool mount, struct ward_err *e)
{
	struct ward_arena a = { 0 };
	struct ward_hook_cmd *cmds = NULL;
	int ret;

	ret = plan_kind(&a, hooks, n, kind, &cmds, e);
	for (size_t i = 0; ret == 0 && i < n; i++) {
		cmds[i].ns_pid = ns_pid;
		cmds[i].ns_mount = mount;
	}
	if (ret == 0)
		ret = ward_hooks_exec(cmds, n, kind, state_json,
				      state_json != NULL ? strlen(state_json) : 0, e);
	ward_arena_release(&a);
	return ret;
}
