/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "process.h"
#include "suites.h"

static char *args_sh[] = { "sh", "-c", "true" };

static struct ward_spec
base_spec(void)
{
	struct ward_spec s = { .has_process = true };

	s.process.args = args_sh;
	s.process.n_args = 3;
	s.process.cwd = "/";
	return s;
}

static void
write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	ck_assert_int_eq(fchmod(fd, mode), 0);
	close(fd);
}

START_TEST(plan_builds_argv_and_env)
{
	char *env[] = { "A=1", "PATH=/x:/y", "B=2", "A=3", "EMPTY=" };
	struct ward_spec s = base_spec();
	struct ward_process_plan p;
	struct ward_err e = { 0 };

	s.process.env = env;
	s.process.n_env = 5;
	ck_assert_int_eq(ward_process_plan(&s, 2, &p, &e), 0);
	ck_assert_str_eq(p.argv[0], "sh");
	ck_assert_str_eq(p.argv[2], "true");
	ck_assert_ptr_null(p.argv[3]);
	/* A later duplicate replaces the earlier value, in its place. */
	ck_assert_str_eq(p.envp[0], "A=3");
	ck_assert_str_eq(p.envp[1], "PATH=/x:/y");
	ck_assert_str_eq(p.envp[2], "B=2");
	ck_assert_str_eq(p.envp[3], "EMPTY=");
	ck_assert_ptr_null(p.envp[4]);
	ck_assert_str_eq(p.path, "/x:/y");
	ck_assert_int_eq(p.preserve_fds, 2);
	ck_assert_uint_eq(p.umask, 022);
	ward_process_plan_free(&p);

	s.process.n_env = 1;
	ck_assert_int_eq(ward_process_plan(&s, 0, &p, &e), 0);
	ck_assert_str_eq(p.path, WARD_DEFAULT_PATH);
	ward_process_plan_free(&p);
}
END_TEST

START_TEST(plan_rejects_bad_process)
{
	char *bad_env[] = { "NOEQUALS" }, *empty_key[] = { "=x" };
	struct ward_spec s = base_spec();
	struct ward_process_plan p;
	struct ward_err e = { 0 };

	s.process.env = bad_env;
	s.process.n_env = 1;
	ck_assert_int_eq(ward_process_plan(&s, 0, &p, &e), -EINVAL);
	ck_assert_ptr_nonnull(strstr(e.msg, "process.env[0]"));

	memset(&e, 0, sizeof(e));
	s.process.env = empty_key;
	ck_assert_int_eq(ward_process_plan(&s, 0, &p, &e), -EINVAL);

	memset(&e, 0, sizeof(e));
	s = base_spec();
	s.process.n_args = 0;
	ck_assert_int_eq(ward_process_plan(&s, 0, &p, &e), -EINVAL);
	ck_assert_ptr_nonnull(strstr(e.msg, "process.args"));

	memset(&e, 0, sizeof(e));
	s = base_spec();
	s.process.cwd = "relative/dir";
	ck_assert_int_eq(ward_process_plan(&s, 0, &p, &e), -EINVAL);
	ck_assert_ptr_nonnull(strstr(e.msg, "absolute"));

	memset(&e, 0, sizeof(e));
	s = base_spec();
	ck_assert_int_eq(ward_process_plan(&s, -1, &p, &e), -EINVAL);

	memset(&e, 0, sizeof(e));
	s.has_process = false;
	ck_assert_int_eq(ward_process_plan(&s, 0, &p, &e), -EINVAL);
}
END_TEST

