/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
/*
 * Where the cgroup hierarchies are (mountinfo, or WARD_CGROUP_ROOT), where
 * each controller lives, and the runtime's own cgroup for relative paths.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/statfs.h>
#include <linux/magic.h>

#include "ward/cleanup.h"
#include "cgroup_int.h"

#define MOUNTINFO_MAX (4u << 20)

static const char *const v1_names[WARD_CG__N] = {
	[WARD_CG_CPU] = "cpu",		[WARD_CG_CPUACCT] = "cpuacct",
	[WARD_CG_CPUSET] = "cpuset",	[WARD_CG_MEMORY] = "memory",
	[WARD_CG_DEVICES] = "devices",	[WARD_CG_FREEZER] = "freezer",
	[WARD_CG_BLKIO] = "blkio",	[WARD_CG_PIDS] = "pids",
	[WARD_CG_HUGETLB] = "hugetlb",	[WARD_CG_NET_CLS] = "net_cls",
	[WARD_CG_NET_PRIO] = "net_prio", [WARD_CG_PERF_EVENT] = "perf_event",
	[WARD_CG_RDMA] = "rdma",	[WARD_CG_MISC] = "misc",
	[WARD_CG_SYSTEMD] = "name=systemd",
};

/* NULL: no such controller on v2 (devices is eBPF, freezer is core). */
static const char *const v2_names[WARD_CG__N] = {
	[WARD_CG_CPU] = "cpu",		[WARD_CG_CPUSET] = "cpuset",
	[WARD_CG_MEMORY] = "memory",	[WARD_CG_BLKIO] = "io",
	[WARD_CG_PIDS] = "pids",	[WARD_CG_HUGETLB] = "hugetlb",
	[WARD_CG_PERF_EVENT] = "perf_event", [WARD_CG_RDMA] = "rdma",
	[WARD_CG_MISC] = "misc",
};

const char *
cg_ctrl_name(enum ward_cgroup_ctrl c, bool v2)
{
	if ((unsigned int)c >= WARD_CG__N)
		return NULL;
	return v2 ? v2_names[c] : v1_names[c];
}

int
cg_ctrl_by_name(const char *name, size_t len, bool v2)
{
	for (int c = 0; c < WARD_CG__N; c++) {
		const char *n = cg_ctrl_name(c, v2);

		if (n != NULL && strlen(n) == len && memcmp(n, name, len) == 0)
			return c;
	}
	return -ENOENT;
}

