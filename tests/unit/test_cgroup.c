/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
/*
 * The cgroup suite: paths, validation and the saved description (this
 * file, no host changes); real cgroups on this host's v1/hybrid layout
 * (test_cgroup_host.c) and on a private cgroup2 mount used as a pure v2
 * layout through WARD_CGROUP_ROOT (test_cgroup_v2.c).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test_cgroup.h"

/* ---- helpers shared with the host and v2 files ---- */

void
tcg_path(char *buf, size_t len, const char *name)
{
	const char *pre = getenv("WARD_TEST_CGROUP_PREFIX");

	ck_assert_ptr_nonnull(pre);
	snprintf(buf, len, "%s/%s", pre, name);
}

void
tcg_setup(void)
{
	char pre[64];

	snprintf(pre, sizeof(pre), "/ward-unit-%d", (int)getpid());
	setenv("WARD_TEST_CGROUP_PREFIX", pre, 1);
}

static void
kill_procs(const char *dir)
{
	char path[PATH_MAX], line[32];
	FILE *f;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "re");
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL)
		kill(atoi(line), SIGKILL);
	fclose(f);
}

/* Depth first: kill, recurse, rmdir (retrying while tasks exit). */
static void
remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (d == NULL)
		return;
	kill_procs(dir);
	while ((de = readdir(d)) != NULL) {
		char sub[PATH_MAX];

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name);
		remove_tree(sub);
	}
	closedir(d);
	/* Thaw first: a frozen v1 task never exits. */
	for (int i = 0; i < 300 && rmdir(dir) < 0 && errno == EBUSY; i++) {
		char f[PATH_MAX];
		int fd;

		snprintf(f, sizeof(f), "%s/freezer.state", dir);
		fd = open(f, O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			(void)!write(fd, "THAWED", 6);
			close(fd);
		}
		kill_procs(dir);
		usleep(10000);
	}
}

void
tcg_teardown(void)
{
	const char *pre = getenv("WARD_TEST_CGROUP_PREFIX");
	struct ward_cgroup cg;
	struct ward_err e = { 0 };

	if (pre == NULL || cg_detect(&cg, NULL, &e) < 0)
		return;
	for (size_t i = 0; i < cg.n; i++) {
		char dir[PATH_MAX];

		snprintf(dir, sizeof(dir), "%s%s", cg.h[i].mnt, pre);
		remove_tree(dir);
	}
}

struct ward_spec *
tcg_spec(const char *cgroups_path, const char *resources,
	 const char *linux_extra)
{
	struct ward_err e = { 0 };
	struct ward_spec *s = NULL;
	char json[8192];
	int ret;

	snprintf(json, sizeof(json),
		 "{'ociVersion':'1.0.2','linux':{'cgroupsPath':'%s'%s%s%s%s}}",
		 cgroups_path, resources ? ",'resources':" : "",
		 resources ? resources : "", linux_extra ? "," : "",
		 linux_extra ? linux_extra : "");
	for (char *p = json; *p != '\0'; p++)
		if (*p == '\'')
			*p = '"';
	ret = ward_spec_parse(json, strlen(json), &s, &e);
	ck_assert_msg(ret == 0, "parse %s: %s", json, e.msg);
	return s;
}

void
tcg_create(const char *name, const char *resources, struct ward_spec **s,
	   struct ward_cgroup_plan *p, int *v2_fd)
{
	struct ward_err e = { 0 };
	char path[256];
	int ret;

	tcg_path(path, sizeof(path), name);
	*s = tcg_spec(path, resources, NULL);
	ret = ward_cgroup_plan(*s, "unit", false, p, &e);
	ck_assert_msg(ret == 0, "plan: %s", e.msg);
	ret = ward_cgroup_create(p, v2_fd, &e);
	ck_assert_msg(ret == 0, "create: %s (%d)", e.msg, e.code);
}

