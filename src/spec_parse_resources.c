/* SPDX-License-Identifier: Apache-2.0 */
/* linux.resources: cgroup settings. */
#include <errno.h>
#include <string.h>

#include "spec_parse.h"

static const char *const throttle_keys[WARD_THROTTLE__N] = {
	[WARD_THROTTLE_READ_BPS] = "throttleReadBpsDevice",
	[WARD_THROTTLE_WRITE_BPS] = "throttleWriteBpsDevice",
	[WARD_THROTTLE_READ_IOPS] = "throttleReadIOPSDevice",
	[WARD_THROTTLE_WRITE_IOPS] = "throttleWriteIOPSDevice",
};

static int
parse_memory(struct spec_ctx *c, const struct ward_json_path *up,
	     const struct ward_json *obj, struct ward_memory *m)
{
	struct ward_json_path p;
	const struct ward_json *v;
	int64_t sw;
	int ret = spec_get_obj(c, up, obj, "memory", false, &v, &p);

	if (ret < 0 || v == NULL)
		return ret;
	ret = spec_get_i64(c, &p, v, "limit", &m->has_limit, &m->limit);
	if (ret == 0)
		ret = spec_get_i64(c, &p, v, "reservation", &m->has_reservation,
				   &m->reservation);
	if (ret == 0)
		ret = spec_get_i64(c, &p, v, "swap", &m->has_swap, &m->swap);
	if (ret == 0)
		ret = spec_get_i64(c, &p, v, "kernel", &m->has_kernel,
				   &m->kernel);
	if (ret == 0)
		ret = spec_get_i64(c, &p, v, "kernelTCP", &m->has_kernel_tcp,
				   &m->kernel_tcp);
	/* memory.swappiness accepts 0..100 and nothing else. */
	if (ret == 0)
		ret = spec_get_range(c, &p, v, "swappiness", 0, 100,
				     &m->has_swappiness, &sw);
	if (ret == 0 && m->has_swappiness)
		m->swappiness = (uint64_t)sw;
	if (ret == 0)
		ret = spec_get_bool(c, &p, v, "disableOOMKiller",
				    &m->has_disable_oom_killer,
				    &m->disable_oom_killer);
	if (ret == 0)
		ret = spec_get_bool(c, &p, v, "useHierarchy",
				    &m->has_use_hierarchy, &m->use_hierarchy);
	if (ret == 0)
		ret = spec_get_bool(c, &p, v, "checkBeforeUpdate",
				    &m->has_check_before_update,
				    &m->check_before_update);
	return ret;
}

static int
parse_cpu(struct spec_ctx *c, const struct ward_json_path *up,
	  const struct ward_json *obj, struct ward_cpu *cpu)
{
	struct ward_json_path p;
	const struct ward_json *v;
	int ret = spec_get_obj(c, up, obj, "cpu", false, &v, &p);

	if (ret < 0 || v == NULL)
		return ret;
	ret = spec_get_u64(c, &p, v, "shares", &cpu->has_shares, &cpu->shares);
	if (ret == 0)
		ret = spec_get_i64(c, &p, v, "quota", &cpu->has_quota,
				   &cpu->quota);
	if (ret == 0)
		ret = spec_get_u64(c, &p, v, "burst", &cpu->has_burst,
				   &cpu->burst);
	if (ret == 0)
		ret = spec_get_u64(c, &p, v, "period", &cpu->has_period,
				   &cpu->period);
	if (ret == 0)
		ret = spec_get_i64(c, &p, v, "realtimeRuntime",
				   &cpu->has_realtime_runtime,
				   &cpu->realtime_runtime);
	if (ret == 0)
		ret = spec_get_u64(c, &p, v, "realtimePeriod",
				   &cpu->has_realtime_period,
				   &cpu->realtime_period);
	if (ret == 0)
		ret = spec_get_str(c, &p, v, "cpus", 0, &cpu->cpus);
	if (ret == 0)
		ret = spec_get_str(c, &p, v, "mems", 0, &cpu->mems);
	if (ret == 0)
		ret = spec_get_i64(c, &p, v, "idle", &cpu->has_idle, &cpu->idle);
	return ret;
}

