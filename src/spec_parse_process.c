/* SPDX-License-Identifier: Apache-2.0 */
/* The "process" object of config.json, and the whole of an exec process.json. */
#include <errno.h>
#include <string.h>
#include <sys/resource.h>

#include "capname.h"
#include "spec_parse.h"

static const struct {
	const char *name;
	int resource;
} rlimit_types[] = {
	{ "RLIMIT_CPU", RLIMIT_CPU },		{ "RLIMIT_FSIZE", RLIMIT_FSIZE },
	{ "RLIMIT_DATA", RLIMIT_DATA },		{ "RLIMIT_STACK", RLIMIT_STACK },
	{ "RLIMIT_CORE", RLIMIT_CORE },		{ "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_NPROC", RLIMIT_NPROC },	{ "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },	{ "RLIMIT_AS", RLIMIT_AS },
	{ "RLIMIT_LOCKS", RLIMIT_LOCKS },	{ "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
	{ "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE }, { "RLIMIT_NICE", RLIMIT_NICE },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO },	{ "RLIMIT_RTTIME", RLIMIT_RTTIME },
};

static int
parse_console(struct spec_ctx *c, const struct ward_json_path *up,
	      const struct ward_json *obj, struct ward_process *proc)
{
	struct ward_json_path p;
	const struct ward_json *v;
	int ret = spec_get_obj(c, up, obj, "consoleSize", false, &v, &p);

	if (ret < 0 || v == NULL)
		return ret;
	proc->has_console_size = true;
	ret = spec_get_u32(c, &p, v, "height", NULL, &proc->console_height);
	if (ret == 0)
		ret = spec_get_u32(c, &p, v, "width", NULL,
				   &proc->console_width);
	return ret;
}

static int
parse_gids(struct spec_ctx *c, const struct ward_json_path *up,
	   const struct ward_json *obj, struct ward_user *u)
{
	struct ward_json_path p;
	const struct ward_json *v = spec_member(obj, up, "additionalGids", &p);
	const struct ward_json *it;
	size_t i = 0;
	int ret;

	if (v == NULL)
		return 0;
	ret = spec_array(c, &p, v, sizeof(uint32_t),
			 (void **)&u->additional_gids, &u->n_additional_gids);
	if (ret < 0)
		return ret;
	ward_json_foreach(it, v) {
		struct ward_json_path ip = SPEC_IDX(&p, i);
		uint64_t gid;

		ret = spec_uint(c, &ip, it, UINT32_MAX, &gid);
		if (ret < 0)
			return ret;
		u->additional_gids[i++] = (uint32_t)gid;
	}
	return 0;
}

static int
parse_user(struct spec_ctx *c, const struct ward_json_path *up,
	   const struct ward_json *obj, struct ward_user *u)
{
	struct ward_json_path p;
	const struct ward_json *v;
	int ret = spec_get_obj(c, up, obj, "user", true, &v, &p);

	if (ret < 0)
		return ret;
	ret = spec_get_u32(c, &p, v, "uid", NULL, &u->uid);
	if (ret == 0)
		ret = spec_get_u32(c, &p, v, "gid", NULL, &u->gid);
	if (ret == 0)
		ret = spec_get_u32(c, &p, v, "umask", &u->has_umask, &u->umask);
	if (ret == 0 && u->has_umask && u->umask > 0777) {
		struct ward_json_path mp = SPEC_KEY(&p, "umask");

		return spec_fail(c, &mp, "out of range (maximum 0777)");
	}
	if (ret == 0)
		ret = parse_gids(c, &p, v, u);
	if (ret == 0)
		ret = spec_get_str(c, &p, v, "username", 0, &u->username);
	return ret;
}

static int
parse_capset(struct spec_ctx *c, const struct ward_json_path *p,
	     const struct ward_json *v, uint64_t *mask)
{
	const struct ward_json *it;
	size_t i = 0;
	char name[48];
	int ret = spec_expect(c, p, v, WARD_JSON_ARRAY), cap;

	if (ret < 0)
		return ret;
	ward_json_foreach(it, v) {
		struct ward_json_path ip = SPEC_IDX(p, i++);

		ret = spec_expect(c, &ip, it, WARD_JSON_STRING);
		if (ret < 0)
			return ret;
		cap = -ENOENT;
		if (it->len < sizeof(name) && memchr(it->str, 0, it->len) == NULL) {
			memcpy(name, it->str, it->len);
			name[it->len] = '\0';
			cap = ward_cap_from_name(name);
		}
		/* Fail closed: a capability we cannot name we cannot drop. */
		if (cap < 0) {
			ward_json_quote(it->str, it->len, name, sizeof(name));
			return spec_fail(c, &ip, "unknown capability \"%s\"",
					 name);
		}
		*mask |= UINT64_C(1) << cap;
	}
	return 0;
}

static int
parse_caps(struct spec_ctx *c, const struct ward_json_path *up,
	   const struct ward_json *obj, struct ward_process *proc)
{
	struct ward_json_path p, sp;
	const struct ward_json *v, *set;
	int ret = spec_get_obj(c, up, obj, "capabilities", false, &v, &p);

	if (ret < 0 || v == NULL)
		return ret;
	proc->has_caps = true;
	for (int i = 0; i < WARD_CAP__N; i++) {
		set = spec_member(v, &p, ward_capset_name(i), &sp);
		if (set == NULL)
			continue;
		proc->caps.present[i] = true;
		ret = parse_capset(c, &sp, set, &proc->caps.set[i]);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int
rlimit_type(struct spec_ctx *c, const struct ward_json_path *p,
	    const struct ward_json *v, struct ward_rlimit *r)
{
	struct ward_json_path tp = SPEC_KEY(p, "type");
	char q[40];
	int ret = spec_get_str(c, p, v, "type", SPEC_REQUIRED, &r->type);

	if (ret < 0)
		return ret;
	for (size_t i = 0; i < WARD_ARRAY_SIZE(rlimit_types); i++) {
		if (strcmp(rlimit_types[i].name, r->type) == 0) {
			r->resource = rlimit_types[i].resource;
			return 0;
		}
	}
	ward_json_quote(r->type, strlen(r->type), q, sizeof(q));
	return spec_fail(c, &tp, "unknown rlimit type \"%s\"", q);
}

static int
parse_rlimit(struct spec_ctx *c, const struct ward_json_path *p,
	     const struct ward_json *v, struct ward_rlimit *r)
{
	int ret = spec_expect(c, p, v, WARD_JSON_OBJECT);

	if (ret == 0)
		ret = rlimit_type(c, p, v, r);
	if (ret == 0)
		ret = spec_get_u64(c, p, v, "hard", NULL, &r->hard);
	if (ret == 0)
		ret = spec_get_u64(c, p, v, "soft", NULL, &r->soft);
	/* setrlimit() would refuse it in the child; refuse it while planning. */
	if (ret == 0 && r->soft > r->hard)
		return spec_fail(c, p, "soft limit exceeds hard limit");
	return ret;
}

static int
parse_rlimits(struct spec_ctx *c, const struct ward_json_path *up,
	      const struct ward_json *obj, struct ward_process *proc)
{
	struct ward_json_path p;
	const struct ward_json *v = spec_member(obj, up, "rlimits", &p), *it;
	size_t i = 0;
	int ret;

	if (v == NULL)
		return 0;
	ret = spec_array(c, &p, v, sizeof(*proc->rlimits),
			 (void **)&proc->rlimits, &proc->n_rlimits);
	if (ret < 0)
		return ret;
	ward_json_foreach(it, v) {
		struct ward_json_path ip = SPEC_IDX(&p, i);

		ret = parse_rlimit(c, &ip, it, &proc->rlimits[i]);
		if (ret < 0)
			return ret;
		for (size_t j = 0; j < i; j++)
			if (proc->rlimits[j].resource == proc->rlimits[i].resource)
				return spec_fail(c, &ip, "duplicate rlimit %s",
						 proc->rlimits[i].type);
		i++;
	}
	return 0;
}

static int
parse_args(struct spec_ctx *c, const struct ward_json_path *up,
	   const struct ward_json *obj, struct ward_process *proc)
{
	struct ward_json_path p = SPEC_KEY(up, "args");
	int ret = spec_get_strv(c, up, obj, "args", SPEC_REQUIRED, NULL,
				&proc->args, &proc->n_args);

	if (ret == 0 && proc->n_args == 0)
		return spec_fail(c, &p, "must not be empty");
	return ret;
}

int
spec_parse_process(struct spec_ctx *c, const struct ward_json_path *p,
		   const struct ward_json *v, struct ward_process *proc)
{
	int64_t oom;
	int ret;

	ret = spec_get_bool(c, p, v, "terminal", SPEC_OPT,
			    &proc->terminal);
	if (ret == 0)
		ret = parse_console(c, p, v, proc);
	if (ret == 0)
		ret = parse_user(c, p, v, &proc->user);
	if (ret == 0)
		ret = parse_args(c, p, v, proc);
	if (ret == 0)
		ret = spec_get_strv(c, p, v, "env", 0, NULL, &proc->env,
				    &proc->n_env);
	if (ret == 0)
		ret = spec_get_str(c, p, v, "cwd", SPEC_REQUIRED | SPEC_ABSPATH,
				   &proc->cwd);
	if (ret == 0)
		ret = parse_caps(c, p, v, proc);
	if (ret == 0)
		ret = parse_rlimits(c, p, v, proc);
	if (ret == 0)
		ret = spec_get_bool(c, p, v, "noNewPrivileges", SPEC_OPT,
				    &proc->no_new_privileges);
	if (ret == 0)
		ret = spec_get_str(c, p, v, "apparmorProfile", 0,
				   &proc->apparmor_profile);
	/* The kernel's own bounds for /proc/<pid>/oom_score_adj. */
	if (ret == 0)
		ret = spec_get_range(c, p, v, "oomScoreAdj", -1000, 1000,
				     &proc->has_oom_score_adj, &oom);
	if (ret == 0 && proc->has_oom_score_adj)
		proc->oom_score_adj = (int)oom;
	if (ret == 0)
		ret = spec_get_str(c, p, v, "selinuxLabel", 0,
				   &proc->selinux_label);
	return ret;
}
