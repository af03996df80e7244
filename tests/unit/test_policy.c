/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The policy suite: helpers, the process rules (root-user, caps, lsm,
 * no_new_privs, inheritable caps), the report API and `ward spec`'s output.
 * Namespace, mount, linux.* and exec rules are in test_policy_*.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>

#include "capname.h"
#include "test_policy.h"

#define CAPS14                                                                 \
	"['CAP_CHOWN','CAP_DAC_OVERRIDE','CAP_FSETID','CAP_FOWNER',"           \
	"'CAP_MKNOD','CAP_NET_RAW','CAP_SETGID','CAP_SETUID','CAP_SETFCAP',"   \
	"'CAP_SETPCAP','CAP_NET_BIND_SERVICE','CAP_SYS_CHROOT','CAP_KILL',"    \
	"'CAP_AUDIT_WRITE']"

static const char good_json[] =
	"{'ociVersion':'1.2.0',"
	"'process':{'user':{'uid':1000,'gid':0},'args':['sh'],'cwd':'/',"
	"'capabilities':{'bounding':" CAPS14 ",'effective':" CAPS14
	",'permitted':" CAPS14 ",'inheritable':[],'ambient':[]},"
	"'noNewPrivileges':true},"
	"'root':{'path':'rootfs','readonly':true},"
	"'mounts':[{'destination':'/proc','type':'proc','source':'proc'}],"
	"'linux':{'namespaces':[{'type':'pid'},{'type':'network'},"
	"{'type':'ipc'},{'type':'uts'},{'type':'mount'},{'type':'user'},"
	"{'type':'cgroup'}],"
	"'resources':{'memory':{'limit':536870912},'cpu':{'shares':512},"
	"'pids':{'limit':100},'devices':[{'allow':false,'access':'rwm'}]},"
	"'maskedPaths':['/proc/acpi','/proc/asound','/proc/kcore',"
	"'/proc/keys','/proc/latency_stats','/proc/timer_list',"
	"'/proc/timer_stats','/proc/sched_debug','/proc/scsi',"
	"'/sys/firmware','/sys/devices/virtual/powercap'],"
	"'readonlyPaths':['/proc/bus','/proc/fs','/proc/irq','/proc/sys',"
	"'/proc/sysrq-trigger'],"
	"'seccomp':{'defaultAction':'SCMP_ACT_ERRNO','syscalls':"
	"[{'names':['read'],'action':'SCMP_ACT_ALLOW'}]}}}";

struct ward_spec *
tp_parse(const char *text)
{
	struct ward_err e = { 0 };
	struct ward_spec *s = NULL;
	char *json = strdup(text);
	int ret;

	ck_assert_ptr_nonnull(json);
	for (char *p = json; *p != '\0'; p++)
		if (*p == '\'')
			*p = '"';
	ret = ward_spec_parse(json, strlen(json), &s, &e);
	free(json);
	ck_assert_msg(ret == 0, "parse: %s", e.msg);
	return s;
}

struct ward_spec *
tp_good(void)
{
	return tp_parse(good_json);
}

void
tp_run(struct ward_spec *s, const struct ward_conf *c, struct ward_report *r)
{
	struct ward_err e = { 0 };
	int ret = ward_policy_check(s, c, r, &e);

	ck_assert_msg(ret == 0, "policy: %s", e.msg);
}

const struct ward_verdict *
tp_find(const struct ward_report *r, const char *rule, enum ward_verdict_kind k)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->v[i].rule, rule) == 0 && r->v[i].kind == k)
			return &r->v[i];
	return NULL;
}

size_t
tp_count(const struct ward_report *r, enum ward_verdict_kind k)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n; i++)
		n += r->v[i].kind == k;
	return n;
}

static void
dump(const struct ward_report *r)
{
	for (size_t i = 0; i < r->n; i++)
		fprintf(stderr, "  %s %s [%s] %s: %s\n",
			ward_verdict_kind_name(r->v[i].kind), r->v[i].rule,
			r->v[i].cis ? r->v[i].cis : "-", r->v[i].path,
			r->v[i].what);
}

