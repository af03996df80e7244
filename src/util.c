/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "util.h"

#define ARENA_CHUNK (16u << 10)

struct ward_arena_chunk {
	struct ward_arena_chunk *next;
	size_t used;
	size_t size;
	max_align_t data[];
};

void *
ward_arena_alloc(struct ward_arena *a, size_t size)
{
	struct ward_arena_chunk *c = a->head;
	size_t align = _Alignof(max_align_t);
	size_t need = (size + align - 1) & ~(align - 1);
	void *p;

	if (need < size)
		return NULL;
	if (c == NULL || c->size - c->used < need) {
		size_t csize = need > ARENA_CHUNK ? need : ARENA_CHUNK;

		c = calloc(1, sizeof(*c) + csize);
		if (c == NULL)
			return NULL;
		c->size = csize;
		c->next = a->head;
		a->head = c;
	}
	p = (char *)c->data + c->used;
	c->used += need;
	return p;
}

char *
ward_arena_strndup(struct ward_arena *a, const char *s, size_t n)
{
	char *p = ward_arena_alloc(a, n + 1);

	if (p == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
ward_arena_strdup(struct ward_arena *a, const char *s)
{
	return ward_arena_strndup(a, s, strlen(s));
}

void
ward_arena_release(struct ward_arena *a)
{
	struct ward_arena_chunk *c = a->head;

	while (c != NULL) {
		struct ward_arena_chunk *next = c->next;

		free(c);
		c = next;
	}
	a->head = NULL;
}

static int
read_fd(int fd, const char *what, size_t max, char **out, size_t *len,
	struct ward_err *e)
{
	_cleanup_free_ char *buf = NULL;
	size_t cap = 0, used = 0;

	for (;;) {
		ssize_t n;

		if (cap - used < 4096) {
			size_t ncap = cap ? cap * 2 : 8192;
			char *nbuf;

			if (ncap > max + 4097)
				ncap = max + 4097;
			nbuf = realloc(buf, ncap);
			if (nbuf == NULL)
				return ward_err_set(e, ENOMEM, "read %s", what);
			buf = nbuf;
			cap = ncap;
		}
		n = read(fd, buf + used, cap - used - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return ward_err_set(e, errno, "read %s", what);
		}
		if (n == 0)
			break;
		used += (size_t)n;
		if (used > max)
			return ward_err_set(e, EFBIG,
					    "%s is larger than %zu bytes", what,
					    max);
	}
	buf[used] = '\0';
	*out = take_ptr(&buf);
	if (len != NULL)
		*len = used;
	return 0;
}

int
ward_read_file_at(int dirfd, const char *path, size_t max, char **out,
		  size_t *len, struct ward_err *e)
{
	_cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return ward_err_set(e, errno, "open %s", path);
	return read_fd(fd, path, max, out, len, e);
}

int
ward_read_file(const char *path, size_t max, char **out, size_t *len,
	       struct ward_err *e)
{
	return ward_read_file_at(AT_FDCWD, path, max, out, len, e);
}

int
ward_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
ward_write_file_atomic(const char *path, const void *buf, size_t len,
		       unsigned mode, struct ward_err *e)
{
	char tmp[PATH_MAX];
	_cleanup_close_ int fd = -1;
	int ret;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, getpid()) >=
	    (int)sizeof(tmp))
		return ward_err_set(e, ENAMETOOLONG, "%s", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
		  mode);
	if (fd < 0)
		return ward_err_set(e, errno, "create %s", tmp);
	/*
	 * No fsync: readers need atomicity (the rename), not durability; state
	 * under /run dies with the machine anyway, and fsync costs milliseconds
	 * on every create.
	 */
	ret = ward_write_all(fd, buf, len);
	if (ret < 0) {
		unlink(tmp);
		return ward_err_set(e, -ret, "write %s", tmp);
	}
	if (rename(tmp, path) < 0) {
		ret = ward_err_set(e, errno, "rename %s", path);
		unlink(tmp);
		return ret;
	}
	return 0;
}

int
ward_create_file_at(int dirfd, const char *name, const void *buf, size_t len,
		    unsigned mode, struct ward_err *e)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL |
					O_CLOEXEC | O_NOFOLLOW, mode);
	int ret;

	if (fd < 0)
		return ward_err_set(e, errno, "create %s", name);
	ret = ward_write_all(fd, buf, len);
	if (ret < 0)
		return ward_err_set(e, -ret, "write %s", name);
	return 0;
}

int
ward_rewrite_json_at(int dirfd, const char *name, const void *buf, size_t len,
		     unsigned mode, struct ward_err *e)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_WRONLY | O_CREAT |
					O_CLOEXEC | O_NOFOLLOW, mode);
	_cleanup_free_ char *padded = NULL;
	struct stat st;
	size_t n = len;
	ssize_t w;

	if (fd < 0 || fstat(fd, &st) < 0)
		return ward_err_set(e, errno, "open %s", name);
	if ((size_t)st.st_size > len) {
		n = (size_t)st.st_size;
		padded = malloc(n);
		if (padded == NULL)
			return ward_err_set(e, ENOMEM, "%s", name);
		memcpy(padded, buf, len);
		memset(padded + len, ' ', n - len);
		buf = padded;
	}
	do
		w = pwrite(fd, buf, n, 0);
	while (w < 0 && errno == EINTR);
	if (w < 0)
		return ward_err_set(e, errno, "write %s", name);
	if ((size_t)w != n)
		return ward_err_set(e, EIO, "write %s: short write", name);
	return 0;
}

bool
ward_str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool
ward_str_has_suffix(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

int
ward_parse_u64(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return -errno;
	if (*end != '\0')
		return -EINVAL;
	*out = v;
	return 0;
}

int
ward_parse_i64(const char *s, int64_t *out)
{
	long long v;
	char *end;

	if (s == NULL || *s == '\0')
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0)
		return -errno;
	if (*end != '\0')
		return -EINVAL;
	*out = v;
	return 0;
}

int
ward_path_clean(const char *in, char *out, size_t len)
{
	size_t o = 0;
	const char *p = in;

	if (len < 2)
		return -ENAMETOOLONG;
	out[o++] = '/';
	while (*p != '\0') {
		const char *q;
		size_t n;

		while (*p == '/')
			p++;
		q = p;
		while (*q != '\0' && *q != '/')
			q++;
		n = (size_t)(q - p);
		if (n == 0)
			break;
		if (n == 1 && p[0] == '.') {
			/* nothing */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			/* climb, but never above "/" */
			while (o > 1 && out[o - 1] != '/')
				o--;
			if (o > 1)
				o--;
		} else {
			if (o > 1) {
				if (o + 1 >= len)
					return -ENAMETOOLONG;
				out[o++] = '/';
			}
			if (o + n >= len)
				return -ENAMETOOLONG;
			memcpy(out + o, p, n);
			o += n;
		}
		p = q;
	}
	out[o] = '\0';
	return 0;
}

bool
ward_path_is_within(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (strcmp(dir, "/") == 0)
		return path[0] == '/';
	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}
