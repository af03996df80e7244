/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The compiled-filter cache: hits return the stored program, bad entries are
 * rebuilt, and nothing another user could have written is ever used. To
 * tell a hit from a recompile, tests plant a well-formed entry holding a
 * different program ("forged"): returned means the cache was trusted.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "seccomp_int.h"
#include "suites.h"
#include "test_seccomp.h"

static struct ward_seccomp_arg a_args[] = {
	{ .index = 0, .value = 2, .op = "SCMP_CMP_LE" },
};
static struct ward_seccomp_rule a_rules[] = {
	{ .names = (char *[]){ "getpid", "read", "write" }, .n_names = 3,
	  .action = "SCMP_ACT_ALLOW" },
	{ .names = (char *[]){ "close" }, .n_names = 1,
	  .action = "SCMP_ACT_ALLOW", .args = a_args, .n_args = 1 },
};
static struct ward_seccomp_rule b_rules[] = {
	{ .names = (char *[]){ "getppid" }, .n_names = 1,
	  .action = "SCMP_ACT_ALLOW" },
};

struct fixture {
	char dir[64];			/* mkdtemp, removed at the end */
	char cache[96];			/* dir/cache */
	char entry[256];		/* dir/cache/<key>.bpf for profile a */
	struct ward_seccomp a, b;
	struct ward_bpf want_a, want_b;	/* compiled directly */
};

static void
setup(struct fixture *f)
{
	uint8_t key[WARD_SHA256_LEN];
	char hex[WARD_SHA256_HEX_LEN];
	struct ward_err e = { 0 };

	memset(f, 0, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/ward-cache-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(f->dir));
	snprintf(f->cache, sizeof(f->cache), "%s/cache", f->dir);
	f->a = (struct ward_seccomp){ .default_action = "SCMP_ACT_ERRNO",
				      .syscalls = a_rules, .n_syscalls = 2 };
	f->b = (struct ward_seccomp){ .default_action = "SCMP_ACT_ERRNO",
				      .syscalls = b_rules, .n_syscalls = 1 };
	ward_seccomp_cache_key(&f->a, key);
	ward_sha256_hex(key, hex);
	snprintf(f->entry, sizeof(f->entry), "%s/%s.bpf", f->cache, hex);
	ck_assert_int_eq(ward_seccomp_compile(&f->a, &f->want_a, &e), 0);
	ck_assert_int_eq(ward_seccomp_compile(&f->b, &f->want_b, &e), 0);
	/* The test relies on them differing. */
	ck_assert_uint_ne(f->want_a.len, f->want_b.len);
}

static int
rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st, (void)type, (void)ftw;
	return remove(path);
}

static void
teardown(struct fixture *f)
{
	ward_bpf_free(&f->want_a);
	ward_bpf_free(&f->want_b);
	ck_assert_int_eq(nftw(f->dir, rm_one, 8, FTW_DEPTH | FTW_PHYS), 0);
}

static bool
same(const struct ward_bpf *x, const struct ward_bpf *y)
{
	return x->len == y->len &&
	       memcmp(x->insns, y->insns, x->len * sizeof(*x->insns)) == 0;
}

/* compile_cached(a): must succeed; true when it returned want_a. */
static bool
cached_a(struct fixture *f, const char *cache)
{
	struct ward_bpf got = { 0 };
	struct ward_err e = { 0 };
	bool is_a;

	ck_assert_msg(ward_seccomp_compile_cached(&f->a, cache, &got, &e) == 0,
		      "%s", e.msg);
	ck_assert(got.owned);
	is_a = same(&got, &f->want_a);
	ck_assert_msg(is_a || same(&got, &f->want_b), "neither program");
	ward_bpf_free(&got);
	return is_a;
}

/* A well-formed entry for a's key holding b's program, at path. */
static void
forge(struct fixture *f, const char *path)
{
	size_t size = f->want_b.len * sizeof(*f->want_b.insns);
	struct ward_bpf_cache_hdr h = { .version = WARD_BPF_CACHE_VERSION,
					.count = f->want_b.len };
	_cleanup_close_ int fd = -1;

	memcpy(h.magic, WARD_BPF_CACHE_MAGIC, sizeof(h.magic));
	ward_seccomp_cache_key(&f->a, h.key);
	ward_sha256(f->want_b.insns, size, h.body_sha256);
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fchmod(fd, 0600), 0);
	ck_assert_int_eq(write(fd, &h, sizeof(h)), (ssize_t)sizeof(h));
	ck_assert_int_eq(write(fd, f->want_b.insns, size), (ssize_t)size);
}