bool
tcg_dir_exists(const struct ward_cgroup *cg, size_t h)
{
	char dir[PATH_MAX + WARD_CGROUP_MNT_MAX];
	struct stat st;

	snprintf(dir, sizeof(dir), "%s%s", cg->h[h].mnt, cg->h[h].path);
	return stat(dir, &st) == 0;
}

void
tcg_destroy(struct ward_cgroup_plan *p, struct ward_spec *s, int v2_fd)
{
	struct ward_err e = { 0 };
	int ret = ward_cgroup_destroy(&p->cg, true, &e);

	ck_assert_msg(ret == 0, "destroy: %s", e.msg);
	for (size_t i = 0; i < p->cg.n; i++)
		ck_assert_msg(!tcg_dir_exists(&p->cg, i), "%s%s still exists",
			      p->cg.h[i].mnt, p->cg.h[i].path);
	if (v2_fd >= 0)
		close(v2_fd);
	ward_cgroup_plan_free(p);
	ward_spec_free(s);
}

pid_t
tcg_spawn(const struct ward_cgroup *cg, int (*fn)(void *), void *arg)
{
	struct ward_err e = { 0 };
	int go[2];
	pid_t pid;
	char c;

	ck_assert_int_eq(pipe2(go, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(99);
		_exit(fn(arg));
	}
	close(go[0]);
	ck_assert_msg(ward_cgroup_attach(cg, pid, &e) == 0, "attach: %s", e.msg);
	ck_assert_int_eq(write(go[1], "x", 1), 1);
	close(go[1]);
	return pid;
}

int
tcg_wait(pid_t pid)
{
	int st;

	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

volatile uint64_t *
tcg_counter(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	ck_assert_ptr_ne(p, MAP_FAILED);
	return p;
}

int
tcg_count_forever(void *arg)
{
	volatile uint64_t *c = arg;

	for (;;)
		(*c)++;
	return 0;
}

int
tcg_pause(void *arg)
{
	(void)arg;
	pause();
	return 0;
}

bool
tcg_advances(volatile uint64_t *c, unsigned int ms)
{
	uint64_t before = *c;

	usleep(ms * 1000);
	return *c != before;
}

void
tcg_private_tmp(void)
{
	ck_assert_int_eq(unshare(CLONE_NEWNS), 0);
	ck_assert_int_eq(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
	ck_assert_int_eq(mount("tmpfs", "/tmp", "tmpfs", 0, "mode=0700"), 0);
}

/* ---- paths ---- */

static void
expect_path(const char *cp, bool systemd, const char *want, bool want_rel)
{
	struct ward_err e = { 0 };
	char out[PATH_MAX];
	bool rel = !want_rel;
	int ret = ward_cgroup_path(cp, "c1", systemd, out, sizeof(out), &rel,
				   &e);

	ck_assert_msg(ret == 0, "%s: %s", cp, e.msg);
	ck_assert_str_eq(out, want);
	ck_assert_int_eq(rel, want_rel);
}

static void
expect_path_error(const char *cp, bool systemd)
{
	struct ward_err e = { 0 };
	char out[PATH_MAX];
	bool rel;

	ck_assert_msg(ward_cgroup_path(cp, "c1", systemd, out, sizeof(out),
				       &rel, &e) < 0, "%s accepted as %s", cp,
		      out);
	ck_assert_int_ne(e.code, 0);
}

START_TEST(cgroups_path_forms)
{
	expect_path("", false, "/ward/c1", false);
	expect_path(NULL, false, "/ward/c1", false);
	expect_path("/docker/abc", false, "/docker/abc", false);
	expect_path("/docker//abc/", false, "/docker/abc", false);
	expect_path("/a/../../b", false, "/b", false);
	expect_path("docker/abc", false, "/docker/abc", true);
	/* Relative paths stay below the runtime's own cgroup. */
	expect_path("../../../x", false, "/x", true);
	/* Without --systemd-cgroup a colon form is just a (relative) path. */
	expect_path("system.slice:docker:abc", false, "/system.slice:docker:abc",
		    true);
	expect_path_error("/", false);
	expect_path_error("/a/..", false);
	expect_path_error("/a b", false);
	expect_path_error("/a;b", false);
	expect_path_error("/a|b", false);
	expect_path_error("/a\nb", false);
}
END_TEST

START_TEST(systemd_slices_map_to_cgroupfs_paths)
{
	expect_path("system.slice:docker:abc", true,
		    "/system.slice/docker-abc.scope", false);
	expect_path("a-b.slice:pre:n", true, "/a.slice/a-b.slice/pre-n.scope",
		    false);
	expect_path("kubepods-besteffort-pod1.slice:cri-containerd:id", true,
		    "/kubepods.slice/kubepods-besteffort.slice/"
		    "kubepods-besteffort-pod1.slice/cri-containerd-id.scope",
		    false);
	expect_path("-.slice:p:n", true, "/p-n.scope", false);
	expect_path(":p:n", true, "/system.slice/p-n.scope", false);
	expect_path("user.slice::n", true, "/user.slice/n.scope", false);
	expect_path("", true, "/system.slice/ward-c1.scope", false);
	expect_path("machine.slice::inner.slice", true,
		    "/machine.slice/inner.slice", false);
	expect_path_error("a--b.slice:p:n", true);
	expect_path_error("-a.slice:p:n", true);
	expect_path_error("a-.slice:p:n", true);
	expect_path_error("noslice:p:n", true);
	expect_path_error("system.slice:docker", true);
	expect_path_error("system.slice:docker:a:b", true);
	expect_path_error("system.slice:docker:", true);
	expect_path_error("system.slice:do/cker:x", true);
	expect_path_error("system.slice:docker:x/y", true);
	expect_path_error("sys/tem.slice:docker:x", true);
}
END_TEST

START_TEST(v2_translations_match_runc)
{
	struct ward_err e = { 0 };
	char buf[32];

	ck_assert_uint_eq(cg_v2_cpu_weight(2), 1);
	ck_assert_uint_eq(cg_v2_cpu_weight(1024), 39);
	ck_assert_uint_eq(cg_v2_cpu_weight(262144), 10000);
	ck_assert_uint_eq(cg_v2_io_weight(10), 1);
	ck_assert_uint_eq(cg_v2_io_weight(500), 4950);
	ck_assert_uint_eq(cg_v2_io_weight(1000), 10000);
	/* OCI swap is memory+swap; v2's swap.max is the swap part alone. */
	ck_assert_int_eq(cg_v2_swap(100, 300, buf, sizeof(buf), &e), 0);
	ck_assert_str_eq(buf, "200");
	ck_assert_int_eq(cg_v2_swap(100, 100, buf, sizeof(buf), &e), 0);
	ck_assert_str_eq(buf, "0");
	ck_assert_int_eq(cg_v2_swap(100, -1, buf, sizeof(buf), &e), 0);
	ck_assert_str_eq(buf, "max");
	ck_assert_int_eq(cg_v2_swap(-1, 300, buf, sizeof(buf), &e), -EINVAL);
	ck_assert_int_eq(cg_v2_swap(300, 100, buf, sizeof(buf), &e), -EINVAL);
}
END_TEST

/* ---- validation against fake layouts (nothing touched) ---- */

static void
fake_layout(struct ward_cgroup *cg, enum ward_cgroup_mode mode)
{
	memset(cg, 0, sizeof(*cg));
	cg->mode = mode;
	cg->unified = -1;
	for (int c = 0; c < WARD_CG__N; c++)
		cg->where[c] = -1;
	if (mode != WARD_CGROUP_V2) {
		/* One v1 hierarchy per controller, except hugetlb. */
		for (int c = 0; c < WARD_CG__N; c++) {
			if (c == WARD_CG_HUGETLB)
				continue;
			cg->h[cg->n].ctrls = CG_BIT(c);
			cg->where[c] = (int)cg->n++;
		}
	}
	if (mode != WARD_CGROUP_V1) {
		cg->unified = (int)cg->n;
		cg->h[cg->n++].v2 = true;
		cg->v2_avail = CG_BIT(WARD_CG_HUGETLB);
		if (mode == WARD_CGROUP_V2)
			cg->v2_avail |= CG_BIT(WARD_CG_CPU) |
					CG_BIT(WARD_CG_CPUSET) |
					CG_BIT(WARD_CG_MEMORY) |
					CG_BIT(WARD_CG_BLKIO) |
					CG_BIT(WARD_CG_PIDS);
		for (int c = 0; c < WARD_CG__N; c++)
			if (cg->where[c] < 0 &&
			    ((cg->v2_avail & CG_BIT(c)) || c == WARD_CG_DEVICES ||
			     c == WARD_CG_FREEZER || c == WARD_CG_CPUACCT))
				cg->where[c] = cg->unified;
	}
}

static int
check(enum ward_cgroup_mode mode, const char *res, uint32_t *need,
      struct ward_err *e)
{
	struct ward_spec *s = tcg_spec("/x", res, NULL);
	struct ward_cgroup cg;
	uint32_t dummy;
	int ret;

	fake_layout(&cg, mode);
	ret = cg_check_resources(&cg, &s->linux.resources, false,
				 need ? need : &dummy, e);
	ward_spec_free(s);
	return ret;
}

static void
expect_refused(enum ward_cgroup_mode mode, const char *res, const char *msg)
{
	struct ward_err e = { 0 };

	ck_assert_msg(check(mode, res, NULL, &e) < 0, "%s accepted on %s", res,
		      ward_cgroup_mode_name(mode));
	ck_assert_msg(strstr(e.msg, msg) != NULL, "%s: got \"%s\"", res, e.msg);
}

static void
expect_ok(enum ward_cgroup_mode mode, const char *res, uint32_t want_need)
{
	struct ward_err e = { 0 };
	uint32_t need = 0;

	ck_assert_msg(check(mode, res, &need, &e) == 0, "%s: %s", res, e.msg);
	ck_assert_uint_eq(need, want_need);
}

START_TEST(values_are_range_checked)
{
	expect_refused(WARD_CGROUP_V1, "{'memory':{'limit':-2}}",
		       "memory.limit");
	expect_refused(WARD_CGROUP_V1, "{'memory':{'limit':200,'swap':100}}",
		       "below the limit");
	expect_refused(WARD_CGROUP_V1, "{'memory':{'useHierarchy':false}}",
		       "useHierarchy");
	expect_refused(WARD_CGROUP_V1, "{'cpu':{'shares':1}}", "cpu.shares");
	expect_refused(WARD_CGROUP_V1, "{'cpu':{'shares':300000}}",
		       "cpu.shares");
	expect_refused(WARD_CGROUP_V1, "{'cpu':{'quota':500}}", "cpu.quota");
	expect_refused(WARD_CGROUP_V1, "{'cpu':{'period':100}}", "cpu.period");
	expect_refused(WARD_CGROUP_V1, "{'cpu':{'idle':2}}", "cpu.idle");
	expect_refused(WARD_CGROUP_V1,
		       "{'cpu':{'quota':1000,'period':100000,'burst':5000}}",
		       "cpu.burst");
	expect_refused(WARD_CGROUP_V1, "{'cpu':{'cpus':'0-'}}", "cpu.cpus");
	expect_refused(WARD_CGROUP_V1, "{'cpu':{'mems':'a'}}", "cpu.mems");
	expect_refused(WARD_CGROUP_V1, "{'blockIO':{'weight':5}}",
		       "blockIO.weight");
	expect_refused(WARD_CGROUP_V1, "{'hugepageLimits':[{'pageSize':'2M',"
		       "'limit':1}]}", "pageSize");
}
END_TEST

START_TEST(v1_only_fields_are_refused_on_v2)
{
	expect_refused(WARD_CGROUP_V2, "{'memory':{'swappiness':10}}",
		       "swappiness");
	expect_refused(WARD_CGROUP_V2, "{'memory':{'disableOOMKiller':true}}",
		       "OOM");
	expect_refused(WARD_CGROUP_V2, "{'memory':{'kernel':1048576}}",
		       "kernel");
	expect_refused(WARD_CGROUP_V2, "{'memory':{'kernelTCP':1048576}}",
		       "kernelTCP");
	expect_refused(WARD_CGROUP_V2, "{'memory':{'swap':1048576}}",
		       "needs a memory limit");
	expect_refused(WARD_CGROUP_V2, "{'cpu':{'realtimeRuntime':100}}",
		       "real-time");
	expect_refused(WARD_CGROUP_V2, "{'blockIO':{'leafWeight':100}}",
		       "leaf");
	expect_refused(WARD_CGROUP_V2, "{'network':{'classID':1}}", "net_cls");
	/* The same fields are fine where v1 implements them. */
	expect_ok(WARD_CGROUP_V1, "{'memory':{'swappiness':10,"
		  "'disableOOMKiller':true}}", CG_BIT(WARD_CG_MEMORY));
	expect_ok(WARD_CGROUP_V1, "{'network':{'classID':1}}",
		  CG_BIT(WARD_CG_NET_CLS));
	/* Disabling the OOM killer = false is not a request for anything. */
	expect_ok(WARD_CGROUP_V2, "{'memory':{'disableOOMKiller':false}}", 0);
}
END_TEST

START_TEST(controllers_needed_and_their_homes)
{
	expect_ok(WARD_CGROUP_V1, "{'pids':{'limit':5},'memory':{'limit':1048576},"
		  "'cpu':{'shares':512,'cpus':'0'}}",
		  CG_BIT(WARD_CG_PIDS) | CG_BIT(WARD_CG_MEMORY) |
		  CG_BIT(WARD_CG_CPU) | CG_BIT(WARD_CG_CPUSET));
	expect_ok(WARD_CGROUP_V2, "{'blockIO':{'weight':500}}",
		  CG_BIT(WARD_CG_BLKIO));
	/* Hybrid: hugetlb is only on cgroup2 and is used there. */
	expect_ok(WARD_CGROUP_HYBRID, "{'hugepageLimits':[{'pageSize':'2MB',"
		  "'limit':0}]}", CG_BIT(WARD_CG_HUGETLB));
	expect_refused(WARD_CGROUP_V1, "{'hugepageLimits':[{'pageSize':'2MB',"
		       "'limit':0}]}", "hugetlb controller is not available");
	expect_refused(WARD_CGROUP_V2, "{'network':{'priorities':"
		       "[{'name':'lo','priority':1}]}}", "net_prio");
}
END_TEST

START_TEST(unified_keys_stay_in_the_directory)
{
	expect_ok(WARD_CGROUP_V2, "{'unified':{'memory.high':'1000000',"
		  "'cgroup.max.depth':'2'}}", CG_BIT(WARD_CG_MEMORY));
	expect_ok(WARD_CGROUP_HYBRID, "{'unified':{'hugetlb.2MB.max':'0'}}",
		  CG_BIT(WARD_CG_HUGETLB));
	expect_refused(WARD_CGROUP_V2, "{'unified':{'../x.max':'1'}}",
		       "not a cgroup interface file");
	expect_refused(WARD_CGROUP_V2, "{'unified':{'memory.high/x':'1'}}",
		       "not a cgroup interface file");
	expect_refused(WARD_CGROUP_V2, "{'unified':{'.memory':'1'}}",
		       "not a cgroup interface file");
	expect_refused(WARD_CGROUP_V2, "{'unified':{'nodot':'1'}}",
		       "not a cgroup interface file");
	expect_refused(WARD_CGROUP_V2, "{'unified':{'cgroup.procs':'1'}}",
		       "manages this file");
	expect_refused(WARD_CGROUP_V2, "{'unified':{'cgroup.kill':'1'}}",
		       "manages this file");
	expect_refused(WARD_CGROUP_V2, "{'unified':{'bogus.max':'1'}}",
		       "no such controller");
	/* The default pids limit cannot be undone through a unified key. */
	expect_refused(WARD_CGROUP_V2, "{'pids':{'limit':5},"
		       "'unified':{'pids.max':'max'}}", "also set by a typed");
	/* memory lives on v1 in hybrid: memory.* keys have no home. */
	expect_refused(WARD_CGROUP_HYBRID, "{'unified':{'memory.high':'1'}}",
		       "no such controller");
	expect_refused(WARD_CGROUP_V1, "{'unified':{'memory.high':'1'}}",
		       "no cgroup v2");
}
END_TEST

START_TEST(update_refuses_device_changes)
{
	struct ward_spec *cur = tcg_spec("/x", "{'devices':[{'allow':false,"
					 "'access':'rwm'},{'allow':true,"
					 "'type':'c','major':1,'minor':3}]}",
					 NULL);
	struct ward_spec *same = tcg_spec("/x", "{'devices':[{'allow':false},"
					  "{'allow':true,'type':'c','major':1,"
					  "'minor':3,'access':'mwr'}]}", NULL);
	struct ward_spec *other = tcg_spec("/x", "{'devices':[{'allow':true,"
					   "'type':'c','major':1,'minor':3}]}",
					   NULL);
	struct ward_err e = { 0 };
	struct ward_cgroup cg;

	fake_layout(&cg, WARD_CGROUP_V2);
	/* Checked before the (fake) host is touched. */
	ck_assert_int_eq(ward_cgroup_update(&cg, &other->linux.resources,
					    &cur->linux.resources, &e), -EPERM);
	ck_assert_ptr_nonnull(strstr(e.msg, "devices"));
	e = (struct ward_err){ 0 };
	ck_assert_int_eq(ward_cgroup_update(&cg, &same->linux.resources, NULL,
					    &e), -EPERM);
	/* The same rules, spelled differently, are no change. */
	ck_assert(cg_same_devices(&same->linux.resources, &cur->linux.resources));
	ck_assert(cg_same_devices(&cur->linux.resources, &cur->linux.resources));
	ck_assert(!cg_same_devices(&other->linux.resources,
				   &cur->linux.resources));
	ward_spec_free(cur);
	ward_spec_free(same);
	ward_spec_free(other);
}
END_TEST

START_TEST(device_rules_deny_all_then_spec_then_defaults)
{
	struct ward_spec *s = tcg_spec(
		"/x", "{'devices':[{'allow':false,'access':'rwm'},"
		"{'allow':true,'type':'c','major':4,'access':'rw'},"
		"{'allow':false,'type':'a','access':'w'}]}",
		"'devices':[{'path':'/dev/fuse','type':'c','major':10,"
		"'minor':229},{'path':'/dev/p','type':'p'}]");
	struct ward_err e = { 0 };
	struct ward_cgroup_dev *r = NULL;
	size_t n = 0;

	ck_assert_int_eq(cg_device_rules(s, &r, &n, &e), 0);
	/* deny-all, 3 from the spec, 9 defaults, fuse (the fifo needs none) */
	ck_assert_uint_eq(n, 1 + 3 + 9 + 1);
	ck_assert(!r[0].allow && r[0].type == 'a' && r[0].access == 7);
	ck_assert(r[2].allow && r[2].type == 'c' && r[2].major == 4 &&
		  r[2].minor == -1 && r[2].access == 6);
	ck_assert(!r[3].allow && r[3].type == 'a' && r[3].access == 4);
	ck_assert(r[4].allow && r[4].major == 1 && r[4].minor == 3);
	ck_assert(r[13].allow && r[13].major == 10 && r[13].minor == 229);
	free(r);
	ward_spec_free(s);
}
END_TEST

/* ---- the host's layout and the saved description ---- */

START_TEST(host_layout_is_detected)
{
	struct ward_err e = { 0 };
	struct ward_cgroup cg;

	ck_assert_msg(cg_detect(&cg, NULL, &e) == 0, "%s", e.msg);
	ck_assert_int_ne(cg.mode, 0);
	ck_assert_int_ge(cg.where[WARD_CG_DEVICES], 0);
	ck_assert(ward_cgroup_has_v1(&cg) == (cg.mode != WARD_CGROUP_V2));
	if (cg.mode == WARD_CGROUP_HYBRID) {
		/* This project's machines: memory on v1, cgroup2 beside it. */
		ck_assert(!cg.h[cg.where[WARD_CG_MEMORY]].v2);
		ck_assert(cg.h[cg.unified].v2);
		ck_assert_int_ge(cg.where[WARD_CG_SYSTEMD], 0);
	}
	ck_assert_msg(cg_detect(&cg, "/proc", &e) < 0, "/proc taken as cgroup2");
}
END_TEST

static void
roundtrip(const char *cp)
{
	struct ward_spec *s = tcg_spec(cp, NULL, NULL);
	struct ward_cgroup_plan p;
	struct ward_cgroup back;
	struct ward_err e = { 0 };
	char desc[PATH_MAX];

	ck_assert_msg(ward_cgroup_plan(s, "rt", false, &p, &e) == 0, "%s",
		      e.msg);
	for (size_t i = 0; i < p.cg.n; i++)
		p.cg.h[i].created = (unsigned int)(i % 3);
	ck_assert_int_eq(ward_cgroup_describe(&p.cg, desc, sizeof(desc)), 0);
	ck_assert_ptr_nonnull(strstr(desc, "v="));
	ck_assert_msg(ward_cgroup_open(desc, &back, &e) == 0, "%s: %s", desc,
		      e.msg);
	ck_assert_uint_eq(back.n, p.cg.n);
	for (size_t i = 0; i < p.cg.n; i++) {
		ck_assert_str_eq(back.h[i].path, p.cg.h[i].path);
		ck_assert_str_eq(back.h[i].mnt, p.cg.h[i].mnt);
		ck_assert_uint_eq(back.h[i].created, i % 3);
	}
	ck_assert_int_eq(ward_cgroup_describe(&p.cg, desc, 12), -ENAMETOOLONG);
	ward_cgroup_plan_free(&p);
	ward_spec_free(s);
}

START_TEST(description_round_trips)
{
	struct ward_cgroup cg;
	struct ward_err e = { 0 };

	roundtrip("/docker/abc");
	/* Relative: one path per hierarchy when the runtime's own differ. */
	roundtrip("rel/x");
	ck_assert_int_lt(ward_cgroup_open("v=v1;c=;p=/x", &cg, &e), 0);
	ck_assert_int_lt(ward_cgroup_open("garbage", &cg, &e), 0);
}
END_TEST

Suite *
suite_cgroup(void)
{
	Suite *s = suite_create("cgroup");
	TCase *plan = tcase_create("plan");

	tcase_add_unchecked_fixture(plan, tcg_setup, NULL);
	tcase_add_test(plan, cgroups_path_forms);
	tcase_add_test(plan, systemd_slices_map_to_cgroupfs_paths);
	tcase_add_test(plan, v2_translations_match_runc);
	tcase_add_test(plan, values_are_range_checked);
	tcase_add_test(plan, v1_only_fields_are_refused_on_v2);
	tcase_add_test(plan, controllers_needed_and_their_homes);
	tcase_add_test(plan, unified_keys_stay_in_the_directory);
	tcase_add_test(plan, update_refuses_device_changes);
	tcase_add_test(plan, device_rules_deny_all_then_spec_then_defaults);
	tcase_add_test(plan, host_layout_is_detected);
	tcase_add_test(plan, description_round_trips);
	suite_add_tcase(s, plan);
	tcg_add_host_tests(s);
	tcg_add_v2_tests(s);
	return s;
}
