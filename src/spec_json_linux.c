/* SPDX-License-Identifier: Apache-2.0 */
/* The "linux" object of config.json, serialised (see spec_json.c). */
#include <string.h>

#include "spec_json.h"

static const char *const throttle_keys[WARD_THROTTLE__N] = {
	[WARD_THROTTLE_READ_BPS] = "throttleReadBpsDevice",
	[WARD_THROTTLE_WRITE_BPS] = "throttleWriteBpsDevice",
	[WARD_THROTTLE_READ_IOPS] = "throttleReadIOPSDevice",
	[WARD_THROTTLE_WRITE_IOPS] = "throttleWriteIOPSDevice",
};

static void
gen_namespaces(struct spec_gen *g, const struct ward_linux *l)
{
	bool done[WARD_NS__N] = { false };
	bool any = false;

	for (int t = 0; t < WARD_NS__N; t++)
		any |= l->ns[t].present;
	if (!any)
		return;
	gen_key(g, "namespaces");
	gen_array_open(g);
	/* In their original order; namespaces added by hardening sort by index. */
	for (;;) {
		int next = -1;

		for (int t = 0; t < WARD_NS__N; t++)
			if (l->ns[t].present && !done[t] &&
			    (next < 0 || l->ns[t].index < l->ns[next].index))
				next = t;
		if (next < 0)
			break;
		done[next] = true;
		gen_map_open(g);
		gen_kstr(g, "type", ward_ns_name(next));
		gen_kstr(g, "path", l->ns[next].path);
		gen_map_close(g);
	}
	gen_array_close(g);
}

static void
gen_memory(struct spec_gen *g, const struct ward_memory *m)
{
	if (!(m->has_limit || m->has_reservation || m->has_swap ||
	      m->has_kernel || m->has_kernel_tcp || m->has_swappiness ||
	      m->has_disable_oom_killer || m->has_use_hierarchy ||
	      m->has_check_before_update))
		return;
	gen_key(g, "memory");
	gen_map_open(g);
	if (m->has_limit)
		gen_ki64(g, "limit", m->limit);
	if (m->has_reservation)
		gen_ki64(g, "reservation", m->reservation);
	if (m->has_swap)
		gen_ki64(g, "swap", m->swap);
	if (m->has_kernel)
		gen_ki64(g, "kernel", m->kernel);
	if (m->has_kernel_tcp)
		gen_ki64(g, "kernelTCP", m->kernel_tcp);
	if (m->has_swappiness)
		gen_ku64(g, "swappiness", m->swappiness);
	if (m->has_disable_oom_killer)
		gen_kbool(g, "disableOOMKiller", m->disable_oom_killer);
	if (m->has_use_hierarchy)
		gen_kbool(g, "useHierarchy", m->use_hierarchy);
	if (m->has_check_before_update)
		gen_kbool(g, "checkBeforeUpdate", m->check_before_update);
	gen_map_close(g);
}

static void
gen_cpu(struct spec_gen *g, const struct ward_cpu *c)
{
	if (!(c->has_shares || c->has_quota || c->has_burst || c->has_period ||
	      c->has_realtime_runtime || c->has_realtime_period ||
	      c->has_idle || c->cpus != NULL || c->mems != NULL))
		return;
	gen_key(g, "cpu");
	gen_map_open(g);
	if (c->has_shares)
		gen_ku64(g, "shares", c->shares);
	if (c->has_quota)
		gen_ki64(g, "quota", c->quota);
	if (c->has_burst)
		gen_ku64(g, "burst", c->burst);
	if (c->has_period)
		gen_ku64(g, "period", c->period);
	if (c->has_realtime_runtime)
		gen_ki64(g, "realtimeRuntime", c->realtime_runtime);
	if (c->has_realtime_period)
		gen_ku64(g, "realtimePeriod", c->realtime_period);
	gen_kstr(g, "cpus", c->cpus);
	gen_kstr(g, "mems", c->mems);
	if (c->has_idle)
		gen_ki64(g, "idle", c->idle);
	gen_map_close(g);
}

