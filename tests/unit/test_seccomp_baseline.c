/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The baseline's shape (seccomp suite, tcase "baseline"): the split into
 * number ranges and libseccomp's conditional rules, the argument checks and
 * the no-x32 variants must not change a single verdict. A small classic-BPF
 * interpreter runs the programs this build generated against the ones the
 * build generated before any of that existed (fixtures/baseline_old_bpf.h,
 * a verbatim copy of that build's build/gen/baseline_bpf.h) over every
 * architecture, syscall number and the argument values that matter; then
 * the kernel gets the last word.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/seccomp.h>

#include "seccomp_int.h"
#include "suites.h"
#include "test_seccomp.h"

#if defined(__x86_64__)
#include "fixtures/baseline_old_bpf.h"
#endif

#define X32_BIT 0x40000000u
#define RET_ENOSYS (SECCOMP_RET_ERRNO | ENOSYS)

/* A 32-bit load from struct seccomp_data, as the kernel would do it. */
static bool
load_word(const struct test_sdata *d, uint32_t k, uint32_t *a)
{
	size_t base = offsetof(struct seccomp_data, args);

	if (k % 4 != 0 || k >= sizeof(struct seccomp_data))
		return false;
	if (k == offsetof(struct seccomp_data, nr))
		*a = d->nr;
	else if (k == offsetof(struct seccomp_data, arch))
		*a = d->arch;
	else if (k < base)
		*a = 0;		/* instruction_pointer: no program reads it */
	else {
		uint64_t v = d->args[(k - base) / 8];
		bool high = ((k - base) % 8 == 0) == d->be;

		*a = high ? (uint32_t)(v >> 32) : (uint32_t)v;
	}
	return true;
}

bool
test_bpf_run(const struct sock_filter *f, size_t len, const struct test_sdata *d,
	     uint32_t *ret, struct test_bpf_path *path)
{
	struct test_bpf_path none;
	uint32_t a = 0;

	if (path == NULL)
		path = &none;
	*path = (struct test_bpf_path){ 0 };
	for (size_t pc = 0; pc < len; pc++) {
		const struct sock_filter *i = &f[pc];
		bool t;

		path->steps++;
		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (!load_word(d, i->k, &a))
				return false;
			path->args |= i->k >= offsetof(struct seccomp_data, args);
			continue;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= i->k;
			continue;
		case BPF_JMP | BPF_JA:
			pc += i->k;
			continue;
		case BPF_RET | BPF_K:
			*ret = i->k;
			return true;
		case BPF_JMP | BPF_JEQ | BPF_K: t = a == i->k; break;
		case BPF_JMP | BPF_JGT | BPF_K: t = a > i->k; break;
		case BPF_JMP | BPF_JGE | BPF_K: t = a >= i->k; break;
		case BPF_JMP | BPF_JSET | BPF_K: t = (a & i->k) != 0; break;
		default:
			return false;
		}
		pc += t ? i->jt : i->jf;
	}
	return false;		/* ran off the end (or jumped past it) */
}

/* A program's verdict, or RET_STOPPED when the interpreter refuses it. */
#define RET_STOPPED 0xdeadbeefu

static uint32_t
verdict(const struct ward_bpf *p, const struct test_sdata *d)
{
	uint32_t r = 0;

	return test_bpf_run(p->insns, p->len, d, &r, NULL) ? r : RET_STOPPED;
}

