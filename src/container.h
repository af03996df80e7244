/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container's plan: everything the init needs, computed in the parent
 * before clone, so the child only makes syscalls (DESIGN.md §1).
 */
#ifndef WARD_CONTAINER_H
#define WARD_CONTAINER_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "ward/ward.h"
#include "caps.h"
#include "cgroup.h"
#include "conf.h"
#include "mounts.h"
#include "ns.h"
#include "process.h"
#include "seccomp.h"
#include "spec.h"
#include "state.h"
#include "userns.h"

struct ward_plan {
	struct ward_spec *spec;		/* hardened by the policy */
	struct ward_ns_plan ns;
	struct ward_userns_plan userns;
	struct ward_mounts_plan mounts;
	struct ward_process_plan proc;
	struct ward_caps_plan caps;
	struct ward_cgroup_plan cgroup;
	bool cgroup_created;
	bool attached;			/* cgroups made, init moved by the parent */
	bool unshare_cgroupns;		/* v1: after the parent attached us */
	int state_dirfd;		/* the child closes its copy: it holds the flock */
	const struct ward_bpf *baseline;
	struct ward_bpf profile;	/* len 0 when the config has none */
	unsigned int profile_flags;
	bool new_net;			/* bring lo up */
	bool idmap_rootfs;		/* parent prepares an idmapped rootfs */
	int sync_parent;		/* SEQPACKET ends */
	int sync_child;
	int start_fd;			/* listening start.sock */
	int console_fd;			/* --console-socket connection or -1 */
};

/* create's front: load bundle/config.json and run the policy (refusals end here). */
int ward_container_prepare_spec(const struct ward_create_opts *o,
				struct ward_spec **out, struct ward_err *e);
/*
 * What `run` keeps of its own create, so that its start and delete need not
 * read back what this very process wrote: state.json, config.json (the
 * spec stays in memory) and the cgroup layout.
 */
struct ward_created {
	struct ward_state st;		/* st.pid: the waiting init */
	struct ward_cgroup cg;
};

/* create's body, from a prepared spec; out (may be NULL) for `run`. */
int ward_container_create_spec(const struct ward_create_opts *o,
			       struct ward_spec *spec, struct ward_created *out,
			       struct ward_err *e);
/* `run`'s start and delete of what it created (root is --root). */
int ward_container_start_created(const char *root, struct ward_created *c,
				 const struct ward_spec *s, struct ward_err *e);
int ward_container_delete_created(const char *root,
				  const struct ward_created *c,
				  const struct ward_spec *s, struct ward_err *e);

/* The pid file containerd reads: the number, no trailing newline. */
int ward_write_pid_file(const char *path, pid_t pid, struct ward_err *e);
/* SIGKILL a child of ours and reap it (rollback). */
void ward_kill_and_reap(pid_t pid);
/* Foreground run and exec: wait for pid, forwarding signals (container_run.c). */
int ward_wait_forwarding(pid_t pid, const sigset_t *set, int *status,
			 struct ward_err *e);
int ward_wait_relaying(int sock, pid_t pid, const sigset_t *set, int *status,
		       struct ward_err *e);

/* Plan a create from a loaded, policy-checked spec. */
int ward_plan_build(struct ward_plan *p, const struct ward_create_opts *o,
		    const struct ward_state_dir *d, struct ward_err *e);
void ward_plan_free(struct ward_plan *p);

/* The baseline (ptrace variant per caps) and the config's cached profile. */
int ward_plan_seccomp(const struct ward_seccomp *prof,
		      const struct ward_caps_plan *caps, const char *root,
		      const struct ward_bpf **baseline, struct ward_bpf *profile,
		      unsigned int *flags, struct ward_err *e);

/* Shared by the init and exec'd processes (container_child.c). */
int ward_child_prologue(int state_dirfd, struct ward_err *e);
int ward_child_setup_process(const struct ward_process_plan *proc,
			     const struct ward_caps_plan *caps, const int *keep,
			     size_t n_keep, char *exe, size_t len,
			     struct ward_err *e);
/* Clear the parent-death signal and send READY: the runtime may now exit. */
int ward_child_report_ready(int sync, struct ward_err *e);
int ward_child_load_filters(const struct ward_bpf *baseline,
			    const struct ward_bpf *profile, unsigned int flags,
			    struct ward_err *e);

/* The init's body (in the child after clone3); returns an exit status. */
int ward_child_main(void *arg);

/* Hardened spec of an existing container (its state dir's config.json). */
int ward_container_load_spec(const struct ward_state_dir *d,
			     struct ward_spec **out, struct ward_err *e);
/*
 * Write the (hardened, or updated) spec to the state dir's config.json:
 * fresh at create (the file must not exist), replacing it at update.
 */
int ward_container_save_spec(const struct ward_state_dir *d,
			     const struct ward_spec *s, bool fresh,
			     struct ward_err *e);
/* Run a spec's hooks of one kind with the OCI state (status) on stdin. */
int ward_container_hooks(const struct ward_spec *s, const struct ward_state *st,
			 enum ward_status status, enum ward_hook_kind kind,
			 struct ward_err *e);
/* OCI state JSON for hooks and `state` (malloc'd). */
int ward_state_to_oci_json(const struct ward_state *st, enum ward_status status,
			   const struct ward_spec *s, char **json,
			   struct ward_err *e);

/*
 * Live status with the freezer: a created or running container whose cgroup
 * is frozen is paused (container_ctl.c). `state`, `list`, `kill` and
 * `delete` should use it where they use ward_state_status().
 */
enum ward_status ward_container_live_status(const struct ward_state *st);
/*
 * Thaw a frozen container's cgroup (nothing to do when it is not frozen).
 * A v1 freezer holds even SIGKILL until thawed: `kill ID KILL` and `delete
 * --force` of a paused container call it after sending SIGKILL (runc does).
 */
int ward_container_thaw(const struct ward_state *st, struct ward_err *e);

#endif
