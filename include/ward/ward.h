/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libward's public API: everything runtime/ may call. Types that stages share
 * stay opaque here; runtime/ only loads, checks, creates and prints.
 */
#ifndef WARD_WARD_H
#define WARD_WARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ward/error.h"

#define WARD_VERSION "0.1.0"
#define WARD_OCI_VERSION "1.2.0"
#define WARD_CONF_PATH "/etc/ward/ward.conf"

/* ---- log (the --log sink; see src/log.c) ---- */
enum ward_log_level {
	WARD_LOG_DEBUG,
	WARD_LOG_INFO,
	WARD_LOG_WARN,
	WARD_LOG_ERROR,
};

enum ward_log_format {
	WARD_LOG_TEXT,
	WARD_LOG_JSON,
};

/*
 * Open (creating, appending) the log file; NULL path logs to stderr in text
 * form. With debug off, DEBUG lines are dropped.
 */
int ward_log_open(const char *path, enum ward_log_format fmt, bool debug,
		  struct ward_err *e);
void ward_log_close(void);
/* The one entry runtime/ uses to report a failure. */
void ward_log_error(const char *msg);
bool ward_log_to_file(void);

/* ---- config.json ---- */
struct ward_spec;
int ward_spec_load(const char *path, struct ward_spec **out, struct ward_err *e);
void ward_spec_free(struct ward_spec *s);
int ward_spec_to_json(const struct ward_spec *s, char **out, size_t *len,
		      struct ward_err *e);

/* ---- host admin settings (/etc/ward/ward.conf): may only tighten ---- */
struct ward_conf;
/* Missing file -> defaults, not an error. */
int ward_conf_load(const char *path, struct ward_conf **out, struct ward_err *e);
void ward_conf_free(struct ward_conf *c);

/* ---- policy ---- */
enum ward_verdict_kind {
	WARD_VERDICT_REFUSE,
	WARD_VERDICT_HARDEN,
	WARD_VERDICT_WARN,
};

struct ward_verdict {
	enum ward_verdict_kind kind;
	const char *rule;		/* "root-user" */
	const char *cis;		/* "5.24" or NULL */
	char path[128];			/* JSON path: "process.user.uid" */
	char what[256];			/* "container process runs as uid 0" */
	const char *fix;		/* how to fix the config */
};

struct ward_report {
	struct ward_verdict *v;
	size_t n;
	size_t n_refused;
};

/*
 * Run every rule on a whole config.json; refusals are reported, hardening is
 * applied to s in place. Returns 0 even when something is refused:
 * r->n_refused says so. A negative return is an internal error (ENOMEM...).
 */
int ward_policy_check(struct ward_spec *s, const struct ward_conf *c,
		      struct ward_report *r, struct ward_err *e);
/*
 * The rules that apply to `exec`: proc holds only a process (from
 * process.json or the exec flags), container is the container's hardened
 * spec. uid 0 and capabilities beyond the container's are refused; proc is
 * hardened (no_new_privs, inheritable caps) in place.
 */
int ward_policy_check_exec(struct ward_spec *proc,
			   const struct ward_spec *container,
			   const struct ward_conf *c, struct ward_report *r,
			   struct ward_err *e);
/* Fill e with the first refusal (rule, CIS id, path, fix); returns -EPERM-ish. */
int ward_report_to_err(const struct ward_report *r, struct ward_err *e);
void ward_report_free(struct ward_report *r);
const char *ward_verdict_kind_name(enum ward_verdict_kind k);

/* ---- generated documents ---- */
struct ward_spec_template {
	const char *const *args;	/* NULL = {"sh"} */
	size_t n_args;
	bool rootless;
};
/* A hardened config.json that passes `ward check`. */
int ward_spec_generate(const struct ward_spec_template *t, char **json,
		       size_t *len, struct ward_err *e);
/* The OCI features document (runtime-spec features.md). */
int ward_features_json(char **json, size_t *len, struct ward_err *e);

/* ---- containers (src/container*.c) ---- */
struct ward_create_opts {
	const char *root;		/* --root */
	const char *id;
	const char *bundle;		/* --bundle (default ".") */
	const char *pid_file;		/* --pid-file or NULL */
	const char *console_socket;	/* --console-socket or NULL */
	int preserve_fds;		/* --preserve-fds */
	bool systemd_cgroup;		/* --systemd-cgroup */
	const struct ward_conf *conf;
	int console_fd;			/* run's own pty relay socket, or -1 */
};

/* `create`: everything up to the init waiting for `start`. Prints nothing. */
int ward_container_create(const struct ward_create_opts *o, struct ward_err *e);
/* `start`: release a created init into the user program. */
int ward_container_start(const char *root, const char *id, struct ward_err *e);