/* The interpreter itself: each opcode, and each way a program is refused. */
START_TEST(interpreter_runs_and_refuses)
{
	struct sock_filter ok[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[1]) + 4),
		BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xff),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x80, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 1),
		BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, 0x10, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 2),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x10, 1, 0),
		BPF_JUMP(BPF_JMP | BPF_JA, 1, 0, 0),
		BPF_STMT(BPF_RET | BPF_K, 3),
		BPF_STMT(BPF_RET | BPF_K, 4),
	};
	struct sock_filter by_nr[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_STMT(BPF_RET | BPF_K, 5),
	};
	struct sock_filter bad_op[] = { BPF_STMT(BPF_LDX | BPF_IMM, 0) };
	struct sock_filter bad_ld[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, sizeof(struct seccomp_data)),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_filter off_end[] = { BPF_JUMP(BPF_JMP | BPF_JA, 1, 0, 0),
					 BPF_STMT(BPF_RET | BPF_K, 0) };
	struct test_sdata d = { .args = { 0, 0x8100000000 } };
	struct test_bpf_path path;
	uint32_t r;

	ck_assert(test_bpf_run(ok, 10, &d, &r, &path) && r == 1);	/* high word 0x81 */
	ck_assert(path.args && path.steps == 4);
	d.args[1] = 0x1100000000;
	ck_assert(test_bpf_run(ok, 10, &d, &r, NULL) && r == 2);
	d.args[1] = 0x1000000000;
	ck_assert(test_bpf_run(ok, 10, &d, &r, &path) && r == 3);
	ck_assert_uint_eq(path.steps, 6);
	d.args[1] = 0xf00000000;
	ck_assert(test_bpf_run(ok, 10, &d, &r, NULL) && r == 4);
	d.be = true;				/* now +4 is the low word */
	d.args[1] = 0x81;
	ck_assert(test_bpf_run(ok, 10, &d, &r, NULL) && r == 1);
	ck_assert(test_bpf_run(by_nr, 2, &d, &r, &path) && r == 5);
	ck_assert(!path.args && path.steps == 2);
	ck_assert(!test_bpf_run(bad_op, 1, &d, &r, NULL));
	ck_assert(!test_bpf_run(bad_ld, 2, &d, &r, NULL));
	ck_assert(!test_bpf_run(off_end, 2, &d, &r, NULL));
	ck_assert(!test_bpf_run(ok, 4 - 2, &d, &r, NULL));	/* no ret reached */
}
END_TEST

#if defined(__x86_64__)
/* Argument values whose verdicts matter: ioctl, socket, clone, personality. */
static const uint64_t arg_values[] = {
	0, 0x5412, 0x541c, 0x5411, 0x5413, 0x541b, 0x541d, 0x100005412,
	0xffffffff00005412, 0xffff0000541c, 0xffffffff80045430,
	0xffffffffffff5412, 0x80000000, 1, 2, 10, 16, 37, 38, 39, 40, 41, 45,
	46, 63, 64, 65, 0x100000026, 0x100000028, 0xffffffff, UINT64_MAX,
	0xffffffff00000001, 0xffffffffffffffda, 17, 0x3d0f11, 0x20000,
	0x04000000, 0x08000000, 0x10000000, 0x20000000, 0x40000000, 0x02000000,
	0x80, 0x200, 0x110000000, 0x100000000, 8, 0x20008, 0x400000, 0x40000,
};

static const struct ward_bpf old_progs[2] = {
	{ (struct sock_filter *)ward_baseline_insns,
	  WARD_ARRAY_SIZE(ward_baseline_insns), false },
	{ (struct sock_filter *)ward_baseline_ptrace_insns,
	  WARD_ARRAY_SIZE(ward_baseline_ptrace_insns), false },
};

/* Which args vector v of n: one value in arg 0, arg 1 or both, then noise. */
static void
fill_args(struct test_sdata *d, size_t v, uint64_t *rng)
{
	size_t n = WARD_ARRAY_SIZE(arg_values);

	memset(d->args, 0, sizeof(d->args));
	if (v < 3 * n) {
		uint64_t x = arg_values[v % n];

		d->args[0] = v / n != 1 ? x : 0;
		d->args[1] = v / n != 0 ? x : 0;
		return;
	}
	for (size_t i = 0; i < 6; i++) {
		*rng ^= *rng << 13, *rng ^= *rng >> 7, *rng ^= *rng << 17;
		d->args[i] = *rng;
	}
}

#define N_VECTORS (3 * WARD_ARRAY_SIZE(arg_values) + 8)

/* Compare old and new on one (arch, nr) over n_vectors; count mismatches. */
static void
compare_nr(uint32_t arch, uint32_t nr, size_t n_vectors, uint64_t *rng,
	   size_t *bad)
{
	bool x32 = arch == AUDIT_ARCH_X86_64 && (nr & X32_BIT) != 0;
	struct test_sdata d = { .nr = nr, .arch = arch };

	for (size_t v = 0; v < n_vectors; v++) {
		fill_args(&d, v, rng);
		for (int pt = 0; pt < 2; pt++) {
			uint32_t old = verdict(&old_progs[pt], &d);
			uint32_t with = verdict(ward_seccomp_baseline_variant(pt, true), &d);
			uint32_t without = verdict(ward_seccomp_baseline_variant(pt, false), &d);

			if (old != RET_STOPPED && with == old &&
			    without == (x32 ? RET_ENOSYS : old))
				continue;
			if ((*bad)++ == 0)
				fprintf(stderr, "arch %#x nr %#x args %#llx %#llx ptrace %d: old %#x, new %#x, no-x32 %#x\n",
					arch, nr, (unsigned long long)d.args[0],
					(unsigned long long)d.args[1], pt, old,
					with, without);
		}
	}
}

