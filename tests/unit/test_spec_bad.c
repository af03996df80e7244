/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Malformed and hostile configs: each must fail with EINVAL (EFBIG for size)
 * and a message that names the JSON path.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec.h"
#include "suites.h"

void test_spec_add_bad(Suite *s);

/* Cases are written with ' for " and expanded before parsing. */
#define PROC(x)                                                                \
	"{'ociVersion':'1','process':{'user':{'uid':1,'gid':1},"               \
	"'args':['sh'],'cwd':'/'" x "}}"
#define USER(x) "{'ociVersion':'1','process':{'args':['sh'],'cwd':'/','user':{" x "}}}"
#define LINUX(x) "{'ociVersion':'1','linux':{" x "}}"
#define RES(x) LINUX("'resources':{" x "}")
#define SECCOMP(x) LINUX("'seccomp':{'defaultAction':'SCMP_ACT_ERRNO'" x "}")

static const struct {
	const char *json;
	const char *msg;	/* exact, or a prefix when it ends in '*' */
} bad[] = {
	/* Syntax: truncation, trailing data, comments, bad UTF-8. */
	{ "{'ociVersion':'1','process':{",
	  "invalid JSON at byte 29 in process: parse error: premature EOF" },
	{ "{'ociVersion':'1'", "invalid JSON at byte 17: parse error: premature EOF" },
	{ "", "invalid JSON at byte 0: parse error: premature EOF" },
	{ "{'ociVersion':'1'} {}", "invalid JSON at byte 20: parse error: trailing garbage" },
	{ "{'ociVersion':'1'} x", "invalid JSON*trailing garbage*" },
	{ "{/* c */'ociVersion':'1'}", "invalid JSON at byte 1: lexical error*" },
	{ "{'ociVersion':'1',}", "invalid JSON*" },
	{ "{'ociVersion':'\xff\xfe'}", "invalid JSON*invalid bytes in UTF8 string*" },
	{ "{'ociVersion':'1','x\xc3':1}", "invalid JSON*UTF8*" },
	{ "{'ociVersion':'a\xe2\x82'}", "invalid JSON*UTF8*" },
	{ "{'ociVersion':'1','hostname':'a\x01'}", "invalid JSON*" },
	/* The top level must be an object. */
	{ "[]", "top level: expected an object, got an array" },
	{ "'config'", "top level: expected an object, got a string" },
	{ "42", "top level: expected an object, got a number" },
	{ "null", "top level: expected an object, got null" },
	/* Duplicate keys, at any level, also through escapes. */
	{ "{'ociVersion':'1','ociVersion':'1'}",
	  "top level: duplicate key \"ociVersion\"" },
	{ USER("'uid':1,'gid':1,'uid':2"), "process.user: duplicate key \"uid\"" },
	{ "{'ociVersion':'1','x':{'y':[0,{'a':1,'\\u0061':2}]}}",
	  "x.y[1]: duplicate key \"a\"" },
	{ "{'ociVersion':'1','a':1,'b':2,'c':3,'d':4,'e':5,'f':6,'g':7,'h':8,"
	  "'i':9,'j':10,'e':11}",
	  "top level: duplicate key \"e\"" },
	/* Wrong types. */
	{ "{'ociVersion':1}", "ociVersion: expected a string, got a number" },
	{ PROC(",'terminal':'yes'"),
	  "process.terminal: expected a boolean, got a string" },
	{ "{'ociVersion':'1','process':{'user':{'uid':1,'gid':1},'args':'sh',"
	  "'cwd':'/'}}",
	  "process.args: expected an array, got a string" },
	{ PROC(",'env':['A=1',2]"), "process.env[1]: expected a string, got a number" },
	{ "{'ociVersion':'1','mounts':{}}", "mounts: expected an array, got an object" },
	{ "{'ociVersion':'1','root':'rootfs'}", "root: expected an object, got a string" },
	{ "{'ociVersion':'1','annotations':{'a.b':true}}",
	  "annotations[\"a.b\"]: expected a string, got a boolean" },
	{ LINUX("'namespaces':['pid']"),
	  "linux.namespaces[0]: expected an object, got a string" },
	{ RES("'memory':{'limit':'1G'}"),
	  "linux.resources.memory.limit: expected an integer, got a string" },
	{ SECCOMP(",'syscalls':[{'names':['a'],'action':'X','args':[{'index':0,"
		  "'value':true,'op':'SCMP_CMP_EQ'}]}]"),
	  "linux.seccomp.syscalls[0].args[0].value: expected an unsigned "
	  "integer, got a boolean" },
	/* Integers: sign, range, no fractions or exponents. */
	{ USER("'uid':-1,'gid':1"),
	  "process.user.uid: expected an unsigned integer, got -1" },
	{ USER("'uid':4294967296,'gid':1"),
	  "process.user.uid: out of range (maximum 4294967295)" },
	{ USER("'uid':1,'gid':99999999999999999999999"),
	  "process.user.gid: out of range (maximum 4294967295)" },
	{ USER("'uid':1.5,'gid':1"),
	  "process.user.uid: expected an unsigned integer, got 1.5" },
	{ USER("'uid':1e3,'gid':1"),
	  "process.user.uid: expected an unsigned integer, got 1e3" },
	{ USER("'uid':1,'gid':1,'additionalGids':[1,-2]"),
	  "process.user.additionalGids[1]: expected an unsigned integer, got -2" },
	{ USER("'uid':1,'gid':1,'umask':512"),
	  "process.user.umask: out of range (maximum 0777)" },
	{ RES("'memory':{'limit':9223372036854775808}"),
	  "linux.resources.memory.limit: out of range [-9223372036854775808, "
	  "9223372036854775807]" },
	{ RES("'memory':{'swap':-9223372036854775809}"),
	  "linux.resources.memory.swap: out of range*" },
	{ RES("'memory':{'swap':1.0}"),
	  "linux.resources.memory.swap: expected an integer, got 1.0" },
	{ RES("'memory':{'swappiness':101}"),
	  "linux.resources.memory.swappiness: out of range [0, 100]" },
	{ PROC(",'rlimits':[{'type':'RLIMIT_AS','hard':18446744073709551616,"
	       "'soft':1}]"),
	  "process.rlimits[0].hard: out of range (maximum 18446744073709551615)" },
	{ PROC(",'oomScoreAdj':1001"),
	  "process.oomScoreAdj: out of range [-1000, 1000]" },
	{ RES("'blockIO':{'weight':65536}"),
	  "linux.resources.blockIO.weight: out of range (maximum 65535)" },
	/* Unknown names fail closed. */
	{ PROC(",'capabilities':{'bounding':['CAP_KILL','CAP_FOO']}"),
	  "process.capabilities.bounding[1]: unknown capability \"CAP_FOO\"" },
	{ PROC(",'capabilities':{'ambient':[7]}"),
	  "process.capabilities.ambient[0]: expected a string, got a number" },
	{ PROC(",'rlimits':[{'type':'RLIMIT_FOO','hard':1,'soft':1}]"),
	  "process.rlimits[0].type: unknown rlimit type \"RLIMIT_FOO\"" },
	{ LINUX("'namespaces':[{'type':'pid'},{'type':'foo'}]"),
	  "linux.namespaces[1].type: unknown namespace type \"foo\"" },
	{ LINUX("'namespaces':[{'type':'pid'},{'type':'net'},{'type':'pid'}]"),
	  "linux.namespaces[1].type: unknown namespace type \"net\"" },
	{ LINUX("'namespaces':[{'type':'ipc'},{'type':'uts'},{'type':'ipc'}]"),
	  "linux.namespaces[2].type: duplicate namespace type \"ipc\" (also "
	  "at index 0)" },
	{ LINUX("'rootfsPropagation':'weird'"),
	  "linux.rootfsPropagation: unknown propagation \"weird\"" },
	{ LINUX("'timeOffsets':{'realtime':{'secs':1}}"),
	  "linux.timeOffsets: unknown clock \"realtime\"" },
	{ LINUX("'personality':{'domain':'BSD'}"),
	  "linux.personality.domain: must be \"LINUX\" or \"LINUX32\"" },
	/* Missing required fields. */
	{ "{}", "ociVersion: required" },
	{ "{'ociVersion':null}", "ociVersion: required" },
	{ "{'ociVersion':'1','process':{'args':['sh'],'cwd':'/'}}",
	  "process.user: required" },
	{ USER("'gid':1"), "process.user.uid: required" },
	{ USER("'uid':1"), "process.user.gid: required" },
	{ "{'ociVersion':'1','process':{'user':{'uid':1,'gid':1},'args':['sh']}}",
	  "process.cwd: required" },
	{ "{'ociVersion':'1','process':{'user':{'uid':1,'gid':1},'args':['sh'],"
	  "'cwd':'tmp'}}",
	  "process.cwd: must be an absolute path" },
	{ "{'ociVersion':'1','process':{'user':{'uid':1,'gid':1},'cwd':'/'}}",
	  "process.args: required" },
	{ "{'ociVersion':'1','process':{'user':{'uid':1,'gid':1},'args':[],"
	  "'cwd':'/'}}",
	  "process.args: must not be empty" },
	{ "{'ociVersion':'1','root':{'readonly':true}}", "root.path: required" },
	{ "{'ociVersion':'1','mounts':[{'destination':'/a'},{'destination':'/b'},"
	  "{'type':'tmpfs'}]}",
	  "mounts[2].destination: required" },
	{ "{'ociVersion':'1','mounts':[{'destination':'tmp'}]}",
	  "mounts[0].destination: must be an absolute path" },
	{ "{'ociVersion':'1','hooks':{'poststart':[{'args':['x']}]}}",
	  "hooks.poststart[0].path: required" },
	{ "{'ociVersion':'1','hooks':{'prestart':[{'path':'hook'}]}}",
	  "hooks.prestart[0].path: must be an absolute path" },
	{ "{'ociVersion':'1','hooks':{'createRuntime':[{'path':'/h','timeout':0}]}}",
	  "hooks.createRuntime[0].timeout: out of range [1, 2147483647]" },
	{ LINUX("'namespaces':[{'path':'/proc/1/ns/net'}]"),
	  "linux.namespaces[0].type: required" },
	{ LINUX("'namespaces':[{'type':'net','path':'ns'}]"),
	  "linux.namespaces[0].type: unknown namespace type \"net\"" },
	{ LINUX("'namespaces':[{'type':'network','path':'ns'}]"),
	  "linux.namespaces[0].path: must be an absolute path" },
	{ LINUX("'uidMappings':[{'containerID':0,'hostID':1000}]"),
	  "linux.uidMappings[0].size: required" },
	{ LINUX("'gidMappings':[{'hostID':1,'size':1}]"),
	  "linux.gidMappings[0].containerID: required" },
	{ "{'ociVersion':'1','mounts':[{'destination':'/a','uidMappings':"
	  "[{'containerID':0,'size':1}]}]}",
	  "mounts[0].uidMappings[0].hostID: required" },
	{ SECCOMP(",'syscalls':[{'action':'SCMP_ACT_ALLOW'}]"),
	  "linux.seccomp.syscalls[0].names: required" },
	{ LINUX("'seccomp':{'syscalls':[]}"), "linux.seccomp.defaultAction: required" },
	{ RES("'pids':{}"), "linux.resources.pids.limit: required" },
	{ RES("'devices':[{'access':'rwm'}]"), "linux.resources.devices[0].allow: required" },
	{ LINUX("'devices':[{'path':'/dev/x','type':'c','major':1}]"),
	  "linux.devices[0].minor: required" },
	/* Other structural checks. */
	{ PROC(",'args':['x']"), "process: duplicate key \"args\"" },
	{ "{'ociVersion':'1','hostname':'a\\u0000b'}",
	  "hostname: string contains a NUL character" },
	{ LINUX("'uidMappings':[{'containerID':0,'hostID':4294967295,'size':2}]"),
	  "linux.uidMappings[0]: range exceeds the 32-bit id space" },
	{ LINUX("'uidMappings':[{'containerID':0,'hostID':1,'size':0}]"),
	  "linux.uidMappings[0]: size must be greater than 0" },
	{ PROC(",'rlimits':[{'type':'RLIMIT_AS','hard':1,'soft':2}]"),
	  "process.rlimits[0]: soft limit exceeds hard limit" },
	{ PROC(",'rlimits':[{'type':'RLIMIT_AS','hard':1,'soft':1},"
	       "{'type':'RLIMIT_AS','hard':2,'soft':2}]"),
	  "process.rlimits[1]: duplicate rlimit RLIMIT_AS" },
	{ RES("'devices':[{'allow':true,'type':'x'}]"),
	  "linux.resources.devices[0].type: must be one of \"a\", \"c\", \"b\"" },
	{ RES("'devices':[{'allow':true,'access':'rwx'}]"),
	  "linux.resources.devices[0].access: must be a subset of \"rwm\"" },
	{ RES("'devices':[{'allow':true,'major':-2}]"),
	  "linux.resources.devices[0].major: out of range [-1, 4294967295]" },
	{ RES("'blockIO':{'weightDevice':[{'major':-1,'minor':0}]}"),
	  "linux.resources.blockIO.weightDevice[0].major: out of range [0, "
	  "4294967295]" },
	{ SECCOMP(",'syscalls':[{'names':['a'],'action':'X','args':[{'index':6,"
		  "'value':1,'op':'SCMP_CMP_EQ'}]}]"),
	  "linux.seccomp.syscalls[0].args[0].index: out of range (maximum 5)" },
	{ SECCOMP(",'syscalls':[{'names':[],'action':'X'}]"),
	  "linux.seccomp.syscalls[0].names: must not be empty" },
	{ LINUX("'timeOffsets':{'boottime':{'nanosecs':1000000000}}"),
	  "linux.timeOffsets.boottime.nanosecs: must be less than 1000000000" },
	{ LINUX("'maskedPaths':['/proc/kcore','proc/keys']"),
	  "linux.maskedPaths[1]: must be an absolute path" },
};

