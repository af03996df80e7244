/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Rules about the process: its uid, its capabilities, no_new_privs and the
 * LSM labels ward cannot apply. Shared by create and exec.
 */
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>

#include "capname.h"
#include "policy.h"

#define CAP(c) (UINT64_C(1) << (c))

/*
 * Allowed: Docker's 14 default capabilities, plus CAP_SYS_PTRACE (confined to
 * the container's pid namespace; the runtime's own processes are
 * non-dumpable) and CAP_NET_BROADCAST (the kernel checks it nowhere).
 * Everything else is forbidden: each one is either checked against the host
 * (a host-level power the user namespace alone would have to contain) or
 * opens a large kernel surface. New capabilities are forbidden until someone
 * argues them in.
 */
uint64_t
policy_caps_allowed(void)
{
	return CAP(CAP_CHOWN) | CAP(CAP_DAC_OVERRIDE) | CAP(CAP_FSETID) |
	       CAP(CAP_FOWNER) | CAP(CAP_MKNOD) | CAP(CAP_NET_RAW) |
	       CAP(CAP_SETGID) | CAP(CAP_SETUID) | CAP(CAP_SETFCAP) |
	       CAP(CAP_SETPCAP) | CAP(CAP_NET_BIND_SERVICE) |
	       CAP(CAP_SYS_CHROOT) | CAP(CAP_KILL) | CAP(CAP_AUDIT_WRITE) |
	       CAP(CAP_SYS_PTRACE) | CAP(CAP_NET_BROADCAST);
}

const char *
policy_cap_reason(int cap)
{
	static const struct {
		int cap;
		const char *why;
	} reasons[] = {
		{ CAP_DAC_READ_SEARCH, "open_by_handle_at reaches any host file" },
		{ CAP_LINUX_IMMUTABLE, "sets immutable flags on host files" },
		{ CAP_NET_ADMIN, "network administration, a large kernel surface" },
		{ CAP_IPC_LOCK, "locks host memory beyond RLIMIT_MEMLOCK" },
		{ CAP_IPC_OWNER, "bypasses System V IPC permission checks" },
		{ CAP_SYS_MODULE, "loads kernel modules" },
		{ CAP_SYS_RAWIO, "raw I/O ports and block devices" },
		{ CAP_SYS_PACCT, "host process accounting" },
		{ CAP_SYS_ADMIN, "mount, namespaces and most kernel administration" },
		{ CAP_SYS_BOOT, "reboots the host and loads kexec kernels" },
		{ CAP_SYS_NICE, "real-time scheduling on the host's CPUs" },
		{ CAP_SYS_RESOURCE, "overrides resource limits and quotas" },
		{ CAP_SYS_TIME, "sets the host clock" },
		{ CAP_SYS_TTY_CONFIG, "configures the host's virtual terminals" },
		{ CAP_LEASE, "takes leases on files it does not own" },
		{ CAP_AUDIT_CONTROL, "controls the host audit system" },
		{ CAP_AUDIT_READ, "reads the host audit log" },
		{ CAP_MAC_OVERRIDE, "overrides the LSM policy" },
		{ CAP_MAC_ADMIN, "changes the LSM policy" },
		{ CAP_SYSLOG, "reads the kernel log and kernel addresses" },
		{ CAP_WAKE_ALARM, "sets host wake-up alarms" },
		{ CAP_BLOCK_SUSPEND, "blocks host suspend" },
		{ CAP_PERFMON, "perf events: kernel attack and side-channel surface" },
		{ CAP_BPF, "loads BPF programs into the kernel" },
		{ CAP_CHECKPOINT_RESTORE, "picks pids, reads other processes' maps" },
	};

	for (size_t i = 0; i < WARD_ARRAY_SIZE(reasons); i++)
		if (reasons[i].cap == cap)
			return reasons[i].why;
	return "not on ward's list of allowed capabilities";
}

static const char *
cap_str(int cap, char *buf, size_t len)
{
	const char *n = ward_cap_name(cap);

	if (n != NULL)
		return n;
	snprintf(buf, len, "CAP_%d", cap);
	return buf;
}

/* "CAP_KILL, CAP_CHOWN" or "none", truncated to fit. */
static void
caps_list(uint64_t mask, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (int c = 0; c < 64 && o < len; c++) {
		char tmp[16];

		if (!(mask & CAP(c)))
			continue;
		o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? ", " : "",
				      cap_str(c, tmp, sizeof(tmp)));
	}
	if (o == 0)
		snprintf(buf, len, "none");
}

