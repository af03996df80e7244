/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The policy: a table of rules, each {id, docker-bench id, severity, check,
 * fix}. Every rule runs and reports; refusals never stop the walk, so
 * `ward check` shows everything wrong with a config at once. Refusals come
 * first in the table, then hardening (which rewrites the spec in place), then
 * warnings. Nothing in ward.conf can remove a row or lower its severity.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

#define REFUSE WARD_VERDICT_REFUSE
#define HARDEN WARD_VERDICT_HARDEN
#define WARN WARD_VERDICT_WARN

static const struct policy_rule create_rules[] = {
	{ "root-user", "4.1", REFUSE, policy_check_root_user,
	  "set process.user.uid to a non-zero uid (docker run -u 1000)" },
	{ "caps", "5.4", REFUSE, policy_check_caps,
	  "remove it from every set in process.capabilities (docker: no "
	  "--privileged, no --cap-add of it)" },
	{ "host-ns", NULL, REFUSE, policy_check_host_ns,
	  "give the container its own namespace: list the type in "
	  "linux.namespaces without a host path (docker: no --net/--pid/"
	  "--ipc/--uts host)" },
	{ "userns-root", "5.31", REFUSE, policy_check_userns_root,
	  "map container ids to a host range that excludes 0, or omit the "
	  "mappings so ward allocates one (docker: no --userns host)" },
	{ "engine-socket", "5.32", REFUSE, policy_check_engine_socket,
	  "do not mount a container engine's socket: it is root on the host; "
	  "give the container a narrower API" },
	{ "host-paths", "5.6", REFUSE, policy_check_host_paths,
	  "bind a dedicated directory or a named volume, not a host system "
	  "directory (or an ancestor of one)" },
	{ "devices", "5.18", REFUSE, policy_check_devices,
	  "remove the device and its allow rule (docker: no --device, "
	  "--device-cgroup-rule or --privileged)" },
	{ "propagation", "5.20", REFUSE, policy_check_propagation,
	  "use private, rprivate, slave or rslave propagation" },
	{ "seccomp", "5.22", REFUSE, policy_check_seccomp,
	  "use a profile whose defaultAction denies (SCMP_ACT_ERRNO, "
	  "SCMP_ACT_KILL_PROCESS...), e.g. Docker's default" },
	{ "sysctl", NULL, REFUSE, policy_check_sysctl,
	  "remove it: only namespaced sysctls (kernel.shm*, kernel.msg*, "
	  "kernel.sem, fs.mqueue.*, net.* with a new network namespace) "
	  "may be set" },
	{ "lsm", NULL, REFUSE, policy_check_lsm,
	  "remove the field (docker: --security-opt apparmor=unconfined / "
	  "label=disable); ward applies no LSM labels" },

	{ "userns", "5.31", HARDEN, policy_harden_userns,
	  "none needed; to pick the host ids, add a user namespace with "
	  "uidMappings and gidMappings" },
	{ "cgroupns", NULL, HARDEN, policy_harden_cgroupns,
	  "none needed (docker: --cgroupns private)" },
	{ "no-new-privileges", "5.26", HARDEN, policy_harden_nnp,
	  "none needed (docker: --security-opt no-new-privileges)" },
	{ "inheritable-caps", NULL, HARDEN, policy_harden_caps,
	  "none needed; list only what the process needs in "
	  "process.capabilities" },
	{ "masked-paths", NULL, HARDEN, policy_harden_masked,
	  "none needed" },
	{ "readonly-paths", NULL, HARDEN, policy_harden_readonly,
	  "none needed" },
	{ "pids-limit", "5.29", HARDEN, policy_harden_pids,
	  "set linux.resources.pids.limit (docker run --pids-limit N)" },
	{ "seccomp-baseline", "5.22", HARDEN, policy_harden_seccomp,
	  "none needed; add a profile (Docker's default) for a tighter "
	  "filter on top of the baseline" },
	{ "ping-group-range", NULL, HARDEN, policy_harden_ping,
	  "none needed" },

	{ "memory-limit", "5.11", WARN, policy_warn_memory,
	  "set linux.resources.memory.limit (docker run -m 512m)" },
	{ "cpu-shares", "5.12", WARN, policy_warn_cpu,
	  "set linux.resources.cpu.shares or quota (docker run "
	  "--cpu-shares 512 / --cpus 1)" },
	{ "readonly-rootfs", "5.13", WARN, policy_warn_rootfs,
	  "set root.readonly to true (docker run --read-only)" },
};

static const struct policy_rule exec_rules[] = {
	{ "root-user", "5.24", REFUSE, policy_check_root_user,
	  "exec as a non-root user (docker exec -u 1000)" },
	{ "caps", "5.23", REFUSE, policy_check_exec_caps,
	  "exec with at most the container's capabilities (docker: no "
	  "exec --privileged)" },
	{ "lsm", NULL, REFUSE, policy_check_lsm,
	  "remove the field; ward applies no LSM labels" },
	{ "no-new-privileges", "5.26", HARDEN, policy_harden_nnp,
	  "none needed" },
	{ "inheritable-caps", NULL, HARDEN, policy_harden_exec_caps,
	  "none needed" },
};

