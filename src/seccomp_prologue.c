/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The baseline's prologue (used by tools/gen-baseline.c only): everything
 * the baseline decides from the syscall number alone, plus the argument
 * checks of ioctl and socket, in front of the program libseccomp compiles
 * from the baseline's remaining (conditional) rules.
 *
 * Per architecture, the numbers form ranges (seccomp_ranges.c assembles
 * the search): the unconditional allowlist returns ALLOW, numbers above the
 * highest the profile names return ENOSYS (the ENOSYS prologue's rule,
 * seccomp_enosys.c), numbers some conditional rule names go on to the
 * compiled program, ioctl and socket go through their argument checks, and
 * every other number returns the default action at once, as the compiled
 * program would.
 *
 * libseccomp 2.5 cannot say "ioctl unless the request's low 32 bits are
 * TIOCSTI": it cannot AND two comparisons on one argument, and it drops a
 * conditional rule when an unconditional one exists for the same syscall.
 * Spelling the allowed values as aligned SCMP_CMP_MASKED_EQ blocks costs
 * dozens of instructions per architecture. So the baseline JSON allows
 * ioctl and socket unconditionally, and the checks here deny the few
 * values that must stay denied:
 *
 *	check:	ld <low 32 bits of the arg>; [jge bound -> eperm];
 *		jeq <value> -> eperm ...; else allow
 *
 * Only the low 32 bits are compared because the kernel declares both
 * arguments as int and reads nothing else: a check on the full 64-bit
 * register would let 0x1_00005412 through as TIOCSTI (CVE-2019-7303).
 * Classic BPF jumps are forward only, so the compiled program's jumps stay
 * valid, and it reloads what it needs (its first instruction loads arch).
 */
#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <linux/audit.h>
#include <linux/seccomp.h>

#include "ward/cleanup.h"
#include "seccomp_int.h"
#include "util.h"

/* x32 shares AUDIT_ARCH_X86_64 and marks its numbers with this bit. */
#define X32_SYSCALL_BIT 0x40000000u
/* How far to look for a direct syscall behind a libseccomp pseudo number. */
#define DIRECT_NR_SCAN 2048
#define MAX_DENIES 4
/* One per deny and byte order; the dispatch takes this many per arch. */
#define MAX_CHECKS (2 * MAX_DENIES)
_Static_assert(MAX_CHECKS <= WARD_NR_MAX_CHECKS, "checks per arch");
/*
 * The kernel builds its cache for numbers up to its own table's end, a
 * little above the highest the profile names: these weigh the ENOSYS range.
 */
#define ABOVE_MAX_WEIGHT 16

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

void
ward_seccomp_name_nrs(uint32_t arch, const char *name, int *nr, int *mux)
{
	int sys = seccomp_syscall_resolve_name_arch(arch, name);
	const char *via = NULL;

	*nr = sys >= 0 ? sys : -1;
	*mux = -1;
	/*
	 * libseccomp's pseudo numbers: from __PNR_socket down, the socket
	 * calls it multiplexes through socketcall; from __PNR_semop down, the
	 * SysV IPC calls, through ipc (on x86, and only where the arch has
	 * the multiplexer). Below -10000: a syscall the arch does not have.
	 */
	if (sys <= __PNR_socket && sys > __PNR_socket - 99)
		via = "socketcall";
	else if (sys <= __PNR_semop && sys > __PNR_semop - 99)
		via = "ipc";
	if (via == NULL)
		return;
	*nr = ward_seccomp_direct_nr(arch, name);
	*mux = seccomp_syscall_resolve_name_arch(arch, via);
	if (*mux < 0)
		*mux = -1;
}

/* The offset of args[arg]'s low 32 bits for the arch's byte order. */
static uint32_t
low_word(uint32_t arch, unsigned int arg)
{
	uint32_t off = (uint32_t)(offsetof(struct seccomp_data, args) +
				  arg * sizeof(uint64_t));

	return (arch & __AUDIT_ARCH_LE) ? off : off + 4;
}

/* A part of one audit arch's numbers that one libseccomp arch owns. */
struct space {
	const struct ward_nr_plan *plan;	/* NULL: not in the filter */
	uint32_t base, last;
	uint64_t weigh_to;		/* numbers above do not weigh */
	bool enosys;			/* x32 on a kernel without it */
	uint32_t checked[MAX_DENIES];	/* numbers with an argument check */
	size_t check[MAX_DENIES];	/* their index into group.checks */
	size_t n_checked;
};

struct group {
	uint32_t audit;
	struct space s[2];
	size_t n_s;
	struct ward_nr_check checks[MAX_CHECKS];
	size_t n_checks;
	struct ward_nr_range *r;
	size_t n;
};

