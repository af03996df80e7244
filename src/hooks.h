/* SPDX-License-Identifier: Apache-2.0 */
/*
 * OCI hooks: each one fork+execve'd with the state JSON on stdin, its own
 * args and env, and an optional timeout after which it is SIGKILLed (with
 * its process group). Output (stdout and stderr together) is never passed
 * through, since ward's stdio may be the container's; its start is quoted
 * in the error of a failing hook, as runc does. A hook gets those three
 * fds and no other.
 */
#ifndef WARD_HOOKS_H
#define WARD_HOOKS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "ward/error.h"
#include "spec.h"
#include "util.h"

struct ward_hook_cmd {
	const char *path;
	char **argv;			/* NULL-terminated; {path} when args is empty */
	char **envp;			/* NULL-terminated; the runtime's when env is absent */
	int timeout;			/* seconds; 0 = none */
	pid_t ns_pid;			/* > 0: run in this process's net/ipc/uts/cgroup ns */
	bool ns_mount;			/* ... and its mount namespace */
};

struct ward_hooks_plan {
	struct ward_arena arena;	/* owns everything below */
	struct ward_hook_cmd *v[WARD_HOOK__N];
	size_t n[WARD_HOOK__N];
};

/* Parent: argv/envp arrays for every hook, so running them allocates nothing. */
int ward_hooks_plan(const struct ward_hooks *h, struct ward_hooks_plan *out,
		    struct ward_err *e);
void ward_hooks_plan_free(struct ward_hooks_plan *p);

/*
 * Run cmds[0..n) in order, stopping at the first failure: "hook
 * <kind>[i] <path> exited with status N", "... killed by signal N" or
 * "... timed out after N s". Syscalls only (fork, pipe2, poll, ...), so it
 * may run in the container child (createContainer, startContainer). The
 * caller decides what is fatal (poststart/poststop failures are warnings).
 */
int ward_hooks_exec(const struct ward_hook_cmd *cmds, size_t n,
		    enum ward_hook_kind kind, const char *state_json,
		    size_t json_len, struct ward_err *e);

/* Parent convenience: plan the hooks of one kind, run them, free. */
int ward_hooks_run(const struct ward_hook *hooks, size_t n,
		   enum ward_hook_kind kind, const char *state_json,
		   struct ward_err *e);
/*
 * The same, each hook entering the namespaces of ns_pid first (never the
 * user namespace: it keeps the runtime's privileges): createContainer and
 * startContainer hooks run "in the container namespace" (OCI). With
 * mount, the mount namespace too, so the path resolves in the container
 * (startContainer); without it the path resolves on the host, as OCI
 * requires of createContainer.
 */
int ward_hooks_run_in(const struct ward_hook *hooks, size_t n,
		      enum ward_hook_kind kind, const char *state_json,
		      pid_t ns_pid, bool mount, struct ward_err *e);

#endif
