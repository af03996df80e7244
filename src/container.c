/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The order of a create, parent side: policy, state dir, plan, clone,
 * maps, hooks, sync, ready. The only file that knows it (with the child's
 * half in container_child.c). A failure rolls back, in reverse, everything
 * made so far: nothing is left behind.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <limits.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "container.h"
#include "hooks.h"
#include "log.h"
#include "sync.h"
#include "terminal.h"
#include "util.h"

/* Bind start.sock in the state dir: only root can reach a 0700 dir. */
static int
listen_start(const struct ward_state_dir *d, int *out, struct ward_err *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_close_ int fd = -1;
	char path[PATH_MAX + 16];

	snprintf(path, sizeof(path), "%s/" WARD_START_SOCK, d->path);
	/* Long roots: bind through /proc/self/fd so sun_path stays short. */
	snprintf(sa.sun_path, sizeof(sa.sun_path),
		 "/proc/self/fd/%d/" WARD_START_SOCK, d->dirfd);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return ward_err_set(e, errno, "socket");
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return ward_err_set(e, errno, "bind %s", path);
	if (listen(fd, 1) < 0)
		return ward_err_set(e, errno, "listen %s", path);
	*out = take_fd(&fd);
	return 0;
}

/*
 * The filters of a container's processes (init and exec alike): the
 * baseline, in its ptrace variant only when CAP_SYS_PTRACE is permitted,
 * and the config's own profile, compiled once and cached under --root.
 */
int
ward_plan_seccomp(const struct ward_seccomp *prof,
		  const struct ward_caps_plan *caps, const char *root,
		  const struct ward_bpf **baseline, struct ward_bpf *profile,
		  unsigned int *flags, struct ward_err *e)
{
	char cache[PATH_MAX];
	int ret;

	*baseline = ward_seccomp_baseline(
		(caps->set[WARD_CAP_PERMITTED] >> CAP_SYS_PTRACE) & 1);
	if (prof == NULL)
		return 0;
	ret = ward_seccomp_flags(prof, flags, e);
	if (ret < 0)
		return ret;
	if (snprintf(cache, sizeof(cache), "%s/.seccomp-cache", root) >=
	    (int)sizeof(cache))
		return ward_err_set(e, ENAMETOOLONG, "seccomp cache path");
	return ward_seccomp_compile_cached(prof, cache, profile, e);
}

static int
record_allocated_maps(struct ward_spec *s, uint32_t host_base,
		      struct ward_err *e)
{
	struct ward_id_map *u = ward_spec_alloc(s, sizeof(*u));
	struct ward_id_map *g = ward_spec_alloc(s, sizeof(*g));

	if (u == NULL || g == NULL)
		return ward_err_set(e, ENOMEM, "id maps");
	*u = (struct ward_id_map){ 0, host_base, WARD_IDMAP_BLOCK };
	*g = *u;
	s->linux.uid_mappings = (struct ward_id_maps){ u, 1 };
	s->linux.gid_mappings = (struct ward_id_maps){ g, 1 };
	return 0;
}

/*
 * A new user namespace with ward's own block, or (a pod's containers) the
 * one owning the namespaces the config joins: no block of our own then,
 * and the sandbox's block shows the image's owners the same way.
 */
static int
plan_userns(struct ward_plan *p, const struct ward_conf *c,
	    const struct ward_state_dir *d, struct ward_err *e)
{
	uint32_t host_base;
	int ret;

	if (p->ns.joined_userns) {
		memset(&p->userns, 0, sizeof(p->userns));
		p->userns.block = -1;
		if (p->ns.userns_pid <= 0 ||
		    !ward_userns_is_block(p->ns.userns_pid, c->userns_base,
					  c->userns_count, &host_base))
			return 0;
		p->idmap_rootfs = true;
		return record_allocated_maps(p->spec, host_base, e);
	}
	ret = ward_userns_plan(p->spec, c->userns_base, c->userns_count, d->path,
			       &p->userns, e);
	if (ret < 0 || !p->userns.allocated)
		return ret;
	p->idmap_rootfs = true;
	/* Record the block in the spec: mounts and config.json see it. */
	return record_allocated_maps(p->spec, p->userns.host_base, e);
}

