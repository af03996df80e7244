/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The baseline's shape (seccomp suite, tcase "baseline"): the argument
 * prologue and the no-x32 variants must not change a single verdict. A
 * small classic-BPF interpreter runs the programs this build generated
 * against the ones the build generated before the prologue existed
 * (fixtures/baseline_old_bpf.h, a verbatim copy of that build's
 * build/gen/baseline_bpf.h) over every architecture, syscall number and
 * the argument values that matter; then the kernel gets the last word.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <seccomp.h>
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
#define RET_EPERM (SECCOMP_RET_ERRNO | EPERM)
#define RET_ENOSYS (SECCOMP_RET_ERRNO | ENOSYS)
#define RET_MAIN 0x7fff1234u	/* a sentinel "rest of the program" */

/* What a filter sees; be: the arch stores args big-endian. */
struct sdata {
	uint32_t nr, arch;
	uint64_t args[6];
	bool be;
};

/* A 32-bit load from struct seccomp_data, as the kernel would do it. */
static bool
load_word(const struct sdata *d, uint32_t k, uint32_t *a)
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

/*
 * Run f on d. Only the instructions libseccomp and the prologues emit are
 * known (ld abs, alu and, ja, jeq/jgt/jge/jset with k, ret k): anything
 * else, a load outside seccomp_data or a jump out of the program fails.
 */
