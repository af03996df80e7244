/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The baseline's argument prologue (used by tools/gen-baseline.c only).
 *
 * libseccomp 2.5 cannot say "ioctl unless the request's low 32 bits are
 * TIOCSTI": it cannot AND two comparisons on one argument, and it drops a
 * conditional rule when an unconditional one exists for the same syscall.
 * Spelling the allowed values as aligned SCMP_CMP_MASKED_EQ blocks costs
 * dozens of instructions per architecture, and every instruction is paid on
 * each seccomp(2) load. So the baseline JSON allows ioctl and socket
 * unconditionally, and this hand-written block, put in front of the
 * compiled program, denies the few values that must stay denied:
 *
 *	ld arch; jeq <audit arch> -> group ...; else main
 *	group:	ld nr; [jge 0x40000000 -> enosys]; jeq <nr> -> check ...;
 *		else main
 *	check:	ld <low 32 bits of the arg>; [jge bound -> eperm];
 *		jeq <value> -> eperm ...; else main
 *	eperm:	ret ERRNO(EPERM)	(the baseline's default)
 *	enosys:	ret ERRNO(ENOSYS)	(only with x32_enosys)
 *	main:	the compiled program, unchanged
 *
 * Only the low 32 bits are compared because the kernel declares both
 * arguments as int and reads nothing else: a check on the full 64-bit
 * register would let 0x1_00005412 through as TIOCSTI (CVE-2019-7303).
 * Classic BPF jumps are forward only, so the compiled program's jumps stay
 * valid, and it reloads what it needs (its first instruction loads arch).
 * Every instruction here is one the kernel's constant-action cache can
 * emulate (ld nr/arch, jeq/jge, ret), so syscalls this block passes to the
 * compiled program keep their cached "always allow" verdicts.
 */
#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <linux/audit.h>
#include <linux/seccomp.h>

#include "seccomp_int.h"
#include "util.h"

/* x32 shares AUDIT_ARCH_X86_64 and marks its numbers with this bit. */
#define X32_SYSCALL_BIT 0x40000000u
/* How far to look for a direct syscall behind a libseccomp pseudo number. */
#define DIRECT_NR_SCAN 2048
#define MAX_GROUPS WARD_SECCOMP_MAX_ARCHES
#define MAX_DENIES 4
#define MAX_CHECKS (2 * MAX_DENIES)	/* one per deny and byte order */
#define MAX_ENTRIES (2 * MAX_DENIES)	/* per group: x86_64 and x32 share one */

/*
 * The values the baseline denies. The kernel reads both arguments as int,
 * so these are compared with the low 32 bits only. gen-baseline requires
 * the JSON to allow these syscalls unconditionally, so that this table is
 * the one place their arguments are decided.
 */
static const struct ward_seccomp_argdeny denies[] = {
	/* TIOCSTI fakes terminal input; TIOCLINUX reaches the console. */
	{ "ioctl", 1, { 0x5412, 0x541c }, 2, 0 },
	/*
	 * AF_ALG (38) and AF_VSOCK (40) reach host kernel surfaces;
	 * families >= 64 do not exist (AF_MAX is 46): deny them before a
	 * future kernel gives them a meaning.
	 */
	{ "socket", 0, { 38, 40 }, 2, 64 },
};
_Static_assert(WARD_ARRAY_SIZE(denies) <= MAX_DENIES, "too many denies");

struct entry {
	uint32_t nr;
	size_t check;			/* index into layout.c[] */
};

struct group {
	uint32_t audit;			/* seccomp_data.arch */
	bool x32_enosys;
	size_t n;
	struct entry e[MAX_ENTRIES];
	size_t start;
};

struct check {
	size_t deny;			/* index into denies[] */
	uint32_t off;			/* offset of the arg's low word */
	size_t start;
};

struct layout {
	struct group g[MAX_GROUPS];
	struct check c[MAX_CHECKS];
	size_t ng, nc, eperm, enosys, len;
};

const struct ward_seccomp_argdeny *
ward_seccomp_argdenies(size_t *n)
{
	*n = WARD_ARRAY_SIZE(denies);
	return denies;
}

int
ward_seccomp_direct_nr(uint32_t arch, const char *name)
{
	int nr = seccomp_syscall_resolve_name_arch(arch, name);

	if (nr >= 0 || nr == __NR_SCMP_ERROR)
		return nr >= 0 ? nr : -1;
	/*
	 * A pseudo number: libseccomp multiplexes the name (socket through
	 * socketcall on x86) but still knows the direct syscall when there
	 * is one (i386 socket is 359 since Linux 4.3), and it filters that
	 * number too; find it by name in the arch's table.
	 */
	for (int i = 0; i < DIRECT_NR_SCAN; i++) {
		char *s = seccomp_syscall_resolve_num_arch(arch, i);
		bool same = s != NULL && strcmp(s, name) == 0;

		free(s);
		if (same)
			return i;
	}
	return -1;
}

/* The offset of args[arg]'s low 32 bits for the arch's byte order. */
static uint32_t
low_word(uint32_t arch, unsigned int arg)
{
	uint32_t off = (uint32_t)(offsetof(struct seccomp_data, args) +
				  arg * sizeof(uint64_t));

	return (arch & __AUDIT_ARCH_LE) ? off : off + 4;
}

static size_t
check_for(struct layout *l, size_t deny, uint32_t off)
{
	for (size_t i = 0; i < l->nc; i++)
		if (l->c[i].deny == deny && l->c[i].off == off)
			return i;
	l->c[l->nc] = (struct check){ deny, off, 0 };
	return l->nc++;
}

static struct group *
find_group(struct layout *l, uint32_t audit)
{
	for (size_t i = 0; i < l->ng; i++)
		if (l->g[i].audit == audit)
			return &l->g[i];
	return NULL;
}

static struct group *
group_for(struct layout *l, uint32_t audit)
{
	struct group *g = find_group(l, audit);

	if (g != NULL)
		return g;
	if (l->ng == MAX_GROUPS)
		return NULL;
	l->g[l->ng] = (struct group){ .audit = audit };
	return &l->g[l->ng++];
}

static bool
listed_before(const uint32_t *arches, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (arches[j] == arches[i])
			return true;
	return false;
}

/* One architecture's syscall numbers to check. */
static int
add_arch(struct layout *l, uint32_t arch, struct ward_err *e)
{
	/* x32 reports AUDIT_ARCH_X86_64, its numbers marked by bit 30. */
	struct group *g = group_for(l, arch == SCMP_ARCH_X32 ? AUDIT_ARCH_X86_64
							   : arch);

	if (g == NULL)
		return ward_err_set(e, E2BIG, "seccomp prologue: too many architectures");
	for (size_t d = 0; d < WARD_ARRAY_SIZE(denies); d++) {
		int nr = ward_seccomp_direct_nr(arch, denies[d].name);

		/* No such syscall on this arch: nothing to check. */
		if (nr < 0)
			continue;
		for (size_t i = 0; i < g->n; i++)
			if (g->e[i].nr == (uint32_t)nr)
				return ward_err_set(e, EINVAL,
						    "seccomp prologue: %s shares number %d",
						    denies[d].name, nr);
		if (g->n == MAX_ENTRIES || l->nc == WARD_ARRAY_SIZE(l->c))
			return ward_err_set(e, E2BIG, "seccomp prologue: too many checks");
		g->e[g->n++] = (struct entry){
			(uint32_t)nr, check_for(l, d, low_word(arch, denies[d].arg))
		};
	}
	return 0;
}

/* Where each block goes; groups with nothing to do are dropped. */
static int
place(struct layout *l, struct ward_err *e)
{
	size_t at, kept = 0;
	bool enosys = false;

	for (size_t i = 0; i < l->ng; i++)
		if (l->g[i].n > 0 || l->g[i].x32_enosys)
			l->g[kept++] = l->g[i];
	l->ng = kept;
	at = l->ng + 1;
	for (size_t i = 0; i < l->ng; i++) {
		l->g[i].start = at;
		at += 1 + (l->g[i].x32_enosys ? 1 : 0) + l->g[i].n;
		enosys |= l->g[i].x32_enosys;
	}
	for (size_t i = 0; i < l->nc; i++) {
		const struct ward_seccomp_argdeny *d = &denies[l->c[i].deny];

		l->c[i].start = at;
		at += 1 + (d->deny_from != 0 ? 1 : 0) + d->n_eq;
	}
	l->eperm = at++;
	l->enosys = at;
	l->len = enosys ? at + 1 : at;
	/* Conditional jumps reach 255 instructions at most. */
	if (l->len > 255 || l->len > WARD_SECCOMP_PROLOGUE_MAX)
		return ward_err_set(e, E2BIG, "seccomp prologue too long");
	return 0;
}

static struct sock_filter
ld(uint32_t off)
{
	return (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, off);
}

/* A conditional jump at at: to t when true, to f when false. */
static struct sock_filter
jmp(uint16_t op, uint32_t k, size_t at, size_t t, size_t f)
{
	return (struct sock_filter)BPF_JUMP(BPF_JMP | op | BPF_K, k,
					    (uint8_t)(t - at - 1),
					    (uint8_t)(f - at - 1));
}

/*
 * ld nr, then one comparison per check; the last one's false branch goes
 * straight to main. The kernel runs this path for every syscall number
 * when it builds its constant-action cache at load time, so each
 * instruction on it costs about as much as ten elsewhere.
 */
static void
emit_group(const struct layout *l, const struct group *g,
	   struct sock_filter *out)
{
	size_t at = g->start, last = g->start + (g->x32_enosys ? 1 : 0) + g->n;

	out[at] = ld(offsetof(struct seccomp_data, nr));
	at++;
	if (g->x32_enosys) {
		out[at] = jmp(BPF_JGE, X32_SYSCALL_BIT, at, l->enosys,
			      at == last ? l->len : at + 1);
		at++;
	}
	for (size_t i = 0; i < g->n; i++, at++)
		out[at] = jmp(BPF_JEQ, g->e[i].nr, at, l->c[g->e[i].check].start,
			      at == last ? l->len : at + 1);
}

static void
emit_check(const struct layout *l, const struct check *c,
	   struct sock_filter *out)
{
	const struct ward_seccomp_argdeny *d = &denies[c->deny];
	size_t at = c->start, last = c->start + (d->deny_from != 0) + d->n_eq;

	out[at] = ld(c->off);
	at++;
	if (d->deny_from != 0) {
		out[at] = jmp(BPF_JGE, d->deny_from, at, l->eperm,
			      at == last ? l->len : at + 1);
		at++;
	}
	for (size_t i = 0; i < d->n_eq; i++, at++)
		out[at] = jmp(BPF_JEQ, d->eq[i], at, l->eperm,
			      at == last ? l->len : at + 1);
}

int
ward_seccomp_arg_prologue(const uint32_t *arches, size_t n_arches,
			  bool x32_enosys, struct sock_filter *out, size_t *n,
			  struct ward_err *e)
{
	struct layout l = { 0 };
	struct group *x86_64;
	bool has_x32 = false;
	int ret = 0;

	*n = 0;
	for (size_t i = 0; ret == 0 && i < n_arches; i++) {
		has_x32 |= arches[i] == SCMP_ARCH_X32;
		if (!listed_before(arches, i))
			ret = add_arch(&l, arches[i], e);
	}
	if (ret < 0)
		return ret;
	if (x32_enosys) {
		/* Only for a filter without x32, on x86_64. */
		x86_64 = find_group(&l, AUDIT_ARCH_X86_64);
		if (x86_64 == NULL || has_x32)
			return ward_err_set(e, EINVAL,
					    "seccomp prologue: x32 ENOSYS needs x86_64 without x32");
		x86_64->x32_enosys = true;
	}
	ret = place(&l, e);
	if (ret < 0 || l.ng == 0)
		return ret;
	out[0] = ld(offsetof(struct seccomp_data, arch));
	/* Other architectures go straight to main (and its bad-arch action). */
	for (size_t i = 0; i < l.ng; i++)
		out[1 + i] = jmp(BPF_JEQ, l.g[i].audit, 1 + i, l.g[i].start,
				 i + 1 == l.ng ? l.len : 2 + i);
	for (size_t i = 0; i < l.ng; i++)
		emit_group(&l, &l.g[i], out);
	for (size_t i = 0; i < l.nc; i++)
		emit_check(&l, &l.c[i], out);
	out[l.eperm] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
						    SECCOMP_RET_ERRNO | EPERM);
	if (l.len > l.enosys)
		out[l.enosys] = (struct sock_filter)BPF_STMT(
			BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
	*n = l.len;
	return 0;
}
