/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The baseline's number dispatch, assembled (used by tools/gen-baseline.c
 * through seccomp_prologue.c only):
 *
 *	ld arch; jeq <audit> -> group ...; else main
 *	group:	ld nr; a tree of "jge <first of a range>" whose leaves are
 *		the ranges' actions (behind a "jeq" for each single number
 *		of another action folded into the leaf)
 *		ret ALLOW; ret <default>; ret ERRNO(ENOSYS); the argument
 *		checks (ld the low word; jeq/jge -> ret ERRNO(EPERM); else
 *		ret ALLOW), each only when a leaf of this group needs it
 *	main:	the compiled program
 *
 * Why a tree of ranges: at load time the kernel runs the filter once for
 * every syscall number of the native and the compat arch to build its
 * constant-action cache (seccomp_cache_prepare), so every instruction on
 * the common path is paid about a thousand times per seccomp(2) call.
 * The allowlist is a few dozen runs of consecutive numbers; a search over
 * their boundaries is about eight instructions deep, where libseccomp's
 * tree compares one number at a time. The tree is balanced by the numbers
 * each range holds (weight), not by the count of ranges.
 *
 * Every instruction a number-only path runs (ld nr/arch, jeq/jge, ja,
 * ret) is one the kernel's cache builder can emulate, so allowed numbers
 * keep their cached "always allow" verdict.
 *
 * Classic BPF jumps go forward only, by an 8-bit offset for a conditional.
 * The program is built with labels and laid out until every conditional
 * reaches its targets; one that does not gets a JA trampoline right after
 * it (a rare extra instruction: the groups are small enough not to need
 * one on this build).
 */
#include <errno.h>
#include <stdlib.h>
#include <linux/seccomp.h>

#include "ward/cleanup.h"
#include "seccomp_int.h"
#include "util.h"

#define NO_LABEL ((size_t)-1)
#define MAX_OPS BPF_MAXINSNS
/* Labels: one per op at most, plus the pool and dispatch ones. */
#define MAX_LABELS (2 * BPF_MAXINSNS)

/* An instruction; JA appears only as a trampoline, added at layout. */
struct op {
	struct sock_filter f;
	size_t t, f_;			/* a conditional's labels: jt, jf */
	bool far_t, far_f;		/* reached through a JA trampoline */
};

struct prog {
	struct op *ops;
	size_t n;
	size_t *label;			/* label -> index of the op it names */
	size_t n_labels;
	size_t *pos;			/* op index -> position after layout */
	struct seg *segs;		/* a map's leaves, one map at a time */
	bool full;
};

/*
 * A leaf of the search: a range, and up to MAX_EXCEPTIONS single numbers
 * inside it with another action, tested by JEQ. Where an allowlist skips
 * one number, [A][x][A] would take two JGE in the tree; as A with the
 * exception x it takes one JEQ, run only by the numbers of that leaf.
 */
#define MAX_EXCEPTIONS 4
struct seg {
	const struct ward_nr_range *r;	/* the action of the rest */
	uint32_t first;
	uint64_t weight;
	const struct ward_nr_range *exc[MAX_EXCEPTIONS];
	size_t n_exc;
};

/*
 * An instruction costs a load about as much as 70 steps of the cache
 * builder (0.2 us against 2.7 ns here): an exception saves one, and costs
 * a step for each number of its leaf, so a leaf takes one more while its
 * weight times the JEQs its numbers run stays under this.
 */
#define EXCEPTION_BUDGET 96

/* The targets a group's leaves jump to; NO_LABEL until used. */
struct pool {
	size_t allow, deny, enosys, eperm, main;
	size_t check[WARD_NR_MAX_CHECKS];
	const struct ward_nr_map *m;
	const struct seg *s;
	uint32_t deny_ret;
};

static void
release_prog(struct prog *p)
{
	free(p->ops);
	free(p->label);
	free(p->pos);
	free(p->segs);
}

