/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `ward spec [--bundle DIR] [--rootless] [--args CMD...]`: write a hardened
 * DIR/config.json that passes `ward check`. Like runc, it never overwrites.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "cli.h"

enum { OPT_ROOTLESS = 256, OPT_ARGS };

static int
parse_args(int argc, char **argv, const char **bundle,
	   struct ward_spec_template *t)
{
	static const struct option opts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "rootless", no_argument, NULL, OPT_ROOTLESS },
		{ "args", no_argument, NULL, OPT_ARGS },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "+b:", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			*bundle = optarg;
			break;
		case OPT_ROOTLESS:
			t->rootless = true;
			break;
		case OPT_ARGS:
			/* Everything after --args is the command, flags included. */
			if (optind >= argc)
				return cli_usage("spec", "--args needs a command");
			t->args = (const char *const *)&argv[optind];
			t->n_args = (size_t)(argc - optind);
			return 0;
		default:
			return cli_usage("spec", "unknown or incomplete option '%s'",
					 argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage("spec", "unexpected argument '%s' (a command "
					 "goes after --args)", argv[optind]);
	return 0;
}

/* write() until done (runtime/ sees only include/ward, not util.h). */
static int
write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
write_new(const char *path, const char *json, size_t len, struct ward_err *e)
{
	_cleanup_close_ int fd = -1;
	int ret;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
		  0666);
	if (fd < 0 && errno == EEXIST)
		return ward_err_set(e, WARD_EPOLICY,
				    "File config.json exists. Remove it first.");
	if (fd < 0)
		return ward_err_set(e, errno, "create %s", path);
	ret = write_all(fd, json, len);
	if (ret == 0)
		ret = write_all(fd, "\n", 1);
	if (ret == 0 && close(take_fd(&fd)) < 0)
		ret = -errno;
	if (ret < 0) {
		unlink(path);
		return ward_err_set(e, -ret, "write %s", path);
	}
	return 0;
}

int
cmd_spec(const struct cli_global *g, int argc, char **argv)
{
	struct ward_spec_template t = { 0 };
	struct ward_err e = { 0 };
	const char *bundle = ".";
	char path[PATH_MAX];
	char *json = NULL;
	size_t len;
	int ret;

	(void)g;
	ret = parse_args(argc, argv, &bundle, &t);
	if (ret != 0)
		return ret;
	if (snprintf(path, sizeof(path), "%s/config.json", bundle) >=
	    (int)sizeof(path)) {
		ward_err_set(&e, ENAMETOOLONG, "bundle %s", bundle);
		return cli_fail(&e);
	}
	if (ward_spec_generate(&t, &json, &len, &e) < 0)
		return cli_fail(&e);
	ret = write_new(path, json, len, &e);
	free(json);
	return ret < 0 ? cli_fail(&e) : WARD_EXIT_OK;
}
