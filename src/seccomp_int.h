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
 * name's syscall number on arch, the direct syscall when libseccomp gives
 * a multiplexer's pseudo number (i386 socket: 359); -1 when there is none.
 */
int ward_seccomp_direct_nr(uint32_t arch, const char *name);

/*
 * The numbers libseccomp filters for name on arch (a token): *nr is
 * ward_seccomp_direct_nr's; *mux is the multiplexer's (socketcall or ipc
 * on x86) when libseccomp also filters name through it, -1 otherwise.
 */
void ward_seccomp_name_nrs(uint32_t arch, const char *name, int *nr,
			   int *mux);

/*
 * The baseline's prologue dispatches on syscall numbers, per architecture,
 * before the compiled program runs. Each range of numbers gets one action:
 */
enum ward_nr_action {
	WARD_NR_MAIN,			/* on to the compiled program */
	WARD_NR_ALLOW,			/* RET ALLOW */
	WARD_NR_DENY,			/* RET the default action */
	WARD_NR_ENOSYS,			/* RET ERRNO(ENOSYS) */
	WARD_NR_CHECK,			/* an argdeny check, then RET ALLOW */
};

/* Checks per map: each argdeny in each byte order would fit. */
#define WARD_NR_MAX_CHECKS 8

/* An argdeny check on one architecture: off is the argument's low word. */
struct ward_nr_check {
	const struct ward_seccomp_argdeny *deny;
	uint32_t off;
};

/* From first up to the next range's first - 1 (the last: to 0xffffffff). */
struct ward_nr_range {
	uint32_t first;
	enum ward_nr_action action;
	size_t check;			/* WARD_NR_CHECK: index into checks[] */
	/*
	 * How many of its numbers the kernel tries when it builds its
	 * constant-action cache at load time: the search is balanced by it.
	 */
	uint32_t weight;
};

/* One seccomp_data.arch value: ranges sorted by first, ranges[0] at 0. */
struct ward_nr_map {
	uint32_t audit;
	const struct ward_nr_range *ranges;
	size_t n;
	const struct ward_nr_check *checks;
	size_t n_checks;
};

/*
 * Assemble the dispatch (seccomp_ranges.c): ld arch; per map, ld nr and a
 * search tree of JGE comparisons whose leaves are the ranges' actions (a
 * single number between two ranges of one action becomes a JEQ in their
 * leaf); other arches, and WARD_NR_MAIN ranges, go to the instruction
 * after the last one written, where the compiled program goes. deny is the
 * DENY action's return value. Jumps out of the 8-bit reach of a
 * conditional go through a JA. out holds cap instructions; *n is how many
 * were written (0 for no maps).
 */
int ward_seccomp_dispatch(const struct ward_nr_map *maps, size_t n_maps,
			  uint32_t deny, struct sock_filter *out, size_t cap,
			  size_t *n, struct ward_err *e);

/*
 * The classic-BPF shape the kernel accepts, limited to what ward and
 * libseccomp emit: loads of seccomp_data words, AND, JA, JEQ/JGT/JGE/JSET
 * with a constant, RET with a constant; every jump lands inside the
 * program and no path runs off its end (so every path ends in a RET).
 */
bool ward_seccomp_bpf_sound(const struct sock_filter *f, size_t n);

/* What gen-baseline knows of one architecture (a libseccomp token). */
struct ward_nr_plan {
	uint32_t arch;
	const uint32_t *allow;		/* allowed unconditionally: sorted, unique */
	size_t n_allow;
	const uint32_t *main;		/* the compiled program's rules: sorted, unique */
	size_t n_main;
	int max_nr;			/* ENOSYS above it; -1: none */
};

/*
 * Build the baseline's prologue from plans[] (seccomp_prologue.c): per
 * audit arch (x32 joins x86_64 above bit 30), allowed numbers return
 * ALLOW, numbers in main[] go on to the compiled program, numbers above
 * max_nr answer ENOSYS, the rest get deny; ioctl and socket go through
 * their argdeny checks (their numbers must be allowed). x32_enosys (x86_64
 * without x32) answers ENOSYS to every x32 number, as a kernel without x32
 * would. out holds cap instructions.
 */
int ward_seccomp_baseline_prologue(const struct ward_nr_plan *plans,
				   size_t n_plans, bool x32_enosys,
				   uint32_t deny, struct sock_filter *out,
				   size_t cap, size_t *n, struct ward_err *e);

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