START_TEST(plan_user_cwd_uts)
{
	uint32_t gids[] = { 10, 20 };
	struct ward_spec s = base_spec();
	struct ward_process_plan p;
	struct ward_err e = { 0 };

	s.process.cwd = "/a//b/./c/../d";
	s.process.user = (struct ward_user){ .uid = 1000, .gid = 1001,
		.has_umask = true, .umask = 077, .additional_gids = gids,
		.n_additional_gids = 2 };
	s.hostname = "box";
	s.process.has_oom_score_adj = true;
	s.process.oom_score_adj = 300;
	ck_assert_int_eq(ward_process_plan(&s, 0, &p, &e), 0);
	ck_assert_str_eq(p.cwd, "/a/b/d");
	ck_assert_uint_eq(p.uid, 1000);
	ck_assert_uint_eq(p.gid, 1001);
	ck_assert_uint_eq(p.n_gids, 2);
	ck_assert_uint_eq(p.gids[1], 20);
	ck_assert_uint_eq(p.umask, 077);
	ck_assert_str_eq(p.hostname, "box");
	ck_assert_ptr_null(p.domainname);
	ck_assert(p.has_oom_score_adj);
	ck_assert_int_eq(p.oom_score_adj, 300);
	ward_process_plan_free(&p);

	s.hostname = "a-hostname-that-is-much-longer-than-the-sixty-four-bytes-the-kernel-allows";
	ck_assert_int_eq(ward_process_plan(&s, 0, &p, &e), -EINVAL);
}
END_TEST

START_TEST(plan_rlimits)
{
	struct ward_rlimit r[2] = {
		{ .resource = RLIMIT_NOFILE, .type = "RLIMIT_NOFILE", .soft = 100,
		  .hard = 200 },
		{ .resource = RLIMIT_CORE, .type = "RLIMIT_CORE", .soft = 0,
		  .hard = 0 },
	};
	struct ward_spec s = base_spec();
	struct ward_process_plan p;
	struct ward_err e = { 0 };
	struct rlimit cur;

	s.process.rlimits = r;
	s.process.n_rlimits = 2;
	ck_assert_int_eq(ward_process_plan(&s, 0, &p, &e), 0);
	ck_assert_uint_eq(p.n_rlimits, 2);
	ck_assert_uint_eq(p.rlimits[0].lim.rlim_cur, 100);
	ck_assert_uint_eq(p.rlimits[0].lim.rlim_max, 200);
	ck_assert_str_eq(p.rlimits[1].name, "RLIMIT_CORE");
	ward_process_plan_free(&p);

	r[0].soft = 300;
	ck_assert_int_eq(ward_process_plan(&s, 0, &p, &e), -EINVAL);
	ck_assert_ptr_nonnull(strstr(e.msg, "exceeds its hard limit"));

	memset(&e, 0, sizeof(e));
	r[0].soft = 100;
	r[1].resource = RLIMIT_NOFILE;
	ck_assert_int_eq(ward_process_plan(&s, 0, &p, &e), -EINVAL);
	ck_assert_ptr_nonnull(strstr(e.msg, "twice"));

	/* Above our own hard limit: a container can never raise it. */
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &cur), 0);
	if (cur.rlim_max != RLIM_INFINITY) {
		memset(&e, 0, sizeof(e));
		s.process.n_rlimits = 1;
		r[0].hard = cur.rlim_max + 1;
		ck_assert_int_eq(ward_process_plan(&s, 0, &p, &e), -EPERM);
		ck_assert_ptr_nonnull(strstr(e.msg, "CAP_SYS_RESOURCE"));
	}
}
END_TEST

START_TEST(plan_sysctl_paths)
{
	struct ward_kv kv[2] = {
		{ "net.ipv4.ip_forward", "1" },
		{ "net/ipv4/conf/eth0.100/forwarding", "0" },
	};
	static const char *const bad[] = { "", "net..x", ".net.x", "net.x.",
					   "net/../kernel/x", "/net/x", "net//x" };
	struct ward_spec s = base_spec();
	struct ward_process_plan p;
	struct ward_err e = { 0 };

	s.linux.sysctl = kv;
	s.linux.n_sysctl = 2;
	ck_assert_int_eq(ward_process_plan(&s, 0, &p, &e), 0);
	ck_assert_uint_eq(p.n_sysctls, 2);
	ck_assert_str_eq(p.sysctls[0].path, "net/ipv4/ip_forward");
	ck_assert_str_eq(p.sysctls[0].value, "1");
	ck_assert_uint_eq(p.sysctls[0].len, 1);
	/* A slash means a path: the VLAN name keeps its dot. */
	ck_assert_str_eq(p.sysctls[1].path, "net/ipv4/conf/eth0.100/forwarding");
	ward_process_plan_free(&p);

	s.linux.n_sysctl = 1;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&e, 0, sizeof(e));
		kv[0].key = (char *)bad[i];
		ck_assert_msg(ward_process_plan(&s, 0, &p, &e) == -EINVAL,
			      "accepted %s", bad[i]);
	}
}
END_TEST

