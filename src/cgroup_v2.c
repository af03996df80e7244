/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
/* cgroup v2 interface files: controllers, limits, unified keys, freezer. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "cgroup_int.h"
#include "log.h"

/* runc's mapping, so the same config gets the same share on both. */
uint64_t
cg_v2_cpu_weight(uint64_t shares)
{
	if (shares == 0)
		return 0;
	return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t
cg_v2_io_weight(uint64_t w)
{
	if (w == 0)
		return 0;
	return 1 + ((w - 10) * 9999) / 990;
}

/* OCI swap is memory+swap; memory.swap.max is swap alone. */
int
cg_v2_swap(int64_t limit, int64_t swap, char *buf, size_t len,
	   struct ward_err *e)
{
	if (swap == -1) {
		snprintf(buf, len, "max");
		return 0;
	}
	if (limit <= 0)
		return ward_err_set(e, EINVAL, "linux.resources.memory.swap: "
				    "needs a memory limit on cgroup v2");
	if (swap < limit)
		return ward_err_set(e, EINVAL, "linux.resources.memory.swap: "
				    "below the memory limit");
	snprintf(buf, len, "%lld", (long long)(swap - limit));
	return 0;
}

static int
enable_at(int dirfd, const struct ward_cgroup_hier *h, int c, bool required,
	  struct ward_err *e)
{
	struct cg_dir d = { dirfd, true, h->mnt, h->path };
	struct ward_err soft = { 0 };
	char buf[64];
	int ret;

	snprintf(buf, sizeof(buf), "+%s", cg_ctrl_name(c, true));
	ret = cg_write(&d, "cgroup.subtree_control", buf,
		       required ? e : &soft);
	if (ret < 0 && !required) {
		/* Only statistics depend on it. */
		ward_warn("cgroup: %s", soft.msg);
		return 0;
	}
	return ret;
}

/*
 * A v2 controller is usable in a cgroup only when every ancestor enables it
 * in cgroup.subtree_control, from the hierarchy root down to the parent.
 */
int
cg_v2_enable(const struct ward_cgroup *cg, uint32_t need, struct ward_err *e)
{
	const struct ward_cgroup_hier *h = &cg->h[cg->unified];
	uint32_t want = need;
	_cleanup_close_ int fd = -1;
	const char *p = h->path;
	int ret = 0;

	/* On pure v2 the stats need these even without limits. */
	if (cg->mode == WARD_CGROUP_V2)
		want |= (CG_BIT(WARD_CG_CPU) | CG_BIT(WARD_CG_MEMORY) |
			 CG_BIT(WARD_CG_PIDS) | CG_BIT(WARD_CG_BLKIO)) &
			cg->v2_avail;
	want &= cg->v2_avail;
	if (want == 0)
		return 0;
	fd = open(h->mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return ward_err_set(e, errno, "open %s", h->mnt);
	for (;;) {
		size_t len;
		char comp[NAME_MAX + 1];
		int next;

		p += strspn(p, "/");
		len = strcspn(p, "/");
		if (len == 0)
			break;
		/* fd is the parent of component p: enable for p. */
		for (int c = 0; c < WARD_CG__N && ret == 0; c++)
			if (want & CG_BIT(c))
				ret = enable_at(fd, h, c, need & CG_BIT(c), e);
		if (ret < 0)
			return ret;
		/* The leaf itself enables nothing for children it has not. */
		if (p[len + strspn(p + len, "/")] == '\0')
			break;
		if (len > NAME_MAX)
			return ward_err_set(e, ENAMETOOLONG, "%s", h->path);
		memcpy(comp, p, len);
		comp[len] = '\0';
		next = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
				      O_NOFOLLOW);
		if (next < 0)
			return ward_err_set(e, errno, "open %s%s", h->mnt, h->path);
		close(fd);
		fd = next;
		p += len;
	}
	return 0;
}

static int
v2_bytes(const struct cg_dir *d, const char *file, int64_t v,
	 struct ward_err *e)
{
	if (v == -1)
		return cg_write(d, file, "max", e);
	return cg_writef(d, file, e, "%lld", (long long)v);
}

static int
v2_swap(const struct cg_dir *d, const struct ward_memory *m,
	struct ward_err *e)
{
	int64_t limit = m->has_limit ? m->limit : 0;
	char buf[32];
	int ret;

	if (!cg_has_file(d, "memory.swap.max"))
		return ward_err_set(e, ENOTSUP, "linux.resources.memory.swap: "
				    "this kernel has no swap accounting");
	/* An update may change swap alone: the current limit is the base. */
	if (limit <= 0 && m->swap != -1) {
		uint64_t cur;

		ret = cg_read_u64(d, "memory.max", &cur, e);
		if (ret < 0)
			return ret;
		limit = cur == UINT64_MAX ? -1 : (int64_t)cur;
	}
	ret = cg_v2_swap(limit, m->swap, buf, sizeof(buf), e);
	return ret < 0 ? ret : cg_write(d, "memory.swap.max", buf, e);
}

/* checkBeforeUpdate: refuse a limit below what is in use right now. */
int
cg_check_usage(const struct cg_dir *d, const char *file,
	       const struct ward_memory *m, struct ward_err *e)
{
	uint64_t cur;
	int ret;

	if (!m->has_check_before_update || !m->check_before_update ||
	    !m->has_limit || m->limit <= 0)
		return 0;
	ret = cg_read_u64(d, file, &cur, e);
	if (ret == 0 && cur > (uint64_t)m->limit)
		return ward_err_set(e, EBUSY, "linux.resources.memory.limit: "
				    "%lld is below the current usage %llu",
				    (long long)m->limit,
				    (unsigned long long)cur);
	return ret;
}

int
cg_v2_memory(const struct cg_dir *d, const struct ward_memory *m, bool update,
	     struct ward_err *e)
{
	int ret = update ? cg_check_usage(d, "memory.current", m, e) : 0;

	if (ret == 0 && m->has_limit && m->limit != 0)
		ret = v2_bytes(d, "memory.max", m->limit, e);
	if (ret == 0 && m->has_swap && m->swap != 0)
		ret = v2_swap(d, m, e);
	if (ret == 0 && m->has_reservation && m->reservation != 0)
		ret = v2_bytes(d, "memory.low", m->reservation, e);
	return ret;
}

int
cg_v2_cpu(const struct cg_dir *d, const struct ward_cpu *c, struct ward_err *e)
{
	char quota[32] = "max";
	int ret = 0;

	if (c->has_shares && c->shares != 0)
		ret = cg_writef(d, "cpu.weight", e, "%llu",
				(unsigned long long)cg_v2_cpu_weight(c->shares));
	if (ret == 0 && c->has_quota && c->quota > 0)
		snprintf(quota, sizeof(quota), "%lld", (long long)c->quota);
	/* A period alone keeps the current quota, which cpu.max would reset. */
	if (ret == 0 && !c->has_quota && c->has_period && c->period != 0) {
		ret = cg_read(d, "cpu.max", quota, sizeof(quota), e);
		quota[strcspn(quota, " ")] = '\0';
	}
	if (ret == 0 && c->has_period && c->period != 0)
		ret = cg_writef(d, "cpu.max", e, "%s %llu", quota,
				(unsigned long long)c->period);
	else if (ret == 0 && c->has_quota && c->quota != 0)
		ret = cg_write(d, "cpu.max", quota, e);
	if (ret == 0 && c->has_burst)
		ret = cg_writef(d, "cpu.max.burst", e, "%llu",
				(unsigned long long)c->burst);
	if (ret == 0 && c->has_idle)
		ret = cg_writef(d, "cpu.idle", e, "%lld", (long long)c->idle);
	return ret;
}

int
cg_v2_pids(const struct cg_dir *d, int64_t limit, struct ward_err *e)
{
	if (limit <= 0)
		return cg_write(d, "pids.max", "max", e);
	return cg_writef(d, "pids.max", e, "%lld", (long long)limit);
}

/* BFQ keeps blkio's 1..1000 scale; io.weight is 1..10000. */
static int
v2_weight(const struct cg_dir *d, const char *dev, uint16_t w,
	  struct ward_err *e)
{
	if (cg_has_file(d, "io.bfq.weight"))
		return cg_writef(d, "io.bfq.weight", e, "%s%u", dev, w);
	return cg_writef(d, "io.weight", e, "%s%llu", dev,
			 (unsigned long long)cg_v2_io_weight(w));
}

int
cg_v2_io(const struct cg_dir *d, const struct ward_block_io *b,
	 struct ward_err *e)
{
	static const char *const keys[WARD_THROTTLE__N] = {
		[WARD_THROTTLE_READ_BPS] = "rbps",
		[WARD_THROTTLE_WRITE_BPS] = "wbps",
		[WARD_THROTTLE_READ_IOPS] = "riops",
		[WARD_THROTTLE_WRITE_IOPS] = "wiops",
	};
	int ret = 0;

	if (b->has_weight && b->weight != 0)
		ret = v2_weight(d, "", b->weight, e);
	for (size_t i = 0; ret == 0 && i < b->n_weight_device; i++) {
		const struct ward_weight_device *w = &b->weight_device[i];
		char dev[48];

		snprintf(dev, sizeof(dev), "%lld:%lld ", (long long)w->major,
			 (long long)w->minor);
		if (w->has_weight)
			ret = v2_weight(d, dev, w->weight, e);
	}
	for (int t = 0; t < WARD_THROTTLE__N; t++)
		for (size_t i = 0; ret == 0 && i < b->n_throttle[t]; i++) {
			const struct ward_throttle_device *x = &b->throttle[t][i];

			ret = cg_writef(d, "io.max", e, "%lld:%lld %s=%llu",
					(long long)x->major, (long long)x->minor,
					keys[t], (unsigned long long)x->rate);
		}
	return ret;
}

int
cg_v2_hugetlb(const struct cg_dir *d, const struct ward_hugepage_limit *h,
	      size_t n, struct ward_err *e)
{
	for (size_t i = 0; i < n; i++) {
		char file[96];
		int ret;

		snprintf(file, sizeof(file), "hugetlb.%s.max", h[i].page_size);
		ret = cg_writef(d, file, e, "%llu",
				(unsigned long long)h[i].limit);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* Keys were checked by the plan: bare names, no cgroup.procs & co. */
int
cg_v2_unified(const struct cg_dir *d, const struct ward_kv *kv, size_t n,
	      struct ward_err *e)
{
	for (size_t i = 0; i < n; i++) {
		int ret = cg_write(d, kv[i].key, kv[i].value, e);

		if (ret < 0)
			return ret;
	}
	return 0;
}

static unsigned int
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned int)(ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* Wait until cgroup.events shows "key want"; the file polls POLLPRI. */
static int
wait_event(const struct cg_dir *d, const char *key, uint64_t want,
	   struct ward_err *e)
{
	_cleanup_close_ int fd = openat(d->fd, "cgroup.events",
					O_RDONLY | O_CLOEXEC);
	unsigned int start = now_ms();
	uint64_t v = 0;
	int ret;

	if (fd < 0)
		return ward_err_set(e, errno, "open %s%s/cgroup.events", d->mnt,
				    d->path);
	for (;;) {
		struct pollfd pfd = { fd, POLLPRI, 0 };

		ret = cg_read_key(d, "cgroup.events", key, &v, e);
		if (ret < 0 || v == want)
			return ret;
		if (now_ms() - start >= CG_SETTLE_MS)
			return ward_err_set(e, EBUSY, "%s%s: cgroup.events %s "
					    "still %llu", d->mnt, d->path, key,
					    (unsigned long long)v);
		/* Short ticks: a change between read and poll is not lost. */
		if (poll(&pfd, 1, 50) < 0 && errno != EINTR)
			return ward_err_set(e, errno, "poll cgroup.events");
	}
}

int
cg_v2_freeze(const struct cg_dir *d, bool frozen, struct ward_err *e)
{
	int ret;

	if (!cg_has_file(d, "cgroup.freeze"))
		return ward_err_set(e, ENOTSUP, "%s%s: no cgroup.freeze (kernel "
				    "older than 5.2)", d->mnt, d->path);
	ret = cg_write(d, "cgroup.freeze", frozen ? "1" : "0", e);
	if (ret == 0)
		ret = wait_event(d, "frozen", frozen ? 1 : 0, e);
	if (ret < 0 && frozen)
		cg_write(d, "cgroup.freeze", "0", &(struct ward_err){ 0 });
	return ret;
}

int
cg_v2_wait_empty(const struct cg_dir *d, struct ward_err *e)
{
	return wait_event(d, "populated", 0, e);
}