static int
parse_pids(struct spec_ctx *c, const struct ward_json_path *up,
	   const struct ward_json *obj, struct ward_resources *r)
{
	struct ward_json_path p;
	const struct ward_json *v;
	int ret = spec_get_obj(c, up, obj, "pids", false, &v, &p);

	if (ret < 0 || v == NULL)
		return ret;
	ret = spec_get_i64(c, &p, v, "limit", NULL, &r->pids_limit);
	if (ret == 0)
		r->has_pids_limit = true;
	return ret;
}

/* Device numbers: dev_t halves, never negative when given explicitly. */
static int
get_devnum(struct spec_ctx *c, const struct ward_json_path *p,
	   const struct ward_json *v, const char *key, bool *has, int64_t *out)
{
	return spec_get_range(c, p, v, key, 0, UINT32_MAX, has, out);
}

static int
parse_weight_device(struct spec_ctx *c, const struct ward_json_path *p,
		    const struct ward_json *v, void *elem)
{
	struct ward_weight_device *d = elem;
	int ret = spec_expect(c, p, v, WARD_JSON_OBJECT);

	if (ret == 0)
		ret = get_devnum(c, p, v, "major", NULL, &d->major);
	if (ret == 0)
		ret = get_devnum(c, p, v, "minor", NULL, &d->minor);
	if (ret == 0)
		ret = spec_get_u16(c, p, v, "weight", &d->has_weight, &d->weight);
	if (ret == 0)
		ret = spec_get_u16(c, p, v, "leafWeight", &d->has_leaf_weight,
				   &d->leaf_weight);
	return ret;
}

static int
parse_throttle_device(struct spec_ctx *c, const struct ward_json_path *p,
		      const struct ward_json *v, void *elem)
{
	struct ward_throttle_device *d = elem;
	int ret = spec_expect(c, p, v, WARD_JSON_OBJECT);

	if (ret == 0)
		ret = get_devnum(c, p, v, "major", NULL, &d->major);
	if (ret == 0)
		ret = get_devnum(c, p, v, "minor", NULL, &d->minor);
	if (ret == 0)
		ret = spec_get_u64(c, p, v, "rate", NULL, &d->rate);
	return ret;
}

static int
parse_block_io(struct spec_ctx *c, const struct ward_json_path *up,
	       const struct ward_json *obj, struct ward_block_io *b)
{
	struct ward_json_path p;
	const struct ward_json *v;
	int ret = spec_get_obj(c, up, obj, "blockIO", false, &v, &p);

	if (ret < 0 || v == NULL)
		return ret;
	ret = spec_get_u16(c, &p, v, "weight", &b->has_weight, &b->weight);
	if (ret == 0)
		ret = spec_get_u16(c, &p, v, "leafWeight", &b->has_leaf_weight,
				   &b->leaf_weight);
	if (ret == 0)
		ret = spec_get_list(c, &p, v, "weightDevice",
				    sizeof(*b->weight_device),
				    parse_weight_device,
				    (void **)&b->weight_device,
				    &b->n_weight_device);
	for (int t = 0; ret == 0 && t < WARD_THROTTLE__N; t++)
		ret = spec_get_list(c, &p, v, throttle_keys[t],
				    sizeof(*b->throttle[t]),
				    parse_throttle_device,
				    (void **)&b->throttle[t], &b->n_throttle[t]);
	return ret;
}

static int
parse_hugepage(struct spec_ctx *c, const struct ward_json_path *p,
	       const struct ward_json *v, void *elem)
{
	struct ward_hugepage_limit *h = elem;
	int ret = spec_expect(c, p, v, WARD_JSON_OBJECT);

	if (ret == 0)
		ret = spec_get_str(c, p, v, "pageSize",
				   SPEC_REQUIRED | SPEC_NONEMPTY, &h->page_size);
	if (ret == 0)
		ret = spec_get_u64(c, p, v, "limit", NULL, &h->limit);
	return ret;
}

