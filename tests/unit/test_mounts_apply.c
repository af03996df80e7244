/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Suite "mounts", apply side: real mounts in forked children that own a
 * fresh mount namespace (it dies with them, so nothing is left on the host).
 * Each child applies a plan, checks what it sees from inside the new root,
 * writes the first failure to a pipe and _exits (no atexit/ASan teardown in
 * a child). Needs root.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/magic.h>

#include "ward/cleanup.h"
#include "suites.h"
#include "sys.h"
#include "test_mounts.h"

#define HOST_BASE 1000000000u

__attribute__((noreturn, format(printf, 3, 4))) static void
cfail(int out, int line, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n = snprintf(buf, sizeof(buf), "line %d: ", line);

	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	va_end(ap);
	if (write(out, buf, (size_t)n) < 0)
		_exit(3);
	_exit(1);
}

#define CCHECK(out, cond)                                                      \
	do {                                                                   \
		if (!(cond))                                                   \
			cfail(out, __LINE__, "%s (errno: %m)", #cond);         \
	} while (0)

struct inside {
	void (*fn)(int out, const char *arg);
	const char *arg;
};

/* Apply failures exit 2 with the error text, so tests can expect them. */
static void
child_apply(int out, const struct ward_mounts_plan *p, int tree,
	    const struct inside *in)
{
	struct ward_err e = { 0 };
	char buf[512];

	if (ward_mounts_apply(p, tree, &e) < 0) {
		int n = snprintf(buf, sizeof(buf), "apply: %s [%d]", e.msg, e.code);

		if (write(out, buf, (size_t)n) < 0)
			_exit(3);
		_exit(2);
	}
	if (in->fn != NULL)
		in->fn(out, in->arg);
	_exit(0);
}

/* Read the child's report, reap it; returns its exit status (-1: signal). */
static int
collect(pid_t pid, int rd, char *msg, size_t len)
{
	size_t got = 0;
	ssize_t n;
	int status;

	while (got + 1 < len && (n = read(rd, msg + got, len - 1 - got)) > 0)
		got += (size_t)n;
	msg[got] = '\0';
	close(rd);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* As real root: a private mount namespace is all apply needs. */
static int
run_root(const struct ward_mounts_plan *p, const struct inside *in, char *msg,
	 size_t len)
{
	int fds[2];
	pid_t pid;

	ck_assert_int_eq(pipe2(fds, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(fds[0]);
		if (unshare(CLONE_NEWNS) < 0)
			cfail(fds[1], __LINE__, "unshare: %m");
		child_apply(fds[1], p, -1, in);
	}
	close(fds[1]);
	return collect(pid, fds[0], msg, len);
}

static bool
host_mountinfo_mentions(const char *what)
{
	_cleanup_free_ char *info = NULL;
	struct ward_err e = { 0 };
	size_t len;

	ck_assert_int_eq(ward_read_file("/proc/self/mountinfo", 4u << 20, &info,
					&len, &e), 0);
	return strstr(info, what) != NULL;
}

static ssize_t
read_path(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len);
	close(fd);
	return n;
}

static bool
fs_is(const char *path, long magic)
{
	struct statfs sf;

	return statfs(path, &sf) == 0 && sf.f_type == magic;
}

static bool
is_ro(const char *path)
{
	struct statvfs sv;

	return statvfs(path, &sv) == 0 && (sv.f_flag & ST_RDONLY);
}

static void
check_dev(int out)
{
	char buf[16], link[32];
	struct stat st;
	ssize_t n;
	int fd;

	CCHECK(out, fs_is("/dev", TMPFS_MAGIC));
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	CCHECK(out, fd >= 0 && write(fd, "abc", 3) == 3);
	close(fd);
	CCHECK(out, read_path("/dev/zero", buf, sizeof(buf)) == sizeof(buf) &&
			    buf[0] == 0 && buf[15] == 0);
	CCHECK(out, fs_is("/dev/pts", DEVPTS_SUPER_MAGIC));
	n = readlink("/dev/ptmx", link, sizeof(link) - 1);
	CCHECK(out, n == 8 && memcmp(link, "pts/ptmx", 8) == 0);
	fd = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	CCHECK(out, fd >= 0);
	close(fd);
	n = readlink("/dev/fd", link, sizeof(link) - 1);
	CCHECK(out, n == 13 && memcmp(link, "/proc/self/fd", 13) == 0);
	CCHECK(out, fs_is("/dev/shm", TMPFS_MAGIC) && !is_ro("/dev/shm"));
	CCHECK(out, stat("/dev/urandom", &st) == 0 && S_ISCHR(st.st_mode) &&
			    st.st_rdev == makedev(1, 9));
}

/*
 * /proc/timer_list masked by /dev/null (this kernel has no /proc/kcore; the
 * configs list it too, to show an absent masked path is skipped), /proc/sys
 * read-only, sysfs read-only.
 */
static void
check_proc_sys(int out)
{
	char buf[16];
	struct stat st;
	int fd;

	CCHECK(out, fs_is("/proc", PROC_SUPER_MAGIC));
	CCHECK(out, stat("/proc/timer_list", &st) == 0 && S_ISCHR(st.st_mode) &&
			    st.st_rdev == makedev(1, 3));
	CCHECK(out, read_path("/proc/timer_list", buf, sizeof(buf)) == 0);
	/* Only /proc/sys is frozen; in a user namespace EACCES comes first. */
	CCHECK(out, is_ro("/proc/sys") && !is_ro("/proc"));
	fd = open("/proc/sys/kernel/domainname", O_WRONLY | O_CLOEXEC);
	CCHECK(out, fd < 0 && (errno == EROFS || (errno == EACCES && getpid() == 1)));
	CCHECK(out, fs_is("/sys", SYSFS_MAGIC) && is_ro("/sys"));
	fd = open("/sys/kernel/uevent_helper", O_WRONLY | O_CLOEXEC);
	CCHECK(out, fd < 0 && (errno == EROFS || errno == ENOENT));
}

/* The root mount's optional fields: "unbindable" when asked for. */
static bool
root_unbindable(void)
{
	_cleanup_free_ char *info = NULL;
	struct ward_err e = { 0 };
	char *line, *save = NULL;
	size_t len;

	if (ward_read_file("/proc/self/mountinfo", 1u << 20, &info, &len, &e) < 0)
		return false;
	for (line = strtok_r(info, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		char id[16], parent[16], dev[32], root[PATH_MAX], mp[PATH_MAX];

		if (sscanf(line, "%15s %15s %31s %4095s %4095s", id, parent, dev,
			   root, mp) == 5 && strcmp(mp, "/") == 0)
			return strstr(line, " unbindable ") != NULL;
	}
	return false;
}

static void
inside_root(int out, const char *bundle)
{
	char buf[64];
	struct stat st;
	DIR *d;
	int n = 0;

	/* bundle is NULL in the runbindable variant. */
	if (bundle == NULL) {
		CCHECK(out, root_unbindable());
		check_proc_sys(out);
		return;
	}
	CCHECK(out, !root_unbindable());

	CCHECK(out, getcwd(buf, sizeof(buf)) != NULL && strcmp(buf, "/") == 0);
	CCHECK(out, access("/bin/busybox", X_OK) == 0);
	/* The host's tree is gone: not even the bundle path exists here. */
	CCHECK(out, stat(bundle, &st) < 0 && errno == ENOENT);
	check_dev(out);
	check_proc_sys(out);
	/* A masked directory: an empty read-only tmpfs. */
	CCHECK(out, fs_is("/sys/firmware", TMPFS_MAGIC) && is_ro("/sys/firmware"));
	d = opendir("/sys/firmware");
	CCHECK(out, d != NULL);
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	CCHECK(out, n == 2);
	CCHECK(out, is_ro("/sys/fs/cgroup"));
	CCHECK(out, read_path("/etc/bound", buf, sizeof(buf)) == 9 &&
			    memcmp(buf, "host-file", 9) == 0);
	/* root.readonly, but the tmpfs on /run stays writable. */
	CCHECK(out, mkdir("/newdir", 0755) < 0 && errno == EROFS);
	CCHECK(out, mkdir("/run/x", 0755) == 0);
}

static char *
root_config(const char *bundle, const char *propagation)
{
	char *json = NULL;

	ck_assert_int_ge(asprintf(&json,
		"{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\",\"readonly\":true},"
		"\"mounts\":["
		"{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
		"{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\",\"options\":[\"nosuid\"]},"
		"{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\",\"source\":\"cgroup\",\"options\":[\"ro\"]},"
		"{\"destination\":\"/run\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"mode=755\"]},"
		"{\"destination\":\"/etc/bound\",\"type\":\"bind\",\"source\":\"%s/hostfile\",\"options\":[\"ro\"]}],"
		"\"linux\":{\"maskedPaths\":[\"/proc/kcore\",\"/proc/timer_list\",\"/sys/firmware\",\"/proc/nonexistent\"],"
		"\"readonlyPaths\":[\"/proc/sys\",\"/proc/sysrq-trigger\"],"
		"\"rootfsPropagation\":\"%s\"}}",
		bundle, propagation), 0);
	return json;
}

START_TEST(apply_as_root)
{
	struct ward_mounts_plan p;
	struct ward_err e = { 0 };
	struct ward_spec *s;
	char bundle[PATH_MAX], path[PATH_MAX + 32], msg[512];
	_cleanup_free_ char *json = NULL;
	struct inside in = { inside_root, bundle };
	struct stat st;

	tm_bundle_make(bundle, sizeof(bundle), 1);
	snprintf(path, sizeof(path), "%s/hostfile", bundle);
	tm_write(path, "host-file");
	json = root_config(bundle, _i == 0 ? "rprivate" : "runbindable");
	if (_i == 1)
		in.arg = NULL;
	s = tm_spec("%s", json);
	ck_assert_msg(ward_mounts_plan(s, bundle, &p, &e) == 0, "%s", e.msg);
	ward_spec_free(s);
	ck_assert_msg(run_root(&p, &in, msg, sizeof(msg)) == 0, "%s", msg);
	/* Targets were created inside the rootfs; the host kept no mount. */
	snprintf(path, sizeof(path), "%s/rootfs/run", bundle);
	ck_assert_int_eq(stat(path, &st), 0);
	snprintf(path, sizeof(path), "%s/rootfs/etc/bound", bundle);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_size, 0);
	ck_assert(!host_mountinfo_mentions(bundle));
	ward_mounts_plan_free(&p);
	tm_bundle_remove(bundle);
}
END_TEST

/* An option only the kernel can judge fails in the child, with its reason. */
START_TEST(apply_reports_bad_fs_option)
{
	struct ward_mounts_plan p;
	struct ward_err e = { 0 };
	struct ward_spec *s;
	char bundle[PATH_MAX], msg[512];
	struct inside in = { NULL, NULL };

	tm_bundle_make(bundle, sizeof(bundle), 0);
	s = tm_spec("{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},\"mounts\":["
		    "{\"destination\":\"/run\",\"type\":\"tmpfs\",\"options\":[\"mode=banana\"]}]}");
	ck_assert_msg(ward_mounts_plan(s, bundle, &p, &e) == 0, "%s", e.msg);
	ward_spec_free(s);
	ck_assert_int_eq(run_root(&p, &in, msg, sizeof(msg)), 2);
	ck_assert_msg(strstr(msg, "mount tmpfs on /run: option mode") != NULL, "%s", msg);
	ck_assert_msg(strstr(msg, "[22]") != NULL && strstr(msg, "Bad value") != NULL, "%s", msg);
	ward_mounts_plan_free(&p);
	tm_bundle_remove(bundle);
}
END_TEST

/* ---- user namespace + idmapped rootfs ---- */

static int
send_fd(int sock, int fd)
{
	char c = 'g';
	struct iovec iov = { &c, 1 };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u = { 0 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *h = CMSG_FIRSTHDR(&m);

	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_RIGHTS;
	h->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(h), &fd, sizeof(int));
	return sendmsg(sock, &m, 0) == 1 ? 0 : -1;
}

static int
recv_fd(int sock)
{
	char c;
	struct iovec iov = { &c, 1 };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = u.buf, .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *h;
	int fd;

	if (recvmsg(sock, &m, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	h = CMSG_FIRSTHDR(&m);
	if (h == NULL || h->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(h), sizeof(int));
	return fd;
}

static void
write_map(pid_t pid, const char *which)
{
	char path[64], map[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, which);
	snprintf(map, sizeof(map), "0 %u 65536\n", HOST_BASE);
	tm_write(path, map);
}

static int
count_mounts_at(const char *where)
{
	_cleanup_free_ char *info = NULL;
	struct ward_err e = { 0 };
	char pat[PATH_MAX + 2];
	size_t len;
	int n = 0;

	if (ward_read_file("/proc/self/mountinfo", 1u << 20, &info, &len, &e) < 0)
		return -1;
	snprintf(pat, sizeof(pat), " %s ", where);
	for (char *p = info; (p = strstr(p, pat)) != NULL; p++)
		n++;
	return n;
}

static void
inside_userns(int out, const char *arg)
{
	char buf[128];
	struct stat st;
	ssize_t n;
	int fd;

	CCHECK(out, getpid() == 1);
	/*
	 * Without a netns of its own, /sys is the read-only rbind of the
	 * host's: the host's /sys/fs/cgroup tmpfs came along under ours.
	 */
	CCHECK(out, count_mounts_at("/sys/fs/cgroup") == (arg != NULL ? 2 : 1));
	/* The image's root-owned files show as root through the idmap. */
	CCHECK(out, stat("/bin/busybox", &st) == 0 && st.st_uid == 0 && st.st_gid == 0);
	fd = open("/tmp/created", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	CCHECK(out, fd >= 0);
	CCHECK(out, fstat(fd, &st) == 0 && st.st_uid == 0);
	close(fd);
	n = read_path("/proc/self/uid_map", buf, sizeof(buf) - 1);
	CCHECK(out, n > 0);
	buf[n] = '\0';
	CCHECK(out, strstr(buf, "1000000000") != NULL);
	check_dev(out);
	check_proc_sys(out);
	CCHECK(out, is_ro("/sys/fs/cgroup"));
}

static pid_t
clone_userns(bool own_netns, int sock, int out, const struct ward_mounts_plan *p)
{
	struct ward_clone_args args = {
		.flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC |
			 CLONE_NEWUTS | CLONE_NEWCGROUP |
			 (own_netns ? CLONE_NEWNET : 0),
		.exit_signal = SIGCHLD,
	};
	struct inside in = { inside_userns, own_netns ? NULL : "fallback" };
	pid_t pid = ward_clone3(&args);
	int tree;

	if (pid != 0)
		return pid;
	tree = recv_fd(sock);
	if (tree < 0)
		cfail(out, __LINE__, "no rootfs tree: %m");
	/* Become the namespace's root (host uid HOST_BASE) now that it is mapped. */
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		cfail(out, __LINE__, "setresuid: %m");
	child_apply(out, p, tree, &in);
	_exit(4);
}

START_TEST(apply_in_userns_idmapped)
{
	struct ward_mounts_plan p;
	struct ward_err e = { 0 };
	struct ward_spec *s;
	char bundle[PATH_MAX], path[PATH_MAX + 32], msg[512];
	int sv[2], rep[2], userns, tree = -1;
	struct stat st;
	pid_t pid;

	tm_bundle_make(bundle, sizeof(bundle), 1);
	s = tm_spec("{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},\"mounts\":["
		    "{\"destination\":\"/proc\",\"type\":\"proc\"},"
		    "{\"destination\":\"/sys\",\"type\":\"sysfs\"},"
		    "{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\",\"options\":[\"ro\"]}],"
		    "\"linux\":{\"namespaces\":[{\"type\":\"user\"},{\"type\":\"mount\"},{\"type\":\"pid\"}],"
		    "\"uidMappings\":[{\"containerID\":0,\"hostID\":%u,\"size\":65536}],"
		    "\"gidMappings\":[{\"containerID\":0,\"hostID\":%u,\"size\":65536}],"
		    "\"maskedPaths\":[\"/proc/kcore\",\"/proc/timer_list\"],\"readonlyPaths\":[\"/proc/sys\"]}}",
		    HOST_BASE, HOST_BASE);
	ck_assert_msg(ward_mounts_plan(s, bundle, &p, &e) == 0, "%s", e.msg);
	ward_spec_free(s);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	ck_assert_int_eq(pipe2(rep, O_CLOEXEC), 0);
	/* _i == 1: no netns of its own, so sysfs falls back to a read-only host /sys. */
	pid = clone_userns(_i == 0, sv[1], rep[1], &p);
	ck_assert_int_gt(pid, 0);
	close(rep[1]);
	close(sv[1]);
	write_map(pid, "uid_map");
	write_map(pid, "gid_map");
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	userns = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(userns, 0);
	ck_assert_msg(ward_mounts_idmap_prepare(&p, userns, &tree, &e) == 0, "%s", e.msg);
	close(userns);
	ck_assert_int_eq(send_fd(sv[0], tree), 0);
	close(tree);
	close(sv[0]);
	ck_assert_msg(collect(pid, rep[0], msg, sizeof(msg)) == 0, "%s", msg);
	/* Created as the container's root: on disk it belongs to uid 0. */
	snprintf(path, sizeof(path), "%s/rootfs/tmp/created", bundle);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_uid, 0);
	ck_assert_uint_eq(st.st_gid, 0);
	ck_assert(!host_mountinfo_mentions(bundle));
	ward_mounts_plan_free(&p);
	tm_bundle_remove(bundle);
}
END_TEST

TCase *
tm_apply_tcase(void)
{
	TCase *tc = tcase_create("apply");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, apply_as_root, 0, 2);
	tcase_add_test(tc, apply_reports_bad_fs_option);
	tcase_add_loop_test(tc, apply_in_userns_idmapped, 0, 2);
	return tc;
}
