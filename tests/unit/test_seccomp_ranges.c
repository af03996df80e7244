/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The baseline's prologue in pieces (seccomp suite, tcase "ranges"): the
 * number dispatch on made-up maps (every range reached, trampolines when
 * a tree outgrows a jump), the prologue built from made-up plans (argument
 * checks in either byte order, ENOSYS cut-offs, x32), the soundness check,
 * and how syscall names map to the numbers libseccomp filters.
 */
#include <errno.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/audit.h>
#include <linux/seccomp.h>

#include "seccomp_int.h"
#include "suites.h"
#include "test_seccomp.h"

#define X32_BIT 0x40000000u
#define RET_EPERM (SECCOMP_RET_ERRNO | EPERM)
#define RET_ENOSYS (SECCOMP_RET_ERRNO | ENOSYS)
#define RET_DENY (SECCOMP_RET_ERRNO | EACCES)	/* a default unlike EPERM */
#define RET_MAIN 0x7fff1234u	/* a sentinel "rest of the program" */
#define CAP 4000

static uint32_t
run_one(const struct sock_filter *f, size_t len, struct test_sdata d)
{
	uint32_t r = 0;

	ck_assert(test_bpf_run(f, len, &d, &r, NULL));
	return r;
}

/* The prologue from plans, then a sentinel return standing for the rest. */
static size_t
prologue(const struct ward_nr_plan *plans, size_t n, bool x32_enosys,
	 struct sock_filter *out)
{
	struct ward_err e = { 0 };
	size_t len = 0;

	ck_assert_msg(ward_seccomp_baseline_prologue(plans, n, x32_enosys, RET_DENY,
						     out, CAP, &len, &e) == 0,
		      "%s", e.msg);
	out[len] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, RET_MAIN);
	ck_assert(ward_seccomp_bpf_sound(out, len + 1));
	return len + 1;
}

/* Big-endian arches compare the low word, at +4; numbers come from libseccomp. */
START_TEST(prologue_reads_the_low_word_in_the_arch_byte_order)
{
	static const uint32_t allow[] = { 1, 2, 3, 54, 359 }, main[] = { 120 };
	const struct ward_nr_plan plan = { SCMP_ARCH_S390X, allow, 5, main, 1, 400 };
	static struct sock_filter f[CAP + 1];
	size_t n = prologue(&plan, 1, false, f);
	struct test_sdata d = { .arch = AUDIT_ARCH_S390X, .be = true };

	ck_assert_int_eq(ward_seccomp_direct_nr(SCMP_ARCH_S390X, "ioctl"), 54);
	ck_assert_int_eq(ward_seccomp_direct_nr(SCMP_ARCH_S390X, "socket"), 359);
	d.nr = 54;
	d.args[1] = 0x5412;
	ck_assert_uint_eq(run_one(f, n, d), RET_EPERM);
	d.args[1] = 0xffffffff0000541c;
	ck_assert_uint_eq(run_one(f, n, d), RET_EPERM);
	d.args[1] = 0x541200000000;
	ck_assert_uint_eq(run_one(f, n, d), SECCOMP_RET_ALLOW);
	d.nr = 359;
	d.args[0] = 0x100000001;
	ck_assert_uint_eq(run_one(f, n, d), SECCOMP_RET_ALLOW);
	d.args[0] = 0x7fffffff;
	ck_assert_uint_eq(run_one(f, n, d), RET_EPERM);
	d.args[1] = 0x5412, d.args[0] = 1;	/* socket's arg 1 is not checked */
	ck_assert_uint_eq(run_one(f, n, d), SECCOMP_RET_ALLOW);
	/* The ranges around them: allowed, default, main, ENOSYS. */
	for (d.nr = 1; d.nr <= 3; d.nr++)
		ck_assert_uint_eq(run_one(f, n, d), SECCOMP_RET_ALLOW);
	d.nr = 0;
	ck_assert_uint_eq(run_one(f, n, d), RET_DENY);
	d.nr = 4;
	ck_assert_uint_eq(run_one(f, n, d), RET_DENY);
	d.nr = 120;
	ck_assert_uint_eq(run_one(f, n, d), RET_MAIN);
	d.nr = 400;
	ck_assert_uint_eq(run_one(f, n, d), RET_DENY);
	d.nr = 401;
	ck_assert_uint_eq(run_one(f, n, d), RET_ENOSYS);
	d.nr = 0xffffffff;
	ck_assert_uint_eq(run_one(f, n, d), RET_ENOSYS);
	d.arch = AUDIT_ARCH_X86_64, d.nr = 1;	/* not in this prologue */
	ck_assert_uint_eq(run_one(f, n, d), RET_MAIN);
}
END_TEST