/* Every constant the new programs compare with, and its neighbours. */
static void
compare_boundaries(uint32_t arch, uint64_t *rng, size_t *bad)
{
	for (int pt = 0; pt < 2; pt++) {
		for (int x32 = 0; x32 < 2; x32++) {
			const struct ward_bpf *p = ward_seccomp_baseline_variant(pt, x32);

			for (size_t i = 0; i < p->len; i++) {
				uint32_t k = p->insns[i].k;

				if (BPF_CLASS(p->insns[i].code) != BPF_JMP ||
				    BPF_OP(p->insns[i].code) == BPF_JA)
					continue;
				for (uint32_t nr = k - 1; nr != k + 2; nr++)
					compare_nr(arch, nr, N_VECTORS, rng, bad);
			}
		}
	}
}

START_TEST(new_programs_give_the_old_verdicts)
{
	static const uint32_t arches[] = { AUDIT_ARCH_X86_64, AUDIT_ARCH_I386,
					   AUDIT_ARCH_AARCH64 };
	/* Not in the filter: each goes to libseccomp's bad-arch action. */
	static const uint32_t others[] = {
		0, AUDIT_ARCH_ARM, AUDIT_ARCH_S390X, AUDIT_ARCH_X86_64 & ~__AUDIT_ARCH_64BIT,
		AUDIT_ARCH_I386 | __AUDIT_ARCH_64BIT, 0xffffffff,
	};
	static const uint32_t extra[] = { 0x400, 0x3fffffff, 0x40000400,
					  0x4fffffff, 0x7fffffff, 0x80000000,
					  0xc0000010, 0xffffffff };
	uint64_t rng = 0x9e3779b97f4a7c15;
	size_t bad = 0, runs = 0;

	for (size_t a = 0; a < WARD_ARRAY_SIZE(arches); a++) {
		for (uint32_t nr = 0; nr < 1024; nr++, runs++) {
			compare_nr(arches[a], nr, N_VECTORS, &rng, &bad);
			compare_nr(arches[a], X32_BIT | nr, N_VECTORS, &rng, &bad);
		}
		for (size_t i = 0; i < WARD_ARRAY_SIZE(extra); i++, runs++)
			compare_nr(arches[a], extra[i], N_VECTORS, &rng, &bad);
		compare_boundaries(arches[a], &rng, &bad);
	}
	/* The verdict is the arch's alone: two vectors are enough. */
	for (size_t a = 0; a < WARD_ARRAY_SIZE(others); a++)
		for (uint32_t nr = 0; nr < 1024; nr++, runs++) {
			compare_nr(others[a], nr, 2, &rng, &bad);
			compare_nr(others[a], X32_BIT | nr, 2, &rng, &bad);
		}
	ck_assert_uint_eq(runs, 3 * (1024 + WARD_ARRAY_SIZE(extra)) +
				WARD_ARRAY_SIZE(others) * 1024);
	ck_assert_msg(bad == 0, "%zu verdicts differ (first on stderr)", bad);
}
END_TEST

/* The point of the exercise: fewer instructions to load. */
START_TEST(instruction_counts_drop)
{
	for (int pt = 0; pt < 2; pt++) {
		const struct ward_bpf *with = ward_seccomp_baseline_variant(pt, true);
		const struct ward_bpf *without = ward_seccomp_baseline_variant(pt, false);

		/* The allowlist as ranges: 1379 and 1401 before, 268 and 259 now. */
		ck_assert_uint_le(with->len, 320);
		ck_assert_uint_le(with->len + 900, old_progs[pt].len);
		/* ... and x32's ranges gone, what this VM loads: 188 and 183. */
		ck_assert_uint_le(without->len, 220);
		ck_assert_uint_lt(without->len, with->len);
	}
}
END_TEST

