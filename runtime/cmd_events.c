/* SPDX-License-Identifier: Apache-2.0 */
/* `events [--stats] [--interval D] ID`: one stats object, or a stream. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Go's time.ParseDuration units, in milliseconds. */
static double
unit_ms(const char *u, size_t len)
{
	static const struct {
		const char *name;
		double ms;
	} units[] = {
		{ "ns", 1e-6 }, { "us", 1e-3 }, { "\xc2\xb5s", 1e-3 },
		{ "ms", 1 }, { "s", 1e3 }, { "m", 60e3 }, { "h", 3600e3 },
	};

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strlen(units[i].name) == len && strncmp(u, units[i].name, len) == 0)
			return units[i].ms;
	return -1;
}

/* "5s", "1m30s", "250ms", "1.5s" -> ms (rounded up); -1 if malformed. */
static long long
parse_duration(const char *s)
{
	double total = 0;

	if (*s == '\0')
		return -1;
	while (*s != '\0') {
		char *end;
		double v = strtod(s, &end), ms;
		size_t ulen;

		if (end == s || v < 0 || *s == '-' || *s == '+')
			return -1;
		ulen = strcspn(end, "0123456789.");
		ms = unit_ms(end, ulen);
		if (ms < 0)
			return -1;
		total += v * ms;
		s = end + ulen;
	}
	if (total > 86400e3 * 365)
		return -1;
	/* Rounded up: a sub-millisecond interval still ticks. */
	return (long long)total + ((double)(long long)total < total);
}

static int
emit(const char *json, void *arg)
{
	(void)arg;
	if (printf("%s\n", json) < 0 || fflush(stdout) != 0)
		return -(errno ? errno : EIO);
	return 0;
}

int
cmd_events(const struct cli_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "stats", no_argument, NULL, 's' },
		{ "interval", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	struct ward_err e = { 0 };
	long long interval = 5000;
	bool stats = false;
	char *json = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (c == 's') {
			stats = true;
		} else if (c == 'i') {
			interval = parse_duration(optarg);
			if (interval <= 0)
				return cli_usage("events", "--interval takes a "
						 "positive duration such as 5s or "
						 "500ms, not '%s'", optarg);
		} else {
			return cli_usage("events", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return cli_usage("events", "expects exactly one container id");
	if (stats) {
		if (ward_container_stats_json(g->root, argv[optind], &json, &e) < 0)
			return cli_fail(&e);
		emit(json, NULL);
		free(json);
		return WARD_EXIT_OK;
	}
	if (ward_container_events(g->root, argv[optind], (unsigned int)interval,
				  emit, NULL, &e) < 0)
		return cli_fail(&e);
	return WARD_EXIT_OK;
}
