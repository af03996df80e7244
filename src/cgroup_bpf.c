/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
/*
 * The cgroup v2 device filter: a BPF_PROG_TYPE_CGROUP_DEVICE program built
 * by hand from the same rule list as v1's devices.allow/deny, and attached
 * with BPF_F_ALLOW_MULTI so programs of parent cgroups keep applying too (a
 * device is usable only when every program allows it).
 *
 * Semantics: the last matching rule wins, no match denies. A rule matches
 * an allow request when the requested access is a subset of the rule's,
 * and a deny when they overlap. This is v1's order-of-writes semantics,
 * except that a deny for a specific node also carves into an earlier
 * wildcard allow (v1 silently keeps the wildcard): stricter, never looser.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/bpf.h>

#include "ward/cleanup.h"
#include "cgroup_int.h"

/* The verifier accepts up to 1M instructions from root; stay modest. */
#define BPF_DEV_MAX_INSNS 65536

struct prog {
	struct bpf_insn *v;
	size_t n;
};

static void
emit(struct prog *p, uint8_t code, uint8_t dst, uint8_t src, int16_t off,
     int32_t imm)
{
	struct bpf_insn *i = &p->v[p->n++];

	memset(i, 0, sizeof(*i));
	i->code = code;
	i->dst_reg = dst & 0xf;
	i->src_reg = src & 0xf;
	i->off = off;
	i->imm = imm;
}

/* Instructions after the type test that can jump to the next rule. */
static size_t
rule_len(const struct ward_cgroup_dev *r)
{
	return (r->type != 'a') + (r->access != 7 ? 3 : 0) + (r->major >= 0) +
	       (r->minor >= 0) + 2;
}

/*
 * Registers after the prologue: r2 device type, r3 requested access,
 * r4 major, r5 minor (struct bpf_cgroup_dev_ctx, access_type split).
 */
static void
emit_rule(struct prog *p, const struct ward_cgroup_dev *r)
{
	size_t end = p->n + rule_len(r);
	uint8_t jmp32 = BPF_JMP32 | BPF_K;

	if (r->type != 'a')
		emit(p, jmp32 | BPF_JNE, 2, 0, (int16_t)(end - p->n - 1),
		     r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
	if (r->access != 7) {
		emit(p, BPF_ALU | BPF_MOV | BPF_X, 1, 3, 0, 0);
		/* allow: nothing requested outside the rule; deny: overlap. */
		emit(p, BPF_ALU | BPF_AND | BPF_K, 1, 0, 0,
		     (int32_t)(r->allow ? (~r->access & 7) : r->access));
		emit(p, jmp32 | (r->allow ? BPF_JNE : BPF_JEQ), 1, 0,
		     (int16_t)(end - p->n - 1), 0);
	}
	if (r->major >= 0)
		emit(p, jmp32 | BPF_JNE, 4, 0, (int16_t)(end - p->n - 1),
		     (int32_t)(uint32_t)r->major);
	if (r->minor >= 0)
		emit(p, jmp32 | BPF_JNE, 5, 0, (int16_t)(end - p->n - 1),
		     (int32_t)(uint32_t)r->minor);
	emit(p, BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, r->allow ? 1 : 0);
	emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

int
cg_bpf_build(const struct ward_cgroup_dev *r, size_t n, void **insns,
	     size_t *n_insns, struct ward_err *e)
{
	struct prog p = { NULL, 0 };
	size_t first = 0, total = 6 + 2;

	/* Rules before the last catch-all ('a', rwm) can never decide. */
	for (size_t i = 0; i < n; i++)
		if (r[i].type == 'a' && r[i].access == 7)
			first = i;
	for (size_t i = first; i < n; i++)
		total += rule_len(&r[i]);
	if (total > BPF_DEV_MAX_INSNS)
		return ward_err_set(e, E2BIG, "linux.resources.devices: too many "
				    "rules for a device program");
	p.v = calloc(total, sizeof(*p.v));
	if (p.v == NULL)
		return ward_err_set(e, ENOMEM, "device program");
	emit(&p, BPF_LDX | BPF_W | BPF_MEM, 2, 1, 0, 0);
	emit(&p, BPF_ALU | BPF_AND | BPF_K, 2, 0, 0, 0xffff);
	emit(&p, BPF_LDX | BPF_W | BPF_MEM, 3, 1, 0, 0);
	emit(&p, BPF_ALU | BPF_RSH | BPF_K, 3, 0, 0, 16);
	emit(&p, BPF_LDX | BPF_W | BPF_MEM, 4, 1, 4, 0);
	emit(&p, BPF_LDX | BPF_W | BPF_MEM, 5, 1, 8, 0);
	for (size_t i = n; i-- > first;)
		emit_rule(&p, &r[i]);
	/* The verifier refuses unreachable code: no default after a catch-all. */
	if (n == 0 || r[first].type != 'a' || r[first].access != 7) {
		emit(&p, BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0);
		emit(&p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	}
	*insns = p.v;
	*n_insns = p.n;
	return 0;
}

static int
prog_load(const void *insns, size_t n, char *log, size_t log_len)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.insns = (uint64_t)(uintptr_t)insns;
	a.insn_cnt = (uint32_t)n;
	a.license = (uint64_t)(uintptr_t)"Apache-2.0";
	if (log != NULL) {
		a.log_buf = (uint64_t)(uintptr_t)log;
		a.log_size = (uint32_t)log_len;
		a.log_level = 1;
	}
	/* bpf(2) fds are always close-on-exec. */
	return (int)syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof(a));
}

int
cg_bpf_attach(int cgroup_fd, const void *insns, size_t n_insns,
	      struct ward_err *e)
{
	_cleanup_close_ int prog = prog_load(insns, n_insns, NULL, 0);
	union bpf_attr a;

	if (prog < 0) {
		int err = errno;
		char log[4096] = "";
		int again = prog_load(insns, n_insns, log, sizeof(log));
		size_t l = strlen(log);

		if (again >= 0)
			close(again);
		/* The verifier's last words are the useful ones. */
		return ward_err_set(e, err, "load device BPF program: %s",
				    l > 160 ? log + l - 160 : log);
	}
	memset(&a, 0, sizeof(a));
	a.target_fd = (uint32_t)cgroup_fd;
	a.attach_bpf_fd = (uint32_t)prog;
	a.attach_type = BPF_CGROUP_DEVICE;
	a.attach_flags = BPF_F_ALLOW_MULTI;
	if (syscall(SYS_bpf, BPF_PROG_ATTACH, &a, sizeof(a)) < 0)
		return ward_err_set(e, errno, "attach device BPF program");
	return 0;
}