START_TEST(malformed)
{
	struct ward_err e = { 0 };
	struct ward_spec *s = NULL;
	char *json = strdup(bad[_i].json);
	size_t n;
	int ret;

	ck_assert_ptr_nonnull(json);
	for (char *p = json; *p != '\0'; p++)
		if (*p == '\'')
			*p = '"';
	ret = ward_spec_parse(json, strlen(json), &s, &e);
	free(json);
	ck_assert_msg(ret == -EINVAL, "case %d (%s): returned %d", _i,
		      bad[_i].json, ret);
	ck_assert_ptr_null(s);
	ck_assert_int_eq(e.code, EINVAL);
	n = strlen(bad[_i].msg);
	if (n > 0 && bad[_i].msg[n - 1] == '*') {
		const char *star = strchr(bad[_i].msg, '*');

		/* "prefix*middle*": the prefix, then middle somewhere after. */
		ck_assert_msg(strncmp(e.msg, bad[_i].msg, star - bad[_i].msg) == 0,
			      "case %d: got \"%s\"", _i, e.msg);
		if (star + 1 < bad[_i].msg + n) {
			char mid[128];

			snprintf(mid, sizeof(mid), "%.*s",
				 (int)(bad[_i].msg + n - 2 - star), star + 1);
			ck_assert_msg(strstr(e.msg, mid) != NULL,
				      "case %d: got \"%s\"", _i, e.msg);
		}
	} else {
		ck_assert_str_eq(e.msg, bad[_i].msg);
	}
}
END_TEST