struct tree {
	char root[64];
};

static void
make_tree(struct tree *t)
{
	char path[PATH_MAX];

	snprintf(t->root, sizeof(t->root), "/tmp/ward-test-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(t->root));
	snprintf(path, sizeof(path), "%s/bin1", t->root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/bin2", t->root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/bin1/tool", t->root);
	write_file(path, "not executable\n", 0644);
	snprintf(path, sizeof(path), "%s/bin2/tool", t->root);
	write_file(path, "#!/bin/sh\n", 0755);
	snprintf(path, sizeof(path), "%s/bin1/dir", t->root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/bin2/dir", t->root);
	write_file(path, "#!/bin/sh\n", 0755);
}

static void
rm_tree(const struct tree *t)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->root);
	ck_assert_int_eq(system(cmd), 0);
}

static int
resolve(const char *path_env, const char *name, char *out, size_t len,
	struct ward_err *e)
{
	char *argv[] = { (char *)name, NULL };
	struct ward_process_plan p = { .argv = argv, .path = path_env };

	return ward_process_resolve_exec(&p, out, len, e);
}

START_TEST(resolve_exec_in_path)
{
	char path_env[256], out[PATH_MAX], want[PATH_MAX], abs[PATH_MAX];
	struct ward_err e = { 0 };
	struct tree t;

	make_tree(&t);
	snprintf(path_env, sizeof(path_env), "%s/nope:%s/bin1:%s/bin2", t.root,
		 t.root, t.root);
	/* bin1/tool is not executable and bin1/dir is a directory: skipped. */
	ck_assert_int_eq(resolve(path_env, "tool", out, sizeof(out), &e), 0);
	snprintf(want, sizeof(want), "%s/bin2/tool", t.root);
	ck_assert_str_eq(out, want);
	ck_assert_int_eq(resolve(path_env, "dir", out, sizeof(out), &e), 0);
	snprintf(want, sizeof(want), "%s/bin2/dir", t.root);
	ck_assert_str_eq(out, want);

	ck_assert_int_eq(resolve(path_env, "missing", out, sizeof(out), &e), -ENOENT);
	ck_assert_str_eq(e.msg, "exec: \"missing\": executable file not found in $PATH");

	memset(&e, 0, sizeof(e));
	snprintf(abs, sizeof(abs), "%s/bin1/tool", t.root);
	ck_assert_int_eq(resolve(path_env, abs, out, sizeof(out), &e), -EACCES);
	ck_assert_ptr_nonnull(strstr(e.msg, "permission denied"));

	memset(&e, 0, sizeof(e));
	snprintf(abs, sizeof(abs), "%s/bin1/dir", t.root);
	ck_assert_int_eq(resolve(path_env, abs, out, sizeof(out), &e), -EACCES);
	ck_assert_ptr_nonnull(strstr(e.msg, "is a directory"));

	memset(&e, 0, sizeof(e));
	snprintf(abs, sizeof(abs), "%s/bin1/gone", t.root);
	ck_assert_int_eq(resolve(path_env, abs, out, sizeof(out), &e), -ENOENT);
	ck_assert_ptr_nonnull(strstr(e.msg, "no such file or directory"));

	snprintf(abs, sizeof(abs), "%s/bin2/tool", t.root);
	ck_assert_int_eq(resolve(path_env, abs, out, sizeof(out), &e), 0);
	ck_assert_str_eq(out, abs);
	/* Too small a buffer is an error, never a truncated path. */
	memset(&e, 0, sizeof(e));
	ck_assert_int_lt(resolve(path_env, abs, out, 8, &e), 0);
	rm_tree(&t);
}
END_TEST

