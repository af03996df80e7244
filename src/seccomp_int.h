/* SPDX-License-Identifier: Apache-2.0 */
/* Private to src/seccomp*.c (and the seccomp unit tests). */
#ifndef WARD_SECCOMP_INT_H
#define WARD_SECCOMP_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "seccomp.h"
#include "sha256.h"

/*
 * Bump when the compiler's output changes for the same profile (prologue,
 * attributes): it is part of the cache key, so old entries stop matching.
 */
#define WARD_SECCOMP_GEN 1

/* libseccomp lists 19 architectures; room for each once, plus native. */
#define WARD_SECCOMP_MAX_ARCHES 24
/* The ENOSYS prologue: a few instructions per architecture. */
#define WARD_SECCOMP_PROLOGUE_MAX (4 * WARD_SECCOMP_MAX_ARCHES + 8)

/*
 * Build the prologue that answers ENOSYS for syscall numbers above the
 * highest one the profile names, per architecture (arches[] holds libseccomp
 * tokens). *n is 0 when no architecture needs one.
 */
int ward_seccomp_enosys_prologue(const struct ward_seccomp *p,
				 const uint32_t *arches, size_t n_arches,
				 struct sock_filter *out, size_t *n,
				 struct ward_err *e);

/*
 * An argument check of the baseline's prologue (seccomp_prologue.c): the
 * syscall name is denied (ERRNO(EPERM)) when the low 32 bits of args[arg]
 * equal one of eq[], or are >= deny_from (unsigned) when that is not 0.
 */
struct ward_seccomp_argdeny {
	const char *name;
	unsigned int arg;
	uint32_t eq[2];
	size_t n_eq;
	uint32_t deny_from;
};

/* The prologue's table: what the baseline denies of ioctl and socket. */
const struct ward_seccomp_argdeny *ward_seccomp_argdenies(size_t *n);

/*
 * Build the baseline's argument prologue for arches[] (libseccomp tokens):
 * per architecture, the argdenies checks, then a fall-through into the
 * program that follows. x32_enosys (x86_64 only, x32 not in arches[]) also
 * answers ENOSYS for every x32 number, as a kernel without x32 would.
 * out holds WARD_SECCOMP_PROLOGUE_MAX; *n is 0 when nothing needs a check.
 */
int ward_seccomp_arg_prologue(const uint32_t *arches, size_t n_arches,
			      bool x32_enosys, struct sock_filter *out,
			      size_t *n, struct ward_err *e);

/*
 * name's syscall number on arch, the direct syscall when libseccomp gives
 * a multiplexer's pseudo number (i386 socket: 359); -1 when there is none.
 */
int ward_seccomp_direct_nr(uint32_t arch, const char *name);

/*
 * The baseline variants (seccomp_baseline.c): x32 false is the program
 * without SCMP_ARCH_X32, whose prologue answers ENOSYS to x32 numbers; on
 * families without x32 both values give the same program.
 */
const struct ward_bpf *ward_seccomp_baseline_variant(bool allow_ptrace,
						     bool x32);

/* "SCMP_ARCH_X86_64" -> libseccomp's token (an AUDIT_ARCH_*); 0 when unknown. */
uint32_t ward_seccomp_arch_token(const char *name);

/* The highest number any rule names on arch (libseccomp token), or -1. */
int ward_seccomp_max_nr(const struct ward_seccomp *p, uint32_t arch);

/* The cache key: SHA-256 over a canonical serialisation (seccomp_cache.c). */
void ward_seccomp_cache_key(const struct ward_seccomp *p,
			    uint8_t key[WARD_SHA256_LEN]);

/* A cache entry: this header, then count instructions (host byte order). */
#define WARD_BPF_CACHE_MAGIC "WARDBPF\n"
#define WARD_BPF_CACHE_VERSION 1

struct ward_bpf_cache_hdr {
	char magic[8];
	uint32_t version;
	uint32_t count;			/* instructions in the body */
	uint8_t key[WARD_SHA256_LEN];
	uint8_t body_sha256[WARD_SHA256_LEN];
};

#endif
