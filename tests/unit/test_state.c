/* SPDX-License-Identifier: Apache-2.0 */
/* state.c/state_json.c: the state dir, state.json round trips, status. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <limits.h>
#include <unistd.h>

#include "state.h"
#include "suites.h"

static char root[] = "/tmp/ward-state-XXXXXX";

static void
setup(void)
{
	strcpy(root, "/tmp/ward-state-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
}

static void
teardown(void)
{
	char path[PATH_MAX];

	for (int k = 0; k < 16; k++) {
		snprintf(path, sizeof(path), "%s/.spare/%d", root, k);
		rmdir(path);
	}
	snprintf(path, sizeof(path), "%s/.spare", root);
	rmdir(path);
	rmdir(root);
}

static void
fill(struct ward_state *st, pid_t pid, const char *cgroup)
{
	memset(st, 0, sizeof(*st));
	snprintf(st->id, sizeof(st->id), "c1");
	st->pid = pid;
	st->pid_start = 123456789012ULL;
	snprintf(st->bundle, sizeof(st->bundle), "/srv/bundles/a-rather-long-bundle-path");
	snprintf(st->rootfs, sizeof(st->rootfs), "rootfs");
	snprintf(st->created, sizeof(st->created), "2026-11-28T22:00:00.000000000Z");
	snprintf(st->cgroup, sizeof(st->cgroup), "%s", cgroup);
	st->idmap_block = -1;
}

/* A shorter second save (padded in place) still loads, with its values. */
START_TEST(save_shorter_then_load)
{
	struct ward_state_dir d;
	struct ward_state st, got;
	struct ward_err e = { 0 };

	ck_assert_int_eq(ward_state_create(root, "c1", &d, &e), 0);
	fill(&st, 2147483, "v=hybrid;c=1111111111;p=/ward/a-very-long-cgroup-path");
	ck_assert_int_eq(ward_state_save(&d, &st, &e), 0);
	fill(&st, 7, "v=hybrid;c=1;p=/w");
	ck_assert_int_eq(ward_state_save(&d, &st, &e), 0);
	ck_assert_int_eq(ward_state_load(&d, &got, &e), 0);
	ck_assert_int_eq(got.pid, 7);
	ck_assert_uint_eq(got.pid_start, 123456789012ULL);
	ck_assert_str_eq(got.cgroup, "v=hybrid;c=1;p=/w");
	ck_assert_str_eq(got.bundle, st.bundle);
	ck_assert_int_eq(ward_state_destroy(&d, &e), 0);
}
END_TEST

/* created vs running comes from start.sock, not from state.json. */
START_TEST(started_is_start_sock_gone)
{
	struct ward_state_dir d;
	struct ward_state st, got;
	struct ward_err e = { 0 };
	int fd;

	ck_assert_int_eq(ward_state_create(root, "c1", &d, &e), 0);
	fill(&st, getpid(), "");
	ck_assert_int_eq(ward_state_save(&d, &st, &e), 0);
	fd = openat(d.dirfd, WARD_START_SOCK, O_CREAT | O_WRONLY, 0600);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(ward_state_load(&d, &got, &e), 0);
	ck_assert(!got.started);
	ck_assert(!ward_state_started(&d));
	ck_assert_int_eq(unlinkat(d.dirfd, WARD_START_SOCK, 0), 0);
	ck_assert_int_eq(ward_state_load(&d, &got, &e), 0);
	ck_assert(got.started);
	ck_assert_int_eq(ward_state_destroy(&d, &e), 0);
}
END_TEST

START_TEST(create_twice_already_exists)
{
	struct ward_state_dir d, d2;
	struct ward_err e = { 0 };

	ck_assert_int_eq(ward_state_create(root, "c1", &d, &e), 0);
	ck_assert_int_eq(ward_state_create(root, "c1", &d2, &e), -EEXIST);
	ck_assert_ptr_nonnull(strstr(e.msg, "already exists"));
	ck_assert_int_eq(ward_state_destroy(&d, &(struct ward_err){ 0 }), 0);
	memset(&e, 0, sizeof(e));
	ck_assert_int_eq(ward_state_open(root, "c1", &d2, &e), -ENOENT);
	ck_assert_ptr_nonnull(strstr(e.msg, "does not exist"));
}
END_TEST

static bool
on_tmpfs(const char *path)
{
	struct statfs sf;

	ck_assert_int_eq(statfs(path, &sf), 0);
	return sf.f_type == TMPFS_MAGIC || sf.f_type == RAMFS_MAGIC;
}

/* On a disk root a deleted state dir is kept empty and reused; tmpfs: not. */
START_TEST(spare_dirs)
{
	struct ward_state_dir d;
	struct ward_err e = { 0 };
	char spare[PATH_MAX], path[PATH_MAX];
	struct stat st;
	ino_t ino;
	bool disk = !on_tmpfs(root);

	snprintf(spare, sizeof(spare), "%s/.spare/0", root);
	snprintf(path, sizeof(path), "%s/c1", root);
	ck_assert_int_eq(ward_state_create(root, "c1", &d, &e), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ino = st.st_ino;
	ck_assert_int_eq(ward_state_save(&d, &(struct ward_state){ .id = "c1" }, &e), 0);
	ck_assert_int_eq(ward_state_destroy(&d, &e), 0);
	ck_assert_int_eq(access(path, F_OK), -1);
	ck_assert_int_eq(access(spare, F_OK), disk ? 0 : -1);
	/* Gone for every command, though its directory lives on. */
	ck_assert_int_eq(ward_state_open(root, "c1", &d, &e), -ENOENT);
	/* The next create takes it back, empty. */
	ck_assert_int_eq(ward_state_create(root, "c2", &d, &(struct ward_err){ 0 }), 0);
	ck_assert_int_eq(access(spare, F_OK), -1);
	snprintf(path, sizeof(path), "%s/c2", root);
	ck_assert_int_eq(stat(path, &st), 0);
	if (disk)
		ck_assert_uint_eq(st.st_ino, ino);
	ck_assert_int_eq(faccessat(d.dirfd, "state.json", F_OK, 0), -1);
	ck_assert_int_eq(ward_state_destroy(&d, &(struct ward_err){ 0 }), 0);
	/* An id that exists is not replaced by a spare. */
	ck_assert_int_eq(ward_state_create(root, "c3", &d, &(struct ward_err){ 0 }), 0);
	memset(&e, 0, sizeof(e));
	ck_assert_int_eq(ward_state_create(root, "c3", &(struct ward_state_dir){ 0 }, &e),
			 -EEXIST);
	ck_assert_int_eq(ward_state_destroy(&d, &(struct ward_err){ 0 }), 0);
	snprintf(path, sizeof(path), "%s/.spare/0", root);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/.spare", root);
	rmdir(path);
}
END_TEST

Suite *
suite_state(void)
{
	Suite *s = suite_create("state");
	TCase *tc = tcase_create("state");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, save_shorter_then_load);
	tcase_add_test(tc, started_is_start_sock_gone);
	tcase_add_test(tc, create_twice_already_exists);
	tcase_add_test(tc, spare_dirs);
	suite_add_tcase(s, tc);
	return s;
}