const struct ward_verdict *
tp_refused(const struct ward_report *r, const char *rule, const char *cis,
	   const char *path)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct ward_verdict *v = &r->v[i];

		if (v->kind != WARD_VERDICT_REFUSE || strcmp(v->rule, rule) != 0 ||
		    strcmp(v->path, path) != 0)
			continue;
		if (cis == NULL)
			ck_assert_ptr_null(v->cis);
		else
			ck_assert_str_eq(v->cis, cis);
		ck_assert_ptr_nonnull(v->fix);
		ck_assert_uint_gt(strlen(v->fix), 10);
		ck_assert_uint_gt(strlen(v->what), 5);
		ck_assert_uint_gt(r->n_refused, 0);
		return v;
	}
	dump(r);
	ck_abort_msg("no refusal %s at %s", rule, path);
	return NULL;
}

void
tp_assert_rule_count(const struct ward_report *r, const char *rule, size_t n)
{
	size_t got = 0;

	for (size_t i = 0; i < r->n; i++)
		got += strcmp(r->v[i].rule, rule) == 0;
	if (got != n)
		dump(r);
	ck_assert_uint_eq(got, n);
}

size_t
tp_add_mount(struct ward_spec *s, const char *type, const char *src,
	     const char *dst, ...)
{
	struct ward_err e = { 0 };
	struct ward_mount *m;
	const char *opt;
	va_list ap;

	m = ward_spec_alloc(s, (s->n_mounts + 1) * sizeof(*m));
	ck_assert_ptr_nonnull(m);
	if (s->n_mounts > 0)
		memcpy(m, s->mounts, s->n_mounts * sizeof(*m));
	s->mounts = m;
	m = &s->mounts[s->n_mounts];
	memset(m, 0, sizeof(*m));
	m->type = type ? ward_spec_strdup(s, type) : NULL;
	m->source = src ? ward_spec_strdup(s, src) : NULL;
	m->destination = ward_spec_strdup(s, dst);
	va_start(ap, dst);
	while ((opt = va_arg(ap, const char *)) != NULL)
		ck_assert_int_eq(ward_spec_strv_append(s, &m->options,
						       &m->n_options, opt, &e),
				 0);
	va_end(ap);
	return s->n_mounts++;
}

void
tp_add_sysctl(struct ward_spec *s, const char *key, const char *value)
{
	struct ward_linux *l = &s->linux;
	struct ward_kv *kv = ward_spec_alloc(s, (l->n_sysctl + 1) * sizeof(*kv));

	ck_assert_ptr_nonnull(kv);
	if (l->n_sysctl > 0)
		memcpy(kv, l->sysctl, l->n_sysctl * sizeof(*kv));
	kv[l->n_sysctl].key = ward_spec_strdup(s, key);
	kv[l->n_sysctl].value = ward_spec_strdup(s, value);
	l->sysctl = kv;
	l->n_sysctl++;
}

struct ward_conf *
tp_conf(const char *text)
{
	struct ward_err e = { 0 };
	struct ward_conf *c = NULL;

	ck_assert_msg(ward_conf_parse("test.conf", text, strlen(text), &c, &e) == 0,
		      "%s", e.msg);
	return c;
}

START_TEST(good_config_has_no_verdicts)
{
	struct ward_spec *s = tp_good();
	struct ward_report r;

	tp_run(s, NULL, &r);
	if (r.n != 0)
		dump(&r);
	ck_assert_uint_eq(r.n, 0);
	ck_assert_uint_eq(r.n_refused, 0);
	ward_report_free(&r);
	ward_spec_free(s);
}
END_TEST

START_TEST(root_user_refused)
{
	struct ward_spec *s = tp_good();
	const struct ward_verdict *v;
	struct ward_report r;

	s->process.user.uid = 0;
	tp_run(s, NULL, &r);
	v = tp_refused(&r, "root-user", "4.1", "process.user.uid");
	ck_assert_ptr_nonnull(strstr(v->what, "uid 0"));
	ck_assert_ptr_nonnull(strstr(v->fix, "-u 1000"));
	ck_assert_uint_eq(r.n_refused, 1);
	ward_report_free(&r);
	ward_spec_free(s);
}
END_TEST

