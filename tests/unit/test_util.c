/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "suites.h"
#include "util.h"

START_TEST(err_set_once_and_prefix)
{
	struct ward_err e = { 0 };
	char buf[512];

	ck_assert_int_eq(ward_err_set(&e, ENOENT, "open %s", "x"), -ENOENT);
	/* The first failure site wins; later sets don't overwrite it. */
	ck_assert_int_eq(ward_err_set(&e, EPERM, "other"), -EPERM);
	ck_assert_int_eq(e.code, ENOENT);
	ward_err_prefix(&e, "mount");
	ck_assert_str_eq(e.msg, "mount: open x");
	ck_assert_str_eq(ward_err_str(&e, buf, sizeof(buf)),
			 "mount: open x: No such file or directory");
}
END_TEST

START_TEST(err_set_zero_code_still_fails)
{
	struct ward_err e = { 0 };

	ck_assert_int_lt(ward_err_set(&e, 0, "oops"), 0);
	ck_assert_int_ne(e.code, 0);
}
END_TEST

START_TEST(arena_allocates_zeroed_aligned_memory)
{
	static const unsigned char zero[8000];
	struct ward_arena a = { 0 };

	for (int i = 0; i < 1000; i++) {
		size_t n = (size_t)i * 7 + 1;
		unsigned char *p = ward_arena_alloc(&a, n);

		ck_assert_ptr_nonnull(p);
		ck_assert_uint_eq((uintptr_t)p % _Alignof(max_align_t), 0);
		ck_assert(memcmp(p, zero, n) == 0);
		memset(p, 0xaa, n);
	}
	ck_assert_ptr_nonnull(ward_arena_alloc(&a, 1 << 20));
	ck_assert_str_eq(ward_arena_strdup(&a, "hello"), "hello");
	ck_assert_str_eq(ward_arena_strndup(&a, "hello", 3), "hel");
	ward_arena_release(&a);
	ck_assert_ptr_null(a.head);
}
END_TEST

START_TEST(path_clean_never_escapes_root)
{
	static const char *const cases[][2] = {
		{ "/", "/" },		{ "", "/" },
		{ "a//b/./c", "/a/b/c" }, { "/a/b/../c", "/a/c" },
		{ "/../../etc", "/etc" }, { "/a/..", "/" },
		{ "/proc/self/../1", "/proc/1" }, { "/a/b/", "/a/b" },
	};
	char out[64];

	for (size_t i = 0; i < WARD_ARRAY_SIZE(cases); i++) {
		ck_assert_int_eq(ward_path_clean(cases[i][0], out, sizeof(out)), 0);
		ck_assert_str_eq(out, cases[i][1]);
	}
	ck_assert_int_eq(ward_path_clean("/aaaaaaaaaaaaaaaa", out, 8), -ENAMETOOLONG);
}
END_TEST

START_TEST(path_within)
{
	ck_assert(ward_path_is_within("/etc", "/etc"));
	ck_assert(ward_path_is_within("/etc/passwd", "/etc"));
	ck_assert(!ward_path_is_within("/etcetera", "/etc"));
	ck_assert(ward_path_is_within("/anything", "/"));
	ck_assert(!ward_path_is_within("/et", "/etc"));
}
END_TEST

START_TEST(parse_numbers)
{
	uint64_t u;
	int64_t s;

	ck_assert_int_eq(ward_parse_u64("18446744073709551615", &u), 0);
	ck_assert_uint_eq(u, UINT64_MAX);
	ck_assert_int_lt(ward_parse_u64("18446744073709551616", &u), 0);
	ck_assert_int_lt(ward_parse_u64("-1", &u), 0);
	ck_assert_int_lt(ward_parse_u64("12x", &u), 0);
	ck_assert_int_lt(ward_parse_u64("", &u), 0);
	ck_assert_int_eq(ward_parse_i64("-42", &s), 0);
	ck_assert_int_eq(s, -42);
	ck_assert_int_lt(ward_parse_i64("4 2", &s), 0);
}
END_TEST