int
ward_plan_build(struct ward_plan *p, const struct ward_create_opts *o,
		const struct ward_state_dir *d, struct ward_err *e)
{
	const struct ward_conf *c = o->conf;
	int ret, fds[2];

	ret = ward_ns_plan(p->spec, &p->ns, e);
	if (ret < 0)
		return ret;
	ret = plan_userns(p, c, d, e);
	if (ret < 0)
		return ret;
	ret = ward_mounts_plan(p->spec, o->bundle, &p->mounts, e);
	if (ret < 0)
		return ret;
	ret = ward_process_plan(p->spec, o->preserve_fds, &p->proc, e);
	if (ret < 0)
		return ret;
	/* HOME from the image's /etc/passwd when the config sets none (runc). */
	ret = ward_process_plan_home(&p->proc, p->mounts.rootfs_fd, e);
	if (ret < 0)
		return ret;
	ret = ward_caps_plan(&p->spec->process, &p->caps, e);
	if (ret < 0)
		return ret;
	ret = ward_plan_seccomp(p->spec->linux.seccomp, &p->caps, o->root,
				&p->baseline, &p->profile, &p->profile_flags, e);
	if (ret < 0)
		return ret;
	ret = ward_cgroup_plan(p->spec, o->id, o->systemd_cgroup, &p->cgroup, e);
	if (ret < 0)
		return ret;
	if (ward_cgroup_has_v1(&p->cgroup.cg) &&
	    (p->ns.clone_flags & CLONE_NEWCGROUP)) {
		p->ns.clone_flags &= ~(uint64_t)CLONE_NEWCGROUP;
		p->unshare_cgroupns = true;
	}
	p->state_dirfd = d->dirfd;
	p->new_net = p->spec->linux.ns[WARD_NS_NET].present &&
		     p->spec->linux.ns[WARD_NS_NET].path == NULL;
	if (o->console_socket != NULL) {
		ret = ward_terminal_connect(o->console_socket, &p->console_fd, e);
		if (ret < 0)
			return ret;
	} else if (o->console_fd >= 0) {
		p->console_fd = fcntl(o->console_fd, F_DUPFD_CLOEXEC, 3);
		if (p->console_fd < 0)
			return ward_err_set(e, errno, "dup console socket");
	}
	ret = ward_sync_pair(fds, e);
	if (ret < 0)
		return ret;
	p->sync_parent = fds[0];
	p->sync_child = fds[1];
	return listen_start(d, &p->start_fd, e);
}

void
ward_plan_free(struct ward_plan *p)
{
	ward_ns_plan_free(&p->ns);
	ward_cgroup_plan_free(&p->cgroup);
	ward_mounts_plan_free(&p->mounts);
	ward_process_plan_free(&p->proc);
	ward_bpf_free(&p->profile);
	ward_close_fd(&p->sync_parent);
	ward_close_fd(&p->sync_child);
	ward_close_fd(&p->start_fd);
	ward_close_fd(&p->console_fd);
}

/*
 * Run the hooks of one kind with the OCI state on stdin. createContainer
 * hooks enter the init's namespaces but its mount namespace (their path
 * resolves on the host); startContainer hooks enter that one too; the rest
 * run in the runtime's namespaces.
 */
int
ward_container_hooks(const struct ward_spec *s, const struct ward_state *st,
		     enum ward_status status, enum ward_hook_kind kind,
		     struct ward_err *e)
{
	bool in = kind == WARD_HOOK_CREATE_CONTAINER ||
		  kind == WARD_HOOK_START_CONTAINER;
	_cleanup_free_ char *json = NULL;
	int ret;

	if (s->hooks.n[kind] == 0)
		return 0;
	ret = ward_state_to_oci_json(st, status, s, &json, e);
	if (ret < 0)
		return ret;
	return ward_hooks_run_in(s->hooks.v[kind], s->hooks.n[kind], kind, json,
				 in ? st->pid : 0,
				 kind == WARD_HOOK_START_CONTAINER, e);
}

