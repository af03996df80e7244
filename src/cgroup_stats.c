/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
/*
 * Statistics for `events --stats`, from wherever each controller lives.
 * Best effort per file: a counter this kernel lacks stays 0 rather than
 * failing the whole report (statistics are not enforcement).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup_int.h"

static uint64_t
opt_u64(const struct cg_dir *d, const char *file)
{
	uint64_t v = 0;

	if (cg_read_u64(d, file, &v, &(struct ward_err){ 0 }) < 0)
		return 0;
	return v;
}

static uint64_t
opt_key(const struct cg_dir *d, const char *file, const char *key)
{
	uint64_t v = 0;

	if (cg_read_key(d, file, key, &v, &(struct ward_err){ 0 }) < 0)
		return 0;
	return v;
}

static int
read_percpu(const struct cg_dir *d, struct ward_cgroup_stats *st,
	    struct ward_err *e)
{
	char buf[8192], *save = NULL;
	size_t n = 0;
	int ret = cg_read(d, "cpuacct.usage_percpu", buf, sizeof(buf), e);

	if (ret < 0)
		return ret;
	st->cpu.percpu = calloc(strlen(buf) / 2 + 1, sizeof(uint64_t));
	if (st->cpu.percpu == NULL)
		return ward_err_set(e, ENOMEM, "stats");
	for (char *t = strtok_r(buf, " ", &save); t != NULL;
	     t = strtok_r(NULL, " ", &save))
		if (ward_parse_u64(t, &st->cpu.percpu[n]) == 0)
			n++;
	st->cpu.n_percpu = n;
	return 0;
}

static int
cpu_v1(const struct cg_dir *d, struct ward_cgroup_stats *st,
       struct ward_err *e)
{
	long tck = sysconf(_SC_CLK_TCK);

	st->cpu.total = opt_u64(d, "cpuacct.usage");
	if (cg_has_file(d, "cpuacct.usage_user")) {
		st->cpu.user = opt_u64(d, "cpuacct.usage_user");
		st->cpu.kernel = opt_u64(d, "cpuacct.usage_sys");
	} else if (tck > 0) {
		/* cpuacct.stat counts USER_HZ ticks. */
		st->cpu.user = opt_key(d, "cpuacct.stat", "user") *
			       (1000000000ull / (uint64_t)tck);
		st->cpu.kernel = opt_key(d, "cpuacct.stat", "system") *
				 (1000000000ull / (uint64_t)tck);
	}
	return read_percpu(d, st, e);
}

static void
cpu_v2(const struct cg_dir *d, struct ward_cgroup_stats *st)
{
	st->cpu.total = opt_key(d, "cpu.stat", "usage_usec") * 1000;
	st->cpu.user = opt_key(d, "cpu.stat", "user_usec") * 1000;
	st->cpu.kernel = opt_key(d, "cpu.stat", "system_usec") * 1000;
	st->cpu.periods = opt_key(d, "cpu.stat", "nr_periods");
	st->cpu.throttled_periods = opt_key(d, "cpu.stat", "nr_throttled");
	st->cpu.throttled_time = opt_key(d, "cpu.stat", "throttled_usec") * 1000;
}

static int
add_raw(char *line, void *arg)
{
	struct ward_cgroup_stats *st = arg;
	char *sp = strchr(line, ' ');
	struct ward_cgroup_stat_kv *kv;
	uint64_t v;

	if (sp == NULL || (size_t)(sp - line) >= sizeof(kv->key) ||
	    ward_parse_u64(sp + 1, &v) < 0)
		return 0;
	kv = realloc(st->memory.raw, (st->memory.n_raw + 1) * sizeof(*kv));
	if (kv == NULL)
		return -ENOMEM;
	st->memory.raw = kv;
	kv += st->memory.n_raw++;
	memcpy(kv->key, line, (size_t)(sp - line));
	kv->key[sp - line] = '\0';
	kv->value = v;
	return 0;
}

static uint64_t
raw(const struct ward_cgroup_stats *st, const char *key)
{
	for (size_t i = 0; i < st->memory.n_raw; i++)
		if (strcmp(st->memory.raw[i].key, key) == 0)
			return st->memory.raw[i].value;
	return 0;
}

