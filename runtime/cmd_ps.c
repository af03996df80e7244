/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `ps`: json is the list of host pids (what containerd parses); table runs
 * the host's ps(1) (default -ef, or the arguments after the id) and keeps
 * the header and the lines whose PID column is in the container, as runc.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

#define PS_OUTPUT_MAX (64u << 20)

static int
ps_fail(const char *what, const char *detail, int code)
{
	struct ward_err e = { 0 };

	ward_err_set(&e, code, "%s%s%s", what, detail != NULL ? ": " : "",
		     detail != NULL ? detail : "");
	return cli_fail(&e);
}

/* Read all of fd (bounded); *out is NUL-terminated. */
static int
read_all(int fd, char **out)
{
	size_t len = 0, cap = 8192;
	char *buf = malloc(cap), *nb;
	ssize_t n;

	if (buf == NULL)
		return -ENOMEM;
	for (;;) {
		if (len + 1 >= cap) {
			if (cap >= PS_OUTPUT_MAX || (nb = realloc(buf, cap * 2)) == NULL) {
				free(buf);
				return cap >= PS_OUTPUT_MAX ? -EFBIG : -ENOMEM;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*out = buf;
	return n < 0 ? -errno : 0;
}

/* ps ARGS..., stdout and stderr together (runc shows both on failure). */
static int
run_ps(char **args, size_t n, char **out, int *status)
{
	char **argv = calloc(n + 2, sizeof(char *));
	int fds[2], ret;
	pid_t pid;

	if (argv == NULL)
		return -ENOMEM;
	argv[0] = "ps";
	memcpy(argv + 1, args, n * sizeof(char *));
	if (pipe2(fds, O_CLOEXEC) < 0) {
		free(argv);
		return -errno;
	}
	pid = fork();
	if (pid == 0) {
		if (dup2(fds[1], 1) < 0 || dup2(fds[1], 2) < 0)
			_exit(127);
		execvp("ps", argv);
		_exit(127);
	}
	ret = pid < 0 ? -errno : 0;
	free(argv);
	close(fds[1]);
	if (ret < 0) {
		close(fds[0]);
		return ret;
	}
	ret = read_all(fds[0], out);
	close(fds[0]);
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return ret;
}

/* The index of the "PID" column in ps's header, or -1. */
static int
pid_column(const char *header)
{
	char *copy = strdup(header), *save = NULL;
	int i = 0, found = -1;

	if (copy == NULL)
		return -1;
	for (char *t = strtok_r(copy, " \t", &save); t != NULL;
	     t = strtok_r(NULL, " \t", &save), i++) {
		if (strcmp(t, "PID") == 0) {
			found = i;
			break;
		}
	}
	free(copy);
	return found;
}

static bool
line_in(const char *line, int col, const int *pids, size_t n)
{
	char *copy = strdup(line), *save = NULL, *t;
	long pid = -1;
	int i = 0;

	if (copy == NULL)
		return false;
	for (t = strtok_r(copy, " \t", &save); t != NULL && i < col; i++)
		t = strtok_r(NULL, " \t", &save);
	if (t != NULL)
		pid = strtol(t, NULL, 10);
	free(copy);
	for (size_t k = 0; k < n; k++)
		if (pids[k] == pid)
			return true;
	return false;
}

static int
print_table(char **args, size_t n_args, const int *pids, size_t n)
{
	static char *def[] = { "-ef" };
	char *out = NULL, *save = NULL, *line;
	int status = 0, ret, col;

	ret = n_args > 0 ? run_ps(args, n_args, &out, &status)
			 : run_ps(def, 1, &out, &status);
	if (ret < 0)
		return ps_fail("run ps", NULL, -ret);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		ret = ps_fail("ps failed", out, EIO);
		free(out);
		return ret;
	}
	line = strtok_r(out, "\n", &save);
	col = line != NULL ? pid_column(line) : -1;
	if (col < 0) {
		free(out);
		return ps_fail("couldn't find PID field in ps output", NULL, EINVAL);
	}
	printf("%s\n", line);
	while ((line = strtok_r(NULL, "\n", &save)) != NULL)
		if (line_in(line, col, pids, n))
			printf("%s\n", line);
	free(out);
	return WARD_EXIT_OK;
}

int
cmd_ps(const struct cli_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct ward_err e = { 0 };
	bool json = false;
	int *pids = NULL, c, ret;
	size_t n = 0;

	while ((c = getopt_long(argc, argv, "+f:", opts, NULL)) != -1) {
		if (c == 'f' && strcmp(optarg, "json") == 0)
			json = true;
		else if (c == 'f' && strcmp(optarg, "table") == 0)
			json = false;
		else
			return cli_usage("ps", "bad option '%s' (--format table|json)",
					 argv[optind - 1]);
	}
	if (optind >= argc)
		return cli_usage("ps", "expects a container id");
	if (ward_container_pids(g->root, argv[optind], &pids, &n, &e) < 0)
		return cli_fail(&e);
	if (json) {
		putchar('[');
		for (size_t i = 0; i < n; i++)
			printf("%s%d", i ? "," : "", pids[i]);
		printf("]\n");
		ret = WARD_EXIT_OK;
	} else {
		optind++;
		if (optind < argc && strcmp(argv[optind], "--") == 0)
			optind++;
		ret = print_table(argv + optind, (size_t)(argc - optind), pids, n);
	}
	free(pids);
	return ret;
}
