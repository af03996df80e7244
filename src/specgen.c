/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `ward spec`: a config.json that passes `ward check` with no refusal and no
 * warning. It is built as a struct ward_spec and serialised by spec_json.c,
 * so it is exactly what the parser reads back.
 *
 * Choices (docs/policy.md): uid/gid 1000; no capabilities at all; every
 * namespace including user and cgroup; no id mappings, so ward allocates a
 * per-container host id block at create (a fixed mapping would make every
 * container from this template share host ids); read-only rootfs with a tmpfs
 * /tmp; memory, pids and cpu limits; no linux.seccomp, so the built-in
 * baseline filter applies (the one hardening verdict `check` prints).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "policy.h"

#define GEN_UID 1000
#define GEN_GID 1000
#define GEN_MEMORY (512ll << 20)
#define GEN_PIDS 1024
#define GEN_CPU_SHARES 1024

struct gen_mount {
	const char *dst, *type, *src, *opts[8];
};

static const struct gen_mount gen_mounts[] = {
	{ "/proc", "proc", "proc", { "nosuid", "noexec", "nodev" } },
	{ "/dev", "tmpfs", "tmpfs",
	  { "nosuid", "strictatime", "mode=755", "size=65536k" } },
	{ "/dev/pts", "devpts", "devpts",
	  { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620",
	    "gid=5" } },
	{ "/dev/shm", "tmpfs", "shm",
	  { "nosuid", "noexec", "nodev", "mode=1777", "size=65536k" } },
	{ "/dev/mqueue", "mqueue", "mqueue", { "nosuid", "noexec", "nodev" } },
	{ "/sys", "sysfs", "sysfs", { "nosuid", "noexec", "nodev", "ro" } },
	{ "/sys/fs/cgroup", "cgroup", "cgroup",
	  { "nosuid", "noexec", "nodev", "relatime", "ro" } },
	/* The rootfs is read-only: give programs a scratch directory. */
	{ "/tmp", "tmpfs", "tmpfs", { "nosuid", "nodev", "mode=1777", "size=65536k" } },
};

