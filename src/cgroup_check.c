/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
/*
 * linux.resources against the host's layout: every value range-checked,
 * every field mapped to the controller that enforces it, and a clear error
 * for a limit this layout cannot express (never a silent no-op).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup_int.h"

#define R "linux.resources."

static bool
on_v2(const struct ward_cgroup *cg, enum ward_cgroup_ctrl c)
{
	return cg->where[c] >= 0 && cg->h[cg->where[c]].v2;
}

static int
check_bytes(const char *field, bool has, int64_t v, struct ward_err *e)
{
	if (has && v < -1)
		return ward_err_set(e, EINVAL, R "memory.%s: %lld is neither -1 "
				    "(unlimited) nor a byte count", field,
				    (long long)v);
	return 0;
}

static int
check_memory(const struct ward_cgroup *cg, const struct ward_memory *m,
	     bool update, uint32_t *need, struct ward_err *e)
{
	bool v2 = on_v2(cg, WARD_CG_MEMORY);
	int ret = check_bytes("limit", m->has_limit, m->limit, e);

	if (ret == 0)
		ret = check_bytes("reservation", m->has_reservation,
				  m->reservation, e);
	if (ret == 0)
		ret = check_bytes("swap", m->has_swap, m->swap, e);
	if (ret == 0)
		ret = check_bytes("kernel", m->has_kernel, m->kernel, e);
	if (ret == 0)
		ret = check_bytes("kernelTCP", m->has_kernel_tcp, m->kernel_tcp, e);
	if (ret < 0)
		return ret;
	if (m->has_limit || m->has_reservation || m->has_swap ||
	    m->has_kernel || m->has_kernel_tcp || m->has_swappiness ||
	    (m->has_disable_oom_killer && m->disable_oom_killer))
		*need |= CG_BIT(WARD_CG_MEMORY);
	/* OCI swap is memory+swap (v1 memsw): never below the limit. */
	if (m->has_swap && m->swap > 0 && m->has_limit && m->limit > 0 &&
	    m->swap < m->limit)
		return ward_err_set(e, EINVAL, R "memory.swap: %lld is below "
				    "the limit %lld (swap counts memory+swap)",
				    (long long)m->swap, (long long)m->limit);
	if (m->has_use_hierarchy && !m->use_hierarchy)
		return ward_err_set(e, EINVAL, R "memory.useHierarchy: "
				    "non-hierarchical accounting is not "
				    "supported by the kernel");
	if (!v2)
		return 0;
	if (!update && m->has_swap && m->swap > 0 &&
	    !(m->has_limit && m->limit > 0))
		return ward_err_set(e, EINVAL, R "memory.swap: on cgroup v2 a "
				    "swap limit needs a memory limit");
	if (m->has_swappiness)
		return ward_err_set(e, EINVAL, R "memory.swappiness: cgroup v2 "
				    "has no per-cgroup swappiness");
	if (m->has_disable_oom_killer && m->disable_oom_killer)
		return ward_err_set(e, EINVAL, R "memory.disableOOMKiller: "
				    "cgroup v2 cannot disable the OOM killer");
	if (m->has_kernel || m->has_kernel_tcp)
		return ward_err_set(e, EINVAL, R "memory.kernel%s: cgroup v2 "
				    "has no separate kernel memory limit",
				    m->has_kernel ? "" : "TCP");
	return 0;
}

/* "0-3,5": what cpuset.cpus and cpuset.mems accept. */
static bool
valid_list(const char *s)
{
	bool digit = false;

	for (; *s != '\0'; s++) {
		if (*s >= '0' && *s <= '9')
			digit = true;
		else if ((*s == ',' || *s == '-') && digit)
			digit = false;
		else
			return false;
	}
	return digit;
}

