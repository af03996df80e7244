/* SPDX-License-Identifier: Apache-2.0 */
/* state.json: ward's own record of a container (not the OCI `state` output). */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "ward/cleanup.h"
#include "state.h"
#include "util.h"

#define STATE_MAX_BYTES (64u << 10)

static void
gen_str(yajl_gen g, const char *k, const char *v)
{
	yajl_gen_string(g, (const unsigned char *)k, strlen(k));
	yajl_gen_string(g, (const unsigned char *)v, strlen(v));
}

static void
gen_int(yajl_gen g, const char *k, long long v)
{
	yajl_gen_string(g, (const unsigned char *)k, strlen(k));
	yajl_gen_integer(g, v);
}

int
ward_state_save(const struct ward_state_dir *d, const struct ward_state *st,
		struct ward_err *e)
{
	char num[32];
	const unsigned char *buf;
	size_t len;
	yajl_gen g = yajl_gen_alloc(NULL);
	int ret;

	if (g == NULL)
		return ward_err_set(e, ENOMEM, "state.json");
	yajl_gen_map_open(g);
	gen_str(g, "id", st->id);
	gen_int(g, "pid", st->pid);
	/* u64 as a string: yajl integers are signed long long. */
	snprintf(num, sizeof(num), "%llu", (unsigned long long)st->pid_start);
	gen_str(g, "pid_start", num);
	gen_str(g, "bundle", st->bundle);
	gen_str(g, "rootfs", st->rootfs);
	gen_str(g, "created", st->created);
	gen_int(g, "idmap_block", st->idmap_block);
	gen_str(g, "cgroup", st->cgroup);
	gen_int(g, "owner", st->owner);
	yajl_gen_map_close(g);
	if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok) {
		yajl_gen_free(g);
		return ward_err_set(e, EINVAL, "state.json: generate");
	}
	ret = ward_rewrite_json_at(d->dirfd, "state.json", buf, len, 0600, e);
	yajl_gen_free(g);
	return ret;
}

static int
get_str(yajl_val root, const char *key, char *out, size_t len)
{
	const char *p[] = { key, NULL };
	yajl_val v = yajl_tree_get(root, p, yajl_t_string);

	if (v == NULL)
		return -EINVAL;
	if (snprintf(out, len, "%s", YAJL_GET_STRING(v)) >= (int)len)
		return -ENAMETOOLONG;
	return 0;
}

static int
get_int(yajl_val root, const char *key, long long *out)
{
	const char *p[] = { key, NULL };
	yajl_val v = yajl_tree_get(root, p, yajl_t_number);

	if (v == NULL || !YAJL_IS_INTEGER(v))
		return -EINVAL;
	*out = YAJL_GET_INTEGER(v);
	return 0;
}

static int
fill_state(yajl_val root, struct ward_state *st)
{
	char num[32];
	long long pid = 0, block = -1, owner = 0;
	uint64_t start;
	int ret = 0;

	ret |= get_str(root, "id", st->id, sizeof(st->id));
	ret |= get_int(root, "pid", &pid);
	ret |= get_str(root, "pid_start", num, sizeof(num));
	ret |= get_str(root, "bundle", st->bundle, sizeof(st->bundle));
	ret |= get_str(root, "rootfs", st->rootfs, sizeof(st->rootfs));
	ret |= get_str(root, "created", st->created, sizeof(st->created));
	ret |= get_int(root, "idmap_block", &block);
	ret |= get_str(root, "cgroup", st->cgroup, sizeof(st->cgroup));
	ret |= get_int(root, "owner", &owner);
	if (ret != 0 || ward_parse_u64(num, &start) < 0)
		return -EINVAL;
	st->pid = (pid_t)pid;
	st->pid_start = start;
	st->idmap_block = block;
	st->owner = (uid_t)owner;
	return 0;
}

int
ward_state_load(const struct ward_state_dir *d, struct ward_state *st,
		struct ward_err *e)
{
	_cleanup_free_ char *buf = NULL;
	char errbuf[128];
	yajl_val root;
	int ret;

	memset(st, 0, sizeof(*st));
	ret = ward_read_file_at(d->dirfd, "state.json", STATE_MAX_BYTES, &buf, NULL, e);
	if (ret < 0)
		return ret;
	root = yajl_tree_parse(buf, errbuf, sizeof(errbuf));
	if (root == NULL)
		return ward_err_set(e, EINVAL, "%s/state.json: %s", d->path, errbuf);
	ret = fill_state(root, st);
	yajl_tree_free(root);
	if (ret < 0)
		return ward_err_set(e, EINVAL, "%s/state.json: missing fields", d->path);
	st->started = ward_state_started(d);
	return 0;
}
