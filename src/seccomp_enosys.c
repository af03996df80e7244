/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ENOSYS prologue. A default-deny profile answers EPERM for everything
 * it does not list, including syscalls newer than the profile: glibc then
 * reports the failure instead of falling back (clone3 -> clone, fchmodat2 ->
 * fchmodat, ...), because only ENOSYS means "not implemented". So, per
 * architecture, a syscall number above the highest one the profile names
 * answers ENOSYS before libseccomp's program runs; anything at or below it
 * gets the profile's verdict (a known-but-denied syscall stays EPERM).
 *
 * Classic BPF jumps are relative and forward only, so instructions put in
 * front of libseccomp's program leave its jumps valid; its first instruction
 * reloads the architecture, so nothing is assumed about the accumulator.
 */
#include <errno.h>
#include <seccomp.h>
#include <stddef.h>
#include <linux/audit.h>
#include <linux/seccomp.h>

#include "seccomp_int.h"

/* x32 shares AUDIT_ARCH_X86_64 and marks its numbers with this bit. */
#define X32_SYSCALL_BIT 0x40000000u

struct group {
	uint32_t audit;			/* seccomp_data.arch */
	long max;			/* highest known nr, -1 for none */
	long max_x32;			/* AUDIT_ARCH_X86_64 only */
	size_t start;			/* index of the group's block */
};

int
ward_seccomp_max_nr(const struct ward_seccomp *p, uint32_t arch)
{
	int max = -1;

	for (size_t i = 0; i < p->n_syscalls; i++) {
		const struct ward_seccomp_rule *r = &p->syscalls[i];

		for (size_t j = 0; j < r->n_names; j++) {
			/* Negative: unknown, or not a syscall on this arch. */
			int nr = seccomp_syscall_resolve_name_arch(arch,
								   r->names[j]);

			if (nr > max)
				max = nr;
		}
	}
	return max;
}

static bool
listed(const uint32_t *arches, size_t n, uint32_t arch)
{
	for (size_t i = 0; i < n; i++)
		if (arches[i] == arch)
			return true;
	return false;
}

static size_t
make_groups(const struct ward_seccomp *p, const uint32_t *arches, size_t n,
	    struct group *g)
{
	size_t ng = 0;
	long max64 = -1, max32 = -1;

	if (listed(arches, n, SCMP_ARCH_X86_64))
		max64 = ward_seccomp_max_nr(p, SCMP_ARCH_X86_64);
	if (listed(arches, n, SCMP_ARCH_X32))
		max32 = ward_seccomp_max_nr(p, SCMP_ARCH_X32);
	if (max64 >= 0 || max32 >= 0)
		g[ng++] = (struct group){ AUDIT_ARCH_X86_64, max64, max32, 0 };
	for (size_t i = 0; i < n; i++) {
		long max;

		if (arches[i] == SCMP_ARCH_X86_64 || arches[i] == SCMP_ARCH_X32)
			continue;
		max = ward_seccomp_max_nr(p, arches[i]);
		if (max >= 0)
			g[ng++] = (struct group){ arches[i], max, -1, 0 };
	}
	return ng;
}

/* "nr > max ? ENOSYS : main", or straight to main when max is -1. */
static struct sock_filter
check(long max, size_t at, size_t enosys, size_t main)
{
	if (max < 0)
		return (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA,
						    (uint32_t)(main - at - 1), 0, 0);
	return (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K,
					    (uint32_t)max,
					    (uint8_t)(enosys - at - 1),
					    (uint8_t)(main - at - 1));
}

int
ward_seccomp_enosys_prologue(const struct ward_seccomp *p,
			     const uint32_t *arches, size_t n_arches,
			     struct sock_filter *out, size_t *n,
			     struct ward_err *e)
{
	struct group g[WARD_SECCOMP_MAX_ARCHES];
	size_t ng, at, enosys;

	*n = 0;
	if (n_arches > WARD_SECCOMP_MAX_ARCHES)
		return ward_err_set(e, E2BIG, "seccomp: too many architectures");
	ng = make_groups(p, arches, n_arches, g);
	if (ng == 0)
		return 0;
	/* Layout: ld arch; one jeq per group; ja main; blocks; ENOSYS; main. */
	at = ng + 2;
	for (size_t i = 0; i < ng; i++) {
		g[i].start = at;
		at += g[i].audit == AUDIT_ARCH_X86_64 ? 4 : 2;
	}
	enosys = at;
	if (enosys + 1 > WARD_SECCOMP_PROLOGUE_MAX || enosys > 255)
		return ward_err_set(e, E2BIG, "seccomp: prologue too long");
	out[0] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, arch));
	for (size_t i = 0; i < ng; i++)
		out[1 + i] = (struct sock_filter)BPF_JUMP(
			BPF_JMP | BPF_JEQ | BPF_K, g[i].audit,
			(uint8_t)(g[i].start - (1 + i) - 1), 0);
	out[ng + 1] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA,
						   (uint32_t)(enosys + 1 - (ng + 1) - 1),
						   0, 0);
	for (size_t i = 0; i < ng; i++) {
		size_t s = g[i].start;

		out[s] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						      offsetof(struct seccomp_data, nr));
		if (g[i].audit != AUDIT_ARCH_X86_64) {
			out[s + 1] = check(g[i].max, s + 1, enosys, enosys + 1);
			continue;
		}
		/* x32 numbers go to the second check, x86_64 ones to the first. */
		out[s + 1] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K,
							  X32_SYSCALL_BIT, 1, 0);
		out[s + 2] = check(g[i].max, s + 2, enosys, enosys + 1);
		out[s + 3] = check(g[i].max_x32, s + 3, enosys, enosys + 1);
	}
	out[enosys] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
						   SECCOMP_RET_ERRNO | ENOSYS);
	*n = enosys + 1;
	return 0;
}
