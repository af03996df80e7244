/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

int
cmd_features(const struct cli_global *g, int argc, char **argv)
{
	struct ward_err e = { 0 };
	char *json = NULL;
	size_t len;

	(void)g;
	(void)argv;
	if (argc > 1)
		return cli_usage("features", "takes no arguments");
	if (ward_features_json(&json, &len, &e) < 0)
		return cli_fail(&e);
	fwrite(json, 1, len, stdout);
	free(json);
	return WARD_EXIT_OK;
}
