/* SPDX-License-Identifier: Apache-2.0 */
/* config.json / process.json parsing, strictness, and serialisation. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <linux/capability.h>

#include "spec.h"
#include "suites.h"

/* test_spec_eq.c */
void test_spec_assert_equal(const struct ward_spec *a,
			    const struct ward_spec *b);
/* test_spec_bad.c */
void test_spec_add_bad(Suite *s);

#define CAP(c) (UINT64_C(1) << (c))

static struct ward_spec *
load_fixture(const char *name)
{
	struct ward_err e = { 0 };
	struct ward_spec *s = NULL;
	char path[PATH_MAX];
	int ret;

	snprintf(path, sizeof(path), "%s/spec/%s", test_fixtures_dir(), name);
	ret = ward_spec_load(path, &s, &e);
	ck_assert_msg(ret == 0, "%s: %s", name, e.msg);
	ck_assert_ptr_nonnull(s);
	return s;
}

/* JSON with ' for " so the cases stay readable. */
static struct ward_spec *
parse_quoted(const char *text, bool process_only, struct ward_err *e,
	     int *ret)
{
	struct ward_spec *s = NULL;
	char *json = strdup(text);

	ck_assert_ptr_nonnull(json);
	for (char *p = json; *p != '\0'; p++)
		if (*p == '\'')
			*p = '"';
	if (process_only)
		*ret = ward_spec_parse_process(json, strlen(json), &s, e);
	else
		*ret = ward_spec_parse(json, strlen(json), &s, e);
	free(json);
	return s;
}

static struct ward_spec *
parse_ok(const char *text)
{
	struct ward_err e = { 0 };
	int ret;
	struct ward_spec *s = parse_quoted(text, false, &e, &ret);

	ck_assert_msg(ret == 0, "unexpected error: %s", e.msg);
	return s;
}

static const uint64_t docker_caps =
	CAP(CAP_CHOWN) | CAP(CAP_DAC_OVERRIDE) | CAP(CAP_FSETID) |
	CAP(CAP_FOWNER) | CAP(CAP_MKNOD) | CAP(CAP_NET_RAW) |
	CAP(CAP_SETGID) | CAP(CAP_SETUID) | CAP(CAP_SETFCAP) |
	CAP(CAP_SETPCAP) | CAP(CAP_NET_BIND_SERVICE) | CAP(CAP_SYS_CHROOT) |
	CAP(CAP_KILL) | CAP(CAP_AUDIT_WRITE);

static void
check_docker_process(const struct ward_process *p)
{
	ck_assert(!p->terminal);
	ck_assert(!p->has_console_size);
	ck_assert_uint_eq(p->user.uid, 1000);
	ck_assert_uint_eq(p->user.gid, 1000);
	ck_assert(!p->user.has_umask);
	ck_assert_uint_eq(p->user.n_additional_gids, 2);
	ck_assert_uint_eq(p->user.additional_gids[1], 10);
	ck_assert_ptr_null(p->user.username);
	ck_assert_uint_eq(p->n_args, 3);
	ck_assert_str_eq(p->args[0], "/bin/sh");
	ck_assert_str_eq(p->args[2], "echo hello");
	ck_assert_ptr_null(p->args[3]);
	ck_assert_uint_eq(p->n_env, 2);
	ck_assert_str_eq(p->env[1], "HOSTNAME=4f1c2a9e8b7d");
	ck_assert_str_eq(p->cwd, "/");
	ck_assert(p->has_caps);
	ck_assert_uint_eq(__builtin_popcountll(docker_caps), 14);
	ck_assert_uint_eq(p->caps.set[WARD_CAP_BOUNDING], docker_caps);
	ck_assert_uint_eq(p->caps.set[WARD_CAP_EFFECTIVE], docker_caps);
	ck_assert_uint_eq(p->caps.set[WARD_CAP_PERMITTED], docker_caps);
	ck_assert(p->caps.present[WARD_CAP_PERMITTED]);
	ck_assert(!p->caps.present[WARD_CAP_INHERITABLE]);
	ck_assert(!p->caps.present[WARD_CAP_AMBIENT]);
	ck_assert_uint_eq(p->caps.set[WARD_CAP_AMBIENT], 0);
	ck_assert_uint_eq(p->n_rlimits, 1);
	ck_assert_int_eq(p->rlimits[0].resource, RLIMIT_NOFILE);
	ck_assert_str_eq(p->rlimits[0].type, "RLIMIT_NOFILE");
	ck_assert_uint_eq(p->rlimits[0].hard, 1048576);
	ck_assert_uint_eq(p->rlimits[0].soft, 1024);
	ck_assert(!p->no_new_privileges);
	ck_assert_str_eq(p->apparmor_profile, "docker-default");
	ck_assert(p->has_oom_score_adj);
	ck_assert_int_eq(p->oom_score_adj, 0);
	ck_assert_ptr_null(p->selinux_label);
}

