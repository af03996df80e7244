/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Filters loaded for real, each in a forked child (the kernel offers no way
 * to remove one): the baseline's verdicts, the ENOSYS prologue, operators
 * and a config profile's errno rule.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <linux/kcmp.h>
#include <linux/seccomp.h>

#include "suites.h"
#include "test_seccomp.h"

#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif
#ifndef AF_ALG
#define AF_ALG 38
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

int
test_want(int out, long ret, int want_errno, const char *what)
{
	int err = errno;
	char buf[200];
	int n;

	if (want_errno == 0 ? ret >= 0 : (ret == -1 && err == want_errno))
		return 0;
	n = snprintf(buf, sizeof(buf), "%s: returned %ld errno %d, want %s %d; ",
		     what, ret, ret < 0 ? err : 0,
		     want_errno ? "errno" : "success", want_errno);
	if (n > 0 && write(out, buf, (size_t)n) < 0)
		return 1;
	return 1;
}

int
test_run_filtered(const struct ward_bpf *prog, unsigned int flags,
		  test_child_fn fn, const void *arg, char *msg, size_t cap)
{
	size_t used = 0;
	int p[2], status = -1;
	pid_t pid;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct ward_err e = { 0 };

		close(p[0]);
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    ward_seccomp_load(prog, flags, &e) < 0) {
			dprintf(p[1], "load: %s (%s)", e.msg, strerror(e.code));
			_exit(99);
		}
		/* _exit: no atexit work (LeakSanitizer) under the filter. */
		_exit(fn(p[1], arg));
	}
	close(p[1]);
	for (;;) {
		ssize_t n = read(p[0], msg + used, cap - 1 - used);

		if (n <= 0 || (used += (size_t)n) >= cap - 1)
			break;
	}
	msg[used] = '\0';
	close(p[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return status;
}

void
test_filtered_ok(const struct ward_bpf *prog, test_child_fn fn, const void *arg)
{
	char msg[4096];
	int st = test_run_filtered(prog, 0, fn, arg, msg, sizeof(msg));

	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "child status %#x: %s", st, msg);
}

#if defined(__x86_64__)
/* A 32-bit syscall from a 64-bit process: seccomp sees AUDIT_ARCH_I386. */
long
test_int80(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"(a), "c"(b), "d"(c)
			 : "memory", "r8", "r9", "r10", "r11");
	return ret;
}

int
test_want_int80(int out, long r, int want_errno, const char *what)
{
	if (r < 0) {
		errno = (int)-r;
		r = -1;
	}
	return test_want(out, r, want_errno, what);
}

static int
i386_checks(int out)
{
	int bad = 0;

	/* i386 numbers: getpid 20, keyctl 288; 1000 is past any table. */
	bad += test_want_int80(out, test_int80(20, 0, 0, 0), 0, "i386 getpid");
	bad += test_want_int80(out, test_int80(288, 0, 0, 0), EPERM, "i386 keyctl");
	bad += test_want_int80(out, test_int80(1000, 0, 0, 0), ENOSYS,
			       "i386 nr 1000");
	return bad;
}

/* Kernels booted with ia32_emulation=0 kill an int 0x80 caller. */
bool
test_ia32_available(void)
{
	int st;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(test_int80(20, 0, 0, 0) == getpid() ? 0 : 1);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}
#else
bool
test_ia32_available(void)
{
	return false;
}
#endif

static int
namespace_checks(int out)
{
	/*
	 * Should the filter fail, the kernel still refuses these (EINVAL:
	 * CLONE_THREAD without CLONE_SIGHAND, clone_args too small), so no
	 * stray process ever runs the rest of the test.
	 */
	unsigned long bogus = CLONE_THREAD | SIGCHLD;
	uint64_t ca[11] = { 0 };
	int bad = 0;
	pid_t pid;

	bad += test_want(out, unshare(CLONE_NEWUSER), EPERM, "unshare(NEWUSER)");
	bad += test_want(out, unshare(CLONE_NEWNS), EPERM, "unshare(NEWNS)");
	bad += test_want(out, unshare(CLONE_FS), 0, "unshare(CLONE_FS)");
	bad += test_want(out, syscall(SYS_clone, CLONE_NEWUSER | bogus, 0, 0, 0, 0),
			 EPERM, "clone(NEWUSER)");
	bad += test_want(out, syscall(SYS_clone, CLONE_NEWTIME | bogus, 0, 0, 0, 0),
			 EPERM, "clone(NEWTIME)");
	bad += test_want(out, syscall(SYS_clone3, ca, 8), ENOSYS,
			 "clone3");
	bad += test_want(out, setns(0, 0), EPERM, "setns");
	bad += test_want(out, syscall(SYS_mount, "none", "/nonexistent-ward", "tmpfs", 0, NULL),
			 EPERM, "mount");
	bad += test_want(out, syscall(SYS_pivot_root, "/nonexistent-ward", "/nonexistent-ward"),
			 EPERM, "pivot_root");
	bad += test_want(out, chroot("/nonexistent-ward"), ENOENT,
			 "chroot allowed (ENOENT from the kernel)");
	/* Plain fork (clone without namespace flags) still works. */
	pid = fork();
	if (pid == 0)
		_exit(0);
	bad += test_want(out, pid, 0, "fork");
	bad += test_want(out, pid > 0 ? waitpid(pid, NULL, 0) : 0, 0, "wait");
	return bad;
}

