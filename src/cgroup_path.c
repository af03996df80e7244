/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
/*
 * linux.cgroupsPath to a cgroup path, including systemd's
 * "slice:prefix:name" form mapped to the cgroupfs path systemd itself would
 * use, and the compact description saved in state.json.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup_int.h"

/* ';' and '|' separate fields of the saved description. */
static int
check_chars(const char *what, const char *s, struct ward_err *e)
{
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		if (*c <= ' ' || *c == 0x7f || *c == ';' || *c == '|')
			return ward_err_set(e, EINVAL,
					    "linux.cgroupsPath: %s %s: spaces, "
					    "control characters, ';' and '|' "
					    "are not supported", what, s);
	return 0;
}

static int
append(char *out, size_t len, size_t *used, const char *s, size_t n,
       struct ward_err *e)
{
	if (*used + n + 1 > len)
		return ward_err_set(e, ENAMETOOLONG, "linux.cgroupsPath: too long");
	memcpy(out + *used, s, n);
	*used += n;
	out[*used] = '\0';
	return 0;
}

/*
 * systemd's slice nesting: "a-b-c.slice" is /a.slice/a-b.slice/a-b-c.slice;
 * "-.slice" is the root slice.
 */
static int
expand_slice(const char *slice, char *out, size_t len, size_t *used,
	     struct ward_err *e)
{
	size_t n = strlen(slice), base;
	int ret = 0;

	if (!ward_str_has_suffix(slice, ".slice") || strchr(slice, '/') != NULL)
		return ward_err_set(e, EINVAL,
				    "linux.cgroupsPath: invalid slice %s", slice);
	if (strcmp(slice, "-.slice") == 0)
		return 0;
	base = n - strlen(".slice");
	if (base == 0 || slice[0] == '-' || slice[base - 1] == '-' ||
	    memmem(slice, base, "--", 2) != NULL)
		return ward_err_set(e, EINVAL,
				    "linux.cgroupsPath: invalid slice %s", slice);
	for (size_t i = 0; i < base && ret == 0; i++) {
		if (slice[i] != '-')
			continue;
		ret = append(out, len, used, "/", 1, e);
		if (ret == 0)
			ret = append(out, len, used, slice, i, e);
		if (ret == 0)
			ret = append(out, len, used, ".slice", 6, e);
	}
	if (ret == 0)
		ret = append(out, len, used, "/", 1, e);
	if (ret == 0)
		ret = append(out, len, used, slice, n, e);
	return ret;
}

static int
systemd_path(const char *cp, const char *id, char *out, size_t len,
	     struct ward_err *e)
{
	char buf[PATH_MAX], *slice, *prefix, *name;
	size_t used = 0;
	int ret;

	if (cp == NULL || cp[0] == '\0')
		snprintf(buf, sizeof(buf), "system.slice:ward:%s", id);
	else if (strlen(cp) >= sizeof(buf))
		return ward_err_set(e, ENAMETOOLONG, "linux.cgroupsPath: too long");
	else
		strcpy(buf, cp);
	slice = buf;
	prefix = strchr(slice, ':');
	name = prefix ? strchr(prefix + 1, ':') : NULL;
	if (name == NULL || strchr(name + 1, ':') != NULL)
		return ward_err_set(e, EINVAL,
				    "linux.cgroupsPath %s: with --systemd-cgroup "
				    "it must be \"slice:prefix:name\"", cp);
	*prefix++ = '\0';
	*name++ = '\0';
	if (name[0] == '\0' || strchr(name, '/') || strchr(prefix, '/'))
		return ward_err_set(e, EINVAL,
				    "linux.cgroupsPath %s: invalid unit name",
				    cp);
	out[0] = '\0';
	ret = expand_slice(slice[0] ? slice : "system.slice", out, len, &used, e);
	if (ret == 0)
		ret = append(out, len, &used, "/", 1, e);
	/* A name that is itself a slice is used as is, like systemd does. */
	if (ret == 0 && ward_str_has_suffix(name, ".slice"))
		return append(out, len, &used, name, strlen(name), e);
	if (ret == 0 && prefix[0] != '\0') {
		ret = append(out, len, &used, prefix, strlen(prefix), e);
		if (ret == 0)
			ret = append(out, len, &used, "-", 1, e);
	}
	if (ret == 0)
		ret = append(out, len, &used, name, strlen(name), e);
	if (ret == 0)
		ret = append(out, len, &used, ".scope", 6, e);
	return ret;
}

