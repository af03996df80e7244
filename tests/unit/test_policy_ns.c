/* SPDX-License-Identifier: Apache-2.0 */
/* Policy: namespaces, id mappings and sysctls. */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_policy.h"

START_TEST(missing_namespaces_refused)
{
	static const struct {
		enum ward_ns_type t;
		const char *cis;
	} want[] = {
		{ WARD_NS_PID, "5.16" }, { WARD_NS_NET, "5.10" },
		{ WARD_NS_IPC, "5.17" }, { WARD_NS_UTS, "5.21" },
		{ WARD_NS_MOUNT, NULL },
	};

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct ward_spec *s = tp_good();
		const struct ward_verdict *v;
		struct ward_report r;

		s->linux.ns[want[i].t].present = false;
		tp_run(s, NULL, &r);
		v = tp_refused(&r, "host-ns", want[i].cis, "linux.namespaces");
		ck_assert_ptr_nonnull(strstr(v->what, ward_ns_name(want[i].t)));
		ck_assert_uint_eq(r.n_refused, 1);
		ward_report_free(&r);
		ward_spec_free(s);
	}
}
END_TEST

static void
set_ns_path(struct ward_spec *s, enum ward_ns_type t, const char *path)
{
	s->linux.ns[t].present = true;
	s->linux.ns[t].path = ward_spec_strdup(s, path);
}

START_TEST(host_namespace_paths_refused)
{
	struct ward_spec *s = tp_good();
	const struct ward_verdict *v;
	struct ward_report r;
	char path[64];

	/* pid 1's may be unreadable under a sandbox: refused either way. */
	set_ns_path(s, WARD_NS_NET, "/proc/self/ns/net");
	set_ns_path(s, WARD_NS_PID, "/proc/1/ns/pid");
	set_ns_path(s, WARD_NS_IPC, "/nonexistent/ns/ipc");
	set_ns_path(s, WARD_NS_USER, "/proc/self/ns/user");
	tp_run(s, NULL, &r);
	snprintf(path, sizeof(path), "linux.namespaces[%zu].path",
		 s->linux.ns[WARD_NS_NET].index);
	v = tp_refused(&r, "host-ns", "5.10", path);
	ck_assert_ptr_nonnull(strstr(v->what, "host's own"));
	snprintf(path, sizeof(path), "linux.namespaces[%zu].path",
		 s->linux.ns[WARD_NS_PID].index);
	tp_refused(&r, "host-ns", "5.16", path);
	/* Cannot stat: fail closed. */
	snprintf(path, sizeof(path), "linux.namespaces[%zu].path",
		 s->linux.ns[WARD_NS_IPC].index);
	v = tp_refused(&r, "host-ns", "5.17", path);
	ck_assert_ptr_nonnull(strstr(v->what, "cannot verify"));
	snprintf(path, sizeof(path), "linux.namespaces[%zu].path",
		 s->linux.ns[WARD_NS_USER].index);
	tp_refused(&r, "userns-root", "5.31", path);
	ward_report_free(&r);
	ward_spec_free(s);
}
END_TEST

/* Joining another container's namespace (a Kubernetes pod) passes. */
START_TEST(other_namespace_path_passes)
{
	struct ward_spec *s = tp_good();
	struct ward_report r;
	char path[64], c;
	int p[2], status;
	pid_t pid;

	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(p[0]);
		if (unshare(CLONE_NEWNET | CLONE_NEWUTS) < 0)
			_exit(1);
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	ck_assert_int_eq(read(p[0], &c, 1), 1);
	close(p[0]);
	snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
	set_ns_path(s, WARD_NS_NET, path);
	snprintf(path, sizeof(path), "/proc/%d/ns/uts", pid);
	set_ns_path(s, WARD_NS_UTS, path);
	tp_run(s, NULL, &r);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	ck_assert_uint_eq(r.n_refused, 0);
	ward_report_free(&r);
	ward_spec_free(s);
}
END_TEST

static void
set_map(struct ward_spec *s, struct ward_id_maps *m, uint32_t c, uint32_t h,
	uint32_t n)
{
	m->v = ward_spec_alloc(s, sizeof(*m->v));
	ck_assert_ptr_nonnull(m->v);
	m->v[0] = (struct ward_id_map){ c, h, n };
	m->n = 1;
}