const char *
ward_cgroup_mode_name(enum ward_cgroup_mode m)
{
	switch (m) {
	case WARD_CGROUP_V1:
		return "v1";
	case WARD_CGROUP_HYBRID:
		return "hybrid";
	case WARD_CGROUP_V2:
		return "v2";
	}
	return "unknown";
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void
unescape(char *s)
{
	char *w = s;

	for (char *r = s; *r != '\0'; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' &&
		    r[2] <= '7' && r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') << 6 | (r[2] - '0') << 3 |
				      (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

struct mi_line {
	char *root, *mnt, *fstype, *opts;
};

static bool
parse_mi(char *line, struct mi_line *m)
{
	char *f[64], *save = NULL;
	size_t n = 0, dash = 0;

	for (char *t = strtok_r(line, " ", &save); t != NULL && n < 64;
	     t = strtok_r(NULL, " ", &save)) {
		if (dash == 0 && n >= 6 && strcmp(t, "-") == 0)
			dash = n;
		f[n++] = t;
	}
	if (dash == 0 || n < dash + 4)
		return false;
	m->root = f[3];
	m->mnt = f[4];
	m->fstype = f[dash + 1];
	m->opts = f[dash + 3];
	unescape(m->mnt);
	return true;
}

static uint32_t
v1_mask(const char *opts)
{
	uint32_t mask = 0;
	const char *o = opts;

	while (*o != '\0') {
		size_t len = strcspn(o, ",");
		int c = cg_ctrl_by_name(o, len, false);

		if (c >= 0)
			mask |= CG_BIT(c);
		o += len + (o[len] == ',');
	}
	return mask;
}

static int
add_hier(struct ward_cgroup *cg, const char *mnt, bool v2, uint32_t ctrls,
	 struct ward_err *e)
{
	struct ward_cgroup_hier *h;

	if (cg->n >= WARD_CGROUP_MAX_HIER)
		return ward_err_set(e, E2BIG, "more than %d cgroup hierarchies",
				    WARD_CGROUP_MAX_HIER);
	if (strlen(mnt) >= WARD_CGROUP_MNT_MAX || strpbrk(mnt, ";| \t\n"))
		return ward_err_set(e, ENAMETOOLONG,
				    "cgroup mount point %s: unsupported name",
				    mnt);
	h = &cg->h[cg->n];
	memset(h, 0, sizeof(*h));
	strcpy(h->mnt, mnt);
	h->v2 = v2;
	h->ctrls = ctrls;
	if (v2)
		cg->unified = (int)cg->n;
	cg->n++;
	return 0;
}

static int
scan_mountinfo(struct ward_cgroup *cg, struct ward_err *e)
{
	_cleanup_free_ char *buf = NULL;
	uint32_t seen = 0;
	char *save = NULL;
	size_t len;
	int ret = ward_read_file("/proc/self/mountinfo", MOUNTINFO_MAX, &buf,
				 &len, e);

	if (ret < 0)
		return ret;
	for (char *l = strtok_r(buf, "\n", &save); l != NULL;
	     l = strtok_r(NULL, "\n", &save)) {
		struct mi_line m;
		uint32_t mask;

		/* A root other than "/" is a bind of a subtree: not a hierarchy. */
		if (!parse_mi(l, &m) || strcmp(m.root, "/") != 0)
			continue;
		if (strcmp(m.fstype, "cgroup2") == 0) {
			if (cg->unified < 0)
				ret = add_hier(cg, m.mnt, true, 0, e);
		} else if (strcmp(m.fstype, "cgroup") == 0) {
			mask = v1_mask(m.opts);
			if (mask == 0 || (mask & seen) != 0)
				continue;
			seen |= mask;
			ret = add_hier(cg, m.mnt, false, mask, e);
		}
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* A stable order (by first controller, cgroup2 last) for saved states. */
static void
sort_hiers(struct ward_cgroup *cg)
{
	for (size_t i = 1; i < cg->n; i++) {
		for (size_t j = i; j > 0; j--) {
			struct ward_cgroup_hier *a = &cg->h[j - 1], *b = &cg->h[j];
			int ka = a->v2 ? 64 : ffs((int)a->ctrls);
			int kb = b->v2 ? 64 : ffs((int)b->ctrls);
			struct ward_cgroup_hier t;

			if (ka <= kb)
				break;
			t = *a;
			*a = *b;
			*b = t;
		}
	}
	cg->unified = -1;
	for (size_t i = 0; i < cg->n; i++)
		if (cg->h[i].v2)
			cg->unified = (int)i;
}

static int
read_v2_avail(struct ward_cgroup *cg, struct ward_err *e)
{
	const char *mnt = cg->h[cg->unified].mnt;
	struct cg_dir d = { .v2 = true, .mnt = mnt, .path = "" };
	char buf[512], *save = NULL;
	int ret;

	/* The hierarchy root's list: what any cgroup below may enable. */
	d.fd = open(mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d.fd < 0)
		return ward_err_set(e, errno, "open %s", mnt);
	ret = cg_read(&d, "cgroup.controllers", buf, sizeof(buf), e);
	cg_dir_close(&d);
	if (ret < 0)
		return ret;
	for (char *t = strtok_r(buf, " ", &save); t != NULL;
	     t = strtok_r(NULL, " ", &save)) {
		int c = cg_ctrl_by_name(t, strlen(t), true);

		if (c >= 0)
			cg->v2_avail |= CG_BIT(c);
	}
	return 0;
}

static void
assign_controllers(struct ward_cgroup *cg)
{
	for (int c = 0; c < WARD_CG__N; c++) {
		cg->where[c] = -1;
		for (size_t i = 0; i < cg->n; i++)
			if (!cg->h[i].v2 && (cg->h[i].ctrls & CG_BIT(c)))
				cg->where[c] = (int)i;
		if (cg->where[c] >= 0 || cg->unified < 0)
			continue;
		/* Core v2 features standing in for v1 controllers. */
		if (c == WARD_CG_DEVICES || c == WARD_CG_FREEZER ||
		    c == WARD_CG_CPUACCT || (cg->v2_avail & CG_BIT(c)))
			cg->where[c] = cg->unified;
	}
}

static int
use_override(struct ward_cgroup *cg, const char *root, struct ward_err *e)
{
	struct statfs sf;

	if (root[0] != '/')
		return ward_err_set(e, EINVAL,
				    "WARD_CGROUP_ROOT %s: not an absolute path",
				    root);
	if (statfs(root, &sf) < 0)
		return ward_err_set(e, errno, "WARD_CGROUP_ROOT %s", root);
	if (sf.f_type != CGROUP2_SUPER_MAGIC)
		return ward_err_set(e, EINVAL,
				    "WARD_CGROUP_ROOT %s: not a cgroup2 mount",
				    root);
	cg->overridden = true;
	return add_hier(cg, root, true, 0, e);
}

int
cg_detect(struct ward_cgroup *cg, const char *override, struct ward_err *e)
{
	size_t v1 = 0;
	int ret;

	memset(cg, 0, sizeof(*cg));
	cg->unified = -1;
	if (override != NULL && override[0] != '\0')
		ret = use_override(cg, override, e);
	else
		ret = scan_mountinfo(cg, e);
	if (ret < 0)
		return ret;
	if (cg->n == 0)
		return ward_err_set(e, ENOENT, "no cgroup hierarchy is mounted");
	sort_hiers(cg);
	for (size_t i = 0; i < cg->n; i++)
		v1 += !cg->h[i].v2;
	if (v1 == 0)
		cg->mode = WARD_CGROUP_V2;
	else
		cg->mode = cg->unified >= 0 ? WARD_CGROUP_HYBRID : WARD_CGROUP_V1;
	if (cg->unified >= 0) {
		ret = read_v2_avail(cg, e);
		if (ret < 0)
			return ret;
	}
	assign_controllers(cg);
	return 0;
}

/* Does the controller list [s, end) of a /proc/self/cgroup line match? */
static bool
list_has(const char *s, const char *end, const char *want, bool v2)
{
	size_t wl = want != NULL ? strlen(want) : 0;

	if (v2)
		return s == end;
	while (s < end) {
		const char *comma = memchr(s, ',', (size_t)(end - s));
		size_t tl = (size_t)((comma ? comma : end) - s);

		if (tl == wl && memcmp(s, want, wl) == 0)
			return true;
		s += tl + 1;
	}
	return false;
}

/* The runtime's own cgroup in h, from "0::/p" or "4:memory:/p" lines. */
static int
own_path(const char *self, const struct ward_cgroup_hier *h, char *out,
	 size_t len)
{
	const char *want = NULL;

	for (int c = 0; c < WARD_CG__N && !h->v2 && want == NULL; c++)
		if (h->ctrls & CG_BIT(c))
			want = cg_ctrl_name(c, false);
	for (const char *l = self; *l != '\0';) {
		const char *nl = strchrnul(l, '\n');
		const char *c1 = memchr(l, ':', (size_t)(nl - l));
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(nl - c1 - 1))
				    : NULL;

		if (c2 != NULL && list_has(c1 + 1, c2, want, h->v2)) {
			size_t pl = (size_t)(nl - c2 - 1);

			/* The root is "/": joining then yields "/rel". */
			if (pl == 1 && c2[1] == '/')
				pl = 0;
			if (pl >= len)
				return -ENAMETOOLONG;
			memcpy(out, c2 + 1, pl);
			out[pl] = '\0';
			return 0;
		}
		l = *nl != '\0' ? nl + 1 : nl;
	}
	return -ENOENT;
}

int
cg_set_paths(struct ward_cgroup *cg, const char *path, bool relative,
	     struct ward_err *e)
{
	_cleanup_free_ char *self = NULL;
	size_t len;
	int ret;

	if (relative) {
		ret = ward_read_file("/proc/self/cgroup", 1 << 16, &self, &len, e);
		if (ret < 0)
			return ret;
	}
	for (size_t i = 0; i < cg->n; i++) {
		struct ward_cgroup_hier *h = &cg->h[i];
		size_t ol = 0;

		h->path[0] = '\0';
		if (relative) {
			ret = own_path(self, h, h->path, sizeof(h->path));
			if (ret < 0)
				return ward_err_set(e, -ret,
						    "own cgroup in %s", h->mnt);
			ol = strlen(h->path);
		}
		if (ol + strlen(path) >= sizeof(h->path))
			return ward_err_set(e, ENAMETOOLONG, "cgroup path %s%s",
					    h->path, path);
		strcpy(h->path + ol, path);
	}
	return 0;
}
