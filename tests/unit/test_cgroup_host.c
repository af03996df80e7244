/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
/*
 * Real cgroups on this host's own layout (v1 or hybrid here; the limits
 * are checked through the v1 files when memory/pids/cpu live on v1).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_cgroup.h"

#define MB (1024 * 1024)

static bool
host_has_v1(enum ward_cgroup_ctrl c)
{
	struct ward_cgroup cg;
	struct ward_err e = { 0 };

	return cg_detect(&cg, NULL, &e) == 0 && cg.where[c] >= 0 &&
	       !cg.h[cg.where[c]].v2;
}

/* The content of ctrl's file in the container's cgroup. */
static void
read_ctrl(const struct ward_cgroup *cg, enum ward_cgroup_ctrl c,
	  const char *file, char *buf, size_t len)
{
	struct ward_err e = { 0 };
	struct cg_dir d;

	ck_assert_msg(cg_dir_ctrl(cg, c, &d, &e) == 0, "%s", e.msg);
	ck_assert_msg(cg_read(&d, file, buf, len, &e) == 0, "%s", e.msg);
	cg_dir_close(&d);
}

static void
expect_file(const struct ward_cgroup *cg, enum ward_cgroup_ctrl c,
	    const char *file, const char *want)
{
	char buf[4096];

	read_ctrl(cg, c, file, buf, sizeof(buf));
	ck_assert_msg(strcmp(buf, want) == 0, "%s: \"%s\", want \"%s\"", file,
		      buf, want);
}

START_TEST(v1_limits_written_and_everything_removed)
{
	struct ward_cgroup_plan p;
	struct ward_spec *s;
	char buf[4096];
	int v2_fd;

	if (!host_has_v1(WARD_CG_MEMORY))
		return;
	tcg_create("limits", "{'memory':{'limit':67108864,'swap':134217728,"
		   "'reservation':33554432,'swappiness':10},"
		   "'pids':{'limit':5},'cpu':{'shares':512,'quota':50000,"
		   "'period':100000,'cpus':'0','mems':'0'},"
		   "'blockIO':{'weight':200}}", &s, &p, &v2_fd);
	/* Both levels (/ward-unit-N and the leaf) were made here. */
	for (size_t i = 0; i < p.cg.n; i++)
		ck_assert_uint_eq(p.cg.h[i].created, 2);
	expect_file(&p.cg, WARD_CG_MEMORY, "memory.limit_in_bytes", "67108864");
	expect_file(&p.cg, WARD_CG_MEMORY, "memory.memsw.limit_in_bytes",
		    "134217728");
	expect_file(&p.cg, WARD_CG_MEMORY, "memory.soft_limit_in_bytes",
		    "33554432");
	expect_file(&p.cg, WARD_CG_MEMORY, "memory.swappiness", "10");
	expect_file(&p.cg, WARD_CG_PIDS, "pids.max", "5");
	expect_file(&p.cg, WARD_CG_CPU, "cpu.shares", "512");
	expect_file(&p.cg, WARD_CG_CPU, "cpu.cfs_quota_us", "50000");
	expect_file(&p.cg, WARD_CG_CPU, "cpu.cfs_period_us", "100000");
	expect_file(&p.cg, WARD_CG_CPUSET, "cpuset.cpus", "0");
	read_ctrl(&p.cg, WARD_CG_BLKIO, "blkio.bfq.weight", buf, sizeof(buf));
	/* CFQ's blkio.weight where it exists, else BFQ's ("default 200"?). */
	ck_assert_msg(strstr(buf, "200") != NULL, "bfq weight %s", buf);
	/* Deny-all first, then exactly the default nodes. */
	read_ctrl(&p.cg, WARD_CG_DEVICES, "devices.list", buf, sizeof(buf));
	ck_assert_ptr_null(strstr(buf, "a *:* rwm"));
	ck_assert_ptr_nonnull(strstr(buf, "c 1:3 rwm"));
	ck_assert_ptr_nonnull(strstr(buf, "c 136:* rwm"));
	ck_assert_ptr_null(strstr(buf, "b "));
	if (p.cg.unified >= 0)
		ck_assert_int_ge(v2_fd, 0);
	tcg_destroy(&p, s, v2_fd);
	/* The parent level ward made is gone too. */
	for (size_t i = 0; i < p.cg.n; i++) {
		char dir[PATH_MAX + WARD_CGROUP_MNT_MAX], *slash;
		struct stat st;

		snprintf(dir, sizeof(dir), "%s%s", p.cg.h[i].mnt,
			 p.cg.h[i].path);
		slash = strrchr(dir, '/');
		*slash = '\0';
		ck_assert_msg(stat(dir, &st) < 0, "%s left behind", dir);
	}
}
END_TEST

