/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
/*
 * Child side: find (or create) a mount target inside the rootfs. Every
 * lookup is openat2(rootfd, path, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS):
 * absolute symlinks and ".." in the image resolve against the rootfs, and a
 * /proc/self/... magic link fails with ELOOP instead of reaching the host
 * (runc CVE-2021-30465, CVE-2023-27561 class). Missing components are made
 * with mkdirat on the fd of the already-resolved parent, never on a path
 * string. No allocation: paths are copied into stack buffers.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "mounts_int.h"
#include "sys.h"

#define IN_ROOT (RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)

/* RESOLVE_IN_ROOT returns EAGAIN if a rename raced with a ".." walk. */
static int
open_in_root(int rootfd, const char *path, uint64_t flags)
{
	int fd, tries = 0;

	do
		fd = ward_openat2(rootfd, path, flags | O_CLOEXEC, IN_ROOT);
	while (fd < 0 && errno == EAGAIN && ++tries < 16);
	return fd;
}

int
ward_mounts_open_nofollow(int rootfd, const char *target, int *out,
			  struct ward_err *e)
{
	int fd = open_in_root(rootfd, target, O_PATH | O_NOFOLLOW);

	if (fd < 0) {
		/* A path that cannot exist (a parent is a file) is also absent. */
		if (errno == ENOENT || errno == ENOTDIR)
			return -ENOENT;
		return ward_err_set(e, errno, "resolve %s in the container", target);
	}
	*out = fd;
	return 0;
}

static int
make_last(int dirfd, const char *name, const char *target, bool dir,
	  struct ward_err *e)
{
	int fd;

	if (dir) {
		if (mkdirat(dirfd, name, 0755) < 0 && errno != EEXIST)
			return ward_err_set(e, errno, "create mount target %s", target);
		return 0;
	}
	/* O_NOFOLLOW|O_EXCL: never create through a dangling symlink. */
	fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		    0644);
	if (fd < 0 && errno != EEXIST)
		return ward_err_set(e, errno, "create mount target %s", target);
	if (fd >= 0)
		close(fd);
	return 0;
}

/* dst = a "/" b "/" c, with empty parts skipped; false if it does not fit. */
static bool
join3(char *dst, size_t len, const char *a, size_t alen, const char *b,
      const char *c)
{
	const char *part[3] = { a, b, c };
	size_t plen[3] = { alen, strlen(b), strlen(c) };
	size_t o = 0;

	for (int k = 0; k < 3; k++) {
		if (plen[k] == 0)
			continue;
		if (o + 1 + plen[k] >= len)
			return false;
		dst[o++] = '/';
		memcpy(dst + o, part[k], plen[k]);
		o += plen[k];
	}
	dst[o] = '\0';
	return true;
}

/*
 * buf[0..end) names a missing component. If it is a dangling symlink, rewrite
 * buf as the link's target (relative links are taken relative to the link's
 * directory, lexically) followed by the rest of the path, and return 1: the
 * walk restarts on the new path, still resolved in root at every step.
 */
static int
follow_dangling(int rootfd, char *buf, size_t end, size_t start, size_t len,
		int *hops, struct ward_err *e)
{
	char link[PATH_MAX], joined[PATH_MAX];
	_cleanup_close_ int fd = -1;
	const char *rest = end < len ? buf + end + 1 : "";
	struct stat st;
	ssize_t n;

	fd = open_in_root(rootfd, buf, O_PATH | O_NOFOLLOW);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISLNK(st.st_mode))
		return 0;
	n = readlinkat(fd, "", link, sizeof(link) - 1);
	if (n < 0)
		return ward_err_set(e, errno, "readlink %s in the rootfs", buf);
	link[n] = '\0';
	if (++*hops > 40)
		return ward_err_set(e, ELOOP, "mount target: too many symlinks at %s", buf);
	if (!join3(joined, sizeof(joined), buf, link[0] == '/' ? 0 : start - 1,
		   link, rest) ||
	    ward_path_clean(joined, buf, PATH_MAX) < 0)
		return ward_err_set(e, ENAMETOOLONG, "mount target %s", buf);
	return 1;
}

/*
 * One walk of buf, one component at a time, each prefix resolved from rootfd
 * (so symlinks keep their in-root meaning), creating what is missing in the
 * fd of the resolved parent. Returns 1 when a dangling symlink rewrote buf
 * and the walk must start again.
 */
static int
walk(int rootfd, char *buf, const char *target, bool dir, int *hops,
     struct ward_err *e)
{
	size_t len = strlen(buf);
	_cleanup_close_ int parent = -1;
	int ret;

