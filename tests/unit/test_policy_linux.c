/* SPDX-License-Identifier: Apache-2.0 */
/* Policy: devices, seccomp, masked/read-only paths, limits, ward.conf. */
#include <stdio.h>
#include <string.h>

#include "test_policy.h"

static void
add_device(struct ward_spec *s, const char *path, char type, int64_t major,
	   int64_t minor)
{
	struct ward_linux *l = &s->linux;
	struct ward_device *d = ward_spec_alloc(s, (l->n_devices + 1) * sizeof(*d));

	ck_assert_ptr_nonnull(d);
	if (l->n_devices > 0)
		memcpy(d, l->devices, l->n_devices * sizeof(*d));
	d[l->n_devices] = (struct ward_device){
		.path = ward_spec_strdup(s, path), .type = type,
		.major = major, .minor = minor,
	};
	l->devices = d;
	l->n_devices++;
}

static void
add_rule(struct ward_spec *s, bool allow, char type, int64_t major,
	 int64_t minor, const char *access)
{
	struct ward_resources *res = &s->linux.resources;
	struct ward_device_rule *d =
		ward_spec_alloc(s, (res->n_devices + 1) * sizeof(*d));

	ck_assert_ptr_nonnull(d);
	if (res->n_devices > 0)
		memcpy(d, res->devices, res->n_devices * sizeof(*d));
	d[res->n_devices] = (struct ward_device_rule){
		.allow = allow, .type = type, .major = major, .minor = minor,
		.access = access ? ward_spec_strdup(s, access) : NULL,
	};
	res->devices = d;
	res->n_devices++;
}

START_TEST(device_nodes)
{
	struct ward_spec *s = tp_good();
	const struct ward_verdict *v;
	struct ward_report r;

	add_device(s, "/dev/null", 'c', 1, 3);
	add_device(s, "/dev/pts/3", 'c', 136, 3);
	add_device(s, "/dev/urandom", 'u', 1, 9);
	add_device(s, "/dev/fifo", 'p', 0, 0);
	tp_run(s, NULL, &r);
	ck_assert_uint_eq(r.n_refused, 0);
	ward_report_free(&r);

	add_device(s, "/dev/sda", 'b', 8, 0);
	add_device(s, "/dev/fuse", 'c', 10, 229);
	/* The path is a name; the numbers say what it reaches. */
	add_device(s, "/dev/null", 'c', 1, 1);
	tp_run(s, NULL, &r);
	v = tp_refused(&r, "devices", "5.18", "linux.devices[4]");
	ck_assert_ptr_nonnull(strstr(v->what, "/dev/sda (b 8:0)"));
	tp_refused(&r, "devices", "5.18", "linux.devices[5]");
	tp_refused(&r, "devices", "5.18", "linux.devices[6]");
	tp_assert_rule_count(&r, "devices", 3);
	ward_report_free(&r);
	ward_spec_free(s);
}
END_TEST

/* Docker's default rule list, as in moby's oci defaults plus runc's mknod. */
START_TEST(docker_default_device_rules_pass)
{
	struct ward_spec *s = tp_good();
	struct ward_report r;

	add_rule(s, true, 'c', -1, -1, "m");
	add_rule(s, true, 'b', -1, -1, "m");
	add_rule(s, true, 'c', 1, 5, "rwm");
	add_rule(s, true, 'c', 1, 3, "rwm");
	add_rule(s, true, 'c', 1, 9, "rwm");
	add_rule(s, true, 'c', 1, 8, "rwm");
	add_rule(s, true, 'c', 5, 0, "rwm");
	add_rule(s, true, 'c', 5, 1, "rwm");
	add_rule(s, false, 'c', 10, 229, "rwm");
	add_rule(s, true, 'c', 136, -1, "rwm");
	tp_run(s, NULL, &r);
	ck_assert_uint_eq(r.n_refused, 0);
	ward_report_free(&r);
	ward_spec_free(s);
}
END_TEST