static void
check_docker_mounts(const struct ward_spec *s)
{
	static const char *const dst[] = { "/proc",	     "/dev",
					   "/dev/pts",	     "/sys",
					   "/sys/fs/cgroup", "/dev/mqueue",
					   "/dev/shm",	     "/etc/resolv.conf" };
	static const char *const type[] = { "proc",   "tmpfs",  "devpts",
					    "sysfs",  "cgroup", "mqueue",
					    "tmpfs",  "bind" };

	ck_assert_uint_eq(s->n_mounts, 8);
	for (size_t i = 0; i < s->n_mounts; i++) {
		ck_assert_str_eq(s->mounts[i].destination, dst[i]);
		ck_assert_str_eq(s->mounts[i].type, type[i]);
		ck_assert_uint_eq(s->mounts[i].uid_mappings.n, 0);
	}
	ck_assert_str_eq(s->mounts[6].source, "shm");
	ck_assert_uint_eq(s->mounts[2].n_options, 6);
	ck_assert_str_eq(s->mounts[2].options[5], "gid=5");
	ck_assert_str_eq(s->mounts[3].options[3], "ro");
	ck_assert_ptr_null(s->mounts[3].options[4]);
	ck_assert_uint_eq(s->hooks.n[WARD_HOOK_PRESTART], 1);
	ck_assert_str_eq(s->hooks.v[WARD_HOOK_PRESTART][0].path,
			 "/usr/bin/dockerd");
	ck_assert_uint_eq(s->hooks.v[WARD_HOOK_PRESTART][0].n_args, 4);
	ck_assert_str_eq(s->hooks.v[WARD_HOOK_PRESTART][0].args[0],
			 "libnetwork-setkey");
	ck_assert(!s->hooks.v[WARD_HOOK_PRESTART][0].has_timeout);
	ck_assert_ptr_null(s->hooks.v[WARD_HOOK_PRESTART][0].env);
	for (int k = WARD_HOOK_CREATE_RUNTIME; k < WARD_HOOK__N; k++)
		ck_assert_uint_eq(s->hooks.n[k], 0);
}