START_TEST(resolve_exec_refuses_magic_links)
{
	struct ward_err e = { 0 };
	char name[64], out[PATH_MAX];
	int fd = open("/bin/sh", O_PATH | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	snprintf(name, sizeof(name), "/proc/self/fd/%d", fd);
	ck_assert_int_eq(resolve("/bin", name, out, sizeof(out), &e), -ELOOP);
	ck_assert_ptr_nonnull(strstr(e.msg, "magic link"));
	close(fd);
}
END_TEST

static int
child_rlimits(const void *arg, int out)
{
	const struct ward_process_plan *p = arg;
	struct ward_err e = { 0 };
	struct rlimit nofile, as;
	char buf[96];
	int n;

	if (ward_process_apply_rlimits(p, &e) < 0)
		return test_say(out, 1, "%s", e.msg);
	/*
	 * Nothing may allocate from here: under ASan, whose shadow alone is
	 * far beyond 1 GiB, any new mapping now fails, which is the point.
	 */
	getrlimit(RLIMIT_NOFILE, &nofile);
	getrlimit(RLIMIT_AS, &as);
	n = snprintf(buf, sizeof(buf), "%llu/%llu %llu",
		     (unsigned long long)nofile.rlim_cur,
		     (unsigned long long)nofile.rlim_max,
		     (unsigned long long)as.rlim_cur);
	return write(out, buf, (size_t)n) == n ? 0 : 5;
}

START_TEST(apply_rlimits)
{
	struct ward_process_rlimit r[2] = {
		{ RLIMIT_NOFILE, { 100, 200 }, "RLIMIT_NOFILE" },
		{ RLIMIT_AS, { 1ull << 30, 1ull << 30 }, "RLIMIT_AS" },
	};
	struct ward_process_plan p = { .rlimits = r, .n_rlimits = 2 };
	char msg[128];

	ck_assert_msg(test_in_child(child_rlimits, &p, msg, sizeof(msg)) == 0, "%s", msg);
	ck_assert_str_eq(msg, "100/200 1073741824");
}
END_TEST

static int
child_close_fds(const void *arg, int out)
{
	const struct ward_process_plan *p = arg;
	struct ward_err e = { 0 };
	int keep[2] = { 70, -1 };
	char *ls[] = { "/bin/ls", "/proc/self/fd", NULL };

	/* 3 is preserved (CLOEXEC set on purpose); 50, 60, 70 are the host's. */
	if (dup3(out, 3, O_CLOEXEC) < 0 || dup2(out, 50) < 0 || dup2(out, 60) < 0 ||
	    dup3(out, 70, O_CLOEXEC) < 0)
		return 2;
	if (ward_process_close_fds(p, keep, 2, &e) < 0)
		return test_say(out, 1, "%s", e.msg);
	if (fcntl(3, F_GETFD) != 0 || fcntl(50, F_GETFD) != FD_CLOEXEC ||
	    fcntl(70, F_GETFD) != FD_CLOEXEC)
		return 3;
	dup2(out, 1);
	execv(ls[0], ls);
	return 4;
}

START_TEST(close_fds_leaves_stdio_and_preserved)
{
	struct ward_process_plan p = { .preserve_fds = 1 };
	char msg[256], *save = NULL;
	bool saw3 = false;

	ck_assert_int_eq(test_in_child(child_close_fds, &p, msg, sizeof(msg)), 0);
	for (char *t = strtok_r(msg, "\n", &save); t != NULL;
	     t = strtok_r(NULL, "\n", &save)) {
		int fd = atoi(t);

		saw3 |= fd == 3;
		/* 0-3, plus the one ls itself opens for the listing. */
		ck_assert_msg(fd <= 4, "fd %d leaked past execve", fd);
	}
	ck_assert(saw3);
}
END_TEST

START_TEST(close_fds_checks_its_inputs)
{
	struct ward_process_plan p = { .preserve_fds = 2 };
	struct ward_err e = { 0 };
	int keep = 4;

	/* The runtime's own fd inside the preserved range would leak. */
	ck_assert_int_eq(ward_process_close_fds(&p, &keep, 1, &e), -EINVAL);
	ck_assert_ptr_nonnull(strstr(e.msg, "runtime fd 4"));
}
END_TEST

static int
child_preserved_missing(const void *arg, int out)
{
	const struct ward_process_plan *p = arg;
	struct ward_err e = { 0 };

	close(500);
	if (ward_process_close_fds(p, NULL, 0, &e) != -EBADF)
		return 1;
	dprintf(out, "%s", e.msg);
	return 0;
}

START_TEST(close_fds_preserved_must_be_open)
{
	struct ward_process_plan p = { .preserve_fds = 498 };
	char msg[256];

	ck_assert_int_eq(test_in_child(child_preserved_missing, &p, msg, sizeof(msg)), 0);
	ck_assert_ptr_nonnull(strstr(msg, "--preserve-fds"));
}
END_TEST

static int
child_user(const void *arg, int out)
{
	const struct ward_process_plan *p = arg;
	struct ward_err e = { 0 };
	uid_t r, ef, s;
	gid_t gr, ge, gs, groups[8];
	int n;

	if (ward_process_apply_user(p, &e) < 0)
		return test_say(out, 1, "%s", e.msg);
	getresuid(&r, &ef, &s);
	getresgid(&gr, &ge, &gs);
	n = getgroups(8, groups);
	dprintf(out, "%u %u %u %u %u %u %d %u %u %o %d", r, ef, s, gr, ge, gs, n,
		n > 0 ? groups[0] : 0, n > 1 ? groups[1] : 0, umask(0),
		prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0));
	return 0;
}