static ino_t
inode(const char *path)
{
	struct stat st;

	ck_assert_int_eq(lstat(path, &st), 0);
	return st.st_ino;
}

START_TEST(miss_then_hit)
{
	struct fixture f;
	struct stat st;
	ino_t ino;

	setup(&f);
	ck_assert(cached_a(&f, f.cache));
	ck_assert_int_eq(stat(f.cache, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0700);
	ck_assert_int_eq(stat(f.entry, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	ck_assert_int_eq(st.st_size, sizeof(struct ward_bpf_cache_hdr) +
					     f.want_a.len * sizeof(struct sock_filter));
	ino = st.st_ino;
	/* A hit returns the identical program and leaves the entry alone. */
	ck_assert(cached_a(&f, f.cache));
	ck_assert_uint_eq(inode(f.entry), ino);
	/* And it really reads the entry: a planted program comes back. */
	forge(&f, f.entry);
	ck_assert(!cached_a(&f, f.cache));
	/* NULL: no cache at all. */
	ck_assert(cached_a(&f, NULL));
	teardown(&f);
}
END_TEST

/* Flip one byte at off (from the end when negative); a must be rebuilt. */
static void
tamper_and_check(struct fixture *f, off_t off)
{
	unsigned char orig, c;
	struct stat st;
	int fd;

	ck_assert(cached_a(f, f->cache));
	fd = open(f->entry, O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	if (off < 0)
		off += st.st_size;
	ck_assert_int_eq(pread(fd, &orig, 1, off), 1);
	c = orig ^ 0x01;
	ck_assert_int_eq(pwrite(fd, &c, 1, off), 1);
	close(fd);
	ck_assert_msg(cached_a(f, f->cache), "offset %ld", (long)off);
	/* Rewritten: the byte is back, and the entry is a hit again. */
	fd = open(f->entry, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, &c, 1, off), 1);
	close(fd);
	ck_assert_uint_eq(c, orig);
	forge(f, f->entry);
	ck_assert(!cached_a(f, f->cache));
	ck_assert_int_eq(unlink(f->entry), 0);
}

START_TEST(tampered_entry_is_rejected_and_rebuilt)
{
	struct fixture f;
	ino_t before;

	setup(&f);
	tamper_and_check(&f, -1);		/* last body byte */
	tamper_and_check(&f, sizeof(struct ward_bpf_cache_hdr)); /* first */
	tamper_and_check(&f, 0);		/* magic */
	tamper_and_check(&f, offsetof(struct ward_bpf_cache_hdr, key) + 5);
	tamper_and_check(&f, offsetof(struct ward_bpf_cache_hdr, count));
	/* Truncated, as after a crash mid-write. */
	ck_assert(cached_a(&f, f.cache));
	before = inode(f.entry);
	ck_assert_int_eq(truncate(f.entry, sizeof(struct ward_bpf_cache_hdr) + 8), 0);
	ck_assert(cached_a(&f, f.cache));
	ck_assert_uint_ne(inode(f.entry), before);
	teardown(&f);
}
END_TEST

START_TEST(untrusted_cache_dir_is_not_used)
{
	char link[128];
	struct fixture f;
	struct stat st;

	setup(&f);
	ck_assert(cached_a(&f, f.cache));
	forge(&f, f.entry);
	ck_assert(!cached_a(&f, f.cache));	/* sanity: planted entry is used */
	ck_assert_int_eq(chmod(f.cache, 0770), 0);
	ck_assert(cached_a(&f, f.cache));
	ck_assert_int_eq(chmod(f.cache, 0702), 0);
	ck_assert(cached_a(&f, f.cache));
	/* Not written to either: the planted entry is still there. */
	ck_assert_int_eq(chmod(f.cache, 0700), 0);
	ck_assert(!cached_a(&f, f.cache));
	ck_assert_int_eq(chown(f.cache, 1000, 1000), 0);
	ck_assert(cached_a(&f, f.cache));
	ck_assert_int_eq(chown(f.cache, 0, 0), 0);
	/* A symlink to a good cache is not a cache. */
	snprintf(link, sizeof(link), "%s/link", f.dir);
	ck_assert_int_eq(symlink(f.cache, link), 0);
	ck_assert(cached_a(&f, link));
	strcat(link, "/");
	ck_assert(cached_a(&f, link));
	/* A fresh group-writable directory gets no entry. */
	ck_assert_int_eq(unlink(f.entry), 0);
	ck_assert_int_eq(chmod(f.cache, 0770), 0);
	ck_assert(cached_a(&f, f.cache));
	ck_assert_int_eq(stat(f.entry, &st), -1);
	teardown(&f);
}
END_TEST

START_TEST(untrusted_entries_are_not_used)
{
	char other[128], hard[128];
	struct fixture f;
	struct stat st;

	setup(&f);
	ck_assert(cached_a(&f, f.cache));
	forge(&f, f.entry);
	ck_assert_int_eq(chmod(f.entry, 0644), 0);
	ck_assert(cached_a(&f, f.cache));	/* and rewritten 0600 */
	ck_assert_int_eq(stat(f.entry, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	forge(&f, f.entry);
	ck_assert_int_eq(chown(f.entry, 1000, 1000), 0);
	ck_assert(cached_a(&f, f.cache));
	/* A symlink to a perfect planted entry is not followed... */
	snprintf(other, sizeof(other), "%s/planted", f.dir);
	forge(&f, other);
	ck_assert_int_eq(unlink(f.entry), 0);
	ck_assert_int_eq(symlink(other, f.entry), 0);
	ck_assert(cached_a(&f, f.cache));
	/* ...it is replaced by a regular file, and its target left alone. */
	ck_assert_int_eq(lstat(f.entry, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_int_eq(stat(other, &st), 0);
	ck_assert_int_eq(st.st_size, sizeof(struct ward_bpf_cache_hdr) +
					     f.want_b.len * sizeof(struct sock_filter));
	/* A hard link to it (the planted file) is not ours alone. */
	snprintf(hard, sizeof(hard), "%s/hard", f.dir);
	forge(&f, f.entry);
	ck_assert_int_eq(link(f.entry, hard), 0);
	ck_assert(cached_a(&f, f.cache));
	teardown(&f);
}
END_TEST

/* Every field the compiler reads is in the key. */
START_TEST(key_covers_the_profile)
{
	struct ward_seccomp_arg arg = a_args[0];
	struct ward_seccomp_rule rules[2] = { a_rules[0], a_rules[1] };
	struct ward_seccomp p = { .default_action = "SCMP_ACT_ERRNO",
				  .syscalls = rules, .n_syscalls = 2 };
	uint8_t base[WARD_SHA256_LEN], k[WARD_SHA256_LEN];

	rules[1].args = &arg;
	ward_seccomp_cache_key(&p, base);
	ward_seccomp_cache_key(&p, k);
	ck_assert(memcmp(base, k, sizeof(k)) == 0);
	arg.value = 3;
	ward_seccomp_cache_key(&p, k);
	ck_assert(memcmp(base, k, sizeof(k)) != 0);
	arg.value = 2;
	arg.op = "SCMP_CMP_LT";
	ward_seccomp_cache_key(&p, k);
	ck_assert(memcmp(base, k, sizeof(k)) != 0);
	arg.op = a_args[0].op;
	p.has_default_errno_ret = true;
	p.default_errno_ret = EPERM;
	ward_seccomp_cache_key(&p, k);
	ck_assert(memcmp(base, k, sizeof(k)) != 0);
	p.has_default_errno_ret = false;
	p.default_errno_ret = 0;
	rules[0].n_names = 2;
	ward_seccomp_cache_key(&p, k);
	ck_assert(memcmp(base, k, sizeof(k)) != 0);
	rules[0].n_names = 3;
	ward_seccomp_cache_key(&p, k);
	ck_assert(memcmp(base, k, sizeof(k)) == 0);
}
END_TEST

TCase *
tcase_seccomp_cache(void)
{
	TCase *tc = tcase_create("cache");

	tcase_add_test(tc, miss_then_hit);
	tcase_add_test(tc, tampered_entry_is_rejected_and_rebuilt);
	tcase_add_test(tc, untrusted_cache_dir_is_not_used);
	tcase_add_test(tc, untrusted_entries_are_not_used);
	tcase_add_test(tc, key_covers_the_profile);
	return tc;
}