static void
check_docker_resources(const struct ward_resources *r)
{
	const struct ward_device_rule *d = r->devices;

	ck_assert_uint_eq(r->n_devices, 11);
	/* Deny-all first: absent type/major/minor are wildcards. */
	ck_assert(!d[0].allow);
	ck_assert_int_eq(d[0].type, 'a');
	ck_assert_int_eq(d[0].major, -1);
	ck_assert_int_eq(d[0].minor, -1);
	ck_assert_str_eq(d[0].access, "rwm");
	/* Docker's "c *:* m": the wildcard spelled -1. */
	ck_assert(d[1].allow);
	ck_assert_int_eq(d[1].type, 'c');
	ck_assert_int_eq(d[1].major, -1);
	ck_assert_int_eq(d[1].minor, -1);
	ck_assert_str_eq(d[1].access, "m");
	ck_assert_int_eq(d[2].type, 'b');
	d += 2;
	ck_assert(d[1].allow);
	ck_assert_int_eq(d[1].type, 'c');
	ck_assert_int_eq(d[1].major, 1);
	ck_assert_int_eq(d[1].minor, 5);
	ck_assert(!d[7].allow);
	ck_assert_int_eq(d[7].minor, 229);
	ck_assert_int_eq(d[8].major, 136);
	ck_assert_int_eq(d[8].minor, -1);
	ck_assert(r->memory.has_limit);
	ck_assert_int_eq(r->memory.limit, 536870912);
	ck_assert(r->memory.has_swap);
	ck_assert(!r->memory.has_reservation);
	ck_assert(!r->memory.has_swappiness);
	ck_assert(r->cpu.has_shares);
	ck_assert_uint_eq(r->cpu.shares, 512);
	ck_assert_int_eq(r->cpu.quota, 50000);
	ck_assert_uint_eq(r->cpu.period, 100000);
	ck_assert(!r->cpu.has_burst);
	ck_assert_ptr_null(r->cpu.cpus);
	ck_assert(r->has_pids_limit);
	ck_assert_int_eq(r->pids_limit, 100);
	ck_assert(r->block_io.has_weight);
	ck_assert_uint_eq(r->block_io.weight, 500);
	ck_assert(!r->has_net_class_id);
	ck_assert_uint_eq(r->n_unified, 0);
}

static void
check_docker_seccomp(const struct ward_seccomp *sc)
{
	const struct ward_seccomp_rule *r;

	ck_assert_ptr_nonnull(sc);
	ck_assert_str_eq(sc->default_action, "SCMP_ACT_ERRNO");
	ck_assert(sc->has_default_errno_ret);
	ck_assert_uint_eq(sc->default_errno_ret, 1);
	ck_assert_uint_eq(sc->n_architectures, 3);
	ck_assert_str_eq(sc->architectures[2], "SCMP_ARCH_X32");
	ck_assert_uint_eq(sc->n_flags, 0);
	ck_assert_ptr_null(sc->listener_path);
	ck_assert_uint_eq(sc->n_syscalls, 5);
	r = sc->syscalls;
	ck_assert_uint_eq(r[0].n_names, 6);
	ck_assert_str_eq(r[0].names[5], "exit_group");
	ck_assert_str_eq(r[0].action, "SCMP_ACT_ALLOW");
	ck_assert_uint_eq(r[0].n_args, 0);
	ck_assert_uint_eq(r[2].n_args, 1);
	ck_assert_uint_eq(r[2].args[0].index, 0);
	ck_assert_uint_eq(r[2].args[0].value, 4294967295u);
	ck_assert_str_eq(r[2].args[0].op, "SCMP_CMP_EQ");
	ck_assert_uint_eq(r[3].args[0].value, 2114060288);
	ck_assert_uint_eq(r[3].args[0].value_two, 0);
	ck_assert_str_eq(r[3].args[0].op, "SCMP_CMP_MASKED_EQ");
	ck_assert(!r[3].has_errno_ret);
	ck_assert_str_eq(r[4].names[0], "clone3");
	ck_assert(r[4].has_errno_ret);
	ck_assert_uint_eq(r[4].errno_ret, 38);
}