START_TEST(mappings_to_host_root_refused)
{
	struct ward_spec *s = tp_good();
	const struct ward_verdict *v;
	struct ward_report r;
	size_t i;

	set_map(s, &s->linux.uid_mappings, 0, 0, 65536);
	set_map(s, &s->linux.gid_mappings, 1000, 100000, 65536);
	i = tp_add_mount(s, "bind", "/srv", "/data", "rbind", NULL);
	set_map(s, &s->mounts[i].gid_mappings, 0, 0, 1);
	tp_run(s, NULL, &r);
	v = tp_refused(&r, "userns-root", "5.31", "linux.uidMappings[0]");
	ck_assert_ptr_nonnull(strstr(v->what, "host uid 0"));
	tp_refused(&r, "userns-root", "5.31", "mounts[1].gidMappings[0]");
	tp_assert_rule_count(&r, "userns-root", 2);
	ward_report_free(&r);
	ward_spec_free(s);
}
END_TEST

START_TEST(mappings_past_last_id_or_into_allocator_refused)
{
	struct ward_spec *s = tp_good();
	const struct ward_verdict *v;
	struct ward_report r;

	set_map(s, &s->linux.uid_mappings, 0, 4294901760u, 65536);
	set_map(s, &s->linux.gid_mappings, 0, 1000065536u, 65536);
	tp_run(s, NULL, &r);
	v = tp_refused(&r, "userns-root", "5.31", "linux.uidMappings[0]");
	ck_assert_ptr_nonnull(strstr(v->what, "last valid id"));
	v = tp_refused(&r, "userns-root", "5.31", "linux.gidMappings[0]");
	ck_assert_ptr_nonnull(strstr(v->what, "allocation range"));
	ward_report_free(&r);
	ward_spec_free(s);
}
END_TEST

START_TEST(ordinary_mappings_pass)
{
	struct ward_spec *s = tp_good();
	struct ward_report r;

	set_map(s, &s->linux.uid_mappings, 0, 100000, 65536);
	set_map(s, &s->linux.gid_mappings, 0, 100000, 65536);
	tp_run(s, NULL, &r);
	ck_assert_uint_eq(r.n, 0);
	ward_report_free(&r);
	ward_spec_free(s);
}
END_TEST

START_TEST(user_and_cgroup_namespaces_added)
{
	struct ward_spec *s = tp_good();
	const struct ward_verdict *v;
	struct ward_report r;
	size_t max = 0;

	s->linux.ns[WARD_NS_USER].present = false;
	s->linux.ns[WARD_NS_CGROUP].present = false;
	for (int t = 0; t < WARD_NS__N; t++)
		if (s->linux.ns[t].present && s->linux.ns[t].index > max)
			max = s->linux.ns[t].index;
	tp_run(s, NULL, &r);
	ck_assert_uint_eq(r.n_refused, 0);
	v = tp_find(&r, "userns", WARD_VERDICT_HARDEN);
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(v->cis, "5.31");
	ck_assert_str_eq(v->path, "linux.namespaces");
	ck_assert_ptr_nonnull(strstr(v->what, "1000000000"));
	ck_assert_ptr_nonnull(tp_find(&r, "cgroupns", WARD_VERDICT_HARDEN));
	ck_assert(s->linux.ns[WARD_NS_USER].present);
	ck_assert_ptr_null(s->linux.ns[WARD_NS_USER].path);
	ck_assert(s->linux.ns[WARD_NS_CGROUP].present);
	/* Appended after the config's own, so serialisation keeps order. */
	ck_assert_uint_gt(s->linux.ns[WARD_NS_USER].index, max);
	ck_assert_uint_ne(s->linux.ns[WARD_NS_USER].index,
			  s->linux.ns[WARD_NS_CGROUP].index);
	ward_report_free(&r);
	ward_spec_free(s);
}
END_TEST

START_TEST(sysctls)
{
	static const struct {
		const char *key;
		bool ok;
	} cases[] = {
		{ "kernel.core_pattern", false },
		{ "kernel.modprobe", false },
		{ "vm.swappiness", false },
		{ "fs.protected_symlinks", false },
		{ "kernel.shmmax", true },
		{ "kernel.shm_rmid_forced", true },
		{ "kernel.msgmnb", true },
		{ "kernel.sem", true },
		{ "kernel.msg_next_id", false },
		{ "fs.mqueue.msg_max", true },
		{ "net.ipv4.ip_unprivileged_port_start", true },
		{ "net/ipv4/conf/eth0.100/forwarding", true },
		{ "net/../kernel/core_pattern", false },
		{ "net..ipv4", false },
		{ "net.ipv4.", false },
		{ "", false },
		{ "kernel.hostname", true },
		{ "kernel.domainname", true },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ward_spec *s = tp_good();
		struct ward_report r;
		char path[128];

		tp_add_sysctl(s, cases[i].key, "1");
		tp_run(s, NULL, &r);
		ck_assert_msg((r.n_refused == 0) == cases[i].ok, "%s",
			      cases[i].key);
		if (!cases[i].ok) {
			snprintf(path, sizeof(path), "linux.sysctl[%s]",
				 cases[i].key);
			tp_refused(&r, "sysctl", NULL, path);
		}
		ward_report_free(&r);
		ward_spec_free(s);
	}
}
END_TEST