static size_t
new_label(struct prog *p)
{
	if (p->n_labels == MAX_LABELS) {
		p->full = true;
		return 0;
	}
	p->label[p->n_labels] = NO_LABEL;
	return p->n_labels++;
}

/* The label names the next op emitted (or the end: main). */
static void
bind(struct prog *p, size_t l)
{
	p->label[l] = p->n;
}

static size_t
bound_here(struct prog *p)
{
	size_t l = new_label(p);

	bind(p, l);
	return l;
}

static size_t
emit(struct prog *p, struct sock_filter f, size_t t, size_t fl)
{
	if (p->n == MAX_OPS) {
		p->full = true;
		return 0;
	}
	p->ops[p->n] = (struct op){ .f = f, .t = t, .f_ = fl };
	return p->n++;
}

static void
emit_ld(struct prog *p, uint32_t off)
{
	emit(p, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, off),
	     NO_LABEL, NO_LABEL);
}

static void
emit_ret(struct prog *p, uint32_t k)
{
	emit(p, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, k), NO_LABEL,
	     NO_LABEL);
}

static size_t
emit_jmp(struct prog *p, uint16_t op, uint32_t k, size_t t, size_t fl)
{
	return emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | op | BPF_K, k, 0, 0),
		    t, fl);
}

static bool
is_cond(const struct op *o)
{
	return BPF_CLASS(o->f.code) == BPF_JMP;
}

/* Positions, counting trampolines; the total length is pos[n]. */
static void
layout(struct prog *p)
{
	size_t at = 0;

	for (size_t i = 0; i < p->n; i++) {
		p->pos[i] = at;
		at += 1 + p->ops[i].far_t + p->ops[i].far_f;
	}
	p->pos[p->n] = at;
}

static size_t
target(const struct prog *p, size_t l)
{
	return p->pos[p->label[l]];
}

/*
 * Lay out until every conditional reaches its targets: one that does not
 * gets a JA after it for that branch. Each branch gains one at most, so
 * this ends.
 */
static int
relax(struct prog *p, struct ward_err *e)
{
	bool changed = true;

	while (changed) {
		changed = false;
		layout(p);
		for (size_t i = 0; i < p->n; i++) {
			struct op *o = &p->ops[i];

			if (!is_cond(o))
				continue;
			if (!o->far_t && target(p, o->t) - p->pos[i] - 1 > 255)
				o->far_t = changed = true;
			if (!o->far_f && target(p, o->f_) - p->pos[i] - 1 > 255)
				o->far_f = changed = true;
		}
	}
	if (p->pos[p->n] > BPF_MAXINSNS)
		return ward_err_set(e, E2BIG, "seccomp dispatch: %zu instructions",
				    p->pos[p->n]);
	return 0;
}

/* Every label bound, every jump forward. */
static int
check_labels(const struct prog *p, struct ward_err *e)
{
	for (size_t l = 0; l < p->n_labels; l++)
		if (p->label[l] == NO_LABEL)
			return ward_err_set(e, EINVAL, "seccomp dispatch: label %zu unbound", l);
	for (size_t i = 0; i < p->n; i++) {
		const struct op *o = &p->ops[i];

		if (is_cond(o) && (p->label[o->t] <= i || p->label[o->f_] <= i))
			return ward_err_set(e, EINVAL, "seccomp dispatch: op %zu jumps back", i);
	}
	return 0;
}

static struct sock_filter
ja(size_t from, size_t to)
{
	return (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA,
					    (uint32_t)(to - from - 1), 0, 0);
}

static void
write_out(const struct prog *p, struct sock_filter *out)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct op *o = &p->ops[i];
		size_t at = p->pos[i], tramp = at + 1;

		out[at] = o->f;
		if (!is_cond(o))
			continue;
		if (o->far_t) {
			out[tramp] = ja(tramp, target(p, o->t));
			out[at].jt = (uint8_t)(tramp++ - at - 1);
		} else {
			out[at].jt = (uint8_t)(target(p, o->t) - at - 1);
		}
		if (o->far_f) {
			out[tramp] = ja(tramp, target(p, o->f_));
			out[at].jf = (uint8_t)(tramp - at - 1);
		} else {
			out[at].jf = (uint8_t)(target(p, o->f_) - at - 1);
		}
	}
}