START_TEST(docker_config)
{
	struct ward_spec *s = load_fixture("docker.json");
	const struct ward_linux *l = &s->linux;
	static const enum ward_ns_type order[] = {
		WARD_NS_MOUNT, WARD_NS_NET, WARD_NS_UTS,
		WARD_NS_PID,   WARD_NS_IPC, WARD_NS_CGROUP,
	};

	ck_assert_str_eq(s->oci_version, "1.0.2-dev");
	ck_assert(s->has_process);
	check_docker_process(&s->process);
	ck_assert(s->has_root);
	ck_assert_str_eq(s->root.path,
			 "/var/lib/docker/overlay2/0f3c1e2d/merged");
	ck_assert(!s->root.readonly);
	ck_assert_str_eq(s->hostname, "4f1c2a9e8b7d");
	ck_assert_ptr_null(s->domainname);
	ck_assert_uint_eq(s->n_annotations, 0);
	check_docker_mounts(s);
	ck_assert(s->has_linux);
	for (size_t i = 0; i < WARD_ARRAY_SIZE(order); i++) {
		ck_assert(ward_spec_has_ns(s, order[i]));
		ck_assert_uint_eq(l->ns[order[i]].index, i);
		ck_assert_ptr_null(l->ns[order[i]].path);
	}
	ck_assert(!ward_spec_has_ns(s, WARD_NS_USER));
	ck_assert(!ward_spec_has_ns(s, WARD_NS_TIME));
	ck_assert_uint_eq(l->uid_mappings.n, 0);
	ck_assert_uint_eq(l->n_sysctl, 2);
	ck_assert_str_eq(l->sysctl[1].key, "net.ipv4.ping_group_range");
	ck_assert_str_eq(l->sysctl[1].value, "0 2147483647");
	ck_assert(l->has_resources);
	check_docker_resources(&l->resources);
	ck_assert_str_eq(l->cgroups_path, "system.slice:docker:4f1c2a9e8b7d");
	ck_assert_ptr_null(l->rootfs_propagation);
	check_docker_seccomp(l->seccomp);
	ck_assert(l->has_masked_paths);
	ck_assert_uint_eq(l->n_masked_paths, 11);
	ck_assert_str_eq(l->masked_paths[10], "/sys/devices/virtual/powercap");
	ck_assert(l->has_readonly_paths);
	ck_assert_uint_eq(l->n_readonly_paths, 5);
	ck_assert_str_eq(l->readonly_paths[4], "/proc/sysrq-trigger");
	ck_assert_ptr_null(l->mount_label);
	ck_assert(!l->has_personality);
	ck_assert(!l->time_boottime.present);
	ck_assert_uint_eq(l->n_devices, 0);
	ward_spec_free(s);
}
END_TEST

