/* SPDX-License-Identifier: Apache-2.0 */
/* Temporary: commands whose modules are being written. */
#include "cli.h"

int
cmd_check(const struct cli_global *g, int argc, char **argv)
{
	(void)g; (void)argc; (void)argv;
	return cli_usage("check", "not implemented yet");
}

int
cmd_spec(const struct cli_global *g, int argc, char **argv)
{
	(void)g; (void)argc; (void)argv;
	return cli_usage("spec", "not implemented yet");
}