static int
check_cpu_bounds(const struct ward_cpu *c, struct ward_err *e)
{
	if (c->has_shares && c->shares != 0 &&
	    (c->shares < 2 || c->shares > 262144))
		return ward_err_set(e, EINVAL, R "cpu.shares: %llu is outside "
				    "2..262144", (unsigned long long)c->shares);
	if (c->has_quota && (c->quota < -1 || (c->quota > 0 && c->quota < 1000)))
		return ward_err_set(e, EINVAL, R "cpu.quota: %lld is neither -1 "
				    "nor at least 1000 (us)", (long long)c->quota);
	if (c->has_period && c->period != 0 &&
	    (c->period < 1000 || c->period > 1000000))
		return ward_err_set(e, EINVAL, R "cpu.period: %llu is outside "
				    "1000..1000000 (us)",
				    (unsigned long long)c->period);
	if (c->has_burst && c->has_quota && c->quota > 0 &&
	    c->burst > (uint64_t)c->quota)
		return ward_err_set(e, EINVAL, R "cpu.burst: above the quota");
	if (c->has_idle && c->idle != 0 && c->idle != 1)
		return ward_err_set(e, EINVAL, R "cpu.idle: must be 0 or 1");
	if (c->has_realtime_runtime && c->realtime_runtime < -1)
		return ward_err_set(e, EINVAL, R "cpu.realtimeRuntime: %lld",
				    (long long)c->realtime_runtime);
	if (c->cpus != NULL && c->cpus[0] != '\0' && !valid_list(c->cpus))
		return ward_err_set(e, EINVAL, R "cpu.cpus: \"%s\" is not a cpu "
				    "list", c->cpus);
	if (c->mems != NULL && c->mems[0] != '\0' && !valid_list(c->mems))
		return ward_err_set(e, EINVAL, R "cpu.mems: \"%s\" is not a "
				    "node list", c->mems);
	return 0;
}

static int
check_cpu(const struct ward_cgroup *cg, const struct ward_cpu *c,
	  uint32_t *need, struct ward_err *e)
{
	int ret = check_cpu_bounds(c, e);

	if (ret < 0)
		return ret;
	if ((c->has_shares && c->shares != 0) || c->has_quota ||
	    (c->has_period && c->period != 0) || c->has_burst || c->has_idle ||
	    c->has_realtime_runtime || c->has_realtime_period)
		*need |= CG_BIT(WARD_CG_CPU);
	if ((c->cpus != NULL && c->cpus[0] != '\0') ||
	    (c->mems != NULL && c->mems[0] != '\0'))
		*need |= CG_BIT(WARD_CG_CPUSET);
	if (on_v2(cg, WARD_CG_CPU) &&
	    (c->has_realtime_runtime || c->has_realtime_period))
		return ward_err_set(e, EINVAL, R "cpu.realtime*: cgroup v2 has "
				    "no real-time group scheduling");
	return 0;
}

static int
check_blkio(const struct ward_cgroup *cg, const struct ward_block_io *b,
	    uint32_t *need, struct ward_err *e)
{
	bool any = b->has_weight || b->has_leaf_weight || b->n_weight_device;

	for (int t = 0; t < WARD_THROTTLE__N; t++)
		any = any || b->n_throttle[t] > 0;
	if (!any)
		return 0;
	*need |= CG_BIT(WARD_CG_BLKIO);
	if (b->has_weight && b->weight != 0 &&
	    (b->weight < 10 || b->weight > 1000))
		return ward_err_set(e, EINVAL, R "blockIO.weight: %u is outside "
				    "10..1000", b->weight);
	for (size_t i = 0; i < b->n_weight_device; i++) {
		const struct ward_weight_device *w = &b->weight_device[i];

		if (w->has_weight && (w->weight < 10 || w->weight > 1000))
			return ward_err_set(e, EINVAL, R "blockIO.weightDevice[%zu]"
					    ".weight: outside 10..1000", i);
		if (w->has_leaf_weight && on_v2(cg, WARD_CG_BLKIO))
			return ward_err_set(e, EINVAL, R "blockIO.weightDevice[%zu]"
					    ".leafWeight: not on cgroup v2", i);
	}
	if (b->has_leaf_weight && on_v2(cg, WARD_CG_BLKIO))
		return ward_err_set(e, EINVAL, R "blockIO.leafWeight: cgroup v2 "
				    "has no leaf weights");
	return 0;
}

