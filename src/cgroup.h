/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cgroups, v1, v2 and the hybrid layout (v1 controllers plus a cgroup2
 * mount). The host's layout is detected at run time from
 * /proc/self/mountinfo, or taken from WARD_CGROUP_ROOT (a cgroup2 mount used
 * as a pure v2 layout: how tests get v2 on a hybrid host). Each controller
 * lives in exactly one place (a v1 hierarchy or the unified one); limits are
 * written where it lives, so a hybrid host with hugetlb only on cgroup2 gets
 * it there.
 *
 * Everything happens in the runtime: plan (validate, compute paths, build the
 * device program) before anything exists; create (mkdir, limits, devices)
 * before the init is cloned; the init is born in the v2 cgroup through
 * CLONE_INTO_CGROUP and attached to the v1 ones before it runs anything.
 */
#ifndef WARD_CGROUP_H
#define WARD_CGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "spec.h"

enum ward_cgroup_mode {
	WARD_CGROUP_V1 = 1,
	WARD_CGROUP_HYBRID,
	WARD_CGROUP_V2,
};

/* Controllers ward knows; BLKIO is "io" on v2, SYSTEMD is name=systemd. */
enum ward_cgroup_ctrl {
	WARD_CG_CPU,
	WARD_CG_CPUACCT,
	WARD_CG_CPUSET,
	WARD_CG_MEMORY,
	WARD_CG_DEVICES,
	WARD_CG_FREEZER,
	WARD_CG_BLKIO,
	WARD_CG_PIDS,
	WARD_CG_HUGETLB,
	WARD_CG_NET_CLS,
	WARD_CG_NET_PRIO,
	WARD_CG_PERF_EVENT,
	WARD_CG_RDMA,
	WARD_CG_MISC,
	WARD_CG_SYSTEMD,
	WARD_CG__N
};

#define WARD_CGROUP_MAX_HIER 16
#define WARD_CGROUP_MNT_MAX 256

/* One mounted hierarchy and the container's cgroup in it. */
struct ward_cgroup_hier {
	char mnt[WARD_CGROUP_MNT_MAX];	/* mount point */
	bool v2;
	uint32_t ctrls;			/* v1: controllers bound here (bits) */
	char path[PATH_MAX];		/* cgroup path in it, "/ward/<id>" */
	unsigned int created;		/* trailing levels ward made (rmdir) */
};

/*
 * A container's cgroup: the layout plus its path in every hierarchy. Built
 * by ward_cgroup_plan() for create, or by ward_cgroup_open() from the
 * description saved in state.json for every later command.
 */
struct ward_cgroup {
	enum ward_cgroup_mode mode;
	bool overridden;		/* layout from WARD_CGROUP_ROOT */
	size_t n;
	struct ward_cgroup_hier h[WARD_CGROUP_MAX_HIER];
	int where[WARD_CG__N];		/* index into h[], or -1 if absent */
	int unified;			/* index of the cgroup2 hierarchy or -1 */
	uint32_t v2_avail;		/* controllers in the v2 root's list */
};

/* A device cgroup rule in its final form; access bits as BPF_DEVCG_ACC_*. */
struct ward_cgroup_dev {
	bool allow;
	char type;			/* 'a', 'c', 'b' */
	int64_t major, minor;		/* -1 = wildcard */
	unsigned int access;		/* 1 mknod, 2 read, 4 write */
};

struct ward_cgroup_plan {
	struct ward_cgroup cg;
	const struct ward_resources *res;	/* in the spec; NULL = none */
	struct ward_cgroup_dev *dev;	/* deny-all, spec rules, defaults */
	size_t n_dev;
	void *bpf;			/* struct bpf_insn[], v2 device program */
	size_t n_bpf;
	uint32_t need;			/* controllers a limit needs (bits) */
};