/* docker run -u 1000 leaves gid 0; in a user namespace that is harmless. */
START_TEST(gid_zero_passes)
{
	struct ward_spec *s = tp_good();
	struct ward_report r;

	s->process.user.uid = 1000;
	s->process.user.gid = 0;
	tp_run(s, NULL, &r);
	ck_assert_uint_eq(r.n_refused, 0);
	ward_report_free(&r);
	ward_spec_free(s);
}
END_TEST

START_TEST(cap_sys_admin_refused_in_any_set)
{
	for (int set = 0; set < WARD_CAP__N; set++) {
		struct ward_spec *s = tp_good();
		const struct ward_verdict *v;
		struct ward_report r;
		char path[96];

		s->process.caps.set[set] |= TP_CAP(CAP_SYS_ADMIN);
		/* Keep ambient ⊆ inheritable so only the caps rule speaks. */
		if (set == WARD_CAP_AMBIENT || set == WARD_CAP_INHERITABLE)
			s->process.caps.set[WARD_CAP_AMBIENT + WARD_CAP_INHERITABLE -
					    set] |= TP_CAP(CAP_SYS_ADMIN);
		tp_run(s, NULL, &r);
		snprintf(path, sizeof(path),
			 "process.capabilities.%s[CAP_SYS_ADMIN]",
			 ward_capset_name(set < WARD_CAP_INHERITABLE ||
						  set == WARD_CAP_PERMITTED
					  ? set
					  : WARD_CAP_INHERITABLE));
		v = tp_refused(&r, "caps", "5.4", path);
		ck_assert_ptr_nonnull(strstr(v->what, "CAP_SYS_ADMIN"));
		ck_assert_ptr_nonnull(strstr(v->what, "forbidden"));
		tp_assert_rule_count(&r, "caps", 1);
		ward_report_free(&r);
		ward_spec_free(s);
	}
}
END_TEST

START_TEST(every_cap_classified)
{
	static const int allowed[] = {
		CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FSETID, CAP_FOWNER, CAP_MKNOD,
		CAP_NET_RAW, CAP_SETGID, CAP_SETUID, CAP_SETFCAP, CAP_SETPCAP,
		CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT, CAP_KILL, CAP_AUDIT_WRITE,
		CAP_SYS_PTRACE, CAP_NET_BROADCAST,
	};

	for (int c = 0; c <= WARD_CAP_LAST; c++) {
		struct ward_spec *s = tp_good();
		struct ward_report r;
		bool ok = false;

		for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
			ok |= allowed[i] == c;
		s->process.caps.set[WARD_CAP_BOUNDING] |= TP_CAP(c);
		tp_run(s, NULL, &r);
		ck_assert_msg((r.n_refused == 0) == ok, "%s: refused %zu",
			      ward_cap_name(c), r.n_refused);
		ward_report_free(&r);
		ward_spec_free(s);
	}
}
END_TEST

START_TEST(privileged_is_one_verdict)
{
	struct ward_spec *s = tp_good();
	const struct ward_verdict *v;
	struct ward_report r;

	s->process.caps.set[WARD_CAP_BOUNDING] = ward_cap_all();
	s->process.caps.set[WARD_CAP_EFFECTIVE] = ward_cap_all();
	s->process.caps.set[WARD_CAP_PERMITTED] = ward_cap_all();
	tp_run(s, NULL, &r);
	v = tp_refused(&r, "caps", "5.5", "process.capabilities.bounding");
	ck_assert_ptr_nonnull(strstr(v->what, "privileged"));
	tp_assert_rule_count(&r, "caps", 1);
	ward_report_free(&r);
	ward_spec_free(s);
}
END_TEST

