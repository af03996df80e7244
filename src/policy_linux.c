/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Rules about linux.*: devices, seccomp, masked and read-only paths, and the
 * resource limits (pids hardening; memory, cpu and read-only rootfs
 * warnings, which ward.conf may turn into refusals).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "policy.h"

/* null zero full random urandom tty console ptmx, and pts (136..143:*). */
static bool
char_dev_allowed(int64_t major, int64_t minor)
{
	static const struct {
		int64_t major, minor;
	} ok[] = {
		{ 1, 3 }, { 1, 5 }, { 1, 7 }, { 1, 8 }, { 1, 9 },
		{ 5, 0 }, { 5, 1 }, { 5, 2 },
	};

	if (major >= 136 && major <= 143)
		return true;
	for (size_t i = 0; i < WARD_ARRAY_SIZE(ok); i++)
		if (ok[i].major == major && ok[i].minor == minor)
			return true;
	return false;
}

static int
check_nodes(struct policy_ctx *x, const struct policy_rule *rule)
{
	const struct ward_linux *l = &x->s->linux;
	int ret = 0;

	for (size_t i = 0; i < l->n_devices && ret == 0; i++) {
		const struct ward_device *d = &l->devices[i];
		struct ward_verdict v = policy_verdict(rule);

		/* A FIFO reaches no driver; 'u' is an unbuffered char device. */
		if (d->type == 'p' ||
		    ((d->type == 'c' || d->type == 'u') && d->minor >= 0 &&
		     char_dev_allowed(d->major, d->minor)))
			continue;
		policy_path(&v, "linux.devices[%zu]", i);
		ret = policy_emit(x, &v, "host device %s (%c %lld:%lld) is not "
					 "one of null, zero, full, random, "
					 "urandom, tty, console, ptmx, pts/*",
				  d->path ? d->path : "?", d->type,
				  (long long)d->major, (long long)d->minor);
	}
	return ret;
}

static int
emit_rule(struct policy_ctx *x, struct ward_verdict *v,
	  const struct ward_device_rule *d, const char *access)
{
	char minor[24] = "*";

	if (d->minor >= 0)
		snprintf(minor, sizeof(minor), "%lld", (long long)d->minor);
	return policy_emit(x, v, "allows '%s' on %s device %lld:%s", access,
			   d->type == 'b' ? "block" : "char",
			   (long long)d->major, minor);
}

/* Only rules granting read or write matter: mknod alone is harmless in a
 * user namespace (the kernel refuses device nodes there). */
static int
check_cgroup_rules(struct policy_ctx *x, const struct policy_rule *rule)
{
	const struct ward_resources *res = &x->s->linux.resources;
	int ret = 0;

	for (size_t i = 0; i < res->n_devices && ret == 0; i++) {
		const struct ward_device_rule *d = &res->devices[i];
		const char *access = d->access != NULL ? d->access : "rwm";
		struct ward_verdict v = policy_verdict(rule);

		if (!d->allow || strpbrk(access, "rw") == NULL)
			continue;
		policy_path(&v, "linux.resources.devices[%zu]", i);
		if (d->type == 'a')
			ret = policy_emit(x, &v, "allows '%s' on every device",
					  access);
		else if (d->major < 0)
			ret = policy_emit(x, &v, "allows '%s' on every %s device",
					  access,
					  d->type == 'b' ? "block" : "char");
		else if (d->type != 'c' || !char_dev_allowed(d->major, d->minor))
			ret = emit_rule(x, &v, d, access);
	}
	return ret;
}

int
policy_check_devices(struct policy_ctx *x, const struct policy_rule *rule)
{
	int ret = check_nodes(x, rule);

	return ret < 0 ? ret : check_cgroup_rules(x, rule);
}

int
policy_check_seccomp(struct policy_ctx *x, const struct policy_rule *rule)
{
	static const char *const allowing[] = {
		"SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_TRACE",
		"SCMP_ACT_NOTIFY",
	};
	const struct ward_seccomp *sc = x->s->linux.seccomp;
	struct ward_verdict v = policy_verdict(rule);

	if (sc == NULL)
		return 0;
	policy_path(&v, "linux.seccomp.defaultAction");
	if (sc->default_action == NULL)
		return policy_emit(x, &v, "missing: an unlisted syscall's fate "
					  "is unknown");
	for (size_t i = 0; i < WARD_ARRAY_SIZE(allowing); i++)
		if (strcmp(sc->default_action, allowing[i]) == 0)
			return policy_emit(x, &v, "%s lets every unlisted syscall "
						  "run", sc->default_action);
	return 0;
}

int
policy_harden_seccomp(struct policy_ctx *x, const struct policy_rule *rule)
{
	struct ward_verdict v = policy_verdict(rule);

	if (x->s->linux.seccomp != NULL)
		return 0;
	policy_path(&v, "linux.seccomp");
	return policy_emit(x, &v, "no profile (docker seccomp=unconfined): "
				  "ward's built-in baseline filter applies "
				  "alone");
}
