/* SPDX-License-Identifier: Apache-2.0 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* JSON string body: ids, paths and times need only quote/backslash escapes. */
static void
put_json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		if ((unsigned char)*s < 0x20)
			printf("\\u%04x", (unsigned char)*s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void
print_json(const struct ward_container_info *v, size_t n)
{
	putchar('[');
	for (size_t i = 0; i < n; i++) {
		printf("%s{\"ociVersion\":\"%s\",\"id\":", i ? "," : "", WARD_OCI_VERSION);
		put_json_str(v[i].id);
		printf(",\"pid\":%d,\"status\":\"%s\",\"bundle\":", v[i].pid, v[i].status);
		put_json_str(v[i].bundle);
		printf(",\"created\":\"%s\",\"owner\":\"%u\"}", v[i].created, v[i].owner);
	}
	printf("]\n");
}

int
cmd_list(const struct cli_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	struct ward_container_info *v = NULL;
	struct ward_err e = { 0 };
	bool quiet = false, json = false;
	size_t n;
	int c;

	while ((c = getopt_long(argc, argv, "+f:q", opts, NULL)) != -1) {
		if (c == 'q')
			quiet = true;
		else if (c == 'f' && strcmp(optarg, "json") == 0)
			json = true;
		else if (c == 'f' && strcmp(optarg, "table") == 0)
			json = false;
		else
			return cli_usage("list", "bad option '%s'", argv[optind - 1]);
	}
	if (optind != argc)
		return cli_usage("list", "takes no arguments");
	if (ward_container_list(g->root, &v, &n, &e) < 0)
		return cli_fail(&e);
	if (json) {
		print_json(v, n);
	} else if (quiet) {
		for (size_t i = 0; i < n; i++)
			printf("%s\n", v[i].id);
	} else {
		printf("%-20s %-8s %-10s %-40s %-30s %s\n", "ID", "PID", "STATUS",
		       "BUNDLE", "CREATED", "OWNER");
		for (size_t i = 0; i < n; i++)
			printf("%-20s %-8d %-10s %-40s %-30s %u\n", v[i].id, v[i].pid,
			       v[i].status, v[i].bundle, v[i].created, v[i].owner);
	}
	free(v);
	return WARD_EXIT_OK;
}
