/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Build-time compiler of the seccomp baseline:
 *
 *	gen-baseline config/baseline-seccomp.json build/gen/baseline_bpf.h
 *
 * The input is an OCI linux.seccomp object, read with the same parser
 * (ward_spec_parse) as a config's own profile. It is built in up to four
 * variants: with every rule (the CAP_SYS_PTRACE variant) or without the one
 * rule that names "ptrace"; and, on x86_64, with SCMP_ARCH_X32 or without it
 * (for kernels that have no x32 ABI).
 *
 * Each variant is split in two. The unconditional SCMP_ACT_ALLOW rules
 * become, per architecture, sorted ranges of syscall numbers searched by
 * the prologue (seccomp_prologue.c, seccomp_ranges.c), which also answers
 * ENOSYS above the highest number the profile names, returns the default
 * action for the numbers no rule names, and checks ioctl's and socket's
 * arguments. The other rules (with arguments, or another action) are
 * compiled by ward_seccomp_compile, the compiler of every config profile;
 * the prologue sends the numbers they name there. A seccomp(2) load costs
 * about 2.5 us per instruction on the common path (the kernel runs the
 * filter for every syscall number to build its cache), and libseccomp's
 * tree tests one number at a time, so the allowlist is the part to take
 * out of it.
 *
 * The split keeps libseccomp's verdicts: it drops a conditional rule on a
 * syscall an unconditional rule names (so an allowed name leaves the
 * conditional rules), and multiplexes the x86 socket and SysV IPC calls
 * (so their direct numbers are allowed, and the multiplexer must be). The
 * unit tests compare every verdict with the program built before the split.
 * The JSON must allow ioctl and socket unconditionally (checked here, so
 * the JSON and the argument checks cannot drift). The output header holds
 * the programs and the input's SHA-256, so a stale header is obvious. Only
 * src/seccomp_baseline.c includes it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/seccomp.h>

#include "ward/cleanup.h"
#include "ward/ward.h"
#include "seccomp_int.h"
#include "spec.h"
#include "util.h"

#define BASELINE_MAX_BYTES (1u << 20)

struct baseline {
	const char *src_path;
	char src_sha[WARD_SHA256_HEX_LEN];
	struct ward_spec *spec;
	struct ward_seccomp *prof;	/* every rule: the ptrace variant */
	struct ward_seccomp plain;	/* the same minus the ptrace rule */
	bool has_x32;			/* x86_64 with SCMP_ARCH_X32 listed */
	char **nox32;			/* the architectures minus x32 */
	size_t n_nox32;
	uint32_t deny;			/* the default action's return value */
};

/* One variant, split: the allowlist's numbers per arch, and the rest. */
struct split {
	struct ward_seccomp p;		/* the variant's whole profile */
	struct ward_seccomp cond;	/* what libseccomp still compiles */
	uint32_t arches[WARD_SECCOMP_MAX_ARCHES];
	struct ward_nr_plan plans[WARD_SECCOMP_MAX_ARCHES];
	size_t n_arches;
};

static const struct variant {
	const char *name;
	bool x32;
	bool ptrace;
} variants[] = {
	{ "ward_baseline_insns", true, false },
	{ "ward_baseline_ptrace_insns", true, true },
	{ "ward_baseline_nox32_insns", false, false },
	{ "ward_baseline_nox32_ptrace_insns", false, true },
};

static void
release_spec(struct ward_spec **s)
{
	if (*s != NULL)
		ward_spec_free(*s);
}

/* Which architectures a kernel of the native one can report. */
static bool
native_family(uint32_t arch)
{
	static const uint32_t families[][3] = {
		{ SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32 },
		{ SCMP_ARCH_AARCH64, SCMP_ARCH_ARM, 0 },
	};
	uint32_t native = seccomp_arch_native();

	if (arch == native)
		return true;
	for (size_t f = 0; f < WARD_ARRAY_SIZE(families); f++) {
		if (families[f][0] != native)
			continue;
		for (size_t i = 1; i < WARD_ARRAY_SIZE(families[f]); i++)
			if (families[f][i] != 0 && families[f][i] == arch)
				return true;
	}
	return false;
}

