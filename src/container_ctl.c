/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The commands that act on a live container's cgroup: ps, pause, resume,
 * and the paused status every other command must see.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ward/cleanup.h"
#include "container.h"
#include "container_ctl.h"

_Static_assert(sizeof(pid_t) == sizeof(int), "ward_container_pids hands out pid_t as int");

int
ward_ctl_open_cgroup(const struct ward_state *st, struct ward_cgroup **out,
		     struct ward_err *e)
{
	struct ward_cgroup *cg;
	int ret;

	*out = NULL;
	if (st->cgroup[0] == '\0')
		return ward_err_set(e, ENOENT, "container \"%s\" has no cgroup",
				    st->id);
	cg = calloc(1, sizeof(*cg));
	if (cg == NULL)
		return ward_err_set(e, ENOMEM, "cgroup");
	ret = ward_cgroup_open(st->cgroup, cg, e);
	if (ret < 0) {
		free(cg);
		return ret;
	}
	*out = cg;
	return 0;
}

/* Lock, load, unlock: for the commands that only read the state. */
int
ward_ctl_load_state(const char *root, const char *id, struct ward_state *st,
		    struct ward_err *e)
{
	struct ward_state_dir d;
	int ret;

	ret = ward_state_open(root, id, &d, e);
	if (ret < 0)
		return ret;
	ret = ward_state_load(&d, st, e);
	ward_state_close(&d);
	return ret;
}

enum ward_status
ward_container_live_status(const struct ward_state *st)
{
	enum ward_status s = ward_state_status(st);
	struct ward_cgroup *cg = NULL;

	if (s != WARD_STATUS_CREATED && s != WARD_STATUS_RUNNING)
		return s;
	/* Unreadable cgroup: report what /proc says rather than guess. */
	if (ward_ctl_open_cgroup(st, &cg, &(struct ward_err){ 0 }) < 0)
		return s;
	if (ward_cgroup_is_frozen(cg))
		s = WARD_STATUS_PAUSED;
	free(cg);
	return s;
}

int
ward_container_thaw(const struct ward_state *st, struct ward_err *e)
{
	struct ward_cgroup *cg = NULL;
	int ret;

	if (st->cgroup[0] == '\0')
		return 0;
	ret = ward_ctl_open_cgroup(st, &cg, e);
	if (ret == 0 && ward_cgroup_is_frozen(cg))
		ret = ward_cgroup_freeze(cg, false, e);
	free(cg);
	return ret;
}

int
ward_container_pids(const char *root, const char *id, int **pids, size_t *n,
		    struct ward_err *e)
{
	struct ward_cgroup *cg = NULL;
	struct ward_state st;
	pid_t *v = NULL;
	int ret;

	*pids = NULL;
	*n = 0;
	ret = ward_ctl_load_state(root, id, &st, e);
	if (ret < 0)
		return ret;
	/* A container without a cgroup has nothing ward could list. */
	if (st.cgroup[0] == '\0')
		return 0;
	ret = ward_ctl_open_cgroup(&st, &cg, e);
	if (ret == 0)
		ret = ward_cgroup_pids(cg, &v, n, e);
	free(cg);
	if (ret < 0)
		return ret;
	*pids = (int *)v;
	return 0;
}

/* runc: a created or running container can be paused; anything else not. */
static int
set_frozen(const char *root, const char *id, bool frozen, struct ward_err *e)
{
	struct ward_cgroup *cg = NULL;
	struct ward_state_dir d;
	struct ward_state st;
	enum ward_status s;
	int ret;

	ret = ward_state_open(root, id, &d, e);
	if (ret < 0)
		return ret;
	ret = ward_state_load(&d, &st, e);
	if (ret < 0)
		goto out;
	s = ward_container_live_status(&st);
	if (frozen && s != WARD_STATUS_CREATED && s != WARD_STATUS_RUNNING)
		ret = ward_err_set(e, EINVAL, "cannot pause \"%s\" (%s): "
				   "container not running", id,
				   ward_status_name(s));
	else if (!frozen && s != WARD_STATUS_PAUSED)
		ret = ward_err_set(e, EINVAL, "cannot resume \"%s\" (%s): "
				   "container not paused", id,
				   ward_status_name(s));
	if (ret == 0)
		ret = ward_ctl_open_cgroup(&st, &cg, e);
	if (ret == 0)
		ret = ward_cgroup_freeze(cg, frozen, e);
	free(cg);
out:
	ward_state_close(&d);
	return ret;
}

int
ward_container_pause(const char *root, const char *id, struct ward_err *e)
{
	return set_frozen(root, id, true, e);
}

int
ward_container_resume(const char *root, const char *id, struct ward_err *e)
{
	return set_frozen(root, id, false, e);
}
