/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linux.sysctl: only sysctls that live in a namespace the container owns may
 * be set; anything else (kernel.core_pattern...) would change the host. And
 * net.ipv4.ping_group_range names gids, which must be mapped in the
 * container's user namespace or the kernel rejects the write.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

#define KEY_MAX 256

/*
 * Keys come as "net.ipv4.ip_forward" or "net/ipv4/conf/eth0.1/forwarding"
 * (slashes keep dots in interface names). The sysctl stage writes under
 * /proc/sys, so a component that is empty, "." or ".." could walk to another
 * sysctl than the one checked here: refused. On success, out holds the dotted
 * form used for matching.
 */
static bool
normalize_key(const char *key, char *out, size_t len)
{
	char sep = strchr(key, '/') != NULL ? '/' : '.';
	const char *p = key;

	if (strlen(key) >= len || key[0] == '\0')
		return false;
	while (*p != '\0') {
		const char *q = strchr(p, sep);
		size_t n = q != NULL ? (size_t)(q - p) : strlen(p);

		if (n == 0 || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		if (q == NULL)
			break;
		p = q + 1;
		if (*p == '\0')
			return false;
	}
	for (size_t i = 0; key[i] != '\0'; i++)
		out[i] = key[i] == '/' ? '.' : key[i];
	out[strlen(key)] = '\0';
	return true;
}

/* The IPC namespace's sysctls (ipc/ipc_sysctl.c, ipc/mq_sysctl.c). */
static bool
is_ipc_sysctl(const char *k)
{
	static const char *const exact[] = {
		"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
	};

	if (ward_str_has_prefix(k, "kernel.shm") ||
	    ward_str_has_prefix(k, "fs.mqueue."))
		return true;
	for (size_t i = 0; i < WARD_ARRAY_SIZE(exact); i++)
		if (strcmp(k, exact[i]) == 0)
			return true;
	return false;
}

static bool
ns_is_new(const struct ward_spec *s, enum ward_ns_type t)
{
	return s->linux.ns[t].present && s->linux.ns[t].path == NULL;
}

/* NULL when allowed, else why not. */
static const char *
sysctl_refusal(const struct ward_spec *s, const char *key)
{
	char k[KEY_MAX];

	if (!normalize_key(key, k, sizeof(k)))
		return "is not a well-formed sysctl name";
	if (is_ipc_sysctl(k))
		return s->linux.ns[WARD_NS_IPC].present
			       ? NULL
			       : "needs an IPC namespace of the container's own";
	if (ward_str_has_prefix(k, "net."))
		/* A joined network namespace is shared with its owner. */
		return ns_is_new(s, WARD_NS_NET)
			       ? NULL
			       : "needs a new network namespace (one without "
				 "a path)";
	if (strcmp(k, "kernel.hostname") == 0 ||
	    strcmp(k, "kernel.domainname") == 0)
		return ns_is_new(s, WARD_NS_UTS)
			       ? NULL
			       : "needs a new UTS namespace (one without a path)";
	return "is not namespaced: setting it would change the host";
}

int
policy_check_sysctl(struct policy_ctx *x, const struct policy_rule *rule)
{
	const struct ward_linux *l = &x->s->linux;
	int ret = 0;

	for (size_t i = 0; i < l->n_sysctl && ret == 0; i++) {
		const char *why = sysctl_refusal(x->s, l->sysctl[i].key);
		struct ward_verdict v = policy_verdict(rule);

		if (why == NULL)
			continue;
		policy_path(&v, "linux.sysctl[%s]", l->sysctl[i].key);
		ret = policy_emit(x, &v, "%s %s", l->sysctl[i].key, why);
	}
	return ret;
}

/* "A B": two unsigned gids, blanks around and between, nothing else. */
static bool
parse_range(const char *s, uint32_t *a, uint32_t *b)
{
	char *end;
	unsigned long long v[2];

	for (int i = 0; i < 2; i++) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s < '0' || *s > '9')
			return false;
		errno = 0;
		v[i] = strtoull(s, &end, 10);
		if (errno != 0 || v[i] > UINT32_MAX || end == s)
			return false;
		s = end;
	}
	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	if (*s != '\0')
		return false;
	*a = (uint32_t)v[0];
	*b = (uint32_t)v[1];
	return true;
}

/*
 * Narrow [lo, hi] to its ends that are mapped: the smallest mapped gid >= lo
 * and the largest mapped gid <= hi. false when no mapped gid is in range.
 */
static bool
clamp_range(const struct ward_id_maps *maps, uint64_t *lo, uint64_t *hi)
{
	uint64_t nlo = UINT64_MAX, nhi = 0;
	bool found = false;

	for (size_t i = 0; i < maps->n; i++) {
		uint64_t a = maps->v[i].container_id;
		uint64_t b = a + maps->v[i].size - 1;

		if (maps->v[i].size == 0 || b < *lo || a > *hi)
			continue;
		found = true;
		a = a > *lo ? a : *lo;
		b = b < *hi ? b : *hi;
		nlo = a < nlo ? a : nlo;
		nhi = b > nhi ? b : nhi;
	}
	if (found) {
		*lo = nlo;
		*hi = nhi;
	}
	return found;
}

static struct ward_kv *
find_ping(struct ward_spec *s)
{
	for (size_t i = 0; i < s->linux.n_sysctl; i++) {
		char k[KEY_MAX];

		if (normalize_key(s->linux.sysctl[i].key, k, sizeof(k)) &&
		    strcmp(k, "net.ipv4.ping_group_range") == 0)
			return &s->linux.sysctl[i];
	}
	return NULL;
}

int
policy_harden_ping(struct policy_ctx *x, const struct policy_rule *rule)
{
	/* With no gidMappings ward allocates container ids 0..65535. */
	struct ward_id_map def = { 0, 0, WARD_CONF_USERNS_BLOCK };
	struct ward_id_maps maps = { &def, 1 };
	struct ward_verdict v = policy_verdict(rule);
	struct ward_kv *kv = find_ping(x->s);
	uint32_t a, b;
	uint64_t lo, hi;
	char val[32];

	/* A joined user namespace's maps are not ours to know: the kernel
	 * checks the write. */
	if (kv == NULL || x->s->linux.ns[WARD_NS_USER].path != NULL)
		return 0;
	if (x->s->linux.gid_mappings.n > 0)
		maps = x->s->linux.gid_mappings;
	policy_path(&v, "linux.sysctl[%s]", kv->key);
	if (!parse_range(kv->value, &a, &b)) {
		v.kind = WARD_VERDICT_REFUSE;
		v.fix = "set it to two gids, e.g. \"0 65535\"";
		return policy_emit(x, &v, "'%s' is not a gid range", kv->value);
	}
	lo = a;
	hi = b;
	/* "1 0" (low > high) is the kernel's "nobody may ping": leave it. */
	if (a > b || !clamp_range(&maps, &lo, &hi)) {
		if (a > b)
			return 0;
		v.kind = WARD_VERDICT_REFUSE;
		v.fix = "name gids that are mapped in the container";
		return policy_emit(x, &v, "no gid in %u..%u is mapped in the "
					  "container's user namespace", a, b);
	}
	if (lo == a && hi == b)
		return 0;
	snprintf(val, sizeof(val), "%" PRIu64 " %" PRIu64, lo, hi);
	kv->value = ward_spec_strdup(x->s, val);
	if (kv->value == NULL)
		return ward_err_set(x->e, ENOMEM, "ping_group_range");
	return policy_emit(x, &v, "clamped \"%u %u\" to \"%s\": only gids "
				  "mapped in the container can be named", a, b,
			   val);
}