START_TEST(full_config_fields)
{
	struct ward_spec *s = load_fixture("full.json");
	const struct ward_process *p = &s->process;
	const struct ward_linux *l = &s->linux;
	const struct ward_resources *r = &l->resources;

	ck_assert_uint_eq(p->user.uid, UINT32_MAX);
	ck_assert(p->user.has_umask);
	ck_assert_uint_eq(p->user.umask, 022);
	ck_assert_str_eq(p->user.username, "nobody");
	ck_assert(p->terminal && p->has_console_size);
	ck_assert_uint_eq(p->console_width, 80);
	/* Escapes decoded, UTF-8 kept. */
	ck_assert_str_eq(p->args[1], "--flag=\xc3\xa9t\xc3\xa9");
	ck_assert_str_eq(p->args[2], "tab\there");
	ck_assert_str_eq(p->args[3], "quote\"back\\slash");
	ck_assert_ptr_nonnull(p->env);
	ck_assert_uint_eq(p->n_env, 0);
	ck_assert_uint_eq(p->caps.set[WARD_CAP_BOUNDING],
			  CAP(CAP_CHOWN) | CAP(CAP_CHECKPOINT_RESTORE));
	ck_assert_uint_eq(p->caps.set[WARD_CAP_EFFECTIVE], CAP(CAP_KILL));
	ck_assert(p->caps.present[WARD_CAP_INHERITABLE]);
	ck_assert_uint_eq(p->caps.set[WARD_CAP_INHERITABLE], 0);
	ck_assert_uint_eq(p->caps.set[WARD_CAP_AMBIENT],
			  CAP(CAP_NET_BIND_SERVICE));
	ck_assert_uint_eq(p->rlimits[0].hard, UINT64_MAX);
	ck_assert_int_eq(p->rlimits[1].resource, RLIMIT_RTTIME);
	ck_assert(p->no_new_privileges);
	ck_assert_int_eq(p->oom_score_adj, -1000);
	ck_assert(s->root.readonly);
	ck_assert_str_eq(s->domainname, "example.org");
	ck_assert_uint_eq(s->mounts[0].uid_mappings.v[0].host_id, 100000);
	ck_assert_uint_eq(s->mounts[0].gid_mappings.v[0].size, 65536);
	ck_assert_ptr_null(s->mounts[2].type);
	ck_assert_ptr_null(s->mounts[2].options);
	ck_assert_uint_eq(s->hooks.n[WARD_HOOK_CREATE_RUNTIME], 2);
	ck_assert_int_eq(s->hooks.v[WARD_HOOK_CREATE_RUNTIME][0].timeout, 5);
	ck_assert_str_eq(s->hooks.v[WARD_HOOK_POSTSTOP][0].path, "/hooks/pstop");
	ck_assert_str_eq(s->annotations[1].key, "");
	ck_assert(ward_spec_has_ns(s, WARD_NS_TIME));
	ck_assert_uint_eq(l->ns[WARD_NS_TIME].index, 7);
	ck_assert_str_eq(l->ns[WARD_NS_NET].path, "/var/run/netns/full");
	ck_assert_uint_eq(l->uid_mappings.v[1].host_id, 4294966296u);
	ck_assert_int_eq(r->memory.kernel, INT64_MIN);
	ck_assert_int_eq(r->memory.swap, INT64_MAX);
	ck_assert(r->memory.has_disable_oom_killer);
	ck_assert(!r->memory.disable_oom_killer);
	ck_assert_str_eq(r->cpu.cpus, "0-3");
	ck_assert_int_eq(r->pids_limit, -1);
	ck_assert(!r->block_io.weight_device[1].has_weight);
	ck_assert_uint_eq(r->block_io.throttle[WARD_THROTTLE_WRITE_IOPS][0].rate,
			  UINT64_MAX);
	ck_assert_int_eq(r->devices[1].type, 'b');
	ck_assert_int_eq(r->devices[1].minor, -1);
	ck_assert_ptr_null(r->devices[0].access);
	ck_assert_uint_eq(r->net_priorities[0].priority, 500);
	ck_assert_str_eq(r->unified[1].value, "default 100");
	ck_assert_str_eq(l->rootfs_propagation, "rslave");
	ck_assert_str_eq(l->seccomp->listener_path, "/run/seccomp-agent.sock");
	ck_assert_uint_eq(l->seccomp->syscalls[1].args[1].value, UINT64_MAX);
	ck_assert(l->has_masked_paths);
	ck_assert_uint_eq(l->n_masked_paths, 0);
	ck_assert_str_eq(l->personality.domain, "LINUX32");
	ck_assert_int_eq(l->time_boottime.secs, -100);
	ck_assert_uint_eq(l->time_boottime.nanosecs, 999999999);
	ck_assert_int_eq(l->devices[2].type, 'p');
	ck_assert_uint_eq(l->devices[0].file_mode, 0666);
	ward_spec_free(s);
}
END_TEST

START_TEST(unknown_properties_ignored)
{
	struct ward_spec *s = parse_ok(
		"{'ociVersion':'1.0','future':{'deep':[[{'x':1.5e300}]]},"
		"'process':{'user':{'uid':1,'gid':2,'sid':[]},'args':['a'],"
		"'cwd':'/','ioPriority':{'class':'IOPRIO_CLASS_IDLE'}},"
		"'mounts':[{'destination':'/x','mode':7}],"
		"'linux':{'intelRdt':{},'resources':{'rdma':{'mlx':{}},"
		"'memory':{'limit':5,'kmem':true}},"
		"'seccomp':{'defaultAction':'SCMP_ACT_ERRNO','syscalls':"
		"[{'names':['a'],'action':'SCMP_ACT_ALLOW','comment':'x'}]}}}");

	ck_assert_uint_eq(s->process.user.gid, 2);
	ck_assert_str_eq(s->mounts[0].destination, "/x");
	ck_assert_int_eq(s->linux.resources.memory.limit, 5);
	ck_assert_uint_eq(s->linux.seccomp->n_syscalls, 1);
	ward_spec_free(s);
}
END_TEST

