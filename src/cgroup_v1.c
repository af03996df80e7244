/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
/* cgroup v1 interface files: limits, devices lists, freezer, OOM eventfd. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "cgroup_int.h"

#define M "linux.resources.memory."

/* v1 takes -1 for "unlimited" in every *limit_in_bytes file. */
static int
write_i64(const struct cg_dir *d, const char *file, int64_t v,
	  struct ward_err *e)
{
	return cg_writef(d, file, e, "%lld", (long long)v);
}

/*
 * memory.limit_in_bytes may never exceed memsw.limit_in_bytes, so which
 * one goes first depends on the current values: try limit first, and on
 * EINVAL raise memsw first instead.
 */
static int
v1_limit_swap(const struct cg_dir *d, const struct ward_memory *m,
	      struct ward_err *e)
{
	bool lim = m->has_limit && m->limit != 0;
	bool sw = m->has_swap && m->swap != 0;
	struct ward_err first = { 0 };
	int ret;

	if (sw && !cg_has_file(d, "memory.memsw.limit_in_bytes"))
		return ward_err_set(e, ENOTSUP, M "swap: swap accounting is "
				    "disabled in this kernel (swapaccount=1)");
	if (!lim)
		return sw ? write_i64(d, "memory.memsw.limit_in_bytes", m->swap,
				      e) : 0;
	ret = write_i64(d, "memory.limit_in_bytes", m->limit, &first);
	if (ret == 0)
		return sw ? write_i64(d, "memory.memsw.limit_in_bytes", m->swap,
				      e) : 0;
	if (ret != -EINVAL || !sw) {
		*e = first;
		return ret;
	}
	ret = write_i64(d, "memory.memsw.limit_in_bytes", m->swap, e);
	if (ret == 0)
		ret = write_i64(d, "memory.limit_in_bytes", m->limit, e);
	return ret;
}

/* Kernels since 6.x accept and ignore kmem limits: read back to tell. */
static int
v1_kmem(const struct cg_dir *d, const char *file, const char *field,
	int64_t v, struct ward_err *e)
{
	uint64_t got;
	int ret;

	if (v == -1 || v == 0)
		return 0;
	ret = write_i64(d, file, v, e);
	if (ret == 0)
		ret = cg_read_u64(d, file, &got, e);
	if (ret == 0 && got != ((uint64_t)v & ~4095ull))
		return ward_err_set(e, ENOTSUP, M "%s: kernel memory limits have "
				    "no effect on this kernel", field);
	return ret;
}

int
cg_v1_memory(const struct cg_dir *d, const struct ward_memory *m, bool update,
	     struct ward_err *e)
{
	int ret = update ? cg_check_usage(d, "memory.usage_in_bytes", m, e) : 0;

	if (ret == 0)
		ret = v1_limit_swap(d, m, e);
	if (ret == 0 && m->has_reservation && m->reservation != 0)
		ret = write_i64(d, "memory.soft_limit_in_bytes", m->reservation,
				e);
	if (ret == 0 && m->has_kernel)
		ret = v1_kmem(d, "memory.kmem.limit_in_bytes", "kernel",
			      m->kernel, e);
	if (ret == 0 && m->has_kernel_tcp)
		ret = v1_kmem(d, "memory.kmem.tcp.limit_in_bytes", "kernelTCP",
			      m->kernel_tcp, e);
	if (ret == 0 && m->has_swappiness)
		ret = cg_writef(d, "memory.swappiness", e, "%llu",
				(unsigned long long)m->swappiness);
	if (ret == 0 && m->has_disable_oom_killer &&
	    (m->disable_oom_killer || update))
		ret = cg_write(d, "memory.oom_control",
			       m->disable_oom_killer ? "1" : "0", e);
	return ret;
}

int
cg_v1_cpu(const struct cg_dir *d, const struct ward_cpu *c, struct ward_err *e)
{
	int ret = 0;

	if (c->has_shares && c->shares != 0)
		ret = cg_writef(d, "cpu.shares", e, "%llu",
				(unsigned long long)c->shares);
	/* The quota is checked against the period: period first. */
	if (ret == 0 && c->has_period && c->period != 0)
		ret = cg_writef(d, "cpu.cfs_period_us", e, "%llu",
				(unsigned long long)c->period);
	if (ret == 0 && c->has_quota && c->quota != 0)
		ret = cg_writef(d, "cpu.cfs_quota_us", e, "%lld",
				(long long)c->quota);
	if (ret == 0 && c->has_burst)
		ret = cg_writef(d, "cpu.cfs_burst_us", e, "%llu",
				(unsigned long long)c->burst);
	/* The runtime must fit in the period: period first again. */
	if (ret == 0 && c->has_realtime_period)
		ret = cg_writef(d, "cpu.rt_period_us", e, "%llu",
				(unsigned long long)c->realtime_period);
	if (ret == 0 && c->has_realtime_runtime)
		ret = cg_writef(d, "cpu.rt_runtime_us", e, "%lld",
				(long long)c->realtime_runtime);
	if (ret == 0 && c->has_idle)
		ret = cg_writef(d, "cpu.idle", e, "%lld", (long long)c->idle);
	return ret;
}

