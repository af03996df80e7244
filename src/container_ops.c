/* SPDX-License-Identifier: Apache-2.0 */
/* The commands on an existing container: create's front, start, kill, delete. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "container.h"
#include "container_ctl.h"
#include "hooks.h"
#include "log.h"
#include "util.h"

static void
log_verdicts(const struct ward_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct ward_verdict *v = &r->v[i];

		if (v->kind == WARD_VERDICT_WARN)
			ward_warn("%s [CIS %s] %s: %s", v->rule, v->cis ? v->cis : "-",
				  v->path, v->what);
		else if (v->kind == WARD_VERDICT_HARDEN)
			ward_info("harden %s: %s: %s", v->rule, v->path, v->what);
	}
}

/* Load bundle/config.json and run the policy: refusals end here. */
int
ward_container_prepare_spec(const struct ward_create_opts *o,
			    struct ward_spec **out, struct ward_err *e)
{
	struct ward_report r = { 0 };
	char path[PATH_MAX];
	struct ward_spec *s = NULL;
	int ret;

	ret = ward_state_validate_id(o->id, e);
	if (ret < 0)
		return ret;
	if (snprintf(path, sizeof(path), "%s/config.json", o->bundle) >= (int)sizeof(path))
		return ward_err_set(e, ENAMETOOLONG, "bundle path");
	ret = ward_spec_load(path, &s, e);
	if (ret < 0)
		return ret;
	if (!s->has_process || !s->has_root) {
		ward_spec_free(s);
		return ward_err_set(e, EINVAL, "%s: %s is required to create a container",
				    path, s->has_process ? "root" : "process");
	}
	/* Relative bind sources and root.path are the bundle's, as for mounts. */
	s->bundle = ward_spec_strdup(s, o->bundle);
	if (s->bundle == NULL) {
		ward_spec_free(s);
		return ward_err_set(e, ENOMEM, "bundle");
	}
	ret = ward_policy_check(s, o->conf, &r, e);
	if (ret == 0 && r.n_refused > 0)
		ret = ward_report_to_err(&r, e);
	if (ret == 0)
		log_verdicts(&r);
	ward_report_free(&r);
	if (ret < 0) {
		ward_spec_free(s);
		return ret;
	}
	*out = s;
	return 0;
}

int
ward_container_create(const struct ward_create_opts *o, struct ward_err *e)
{
	struct ward_spec *s = NULL;
	int ret;

	ret = ward_container_prepare_spec(o, &s, e);
	if (ret < 0)
		return ret;
	ret = ward_container_create_spec(o, s, NULL, e);
	ward_spec_free(s);
	return ret;
}

int
ward_container_load_spec(const struct ward_state_dir *d, struct ward_spec **out,
			 struct ward_err *e)
{
	char path[PATH_MAX + 16];

	snprintf(path, sizeof(path), "%s/config.json", d->path);
	return ward_spec_load(path, out, e);
}

/* Poke start.sock; EOF afterwards means execve happened (CLOEXEC). */
static int
release_init(const struct ward_state_dir *d, struct ward_err *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	char msg[WARD_ERR_MSG_MAX];
	ssize_t n;

	if (fd < 0)
		return ward_err_set(e, errno, "socket");
	snprintf(sa.sun_path, sizeof(sa.sun_path),
		 "/proc/self/fd/%d/" WARD_START_SOCK, d->dirfd);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return ward_err_set(e, errno, "connect %s/" WARD_START_SOCK,
				    d->path);
	if (write(fd, "s", 1) != 1)
		return ward_err_set(e, errno, "start");
	/*
	 * The status turns to running (no state.json rewrite, state.h) while
	 * the init loads its filters and execs, as runc removes its exec.fifo.
	 */
	if (unlinkat(d->dirfd, WARD_START_SOCK, 0) < 0)
		return ward_err_set(e, errno, "remove %s/" WARD_START_SOCK, d->path);
	do
		n = read(fd, msg, sizeof(msg));
	while (n < 0 && errno == EINTR);
	if (n > 0) {
		msg[sizeof(msg) - 1] = '\0';
		return ward_err_set(e, EIO, "container init failed to start: %s", msg);
	}
	return 0;
}