START_TEST(null_means_absent)
{
	struct ward_spec *s = parse_ok(
		"{'ociVersion':'1.0','hostname':null,'root':null,"
		"'linux':{'seccomp':null,'maskedPaths':null}}");

	ck_assert_ptr_null(s->hostname);
	ck_assert(!s->has_root);
	ck_assert(s->has_linux);
	ck_assert_ptr_null(s->linux.seccomp);
	ck_assert(!s->linux.has_masked_paths);
	ward_spec_free(s);
}
END_TEST

START_TEST(respects_length)
{
	static const char buf[] = "{\"ociVersion\":\"1\"}garbage";
	struct ward_err e = { 0 };
	struct ward_spec *s = NULL;

	/* Only len bytes are read: no NUL terminator is needed. */
	ck_assert_int_eq(ward_spec_parse(buf, 18, &s, &e), 0);
	ck_assert_str_eq(s->oci_version, "1");
	ward_spec_free(s);
	s = NULL;
	ck_assert_int_eq(ward_spec_parse(buf, 19, &s, &e), -EINVAL);
	ck_assert_ptr_null(s);
}
END_TEST

START_TEST(process_json)
{
	struct ward_err e = { 0 };
	struct ward_spec *s = NULL;
	char path[PATH_MAX];
	int ret;

	snprintf(path, sizeof(path), "%s/spec/process.json",
		 test_fixtures_dir());
	ret = ward_spec_load_process(path, &s, &e);
	ck_assert_msg(ret == 0, "%s", e.msg);
	ck_assert(s->has_process);
	ck_assert_str_eq(s->process.args[0], "/bin/ps");
	ck_assert_uint_eq(s->process.user.uid, 1000);
	ck_assert_str_eq(s->process.cwd, "/srv");
	ck_assert(s->process.terminal);
	ck_assert_uint_eq(s->process.caps.set[WARD_CAP_BOUNDING],
			  CAP(CAP_KILL));
	/* Only the process: nothing else is read from the file. */
	ck_assert_ptr_null(s->oci_version);
	ck_assert(!s->has_root && !s->has_linux);
	ck_assert_uint_eq(s->n_mounts, 0);
	ward_spec_free(s);

	s = parse_quoted("{'user':{'uid':-1,'gid':0},'args':['sh'],'cwd':'/'}",
			 true, &e, &ret);
	ck_assert_int_eq(ret, -EINVAL);
	ck_assert_ptr_null(s);
	ck_assert_str_eq(e.msg, "user.uid: expected an unsigned integer, got -1");
	memset(&e, 0, sizeof(e));
	s = parse_quoted("{'user':{'uid':1,'gid':0},'cwd':'/'}", true, &e, &ret);
	ck_assert_int_eq(ret, -EINVAL);
	ck_assert_str_eq(e.msg, "args: required");
	memset(&e, 0, sizeof(e));
	s = parse_quoted("[]", true, &e, &ret);
	ck_assert_int_eq(ret, -EINVAL);
	ck_assert_str_eq(e.msg, "top level: expected an object, got an array");
}
END_TEST