START_TEST(permissive_device_rules_refused)
{
	struct ward_spec *s = tp_good();
	const struct ward_verdict *v;
	struct ward_report r;

	add_rule(s, true, 'a', -1, -1, NULL);	/* --privileged */
	add_rule(s, true, 'c', -1, -1, "rw");
	add_rule(s, true, 'b', 8, 0, "rwm");	/* --device /dev/sda */
	add_rule(s, true, 'c', 10, 229, "r");
	add_rule(s, false, 'a', -1, -1, "rwm");
	tp_run(s, NULL, &r);
	v = tp_refused(&r, "devices", "5.18", "linux.resources.devices[1]");
	ck_assert_ptr_nonnull(strstr(v->what, "every device"));
	v = tp_refused(&r, "devices", "5.18", "linux.resources.devices[2]");
	ck_assert_ptr_nonnull(strstr(v->what, "every char device"));
	v = tp_refused(&r, "devices", "5.18", "linux.resources.devices[3]");
	ck_assert_ptr_nonnull(strstr(v->what, "block device 8:0"));
	v = tp_refused(&r, "devices", "5.18", "linux.resources.devices[4]");
	ck_assert_ptr_nonnull(strstr(v->what, "char device 10:229"));
	tp_assert_rule_count(&r, "devices", 4);
	ward_report_free(&r);
	ward_spec_free(s);
}
END_TEST

START_TEST(seccomp_default_actions)
{
	static const struct {
		const char *action;
		bool ok;
	} cases[] = {
		{ "SCMP_ACT_ALLOW", false }, { "SCMP_ACT_LOG", false },
		{ "SCMP_ACT_TRACE", false }, { "SCMP_ACT_NOTIFY", false },
		{ "SCMP_ACT_ERRNO", true },  { "SCMP_ACT_KILL_PROCESS", true },
		{ "SCMP_ACT_KILL", true },   { "SCMP_ACT_TRAP", true },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ward_spec *s = tp_good();
		struct ward_report r;

		s->linux.seccomp->default_action =
			ward_spec_strdup(s, cases[i].action);
		tp_run(s, NULL, &r);
		if (cases[i].ok) {
			ck_assert_uint_eq(r.n, 0);
		} else {
			const struct ward_verdict *v = tp_refused(
				&r, "seccomp", "5.22", "linux.seccomp.defaultAction");

			ck_assert_ptr_nonnull(strstr(v->what, cases[i].action));
		}
		ward_report_free(&r);
		ward_spec_free(s);
	}
}
END_TEST

START_TEST(absent_seccomp_is_hardened_not_refused)
{
	struct ward_spec *s = tp_good();
	const struct ward_verdict *v;
	struct ward_report r;

	s->linux.seccomp = NULL;
	tp_run(s, NULL, &r);
	ck_assert_uint_eq(r.n_refused, 0);
	ck_assert_uint_eq(r.n, 1);
	v = tp_find(&r, "seccomp-baseline", WARD_VERDICT_HARDEN);
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(v->cis, "5.22");
	ck_assert_str_eq(v->path, "linux.seccomp");
	ck_assert_ptr_nonnull(strstr(v->what, "baseline"));
	ward_report_free(&r);
	ward_spec_free(s);
}
END_TEST

START_TEST(masked_and_readonly_paths_completed)
{
	struct ward_spec *s = tp_good();
	const struct ward_verdict *v;
	struct ward_report r;
	bool kcore = false, extra = false;

	/* Keep one extra path of the config's own; drop two minimum ones. */
	s->linux.masked_paths[2] = ward_spec_strdup(s, "/proc/interrupts");
	s->linux.n_masked_paths--;
	s->linux.n_readonly_paths = 0;
	tp_run(s, NULL, &r);
	ck_assert_uint_eq(r.n_refused, 0);
	v = tp_find(&r, "masked-paths", WARD_VERDICT_HARDEN);
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(v->path, "linux.maskedPaths");
	ck_assert_ptr_nonnull(strstr(v->what, "added 2: /proc/kcore"));
	for (size_t i = 0; i < s->linux.n_masked_paths; i++) {
		kcore |= strcmp(s->linux.masked_paths[i], "/proc/kcore") == 0;
		extra |= strcmp(s->linux.masked_paths[i], "/proc/interrupts") == 0;
	}
	ck_assert(kcore && extra);
	ck_assert_uint_eq(s->linux.n_masked_paths, 12);
	v = tp_find(&r, "readonly-paths", WARD_VERDICT_HARDEN);
	ck_assert_ptr_nonnull(v);
	ck_assert_ptr_nonnull(strstr(v->what, "added 5"));
	ck_assert_uint_eq(s->linux.n_readonly_paths, 5);
	ck_assert_str_eq(s->linux.readonly_paths[3], "/proc/sys");
	ward_report_free(&r);
	ward_spec_free(s);
}
END_TEST

