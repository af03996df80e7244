/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The typed model of an OCI config.json (runtime-spec 1.x) and of an exec
 * process.json. Every stage reads this; only spec.c builds it from JSON and
 * only policy.c rewrites it (hardening). All memory hangs off spec->arena and
 * is released at once by ward_spec_free(), so hardening can add strings with
 * ward_spec_strdup() without tracking ownership.
 *
 * Optional scalars carry a has_<field> flag: "absent" and "zero" mean
 * different things to the policy (an absent pids limit gets the default).
 */
#ifndef WARD_SPEC_H
#define WARD_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ward/error.h"
#include "util.h"

/*
 * GNU C predefines `linux` as 1; the model mirrors the JSON's "linux" key, so
 * the macro (obsolete, never used here) is dropped for every user of spec.h.
 */
#undef linux

#define WARD_SPEC_MAX_BYTES (4u << 20)
#define WARD_SPEC_MAX_DEPTH 64

struct ward_kv {
	char *key;
	char *value;
};

struct ward_id_map {
	uint32_t container_id;
	uint32_t host_id;
	uint32_t size;
};

struct ward_id_maps {
	struct ward_id_map *v;
	size_t n;
};

/* Capability sets, as bitmasks over CAP_* numbers (see capname.h). */
enum ward_capset {
	WARD_CAP_BOUNDING,
	WARD_CAP_EFFECTIVE,
	WARD_CAP_INHERITABLE,
	WARD_CAP_PERMITTED,
	WARD_CAP_AMBIENT,
	WARD_CAP__N
};

struct ward_caps {
	uint64_t set[WARD_CAP__N];
	bool present[WARD_CAP__N];	/* the key appeared in the JSON */
};

struct ward_rlimit {
	int resource;			/* RLIMIT_* number */
	char *type;			/* "RLIMIT_NOFILE", for messages */
	uint64_t hard;
	uint64_t soft;
};

struct ward_user {
	uint32_t uid;
	uint32_t gid;
	bool has_umask;
	uint32_t umask;
	uint32_t *additional_gids;
	size_t n_additional_gids;
	char *username;			/* Windows-only field; kept for messages */
};

struct ward_process {
	bool terminal;
	bool has_console_size;
	uint32_t console_height;
	uint32_t console_width;
	struct ward_user user;
	char **args;
	size_t n_args;
	char **env;
	size_t n_env;
	char *cwd;
	bool has_caps;
	struct ward_caps caps;
	struct ward_rlimit *rlimits;
	size_t n_rlimits;
	bool no_new_privileges;
	char *apparmor_profile;
	bool has_oom_score_adj;
	int oom_score_adj;
	char *selinux_label;
};

struct ward_root {
	char *path;
	bool readonly;
};

struct ward_mount {
	char *destination;
	char *type;			/* may be NULL (bind implied by options) */
	char *source;			/* may be NULL */
	char **options;
	size_t n_options;
	struct ward_id_maps uid_mappings;
	struct ward_id_maps gid_mappings;
};

enum ward_hook_kind {
	WARD_HOOK_PRESTART,
	WARD_HOOK_CREATE_RUNTIME,
	WARD_HOOK_CREATE_CONTAINER,
	WARD_HOOK_START_CONTAINER,
	WARD_HOOK_POSTSTART,
	WARD_HOOK_POSTSTOP,
	WARD_HOOK__N
};

struct ward_hook {
	char *path;
	char **args;
	size_t n_args;
	char **env;
	size_t n_env;
	bool has_timeout;
	int timeout;			/* seconds, > 0 */
};

struct ward_hooks {
	struct ward_hook *v[WARD_HOOK__N];
	size_t n[WARD_HOOK__N];
};

/* Order matches the spec's list of types; names via ward_ns_name(). */
enum ward_ns_type {
	WARD_NS_PID,
	WARD_NS_NET,
	WARD_NS_MOUNT,
	WARD_NS_IPC,
	WARD_NS_UTS,
	WARD_NS_USER,
	WARD_NS_CGROUP,
	WARD_NS_TIME,
	WARD_NS__N
};

struct ward_namespace {
	bool present;
	char *path;			/* join instead of create; NULL = new */
	size_t index;			/* position in linux.namespaces, for paths */
};

struct ward_memory {
	bool has_limit, has_reservation, has_swap, has_kernel, has_kernel_tcp;
	bool has_swappiness, has_disable_oom_killer, has_use_hierarchy;
	bool has_check_before_update;
	int64_t limit, reservation, swap, kernel, kernel_tcp;
	uint64_t swappiness;
	bool disable_oom_killer;
	bool use_hierarchy;
	bool check_before_update;
};

struct ward_cpu {
	bool has_shares, has_quota, has_burst, has_period, has_realtime_runtime;
	bool has_realtime_period, has_idle;
	uint64_t shares;
	int64_t quota;
	uint64_t burst;
	uint64_t period;
	int64_t realtime_runtime;
	uint64_t realtime_period;
	int64_t idle;
	char *cpus;
	char *mems;
};

struct ward_weight_device {
	int64_t major, minor;
	bool has_weight, has_leaf_weight;
	uint16_t weight, leaf_weight;
};

struct ward_throttle_device {
	int64_t major, minor;
	uint64_t rate;
};

enum ward_throttle {
	WARD_THROTTLE_READ_BPS,
	WARD_THROTTLE_WRITE_BPS,
	WARD_THROTTLE_READ_IOPS,
	WARD_THROTTLE_WRITE_IOPS,
	WARD_THROTTLE__N
};

struct ward_block_io {
	bool has_weight, has_leaf_weight;
	uint16_t weight, leaf_weight;
	struct ward_weight_device *weight_device;
	size_t n_weight_device;
	struct ward_throttle_device *throttle[WARD_THROTTLE__N];
	size_t n_throttle[WARD_THROTTLE__N];
};