START_TEST(too_big)
{
	struct ward_err e = { 0 };
	struct ward_spec *s = NULL;
	size_t len = 5u << 20;
	char *buf = malloc(len);

	/* A valid document, only too large: the size check comes first. */
	ck_assert_ptr_nonnull(buf);
	memset(buf, ' ', len);
	memcpy(buf, "{\"ociVersion\":\"1\"}", 18);
	ck_assert_int_eq(ward_spec_parse(buf, len, &s, &e), -EFBIG);
	ck_assert_ptr_null(s);
	ck_assert_str_eq(e.msg,
			 "config.json is 5242880 bytes, over the 4194304-byte limit");
	/* Exactly at the limit is fine. */
	memset(&e, 0, sizeof(e));
	ck_assert_int_eq(ward_spec_parse(buf, WARD_SPEC_MAX_BYTES, &s, &e), 0);
	ward_spec_free(s);
	s = NULL;
	ck_assert_int_eq(ward_spec_parse_process(buf, len, &s, &e), -EFBIG);
	free(buf);
}
END_TEST

static char *
nested(size_t depth, const char *open, const char *close)
{
	size_t lo = strlen(open), lc = strlen(close);
	char *buf = malloc(32 + depth * (lo + lc)), *p = buf;

	ck_assert_ptr_nonnull(buf);
	p += sprintf(p, "{\"ociVersion\":\"1\",\"x\":");
	for (size_t i = 0; i < depth; i++, p += lo)
		memcpy(p, open, lo);
	*p++ = '1';
	for (size_t i = 0; i < depth; i++, p += lc)
		memcpy(p, close, lc);
	strcpy(p, "}");
	return buf;
}