static void
run_warn_hooks(const struct ward_spec *s, const struct ward_state *st,
	       enum ward_status status, enum ward_hook_kind kind)
{
	struct ward_err e = { 0 };

	/* The spec makes poststart/poststop failures warnings, not errors. */
	if (ward_container_hooks(s, st, status, kind, &e) < 0)
		ward_warn("%s", e.msg);
}

/* start on a locked state dir, with the state and the spec in hand. */
static int
start_at(const struct ward_state_dir *d, struct ward_state *st,
	 const struct ward_spec *s, struct ward_err *e)
{
	enum ward_status status = ward_state_status(st);
	int ret;

	if (status != WARD_STATUS_CREATED)
		return ward_err_set(e, EINVAL, "cannot start container \"%s\": it is %s, not created",
				    st->id, ward_status_name(status));
	/* startContainer: in the container, before the program runs. */
	ret = ward_container_hooks(s, st, WARD_STATUS_CREATED,
				   WARD_HOOK_START_CONTAINER, e);
	if (ret < 0)
		return ret;
	ret = release_init(d, e);
	if (ret < 0)
		return ret;
	st->started = true;
	run_warn_hooks(s, st, WARD_STATUS_RUNNING, WARD_HOOK_POSTSTART);
	return 0;
}

int
ward_container_start(const char *root, const char *id, struct ward_err *e)
{
	struct ward_state_dir d;
	struct ward_state st;
	struct ward_spec *s = NULL;
	int ret;

	ret = ward_state_open(root, id, &d, e);
	if (ret < 0)
		return ret;
	ret = ward_state_load(&d, &st, e);
	if (ret == 0 && ward_state_status(&st) == WARD_STATUS_CREATED)
		ret = ward_container_load_spec(&d, &s, e);
	if (ret == 0)
		ret = start_at(&d, &st, s, e);
	ward_spec_free(s);
	ward_state_close(&d);
	return ret;
}

int
ward_container_start_created(const char *root, struct ward_created *c,
			     const struct ward_spec *s, struct ward_err *e)
{
	struct ward_state_dir d;
	int ret;

	ret = ward_state_open(root, c->st.id, &d, e);
	if (ret < 0)
		return ret;
	/* Another `start` may have come first: the state dir says. */
	c->st.started = ward_state_started(&d);
	ret = start_at(&d, &c->st, s, e);
	ward_state_close(&d);
	return ret;
}

/* --all: every process in the container's cgroup (exec'd ones included). */
static int
kill_all(const struct ward_state *st, int sig, struct ward_err *e)
{
	struct ward_cgroup *cg = NULL;
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;
	int ret = ward_ctl_open_cgroup(st, &cg, e);

	if (ret == 0)
		ret = ward_cgroup_pids(cg, &pids, &n, e);
	free(cg);
	if (ret < 0)
		return ret;
	for (size_t i = 0; i < n; i++)
		kill(pids[i], sig);	/* one may exit meanwhile: not an error */
	return 0;
}

int
ward_container_kill(const char *root, const char *id, int sig, bool all,
		    struct ward_err *e)
{
	struct ward_state_dir d;
	struct ward_state st;
	enum ward_status status;
	int ret;

	ret = ward_state_open(root, id, &d, e);
	if (ret < 0)
		return ret;
	ret = ward_state_load(&d, &st, e);
	if (ret == 0) {
		status = ward_state_status(&st);
		if (status == WARD_STATUS_STOPPED)
			ret = ward_err_set(e, ESRCH, "container \"%s\" not running", id);
		else if (all && st.cgroup[0] != '\0')
			ret = kill_all(&st, sig, e);
		else if (kill(st.pid, sig) < 0)
			ret = ward_err_set(e, errno, "kill %d: no such process", st.pid);
		/* A v1 freezer holds even SIGKILL: thaw so it lands (runc does). */
		if (ret == 0 && sig == SIGKILL)
			ret = ward_container_thaw(&st, e);
	}
	ward_state_close(&d);
	return ret;
}

