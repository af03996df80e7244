/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Field-by-field equality of two ward_spec models, for the round-trip tests
 * in test_spec.c: a field the serialiser forgot shows up here by name.
 */
#include <string.h>

#include "spec.h"
#include "suites.h"

void test_spec_assert_equal(const struct ward_spec *a,
			    const struct ward_spec *b);

#define EQ(f) ck_assert_msg(a->f == b->f, "%s differs", #f)
#define EQ_STR(f) eq_str(a->f, b->f, #f)
#define EQ_STRV(f, n) eq_strv(a->f, a->n, b->f, b->n, #f)

static void
eq_str(const char *x, const char *y, const char *what)
{
	ck_assert_msg((x == NULL) == (y == NULL), "%s: presence differs", what);
	if (x != NULL)
		ck_assert_msg(strcmp(x, y) == 0, "%s: \"%s\" != \"%s\"", what,
			      x, y);
}

static void
eq_strv(char *const *x, size_t nx, char *const *y, size_t ny,
	const char *what)
{
	ck_assert_msg((x == NULL) == (y == NULL), "%s: presence differs", what);
	ck_assert_msg(nx == ny, "%s: %zu != %zu items", what, nx, ny);
	for (size_t i = 0; i < nx; i++)
		eq_str(x[i], y[i], what);
	if (x != NULL)
		ck_assert_msg(x[nx] == NULL && y[ny] == NULL,
			      "%s: not NULL-terminated", what);
}

static void
eq_kv(const struct ward_kv *x, size_t nx, const struct ward_kv *y, size_t ny,
      const char *what)
{
	ck_assert_msg(nx == ny, "%s: %zu != %zu items", what, nx, ny);
	for (size_t i = 0; i < nx; i++) {
		eq_str(x[i].key, y[i].key, what);
		eq_str(x[i].value, y[i].value, what);
	}
}

static void
eq_maps(const struct ward_id_maps *x, const struct ward_id_maps *y,
	const char *what)
{
	ck_assert_msg(x->n == y->n, "%s: count differs", what);
	for (size_t i = 0; i < x->n; i++)
		ck_assert_msg(memcmp(&x->v[i], &y->v[i], sizeof(x->v[i])) == 0,
			      "%s[%zu] differs", what, i);
}

static void
eq_process(const struct ward_process *a, const struct ward_process *b)
{
	EQ(terminal);
	EQ(has_console_size);
	EQ(console_height);
	EQ(console_width);
	EQ(user.uid);
	EQ(user.gid);
	EQ(user.has_umask);
	EQ(user.umask);
	ck_assert_uint_eq(a->user.n_additional_gids, b->user.n_additional_gids);
	for (size_t i = 0; i < a->user.n_additional_gids; i++)
		EQ(user.additional_gids[i]);
	EQ_STR(user.username);
	EQ_STRV(args, n_args);
	EQ_STRV(env, n_env);
	EQ_STR(cwd);
	EQ(has_caps);
	for (int i = 0; i < WARD_CAP__N; i++) {
		EQ(caps.set[i]);
		EQ(caps.present[i]);
	}
	ck_assert_uint_eq(a->n_rlimits, b->n_rlimits);
	for (size_t i = 0; i < a->n_rlimits; i++) {
		EQ(rlimits[i].resource);
		EQ_STR(rlimits[i].type);
		EQ(rlimits[i].hard);
		EQ(rlimits[i].soft);
	}
	EQ(no_new_privileges);
	EQ_STR(apparmor_profile);
	EQ(has_oom_score_adj);
	EQ(oom_score_adj);
	EQ_STR(selinux_label);
}

static void
eq_mounts_hooks(const struct ward_spec *a, const struct ward_spec *b)
{
	ck_assert_uint_eq(a->n_mounts, b->n_mounts);
	for (size_t i = 0; i < a->n_mounts; i++) {
		EQ_STR(mounts[i].destination);
		EQ_STR(mounts[i].type);
		EQ_STR(mounts[i].source);
		EQ_STRV(mounts[i].options, mounts[i].n_options);
		eq_maps(&a->mounts[i].uid_mappings, &b->mounts[i].uid_mappings,
			"mount uidMappings");
		eq_maps(&a->mounts[i].gid_mappings, &b->mounts[i].gid_mappings,
			"mount gidMappings");
	}
	for (int k = 0; k < WARD_HOOK__N; k++) {
		ck_assert_uint_eq(a->hooks.n[k], b->hooks.n[k]);
		for (size_t i = 0; i < a->hooks.n[k]; i++) {
			EQ_STR(hooks.v[k][i].path);
			EQ_STRV(hooks.v[k][i].args, hooks.v[k][i].n_args);
			EQ_STRV(hooks.v[k][i].env, hooks.v[k][i].n_env);
			EQ(hooks.v[k][i].has_timeout);
			EQ(hooks.v[k][i].timeout);
		}
	}
	eq_kv(a->annotations, a->n_annotations, b->annotations,
	      b->n_annotations, "annotations");
}

static void
eq_block_io(const struct ward_block_io *a, const struct ward_block_io *b)
{
	EQ(has_weight);
	EQ(weight);
	EQ(has_leaf_weight);
	EQ(leaf_weight);
	ck_assert_uint_eq(a->n_weight_device, b->n_weight_device);
	for (size_t i = 0; i < a->n_weight_device; i++)
		ck_assert(memcmp(&a->weight_device[i], &b->weight_device[i],
				 sizeof(a->weight_device[i])) == 0);
	for (int t = 0; t < WARD_THROTTLE__N; t++) {
		ck_assert_uint_eq(a->n_throttle[t], b->n_throttle[t]);
		for (size_t i = 0; i < a->n_throttle[t]; i++)
			ck_assert(memcmp(&a->throttle[t][i], &b->throttle[t][i],
					 sizeof(a->throttle[t][i])) == 0);
	}
}

