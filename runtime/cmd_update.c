/* SPDX-License-Identifier: Apache-2.0 */
/* `update`: runc's flags (sizes as Docker writes them: 512m, 1.5g, -1). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

enum {
	OPT_RESOURCES = 'r',
	OPT_MEMORY = 256, OPT_MEM_RES, OPT_MEM_SWAP, OPT_CPU_SHARES,
	OPT_CPU_QUOTA, OPT_CPU_PERIOD, OPT_RT_RUNTIME, OPT_RT_PERIOD,
	OPT_CPUS, OPT_MEMS, OPT_PIDS, OPT_BLKIO,
};

static const struct option update_opts[] = {
	{ "resources", required_argument, NULL, OPT_RESOURCES },
	{ "memory", required_argument, NULL, OPT_MEMORY },
	{ "memory-reservation", required_argument, NULL, OPT_MEM_RES },
	{ "memory-swap", required_argument, NULL, OPT_MEM_SWAP },
	{ "cpu-share", required_argument, NULL, OPT_CPU_SHARES },
	{ "cpu-shares", required_argument, NULL, OPT_CPU_SHARES },
	{ "cpu-quota", required_argument, NULL, OPT_CPU_QUOTA },
	{ "cpu-period", required_argument, NULL, OPT_CPU_PERIOD },
	{ "cpu-rt-runtime", required_argument, NULL, OPT_RT_RUNTIME },
	{ "cpu-rt-period", required_argument, NULL, OPT_RT_PERIOD },
	{ "cpuset-cpus", required_argument, NULL, OPT_CPUS },
	{ "cpuset-mems", required_argument, NULL, OPT_MEMS },
	{ "pids-limit", required_argument, NULL, OPT_PIDS },
	{ "blkio-weight", required_argument, NULL, OPT_BLKIO },
	{ NULL, 0, NULL, 0 },
};

/*
 * Docker's RAMInBytes: a decimal number, an optional space, an optional
 * binary unit (k m g t p), an optional "i" and "b"; "-1" is unlimited.
 */
static int
parse_size(const char *s, int64_t *out)
{
	static const char units[] = "kmgtp";
	double mult = 1, v;
	const char *u;
	char *end;

	if (strcmp(s, "-1") == 0) {
		*out = -1;
		return 0;
	}
	if (*s < '0' || *s > '9')
		return -1;
	v = strtod(s, &end);
	if (*end == ' ')
		end++;
	if (*end != '\0' && (u = strchr(units, *end | 0x20)) != NULL) {
		for (const char *k = units; k <= u; k++)
			mult *= 1024;
		end++;
	}
	if ((*end | 0x20) == 'i' && mult > 1)
		end++;
	if ((*end | 0x20) == 'b')
		end++;
	if (*end != '\0' || v * mult >= 9.2e18)
		return -1;
	*out = (int64_t)(v * mult);
	return 0;
}

static int
parse_int(const char *s, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0)
		return -1;
	*out = v;
	return 0;
}

static int
parse_memory(int c, const char *arg, struct ward_update_opts *o)
{
	int64_t v;

	if (parse_size(arg, &v) < 0)
		return -1;
	if (c == OPT_MEMORY) {
		o->has_memory = true;
		o->memory = v;
	} else if (c == OPT_MEM_RES) {
		o->has_memory_reservation = true;
		o->memory_reservation = v;
	} else {
		o->has_memory_swap = true;
		o->memory_swap = v;
	}
	return 0;
}

/* The unsigned ones refuse negatives; blkio weights fit in 16 bits. */
static int
parse_value(int c, const char *arg, struct ward_update_opts *o)
{
	int64_t v;

	if (c == OPT_MEMORY || c == OPT_MEM_RES || c == OPT_MEM_SWAP)
		return parse_memory(c, arg, o);
	if (parse_int(arg, &v) < 0)
		return -1;
	if (v < 0 && c != OPT_CPU_QUOTA && c != OPT_RT_RUNTIME && c != OPT_PIDS)
		return -1;
	switch (c) {
	case OPT_CPU_SHARES:
		o->has_cpu_shares = true;
		o->cpu_shares = (uint64_t)v;
		return 0;
	case OPT_CPU_QUOTA:
		o->has_cpu_quota = true;
		o->cpu_quota = v;
		return 0;
	case OPT_CPU_PERIOD:
		o->has_cpu_period = true;
		o->cpu_period = (uint64_t)v;
		return 0;
	case OPT_RT_RUNTIME:
		o->has_cpu_rt_runtime = true;
		o->cpu_rt_runtime = v;
		return 0;
	case OPT_RT_PERIOD:
		o->has_cpu_rt_period = true;
		o->cpu_rt_period = (uint64_t)v;
		return 0;
	case OPT_PIDS:
		o->has_pids_limit = true;
		o->pids_limit = v;
		return 0;
	case OPT_BLKIO:
		o->has_blkio_weight = true;
		o->blkio_weight = (uint16_t)v;
		return v > UINT16_MAX ? -1 : 0;
	}
	return -1;
}

static const char *
opt_name(int c)
{
	for (size_t i = 0; update_opts[i].name != NULL; i++)
		if (update_opts[i].val == c)
			return update_opts[i].name;
	return "?";
}

int
cmd_update(const struct cli_global *g, int argc, char **argv)
{
	struct ward_update_opts o = { 0 };
	struct ward_err e = { 0 };
	struct ward_conf *conf = NULL;
	int c, ret;

	while ((c = getopt_long(argc, argv, "+r:", update_opts, NULL)) != -1) {
		if (c == OPT_RESOURCES)
			o.resources = optarg;
		else if (c == OPT_CPUS)
			o.cpuset_cpus = optarg;
		else if (c == OPT_MEMS)
			o.cpuset_mems = optarg;
		else if (c == '?' || c == ':')
			return cli_usage("update", "unknown or incomplete option '%s'",
					 argv[optind - 1]);
		else if (parse_value(c, optarg, &o) < 0)
			return cli_usage("update", "invalid value for --%s: '%s'",
					 opt_name(c), optarg);
	}
	if (optind != argc - 1)
		return cli_usage("update", "expects exactly one container id");
	if (cli_load_conf(g, &conf, &e) < 0)
		return cli_fail(&e);
	o.conf = conf;
	ret = ward_container_update(g->root, argv[optind], &o, &e);
	ward_conf_free(conf);
	return ret < 0 ? cli_fail(&e) : WARD_EXIT_OK;
}