int
ward_cgroup_path(const char *cgroups_path, const char *id, bool systemd,
		 char *out, size_t len, bool *relative, struct ward_err *e)
{
	char tmp[PATH_MAX];
	int ret;

	*relative = false;
	if (systemd) {
		ret = systemd_path(cgroups_path, id, out, len, e);
	} else if (cgroups_path == NULL || cgroups_path[0] == '\0') {
		ret = snprintf(tmp, sizeof(tmp), "/ward/%s", id) >=
				      (int)sizeof(tmp) ? -ENAMETOOLONG : 0;
		if (ret == 0)
			ret = ward_path_clean(tmp, out, len);
	} else {
		/* Relative: below the runtime's own cgroup, as runc does. */
		*relative = cgroups_path[0] != '/';
		ret = snprintf(tmp, sizeof(tmp), "/%s", cgroups_path) >=
				      (int)sizeof(tmp) ? -ENAMETOOLONG : 0;
		/* Cleaning keeps ".." from climbing above that base. */
		if (ret == 0)
			ret = ward_path_clean(tmp, out, len);
	}
	if (ret < 0)
		return ward_err_set(e, -ret, "linux.cgroupsPath %s",
				    cgroups_path ? cgroups_path : "");
	if (strcmp(out, "/") == 0)
		return ward_err_set(e, EINVAL, "linux.cgroupsPath %s: the root "
				    "cgroup cannot hold a container",
				    cgroups_path);
	return check_chars("path", out, e);
}

int
ward_cgroup_describe(const struct ward_cgroup *cg, char *buf, size_t len)
{
	size_t used;
	bool same = true;
	int n;

	n = snprintf(buf, len, "v=%s;", ward_cgroup_mode_name(cg->mode));
	if (cg->overridden)
		n += snprintf(buf + n, len > (size_t)n ? len - n : 0, "r=%s;",
			      cg->h[0].mnt);
	n += snprintf(buf + n, len > (size_t)n ? len - n : 0, "c=");
	if ((size_t)n >= len || (size_t)n + cg->n + 3 >= len)
		return -ENAMETOOLONG;
	used = (size_t)n;
	/* One digit per hierarchy: deeper creations are capped (leaked). */
	for (size_t i = 0; i < cg->n; i++)
		buf[used++] = (char)('0' + (cg->h[i].created > 9 ? 9
								: cg->h[i].created));
	memcpy(buf + used, ";p=", 4);
	used += 3;
	for (size_t i = 1; i < cg->n; i++)
		same = same && strcmp(cg->h[i].path, cg->h[0].path) == 0;
	for (size_t i = 0; i < (same ? 1 : cg->n); i++) {
		n = snprintf(buf + used, len - used, "%s%s", i ? "|" : "",
			     cg->h[i].path);
		if (n < 0 || (size_t)n >= len - used)
			return -ENAMETOOLONG;
		used += (size_t)n;
	}
	return 0;
}

/* Split "k=v;k=v;..." in place. */
static char *
field(char *desc, const char *key)
{
	size_t kl = strlen(key);

	for (char *f = desc; f != NULL && *f != '\0';) {
		char *end = strchr(f, ';');

		if (strncmp(f, key, kl) == 0 && f[kl] == '=')
			return f + kl + 1;
		f = end ? end + 1 : NULL;
	}
	return NULL;
}

static int
open_paths(struct ward_cgroup *cg, char *paths, const char *counts,
	   struct ward_err *e)
{
	size_t np = 1;

	for (char *p = paths; *p; p++)
		np += *p == '|';
	if (strspn(counts, "0123456789") != cg->n || (np != 1 && np != cg->n))
		return ward_err_set(e, ESTALE, "saved cgroup does not match the "
				    "host's cgroup layout");
	for (size_t i = 0; i < cg->n; i++) {
		size_t pl = strcspn(paths, "|");

		if (pl == 0 || pl >= sizeof(cg->h[i].path) || paths[0] != '/')
			return ward_err_set(e, EINVAL, "saved cgroup path");
		memcpy(cg->h[i].path, paths, pl);
		cg->h[i].path[pl] = '\0';
		cg->h[i].created = (unsigned int)(counts[i] - '0');
		if (np > 1)
			paths += pl + 1;
	}
	return 0;
}

int
ward_cgroup_open(const char *desc, struct ward_cgroup *cg, struct ward_err *e)
{
	char buf[PATH_MAX * 2];
	char *mode, *root, *counts, *paths;
	int ret;

	if (strlen(desc) >= sizeof(buf))
		return ward_err_set(e, EINVAL, "saved cgroup: too long");
	strcpy(buf, desc);
	mode = field(buf, "v");
	root = field(buf, "r");
	counts = field(buf, "c");
	paths = field(buf, "p");
	if (mode == NULL || counts == NULL || paths == NULL)
		return ward_err_set(e, EINVAL, "saved cgroup \"%s\"", desc);
	for (char *p = buf; *p; p++)
		if (*p == ';')
			*p = '\0';
	ret = cg_detect(cg, root, e);
	if (ret < 0)
		return ret;
	if (strcmp(mode, ward_cgroup_mode_name(cg->mode)) != 0)
		return ward_err_set(e, ESTALE, "saved cgroup is %s, the host is "
				    "now %s", mode,
				    ward_cgroup_mode_name(cg->mode));
	return open_paths(cg, paths, counts, e);
}
