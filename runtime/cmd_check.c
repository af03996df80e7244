/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `ward check [--bundle DIR] [--format text|json]`: run the policy on
 * DIR/config.json without creating anything and print every verdict. Exit 1
 * when anything is refused (or the config cannot be read), 0 otherwise.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <yajl/yajl_gen.h>

#include "cli.h"

struct counts {
	size_t n[3];
};

static void
count(const struct ward_report *r, struct counts *c)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < r->n; i++)
		if ((unsigned)r->v[i].kind < 3)
			c->n[r->v[i].kind]++;
}

static void
print_text(const struct ward_report *r)
{
	struct counts c;

	for (size_t i = 0; i < r->n; i++) {
		const struct ward_verdict *v = &r->v[i];
		char kind[8];

		snprintf(kind, sizeof(kind), "%s", ward_verdict_kind_name(v->kind));
		for (char *k = kind; *k != '\0'; k++)
			*k = (char)(*k - ('a' <= *k && *k <= 'z' ? 32 : 0));
		printf("%-6s %s", kind, v->rule);
		if (v->cis != NULL)
			printf(" [CIS %s]", v->cis);
		printf(" %s: %s", v->path, v->what);
		/* Hardening is already done; its fix is only how to silence it. */
		if (v->kind != WARD_VERDICT_HARDEN && v->fix != NULL)
			printf(" — fix: %s", v->fix);
		printf("\n");
	}
	count(r, &c);
	printf("ward check: %s: %zu refused, %zu hardened, %zu warnings\n",
	       r->n_refused > 0 ? "REFUSED" : "ok", c.n[WARD_VERDICT_REFUSE],
	       c.n[WARD_VERDICT_HARDEN], c.n[WARD_VERDICT_WARN]);
}

static void
gen_str(yajl_gen g, const char *key, const char *val)
{
	yajl_gen_string(g, (const unsigned char *)key, strlen(key));
	if (val == NULL)
		yajl_gen_null(g);
	else
		yajl_gen_string(g, (const unsigned char *)val, strlen(val));
}

static void
gen_verdicts(yajl_gen g, const struct ward_report *r)
{
	yajl_gen_string(g, (const unsigned char *)"verdicts", 8);
	yajl_gen_array_open(g);
	for (size_t i = 0; i < r->n; i++) {
		const struct ward_verdict *v = &r->v[i];

		yajl_gen_map_open(g);
		gen_str(g, "kind", ward_verdict_kind_name(v->kind));
		gen_str(g, "rule", v->rule);
		gen_str(g, "cis", v->cis);
		gen_str(g, "path", v->path);
		gen_str(g, "what", v->what);
		gen_str(g, "fix", v->fix);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
}

static int
print_json(const struct ward_report *r)
{
	static const char *const names[3] = { "refuse", "harden", "warn" };
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	struct counts c;
	size_t len;

	if (g == NULL)
		return -ENOMEM;
	yajl_gen_config(g, yajl_gen_beautify, 1);
	/* Verdict text is UTF-8 by construction (parsed input, trimmed cuts). */
	yajl_gen_config(g, yajl_gen_validate_utf8, 1);
	count(r, &c);
	yajl_gen_map_open(g);
	yajl_gen_string(g, (const unsigned char *)"refused", 7);
	yajl_gen_bool(g, r->n_refused > 0);
	yajl_gen_string(g, (const unsigned char *)"counts", 6);
	yajl_gen_map_open(g);
	for (int k = 0; k < 3; k++) {
		yajl_gen_string(g, (const unsigned char *)names[k], strlen(names[k]));
		yajl_gen_integer(g, (long long)c.n[k]);
	}
	yajl_gen_map_close(g);
	gen_verdicts(g, r);
	yajl_gen_map_close(g);
	if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok) {
		yajl_gen_free(g);
		return -EINVAL;
	}
	fwrite(buf, 1, len, stdout);
	if (len > 0 && buf[len - 1] != '\n')
		putchar('\n');
	yajl_gen_free(g);
	return 0;
}

static int
parse_args(int argc, char **argv, const char **bundle, bool *json)
{
	static const struct option opts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "+b:f:", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			*bundle = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0)
				return cli_usage("check", "--format must be text "
							  "or json, not '%s'", optarg);
			*json = strcmp(optarg, "json") == 0;
			break;
		default:
			return cli_usage("check", "unknown or incomplete option '%s'",
					 argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage("check", "unexpected argument '%s'", argv[optind]);
	return 0;
}

int
cmd_check(const struct cli_global *g, int argc, char **argv)
{
	struct ward_report r = { 0 };
	struct ward_err e = { 0 };
	struct ward_conf *conf = NULL;
	struct ward_spec *s = NULL;
	const char *bundle = ".";
	bool json = false;
	int ret;

	ret = parse_args(argc, argv, &bundle, &json);
	if (ret != 0)
		return ret;
	if (cli_load_conf(g, &conf, &e) < 0)
		return cli_fail(&e);
	/* Relative bind sources are relative to the bundle, as for create. */
	if (chdir(bundle) < 0) {
		ward_err_set(&e, errno, "bundle %s", bundle);
		ret = cli_fail(&e);
	} else if (ward_spec_load("config.json", &s, &e) < 0) {
		ward_err_prefix(&e, "%s", bundle);
		ret = cli_fail(&e);
	} else if (ward_policy_check(s, conf, &r, &e) < 0) {
		ret = cli_fail(&e);
	} else if (json && print_json(&r) < 0) {
		ward_err_set(&e, ENOMEM, "check: json output");
		ret = cli_fail(&e);
	} else {
		if (!json)
			print_text(&r);
		ret = r.n_refused > 0 ? WARD_EXIT_FAIL : WARD_EXIT_OK;
	}
	ward_report_free(&r);
	ward_spec_free(s);
	ward_conf_free(conf);
	return ret;
}