static const uint32_t x64_allow[] = { 16, 39, 41 };
static const uint32_t i386_allow[] = { 20, 54, 359 };
static const uint32_t x32_allow[] = { X32_BIT | 39, X32_BIT | 41, X32_BIT | 514 };

START_TEST(prologue_x32_and_enosys)
{
	const struct ward_nr_plan x86[] = {
		{ SCMP_ARCH_X86_64, x64_allow, 3, NULL, 0, 100 },
		{ SCMP_ARCH_X86, i386_allow, 3, NULL, 0, 400 },
	};
	const struct ward_nr_plan with_x32[] = {
		x86[0], { SCMP_ARCH_X32, x32_allow, 3, NULL, 0, X32_BIT | 547 },
	};
	static struct sock_filter f[CAP + 1];
	size_t n = prologue(x86, 2, true, f);
	struct test_sdata d = { .arch = AUDIT_ARCH_X86_64, .nr = X32_BIT | 39 };

	ck_assert_uint_eq(run_one(f, n, d), RET_ENOSYS);
	d.nr = 0xffffffff;
	ck_assert_uint_eq(run_one(f, n, d), RET_ENOSYS);
	d.nr = 39;
	ck_assert_uint_eq(run_one(f, n, d), SECCOMP_RET_ALLOW);
	d.nr = 40;
	ck_assert_uint_eq(run_one(f, n, d), RET_DENY);
	d.nr = 101;
	ck_assert_uint_eq(run_one(f, n, d), RET_ENOSYS);
	d.arch = AUDIT_ARCH_I386, d.nr = 101;	/* its own cut-off */
	ck_assert_uint_eq(run_one(f, n, d), RET_DENY);
	d.nr = X32_BIT | 39;
	ck_assert_uint_eq(run_one(f, n, d), RET_ENOSYS);
	/* x32 in the filter: its own numbers, ioctl (514) checked. */
	n = prologue(with_x32, 2, false, f);
	d = (struct test_sdata){ .arch = AUDIT_ARCH_X86_64, .nr = X32_BIT | 514,
				 .args = { 0, 0x5412 } };
	ck_assert_uint_eq(run_one(f, n, d), RET_EPERM);
	d.args[1] = 0x5411;
	ck_assert_uint_eq(run_one(f, n, d), SECCOMP_RET_ALLOW);
	d.nr = X32_BIT | 39;
	ck_assert_uint_eq(run_one(f, n, d), SECCOMP_RET_ALLOW);
	d.nr = X32_BIT | 40;
	ck_assert_uint_eq(run_one(f, n, d), RET_DENY);
	d.nr = X32_BIT | 548;
	ck_assert_uint_eq(run_one(f, n, d), RET_ENOSYS);
	d.nr = 200;
	ck_assert_uint_eq(run_one(f, n, d), RET_ENOSYS);
	/* x32 neither in the filter nor answered: the program decides. */
	n = prologue(x86, 1, false, f);
	d.nr = X32_BIT | 39;
	ck_assert_uint_eq(run_one(f, n, d), RET_MAIN);
}
END_TEST

