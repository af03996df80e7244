/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `update`: new limits for a live container. The --resources document and
 * the flags are merged, checked against the hardening that must survive an
 * update, written to the cgroup, and recorded in the state dir's config.json
 * so later updates, exec and events see them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "container.h"
#include "container_ctl.h"
#include "util.h"

#define WRAP_HEAD "{\"ociVersion\":\"" WARD_OCI_VERSION "\",\"linux\":{\"resources\":"
#define WRAP_TAIL "}}"

/* "-": stdin, bounded like a config.json. */
static int
read_input(const char *path, char **out, size_t *len, struct ward_err *e)
{
	_cleanup_free_ char *buf = NULL;
	size_t n = 0, cap = WARD_SPEC_MAX_BYTES;

	if (strcmp(path, "-") != 0)
		return ward_read_file(path, cap, out, len, e);
	buf = malloc(cap + 1);
	if (buf == NULL)
		return ward_err_set(e, ENOMEM, "reading resources");
	for (;;) {
		ssize_t r = read(STDIN_FILENO, buf + n, cap + 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return ward_err_set(e, errno, "read resources from stdin");
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > cap)
			return ward_err_set(e, EFBIG, "resources: over %u bytes",
					    WARD_SPEC_MAX_BYTES);
	}
	buf[n] = '\0';
	*len = n;
	*out = take_ptr(&buf);
	return 0;
}

/* A linux.resources object, parsed by the config.json parser itself. */
static int
parse_resources(const char *path, struct ward_spec **out, struct ward_err *e)
{
	_cleanup_free_ char *in = NULL, *doc = NULL;
	size_t len = 0, hl = strlen(WRAP_HEAD), tl = strlen(WRAP_TAIL);
	int ret;

	ret = read_input(path, &in, &len, e);
	if (ret < 0)
		return ret;
	doc = malloc(hl + len + tl + 1);
	if (doc == NULL)
		return ward_err_set(e, ENOMEM, "resources");
	memcpy(doc, WRAP_HEAD, hl);
	memcpy(doc + hl, in, len);
	memcpy(doc + hl + len, WRAP_TAIL, tl + 1);
	ret = ward_spec_parse(doc, hl + len + tl, out, e);
	if (ret < 0) {
		ward_err_prefix(e, "--resources %s", path);
		return ret;
	}
	if (!(*out)->linux.has_resources) {
		ward_spec_free(*out);
		*out = NULL;
		return ward_err_set(e, EINVAL, "--resources %s: not a resources object",
				    path);
	}
	return 0;
}

static int
apply_flags(struct ward_spec *s, const struct ward_update_opts *o,
	    struct ward_err *e)
{
	struct ward_resources *r = &s->linux.resources;
	struct ward_memory *m = &r->memory;
	struct ward_cpu *c = &r->cpu;

#define SET(flag, has, dst, val) \
	do { if (flag) { has = true; dst = val; } } while (0)
	SET(o->has_memory, m->has_limit, m->limit, o->memory);
	SET(o->has_memory_reservation, m->has_reservation, m->reservation,
	    o->memory_reservation);
	SET(o->has_memory_swap, m->has_swap, m->swap, o->memory_swap);
	SET(o->has_cpu_shares, c->has_shares, c->shares, o->cpu_shares);
	SET(o->has_cpu_quota, c->has_quota, c->quota, o->cpu_quota);
	SET(o->has_cpu_period, c->has_period, c->period, o->cpu_period);
	SET(o->has_cpu_rt_runtime, c->has_realtime_runtime, c->realtime_runtime,
	    o->cpu_rt_runtime);
	SET(o->has_cpu_rt_period, c->has_realtime_period, c->realtime_period,
	    o->cpu_rt_period);
	SET(o->has_pids_limit, r->has_pids_limit, r->pids_limit, o->pids_limit);
	SET(o->has_blkio_weight, r->block_io.has_weight, r->block_io.weight,
	    o->blkio_weight);
#undef SET
	if (o->cpuset_cpus != NULL &&
	    (c->cpus = ward_spec_strdup(s, o->cpuset_cpus)) == NULL)
		return ward_err_set(e, ENOMEM, "cpuset");
	if (o->cpuset_mems != NULL &&
	    (c->mems = ward_spec_strdup(s, o->cpuset_mems)) == NULL)
		return ward_err_set(e, ENOMEM, "cpuset");
	s->linux.has_resources = true;
	return 0;
}