static int
kernel_surface_checks(int out)
{
	int bad = 0;

	bad += test_want(out, syscall(SYS_keyctl, 0, -1, 0, 0, 0), EPERM, "keyctl");
	bad += test_want(out, syscall(SYS_add_key, "user", "x", "", 0, -1), EPERM,
			 "add_key");
	bad += test_want(out, syscall(SYS_request_key, "user", "x", NULL, 0), EPERM,
			 "request_key");
	bad += test_want(out, syscall(SYS_bpf, 0, NULL, 0), EPERM, "bpf");
	bad += test_want(out, syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0),
			 EPERM, "perf_event_open");
	bad += test_want(out, syscall(SYS_userfaultfd, 0), EPERM, "userfaultfd");
	bad += test_want(out, syscall(SYS_io_uring_setup, 1, NULL), EPERM,
			 "io_uring_setup");
	bad += test_want(out, syscall(SYS_kexec_load, 0, 0, NULL, 0), EPERM,
			 "kexec_load");
	bad += test_want(out, syscall(SYS_init_module, NULL, 0, ""), EPERM,
			 "init_module");
	bad += test_want(out, syscall(SYS_open_by_handle_at, -1, NULL, 0), EPERM,
			 "open_by_handle_at");
	bad += test_want(out, syscall(SYS_fsopen, "tmpfs", 0), EPERM, "fsopen");
	bad += test_want(out, syscall(1000), ENOSYS, "nr 1000");
	bad += test_want(out, syscall(0x7fffffff), ENOSYS, "nr 0x7fffffff");
	return bad;
}

static int
arg_checks(int out, int fd)
{
	unsigned long vsock_hi = (1UL << 32) | AF_VSOCK;
	unsigned long sti_hi = (1UL << 32) | TIOCSTI;
	struct termios t;
	char c = 'x';
	int bad = 0, n;

	bad += test_want(out, ioctl(fd, TIOCSTI, &c), EPERM, "ioctl(TIOCSTI)");
	bad += test_want(out, ioctl(fd, TIOCLINUX, &c), EPERM, "ioctl(TIOCLINUX)");
	/* The kernel reads only 32 bits of the request: so must the filter. */
	bad += test_want(out, syscall(SYS_ioctl, fd, sti_hi, &c), EPERM,
			 "ioctl(1<<32 | TIOCSTI)");
	bad += test_want(out, ioctl(fd, FIONREAD, &n), 0, "ioctl(FIONREAD)");
	bad += test_want(out, ioctl(fd, TCGETS, &t), ENOTTY, "ioctl(TCGETS)");
	bad += test_want(out, socket(AF_VSOCK, SOCK_STREAM, 0), EPERM,
			 "socket(AF_VSOCK)");
	bad += test_want(out, socket(AF_ALG, SOCK_SEQPACKET, 0), EPERM,
			 "socket(AF_ALG)");
	bad += test_want(out, syscall(SYS_socket, vsock_hi, SOCK_STREAM, 0), EPERM,
			 "socket(1<<32 | AF_VSOCK)");
	bad += test_want(out, socket(AF_UNIX, SOCK_STREAM, 0), 0, "socket(AF_UNIX)");
	bad += test_want(out, socket(AF_INET6, SOCK_DGRAM, 0), 0, "socket(AF_INET6)");
	bad += test_want(out, personality(0xffffffff), 0, "personality(query)");
	bad += test_want(out, personality(PER_LINUX), 0, "personality(0)");
	bad += test_want(out, personality(READ_IMPLIES_EXEC), EPERM,
			 "personality(READ_IMPLIES_EXEC)");
	bad += test_want(out, personality(ADDR_NO_RANDOMIZE), EPERM,
			 "personality(ADDR_NO_RANDOMIZE)");
	return bad;
}

