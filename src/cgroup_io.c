/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
/* Reading and writing cgroup control files under an open directory. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "cgroup_int.h"

/* memory.stat and friends are a few KB; per-cpu lists grow with cpus. */
#define CG_FILE_MAX (1u << 20)

int
cg_dir_open(const struct ward_cgroup *cg, int h, struct cg_dir *d,
	    struct ward_err *e)
{
	char path[WARD_CGROUP_MNT_MAX + PATH_MAX];
	const struct ward_cgroup_hier *hi = &cg->h[h];

	d->v2 = hi->v2;
	d->mnt = hi->mnt;
	d->path = hi->path;
	snprintf(path, sizeof(path), "%s%s", hi->mnt, hi->path);
	/* Not O_PATH: CLONE_INTO_CGROUP and BPF_PROG_ATTACH need a real fd. */
	d->fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (d->fd < 0)
		return ward_err_set(e, errno, "open cgroup %s", path);
	return 0;
}

int
cg_dir_ctrl(const struct ward_cgroup *cg, enum ward_cgroup_ctrl c,
	    struct cg_dir *d, struct ward_err *e)
{
	d->fd = -1;
	if (cg->where[c] < 0)
		return ward_err_set(e, ENOENT, "the %s cgroup controller is not "
				    "available", cg_ctrl_name(c, false));
	return cg_dir_open(cg, cg->where[c], d, e);
}

void
cg_dir_close(struct cg_dir *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}

int
cg_write(const struct cg_dir *d, const char *file, const char *val,
	 struct ward_err *e)
{
	_cleanup_close_ int fd = openat(d->fd, file,
					O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	int ret;

	if (fd < 0)
		return ward_err_set(e, errno, "open %s%s/%s", d->mnt, d->path,
				    file);
	ret = ward_write_all(fd, val, strlen(val));
	if (ret < 0)
		return ward_err_set(e, -ret, "write \"%s\" to %s%s/%s", val,
				    d->mnt, d->path, file);
	return 0;
}

int
cg_writef(const struct cg_dir *d, const char *file, struct ward_err *e,
	  const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return ward_err_set(e, EINVAL, "value for %s too long", file);
	return cg_write(d, file, buf, e);
}

int
cg_read(const struct cg_dir *d, const char *file, char *buf, size_t len,
	struct ward_err *e)
{
	_cleanup_close_ int fd = openat(d->fd, file,
					O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t used = 0;

	if (fd < 0)
		return ward_err_set(e, errno, "open %s%s/%s", d->mnt, d->path,
				    file);
	while (used + 1 < len) {
		ssize_t n = read(fd, buf + used, len - used - 1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ward_err_set(e, errno, "read %s%s/%s", d->mnt,
					    d->path, file);
		if (n == 0)
			break;
		used += (size_t)n;
	}
	if (used + 1 >= len)
		return ward_err_set(e, EFBIG, "read %s%s/%s: too large", d->mnt,
				    d->path, file);
	while (used > 0 && buf[used - 1] == '\n')
		used--;
	buf[used] = '\0';
	return 0;
}

int
cg_read_u64(const struct cg_dir *d, const char *file, uint64_t *v,
	    struct ward_err *e)
{
	char buf[64];
	int ret = cg_read(d, file, buf, sizeof(buf), e);

	if (ret < 0)
		return ret;
	if (strcmp(buf, "max") == 0) {
		*v = UINT64_MAX;
		return 0;
	}
	if (ward_parse_u64(buf, v) < 0)
		return ward_err_set(e, EINVAL, "%s%s/%s: not a number: %s",
				    d->mnt, d->path, file, buf);
	return 0;
}

int
cg_read_lines(const struct cg_dir *d, const char *file,
	      int (*fn)(char *line, void *arg), void *arg, struct ward_err *e)
{
	_cleanup_free_ char *buf = NULL;
	char *save = NULL;
	size_t len;
	int ret = ward_read_file_at(d->fd, file, CG_FILE_MAX, &buf, &len, e);

	if (ret < 0)
		return ret;
	for (char *l = strtok_r(buf, "\n", &save); l != NULL;
	     l = strtok_r(NULL, "\n", &save)) {
		ret = fn(l, arg);
		if (ret != 0)
			return ret < 0 ? ward_err_set(e, -ret, "parse %s%s/%s",
						      d->mnt, d->path, file)
				       : 0;
	}
	return 0;
}

struct key_find {
	const char *key;
	uint64_t *v;
	bool found;
};

static int
match_key(char *line, void *arg)
{
	struct key_find *k = arg;
	size_t kl = strlen(k->key);

	if (strncmp(line, k->key, kl) != 0 || line[kl] != ' ')
		return 0;
	if (ward_parse_u64(line + kl + 1, k->v) < 0)
		return -EINVAL;
	k->found = true;
	return 1;
}

int
cg_read_key(const struct cg_dir *d, const char *file, const char *key,
	    uint64_t *v, struct ward_err *e)
{
	struct key_find k = { key, v, false };
	int ret = cg_read_lines(d, file, match_key, &k, e);

	if (ret < 0)
		return ret;
	if (!k.found)
		return ward_err_set(e, ENOENT, "%s%s/%s: no \"%s\"", d->mnt,
				    d->path, file, key);
	return 0;
}

bool
cg_has_file(const struct cg_dir *d, const char *file)
{
	return faccessat(d->fd, file, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

void
cg_sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}