static bool
has(const uint32_t *v, size_t n, uint32_t x)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid] == x)
			return true;
		if (v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static size_t
check_for(struct group *g, size_t deny, uint32_t off)
{
	for (size_t i = 0; i < g->n_checks; i++)
		if (g->checks[i].deny == &denies[deny] && g->checks[i].off == off)
			return i;
	g->checks[g->n_checks] = (struct ward_nr_check){ &denies[deny], off };
	return g->n_checks++;
}

/*
 * The space's numbers with an argument check. Each must be allowed, below
 * the cut-off and in the space, or its check would never run.
 */
static int
find_checks(struct group *g, struct space *s, struct ward_err *e)
{
	const struct ward_nr_plan *p = s->plan;

	for (size_t d = 0; p != NULL && !s->enosys && d < WARD_ARRAY_SIZE(denies); d++) {
		int nr = ward_seccomp_direct_nr(p->arch, denies[d].name);

		/* No such syscall on this arch: nothing to check. */
		if (nr < 0)
			continue;
		if (!has(p->allow, p->n_allow, (uint32_t)nr) || nr > p->max_nr ||
		    (uint32_t)nr < s->base || (uint32_t)nr > s->last)
			return ward_err_set(e, EINVAL,
					    "seccomp prologue: %s (%d) has an argument check but is not allowed",
					    denies[d].name, nr);
		for (size_t i = 0; i < s->n_checked; i++)
			if (s->checked[i] == (uint32_t)nr)
				return ward_err_set(e, EINVAL,
						    "seccomp prologue: %s shares number %d",
						    denies[d].name, nr);
		s->checked[s->n_checked] = (uint32_t)nr;
		s->check[s->n_checked++] = check_for(g, d, low_word(p->arch, denies[d].arg));
	}
	return 0;
}

/* Append a range, or extend the last one when the action is the same. */
static void
push(struct group *g, uint32_t first, enum ward_nr_action a, size_t check)
{
	struct ward_nr_range *last = g->n > 0 ? &g->r[g->n - 1] : NULL;

	if (last != NULL && last->action == a &&
	    (a != WARD_NR_CHECK || last->check == check))
		return;
	g->r[g->n++] = (struct ward_nr_range){ .first = first, .action = a,
					       .check = check };
}

static void
push_nr(struct group *g, const struct space *s, uint32_t nr)
{
	const struct ward_nr_plan *p = s->plan;

	for (size_t i = 0; i < s->n_checked; i++)
		if (s->checked[i] == nr) {
			push(g, nr, WARD_NR_CHECK, s->check[i]);
			return;
		}
	push(g, nr, has(p->allow, p->n_allow, nr) ? WARD_NR_ALLOW : WARD_NR_MAIN, 0);
}

/* The next number of v[] at or after *i that lies in [lo, hi]. */
static bool
next_in(const uint32_t *v, size_t n, size_t *i, uint64_t lo, uint64_t hi,
	uint64_t *out)
{
	while (*i < n && v[*i] < lo)
		(*i)++;
	if (*i == n || v[*i] > hi)
		return false;
	*out = v[*i];
	return true;
}

/* Each range's numbers in its spaces' [base, weigh_to], at least 1. */
static void
weigh(struct group *g)
{
	for (size_t i = 0; i < g->n; i++) {
		uint64_t lo = g->r[i].first, w = 0;
		uint64_t hi = i + 1 < g->n ? g->r[i + 1].first - 1ULL : UINT32_MAX;

		for (size_t k = 0; k < g->n_s; k++) {
			const struct space *s = &g->s[k];
			uint64_t a = lo > s->base ? lo : s->base;
			uint64_t b = hi < s->weigh_to ? hi : s->weigh_to;

			w += b >= a ? b - a + 1 : 0;
		}
		g->r[i].weight = w == 0 ? 1 : (uint32_t)(w < UINT32_MAX ? w : UINT32_MAX);
	}
}

/* Ranges for [s->base, s->last]: gaps below max get the default action. */
static void
fill_space(struct group *g, struct space *s)
{
	const struct ward_nr_plan *p = s->plan;
	size_t i = 0, j = 0;
	uint64_t cur = s->base, max, a, m, nr;
	bool has_a, has_m;

	if (s->enosys || p == NULL || p->max_nr < 0 ||
	    (uint32_t)p->max_nr < s->base) {
		push(g, s->base, s->enosys ? WARD_NR_ENOSYS : WARD_NR_MAIN, 0);
		s->weigh_to = s->base;
		return;
	}
	max = (uint32_t)p->max_nr < s->last ? (uint32_t)p->max_nr : s->last;
	s->weigh_to = max + ABOVE_MAX_WEIGHT;
	for (;;) {
		has_a = next_in(p->allow, p->n_allow, &i, cur, max, &a);
		has_m = next_in(p->main, p->n_main, &j, cur, max, &m);
		if (!has_a && !has_m)
			break;
		nr = !has_a ? m : !has_m ? a : a < m ? a : m;
		if (nr > cur)
			push(g, (uint32_t)cur, WARD_NR_DENY, 0);
		push_nr(g, s, (uint32_t)nr);
		cur = nr + 1;
	}
	if (cur <= max)
		push(g, (uint32_t)cur, WARD_NR_DENY, 0);
	if (max < s->last)
		push(g, (uint32_t)max + 1, WARD_NR_ENOSYS, 0);
}

static const struct ward_nr_plan *
plan_of(const struct ward_nr_plan *plans, size_t n, uint32_t arch)
{
	for (size_t i = 0; i < n; i++)
		if (plans[i].arch == arch)
			return &plans[i];
	return NULL;
}

/* x86_64 and x32 share AUDIT_ARCH_X86_64: x32 owns the numbers from bit 30. */
static void
x86_64_group(const struct ward_nr_plan *plans, size_t n, bool x32_enosys,
	     struct group *g)
{
	*g = (struct group){ .audit = AUDIT_ARCH_X86_64, .n_s = 2 };
	g->s[0] = (struct space){ .plan = plan_of(plans, n, SCMP_ARCH_X86_64),
				  .base = 0, .last = X32_SYSCALL_BIT - 1 };
	g->s[1] = (struct space){ .plan = plan_of(plans, n, SCMP_ARCH_X32),
				  .base = X32_SYSCALL_BIT, .last = UINT32_MAX,
				  .enosys = x32_enosys };
}

/* One group per audit arch, in the plans' order (native first). */
static int
make_groups(const struct ward_nr_plan *plans, size_t n, bool x32_enosys,
	    struct group *g, size_t *ng, struct ward_err *e)
{
	bool x86 = false;

	*ng = 0;
	if (n > WARD_SECCOMP_MAX_ARCHES)
		return ward_err_set(e, E2BIG, "seccomp prologue: too many architectures");
	if (x32_enosys && (plan_of(plans, n, SCMP_ARCH_X86_64) == NULL ||
			   plan_of(plans, n, SCMP_ARCH_X32) != NULL))
		return ward_err_set(e, EINVAL,
				    "seccomp prologue: x32 ENOSYS needs x86_64 without x32");
	for (size_t i = 0; i < n; i++) {
		uint32_t arch = plans[i].arch;

		if (plan_of(plans, i, arch) != NULL)
			return ward_err_set(e, EINVAL,
					    "seccomp prologue: architecture %#x twice", arch);
		if (arch != SCMP_ARCH_X86_64 && arch != SCMP_ARCH_X32)
			g[(*ng)++] = (struct group){
				.audit = arch, .n_s = 1,
				.s = { { .plan = &plans[i], .last = UINT32_MAX } },
			};
		else if (!x86)
			x86_64_group(plans, n, x32_enosys, &g[(*ng)++]);
		x86 |= arch == SCMP_ARCH_X86_64 || arch == SCMP_ARCH_X32;
	}
	return 0;
}

/* Room for a group's ranges: a gap and a number per listed number, and the ends. */
static size_t
group_cap(const struct group *g)
{
	size_t cap = 1;

	for (size_t k = 0; k < g->n_s; k++) {
		const struct ward_nr_plan *p = g->s[k].plan;

		cap += 3 + (p != NULL ? 2 * (p->n_allow + p->n_main) : 0);
	}
	return cap;
}

/* Fill every group's ranges; a group left wholly to main needs no map. */
static int
fill_groups(struct group *g, size_t ng, struct ward_nr_range *r,
	    struct ward_nr_map *maps, size_t *n_maps, struct ward_err *e)
{
	int ret = 0;

	*n_maps = 0;
	for (size_t i = 0; ret == 0 && i < ng; i++) {
		g[i].r = r;
		for (size_t k = 0; ret == 0 && k < g[i].n_s; k++)
			ret = find_checks(&g[i], &g[i].s[k], e);
		for (size_t k = 0; ret == 0 && k < g[i].n_s; k++)
			fill_space(&g[i], &g[i].s[k]);
		weigh(&g[i]);
		r += g[i].n;
		if (g[i].n == 1 && g[i].r[0].action == WARD_NR_MAIN)
			continue;
		maps[(*n_maps)++] = (struct ward_nr_map){
			.audit = g[i].audit, .ranges = g[i].r, .n = g[i].n,
			.checks = g[i].checks, .n_checks = g[i].n_checks,
		};
	}
	return ret;
}

int
ward_seccomp_baseline_prologue(const struct ward_nr_plan *plans,
			       size_t n_plans, bool x32_enosys, uint32_t deny,
			       struct sock_filter *out, size_t cap, size_t *n,
			       struct ward_err *e)
{
	struct group g[WARD_SECCOMP_MAX_ARCHES];
	struct ward_nr_map maps[WARD_SECCOMP_MAX_ARCHES];
	_cleanup_free_ struct ward_nr_range *r = NULL;
	size_t ng = 0, n_maps = 0, n_r = 0;
	int ret;

	*n = 0;
	ret = make_groups(plans, n_plans, x32_enosys, g, &ng, e);
	if (ret < 0 || ng == 0)
		return ret;
	for (size_t i = 0; i < ng; i++)
		n_r += group_cap(&g[i]);
	r = calloc(n_r, sizeof(*r));
	if (r == NULL)
		return ward_err_set(e, ENOMEM, "seccomp prologue");
	ret = fill_groups(g, ng, r, maps, &n_maps, e);
	if (ret == 0 && n_maps > 0)
		ret = ward_seccomp_dispatch(maps, n_maps, deny, out, cap, n, e);
	return ret;
}
