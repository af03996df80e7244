/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by container_ctl.c, container_update.c and container_events.c. */
#ifndef WARD_CONTAINER_CTL_H
#define WARD_CONTAINER_CTL_H

#include "cgroup.h"
#include "state.h"

/* The container's cgroup from state.json's description (malloc'd). */
int ward_ctl_open_cgroup(const struct ward_state *st, struct ward_cgroup **out,
			 struct ward_err *e);
/* Lock, load state.json, unlock. */
int ward_ctl_load_state(const char *root, const char *id, struct ward_state *st,
			struct ward_err *e);

#endif
