/* SPDX-License-Identifier: Apache-2.0 */
/* The one-id commands: start, state, kill, delete. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int
cmd_start(const struct cli_global *g, int argc, char **argv)
{
	struct ward_err e = { 0 };

	if (argc != 2 || argv[1][0] == '-')
		return cli_usage("start", "expects exactly one container id");
	if (ward_container_start(g->root, argv[1], &e) < 0)
		return cli_fail(&e);
	return WARD_EXIT_OK;
}

int
cmd_state(const struct cli_global *g, int argc, char **argv)
{
	struct ward_err e = { 0 };
	char *json = NULL;

	if (argc != 2 || argv[1][0] == '-')
		return cli_usage("state", "expects exactly one container id");
	if (ward_container_state_json(g->root, argv[1], &json, &e) < 0)
		return cli_fail(&e);
	printf("%s\n", json);
	free(json);
	return WARD_EXIT_OK;
}

int
cmd_kill(const struct cli_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	struct ward_err e = { 0 };
	bool all = false;
	int c, sig = 15;

	while ((c = getopt_long(argc, argv, "+a", opts, NULL)) != -1) {
		if (c != 'a')
			return cli_usage("kill", "unknown option '%s'", argv[optind - 1]);
		all = true;
	}
	if (optind >= argc || argc - optind > 2)
		return cli_usage("kill", "expects a container id and an optional signal");
	if (argc - optind == 2) {
		sig = ward_signal_parse(argv[optind + 1]);
		if (sig < 0)
			return cli_usage("kill", "unknown signal '%s'", argv[optind + 1]);
	}
	if (ward_container_kill(g->root, argv[optind], sig, all, &e) < 0)
		return cli_fail(&e);
	return WARD_EXIT_OK;
}

int
cmd_delete(const struct cli_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct ward_err e = { 0 };
	bool force = false;
	int c;

	while ((c = getopt_long(argc, argv, "+f", opts, NULL)) != -1) {
		if (c != 'f')
			return cli_usage("delete", "unknown option '%s'", argv[optind - 1]);
		force = true;
	}
	if (optind != argc - 1)
		return cli_usage("delete", "expects exactly one container id");
	if (ward_container_delete(g->root, argv[optind], force, &e) < 0)
		return cli_fail(&e);
	return WARD_EXIT_OK;
}