START_TEST(attach_ps_freeze_thaw)
{
	volatile uint64_t *ctr = tcg_counter();
	struct ward_cgroup_plan p;
	struct ward_err e = { 0 };
	struct ward_spec *s;
	pid_t pid, *pids = NULL;
	size_t n = 0;
	bool found = false;
	char *self = NULL, want[PATH_MAX + 16];
	int v2_fd;

	tcg_create("freeze", "{'pids':{'limit':10}}", &s, &p, &v2_fd);
	pid = tcg_spawn(&p.cg, tcg_count_forever, (void *)ctr);
	ck_assert_msg(ward_cgroup_pids(&p.cg, &pids, &n, &e) == 0, "%s", e.msg);
	for (size_t i = 0; i < n; i++)
		found = found || pids[i] == pid;
	ck_assert_msg(found && n == 1, "pid %d not listed alone (%zu)", pid, n);
	free(pids);
	/* Joined in every hierarchy, the cgroup2 one included. */
	snprintf(want, sizeof(want), "/proc/%d/cgroup", (int)pid);
	ck_assert_int_eq(ward_read_file(want, 1 << 16, &self, &n, &e), 0);
	for (size_t i = 0; i < p.cg.n; i++) {
		snprintf(want, sizeof(want), ":%s\n", p.cg.h[i].path);
		ck_assert_msg(strstr(self, want) != NULL, "%s not in %s", want,
			      self);
	}
	free(self);
	ck_assert(tcg_advances(ctr, 50));
	ck_assert_msg(ward_cgroup_freeze(&p.cg, true, &e) == 0, "%s", e.msg);
	ck_assert(ward_cgroup_is_frozen(&p.cg));
	ck_assert(!tcg_advances(ctr, 100));
	ck_assert_msg(ward_cgroup_freeze(&p.cg, false, &e) == 0, "%s", e.msg);
	ck_assert(!ward_cgroup_is_frozen(&p.cg));
	ck_assert(tcg_advances(ctr, 50));
	/* destroy with kill takes a frozen-then-thawed child down too. */
	ck_assert_msg(ward_cgroup_freeze(&p.cg, true, &e) == 0, "%s", e.msg);
	tcg_destroy(&p, s, v2_fd);
	ck_assert_int_eq(tcg_wait(pid), 128 + SIGKILL);
}
END_TEST

static int
burn_then_sleep(void *arg)
{
	volatile uint64_t x = 0;
	char *mem = malloc(4 * MB);

	(void)arg;
	for (uint64_t i = 0; i < 50000000; i++)
		x += i;
	if (mem != NULL)
		memset(mem, 1, 4 * MB);
	pause();
	return 0;
}

