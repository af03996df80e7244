/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "caps.h"
#include "process.h"
#include "suites.h"

#define BIT(c) (UINT64_C(1) << (c))

/* The Cap* lines of /proc/self/status, each as a number. */
static int
read_caps(uint64_t out[5])
{
	static const char *const keys[5] = { "CapInh:", "CapPrm:", "CapEff:",
					     "CapBnd:", "CapAmb:" };
	char line[256];
	FILE *f = fopen("/proc/self/status", "re");
	int found = 0;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		for (int i = 0; i < 5; i++)
			if (strncmp(line, keys[i], strlen(keys[i])) == 0) {
				out[i] = strtoull(line + strlen(keys[i]), NULL, 16);
				found++;
			}
	fclose(f);
	return found == 5 ? 0 : -1;
}

static struct ward_process
proc_with_caps(uint64_t bnd, uint64_t eff, uint64_t inh, uint64_t prm,
	       uint64_t amb)
{
	struct ward_process p = { .has_caps = true };

	p.caps.set[WARD_CAP_BOUNDING] = bnd;
	p.caps.set[WARD_CAP_EFFECTIVE] = eff;
	p.caps.set[WARD_CAP_INHERITABLE] = inh;
	p.caps.set[WARD_CAP_PERMITTED] = prm;
	p.caps.set[WARD_CAP_AMBIENT] = amb;
	return p;
}

static int
kernel_last_cap(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	int v = -1;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fscanf(f, "%d", &v), 1);
	fclose(f);
	return v;
}

START_TEST(plan_rejects_cap_the_host_lacks)
{
	struct ward_caps_plan plan;
	struct ward_err e = { 0 };
	struct ward_process p;
	int missing = -1;

	/* On this VM the bounding set lacks CAP_SYS_RESOURCE; find any gap. */
	for (int c = 0; c <= kernel_last_cap() && missing < 0; c++)
		if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 0)
			missing = c;
	if (missing < 0)
		return;		/* a host with every capability: nothing to refuse */
	p = proc_with_caps(BIT(missing) | BIT(CAP_CHOWN), BIT(CAP_CHOWN), 0,
			   BIT(CAP_CHOWN), 0);
	ck_assert_int_eq(ward_caps_plan(&p, &plan, &e), -EPERM);
	ck_assert_ptr_nonnull(strstr(e.msg, "bounding"));
	ck_assert_ptr_nonnull(strstr(e.msg, "cannot grant"));
	if (missing == CAP_SYS_RESOURCE)
		ck_assert_ptr_nonnull(strstr(e.msg, "CAP_SYS_RESOURCE"));
}
END_TEST

START_TEST(plan_rejects_cap_the_kernel_lacks)
{
	struct ward_process p = proc_with_caps(0, 0, 0, BIT(62), 0);
	struct ward_caps_plan plan;
	struct ward_err e = { 0 };

	ck_assert_int_eq(ward_caps_plan(&p, &plan, &e), -EINVAL);
	ck_assert_ptr_nonnull(strstr(e.msg, "running kernel"));
	ck_assert_ptr_nonnull(strstr(e.msg, "permitted"));
}
END_TEST

START_TEST(plan_empty_request)
{
	struct ward_process p = { .has_caps = false };
	struct ward_caps_plan plan;
	struct ward_err e = { 0 };

	ck_assert_int_eq(ward_caps_plan(&p, &plan, &e), 0);
	for (int s = 0; s < WARD_CAP__N; s++)
		ck_assert_uint_eq(plan.set[s], 0);
	ck_assert_int_eq(plan.last_cap, kernel_last_cap());
	p = proc_with_caps(0, 0, 0, 0, 0);
	ck_assert_int_eq(ward_caps_plan(&p, &plan, &e), 0);
}
END_TEST

START_TEST(plan_kernel_subset_rules)
{
	struct ward_caps_plan plan;
	struct ward_err e = { 0 };
	struct ward_process p;

	p = proc_with_caps(BIT(CAP_KILL), BIT(CAP_KILL), 0, 0, 0);
	ck_assert_int_eq(ward_caps_plan(&p, &plan, &e), -EINVAL);
	ck_assert_ptr_nonnull(strstr(e.msg, "CAP_KILL is in process.capabilities.effective"));

	memset(&e, 0, sizeof(e));
	p = proc_with_caps(0, 0, BIT(CAP_KILL), 0, 0);
	ck_assert_int_eq(ward_caps_plan(&p, &plan, &e), -EINVAL);
	ck_assert_ptr_nonnull(strstr(e.msg, "inheritable but not in bounding"));
}
END_TEST

START_TEST(plan_ambient_needs_permitted_and_inheritable)
{
	uint64_t nb = BIT(CAP_NET_BIND_SERVICE), k = BIT(CAP_KILL);
	struct ward_process p = proc_with_caps(nb | k, nb | k, nb, nb | k, nb | k);
	struct ward_caps_plan plan;
	struct ward_err e = { 0 };

	ck_assert_int_eq(ward_caps_plan(&p, &plan, &e), 0);
	/* CAP_KILL is not inheritable: the kernel could never raise it. */
	ck_assert_uint_eq(plan.set[WARD_CAP_AMBIENT], nb);
	ck_assert_uint_eq(plan.set[WARD_CAP_PERMITTED], nb | k);
	ck_assert_uint_eq(plan.set[WARD_CAP_INHERITABLE], nb);
}
END_TEST