START_TEST(prologue_refuses_what_it_cannot_keep)
{
	static const uint32_t no_ioctl[] = { 39, 41 };
	const struct ward_nr_plan x64 = { SCMP_ARCH_X86_64, x64_allow, 3, NULL, 0, 100 };
	const struct ward_nr_plan x32 = { SCMP_ARCH_X32, x32_allow, 3, NULL, 0, X32_BIT | 547 };
	const struct ward_nr_plan arm = { SCMP_ARCH_ARM, x64_allow, 3, NULL, 0, 400 };
	const struct ward_nr_plan twice[] = { x64, x64 };
	const struct ward_nr_plan with_x32[] = { x64, x32 };
	const struct ward_nr_plan unchecked = { SCMP_ARCH_X86_64, no_ioctl, 2, NULL, 0, 100 };
	const struct ward_nr_plan low_max = { SCMP_ARCH_X86_64, x64_allow, 3, NULL, 0, 20 };
	static struct sock_filter f[CAP];
	struct ward_err e = { 0 };
	size_t len;

	ck_assert_int_eq(ward_seccomp_baseline_prologue(with_x32, 2, true, RET_DENY, f,
							CAP, &len, &e), -EINVAL);
	ck_assert_int_eq(ward_seccomp_baseline_prologue(&arm, 1, true, RET_DENY, f,
							CAP, &len, &e), -EINVAL);
	ck_assert_int_eq(ward_seccomp_baseline_prologue(twice, 2, false, RET_DENY, f,
							CAP, &len, &e), -EINVAL);
	/* ioctl's check must end in ALLOW, so ioctl must be allowed ... */
	ck_assert_int_eq(ward_seccomp_baseline_prologue(&unchecked, 1, false, RET_DENY,
							f, CAP, &len, &e), -EINVAL);
	/* ... and not above the cut-off, where it would answer ENOSYS. */
	ck_assert_int_eq(ward_seccomp_baseline_prologue(&low_max, 1, false, RET_DENY,
							f, CAP, &len, &e), -EINVAL);
	ck_assert_int_eq(ward_seccomp_baseline_prologue(&x64, 1, false, RET_DENY, f,
							4, &len, &e), -E2BIG);
	ck_assert_int_eq(ward_seccomp_baseline_prologue(&x64, 1, false, RET_DENY, f,
							CAP, &len, &e), 0);
	ck_assert_uint_gt(len, 4);
}
END_TEST

/* The numbers libseccomp filters for a name, multiplexers included. */
START_TEST(names_map_to_the_numbers_libseccomp_filters)
{
	static const struct {
		uint32_t arch;
		const char *name;
		int nr, mux;
	} cases[] = {
		{ SCMP_ARCH_X86, "socket", 359, 102 },	/* and socketcall(SYS_SOCKET) */
		{ SCMP_ARCH_X86, "send", -1, 102 },	/* socketcall only */
		{ SCMP_ARCH_X86, "semop", -1, 117 },	/* ipc only */
		{ SCMP_ARCH_X86, "msgctl", 402, 117 },
		{ SCMP_ARCH_X86, "read", 3, -1 },
		{ SCMP_ARCH_X86_64, "socket", 41, -1 },
		{ SCMP_ARCH_X86_64, "recv", -1, -1 },	/* no socketcall here */
		{ SCMP_ARCH_X86_64, "mmap2", -1, -1 },	/* not an x86_64 call */
		{ SCMP_ARCH_X32, "ioctl", (int)(X32_BIT | 514), -1 },
		{ SCMP_ARCH_X86_64, "no_such_call", -1, -1 },
	};

	for (size_t i = 0; i < WARD_ARRAY_SIZE(cases); i++) {
		int nr, mux;

		ward_seccomp_name_nrs(cases[i].arch, cases[i].name, &nr, &mux);
		ck_assert_msg(nr == cases[i].nr && mux == cases[i].mux,
			      "%s: %d %d", cases[i].name, nr, mux);
	}
	ck_assert_int_eq(ward_seccomp_direct_nr(SCMP_ARCH_X86, "socket"), 359);
	ck_assert_int_eq(ward_seccomp_direct_nr(SCMP_ARCH_X86_64, "socket"), 41);
	ck_assert_int_eq(ward_seccomp_direct_nr(SCMP_ARCH_X86_64, "socketcall"), -1);
	ck_assert_int_eq(ward_seccomp_direct_nr(SCMP_ARCH_X86, "no_such_call"), -1);
}
END_TEST

static const struct ward_seccomp_argdeny tiocsti = { "ioctl", 1, { 0x5412 }, 1, 0 };

static uint32_t
want(enum ward_nr_action a, const struct test_sdata *d)
{
	switch (a) {
	case WARD_NR_ALLOW: return SECCOMP_RET_ALLOW;
	case WARD_NR_DENY: return RET_DENY;
	case WARD_NR_ENOSYS: return RET_ENOSYS;
	case WARD_NR_CHECK: return (uint32_t)d->args[1] == 0x5412 ? RET_EPERM
								  : SECCOMP_RET_ALLOW;
	default: return RET_MAIN;
	}
}

/*
 * 700 ranges make a tree far wider than a conditional jump reaches: every
 * range must still be found, at both ends, through JA trampolines.
 */