/* Wait for a killed init to be gone (it may be reaped by someone else). */
static int
wait_gone(const struct ward_state *st, struct ward_err *e)
{
	for (int i = 0; i < 1000; i++) {
		if (ward_state_status(st) == WARD_STATUS_STOPPED)
			return 0;
		nanosleep(&(struct timespec){ .tv_nsec = 5 * 1000 * 1000 }, NULL);
	}
	return ward_err_set(e, ETIMEDOUT, "container init %d did not exit after SIGKILL",
			    st->pid);
}

/*
 * Tear down what a container left: poststop hooks, cgroup, id block, state
 * dir. s and cg may be NULL: they are then read back from the state dir.
 */
static int
cleanup(struct ward_state_dir *d, const struct ward_state *st,
	const struct ward_spec *s, const struct ward_cgroup *cg,
	struct ward_err *e)
{
	struct ward_spec *loaded = NULL;
	struct ward_cgroup *opened = NULL;
	int ret;

	if (s == NULL &&
	    ward_container_load_spec(d, &loaded, &(struct ward_err){ 0 }) == 0)
		s = loaded;
	if (s != NULL)
		run_warn_hooks(s, st, WARD_STATUS_STOPPED, WARD_HOOK_POSTSTOP);
	ward_spec_free(loaded);
	if (cg == NULL && st->cgroup[0] != '\0') {
		struct ward_err ce = { 0 };

		ret = ward_ctl_open_cgroup(st, &opened, &ce);
		/*
		 * The host's cgroup layout changed since create (a hierarchy
		 * mounted or unmounted): its init is gone (the caller checked),
		 * so the container must still be deletable; say what is left.
		 */
		if (ret == -ESTALE) {
			ward_warn("%s: cgroup %s left in place", ce.msg, st->cgroup);
		} else if (ret < 0) {
			*e = ce;
			return ret;
		}
		cg = opened;
	}
	if (cg != NULL) {
		ret = ward_cgroup_destroy(cg, true, e);
		free(opened);
		if (ret < 0)
			return ret;
	}
	ward_userns_release_block(st->idmap_block);
	return ward_state_destroy(d, e);
}

/* delete on a locked state dir; s and cg as for cleanup(). */
static int
delete_at(struct ward_state_dir *d, const struct ward_state *st, bool force,
	  const struct ward_spec *s, const struct ward_cgroup *cg,
	  struct ward_err *e)
{
	int ret;

	if (ward_state_status(st) != WARD_STATUS_STOPPED) {
		if (!force)
			return ward_err_set(e, EBUSY,
					    "cannot delete container \"%s\" that is %s: stop it or use --force",
					    st->id, ward_status_name(ward_container_live_status(st)));
		kill(st->pid, SIGKILL);
		/* A paused init dies only once thawed (v1 freezer). */
		ward_container_thaw(st, &(struct ward_err){ 0 });
		ret = wait_gone(st, e);
		if (ret < 0)
			return ret;
	}
	return cleanup(d, st, s, cg, e);
}

int
ward_container_delete(const char *root, const char *id, bool force,
		      struct ward_err *e)
{
	struct ward_state_dir d;
	struct ward_state st;
	int ret;

	ret = ward_state_open(root, id, &d, e);
	if (ret == -ENOENT && force)
		return 0;
	if (ret < 0)
		return ret;
	/* No state.json: a create killed before its first save. */
	if (ward_state_load(&d, &st, &(struct ward_err){ 0 }) < 0) {
		memset(&st, 0, sizeof(st));
		snprintf(st.id, sizeof(st.id), "%s", id);
		st.idmap_block = -1;
	}
	ret = delete_at(&d, &st, force, NULL, NULL, e);
	ward_state_close(&d);
	return ret;
}

int
ward_container_delete_created(const char *root, const struct ward_created *c,
			      const struct ward_spec *s, struct ward_err *e)
{
	struct ward_state_dir d;
	int ret;

	ret = ward_state_open(root, c->st.id, &d, e);
	if (ret == -ENOENT)	/* someone else deleted it meanwhile */
		return 0;
	if (ret < 0)
		return ret;
	ret = delete_at(&d, &c->st, true, s, &c->cg, e);
	ward_state_close(&d);
	return ret;
}