struct ward_verdict
policy_verdict(const struct policy_rule *rule)
{
	struct ward_verdict v = {
		.kind = rule->kind,
		.rule = rule->id,
		.cis = rule->cis,
		.fix = rule->fix,
	};

	return v;
}

/*
 * A message cut at its buffer's end may end inside a UTF-8 sequence; drop
 * the partial character so JSON output (check --format json, the --log
 * lines containerd parses) stays valid.
 */
static void
utf8_trim(char *s)
{
	size_t i = strlen(s), cont = 0, need;
	unsigned char lead;

	while (i > 0 && cont < 4 && ((unsigned char)s[i - 1] & 0xc0) == 0x80) {
		i--;
		cont++;
	}
	if (i == 0)
		return;
	lead = (unsigned char)s[i - 1];
	if (lead < 0xc0)
		return;
	need = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : 1;
	if (cont < need)
		s[i - 1] = '\0';
}

void
policy_path(struct ward_verdict *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v->path, sizeof(v->path), fmt, ap);
	va_end(ap);
	utf8_trim(v->path);
}

int
policy_emit(struct policy_ctx *x, struct ward_verdict *v, const char *fmt, ...)
{
	struct ward_report *r = x->r;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v->what, sizeof(v->what), fmt, ap);
	va_end(ap);
	utf8_trim(v->what);
	/* Capacity is 16, then doubles each time n reaches a power of two. */
	if (r->n == 0 || (r->n >= 16 && (r->n & (r->n - 1)) == 0)) {
		size_t cap = r->n == 0 ? 16 : r->n * 2;
		struct ward_verdict *nv;

		nv = realloc(r->v, cap * sizeof(*nv));
		if (nv == NULL)
			return ward_err_set(x->e, ENOMEM, "policy report");
		r->v = nv;
	}
	r->v[r->n++] = *v;
	if (v->kind == WARD_VERDICT_REFUSE)
		r->n_refused++;
	return 0;
}

static const struct ward_conf *
conf_or_default(const struct ward_conf *c, struct ward_conf *def)
{
	if (c != NULL)
		return c;
	ward_conf_defaults(def);
	return def;
}

static int
run_rules(struct policy_ctx *x, const struct policy_rule *rules, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int ret = rules[i].check(x, &rules[i]);

		if (ret < 0) {
			ward_err_prefix(x->e, "policy %s", rules[i].id);
			return ret;
		}
	}
	return 0;
}

int
ward_policy_check(struct ward_spec *s, const struct ward_conf *c,
		  struct ward_report *r, struct ward_err *e)
{
	struct ward_conf def;
	struct policy_ctx x = {
		.s = s,
		.conf = conf_or_default(c, &def),
		.r = r,
		.e = e,
	};

	memset(r, 0, sizeof(*r));
	return run_rules(&x, create_rules, WARD_ARRAY_SIZE(create_rules));
}

int
ward_policy_check_exec(struct ward_spec *proc,
		       const struct ward_spec *container,
		       const struct ward_conf *c, struct ward_report *r,
		       struct ward_err *e)
{
	struct ward_conf def;
	struct policy_ctx x = {
		.s = proc,
		.container = container,
		.conf = conf_or_default(c, &def),
		.r = r,
		.e = e,
	};

	memset(r, 0, sizeof(*r));
	if (container == NULL)
		return ward_err_set(e, EINVAL, "exec policy: no container spec");
	return run_rules(&x, exec_rules, WARD_ARRAY_SIZE(exec_rules));
}

int
ward_report_to_err(const struct ward_report *r, struct ward_err *e)
{
	char more[64] = "";
	char head[WARD_ERR_MSG_MAX];

	for (size_t i = 0; i < r->n; i++) {
		const struct ward_verdict *v = &r->v[i];
		size_t room;

		if (v->kind != WARD_VERDICT_REFUSE)
			continue;
		if (r->n_refused > 1)
			snprintf(more, sizeof(more),
				 " (+%zu more refused: run ward check)",
				 r->n_refused - 1);
		/* Cut the long tail (the fix) rather than the count. */
		room = sizeof(head) - strlen(more);
		if (v->cis != NULL)
			snprintf(head, room, "refused: %s [CIS %s] %s: %s — fix: %s",
				 v->rule, v->cis, v->path, v->what, v->fix);
		else
			snprintf(head, room, "refused: %s %s: %s — fix: %s",
				 v->rule, v->path, v->what, v->fix);
		utf8_trim(head);
		return ward_err_set(e, WARD_EPOLICY, "%s%s", head, more);
	}
	return 0;
}

void
ward_report_free(struct ward_report *r)
{
	if (r == NULL)
		return;
	free(r->v);
	memset(r, 0, sizeof(*r));
}

const char *
ward_verdict_kind_name(enum ward_verdict_kind k)
{
	switch (k) {
	case WARD_VERDICT_REFUSE:
		return "refuse";
	case WARD_VERDICT_HARDEN:
		return "harden";
	case WARD_VERDICT_WARN:
		return "warn";
	}
	return "unknown";
}