START_TEST(dispatch_reaches_every_range)
{
	enum { N = 700 };
	static struct ward_nr_range r[N];
	static struct sock_filter f[CAP + 1];
	static const struct ward_nr_range two[] = {
		{ 0, WARD_NR_ALLOW, 0, 1 }, { 10, WARD_NR_ENOSYS, 0, 1 },
	};
	static const struct ward_nr_range one[] = { { 0, WARD_NR_DENY, 0, 1 } };
	const struct ward_nr_check check = { &tiocsti, offsetof(struct seccomp_data, args[1]) };
	const struct ward_nr_map maps[] = {
		{ 7, r, N, &check, 1 }, { 8, two, 2, NULL, 0 }, { 9, one, 1, NULL, 0 },
	};
	struct ward_err e = { 0 };
	size_t len = 0, jas = 0, longest = 0;

	for (size_t i = 0; i < N; i++)
		r[i] = (struct ward_nr_range){ (uint32_t)(i * 3), (enum ward_nr_action)(i % 5),
					       0, (uint32_t)(1 + i % 7) };
	ck_assert_msg(ward_seccomp_dispatch(maps, 3, RET_DENY, f, CAP, &len, &e) == 0,
		      "%s", e.msg);
	f[len] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, RET_MAIN);
	ck_assert(ward_seccomp_bpf_sound(f, len + 1));
	for (size_t i = 0; i < len; i++)
		jas += f[i].code == (BPF_JMP | BPF_JA);
	ck_assert_uint_gt(jas, 0);
	for (size_t i = 0; i < N; i++) {
		uint32_t last = i + 1 < N ? r[i + 1].first - 1 : 0xffffffff;
		struct test_sdata d = { .arch = 7, .args = { 0, 0x5412 } };

		for (int end = 0; end < 2; end++) {
			struct test_bpf_path path;
			uint32_t got;

			d.nr = end ? last : r[i].first;
			d.args[1] = (i / 5) % 2 ? 0x5412 : 0x5413;
			ck_assert(test_bpf_run(f, len + 1, &d, &got, &path));
			ck_assert_msg(got == want(r[i].action, &d), "nr %u: %#x", d.nr, got);
			longest = path.steps > longest ? path.steps : longest;
		}
	}
	/* ld arch, jeq, ld nr, ~10 levels, a few JAs, the check. */
	ck_assert_uint_le(longest, 24);
	ck_assert_uint_eq(run_one(f, len + 1, (struct test_sdata){ .arch = 8, .nr = 9 }),
			  SECCOMP_RET_ALLOW);
	ck_assert_uint_eq(run_one(f, len + 1, (struct test_sdata){ .arch = 8, .nr = 10 }),
			  RET_ENOSYS);
	ck_assert_uint_eq(run_one(f, len + 1, (struct test_sdata){ .arch = 9, .nr = 5 }),
			  RET_DENY);
	ck_assert_uint_eq(run_one(f, len + 1, (struct test_sdata){ .arch = 10 }), RET_MAIN);
}
END_TEST

/*
 * Single numbers between two ranges of one action become JEQ exceptions
 * of one leaf: every number must still get its own action, and the
 * program must be shorter than a JGE per range would make it.
 */
START_TEST(dispatch_folds_single_numbers)
{
	enum { N = 301 };
	static struct ward_nr_range r[N];
	static struct sock_filter f[CAP + 1];
	const struct ward_nr_check check = { &tiocsti, offsetof(struct seccomp_data, args[1]) };
	const struct ward_nr_map map = { 7, r, N, &check, 1 };
	static const enum ward_nr_action odd[] = {
		WARD_NR_DENY, WARD_NR_MAIN, WARD_NR_CHECK, WARD_NR_ENOSYS, WARD_NR_DENY,
	};
	struct ward_err e = { 0 };
	size_t len = 0, i = 0;

	/* ALLOW over 2 numbers, then one number of another action, ... */
	for (uint32_t nr = 0; i < N; i++) {
		r[i] = (struct ward_nr_range){ nr, i % 2 ? odd[(i / 2) % 5] : WARD_NR_ALLOW,
					       0, i % 2 ? 1 : 2 };
		nr += i % 2 ? 1 : 2;
	}
	ck_assert_msg(ward_seccomp_dispatch(&map, 1, RET_DENY, f, CAP, &len, &e) == 0,
		      "%s", e.msg);
	f[len] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, RET_MAIN);
	ck_assert(ward_seccomp_bpf_sound(f, len + 1));
	ck_assert_uint_lt(len, N - 1);
	for (uint32_t nr = 0, k = 0; nr < 3 * N; nr++) {
		struct test_sdata d = { .arch = 7, .nr = nr, .args = { 0, nr % 4 ? 0x5412 : 1 } };

		while (k + 1 < N && r[k + 1].first <= nr)
			k++;
		ck_assert_msg(run_one(f, len + 1, d) == want(r[k].action, &d), "nr %u", nr);
	}
}
END_TEST