/*
 * Validate linux.cgroupsPath and linux.resources against this host's layout
 * and compute everything create needs. Nothing is touched on the host.
 * cgroupsPath: "" = /ward/<id>; "/a/b" from the hierarchy root; "a/b" under
 * the runtime's own cgroup (per hierarchy); with systemd, "slice:prefix:name"
 * mapped to systemd's cgroupfs path (no systemd needed).
 */
int ward_cgroup_plan(const struct ward_spec *s, const char *id, bool systemd,
		     struct ward_cgroup_plan *p, struct ward_err *e);
void ward_cgroup_plan_free(struct ward_cgroup_plan *p);

/* The path alone (for tests and messages): out gets a "/..." cgroup path. */
int ward_cgroup_path(const char *cgroups_path, const char *id, bool systemd,
		     char *out, size_t len, bool *relative, struct ward_err *e);

/*
 * mkdir in every hierarchy (remembering the levels ward made), enable v2
 * controllers, write the limits and the device rules. *v2_fd gets an
 * O_DIRECTORY fd of the cgroup2 cgroup for CLONE_INTO_CGROUP, or -1 when the
 * host has no cgroup2. On failure everything made is removed again.
 */
int ward_cgroup_create(struct ward_cgroup_plan *p, int *v2_fd,
		       struct ward_err *e);
/*
 * The same in two steps, for create: _early before clone (cgroup2 alone:
 * everything; with v1 hierarchies: the cgroup2 leaf), _late after it (the
 * v1 leaves, limits, devices; nothing on cgroup2 alone). Neither removes
 * what it made on failure: the caller kills the init, then destroys.
 */
int ward_cgroup_create_early(struct ward_cgroup_plan *p, int *v2_fd,
			     struct ward_err *e);
int ward_cgroup_create_late(struct ward_cgroup_plan *p, struct ward_err *e);

/*
 * Write pid into cgroup.procs of every hierarchy (v1, name=systemd and
 * cgroup2). Needed on v1/hybrid, harmless on v2 after CLONE_INTO_CGROUP.
 */
int ward_cgroup_attach(const struct ward_cgroup *cg, pid_t pid,
		       struct ward_err *e);

/*
 * For a task to join hierarchy i by itself: an O_WRONLY fd of its v1
 * "tasks" file (*fd = -1 for cgroup2). Writing "0" through it moves the
 * writing thread alone, which the kernel does without taking the
 * cgroup_threadgroup_rwsem, and so without the RCU grace period the first
 * write of another task's pid to cgroup.procs waits for (milliseconds
 * under load). v1 checks the credentials the fd was opened with (root's),
 * so a task in a user namespace can use it.
 */
int ward_cgroup_join_fd(const struct ward_cgroup *cg, size_t i, int *fd,
			struct ward_err *e);

/*
 * The container's cgroup in hierarchy i as a detached bind mount, private,
 * with attrs (MOUNT_ATTR_*) set: for its cgroupfs mount. Bound from the
 * host's mount, it is the same superblock and root a cgroupfs mounted in
 * the container's cgroup namespace would give (and mountinfo shows its
 * root as "/" there), without the child's fsopen/fsconfig/fsmount.
 */
int ward_cgroup_clone_dir(const struct ward_cgroup *cg, size_t i,
			  uint64_t attrs, int *fd, struct ward_err *e);

/*
 * Are there v1 hierarchies? Then the init must be attached (by the parent)
 * before it unshares its cgroup namespace: a v1 cgroupns is rooted where
 * the task is when the namespace is made, and CLONE_INTO_CGROUP only moves
 * it in the cgroup2 hierarchy (which it does root the namespace at).
 */
bool ward_cgroup_has_v1(const struct ward_cgroup *cg);

/* An O_DIRECTORY fd of the cgroup2 cgroup (for exec), or *fd = -1. */
int ward_cgroup_v2_fd(const struct ward_cgroup *cg, int *fd,
		      struct ward_err *e);