START_TEST(net_sysctl_needs_new_netns)
{
	struct ward_spec *s = tp_good();
	const struct ward_verdict *v;
	struct ward_report r;

	tp_add_sysctl(s, "net.ipv4.ip_forward", "1");
	tp_add_sysctl(s, "kernel.hostname", "x");
	set_ns_path(s, WARD_NS_NET, "/run/netns/other");
	set_ns_path(s, WARD_NS_UTS, "/run/utsns/other");
	tp_run(s, NULL, &r);
	v = tp_refused(&r, "sysctl", NULL, "linux.sysctl[net.ipv4.ip_forward]");
	ck_assert_ptr_nonnull(strstr(v->what, "new network namespace"));
	tp_refused(&r, "sysctl", NULL, "linux.sysctl[kernel.hostname]");
	ward_report_free(&r);
	ward_spec_free(s);
}
END_TEST

static const char *
ping_after(const char *value, bool with_maps, size_t *n_refused,
	   size_t *n_harden)
{
	static char out[64];
	struct ward_spec *s = tp_good();
	struct ward_report r;

	tp_add_sysctl(s, "net.ipv4.ping_group_range", value);
	if (with_maps) {
		struct ward_id_maps *m = &s->linux.gid_mappings;

		m->v = ward_spec_alloc(s, 2 * sizeof(*m->v));
		m->v[0] = (struct ward_id_map){ 0, 100000, 1000 };
		m->v[1] = (struct ward_id_map){ 5000, 200000, 10 };
		m->n = 2;
	}
	tp_run(s, NULL, &r);
	snprintf(out, sizeof(out), "%s", s->linux.sysctl[0].value);
	*n_refused = r.n_refused;
	*n_harden = tp_count(&r, WARD_VERDICT_HARDEN);
	if (*n_harden > 0)
		ck_assert_ptr_nonnull(tp_find(&r, "ping-group-range",
					      WARD_VERDICT_HARDEN));
	ward_report_free(&r);
	ward_spec_free(s);
	return out;
}

START_TEST(ping_group_range_clamped)
{
	size_t nr, nh;

	/* Docker's value, with ward's default 0..65535 container ids. */
	ck_assert_str_eq(ping_after("0 2147483647", false, &nr, &nh), "0 65535");
	ck_assert_uint_eq(nr, 0);
	ck_assert_uint_eq(nh, 1);
	ck_assert_str_eq(ping_after("0 65535", false, &nr, &nh), "0 65535");
	ck_assert_uint_eq(nh, 0);
	ck_assert_str_eq(ping_after("1 0", false, &nr, &nh), "1 0");
	ck_assert_uint_eq(nh + nr, 0);
	ck_assert_str_eq(ping_after("0 2147483647", true, &nr, &nh), "0 5009");
	ck_assert_uint_eq(nh, 1);
	ck_assert_str_eq(ping_after("100 4000", true, &nr, &nh), "100 999");
	ck_assert_str_eq(ping_after("2000 4000", true, &nr, &nh), "2000 4000");
	ck_assert_uint_eq(nr, 1);
	ping_after("zero 10", false, &nr, &nh);
	ck_assert_uint_eq(nr, 1);
	ping_after("0 10 20", false, &nr, &nh);
	ck_assert_uint_eq(nr, 1);
}
END_TEST

void
test_policy_add_ns(Suite *s)
{
	TCase *tc = tcase_create("namespaces");

	tcase_add_test(tc, missing_namespaces_refused);
	tcase_add_test(tc, host_namespace_paths_refused);
	tcase_add_test(tc, other_namespace_path_passes);
	tcase_add_test(tc, mappings_to_host_root_refused);
	tcase_add_test(tc, mappings_past_last_id_or_into_allocator_refused);
	tcase_add_test(tc, ordinary_mappings_pass);
	tcase_add_test(tc, user_and_cgroup_namespaces_added);
	tcase_add_test(tc, sysctls);
	tcase_add_test(tc, net_sysctl_needs_new_netns);
	tcase_add_test(tc, ping_group_range_clamped);
	suite_add_tcase(s, tc);
}