struct ward_run_opts {
	struct ward_create_opts create;
	bool detach;			/* --detach: create + start, return */
	bool keep;			/* --keep: no delete after exit */
};
/* `run`: create + start, then (unless detached) wait; *status is the exit
 * status ward should exit with (128+N for a signal). */
int ward_container_run(const struct ward_run_opts *o, int *status,
		       struct ward_err *e);

/* `state`: the OCI state document (malloc'd JSON). */
int ward_container_state_json(const char *root, const char *id, char **json,
			      struct ward_err *e);
/* `kill`: sig to init (or, with all, to every process of the container). */
int ward_container_kill(const char *root, const char *id, int sig, bool all,
			struct ward_err *e);
/* `delete`: refuses a created/running container unless force (then kills). */
int ward_container_delete(const char *root, const char *id, bool force,
			  struct ward_err *e);

struct ward_container_info {
	char id[256];
	int pid;
	char status[16];
	char bundle[4096];
	char created[64];
	unsigned owner;
};
/* `list`: every container under root (malloc'd array). */
int ward_container_list(const char *root, struct ward_container_info **v,
			size_t *n, struct ward_err *e);

/* Signal names ("SIGTERM", "TERM", "15") to numbers; -EINVAL if unknown. */
int ward_signal_parse(const char *s);


/* ---- operations on a running container (src/container_exec.c, container_ctl.c) ---- */
struct ward_exec_opts {
	const char *root;		/* --root */
	const char *id;
	const char *process;		/* --process FILE, or NULL: args + flags */
	char *const *args;		/* the command (flags mode) */
	size_t n_args;
	bool tty;			/* --tty */
	const char *console_socket;	/* --console-socket or NULL */
	bool detach;			/* --detach */
	const char *pid_file;		/* --pid-file or NULL */
	const char *cwd;		/* --cwd or NULL (the container's) */
	char *const *env;		/* --env K=V, appended to the container's */
	size_t n_env;
	bool has_uid, has_gid;		/* --user UID[:GID] */
	uint32_t uid, gid;
	const uint32_t *additional_gids;	/* --additional-gids, appended */
	size_t n_additional_gids;
	char *const *caps;		/* --cap, added to the container's */
	size_t n_caps;
	bool no_new_privs;		/* --no-new-privs (always on anyway) */
	int preserve_fds;		/* --preserve-fds */
	const char *process_label;	/* refused by the policy (no LSM) */
	const char *apparmor;		/* refused by the policy (no LSM) */
	const struct ward_conf *conf;
};
/*
 * `exec`: run a process in a created or running container, with the
 * container's namespaces, cgroup, seccomp filters and at most its
 * capabilities. Unless detached, wait for it: *status is the status ward
 * should exit with (128+N for a signal).
 */
int ward_container_exec(const struct ward_exec_opts *o, int *status,
			struct ward_err *e);

/* `ps`: host pids of every process in the container's cgroup (malloc'd). */
int ward_container_pids(const char *root, const char *id, int **pids,
			size_t *n, struct ward_err *e);
/* `pause` / `resume`: the cgroup freezer. */
int ward_container_pause(const char *root, const char *id, struct ward_err *e);
int ward_container_resume(const char *root, const char *id, struct ward_err *e);

/* `update`: flags override --resources; -1 = unlimited where runc allows it. */
struct ward_update_opts {
	const char *resources;		/* --resources FILE, "-" = stdin, or NULL */
	bool has_memory, has_memory_reservation, has_memory_swap;
	int64_t memory, memory_reservation, memory_swap;
	bool has_cpu_shares, has_cpu_quota, has_cpu_period;
	uint64_t cpu_shares, cpu_period;
	int64_t cpu_quota;
	bool has_cpu_rt_runtime, has_cpu_rt_period;
	int64_t cpu_rt_runtime;
	uint64_t cpu_rt_period;
	const char *cpuset_cpus, *cpuset_mems;
	bool has_pids_limit;
	int64_t pids_limit;
	bool has_blkio_weight;
	uint16_t blkio_weight;
	const struct ward_conf *conf;
};
int ward_container_update(const char *root, const char *id,
			  const struct ward_update_opts *o, struct ward_err *e);

/* `events --stats`: one {"type":"stats","id":...,"data":{...}} (malloc'd). */
int ward_container_stats_json(const char *root, const char *id, char **json,
			      struct ward_err *e);
/*
 * `events`: a stats event every interval_ms and an oom event whenever the
 * cgroup's OOM kill count grows, each passed to emit as one JSON object,
 * until the container stops (returns 0) or emit returns < 0.
 */
int ward_container_events(const char *root, const char *id,
			  unsigned int interval_ms,
			  int (*emit)(const char *json, void *arg), void *arg,
			  struct ward_err *e);

#endif