/* "bounding, effective" for the sets of p that hold cap. */
static const char *
sets_holding(const struct ward_caps *caps, int cap, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (int i = 0; i < WARD_CAP__N && o < len; i++)
		if (caps->set[i] & CAP(cap))
			o += (size_t)snprintf(buf + o, len - o, "%s%s",
					      o ? ", " : "",
					      ward_capset_name(i));
	return buf;
}

int
policy_check_root_user(struct policy_ctx *x, const struct policy_rule *rule)
{
	struct ward_verdict v = policy_verdict(rule);

	if (!x->s->has_process || x->s->process.user.uid != 0)
		return 0;
	policy_path(&v, "process.user.uid");
	return policy_emit(x, &v, "the %s process runs as uid 0",
			   x->container != NULL ? "exec" : "container");
}

/*
 * The whole set in any capability set is --privileged: one verdict says so
 * instead of one per capability.
 */
static int
check_forbidden(struct policy_ctx *x, const struct policy_rule *rule,
		const char *cis_privileged)
{
	const struct ward_caps *caps = &x->s->process.caps;
	uint64_t all = ward_cap_all(), any = 0, bad;
	int ret = 0;

	for (int i = 0; i < WARD_CAP__N; i++) {
		struct ward_verdict v = policy_verdict(rule);

		any |= caps->set[i];
		if ((caps->set[i] & all) != all)
			continue;
		v.cis = cis_privileged;
		v.fix = "do not run privileged; add only the capabilities the "
			"process needs (Docker's 14 defaults pass)";
		policy_path(&v, "process.capabilities.%s", ward_capset_name(i));
		return policy_emit(x, &v,
				   "every capability is granted: this is a "
				   "privileged container (--privileged)");
	}
	bad = any & ~policy_caps_allowed();
	for (int c = 0; c < 64 && ret == 0; c++) {
		struct ward_verdict v = policy_verdict(rule);
		char sets[64], tmp[16];
		const char *name = cap_str(c, tmp, sizeof(tmp));
		int first = 0;

		if (!(bad & CAP(c)))
			continue;
		while (!(caps->set[first] & CAP(c)))
			first++;
		policy_path(&v, "process.capabilities.%s[%s]",
			    ward_capset_name(first), name);
		ret = policy_emit(x, &v, "%s (in %s) is forbidden: %s", name,
				  sets_holding(caps, c, sets, sizeof(sets)),
				  policy_cap_reason(c));
	}
	return ret;
}

int
policy_check_caps(struct policy_ctx *x, const struct policy_rule *rule)
{
	if (!x->s->has_process || !x->s->process.has_caps)
		return 0;
	return check_forbidden(x, rule, "5.5");
}

int
policy_check_exec_caps(struct policy_ctx *x, const struct policy_rule *rule)
{
	const struct ward_caps *caps = &x->s->process.caps;
	const struct ward_caps *cont = NULL;
	uint64_t bounding = 0, permitted = 0;
	int ret;

	if (!x->s->has_process || !x->s->process.has_caps)
		return 0;
	ret = check_forbidden(x, rule, "5.23");
	if (ret < 0)
		return ret;
	if (x->container->has_process && x->container->process.has_caps)
		cont = &x->container->process.caps;
	if (cont != NULL) {
		bounding = cont->set[WARD_CAP_BOUNDING];
		permitted = cont->set[WARD_CAP_PERMITTED] & bounding;
	}
	for (int i = 0; i < WARD_CAP__N && ret == 0; i++) {
		uint64_t limit = i == WARD_CAP_BOUNDING ? bounding : permitted;
		/* Forbidden ones were reported above; say each cap once. */
		uint64_t extra = caps->set[i] & ~limit & policy_caps_allowed();

		for (int c = 0; c < 64 && ret == 0; c++) {
			struct ward_verdict v = policy_verdict(rule);
			char tmp[16];
			const char *name = cap_str(c, tmp, sizeof(tmp));

			if (!(extra & CAP(c)))
				continue;
			policy_path(&v, "process.capabilities.%s[%s]",
				    ward_capset_name(i), name);
			ret = policy_emit(x, &v,
					  "%s is beyond the container's own %s "
					  "set", name,
					  i == WARD_CAP_BOUNDING ? "bounding"
								 : "permitted");
		}
	}
	return ret;
}

/*
 * The kernel keeps an ambient capability only while it is permitted and
 * inheritable, and raising it needs it in the bounding set; so the ambient
 * set is cut to permitted∩bounding and inheritable becomes exactly the
 * ambient set: nothing inheritable beyond what the config asked to keep
 * across execve.
 */
