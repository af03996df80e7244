/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Build-time compiler of the seccomp baseline:
 *
 *	gen-baseline config/baseline-seccomp.json build/gen/baseline_bpf.h
 *
 * The input is an OCI linux.seccomp object. It is read with the same parser
 * (ward_spec_parse) and compiled with the same compiler
 * (ward_seccomp_compile) as a config's own profile, twice: with every rule
 * (the CAP_SYS_PTRACE variant) and without the one rule that names "ptrace".
 * The output header holds both programs and the input's SHA-256, so a stale
 * header is obvious. Only src/seccomp_baseline.c includes it.
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
	fprintf(f, " */\n#ifndef WARD_BASELINE_BPF_H\n#define WARD_BASELINE_BPF_H\n\n");
	fprintf(f, "#include <linux/filter.h>\n\n");
	fprintf(f, "#define WARD_BASELINE_SOURCE_SHA256 \"%s\"\n", b->src_sha);
}

static int
emit(const struct baseline *b, const char *out, const struct ward_bpf *plain,
     const struct ward_bpf *ptrace, struct ward_err *e)
{
	FILE *f = fopen(out, "we");

	if (f == NULL)
		return ward_err_set(e, errno, "open %s", out);
	print_preamble(f, b);
	print_program(f, "ward_baseline_insns", plain);
	print_program(f, "ward_baseline_ptrace_insns", ptrace);
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
	struct ward_bpf plain = { 0 }, ptrace = { 0 };
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
	if (ret == 0)
		ret = ward_seccomp_compile(&b.plain, &plain, &e);
	if (ret == 0)
		ret = ward_seccomp_compile(b.prof, &ptrace, &e);
	if (ret == 0)
		ret = emit(&b, argv[2], &plain, &ptrace, &e);
	ward_bpf_free(&plain);
	ward_bpf_free(&ptrace);
	if (ret < 0) {
		ward_err_prefix(&e, "%s", argv[1]);
		fprintf(stderr, "gen-baseline: %s\n",
			ward_err_str(&e, msg, sizeof(msg)));
		return 1;
	}
	return 0;
}