START_TEST(lsm_labels_refused)
{
	struct ward_spec *s = tp_good();
	const struct ward_verdict *v;
	struct ward_report r;

	s->process.apparmor_profile = ward_spec_strdup(s, "docker-default");
	s->process.selinux_label = ward_spec_strdup(s, "system_u:system_r:container_t:s0");
	s->linux.mount_label = ward_spec_strdup(s, "system_u:object_r:container_file_t:s0");
	tp_run(s, NULL, &r);
	v = tp_refused(&r, "lsm", NULL, "process.apparmorProfile");
	ck_assert_ptr_nonnull(strstr(v->what, "docker-default"));
	tp_refused(&r, "lsm", NULL, "process.selinuxLabel");
	tp_refused(&r, "lsm", NULL, "linux.mountLabel");
	ward_report_free(&r);
	ward_spec_free(s);

	s = tp_good();
	s->process.apparmor_profile = ward_spec_strdup(s, "unconfined");
	tp_run(s, NULL, &r);
	ck_assert_uint_eq(r.n, 0);
	ward_report_free(&r);
	ward_spec_free(s);
}
END_TEST

START_TEST(nnp_forced)
{
	struct ward_spec *s = tp_good();
	const struct ward_verdict *v;
	struct ward_report r;

	s->process.no_new_privileges = false;
	tp_run(s, NULL, &r);
	v = tp_find(&r, "no-new-privileges", WARD_VERDICT_HARDEN);
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(v->cis, "5.26");
	ck_assert_str_eq(v->path, "process.noNewPrivileges");
	ck_assert(s->process.no_new_privileges);
	ck_assert_uint_eq(r.n_refused, 0);
	ward_report_free(&r);
	ward_spec_free(s);
}
END_TEST

/* Docker before 23 set inheritable = the 14 defaults (CVE-2022-24769). */
START_TEST(inheritable_becomes_ambient)
{
	struct ward_spec *s = tp_good();
	struct ward_caps *c = &s->process.caps;
	const struct ward_verdict *v;
	struct ward_report r;

	c->set[WARD_CAP_INHERITABLE] = c->set[WARD_CAP_BOUNDING];
	tp_run(s, NULL, &r);
	v = tp_find(&r, "inheritable-caps", WARD_VERDICT_HARDEN);
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(v->path, "process.capabilities.inheritable");
	ck_assert_uint_eq(c->set[WARD_CAP_INHERITABLE], 0);
	ward_report_free(&r);

	/* An ambient cap the kernel would drop is removed, said so. */
	c->set[WARD_CAP_AMBIENT] = TP_CAP(CAP_NET_BIND_SERVICE) | TP_CAP(CAP_NET_RAW);
	c->set[WARD_CAP_PERMITTED] &= ~TP_CAP(CAP_NET_RAW);
	tp_run(s, NULL, &r);
	v = tp_find(&r, "inheritable-caps", WARD_VERDICT_HARDEN);
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(v->path, "process.capabilities.ambient");
	ck_assert_ptr_nonnull(strstr(v->what, "CAP_NET_RAW"));
	ck_assert_uint_eq(c->set[WARD_CAP_AMBIENT], TP_CAP(CAP_NET_BIND_SERVICE));
	ck_assert_uint_eq(c->set[WARD_CAP_INHERITABLE], TP_CAP(CAP_NET_BIND_SERVICE));
	ck_assert_uint_eq(r.n_refused, 0);
	ward_report_free(&r);

	/* Now consistent: nothing more to say. */
	tp_run(s, NULL, &r);
	ck_assert_uint_eq(r.n, 0);
	ward_report_free(&r);
	ward_spec_free(s);
}
END_TEST

START_TEST(absent_caps_mean_none)
{
	struct ward_spec *s = tp_good();
	const struct ward_verdict *v;
	struct ward_report r;

	s->process.has_caps = false;
	memset(&s->process.caps, 0, sizeof(s->process.caps));
	tp_run(s, NULL, &r);
	v = tp_find(&r, "inheritable-caps", WARD_VERDICT_HARDEN);
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(v->path, "process.capabilities");
	ck_assert(s->process.has_caps);
	for (int i = 0; i < WARD_CAP__N; i++) {
		ck_assert(s->process.caps.present[i]);
		ck_assert_uint_eq(s->process.caps.set[i], 0);
	}
	ward_report_free(&r);
	ward_spec_free(s);
}
END_TEST

