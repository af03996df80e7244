/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Suite "mounts", hostile images (issue 3 item 9): symlinks in the rootfs at
 * mount targets, /dev and /proc, masked and read-only paths, each aimed at a
 * sentinel directory on the host. Whatever the outcome (refused, or mounted
 * inside the rootfs), the sentinel keeps exactly its one file, unchanged,
 * and no host mount mentions it.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/magic.h>

#include "ward/cleanup.h"
#include "suites.h"
#include "test_mounts.h"

struct hostile {
	const char *name;
	/* Each "%s" in links/mounts/masked is replaced by the sentinel path. */
	const char *link_at;	/* in rootfs; NULL: none */
	const char *link_to;
	bool link_replaces_dir;	/* rmdir link_at first (/dev, /proc) */
	const char *mounts;
	const char *linux_json;
	int want_errno;		/* 0: apply must succeed */
	const char *want_msg;
	const char *made_inside;	/* a path under rootfs that must now exist */
};

static const struct hostile cases[] = {
	{ "target -> /", "mnt", "/", false,
	  "{\"destination\":\"/mnt\",\"type\":\"tmpfs\"}", "",
	  EINVAL, "resolves to the container's root", NULL },
	{ "target -> /proc/self/root/...", "evil", "/proc/self/root%s", false,
	  "{\"destination\":\"/proc\",\"type\":\"proc\"},"
	  "{\"destination\":\"/evil\",\"type\":\"tmpfs\"}", "",
	  ELOOP, "/evil", NULL },
	{ "target -> absolute host path", "data", "%s", false,
	  "{\"destination\":\"/data/x\",\"type\":\"tmpfs\"}", "", 0, NULL,
	  "%s/x" },
	{ "target -> ../../.. escape", "up", "../../../../../../../..%s", false,
	  "{\"destination\":\"/up/y\",\"type\":\"bind\",\"source\":\"/etc/passwd\"}",
	  "", 0, NULL, "%s/y" },
	{ "/dev -> host dir", "dev", "%s", true, "", "", ELOOP,
	  "/dev is a symlink in the rootfs", NULL },
	{ "/proc -> host dir", "proc", "%s", true,
	  "{\"destination\":\"/proc\",\"type\":\"proc\"}", "", ELOOP,
	  "/proc is a symlink in the rootfs", NULL },
	{ "masked and read-only symlinks", "etc/secret", "%s/file", false, "",
	  "\"maskedPaths\":[\"/etc/secret\",\"/etc/secret/x\"],"
	  "\"readonlyPaths\":[\"/etc/secret\"]",
	  0, NULL, NULL },
};

static char *
fill(const char *fmt, const char *sentinel)
{
	char *out = NULL;
	const char *p = strstr(fmt, "%s");

	/* At most one "%s": the JSON itself has no other conversions. */
	if (p == NULL)
		ck_assert_int_ge(asprintf(&out, "%s", fmt), 0);
	else
		ck_assert_int_ge(asprintf(&out, "%.*s%s%s", (int)(p - fmt), fmt,
					  sentinel, p + 2), 0);
	return out;
}

static void
assert_sentinel_intact(const char *sentinel)
{
	char path[PATH_MAX + 8], buf[16];
	struct dirent *de;
	DIR *d = opendir(sentinel);
	int n = 0, fd;
	ssize_t len;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	ck_assert_int_eq(n, 1);
	snprintf(path, sizeof(path), "%s/file", sentinel);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	len = read(fd, buf, sizeof(buf));
	close(fd);
	ck_assert_int_eq(len, 4);
	ck_assert(memcmp(buf, "host", 4) == 0);
}

static bool
mountinfo_mentions(const char *what)
{
	_cleanup_free_ char *info = NULL;
	struct ward_err e = { 0 };
	size_t len;

	ck_assert_int_eq(ward_read_file("/proc/self/mountinfo", 4u << 20, &info,
					&len, &e), 0);
	return strstr(info, what) != NULL;
}