static int
parse_access(struct spec_ctx *c, const struct ward_json_path *p,
	     const struct ward_json *v, struct ward_device_rule *d)
{
	struct ward_json_path ap = SPEC_KEY(p, "access");
	int ret = spec_get_str(c, p, v, "access", 0, &d->access);

	if (ret < 0 || d->access == NULL)
		return ret;
	/* The device cgroup grammar: a non-empty subset of "rwm". */
	for (const char *a = d->access; *a != '\0'; a++)
		if (strchr("rwm", *a) == NULL || strchr(a + 1, *a) != NULL)
			return spec_fail(c, &ap,
					 "must be a subset of \"rwm\"");
	if (d->access[0] == '\0')
		return spec_fail(c, &ap, "must be a subset of \"rwm\"");
	return 0;
}

static int
parse_device_rule(struct spec_ctx *c, const struct ward_json_path *p,
		  const struct ward_json *v, void *elem)
{
	struct ward_device_rule *d = elem;
	struct ward_json_path tp = SPEC_KEY(p, "type");
	char *type = NULL;
	int ret = spec_expect(c, p, v, WARD_JSON_OBJECT);

	if (ret == 0)
		ret = spec_get_bool(c, p, v, "allow", NULL, &d->allow);
	if (ret == 0)
		ret = spec_get_str(c, p, v, "type", 0, &type);
	if (ret < 0)
		return ret;
	d->type = 'a';
	if (type != NULL) {
		if (strlen(type) != 1 || strchr("acb", type[0]) == NULL)
			return spec_fail(c, &tp,
					 "must be one of \"a\", \"c\", \"b\"");
		d->type = type[0];
	}
	/* Absent is a wildcard; Docker writes "*" as an explicit -1. */
	d->major = d->minor = -1;
	ret = spec_get_range(c, p, v, "major", -1, UINT32_MAX, SPEC_OPT,
			     &d->major);
	if (ret == 0)
		ret = spec_get_range(c, p, v, "minor", -1, UINT32_MAX, SPEC_OPT,
				     &d->minor);
	if (ret == 0)
		ret = parse_access(c, p, v, d);
	return ret;
}

static int
parse_net_prio(struct spec_ctx *c, const struct ward_json_path *p,
	       const struct ward_json *v, void *elem)
{
	struct ward_net_priority *n = elem;
	int ret = spec_expect(c, p, v, WARD_JSON_OBJECT);

	if (ret == 0)
		ret = spec_get_str(c, p, v, "name", SPEC_REQUIRED | SPEC_NONEMPTY,
				   &n->name);
	if (ret == 0)
		ret = spec_get_u32(c, p, v, "priority", NULL, &n->priority);
	return ret;
}

static int
parse_network(struct spec_ctx *c, const struct ward_json_path *up,
	      const struct ward_json *obj, struct ward_resources *r)
{
	struct ward_json_path p;
	const struct ward_json *v;
	int ret = spec_get_obj(c, up, obj, "network", false, &v, &p);

	if (ret < 0 || v == NULL)
		return ret;
	ret = spec_get_u32(c, &p, v, "classID", &r->has_net_class_id,
			   &r->net_class_id);
	if (ret == 0)
		ret = spec_get_list(c, &p, v, "priorities",
				    sizeof(*r->net_priorities), parse_net_prio,
				    (void **)&r->net_priorities,
				    &r->n_net_priorities);
	return ret;
}

int
spec_parse_resources(struct spec_ctx *c, const struct ward_json_path *p,
		     const struct ward_json *v, struct ward_resources *r)
{
	int ret = parse_memory(c, p, v, &r->memory);

	if (ret == 0)
		ret = parse_cpu(c, p, v, &r->cpu);
	if (ret == 0)
		ret = parse_pids(c, p, v, r);
	if (ret == 0)
		ret = parse_block_io(c, p, v, &r->block_io);
	if (ret == 0)
		ret = spec_get_list(c, p, v, "hugepageLimits",
				    sizeof(*r->hugepage_limits), parse_hugepage,
				 (void **)&r->hugepage_limits,
				 &r->n_hugepage_limits);
	if (ret == 0)
		ret = spec_get_list(c, p, v, "devices", sizeof(*r->devices),
				    parse_device_rule,
				 (void **)&r->devices, &r->n_devices);
	if (ret == 0)
		ret = parse_network(c, p, v, r);
	if (ret == 0)
		ret = spec_get_kv(c, p, v, "unified", &r->unified,
				  &r->n_unified);
	return ret;
}