START_TEST(update_live_and_stats)
{
	struct ward_cgroup_stats st;
	struct ward_cgroup_plan p;
	struct ward_err e = { 0 };
	struct ward_spec *s, *upd;
	bool has_cache = false;
	int v2_fd;
	pid_t pid;

	if (!host_has_v1(WARD_CG_MEMORY))
		return;
	tcg_create("update", "{'memory':{'limit':67108864},'pids':{'limit':7}}",
		   &s, &p, &v2_fd);
	pid = tcg_spawn(&p.cg, burn_then_sleep, NULL);
	/* containerd resends the container's device rules: no change. */
	upd = tcg_spec("/x", "{'memory':{'limit':33554432},'pids':{'limit':9},"
		       "'cpu':{'shares':256},'devices':[{'allow':false,"
		       "'access':'rwm'}]}", NULL);
	ck_assert_msg(ward_cgroup_update(&p.cg, &upd->linux.resources,
					 &upd->linux.resources, &e) == 0,
		      "%s", e.msg);
	expect_file(&p.cg, WARD_CG_MEMORY, "memory.limit_in_bytes", "33554432");
	expect_file(&p.cg, WARD_CG_PIDS, "pids.max", "9");
	expect_file(&p.cg, WARD_CG_CPU, "cpu.shares", "256");
	ward_spec_free(upd);
	/* checkBeforeUpdate refuses a limit below the current usage. */
	upd = tcg_spec("/x", "{'memory':{'limit':4096,'checkBeforeUpdate':true}}",
		       NULL);
	usleep(300000);
	ck_assert_int_eq(ward_cgroup_update(&p.cg, &upd->linux.resources, NULL,
					    &e), -EBUSY);
	ward_spec_free(upd);
	ck_assert_msg(ward_cgroup_stats(&p.cg, &st, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(st.memory.usage.limit, 33554432);
	ck_assert_uint_gt(st.memory.usage.usage, 0);
	ck_assert_uint_ge(st.memory.usage.max, st.memory.usage.usage);
	ck_assert_uint_ge(st.pids.current, 1);
	ck_assert_uint_eq(st.pids.limit, 9);
	ck_assert_uint_gt(st.cpu.total, 0);
	ck_assert_uint_gt(st.cpu.n_percpu, 0);
	ck_assert_uint_ge(st.cpu.total, st.cpu.percpu[0]);
	for (size_t i = 0; i < st.memory.n_raw; i++)
		has_cache = has_cache || !strcmp(st.memory.raw[i].key, "cache");
	ck_assert(has_cache);
	ward_cgroup_stats_free(&st);
	tcg_destroy(&p, s, v2_fd);
	ck_assert_int_eq(tcg_wait(pid), 128 + SIGKILL);
}
END_TEST

/* Fork until refused: 0 when fork failed with EAGAIN before 20 tries. */
static int
fork_bomb(void *arg)
{
	pid_t kids[20];
	int n = 0, result = 1;

	(void)arg;
	for (; n < 20; n++) {
		kids[n] = fork();
		if (kids[n] == 0) {
			pause();
			_exit(0);
		}
		if (kids[n] < 0) {
			result = errno == EAGAIN ? 0 : 2;
			break;
		}
	}
	for (int i = 0; i < n; i++) {
		kill(kids[i], SIGKILL);
		waitpid(kids[i], NULL, 0);
	}
	/* 5 tasks: this one and 4 children. */
	return result == 0 && n == 4 ? 0 : 10 + n;
}

START_TEST(pids_limit_stops_a_fork_loop)
{
	struct ward_cgroup_plan p;
	struct ward_spec *s;
	int v2_fd;

	tcg_create("pids", "{'pids':{'limit':5}}", &s, &p, &v2_fd);
	ck_assert_int_eq(tcg_wait(tcg_spawn(&p.cg, fork_bomb, NULL)), 0);
	tcg_destroy(&p, s, v2_fd);
}
END_TEST

static int
hog(void *arg)
{
	size_t len = 256 * MB;
	char *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	(void)arg;
	if (m == MAP_FAILED)
		return 3;
	for (size_t i = 0; i < len; i += 4096)
		m[i] = 1;
	return 0;
}

START_TEST(memory_hog_is_oom_killed_with_an_event)
{
	struct pollfd pfd = { -1, POLLIN, 0 };
	struct ward_cgroup_plan p;
	struct ward_err e = { 0 };
	struct ward_spec *s;
	uint64_t before = 99, after = 0;
	int v2_fd;

	if (!host_has_v1(WARD_CG_MEMORY))
		return;
	tcg_create("oom", "{'memory':{'limit':33554432,'swap':33554432}}", &s,
		   &p, &v2_fd);
	ck_assert_msg(ward_cgroup_oom_fd(&p.cg, &pfd.fd, &e) == 0, "%s", e.msg);
	ck_assert_msg(ward_cgroup_oom_count(&p.cg, &before, &e) == 0, "%s",
		      e.msg);
	ck_assert_uint_eq(before, 0);
	ck_assert_int_eq(poll(&pfd, 1, 0), 0);
	ck_assert_int_eq(tcg_wait(tcg_spawn(&p.cg, hog, NULL)), 128 + SIGKILL);
	ck_assert_int_eq(poll(&pfd, 1, 2000), 1);
	ward_cgroup_oom_ack(pfd.fd);
	ck_assert_msg(ward_cgroup_oom_count(&p.cg, &after, &e) == 0, "%s",
		      e.msg);
	ck_assert_uint_ge(after, 1);
	close(pfd.fd);
	tcg_destroy(&p, s, v2_fd);
}
END_TEST

struct dev_probe {
	const char *blk;	/* a b 8:0 node outside /dev */
};

static int
probe_devices(void *arg)
{
	const struct dev_probe *d = arg;
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	char node[PATH_MAX];

	if (fd < 0)
		return 1;
	close(fd);
	if (open(d->blk, O_RDONLY | O_CLOEXEC) >= 0 || errno != EPERM)
		return 2;
	snprintf(node, sizeof(node), "%s.new", d->blk);
	if (mknod(node, S_IFBLK | 0600, makedev(8, 0)) == 0 || errno != EPERM)
		return 3;
	return 0;
}

START_TEST(v1_devices_allow_null_deny_block)
{
	char node[] = "/tmp/sda", buf[4096];
	struct dev_probe probe = { node };
	struct ward_cgroup_plan p;
	struct ward_spec *s;
	int v2_fd, fd;

	if (!host_has_v1(WARD_CG_DEVICES))
		return;
	tcg_private_tmp();
	ck_assert_int_eq(mknod(node, S_IFBLK | 0600, makedev(8, 0)), 0);
	/* Outside the cgroup the node opens up to the (absent) driver. */
	fd = open(node, O_RDONLY | O_CLOEXEC);
	ck_assert_msg(fd < 0 && errno != EPERM, "control open: %d %m", fd);
	tcg_create("devices", NULL, &s, &p, &v2_fd);
	read_ctrl(&p.cg, WARD_CG_DEVICES, "devices.list", buf, sizeof(buf));
	ck_assert_ptr_null(strstr(buf, "b 8:0"));
	ck_assert_int_eq(tcg_wait(tcg_spawn(&p.cg, probe_devices, &probe)), 0);
	tcg_destroy(&p, s, v2_fd);
}
END_TEST

START_TEST(failed_create_rolls_back)
{
	struct ward_spec *s;
	struct ward_cgroup_plan p;
	struct ward_err e = { 0 };
	char path[256];
	int v2_fd = 7;

	if (!host_has_v1(WARD_CG_CPUSET))
		return;
	tcg_path(path, sizeof(path), "rollback");
	/* A cpu this machine lacks: the kernel refuses at write time. */
	s = tcg_spec(path, "{'cpu':{'cpus':'4095'},'pids':{'limit':3}}", NULL);
	ck_assert_msg(ward_cgroup_plan(s, "u", false, &p, &e) == 0, "%s", e.msg);
	ck_assert_int_lt(ward_cgroup_create(&p, &v2_fd, &e), 0);
	ck_assert_ptr_nonnull(strstr(e.msg, "cpuset.cpus"));
	ck_assert_int_eq(v2_fd, -1);
	for (size_t i = 0; i < p.cg.n; i++)
		ck_assert_msg(!tcg_dir_exists(&p.cg, i), "%s%s left behind",
			      p.cg.h[i].mnt, p.cg.h[i].path);
	ward_cgroup_plan_free(&p);
	ward_spec_free(s);
}
END_TEST

START_TEST(busy_leaf_is_refused_and_kept)
{
	struct ward_cgroup_plan p, q;
	struct ward_err e = { 0 };
	struct ward_spec *s, *s2;
	int v2_fd, v2_fd2 = 7;
	char path[256];
	pid_t pid;

	tcg_create("busy", "{'pids':{'limit':4}}", &s, &p, &v2_fd);
	pid = tcg_spawn(&p.cg, tcg_pause, NULL);
	tcg_path(path, sizeof(path), "busy");
	s2 = tcg_spec(path, NULL, NULL);
	ck_assert_int_eq(ward_cgroup_plan(s2, "u2", false, &q, &e), 0);
	ck_assert_int_eq(ward_cgroup_create(&q, &v2_fd2, &e), -EBUSY);
	/* The rollback removed nothing it did not make. */
	for (size_t i = 0; i < p.cg.n; i++)
		ck_assert(tcg_dir_exists(&p.cg, i));
	ward_cgroup_plan_free(&q);
	ward_spec_free(s2);
	tcg_destroy(&p, s, v2_fd);
	ck_assert_int_eq(tcg_wait(pid), 128 + SIGKILL);
}
END_TEST

START_TEST(saved_description_drives_later_commands)
{
	struct ward_cgroup_plan p;
	struct ward_cgroup cg;
	struct ward_err e = { 0 };
	struct ward_spec *s;
	char desc[PATH_MAX];
	pid_t pid, *pids = NULL;
	size_t n = 0;
	int v2_fd;

	tcg_create("saved", "{'pids':{'limit':4}}", &s, &p, &v2_fd);
	ck_assert_int_eq(ward_cgroup_describe(&p.cg, desc, sizeof(desc)), 0);
	ck_assert_msg(ward_cgroup_open(desc, &cg, &e) == 0, "%s", e.msg);
	pid = tcg_spawn(&cg, tcg_pause, NULL);
	ck_assert_int_eq(ward_cgroup_pids(&cg, &pids, &n, &e), 0);
	ck_assert(n == 1 && pids[0] == pid);
	free(pids);
	ck_assert_msg(ward_cgroup_destroy(&cg, true, &e) == 0, "%s", e.msg);
	for (size_t i = 0; i < cg.n; i++)
		ck_assert(!tcg_dir_exists(&cg, i));
	/* Already gone is success. */
	ck_assert_int_eq(ward_cgroup_destroy(&cg, true, &e), 0);
	ck_assert_int_eq(tcg_wait(pid), 128 + SIGKILL);
	if (v2_fd >= 0)
		close(v2_fd);
	ward_cgroup_plan_free(&p);
	ward_spec_free(s);
}
END_TEST

void
tcg_add_host_tests(Suite *s)
{
	TCase *tc = tcase_create("host");

	tcase_add_unchecked_fixture(tc, tcg_setup, tcg_teardown);
	tcase_set_timeout(tc, 30);
	if (geteuid() != 0) {
		suite_add_tcase(s, tc);
		return;
	}
	tcase_add_test(tc, v1_limits_written_and_everything_removed);
	tcase_add_test(tc, attach_ps_freeze_thaw);
	tcase_add_test(tc, update_live_and_stats);
	tcase_add_test(tc, pids_limit_stops_a_fork_loop);
	tcase_add_test(tc, memory_hog_is_oom_killed_with_an_event);
	tcase_add_test(tc, v1_devices_allow_null_deny_block);
	tcase_add_test(tc, failed_create_rolls_back);
	tcase_add_test(tc, busy_leaf_is_refused_and_kept);
	tcase_add_test(tc, saved_description_drives_later_commands);
	suite_add_tcase(s, tc);
}