START_TEST(read_file_is_bounded)
{
	char tmpl[] = "/tmp/ward-util-XXXXXX";
	struct ward_err e = { 0 };
	_cleanup_free_ char *buf = NULL;
	_cleanup_close_ int fd = mkstemp(tmpl);
	char data[10000];
	size_t len;

	ck_assert_int_ge(fd, 0);
	memset(data, 'x', sizeof(data));
	ck_assert_int_eq(ward_write_all(fd, data, sizeof(data)), 0);
	ck_assert_int_eq(ward_read_file(tmpl, sizeof(data), &buf, &len, &e), 0);
	ck_assert_uint_eq(len, sizeof(data));
	ck_assert_int_eq(buf[len], '\0');
	free(take_ptr(&buf));
	ck_assert_int_eq(ward_read_file(tmpl, sizeof(data) - 1, &buf, &len, &e),
			 -EFBIG);
	ck_assert_ptr_null(buf);
	unlink(tmpl);
}
END_TEST

START_TEST(write_atomic_replaces)
{
	char dir[] = "/tmp/ward-util-XXXXXX", path[64];
	struct ward_err e = { 0 };
	_cleanup_free_ char *buf = NULL;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/f", dir);
	ck_assert_int_eq(ward_write_file_atomic(path, "one", 3, 0600, &e), 0);
	ck_assert_int_eq(ward_write_file_atomic(path, "two!", 4, 0600, &e), 0);
	ck_assert_int_eq(ward_read_file(path, 100, &buf, NULL, &e), 0);
	ck_assert_str_eq(buf, "two!");
	unlink(path);
	rmdir(dir);
}
END_TEST

START_TEST(create_at_is_exclusive)
{
	char dir[] = "/tmp/ward-util-XXXXXX";
	struct ward_err e = { 0 };
	_cleanup_free_ char *buf = NULL;
	_cleanup_close_ int dfd = -1;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(dfd, 0);
	ck_assert_int_eq(ward_create_file_at(dfd, "f", "one", 3, 0600, &e), 0);
	ck_assert_int_eq(ward_create_file_at(dfd, "f", "two", 3, 0600, &e), -EEXIST);
	ck_assert_int_eq(ward_read_file_at(dfd, "f", 100, &buf, NULL, &e), 0);
	ck_assert_str_eq(buf, "one");
	unlinkat(dfd, "f", 0);
	rmdir(dir);
}
END_TEST

/* Shorter rewrites keep the length, padded with JSON whitespace. */
START_TEST(rewrite_json_pads_instead_of_truncating)
{
	char dir[] = "/tmp/ward-util-XXXXXX";
	struct ward_err e = { 0 };
	char *buf = NULL;
	size_t len = 0;
	_cleanup_close_ int dfd = -1;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(dfd, 0);
	ck_assert_int_eq(ward_rewrite_json_at(dfd, "s.json", "{\"a\":12345}", 11,
					      0600, &e), 0);
	ck_assert_int_eq(ward_rewrite_json_at(dfd, "s.json", "{\"a\":1}", 7,
					      0600, &e), 0);
	ck_assert_int_eq(ward_read_file_at(dfd, "s.json", 100, &buf, &len, &e), 0);
	ck_assert_uint_eq(len, 11);
	ck_assert_str_eq(buf, "{\"a\":1}    ");
	free(buf);
	ck_assert_int_eq(ward_rewrite_json_at(dfd, "s.json", "{\"a\":123456789}",
					      15, 0600, &e), 0);
	ck_assert_int_eq(ward_read_file_at(dfd, "s.json", 100, &buf, &len, &e), 0);
	ck_assert_str_eq(buf, "{\"a\":123456789}");
	free(buf);
	unlinkat(dfd, "s.json", 0);
	rmdir(dir);
}
END_TEST

Suite *
suite_util(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("util");

	tcase_add_test(tc, err_set_once_and_prefix);
	tcase_add_test(tc, err_set_zero_code_still_fails);
	tcase_add_test(tc, arena_allocates_zeroed_aligned_memory);
	tcase_add_test(tc, path_clean_never_escapes_root);
	tcase_add_test(tc, path_within);
	tcase_add_test(tc, parse_numbers);
	tcase_add_test(tc, read_file_is_bounded);
	tcase_add_test(tc, write_atomic_replaces);
	tcase_add_test(tc, create_at_is_exclusive);
	tcase_add_test(tc, rewrite_json_pads_instead_of_truncating);
	suite_add_tcase(s, tc);
	return s;
}
