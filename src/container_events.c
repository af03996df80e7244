/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `events`: the container's cgroup statistics in the JSON shape containerd's
 * runc shim parses (go-runc's Stats), once with --stats, or as a stream of
 * stats and oom events until the container stops.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <yajl/yajl_gen.h>

#include "ward/cleanup.h"
#include "container.h"
#include "container_ctl.h"
#include "sys.h"

static void
key(yajl_gen g, const char *k)
{
	yajl_gen_string(g, (const unsigned char *)k, strlen(k));
}

/* As a number literal: uint64 values above INT64_MAX ("max") stay exact. */
static void
u64(yajl_gen g, const char *k, uint64_t v)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%" PRIu64, v);

	if (k != NULL)
		key(g, k);
	yajl_gen_number(g, buf, (size_t)n);
}

static void
gen_cpu(yajl_gen g, const struct ward_cgroup_stats *s)
{
	key(g, "cpu");
	yajl_gen_map_open(g);
	key(g, "usage");
	yajl_gen_map_open(g);
	u64(g, "total", s->cpu.total);
	key(g, "percpu");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < s->cpu.n_percpu; i++)
		u64(g, NULL, s->cpu.percpu[i]);
	yajl_gen_array_close(g);
	u64(g, "kernel", s->cpu.kernel);
	u64(g, "user", s->cpu.user);
	yajl_gen_map_close(g);
	key(g, "throttling");
	yajl_gen_map_open(g);
	u64(g, "periods", s->cpu.periods);
	u64(g, "throttledPeriods", s->cpu.throttled_periods);
	u64(g, "throttledTime", s->cpu.throttled_time);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
}

static void
mem_entry(yajl_gen g, const char *k, const struct ward_cgroup_memory_entry *m)
{
	key(g, k);
	yajl_gen_map_open(g);
	u64(g, "limit", m->limit);
	u64(g, "usage", m->usage);
	u64(g, "max", m->max);
	u64(g, "failcnt", m->failcnt);
	yajl_gen_map_close(g);
}

static void
gen_memory(yajl_gen g, const struct ward_cgroup_stats *s)
{
	key(g, "memory");
	yajl_gen_map_open(g);
	u64(g, "cache", s->memory.cache);
	mem_entry(g, "usage", &s->memory.usage);
	mem_entry(g, "swap", &s->memory.swap);
	mem_entry(g, "kernel", &s->memory.kernel);
	mem_entry(g, "kernelTCP", &s->memory.kernel_tcp);
	key(g, "raw");
	yajl_gen_map_open(g);
	for (size_t i = 0; i < s->memory.n_raw; i++)
		u64(g, s->memory.raw[i].key, s->memory.raw[i].value);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
}

static void
blk_list(yajl_gen g, const char *k, const struct ward_cgroup_blkio_entry *v,
	 size_t n)
{
	key(g, k);
	yajl_gen_array_open(g);
	for (size_t i = 0; i < n; i++) {
		yajl_gen_map_open(g);
		u64(g, "major", v[i].major);
		u64(g, "minor", v[i].minor);
		key(g, "op");
		key(g, v[i].op);
		u64(g, "value", v[i].value);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
}

static void
gen_data(yajl_gen g, const struct ward_cgroup_stats *s)
{
	key(g, "data");
	yajl_gen_map_open(g);
	gen_cpu(g, s);
	gen_memory(g, s);
	key(g, "pids");
	yajl_gen_map_open(g);
	u64(g, "current", s->pids.current);
	u64(g, "limit", s->pids.limit);
	yajl_gen_map_close(g);
	key(g, "blkio");
	yajl_gen_map_open(g);
	blk_list(g, "ioServiceBytesRecursive", s->blkio.service_bytes,
		 s->blkio.n_service_bytes);
	blk_list(g, "ioServicedRecursive", s->blkio.serviced,
		 s->blkio.n_serviced);
	yajl_gen_map_close(g);
	/* No hugetlb statistics yet: an empty map, as runc prints without any. */
	key(g, "hugetlb");
	yajl_gen_map_open(g);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
}

/* {"type":T,"id":ID[,"data":{...}]} as one line (malloc'd). */
static int
event_json(const char *type, const char *id, const struct ward_cgroup_stats *s,
	   char **json, struct ward_err *e)
{
	const unsigned char *buf;
	size_t len;
	yajl_gen g = yajl_gen_alloc(NULL);

	if (g == NULL)
		return ward_err_set(e, ENOMEM, "event json");
	yajl_gen_map_open(g);
	key(g, "type");
	key(g, type);
	key(g, "id");
	key(g, id);
	if (s != NULL)
		gen_data(g, s);
	yajl_gen_map_close(g);
	if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok ||
	    (*json = strndup((const char *)buf, len)) == NULL) {
		yajl_gen_free(g);
		return ward_err_set(e, ENOMEM, "event json");
	}
	yajl_gen_free(g);
	return 0;
}

static int
stats_event(const struct ward_state *st, const struct ward_cgroup *cg,
	    char **json, struct ward_err *e)
{
	struct ward_cgroup_stats s;
	int ret;

	memset(&s, 0, sizeof(s));
	ret = ward_cgroup_stats(cg, &s, e);
	if (ret == 0)
		ret = event_json("stats", st->id, &s, json, e);
	ward_cgroup_stats_free(&s);
	return ret;
}

static int
load_live(const char *root, const char *id, struct ward_state *st,
	  struct ward_cgroup **cg, struct ward_err *e)
{
	int ret = ward_ctl_load_state(root, id, st, e);