static const char *
unified_value(const struct ward_resources *r, const char *key)
{
	for (size_t i = 0; i < r->n_unified; i++)
		if (strcmp(r->unified[i].key, key) == 0)
			return r->unified[i].value;
	return NULL;
}

/* What the create policy hardened must still hold after the update. */
static int
check_update(const struct ward_resources *r, const struct ward_conf *conf,
	     struct ward_err *e)
{
	const char *pmax = unified_value(r, "pids.max");
	const char *mmax = unified_value(r, "memory.max");

	if (r->has_pids_limit && r->pids_limit <= 0)
		return ward_err_set(e, WARD_EPOLICY,
				    "refused: pids-limit [CIS 5.29] "
				    "linux.resources.pids.limit: %lld would "
				    "remove the pids limit ward always keeps "
				    "(fork bombs) — fix: give a positive limit "
				    "(--pids-limit 4096)", (long long)r->pids_limit);
	if (pmax != NULL && (strcmp(pmax, "max") == 0 || atoll(pmax) <= 0))
		return ward_err_set(e, WARD_EPOLICY,
				    "refused: pids-limit [CIS 5.29] "
				    "linux.resources.unified.pids.max: \"%.32s\" "
				    "would remove the pids limit ward always "
				    "keeps — fix: give a positive limit", pmax);
	if (conf != NULL && conf->require_memory_limit &&
	    ((r->memory.has_limit && r->memory.limit < 0) ||
	     (mmax != NULL && strcmp(mmax, "max") == 0)))
		return ward_err_set(e, WARD_EPOLICY,
				    "refused: memory-limit [CIS 5.11] "
				    "linux.resources.memory.limit: ward.conf "
				    "requires a memory limit — fix: give a byte "
				    "count (--memory 512m)");
	return 0;
}

/* Unified keys merge by key: a later value replaces, a new key appends. */
static int
merge_unified(struct ward_spec *dst, const struct ward_resources *r,
	      struct ward_err *e)
{
	struct ward_resources *cur = &dst->linux.resources;
	struct ward_kv *v;
	size_t n = cur->n_unified;

	if (r->n_unified == 0)
		return 0;
	v = ward_spec_alloc(dst, (n + r->n_unified) * sizeof(*v));
	if (v == NULL)
		return ward_err_set(e, ENOMEM, "unified");
	if (n > 0)
		memcpy(v, cur->unified, n * sizeof(*v));
	for (size_t i = 0; i < r->n_unified; i++) {
		size_t j = 0;

		while (j < n && strcmp(v[j].key, r->unified[i].key) != 0)
			j++;
		v[j] = r->unified[i];
		if (j == n)
			n++;
	}
	cur->unified = v;
	cur->n_unified = n;
	return 0;
}

static void
merge_memory(struct ward_memory *d, const struct ward_memory *m)
{
#define M(has, f) do { if (m->has) { d->has = true; d->f = m->f; } } while (0)
	M(has_limit, limit);
	M(has_reservation, reservation);
	M(has_swap, swap);
	M(has_kernel, kernel);
	M(has_kernel_tcp, kernel_tcp);
	M(has_swappiness, swappiness);
	M(has_disable_oom_killer, disable_oom_killer);
	M(has_use_hierarchy, use_hierarchy);
	M(has_check_before_update, check_before_update);
#undef M
}

static void
merge_cpu(struct ward_cpu *d, const struct ward_cpu *c)
{
#define M(has, f) do { if (c->has) { d->has = true; d->f = c->f; } } while (0)
	M(has_shares, shares);
	M(has_quota, quota);
	M(has_burst, burst);
	M(has_period, period);
	M(has_realtime_runtime, realtime_runtime);
	M(has_realtime_period, realtime_period);
	M(has_idle, idle);
#undef M
	if (c->cpus != NULL)
		d->cpus = c->cpus;
	if (c->mems != NULL)
		d->mems = c->mems;
}