static bool
bpf_run(const struct sock_filter *f, size_t len, const struct sdata *d,
	uint32_t *ret)
{
	uint32_t a = 0;

	for (size_t pc = 0; pc < len; pc++) {
		const struct sock_filter *i = &f[pc];
		bool t;

		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (!load_word(d, i->k, &a))
				return false;
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

/*
 * A program's verdict, or RET_STOPPED when the interpreter refuses it. No
 * ck_assert here: Check reports every passing assertion to the runner,
 * and this runs millions of times.
 */
#define RET_STOPPED 0xdeadbeefu

static uint32_t
verdict(const struct ward_bpf *p, const struct sdata *d)
{
	uint32_t r = 0;

	return bpf_run(p->insns, p->len, d, &r) ? r : RET_STOPPED;
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
	struct sock_filter bad_op[] = { BPF_STMT(BPF_LDX | BPF_IMM, 0) };
	struct sock_filter bad_ld[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, sizeof(struct seccomp_data)),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_filter off_end[] = { BPF_JUMP(BPF_JMP | BPF_JA, 1, 0, 0),
					 BPF_STMT(BPF_RET | BPF_K, 0) };
	struct sdata d = { .args = { 0, 0x8100000000 } };
	uint32_t r;

	ck_assert(bpf_run(ok, 10, &d, &r) && r == 1);	/* high word 0x81 */
	d.args[1] = 0x1100000000;
	ck_assert(bpf_run(ok, 10, &d, &r) && r == 2);
	d.args[1] = 0x1000000000;
	ck_assert(bpf_run(ok, 10, &d, &r) && r == 3);
	d.args[1] = 0xf00000000;
	ck_assert(bpf_run(ok, 10, &d, &r) && r == 4);
	d.be = true;				/* now +4 is the low word */
	d.args[1] = 0x81;
	ck_assert(bpf_run(ok, 10, &d, &r) && r == 1);
	ck_assert(!bpf_run(bad_op, 1, &d, &r));
	ck_assert(!bpf_run(bad_ld, 2, &d, &r));
	ck_assert(!bpf_run(off_end, 2, &d, &r));
	ck_assert(!bpf_run(ok, 4 - 2, &d, &r));		/* no ret reached */
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
fill_args(struct sdata *d, size_t v, uint64_t *rng)
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

/* Compare old and new on one (arch, nr); returns the mismatches. */
static size_t
compare_nr(uint32_t arch, uint32_t nr, uint64_t *rng)
{
	bool x32 = arch == AUDIT_ARCH_X86_64 && (nr & X32_BIT) != 0;
	struct sdata d = { .nr = nr, .arch = arch };
	size_t bad = 0;

	for (size_t v = 0; v < N_VECTORS; v++) {
		fill_args(&d, v, rng);
		for (int pt = 0; pt < 2; pt++) {
			uint32_t old = verdict(&old_progs[pt], &d);
			uint32_t with = verdict(ward_seccomp_baseline_variant(pt, true), &d);
			uint32_t without = verdict(ward_seccomp_baseline_variant(pt, false), &d);

			if (old != RET_STOPPED && with == old &&
			    without == (x32 ? RET_ENOSYS : old))
				continue;
			if (bad++ == 0)
				fprintf(stderr, "arch %#x nr %#x args %#llx %#llx ptrace %d: old %#x, new %#x, no-x32 %#x\n",
					arch, nr, (unsigned long long)d.args[0],
					(unsigned long long)d.args[1], pt, old,
					with, without);
		}
	}
	return bad;
}

START_TEST(new_programs_give_the_old_verdicts)
{
	static const uint32_t arches[] = { AUDIT_ARCH_X86_64, AUDIT_ARCH_I386,
					   AUDIT_ARCH_AARCH64 };
	static const uint32_t extra[] = { 0x400, 0x3fffffff, 0x40000400,
					  0x4fffffff, 0x7fffffff, 0x80000000,
					  0xc0000010, 0xffffffff };
	uint64_t rng = 0x9e3779b97f4a7c15;
	size_t bad = 0, runs = 0;

	for (size_t a = 0; a < WARD_ARRAY_SIZE(arches); a++) {
		for (uint32_t nr = 0; nr < 1024; nr++, runs++) {
			bad += compare_nr(arches[a], nr, &rng);
			bad += compare_nr(arches[a], X32_BIT | nr, &rng);
		}
		for (size_t i = 0; i < WARD_ARRAY_SIZE(extra); i++, runs++)
			bad += compare_nr(arches[a], extra[i], &rng);
	}
	ck_assert_uint_eq(runs, 3 * (1024 + WARD_ARRAY_SIZE(extra)));
	ck_assert_msg(bad == 0, "%zu verdicts differ (first on stderr)", bad);
}
END_TEST

/* The point of the exercise: fewer instructions to load. */
START_TEST(instruction_counts_drop)
{
	for (int pt = 0; pt < 2; pt++) {
		const struct ward_bpf *with = ward_seccomp_baseline_variant(pt, true);
		const struct ward_bpf *without = ward_seccomp_baseline_variant(pt, false);

		/* ioctl's 34 and socket's 8 masked rules, on three arches. */
		ck_assert_uint_le(with->len + 90, old_progs[pt].len);
		/* ... and x32's whole tree. */
		ck_assert_uint_le(without->len + 450, old_progs[pt].len);
		ck_assert_uint_le(without->len, 950);
	}
}
END_TEST
#endif

/* A program: the prologue, then a sentinel return standing for the rest. */
static size_t
prologue(const uint32_t *arches, size_t n, bool x32_enosys,
	 struct sock_filter *out)
{
	struct ward_err e = { 0 };
	size_t len = 0;

	ck_assert_msg(ward_seccomp_arg_prologue(arches, n, x32_enosys, out, &len,
						&e) == 0, "%s", e.msg);
	out[len] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, RET_MAIN);
	return len + 1;
}

static uint32_t
run_one(const struct sock_filter *f, size_t len, struct sdata d)
{
	uint32_t r = 0;

	ck_assert(bpf_run(f, len, &d, &r));
	return r;
}

/* Big-endian arches compare the low word, at +4; numbers come from libseccomp. */
START_TEST(prologue_reads_the_low_word_in_the_arch_byte_order)
{
	static const uint32_t s390x[] = { SCMP_ARCH_S390X };
	struct sock_filter f[WARD_SECCOMP_PROLOGUE_MAX + 1];
	int ioctl_nr = ward_seccomp_direct_nr(SCMP_ARCH_S390X, "ioctl");
	int socket_nr = ward_seccomp_direct_nr(SCMP_ARCH_S390X, "socket");
	size_t n = prologue(s390x, 1, false, f);
	struct sdata d = { .arch = AUDIT_ARCH_S390X, .be = true };

	ck_assert_int_eq(ioctl_nr, 54);
	ck_assert_int_eq(socket_nr, 359);	/* behind socketcall's pseudo number */
	d.nr = (uint32_t)ioctl_nr;
	d.args[1] = 0x5412;
	ck_assert_uint_eq(run_one(f, n, d), RET_EPERM);
	d.args[1] = 0xffffffff0000541c;
	ck_assert_uint_eq(run_one(f, n, d), RET_EPERM);
	d.args[1] = 0x541200000000;
	ck_assert_uint_eq(run_one(f, n, d), RET_MAIN);
	d.nr = (uint32_t)socket_nr;
	d.args[0] = 0x100000001;
	ck_assert_uint_eq(run_one(f, n, d), RET_MAIN);
	d.args[0] = 0x7fffffff;
	ck_assert_uint_eq(run_one(f, n, d), RET_EPERM);
	d.args[1] = 0x5412, d.args[0] = 1;	/* socket's arg 1 is not checked */
	ck_assert_uint_eq(run_one(f, n, d), RET_MAIN);
	d.arch = AUDIT_ARCH_X86_64;		/* not in this prologue */
	d.args[0] = 40;
	ck_assert_uint_eq(run_one(f, n, d), RET_MAIN);
}
END_TEST

START_TEST(prologue_x32_enosys_and_errors)
{
	static const uint32_t x86[] = { SCMP_ARCH_X86_64, SCMP_ARCH_X86 };
	static const uint32_t with_x32[] = { SCMP_ARCH_X86_64, SCMP_ARCH_X32 };
	static const uint32_t arm[] = { SCMP_ARCH_AARCH64, SCMP_ARCH_ARM };
	struct sock_filter f[WARD_SECCOMP_PROLOGUE_MAX + 1];
	struct ward_err e = { 0 };
	size_t n = prologue(x86, 2, true, f), len;
	struct sdata d = { .arch = AUDIT_ARCH_X86_64, .nr = X32_BIT | 39 };

	ck_assert_uint_eq(run_one(f, n, d), RET_ENOSYS);
	d.nr = 0xffffffff;
	ck_assert_uint_eq(run_one(f, n, d), RET_ENOSYS);
	d.nr = 39;
	ck_assert_uint_eq(run_one(f, n, d), RET_MAIN);
	d.arch = AUDIT_ARCH_I386, d.nr = X32_BIT | 39;
	ck_assert_uint_eq(run_one(f, n, d), RET_MAIN);
	/* Without x32_enosys, x32's own ioctl (514) is checked instead. */
	n = prologue(with_x32, 2, false, f);
	d = (struct sdata){ .arch = AUDIT_ARCH_X86_64, .nr = X32_BIT | 514,
			    .args = { 0, 0x5412 } };
	ck_assert_uint_eq(run_one(f, n, d), RET_EPERM);
	d.nr = X32_BIT | 39;
	ck_assert_uint_eq(run_one(f, n, d), RET_MAIN);
	ck_assert_int_eq(ward_seccomp_arg_prologue(with_x32, 2, true, f, &len, &e),
			 -EINVAL);
	ck_assert_int_eq(ward_seccomp_arg_prologue(arm, 2, true, f, &len, &e),
			 -EINVAL);
	ck_assert_int_eq(ward_seccomp_direct_nr(SCMP_ARCH_X86, "socket"), 359);
	ck_assert_int_eq(ward_seccomp_direct_nr(SCMP_ARCH_X86_64, "socket"), 41);
	ck_assert_int_eq(ward_seccomp_direct_nr(SCMP_ARCH_X86_64, "socketcall"), -1);
	ck_assert_int_eq(ward_seccomp_direct_nr(SCMP_ARCH_X86, "no_such_call"), -1);
}
END_TEST

#if defined(__x86_64__)
/* An i386 syscall from this process: seccomp sees AUDIT_ARCH_I386. */
static long
int80(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"(a), "c"(b), "d"(c)
			 : "memory", "r8", "r9", "r10", "r11");
	return ret;
}

static int
want_int80(int out, long r, int want_errno, const char *what)
{
	if (r < 0) {
		errno = (int)-r;
		r = -1;
	}
	return test_want(out, r, want_errno, what);
}

/* Kernels booted with ia32_emulation=0 kill an int 0x80 caller. */
static bool
ia32_available(void)
{
	int st;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(int80(20, 0, 0, 0) == getpid() ? 0 : 1);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

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
	bad += want_int80(out, int80(54, 0, TIOCSTI, 0), EPERM, "i386 ioctl(TIOCSTI)");
	bad += want_int80(out, int80(54, -1, FIONREAD, 0), EBADF, "i386 ioctl(FIONREAD)");
	bad += want_int80(out, int80(359, 38, SOCK_SEQPACKET, 0), EPERM,
			  "i386 socket(AF_ALG)");
	bad += want_int80(out, int80(359, 64, SOCK_STREAM, 0), EPERM, "i386 socket(64)");
	bad += want_int80(out, int80(359, AF_UNIX, SOCK_STREAM, 0), 0,
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
	c.ia32 = ia32_available();
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
#endif
	tcase_add_test(tc, prologue_reads_the_low_word_in_the_arch_byte_order);
	tcase_add_test(tc, prologue_x32_enosys_and_errors);
	tcase_add_test(tc, variants_enforce_in_the_kernel);
	tcase_add_test(tc, baseline_picks_the_variant_the_kernel_needs);
	return tc;
}
