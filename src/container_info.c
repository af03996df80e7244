/* SPDX-License-Identifier: Apache-2.0 */
/* Read-only views: the OCI state document, the container list, signal names. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yajl/yajl_gen.h>

#include "ward/cleanup.h"
#include "container.h"
#include "container_ctl.h"
#include "util.h"

static void
gen_kv(yajl_gen g, const char *k, const char *v)
{
	yajl_gen_string(g, (const unsigned char *)k, strlen(k));
	yajl_gen_string(g, (const unsigned char *)v, strlen(v));
}

int
ward_state_to_oci_json(const struct ward_state *st, enum ward_status status,
		       const struct ward_spec *s, char **json, struct ward_err *e)
{
	const unsigned char *buf;
	size_t len;
	yajl_gen g = yajl_gen_alloc(NULL);

	if (g == NULL)
		return ward_err_set(e, ENOMEM, "state json");
	yajl_gen_map_open(g);
	gen_kv(g, "ociVersion", WARD_OCI_VERSION);
	gen_kv(g, "id", st->id);
	gen_kv(g, "status", ward_status_name(status));
	yajl_gen_string(g, (const unsigned char *)"pid", 3);
	/* The spec: pid only while the process exists. */
	yajl_gen_integer(g, status == WARD_STATUS_STOPPED ? 0 : st->pid);
	gen_kv(g, "bundle", st->bundle);
	gen_kv(g, "rootfs", st->rootfs);
	gen_kv(g, "created", st->created);
	yajl_gen_string(g, (const unsigned char *)"owner", 5);
	yajl_gen_string(g, (const unsigned char *)"", 0);
	yajl_gen_string(g, (const unsigned char *)"annotations", 11);
	yajl_gen_map_open(g);
	for (size_t i = 0; s != NULL && i < s->n_annotations; i++)
		gen_kv(g, s->annotations[i].key, s->annotations[i].value);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok ||
	    (*json = strndup((const char *)buf, len)) == NULL) {
		yajl_gen_free(g);
		return ward_err_set(e, ENOMEM, "state json");
	}
	yajl_gen_free(g);
	return 0;
}

int
ward_container_state_json(const char *root, const char *id, char **json,
			  struct ward_err *e)
{
	struct ward_state_dir d;
	struct ward_state st;
	struct ward_spec *s = NULL;
	int ret;

	ret = ward_state_open(root, id, &d, e);
	if (ret < 0)
		return ret;
	ret = ward_state_load(&d, &st, e);
	if (ret == 0) {
		/* Annotations are best effort: the state itself is what matters. */
		ward_container_load_spec(&d, &s, &(struct ward_err){ 0 });
		ret = ward_state_to_oci_json(&st, ward_container_live_status(&st), s,
					     json, e);
		ward_spec_free(s);
	}
	ward_state_close(&d);
	return ret;
}

static int
add_info(const char *root, const char *id, struct ward_container_info **v,
	 size_t *n)
{
	struct ward_state st;
	struct ward_container_info *nv, *ci;

	/* Deleted meanwhile, or mid-create (no state.json yet): not listed. */
	if (ward_ctl_load_state(root, id, &st, &(struct ward_err){ 0 }) < 0)
		return 0;
	nv = realloc(*v, (*n + 1) * sizeof(**v));
	if (nv == NULL)
		return -ENOMEM;
	*v = nv;
	ci = &nv[(*n)++];
	memset(ci, 0, sizeof(*ci));
	snprintf(ci->id, sizeof(ci->id), "%s", st.id);
	snprintf(ci->status, sizeof(ci->status), "%s",
		 ward_status_name(ward_container_live_status(&st)));
	ci->pid = strcmp(ci->status, "stopped") == 0 ? 0 : st.pid;
	snprintf(ci->bundle, sizeof(ci->bundle), "%s", st.bundle);
	snprintf(ci->created, sizeof(ci->created), "%s", st.created);
	ci->owner = st.owner;
	return 0;
}

int
ward_container_list(const char *root, struct ward_container_info **v, size_t *n,
		    struct ward_err *e)
{
	_cleanup_closedir_ DIR *dir = opendir(root);
	struct dirent *de;

	*v = NULL;
	*n = 0;
	if (dir == NULL)
		return errno == ENOENT ? 0 : ward_err_set(e, errno, "open %s", root);
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.' || de->d_type != DT_DIR ||
		    ward_state_validate_id(de->d_name, &(struct ward_err){ 0 }) < 0)
			continue;
		if (add_info(root, de->d_name, v, n) < 0) {
			free(*v);
			*v = NULL;
			*n = 0;
			return ward_err_set(e, ENOMEM, "list");
		}
	}
	return 0;
}

int
ward_signal_parse(const char *s)
{
	uint64_t num;

	if (ward_parse_u64(s, &num) == 0)
		return num >= 1 && num <= (uint64_t)SIGRTMAX ? (int)num : -EINVAL;
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (int i = 1; i < NSIG; i++) {
		const char *abbrev = sigabbrev_np(i);

		if (abbrev != NULL && strcasecmp(abbrev, s) == 0)
			return i;
	}
	return -EINVAL;
}
