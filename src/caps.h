/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Capabilities: the five sets of process.capabilities, validated against the
 * running kernel and the runtime's own bounding set in the parent, applied
 * with libcap-ng in the child.
 */
#ifndef WARD_CAPS_H
#define WARD_CAPS_H

#include <stdint.h>

#include "ward/error.h"
#include "spec.h"

struct ward_caps_plan {
	uint64_t set[WARD_CAP__N];	/* indexed by enum ward_capset */
	int last_cap;			/* the running kernel's cap_last_cap */
};

/*
 * Parent, before clone. Every capability named in any set must exist in the
 * running kernel and in the runtime's bounding set (a capability the host
 * cannot grant is an error naming it, never dropped); effective must be a
 * subset of permitted and inheritable of bounding, as the kernel requires.
 * Ambient capabilities outside permitted & inheritable cannot be raised: they
 * are left out of the plan with a warning. An absent or empty request plans a
 * process with no capabilities at all.
 */
int ward_caps_plan(const struct ward_process *p, struct ward_caps_plan *out,
		   struct ward_err *e);

/*
 * Child, syscalls only. Must run after ward_process_apply_user(), which set
 * PR_SET_KEEPCAPS before switching ids, so the permitted set still holds
 * CAP_SETPCAP: it is raised into the effective set, the bounding set is
 * dropped while it is held, then effective/permitted/inheritable and ambient
 * are set to exactly the plan, PR_SET_KEEPCAPS is cleared and the result is
 * read back from the kernel and compared (fail closed).
 */
int ward_caps_apply(const struct ward_caps_plan *p, struct ward_err *e);

#endif
