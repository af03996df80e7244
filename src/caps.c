/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cap-ng.h>

#include "caps.h"
#include "capname.h"
#include "log.h"
#include "util.h"
#include "ward/cleanup.h"

#define CAP_BIT(c) (UINT64_C(1) << (c))

static const char *
cap_label(int cap)
{
	const char *n = ward_cap_name(cap);

	return n != NULL ? n : "an unnamed capability";
}

/* The kernel's highest capability; probing the bounding set works without /proc. */
static int
kernel_last_cap(int *out, struct ward_err *e)
{
	_cleanup_free_ char *buf = NULL;
	struct ward_err ignored = { 0 };
	uint64_t v;
	size_t len;
	int cap;

	if (ward_read_file("/proc/sys/kernel/cap_last_cap", 32, &buf, &len,
			   &ignored) == 0) {
		buf[strcspn(buf, "\n")] = '\0';
		if (ward_parse_u64(buf, &v) == 0 && v < 64) {
			*out = (int)v;
			return 0;
		}
	}
	for (cap = 0; cap < 64; cap++)
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) < 0)
			break;
	if (cap == 0)
		return ward_err_set(e, errno, "cannot read the kernel's capability range");
	*out = cap - 1;
	return 0;
}

/* Every named capability exists here and the runtime can still grant it. */
static int
check_grantable(const struct ward_caps *c, int last_cap, struct ward_err *e)
{
	for (int s = 0; s < WARD_CAP__N; s++) {
		for (int cap = 0; cap < 64; cap++) {
			int r;

			if (!(c->set[s] & CAP_BIT(cap)))
				continue;
			if (cap > last_cap)
				return ward_err_set(e, EINVAL,
					"capability %s (process.capabilities.%s) is not supported by the running kernel (cap_last_cap %d)",
					cap_label(cap), ward_capset_name(s), last_cap);
			r = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
			if (r < 0)
				return ward_err_set(e, errno, "PR_CAPBSET_READ %s",
						    cap_label(cap));
			if (r == 0)
				return ward_err_set(e, EPERM,
					"capability %s (process.capabilities.%s) is not in the runtime's bounding set: the host cannot grant it",
					cap_label(cap), ward_capset_name(s));
		}
	}
	return 0;
}

/* Report the lowest capability in mask, which the caller knows is non-zero. */
static int
lowest_cap(uint64_t mask)
{
	return __builtin_ctzll(mask);
}

int
ward_caps_plan(const struct ward_process *p, struct ward_caps_plan *out,
	       struct ward_err *e)
{
	const uint64_t *s;
	uint64_t extra, amb;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = kernel_last_cap(&out->last_cap, e);
	if (ret < 0)
		return ret;
	/*
	 * Warm libcap-ng up here: its first use reads cap_last_cap, which the
	 * child should not depend on. The child resets the target pid, since
	 * a clone() does not run libcap-ng's atfork handler.
	 */
	capng_clear(CAPNG_SELECT_ALL);
	if (p == NULL || !p->has_caps)
		return 0;
	ret = check_grantable(&p->caps, out->last_cap, e);
	if (ret < 0)
		return ret;
	s = p->caps.set;
	extra = s[WARD_CAP_EFFECTIVE] & ~s[WARD_CAP_PERMITTED];
	if (extra != 0)
		return ward_err_set(e, EINVAL,
			"capability %s is in process.capabilities.effective but not in permitted",
			cap_label(lowest_cap(extra)));
	extra = s[WARD_CAP_INHERITABLE] & ~s[WARD_CAP_BOUNDING];
	if (extra != 0)
		return ward_err_set(e, EINVAL,
			"capability %s is in process.capabilities.inheritable but not in bounding",
			cap_label(lowest_cap(extra)));
	memcpy(out->set, s, sizeof(out->set));
	/* The kernel raises an ambient capability only if it is in P and I. */
	amb = s[WARD_CAP_AMBIENT] & s[WARD_CAP_PERMITTED] & s[WARD_CAP_INHERITABLE];
	extra = s[WARD_CAP_AMBIENT] & ~amb;
	for (int cap = 0; extra != 0 && cap < 64; cap++)
		if (extra & CAP_BIT(cap))
			ward_warn("capability %s left out of the ambient set: it is not in both permitted and inheritable",
				  cap_label(cap));
	out->set[WARD_CAP_AMBIENT] = amb;
	return 0;
}

static int
caps_get(struct __user_cap_data_struct d[2], struct ward_err *e)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
		.pid = 0,
	};

	if (syscall(SYS_capget, &h, d) < 0)
		return ward_err_set(e, errno, "capget");
	return 0;
}

static uint64_t
join32(uint32_t lo, uint32_t hi)
{
	return (uint64_t)lo | ((uint64_t)hi << 32);
}

/*
 * The uid switch cleared the effective set but PR_SET_KEEPCAPS kept the
 * permitted one: make it effective again, since dropping from the bounding
 * set needs CAP_SETPCAP in the effective set.
 */