/*
 * At load, the kernel runs the filter for every native and compat number
 * to find the ones it may allow without running it again: those paths must
 * stay short, and must read no argument exactly where the old ones read
 * none (or a syscall would lose its cached verdict).
 */
START_TEST(common_paths_are_short_and_cacheable)
{
	static const uint32_t arches[] = { AUDIT_ARCH_X86_64, AUDIT_ARCH_I386 };
	size_t old_steps = 0, new_steps = 0, longest = 0, bad = 0;

	for (int pt = 0; pt < 2; pt++) {
		const struct ward_bpf *p = ward_seccomp_baseline_variant(pt, false);

		for (size_t a = 0; a < WARD_ARRAY_SIZE(arches); a++) {
			for (uint32_t nr = 0; nr < 512; nr++) {
				struct test_sdata d = { .nr = nr, .arch = arches[a] };
				struct test_bpf_path o, n;
				uint32_t ro, rn;

				ck_assert(test_bpf_run(old_progs[pt].insns, old_progs[pt].len,
						       &d, &ro, &o));
				ck_assert(test_bpf_run(p->insns, p->len, &d, &rn, &n));
				old_steps += o.steps;
				new_steps += n.steps;
				/* The allowlist's paths (main's conditional ones run longer). */
				if (rn == SECCOMP_RET_ALLOW && !n.args && n.steps > longest)
					longest = n.steps;
				if (n.args != o.args && bad++ == 0)
					fprintf(stderr, "arch %#x nr %u: reads args %d, before %d\n",
						arches[a], nr, n.args, o.args);
			}
		}
	}
	ck_assert_msg(bad == 0, "%zu numbers changed cacheability", bad);
	/* ld arch, two jeq, ld nr, about eight jge, ret. */
	ck_assert_uint_le(longest, 14);
	/* 39,600 steps for the old programs, 21,200 now. */
	ck_assert_uint_le(5 * new_steps, 3 * old_steps);
}
END_TEST
#endif

#if defined(__x86_64__)
static bool
kernel_runs_x32(void)
{
	return !(syscall(X32_BIT | SYS_getpid) < 0 && errno == ENOSYS);
}
#endif

struct live_case {
	bool x32_variant;
	bool kernel_x32;
	bool ia32;
};

static int
x86_checks(int out, const struct live_case *c)
{
	int bad = 0;
#if defined(__x86_64__)
	/* x32: 39 getpid, 250 keyctl, 514 ioctl. */
	int allowed = c->x32_variant && c->kernel_x32 ? 0 : ENOSYS;
	int denied = c->x32_variant ? EPERM : ENOSYS;

	bad += test_want(out, syscall(X32_BIT | 39), allowed, "x32 getpid");
	bad += test_want(out, syscall(X32_BIT | 250, 0, -1, 0, 0, 0), denied,
			 "x32 keyctl");
	bad += test_want(out, syscall(X32_BIT | 514, 0, TIOCSTI, 0), denied,
			 "x32 ioctl(TIOCSTI)");
	if (!c->ia32)
		return bad;
	/* i386: 54 ioctl, 359 socket (the direct one, not socketcall). */
	bad += test_want_int80(out, test_int80(54, 0, TIOCSTI, 0), EPERM,
			       "i386 ioctl(TIOCSTI)");
	bad += test_want_int80(out, test_int80(54, -1, FIONREAD, 0), EBADF,
			       "i386 ioctl(FIONREAD)");
	bad += test_want_int80(out, test_int80(359, 38, SOCK_SEQPACKET, 0), EPERM,
			       "i386 socket(AF_ALG)");
	bad += test_want_int80(out, test_int80(359, 64, SOCK_STREAM, 0), EPERM,
			       "i386 socket(64)");
	bad += test_want_int80(out, test_int80(359, AF_UNIX, SOCK_STREAM, 0), 0,
			       "i386 socket(AF_UNIX)");
#else
	(void)out, (void)c;
#endif
	return bad;
}

