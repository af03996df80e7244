/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ward's front end: runc's global options, then one subcommand from the table.
 * This is the only place that prints errors and picks exit statuses.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <seccomp.h>

#include "cli.h"

static int cmd_help(const struct cli_global *g, int argc, char **argv);

static const struct cli_cmd commands[] = {
	{ "create", cmd_create, "[options] <container-id>",
	  "create a container (its init waits for `start`)",
	  "  -b, --bundle DIR         bundle directory (default: .)\n"
	  "      --pid-file FILE      write the init's pid to FILE\n"
	  "      --console-socket S   send the pty master to unix socket S\n"
	  "      --preserve-fds N     pass N fds beyond stdio to the container\n"
	  "      --no-new-keyring     accepted (keyctl is denied anyway)\n"
	  "      --no-pivot           refused: ward always uses pivot_root" },
	{ "start", cmd_start, "<container-id>", "run the user program of a created container", "" },
	{ "run", cmd_run, "[options] <container-id>",
	  "create and start a container; wait for it unless detached",
	  "  -b, --bundle DIR         bundle directory (default: .)\n"
	  "  -d, --detach             return once started\n"
	  "      --keep               keep the stopped container (no delete)\n"
	  "      --pid-file FILE      write the init's pid to FILE\n"
	  "      --console-socket S   send the pty master to unix socket S\n"
	  "      --preserve-fds N     pass N fds beyond stdio to the container" },
	{ "state", cmd_state, "<container-id>", "print the OCI state of a container", "" },
	{ "kill", cmd_kill, "[--all] <container-id> [SIGNAL]",
	  "send a signal (default SIGTERM) to the container",
	  "  -a, --all                signal every process of the container" },
	{ "delete", cmd_delete, "[--force] <container-id>",
	  "delete a stopped container (--force kills it first)",
	  "  -f, --force              kill a created or running container first" },
	{ "list", cmd_list, "[--format table|json] [--quiet]", "list containers",
	  "  -f, --format FMT         table (default) or json\n"
	  "  -q, --quiet              ids only" },
	{ "check", cmd_check, "[--bundle DIR] [--format text|json]",
	  "run the security policy on a bundle's config.json; create nothing",
	  "  -b, --bundle DIR     bundle directory (default: .)\n"
	  "  -f, --format FMT     text (default) or json\n"
	  "Exit status 1 when the policy refuses the config." },
	{ "spec", cmd_spec, "[--bundle DIR] [--rootless] [--args CMD...]",
	  "write a hardened config.json that passes `ward check`",
	  "  -b, --bundle DIR     where to write config.json (default: .)\n"
	  "      --rootless       for a runtime started by an unprivileged user\n"
	  "      --args CMD...    the process's argv (the rest of the line)" },
	{ "features", cmd_features, "",
	  "print the OCI features document (what ward supports) as JSON", "" },
	{ "exec", cmd_exec, "[options] <container-id> [--] <command> [args...]",
	  "run a process in a running container",
	  "  -p, --process FILE       process.json instead of a command\n"
	  "  -t, --tty                allocate a pty (relayed unless detached)\n"
	  "      --console-socket S   send the pty master to unix socket S (with -d)\n"
	  "  -d, --detach             return once the process runs\n"
	  "      --pid-file FILE      write the process's pid to FILE\n"
	  "      --cwd DIR            working directory in the container\n"
	  "  -e, --env K=V            add to the container's environment\n"
	  "  -u, --user UID[:GID]     numeric; uid 0 is refused\n"
	  "  -g, --additional-gids G  add supplementary groups\n"
	  "  -c, --cap CAP            add a capability (at most the container's)\n"
	  "      --no-new-privs       accepted (always set)\n"
	  "      --preserve-fds N     pass N fds beyond stdio to the process\n"
	  "      --process-label L    refused (ward applies no LSM labels)\n"
	  "      --apparmor P         refused (ward applies no LSM labels)" },
	{ "ps", cmd_ps, "[--format table|json] <container-id> [-- ps options]",
	  "list the processes of a container",
	  "  -f, --format FMT         table (host ps -ef, filtered) or json (pids)" },
	{ "pause", cmd_pause, "<container-id>", "freeze every process of a container", "" },
	{ "resume", cmd_resume, "<container-id>", "thaw a paused container", "" },
	{ "update", cmd_update, "[options] <container-id>",
	  "change a running container's resource limits",
	  "  -r, --resources FILE     linux.resources JSON (- = stdin)\n"
	  "      --memory N           bytes (k/m/g suffixes; -1 = unlimited)\n"
	  "      --memory-reservation N, --memory-swap N\n"
	  "      --cpu-shares N, --cpu-quota N, --cpu-period N\n"
	  "      --cpu-rt-runtime N, --cpu-rt-period N\n"
	  "      --cpuset-cpus S, --cpuset-mems S\n"
	  "      --pids-limit N       must stay positive (the limit is a hardening)\n"
	  "      --blkio-weight N" },
	{ "events", cmd_events, "[--stats] [--interval D] <container-id>",
	  "print stats and oom events as JSON until the container stops",
	  "      --stats              one stats object, then exit\n"
	  "      --interval D         stats period (default 5s)" },
	{ "help", cmd_help, "[COMMAND]", "show help for ward or one command", "" },
};

