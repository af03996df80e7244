/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Compiled profiles cached by content hash. Compiling Docker's default
 * profile costs ~20 ms per start; reading a verified entry costs well under
 * one. The cache is an optimisation only: whenever it cannot be trusted or
 * used, the profile is compiled directly.
 *
 * Trust comes from ownership, not from the hashes: the directory must be
 * ours (euid), a real directory (not a symlink) and writable by no one else,
 * and every entry a regular 0600 file of ours with one link, opened without
 * following symlinks relative to the directory fd we checked. The key in the
 * header and the SHA-256 of the body only catch corruption (a torn write, a
 * flipped bit, a file renamed to the wrong key); anyone able to write the
 * entry could recompute them.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "ward/ward.h"
#include "log.h"
#include "seccomp_int.h"

#define ENTRY_NAME_LEN (WARD_SHA256_HEX_LEN + 4)
#define ENTRY_MAX_SIZE \
	(sizeof(struct ward_bpf_cache_hdr) + BPF_MAXINSNS * sizeof(struct sock_filter))

/* ---- the key: a canonical serialisation of what the compiler reads ---- */

static void
put_u64(struct ward_sha256 *c, uint64_t v)
{
	uint8_t b[8];

	/* Fixed little-endian, so the key does not depend on struct layout. */
	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	ward_sha256_update(c, b, sizeof(b));
}

/* Length-prefixed, so ("ab","c") and ("a","bc") differ; NULL != "". */
static void
put_str(struct ward_sha256 *c, const char *s)
{
	if (s == NULL) {
		put_u64(c, UINT64_MAX);
		return;
	}
	put_u64(c, strlen(s));
	ward_sha256_update(c, s, strlen(s));
}

static void
put_rule(struct ward_sha256 *c, const struct ward_seccomp_rule *r)
{
	put_u64(c, r->n_names);
	for (size_t j = 0; j < r->n_names; j++)
		put_str(c, r->names[j]);
	put_str(c, r->action);
	put_u64(c, r->has_errno_ret);
	put_u64(c, r->errno_ret);
	put_u64(c, r->n_args);
	for (size_t j = 0; j < r->n_args; j++) {
		put_u64(c, r->args[j].index);
		put_u64(c, r->args[j].value);
		put_u64(c, r->args[j].value_two);
		put_str(c, r->args[j].op);
	}
}

void
ward_seccomp_cache_key(const struct ward_seccomp *p,
		       uint8_t key[WARD_SHA256_LEN])
{
	const struct scmp_version *v = seccomp_version();
	struct ward_sha256 c;

	ward_sha256_init(&c);
	put_str(&c, "ward seccomp cache");
	put_str(&c, WARD_VERSION);
	put_u64(&c, WARD_SECCOMP_GEN);
	/* A newer libseccomp knows more syscall names: a different program. */
	put_u64(&c, v->major);
	put_u64(&c, v->minor);
	put_u64(&c, v->micro);
	put_u64(&c, seccomp_arch_native());
	put_str(&c, p->default_action);
	put_u64(&c, p->has_default_errno_ret);
	put_u64(&c, p->default_errno_ret);
	put_u64(&c, p->n_architectures);
	for (size_t i = 0; i < p->n_architectures; i++)
		put_str(&c, p->architectures[i]);
	/* The listener is refused before compiling; flags are not in the BPF. */
	put_str(&c, p->listener_path);
	put_u64(&c, p->n_syscalls);
	for (size_t i = 0; i < p->n_syscalls; i++)
		put_rule(&c, &p->syscalls[i]);
	ward_sha256_final(&c, key);
}

/* ---- the directory ---- */

/* A directory fd we may trust, or -1 (the reason logged at debug). */
static int
open_cache_dir(const char *path)
{
	char clean[PATH_MAX];
	size_t len = strlen(path);
	_cleanup_close_ int fd = -1;
	struct stat st;

	/* A trailing slash would make O_NOFOLLOW follow a symlink. */
	while (len > 1 && path[len - 1] == '/')
		len--;
	if (len == 0 || len >= sizeof(clean)) {
		ward_debug("seccomp cache %s: bad path, not used", path);
		return -1;
	}
	memcpy(clean, path, len);
	clean[len] = '\0';
	if (mkdir(clean, 0700) < 0 && errno != EEXIST) {
		ward_debug("seccomp cache %s: mkdir: %s, not used", clean,
			   strerror(errno));
		return -1;
	}
	fd = open(clean, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		ward_debug("seccomp cache %s: %s, not used", clean,
			   strerror(errno));
		return -1;
	}
	if (st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH))) {
		ward_debug("seccomp cache %s: owner %u mode %04o (need ours, not group/other-writable), not used",
			   clean, st.st_uid, st.st_mode & 07777);
		return -1;
	}
	return take_fd(&fd);
}

/* ---- entries ---- */

static int
read_exact(int fd, void *buf, size_t len, off_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done,
				  off + (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		done += (size_t)n;
	}
	return 0;
}

/* Ours, a regular file, 0600, one link, and the size the header says. */
static const char *
entry_untrusted(const struct stat *st)
{
	if (!S_ISREG(st->st_mode))
		return "not a regular file";
	if (st->st_uid != geteuid())
		return "owned by another user";
	if ((st->st_mode & 07777) != 0600)
		return "mode is not 0600";
	if (st->st_nlink != 1)
		return "has other links";
	if ((size_t)st->st_size < sizeof(struct ward_bpf_cache_hdr) ||
	    (size_t)st->st_size > ENTRY_MAX_SIZE)
		return "bad size";
	return NULL;
}

