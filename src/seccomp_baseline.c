/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The built-in baseline: config/baseline-seccomp.json, compiled at build
 * time by build/gen-baseline into baseline_bpf.h. This is the only file that
 * includes the generated header (the generator links all other sources),
 * and starting a container pays nothing to compile it.
 */
#include "seccomp.h"
#include "util.h"

#include "baseline_bpf.h"

_Static_assert(WARD_ARRAY_SIZE(ward_baseline_insns) <= BPF_MAXINSNS,
	       "baseline program too long");
_Static_assert(WARD_ARRAY_SIZE(ward_baseline_ptrace_insns) <= BPF_MAXINSNS,
	       "baseline (ptrace) program too long");

const struct ward_bpf *
ward_seccomp_baseline(bool allow_ptrace)
{
	/*
	 * Views of read-only arrays: owned is false, so ward_bpf_free() never
	 * touches them and the cast only satisfies struct ward_bpf's type.
	 */
	static const struct ward_bpf plain = {
		.insns = (struct sock_filter *)ward_baseline_insns,
		.len = WARD_ARRAY_SIZE(ward_baseline_insns),
		.owned = false,
	};
	static const struct ward_bpf ptrace = {
		.insns = (struct sock_filter *)ward_baseline_ptrace_insns,
		.len = WARD_ARRAY_SIZE(ward_baseline_ptrace_insns),
		.owned = false,
	};

	return allow_ptrace ? &ptrace : &plain;
}