START_TEST(dispatch_refuses_bad_maps)
{
	static const struct ward_nr_range not_at_0[] = { { 1, WARD_NR_ALLOW, 0, 1 } };
	static const struct ward_nr_range unsorted[] = {
		{ 0, WARD_NR_ALLOW, 0, 1 }, { 5, WARD_NR_DENY, 0, 1 }, { 5, WARD_NR_MAIN, 0, 1 },
	};
	static const struct ward_nr_range no_check[] = {
		{ 0, WARD_NR_ALLOW, 0, 1 }, { 5, WARD_NR_CHECK, 0, 1 },
	};
	const struct ward_nr_map bad[] = {
		{ 7, not_at_0, 1, NULL, 0 }, { 7, unsorted, 3, NULL, 0 },
		{ 7, no_check, 2, NULL, 0 }, { 7, no_check, 0, NULL, 0 },
	};
	const struct ward_nr_map ok = { 7, unsorted, 2, NULL, 0 };
	struct sock_filter f[16];
	struct ward_err e = { 0 };
	size_t len = 99;

	for (size_t i = 0; i < WARD_ARRAY_SIZE(bad); i++) {
		ck_assert_int_eq(ward_seccomp_dispatch(&bad[i], 1, RET_DENY, f, 16, &len, &e),
				 -EINVAL);
		ck_assert_uint_eq(len, 0);
	}
	ck_assert_int_eq(ward_seccomp_dispatch(&ok, 1, RET_DENY, f, 3, &len, &e), -E2BIG);
	ck_assert_int_eq(ward_seccomp_dispatch(&ok, 1, RET_DENY, f, 16, &len, &e), 0);
	/* ld arch; jeq; ld nr; jge 5; ret ALLOW; ret DENY. */
	ck_assert_uint_eq(len, 6);
}
END_TEST

START_TEST(soundness_check_refuses_what_the_kernel_would)
{
	struct sock_filter ok[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 5, 1, 0),
		BPF_JUMP(BPF_JMP | BPF_JA, 1, 0, 0),
		BPF_STMT(BPF_RET | BPF_K, 0),
		BPF_STMT(BPF_RET | BPF_K, 1),
	};
	struct sock_filter f[5];

	ck_assert(ward_seccomp_bpf_sound(ok, 5));
	ck_assert(!ward_seccomp_bpf_sound(ok, 0));
	ck_assert(!ward_seccomp_bpf_sound(ok, 2));	/* a jump past the end */
	ck_assert(!ward_seccomp_bpf_sound(ok, 1));	/* runs off the end */
	memcpy(f, ok, sizeof(f));
	f[2].k = 2;					/* JA past the end */
	ck_assert(!ward_seccomp_bpf_sound(f, 5));
	memcpy(f, ok, sizeof(f));
	f[1].jt = 3;
	ck_assert(!ward_seccomp_bpf_sound(f, 5));
	memcpy(f, ok, sizeof(f));
	f[0].k = sizeof(struct seccomp_data);		/* outside seccomp_data */
	ck_assert(!ward_seccomp_bpf_sound(f, 5));
	memcpy(f, ok, sizeof(f));
	f[0] = (struct sock_filter)BPF_STMT(BPF_LDX | BPF_IMM, 0);
	ck_assert(!ward_seccomp_bpf_sound(f, 5));
	for (int pt = 0; pt < 2; pt++)
		for (int x32 = 0; x32 < 2; x32++) {
			const struct ward_bpf *b = ward_seccomp_baseline_variant(pt, x32);

			ck_assert(ward_seccomp_bpf_sound(b->insns, b->len));
		}
}
END_TEST

TCase *
tcase_seccomp_ranges(void)
{
	TCase *tc = tcase_create("ranges");

	tcase_add_test(tc, prologue_reads_the_low_word_in_the_arch_byte_order);
	tcase_add_test(tc, prologue_x32_and_enosys);
	tcase_add_test(tc, prologue_refuses_what_it_cannot_keep);
	tcase_add_test(tc, names_map_to_the_numbers_libseccomp_filters);
	tcase_add_test(tc, dispatch_reaches_every_range);
	tcase_add_test(tc, dispatch_folds_single_numbers);
	tcase_add_test(tc, dispatch_refuses_bad_maps);
	tcase_add_test(tc, soundness_check_refuses_what_the_kernel_would);
	return tc;
}