static int
run_hooks(const struct ward_plan *p, const struct ward_state *st,
	  enum ward_hook_kind kind, struct ward_err *e)
{
	return ward_container_hooks(p->spec, st, WARD_STATUS_CREATING, kind, e);
}

/* Send fd with a label; the child reads it with ward_sync_recv. */
static int
send_labelled(const struct ward_plan *p, enum ward_sync type, int fd,
	      struct ward_err *e, const char *fmt, ...)
{
	struct ward_err label = { 0 };
	va_list ap;
	int ret;

	va_start(ap, fmt);
	vsnprintf(label.msg, sizeof(label.msg), fmt, ap);
	va_end(ap);
	ret = ward_sync_send(p->sync_parent, type, &label, fd);
	if (ret < 0 && ret != -EPIPE)
		return ward_err_set(e, -ret, "sync: send %s", label.msg);
	return 0;
}

/*
 * Per hierarchy: an fd of its v1 "tasks" file for the init to join through
 * (cgroup.h), and its cgroup as a detached mount for the config's cgroupfs
 * mount, which the child then only attaches (ward_cgroup_clone_dir).
 */
static int
send_cgroup_fds(const struct ward_plan *p, bool join, struct ward_err *e)
{
	const struct ward_cgroup *cg = &p->cgroup.cg;

	for (size_t i = 0; i < cg->n; i++) {
		const struct ward_cgroup_hier *h = &cg->h[i];
		const char *base = strrchr(h->mnt, '/');
		_cleanup_close_ int tasks = -1, tree = -1;
		int op, ret = join ? ward_cgroup_join_fd(cg, i, &tasks, e) : 0;

		if (ret == 0 && tasks >= 0)
			ret = send_labelled(p, WARD_SYNC_JOIN_CGROUP, tasks, e,
					    "%s%s", h->mnt, h->path);
		if (ret < 0)
			return ret;
		op = ward_mounts_cgroup_op(&p->mounts, base != NULL ? base + 1 : "",
					   h->v2);
		if (op < 0)
			continue;
		ret = ward_cgroup_clone_dir(cg, i, p->mounts.ops[op].attr_set,
					    &tree, e);
		if (ret == 0)
			ret = send_labelled(p, WARD_SYNC_CGROUP_MOUNT, tree, e,
					    "%d", op);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/*
 * v1 (and hybrid) hierarchies: the parent makes the init's v1 cgroups only
 * now (the cgroup2 leaf it was cloned into came first), while the child
 * builds its mount tree; the child waits for ATTACHED only before it
 * unshares its cgroup namespace and mounts cgroupfs. It joins by itself,
 * through the "tasks" fds sent before ATTACHED: the parent writing its pid
 * to cgroup.procs instead would wait for an RCU grace period. Only when a
 * runtime hook needs the init in its cgroups before MAPS_DONE (by_parent)
 * does the parent move it. Either way the init joins its cgroups, limits
 * set, before any container code runs.
 */
static int
make_cgroups(struct ward_plan *p, struct ward_state *st,
	     const struct ward_state_dir *d, bool by_parent,
	     struct ward_err *e)
{
	int ret;

	p->attached = by_parent;
	ret = ward_cgroup_create_late(&p->cgroup, e);
	if (ret < 0)
		return ret;
	if (ward_cgroup_has_v1(&p->cgroup.cg)) {
		/* The levels made in each hierarchy: what delete removes. */
		ward_cgroup_describe(&p->cgroup.cg, st->cgroup, sizeof(st->cgroup));
		ret = ward_state_save(d, st, e);
		if (ret < 0)
			return ret;
	}
	return by_parent ? ward_cgroup_attach(&p->cgroup.cg, st->pid, e) : 0;
}

/* Between clone and READY: maps, idmapped rootfs, cgroups, hooks, sync. */
static int
drive_child(struct ward_plan *p, struct ward_state *st,
	    const struct ward_state_dir *d, struct ward_err *e)
{
	const struct ward_hooks *h = &p->spec->hooks;
	_cleanup_close_ int tree_fd = -1;
	int ret;

	ret = ward_userns_write_maps(st->pid, &p->userns, e);
	if (ret < 0)
		return ret;
	if (p->idmap_rootfs) {
		char path[64];
		_cleanup_close_ int userns_fd = -1;

		snprintf(path, sizeof(path), "/proc/%d/ns/user", st->pid);
		userns_fd = open(path, O_RDONLY | O_CLOEXEC);
		if (userns_fd < 0)
			return ward_err_set(e, errno, "open %s", path);
		ret = ward_mounts_idmap_prepare(&p->mounts, userns_fd, &tree_fd, e);
		if (ret < 0)
			return ret;
	}
	/* Hooks may look at the init's cgroups (runc attaches before them). */
	if (h->n[WARD_HOOK_PRESTART] + h->n[WARD_HOOK_CREATE_RUNTIME] > 0) {
		ret = make_cgroups(p, st, d, true, e);
		if (ret < 0)
			return ret;
	}
	/* Docker's network comes from a prestart hook: namespaces exist now. */
	ret = run_hooks(p, st, WARD_HOOK_PRESTART, e);
	if (ret == 0)
		ret = run_hooks(p, st, WARD_HOOK_CREATE_RUNTIME, e);
	if (ret < 0)
		return ret;
	ret = ward_sync_send(p->sync_parent, WARD_SYNC_MAPS_DONE, NULL, tree_fd);
	/* On EPIPE the child died: its SYNC_ERROR, if any, is still queued. */
	if (ret < 0 && ret != -EPIPE)
		return ward_err_set(e, -ret, "sync: send maps");
	/* Made already when runtime hooks needed the init in them. */
	ret = p->attached ? 0 : make_cgroups(p, st, d, false, e);
	if (ret == 0)
		ret = send_cgroup_fds(p, !p->attached, e);
	if (ret < 0)
		return ret;
	ret = ward_sync_send(p->sync_parent, WARD_SYNC_ATTACHED, NULL, -1);
	if (ret < 0 && ret != -EPIPE)
		return ward_err_set(e, -ret, "sync: send attached");
	/* While the child mounts cgroupfs: nothing reads it before READY. */
	ret = ward_container_save_spec(d, p->spec, true, e);
	if (ret < 0)
		return ret;
	/* No createContainer hooks: no stop between mounts and pivot. */
	if (h->n[WARD_HOOK_CREATE_CONTAINER] == 0)
		return ward_sync_expect(p->sync_parent, WARD_SYNC_READY, NULL, e);
	ret = ward_sync_expect(p->sync_parent, WARD_SYNC_MOUNTS_DONE, NULL, e);
	if (ret < 0)
		return ret;
	/* In the container's namespaces, before its pivot_root (OCI). */
	ret = run_hooks(p, st, WARD_HOOK_CREATE_CONTAINER, e);
	if (ret < 0)
		return ret;
	ret = ward_sync_send(p->sync_parent, WARD_SYNC_HOOKS_DONE, NULL, -1);
	if (ret < 0 && ret != -EPIPE)
		return ward_err_set(e, -ret, "sync: send hooks done");
	return ward_sync_expect(p->sync_parent, WARD_SYNC_READY, NULL, e);
}

int
ward_write_pid_file(const char *path, pid_t pid, struct ward_err *e)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d", pid);

	/* containerd reads it as-is: no trailing newline. */
	return ward_write_file_atomic(path, buf, (size_t)n, 0644, e);
}

int
ward_container_save_spec(const struct ward_state_dir *d,
			 const struct ward_spec *s, bool fresh,
			 struct ward_err *e)
{
	_cleanup_free_ char *json = NULL;
	char path[PATH_MAX + 16];
	size_t len;
	int ret;

	ret = ward_spec_to_json(s, &json, &len, e);
	if (ret < 0)
		return ret;
	/* create's copy: a new file in the fresh, locked dir, written once. */
	if (fresh)
		return ward_create_file_at(d->dirfd, "config.json", json, len,
					   0600, e);
	/* update's: a multi-page rewrite, so a temp file renamed over it. */
	snprintf(path, sizeof(path), "%s/config.json", d->path);
	return ward_write_file_atomic(path, json, len, 0600, e);
}

static int
spawn(struct ward_plan *p, const struct ward_create_opts *o,
      struct ward_state *st, const struct ward_state_dir *d, struct ward_err *e)
{
	_cleanup_close_ int v2_fd = -1;
	int ret;

	ret = ward_cgroup_create_early(&p->cgroup, &v2_fd, e);
	if (ret < 0) {
		/* No kill: a cgroup found busy holds someone else's tasks. */
		ward_cgroup_destroy(&p->cgroup.cg, false, &(struct ward_err){ 0 });
		return ret;
	}
	p->cgroup_created = true;
	ward_cgroup_describe(&p->cgroup.cg, st->cgroup, sizeof(st->cgroup));
	/* From here a crash leaves a record `delete --force` can clean up. */
	ret = ward_state_save(d, st, e);
	if (ret < 0)
		return ret;
	/* v2: the init is born in its cgroup (CLONE_INTO_CGROUP). */
	st->pid = ward_ns_spawn(&p->ns, v2_fd, ward_child_main, p, e);
	if (st->pid < 0)
		return st->pid;
	ward_close_fd(&p->sync_child);
	if (ward_proc_start_time(st->pid, &st->pid_start) < 0)
		return ward_err_set(e, ESRCH, "container init exited at once");
	/* Record the pid first: `delete --force` can then clean up a crash. */
	ret = ward_state_save(d, st, e);
	if (ret < 0)
		return ret;
	ret = drive_child(p, st, d, e);
	if (ret < 0)
		return ret;
	if (p->spec->process.has_oom_score_adj) {
		ret = ward_process_set_oom_score_adj(st->pid,
						     p->spec->process.oom_score_adj, e);
		if (ret < 0)
			return ret;
	}
	/* state.json already holds everything (saved right after the clone). */
	if (o->pid_file != NULL)
		ret = ward_write_pid_file(o->pid_file, st->pid, e);
	return ret;
}

void
ward_kill_and_reap(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	/* Ours: clone3 or the launcher's CLONE_PARENT made it our child. */
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

static void
init_state(struct ward_state *st, const struct ward_create_opts *o,
	   const struct ward_spec *s)
{
	memset(st, 0, sizeof(*st));
	snprintf(st->id, sizeof(st->id), "%s", o->id);
	if (realpath(o->bundle, st->bundle) == NULL)
		snprintf(st->bundle, sizeof(st->bundle), "%s", o->bundle);
	snprintf(st->rootfs, sizeof(st->rootfs), "%s", s->root.path);
	ward_now_rfc3339(st->created, sizeof(st->created));
	st->idmap_block = -1;
	st->owner = geteuid();
}

int
ward_container_create_spec(const struct ward_create_opts *o,
			   struct ward_spec *spec, struct ward_created *out,
			   struct ward_err *e)
{
	struct ward_plan p = { .spec = spec, .sync_parent = -1, .sync_child = -1,
			       .start_fd = -1, .console_fd = -1,
			       .state_dirfd = -1 };
	struct ward_state_dir d;
	struct ward_state st;
	int ret;

	ret = ward_state_create(o->root, o->id, &d, e);
	if (ret < 0)
		return ret;
	init_state(&st, o, spec);
	ret = ward_plan_build(&p, o, &d, e);
	st.idmap_block = p.userns.block;
	if (ret < 0)
		goto out_release;
	ret = spawn(&p, o, &st, &d, e);
	if (ret < 0)
		goto out_kill;
	if (out != NULL) {
		out->st = st;
		out->cg = p.cgroup.cg;
	}
	ward_plan_free(&p);
	ward_state_close(&d);
	return 0;

out_kill:
	ward_kill_and_reap(st.pid);
	if (p.cgroup_created)
		ward_cgroup_destroy(&p.cgroup.cg, true, &(struct ward_err){ 0 });
out_release:
	ward_plan_free(&p);
	ward_userns_release_block(st.idmap_block);
	ward_state_destroy(&d, &(struct ward_err){ 0 });
	ward_state_close(&d);
	return ret;
}