struct baseline_case {
	bool ptrace;
	bool ia32;
};

static int
baseline_checks(int out, const void *arg)
{
	const struct baseline_case *c = arg;
	bool ptrace = c->ptrace;
	int deny = ptrace ? 0 : EPERM, bad = 0, p[2];
	char word[8] = "ward", copy[8];
	struct iovec local = { copy, sizeof(copy) };
	struct iovec remote = { word, sizeof(word) };
	pid_t self = getpid();

	bad += test_want(out, self, 0, "getpid");
	bad += test_want(out, pipe(p), 0, "pipe");
	bad += test_want(out, write(p[1], "x", 1), 0, "write to a pipe");
	bad += kernel_surface_checks(out);
	bad += namespace_checks(out);
	bad += arg_checks(out, p[0]);
	bad += test_want(out, process_vm_readv(self, &local, 1, &remote, 1, 0),
			 deny, "process_vm_readv");
	bad += test_want(out, syscall(SYS_kcmp, self, self, KCMP_VM, 0, 0), deny,
			 "kcmp");
	/* pid 0 never exists: ESRCH when allowed, EPERM when filtered. */
	bad += test_want(out, syscall(SYS_ptrace, 1 /* PEEKTEXT */, 0, 0, 0),
			 ptrace ? ESRCH : EPERM, "ptrace");
#if defined(__x86_64__)
	if (c->ia32)
		bad += i386_checks(out);
#endif
	return bad;
}

START_TEST(baseline_without_ptrace)
{
	struct baseline_case c = { false, test_ia32_available() };

	test_filtered_ok(ward_seccomp_baseline(false), baseline_checks, &c);
}
END_TEST

START_TEST(baseline_with_ptrace)
{
	struct baseline_case c = { true, test_ia32_available() };

	test_filtered_ok(ward_seccomp_baseline(true), baseline_checks, &c);
}
END_TEST

static int
enosys_checks(int out, const void *arg)
{
	int bad = 0;

	(void)arg;
	bad += test_want(out, syscall(SYS_getpid), 0, "getpid allowed");
	bad += test_want(out, syscall(SYS_keyctl, 0, 0, 0, 0, 0), EACCES,
			 "keyctl: its errnoRet");
	/* Below the highest named number: the default's EPERM. */
	bad += test_want(out, syscall(SYS_getppid), EPERM, "getppid");
	bad += test_want(out, syscall(SYS_add_key, 0, 0, 0, 0, 0), EPERM, "add_key");
	/* Above it: not implemented, as far as the program can tell. */
	bad += test_want(out, syscall(SYS_keyctl + 1), ENOSYS, "keyctl + 1");
	bad += test_want(out, syscall(SYS_clone3, NULL, 0), ENOSYS, "clone3");
	bad += test_want(out, syscall(1000), ENOSYS, "nr 1000");
	return bad;
}

/* The prologue's cut-off is the profile's own highest number (keyctl here). */
START_TEST(enosys_above_the_highest_named_syscall)
{
	struct ward_seccomp_rule r[2] = {
		/* What the child and a sanitizer runtime need; all below keyctl. */
		{ .names = (char *[]){ "getpid", "write", "exit_group", "exit",
				       "sigaltstack", "mmap", "munmap",
				       "mprotect", "madvise", "rt_sigprocmask",
				       "rt_sigaction", "gettid" },
		  .n_names = 12, .action = "SCMP_ACT_ALLOW" },
		{ .names = (char *[]){ "keyctl" }, .n_names = 1,
		  .action = "SCMP_ACT_ERRNO", .has_errno_ret = true,
		  .errno_ret = EACCES },
	};
	struct ward_seccomp p = {
		.default_action = "SCMP_ACT_ERRNO",
		.architectures = (char *[]){ "SCMP_ARCH_X86_64", "SCMP_ARCH_X86",
					     "SCMP_ARCH_X32" },
		.n_architectures = 3, .syscalls = r, .n_syscalls = 2,
	};
	struct ward_bpf b = { 0 };
	struct ward_err e = { 0 };

	ck_assert_msg(ward_seccomp_compile(&p, &b, &e) == 0, "%s", e.msg);
	test_filtered_ok(&b, enosys_checks, NULL);
	ward_bpf_free(&b);
}
END_TEST