/* The label a leaf jumps to, created on first use. */
static size_t
leaf(struct prog *p, struct pool *pl, const struct ward_nr_range *r)
{
	size_t *l;

	switch (r->action) {
	case WARD_NR_ALLOW: l = &pl->allow; break;
	case WARD_NR_DENY: l = &pl->deny; break;
	case WARD_NR_ENOSYS: l = &pl->enosys; break;
	case WARD_NR_CHECK: l = &pl->check[r->check]; break;
	default: return pl->main;
	}
	if (*l == NO_LABEL)
		*l = new_label(p);
	return *l;
}

static bool
same_action(const struct ward_nr_range *a, const struct ward_nr_range *b)
{
	return a->action == b->action &&
	       (a->action != WARD_NR_CHECK || a->check == b->check);
}

/* The map's leaves: ranges, with single numbers folded in as exceptions. */
static size_t
make_segs(const struct ward_nr_map *m, struct seg *s)
{
	size_t n = 0;

	for (size_t i = 0; i < m->n; i++) {
		const struct ward_nr_range *r = &m->ranges[i];
		struct seg *base = n >= 2 ? &s[n - 2] : NULL, *x = n >= 1 ? &s[n - 1] : NULL;

		if (base != NULL && x->n_exc == 0 && r->first - x->first == 1 &&
		    same_action(base->r, r) && base->n_exc < MAX_EXCEPTIONS &&
		    (base->weight + x->weight + r->weight) * (base->n_exc + 1) <=
			    EXCEPTION_BUDGET) {
			base->exc[base->n_exc++] = x->r;
			base->weight += x->weight + r->weight;
			n--;
			continue;
		}
		s[n++] = (struct seg){ .r = r, .first = r->first, .weight = r->weight };
	}
	return n;
}

/* Where to split s[lo..hi): the left side's weight nearest half. */
static size_t
split(const struct seg *s, size_t lo, size_t hi)
{
	int64_t total = 0, left = (int64_t)s[lo].weight;
	size_t k = lo + 1;

	for (size_t i = lo; i < hi; i++)
		total += (int64_t)s[i].weight;
	while (k + 1 < hi &&
	       llabs(2 * (left + (int64_t)s[k].weight) - total) < llabs(2 * left - total))
		left += (int64_t)s[k++].weight;
	return k;
}

/* A leaf: its action's label, behind a JEQ per exception. */
static size_t
seg_leaf(struct prog *p, struct pool *pl, const struct seg *s)
{
	size_t self, next;

	if (s->n_exc == 0)
		return leaf(p, pl, s->r);
	self = bound_here(p);
	for (size_t i = 0; i < s->n_exc; i++) {
		next = i + 1 == s->n_exc ? leaf(p, pl, s->r) : new_label(p);
		emit_jmp(p, BPF_JEQ, s->exc[i]->first, leaf(p, pl, s->exc[i]), next);
		if (i + 1 < s->n_exc)
			bind(p, next);
	}
	return self;
}

/* The subtree for s[lo..hi), in preorder: its root's label. */
static size_t
tree(struct prog *p, struct pool *pl, size_t lo, size_t hi)
{
	size_t k, node, self, t, f;

	if (hi - lo == 1)
		return seg_leaf(p, pl, &pl->s[lo]);
	k = split(pl->s, lo, hi);
	self = bound_here(p);
	node = emit_jmp(p, BPF_JGE, pl->s[k].first, NO_LABEL, NO_LABEL);
	f = tree(p, pl, lo, k);
	t = tree(p, pl, k, hi);
	if (!p->full) {
		p->ops[node].t = t;
		p->ops[node].f_ = f;
	}
	return self;
}