START_TEST(round_trip)
{
	static const char *const fixtures[] = { "docker.json", "full.json" };

	for (size_t i = 0; i < WARD_ARRAY_SIZE(fixtures); i++) {
		struct ward_spec *a = load_fixture(fixtures[i]), *b = NULL;
		struct ward_err e = { 0 };
		char *json = NULL, *json2 = NULL;
		size_t len = 0, len2 = 0;

		ck_assert_int_eq(ward_spec_to_json(a, &json, &len, &e), 0);
		ck_assert_uint_eq(strlen(json), len);
		/* Beautified, with caps and rlimits by name. */
		ck_assert_ptr_nonnull(strstr(json, "\n  \"process\": {"));
		ck_assert_ptr_nonnull(strstr(json, "\"CAP_CHOWN\""));
		ck_assert_ptr_nonnull(strstr(json, "\"type\": \"RLIMIT_"));
		ck_assert_msg(ward_spec_parse(json, len, &b, &e) == 0,
			      "%s: reparse: %s", fixtures[i], e.msg);
		test_spec_assert_equal(a, b);
		ck_assert_int_eq(ward_spec_to_json(b, &json2, &len2, &e), 0);
		ck_assert_str_eq(json, json2);
		free(json);
		free(json2);
		ward_spec_free(a);
		ward_spec_free(b);
	}
}
END_TEST

START_TEST(to_json_emits_only_present_fields)
{
	struct ward_spec *s = parse_ok("{'ociVersion':'1.0.0'}");
	struct ward_err e = { 0 };
	char *json = NULL;

	ck_assert_int_eq(ward_spec_to_json(s, &json, NULL, &e), 0);
	ck_assert_str_eq(json, "{\n  \"ociVersion\": \"1.0.0\"\n}\n");
	free(json);
	/* Hardening may add strings; invalid UTF-8 must not reach the file. */
	s->hostname = ward_spec_strdup(s, "bad\xff");
	ck_assert_int_eq(ward_spec_to_json(s, &json, NULL, &e), -EINVAL);
	ck_assert_ptr_nonnull(strstr(e.msg, "UTF-8"));
	ward_spec_free(s);
}
END_TEST

START_TEST(to_json_keeps_namespace_order)
{
	struct ward_spec *s = parse_ok(
		"{'ociVersion':'1','linux':{'namespaces':[{'type':'uts'},"
		"{'type':'pid','path':'/proc/1/ns/pid'}]}}");
	struct ward_err e = { 0 };
	char *json = NULL;
	const char *uts, *pid, *user;

	/* As hardening would: a namespace added after the existing ones. */
	s->linux.ns[WARD_NS_USER].present = true;
	s->linux.ns[WARD_NS_USER].index = 2;
	ck_assert_int_eq(ward_spec_to_json(s, &json, NULL, &e), 0);
	uts = strstr(json, "\"uts\"");
	pid = strstr(json, "\"pid\"");
	user = strstr(json, "\"user\"");
	ck_assert(uts != NULL && pid != NULL && user != NULL);
	ck_assert(uts < pid && pid < user);
	ck_assert_ptr_nonnull(strstr(json, "\"path\": \"/proc/1/ns/pid\""));
	free(json);
	ward_spec_free(s);
}
END_TEST

START_TEST(strv_append)
{
	struct ward_spec *s = parse_ok(
		"{'ociVersion':'1','process':{'user':{'uid':1,'gid':1},"
		"'args':['sh'],'cwd':'/'},'linux':{}}");
	struct ward_err e = { 0 };
	char **old = s->process.args;
	char buf[8] = "/x";

	ck_assert_int_eq(ward_spec_strv_append(s, &s->linux.masked_paths,
					       &s->linux.n_masked_paths, buf,
					       &e),
			 0);
	/* The spec keeps its own copy. */
	buf[1] = 'y';
	ck_assert_uint_eq(s->linux.n_masked_paths, 1);
	ck_assert_str_eq(s->linux.masked_paths[0], "/x");
	ck_assert_ptr_null(s->linux.masked_paths[1]);
	ck_assert_int_eq(ward_spec_strv_append(s, &s->process.args,
					       &s->process.n_args, "-c", &e),
			 0);
	ck_assert_int_eq(ward_spec_strv_append(s, &s->process.args,
					       &s->process.n_args, "true", &e),
			 0);
	ck_assert_uint_eq(s->process.n_args, 3);
	ck_assert_str_eq(s->process.args[0], "sh");
	ck_assert_str_eq(s->process.args[2], "true");
	ck_assert_ptr_null(s->process.args[3]);
	ck_assert_str_eq(old[0], "sh");
	ck_assert_int_eq(ward_spec_strv_append(s, &s->process.args,
					       &s->process.n_args, NULL, &e),
			 -EINVAL);
	ck_assert_uint_eq(s->process.n_args, 3);
	ck_assert_ptr_null(ward_spec_strdup(s, NULL));
	ck_assert_str_eq(ward_spec_strdup(s, "abc"), "abc");
	ck_assert_ptr_nonnull(ward_spec_alloc(s, 100));
	ward_spec_free(s);
	ward_spec_free(NULL);
}
END_TEST