static int
strv(struct ward_spec *s, char ***v, size_t *n, const char *const *src,
     size_t count, bool rootless, struct ward_err *e)
{
	for (size_t i = 0; i < count && src[i] != NULL; i++) {
		int ret;

		/* With a one-id mapping, gid 5 (tty) does not exist inside. */
		if (rootless && ward_str_has_prefix(src[i], "gid="))
			continue;
		ret = ward_spec_strv_append(s, v, n, src[i], e);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int
gen_process(struct ward_spec *s, const struct ward_spec_template *t,
	    struct ward_err *e)
{
	static const char *const env[] = {
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"TERM=xterm",
	};
	static const char *const sh[] = { "sh" };
	struct ward_process *p = &s->process;
	int ret;

	s->has_process = true;
	/* runc's default is an interactive shell; a given command is not. */
	p->terminal = t->args == NULL;
	p->user.uid = GEN_UID;
	p->user.gid = GEN_GID;
	ret = strv(s, &p->args, &p->n_args, t->args ? t->args : sh,
		   t->args ? t->n_args : 1, false, e);
	if (ret == 0)
		ret = strv(s, &p->env, &p->n_env, env, WARD_ARRAY_SIZE(env),
			   false, e);
	if (ret < 0)
		return ret;
	p->cwd = ward_spec_strdup(s, "/");
	p->has_caps = true;
	for (int i = 0; i < WARD_CAP__N; i++)
		p->caps.present[i] = true;
	p->rlimits = ward_spec_alloc(s, sizeof(*p->rlimits));
	if (p->cwd == NULL || p->rlimits == NULL)
		return ward_err_set(e, ENOMEM, "generating process");
	p->n_rlimits = 1;
	p->rlimits[0].resource = RLIMIT_NOFILE;
	p->rlimits[0].type = ward_spec_strdup(s, "RLIMIT_NOFILE");
	p->rlimits[0].hard = 1024;
	p->rlimits[0].soft = 1024;
	p->no_new_privileges = true;
	return p->rlimits[0].type == NULL
		       ? ward_err_set(e, ENOMEM, "generating process")
		       : 0;
}

static int
gen_all_mounts(struct ward_spec *s, bool rootless, struct ward_err *e)
{
	size_t n = WARD_ARRAY_SIZE(gen_mounts);

	s->mounts = ward_spec_alloc(s, n * sizeof(*s->mounts));
	if (s->mounts == NULL)
		return ward_err_set(e, ENOMEM, "generating mounts");
	s->n_mounts = n;
	for (size_t i = 0; i < n; i++) {
		const struct gen_mount *g = &gen_mounts[i];
		struct ward_mount *m = &s->mounts[i];
		int ret;

		m->destination = ward_spec_strdup(s, g->dst);
		m->type = ward_spec_strdup(s, g->type);
		m->source = ward_spec_strdup(s, g->src);
		if (m->destination == NULL || m->type == NULL || m->source == NULL)
			return ward_err_set(e, ENOMEM, "generating mounts");
		ret = strv(s, &m->options, &m->n_options, g->opts,
			   WARD_ARRAY_SIZE(g->opts), rootless, e);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* --rootless: the one id an unprivileged user can map is its own. */
static int
gen_rootless_maps(struct ward_spec *s, struct ward_err *e)
{
	struct ward_linux *l = &s->linux;
	uid_t uid = geteuid();
	gid_t gid = getegid();

	if (uid == 0)
		return ward_err_set(e, EINVAL,
				    "--rootless maps the invoking user, and as "
				    "root that is host uid 0, which ward refuses: "
				    "run it as the unprivileged user");
	l->uid_mappings.v = ward_spec_alloc(s, sizeof(struct ward_id_map));
	l->gid_mappings.v = ward_spec_alloc(s, sizeof(struct ward_id_map));
	if (l->uid_mappings.v == NULL || l->gid_mappings.v == NULL)
		return ward_err_set(e, ENOMEM, "generating id maps");
	l->uid_mappings.n = 1;
	l->gid_mappings.n = 1;
	*l->uid_mappings.v = (struct ward_id_map){ GEN_UID, uid, 1 };
	*l->gid_mappings.v = (struct ward_id_map){ GEN_GID, gid, 1 };
	return 0;
}

static int
gen_resources(struct ward_spec *s, struct ward_err *e)
{
	struct ward_resources *r = &s->linux.resources;

	s->linux.has_resources = true;
	r->memory.has_limit = true;
	r->memory.limit = GEN_MEMORY;
	r->cpu.has_shares = true;
	r->cpu.shares = GEN_CPU_SHARES;
	r->has_pids_limit = true;
	r->pids_limit = GEN_PIDS;
	/* Deny every device; the runtime allows its default nodes itself. */
	r->devices = ward_spec_alloc(s, sizeof(*r->devices));
	if (r->devices == NULL)
		return ward_err_set(e, ENOMEM, "generating resources");
	r->n_devices = 1;
	r->devices[0] = (struct ward_device_rule){
		.allow = false, .type = 'a', .major = -1, .minor = -1,
		.access = ward_spec_strdup(s, "rwm"),
	};
	return r->devices[0].access == NULL
		       ? ward_err_set(e, ENOMEM, "generating resources")
		       : 0;
}

static int
gen_linux(struct ward_spec *s, bool rootless, struct ward_err *e)
{
	static const enum ward_ns_type ns[] = {
		WARD_NS_PID, WARD_NS_NET,    WARD_NS_IPC, WARD_NS_UTS,
		WARD_NS_MOUNT, WARD_NS_CGROUP, WARD_NS_USER,
	};
	struct ward_linux *l = &s->linux;
	const char *const *paths;
	size_t n;
	int ret;

	s->has_linux = true;
	for (size_t i = 0; i < WARD_ARRAY_SIZE(ns); i++) {
		l->ns[ns[i]].present = true;
		l->ns[ns[i]].index = i;
	}
	ret = rootless ? gen_rootless_maps(s, e) : 0;
	if (ret == 0)
		ret = gen_resources(s, e);
	if (ret < 0)
		return ret;
	l->has_masked_paths = true;
	paths = policy_min_masked(&n);
	ret = strv(s, &l->masked_paths, &l->n_masked_paths, paths, n, false, e);
	if (ret < 0)
		return ret;
	l->has_readonly_paths = true;
	paths = policy_min_readonly(&n);
	return strv(s, &l->readonly_paths, &l->n_readonly_paths, paths, n,
		    false, e);
}

int
ward_spec_generate(const struct ward_spec_template *t, char **json,
		   size_t *len, struct ward_err *e)
{
	static const struct ward_spec_template def = { 0 };
	struct ward_spec *s;
	int ret;

	if (t == NULL)
		t = &def;
	if (t->args != NULL && t->n_args == 0)
		return ward_err_set(e, EINVAL, "spec: an empty command");
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return ward_err_set(e, ENOMEM, "generating a spec");
	s->oci_version = ward_spec_strdup(s, WARD_OCI_VERSION);
	s->has_root = true;
	s->root.path = ward_spec_strdup(s, "rootfs");
	s->root.readonly = true;
	s->hostname = ward_spec_strdup(s, "ward");
	if (s->oci_version == NULL || s->root.path == NULL || s->hostname == NULL)
		ret = ward_err_set(e, ENOMEM, "generating a spec");
	else
		ret = gen_process(s, t, e);
	if (ret == 0)
		ret = gen_all_mounts(s, t->rootless, e);
	if (ret == 0)
		ret = gen_linux(s, t->rootless, e);
	if (ret == 0)
		ret = ward_spec_to_json(s, json, len, e);
	ward_spec_free(s);
	return ret;
}