static void
mem_entry_v1(const struct cg_dir *d, const char *prefix,
	     struct ward_cgroup_memory_entry *m)
{
	char f[96];

	snprintf(f, sizeof(f), "%s.usage_in_bytes", prefix);
	m->usage = opt_u64(d, f);
	snprintf(f, sizeof(f), "%s.max_usage_in_bytes", prefix);
	m->max = opt_u64(d, f);
	snprintf(f, sizeof(f), "%s.limit_in_bytes", prefix);
	m->limit = opt_u64(d, f);
	snprintf(f, sizeof(f), "%s.failcnt", prefix);
	m->failcnt = opt_u64(d, f);
}

static void
memory_v1(const struct cg_dir *d, struct ward_cgroup_stats *st)
{
	mem_entry_v1(d, "memory", &st->memory.usage);
	mem_entry_v1(d, "memory.memsw", &st->memory.swap);
	mem_entry_v1(d, "memory.kmem", &st->memory.kernel);
	mem_entry_v1(d, "memory.kmem.tcp", &st->memory.kernel_tcp);
	st->memory.cache = raw(st, "cache");
}

/* runc's convention: v2 "swap" is memory+swap, as v1's memsw. */
static void
memory_v2(const struct cg_dir *d, struct ward_cgroup_stats *st)
{
	struct ward_cgroup_memory_entry *u = &st->memory.usage;
	struct ward_cgroup_memory_entry *s = &st->memory.swap;
	uint64_t swap_max;

	u->usage = opt_u64(d, "memory.current");
	u->max = opt_u64(d, "memory.peak");
	u->limit = opt_u64(d, "memory.max");
	u->failcnt = opt_key(d, "memory.events", "max");
	s->usage = opt_u64(d, "memory.swap.current") + u->usage;
	s->max = opt_u64(d, "memory.swap.peak") + u->max;
	swap_max = opt_u64(d, "memory.swap.max");
	s->limit = swap_max == UINT64_MAX || u->limit == UINT64_MAX
			   ? UINT64_MAX : swap_max + u->limit;
	s->failcnt = opt_key(d, "memory.swap.events", "max");
	st->memory.cache = raw(st, "file");
}

static int
push_blk(struct ward_cgroup_blkio_entry **v, size_t *n, uint64_t major,
	 uint64_t minor, const char *op, uint64_t value)
{
	struct ward_cgroup_blkio_entry *nv = realloc(*v, (*n + 1) * sizeof(**v));

	if (nv == NULL)
		return -ENOMEM;
	*v = nv;
	nv += (*n)++;
	nv->major = major;
	nv->minor = minor;
	snprintf(nv->op, sizeof(nv->op), "%s", op);
	nv->value = value;
	return 0;
}

/* io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0". */
static int
io_v2_line(char *line, void *arg)
{
	struct ward_cgroup_stats *st = arg;
	unsigned long long maj, min, v;
	char *save = NULL, *t;
	int ret = 0;

	if (sscanf(line, "%llu:%llu", &maj, &min) != 2)
		return 0;
	strtok_r(line, " ", &save);
	while (ret == 0 && (t = strtok_r(NULL, " ", &save)) != NULL) {
		const char *op = NULL;
		bool bytes = true;

		if (sscanf(t, "rbytes=%llu", &v) == 1)
			op = "Read";
		else if (sscanf(t, "wbytes=%llu", &v) == 1)
			op = "Write";
		else if (sscanf(t, "rios=%llu", &v) == 1)
			op = "Read", bytes = false;
		else if (sscanf(t, "wios=%llu", &v) == 1)
			op = "Write", bytes = false;
		if (op != NULL && bytes)
			ret = push_blk(&st->blkio.service_bytes,
				       &st->blkio.n_service_bytes, maj, min, op, v);
		else if (op != NULL)
			ret = push_blk(&st->blkio.serviced, &st->blkio.n_serviced,
				       maj, min, op, v);
	}
	return ret;
}