/* The file lists every family (as Docker's does); keep the native one. */
static int
keep_native_arches(struct ward_spec *s, struct ward_seccomp *p,
		   struct ward_err *e)
{
	char **keep = ward_spec_alloc(s, (p->n_architectures + 1) * sizeof(*keep));
	size_t n = 0;

	if (keep == NULL)
		return ward_err_set(e, ENOMEM, "architectures");
	for (size_t i = 0; i < p->n_architectures; i++) {
		uint32_t tok = ward_seccomp_arch_token(p->architectures[i]);

		if (tok == 0)
			return ward_err_set(e, EINVAL,
					    "architectures[%zu]: unknown architecture \"%s\"",
					    i, p->architectures[i]);
		if (native_family(tok))
			keep[n++] = p->architectures[i];
	}
	p->architectures = keep;
	p->n_architectures = n;
	return 0;
}

static bool
rule_names(const struct ward_seccomp_rule *r, const char *name)
{
	for (size_t j = 0; j < r->n_names; j++)
		if (strcmp(r->names[j], name) == 0)
			return true;
	return false;
}

/*
 * The CAP_SYS_PTRACE rule is the one rule naming ptrace: an unconditional
 * allow, whose names no other allow rule repeats (or the variant without it
 * would still allow them).
 */
static int
find_ptrace_rule(const struct ward_seccomp *p, size_t *at, struct ward_err *e)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n_syscalls; i++)
		if (rule_names(&p->syscalls[i], "ptrace"))
			*at = i, n++;
	if (n != 1)
		return ward_err_set(e, EINVAL,
				    "syscalls: %zu rules name ptrace, need exactly one",
				    n);
	if (strcmp(p->syscalls[*at].action, "SCMP_ACT_ALLOW") != 0 ||
	    p->syscalls[*at].n_args != 0)
		return ward_err_set(e, EINVAL,
				    "syscalls[%zu]: the ptrace rule must be an unconditional SCMP_ACT_ALLOW",
				    *at);
	for (size_t i = 0; i < p->n_syscalls; i++) {
		const struct ward_seccomp_rule *r = &p->syscalls[i];

		for (size_t j = 0; i != *at && j < r->n_names; j++)
			if (rule_names(&p->syscalls[*at], r->names[j]) &&
			    strcmp(r->action, "SCMP_ACT_ALLOW") == 0)
				return ward_err_set(e, EINVAL,
						    "syscalls[%zu]: %s is also in the ptrace rule",
						    i, r->names[j]);
	}
	return 0;
}

static int
without_rule(struct ward_spec *s, const struct ward_seccomp *p, size_t skip,
	     struct ward_seccomp *out, struct ward_err *e)
{
	struct ward_seccomp_rule *v = ward_spec_alloc(s, p->n_syscalls * sizeof(*v));
	size_t n = 0;

	if (v == NULL)
		return ward_err_set(e, ENOMEM, "syscalls");
	for (size_t i = 0; i < p->n_syscalls; i++)
		if (i != skip)
			v[n++] = p->syscalls[i];
	*out = *p;
	out->syscalls = v;
	out->n_syscalls = n;
	return 0;
}

/*
 * The prologue decides ioctl's and socket's arguments, so every rule naming
 * them must be an unconditional allow: an argument condition here would be
 * a second, diverging copy of the deny list (and libseccomp would drop it
 * next to the unconditional rule anyway).
 */
static int
check_prologue_rules(const struct ward_seccomp *p, struct ward_err *e)
{
	size_t n_denies;
	const struct ward_seccomp_argdeny *d = ward_seccomp_argdenies(&n_denies);

	for (size_t k = 0; k < n_denies; k++) {
		size_t n = 0;

		for (size_t i = 0; i < p->n_syscalls; i++) {
			const struct ward_seccomp_rule *r = &p->syscalls[i];

			if (!rule_names(r, d[k].name))
				continue;
			if (strcmp(r->action, "SCMP_ACT_ALLOW") != 0 ||
			    r->n_args != 0)
				return ward_err_set(e, EINVAL,
						    "syscalls[%zu]: %s must be an unconditional SCMP_ACT_ALLOW (gen-baseline's prologue checks its arguments)",
						    i, d[k].name);
			n++;
		}
		if (n == 0)
			return ward_err_set(e, EINVAL,
					    "syscalls: no rule allows %s, whose arguments the prologue checks",
					    d[k].name);
	}
	return 0;
}

