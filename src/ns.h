/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Namespaces: which to create, which to join (by path), and spawning the
 * container's init into them. The common case (nothing to join) is a single
 * clone3(); joining goes through a short-lived launcher that setns()es and
 * then clone3()s the init with CLONE_PARENT, so the runtime itself never
 * leaves the host's namespaces (its hooks must run there).
 */
#ifndef WARD_NS_H
#define WARD_NS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "spec.h"

struct ward_ns_plan {
	uint64_t clone_flags;		/* CLONE_NEW* to create */
	int join_fd[WARD_NS__N];	/* -1, or an fd of the namespace to join */
	bool join_any;
	bool host_owned[WARD_NS__N];	/* joined ns owned by the host's user ns */
	/*
	 * A joined namespace belongs to another container's user namespace
	 * (a Kubernetes pod's sandbox, `--ipc container:X`): that user
	 * namespace is joined instead of a new one being made, since a new one
	 * could not administer what it joins. userns_pid is a process whose
	 * /proc/PID/uid_map describes it, from the path (0 if unknown).
	 */
	bool joined_userns;
	pid_t userns_pid;
	bool time_offsets;		/* a new time ns with offsets to write */
	struct ward_time_offset boottime, monotonic;
};

/* Open every namespace path (verifying its type) and compute clone flags. */
int ward_ns_plan(const struct ward_spec *s, struct ward_ns_plan *p,
		 struct ward_err *e);
void ward_ns_plan_free(struct ward_ns_plan *p);

/*
 * Start fn(arg) in the planned namespaces as a child of the caller. extra
 * flags (e.g. CLONE_INTO_CGROUP with cgroup_fd) are added to clone3. Returns
 * the child's host pid or -errno.
 */
pid_t ward_ns_spawn(const struct ward_ns_plan *p, int cgroup_fd,
		    int (*fn)(void *), void *arg, struct ward_err *e);

/* setns() into every namespace of pid (user first); for exec. */
int ward_ns_enter_pid(pid_t pid, const bool which[WARD_NS__N],
		      struct ward_err *e);

int ward_ns_clone_flag(enum ward_ns_type t);
const char *ward_ns_proc_name(enum ward_ns_type t);	/* "net", "mnt", ... */

#endif