/* Each operator on its own harmless syscall; EACCES when the rule matches. */
static const struct {
	long nr;
	const char *name;
	const char *op;
} op_calls[] = {
	{ SYS_getppid, "getppid", "SCMP_CMP_NE" },
	{ SYS_getuid, "getuid", "SCMP_CMP_LT" },
	{ SYS_geteuid, "geteuid", "SCMP_CMP_LE" },
	{ SYS_getgid, "getgid", "SCMP_CMP_EQ" },
	{ SYS_getegid, "getegid", "SCMP_CMP_GE" },
	{ SYS_gettid, "gettid", "SCMP_CMP_GT" },
	{ SYS_getpgrp, "getpgrp", "SCMP_CMP_MASKED_EQ" },
};

static bool
op_matches(size_t i, unsigned long x)
{
	switch (i) {
	case 0: return x != 10;
	case 1: return x < 10;
	case 2: return x <= 10;
	case 3: return x == 10;
	case 4: return x >= 10;
	case 5: return x > 10;
	default: return (x & 0xf0) == 0x10;
	}
}

static int
op_checks(int out, const void *arg)
{
	static const unsigned long xs[] = { 0, 5, 10, 11, 0x1a, 0x2a,
					    (1UL << 32) | 10 };
	int bad = 0;
	char what[64];

	(void)arg;
	for (size_t i = 0; i < sizeof(op_calls) / sizeof(op_calls[0]); i++) {
		for (size_t j = 0; j < sizeof(xs) / sizeof(xs[0]); j++) {
			snprintf(what, sizeof(what), "%s with %#lx", op_calls[i].op,
				 xs[j]);
			bad += test_want(out, syscall(op_calls[i].nr, xs[j]),
					 op_matches(i, xs[j]) ? EACCES : 0, what);
		}
	}
	/* Two conditions in one rule are ANDed. */
	bad += test_want(out, syscall(SYS_sched_yield, 1, 2), EACCES, "a0=1 a1=2");
	bad += test_want(out, syscall(SYS_sched_yield, 1, 3), 0, "a0=1 a1=3");
	bad += test_want(out, syscall(SYS_sched_yield, 0, 2), 0, "a0=0 a1=2");
	return bad;
}

START_TEST(operators_compare_as_the_kernel_sees_them)
{
	enum { N = sizeof(op_calls) / sizeof(op_calls[0]) };
	struct ward_seccomp_arg a[N], both[2] = {
		{ .index = 0, .value = 1, .op = "SCMP_CMP_EQ" },
		{ .index = 1, .value = 2, .op = "SCMP_CMP_EQ" },
	};
	struct ward_seccomp_rule r[N + 1];
	char *name_ptr[N + 1];
	struct ward_seccomp p = { .default_action = "SCMP_ACT_ALLOW",
				  .syscalls = r, .n_syscalls = N + 1 };
	struct ward_bpf b = { 0 };
	struct ward_err e = { 0 };

	for (size_t i = 0; i < N; i++) {
		bool masked = i == N - 1;

		a[i] = (struct ward_seccomp_arg){
			.index = 0, .value = masked ? 0xf0 : 10,
			.value_two = masked ? 0x10 : 0, .op = (char *)op_calls[i].op,
		};
		name_ptr[i] = (char *)op_calls[i].name;
		r[i] = (struct ward_seccomp_rule){
			.names = &name_ptr[i], .n_names = 1,
			.action = "SCMP_ACT_ERRNO", .has_errno_ret = true,
			.errno_ret = EACCES, .args = &a[i], .n_args = 1,
		};
	}
	name_ptr[N] = "sched_yield";
	r[N] = (struct ward_seccomp_rule){
		.names = &name_ptr[N], .n_names = 1, .action = "SCMP_ACT_ERRNO",
		.has_errno_ret = true, .errno_ret = EACCES, .args = both,
		.n_args = 2,
	};
	ck_assert_msg(ward_seccomp_compile(&p, &b, &e) == 0, "%s", e.msg);
	test_filtered_ok(&b, op_checks, NULL);
	ward_bpf_free(&b);
}
END_TEST

