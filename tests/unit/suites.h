/* SPDX-License-Identifier: Apache-2.0 */
/* One Check suite per module; tests/unit/main.c runs them all. */
#ifndef WARD_TEST_SUITES_H
#define WARD_TEST_SUITES_H

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

/* Directory holding tests/unit/fixtures (WARD_FIXTURES or ./tests/unit/fixtures). */
const char *test_fixtures_dir(void);

#endif
