/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The seccomp suite: compiling profiles (this file), running filters in
 * forked children (test_seccomp_run.c), the compiled-filter cache
 * (test_seccomp_cache.c), the baseline's variants against the old
 * program (test_seccomp_baseline.c) and its prologue's pieces
 * (test_seccomp_ranges.c).
 */
#include <errno.h>
#include <string.h>
#include <linux/seccomp.h>

#include "suites.h"
#include "test_seccomp.h"

bool
test_bpf_returns(const struct ward_bpf *p, unsigned int k)
{
	for (unsigned i = 0; i < p->len; i++)
		if (p->insns[i].code == (BPF_RET | BPF_K) && p->insns[i].k == k)
			return true;
	return false;
}

/* Compile a one-rule profile (default EPERM) and return the error, if any. */
static int
compile_rule(const char *action, bool has_ret, unsigned ret,
	     struct ward_seccomp_arg *args, size_t n_args, struct ward_bpf *out,
	     struct ward_err *e)
{
	struct ward_seccomp_rule r = {
		.names = (char *[]){ "getppid" }, .n_names = 1,
		.action = (char *)action, .has_errno_ret = has_ret,
		.errno_ret = ret, .args = args, .n_args = n_args,
	};
	struct ward_seccomp p = {
		.default_action = "SCMP_ACT_ERRNO",
		.syscalls = &r, .n_syscalls = 1,
	};

	return ward_seccomp_compile(&p, out, e);
}

START_TEST(every_action_compiles_to_its_return)
{
	static const struct {
		const char *name;
		bool has_ret;
		unsigned ret;
		unsigned k;
	} cases[] = {
		{ "SCMP_ACT_ALLOW", false, 0, SECCOMP_RET_ALLOW },
		{ "SCMP_ACT_ERRNO", true, EACCES, SECCOMP_RET_ERRNO | EACCES },
		{ "SCMP_ACT_KILL", false, 0, SECCOMP_RET_KILL_THREAD },
		{ "SCMP_ACT_KILL_THREAD", false, 0, SECCOMP_RET_KILL_THREAD },
		{ "SCMP_ACT_KILL_PROCESS", false, 0, SECCOMP_RET_KILL_PROCESS },
		{ "SCMP_ACT_TRAP", false, 0, SECCOMP_RET_TRAP },
		{ "SCMP_ACT_TRACE", false, 0, SECCOMP_RET_TRACE | EPERM },
		{ "SCMP_ACT_TRACE", true, 7, SECCOMP_RET_TRACE | 7 },
		{ "SCMP_ACT_LOG", false, 0, SECCOMP_RET_LOG },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ward_bpf b = { 0 };
		struct ward_err e = { 0 };

		ck_assert_msg(compile_rule(cases[i].name, cases[i].has_ret,
					   cases[i].ret, NULL, 0, &b, &e) == 0,
			      "%s: %s", cases[i].name, e.msg);
		ck_assert(b.owned && b.len > 0);
		ck_assert_msg(test_bpf_returns(&b, cases[i].k), "%s", cases[i].name);
		ward_bpf_free(&b);
		ck_assert_ptr_null(b.insns);
	}
}
END_TEST

START_TEST(every_operator_compiles)
{
	static const char *const ops[] = {
		"SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ",
		"SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ",
	};

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		struct ward_seccomp_arg a = { .index = 2, .value = 0xf0,
					      .value_two = 0x10,
					      .op = (char *)ops[i] };
		struct ward_bpf b = { 0 };
		struct ward_err e = { 0 };

		ck_assert_msg(compile_rule("SCMP_ACT_ALLOW", false, 0, &a, 1,
					   &b, &e) == 0,
			      "%s: %s", ops[i], e.msg);
		ck_assert(test_bpf_returns(&b, SECCOMP_RET_ALLOW));
		ward_bpf_free(&b);
	}
}
END_TEST

static void
assert_error(int ret, const struct ward_err *e, int code, const char *text)
{
	ck_assert_int_eq(ret, -code);
	ck_assert_msg(strstr(e->msg, text) != NULL, "\"%s\" lacks \"%s\"",
		      e->msg, text);
}

