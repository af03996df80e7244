/* SPDX-License-Identifier: Apache-2.0 */
/* `exec`: runc's flags, then the command after the container id. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum {
	OPT_PROCESS = 'p', OPT_TTY = 't', OPT_DETACH = 'd', OPT_ENV = 'e',
	OPT_USER = 'u', OPT_GIDS = 'g', OPT_CAP = 'c',
	OPT_CONSOLE = 256, OPT_PIDFILE, OPT_CWD, OPT_NNP, OPT_PRESERVE,
	OPT_LABEL, OPT_APPARMOR, OPT_NOSUBREAPER, OPT_IGNORE_PAUSED,
};

static const struct option exec_opts[] = {
	{ "process", required_argument, NULL, OPT_PROCESS },
	{ "tty", no_argument, NULL, OPT_TTY },
	{ "console-socket", required_argument, NULL, OPT_CONSOLE },
	{ "detach", no_argument, NULL, OPT_DETACH },
	{ "pid-file", required_argument, NULL, OPT_PIDFILE },
	{ "cwd", required_argument, NULL, OPT_CWD },
	{ "env", required_argument, NULL, OPT_ENV },
	{ "user", required_argument, NULL, OPT_USER },
	{ "additional-gids", required_argument, NULL, OPT_GIDS },
	{ "cap", required_argument, NULL, OPT_CAP },
	{ "no-new-privs", no_argument, NULL, OPT_NNP },
	{ "preserve-fds", required_argument, NULL, OPT_PRESERVE },
	{ "process-label", required_argument, NULL, OPT_LABEL },
	{ "apparmor", required_argument, NULL, OPT_APPARMOR },
	{ "no-subreaper", no_argument, NULL, OPT_NOSUBREAPER },
	{ "ignore-paused", no_argument, NULL, OPT_IGNORE_PAUSED },
	{ NULL, 0, NULL, 0 },
};

/* Growable lists for the repeatable flags: at most argc entries each. */
struct exec_lists {
	char **env, **caps;
	uint32_t *gids;
	size_t n_env, n_caps, n_gids;
};

static bool
parse_u32(const char *s, uint32_t *out)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return false;
	v = strtoull(s, &end, 10);
	if (*end != '\0' || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* runc's --user: numeric UID[:GID] (names would need the image's passwd). */
static int
parse_user(const char *s, struct ward_exec_opts *o)
{
	char buf[64];
	char *colon;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	colon = strchr(buf, ':');
	if (colon != NULL) {
		*colon = '\0';
		if (!parse_u32(colon + 1, &o->gid))
			return -1;
		o->has_gid = true;
	}
	if (!parse_u32(buf, &o->uid))
		return -1;
	o->has_uid = true;
	return 0;
}

/* Repeated or comma-separated, as Docker passes them. */
static int
parse_gids(const char *s, struct exec_lists *l, size_t max)
{
	char buf[256];
	char *save = NULL;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	for (char *t = strtok_r(buf, ",", &save); t != NULL;
	     t = strtok_r(NULL, ",", &save)) {
		if (l->n_gids >= max || !parse_u32(t, &l->gids[l->n_gids]))
			return -1;
		l->n_gids++;
	}
	return 0;
}

static int
parse_opt(int c, struct ward_exec_opts *o, struct exec_lists *l, size_t max,
	  char **argv)
{
	char *end;
	long n;

	switch (c) {
	case OPT_PROCESS: o->process = optarg; break;
	case OPT_TTY: o->tty = true; break;
	case OPT_CONSOLE: o->console_socket = optarg; break;
	case OPT_DETACH: o->detach = true; break;
	case OPT_PIDFILE: o->pid_file = optarg; break;
	case OPT_CWD: o->cwd = optarg; break;
	case OPT_ENV: l->env[l->n_env++] = optarg; break;
	case OPT_CAP: l->caps[l->n_caps++] = optarg; break;
	case OPT_NNP: o->no_new_privs = true; break;
	case OPT_LABEL: o->process_label = optarg; break;
	case OPT_APPARMOR: o->apparmor = optarg; break;
	case OPT_NOSUBREAPER: break;	/* ward is never a subreaper */
	case OPT_IGNORE_PAUSED:
		return cli_usage("exec", "--ignore-paused is refused: the process "
				 "would hang in the frozen cgroup");
	case OPT_USER:
		if (parse_user(optarg, o) < 0)
			return cli_usage("exec", "--user takes UID[:GID] (numbers), "
					 "not '%s'", optarg);
		break;
	case OPT_GIDS:
		if (parse_gids(optarg, l, max) < 0)
			return cli_usage("exec", "--additional-gids takes numeric "
					 "gids, not '%s'", optarg);
		break;
	case OPT_PRESERVE:
		n = strtol(optarg, &end, 10);
		if (*end != '\0' || n < 0 || n > 1024)
			return cli_usage("exec", "--preserve-fds takes a number 0..1024");
		o->preserve_fds = (int)n;
		break;
	default:
		return cli_usage("exec", "unknown or incomplete option '%s'",
				 argv[optind - 1]);
	}
	return 0;
}

static int
parse(int argc, char **argv, struct ward_exec_opts *o, struct exec_lists *l)
{
	size_t max = (size_t)argc;
	int c, ret;

	l->env = calloc(max, sizeof(char *));
	l->caps = calloc(max, sizeof(char *));
	l->gids = calloc(max, sizeof(uint32_t));
	if (l->env == NULL || l->caps == NULL || l->gids == NULL)
		return cli_usage("exec", "out of memory");
	while ((c = getopt_long(argc, argv, "+p:tde:u:g:c:", exec_opts, NULL)) != -1) {
		ret = parse_opt(c, o, l, max, argv);
		if (ret != 0)
			return ret;
	}
	if (optind >= argc)
		return cli_usage("exec", "expects a container id");
	o->id = argv[optind++];
	if (optind < argc && strcmp(argv[optind], "--") == 0)
		optind++;
	o->args = argv + optind;
	o->n_args = (size_t)(argc - optind);
	if (o->process != NULL && o->n_args > 0)
		return cli_usage("exec", "--process and a command are exclusive");
	if (o->process == NULL && o->n_args == 0)
		return cli_usage("exec", "expects a command (or --process FILE)");
	o->env = l->env;
	o->n_env = l->n_env;
	o->caps = l->caps;
	o->n_caps = l->n_caps;
	o->additional_gids = l->gids;
	o->n_additional_gids = l->n_gids;
	return 0;
}

int
cmd_exec(const struct cli_global *g, int argc, char **argv)
{
	struct ward_exec_opts o = { 0 };
	struct exec_lists l = { 0 };
	struct ward_err e = { 0 };
	struct ward_conf *conf = NULL;
	int ret, status = 0;

	ret = parse(argc, argv, &o, &l);
	if (ret == 0 && cli_load_conf(g, &conf, &e) < 0)
		ret = cli_fail(&e);
	if (ret == 0) {
		o.root = g->root;
		o.conf = conf;
		ret = ward_container_exec(&o, &status, &e) < 0 ? cli_fail(&e)
								 : status;
	}
	ward_conf_free(conf);
	free(l.env);
	free(l.caps);
	free(l.gids);
	return ret;
}
