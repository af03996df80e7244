/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hardening of masked/read-only paths and the pids limit, and the warnings
 * (memory, cpu, writable rootfs) that ward.conf can turn into refusals.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "policy.h"

/* What a container must never read (kernel memory, keys, timing leaks). */
static const char *const min_masked[] = {
	"/proc/acpi",	     "/proc/asound",	   "/proc/kcore",
	"/proc/keys",	     "/proc/latency_stats", "/proc/timer_list",
	"/proc/timer_stats", "/proc/sched_debug",   "/proc/scsi",
	"/sys/firmware",     "/sys/devices/virtual/powercap",
};

/* What it may read but must never write (host-wide kernel knobs). */
static const char *const min_readonly[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

const char *const *
policy_min_masked(size_t *n)
{
	*n = WARD_ARRAY_SIZE(min_masked);
	return min_masked;
}

const char *const *
policy_min_readonly(size_t *n)
{
	*n = WARD_ARRAY_SIZE(min_readonly);
	return min_readonly;
}

static bool
has_path(char *const *v, size_t n, const char *want)
{
	for (size_t i = 0; i < n; i++) {
		char clean[PATH_MAX];

		if (ward_path_clean(v[i], clean, sizeof(clean)) == 0 &&
		    strcmp(clean, want) == 0)
			return true;
	}
	return false;
}

static int
add_paths(struct policy_ctx *x, const struct policy_rule *rule,
	  const char *const *want, size_t n_want, char ***v, size_t *n,
	  const char *jpath)
{
	struct ward_verdict v_ = policy_verdict(rule);
	char added[200] = "";
	size_t o = 0, count = 0;

	for (size_t i = 0; i < n_want; i++) {
		int ret;

		if (has_path(*v, *n, want[i]))
			continue;
		ret = ward_spec_strv_append(x->s, v, n, want[i], x->e);
		if (ret < 0)
			return ret;
		if (o < sizeof(added))
			o += (size_t)snprintf(added + o, sizeof(added) - o, "%s%s",
					      count ? " " : "", want[i]);
		count++;
	}
	if (count == 0)
		return 0;
	x->s->has_linux = true;
	policy_path(&v_, "%s", jpath);
	return policy_emit(x, &v_, "added %zu: %s", count, added);
}

int
policy_harden_masked(struct policy_ctx *x, const struct policy_rule *rule)
{
	struct ward_linux *l = &x->s->linux;

	l->has_masked_paths = true;
	return add_paths(x, rule, min_masked, WARD_ARRAY_SIZE(min_masked),
			 &l->masked_paths, &l->n_masked_paths,
			 "linux.maskedPaths");
}

int
policy_harden_readonly(struct policy_ctx *x, const struct policy_rule *rule)
{
	struct ward_linux *l = &x->s->linux;

	l->has_readonly_paths = true;
	return add_paths(x, rule, min_readonly, WARD_ARRAY_SIZE(min_readonly),
			 &l->readonly_paths, &l->n_readonly_paths,
			 "linux.readonlyPaths");
}

int
policy_harden_pids(struct policy_ctx *x, const struct policy_rule *rule)
{
	struct ward_resources *res = &x->s->linux.resources;
	struct ward_verdict v = policy_verdict(rule);

	if (res->has_pids_limit && res->pids_limit > 0)
		return 0;
	res->has_pids_limit = true;
	res->pids_limit = x->conf->default_pids_limit;
	x->s->linux.has_resources = true;
	x->s->has_linux = true;
	policy_path(&v, "linux.resources.pids.limit");
	return policy_emit(x, &v, "no limit: set to %lld (ward.conf "
				  "default_pids_limit)",
			   (long long)x->conf->default_pids_limit);
}

/* A cgroup v2 "unified" value that sets a real limit (not "max"). */
static bool
unified_limits(const struct ward_resources *res, const char *key)
{
	for (size_t i = 0; i < res->n_unified; i++) {
		const char *val = res->unified[i].value;

		if (strcmp(res->unified[i].key, key) == 0 && val != NULL &&
		    val[0] >= '1' && val[0] <= '9')
			return true;
	}
	return false;
}

/* A warning that ward.conf's require_* made a refusal. */
static void
tighten(struct ward_verdict *v, bool required, const char *fix)
{
	if (!required)
		return;
	v->kind = WARD_VERDICT_REFUSE;
	v->fix = fix;
}

int
policy_warn_memory(struct policy_ctx *x, const struct policy_rule *rule)
{
	const struct ward_resources *res = &x->s->linux.resources;
	struct ward_verdict v = policy_verdict(rule);

	if ((res->memory.has_limit && res->memory.limit > 0) ||
	    unified_limits(res, "memory.max"))
		return 0;
	tighten(&v, x->conf->require_memory_limit,
		"set linux.resources.memory.limit (docker run -m 512m); "
		"ward.conf require_memory_limit");
	policy_path(&v, "linux.resources.memory.limit");
	return policy_emit(x, &v, "no memory limit: the container can take "
				  "all of the host's memory");
}

int
policy_warn_cpu(struct policy_ctx *x, const struct policy_rule *rule)
{
	const struct ward_cpu *cpu = &x->s->linux.resources.cpu;
	const struct ward_resources *res = &x->s->linux.resources;
	struct ward_verdict v = policy_verdict(rule);

	if ((cpu->has_shares && cpu->shares > 0) ||
	    (cpu->has_quota && cpu->quota > 0) ||
	    unified_limits(res, "cpu.weight") || unified_limits(res, "cpu.max"))
		return 0;
	policy_path(&v, "linux.resources.cpu");
	return policy_emit(x, &v, "no cpu shares or quota: the container "
				  "competes for CPU at the host default weight");
}

int
policy_warn_rootfs(struct policy_ctx *x, const struct policy_rule *rule)
{
	struct ward_verdict v = policy_verdict(rule);

	if (x->s->has_root && x->s->root.readonly)
		return 0;
	tighten(&v, x->conf->require_readonly_rootfs,
		"set root.readonly to true (docker run --read-only); "
		"ward.conf require_readonly_rootfs");
	policy_path(&v, "root.readonly");
	return policy_emit(x, &v, "the root filesystem is writable");
}
