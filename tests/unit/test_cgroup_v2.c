/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
/*
 * A pure v2 layout on any host: each test mounts cgroup2 privately (its
 * own mount namespace, on a private tmpfs /tmp, gone with the test) and
 * points WARD_CGROUP_ROOT at it. There is one cgroup2 hierarchy per
 * machine, so the cgroups are the host's own, and only the controllers not
 * bound to v1 are usable (on this project's hybrid hosts: hugetlb; memory
 * and pids stay on v1); the core features are all there: CLONE_INTO_CGROUP,
 * cgroup.freeze, cgroup.kill, cpu.stat and the device BPF program.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sys.h"
#include "test_cgroup.h"

#define TMP "/tmp"

/* A private cgroup2 mount at /tmp/cg, and device nodes beside it. */
static void
private_v2(void)
{
	tcg_private_tmp();
	ck_assert_int_eq(mkdir(TMP "/cg", 0700), 0);
	ck_assert_int_eq(mount("none", TMP "/cg", "cgroup2", 0, NULL), 0);
	ck_assert_int_eq(mknod(TMP "/sda", S_IFBLK | 0600, makedev(8, 0)), 0);
	ck_assert_int_eq(mknod(TMP "/port", S_IFCHR | 0600, makedev(1, 4)), 0);
	ck_assert_int_eq(mknod(TMP "/kmsg", S_IFCHR | 0600, makedev(1, 11)), 0);
	setenv("WARD_CGROUP_ROOT", TMP "/cg", 1);
}

static pid_t
clone_into(int cgroup_fd)
{
	struct ward_clone_args a;

	memset(&a, 0, sizeof(a));
	a.flags = CLONE_INTO_CGROUP;
	a.exit_signal = SIGCHLD;
	a.cgroup = (uint64_t)cgroup_fd;
	return (pid_t)syscall(SYS_clone3, &a, sizeof(a));
}

static bool
eperm(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);

	if (fd >= 0)
		close(fd);
	return fd < 0 && errno == EPERM;
}

/* In the child: born in the cgroup, the device program in force. */
static int
probe(const char *path)
{
	char *self = NULL, want[PATH_MAX];
	struct ward_err e = { 0 };
	size_t len;
	int fd;

	if (ward_read_file("/proc/self/cgroup", 4096, &self, &len, &e) < 0)
		return 1;
	snprintf(want, sizeof(want), "0::%s\n", path);
	if (strstr(self, want) == NULL)
		return 2;
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return 3;
	close(fd);
	if (!eperm(TMP "/sda", O_RDONLY))
		return 4;
	if (mknod(TMP "/new", S_IFBLK | 0600, makedev(8, 0)) == 0 ||
	    errno != EPERM)
		return 5;
	/* allow c 1:* r: read is allowed (whatever the driver says) ... */
	if (eperm(TMP "/port", O_RDONLY))
		return 6;
	/* ... write is not in the rule ... */
	if (!eperm(TMP "/port", O_WRONLY))
		return 7;
	/* ... and the later deny carves 1:11 out of the wildcard. */
	if (!eperm(TMP "/kmsg", O_RDONLY))
		return 8;
	return 0;
}

START_TEST(clone_into_cgroup_and_device_program)
{
	struct ward_cgroup_plan p;
	struct ward_spec *s;
	int v2_fd;
	pid_t pid;

	private_v2();
	tcg_create("bpf", "{'devices':[{'allow':true,'type':'c','major':1,"
		   "'access':'r'},{'allow':false,'type':'c','major':1,"
		   "'minor':11}]}", &s, &p, &v2_fd);
	ck_assert_int_eq(p.cg.mode, WARD_CGROUP_V2);
	ck_assert(!ward_cgroup_has_v1(&p.cg));
	ck_assert_uint_eq(p.cg.n, 1);
	ck_assert_int_ge(v2_fd, 0);
	/* Outside the cgroup nothing is filtered. */
	ck_assert(!eperm(TMP "/kmsg", O_RDONLY));
	pid = clone_into(v2_fd);
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(probe(p.cg.h[0].path));
	ck_assert_int_eq(tcg_wait(pid), 0);
	tcg_destroy(&p, s, v2_fd);
}
END_TEST