/*
 * The prologue answers ENOSYS and the default itself, which only makes
 * sense under an errno default (as in ward_seccomp_compile).
 */
static int
default_deny(const struct ward_seccomp *p, uint32_t *deny, struct ward_err *e)
{
	uint32_t no = p->has_default_errno_ret ? p->default_errno_ret : EPERM;

	if (p->default_action == NULL ||
	    strcmp(p->default_action, "SCMP_ACT_ERRNO") != 0 || no > 4095)
		return ward_err_set(e, EINVAL,
				    "defaultAction: the baseline needs SCMP_ACT_ERRNO with an errno");
	*deny = SECCOMP_RET_ERRNO | no;
	return 0;
}

/* On x86_64, the architectures without x32, for kernels that lack it. */
static int
split_x32(struct baseline *b, struct ward_err *e)
{
	const struct ward_seccomp *p = b->prof;

	b->nox32 = ward_spec_alloc(b->spec, (p->n_architectures + 1) *
						    sizeof(*b->nox32));
	if (b->nox32 == NULL)
		return ward_err_set(e, ENOMEM, "architectures");
	for (size_t i = 0; i < p->n_architectures; i++) {
		if (ward_seccomp_arch_token(p->architectures[i]) == SCMP_ARCH_X32)
			b->has_x32 = true;
		else
			b->nox32[b->n_nox32++] = p->architectures[i];
	}
	b->has_x32 &= seccomp_arch_native() == SCMP_ARCH_X86_64;
	return 0;
}

static int
load(struct baseline *b, struct ward_err *e)
{
	_cleanup_free_ char *buf = NULL, *doc = NULL;
	uint8_t sha[WARD_SHA256_LEN];
	size_t len, at = 0;
	int n, ret;

	ret = ward_read_file(b->src_path, BASELINE_MAX_BYTES, &buf, &len, e);
	if (ret < 0)
		return ret;
	ward_sha256(buf, len, sha);
	ward_sha256_hex(sha, b->src_sha);
	/* The file is the seccomp object alone; wrap it as a config. */
	n = asprintf(&doc, "{\"ociVersion\":\"1.0.2\",\"linux\":{\"seccomp\":%s}}",
		     buf);
	if (n < 0)
		return ward_err_set(e, ENOMEM, "%s", b->src_path);
	ret = ward_spec_parse(doc, (size_t)n, &b->spec, e);
	if (ret < 0)
		return ret;
	b->prof = b->spec->linux.seccomp;
	if (b->prof == NULL)
		return ward_err_set(e, EINVAL, "no seccomp object");
	ret = keep_native_arches(b->spec, b->prof, e);
	if (ret == 0)
		ret = find_ptrace_rule(b->prof, &at, e);
	if (ret == 0)
		ret = without_rule(b->spec, b->prof, at, &b->plain, e);
	if (ret == 0)
		ret = check_prologue_rules(b->prof, e);
	if (ret == 0)
		ret = split_x32(b, e);
	if (ret == 0)
		ret = default_deny(b->prof, &b->deny, e);
	return ret;
}

/* The tokens of p's architectures as the compiler adds them: native first. */
static int
arch_tokens(struct split *sp, struct ward_err *e)
{
	const struct ward_seccomp *p = &sp->p;

	sp->arches[0] = seccomp_arch_native();
	sp->n_arches = 1;
	for (size_t i = 0; i < p->n_architectures; i++) {
		uint32_t tok = ward_seccomp_arch_token(p->architectures[i]);
		bool seen = false;

		for (size_t j = 0; j < sp->n_arches; j++)
			seen |= sp->arches[j] == tok;
		if (seen)
			continue;
		if (sp->n_arches == WARD_SECCOMP_MAX_ARCHES)
			return ward_err_set(e, E2BIG, "architectures: too many");
		sp->arches[sp->n_arches++] = tok;
	}
	return 0;
}

static bool
allow_rule(const struct ward_seccomp_rule *r)
{
	return strcmp(r->action, "SCMP_ACT_ALLOW") == 0 && r->n_args == 0;
}