static void
eq_resources(const struct ward_resources *a, const struct ward_resources *b)
{
	/* Plain scalars and flags: compare the structs minus their pointers. */
	ck_assert(memcmp(&a->memory, &b->memory, sizeof(a->memory)) == 0);
	EQ(cpu.has_shares);
	EQ(cpu.shares);
	EQ(cpu.has_quota);
	EQ(cpu.quota);
	EQ(cpu.has_burst);
	EQ(cpu.burst);
	EQ(cpu.has_period);
	EQ(cpu.period);
	EQ(cpu.has_realtime_runtime);
	EQ(cpu.realtime_runtime);
	EQ(cpu.has_realtime_period);
	EQ(cpu.realtime_period);
	EQ(cpu.has_idle);
	EQ(cpu.idle);
	EQ_STR(cpu.cpus);
	EQ_STR(cpu.mems);
	EQ(has_pids_limit);
	EQ(pids_limit);
	eq_block_io(&a->block_io, &b->block_io);
	ck_assert_uint_eq(a->n_hugepage_limits, b->n_hugepage_limits);
	for (size_t i = 0; i < a->n_hugepage_limits; i++) {
		EQ_STR(hugepage_limits[i].page_size);
		EQ(hugepage_limits[i].limit);
	}
	ck_assert_uint_eq(a->n_devices, b->n_devices);
	for (size_t i = 0; i < a->n_devices; i++) {
		EQ(devices[i].allow);
		EQ(devices[i].type);
		EQ(devices[i].major);
		EQ(devices[i].minor);
		EQ_STR(devices[i].access);
	}
	EQ(has_net_class_id);
	EQ(net_class_id);
	ck_assert_uint_eq(a->n_net_priorities, b->n_net_priorities);
	for (size_t i = 0; i < a->n_net_priorities; i++) {
		EQ_STR(net_priorities[i].name);
		EQ(net_priorities[i].priority);
	}
	eq_kv(a->unified, a->n_unified, b->unified, b->n_unified, "unified");
}

static void
eq_seccomp(const struct ward_seccomp *a, const struct ward_seccomp *b)
{
	ck_assert_msg((a == NULL) == (b == NULL), "seccomp presence differs");
	if (a == NULL)
		return;
	EQ_STR(default_action);
	EQ(has_default_errno_ret);
	EQ(default_errno_ret);
	EQ_STRV(architectures, n_architectures);
	EQ_STRV(flags, n_flags);
	EQ_STR(listener_path);
	EQ_STR(listener_metadata);
	ck_assert_uint_eq(a->n_syscalls, b->n_syscalls);
	for (size_t i = 0; i < a->n_syscalls; i++) {
		EQ_STRV(syscalls[i].names, syscalls[i].n_names);
		EQ_STR(syscalls[i].action);
		EQ(syscalls[i].has_errno_ret);
		EQ(syscalls[i].errno_ret);
		ck_assert_uint_eq(a->syscalls[i].n_args, b->syscalls[i].n_args);
		for (size_t j = 0; j < a->syscalls[i].n_args; j++) {
			EQ(syscalls[i].args[j].index);
			EQ(syscalls[i].args[j].value);
			EQ(syscalls[i].args[j].value_two);
			EQ_STR(syscalls[i].args[j].op);
		}
	}
}

static void
eq_linux(const struct ward_linux *a, const struct ward_linux *b)
{
	for (int t = 0; t < WARD_NS__N; t++) {
		EQ(ns[t].present);
		EQ(ns[t].index);
		EQ_STR(ns[t].path);
	}
	eq_maps(&a->uid_mappings, &b->uid_mappings, "uidMappings");
	eq_maps(&a->gid_mappings, &b->gid_mappings, "gidMappings");
	eq_kv(a->sysctl, a->n_sysctl, b->sysctl, b->n_sysctl, "sysctl");
	EQ(has_resources);
	eq_resources(&a->resources, &b->resources);
	EQ_STR(cgroups_path);
	EQ_STR(rootfs_propagation);
	eq_seccomp(a->seccomp, b->seccomp);
	EQ(has_masked_paths);
	EQ_STRV(masked_paths, n_masked_paths);
	EQ(has_readonly_paths);
	EQ_STRV(readonly_paths, n_readonly_paths);
	EQ_STR(mount_label);
	EQ(has_personality);
	EQ_STR(personality.domain);
	EQ_STRV(personality.flags, personality.n_flags);
	ck_assert(memcmp(&a->time_boottime, &b->time_boottime,
			 sizeof(a->time_boottime)) == 0);
	ck_assert(memcmp(&a->time_monotonic, &b->time_monotonic,
			 sizeof(a->time_monotonic)) == 0);
	ck_assert_uint_eq(a->n_devices, b->n_devices);
	for (size_t i = 0; i < a->n_devices; i++) {
		EQ_STR(devices[i].path);
		EQ(devices[i].type);
		EQ(devices[i].major);
		EQ(devices[i].minor);
		EQ(devices[i].has_file_mode);
		EQ(devices[i].file_mode);
		EQ(devices[i].has_uid);
		EQ(devices[i].uid);
		EQ(devices[i].has_gid);
		EQ(devices[i].gid);
	}
}

void
test_spec_assert_equal(const struct ward_spec *a, const struct ward_spec *b)
{
	EQ_STR(oci_version);
	EQ(has_process);
	eq_process(&a->process, &b->process);
	EQ(has_root);
	EQ_STR(root.path);
	EQ(root.readonly);
	EQ_STR(hostname);
	EQ_STR(domainname);
	eq_mounts_hooks(a, b);
	EQ(has_linux);
	eq_linux(&a->linux, &b->linux);
}
