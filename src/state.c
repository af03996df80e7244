/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <time.h>
#include <unistd.h>


#include "ward/cleanup.h"
#include "state.h"
#include "util.h"


int
ward_state_validate_id(const char *id, struct ward_err *e)
{
	size_t n = strlen(id);

	if (n == 0 || n > WARD_ID_MAX)
		return ward_err_set(e, EINVAL,
				    "invalid container id: must be 1 to %d characters",
				    WARD_ID_MAX);
	/* Leading dots are ward's own entries under --root (.seccomp-cache). */
	if (id[0] == '.')
		return ward_err_set(e, EINVAL,
				    "invalid container id \"%.64s\": must not start with '.'",
				    id);
	for (size_t i = 0; i < n; i++) {
		char c = id[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return ward_err_set(e, EINVAL,
					    "invalid container id \"%.64s\": only [A-Za-z0-9._-] allowed",
					    id);
	}
	return 0;
}

/* mkdir -p, each component 0700: state holds pids and sockets. */
static int
mkdir_p(const char *path, struct ward_err *e)
{
	char buf[PATH_MAX];
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof(buf))
		return ward_err_set(e, ENAMETOOLONG, "state root %s", path);
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0700) < 0 && errno != EEXIST)
			return ward_err_set(e, errno, "mkdir %s", buf);
		*p = '/';
	}
	if (mkdir(buf, 0700) < 0 && errno != EEXIST)
		return ward_err_set(e, errno, "mkdir %s", buf);
	return 0;
}

static int
lock_dir(struct ward_state_dir *d, struct ward_err *e)
{
	while (flock(d->dirfd, LOCK_EX) < 0) {
		if (errno != EINTR)
			return ward_err_set(e, errno, "lock %s", d->path);
	}
	return 0;
}

/*
 * Spare state dirs. Where --root is on a disk filesystem (an ext4 /run
 * mounted with discard, as on these VMs, rather than the usual tmpfs),
 * making and removing a directory costs a block allocation and a
 * synchronous discard: ~0.3 ms and ~0.2 ms (up to 1 ms) on every create
 * and delete. There delete moves the emptied directory to
 * <root>/.spare/<slot> and create renames one back, up to SPARE_SLOTS
 * of them; on tmpfs neither happens and nothing is kept.
 */
#define SPARE_DIR ".spare"
#define SPARE_SLOTS 16

static bool
keeps_spares(const char *root)
{
	struct statfs sf;

	return statfs(root, &sf) == 0 && sf.f_type != TMPFS_MAGIC &&
	       sf.f_type != RAMFS_MAGIC;
}

static void
spare_path(char *buf, size_t len, const char *root, int k)
{
	if (k < 0)
		snprintf(buf, len, "%s/" SPARE_DIR, root);
	else
		snprintf(buf, len, "%s/" SPARE_DIR "/%d", root, k);
}