static const char global_help[] =
	"Global options:\n"
	"  --root DIR           state directory (default /run/ward)\n"
	"  --log FILE           write errors and logs to FILE (created)\n"
	"  --log-format FMT     text (default) or json\n"
	"  --debug              log debug messages\n"
	"  --systemd-cgroup     cgroupsPath is slice:prefix:name\n"
	"  -v, --version        print versions\n"
	"  -h, --help           this help\n";

static const struct cli_cmd *
find_cmd(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void
print_usage(FILE *out)
{
	fprintf(out, "usage: ward [global options] COMMAND [options] [args]\n\n"
		     "ward is a hardened OCI container runtime.\n\nCommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n%s\nRun 'ward help COMMAND' for a command's options.\n",
		global_help);
}

int
cli_help_cmd(const char *name)
{
	const struct cli_cmd *c = find_cmd(name);

	if (c == NULL)
		return cli_usage(NULL, "unknown command '%s'", name);
	printf("usage: ward %s %s\n\n%s\n", c->name, c->args, c->summary);
	if (c->help[0] != '\0')
		printf("\nOptions:\n%s\n", c->help);
	return WARD_EXIT_OK;
}

static int
cmd_help(const struct cli_global *g, int argc, char **argv)
{
	(void)g;
	if (argc > 1)
		return cli_help_cmd(argv[1]);
	print_usage(stdout);
	return WARD_EXIT_OK;
}

int
cli_load_conf(const struct cli_global *g, struct ward_conf **out,
	      struct ward_err *e)
{
	return ward_conf_load(g->conf, out, e);
}

int
cli_fail(const struct ward_err *e)
{
	char buf[WARD_ERR_MSG_MAX + 128];

	ward_log_error(ward_err_str(e, buf, sizeof(buf)));
	return WARD_EXIT_FAIL;
}

int
cli_usage(const char *cmd, const char *fmt, ...)
{
	char msg[512], line[700];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (cmd != NULL)
		snprintf(line, sizeof(line), "%s: %s (see 'ward help %s')", cmd,
			 msg, cmd);
	else
		snprintf(line, sizeof(line), "%s (see 'ward --help')", msg);
	ward_log_error(line);
	/* A log file hides the message from an interactive user; say it twice. */
	if (ward_log_to_file())
		fprintf(stderr, "ward: %s\n", line);
	return WARD_EXIT_USAGE;
}

static void
print_version(void)
{
	const struct scmp_version *v = seccomp_version();

	printf("ward version %s\nspec: %s\nlibseccomp: %u.%u.%u\n",
	       WARD_VERSION, WARD_OCI_VERSION, v->major, v->minor, v->micro);
}

enum { OPT_ROOT = 256, OPT_LOG, OPT_LOG_FORMAT, OPT_DEBUG, OPT_SYSTEMD };

static int
parse_global(int argc, char **argv, struct cli_global *g, int *exit_now)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "log", required_argument, NULL, OPT_LOG },
		{ "log-format", required_argument, NULL, OPT_LOG_FORMAT },
		{ "debug", no_argument, NULL, OPT_DEBUG },
		{ "systemd-cgroup", no_argument, NULL, OPT_SYSTEMD },
		{ "version", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*exit_now = -1;
	opterr = 0;
	/* '+': stop at the subcommand, its options are its own. */
	while ((c = getopt_long(argc, argv, "+vh", opts, NULL)) != -1) {
		switch (c) {
		case OPT_ROOT:
			g->root = optarg;
			break;
		case OPT_LOG:
			g->log = optarg;
			break;
		case OPT_LOG_FORMAT:
			if (strcmp(optarg, "json") == 0)
				g->log_format = WARD_LOG_JSON;
			else if (strcmp(optarg, "text") == 0)
				g->log_format = WARD_LOG_TEXT;
			else
				return cli_usage(NULL,
						 "--log-format must be text or json, not '%s'",
						 optarg);
			break;
		case OPT_DEBUG:
			g->debug = true;
			break;
		case OPT_SYSTEMD:
			g->systemd_cgroup = true;
			break;
		case 'v':
			print_version();
			*exit_now = WARD_EXIT_OK;
			return 0;
		case 'h':
			print_usage(stdout);
			*exit_now = WARD_EXIT_OK;
			return 0;
		default:
			return cli_usage(NULL, "unknown or incomplete global option '%s'",
					 argv[optind - 1]);
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct cli_global g = { .root = "/run/ward", .conf = WARD_CONF_PATH };
	const struct cli_cmd *cmd;
	struct ward_err e = { 0 };
	int exit_now, ret;

	if (getenv("WARD_CONF") != NULL)
		g.conf = getenv("WARD_CONF");
	ret = parse_global(argc, argv, &g, &exit_now);
	if (ret != 0)
		return ret;
	if (exit_now >= 0)
		return exit_now;
	if (ward_log_open(g.log, g.log_format, g.debug, &e) < 0)
		return cli_fail(&e);
	if (optind >= argc) {
		print_usage(stderr);
		return WARD_EXIT_USAGE;
	}
	cmd = find_cmd(argv[optind]);
	if (cmd == NULL)
		return cli_usage(NULL, "unknown command '%s'", argv[optind]);
	/* Each command parses its own options with getopt from argv[0] = name. */
	argc -= optind;
	argv += optind;
	optind = 0;
	ret = cmd->run(&g, argc, argv);
	ward_log_close();
	return ret;
}