static bool
allowed_name(const struct ward_seccomp *p, const char *name)
{
	for (size_t i = 0; i < p->n_syscalls; i++)
		if (allow_rule(&p->syscalls[i]) && rule_names(&p->syscalls[i], name))
			return true;
	return false;
}

/*
 * The rules libseccomp still compiles: those with arguments or another
 * action. libseccomp drops a conditional rule on a syscall that an
 * unconditional rule names, so an allowed name leaves them, verdict
 * unchanged. Of two unconditional rules it keeps the first added: an
 * allowed name in an unconditional rule with another action would make
 * the verdict hang on the order, and is refused.
 */
static int
conditional_rules(struct ward_spec *s, struct split *sp, struct ward_err *e)
{
	const struct ward_seccomp *p = &sp->p;
	struct ward_seccomp_rule *v = ward_spec_alloc(s, (p->n_syscalls + 1) * sizeof(*v));
	size_t n = 0;

	if (v == NULL)
		return ward_err_set(e, ENOMEM, "syscalls");
	for (size_t i = 0; i < p->n_syscalls; i++) {
		const struct ward_seccomp_rule *r = &p->syscalls[i];
		char **names;
		size_t k = 0;

		if (allow_rule(r))
			continue;
		names = ward_spec_alloc(s, (r->n_names + 1) * sizeof(*names));
		if (names == NULL)
			return ward_err_set(e, ENOMEM, "syscalls[%zu]", i);
		for (size_t j = 0; j < r->n_names; j++) {
			if (!allowed_name(p, r->names[j]))
				names[k++] = r->names[j];
			else if (r->n_args == 0)
				return ward_err_set(e, EINVAL,
						    "syscalls[%zu]: %s is allowed unconditionally by another rule",
						    i, r->names[j]);
		}
		if (k == 0)
			continue;
		v[n] = *r;
		v[n].names = names;
		v[n++].n_names = k;
	}
	sp->cond = *p;
	sp->cond.syscalls = v;
	sp->cond.n_syscalls = n;
	return 0;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Sort and drop repeats. */
static size_t
set_of(uint32_t *v, size_t n)
{
	size_t k = 0;

	qsort(v, n, sizeof(*v), cmp_u32);
	for (size_t i = 0; i < n; i++)
		if (k == 0 || v[k - 1] != v[i])
			v[k++] = v[i];
	return k;
}

/*
 * The numbers libseccomp filters for the names of p's allow rules (allow)
 * or of its other rules. A multiplexer (socketcall or ipc on x86) goes in
 * mux[] for an allow rule, as it must be allowed itself for the split to
 * keep the verdicts, and in nrs[] for the others.
 */
static void
rule_nrs(const struct ward_seccomp *p, bool allow, uint32_t arch,
	 uint32_t *nrs, size_t *n, uint32_t *mux, size_t *n_mux)
{
	for (size_t i = 0; i < p->n_syscalls; i++) {
		const struct ward_seccomp_rule *r = &p->syscalls[i];

		for (size_t j = 0; allow_rule(r) == allow && j < r->n_names; j++) {
			int nr, m;

			ward_seccomp_name_nrs(arch, r->names[j], &nr, &m);
			if (nr >= 0)
				nrs[(*n)++] = (uint32_t)nr;
			if (m >= 0 && allow)
				mux[(*n_mux)++] = (uint32_t)m;
			else if (m >= 0)
				nrs[(*n)++] = (uint32_t)m;
		}
	}
}

static size_t
count_names(const struct ward_seccomp *p)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n_syscalls; i++)
		n += p->syscalls[i].n_names;
	return n;
}