START_TEST(report_to_err_names_rule_cis_path_fix)
{
	struct ward_spec *s = tp_good();
	struct ward_err e = { 0 };
	struct ward_report r;
	int ret;

	s->process.user.uid = 0;
	s->process.caps.set[WARD_CAP_BOUNDING] |= TP_CAP(CAP_SYS_MODULE);
	tp_run(s, NULL, &r);
	ck_assert_uint_eq(r.n_refused, 2);
	ret = ward_report_to_err(&r, &e);
	ck_assert_int_lt(ret, 0);
	ck_assert_int_eq(e.code, WARD_EPOLICY);
	ck_assert_ptr_nonnull(strstr(e.msg, "root-user"));
	ck_assert_ptr_nonnull(strstr(e.msg, "[CIS 4.1]"));
	ck_assert_ptr_nonnull(strstr(e.msg, "process.user.uid"));
	ck_assert_ptr_nonnull(strstr(e.msg, "fix:"));
	ck_assert_ptr_nonnull(strstr(e.msg, "+1 more refused"));
	ward_report_free(&r);
	ck_assert_ptr_null(r.v);
	ck_assert_uint_eq(r.n, 0);

	/* Nothing refused: e stays untouched. */
	s->process.user.uid = 1000;
	s->process.caps.set[WARD_CAP_BOUNDING] &= ~TP_CAP(CAP_SYS_MODULE);
	tp_run(s, NULL, &r);
	memset(&e, 0, sizeof(e));
	ck_assert_int_eq(ward_report_to_err(&r, &e), 0);
	ck_assert_int_eq(e.code, 0);
	ward_report_free(&r);
	ward_spec_free(s);
}
END_TEST

START_TEST(kind_names)
{
	ck_assert_str_eq(ward_verdict_kind_name(WARD_VERDICT_REFUSE), "refuse");
	ck_assert_str_eq(ward_verdict_kind_name(WARD_VERDICT_HARDEN), "harden");
	ck_assert_str_eq(ward_verdict_kind_name(WARD_VERDICT_WARN), "warn");
	ck_assert_str_eq(ward_verdict_kind_name((enum ward_verdict_kind)9), "unknown");
}
END_TEST

static bool
valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p != '\0') {
		int n = *p < 0x80 ? 0 : *p >= 0xf0 ? 3 : *p >= 0xe0 ? 2 : *p >= 0xc0 ? 1 : -1;

		if (n < 0)
			return false;
		p++;
		while (n-- > 0)
			if ((*p++ & 0xc0) != 0x80)
				return false;
	}
	return true;
}

/* A message cut at 256 bytes never ends inside a UTF-8 character. */
START_TEST(truncated_text_stays_utf8)
{
	for (int shift = 0; shift < 3; shift++) {
		struct ward_spec *s = tp_good();
		struct ward_report r;
		char key[400] = "kernel.";

		for (int i = 0; i < shift; i++)
			strcat(key, "x");
		while (strlen(key) < sizeof(key) - 4)
			strcat(key, "\xc3\xa9");
		tp_add_sysctl(s, key, "1");
		tp_run(s, NULL, &r);
		ck_assert_uint_eq(r.n_refused, 1);
		ck_assert(valid_utf8(r.v[0].what));
		ck_assert(valid_utf8(r.v[0].path));
		ward_report_free(&r);
		ward_spec_free(s);
	}
}
END_TEST