static int
live_checks(int out, const void *arg)
{
	unsigned long hi = 1UL << 32, sext = 0xffffffff00000000UL;
	char ch = 'x';
	int bad = 0, p[2], n;

	bad += test_want(out, pipe(p), 0, "pipe");
	bad += test_want(out, ioctl(p[0], TIOCSTI, &ch), EPERM, "ioctl(TIOCSTI)");
	bad += test_want(out, ioctl(p[0], TIOCLINUX, &ch), EPERM, "ioctl(TIOCLINUX)");
	bad += test_want(out, syscall(SYS_ioctl, p[0], hi | TIOCSTI, &ch), EPERM,
			 "ioctl(1<<32 | TIOCSTI)");
	bad += test_want(out, syscall(SYS_ioctl, p[0], sext | TIOCLINUX, &ch), EPERM,
			 "ioctl(0xffffffff<<32 | TIOCLINUX)");
	bad += test_want(out, ioctl(p[0], FIONREAD, &n), 0, "ioctl(FIONREAD)");
	bad += test_want(out, syscall(SYS_ioctl, p[0], hi | FIONREAD, &n), 0,
			 "ioctl(1<<32 | FIONREAD)");
	bad += test_want(out, socket(AF_ALG, SOCK_SEQPACKET, 0), EPERM, "socket(AF_ALG)");
	bad += test_want(out, socket(AF_VSOCK, SOCK_STREAM, 0), EPERM, "socket(AF_VSOCK)");
	bad += test_want(out, syscall(SYS_socket, 64, SOCK_STREAM, 0), EPERM, "socket(64)");
	bad += test_want(out, syscall(SYS_socket, hi | AF_ALG, SOCK_SEQPACKET, 0),
			 EPERM, "socket(1<<32 | AF_ALG)");
	bad += test_want(out, socket(AF_UNIX, SOCK_STREAM, 0), 0, "socket(AF_UNIX)");
	bad += test_want(out, syscall(SYS_socket, hi | AF_UNIX, SOCK_STREAM, 0), 0,
			 "socket(1<<32 | AF_UNIX)");
	bad += test_want(out, socket(AF_INET, SOCK_DGRAM, 0), 0, "socket(AF_INET)");
	return bad + x86_checks(out, arg);
}

/* Every variant, loaded by the kernel, in a child with no_new_privs. */
START_TEST(variants_enforce_in_the_kernel)
{
	struct live_case c = { 0 };

#if defined(__x86_64__)
	c.kernel_x32 = kernel_runs_x32();
	c.ia32 = test_ia32_available();
#endif
	for (int x32 = 0; x32 < 2; x32++) {
		for (int pt = 0; pt < 2; pt++) {
			c.x32_variant = x32;
			test_filtered_ok(ward_seccomp_baseline_variant(pt, x32),
					 live_checks, &c);
		}
	}
}
END_TEST

static int
picks_full_when_filtered(int out, const void *arg)
{
	(void)arg;
	if (ward_seccomp_baseline(false) == ward_seccomp_baseline_variant(false, true))
		return 0;
	return test_say(out, 1, "under a filter, the no-x32 variant was chosen");
}

/* The probe: no x32 here means the small variant; a filter means no probe. */
START_TEST(baseline_picks_the_variant_the_kernel_needs)
{
	struct sock_filter allow[] = { BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW) };
	struct ward_bpf allow_all = { allow, 1, false };
	bool full = true;
	char msg[256];
	int st;

#if defined(__x86_64__)
	full = prctl(PR_GET_SECCOMP, 0, 0, 0, 0) != 0 || kernel_runs_x32();
#else
	ck_assert_ptr_eq(ward_seccomp_baseline_variant(false, false),
			 ward_seccomp_baseline_variant(false, true));
#endif
	for (int pt = 0; pt < 2; pt++)
		ck_assert_ptr_eq(ward_seccomp_baseline(pt),
				 ward_seccomp_baseline_variant(pt, full));
	st = test_run_filtered(&allow_all, 0, picks_full_when_filtered, NULL, msg,
			       sizeof(msg));
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x: %s", st,
		      msg);
}
END_TEST

TCase *
tcase_seccomp_baseline(void)
{
	TCase *tc = tcase_create("baseline");

	/* The full comparison runs millions of programs (slower under ASan). */
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, interpreter_runs_and_refuses);
#if defined(__x86_64__)
	tcase_add_test(tc, new_programs_give_the_old_verdicts);
	tcase_add_test(tc, instruction_counts_drop);
	tcase_add_test(tc, common_paths_are_short_and_cacheable);
#endif
	tcase_add_test(tc, variants_enforce_in_the_kernel);
	tcase_add_test(tc, baseline_picks_the_variant_the_kernel_needs);
	return tc;
}
