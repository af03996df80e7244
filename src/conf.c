/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ward.conf: `key = value` lines and `#` comment lines. Strict on purpose: an
 * unknown key or a value we cannot read is an error naming the file and line,
 * because a typo in a tightening setting must not silently leave it loose.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "ward/cleanup.h"
#include "conf.h"
#include "util.h"

/* Keys that may appear once; forbidden_path is the one list key. */
enum conf_seen {
	SEEN_READONLY = 1u << 0,
	SEEN_MEMORY = 1u << 1,
	SEEN_PIDS = 1u << 2,
	SEEN_USERNS = 1u << 3,
};

struct conf_line {
	const char *name;	/* file name, for messages */
	unsigned lineno;
	const char *key;
	const char *value;
};

void
ward_conf_defaults(struct ward_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->userns_base = WARD_CONF_USERNS_BASE;
	c->userns_count = WARD_CONF_USERNS_COUNT;
	c->default_pids_limit = WARD_CONF_PIDS_LIMIT;
}

void
ward_conf_free(struct ward_conf *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n_forbidden_paths; i++)
		free(c->forbidden_paths[i]);
	free(c->forbidden_paths);
	free(c);
}

static int
bad_value(const struct conf_line *l, const char *want, struct ward_err *e)
{
	return ward_err_set(e, EINVAL, "%s:%u: %s: bad value '%s' (expected %s)",
			    l->name, l->lineno, l->key, l->value, want);
}

static int
parse_bool(const struct conf_line *l, bool *out, struct ward_err *e)
{
	if (strcmp(l->value, "true") == 0 || strcmp(l->value, "yes") == 0)
		*out = true;
	else if (strcmp(l->value, "false") == 0 || strcmp(l->value, "no") == 0)
		*out = false;
	else
		return bad_value(l, "true or false", e);
	return 0;
}

static int
parse_pids(const struct conf_line *l, struct ward_conf *c, struct ward_err *e)
{
	int64_t v;

	if (ward_parse_i64(l->value, &v) < 0 || v <= 0)
		return bad_value(l, "a positive integer", e);
	c->default_pids_limit = v;
	return 0;
}

static int
parse_userns(const struct conf_line *l, struct ward_conf *c, struct ward_err *e)
{
	static const char want[] =
		"BASE:COUNT, BASE > 0, COUNT a non-zero multiple of 65536, "
		"BASE+COUNT <= 4294967295";
	char buf[64];
	char *colon;
	uint64_t base, count;

	if (strlen(l->value) >= sizeof(buf))
		return bad_value(l, want, e);
	strcpy(buf, l->value);
	colon = strchr(buf, ':');
	if (colon == NULL)
		return bad_value(l, want, e);
	*colon = '\0';
	if (ward_parse_u64(buf, &base) < 0 || ward_parse_u64(colon + 1, &count) < 0)
		return bad_value(l, want, e);
	/* Host id 0 is root, and (uid_t)-1 is "no id": both stay outside. */
	if (base == 0 || count == 0 || count % WARD_CONF_USERNS_BLOCK != 0 ||
	    base + count > UINT32_MAX)
		return bad_value(l, want, e);
	c->userns_base = (uint32_t)base;
	c->userns_count = (uint32_t)count;
	return 0;
}

static int
add_forbidden(const struct conf_line *l, struct ward_conf *c, struct ward_err *e)
{
	char clean[PATH_MAX];
	char **v;

	if (l->value[0] != '/' || ward_path_clean(l->value, clean, sizeof(clean)) < 0)
		return bad_value(l, "an absolute path", e);
	v = realloc(c->forbidden_paths, (c->n_forbidden_paths + 1) * sizeof(*v));
	if (v == NULL)
		return ward_err_set(e, ENOMEM, "%s:%u", l->name, l->lineno);
	c->forbidden_paths = v;
	v[c->n_forbidden_paths] = strdup(clean);
	if (v[c->n_forbidden_paths] == NULL)
		return ward_err_set(e, ENOMEM, "%s:%u", l->name, l->lineno);
	c->n_forbidden_paths++;
	return 0;
}

static int
once(const struct conf_line *l, unsigned *seen, unsigned bit, struct ward_err *e)
{
	/* Two values for one setting: which one the admin meant is a guess. */
	if (*seen & bit)
		return ward_err_set(e, EINVAL, "%s:%u: %s is set twice", l->name,
				    l->lineno, l->key);
	*seen |= bit;
	return 0;
}

