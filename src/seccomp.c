/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linux.seccomp to BPF with libseccomp, in the parent; the child only calls
 * seccomp(2) with the result (ward_seccomp_load).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/seccomp.h>

#include "ward/cleanup.h"
#include "log.h"
#include "seccomp_int.h"
#include "util.h"

#if SCMP_VER_MAJOR < 2 || (SCMP_VER_MAJOR == 2 && SCMP_VER_MINOR < 5)
#error "ward needs libseccomp >= 2.5 (binary-tree optimisation, KILL_PROCESS)"
#endif

#define JSON_PATH_LEN 96

#define _cleanup_ctx_ __attribute__((cleanup(release_ctx)))

enum act_data {
	ACT_NO_DATA,
	ACT_ERRNO,			/* errnoRet is an errno, default EPERM */
	ACT_TRACE,			/* errnoRet is the tracer's message */
};

static const struct {
	const char *name;
	uint32_t action;
	enum act_data data;
} actions[] = {
	{ "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW, ACT_NO_DATA },
	{ "SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0), ACT_ERRNO },
	{ "SCMP_ACT_KILL", SCMP_ACT_KILL, ACT_NO_DATA },
	{ "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD, ACT_NO_DATA },
	{ "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS, ACT_NO_DATA },
	{ "SCMP_ACT_TRAP", SCMP_ACT_TRAP, ACT_NO_DATA },
	{ "SCMP_ACT_TRACE", SCMP_ACT_TRACE(0), ACT_TRACE },
	{ "SCMP_ACT_LOG", SCMP_ACT_LOG, ACT_NO_DATA },
};

static const struct {
	const char *name;
	enum scmp_compare op;
} ops[] = {
	{ "SCMP_CMP_NE", SCMP_CMP_NE },
	{ "SCMP_CMP_LT", SCMP_CMP_LT },
	{ "SCMP_CMP_LE", SCMP_CMP_LE },
	{ "SCMP_CMP_EQ", SCMP_CMP_EQ },
	{ "SCMP_CMP_GE", SCMP_CMP_GE },
	{ "SCMP_CMP_GT", SCMP_CMP_GT },
	{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
};

static const struct {
	const char *name;
	unsigned int flag;
} flag_names[] = {
	{ "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },
	{ "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },
};

/*
 * An action name plus its errnoRet to a libseccomp action. act_path and
 * ret_path are the JSON paths of the two fields, for messages.
 */
static int
action_value(const char *name, bool has_ret, uint32_t ret,
	     const char *act_path, const char *ret_path, uint32_t *out,
	     struct ward_err *e)
{
	if (name != NULL && strcmp(name, "SCMP_ACT_NOTIFY") == 0)
		/* A listener needs fd passing ward does not implement. */
		return ward_err_set(e, EOPNOTSUPP,
				    "%s: SCMP_ACT_NOTIFY is not supported",
				    act_path);
	for (size_t i = 0; name != NULL && i < WARD_ARRAY_SIZE(actions); i++) {
		if (strcmp(name, actions[i].name) != 0)
			continue;
		switch (actions[i].data) {
		case ACT_NO_DATA:
			if (has_ret)
				return ward_err_set(e, EINVAL,
						    "%s: not used by %s",
						    ret_path, name);
			*out = actions[i].action;
			return 0;
		case ACT_ERRNO:
			/* The kernel caps SECCOMP_RET_ERRNO data at MAX_ERRNO. */
			if (has_ret && ret > 4095)
				return ward_err_set(e, ERANGE,
						    "%s: %u is not an errno",
						    ret_path, ret);
			*out = SCMP_ACT_ERRNO(has_ret ? ret : EPERM);
			return 0;
		case ACT_TRACE:
			if (has_ret && ret > 0xffff)
				return ward_err_set(e, ERANGE,
						    "%s: %u does not fit in 16 bits",
						    ret_path, ret);
			*out = SCMP_ACT_TRACE(has_ret ? ret : EPERM);
			return 0;
		}
	}
	return ward_err_set(e, EINVAL, "%s: unknown action \"%s\"", act_path,
			    name != NULL ? name : "");
}

uint32_t
ward_seccomp_arch_token(const char *name)
{
	static const char prefix[] = "SCMP_ARCH_";
	char lower[32];
	size_t n = 0;

	if (!ward_str_has_prefix(name, prefix))
		return 0;
	for (const char *p = name + sizeof(prefix) - 1; *p; p++) {
		if (!(isupper((unsigned char)*p) || isdigit((unsigned char)*p) ||
		      *p == '_') || n + 1 >= sizeof(lower))
			return 0;
		lower[n++] = (char)tolower((unsigned char)*p);
	}
	lower[n] = '\0';
	return n > 0 ? seccomp_arch_resolve_name(lower) : 0;
}

static void
release_ctx(scmp_filter_ctx *ctx)
{
	if (*ctx != NULL)
		seccomp_release(*ctx);
}

static bool
has_arch(const uint32_t *v, size_t n, uint32_t arch)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == arch)
			return true;
	return false;
}

/* Add the profile's architectures; arches[] collects every one in the filter. */
static int
add_arches(scmp_filter_ctx ctx, const struct ward_seccomp *p, uint32_t *arches,
	   size_t *n_arches, struct ward_err *e)
{
	arches[0] = seccomp_arch_native();
	*n_arches = 1;
	for (size_t i = 0; i < p->n_architectures; i++) {
		uint32_t tok = ward_seccomp_arch_token(p->architectures[i]);
		int ret;

		if (tok == 0)
			return ward_err_set(e, EINVAL,
					    "linux.seccomp.architectures[%zu]: unknown architecture \"%s\"",
					    i, p->architectures[i]);
		if (has_arch(arches, *n_arches, tok))
			continue;
		ret = seccomp_arch_add(ctx, tok);
		if (ret < 0 && ret != -EEXIST)
			return ward_err_set(e, -ret,
					    "linux.seccomp.architectures[%zu]: adding %s",
					    i, p->architectures[i]);
		if (*n_arches >= WARD_SECCOMP_MAX_ARCHES)
			return ward_err_set(e, E2BIG,
					    "linux.seccomp.architectures: too many");
		arches[(*n_arches)++] = tok;
	}
	return 0;
}

static int
rule_args(const struct ward_seccomp_rule *r, size_t i, struct scmp_arg_cmp *cmp,
	  struct ward_err *e)
{
	if (r->n_args > 6)
		return ward_err_set(e, E2BIG,
				    "linux.seccomp.syscalls[%zu].args: more than 6",
				    i);
	for (size_t j = 0; j < r->n_args; j++) {
		const struct ward_seccomp_arg *a = &r->args[j];
		size_t k = 0;

		if (a->index > 5)
			return ward_err_set(e, EINVAL,
					    "linux.seccomp.syscalls[%zu].args[%zu].index: %u is out of range (0-5)",
					    i, j, a->index);
		while (k < WARD_ARRAY_SIZE(ops) &&
		       (a->op == NULL || strcmp(a->op, ops[k].name) != 0))
			k++;
		if (k == WARD_ARRAY_SIZE(ops))
			return ward_err_set(e, EINVAL,
					    "linux.seccomp.syscalls[%zu].args[%zu].op: unknown operator \"%s\"",
					    i, j, a->op != NULL ? a->op : "");
		cmp[j] = (struct scmp_arg_cmp){
			.arg = a->index,
			.op = ops[k].op,
			.datum_a = a->value,
			.datum_b = a->value_two,
		};
	}
	return 0;
}

static int
add_rule(scmp_filter_ctx ctx, const struct ward_seccomp_rule *r, size_t i,
	 uint32_t def, struct ward_err *e)
{
	char act_path[JSON_PATH_LEN], ret_path[JSON_PATH_LEN];
	struct scmp_arg_cmp cmp[6];
	uint32_t action;
	int ret;

	snprintf(act_path, sizeof(act_path), "linux.seccomp.syscalls[%zu].action", i);
	snprintf(ret_path, sizeof(ret_path), "linux.seccomp.syscalls[%zu].errnoRet", i);
	ret = action_value(r->action, r->has_errno_ret, r->errno_ret, act_path,
			   ret_path, &action, e);
	if (ret == 0)
		ret = rule_args(r, i, cmp, e);
	if (ret < 0)
		return ret;
	/* libseccomp refuses it (EACCES), and it changes nothing. */
	if (action == def) {
		ward_debug("seccomp: linux.seccomp.syscalls[%zu]: same action as the default, skipped",
			   i);
		return 0;
	}
	for (size_t j = 0; j < r->n_names; j++) {
		int nr = seccomp_syscall_resolve_name(r->names[j]);

		if (nr == __NR_SCMP_ERROR) {
			/* Safe to skip: the default action denies it anyway. */
			ward_debug("seccomp: linux.seccomp.syscalls[%zu]: unknown syscall %s skipped",
				   i, r->names[j]);
			continue;
		}
		ret = seccomp_rule_add_array(ctx, action, nr,
					     (unsigned int)r->n_args, cmp);
		if (ret < 0)
			return ward_err_set(e, -ret,
					    "linux.seccomp.syscalls[%zu]: rule for %s",
					    i, r->names[j]);
	}
	return 0;
}

static int
new_filter(const struct ward_seccomp *p, uint32_t *def, scmp_filter_ctx *out,
	   struct ward_err *e)
{
	_cleanup_ctx_ scmp_filter_ctx ctx = NULL;
	int ret = action_value(p->default_action, p->has_default_errno_ret,
			       p->default_errno_ret,
			       "linux.seccomp.defaultAction",
			       "linux.seccomp.defaultErrnoRet", def, e);

	if (ret < 0)
		return ret;
	ctx = seccomp_init(*def);
	if (ctx == NULL)
		return ward_err_set(e, EINVAL, "seccomp_init %s",
				    p->default_action);
	/* ward sets no_new_privs itself, before the filters (container.c). */
	ret = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	/* A foreign ABI the profile did not list ends the process, not a thread. */
	if (ret == 0)
		ret = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
				       SCMP_ACT_KILL_PROCESS);
	/* Binary tree: O(log n) syscall dispatch inside the container. */
	if (ret == 0)
		ret = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (ret < 0)
		return ward_err_set(e, -ret, "seccomp filter attributes");
	*out = take_ptr(&ctx);
	return 0;
}

/* libseccomp 2.5 exports to an fd only: a memfd keeps it off the disk. */
static int
export_bpf(scmp_filter_ctx ctx, struct sock_filter **insns, size_t *n,
	   struct ward_err *e)
{
	_cleanup_close_ int fd = memfd_create("ward-seccomp", MFD_CLOEXEC);
	_cleanup_free_ struct sock_filter *buf = NULL;
	struct stat st;
	size_t size, done = 0;
	int ret;

	if (fd < 0)
		return ward_err_set(e, errno, "memfd_create");
	ret = seccomp_export_bpf(ctx, fd);
	if (ret < 0)
		return ward_err_set(e, -ret, "seccomp_export_bpf");
	if (fstat(fd, &st) < 0)
		return ward_err_set(e, errno, "fstat seccomp program");
	size = (size_t)st.st_size;
	if (size == 0 || size % sizeof(**insns) != 0 ||
	    size / sizeof(**insns) > BPF_MAXINSNS)
		return ward_err_set(e, E2BIG, "seccomp program of %zu bytes",
				    size);
	buf = malloc(size);
	if (buf == NULL)
		return ward_err_set(e, ENOMEM, "seccomp program");
	while (done < size) {
		ssize_t r = pread(fd, (char *)buf + done, size - done,
				  (off_t)done);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return ward_err_set(e, r < 0 ? errno : EIO,
					    "read seccomp program");
		done += (size_t)r;
	}
	*insns = take_ptr(&buf);
	*n = size / sizeof(**insns);
	return 0;
}

/* Put the ENOSYS prologue in front of libseccomp's program. */
static int
prepend(const struct sock_filter *pro, size_t n_pro, struct sock_filter *body,
	size_t n_body, struct ward_bpf *out, struct ward_err *e)
{
	struct sock_filter *all;

	if (n_pro + n_body > BPF_MAXINSNS)
		return ward_err_set(e, E2BIG,
				    "seccomp program of %zu instructions (maximum %d)",
				    n_pro + n_body, BPF_MAXINSNS);
	all = malloc((n_pro + n_body) * sizeof(*all));
	if (all == NULL)
		return ward_err_set(e, ENOMEM, "seccomp program");
	if (n_pro > 0)
		memcpy(all, pro, n_pro * sizeof(*all));
	memcpy(all + n_pro, body, n_body * sizeof(*all));
	*out = (struct ward_bpf){
		.insns = all,
		.len = (unsigned short)(n_pro + n_body),
		.owned = true,
	};
	return 0;
}

int
ward_seccomp_compile(const struct ward_seccomp *p, struct ward_bpf *out,
		     struct ward_err *e)
{
	_cleanup_ctx_ scmp_filter_ctx ctx = NULL;
	_cleanup_free_ struct sock_filter *body = NULL;
	struct sock_filter pro[WARD_SECCOMP_PROLOGUE_MAX];
	uint32_t arches[WARD_SECCOMP_MAX_ARCHES], def;
	size_t n_arches = 0, n_body = 0, n_pro = 0;
	int ret;

	*out = (struct ward_bpf){ 0 };
	if (p->listener_path != NULL)
		return ward_err_set(e, EOPNOTSUPP,
				    "linux.seccomp.listenerPath: seccomp notify is not supported");
	ret = new_filter(p, &def, &ctx, e);
	if (ret == 0)
		ret = add_arches(ctx, p, arches, &n_arches, e);
	for (size_t i = 0; ret == 0 && i < p->n_syscalls; i++)
		ret = add_rule(ctx, &p->syscalls[i], i, def, e);
	if (ret == 0)
		ret = export_bpf(ctx, &body, &n_body, e);
	/* Only an errno default has a "not implemented" answer to give. */
	if (ret == 0 && (def & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ERRNO)
		ret = ward_seccomp_enosys_prologue(p, arches, n_arches, pro,
						   &n_pro, e);
	if (ret == 0)
		ret = prepend(pro, n_pro, body, n_body, out, e);
	return ret;
}

void
ward_bpf_free(struct ward_bpf *p)
{
	if (p->owned)
		free(p->insns);
	*p = (struct ward_bpf){ 0 };
}

int
ward_seccomp_flags(const struct ward_seccomp *p, unsigned int *flags,
		   struct ward_err *e)
{
	*flags = 0;
	for (size_t i = 0; p != NULL && i < p->n_flags; i++) {
		size_t k = 0;

		if (strcmp(p->flags[i], "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") == 0)
			return ward_err_set(e, EOPNOTSUPP,
					    "linux.seccomp.flags[%zu]: %s needs a seccomp notify listener, which ward does not support",
					    i, p->flags[i]);
		while (k < WARD_ARRAY_SIZE(flag_names) &&
		       strcmp(p->flags[i], flag_names[k].name) != 0)
			k++;
		if (k == WARD_ARRAY_SIZE(flag_names))
			return ward_err_set(e, EINVAL,
					    "linux.seccomp.flags[%zu]: unknown flag \"%s\"",
					    i, p->flags[i]);
		*flags |= flag_names[k].flag;
	}
	return 0;
}

int
ward_seccomp_load(const struct ward_bpf *prog, unsigned int flags,
		  struct ward_err *e)
{
	struct sock_fprog fp = { .len = prog->len, .filter = prog->insns };

	if (prog->len == 0 || prog->insns == NULL)
		return ward_err_set(e, EINVAL, "empty seccomp program");
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &fp) < 0)
		return ward_err_set(e, errno, "seccomp(SECCOMP_SET_MODE_FILTER)");
	return 0;
}
