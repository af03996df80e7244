/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "userns.h"
#include "util.h"

static int
format_maps(const struct ward_id_maps *m, char *buf, size_t len,
	    const char *what, struct ward_err *e)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < m->n; i++) {
		int n = snprintf(buf + o, len - o, "%u %u %u\n", m->v[i].container_id,
				 m->v[i].host_id, m->v[i].size);

		if (n < 0 || (size_t)n >= len - o)
			return ward_err_set(e, E2BIG, "linux.%s: too many mappings",
					    what);
		o += (size_t)n;
	}
	return 0;
}

/* FNV-1a: spreads owners over blocks so the first probe usually succeeds. */
static uint64_t
hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* A block whose owner's state dir is gone was left by a crashed create. */
static bool
block_is_stale(int dirfd, const char *name)
{
	char owner[4096];
	ssize_t n;
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;

	if (fd < 0)
		return false;
	n = read(fd, owner, sizeof(owner) - 1);
	close(fd);
	if (n <= 0)
		return false;
	owner[n] = '\0';
	return stat(owner, &st) < 0 && errno == ENOENT;
}

static int
claim_block(int dirfd, uint64_t block, const char *owner)
{
	char name[32];
	int fd, ret = 0;

	snprintf(name, sizeof(name), "%llu", (unsigned long long)block);
	for (int attempt = 0; attempt < 2; attempt++) {
		fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0)
			break;
		if (errno != EEXIST)
			return -errno;
		if (attempt == 1 || !block_is_stale(dirfd, name))
			return -EEXIST;
		unlinkat(dirfd, name, 0);
	}
	if (ward_write_all(fd, owner, strlen(owner)) < 0) {
		ret = -errno;
		unlinkat(dirfd, name, 0);
	}
	close(fd);
	return ret;
}

static int
allocate(uint32_t base, uint32_t count, struct ward_userns_plan *p,
	 struct ward_err *e)
{
	uint64_t nblocks = count / WARD_IDMAP_BLOCK, start;
	_cleanup_close_ int dirfd = -1;

	if (nblocks == 0)
		return ward_err_set(e, EINVAL, "userns_range holds no 65536-id block");
	if (mkdir(WARD_IDMAP_DIR, 0700) < 0 && errno != EEXIST)
		return ward_err_set(e, errno, "mkdir %s", WARD_IDMAP_DIR);
	dirfd = open(WARD_IDMAP_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dirfd < 0)
		return ward_err_set(e, errno, "open %s", WARD_IDMAP_DIR);
	start = hash_str(p->owner) % nblocks;
	for (uint64_t i = 0; i < nblocks; i++) {
		uint64_t b = (start + i) % nblocks;
		int ret = claim_block(dirfd, b, p->owner);

		if (ret == -EEXIST)
			continue;
		if (ret < 0)
			return ward_err_set(e, -ret, "allocate host id block %llu",
					    (unsigned long long)b);
		p->block = (int64_t)b;
		p->host_base = base + (uint32_t)(b * WARD_IDMAP_BLOCK);
		return 0;
	}
	return ward_err_set(e, ENOSPC,
			    "no free 65536-id block in userns_range %u:%u (ward.conf)",
			    base, count);
}

int
ward_userns_plan(const struct ward_spec *s, uint32_t base, uint32_t count,
		 const char *owner, struct ward_userns_plan *p,
		 struct ward_err *e)
{
	const struct ward_linux *l = &s->linux;
	int ret;

	memset(p, 0, sizeof(*p));
	p->block = -1;
	if (!l->ns[WARD_NS_USER].present || l->ns[WARD_NS_USER].path != NULL)
		return 0;	/* joined: its maps exist already */
	p->write_maps = true;
	if (l->uid_mappings.n > 0 || l->gid_mappings.n > 0) {
		ret = format_maps(&l->uid_mappings, p->uid_map, sizeof(p->uid_map),
				  "uidMappings", e);
		if (ret == 0)
			ret = format_maps(&l->gid_mappings, p->gid_map,
					  sizeof(p->gid_map), "gidMappings", e);
		return ret;
	}
	if (snprintf(p->owner, sizeof(p->owner), "%s", owner) >= (int)sizeof(p->owner))
		return ward_err_set(e, ENAMETOOLONG, "state dir %s", owner);
	ret = allocate(base, count, p, e);
	if (ret < 0)
		return ret;
	p->allocated = true;
	snprintf(p->uid_map, sizeof(p->uid_map), "0 %u %u\n", p->host_base,
		 WARD_IDMAP_BLOCK);
	snprintf(p->gid_map, sizeof(p->gid_map), "0 %u %u\n", p->host_base,
		 WARD_IDMAP_BLOCK);
	return 0;
}

static int
write_proc(pid_t pid, const char *file, const char *text, struct ward_err *e)
{
	char path[64];
	_cleanup_close_ int fd = -1;
	size_t len = strlen(text);

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return ward_err_set(e, errno, "open %s", path);
	/* The kernel takes the whole map in one write or rejects it. */
	if (write(fd, text, len) != (ssize_t)len)
		return ward_err_set(e, errno, "write %s (\"%.64s\")", path, text);
	return 0;
}

int
ward_userns_write_maps(pid_t pid, const struct ward_userns_plan *p,
		       struct ward_err *e)
{
	int ret;

	if (!p->write_maps)
		return 0;
	ret = write_proc(pid, "uid_map", p->uid_map, e);
	if (ret == 0)
		ret = write_proc(pid, "gid_map", p->gid_map, e);
	return ret;
}

bool
ward_userns_is_block(pid_t pid, uint32_t base, uint32_t count,
		      uint32_t *host_base)
{
	char path[64], buf[256];
	unsigned int in, out, size;
	int fd, n;

	snprintf(path, sizeof(path), "/proc/%d/uid_map", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = (int)read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	/* Exactly one line: "0 X 65536" with X a block boundary in the range. */
	if (sscanf(buf, "%u %u %u", &in, &out, &size) != 3 ||
	    strchr(buf, '\n') != buf + n - 1)
		return false;
	if (in != 0 || size != WARD_IDMAP_BLOCK || out < base ||
	    (uint64_t)out + size > (uint64_t)base + count ||
	    (out - base) % WARD_IDMAP_BLOCK != 0)
		return false;
	*host_base = out;
	return true;
}

void
ward_userns_release_block(int64_t block)
{
	char path[64];

	if (block < 0)
		return;
	snprintf(path, sizeof(path), "%s/%lld", WARD_IDMAP_DIR, (long long)block);
	unlink(path);
}