static void
gen_block_io(struct spec_gen *g, const struct ward_block_io *b)
{
	bool any = b->has_weight || b->has_leaf_weight ||
		   b->weight_device != NULL;

	for (int t = 0; t < WARD_THROTTLE__N; t++)
		any |= b->throttle[t] != NULL;
	if (!any)
		return;
	gen_key(g, "blockIO");
	gen_map_open(g);
	if (b->has_weight)
		gen_ku64(g, "weight", b->weight);
	if (b->has_leaf_weight)
		gen_ku64(g, "leafWeight", b->leaf_weight);
	if (b->weight_device != NULL) {
		gen_key(g, "weightDevice");
		gen_array_open(g);
		for (size_t i = 0; i < b->n_weight_device; i++) {
			const struct ward_weight_device *d = &b->weight_device[i];

			gen_map_open(g);
			gen_ki64(g, "major", d->major);
			gen_ki64(g, "minor", d->minor);
			if (d->has_weight)
				gen_ku64(g, "weight", d->weight);
			if (d->has_leaf_weight)
				gen_ku64(g, "leafWeight", d->leaf_weight);
			gen_map_close(g);
		}
		gen_array_close(g);
	}
	for (int t = 0; t < WARD_THROTTLE__N; t++) {
		if (b->throttle[t] == NULL)
			continue;
		gen_key(g, throttle_keys[t]);
		gen_array_open(g);
		for (size_t i = 0; i < b->n_throttle[t]; i++) {
			gen_map_open(g);
			gen_ki64(g, "major", b->throttle[t][i].major);
			gen_ki64(g, "minor", b->throttle[t][i].minor);
			gen_ku64(g, "rate", b->throttle[t][i].rate);
			gen_map_close(g);
		}
		gen_array_close(g);
	}
	gen_map_close(g);
}

static void
gen_device_rules(struct spec_gen *g, const struct ward_resources *r)
{
	if (r->devices == NULL)
		return;
	gen_key(g, "devices");
	gen_array_open(g);
	for (size_t i = 0; i < r->n_devices; i++) {
		const struct ward_device_rule *d = &r->devices[i];
		char type[2] = { d->type, '\0' };

		gen_map_open(g);
		gen_kbool(g, "allow", d->allow);
		gen_kstr(g, "type", type);
		if (d->major >= 0)
			gen_ki64(g, "major", d->major);
		if (d->minor >= 0)
			gen_ki64(g, "minor", d->minor);
		gen_kstr(g, "access", d->access);
		gen_map_close(g);
	}
	gen_array_close(g);
}

static void
gen_network(struct spec_gen *g, const struct ward_resources *r)
{
	if (!r->has_net_class_id && r->net_priorities == NULL)
		return;
	gen_key(g, "network");
	gen_map_open(g);
	if (r->has_net_class_id)
		gen_ku64(g, "classID", r->net_class_id);
	if (r->net_priorities != NULL) {
		gen_key(g, "priorities");
		gen_array_open(g);
		for (size_t i = 0; i < r->n_net_priorities; i++) {
			gen_map_open(g);
			gen_kstr(g, "name", r->net_priorities[i].name);
			gen_ku64(g, "priority", r->net_priorities[i].priority);
			gen_map_close(g);
		}
		gen_array_close(g);
	}
	gen_map_close(g);
}

void
spec_gen_resources(struct spec_gen *g, const struct ward_resources *r)
{
	gen_key(g, "resources");
	gen_map_open(g);
	gen_memory(g, &r->memory);
	gen_cpu(g, &r->cpu);
	if (r->has_pids_limit) {
		gen_key(g, "pids");
		gen_map_open(g);
		gen_ki64(g, "limit", r->pids_limit);
		gen_map_close(g);
	}
	gen_block_io(g, &r->block_io);
	if (r->hugepage_limits != NULL) {
		gen_key(g, "hugepageLimits");
		gen_array_open(g);
		for (size_t i = 0; i < r->n_hugepage_limits; i++) {
			gen_map_open(g);
			gen_kstr(g, "pageSize", r->hugepage_limits[i].page_size);
			gen_ku64(g, "limit", r->hugepage_limits[i].limit);
			gen_map_close(g);
		}
		gen_array_close(g);
	}
	gen_device_rules(g, r);
	gen_network(g, r);
	gen_kkv(g, "unified", r->unified, r->n_unified);
	gen_map_close(g);
}

static void
gen_seccomp_rule(struct spec_gen *g, const struct ward_seccomp_rule *r)
{
	gen_map_open(g);
	gen_kstrv(g, "names", r->names, r->n_names);
	gen_kstr(g, "action", r->action);
	if (r->has_errno_ret)
		gen_ku64(g, "errnoRet", r->errno_ret);
	if (r->args != NULL) {
		gen_key(g, "args");
		gen_array_open(g);
		for (size_t i = 0; i < r->n_args; i++) {
			gen_map_open(g);
			gen_ku64(g, "index", r->args[i].index);
			gen_ku64(g, "value", r->args[i].value);
			gen_ku64(g, "valueTwo", r->args[i].value_two);
			gen_kstr(g, "op", r->args[i].op);
			gen_map_close(g);
		}
		gen_array_close(g);
	}
	gen_map_close(g);
}