/*
 * A new v1 cpuset starts with no cpus and no mems, and a task cannot join
 * it (ENOSPC) until both are set: copy the parent's.
 */
int
cg_v1_cpuset_inherit(int parent_fd, int child_fd, const char *path,
		     struct ward_err *e)
{
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
	struct cg_dir p = { parent_fd, false, path, "/.." };
	struct cg_dir c = { child_fd, false, path, "" };
	char val[4096];

	for (size_t i = 0; i < WARD_ARRAY_SIZE(files); i++) {
		int ret = cg_read(&c, files[i], val, sizeof(val), e);

		if (ret == 0 && val[0] != '\0')
			continue;
		if (ret == 0)
			ret = cg_read(&p, files[i], val, sizeof(val), e);
		if (ret == 0)
			ret = cg_write(&c, files[i], val, e);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int
cg_v1_pids(const struct cg_dir *d, int64_t limit, struct ward_err *e)
{
	if (limit <= 0)
		return cg_write(d, "pids.max", "max", e);
	return cg_writef(d, "pids.max", e, "%lld", (long long)limit);
}

/* blkio.weight went with CFQ; BFQ has its own file with the same range. */
static const char *
weight_file(const struct cg_dir *d, bool device)
{
	if (cg_has_file(d, device ? "blkio.weight_device" : "blkio.weight"))
		return device ? "blkio.weight_device" : "blkio.weight";
	return device ? "blkio.bfq.weight_device" : "blkio.bfq.weight";
}

static int
v1_throttles(const struct cg_dir *d, const struct ward_block_io *b,
	     struct ward_err *e)
{
	static const char *const files[WARD_THROTTLE__N] = {
		[WARD_THROTTLE_READ_BPS] = "blkio.throttle.read_bps_device",
		[WARD_THROTTLE_WRITE_BPS] = "blkio.throttle.write_bps_device",
		[WARD_THROTTLE_READ_IOPS] = "blkio.throttle.read_iops_device",
		[WARD_THROTTLE_WRITE_IOPS] = "blkio.throttle.write_iops_device",
	};

	for (int t = 0; t < WARD_THROTTLE__N; t++)
		for (size_t i = 0; i < b->n_throttle[t]; i++) {
			const struct ward_throttle_device *x = &b->throttle[t][i];
			int ret = cg_writef(d, files[t], e, "%lld:%lld %llu",
					    (long long)x->major,
					    (long long)x->minor,
					    (unsigned long long)x->rate);

			if (ret < 0)
				return ret;
		}
	return 0;
}

int
cg_v1_blkio(const struct cg_dir *d, const struct ward_block_io *b,
	    struct ward_err *e)
{
	int ret = 0;

	if (b->has_weight && b->weight != 0)
		ret = cg_writef(d, weight_file(d, false), e, "%u", b->weight);
	if (ret == 0 && b->has_leaf_weight)
		ret = cg_writef(d, "blkio.leaf_weight", e, "%u", b->leaf_weight);
	for (size_t i = 0; ret == 0 && i < b->n_weight_device; i++) {
		const struct ward_weight_device *w = &b->weight_device[i];

		if (w->has_weight)
			ret = cg_writef(d, weight_file(d, true), e,
					"%lld:%lld %u", (long long)w->major,
					(long long)w->minor, w->weight);
		if (ret == 0 && w->has_leaf_weight)
			ret = cg_writef(d, "blkio.leaf_weight_device", e,
					"%lld:%lld %u", (long long)w->major,
					(long long)w->minor, w->leaf_weight);
	}
	return ret == 0 ? v1_throttles(d, b, e) : ret;
}

int
cg_v1_hugetlb(const struct cg_dir *d, const struct ward_hugepage_limit *h,
	      size_t n, struct ward_err *e)
{
	for (size_t i = 0; i < n; i++) {
		char file[96];
		int ret;

		snprintf(file, sizeof(file), "hugetlb.%s.limit_in_bytes",
			 h[i].page_size);
		ret = cg_writef(d, file, e, "%llu",
				(unsigned long long)h[i].limit);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int
cg_v1_net(const struct ward_cgroup *cg, const struct ward_resources *r,
	  struct ward_err *e)
{
	struct cg_dir d;
	int ret = 0;

	if (r->has_net_class_id) {
		ret = cg_dir_ctrl(cg, WARD_CG_NET_CLS, &d, e);
		if (ret == 0)
			ret = cg_writef(&d, "net_cls.classid", e, "%u",
					r->net_class_id);
		cg_dir_close(&d);
	}
	if (ret < 0 || r->n_net_priorities == 0)
		return ret;
	ret = cg_dir_ctrl(cg, WARD_CG_NET_PRIO, &d, e);
	for (size_t i = 0; ret == 0 && i < r->n_net_priorities; i++)
		ret = cg_writef(&d, "net_prio.ifpriomap", e, "%s %u",
				r->net_priorities[i].name,
				r->net_priorities[i].priority);
	cg_dir_close(&d);
	return ret;
}

static void
access_str(unsigned int bits, char out[4])
{
	size_t k = 0;

	if (bits & 2)
		out[k++] = 'r';
	if (bits & 4)
		out[k++] = 'w';
	if (bits & 1)
		out[k++] = 'm';
	out[k] = '\0';
}

static void
num(int64_t v, char *out, size_t len)
{
	if (v < 0)
		snprintf(out, len, "*");
	else
		snprintf(out, len, "%lld", (long long)v);
}

/*
 * Writes in rule order, so later rules override earlier ones as in the
 * kernel's list. "a" is only written for rwm: the kernel ignores the access
 * of an "a" rule, so a partial one is spelled as its c and b halves.
 */
int
cg_v1_devices(const struct cg_dir *d, const struct ward_cgroup_dev *r,
	      size_t n, struct ward_err *e)
{
	for (size_t i = 0; i < n; i++) {
		const char *file = r[i].allow ? "devices.allow" : "devices.deny";
		char acc[4], maj[24], min[24];
		int ret;

		access_str(r[i].access, acc);
		num(r[i].major, maj, sizeof(maj));
		num(r[i].minor, min, sizeof(min));
		if (r[i].type == 'a' && r[i].access == 7)
			ret = cg_write(d, file, "a", e);
		else if (r[i].type == 'a')
			ret = cg_writef(d, file, e, "c *:* %s", acc) ?:
			      cg_writef(d, file, e, "b *:* %s", acc);
		else
			ret = cg_writef(d, file, e, "%c %s:%s %s", r[i].type,
					maj, min, acc);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int
cg_v1_freeze(const struct cg_dir *d, bool frozen, struct ward_err *e)
{
	const char *want = frozen ? "FROZEN" : "THAWED";
	char state[32];
	unsigned int waited = 0, step = 1;

	for (;;) {
		/* Re-writing FROZEN retries tasks that were busy last time. */
		int ret = cg_write(d, "freezer.state", want, e);

		if (ret == 0)
			ret = cg_read(d, "freezer.state", state, sizeof(state), e);
		if (ret < 0)
			return ret;
		if (strcmp(state, want) == 0)
			return 0;
		if (waited >= CG_SETTLE_MS)
			break;
		cg_sleep_ms(step);
		waited += step;
		step = step < 64 ? step * 2 : step;
	}
	if (frozen)
		cg_write(d, "freezer.state", "THAWED", &(struct ward_err){ 0 });
	return ward_err_set(e, EBUSY, "%s%s: freezer still %s after %u ms",
			    d->mnt, d->path, state, waited);
}

/* cgroup.event_control wires an eventfd to memory.oom_control. */
int
cg_v1_oom_fd(const struct cg_dir *d, int *fd, struct ward_err *e)
{
	_cleanup_close_ int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	_cleanup_close_ int ofd = -1;
	int ret;

	if (efd < 0)
		return ward_err_set(e, errno, "eventfd");
	ofd = openat(d->fd, "memory.oom_control", O_RDONLY | O_CLOEXEC);
	if (ofd < 0)
		return ward_err_set(e, errno, "open %s%s/memory.oom_control",
				    d->mnt, d->path);
	ret = cg_writef(d, "cgroup.event_control", e, "%d %d", efd, ofd);
	if (ret < 0)
		return ret;
	*fd = take_fd(&efd);
	return 0;
}
