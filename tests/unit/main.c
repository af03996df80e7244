/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The unit-test runner. Check prints its own "N%: Checks: X, Failures: Y,
 * Errors: Z" line; we add the project's "N passed, N failed" summary, which
 * tests/run sums across all tests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suites.h"

const char *
test_fixtures_dir(void)
{
	const char *d = getenv("WARD_FIXTURES");

	return d != NULL ? d : "tests/unit/fixtures";
}

int
main(int argc, char **argv)
{
	static const struct {
		const char *name;
		Suite *(*make)(void);
	} all[] = {
		{ "util", suite_util },		{ "capname", suite_capname },
		{ "spec", suite_spec },		{ "policy", suite_policy },
		{ "conf", suite_conf },		{ "seccomp", suite_seccomp },
		{ "caps", suite_caps },		{ "process", suite_process },
		{ "netlink", suite_netlink },	{ "terminal", suite_terminal },
		{ "hooks", suite_hooks },
		{ "mounts", suite_mounts },
		{ "sha256", suite_sha256 },
		{ "cgroup", suite_cgroup },
		{ "state", suite_state },
	};
	SRunner *sr = NULL;
	int run, failed;

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		Suite *s;

		/* `unit-tests NAME` runs one suite. */
		if (argc > 1 && strcmp(all[i].name, argv[1]) != 0)
			continue;
		s = all[i].make();
		if (sr == NULL)
			sr = srunner_create(s);
		else
			srunner_add_suite(sr, s);
	}
	if (sr == NULL) {
		fprintf(stderr, "no such suite: %s\n", argc > 1 ? argv[1] : "");
		return 2;
	}
	srunner_run_all(sr, CK_NORMAL);
	run = srunner_ntests_run(sr);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	printf("unit: %d passed, %d failed\n", run - failed, failed);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