static void
gen_seccomp(struct spec_gen *g, const struct ward_seccomp *sc)
{
	gen_key(g, "seccomp");
	gen_map_open(g);
	gen_kstr(g, "defaultAction", sc->default_action);
	if (sc->has_default_errno_ret)
		gen_ku64(g, "defaultErrnoRet", sc->default_errno_ret);
	gen_kstrv(g, "architectures", sc->architectures, sc->n_architectures);
	gen_kstrv(g, "flags", sc->flags, sc->n_flags);
	gen_kstr(g, "listenerPath", sc->listener_path);
	gen_kstr(g, "listenerMetadata", sc->listener_metadata);
	if (sc->syscalls != NULL) {
		gen_key(g, "syscalls");
		gen_array_open(g);
		for (size_t i = 0; i < sc->n_syscalls; i++)
			gen_seccomp_rule(g, &sc->syscalls[i]);
		gen_array_close(g);
	}
	gen_map_close(g);
}

static void
gen_time_offset(struct spec_gen *g, const char *clock,
		const struct ward_time_offset *t)
{
	if (!t->present)
		return;
	gen_key(g, clock);
	gen_map_open(g);
	gen_ki64(g, "secs", t->secs);
	gen_ku64(g, "nanosecs", t->nanosecs);
	gen_map_close(g);
}

static void
gen_devices(struct spec_gen *g, const struct ward_linux *l)
{
	if (l->devices == NULL)
		return;
	gen_key(g, "devices");
	gen_array_open(g);
	for (size_t i = 0; i < l->n_devices; i++) {
		const struct ward_device *d = &l->devices[i];
		char type[2] = { d->type, '\0' };

		gen_map_open(g);
		gen_kstr(g, "path", d->path);
		gen_kstr(g, "type", type);
		gen_ki64(g, "major", d->major);
		gen_ki64(g, "minor", d->minor);
		if (d->has_file_mode)
			gen_ku64(g, "fileMode", d->file_mode);
		if (d->has_uid)
			gen_ku64(g, "uid", d->uid);
		if (d->has_gid)
			gen_ku64(g, "gid", d->gid);
		gen_map_close(g);
	}
	gen_array_close(g);
}

static void
gen_tail(struct spec_gen *g, const struct ward_linux *l)
{
	if (l->has_masked_paths)
		gen_kstrv(g, "maskedPaths", l->masked_paths, l->n_masked_paths);
	if (l->has_readonly_paths)
		gen_kstrv(g, "readonlyPaths", l->readonly_paths,
			  l->n_readonly_paths);
	gen_kstr(g, "mountLabel", l->mount_label);
	if (l->has_personality) {
		gen_key(g, "personality");
		gen_map_open(g);
		gen_kstr(g, "domain", l->personality.domain);
		gen_kstrv(g, "flags", l->personality.flags,
			  l->personality.n_flags);
		gen_map_close(g);
	}
	if (l->time_boottime.present || l->time_monotonic.present) {
		gen_key(g, "timeOffsets");
		gen_map_open(g);
		gen_time_offset(g, "boottime", &l->time_boottime);
		gen_time_offset(g, "monotonic", &l->time_monotonic);
		gen_map_close(g);
	}
	gen_devices(g, l);
}

void
spec_gen_linux(struct spec_gen *g, const struct ward_linux *l)
{
	gen_key(g, "linux");
	gen_map_open(g);
	gen_namespaces(g, l);
	gen_kidmaps(g, "uidMappings", &l->uid_mappings);
	gen_kidmaps(g, "gidMappings", &l->gid_mappings);
	gen_kkv(g, "sysctl", l->sysctl, l->n_sysctl);
	if (l->has_resources)
		spec_gen_resources(g, &l->resources);
	gen_kstr(g, "cgroupsPath", l->cgroups_path);
	gen_kstr(g, "rootfsPropagation", l->rootfs_propagation);
	if (l->seccomp != NULL)
		gen_seccomp(g, l->seccomp);
	gen_tail(g, l);
	gen_map_close(g);
}