struct ward_hugepage_limit {
	char *page_size;
	uint64_t limit;
};

/* linux.resources.devices[]: a device cgroup rule. */
struct ward_device_rule {
	bool allow;
	char type;			/* 'a', 'c', 'b'; 'a' when absent */
	int64_t major;			/* -1 = wildcard (absent) */
	int64_t minor;			/* -1 = wildcard (absent) */
	char *access;			/* "rwm" subset; NULL = all */
};

struct ward_net_priority {
	char *name;
	uint32_t priority;
};

struct ward_resources {
	struct ward_memory memory;
	struct ward_cpu cpu;
	bool has_pids_limit;
	int64_t pids_limit;
	struct ward_block_io block_io;
	struct ward_hugepage_limit *hugepage_limits;
	size_t n_hugepage_limits;
	struct ward_device_rule *devices;
	size_t n_devices;
	bool has_net_class_id;
	uint32_t net_class_id;
	struct ward_net_priority *net_priorities;
	size_t n_net_priorities;
	struct ward_kv *unified;
	size_t n_unified;
};

/* linux.devices[]: a device node to create in the container. */
struct ward_device {
	char *path;
	char type;			/* 'c', 'b', 'u', 'p' */
	int64_t major, minor;
	bool has_file_mode;
	uint32_t file_mode;
	bool has_uid, has_gid;
	uint32_t uid, gid;
};

struct ward_seccomp_arg {
	uint32_t index;
	uint64_t value;
	uint64_t value_two;
	char *op;			/* "SCMP_CMP_EQ" ...; validated by seccomp.c */
};

struct ward_seccomp_rule {
	char **names;
	size_t n_names;
	char *action;			/* "SCMP_ACT_ERRNO" ... */
	bool has_errno_ret;
	uint32_t errno_ret;
	struct ward_seccomp_arg *args;
	size_t n_args;
};

struct ward_seccomp {
	char *default_action;
	bool has_default_errno_ret;
	uint32_t default_errno_ret;
	char **architectures;
	size_t n_architectures;
	char **flags;
	size_t n_flags;
	char *listener_path;
	char *listener_metadata;
	struct ward_seccomp_rule *syscalls;
	size_t n_syscalls;
};

struct ward_personality {
	char *domain;			/* "LINUX" or "LINUX32" */
	char **flags;
	size_t n_flags;
};

struct ward_time_offset {
	bool present;
	int64_t secs;
	uint32_t nanosecs;
};

struct ward_linux {
	struct ward_namespace ns[WARD_NS__N];
	struct ward_id_maps uid_mappings;
	struct ward_id_maps gid_mappings;
	struct ward_kv *sysctl;
	size_t n_sysctl;
	bool has_resources;
	struct ward_resources resources;
	char *cgroups_path;
	char *rootfs_propagation;
	struct ward_seccomp *seccomp;	/* NULL when absent */
	bool has_masked_paths, has_readonly_paths;
	char **masked_paths;
	size_t n_masked_paths;
	char **readonly_paths;
	size_t n_readonly_paths;
	char *mount_label;
	bool has_personality;
	struct ward_personality personality;
	struct ward_time_offset time_boottime;
	struct ward_time_offset time_monotonic;
	struct ward_device *devices;
	size_t n_devices;
};

struct ward_spec {
	struct ward_arena arena;
	char *oci_version;
	bool has_process;
	struct ward_process process;
	bool has_root;
	struct ward_root root;
	char *hostname;
	char *domainname;
	struct ward_mount *mounts;
	size_t n_mounts;
	struct ward_hooks hooks;
	struct ward_kv *annotations;
	size_t n_annotations;
	bool has_linux;
	struct ward_linux linux;
	/*
	 * The bundle directory, when the caller knows it (NULL: the current
	 * directory). Relative bind sources resolve against it, for the
	 * policy as for the mounts stage; not part of the JSON.
	 */
	char *bundle;
};

/* Parse a config.json held in memory. On failure, e names the JSON path. */
int ward_spec_parse(const char *buf, size_t len, struct ward_spec **out,
		    struct ward_err *e);
/* Read (bounded to WARD_SPEC_MAX_BYTES) and parse a config.json file. */
int ward_spec_load(const char *path, struct ward_spec **out, struct ward_err *e);
/* Parse an exec process.json: the result has only has_process/process set. */
int ward_spec_parse_process(const char *buf, size_t len, struct ward_spec **out,
			    struct ward_err *e);
int ward_spec_load_process(const char *path, struct ward_spec **out,
			   struct ward_err *e);
void ward_spec_free(struct ward_spec *s);

/* Serialise back to JSON (used by `ward spec` and for the hardened copy). */
int ward_spec_to_json(const struct ward_spec *s, char **out, size_t *len,
		      struct ward_err *e);

/* Arena helpers for hardening: memory lives as long as the spec. */
char *ward_spec_strdup(struct ward_spec *s, const char *str);
void *ward_spec_alloc(struct ward_spec *s, size_t size);
/* Append one string to a string array owned by the spec. */
int ward_spec_strv_append(struct ward_spec *s, char ***v, size_t *n,
			  const char *str, struct ward_err *e);

const char *ward_ns_name(enum ward_ns_type t);	/* "pid", "network", ... */
const char *ward_hook_name(enum ward_hook_kind k);	/* "prestart", ... */
const char *ward_capset_name(enum ward_capset c);	/* "bounding", ... */

static inline bool
ward_spec_has_ns(const struct ward_spec *s, enum ward_ns_type t)
{
	return s->linux.ns[t].present;
}

#endif