static const char *
header_bad(const struct ward_bpf_cache_hdr *h, const uint8_t *key,
	   const struct stat *st)
{
	if (memcmp(h->magic, WARD_BPF_CACHE_MAGIC, sizeof(h->magic)) != 0)
		return "bad magic";
	if (h->version != WARD_BPF_CACHE_VERSION)
		return "other format version";
	if (memcmp(h->key, key, WARD_SHA256_LEN) != 0)
		return "key mismatch";
	if (h->count == 0 || h->count > BPF_MAXINSNS ||
	    (size_t)st->st_size !=
		    sizeof(*h) + h->count * sizeof(struct sock_filter))
		return "bad instruction count";
	return NULL;
}

/* 0 with out filled on a verified hit; -1 on a miss (logged). */
static int
cache_read(int dirfd, const char *name, const uint8_t *key,
	   struct ward_bpf *out)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW |
						       O_NONBLOCK | O_CLOEXEC);
	_cleanup_free_ struct sock_filter *body = NULL;
	uint8_t digest[WARD_SHA256_LEN];
	struct ward_bpf_cache_hdr h;
	const char *why = NULL;
	struct stat st;
	size_t size;

	if (fd < 0 || fstat(fd, &st) < 0) {
		ward_debug("seccomp cache entry %s: %s", name, strerror(errno));
		return -1;
	}
	why = entry_untrusted(&st);
	if (why == NULL && read_exact(fd, &h, sizeof(h), 0) < 0)
		why = "short header";
	if (why == NULL)
		why = header_bad(&h, key, &st);
	if (why == NULL) {
		size = h.count * sizeof(*body);
		body = malloc(size);
		if (body == NULL || read_exact(fd, body, size, sizeof(h)) < 0)
			why = "unreadable body";
	}
	if (why == NULL) {
		ward_sha256(body, size, digest);
		if (memcmp(digest, h.body_sha256, sizeof(digest)) != 0)
			why = "body checksum mismatch";
	}
	if (why != NULL) {
		ward_debug("seccomp cache entry %s ignored: %s", name, why);
		return -1;
	}
	*out = (struct ward_bpf){ take_ptr(&body), (unsigned short)h.count,
				  true };
	return 0;
}

static int
write_entry(int fd, const uint8_t *key, const struct ward_bpf *prog)
{
	size_t size = prog->len * sizeof(*prog->insns);
	struct ward_bpf_cache_hdr h = { .version = WARD_BPF_CACHE_VERSION,
					.count = prog->len };
	int ret;

	memcpy(h.magic, WARD_BPF_CACHE_MAGIC, sizeof(h.magic));
	memcpy(h.key, key, WARD_SHA256_LEN);
	ward_sha256(prog->insns, size, h.body_sha256);
	/* The umask must not decide the mode the reader insists on. */
	if (fchmod(fd, 0600) < 0)
		return -errno;
	ret = ward_write_all(fd, &h, sizeof(h));
	if (ret == 0)
		ret = ward_write_all(fd, prog->insns, size);
	return ret;
}

/*
 * Atomically (tmp + rename) store prog. No fsync: a torn entry after a crash
 * fails verification and is rebuilt. Failures only cost the next start.
 */
static void
cache_write(int dirfd, const char *name, const uint8_t *key,
	    const struct ward_bpf *prog)
{
	char tmp[ENTRY_NAME_LEN + 32];
	int fd, ret;

	snprintf(tmp, sizeof(tmp), ".%s.%ld.tmp", name, (long)getpid());
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
					 O_CLOEXEC, 0600);
	if (fd < 0 && errno == EEXIST && unlinkat(dirfd, tmp, 0) == 0)
		fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL |
						 O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		ward_debug("seccomp cache: create %s: %s", tmp, strerror(errno));
		return;
	}
	ret = write_entry(fd, key, prog);
	if (close(fd) < 0 && ret == 0)
		ret = -errno;
	if (ret == 0 && renameat(dirfd, tmp, dirfd, name) < 0)
		ret = -errno;
	if (ret < 0) {
		ward_debug("seccomp cache: store %s: %s", name, strerror(-ret));
		unlinkat(dirfd, tmp, 0);
	}
}

int
ward_seccomp_compile_cached(const struct ward_seccomp *p, const char *cache_dir,
			    struct ward_bpf *out, struct ward_err *e)
{
	uint8_t key[WARD_SHA256_LEN];
	char name[ENTRY_NAME_LEN];
	_cleanup_close_ int dirfd = -1;
	int ret;

	*out = (struct ward_bpf){ 0 };
	if (cache_dir != NULL)
		dirfd = open_cache_dir(cache_dir);
	if (dirfd >= 0) {
		ward_seccomp_cache_key(p, key);
		ward_sha256_hex(key, name);
		strcat(name, ".bpf");
		if (cache_read(dirfd, name, key, out) == 0)
			return 0;
	}
	ret = ward_seccomp_compile(p, out, e);
	if (ret == 0 && dirfd >= 0)
		cache_write(dirfd, name, key, out);
	return ret;
}