/* Arch a's plan: allowed numbers, the compiled rules' numbers, cut-off. */
static int
plan_arch(struct ward_spec *s, struct split *sp, size_t a, struct ward_err *e)
{
	uint32_t arch = sp->arches[a];
	size_t cap = 2 * count_names(&sp->p) + 1;
	size_t n_allow = 0, n_main = 0, n_mux = 0;
	uint32_t *allow = ward_spec_alloc(s, cap * sizeof(*allow));
	uint32_t *main = ward_spec_alloc(s, cap * sizeof(*main));
	uint32_t *mux = ward_spec_alloc(s, cap * sizeof(*mux));

	if (allow == NULL || main == NULL || mux == NULL)
		return ward_err_set(e, ENOMEM, "syscall numbers");
	rule_nrs(&sp->p, true, arch, allow, &n_allow, mux, &n_mux);
	rule_nrs(&sp->cond, false, arch, main, &n_main, mux, &n_mux);
	n_allow = set_of(allow, n_allow);
	n_main = set_of(main, n_main);
	for (size_t i = 0; i < n_mux; i++)
		if (bsearch(&mux[i], allow, n_allow, sizeof(*allow), cmp_u32) == NULL)
			return ward_err_set(e, EINVAL,
					    "arch %#x: allowed calls are multiplexed through syscall %u, which is not allowed",
					    arch, mux[i]);
	sp->plans[a] = (struct ward_nr_plan){
		.arch = arch, .allow = allow, .n_allow = n_allow,
		.main = main, .n_main = n_main,
		.max_nr = ward_seccomp_max_nr(&sp->p, arch),
	};
	return 0;
}

/* Variant v's profile, its conditional rules and its per-arch plans. */
static int
split_variant(const struct baseline *b, const struct variant *v,
	      struct split *sp, struct ward_err *e)
{
	int ret;

	*sp = (struct split){ .p = v->ptrace ? *b->prof : b->plain };
	if (!v->x32) {
		sp->p.architectures = b->nox32;
		sp->p.n_architectures = b->n_nox32;
	}
	ret = arch_tokens(sp, e);
	if (ret == 0)
		ret = conditional_rules(b->spec, sp, e);
	for (size_t a = 0; ret == 0 && a < sp->n_arches; a++)
		ret = plan_arch(b->spec, sp, a, e);
	return ret;
}

/*
 * ward_seccomp_compile put its ENOSYS prologue in front, with cut-offs
 * from the conditional rules alone; the dispatch already answers ENOSYS
 * with the whole profile's, so it goes (checked, not assumed).
 */
static int
enosys_len(const struct split *sp, const struct ward_bpf *body, size_t *n,
	   struct ward_err *e)
{
	struct sock_filter pro[WARD_SECCOMP_PROLOGUE_MAX];
	int ret = ward_seccomp_enosys_prologue(&sp->cond, sp->arches,
					       sp->n_arches, pro, n, e);

	if (ret < 0)
		return ret;
	if (*n >= body->len || memcmp(body->insns, pro, *n * sizeof(*pro)) != 0)
		return ward_err_set(e, EINVAL,
				    "the compiled program does not start with its ENOSYS prologue");
	return 0;
}

/* One variant: the number dispatch, then the conditional rules compiled. */
static int
build(const struct baseline *b, const struct variant *v, struct ward_bpf *out,
      struct ward_err *e)
{
	_cleanup_free_ struct sock_filter *all = malloc(BPF_MAXINSNS * sizeof(*all));
	struct ward_bpf body = { 0 };
	size_t n_pro = 0, skip = 0;
	struct split sp;
	int ret;

	if (all == NULL)
		return ward_err_set(e, ENOMEM, "%s", v->name);
	ret = split_variant(b, v, &sp, e);
	if (ret == 0)
		ret = ward_seccomp_baseline_prologue(sp.plans, sp.n_arches,
						     !v->x32 && b->has_x32, b->deny,
						     all, BPF_MAXINSNS, &n_pro, e);
	if (ret == 0)
		ret = ward_seccomp_compile(&sp.cond, &body, e);
	if (ret == 0)
		ret = enosys_len(&sp, &body, &skip, e);
	if (ret == 0 && n_pro + body.len - skip > BPF_MAXINSNS)
		ret = ward_err_set(e, E2BIG, "%s: %zu instructions", v->name,
				   n_pro + body.len - skip);
	if (ret == 0) {
		memcpy(all + n_pro, body.insns + skip,
		       (body.len - skip) * sizeof(*all));
		n_pro += body.len - skip;
		if (!ward_seccomp_bpf_sound(all, n_pro))
			ret = ward_err_set(e, EINVAL, "%s: not a sound program", v->name);
	}
	ward_bpf_free(&body);
	if (ret == 0)
		*out = (struct ward_bpf){ .insns = take_ptr(&all),
					  .len = (unsigned short)n_pro, .owned = true };
	return ret;
}

