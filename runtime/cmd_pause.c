/* SPDX-License-Identifier: Apache-2.0 */
/* `pause` and `resume`: the cgroup freezer. */
#include <stdio.h>

#include "cli.h"

int
cmd_pause(const struct cli_global *g, int argc, char **argv)
{
	struct ward_err e = { 0 };

	if (argc != 2 || argv[1][0] == '-')
		return cli_usage("pause", "expects exactly one container id");
	if (ward_container_pause(g->root, argv[1], &e) < 0)
		return cli_fail(&e);
	return WARD_EXIT_OK;
}

int
cmd_resume(const struct cli_global *g, int argc, char **argv)
{
	struct ward_err e = { 0 };

	if (argc != 2 || argv[1][0] == '-')
		return cli_usage("resume", "expects exactly one container id");
	if (ward_container_resume(g->root, argv[1], &e) < 0)
		return cli_fail(&e);
	return WARD_EXIT_OK;
}