/*
 * For state.json: a one-line description, e.g.
 * "v=hybrid;c=2222222222;p=/ward/abc" (levels created per hierarchy; "p="
 * lists one path per hierarchy, '|'-separated, when they differ;
 * "r=<dir>" records WARD_CGROUP_ROOT). -ENAMETOOLONG if len is too small.
 */
int ward_cgroup_describe(const struct ward_cgroup *cg, char *buf, size_t len);
int ward_cgroup_open(const char *desc, struct ward_cgroup *cg,
		     struct ward_err *e);

/*
 * Remove the cgroup: with kill, SIGKILL whatever is left first (cgroup.kill
 * on v2; freeze, kill, thaw on v1); wait until it is empty; rmdir the leaf
 * and the parents ward created, in every hierarchy. Already gone is success.
 */
int ward_cgroup_destroy(const struct ward_cgroup *cg, bool kill,
			struct ward_err *e);

/* Every pid in the cgroup and below it (malloc'd), for ps and kill --all. */
int ward_cgroup_pids(const struct ward_cgroup *cg, pid_t **pids, size_t *n,
		     struct ward_err *e);

/* Freeze or thaw, returning once the state has settled (or an error). */
int ward_cgroup_freeze(const struct ward_cgroup *cg, bool frozen,
		       struct ward_err *e);
bool ward_cgroup_is_frozen(const struct ward_cgroup *cg);

/*
 * Change limits on a live cgroup: only the fields present in r. Device
 * rules cannot change on a running container: r->devices must be empty or
 * equal to cur->devices (cur: the container's own hardened resources, as
 * containerd resends them with every update; NULL = none), else EPERM.
 */
int ward_cgroup_update(const struct ward_cgroup *cg,
		       const struct ward_resources *r,
		       const struct ward_resources *cur, struct ward_err *e);

/* Statistics in the shape of containerd's runc-shim stats event. */
struct ward_cgroup_memory_entry {
	uint64_t limit, usage, max, failcnt;
};

struct ward_cgroup_stat_kv {
	char key[64];
	uint64_t value;
};

struct ward_cgroup_blkio_entry {
	uint64_t major, minor;
	char op[16];			/* "Read", "Write", "Sync", ... */
	uint64_t value;
};

struct ward_cgroup_stats {
	struct {
		uint64_t total, kernel, user;	/* ns */
		uint64_t *percpu;		/* ns; v1 only */
		size_t n_percpu;
		uint64_t periods, throttled_periods, throttled_time;
	} cpu;
	struct {
		uint64_t cache;
		struct ward_cgroup_memory_entry usage, swap, kernel, kernel_tcp;
		struct ward_cgroup_stat_kv *raw;	/* memory.stat */
		size_t n_raw;
	} memory;
	struct {
		uint64_t current, limit;	/* limit 0 = unlimited */
	} pids;
	struct {
		struct ward_cgroup_blkio_entry *service_bytes;
		size_t n_service_bytes;
		struct ward_cgroup_blkio_entry *serviced;
		size_t n_serviced;
	} blkio;
};

int ward_cgroup_stats(const struct ward_cgroup *cg,
		      struct ward_cgroup_stats *st, struct ward_err *e);
void ward_cgroup_stats_free(struct ward_cgroup_stats *st);

/*
 * OOM events: an fd that polls readable when the cgroup's OOM state changes
 * (v1: eventfd on memory.oom_control; v2: inotify on memory.events). After
 * each wakeup call ward_cgroup_oom_ack(fd), then compare
 * ward_cgroup_oom_count() with the previous value: it counts OOM kills.
 */
int ward_cgroup_oom_fd(const struct ward_cgroup *cg, int *fd,
		       struct ward_err *e);
void ward_cgroup_oom_ack(int fd);
int ward_cgroup_oom_count(const struct ward_cgroup *cg, uint64_t *n,
			  struct ward_err *e);

const char *ward_cgroup_mode_name(enum ward_cgroup_mode m);

#endif