static int
check_hugetlb(const struct ward_resources *r, uint32_t *need,
	      struct ward_err *e)
{
	for (size_t i = 0; i < r->n_hugepage_limits; i++) {
		const char *ps = r->hugepage_limits[i].page_size;
		size_t d = strspn(ps, "0123456789");

		if (d == 0 || (strcmp(ps + d, "KB") && strcmp(ps + d, "MB") &&
			       strcmp(ps + d, "GB")))
			return ward_err_set(e, EINVAL, R "hugepageLimits[%zu]."
					    "pageSize: \"%s\" is not like "
					    "\"2MB\"", i, ps);
		*need |= CG_BIT(WARD_CG_HUGETLB);
	}
	return 0;
}

/* unified keys a typed field also sets: either one, never both. */
static bool
typed_conflict(const struct ward_resources *r, const char *k)
{
	const struct ward_memory *m = &r->memory;
	const struct ward_cpu *c = &r->cpu;

	return (!strcmp(k, "pids.max") && r->has_pids_limit) ||
	       (!strcmp(k, "memory.max") && m->has_limit) ||
	       (!strcmp(k, "memory.low") && m->has_reservation) ||
	       (!strcmp(k, "memory.swap.max") && m->has_swap) ||
	       (!strcmp(k, "cpu.weight") && c->has_shares) ||
	       (!strcmp(k, "cpu.max") && (c->has_quota || c->has_period)) ||
	       (!strcmp(k, "cpuset.cpus") && c->cpus != NULL) ||
	       (!strcmp(k, "cpuset.mems") && c->mems != NULL) ||
	       (!strcmp(k, "io.weight") && r->block_io.has_weight);
}

static int
check_unified_key(const struct ward_cgroup *cg, const struct ward_resources *r,
		  const char *k, uint32_t *need, struct ward_err *e)
{
	static const char *const refused[] = {
		"cgroup.procs", "cgroup.threads", "cgroup.kill", "cgroup.type",
		"cgroup.subtree_control", "cgroup.freeze",
	};
	const char *dot = strchr(k, '.');
	int c;

	/* A bare file name: no "/" or ".." can leave the cgroup's directory. */
	if (dot == NULL || dot == k || strchr(k, '/') != NULL || k[0] == '.')
		return ward_err_set(e, EINVAL, R "unified.%s: not a cgroup "
				    "interface file", k);
	for (size_t i = 0; i < WARD_ARRAY_SIZE(refused); i++)
		if (strcmp(k, refused[i]) == 0)
			return ward_err_set(e, EPERM, R "unified.%s: ward manages "
					    "this file itself", k);
	if (typed_conflict(r, k))
		return ward_err_set(e, EINVAL, R "unified.%s: also set by a "
				    "typed linux.resources field; use one", k);
	if ((size_t)(dot - k) == strlen("cgroup") && !strncmp(k, "cgroup", 6))
		return 0;
	c = cg_ctrl_by_name(k, (size_t)(dot - k), true);
	if (c < 0 || !on_v2(cg, c))
		return ward_err_set(e, EINVAL, R "unified.%s: no such controller "
				    "on this host's cgroup v2", k);
	*need |= CG_BIT(c);
	return 0;
}

static int
check_misc(const struct ward_cgroup *cg, const struct ward_resources *r,
	   uint32_t *need, struct ward_err *e)
{
	int ret = 0;

	if (r->has_pids_limit)
		*need |= CG_BIT(WARD_CG_PIDS);
	if (r->has_net_class_id)
		*need |= CG_BIT(WARD_CG_NET_CLS);
	if (r->n_net_priorities > 0)
		*need |= CG_BIT(WARD_CG_NET_PRIO);
	if (r->n_unified > 0 && cg->unified < 0)
		return ward_err_set(e, EINVAL, R "unified: the host has no "
				    "cgroup v2 hierarchy");
	for (size_t i = 0; i < r->n_unified && ret == 0; i++)
		ret = check_unified_key(cg, r, r->unified[i].key, need, e);
	return ret;
}