START_TEST(freeze_stats_and_kill_on_v2)
{
	volatile uint64_t *ctr = tcg_counter();
	struct ward_cgroup_stats st;
	struct ward_cgroup_plan p;
	struct ward_err e = { 0 };
	struct ward_spec *s;
	pid_t pid, *pids = NULL;
	size_t n = 0;
	int v2_fd;

	private_v2();
	tcg_create("freeze", NULL, &s, &p, &v2_fd);
	pid = tcg_spawn(&p.cg, tcg_count_forever, (void *)ctr);
	ck_assert_int_eq(ward_cgroup_pids(&p.cg, &pids, &n, &e), 0);
	ck_assert(n == 1 && pids[0] == pid);
	free(pids);
	ck_assert(tcg_advances(ctr, 100));
	ck_assert_msg(ward_cgroup_freeze(&p.cg, true, &e) == 0, "%s", e.msg);
	ck_assert(ward_cgroup_is_frozen(&p.cg));
	ck_assert(!tcg_advances(ctr, 100));
	ck_assert_msg(ward_cgroup_freeze(&p.cg, false, &e) == 0, "%s", e.msg);
	ck_assert(!ward_cgroup_is_frozen(&p.cg));
	ck_assert(tcg_advances(ctr, 50));
	/* cpu.stat is core on v2: usage is there without any controller. */
	ck_assert_msg(ward_cgroup_stats(&p.cg, &st, &e) == 0, "%s", e.msg);
	ck_assert_uint_gt(st.cpu.total, 0);
	ck_assert_uint_ge(st.cpu.total, st.cpu.user);
	ward_cgroup_stats_free(&st);
	/* cgroup.kill, then rmdir once it is empty. */
	tcg_destroy(&p, s, v2_fd);
	ck_assert_int_eq(tcg_wait(pid), 128 + SIGKILL);
}
END_TEST

static bool
root_enables(const char *root, const char *ctrl)
{
	char buf[512];
	struct ward_err e = { 0 };
	struct cg_dir d = { open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC),
			    true, "", "" };
	bool on = cg_read(&d, "cgroup.subtree_control", buf, sizeof(buf),
			  &e) == 0 && strstr(buf, ctrl) != NULL;

	cg_dir_close(&d);
	return on;
}

START_TEST(v2_controllers_enabled_and_unified_written)
{
	struct ward_cgroup_plan p;
	struct ward_err e = { 0 };
	struct ward_cgroup cg;
	struct ward_spec *s;
	struct cg_dir d;
	char buf[64];
	int v2_fd;

	private_v2();
	ck_assert_int_eq(cg_detect(&cg, TMP "/cg", &e), 0);
	if (!(cg.v2_avail & CG_BIT(WARD_CG_HUGETLB)) ||
	    access("/sys/kernel/mm/hugepages/hugepages-2048kB", F_OK) != 0)
		return;
	tcg_create("hugetlb", "{'hugepageLimits':[{'pageSize':'2MB',"
		   "'limit':4194304}],'unified':{'cgroup.max.descendants':"
		   "'3'}}", &s, &p, &v2_fd);
	ck_assert(root_enables(TMP "/cg", "hugetlb"));
	ck_assert_int_eq(cg_dir_open(&p.cg, 0, &d, &e), 0);
	ck_assert_int_eq(cg_read(&d, "hugetlb.2MB.max", buf, sizeof(buf), &e),
			 0);
	ck_assert_str_eq(buf, "4194304");
	ck_assert_int_eq(cg_read(&d, "cgroup.max.descendants", buf,
				 sizeof(buf), &e), 0);
	ck_assert_str_eq(buf, "3");
	cg_dir_close(&d);
	tcg_destroy(&p, s, v2_fd);
}
END_TEST

/*
 * Enabling hugetlb writes the real root's subtree_control: the runner
 * (where unchecked fixtures run, so also after a failed test) turns it off
 * again when it was off before.
 */
static bool hugetlb_was_on;

static const char *
real_v2_root(struct ward_cgroup *cg)
{
	struct ward_err e = { 0 };

	if (cg_detect(cg, NULL, &e) < 0 || cg->unified < 0)
		return NULL;
	return cg->h[cg->unified].mnt;
}

static void
v2_setup(void)
{
	struct ward_cgroup cg;
	const char *root = real_v2_root(&cg);

	tcg_setup();
	hugetlb_was_on = root != NULL && root_enables(root, "hugetlb");
}

static void
v2_teardown(void)
{
	struct ward_cgroup cg;
	const char *root = real_v2_root(&cg);
	struct ward_err e = { 0 };
	struct cg_dir d;

	tcg_teardown();
	if (root == NULL || hugetlb_was_on || !root_enables(root, "hugetlb"))
		return;
	d = (struct cg_dir){ open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC),
			     true, root, "" };
	cg_write(&d, "cgroup.subtree_control", "-hugetlb", &e);
	cg_dir_close(&d);
}

void
tcg_add_v2_tests(Suite *s)
{
	TCase *tc = tcase_create("v2");

	tcase_add_unchecked_fixture(tc, v2_setup, v2_teardown);
	tcase_set_timeout(tc, 30);
	if (geteuid() == 0) {
		tcase_add_test(tc, clone_into_cgroup_and_device_program);
		tcase_add_test(tc, freeze_stats_and_kill_on_v2);
		tcase_add_test(tc, v2_controllers_enabled_and_unified_written);
	}
	suite_add_tcase(s, tc);
}
