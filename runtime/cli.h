/* SPDX-License-Identifier: Apache-2.0 */
/* The CLI's shared pieces: global options, the command table, exit codes. */
#ifndef WARD_CLI_H
#define WARD_CLI_H

#include <stdbool.h>

#include "ward/ward.h"

/* Exit codes (documented in ward(8)). */
#define WARD_EXIT_OK 0
#define WARD_EXIT_FAIL 1	/* an error or a policy refusal */
#define WARD_EXIT_USAGE 2	/* unknown command, bad or missing arguments */

struct cli_global {
	const char *root;
	const char *log;
	enum ward_log_format log_format;
	bool debug;
	bool systemd_cgroup;
	const char *conf;	/* ward.conf path (WARD_CONF env overrides) */
};

struct cli_cmd {
	const char *name;
	int (*run)(const struct cli_global *g, int argc, char **argv);
	const char *args;	/* "[options] <container-id>" */
	const char *summary;
	const char *help;	/* option list, one per line */
};

/* Report e (to --log or stderr) and return WARD_EXIT_FAIL. */
int cli_fail(const struct ward_err *e);
/* Report a usage problem for cmd and return WARD_EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Print the help of one command to stdout. */
int cli_help_cmd(const char *name);

/* Load ward.conf from g->conf (a missing file gives the defaults). */
int cli_load_conf(const struct cli_global *g, struct ward_conf **out,
		  struct ward_err *e);

/* Every command, defined in its cmd_<name>.c. */
int cmd_create(const struct cli_global *g, int argc, char **argv);
int cmd_run(const struct cli_global *g, int argc, char **argv);
int cmd_start(const struct cli_global *g, int argc, char **argv);
int cmd_state(const struct cli_global *g, int argc, char **argv);
int cmd_kill(const struct cli_global *g, int argc, char **argv);
int cmd_delete(const struct cli_global *g, int argc, char **argv);
int cmd_list(const struct cli_global *g, int argc, char **argv);
int cmd_check(const struct cli_global *g, int argc, char **argv);
int cmd_spec(const struct cli_global *g, int argc, char **argv);
int cmd_features(const struct cli_global *g, int argc, char **argv);
int cmd_exec(const struct cli_global *g, int argc, char **argv);
int cmd_ps(const struct cli_global *g, int argc, char **argv);
int cmd_pause(const struct cli_global *g, int argc, char **argv);
int cmd_resume(const struct cli_global *g, int argc, char **argv);
int cmd_update(const struct cli_global *g, int argc, char **argv);
int cmd_events(const struct cli_global *g, int argc, char **argv);

#endif
