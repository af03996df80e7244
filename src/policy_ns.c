/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Rules about namespaces and id mappings: every namespace the host must not
 * share, no path into the host's own, no mapping that reaches host root, and
 * the user and cgroup namespaces ward adds when a config has none.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "policy.h"

/* /proc/<pid>/ns/<name> for each ward_ns_type, in enum order. */
static const char *const proc_ns_name[WARD_NS__N] = {
	[WARD_NS_PID] = "pid",	  [WARD_NS_NET] = "net",
	[WARD_NS_MOUNT] = "mnt",  [WARD_NS_IPC] = "ipc",
	[WARD_NS_UTS] = "uts",	  [WARD_NS_USER] = "user",
	[WARD_NS_CGROUP] = "cgroup", [WARD_NS_TIME] = "time",
};

/*
 * pid 1's namespace is the host's; ward's own is checked too, since a runtime
 * started inside some namespace must not hand that one out either. A
 * reference ward may not read (pid 1 can be out of ptrace reach, under a
 * sandbox) or that the kernel lacks is skipped; if no reference is left, or
 * the path itself cannot be stat'ed, the error is returned and callers
 * refuse: an unverifiable path fails closed.
 */
int
policy_ns_is_host(const char *path, enum ward_ns_type t, bool *is_host)
{
	static const char *const procs[] = { "/proc/1/ns", "/proc/self/ns" };
	struct stat st, ref;
	int checked = 0, err = -ENOENT;

	if (stat(path, &st) < 0)
		return -errno;
	*is_host = false;
	for (size_t i = 0; i < WARD_ARRAY_SIZE(procs); i++) {
		char p[64];

		snprintf(p, sizeof(p), "%s/%s", procs[i], proc_ns_name[t]);
		if (stat(p, &ref) < 0) {
			err = -errno;
			if (err == -EACCES || err == -EPERM || err == -ENOENT)
				continue;
			return err;
		}
		checked++;
		if (ref.st_dev == st.st_dev && ref.st_ino == st.st_ino)
			*is_host = true;
	}
	return checked > 0 ? 0 : err;
}

static const struct {
	enum ward_ns_type t;
	const char *cis;
	const char *docker;
} required_ns[] = {
	{ WARD_NS_PID, "5.16", "docker --pid host" },
	{ WARD_NS_NET, "5.10", "docker --net host" },
	{ WARD_NS_IPC, "5.17", "docker --ipc host" },
	{ WARD_NS_UTS, "5.21", "docker --uts host" },
	{ WARD_NS_MOUNT, NULL, "a shared mount table" },
};

static const char *
ns_cis(enum ward_ns_type t)
{
	for (size_t i = 0; i < WARD_ARRAY_SIZE(required_ns); i++)
		if (required_ns[i].t == t)
			return required_ns[i].cis;
	return t == WARD_NS_USER ? "5.31" : NULL;
}

/* Refuse a namespace path that is (or cannot be shown not to be) the host's. */
static int
check_ns_path(struct policy_ctx *x, const struct policy_rule *rule,
	      enum ward_ns_type t)
{
	const struct ward_namespace *ns = &x->s->linux.ns[t];
	struct ward_verdict v = policy_verdict(rule);
	bool is_host = false;
	int ret;

	if (!ns->present || ns->path == NULL)
		return 0;
	v.cis = ns_cis(t);
	policy_path(&v, "linux.namespaces[%zu].path", ns->index);
	ret = policy_ns_is_host(ns->path, t, &is_host);
	if (ret < 0)
		return policy_emit(x, &v, "cannot verify %s namespace %s: %s",
				   ward_ns_name(t), ns->path, strerror(-ret));
	if (is_host)
		return policy_emit(x, &v, "%s is the host's own %s namespace",
				   ns->path, ward_ns_name(t));
	return 0;
}

int
policy_check_host_ns(struct policy_ctx *x, const struct policy_rule *rule)
{
	int ret = 0;

	for (size_t i = 0; i < WARD_ARRAY_SIZE(required_ns) && ret == 0; i++) {
		struct ward_verdict v = policy_verdict(rule);

		if (x->s->linux.ns[required_ns[i].t].present)
			continue;
		v.cis = required_ns[i].cis;
		policy_path(&v, "linux.namespaces");
		ret = policy_emit(x, &v, "no %s namespace: the container shares "
					 "the host's (%s)",
				  ward_ns_name(required_ns[i].t),
				  required_ns[i].docker);
	}
	for (int t = 0; t < WARD_NS__N && ret == 0; t++)
		if (t != WARD_NS_USER)
			ret = check_ns_path(x, rule, t);
	return ret;
}

