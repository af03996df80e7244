/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linux.seccomp: the structure only. Action, operator, architecture and flag
 * names stay strings here; seccomp.c validates them against libseccomp.
 */
#include <errno.h>
#include <string.h>

#include "spec_parse.h"

/* seccomp_data.args[] has six entries. */
#define SECCOMP_ARGS 6

static int
parse_arg(struct spec_ctx *c, const struct ward_json_path *p,
	  const struct ward_json *v, void *elem)
{
	struct ward_seccomp_arg *a = elem;
	struct ward_json_path ip = SPEC_KEY(p, "index");
	int ret = spec_expect(c, p, v, WARD_JSON_OBJECT);

	if (ret == 0)
		ret = spec_get_u32(c, p, v, "index", NULL, &a->index);
	if (ret == 0 && a->index >= SECCOMP_ARGS)
		return spec_fail(c, &ip, "out of range (maximum %d)",
				 SECCOMP_ARGS - 1);
	if (ret == 0)
		ret = spec_get_u64(c, p, v, "value", NULL, &a->value);
	if (ret == 0)
		ret = spec_get_u64(c, p, v, "valueTwo", SPEC_OPT,
				   &a->value_two);
	if (ret == 0)
		ret = spec_get_str(c, p, v, "op", SPEC_REQUIRED | SPEC_NONEMPTY,
				   &a->op);
	return ret;
}

static int
parse_rule(struct spec_ctx *c, const struct ward_json_path *p,
	   const struct ward_json *v, void *elem)
{
	struct ward_seccomp_rule *r = elem;
	struct ward_json_path np = SPEC_KEY(p, "names");
	int ret = spec_expect(c, p, v, WARD_JSON_OBJECT);

	if (ret == 0)
		ret = spec_get_strv(c, p, v, "names",
				    SPEC_REQUIRED | SPEC_NONEMPTY, NULL,
				    &r->names, &r->n_names);
	if (ret == 0 && r->n_names == 0)
		return spec_fail(c, &np, "must not be empty");
	if (ret == 0)
		ret = spec_get_str(c, p, v, "action",
				   SPEC_REQUIRED | SPEC_NONEMPTY, &r->action);
	if (ret == 0)
		ret = spec_get_u32(c, p, v, "errnoRet", &r->has_errno_ret,
				   &r->errno_ret);
	if (ret == 0)
		ret = spec_get_list(c, p, v, "args", sizeof(*r->args),
				    parse_arg, (void **)&r->args, &r->n_args);
	return ret;
}

int
spec_parse_seccomp(struct spec_ctx *c, const struct ward_json_path *p,
		   const struct ward_json *v, struct ward_seccomp *sc)
{
	int ret = spec_get_str(c, p, v, "defaultAction",
			       SPEC_REQUIRED | SPEC_NONEMPTY,
			       &sc->default_action);

	if (ret == 0)
		ret = spec_get_u32(c, p, v, "defaultErrnoRet",
				   &sc->has_default_errno_ret,
				   &sc->default_errno_ret);
	if (ret == 0)
		ret = spec_get_strv(c, p, v, "architectures", SPEC_NONEMPTY,
				    NULL, &sc->architectures,
				    &sc->n_architectures);
	if (ret == 0)
		ret = spec_get_strv(c, p, v, "flags", SPEC_NONEMPTY, NULL,
				    &sc->flags, &sc->n_flags);
	if (ret == 0)
		ret = spec_get_str(c, p, v, "listenerPath", 0,
				   &sc->listener_path);
	if (ret == 0)
		ret = spec_get_str(c, p, v, "listenerMetadata", 0,
				   &sc->listener_metadata);
	if (ret == 0)
		ret = spec_get_list(c, p, v, "syscalls", sizeof(*sc->syscalls),
				    parse_rule, (void **)&sc->syscalls,
				    &sc->n_syscalls);
	return ret;
}