START_TEST(apply_user_ids_groups_umask)
{
	gid_t gids[] = { 1001, 1002 };
	struct ward_process_plan p = { .uid = 1000, .gid = 1000, .gids = gids,
				       .n_gids = 2, .umask = 027 };
	char msg[128];

	ck_assert_int_eq(test_in_child(child_user, &p, msg, sizeof(msg)), 0);
	ck_assert_str_eq(msg, "1000 1000 1000 1000 1000 1000 2 1001 1002 27 1");
	/* No additional gids: the runtime's own groups are shed too. */
	p.n_gids = 0;
	ck_assert_int_eq(test_in_child(child_user, &p, msg, sizeof(msg)), 0);
	ck_assert_str_eq(msg, "1000 1000 1000 1000 1000 1000 0 0 0 27 1");
}
END_TEST

static int
child_uts_sysctl(const void *arg, int out)
{
	const struct ward_process_plan *p = arg;
	struct ward_err e = { 0 };
	char host[65] = "", dom[65] = "", fwd[8] = "";
	int fd;

	if (unshare(CLONE_NEWUTS | CLONE_NEWNET) < 0)
		return 2;
	if (ward_process_apply_uts(p, &e) < 0 || ward_process_apply_sysctl(p, &e) < 0)
		return test_say(out, 1, "%s", e.msg);
	if (gethostname(host, sizeof(host) - 1) < 0 ||
	    getdomainname(dom, sizeof(dom) - 1) < 0)
		return 4;
	fd = open("/proc/sys/net/ipv4/ip_forward", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, fwd, sizeof(fwd) - 1) < 1)
		return 3;
	dprintf(out, "%s %s %c", host, dom, fwd[0]);
	return 0;
}