START_TEST(unknown_names_are_errors_with_their_path)
{
	struct ward_seccomp_arg args[2] = {
		{ .index = 0, .value = 1, .op = "SCMP_CMP_EQ" },
		{ .index = 1, .value = 1, .op = "SCMP_CMP_SOMETIMES" },
	};
	struct ward_seccomp_rule r[2] = {
		{ .names = (char *[]){ "getpid" }, .n_names = 1,
		  .action = "SCMP_ACT_ALLOW" },
		{ .names = (char *[]){ "getppid" }, .n_names = 1,
		  .action = "SCMP_ACT_ALLOW", .args = args, .n_args = 2 },
	};
	struct ward_seccomp p = {
		.default_action = "SCMP_ACT_ERRNO",
		.architectures = (char *[]){ "SCMP_ARCH_X86_64", "SCMP_ARCH_Z80" },
		.n_architectures = 2, .syscalls = r, .n_syscalls = 2,
	};
	struct ward_bpf b = { 0 };
	struct ward_err e = { 0 };

	assert_error(ward_seccomp_compile(&p, &b, &e), &e, EINVAL,
		     "linux.seccomp.architectures[1]: unknown architecture \"SCMP_ARCH_Z80\"");
	ck_assert_ptr_null(b.insns);
	p.architectures[1] = "SCMP_ARCH_x86";	/* names are upper case */
	e = (struct ward_err){ 0 };
	assert_error(ward_seccomp_compile(&p, &b, &e), &e, EINVAL,
		     "linux.seccomp.architectures[1]");
	p.n_architectures = 1;
	e = (struct ward_err){ 0 };
	assert_error(ward_seccomp_compile(&p, &b, &e), &e, EINVAL,
		     "linux.seccomp.syscalls[1].args[1].op: unknown operator \"SCMP_CMP_SOMETIMES\"");
	args[1].op = "SCMP_CMP_EQ";
	args[1].index = 6;
	e = (struct ward_err){ 0 };
	assert_error(ward_seccomp_compile(&p, &b, &e), &e, EINVAL,
		     "linux.seccomp.syscalls[1].args[1].index");
	args[1].index = 1;
	r[0].action = "SCMP_ACT_MAYBE";
	e = (struct ward_err){ 0 };
	assert_error(ward_seccomp_compile(&p, &b, &e), &e, EINVAL,
		     "linux.seccomp.syscalls[0].action: unknown action \"SCMP_ACT_MAYBE\"");
	r[0].action = "SCMP_ACT_ALLOW";
	p.default_action = "SCMP_ACT_DENY";
	e = (struct ward_err){ 0 };
	assert_error(ward_seccomp_compile(&p, &b, &e), &e, EINVAL,
		     "linux.seccomp.defaultAction: unknown action");
	p.default_action = "SCMP_ACT_ERRNO";
	e = (struct ward_err){ 0 };
	ck_assert_int_eq(ward_seccomp_compile(&p, &b, &e), 0);
	ward_bpf_free(&b);
}
END_TEST

START_TEST(unsupported_or_misused_fields_are_errors)
{
	struct ward_bpf b = { 0 };
	struct ward_err e = { 0 };
	struct ward_seccomp p = { .default_action = "SCMP_ACT_ERRNO" };

	assert_error(compile_rule("SCMP_ACT_NOTIFY", false, 0, NULL, 0, &b, &e),
		     &e, EOPNOTSUPP, "linux.seccomp.syscalls[0].action: SCMP_ACT_NOTIFY");
	e = (struct ward_err){ 0 };
	assert_error(compile_rule("SCMP_ACT_ALLOW", true, 1, NULL, 0, &b, &e),
		     &e, EINVAL, "linux.seccomp.syscalls[0].errnoRet");
	e = (struct ward_err){ 0 };
	assert_error(compile_rule("SCMP_ACT_ERRNO", true, 70000, NULL, 0, &b, &e),
		     &e, ERANGE, "linux.seccomp.syscalls[0].errnoRet");
	p.listener_path = "/run/agent.sock";
	e = (struct ward_err){ 0 };
	assert_error(ward_seccomp_compile(&p, &b, &e), &e, EOPNOTSUPP,
		     "linux.seccomp.listenerPath");
	p.listener_path = NULL;
	p.default_action = "SCMP_ACT_NOTIFY";
	e = (struct ward_err){ 0 };
	assert_error(ward_seccomp_compile(&p, &b, &e), &e, EOPNOTSUPP,
		     "linux.seccomp.defaultAction");
	ck_assert_ptr_null(b.insns);
}
END_TEST

/* A name libseccomp does not know changes nothing: the default denies it. */
START_TEST(unknown_syscall_names_are_skipped)
{
	struct ward_seccomp_rule r = {
		.names = (char *[]){ "no_such_syscall_ward", "getppid" },
		.n_names = 2, .action = "SCMP_ACT_ALLOW",
	};
	struct ward_seccomp p = {
		.default_action = "SCMP_ACT_ERRNO",
		.syscalls = &r, .n_syscalls = 1,
	};
	struct ward_bpf with = { 0 }, without = { 0 };
	struct ward_err e = { 0 };

	ck_assert_int_eq(ward_seccomp_compile(&p, &with, &e), 0);
	r.names++;
	r.n_names--;
	ck_assert_int_eq(ward_seccomp_compile(&p, &without, &e), 0);
	ck_assert_uint_eq(with.len, without.len);
	ck_assert(memcmp(with.insns, without.insns,
			 with.len * sizeof(*with.insns)) == 0);
	ward_bpf_free(&with);
	ward_bpf_free(&without);
}
END_TEST