static void
print_program(FILE *f, const char *name, const struct ward_bpf *p)
{
	fprintf(f, "\n/* %u instructions */\nstatic const struct sock_filter %s[] = {\n",
		p->len, name);
	for (unsigned i = 0; i < p->len; i++)
		fprintf(f, "\t{ 0x%04x, %3u, %3u, 0x%08x },\n", p->insns[i].code,
			p->insns[i].jt, p->insns[i].jf, p->insns[i].k);
	fprintf(f, "};\n");
}

/* The prologue's deny list, as a reader of the header should see it. */
static void
print_denies(FILE *f)
{
	size_t n;
	const struct ward_seccomp_argdeny *d = ward_seccomp_argdenies(&n);

	fprintf(f, "/* argument checks: EPERM when the low 32 bits of");
	for (size_t k = 0; k < n; k++) {
		fprintf(f, "%s %s arg %u are", k > 0 ? ";" : "", d[k].name,
			d[k].arg);
		for (size_t i = 0; i < d[k].n_eq; i++)
			fprintf(f, "%s %#x", i > 0 ? " or" : "", d[k].eq[i]);
		if (d[k].deny_from != 0)
			fprintf(f, " or >= %#x", d[k].deny_from);
	}
	fprintf(f, " */\n");
}

static const char *
arch_name(const struct ward_seccomp *p, uint32_t arch)
{
	for (size_t i = 0; i < p->n_architectures; i++)
		if (ward_seccomp_arch_token(p->architectures[i]) == arch)
			return p->architectures[i];
	return "native";
}

/* A sorted set of numbers as runs: " 0-55 57 ..." (x32's minus bit 30). */
static void
print_runs(FILE *f, const uint32_t *v, size_t n)
{
	for (size_t i = 0, j; i < n; i = j) {
		uint32_t bias = v[i] & 0x40000000u;

		for (j = i + 1; j < n && v[j] == v[j - 1] + 1; j++)
			;
		if (j - i == 1)
			fprintf(f, " %u", v[i] - bias);
		else
			fprintf(f, " %u-%u", v[i] - bias, v[j - 1] - bias);
	}
}

static bool
named_before(const struct ward_seccomp *p, size_t i, const char *name)
{
	for (size_t k = 0; k < i; k++)
		if (rule_names(&p->syscalls[k], name))
			return true;
	return false;
}

/* How the split came out, for the variant without ptrace. */
static void
print_split(FILE *f, const struct split *sp, const struct ward_seccomp *all)
{
	fprintf(f, "/* Each program: ld arch; per architecture, ld nr and a search over ranges\n"
		   " * of numbers: allowed (RET ALLOW), named by no rule (RET the default),\n"
		   " * above the highest named (RET ENOSYS), ioctl and socket (argument\n"
		   " * checks), or named by a conditional rule: those go on to the program\n"
		   " * libseccomp compiled from the conditional rules, which follows.\n"
		   " * Allowed unconditionally (x32: minus 0x40000000), without ptrace: */\n");
	for (size_t a = 0; a < sp->n_arches; a++) {
		fprintf(f, "/* %s:", arch_name(&sp->p, sp->arches[a]));
		print_runs(f, sp->plans[a].allow, sp->plans[a].n_allow);
		fprintf(f, " */\n");
	}
	fprintf(f, "/* the ptrace variant also allows:");
	for (size_t i = 0; i < all->n_syscalls; i++)
		for (size_t j = 0; rule_names(&all->syscalls[i], "ptrace") &&
				   j < all->syscalls[i].n_names; j++)
			fprintf(f, " %s", all->syscalls[i].names[j]);
	fprintf(f, " */\n/* compiled by libseccomp (conditional rules):");
	for (size_t i = 0; i < sp->cond.n_syscalls; i++)
		for (size_t j = 0; j < sp->cond.syscalls[i].n_names; j++)
			if (!named_before(&sp->cond, i, sp->cond.syscalls[i].names[j]))
				fprintf(f, " %s", sp->cond.syscalls[i].names[j]);
	fprintf(f, " */\n");
}

