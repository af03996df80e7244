/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The built-in baseline: config/baseline-seccomp.json, compiled at build
 * time by build/gen-baseline into baseline_bpf.h (a search over ranges of
 * syscall numbers, then libseccomp's program for the conditional rules).
 * This is the only file that includes the generated header (the generator
 * links all other sources), and starting a container pays nothing to
 * compile it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "seccomp_int.h"
#include "util.h"

#include "baseline_bpf.h"

_Static_assert(WARD_ARRAY_SIZE(ward_baseline_insns) <= BPF_MAXINSNS,
	       "baseline program too long");
_Static_assert(WARD_ARRAY_SIZE(ward_baseline_ptrace_insns) <= BPF_MAXINSNS,
	       "baseline (ptrace) program too long");

#if WARD_BASELINE_NOX32
_Static_assert(WARD_ARRAY_SIZE(ward_baseline_nox32_insns) <= BPF_MAXINSNS,
	       "baseline (no x32) program too long");
_Static_assert(WARD_ARRAY_SIZE(ward_baseline_nox32_ptrace_insns) <= BPF_MAXINSNS,
	       "baseline (no x32, ptrace) program too long");
#endif

/*
 * Views of read-only arrays: owned is false, so ward_bpf_free() never
 * touches them and the cast only satisfies struct ward_bpf's type.
 */
#define VIEW(a) { .insns = (struct sock_filter *)(a), \
		  .len = WARD_ARRAY_SIZE(a), .owned = false }

const struct ward_bpf *
ward_seccomp_baseline_variant(bool allow_ptrace, bool x32)
{
	static const struct ward_bpf with_x32[2] = {
		VIEW(ward_baseline_insns), VIEW(ward_baseline_ptrace_insns),
	};
#if WARD_BASELINE_NOX32
	static const struct ward_bpf without_x32[2] = {
		VIEW(ward_baseline_nox32_insns),
		VIEW(ward_baseline_nox32_ptrace_insns),
	};

	if (!x32)
		return &without_x32[allow_ptrace];
#else
	(void)x32;
#endif
	return &with_x32[allow_ptrace];
}

/*
 * Whether x32 syscalls can run here; false picks the program without x32
 * (about 80 instructions fewer, each one paid on every seccomp(2) load).
 * The kernel sees every x32 number whatever the filter says, so a kernel
 * without the x32 ABI (CONFIG_X86_X32_ABI unset, or disabled at boot)
 * answers ENOSYS to them, and the smaller program answers the same.
 */
static bool
kernel_runs_x32(void)
{
#if WARD_BASELINE_NOX32 && defined(__x86_64__)
	int saved = errno;
	bool runs;

	/*
	 * Under a seccomp filter already (nested, or systemd's
	 * SystemCallArchitectures=native), an x32 call may be libseccomp's
	 * bad-architecture KILL: keep the full program and make no probe.
	 */
	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) != 0) {
		errno = saved;
		return true;
	}
	/* x32's getpid: harmless wherever it runs. */
	runs = !(syscall(0x40000000L | SYS_getpid) < 0 && errno == ENOSYS);
	errno = saved;
	return runs;
#else
	return true;
#endif
}

const struct ward_bpf *
ward_seccomp_baseline(bool allow_ptrace)
{
	return ward_seccomp_baseline_variant(allow_ptrace, kernel_runs_x32());
}
