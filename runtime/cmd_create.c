/* SPDX-License-Identifier: Apache-2.0 */
/* `create` and `run`: their flags are runc's, shared here. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum {
	OPT_BUNDLE = 'b', OPT_DETACH = 'd',
	OPT_CONSOLE = 256, OPT_PIDFILE, OPT_NOPIVOT, OPT_NOKEYRING, OPT_PRESERVE,
	OPT_KEEP, OPT_NOSUBREAPER,
};

static const struct option create_opts[] = {
	{ "bundle", required_argument, NULL, OPT_BUNDLE },
	{ "console-socket", required_argument, NULL, OPT_CONSOLE },
	{ "pid-file", required_argument, NULL, OPT_PIDFILE },
	{ "no-pivot", no_argument, NULL, OPT_NOPIVOT },
	{ "no-new-keyring", no_argument, NULL, OPT_NOKEYRING },
	{ "preserve-fds", required_argument, NULL, OPT_PRESERVE },
	{ "detach", no_argument, NULL, OPT_DETACH },
	{ "keep", no_argument, NULL, OPT_KEEP },
	{ "no-subreaper", no_argument, NULL, OPT_NOSUBREAPER },
	{ NULL, 0, NULL, 0 },
};

/* Parse create/run flags; run-only ones are refused for create. */
static int
parse(const char *cmd, bool is_run, int argc, char **argv,
      struct ward_run_opts *ro)
{
	struct ward_create_opts *o = &ro->create;
	char *end;
	long n;
	int c;

	o->bundle = ".";
	o->console_fd = -1;
	while ((c = getopt_long(argc, argv, is_run ? "+b:d" : "+b:", create_opts,
				NULL)) != -1) {
		switch (c) {
		case OPT_BUNDLE: o->bundle = optarg; break;
		case OPT_CONSOLE: o->console_socket = optarg; break;
		case OPT_PIDFILE: o->pid_file = optarg; break;
		case OPT_NOPIVOT:
			return cli_usage(cmd, "--no-pivot is refused: ward always uses pivot_root (chroot can be escaped)");
		case OPT_NOKEYRING: break;	/* keyctl is denied by the baseline */
		case OPT_PRESERVE:
			n = strtol(optarg, &end, 10);
			if (*end != '\0' || n < 0 || n > 1024)
				return cli_usage(cmd, "--preserve-fds takes a number 0..1024");
			o->preserve_fds = (int)n;
			break;
		case OPT_DETACH: case OPT_KEEP: case OPT_NOSUBREAPER:
			if (!is_run)
				return cli_usage(cmd, "unknown option '%s'", argv[optind - 1]);
			if (c == OPT_DETACH)
				ro->detach = true;
			if (c == OPT_KEEP)
				ro->keep = true;
			break;
		default:
			return cli_usage(cmd, "unknown or incomplete option '%s'",
					 argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return cli_usage(cmd, "expects exactly one container id");
	o->id = argv[optind];
	return 0;
}

int
cmd_create(const struct cli_global *g, int argc, char **argv)
{
	struct ward_run_opts ro = { 0 };
	struct ward_err e = { 0 };
	struct ward_conf *conf = NULL;
	int ret;

	ret = parse("create", false, argc, argv, &ro);
	if (ret != 0)
		return ret;
	if (cli_load_conf(g, &conf, &e) < 0)
		return cli_fail(&e);
	ro.create.root = g->root;
	ro.create.systemd_cgroup = g->systemd_cgroup;
	ro.create.conf = conf;
	ret = ward_container_create(&ro.create, &e);
	ward_conf_free(conf);
	return ret < 0 ? cli_fail(&e) : WARD_EXIT_OK;
}

int
cmd_run(const struct cli_global *g, int argc, char **argv)
{
	struct ward_run_opts ro = { 0 };
	struct ward_err e = { 0 };
	struct ward_conf *conf = NULL;
	int ret, status = 0;

	ret = parse("run", true, argc, argv, &ro);
	if (ret != 0)
		return ret;
	if (cli_load_conf(g, &conf, &e) < 0)
		return cli_fail(&e);
	ro.create.root = g->root;
	ro.create.systemd_cgroup = g->systemd_cgroup;
	ro.create.conf = conf;
	ret = ward_container_run(&ro, &status, &e);
	ward_conf_free(conf);
	if (ret < 0)
		return cli_fail(&e);
	return status;
}
