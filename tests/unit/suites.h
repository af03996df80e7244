/* SPDX-License-Identifier: Apache-2.0 */
/* One Check suite per module; tests/unit/main.c runs them all. */
#ifndef WARD_TEST_SUITES_H
#define WARD_TEST_SUITES_H

#include <stddef.h>

#include <check.h>

Suite *suite_util(void);
Suite *suite_capname(void);
Suite *suite_spec(void);
Suite *suite_policy(void);
Suite *suite_conf(void);
Suite *suite_seccomp(void);
Suite *suite_sha256(void);
Suite *suite_caps(void);
Suite *suite_process(void);
Suite *suite_netlink(void);
Suite *suite_terminal(void);
Suite *suite_hooks(void);
Suite *suite_mounts(void);
Suite *suite_cgroup(void);
Suite *suite_state(void);

/*
 * Run fn(arg, out) in a forked child: returns its exit status (128+N for a
 * signal) and what it wrote to out, NUL-terminated, in msg (tests/unit/child.c).
 */
int test_in_child(int (*fn)(const void *arg, int out), const void *arg,
		  char *msg, size_t len);
/* In such a child: write a report to out and return code. */
int test_say(int out, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Directory holding tests/unit/fixtures (WARD_FIXTURES or ./tests/unit/fixtures). */
const char *test_fixtures_dir(void);

#endif