static int
apply_line(const struct conf_line *l, struct ward_conf *c, unsigned *seen,
	   struct ward_err *e)
{
	const char *k = l->key;
	int ret;

	if (strcmp(k, "forbidden_path") == 0)
		return add_forbidden(l, c, e);
	if (strcmp(k, "require_readonly_rootfs") == 0) {
		ret = once(l, seen, SEEN_READONLY, e);
		return ret < 0 ? ret : parse_bool(l, &c->require_readonly_rootfs, e);
	}
	if (strcmp(k, "require_memory_limit") == 0) {
		ret = once(l, seen, SEEN_MEMORY, e);
		return ret < 0 ? ret : parse_bool(l, &c->require_memory_limit, e);
	}
	if (strcmp(k, "default_pids_limit") == 0) {
		ret = once(l, seen, SEEN_PIDS, e);
		return ret < 0 ? ret : parse_pids(l, c, e);
	}
	if (strcmp(k, "userns_range") == 0) {
		ret = once(l, seen, SEEN_USERNS, e);
		return ret < 0 ? ret : parse_userns(l, c, e);
	}
	return ward_err_set(e, EINVAL, "%s:%u: unknown key '%s'", l->name,
			    l->lineno, k);
}

static char *
trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t' || *s == '\r')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

/* One line, NUL-terminated and writable: split "key = value" in place. */
static int
parse_line(char *text, struct conf_line *l, struct ward_conf *c, unsigned *seen,
	   struct ward_err *e)
{
	char *s = trim(text), *eq;

	if (*s == '\0' || *s == '#')
		return 0;
	eq = strchr(s, '=');
	if (eq == NULL)
		return ward_err_set(e, EINVAL, "%s:%u: expected 'key = value'",
				    l->name, l->lineno);
	*eq = '\0';
	l->key = trim(s);
	l->value = trim(eq + 1);
	if (*l->key == '\0')
		return ward_err_set(e, EINVAL, "%s:%u: missing key before '='",
				    l->name, l->lineno);
	if (*l->value == '\0')
		return ward_err_set(e, EINVAL, "%s:%u: %s: missing value",
				    l->name, l->lineno, l->key);
	return apply_line(l, c, seen, e);
}

int
ward_conf_parse(const char *name, const char *buf, size_t len,
		struct ward_conf **out, struct ward_err *e)
{
	struct ward_conf *c;
	_cleanup_free_ char *copy = NULL;
	struct conf_line l = { .name = name };
	unsigned seen = 0;
	char *p, *nl;
	int ret = 0;

	if (memchr(buf, '\0', len) != NULL)
		return ward_err_set(e, EINVAL, "%s: contains a NUL byte", name);
	copy = strndup(buf, len);
	c = calloc(1, sizeof(*c));
	if (copy == NULL || c == NULL) {
		free(c);
		return ward_err_set(e, ENOMEM, "%s", name);
	}
	ward_conf_defaults(c);
	for (p = copy; ret == 0 && p != NULL; p = nl) {
		nl = strchr(p, '\n');
		if (nl != NULL)
			*nl++ = '\0';
		l.lineno++;
		ret = parse_line(p, &l, c, &seen, e);
	}
	if (ret < 0) {
		ward_conf_free(c);
		return ret;
	}
	*out = c;
	return 0;
}

int
ward_conf_load(const char *path, struct ward_conf **out, struct ward_err *e)
{
	struct ward_err tmp = { 0 };
	_cleanup_free_ char *buf = NULL;
	struct ward_conf *c;
	size_t len;
	int ret;

	if (path != NULL) {
		ret = ward_read_file(path, WARD_CONF_MAX_BYTES, &buf, &len, &tmp);
		if (ret == 0)
			return ward_conf_parse(path, buf, len, out, e);
		if (ret != -ENOENT) {
			if (e != NULL && e->code == 0)
				*e = tmp;
			return ret;
		}
	}
	/* No file: the defaults, which are already the whole policy. */
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return ward_err_set(e, ENOMEM, "ward.conf defaults");
	ward_conf_defaults(c);
	*out = c;
	return 0;
}
