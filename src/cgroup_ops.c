/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
/* Operations on an existing cgroup: pids, freezer, kill, destroy, OOM. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "cgroup_int.h"

/* Sub-cgroups a container may make below its own (cgroupns + writable). */
#define CG_MAX_DEPTH 16

/* The hierarchy that holds every process of the container. */
static int
primary(const struct ward_cgroup *cg)
{
	if (cg->unified >= 0)
		return cg->unified;
	if (cg->where[WARD_CG_PIDS] >= 0)
		return cg->where[WARD_CG_PIDS];
	return 0;
}

struct pid_list {
	pid_t *v;
	size_t n, cap;
};

static int
add_pid(char *line, void *arg)
{
	struct pid_list *l = arg;
	int64_t v;

	if (ward_parse_i64(line, &v) < 0 || v <= 0 || v > INT32_MAX)
		return -EINVAL;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		pid_t *nv = realloc(l->v, cap * sizeof(*nv));

		if (nv == NULL)
			return -ENOMEM;
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->n++] = (pid_t)v;
	return 0;
}

static int
walk_pids(const struct cg_dir *d, struct pid_list *l, int depth,
	  struct ward_err *e)
{
	_cleanup_closedir_ DIR *dir = NULL;
	struct dirent *de;
	int ret = cg_read_lines(d, "cgroup.procs", add_pid, l, e);
	int fd;