	if (ret < 0)
		return ret;
	if (ward_state_status(st) == WARD_STATUS_STOPPED)
		return ward_err_set(e, ESRCH, "container \"%s\" is stopped: "
				    "container not running", id);
	return ward_ctl_open_cgroup(st, cg, e);
}

int
ward_container_stats_json(const char *root, const char *id, char **json,
			  struct ward_err *e)
{
	struct ward_cgroup *cg = NULL;
	struct ward_state st;
	int ret;

	ret = load_live(root, id, &st, &cg, e);
	if (ret == 0)
		ret = stats_event(&st, cg, json, e);
	free(cg);
	return ret;
}

struct stream {
	const struct ward_state *st;
	const struct ward_cgroup *cg;
	int (*emit)(const char *json, void *arg);
	void *arg;
	int oom_fd;		/* -1 without a memory controller */
	int pidfd;		/* the init: readable once it exits */
	uint64_t ooms;
	uint64_t oom_until;	/* watching the kill count until then, or 0 */
};

static int
emit_json(struct stream *s, char *json, struct ward_err *e)
{
	int ret = s->emit(json, s->arg);

	free(json);
	return ret < 0 ? ward_err_set(e, -ret, "events: write") : 0;
}

/*
 * v1 signals the eventfd when the cgroup enters OOM, before the victim is
 * killed and counted; inotify on v2 fires for every memory.events change.
 * So a wakeup only arms a short watch: an oom event is emitted when the
 * kill count grows within it, once per growth.
 */
#define OOM_WATCH_MS 1000
#define OOM_POLL_MS 10

static int
check_oom(struct stream *s, uint64_t now, struct ward_err *e)
{
	uint64_t n = 0;
	char *json = NULL;
	int ret;

	if (ward_cgroup_oom_count(s->cg, &n, &(struct ward_err){ 0 }) < 0 ||
	    n <= s->ooms) {
		if (now >= s->oom_until)
			s->oom_until = 0;
		return 0;
	}
	s->ooms = n;
	s->oom_until = 0;
	ret = event_json("oom", s->st->id, NULL, &json, e);
	return ret < 0 ? ret : emit_json(s, json, e);
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int
poll_timeout(const struct stream *s, uint64_t now, uint64_t next)
{
	uint64_t t = now >= next ? 0 : next - now;

	if (s->oom_until != 0 && t > OOM_POLL_MS)
		t = OOM_POLL_MS;
	return (int)t;
}

static int
stream_loop(struct stream *s, unsigned int interval_ms, struct ward_err *e)
{
	uint64_t next = now_ms() + interval_ms;

	for (;;) {
		struct pollfd fds[2] = { { .fd = s->pidfd, .events = POLLIN },
					 { .fd = s->oom_fd, .events = POLLIN } };
		char *json = NULL;
		int ret = 0;

		if (poll(fds, 2, poll_timeout(s, now_ms(), next)) < 0) {
			if (errno == EINTR)
				continue;
			return ward_err_set(e, errno, "events: poll");
		}
		if (fds[1].revents != 0) {
			ward_cgroup_oom_ack(s->oom_fd);
			s->oom_until = now_ms() + OOM_WATCH_MS;
		}
		/* An OOM that killed the init is reported before we leave. */
		if (s->oom_fd >= 0 && (s->oom_until != 0 || fds[0].revents != 0))
			ret = check_oom(s, now_ms(), e);
		if (ret < 0 || fds[0].revents != 0)
			return ret;
		if (now_ms() < next)
			continue;
		next += interval_ms;
		ret = stats_event(s->st, s->cg, &json, e);
		if (ret == 0)
			ret = emit_json(s, json, e);
		if (ret < 0)
			return ward_state_status(s->st) == WARD_STATUS_STOPPED ? 0 : ret;
	}
}

/* The init's pidfd, verified to be the init we recorded (pid reuse). */
static int
open_init(const struct ward_state *st, int *out, struct ward_err *e)
{
	_cleanup_close_ int fd = ward_pidfd_open(st->pid, 0);

	if (fd < 0 && errno != ESRCH)
		return ward_err_set(e, errno, "pidfd_open %d", (int)st->pid);
	if (fd < 0 || ward_state_status(st) == WARD_STATUS_STOPPED)
		return ward_err_set(e, ESRCH, "container \"%s\" is stopped: "
				    "container not running", st->id);
	*out = take_fd(&fd);
	return 0;
}

int
ward_container_events(const char *root, const char *id,
		      unsigned int interval_ms,
		      int (*emit)(const char *json, void *arg), void *arg,
		      struct ward_err *e)
{
	struct ward_cgroup *cg = NULL;
	struct ward_state st;
	_cleanup_close_ int oom_fd = -1, pidfd = -1;
	struct stream s = { .emit = emit, .arg = arg };
	int ret;

	if (interval_ms == 0)
		return ward_err_set(e, EINVAL, "events: the interval must be positive");
	ret = load_live(root, id, &st, &cg, e);
	if (ret == 0)
		ret = open_init(&st, &pidfd, e);
	if (ret < 0) {
		free(cg);
		return ret;
	}
	/* Without a memory controller there are no OOM kills to report. */
	if (ward_cgroup_oom_fd(cg, &oom_fd, &(struct ward_err){ 0 }) == 0)
		ward_cgroup_oom_count(cg, &s.ooms, &(struct ward_err){ 0 });
	s.st = &st;
	s.cg = cg;
	s.oom_fd = oom_fd;
	s.pidfd = pidfd;
	ret = stream_loop(&s, interval_ms, e);
	free(cg);
	return ret;
}