START_TEST(apply_uts_and_sysctl_in_new_namespaces)
{
	struct ward_process_sysctl sc[1] = {
		{ "net.ipv4.ip_forward", "net/ipv4/ip_forward", "1", 1 },
	};
	struct ward_process_plan p = { .hostname = "ward-box",
				       .domainname = "example", .sysctls = sc,
				       .n_sysctls = 1 };
	char msg[256], before[8] = "", after[8] = "";
	int fd;

	fd = open("/proc/sys/net/ipv4/ip_forward", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(read(fd, before, sizeof(before) - 1), 1);
	close(fd);
	ck_assert_int_eq(test_in_child(child_uts_sysctl, &p, msg, sizeof(msg)), 0);
	ck_assert_str_eq(msg, "ward-box example 1");

	/* A key naming nothing is an error, not a skip. */
	sc[0].key = "net.ipv4.no_such_knob";
	sc[0].path = "net/ipv4/no_such_knob";
	ck_assert_int_eq(test_in_child(child_uts_sysctl, &p, msg, sizeof(msg)), 1);
	ck_assert_ptr_nonnull(strstr(msg, "net.ipv4.no_such_knob"));
	/* The host's own value was never touched by the namespaced write. */
	fd = open("/proc/sys/net/ipv4/ip_forward", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(read(fd, after, sizeof(after) - 1), 1);
	close(fd);
	ck_assert_str_eq(before, after);
}
END_TEST

static int
child_cwd(const void *arg, int out)
{
	const char *root = arg;
	char *argv[] = { "x", NULL };
	struct ward_process_plan p = { .argv = argv, .cwd = "/link/made/here" };
	struct ward_err e = { 0 };
	char buf[PATH_MAX];

	if (chroot(root) < 0 || chdir("/") < 0)
		return 2;
	if (ward_process_apply_cwd(&p, &e) < 0)
		return test_say(out, 1, "%s", e.msg);
	if (getcwd(buf, sizeof(buf)) == NULL)
		return 3;
	dprintf(out, "%s", buf);
	return 0;
}

START_TEST(apply_cwd_creates_inside_root)
{
	char root[64], path[PATH_MAX], msg[PATH_MAX];
	struct stat st;

	snprintf(root, sizeof(root), "/tmp/ward-cwd-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/real", root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	/* An absolute symlink in the image resolves inside its root. */
	snprintf(path, sizeof(path), "%s/link", root);
	ck_assert_int_eq(symlink("/real", path), 0);
	ck_assert_int_eq(test_in_child(child_cwd, root, msg, sizeof(msg)), 0);
	ck_assert_str_eq(msg, "/real/made/here");
	snprintf(path, sizeof(path), "%s/real/made/here", root);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	snprintf(path, sizeof(path), "rm -rf '%s'", root);
	ck_assert_int_eq(system(path), 0);
}
END_TEST

static int
child_cwd_magic(const void *arg, int out)
{
	const struct ward_process_plan *p = arg;
	struct ward_err e = { 0 };
	int ret = ward_process_apply_cwd(p, &e);

	dprintf(out, "%d %s", ret, e.msg);
	return 0;
}

START_TEST(apply_cwd_refuses_leaked_fd)
{
	char cwd[64], msg[256];
	char *argv[] = { "x", NULL };
	struct ward_process_plan p = { .argv = argv, .cwd = cwd };
	int fd = open("/tmp", O_PATH | O_DIRECTORY | O_CLOEXEC);

	/* CVE-2024-21626: a cwd through an fd the runtime still holds. */
	ck_assert_int_ge(fd, 0);
	snprintf(cwd, sizeof(cwd), "/proc/self/fd/%d", fd);
	ck_assert_int_eq(test_in_child(child_cwd_magic, &p, msg, sizeof(msg)), 0);
	ck_assert_int_eq(atoi(msg), -ELOOP);
	close(fd);
}
END_TEST

START_TEST(plan_home_from_passwd)
{
	char root[64], path[PATH_MAX];
	char *env[] = { "A=1" }, *env_home[] = { "HOME=/mine" };
	struct ward_spec s = base_spec();
	struct ward_process_plan p;
	struct ward_err e = { 0 };
	int rootfd;

	snprintf(root, sizeof(root), "/tmp/ward-home-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(rootfd, 0);
	s.process.env = env;
	s.process.n_env = 1;
	s.process.user.uid = 1000;
	ck_assert_int_eq(ward_process_plan(&s, 0, &p, &e), 0);
	ck_assert_int_eq(ward_process_plan_home(&p, rootfd, &e), 0);
	ck_assert_str_eq(p.envp[1], "HOME=/");	/* no /etc/passwd */
	ward_process_plan_free(&p);

	snprintf(path, sizeof(path), "%s/etc", root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/etc/real", root);
	write_file(path, "root:x:0:0:root:/root:/bin/sh\nu:x:1000:1000::/home/u:/bin/sh\n",
		   0644);
	/* An absolute link is resolved inside the rootfs, not on the host. */
	snprintf(path, sizeof(path), "%s/etc/passwd", root);
	ck_assert_int_eq(symlink("/etc/real", path), 0);
	ck_assert_int_eq(ward_process_plan(&s, 0, &p, &e), 0);
	ck_assert_int_eq(ward_process_plan_home(&p, rootfd, &e), 0);
	ck_assert_str_eq(p.envp[0], "A=1");
	ck_assert_str_eq(p.envp[1], "HOME=/home/u");
	ck_assert_ptr_null(p.envp[2]);
	ward_process_plan_free(&p);

	s.process.env = env_home;
	ck_assert_int_eq(ward_process_plan(&s, 0, &p, &e), 0);
	ck_assert_int_eq(ward_process_plan_home(&p, rootfd, &e), 0);
	ck_assert_str_eq(p.envp[0], "HOME=/mine");
	ck_assert_ptr_null(p.envp[1]);
	ward_process_plan_free(&p);
	close(rootfd);
	snprintf(path, sizeof(path), "rm -rf '%s'", root);
	ck_assert_int_eq(system(path), 0);
}
END_TEST

static int
read_oom(pid_t pid)
{
	char path[64], buf[16] = "";
	int fd, n;

	snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	n = (int)read(fd, buf, sizeof(buf) - 1);
	ck_assert_int_gt(n, 0);
	close(fd);
	return atoi(buf);
}

START_TEST(oom_score_adj_parent_side)
{
	struct ward_err e = { 0 };
	int self = read_oom(getpid()), ret;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		pause();
		_exit(0);
	}
	ck_assert_int_eq(ward_process_set_oom_score_adj(pid, self, &e), 0);
	ck_assert_int_eq(ward_process_set_oom_score_adj(pid, 500, &e), 0);
	ck_assert_int_eq(read_oom(pid), 500);
	ret = ward_process_set_oom_score_adj(pid, -1000, &e);
	if (prctl(PR_CAPBSET_READ, 24 /* CAP_SYS_RESOURCE */, 0, 0, 0) == 0) {
		/* This host cannot lower it: a clear error, never a silent skip. */
		ck_assert_int_eq(ret, -EACCES);
		ck_assert_ptr_nonnull(strstr(e.msg, "CAP_SYS_RESOURCE"));
	}
	memset(&e, 0, sizeof(e));
	ck_assert_int_eq(ward_process_set_oom_score_adj(pid, 1001, &e), -EINVAL);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}
END_TEST

Suite *
suite_process(void)
{
	Suite *s = suite_create("process");
	TCase *plan = tcase_create("plan");
	TCase *child = tcase_create("child");

	tcase_add_test(plan, plan_builds_argv_and_env);
	tcase_add_test(plan, plan_rejects_bad_process);
	tcase_add_test(plan, plan_user_cwd_uts);
	tcase_add_test(plan, plan_rlimits);
	tcase_add_test(plan, plan_sysctl_paths);
	tcase_add_test(plan, plan_home_from_passwd);
	tcase_add_test(plan, oom_score_adj_parent_side);
	tcase_add_test(child, resolve_exec_in_path);
	tcase_add_test(child, resolve_exec_refuses_magic_links);
	tcase_add_test(child, apply_rlimits);
	tcase_add_test(child, close_fds_leaves_stdio_and_preserved);
	tcase_add_test(child, close_fds_checks_its_inputs);
	tcase_add_test(child, close_fds_preserved_must_be_open);
	tcase_add_test(child, apply_user_ids_groups_umask);
	tcase_add_test(child, apply_uts_and_sysctl_in_new_namespaces);
	tcase_add_test(child, apply_cwd_creates_inside_root);
	tcase_add_test(child, apply_cwd_refuses_leaked_fd);
	suite_add_tcase(s, plan);
	suite_add_tcase(s, child);
	return s;
}