/* ld the low word; the deny values -> eperm; anything else -> allow. */
static void
emit_check(struct prog *p, struct pool *pl, const struct ward_nr_check *c)
{
	const struct ward_seccomp_argdeny *d = c->deny;
	size_t from = d->deny_from != 0, n = from + d->n_eq;

	if (pl->allow == NO_LABEL)
		pl->allow = new_label(p);
	/* With an EPERM default, the default's return serves both. */
	if (pl->eperm == NO_LABEL && pl->deny_ret == (SECCOMP_RET_ERRNO | EPERM))
		pl->eperm = pl->deny = pl->deny == NO_LABEL ? new_label(p) : pl->deny;
	else if (pl->eperm == NO_LABEL)
		pl->eperm = new_label(p);
	emit_ld(p, c->off);
	for (size_t j = 0; j < n; j++) {
		size_t next = j + 1 == n ? pl->allow : new_label(p);

		if (j < from)
			emit_jmp(p, BPF_JGE, d->deny_from, pl->eperm, next);
		else
			emit_jmp(p, BPF_JEQ, d->eq[j - from], pl->eperm, next);
		if (j + 1 < n)
			bind(p, next);
	}
}

static void
emit_ret_at(struct prog *p, size_t l, uint32_t k)
{
	if (l == NO_LABEL)
		return;
	bind(p, l);
	emit_ret(p, k);
}

/* The group's checks and returns, the ones its leaves use. */
static void
emit_pool(struct prog *p, struct pool *pl)
{
	for (size_t c = 0; c < pl->m->n_checks; c++) {
		if (pl->check[c] == NO_LABEL)
			continue;
		bind(p, pl->check[c]);
		emit_check(p, pl, &pl->m->checks[c]);
	}
	emit_ret_at(p, pl->allow, SECCOMP_RET_ALLOW);
	emit_ret_at(p, pl->deny, pl->deny_ret);
	if (pl->eperm != pl->deny)
		emit_ret_at(p, pl->eperm, SECCOMP_RET_ERRNO | EPERM);
	emit_ret_at(p, pl->enosys, SECCOMP_RET_ERRNO | ENOSYS);
}

/* ld nr and the tree (none for a single range); the label to enter by. */
static size_t
emit_group(struct prog *p, const struct ward_nr_map *m, size_t main,
	   uint32_t deny)
{
	struct pool pl = { NO_LABEL, NO_LABEL, NO_LABEL, NO_LABEL, main,
			   { 0 }, m, p->segs, deny };
	size_t entry, n = make_segs(m, p->segs);

	for (size_t c = 0; c < WARD_ARRAY_SIZE(pl.check); c++)
		pl.check[c] = NO_LABEL;
	if (n == 1 && p->segs[0].n_exc == 0) {
		entry = leaf(p, &pl, p->segs[0].r);
	} else {
		entry = bound_here(p);
		emit_ld(p, offsetof(struct seccomp_data, nr));
		tree(p, &pl, 0, n);
	}
	emit_pool(p, &pl);
	return entry;
}

static int
check_maps(const struct ward_nr_map *maps, size_t n_maps, struct ward_err *e)
{
	for (size_t i = 0; i < n_maps; i++) {
		const struct ward_nr_map *m = &maps[i];

		if (m->n == 0 || m->ranges[0].first != 0 ||
		    m->n_checks > WARD_NR_MAX_CHECKS)
			return ward_err_set(e, EINVAL, "seccomp dispatch: map %zu", i);
		for (size_t j = 0; j < m->n; j++) {
			const struct ward_nr_range *r = &m->ranges[j];

			if ((j > 0 && r->first <= m->ranges[j - 1].first) ||
			    r->action > WARD_NR_CHECK ||
			    (r->action == WARD_NR_CHECK && r->check >= m->n_checks))
				return ward_err_set(e, EINVAL,
						    "seccomp dispatch: map %zu range %zu",
						    i, j);
		}
	}
	return 0;
}

