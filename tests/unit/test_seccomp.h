/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the seccomp suite's files (test_seccomp*.c). */
#ifndef WARD_TEST_SECCOMP_H
#define WARD_TEST_SECCOMP_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "seccomp.h"

/* What a filter sees; be: the arch stores args big-endian. */
struct test_sdata {
	uint32_t nr, arch;
	uint64_t args[6];
	bool be;
};

/* The path a run took: instructions run, and whether it read an argument. */
struct test_bpf_path {
	size_t steps;
	bool args;
};

/*
 * A classic-BPF interpreter (test_seccomp_baseline.c) for the instructions
 * ward and libseccomp emit: ld abs, alu and, ja, jeq/jgt/jge/jset with k,
 * ret k. False when f uses anything else, loads outside seccomp_data or
 * runs off its end. No ck_assert inside: it runs millions of times. path
 * may be NULL.
 */
bool test_bpf_run(const struct sock_filter *f, size_t len,
		  const struct test_sdata *d, uint32_t *ret,
		  struct test_bpf_path *path);

/*
 * Runs in a forked child with the filter loaded: make syscalls, report each
 * failed expectation on out (with test_want), return the number failed.
 */
typedef int (*test_child_fn)(int out, const void *arg);

/*
 * Fork; the child sets no_new_privs, loads prog with flags and runs fn.
 * Returns the child's wait status; msg receives what the child reported.
 */
int test_run_filtered(const struct ward_bpf *prog, unsigned int flags,
		      test_child_fn fn, const void *arg, char *msg, size_t cap);

/* test_run_filtered, asserting the child exited 0 (every check passed). */
void test_filtered_ok(const struct ward_bpf *prog, test_child_fn fn,
		      const void *arg);

/*
 * In the child: ret is a syscall's result; want_errno 0 expects success,
 * otherwise -1 with that errno. Reports a mismatch on out; returns 1 then.
 * Call it directly on the syscall so nothing clobbers errno in between.
 */
int test_want(int out, long ret, int want_errno, const char *what);

/* A compiled program contains "ret k" for this k. */
bool test_bpf_returns(const struct ward_bpf *p, unsigned int k);

TCase *tcase_seccomp_compile(void);
TCase *tcase_seccomp_run(void);
TCase *tcase_seccomp_cache(void);
TCase *tcase_seccomp_baseline(void);
TCase *tcase_seccomp_ranges(void);

#if defined(__x86_64__)
/* An i386 syscall (int 0x80) from this 64-bit process, and its check. */
long test_int80(long nr, long a, long b, long c);
int test_want_int80(int out, long r, int want_errno, const char *what);
#endif
/* Whether int 0x80 works here: ia32_emulation=0 kills the caller. */
bool test_ia32_available(void);

#endif