START_TEST(too_deep)
{
	struct ward_err e = { 0 };
	struct ward_spec *s = NULL;
	char *deep = nested(1000, "[", "]");

	ck_assert_int_eq(ward_spec_parse(deep, strlen(deep), &s, &e), -EINVAL);
	ck_assert_ptr_null(s);
	ck_assert_ptr_nonnull(strstr(e.msg, "nesting deeper than 64 levels"));
	ck_assert(strncmp(e.msg, "x[0][0]", 7) == 0 ||
		  strncmp(e.msg, "...[0]", 6) == 0);
	ck_assert_uint_lt(strlen(e.msg), WARD_ERR_MSG_MAX);
	free(deep);

	memset(&e, 0, sizeof(e));
	deep = nested(1000, "{\"abcdefgh\":", "}");
	ck_assert_int_eq(ward_spec_parse(deep, strlen(deep), &s, &e), -EINVAL);
	ck_assert_ptr_nonnull(strstr(e.msg, "nesting deeper than 64 levels"));
	/* The path is cut at a component, keeping its innermost end. */
	ck_assert_msg(strncmp(e.msg, "...abcdefgh.abcdefgh.", 21) == 0, "%s",
		      e.msg);
	ck_assert_uint_lt(strlen(e.msg), WARD_ERR_MSG_MAX - 1);
	free(deep);

	/* 63 levels below the top object: 64 in all, the most allowed. */
	memset(&e, 0, sizeof(e));
	deep = nested(WARD_SPEC_MAX_DEPTH - 1, "[", "]");
	ck_assert_msg(ward_spec_parse(deep, strlen(deep), &s, &e) == 0, "%s",
		      e.msg);
	ward_spec_free(s);
	free(deep);
	deep = nested(WARD_SPEC_MAX_DEPTH, "[", "]");
	ck_assert_int_eq(ward_spec_parse(deep, strlen(deep), &s, &e), -EINVAL);
	free(deep);
}
END_TEST

