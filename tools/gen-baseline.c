/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Build-time compiler of the seccomp baseline:
 *
 *	gen-baseline config/baseline-seccomp.json build/gen/baseline_bpf.h
 *
 * The input is an OCI linux.seccomp object. It is read with the same parser
 * (ward_spec_parse) and compiled with the same compiler
 * (ward_seccomp_compile) as a config's own profile, in up to four variants:
 * with every rule (the CAP_SYS_PTRACE variant) or without the one rule that
 * names "ptrace"; and, on x86_64, with SCMP_ARCH_X32 or without it (for
 * kernels that have no x32 ABI: about 380 instructions fewer). In front of
 * each program goes the argument prologue (seccomp_prologue.c), which
 * denies ioctl's TIOCSTI/TIOCLINUX and socket's AF_ALG/AF_VSOCK/>= 64 far
 * more cheaply than libseccomp could; the JSON must therefore allow ioctl
 * and socket unconditionally, which is checked here so the two cannot
 * drift. The output header holds the programs and the input's SHA-256, so
 * a stale header is obvious. Only src/seccomp_baseline.c includes it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	return ret;
}

/* The tokens of p's architectures, native first (the compiler adds it). */
static int
arch_tokens(const struct ward_seccomp *p, uint32_t *out, size_t *n,
	    struct ward_err *e)
{
	if (p->n_architectures + 1 > WARD_SECCOMP_MAX_ARCHES)
		return ward_err_set(e, E2BIG, "architectures: too many");
	out[0] = seccomp_arch_native();
	for (size_t i = 0; i < p->n_architectures; i++)
		out[i + 1] = ward_seccomp_arch_token(p->architectures[i]);
	*n = p->n_architectures + 1;
	return 0;
}

/* One variant: the argument prologue, then the compiled profile. */
static int
build(const struct baseline *b, const struct variant *v, struct ward_bpf *out,
      struct ward_err *e)
{
	struct ward_seccomp p = v->ptrace ? *b->prof : b->plain;
	struct sock_filter pro[WARD_SECCOMP_PROLOGUE_MAX];
	uint32_t arches[WARD_SECCOMP_MAX_ARCHES];
	struct ward_bpf body = { 0 };
	size_t n_pro = 0, n_arches = 0;
	int ret;

	if (!v->x32) {
		p.architectures = b->nox32;
		p.n_architectures = b->n_nox32;
	}
	ret = ward_seccomp_compile(&p, &body, e);
	if (ret == 0)
		ret = arch_tokens(&p, arches, &n_arches, e);
	if (ret == 0)
		ret = ward_seccomp_arg_prologue(arches, n_arches,
						!v->x32 && b->has_x32, pro,
						&n_pro, e);
	if (ret == 0 && n_pro + body.len > BPF_MAXINSNS)
		ret = ward_err_set(e, E2BIG, "%s: %zu instructions", v->name,
				   n_pro + body.len);
	if (ret == 0) {
		out->insns = malloc((n_pro + body.len) * sizeof(*out->insns));
		if (out->insns == NULL)
			ret = ward_err_set(e, ENOMEM, "%s", v->name);
	}
	if (ret == 0) {
		memcpy(out->insns, pro, n_pro * sizeof(*pro));
		memcpy(out->insns + n_pro, body.insns,
		       body.len * sizeof(*body.insns));
		out->len = (unsigned short)(n_pro + body.len);
		out->owned = true;
	}
	ward_bpf_free(&body);
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

	fprintf(f, "/* prologue: EPERM when the low 32 bits of");
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

/* The facts a reader of the header needs to judge it. */
static void
print_preamble(FILE *f, const struct baseline *b)
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
	FILE *f = fopen(out, "we");

	if (f == NULL)
		return ward_err_set(e, errno, "open %s", out);
	print_preamble(f, b);
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
