/* SPDX-License-Identifier: Apache-2.0 */
/* Policy: the rules for `exec` (a process joining a running container). */
#include <stdio.h>
#include <string.h>
#include <linux/capability.h>

#include "test_policy.h"

static struct ward_spec *
proc(const char *text)
{
	struct ward_err e = { 0 };
	struct ward_spec *s = NULL;
	char json[2048];
	int ret;

	snprintf(json, sizeof(json), "%s", text);
	for (char *p = json; *p != '\0'; p++)
		if (*p == '\'')
			*p = '"';
	ret = ward_spec_parse_process(json, strlen(json), &s, &e);
	ck_assert_msg(ret == 0, "%s", e.msg);
	return s;
}

static void
run_exec(struct ward_spec *p, const struct ward_spec *c, struct ward_report *r)
{
	struct ward_err e = { 0 };

	ck_assert_msg(ward_policy_check_exec(p, c, NULL, r, &e) == 0, "%s", e.msg);
}

START_TEST(exec_as_root_refused)
{
	struct ward_spec *c = tp_good();
	struct ward_spec *p = proc("{'user':{'uid':0,'gid':0},'args':['sh'],'cwd':'/'}");
	const struct ward_verdict *v;
	struct ward_report r;

	run_exec(p, c, &r);
	v = tp_refused(&r, "root-user", "5.24", "process.user.uid");
	ck_assert_ptr_nonnull(strstr(v->what, "exec process"));
	ward_report_free(&r);
	ward_spec_free(p);
	ward_spec_free(c);
}
END_TEST

START_TEST(exec_caps_beyond_container_refused)
{
	struct ward_spec *c = tp_good();
	struct ward_spec *p = proc(
		"{'user':{'uid':1000,'gid':1000},'args':['sh'],'cwd':'/',"
		"'capabilities':{'bounding':['CAP_KILL','CAP_SYS_PTRACE'],"
		"'effective':['CAP_KILL','CAP_SYS_PTRACE'],"
		"'permitted':['CAP_KILL','CAP_SYS_PTRACE','CAP_BPF']}}");
	const struct ward_verdict *v;
	struct ward_report r;

	run_exec(p, c, &r);
	/* SYS_PTRACE is allowed in general, but not this container's. */
	v = tp_refused(&r, "caps", "5.23",
		       "process.capabilities.bounding[CAP_SYS_PTRACE]");
	ck_assert_ptr_nonnull(strstr(v->what, "container's own bounding"));
	tp_refused(&r, "caps", "5.23",
		   "process.capabilities.effective[CAP_SYS_PTRACE]");
	tp_refused(&r, "caps", "5.23",
		   "process.capabilities.permitted[CAP_SYS_PTRACE]");
	/* BPF is forbidden outright, reported once. */
	v = tp_refused(&r, "caps", "5.23",
		       "process.capabilities.permitted[CAP_BPF]");
	ck_assert_ptr_nonnull(strstr(v->what, "forbidden"));
	tp_assert_rule_count(&r, "caps", 4);
	ward_report_free(&r);
	ward_spec_free(p);
	ward_spec_free(c);
}
END_TEST

START_TEST(exec_privileged_refused)
{
	struct ward_spec *c = tp_good();
	struct ward_spec *p = proc("{'user':{'uid':1000,'gid':1000},'args':['sh'],"
				   "'cwd':'/'}");
	const struct ward_verdict *v;
	struct ward_report r;

	p->process.has_caps = true;
	for (int i = 0; i < WARD_CAP__N; i++)
		p->process.caps.set[i] = (UINT64_C(1) << (CAP_LAST_CAP + 1)) - 1;
	run_exec(p, c, &r);
	v = tp_refused(&r, "caps", "5.23", "process.capabilities.bounding");
	ck_assert_ptr_nonnull(strstr(v->what, "privileged"));
	ward_report_free(&r);
	ward_spec_free(p);
	ward_spec_free(c);
}
END_TEST

START_TEST(exec_within_container_passes_and_is_hardened)
{
	struct ward_spec *c = tp_good();
	struct ward_spec *p = proc(
		"{'user':{'uid':1000,'gid':1000},'args':['sh'],'cwd':'/',"
		"'capabilities':{'bounding':['CAP_KILL'],'effective':['CAP_KILL'],"
		"'permitted':['CAP_KILL'],'inheritable':['CAP_KILL']}}");
	struct ward_report r;

	run_exec(p, c, &r);
	ck_assert_uint_eq(r.n_refused, 0);
	ck_assert_ptr_nonnull(tp_find(&r, "no-new-privileges", WARD_VERDICT_HARDEN));
	ck_assert_ptr_nonnull(tp_find(&r, "inheritable-caps", WARD_VERDICT_HARDEN));
	ck_assert(p->process.no_new_privileges);
	ck_assert_uint_eq(p->process.caps.set[WARD_CAP_INHERITABLE], 0);
	ward_report_free(&r);
	ward_spec_free(p);
	ward_spec_free(c);
}
END_TEST

START_TEST(exec_without_caps_gets_the_containers)
{
	struct ward_spec *c = tp_good();
	struct ward_spec *p = proc("{'user':{'uid':1000,'gid':1000},'args':['sh'],"
				   "'cwd':'/','noNewPrivileges':true}");
	const struct ward_verdict *v;
	struct ward_report r;

	run_exec(p, c, &r);
	ck_assert_uint_eq(r.n_refused, 0);
	v = tp_find(&r, "inheritable-caps", WARD_VERDICT_HARDEN);
	ck_assert_ptr_nonnull(v);
	ck_assert_ptr_nonnull(strstr(v->what, "container's"));
	ck_assert(p->process.has_caps);
	ck_assert_uint_eq(p->process.caps.set[WARD_CAP_BOUNDING],
			  c->process.caps.set[WARD_CAP_BOUNDING]);
	ck_assert_uint_eq(p->process.caps.set[WARD_CAP_PERMITTED],
			  c->process.caps.set[WARD_CAP_PERMITTED]);
	ward_report_free(&r);
	ward_spec_free(p);
	ward_spec_free(c);
}
END_TEST

START_TEST(exec_lsm_refused)
{
	struct ward_spec *c = tp_good();
	struct ward_spec *p = proc("{'user':{'uid':1000,'gid':1000},'args':['sh'],"
				   "'cwd':'/','apparmorProfile':'docker-default'}");
	struct ward_report r;

	run_exec(p, c, &r);
	tp_refused(&r, "lsm", NULL, "process.apparmorProfile");
	ward_report_free(&r);
	ward_spec_free(p);
	ward_spec_free(c);
}
END_TEST

void
test_policy_add_exec(Suite *s)
{
	TCase *tc = tcase_create("exec");

	tcase_add_test(tc, exec_as_root_refused);
	tcase_add_test(tc, exec_caps_beyond_container_refused);
	tcase_add_test(tc, exec_privileged_refused);
	tcase_add_test(tc, exec_within_container_passes_and_is_hardened);
	tcase_add_test(tc, exec_without_caps_gets_the_containers);
	tcase_add_test(tc, exec_lsm_refused);
	suite_add_tcase(s, tc);
}
