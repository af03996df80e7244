/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the policy suite's files (test_policy*.c). */
#ifndef WARD_TEST_POLICY_H
#define WARD_TEST_POLICY_H

#include "conf.h"
#include "spec.h"
#include "suites.h"

#define TP_CAP(c) (UINT64_C(1) << (c))

/* A config with no verdict at all: every rule satisfied. */
struct ward_spec *tp_good(void);
/* Parse JSON written with ' for " (asserts success). */
struct ward_spec *tp_parse(const char *text);
/* Run the create policy (asserts no internal error). */
void tp_run(struct ward_spec *s, const struct ward_conf *c,
	    struct ward_report *r);
const struct ward_verdict *tp_find(const struct ward_report *r,
				   const char *rule, enum ward_verdict_kind k);
size_t tp_count(const struct ward_report *r, enum ward_verdict_kind k);
/* Assert a refusal by rule with this CIS id (NULL: none) and JSON path. */
const struct ward_verdict *tp_refused(const struct ward_report *r,
				      const char *rule, const char *cis,
				      const char *path);
/* Assert exactly n verdicts of this rule (any kind). */
void tp_assert_rule_count(const struct ward_report *r, const char *rule,
			  size_t n);
/* Append a mount; options NULL-terminated. Returns its index. */
size_t tp_add_mount(struct ward_spec *s, const char *type, const char *src,
		    const char *dst, ...);
void tp_add_sysctl(struct ward_spec *s, const char *key, const char *value);
/* A conf from text (asserts success). */
struct ward_conf *tp_conf(const char *text);

void test_policy_add_ns(Suite *s);
void test_policy_add_mounts(Suite *s);
void test_policy_add_linux(Suite *s);
void test_policy_add_exec(Suite *s);

#endif