static struct ward_spec *
generate(bool rootless, const char *const *args, size_t n_args)
{
	struct ward_spec_template t = { args, n_args, rootless };
	struct ward_err e = { 0 };
	struct ward_spec *s = NULL;
	char *json = NULL;
	size_t len = 0;

	ck_assert_msg(ward_spec_generate(&t, &json, &len, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(strlen(json), len);
	ck_assert_msg(ward_spec_parse(json, len, &s, &e) == 0, "%s", e.msg);
	free(json);
	return s;
}

START_TEST(generated_spec_passes)
{
	static const char *const args[] = { "/bin/echo", "-n", "hi" };
	struct ward_spec *s = generate(false, NULL, 0);
	const struct ward_verdict *v;
	struct ward_report r;

	ck_assert_uint_eq(s->process.user.uid, 1000);
	ck_assert_uint_eq(s->process.user.gid, 1000);
	ck_assert(s->process.terminal);
	ck_assert_str_eq(s->process.args[0], "sh");
	ck_assert(s->root.readonly);
	ck_assert(s->process.no_new_privileges);
	for (int t = 0; t < WARD_NS__N; t++)
		ck_assert(s->linux.ns[t].present == (t != WARD_NS_TIME));
	ck_assert_uint_eq(s->linux.uid_mappings.n, 0);
	ck_assert(s->linux.resources.memory.has_limit);
	ck_assert_ptr_null(s->linux.seccomp);
	for (int i = 0; i < WARD_CAP__N; i++)
		ck_assert_uint_eq(s->process.caps.set[i], 0);
	tp_run(s, NULL, &r);
	ck_assert_uint_eq(r.n_refused, 0);
	ck_assert_uint_eq(tp_count(&r, WARD_VERDICT_WARN), 0);
	/* The one hardening: the built-in seccomp baseline. */
	ck_assert_uint_eq(r.n, 1);
	v = tp_find(&r, "seccomp-baseline", WARD_VERDICT_HARDEN);
	ck_assert_ptr_nonnull(v);
	ward_report_free(&r);
	ward_spec_free(s);

	s = generate(false, args, 3);
	ck_assert(!s->process.terminal);
	ck_assert_uint_eq(s->process.n_args, 3);
	ck_assert_str_eq(s->process.args[2], "hi");
	ward_spec_free(s);
}
END_TEST

START_TEST(generated_rootless)
{
	struct ward_spec_template t = { NULL, 0, true };
	struct ward_err e = { 0 };
	char *json = NULL;
	size_t len;
	int status;
	pid_t pid;

	/* As root, --rootless would map host uid 0: refused up front. */
	if (geteuid() == 0) {
		ck_assert_int_lt(ward_spec_generate(&t, &json, &len, &e), 0);
		ck_assert_ptr_nonnull(strstr(e.msg, "rootless"));
		ck_assert_ptr_null(json);
	}
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct ward_spec *s;
		struct ward_report r;
		bool ok;

		if (geteuid() == 0 &&
		    (setresgid(23456, 23456, 23456) < 0 ||
		     setresuid(12345, 12345, 12345) < 0))
			_exit(2);
		s = generate(true, NULL, 0);
		tp_run(s, NULL, &r);
		ok = r.n_refused == 0 && tp_count(&r, WARD_VERDICT_WARN) == 0 &&
		     s->linux.uid_mappings.n == 1 &&
		     s->linux.uid_mappings.v[0].container_id == 1000 &&
		     s->linux.uid_mappings.v[0].host_id == geteuid() &&
		     s->linux.uid_mappings.v[0].size == 1 &&
		     s->linux.gid_mappings.v[0].host_id == getegid();
		for (size_t i = 0; i < s->n_mounts; i++)
			for (size_t j = 0; j < s->mounts[i].n_options; j++)
				ok &= strncmp(s->mounts[i].options[j], "gid=", 4) != 0;
		_exit(ok ? 0 : 1);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

Suite *
suite_policy(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("process");
	TCase *gen = tcase_create("generate");

	tcase_add_test(tc, good_config_has_no_verdicts);
	tcase_add_test(tc, root_user_refused);
	tcase_add_test(tc, gid_zero_passes);
	tcase_add_test(tc, cap_sys_admin_refused_in_any_set);
	tcase_add_test(tc, every_cap_classified);
	tcase_add_test(tc, privileged_is_one_verdict);
	tcase_add_test(tc, lsm_labels_refused);
	tcase_add_test(tc, nnp_forced);
	tcase_add_test(tc, inheritable_becomes_ambient);
	tcase_add_test(tc, absent_caps_mean_none);
	tcase_add_test(tc, report_to_err_names_rule_cis_path_fix);
	tcase_add_test(tc, kind_names);
	tcase_add_test(tc, truncated_text_stays_utf8);
	suite_add_tcase(s, tc);
	tcase_add_test(gen, generated_spec_passes);
	tcase_add_test(gen, generated_rootless);
	suite_add_tcase(s, gen);
	test_policy_add_ns(s);
	test_policy_add_mounts(s);
	test_policy_add_linux(s);
	test_policy_add_exec(s);
	return s;
}