int
cg_check_resources(const struct ward_cgroup *cg, const struct ward_resources *r,
		   bool update, uint32_t *need, struct ward_err *e)
{
	int ret;

	*need = 0;
	if (r == NULL)
		return 0;
	ret = check_memory(cg, &r->memory, update, need, e);
	if (ret == 0)
		ret = check_cpu(cg, &r->cpu, need, e);
	if (ret == 0)
		ret = check_blkio(cg, &r->block_io, need, e);
	if (ret == 0)
		ret = check_hugetlb(r, need, e);
	if (ret == 0)
		ret = check_misc(cg, r, need, e);
	if (ret < 0)
		return ret;
	for (int c = 0; c < WARD_CG__N; c++)
		if ((*need & CG_BIT(c)) && cg->where[c] < 0)
			return ward_err_set(e, ENODEV, R "%s: the %s controller "
					    "is not available on this host "
					    "(cgroup %s layout)",
					    cg_ctrl_name(c, false),
					    cg_ctrl_name(c, false),
					    ward_cgroup_mode_name(cg->mode));
	return 0;
}

static unsigned int
access_bits(const char *a)
{
	unsigned int bits = 0;

	if (a == NULL)
		return 7;
	bits |= strchr(a, 'm') ? 1 : 0;
	bits |= strchr(a, 'r') ? 2 : 0;
	bits |= strchr(a, 'w') ? 4 : 0;
	return bits;
}

static bool
same_rule(const struct ward_device_rule *a, const struct ward_device_rule *b)
{
	return a->allow == b->allow && a->type == b->type &&
	       a->major == b->major && a->minor == b->minor &&
	       access_bits(a->access) == access_bits(b->access);
}

bool
cg_same_devices(const struct ward_resources *r, const struct ward_resources *cur)
{
	if (r->n_devices == 0)
		return true;
	if (cur == NULL || cur->n_devices != r->n_devices)
		return false;
	for (size_t i = 0; i < r->n_devices; i++)
		if (!same_rule(&r->devices[i], &cur->devices[i]))
			return false;
	return true;
}

/*
 * The nodes every container gets (runtime-spec "default devices") stay
 * usable whatever the config says: null, zero, full, random, urandom, tty,
 * console, ptmx and the pty slaves.
 */
static const struct ward_cgroup_dev default_devs[] = {
	{ true, 'c', 1, 3, 7 },	{ true, 'c', 1, 5, 7 },	{ true, 'c', 1, 7, 7 },
	{ true, 'c', 1, 8, 7 },	{ true, 'c', 1, 9, 7 },	{ true, 'c', 5, 0, 7 },
	{ true, 'c', 5, 1, 7 },	{ true, 'c', 5, 2, 7 },	{ true, 'c', 136, -1, 7 },
};

int
cg_device_rules(const struct ward_spec *s, struct ward_cgroup_dev **out,
		size_t *n, struct ward_err *e)
{
	const struct ward_resources *r = &s->linux.resources;
	size_t nr = s->linux.has_resources ? r->n_devices : 0;
	size_t max = 1 + nr + WARD_ARRAY_SIZE(default_devs) + s->linux.n_devices;
	struct ward_cgroup_dev *v = calloc(max, sizeof(*v));
	size_t k = 0;

	if (v == NULL)
		return ward_err_set(e, ENOMEM, "device rules");
	/* Deny everything first: a new cgroup inherits its parent's list. */
	v[k++] = (struct ward_cgroup_dev){ false, 'a', -1, -1, 7 };
	for (size_t i = 0; i < nr; i++) {
		const struct ward_device_rule *d = &r->devices[i];
		bool all = d->type == 'a';

		v[k++] = (struct ward_cgroup_dev){ d->allow, d->type,
						   all ? -1 : d->major,
						   all ? -1 : d->minor,
						   access_bits(d->access) };
	}
	for (size_t i = 0; i < WARD_ARRAY_SIZE(default_devs); i++)
		v[k++] = default_devs[i];
	/* linux.devices nodes are created for use: allow them (fifos need no rule). */
	for (size_t i = 0; i < s->linux.n_devices; i++) {
		const struct ward_device *d = &s->linux.devices[i];

		if (d->type == 'c' || d->type == 'u' || d->type == 'b')
			v[k++] = (struct ward_cgroup_dev){
				true, d->type == 'b' ? 'b' : 'c', d->major,
				d->minor, 7 };
	}
	*out = v;
	*n = k;
	return 0;
}
