/* SPDX-License-Identifier: Apache-2.0 */
/*
 * struct ward_spec -> config.json, for `ward spec` and the hardened copy
 * kept in the state directory. Only present fields are written, so a parse
 * of the output gives back the same model.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capname.h"
#include "spec_json.h"

void
gen_map_open(struct spec_gen *g)
{
	if (g->st == yajl_gen_status_ok)
		g->st = yajl_gen_map_open(g->g);
}

void
gen_map_close(struct spec_gen *g)
{
	if (g->st == yajl_gen_status_ok)
		g->st = yajl_gen_map_close(g->g);
}

void
gen_array_open(struct spec_gen *g)
{
	if (g->st == yajl_gen_status_ok)
		g->st = yajl_gen_array_open(g->g);
}

void
gen_array_close(struct spec_gen *g)
{
	if (g->st == yajl_gen_status_ok)
		g->st = yajl_gen_array_close(g->g);
}

void
gen_string(struct spec_gen *g, const char *s)
{
	if (g->st == yajl_gen_status_ok)
		g->st = yajl_gen_string(g->g, (const unsigned char *)s,
					strlen(s));
}

void
gen_key(struct spec_gen *g, const char *key)
{
	gen_string(g, key);
}

/* Numbers go out as literals: yajl_gen_integer cannot hold a uint64. */
static void
gen_number(struct spec_gen *g, const char *lit)
{
	if (g->st == yajl_gen_status_ok)
		g->st = yajl_gen_number(g->g, lit, strlen(lit));
}

void
gen_u64(struct spec_gen *g, uint64_t v)
{
	char lit[24];

	snprintf(lit, sizeof(lit), "%" PRIu64, v);
	gen_number(g, lit);
}

void
gen_i64(struct spec_gen *g, int64_t v)
{
	char lit[24];

	snprintf(lit, sizeof(lit), "%" PRId64, v);
	gen_number(g, lit);
}

void
gen_kstr(struct spec_gen *g, const char *key, const char *s)
{
	if (s == NULL)
		return;
	gen_key(g, key);
	gen_string(g, s);
}

void
gen_ku64(struct spec_gen *g, const char *key, uint64_t v)
{
	gen_key(g, key);
	gen_u64(g, v);
}

void
gen_ki64(struct spec_gen *g, const char *key, int64_t v)
{
	gen_key(g, key);
	gen_i64(g, v);
}

void
gen_kbool(struct spec_gen *g, const char *key, bool v)
{
	gen_key(g, key);
	if (g->st == yajl_gen_status_ok)
		g->st = yajl_gen_bool(g->g, v);
}

void
gen_kstrv(struct spec_gen *g, const char *key, char *const *v, size_t n)
{
	if (v == NULL)
		return;
	gen_key(g, key);
	gen_array_open(g);
	for (size_t i = 0; i < n; i++)
		gen_string(g, v[i]);
	gen_array_close(g);
}

void
gen_kkv(struct spec_gen *g, const char *key, const struct ward_kv *kv,
	size_t n)
{
	if (kv == NULL)
		return;
	gen_key(g, key);
	gen_map_open(g);
	for (size_t i = 0; i < n; i++)
		gen_kstr(g, kv[i].key, kv[i].value);
	gen_map_close(g);
}

void
gen_kidmaps(struct spec_gen *g, const char *key, const struct ward_id_maps *m)
{
	if (m->v == NULL)
		return;
	gen_key(g, key);
	gen_array_open(g);
	for (size_t i = 0; i < m->n; i++) {
		gen_map_open(g);
		gen_ku64(g, "containerID", m->v[i].container_id);
		gen_ku64(g, "hostID", m->v[i].host_id);
		gen_ku64(g, "size", m->v[i].size);
		gen_map_close(g);
	}
	gen_array_close(g);
}

static void
gen_user(struct spec_gen *g, const struct ward_user *u)
{
	gen_key(g, "user");
	gen_map_open(g);
	gen_ku64(g, "uid", u->uid);
	gen_ku64(g, "gid", u->gid);
	if (u->has_umask)
		gen_ku64(g, "umask", u->umask);
	if (u->additional_gids != NULL) {
		gen_key(g, "additionalGids");
		gen_array_open(g);
		for (size_t i = 0; i < u->n_additional_gids; i++)
			gen_u64(g, u->additional_gids[i]);
		gen_array_close(g);
	}
	gen_kstr(g, "username", u->username);
	gen_map_close(g);
}

static void
gen_caps(struct spec_gen *g, const struct ward_caps *caps)
{
	gen_key(g, "capabilities");
	gen_map_open(g);
	for (int i = 0; i < WARD_CAP__N; i++) {
		if (!caps->present[i])
			continue;
		gen_key(g, ward_capset_name(i));
		gen_array_open(g);
		for (int cap = 0; cap <= WARD_CAP_LAST; cap++)
			if (caps->set[i] & (UINT64_C(1) << cap))
				gen_string(g, ward_cap_name(cap));
		gen_array_close(g);
	}
	gen_map_close(g);
}

static void
gen_rlimits(struct spec_gen *g, const struct ward_process *p)
{
	if (p->rlimits == NULL)
		return;
	gen_key(g, "rlimits");
	gen_array_open(g);
	for (size_t i = 0; i < p->n_rlimits; i++) {
		gen_map_open(g);
		gen_kstr(g, "type", p->rlimits[i].type);
		gen_ku64(g, "hard", p->rlimits[i].hard);
		gen_ku64(g, "soft", p->rlimits[i].soft);
		gen_map_close(g);
	}
	gen_array_close(g);
}