/* v1 recursive files: "8:0 Read 4096" lines, then "Total N". */
static int
blk_v1_line(char *line, void *arg, bool bytes)
{
	struct ward_cgroup_stats *st = arg;
	unsigned long long maj, min, v;
	char op[16];

	if (sscanf(line, "%llu:%llu %15s %llu", &maj, &min, op, &v) != 4)
		return 0;
	if (bytes)
		return push_blk(&st->blkio.service_bytes,
				&st->blkio.n_service_bytes, maj, min, op, v);
	return push_blk(&st->blkio.serviced, &st->blkio.n_serviced, maj, min,
			op, v);
}

static int
blk_v1_bytes(char *line, void *arg)
{
	return blk_v1_line(line, arg, true);
}

static int
blk_v1_ios(char *line, void *arg)
{
	return blk_v1_line(line, arg, false);
}

static int
section(const struct ward_cgroup *cg, enum ward_cgroup_ctrl c,
	struct ward_cgroup_stats *st, struct ward_err *e)
{
	struct cg_dir d;
	int ret;

	if (cg->where[c] < 0)
		return 0;
	ret = cg_dir_open(cg, cg->where[c], &d, e);
	if (ret < 0)
		return ret;
	if (ret == 0 && c == WARD_CG_CPUACCT && !d.v2)
		ret = cpu_v1(&d, st, e);
	else if (ret == 0 && c == WARD_CG_CPUACCT)
		cpu_v2(&d, st);
	if (ret == 0 && c == WARD_CG_CPU && !d.v2) {
		st->cpu.periods = opt_key(&d, "cpu.stat", "nr_periods");
		st->cpu.throttled_periods = opt_key(&d, "cpu.stat",
						    "nr_throttled");
		st->cpu.throttled_time = opt_key(&d, "cpu.stat",
						 "throttled_time");
	}
	if (ret == 0 && c == WARD_CG_MEMORY) {
		ret = cg_read_lines(&d, "memory.stat", add_raw, st, e);
		if (ret == 0)
			(d.v2 ? memory_v2 : memory_v1)(&d, st);
	}
	if (ret == 0 && c == WARD_CG_PIDS) {
		st->pids.current = opt_u64(&d, "pids.current");
		st->pids.limit = opt_u64(&d, "pids.max");
		if (st->pids.limit == UINT64_MAX)
			st->pids.limit = 0;
	}
	if (ret == 0 && c == WARD_CG_BLKIO && d.v2)
		ret = cg_read_lines(&d, "io.stat", io_v2_line, st, e);
	else if (ret == 0 && c == WARD_CG_BLKIO)
		ret = cg_read_lines(&d, "blkio.throttle.io_service_bytes_recursive",
				    blk_v1_bytes, st, e) ?:
		      cg_read_lines(&d, "blkio.throttle.io_serviced_recursive",
				    blk_v1_ios, st, e);
	cg_dir_close(&d);
	return ret;
}

int
ward_cgroup_stats(const struct ward_cgroup *cg, struct ward_cgroup_stats *st,
		  struct ward_err *e)
{
	static const enum ward_cgroup_ctrl order[] = {
		WARD_CG_CPUACCT, WARD_CG_CPU, WARD_CG_MEMORY, WARD_CG_PIDS,
		WARD_CG_BLKIO,
	};
	int ret = 0;

	memset(st, 0, sizeof(*st));
	for (size_t i = 0; i < WARD_ARRAY_SIZE(order) && ret == 0; i++) {
		struct ward_err se = { 0 };

		ret = section(cg, order[i], st, &se);
		/* A stat file this kernel (or an unenabled v2 controller) lacks. */
		if (ret == -ENOENT)
			ret = 0;
		else if (ret < 0)
			ward_err_set(e, se.code, "%s", se.msg);
	}
	if (ret < 0)
		ward_cgroup_stats_free(st);
	return ret;
}

void
ward_cgroup_stats_free(struct ward_cgroup_stats *st)
{
	free(st->cpu.percpu);
	free(st->memory.raw);
	free(st->blkio.service_bytes);
	free(st->blkio.serviced);
	memset(st, 0, sizeof(*st));
}