static int
raise_effective(struct ward_err *e)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
		.pid = 0,
	};
	struct __user_cap_data_struct d[2];
	int ret;

	ret = caps_get(d, e);
	if (ret < 0)
		return ret;
	if (!(d[0].permitted & CAP_BIT(CAP_SETPCAP)))
		return ward_err_set(e, EPERM,
			"CAP_SETPCAP is not permitted: the bounding set cannot be dropped (was PR_SET_KEEPCAPS set before the uid switch?)");
	d[0].effective = d[0].permitted;
	d[1].effective = d[1].permitted;
	if (syscall(SYS_capset, &h, d) < 0)
		return ward_err_set(e, errno, "capset (raise effective)");
	return 0;
}

/*
 * Done by hand rather than with capng_apply(CAPNG_SELECT_BOUNDS): libcap-ng
 * 0.8 re-reads /proc/PID/status through stdio there (it allocates) and a
 * failed drop is only logged, not returned.
 */
static int
drop_bounding(const struct ward_caps_plan *p, struct ward_err *e)
{
	for (int cap = 0; cap <= p->last_cap; cap++) {
		if (p->set[WARD_CAP_BOUNDING] & CAP_BIT(cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			return ward_err_set(e, errno, "PR_CAPBSET_DROP %s",
					    cap_label(cap));
	}
	return 0;
}

static int
load_capng(const struct ward_caps_plan *p, struct ward_err *e)
{
	static const struct {
		enum ward_capset set;
		capng_type_t type;
	} map[] = {
		{ WARD_CAP_EFFECTIVE, CAPNG_EFFECTIVE },
		{ WARD_CAP_PERMITTED, CAPNG_PERMITTED },
		{ WARD_CAP_INHERITABLE, CAPNG_INHERITABLE },
		{ WARD_CAP_AMBIENT, CAPNG_AMBIENT },
	};

	capng_clear(CAPNG_SELECT_ALL);
	/* 0 = this process: the pid cached in the parent is not ours. */
	capng_setpid(0);
	for (size_t i = 0; i < WARD_ARRAY_SIZE(map); i++) {
		for (int cap = 0; cap <= p->last_cap; cap++) {
			if (!(p->set[map[i].set] & CAP_BIT(cap)))
				continue;
			if (capng_update(CAPNG_ADD, map[i].type, (unsigned)cap) != 0)
				return ward_err_set(e, EINVAL, "capng_update %s",
						    cap_label(cap));
		}
	}
	return 0;
}

static int
apply_capng(const struct ward_caps_plan *p, struct ward_err *e)
{
	int rc, ret;

	ret = load_capng(p, e);
	if (ret < 0)
		return ret;
	/* capng_apply returns its own small negative codes, not errno. */
	rc = capng_apply(CAPNG_SELECT_CAPS);
	if (rc != 0)
		return ward_err_set(e, EPERM, "capng_apply(caps) failed with code %d",
				    rc);
	/* Ambient after capset: a capability must be in P and I to be raised. */
	rc = capng_apply(CAPNG_SELECT_AMBIENT);
	if (rc != 0)
		return ward_err_set(e, EPERM,
				    "capng_apply(ambient) failed with code %d", rc);
	return 0;
}

static int
check_set(const char *what, uint64_t got, uint64_t want, struct ward_err *e)
{
	if (got == want)
		return 0;
	return ward_err_set(e, EPERM,
		"capability %s set is %#llx after applying, not %#llx",
		what, (unsigned long long)got, (unsigned long long)want);
}

/* Read the result back: nothing in libcap-ng may silently fall short. */
static int
verify(const struct ward_caps_plan *p, struct ward_err *e)
{
	struct __user_cap_data_struct d[2];
	uint64_t bnd = 0, amb = 0;
	int ret;

	ret = caps_get(d, e);
	if (ret < 0)
		return ret;
	for (int cap = 0; cap <= p->last_cap; cap++) {
		int b = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
		int a = prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, cap, 0, 0);

		if (b < 0 || a < 0)
			return ward_err_set(e, errno, "reading back %s",
					    cap_label(cap));
		bnd |= b ? CAP_BIT(cap) : 0;
		amb |= a ? CAP_BIT(cap) : 0;
	}
	ret = check_set("effective", join32(d[0].effective, d[1].effective),
			p->set[WARD_CAP_EFFECTIVE], e);
	if (ret == 0)
		ret = check_set("permitted", join32(d[0].permitted, d[1].permitted),
				p->set[WARD_CAP_PERMITTED], e);
	if (ret == 0)
		ret = check_set("inheritable",
				join32(d[0].inheritable, d[1].inheritable),
				p->set[WARD_CAP_INHERITABLE], e);
	if (ret == 0)
		ret = check_set("bounding", bnd, p->set[WARD_CAP_BOUNDING], e);
	if (ret == 0)
		ret = check_set("ambient", amb, p->set[WARD_CAP_AMBIENT], e);
	return ret;
}

int
ward_caps_apply(const struct ward_caps_plan *p, struct ward_err *e)
{
	int ret;

	/* Order: SETPCAP effective, then bounding (needs it), then the sets. */
	ret = raise_effective(e);
	if (ret < 0)
		return ret;
	ret = drop_bounding(p, e);
	if (ret < 0)
		return ret;
	ret = apply_capng(p, e);
	if (ret < 0)
		return ret;
	/* Keepcaps only bridged the uid switch; a later setuid must clear P. */
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return ward_err_set(e, errno, "PR_SET_KEEPCAPS 0");
	return verify(p, e);
}
