/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The policy module's private header: the rule type, the context every check
 * gets, and the checks themselves (one group per policy_*.c file). The table
 * that orders them, and the public entry points, live in policy.c.
 */
#ifndef WARD_POLICY_H
#define WARD_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ward/ward.h"
#include "conf.h"
#include "spec.h"

struct policy_ctx {
	struct ward_spec *s;		/* the config being checked (hardened in place) */
	const struct ward_spec *container; /* exec only: the container's spec */
	const struct ward_conf *conf;
	struct ward_report *r;
	struct ward_err *e;
};

struct policy_rule {
	const char *id;
	const char *cis;		/* docker-bench id, or NULL */
	enum ward_verdict_kind kind;	/* default severity */
	int (*check)(struct policy_ctx *x, const struct policy_rule *rule);
	const char *fix;
};

/* A verdict pre-filled from the rule; callers may override cis, fix, kind. */
struct ward_verdict policy_verdict(const struct policy_rule *rule);
void policy_path(struct ward_verdict *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Format v->what and append v to the report. 0 or -ENOMEM. */
int policy_emit(struct policy_ctx *x, struct ward_verdict *v, const char *fmt,
		...) __attribute__((format(printf, 3, 4)));

/* Capabilities: the allowed mask; why any other one is forbidden. */
uint64_t policy_caps_allowed(void);
const char *policy_cap_reason(int cap);

/* The minimum masked and read-only paths hardening adds (and `ward spec`
 * writes). */
const char *const *policy_min_masked(size_t *n);
const char *const *policy_min_readonly(size_t *n);

/*
 * Resolve a host path the way the kernel will see it at mount time: realpath
 * of the longest existing prefix, the rest appended lexically. A relative
 * path is taken from the bundle (NULL: the current directory). A failure
 * other than "does not exist" is returned (-errno): callers refuse, since an
 * unresolvable source cannot be proven harmless.
 */
int policy_resolve_host(const char *src, const char *bundle, char *out,
			size_t len);

/* Is a namespace file the host's own (compared with /proc/1 and /proc/self)? */
int policy_ns_is_host(const char *path, enum ward_ns_type t, bool *is_host);

/*
 * Call fn with every host path the mounts name (a bind's source, any
 * absolute source such as a block device, an overlay's lowerdir/upperdir/
 * workdir) and the JSON path that names it.
 */
int policy_for_each_host_source(struct policy_ctx *x,
				const struct policy_rule *rule,
				int (*fn)(struct policy_ctx *x,
					  const struct policy_rule *rule,
					  const char *jpath,
					  const char *host_path));

/* Is the mount a bind mount (type "bind", or a "bind"/"rbind" option)? */
bool policy_mount_is_bind(const struct ward_mount *m);

/* ---- checks: create (policy_user.c, policy_ns.c, policy_mounts.c, ...) ---- */
int policy_check_root_user(struct policy_ctx *x, const struct policy_rule *r);
int policy_check_caps(struct policy_ctx *x, const struct policy_rule *r);
int policy_check_host_ns(struct policy_ctx *x, const struct policy_rule *r);
int policy_check_userns_root(struct policy_ctx *x, const struct policy_rule *r);
int policy_check_engine_socket(struct policy_ctx *x, const struct policy_rule *r);
int policy_check_host_paths(struct policy_ctx *x, const struct policy_rule *r);
int policy_check_devices(struct policy_ctx *x, const struct policy_rule *r);
int policy_check_propagation(struct policy_ctx *x, const struct policy_rule *r);
int policy_check_seccomp(struct policy_ctx *x, const struct policy_rule *r);
int policy_check_sysctl(struct policy_ctx *x, const struct policy_rule *r);
int policy_check_lsm(struct policy_ctx *x, const struct policy_rule *r);

int policy_harden_userns(struct policy_ctx *x, const struct policy_rule *r);
int policy_harden_cgroupns(struct policy_ctx *x, const struct policy_rule *r);
int policy_harden_nnp(struct policy_ctx *x, const struct policy_rule *r);
int policy_harden_caps(struct policy_ctx *x, const struct policy_rule *r);
int policy_harden_masked(struct policy_ctx *x, const struct policy_rule *r);
int policy_harden_readonly(struct policy_ctx *x, const struct policy_rule *r);
int policy_harden_pids(struct policy_ctx *x, const struct policy_rule *r);
int policy_harden_seccomp(struct policy_ctx *x, const struct policy_rule *r);
int policy_harden_ping(struct policy_ctx *x, const struct policy_rule *r);

int policy_warn_memory(struct policy_ctx *x, const struct policy_rule *r);
int policy_warn_cpu(struct policy_ctx *x, const struct policy_rule *r);
int policy_warn_rootfs(struct policy_ctx *x, const struct policy_rule *r);

/* ---- checks: exec ---- */
int policy_check_exec_caps(struct policy_ctx *x, const struct policy_rule *r);
int policy_harden_exec_caps(struct policy_ctx *x, const struct policy_rule *r);

#endif
