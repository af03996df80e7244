/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Seccomp: compile a config's linux.seccomp profile to classic BPF in the
 * parent (with libseccomp, cached by content hash), and load a compiled
 * program in the child with nothing but the seccomp(2) syscall. The built-in
 * baseline is compiled at build time (tools/gen-baseline.c) and embedded.
 */
#ifndef WARD_SECCOMP_H
#define WARD_SECCOMP_H

#include <linux/filter.h>
#include <stdbool.h>

#include "ward/error.h"
#include "spec.h"

/* A compiled program. owned: insns is malloc'd and ward_bpf_free() frees it. */
struct ward_bpf {
	struct sock_filter *insns;
	unsigned short len;
	bool owned;
};

/*
 * Compile a profile with libseccomp (pre-clone, in the parent). Unknown
 * architectures, actions, operators and flags are errors naming the JSON
 * path; a syscall name this libseccomp does not know is skipped (every
 * profile the policy accepts denies by default, so skipping only denies).
 * When the default action is SCMP_ACT_ERRNO, syscall numbers above the
 * highest one the profile names answer ENOSYS (see docs/seccomp.md).
 */
int ward_seccomp_compile(const struct ward_seccomp *profile,
			 struct ward_bpf *out, struct ward_err *e);

/*
 * Same result, cached under cache_dir (created 0700) by a SHA-256 of the
 * profile, libseccomp's version, the native architecture and ward's version.
 * A cache that is not ours (owner, mode, symlink) is not used; a bad entry is
 * ignored and rewritten. cache_dir NULL compiles directly.
 */
int ward_seccomp_compile_cached(const struct ward_seccomp *profile,
				const char *cache_dir, struct ward_bpf *out,
				struct ward_err *e);

/* linux.seccomp.flags to SECCOMP_FILTER_FLAG_* bits; profile may be NULL. */
int ward_seccomp_flags(const struct ward_seccomp *profile, unsigned int *flags,
		       struct ward_err *e);

/*
 * Child side: install prog with seccomp(SECCOMP_SET_MODE_FILTER). No
 * allocation, no libseccomp; the caller has already set no_new_privs.
 */
int ward_seccomp_load(const struct ward_bpf *prog, unsigned int flags,
		      struct ward_err *e);

void ward_bpf_free(struct ward_bpf *p);

/*
 * The built-in default-deny baseline (config/baseline-seccomp.json, compiled
 * at build time: the unconditional allowlist as a search over sorted ranges
 * of syscall numbers, the conditional rules by libseccomp; about 190
 * instructions on x86_64 without x32): a view of a static program, never
 * freed. allow_ptrace selects the variant that also allows ptrace,
 * process_vm_readv/writev, kcmp, pidfd_getfd and process_madvise
 * (CAP_SYS_PTRACE granted). On x86_64 it probes the running kernel
 * (prctl(PR_GET_SECCOMP), then an x32 getpid): without the x32 ABI it
 * returns the smaller program built without x32, which answers ENOSYS to
 * x32 numbers as such a kernel does. No state is kept between calls; call
 * it once per plan.
 */
const struct ward_bpf *ward_seccomp_baseline(bool allow_ptrace);

#endif