/* Rename a spare to path: 0, -ENOENT (none), or -EEXIST (path taken). */
static int
take_spare(const char *root, const char *path)
{
	char spare[PATH_MAX];
	int top = 0;

	if (!keeps_spares(root))
		return -ENOENT;
	/* put_spare fills the lowest free slot: take the last of the run. */
	for (; top < SPARE_SLOTS; top++) {
		spare_path(spare, sizeof(spare), root, top);
		if (faccessat(AT_FDCWD, spare, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
			break;
	}
	/* Another create may take one first: then the next one down. */
	for (int k = top - 1; k >= 0; k--) {
		spare_path(spare, sizeof(spare), root, k);
		if (renameat2(AT_FDCWD, spare, AT_FDCWD, path,
			      RENAME_NOREPLACE) == 0)
			return 0;
		if (errno != ENOENT)
			return -errno;
	}
	return -ENOENT;
}

/* Keep an emptied state dir as a spare: true when it was. */
static bool
put_spare(const char *path)
{
	char root[PATH_MAX], spare[PATH_MAX];
	char *slash;

	snprintf(root, sizeof(root), "%s", path);
	slash = strrchr(root, '/');
	if (slash == NULL || slash == root)
		return false;
	*slash = '\0';
	if (!keeps_spares(root))
		return false;
	spare_path(spare, sizeof(spare), root, -1);
	if (mkdir(spare, 0700) < 0 && errno != EEXIST)
		return false;
	for (int k = 0; k < SPARE_SLOTS; k++) {
		spare_path(spare, sizeof(spare), root, k);
		if (renameat2(AT_FDCWD, path, AT_FDCWD, spare,
			      RENAME_NOREPLACE) == 0)
			return true;
		if (errno != EEXIST)
			return false;
	}
	return false;
}

int
ward_state_create(const char *root, const char *id, struct ward_state_dir *d,
		  struct ward_err *e)
{
	int ret;

	d->dirfd = -1;
	ret = mkdir_p(root, e);
	if (ret < 0)
		return ret;
	if (snprintf(d->path, sizeof(d->path), "%s/%s", root, id) >= (int)sizeof(d->path))
		return ward_err_set(e, ENAMETOOLONG, "state dir for %s", id);
	ret = take_spare(root, d->path);
	if (ret == -ENOENT)
		ret = mkdir(d->path, 0700) < 0 ? -errno : 0;
	if (ret < 0) {
		if (ret == -EEXIST)
			return ward_err_set(e, EEXIST,
					    "container \"%s\" already exists", id);
		return ward_err_set(e, -ret, "mkdir %s", d->path);
	}
	d->dirfd = open(d->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (d->dirfd < 0) {
		ret = ward_err_set(e, errno, "open %s", d->path);
		rmdir(d->path);
		return ret;
	}
	return lock_dir(d, e);
}

/* Is the locked dir still the one at its path? */
static bool
still_there(const struct ward_state_dir *d)
{
	struct stat a, b;

	return fstat(d->dirfd, &a) == 0 &&
	       fstatat(AT_FDCWD, d->path, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int
ward_state_open(const char *root, const char *id, struct ward_state_dir *d,
		struct ward_err *e)
{
	int ret = ward_state_validate_id(id, e);

	d->dirfd = -1;
	if (ret < 0)
		return ret;
	snprintf(d->path, sizeof(d->path), "%s/%s", root, id);
	d->dirfd = open(d->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (d->dirfd < 0) {
		if (errno == ENOENT)
			return ward_err_set(e, ENOENT,
					    "container \"%s\" does not exist", id);
		return ward_err_set(e, errno, "open %s", d->path);
	}
	ret = lock_dir(d, e);
	if (ret == 0 && !still_there(d)) {
		/* Deleted while we waited: the dir may be a spare, or reused. */
		ward_state_close(d);
		return ward_err_set(e, ENOENT, "container \"%s\" does not exist", id);
	}
	return ret;
}

void
ward_state_close(struct ward_state_dir *d)
{
	if (d->dirfd >= 0)
		close(d->dirfd);	/* drops the flock */
	d->dirfd = -1;
}

int
ward_state_destroy(struct ward_state_dir *d, struct ward_err *e)
{
	_cleanup_closedir_ DIR *dir = NULL;
	struct dirent *de;
	int fd;

	fd = dup(d->dirfd);
	if (fd < 0)
		return ward_err_set(e, errno, "dup");
	dir = fdopendir(fd);
	if (dir == NULL) {
		close(fd);
		return ward_err_set(e, errno, "opendir %s", d->path);
	}
	/* Only flat files live here; ward never creates subdirectories. */
	while ((de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (unlinkat(d->dirfd, de->d_name, 0) < 0 && errno != ENOENT)
			return ward_err_set(e, errno, "remove %s/%s", d->path,
					    de->d_name);
	}
	if (!put_spare(d->path) && rmdir(d->path) < 0 && errno != ENOENT)
		return ward_err_set(e, errno, "rmdir %s", d->path);
	ward_state_close(d);
	return 0;
}

void
ward_now_rfc3339(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;
	char head[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(head, sizeof(head), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%09ldZ", head, ts.tv_nsec);
}

int
ward_proc_start_time(pid_t pid, uint64_t *out)
{
	char path[64], buf[1024], *p;
	_cleanup_close_ int fd = -1;
	unsigned long long start;
	ssize_t n;
	char state;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return n < 0 ? -errno : -EIO;
	buf[n] = '\0';
	/* comm may hold spaces and parentheses: parse after the last ')'. */
	p = strrchr(buf, ')');
	if (p == NULL)
		return -EIO;
	/* fields 3..22: state, then 18 numbers, then starttime */
	if (sscanf(p + 2, "%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u "
			  "%*d %*d %*d %*d %*d %*d %llu", &state, &start) != 2)
		return -EIO;
	if (state == 'Z' || state == 'X')
		return -ESRCH;
	*out = start;
	return 0;
}

enum ward_status
ward_state_status(const struct ward_state *st)
{
	uint64_t start;

	if (st->pid <= 0)
		return WARD_STATUS_STOPPED;
	if (ward_proc_start_time(st->pid, &start) < 0 || start != st->pid_start)
		return WARD_STATUS_STOPPED;
	return st->started ? WARD_STATUS_RUNNING : WARD_STATUS_CREATED;
}

bool
ward_state_started(const struct ward_state_dir *d)
{
	return faccessat(d->dirfd, WARD_START_SOCK, F_OK, AT_SYMLINK_NOFOLLOW) < 0 &&
	       errno == ENOENT;
}

const char *
ward_status_name(enum ward_status s)
{
	static const char *const names[] = {
		[WARD_STATUS_CREATING] = "creating", [WARD_STATUS_CREATED] = "created",
		[WARD_STATUS_RUNNING] = "running",   [WARD_STATUS_PAUSED] = "paused",
		[WARD_STATUS_STOPPED] = "stopped",
	};

	return names[s];
}
