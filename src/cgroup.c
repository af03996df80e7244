/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
/*
 * The cgroup module's entry points: plan (nothing touched), create (mkdir,
 * controllers, limits, devices; rolled back on failure), attach, update.
 * The layout is in cgroup_layout.c, the writers in cgroup_v1.c/cgroup_v2.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "cgroup_int.h"
#include "sys.h"

/*
 * Where the devices controller is a v1 hierarchy (hybrid hosts), its list
 * is what the kernel enforces for the task; a v2 eBPF program on top would
 * repeat the same rules at ~0.8 ms per create (program load and attach).
 */
static bool
devices_on_v2(const struct ward_cgroup *cg)
{
	int i = cg->where[WARD_CG_DEVICES];

	return i >= 0 && cg->h[i].v2;
}

int
ward_cgroup_plan(const struct ward_spec *s, const char *id, bool systemd,
		 struct ward_cgroup_plan *p, struct ward_err *e)
{
	char path[PATH_MAX];
	bool rel;
	int ret;

	memset(p, 0, sizeof(*p));
	ret = cg_detect(&p->cg, secure_getenv("WARD_CGROUP_ROOT"), e);
	if (ret == 0)
		ret = ward_cgroup_path(s->linux.cgroups_path, id, systemd, path,
				       sizeof(path), &rel, e);
	if (ret == 0)
		ret = cg_set_paths(&p->cg, path, rel, e);
	if (ret < 0)
		return ret;
	p->res = s->linux.has_resources ? &s->linux.resources : NULL;
	ret = cg_check_resources(&p->cg, p->res, false, &p->need, e);
	if (ret < 0)
		return ret;
	/* Device rules are enforcement, not tuning: no controller, no start. */
	if (p->cg.where[WARD_CG_DEVICES] < 0)
		return ward_err_set(e, ENODEV, "no devices cgroup controller and "
				    "no cgroup v2: device rules cannot be "
				    "enforced");
	ret = cg_device_rules(s, &p->dev, &p->n_dev, e);
	if (ret == 0 && devices_on_v2(&p->cg))
		ret = cg_bpf_build(p->dev, p->n_dev, &p->bpf, &p->n_bpf, e);
	if (ret < 0)
		ward_cgroup_plan_free(p);
	return ret;
}

void
ward_cgroup_plan_free(struct ward_cgroup_plan *p)
{
	free(p->dev);
	free(p->bpf);
	p->dev = NULL;
	p->bpf = NULL;
	p->n_dev = p->n_bpf = 0;
}

/* A pre-existing leaf is only adopted when nothing runs in it. */
static int
check_unused(int fd, const struct ward_cgroup_hier *h, struct ward_err *e)
{
	_cleanup_close_ int pfd = openat(fd, "cgroup.procs",
					 O_RDONLY | O_CLOEXEC);
	char c;
	ssize_t n;

	if (pfd < 0)
		return ward_err_set(e, errno, "open %s%s/cgroup.procs", h->mnt,
				    h->path);
	n = read(pfd, &c, 1);
	if (n < 0)
		return ward_err_set(e, errno, "read %s%s/cgroup.procs", h->mnt,
				    h->path);
	if (n > 0)
		return ward_err_set(e, EBUSY, "cgroup %s%s already has processes",
				    h->mnt, h->path);
	return 0;
}

static int
make_level(int *fd, const char *comp, struct ward_cgroup_hier *h,
	   bool *made, struct ward_err *e)
{
	int next;

	*made = mkdirat(*fd, comp, 0755) == 0;
	if (!*made && errno != EEXIST)
		return ward_err_set(e, errno, "mkdir %s%s (at %s)", h->mnt,
				    h->path, comp);
	next = openat(*fd, comp, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
				 O_NOFOLLOW);
	if (next < 0)
		return ward_err_set(e, errno, "open %s%s (at %s)", h->mnt,
				    h->path, comp);
	/* cpuset v1: a new level has no cpus/mems until given its parent's. */
	if (*made && !h->v2 && (h->ctrls & CG_BIT(WARD_CG_CPUSET))) {
		int ret = cg_v1_cpuset_inherit(*fd, next, h->mnt, e);

		if (ret < 0) {
			close(next);
			return ret;
		}
	}
	close(*fd);
	*fd = next;
	return 0;
}