	if (ret < 0 || depth >= CG_MAX_DEPTH)
		return ret;
	fd = openat(d->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || (dir = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return ward_err_set(e, errno, "open %s%s", d->mnt, d->path);
	}
	while ((de = readdir(dir)) != NULL) {
		struct cg_dir sub = *d;

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		sub.fd = openat(d->fd, de->d_name, O_RDONLY | O_DIRECTORY |
					      O_CLOEXEC | O_NOFOLLOW);
		/* A sub-cgroup removed meanwhile has no pids to report. */
		if (sub.fd < 0 && errno == ENOENT)
			continue;
		if (sub.fd < 0)
			return ward_err_set(e, errno, "open %s%s/%s", d->mnt,
					    d->path, de->d_name);
		ret = walk_pids(&sub, l, depth + 1, e);
		close(sub.fd);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int
ward_cgroup_pids(const struct ward_cgroup *cg, pid_t **pids, size_t *n,
		 struct ward_err *e)
{
	struct pid_list l = { NULL, 0, 0 };
	struct cg_dir d;
	int ret = cg_dir_open(cg, primary(cg), &d, e);

	if (ret == 0)
		ret = walk_pids(&d, &l, 0, e);
	cg_dir_close(&d);
	if (ret < 0) {
		free(l.v);
		return ret;
	}
	*pids = l.v;
	*n = l.n;
	return 0;
}

int
ward_cgroup_freeze(const struct ward_cgroup *cg, bool frozen,
		   struct ward_err *e)
{
	struct cg_dir d;
	int ret = cg_dir_ctrl(cg, WARD_CG_FREEZER, &d, e);

	if (ret == 0)
		ret = d.v2 ? cg_v2_freeze(&d, frozen, e)
			   : cg_v1_freeze(&d, frozen, e);
	cg_dir_close(&d);
	return ret;
}

bool
ward_cgroup_is_frozen(const struct ward_cgroup *cg)
{
	struct ward_err e = { 0 };
	struct cg_dir d;
	char buf[32] = "";
	int ret = cg_dir_ctrl(cg, WARD_CG_FREEZER, &d, &e);

	if (ret == 0)
		ret = cg_read(&d, d.v2 ? "cgroup.freeze" : "freezer.state", buf,
			      sizeof(buf), &e);
	cg_dir_close(&d);
	return ret == 0 && (strcmp(buf, "1") == 0 || strcmp(buf, "FROZEN") == 0);
}

/*
 * SIGKILL everything: cgroup.kill where the kernel has it; otherwise (and
 * for v1 hierarchies) freeze so nothing forks meanwhile, kill each pid,
 * thaw so the signals are delivered, until the list is empty.
 */
static int
kill_all(const struct ward_cgroup *cg, struct ward_err *e)
{
	struct cg_dir d;
	unsigned int waited = 0;

	if (cg->unified >= 0 && cg_dir_open(cg, cg->unified, &d, e) == 0) {
		if (cg_has_file(&d, "cgroup.kill"))
			cg_write(&d, "cgroup.kill", "1", e);
		cg_dir_close(&d);
	}
	for (;;) {
		_cleanup_free_ pid_t *pids = NULL;
		size_t n = 0;
		bool frozen;
		int ret = ward_cgroup_pids(cg, &pids, &n, e);

		if (ret < 0 || n == 0)
			return ret;
		if (waited >= CG_SETTLE_MS)
			return ward_err_set(e, EBUSY, "%zu processes survive "
					    "SIGKILL in the cgroup", n);
		frozen = ward_cgroup_freeze(cg, true,
					    &(struct ward_err){ 0 }) == 0;
		for (size_t i = 0; i < n; i++)
			kill(pids[i], SIGKILL);
		if (frozen)
			ward_cgroup_freeze(cg, false, &(struct ward_err){ 0 });
		cg_sleep_ms(10);
		waited += 10;
	}
}

/* rmdir the leaf (waiting for dying tasks to leave) and ward's parents. */
static int
remove_levels(const struct ward_cgroup_hier *h, struct ward_err *e)
{
	char path[WARD_CGROUP_MNT_MAX + PATH_MAX];
	unsigned int waited = 0;
	size_t base = strlen(h->mnt);

	snprintf(path, sizeof(path), "%s%s", h->mnt, h->path);
	for (unsigned int k = 0; k < h->created;) {
		char *slash;

		if (rmdir(path) < 0 && errno != ENOENT) {
			/* A parent someone else now uses is theirs to keep. */
			if (k > 0 && (errno == EBUSY || errno == ENOTEMPTY))
				return 0;
			if (errno != EBUSY || waited >= CG_SETTLE_MS)
				return ward_err_set(e, errno, "rmdir %s", path);
			cg_sleep_ms(10);
			waited += 10;
			continue;
		}
		slash = strrchr(path, '/');
		if (slash == NULL || (size_t)(slash - path) <= base)
			break;
		*slash = '\0';
		k++;
	}
	return 0;
}

/*
 * The usual delete finds the container empty: its init gone, and with it
 * (pid namespace) every other process. An rmdir of the leaf that holds
 * every process proves that without reading cgroup.procs or freezing.
 */
static bool
already_empty(const struct ward_cgroup *cg)
{
	const struct ward_cgroup_hier *h = &cg->h[primary(cg)];
	char path[WARD_CGROUP_MNT_MAX + PATH_MAX];

	if (h->created == 0)	/* not ours to remove */
		return false;
	snprintf(path, sizeof(path), "%s%s", h->mnt, h->path);
	return rmdir(path) == 0;
}

int
ward_cgroup_destroy(const struct ward_cgroup *cg, bool kill,
		    struct ward_err *e)
{
	struct ward_err ke = { 0 };
	int ret = kill && !already_empty(cg) ? kill_all(cg, &ke) : 0;

	/* Nothing left to kill when the cgroup itself is already gone. */
	if (ret == -ENOENT)
		ret = 0;
	if (ret < 0)
		return ward_err_set(e, ke.code, "%s", ke.msg);
	for (size_t i = 0; i < cg->n && ret == 0; i++)
		ret = remove_levels(&cg->h[i], e);
	return ret;
}

int
ward_cgroup_oom_fd(const struct ward_cgroup *cg, int *fd, struct ward_err *e)
{
	char path[WARD_CGROUP_MNT_MAX + PATH_MAX];
	_cleanup_close_ int in = -1;
	struct cg_dir d;
	int ret = cg_dir_ctrl(cg, WARD_CG_MEMORY, &d, e);

	if (ret < 0 || !d.v2) {
		if (ret == 0)
			ret = cg_v1_oom_fd(&d, fd, e);
		cg_dir_close(&d);
		return ret;
	}
	cg_dir_close(&d);
	/* memory.events changes (IN_MODIFY) on every event it counts. */
	snprintf(path, sizeof(path), "%s%s/memory.events", d.mnt, d.path);
	in = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (in < 0)
		return ward_err_set(e, errno, "inotify_init1");
	if (inotify_add_watch(in, path, IN_MODIFY) < 0)
		return ward_err_set(e, errno, "inotify_add_watch %s", path);
	*fd = take_fd(&in);
	return 0;
}

void
ward_cgroup_oom_ack(int fd)
{
	char buf[4096];

	/* Both fds are non-blocking: drain until EAGAIN. */
	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

int
ward_cgroup_oom_count(const struct ward_cgroup *cg, uint64_t *n,
		      struct ward_err *e)
{
	struct cg_dir d;
	int ret = cg_dir_ctrl(cg, WARD_CG_MEMORY, &d, e);

	if (ret == 0)
		ret = cg_read_key(&d, d.v2 ? "memory.events" : "memory.oom_control",
				  "oom_kill", n, e);
	cg_dir_close(&d);
	return ret;
}
