/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The container process's own setup: ids, umask, rlimits, env, cwd, the
 * program to execute, hostname and sysctls, file descriptor hygiene. The plan
 * is built in the parent (all parsing, allocation and config errors); the
 * ward_process_apply_* functions run in the cloned child and make syscalls
 * only, in the order container.c calls them.
 */
#ifndef WARD_PROCESS_H
#define WARD_PROCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "ward/error.h"
#include "spec.h"
#include "util.h"

/* Used when the environment has no PATH (the conventional Docker default). */
#define WARD_DEFAULT_PATH \
	"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
/* runc's default when process.user.umask is absent. */
#define WARD_DEFAULT_UMASK 022

struct ward_process_rlimit {
	int resource;			/* RLIMIT_* */
	struct rlimit lim;
	const char *name;		/* "RLIMIT_NOFILE", for messages */
};

struct ward_process_sysctl {
	const char *key;		/* "net.ipv4.ip_forward", for messages */
	const char *path;		/* relative to /proc/sys: "net/ipv4/ip_forward" */
	const char *value;
	size_t len;
};

struct ward_process_plan {
	struct ward_arena arena;	/* owns everything below */
	char **argv;			/* NULL-terminated, argv[0] = args[0] */
	char **envp;			/* NULL-terminated, KEY=VALUE, deduplicated */
	const char *path;		/* PATH from envp, or WARD_DEFAULT_PATH */
	const char *cwd;		/* absolute, cleaned */
	uid_t uid;
	gid_t gid;
	gid_t *gids;			/* additional gids */
	size_t n_gids;
	mode_t umask;
	struct ward_process_rlimit *rlimits;
	size_t n_rlimits;
	bool has_oom_score_adj;
	int oom_score_adj;
	const char *hostname;		/* NULL: leave as is */
	const char *domainname;		/* NULL: leave as is */
	struct ward_process_sysctl *sysctls;
	size_t n_sysctls;
	int preserve_fds;		/* fds 3 .. 3+preserve_fds-1 pass to the container */
	bool terminal;			/* process.terminal */
	bool has_console_size;
	unsigned short console_rows;
	unsigned short console_cols;
};

/*
 * Parent: everything the child needs from s->process, hostname, domainname
 * and linux.sysctl. The spec may be freed afterwards.
 */
int ward_process_plan(const struct ward_spec *s, int preserve_fds,
		      struct ward_process_plan *p, struct ward_err *e);
void ward_process_plan_free(struct ward_process_plan *p);

/*
 * Parent, optional, after ward_process_plan(): when the environment has no
 * HOME, set it from the container's /etc/passwd entry for p->uid (read
 * under rootfd with RESOLVE_IN_ROOT), or "/" when there is none (runc does
 * the same).
 */
int ward_process_plan_home(struct ward_process_plan *p, int rootfd,
			   struct ward_err *e);

/*
 * Parent: write value to /proc/PID/oom_score_adj unless it equals the
 * runtime's own (which the child inherited: nothing to do). Going below the
 * runtime's minimum needs CAP_SYS_RESOURCE, which this host's bounding set
 * lacks: the kernel's EACCES becomes an error that says so, never a silent
 * skip. Call it only when the plan has_oom_score_adj.
 */
int ward_process_set_oom_score_adj(pid_t pid, int value, struct ward_err *e);

/* ---- child side: syscalls only, in this order ---- */

/* sethostname/setdomainname; only valid in a new uts namespace. */
int ward_process_apply_uts(const struct ward_process_plan *p, struct ward_err *e);
/*
 * Write each sysctl under /proc/sys (which must be procfs). After /proc is
 * mounted and BEFORE /proc/sys is made read-only (readonlyPaths).
 */
int ward_process_apply_sysctl(const struct ward_process_plan *p,
			      struct ward_err *e);
/*
 * Every fd >= 3 + preserve_fds becomes close-on-exec; preserved fds must be
 * open and lose close-on-exec. keep[] (the runtime's own channels until
 * execve; negative entries are ignored) must be open and above the
 * preserved range, so they cannot leak into the container.
 */
int ward_process_close_fds(const struct ward_process_plan *p, const int *keep,
			   size_t n_keep, struct ward_err *e);
/*
 * chdir to cwd resolved inside "/" (after pivot_root) without magic links,
 * creating missing directories as runc does, then check with getcwd that the
 * result is reachable from the root (CVE-2024-21626).
 */
int ward_process_apply_cwd(const struct ward_process_plan *p, struct ward_err *e);
/*
 * argv[0] resolved in the container's PATH (after pivot_root and chdir);
 * the result goes into path_out. A missing program is ENOENT with runc's
 * message, which containerd and Docker classify.
 */
int ward_process_resolve_exec(const struct ward_process_plan *p, char *path_out,
			      size_t len, struct ward_err *e);
/*
 * setgroups, setresgid, setresuid (with PR_SET_KEEPCAPS set first, for
 * ward_caps_apply, which clears it) and umask.
 */
int ward_process_apply_user(const struct ward_process_plan *p, struct ward_err *e);
/* setrlimit for each; late, after the runtime's own allocations. */
int ward_process_apply_rlimits(const struct ward_process_plan *p,
			       struct ward_err *e);
/* execve; returns only on failure, with -errno. */
int ward_process_exec(const struct ward_process_plan *p, const char *path,
		      struct ward_err *e);

#endif