/* The leaf alone was made, by path: give a v1 cpuset one its parent's. */
static int
made_leaf(struct ward_cgroup_hier *h, char *full, struct ward_err *e)
{
	_cleanup_close_ int parent = -1, leaf = -1;
	char *slash = strrchr(full, '/');

	h->created = 1;
	if (h->v2 || !(h->ctrls & CG_BIT(WARD_CG_CPUSET)))
		return 0;
	leaf = open(full, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	*slash = '\0';
	parent = open(full, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	*slash = '/';
	if (leaf < 0 || parent < 0)
		return ward_err_set(e, errno, "open %s", full);
	return cg_v1_cpuset_inherit(parent, leaf, h->mnt, e);
}

/* mkdir -p, recording in h->created how many trailing levels are ours. */
static int
make_dirs(struct ward_cgroup_hier *h, struct ward_err *e)
{
	char full[WARD_CGROUP_MNT_MAX + PATH_MAX];
	_cleanup_close_ int fd = -1;
	unsigned int levels = 0, level = 0;
	bool made = false;

	/* Usually the parents are there: one mkdir instead of a walk. */
	snprintf(full, sizeof(full), "%s%s", h->mnt, h->path);
	if (mkdir(full, 0755) == 0)
		return made_leaf(h, full, e);
	/* Parents missing, or the leaf there already: level by level. */
	fd = open(h->mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return ward_err_set(e, errno, "open %s", h->mnt);
	for (const char *p = h->path; *p != '\0'; p += strspn(p, "/"))
		if (*p != '/') {
			levels++;
			p += strcspn(p, "/");
		}
	for (const char *p = h->path + strspn(h->path, "/"); *p != '\0';
	     p += strspn(p, "/")) {
		size_t len = strcspn(p, "/");
		char comp[NAME_MAX + 1];
		int ret;

		if (len > NAME_MAX)
			return ward_err_set(e, ENAMETOOLONG, "cgroup path %s",
					    h->path);
		memcpy(comp, p, len);
		comp[len] = '\0';
		ret = make_level(&fd, comp, h, &made, e);
		if (ret < 0)
			return ret;
		if (made && h->created == 0)
			h->created = levels - level;
		level++;
		p += len;
	}
	return made ? 0 : check_unused(fd, h, e);
}

static int
apply_devices(struct ward_cgroup_plan *p, struct ward_err *e)
{
	const struct ward_cgroup *cg = &p->cg;
	struct cg_dir d;
	int ret = 0;

	if (!cg->h[cg->where[WARD_CG_DEVICES]].v2) {
		ret = cg_dir_ctrl(cg, WARD_CG_DEVICES, &d, e);
		if (ret == 0)
			ret = cg_v1_devices(&d, p->dev, p->n_dev, e);
		cg_dir_close(&d);
	}
	if (ret < 0 || cg->unified < 0 || p->bpf == NULL)
		return ret;
	ret = cg_dir_open(cg, cg->unified, &d, e);
	if (ret == 0)
		ret = cg_bpf_attach(d.fd, p->bpf, p->n_bpf, e);
	cg_dir_close(&d);
	return ret;
}

/* Controllers, limits, devices: once every hierarchy has its leaf. */
static int
configure(struct ward_cgroup_plan *p, struct ward_err *e)
{
	struct ward_cgroup *cg = &p->cg;
	int ret = 0;

	if (cg->unified >= 0)
		ret = cg_v2_enable(cg, p->need, e);
	if (ret == 0 && p->res != NULL)
		ret = cg_apply(cg, p->res, p->need, false, e);
	/* Devices last: nothing else needs them and nothing runs yet. */
	if (ret == 0)
		ret = apply_devices(p, e);
	return ret;
}

/*
 * What must exist before clone: on cgroup2 alone, everything; with v1
 * hierarchies, only the cgroup2 leaf the init is cloned into. The rest
 * (ward_cgroup_create_late) can then be done while the child builds its
 * mount tree, since a v1 attach comes after the clone anyway.
 */
int
ward_cgroup_create_early(struct ward_cgroup_plan *p, int *v2_fd,
			 struct ward_err *e)
{
	struct ward_cgroup *cg = &p->cg;
	bool v2_only = cg->mode == WARD_CGROUP_V2;
	int ret = 0;

	*v2_fd = -1;
	for (size_t i = 0; i < cg->n; i++)
		cg->h[i].created = 0;
	for (size_t i = 0; i < cg->n && ret == 0; i++)
		if (v2_only || (int)i == cg->unified)
			ret = make_dirs(&cg->h[i], e);
	if (ret == 0 && v2_only)
		ret = configure(p, e);
	if (ret == 0)
		ret = ward_cgroup_v2_fd(cg, v2_fd, e);
	return ret;
}

int
ward_cgroup_create_late(struct ward_cgroup_plan *p, struct ward_err *e)
{
	struct ward_cgroup *cg = &p->cg;
	int ret = 0;

	if (cg->mode == WARD_CGROUP_V2)
		return 0;
	for (size_t i = 0; i < cg->n && ret == 0; i++)
		if ((int)i != cg->unified)
			ret = make_dirs(&cg->h[i], e);
	return ret == 0 ? configure(p, e) : ret;
}

int
ward_cgroup_create(struct ward_cgroup_plan *p, int *v2_fd, struct ward_err *e)
{
	int ret = ward_cgroup_create_early(p, v2_fd, e);

	if (ret == 0)
		ret = ward_cgroup_create_late(p, e);
	if (ret == 0)
		return 0;
	if (*v2_fd >= 0)
		close(*v2_fd);
	*v2_fd = -1;
	ward_cgroup_destroy(&p->cg, false, &(struct ward_err){ 0 });
	return ret;
}

int
ward_cgroup_attach(const struct ward_cgroup *cg, pid_t pid, struct ward_err *e)
{
	for (size_t i = 0; i < cg->n; i++) {
		struct cg_dir d;
		int ret = cg_dir_open(cg, (int)i, &d, e);

		if (ret == 0)
			ret = cg_writef(&d, "cgroup.procs", e, "%d", (int)pid);
		cg_dir_close(&d);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int
ward_cgroup_join_fd(const struct ward_cgroup *cg, size_t i, int *fd,
		    struct ward_err *e)
{
	struct cg_dir d;
	int ret;

	*fd = -1;
	if (i >= cg->n || cg->h[i].v2)
		return 0;
	ret = cg_dir_open(cg, (int)i, &d, e);
	if (ret == 0) {
		*fd = openat(d.fd, "tasks", O_WRONLY | O_CLOEXEC);
		if (*fd < 0)
			ret = ward_err_set(e, errno, "open %s%s/tasks", d.mnt, d.path);
	}
	cg_dir_close(&d);
	return ret;
}

int
ward_cgroup_clone_dir(const struct ward_cgroup *cg, size_t i, uint64_t attrs,
		      int *fd, struct ward_err *e)
{
	char path[WARD_CGROUP_MNT_MAX + PATH_MAX];
	_cleanup_close_ int tree = -1;

	*fd = -1;
	if (i >= cg->n)
		return ward_err_set(e, EINVAL, "cgroup hierarchy %zu", i);
	snprintf(path, sizeof(path), "%s%s", cg->h[i].mnt, cg->h[i].path);
	tree = ward_open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		return ward_err_set(e, errno, "clone %s", path);
	/* Restricted and private while detached, as every bind source. */
	if (ward_mount_setattr(tree, "", AT_EMPTY_PATH, attrs, 0, MS_PRIVATE,
			       -1) < 0)
		return ward_err_set(e, errno, "set attributes of %s", path);
	*fd = take_fd(&tree);
	return 0;
}

bool
ward_cgroup_has_v1(const struct ward_cgroup *cg)
{
	return cg->mode != WARD_CGROUP_V2;
}

int
ward_cgroup_v2_fd(const struct ward_cgroup *cg, int *fd, struct ward_err *e)
{
	struct cg_dir d;
	int ret;

	*fd = -1;
	if (cg->unified < 0)
		return 0;
	ret = cg_dir_open(cg, cg->unified, &d, e);
	if (ret == 0)
		*fd = d.fd;
	return ret;
}

int
ward_cgroup_update(const struct ward_cgroup *cg, const struct ward_resources *r,
		   const struct ward_resources *cur, struct ward_err *e)
{
	uint32_t need;
	int ret;

	/* Checked before anything is written: a refusal changes nothing. */
	if (!cg_same_devices(r, cur))
		return ward_err_set(e, EPERM, "linux.resources.devices: device "
				    "rules cannot change on a running "
				    "container");
	ret = cg_check_resources(cg, r, true, &need, e);
	/* A limit set for the first time may need its v2 controller on. */
	if (ret == 0 && cg->unified >= 0)
		ret = cg_v2_enable(cg, need, e);
	if (ret == 0)
		ret = cg_apply(cg, r, need, true, e);
	return ret;
}
