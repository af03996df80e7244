/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `exec`: a process started inside a running container. The parent plans it
 * from the container's hardened spec exactly as create plans the init
 * (process, capabilities, seccomp, the baseline), then spawns it into the
 * init's namespaces and cgroup; the child only applies (DESIGN.md §1).
 */
#ifndef WARD_CONTAINER_EXEC_H
#define WARD_CONTAINER_EXEC_H

#include <stdbool.h>
#include <sys/types.h>

#include "caps.h"
#include "ns.h"
#include "process.h"
#include "seccomp.h"

struct ward_exec_plan {
	struct ward_process_plan proc;
	struct ward_caps_plan caps;
	const struct ward_bpf *baseline;
	struct ward_bpf profile;	/* len 0 when the container has none */
	unsigned int profile_flags;
	/* The launcher joins these (user first); cgroup is the child's own. */
	struct ward_ns_plan ns;
	int cgroupns_fd;		/* joined by the child, or -1 */
	bool userns;			/* become root in it before anything */
	int sync_parent;		/* SEQPACKET ends */
	int sync_child;
	int console_fd;			/* --console-socket or the relay pair, -1 */
	int state_dirfd;		/* the child closes its copy (the flock) */
};

/* The exec'd process's body (in the child after clone3); never returns. */
int ward_exec_child_main(void *arg);

#endif