/* Refusing an allow-by-default profile is the policy's job, not ours. */
START_TEST(default_allow_profile_compiles_without_prologue)
{
	struct ward_seccomp_rule r = {
		.names = (char *[]){ "keyctl" }, .n_names = 1,
		.action = "SCMP_ACT_ERRNO",
	};
	struct ward_seccomp p = {
		.default_action = "SCMP_ACT_ALLOW",
		.syscalls = &r, .n_syscalls = 1,
	};
	struct ward_bpf b = { 0 };
	struct ward_err e = { 0 };

	ck_assert_int_eq(ward_seccomp_compile(&p, &b, &e), 0);
	ck_assert(test_bpf_returns(&b, SECCOMP_RET_ALLOW));
	ck_assert(test_bpf_returns(&b, SECCOMP_RET_ERRNO | EPERM));
	/* ENOSYS for new syscalls only makes sense under an errno default. */
	ck_assert(!test_bpf_returns(&b, SECCOMP_RET_ERRNO | ENOSYS));
	ward_bpf_free(&b);
	p.default_action = "SCMP_ACT_ERRNO";
	r.action = "SCMP_ACT_ALLOW";
	ck_assert_int_eq(ward_seccomp_compile(&p, &b, &e), 0);
	ck_assert(test_bpf_returns(&b, SECCOMP_RET_ERRNO | ENOSYS));
	ward_bpf_free(&b);
}
END_TEST

/* A rule repeating the default action is dropped, not refused (EACCES). */
START_TEST(rule_equal_to_default_is_skipped)
{
	struct ward_bpf b = { 0 };
	struct ward_err e = { 0 };

	ck_assert_int_eq(compile_rule("SCMP_ACT_ERRNO", false, 0, NULL, 0, &b,
				      &e), 0);
	ward_bpf_free(&b);
	ck_assert_int_eq(compile_rule("SCMP_ACT_ERRNO", true, EPERM, NULL, 0,
				      &b, &e), 0);
	ward_bpf_free(&b);
}
END_TEST

START_TEST(flags_map_and_unknown_flags_fail)
{
	struct ward_seccomp p = {
		.default_action = "SCMP_ACT_ERRNO",
		.flags = (char *[]){ "SECCOMP_FILTER_FLAG_LOG",
				     "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
				     "SECCOMP_FILTER_FLAG_TSYNC" },
		.n_flags = 2,
	};
	struct ward_err e = { 0 };
	unsigned int flags = 99;

	ck_assert_int_eq(ward_seccomp_flags(NULL, &flags, &e), 0);
	ck_assert_uint_eq(flags, 0);
	ck_assert_int_eq(ward_seccomp_flags(&p, &flags, &e), 0);
	ck_assert_uint_eq(flags, SECCOMP_FILTER_FLAG_LOG |
					 SECCOMP_FILTER_FLAG_SPEC_ALLOW);
	p.n_flags = 3;
	assert_error(ward_seccomp_flags(&p, &flags, &e), &e, EINVAL,
		     "linux.seccomp.flags[2]: unknown flag \"SECCOMP_FILTER_FLAG_TSYNC\"");
	p.flags[0] = "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV";
	e = (struct ward_err){ 0 };
	assert_error(ward_seccomp_flags(&p, &flags, &e), &e, EOPNOTSUPP,
		     "linux.seccomp.flags[0]");
}
END_TEST

/* The baseline is the compiled JSON: a default-deny program, two variants. */
START_TEST(baseline_views_are_static_and_distinct)
{
	const struct ward_bpf *plain = ward_seccomp_baseline(false);
	const struct ward_bpf *ptrace = ward_seccomp_baseline(true);

	ck_assert_ptr_nonnull(plain);
	ck_assert_ptr_eq(plain, ward_seccomp_baseline(false));
	ck_assert(!plain->owned && !ptrace->owned);
	ck_assert_uint_gt(plain->len, 100);
	/* Not the same program: the ptrace rule's calls are allowed in one. */
	ck_assert(ptrace->len != plain->len ||
		  memcmp(ptrace->insns, plain->insns, plain->len * sizeof(*plain->insns)) != 0);
	ck_assert(test_bpf_returns(plain, SECCOMP_RET_ERRNO | EPERM));
	ck_assert(test_bpf_returns(plain, SECCOMP_RET_ERRNO | ENOSYS));
}
END_TEST

TCase *
tcase_seccomp_compile(void)
{
	TCase *tc = tcase_create("compile");

	tcase_add_test(tc, every_action_compiles_to_its_return);
	tcase_add_test(tc, every_operator_compiles);
	tcase_add_test(tc, unknown_names_are_errors_with_their_path);
	tcase_add_test(tc, unsupported_or_misused_fields_are_errors);
	tcase_add_test(tc, unknown_syscall_names_are_skipped);
	tcase_add_test(tc, default_allow_profile_compiles_without_prologue);
	tcase_add_test(tc, rule_equal_to_default_is_skipped);
	tcase_add_test(tc, flags_map_and_unknown_flags_fail);
	tcase_add_test(tc, baseline_views_are_static_and_distinct);
	return tc;
}

Suite *
suite_seccomp(void)
{
	Suite *s = suite_create("seccomp");

	suite_add_tcase(s, tcase_seccomp_compile());
	suite_add_tcase(s, tcase_seccomp_run());
	suite_add_tcase(s, tcase_seccomp_cache());
	suite_add_tcase(s, tcase_seccomp_baseline());
	suite_add_tcase(s, tcase_seccomp_ranges());
	return s;
}
