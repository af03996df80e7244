/* SPDX-License-Identifier: Apache-2.0 */
/* ward.conf: defaults, every key, every kind of bad line. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "suites.h"

static void
assert_defaults(const struct ward_conf *c)
{
	ck_assert_uint_eq(c->userns_base, 1000000000u);
	ck_assert_uint_eq(c->userns_count, 67108864u);
	ck_assert_int_eq(c->default_pids_limit, 4096);
	ck_assert(!c->require_readonly_rootfs);
	ck_assert(!c->require_memory_limit);
	ck_assert_uint_eq(c->n_forbidden_paths, 0);
}

START_TEST(missing_file_gives_defaults)
{
	struct ward_err e = { 0 };
	struct ward_conf *c = NULL;

	ck_assert_int_eq(ward_conf_load("/nonexistent/ward.conf", &c, &e), 0);
	ck_assert_int_eq(e.code, 0);
	assert_defaults(c);
	ward_conf_free(c);
	c = NULL;
	ck_assert_int_eq(ward_conf_load(NULL, &c, &e), 0);
	assert_defaults(c);
	ward_conf_free(c);
}
END_TEST

START_TEST(good_file)
{
	static const char text[] =
		"# host settings\n"
		"\n"
		"  require_readonly_rootfs = true\n"
		"require_memory_limit=yes\r\n"
		"\tdefault_pids_limit =  512 \n"
		"userns_range = 200000:131072\n"
		"forbidden_path = /srv//data/\n"
		"forbidden_path = /home\n"
		"   # indented comment\n";
	struct ward_err e = { 0 };
	struct ward_conf *c = NULL;

	ck_assert_msg(ward_conf_parse("t.conf", text, strlen(text), &c, &e) == 0,
		      "%s", e.msg);
	ck_assert(c->require_readonly_rootfs);
	ck_assert(c->require_memory_limit);
	ck_assert_int_eq(c->default_pids_limit, 512);
	ck_assert_uint_eq(c->userns_base, 200000);
	ck_assert_uint_eq(c->userns_count, 131072);
	ck_assert_uint_eq(c->n_forbidden_paths, 2);
	ck_assert_str_eq(c->forbidden_paths[0], "/srv/data");
	ck_assert_str_eq(c->forbidden_paths[1], "/home");
	ward_conf_free(c);
}
END_TEST

START_TEST(empty_file_is_defaults)
{
	struct ward_err e = { 0 };
	struct ward_conf *c = NULL;

	ck_assert_int_eq(ward_conf_parse("t.conf", "", 0, &c, &e), 0);
	assert_defaults(c);
	ward_conf_free(c);
}
END_TEST

START_TEST(bad_lines)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{ "colour = blue\n", "t.conf:1: unknown key 'colour'" },
		{ "\n# c\nrequire_readonly_rootfs\n", "t.conf:3: expected 'key = value'" },
		{ " = 1\n", "t.conf:1: missing key" },
		{ "default_pids_limit =\n", "t.conf:1: default_pids_limit: missing value" },
		{ "require_memory_limit = maybe\n", "require_memory_limit: bad value 'maybe'" },
		{ "require_memory_limit = True\n", "bad value 'True'" },
		{ "default_pids_limit = 0\n", "default_pids_limit: bad value '0'" },
		{ "default_pids_limit = -5\n", "bad value '-5'" },
		{ "default_pids_limit = 10 # ten\n", "bad value '10 # ten'" },
		{ "default_pids_limit = 99999999999999999999\n", "bad value" },
		{ "userns_range = 0:65536\n", "userns_range: bad value '0:65536'" },
		{ "userns_range = 100000:65535\n", "bad value '100000:65535'" },
		{ "userns_range = 100000:0\n", "bad value" },
		{ "userns_range = 100000\n", "bad value" },
		{ "userns_range = 4294901760:65536\n", "bad value" },
		{ "userns_range = 1:65536:2\n", "bad value" },
		{ "userns_range = -1:65536\n", "bad value" },
		{ "forbidden_path = srv/data\n", "forbidden_path: bad value 'srv/data'" },
		{ "require_readonly_rootfs = true\nrequire_readonly_rootfs = false\n",
		  "t.conf:2: require_readonly_rootfs is set twice" },
		{ "default_pids_limit = 5\ndefault_pids_limit = 6\n", "set twice" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ward_err e = { 0 };
		struct ward_conf *c = NULL;
		int ret = ward_conf_parse("t.conf", cases[i].text,
					  strlen(cases[i].text), &c, &e);

		ck_assert_msg(ret == -EINVAL, "%s: accepted", cases[i].text);
		ck_assert_ptr_null(c);
		ck_assert_msg(strstr(e.msg, cases[i].msg) != NULL,
			      "%s: '%s' lacks '%s'", cases[i].text, e.msg,
			      cases[i].msg);
	}
}
END_TEST

START_TEST(nul_byte_refused)
{
	static const char text[] = "default_pids_limit = 5\0\nx = y\n";
	struct ward_err e = { 0 };
	struct ward_conf *c = NULL;

	ck_assert_int_eq(ward_conf_parse("t.conf", text, sizeof(text) - 1, &c, &e),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(e.msg, "NUL"));
}
END_TEST

START_TEST(load_from_file_and_errors)
{
	char path[] = "/tmp/ward-conf-XXXXXX";
	struct ward_err e = { 0 };
	struct ward_conf *c = NULL;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "default_pids_limit = 77\nbogus = 1\n", 34), 34);
	close(fd);
	ck_assert_int_eq(ward_conf_load(path, &c, &e), -EINVAL);
	/* The message names the file and the line. */
	ck_assert_ptr_nonnull(strstr(e.msg, path));
	ck_assert_ptr_nonnull(strstr(e.msg, ":2: unknown key 'bogus'"));
	ck_assert_int_eq(truncate(path, 24), 0);
	memset(&e, 0, sizeof(e));
	ck_assert_int_eq(ward_conf_load(path, &c, &e), 0);
	ck_assert_int_eq(c->default_pids_limit, 77);
	ward_conf_free(c);
	unlink(path);
	/* A directory is not a missing file: that is an error. */
	c = NULL;
	ck_assert_int_lt(ward_conf_load("/tmp", &c, &e), 0);
	ck_assert_ptr_null(c);
	ck_assert_int_ne(e.code, 0);
}
END_TEST

/* The shipped example must parse, and change nothing by default. */
START_TEST(shipped_example_parses)
{
	char path[PATH_MAX];
	struct ward_err e = { 0 };
	struct ward_conf *c = NULL;

	snprintf(path, sizeof(path), "%s/../../../config/ward.conf",
		 test_fixtures_dir());
	ck_assert_int_eq(access(path, R_OK), 0);
	ck_assert_msg(ward_conf_load(path, &c, &e) == 0, "%s", e.msg);
	assert_defaults(c);
	ward_conf_free(c);
}
END_TEST

Suite *
suite_conf(void)
{
	Suite *s = suite_create("conf");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, missing_file_gives_defaults);
	tcase_add_test(tc, good_file);
	tcase_add_test(tc, empty_file_is_defaults);
	tcase_add_test(tc, bad_lines);
	tcase_add_test(tc, nul_byte_refused);
	tcase_add_test(tc, load_from_file_and_errors);
	tcase_add_test(tc, shipped_example_parses);
	suite_add_tcase(s, tc);
	return s;
}