	parent = open_in_root(rootfd, "/", O_PATH | O_DIRECTORY);
	if (parent < 0)
		return ward_err_set(e, errno, "open the rootfs");
	for (size_t i = 1; i <= len; i++) {
		size_t start = i;
		bool last;
		int fd;

		while (i < len && buf[i] != '/')
			i++;
		last = i == len;
		buf[i] = '\0';
		fd = open_in_root(rootfd, buf, O_PATH);
		if (fd < 0 && errno != ENOENT)
			return ward_err_set(e, errno, "resolve %s in the rootfs", buf);
		if (fd < 0) {
			ret = follow_dangling(rootfd, buf, i, start, len, hops, e);
			if (ret != 0)
				return ret;
			ret = make_last(parent, buf + start, target, dir || !last, e);
			if (ret < 0)
				return ret;
			fd = open_in_root(rootfd, buf, O_PATH);
			if (fd < 0)
				return ward_err_set(e, errno, "resolve %s in the rootfs", buf);
		}
		close(parent);
		parent = fd;
		if (!last)
			buf[i] = '/';
	}
	return 0;
}

/*
 * Create target's missing components. A dangling symlink is followed (as the
 * kernel would, inside the root) to create its target; O_EXCL|O_NOFOLLOW and
 * mkdirat never create anything through a link themselves.
 */
static int
create_path(int rootfd, const char *target, bool dir, struct ward_err *e)
{
	char buf[PATH_MAX];
	size_t len = strlen(target);
	int ret, hops = 0;

	if (len >= sizeof(buf))
		return ward_err_set(e, ENAMETOOLONG, "mount target %s", target);
	memcpy(buf, target, len + 1);
	do
		ret = walk(rootfd, buf, target, dir, &hops, e);
	while (ret > 0);
	return ret;
}

/*
 * The common case, a missing last component under an existing parent (/dev/pts
 * in a fresh /dev): create it in the parent, resolved in root, instead of
 * walking every component. 1 = not that case (no parent, or the name turned
 * out to be a dangling symlink): the caller takes the full walk.
 */
static int
create_in_parent(int rootfd, const char *target, bool dir, struct ward_err *e)
{
	const char *slash = strrchr(target, '/');
	char parent[PATH_MAX];
	_cleanup_close_ int pfd = -1;
	size_t n;

	if (slash == NULL || slash[1] == '\0')
		return 1;
	n = slash == target ? 1 : (size_t)(slash - target);
	if (n >= sizeof(parent))
		return 1;
	memcpy(parent, target, n);
	parent[n] = '\0';
	pfd = open_in_root(rootfd, parent, O_PATH | O_DIRECTORY);
	if (pfd < 0)
		return 1;
	return make_last(pfd, slash + 1, target, dir, e);
}

static int
check_target(int rootfd, int fd, const char *target, bool dir, bool real_dir,
	     struct ward_err *e)
{
	struct stat st, root;

	if (fstat(fd, &st) < 0 || fstat(rootfd, &root) < 0)
		return ward_err_set(e, errno, "stat mount target %s", target);
	if (real_dir && S_ISLNK(st.st_mode))
		return ward_err_set(e, ELOOP,
				    "mount target %s is a symlink in the rootfs: refused, procfs, sysfs and /dev go on real directories",
				    target);
	if (st.st_dev == root.st_dev && st.st_ino == root.st_ino)
		return ward_err_set(e, EINVAL,
				    "mount target %s resolves to the container's root",
				    target);
	if (dir && !S_ISDIR(st.st_mode))
		return ward_err_set(e, ENOTDIR, "mount target %s", target);
	if (!dir && S_ISDIR(st.st_mode))
		return ward_err_set(e, EISDIR, "mount target %s (the source is a file)",
				    target);
	return 0;
}

int
ward_mounts_target(int rootfd, const char *target, bool dir, bool real_dir,
		   int *out, struct ward_err *e)
{
	/* A real directory is opened without following its last component. */
	uint64_t flags = O_PATH | (real_dir ? O_NOFOLLOW : 0);
	_cleanup_close_ int fd = -1;
	int ret = 0;

	fd = open_in_root(rootfd, target, flags);
	if (fd < 0 && errno == ENOENT) {
		ret = create_in_parent(rootfd, target, dir, e);
		if (ret < 0)
			return ret;
		fd = ret == 0 ? open_in_root(rootfd, target, flags) : -1;
	}
	if (fd < 0 && (ret > 0 || errno == ENOENT)) {
		ret = create_path(rootfd, target, dir, e);
		if (ret < 0)
			return ret;
		fd = open_in_root(rootfd, target, flags);
	}
	if (fd < 0)
		return ward_err_set(e, errno, "resolve mount target %s in the rootfs",
				    target);
	ret = check_target(rootfd, fd, target, dir, real_dir, e);
	if (ret < 0)
		return ret;
	*out = take_fd(&fd);
	return 0;
}