static int
normalize_caps(struct policy_ctx *x, const struct policy_rule *rule)
{
	struct ward_caps *caps = &x->s->process.caps;
	uint64_t keep = caps->set[WARD_CAP_PERMITTED] & caps->set[WARD_CAP_BOUNDING];
	uint64_t dropped = caps->set[WARD_CAP_AMBIENT] & ~keep;
	char list[200];
	int ret;

	for (int i = 0; i < WARD_CAP__N; i++)
		caps->present[i] = true;
	if (dropped != 0) {
		struct ward_verdict v = policy_verdict(rule);

		caps->set[WARD_CAP_AMBIENT] &= keep;
		caps_list(dropped, list, sizeof(list));
		policy_path(&v, "process.capabilities.ambient");
		ret = policy_emit(x, &v,
				  "removed %s from ambient: not in both "
				  "permitted and bounding", list);
		if (ret < 0)
			return ret;
	}
	if (caps->set[WARD_CAP_INHERITABLE] != caps->set[WARD_CAP_AMBIENT]) {
		struct ward_verdict v = policy_verdict(rule);

		caps->set[WARD_CAP_INHERITABLE] = caps->set[WARD_CAP_AMBIENT];
		caps_list(caps->set[WARD_CAP_AMBIENT], list, sizeof(list));
		policy_path(&v, "process.capabilities.inheritable");
		return policy_emit(x, &v,
				   "inheritable set to the ambient set (%s)", list);
	}
	return 0;
}

int
policy_harden_caps(struct policy_ctx *x, const struct policy_rule *rule)
{
	struct ward_process *p = &x->s->process;

	if (!x->s->has_process)
		return 0;
	if (!p->has_caps) {
		struct ward_verdict v = policy_verdict(rule);
		int ret;

		/* runc keeps every capability here; ward grants none. */
		p->has_caps = true;
		memset(&p->caps, 0, sizeof(p->caps));
		policy_path(&v, "process.capabilities");
		ret = policy_emit(x, &v, "absent: the process gets no "
					 "capabilities");
		if (ret < 0)
			return ret;
	}
	return normalize_caps(x, rule);
}

int
policy_harden_exec_caps(struct policy_ctx *x, const struct policy_rule *rule)
{
	struct ward_process *p = &x->s->process;
	const struct ward_spec *c = x->container;

	if (!x->s->has_process)
		return 0;
	if (!p->has_caps) {
		struct ward_verdict v = policy_verdict(rule);
		int ret;

		p->has_caps = true;
		memset(&p->caps, 0, sizeof(p->caps));
		if (c->has_process && c->process.has_caps)
			p->caps = c->process.caps;
		policy_path(&v, "process.capabilities");
		ret = policy_emit(x, &v, "absent: the container's capabilities "
					 "apply");
		if (ret < 0)
			return ret;
	}
	return normalize_caps(x, rule);
}

int
policy_harden_nnp(struct policy_ctx *x, const struct policy_rule *rule)
{
	struct ward_verdict v = policy_verdict(rule);

	if (!x->s->has_process || x->s->process.no_new_privileges)
		return 0;
	x->s->process.no_new_privileges = true;
	policy_path(&v, "process.noNewPrivileges");
	return policy_emit(x, &v, "set to true: setuid binaries and file "
				  "capabilities cannot raise privileges");
}

static bool
label_set(const char *s)
{
	return s != NULL && s[0] != '\0';
}

/*
 * "Never silently drop what weakens security" (STYLE.md): ward applies no
 * AppArmor or SELinux label, so a config that asks for one is refused rather
 * than run without it. "unconfined" asks for nothing and passes.
 */
int
policy_check_lsm(struct policy_ctx *x, const struct policy_rule *rule)
{
	const struct ward_process *p = &x->s->process;
	int ret = 0;

	if (x->s->has_process && label_set(p->apparmor_profile) &&
	    strcmp(p->apparmor_profile, "unconfined") != 0) {
		struct ward_verdict v = policy_verdict(rule);

		policy_path(&v, "process.apparmorProfile");
		ret = policy_emit(x, &v, "AppArmor profile '%s' requested; ward "
					 "does not apply AppArmor profiles",
				  p->apparmor_profile);
	}
	if (ret == 0 && x->s->has_process && label_set(p->selinux_label)) {
		struct ward_verdict v = policy_verdict(rule);

		policy_path(&v, "process.selinuxLabel");
		ret = policy_emit(x, &v, "SELinux label '%s' requested; ward "
					 "does not apply SELinux labels",
				  p->selinux_label);
	}
	if (ret == 0 && x->s->has_linux && label_set(x->s->linux.mount_label)) {
		struct ward_verdict v = policy_verdict(rule);

		policy_path(&v, "linux.mountLabel");
		ret = policy_emit(x, &v, "SELinux mount label '%s' requested; "
					 "ward does not apply SELinux labels",
				  x->s->linux.mount_label);
	}
	return ret;
}