START_TEST(names)
{
	ck_assert_str_eq(ward_ns_name(WARD_NS_NET), "network");
	ck_assert_str_eq(ward_ns_name(WARD_NS_MOUNT), "mount");
	ck_assert_str_eq(ward_ns_name(WARD_NS_TIME), "time");
	ck_assert_ptr_null(ward_ns_name(WARD_NS__N));
	ck_assert_str_eq(ward_hook_name(WARD_HOOK_CREATE_RUNTIME),
			 "createRuntime");
	ck_assert_str_eq(ward_hook_name(WARD_HOOK_POSTSTOP), "poststop");
	ck_assert_ptr_null(ward_hook_name(WARD_HOOK__N));
	ck_assert_str_eq(ward_capset_name(WARD_CAP_AMBIENT), "ambient");
	ck_assert_str_eq(ward_capset_name(WARD_CAP_BOUNDING), "bounding");
	ck_assert_ptr_null(ward_capset_name(WARD_CAP__N));
}
END_TEST

START_TEST(load_errors)
{
	struct ward_err e = { 0 };
	struct ward_spec *s = NULL;
	char path[] = "/tmp/ward-spec-big-XXXXXX";
	int fd = mkstemp(path);
	char *big;

	ck_assert_int_eq(ward_spec_load("/nonexistent/config.json", &s, &e),
			 -ENOENT);
	ck_assert_ptr_null(s);
	ck_assert_int_ge(fd, 0);
	big = malloc(WARD_SPEC_MAX_BYTES + 1);
	ck_assert_ptr_nonnull(big);
	memset(big, ' ', WARD_SPEC_MAX_BYTES + 1);
	ck_assert_int_eq(write(fd, big, WARD_SPEC_MAX_BYTES + 1),
			 WARD_SPEC_MAX_BYTES + 1);
	close(fd);
	free(big);
	memset(&e, 0, sizeof(e));
	ck_assert_int_eq(ward_spec_load(path, &s, &e), -EFBIG);
	ck_assert_ptr_null(s);
	unlink(path);
}
END_TEST

Suite *
suite_spec(void)
{
	Suite *s = suite_create("spec");
	TCase *tc = tcase_create("parse");
	TCase *out = tcase_create("serialise");

	tcase_add_test(tc, docker_config);
	tcase_add_test(tc, full_config_fields);
	tcase_add_test(tc, unknown_properties_ignored);
	tcase_add_test(tc, null_means_absent);
	tcase_add_test(tc, respects_length);
	tcase_add_test(tc, process_json);
	tcase_add_test(tc, strv_append);
	tcase_add_test(tc, names);
	tcase_add_test(tc, load_errors);
	suite_add_tcase(s, tc);
	tcase_add_test(out, round_trip);
	tcase_add_test(out, to_json_emits_only_present_fields);
	tcase_add_test(out, to_json_keeps_namespace_order);
	suite_add_tcase(s, out);
	test_spec_add_bad(s);
	return s;
}