struct apply_case {
	struct ward_process proc;
	const char *const *exec_argv;	/* run after applying, output reported */
};

static int
apply_as_1000(const void *arg, int out)
{
	const struct apply_case *c = arg;
	struct ward_process_plan pp = { .uid = 1000, .gid = 1000,
					.umask = 022 };
	struct ward_caps_plan plan;
	struct ward_err e = { 0 };
	uint64_t got[5];

	if (ward_caps_plan(&c->proc, &plan, &e) < 0 ||
	    ward_process_apply_user(&pp, &e) < 0 || ward_caps_apply(&plan, &e) < 0) {
		dprintf(out, "%s", e.msg);
		return 1;
	}
	if (prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0) != 0)
		return test_say(out, 2, "keepcaps still set");
	if (c->exec_argv != NULL) {
		dup2(out, 1);
		execv(c->exec_argv[0], (char *const *)c->exec_argv);
		return 3;
	}
	if (read_caps(got) < 0)
		return 4;
	dprintf(out, "%llx %llx %llx %llx %llx", (unsigned long long)got[0],
		(unsigned long long)got[1], (unsigned long long)got[2],
		(unsigned long long)got[3], (unsigned long long)got[4]);
	return 0;
}

START_TEST(apply_drops_to_one_cap_as_uid_1000)
{
	uint64_t nb = BIT(CAP_NET_BIND_SERVICE);
	struct apply_case c = { .proc = proc_with_caps(nb, nb, 0, nb, 0) };
	char msg[256];

	ck_assert_int_eq(test_in_child(apply_as_1000, &c, msg, sizeof(msg)), 0);
	/* CapInh CapPrm CapEff CapBnd CapAmb */
	ck_assert_str_eq(msg, "0 400 400 400 0");
}
END_TEST

START_TEST(apply_ambient_survives_exec)
{
	static const char *const argv[] = { "/bin/grep", "^Cap",
					    "/proc/self/status", NULL };
	uint64_t nb = BIT(CAP_NET_BIND_SERVICE), k = BIT(CAP_KILL);
	struct apply_case c = {
		.proc = proc_with_caps(nb | k, nb | k, nb, nb | k, nb),
		.exec_argv = argv,
	};
	char msg[1024];

	ck_assert_int_eq(test_in_child(apply_as_1000, &c, msg, sizeof(msg)), 0);
	/* A non-root program's P and E after execve are its ambient set. */
	ck_assert_ptr_nonnull(strstr(msg, "CapInh:\t0000000000000400"));
	ck_assert_ptr_nonnull(strstr(msg, "CapPrm:\t0000000000000400"));
	ck_assert_ptr_nonnull(strstr(msg, "CapEff:\t0000000000000400"));
	ck_assert_ptr_nonnull(strstr(msg, "CapBnd:\t0000000000000420"));
	ck_assert_ptr_nonnull(strstr(msg, "CapAmb:\t0000000000000400"));
}
END_TEST

START_TEST(apply_without_caps_clears_everything)
{
	struct apply_case c = { .proc = { .has_caps = false } };
	char msg[256];

	ck_assert_int_eq(test_in_child(apply_as_1000, &c, msg, sizeof(msg)), 0);
	ck_assert_str_eq(msg, "0 0 0 0 0");
}
END_TEST

static int
apply_without_keepcaps(const void *arg, int out)
{
	const struct ward_process *proc = arg;
	struct ward_caps_plan plan;
	struct ward_err e = { 0 };
	int ret;

	if (ward_caps_plan(proc, &plan, &e) < 0)
		return test_say(out, 1, "plan: %s", e.msg);
	/* A uid switch without PR_SET_KEEPCAPS empties the permitted set. */
	if (syscall(SYS_setresuid, 1000, 1000, 1000) < 0)
		return 2;
	ret = ward_caps_apply(&plan, &e);
	dprintf(out, "%d %s", ret, e.msg);
	return 0;
}

START_TEST(apply_fails_closed_without_setpcap)
{
	uint64_t nb = BIT(CAP_NET_BIND_SERVICE);
	struct ward_process p = proc_with_caps(nb, nb, 0, nb, 0);
	char msg[256];

	ck_assert_int_eq(test_in_child(apply_without_keepcaps, &p, msg, sizeof(msg)), 0);
	ck_assert_int_eq(atoi(msg), -EPERM);
	ck_assert_ptr_nonnull(strstr(msg, "CAP_SETPCAP"));
}
END_TEST

Suite *
suite_caps(void)
{
	Suite *s = suite_create("caps");
	TCase *plan = tcase_create("plan");
	TCase *apply = tcase_create("apply");

	tcase_add_test(plan, plan_rejects_cap_the_host_lacks);
	tcase_add_test(plan, plan_rejects_cap_the_kernel_lacks);
	tcase_add_test(plan, plan_empty_request);
	tcase_add_test(plan, plan_kernel_subset_rules);
	tcase_add_test(plan, plan_ambient_needs_permitted_and_inheritable);
	tcase_add_test(apply, apply_drops_to_one_cap_as_uid_1000);
	tcase_add_test(apply, apply_ambient_survives_exec);
	tcase_add_test(apply, apply_without_caps_clears_everything);
	tcase_add_test(apply, apply_fails_closed_without_setpcap);
	suite_add_tcase(s, plan);
	suite_add_tcase(s, apply);
	return s;
}