static int
check_maps(struct policy_ctx *x, const struct policy_rule *rule,
	   const struct ward_id_maps *maps, const char *where, const char *kind)
{
	uint64_t lo = x->conf->userns_base;
	uint64_t hi = lo + x->conf->userns_count;
	int ret = 0;

	for (size_t i = 0; i < maps->n && ret == 0; i++) {
		const struct ward_id_map *m = &maps->v[i];
		uint64_t end = (uint64_t)m->host_id + m->size;
		struct ward_verdict v = policy_verdict(rule);

		policy_path(&v, "%s[%zu]", where, i);
		if (m->size == 0)
			continue;
		if (end > UINT32_MAX)
			ret = policy_emit(x, &v,
					  "host %ss %u..%llu run past the last "
					  "valid id", kind, m->host_id,
					  (unsigned long long)end - 1);
		else if (m->host_id == 0)
			ret = policy_emit(x, &v,
					  "maps container %ss %u..%llu to host %ss "
					  "%u..%llu, which include host %s 0",
					  kind, m->container_id,
					  (unsigned long long)m->container_id +
						  m->size - 1, kind,
					  m->host_id, (unsigned long long)end - 1,
					  kind);
		else if (m->host_id < hi && end > lo)
			/* Explicit ids inside the allocator's range could be
			 * another container's: cross-container file access. */
			ret = policy_emit(x, &v,
					  "host %ss %u..%llu overlap ward's "
					  "allocation range %llu..%llu "
					  "(ward.conf userns_range)",
					  kind, m->host_id,
					  (unsigned long long)end - 1,
					  (unsigned long long)lo,
					  (unsigned long long)hi - 1);
	}
	return ret;
}

int
policy_check_userns_root(struct policy_ctx *x, const struct policy_rule *rule)
{
	const struct ward_linux *l = &x->s->linux;
	int ret;

	ret = check_maps(x, rule, &l->uid_mappings, "linux.uidMappings", "uid");
	if (ret == 0)
		ret = check_maps(x, rule, &l->gid_mappings, "linux.gidMappings",
				 "gid");
	for (size_t i = 0; i < x->s->n_mounts && ret == 0; i++) {
		const struct ward_mount *m = &x->s->mounts[i];
		char where[64];

		snprintf(where, sizeof(where), "mounts[%zu].uidMappings", i);
		ret = check_maps(x, rule, &m->uid_mappings, where, "uid");
		if (ret < 0)
			break;
		snprintf(where, sizeof(where), "mounts[%zu].gidMappings", i);
		ret = check_maps(x, rule, &m->gid_mappings, where, "gid");
	}
	if (ret == 0)
		ret = check_ns_path(x, rule, WARD_NS_USER);
	return ret;
}

static size_t
next_ns_index(const struct ward_linux *l)
{
	size_t next = 0;

	for (int t = 0; t < WARD_NS__N; t++)
		if (l->ns[t].present && l->ns[t].index + 1 > next)
			next = l->ns[t].index + 1;
	return next;
}

static int
add_ns(struct policy_ctx *x, const struct policy_rule *rule,
       enum ward_ns_type t, const char *why)
{
	struct ward_linux *l = &x->s->linux;
	struct ward_verdict v = policy_verdict(rule);

	if (l->ns[t].present)
		return 0;
	l->ns[t].index = next_ns_index(l);
	l->ns[t].present = true;
	l->ns[t].path = NULL;
	x->s->has_linux = true;
	policy_path(&v, "linux.namespaces");
	return policy_emit(x, &v, "added a %s namespace: %s", ward_ns_name(t),
			   why);
}

int
policy_harden_userns(struct policy_ctx *x, const struct policy_rule *rule)
{
	char why[160];

	snprintf(why, sizeof(why),
		 "container ids map to a host id block ward allocates from "
		 "%u..%llu", x->conf->userns_base,
		 (unsigned long long)x->conf->userns_base +
			 x->conf->userns_count - 1);
	return add_ns(x, rule, WARD_NS_USER, why);
}

int
policy_harden_cgroupns(struct policy_ctx *x, const struct policy_rule *rule)
{
	return add_ns(x, rule, WARD_NS_CGROUP,
		      "the container sees its own cgroup as the root");
}