static int
mkdir_checks(int out, const void *arg)
{
	const char *dir = arg;
	int bad = 0;

	bad += test_want(out, mkdir(dir, 0700), EACCES, "mkdir");
	bad += test_want(out, syscall(SYS_mkdirat, AT_FDCWD, dir, 0700), EACCES,
			 "mkdirat");
	bad += test_want(out, getpid(), 0, "getpid");
	return bad;
}

/* A config profile as Docker writes it, through the spec parser. */
START_TEST(config_profile_errno_rule_is_enforced)
{
	static const char json[] =
		"{\"ociVersion\":\"1.2.0\",\"linux\":{\"seccomp\":{"
		"\"defaultAction\":\"SCMP_ACT_ALLOW\","
		"\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\"],"
		"\"syscalls\":[{\"names\":[\"mkdir\",\"mkdirat\"],"
		"\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13}]}}}";
	char dir[] = "/tmp/ward-seccomp-XXXXXX", sub[64];
	struct ward_spec *s = NULL;
	struct ward_bpf b = { 0 };
	struct ward_err e = { 0 };
	struct stat st;

	ck_assert_msg(ward_spec_parse(json, sizeof(json) - 1, &s, &e) == 0, "%s",
		      e.msg);
	ck_assert_ptr_nonnull(s->linux.seccomp);
	ck_assert_msg(ward_seccomp_compile(s->linux.seccomp, &b, &e) == 0, "%s",
		      e.msg);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/d", dir);
	test_filtered_ok(&b, mkdir_checks, sub);
	ck_assert_int_eq(stat(sub, &st), -1);
	ck_assert_int_eq(rmdir(dir), 0);
	ward_bpf_free(&b);
	ward_spec_free(s);
}
END_TEST

static int
call_getppid(int out, const void *arg)
{
	(void)arg;
	return test_want(out, syscall(SYS_getppid), 0, "getppid returned");
}

/* KILL_PROCESS ends the child with SIGSYS; the LOG flag loads. */
START_TEST(kill_process_and_log_flag)
{
	struct ward_seccomp_rule r = {
		.names = (char *[]){ "getppid" }, .n_names = 1,
		.action = "SCMP_ACT_KILL_PROCESS",
	};
	struct ward_seccomp p = {
		.default_action = "SCMP_ACT_ALLOW",
		.flags = (char *[]){ "SECCOMP_FILTER_FLAG_LOG" }, .n_flags = 1,
		.syscalls = &r, .n_syscalls = 1,
	};
	struct ward_bpf b = { 0 };
	struct ward_err e = { 0 };
	unsigned int flags;
	char msg[512];
	int st;

	ck_assert_int_eq(ward_seccomp_flags(&p, &flags, &e), 0);
	ck_assert_int_eq(ward_seccomp_compile(&p, &b, &e), 0);
	st = test_run_filtered(&b, flags, call_getppid, NULL, msg, sizeof(msg));
	ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS,
		      "status %#x: %s", st, msg);
	ward_bpf_free(&b);
}
END_TEST

/* The kernel's verifier rejects a jump out of the program: EINVAL, no filter. */
START_TEST(load_reports_kernel_rejection)
{
	struct sock_filter bad[] = {
		BPF_JUMP(BPF_JMP | BPF_JA, 5, 0, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct ward_bpf b = { bad, 2, false }, empty = { 0 };
	struct ward_err e = { 0 };
	char msg[512];
	int st;

	ck_assert_int_eq(ward_seccomp_load(&empty, 0, &e), -EINVAL);
	st = test_run_filtered(&b, 0, call_getppid, NULL, msg, sizeof(msg));
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 99, "status %#x", st);
	ck_assert_msg(strstr(msg, "seccomp(SECCOMP_SET_MODE_FILTER)") != NULL &&
			      strstr(msg, strerror(EINVAL)) != NULL,
		      "%s", msg);
}
END_TEST

TCase *
tcase_seccomp_run(void)
{
	TCase *tc = tcase_create("run");

	tcase_add_test(tc, baseline_without_ptrace);
	tcase_add_test(tc, baseline_with_ptrace);
	tcase_add_test(tc, enosys_above_the_highest_named_syscall);
	tcase_add_test(tc, operators_compare_as_the_kernel_sees_them);
	tcase_add_test(tc, config_profile_errno_rule_is_enforced);
	tcase_add_test(tc, kill_process_and_log_flag);
	tcase_add_test(tc, load_reports_kernel_rejection);
	return tc;
}