static int
assemble(struct prog *p, const struct ward_nr_map *maps, size_t n_maps,
	 uint32_t deny, struct ward_err *e)
{
	size_t entry[WARD_SECCOMP_MAX_ARCHES], jeq[WARD_SECCOMP_MAX_ARCHES];
	size_t main = new_label(p);

	if (n_maps > WARD_SECCOMP_MAX_ARCHES)
		return ward_err_set(e, E2BIG, "seccomp dispatch: too many architectures");
	emit_ld(p, offsetof(struct seccomp_data, arch));
	for (size_t i = 0; i < n_maps; i++) {
		size_t next = i + 1 == n_maps ? main : new_label(p);

		jeq[i] = emit_jmp(p, BPF_JEQ, maps[i].audit, NO_LABEL, next);
		if (i + 1 < n_maps)
			bind(p, next);
	}
	for (size_t i = 0; i < n_maps; i++)
		entry[i] = emit_group(p, &maps[i], main, deny);
	bind(p, main);
	if (p->full)
		return ward_err_set(e, E2BIG, "seccomp dispatch: too many instructions");
	for (size_t i = 0; i < n_maps; i++)
		p->ops[jeq[i]].t = entry[i];
	return 0;
}

int
ward_seccomp_dispatch(const struct ward_nr_map *maps, size_t n_maps,
		      uint32_t deny, struct sock_filter *out, size_t cap,
		      size_t *n, struct ward_err *e)
{
	__attribute__((cleanup(release_prog))) struct prog p = {
		.ops = calloc(MAX_OPS, sizeof(*p.ops)),
		.label = calloc(MAX_LABELS, sizeof(*p.label)),
		.pos = calloc(MAX_OPS + 1, sizeof(*p.pos)),
	};

	size_t most = 0;
	int ret;

	*n = 0;
	ret = check_maps(maps, n_maps, e);
	/* Nothing to dispatch: everything goes to main. */
	if (ret < 0 || n_maps == 0)
		return ret;
	for (size_t i = 0; i < n_maps; i++)
		most = maps[i].n > most ? maps[i].n : most;
	p.segs = calloc(most, sizeof(*p.segs));
	if (p.ops == NULL || p.label == NULL || p.pos == NULL || p.segs == NULL)
		return ward_err_set(e, ENOMEM, "seccomp dispatch");
	ret = assemble(&p, maps, n_maps, deny, e);
	if (ret == 0)
		ret = check_labels(&p, e);
	if (ret == 0)
		ret = relax(&p, e);
	if (ret < 0)
		return ret;
	if (p.pos[p.n] > cap)
		return ward_err_set(e, E2BIG, "seccomp dispatch: %zu instructions, room for %zu",
				    p.pos[p.n], cap);
	write_out(&p, out);
	*n = p.pos[p.n];
	return 0;
}

static bool
known_op(const struct sock_filter *i)
{
	switch (i->code) {
	case BPF_LD | BPF_W | BPF_ABS:
		return i->k % 4 == 0 && i->k < sizeof(struct seccomp_data);
	case BPF_ALU | BPF_AND | BPF_K:
	case BPF_JMP | BPF_JA:
	case BPF_JMP | BPF_JEQ | BPF_K:
	case BPF_JMP | BPF_JGT | BPF_K:
	case BPF_JMP | BPF_JGE | BPF_K:
	case BPF_JMP | BPF_JSET | BPF_K:
	case BPF_RET | BPF_K:
		return true;
	default:
		return false;
	}
}

bool
ward_seccomp_bpf_sound(const struct sock_filter *f, size_t n)
{
	if (n == 0 || n > BPF_MAXINSNS)
		return false;
	for (size_t i = 0; i < n; i++) {
		size_t left = n - i - 1;	/* instructions after this one */

		if (!known_op(&f[i]))
			return false;
		if (f[i].code == (BPF_RET | BPF_K))
			continue;
		if (f[i].code == (BPF_JMP | BPF_JA)) {
			if (f[i].k >= left)
				return false;
		} else if (BPF_CLASS(f[i].code) == BPF_JMP) {
			if (f[i].jt >= left || f[i].jf >= left)
				return false;
		} else if (left == 0) {
			return false;	/* would run off the end */
		}
	}
	return true;
}