static void
gen_process(struct spec_gen *g, const struct ward_process *p)
{
	gen_key(g, "process");
	gen_map_open(g);
	if (p->terminal)
		gen_kbool(g, "terminal", true);
	if (p->has_console_size) {
		gen_key(g, "consoleSize");
		gen_map_open(g);
		gen_ku64(g, "height", p->console_height);
		gen_ku64(g, "width", p->console_width);
		gen_map_close(g);
	}
	gen_user(g, &p->user);
	gen_kstrv(g, "args", p->args, p->n_args);
	gen_kstrv(g, "env", p->env, p->n_env);
	gen_kstr(g, "cwd", p->cwd);
	if (p->has_caps)
		gen_caps(g, &p->caps);
	gen_rlimits(g, p);
	if (p->no_new_privileges)
		gen_kbool(g, "noNewPrivileges", true);
	gen_kstr(g, "apparmorProfile", p->apparmor_profile);
	if (p->has_oom_score_adj)
		gen_ki64(g, "oomScoreAdj", p->oom_score_adj);
	gen_kstr(g, "selinuxLabel", p->selinux_label);
	gen_map_close(g);
}

static void
gen_mounts(struct spec_gen *g, const struct ward_spec *s)
{
	if (s->mounts == NULL)
		return;
	gen_key(g, "mounts");
	gen_array_open(g);
	for (size_t i = 0; i < s->n_mounts; i++) {
		const struct ward_mount *m = &s->mounts[i];

		gen_map_open(g);
		gen_kstr(g, "destination", m->destination);
		gen_kstr(g, "type", m->type);
		gen_kstr(g, "source", m->source);
		gen_kstrv(g, "options", m->options, m->n_options);
		gen_kidmaps(g, "uidMappings", &m->uid_mappings);
		gen_kidmaps(g, "gidMappings", &m->gid_mappings);
		gen_map_close(g);
	}
	gen_array_close(g);
}

static void
gen_hooks(struct spec_gen *g, const struct ward_hooks *h)
{
	bool any = false;

	for (int k = 0; k < WARD_HOOK__N; k++)
		any |= h->v[k] != NULL;
	if (!any)
		return;
	gen_key(g, "hooks");
	gen_map_open(g);
	for (int k = 0; k < WARD_HOOK__N; k++) {
		if (h->v[k] == NULL)
			continue;
		gen_key(g, ward_hook_name(k));
		gen_array_open(g);
		for (size_t i = 0; i < h->n[k]; i++) {
			const struct ward_hook *hk = &h->v[k][i];

			gen_map_open(g);
			gen_kstr(g, "path", hk->path);
			gen_kstrv(g, "args", hk->args, hk->n_args);
			gen_kstrv(g, "env", hk->env, hk->n_env);
			if (hk->has_timeout)
				gen_ki64(g, "timeout", hk->timeout);
			gen_map_close(g);
		}
		gen_array_close(g);
	}
	gen_map_close(g);
}

static void
gen_spec(struct spec_gen *g, const struct ward_spec *s)
{
	gen_map_open(g);
	gen_kstr(g, "ociVersion", s->oci_version);
	if (s->has_process)
		gen_process(g, &s->process);
	if (s->has_root) {
		gen_key(g, "root");
		gen_map_open(g);
		gen_kstr(g, "path", s->root.path);
		if (s->root.readonly)
			gen_kbool(g, "readonly", true);
		gen_map_close(g);
	}
	gen_kstr(g, "hostname", s->hostname);
	gen_kstr(g, "domainname", s->domainname);
	gen_mounts(g, s);
	gen_hooks(g, &s->hooks);
	gen_kkv(g, "annotations", s->annotations, s->n_annotations);
	if (s->has_linux)
		spec_gen_linux(g, &s->linux);
	gen_map_close(g);
}

static const char *
gen_status_str(yajl_gen_status st)
{
	switch (st) {
	case yajl_gen_invalid_string:
		return "a string is not valid UTF-8";
	case yajl_gen_invalid_number:
		return "invalid number";
	case yajl_max_depth_exceeded:
		return "nested too deeply";
	case yajl_gen_keys_must_be_strings:
	case yajl_gen_in_error_state:
	case yajl_gen_generation_complete:
		return "malformed document (internal error)";
	default:
		return "yajl_gen failure";
	}
}

static int
emit(struct spec_gen *g, const struct ward_spec *s, char **out, size_t *len,
     struct ward_err *e)
{
	const unsigned char *buf;
	size_t n;
	char *copy;

	/* Strings added by hardening are checked as strictly as parsed ones. */
	if (!yajl_gen_config(g->g, yajl_gen_beautify, 1) ||
	    !yajl_gen_config(g->g, yajl_gen_indent_string, "  ") ||
	    !yajl_gen_config(g->g, yajl_gen_validate_utf8, 1))
		return ward_err_set(e, EINVAL, "configuring yajl_gen");
	gen_spec(g, s);
	if (g->st == yajl_gen_status_ok)
		g->st = yajl_gen_get_buf(g->g, &buf, &n);
	if (g->st != yajl_gen_status_ok)
		return ward_err_set(e, EINVAL, "serialising the config: %s",
				    gen_status_str(g->st));
	copy = malloc(n + 1);
	if (copy == NULL)
		return ward_err_set(e, ENOMEM, "serialising the config");
	memcpy(copy, buf, n);
	copy[n] = '\0';
	*out = copy;
	if (len != NULL)
		*len = n;
	return 0;
}

int
ward_spec_to_json(const struct ward_spec *s, char **out, size_t *len,
		  struct ward_err *e)
{
	struct spec_gen g = { .st = yajl_gen_status_ok };
	int ret;

	g.g = yajl_gen_alloc(NULL);
	if (g.g == NULL)
		return ward_err_set(e, ENOMEM, "serialising the config");
	ret = emit(&g, s, out, len, e);
	yajl_gen_free(g.g);
	return ret;
}