static void
merge_blkio(struct ward_block_io *d, const struct ward_block_io *b)
{
	if (b->has_weight) {
		d->has_weight = true;
		d->weight = b->weight;
	}
	if (b->has_leaf_weight) {
		d->has_leaf_weight = true;
		d->leaf_weight = b->leaf_weight;
	}
	if (b->n_weight_device > 0) {
		d->weight_device = b->weight_device;
		d->n_weight_device = b->n_weight_device;
	}
	for (int i = 0; i < WARD_THROTTLE__N; i++) {
		if (b->n_throttle[i] == 0)
			continue;
		d->throttle[i] = b->throttle[i];
		d->n_throttle[i] = b->n_throttle[i];
	}
}

/*
 * Into the container's spec; arrays and strings stay in src's arena, so src
 * must outlive dst's serialisation.
 */
static int
merge(struct ward_spec *dst, const struct ward_resources *r, struct ward_err *e)
{
	struct ward_resources *d = &dst->linux.resources;

	merge_memory(&d->memory, &r->memory);
	merge_cpu(&d->cpu, &r->cpu);
	merge_blkio(&d->block_io, &r->block_io);
	if (r->has_pids_limit) {
		d->has_pids_limit = true;
		d->pids_limit = r->pids_limit;
	}
	if (r->n_hugepage_limits > 0) {
		d->hugepage_limits = r->hugepage_limits;
		d->n_hugepage_limits = r->n_hugepage_limits;
	}
	if (r->has_net_class_id) {
		d->has_net_class_id = true;
		d->net_class_id = r->net_class_id;
	}
	if (r->n_net_priorities > 0) {
		d->net_priorities = r->net_priorities;
		d->n_net_priorities = r->n_net_priorities;
	}
	dst->linux.has_resources = true;
	dst->has_linux = true;
	return merge_unified(dst, r, e);
}

/* The requested resources: --resources first, the flags over it. */
static int
requested(const struct ward_update_opts *o, struct ward_spec **out,
	  struct ward_err *e)
{
	int ret;

	if (o->resources != NULL) {
		ret = parse_resources(o->resources, out, e);
		if (ret < 0)
			return ret;
	} else {
		*out = calloc(1, sizeof(**out));
		if (*out == NULL)
			return ward_err_set(e, ENOMEM, "resources");
	}
	return apply_flags(*out, o, e);
}

static int
update_locked(struct ward_state_dir *d, const char *id,
	      const struct ward_update_opts *o, struct ward_err *e)
{
	struct ward_spec *req = NULL, *cur = NULL;
	struct ward_cgroup *cg = NULL;
	struct ward_state st;
	enum ward_status s;
	int ret;

	ret = ward_state_load(d, &st, e);
	if (ret < 0)
		return ret;
	s = ward_container_live_status(&st);
	if (s == WARD_STATUS_STOPPED)
		return ward_err_set(e, EINVAL, "cannot update \"%s\": container not running",
				    id);
	ret = requested(o, &req, e);
	if (ret == 0)
		ret = check_update(&req->linux.resources, o->conf, e);
	if (ret == 0)
		ret = ward_container_load_spec(d, &cur, e);
	if (ret == 0)
		ret = ward_ctl_open_cgroup(&st, &cg, e);
	if (ret == 0)
		ret = ward_cgroup_update(cg, &req->linux.resources,
					 cur->linux.has_resources ?
					 &cur->linux.resources : NULL, e);
	if (ret == 0)
		ret = merge(cur, &req->linux.resources, e);
	if (ret == 0)
		ret = ward_container_save_spec(d, cur, false, e);
	free(cg);
	ward_spec_free(cur);
	ward_spec_free(req);
	return ret;
}

int
ward_container_update(const char *root, const char *id,
		      const struct ward_update_opts *o, struct ward_err *e)
{
	struct ward_state_dir d;
	int ret;

	ret = ward_state_open(root, id, &d, e);
	if (ret < 0)
		return ret;
	ret = update_locked(&d, id, o, e);
	ward_state_close(&d);
	return ret;
}