START_TEST(pids_limit_defaulted)
{
	struct ward_conf *c = tp_conf("default_pids_limit = 321\n");
	struct ward_spec *s = tp_good();
	const struct ward_verdict *v;
	struct ward_report r;

	s->linux.resources.has_pids_limit = false;
	tp_run(s, NULL, &r);
	v = tp_find(&r, "pids-limit", WARD_VERDICT_HARDEN);
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(v->cis, "5.29");
	ck_assert_str_eq(v->path, "linux.resources.pids.limit");
	ck_assert_int_eq(s->linux.resources.pids_limit, 4096);
	ward_report_free(&r);

	s->linux.resources.pids_limit = 0;	/* Docker's "unlimited" */
	tp_run(s, c, &r);
	ck_assert_int_eq(s->linux.resources.pids_limit, 321);
	ck_assert_ptr_nonnull(tp_find(&r, "pids-limit", WARD_VERDICT_HARDEN));
	ward_report_free(&r);

	s->linux.resources.pids_limit = 50;
	tp_run(s, c, &r);
	ck_assert_int_eq(s->linux.resources.pids_limit, 50);
	ck_assert_uint_eq(r.n, 0);
	ward_report_free(&r);
	ward_spec_free(s);
	ward_conf_free(c);
}
END_TEST

START_TEST(warnings_and_conf_tightening)
{
	struct ward_conf *c = tp_conf("require_readonly_rootfs = true\n"
				      "require_memory_limit = yes\n");
	struct ward_spec *s = tp_good();
	const struct ward_verdict *v;
	struct ward_report r;

	s->root.readonly = false;
	s->linux.resources.memory.has_limit = false;
	s->linux.resources.cpu.has_shares = false;
	tp_run(s, NULL, &r);
	ck_assert_uint_eq(r.n_refused, 0);
	ck_assert_uint_eq(tp_count(&r, WARD_VERDICT_WARN), 3);
	v = tp_find(&r, "memory-limit", WARD_VERDICT_WARN);
	ck_assert_str_eq(v->cis, "5.11");
	ck_assert_str_eq(v->path, "linux.resources.memory.limit");
	v = tp_find(&r, "cpu-shares", WARD_VERDICT_WARN);
	ck_assert_str_eq(v->cis, "5.12");
	v = tp_find(&r, "readonly-rootfs", WARD_VERDICT_WARN);
	ck_assert_str_eq(v->cis, "5.13");
	ck_assert_str_eq(v->path, "root.readonly");
	ward_report_free(&r);

	tp_run(s, c, &r);
	ck_assert_uint_eq(r.n_refused, 2);
	v = tp_refused(&r, "readonly-rootfs", "5.13", "root.readonly");
	ck_assert_ptr_nonnull(strstr(v->fix, "require_readonly_rootfs"));
	tp_refused(&r, "memory-limit", "5.11", "linux.resources.memory.limit");
	ck_assert_ptr_nonnull(tp_find(&r, "cpu-shares", WARD_VERDICT_WARN));
	ward_report_free(&r);
	ward_spec_free(s);
	ward_conf_free(c);
}
END_TEST

START_TEST(unified_limits_count)
{
	struct ward_spec *s = tp_good();
	struct ward_resources *res = &s->linux.resources;
	struct ward_report r;

	res->memory.has_limit = false;
	res->cpu.has_shares = false;
	res->unified = ward_spec_alloc(s, 2 * sizeof(*res->unified));
	res->unified[0] = (struct ward_kv){ "memory.max", "1073741824" };
	res->unified[1] = (struct ward_kv){ "cpu.max", "max 100000" };
	res->n_unified = 2;
	tp_run(s, NULL, &r);
	ck_assert_ptr_null(tp_find(&r, "memory-limit", WARD_VERDICT_WARN));
	/* "max" is no limit. */
	ck_assert_ptr_nonnull(tp_find(&r, "cpu-shares", WARD_VERDICT_WARN));
	ward_report_free(&r);
	ward_spec_free(s);
}
END_TEST

void
test_policy_add_linux(Suite *s)
{
	TCase *tc = tcase_create("linux");

	tcase_add_test(tc, device_nodes);
	tcase_add_test(tc, docker_default_device_rules_pass);
	tcase_add_test(tc, permissive_device_rules_refused);
	tcase_add_test(tc, seccomp_default_actions);
	tcase_add_test(tc, absent_seccomp_is_hardened_not_refused);
	tcase_add_test(tc, masked_and_readonly_paths_completed);
	tcase_add_test(tc, pids_limit_defaulted);
	tcase_add_test(tc, warnings_and_conf_tightening);
	tcase_add_test(tc, unified_limits_count);
	suite_add_tcase(s, tc);
}