/* The facts a reader of the header needs to judge it. */
static void
print_preamble(FILE *f, const struct baseline *b, const struct split *sp)
{
	const struct scmp_version *v = seccomp_version();
	const struct ward_seccomp *p = b->prof;

	fprintf(f, "/* Generated by gen-baseline from %s: do not edit. */\n",
		b->src_path);
	fprintf(f, "/* source sha256: %s */\n", b->src_sha);
	fprintf(f, "/* ward %s, libseccomp %u.%u.%u */\n", WARD_VERSION,
		v->major, v->minor, v->micro);
	fprintf(f, "/* ENOSYS above the highest syscall named:");
	for (size_t i = 0; i < p->n_architectures; i++)
		fprintf(f, " %s %d", p->architectures[i],
			ward_seccomp_max_nr(p, ward_seccomp_arch_token(p->architectures[i])));
	fprintf(f, " */\n/* unknown to this libseccomp, so denied (EPERM):");
	for (size_t i = 0; i < p->n_syscalls; i++)
		for (size_t j = 0; j < p->syscalls[i].n_names; j++)
			if (seccomp_syscall_resolve_name(p->syscalls[i].names[j]) ==
			    __NR_SCMP_ERROR)
				fprintf(f, " %s", p->syscalls[i].names[j]);
	fprintf(f, " */\n");
	print_denies(f);
	print_split(f, sp, b->prof);
	fprintf(f, "#ifndef WARD_BASELINE_BPF_H\n#define WARD_BASELINE_BPF_H\n\n");
	fprintf(f, "#include <linux/filter.h>\n\n");
	fprintf(f, "#define WARD_BASELINE_SOURCE_SHA256 \"%s\"\n", b->src_sha);
	/* 1: the ward_baseline_nox32_* programs exist (x86_64 only). */
	fprintf(f, "#define WARD_BASELINE_NOX32 %d\n", b->has_x32 ? 1 : 0);
}

static size_t
n_variants(const struct baseline *b)
{
	return b->has_x32 ? WARD_ARRAY_SIZE(variants) : 2;
}

static int
emit(const struct baseline *b, const char *out, const struct ward_bpf *progs,
     struct ward_err *e)
{
	struct split sp;
	FILE *f;
	int ret = split_variant(b, &variants[0], &sp, e);

	if (ret < 0)
		return ret;
	f = fopen(out, "we");
	if (f == NULL)
		return ward_err_set(e, errno, "open %s", out);
	print_preamble(f, b, &sp);
	for (size_t i = 0; i < n_variants(b); i++)
		print_program(f, variants[i].name, &progs[i]);
	fprintf(f, "\n#endif\n");
	if (ferror(f)) {
		fclose(f);
		return ward_err_set(e, EIO, "write %s", out);
	}
	if (fclose(f) != 0)
		return ward_err_set(e, errno, "close %s", out);
	return 0;
}

int
main(int argc, char **argv)
{
	__attribute__((cleanup(release_spec))) struct ward_spec *spec = NULL;
	struct ward_bpf progs[WARD_ARRAY_SIZE(variants)] = { 0 };
	struct baseline b = { 0 };
	struct ward_err e = { 0 };
	char msg[512];
	int ret;

	if (argc != 3) {
		fprintf(stderr, "usage: %s BASELINE.json OUT.h\n", argv[0]);
		return 2;
	}
	b.src_path = argv[1];
	ret = load(&b, &e);
	spec = b.spec;
	for (size_t i = 0; ret == 0 && i < n_variants(&b); i++)
		ret = build(&b, &variants[i], &progs[i], &e);
	if (ret == 0)
		ret = emit(&b, argv[2], progs, &e);
	for (size_t i = 0; i < WARD_ARRAY_SIZE(progs); i++)
		ward_bpf_free(&progs[i]);
	if (ret < 0) {
		ward_err_prefix(&e, "%s", argv[1]);
		fprintf(stderr, "gen-baseline: %s\n",
			ward_err_str(&e, msg, sizeof(msg)));
		return 1;
	}
	return 0;
}