START_TEST(long_paths_fit)
{
	struct ward_err e = { 0 };
	struct ward_spec *s = NULL;
	size_t klen = 600;
	char *json = malloc(klen + 64), *p = json;

	/* An absurd annotation key: the message stays short and ASCII. */
	ck_assert_ptr_nonnull(json);
	p += sprintf(p, "{\"ociVersion\":\"1\",\"annotations\":{\"");
	memset(p, 'k', klen);
	p += klen;
	strcpy(p, "\xc3\xa9\":7}}");
	ck_assert_int_eq(ward_spec_parse(json, strlen(json), &s, &e), -EINVAL);
	ck_assert_ptr_nonnull(strstr(e.msg, "expected a string, got a number"));
	ck_assert(strncmp(e.msg, "annotations[\"kkk", 16) == 0);
	ck_assert_ptr_nonnull(strstr(e.msg, "...\"]"));
	ck_assert_uint_lt(strlen(e.msg), 100);
	free(json);
}
END_TEST

START_TEST(many_keys_duplicate)
{
	struct ward_err e = { 0 };
	struct ward_spec *s = NULL;
	size_t n = 20000;
	char *json = malloc(n * 16 + 64), *p = json;

	/* A big object takes the sorted path of the duplicate check. */
	ck_assert_ptr_nonnull(json);
	p += sprintf(p, "{\"ociVersion\":\"1\",\"linux\":{\"sysctl\":{");
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "\"k%zu\":\"v\",", i);
	strcpy(p, "\"k777\":\"w\"}}}");
	ck_assert_int_eq(ward_spec_parse(json, strlen(json), &s, &e), -EINVAL);
	ck_assert_str_eq(e.msg, "linux.sysctl: duplicate key \"k777\"");
	/* Without the duplicate it parses, all keys kept in order. */
	strcpy(p - 1, "}}}");
	memset(&e, 0, sizeof(e));
	ck_assert_int_eq(ward_spec_parse(json, strlen(json), &s, &e), 0);
	ck_assert_uint_eq(s->linux.n_sysctl, n);
	ck_assert_str_eq(s->linux.sysctl[n - 1].key, "k19999");
	ward_spec_free(s);
	free(json);
}
END_TEST

void
test_spec_add_bad(Suite *s)
{
	TCase *tc = tcase_create("bad");

	tcase_add_loop_test(tc, malformed, 0, (int)WARD_ARRAY_SIZE(bad));
	tcase_add_test(tc, too_big);
	tcase_add_test(tc, too_deep);
	tcase_add_test(tc, long_paths_fit);
	tcase_add_test(tc, many_keys_duplicate);
	suite_add_tcase(s, tc);
}