/* Inside, after a successful apply: the symlinks are still there, unmounted. */
static int
inside_checks(const char *link)
{
	char path[PATH_MAX];
	struct stat st;
	struct statfs sf;

	if (link == NULL)
		return 0;
	snprintf(path, sizeof(path), "/%s", link);
	if (lstat(path, &st) < 0 || !S_ISLNK(st.st_mode))
		return 10;
	/* A masked symlink must not have become a mount of /dev/null. */
	if (statfs(path, &sf) == 0 && sf.f_type == TMPFS_MAGIC)
		return 11;
	return 0;
}

static int
run(const struct ward_mounts_plan *p, const char *link, char *msg, size_t len,
    int *code)
{
	int fds[2], status;
	struct ward_err e = { 0 };
	ssize_t n;
	pid_t pid;

	ck_assert_int_eq(pipe2(fds, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(fds[0]);
		if (unshare(CLONE_NEWNS) < 0)
			_exit(5);
		if (ward_mounts_apply(p, -1, &e) < 0) {
			if (write(fds[1], &e, sizeof(e)) < 0)
				_exit(6);
			_exit(2);
		}
		_exit(inside_checks(link));
	}
	close(fds[1]);
	memset(&e, 0, sizeof(e));
	n = read(fds[0], &e, sizeof(e));
	close(fds[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	snprintf(msg, len, "%s", n == (ssize_t)sizeof(e) ? e.msg : "");
	*code = e.code;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void
plant(const char *bundle, const struct hostile *h, const char *sentinel)
{
	char at[PATH_MAX + 16];
	_cleanup_free_ char *to = NULL;

	if (h->link_at == NULL)
		return;
	snprintf(at, sizeof(at), "%s/rootfs/%s", bundle, h->link_at);
	if (h->link_replaces_dir)
		ck_assert_int_eq(rmdir(at), 0);
	to = fill(h->link_to, sentinel);
	ck_assert_int_eq(symlink(to, at), 0);
}

START_TEST(hostile_image)
{
	const struct hostile *h = &cases[_i];
	char bundle[PATH_MAX], sentinel[PATH_MAX], path[PATH_MAX * 2], msg[256];
	_cleanup_free_ char *mounts = NULL, *linux_json = NULL, *made = NULL;
	struct ward_mounts_plan p;
	struct ward_err e = { 0 };
	struct ward_spec *s;
	int status, code = 0;

	/* Same prefix as a bundle, so tm_bundle_remove() cleans it up. */
	strcpy(sentinel, "/tmp/ward-mounts-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(sentinel));
	snprintf(path, sizeof(path), "%s/file", sentinel);
	tm_write(path, "host");
	tm_bundle_make(bundle, sizeof(bundle), 0);
	plant(bundle, h, sentinel);
	mounts = fill(h->mounts, sentinel);
	linux_json = fill(h->linux_json, sentinel);
	s = tm_spec("{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},"
		    "\"mounts\":[%s],\"linux\":{%s}}", mounts, linux_json);
	ck_assert_msg(ward_mounts_plan(s, bundle, &p, &e) == 0, "%s", e.msg);
	ward_spec_free(s);

	status = run(&p, h->want_errno == 0 ? h->link_at : NULL, msg, sizeof(msg), &code);
	if (h->want_errno == 0) {
		ck_assert_msg(status == 0, "%s: status %d: %s", h->name, status, msg);
	} else {
		ck_assert_msg(status == 2, "%s: status %d", h->name, status);
		ck_assert_msg(code == h->want_errno, "%s: errno %d: %s", h->name,
			      code, msg);
		ck_assert_msg(strstr(msg, h->want_msg) != NULL, "%s: %s", h->name, msg);
	}
	if (h->made_inside != NULL) {
		/* The mount target was created inside the rootfs instead. */
		made = fill(h->made_inside, sentinel);
		snprintf(path, sizeof(path), "%s/rootfs%s", bundle, made);
		ck_assert_msg(access(path, F_OK) == 0, "%s: %s missing", h->name, path);
	}
	assert_sentinel_intact(sentinel);
	ck_assert(!mountinfo_mentions(sentinel));
	ck_assert(!mountinfo_mentions(bundle));
	ward_mounts_plan_free(&p);
	tm_bundle_remove(bundle);
	tm_bundle_remove(sentinel);
}
END_TEST

TCase *
tm_hostile_tcase(void)
{
	TCase *tc = tcase_create("hostile");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, hostile_image, 0, (int)WARD_ARRAY_SIZE(cases));
	return tc;
}
