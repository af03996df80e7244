/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Suite "mounts", plan side: options to attributes, refusals with their JSON
 * paths, the /dev defaults, masked/read-only paths, rootfs checks. The real
 * mounts (as root, in throwaway mount namespaces) are in test_mounts_apply.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>

#include "ward/cleanup.h"
#include "suites.h"
#include "sys.h"
#include "test_mounts.h"

void
tm_write(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	ck_assert_msg(fd >= 0, "open %s: %m", path);
	ck_assert_int_eq(ward_write_all(fd, text, strlen(text)), 0);
	close(fd);
}

static void
copy_file(const char *from, const char *to, mode_t mode)
{
	_cleanup_free_ char *buf = NULL;
	struct ward_err e = { 0 };
	size_t len = 0;
	int fd;

	ck_assert_int_eq(ward_read_file(from, 64u << 20, &buf, &len, &e), 0);
	fd = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	ck_assert_msg(fd >= 0, "open %s: %m", to);
	ck_assert_int_eq(ward_write_all(fd, buf, len), 0);
	ck_assert_int_eq(fchmod(fd, mode), 0);
	close(fd);
}

void
tm_bundle_make(char *dir, size_t len, int with_busybox)
{
	static const char *const sub[] = { "rootfs", "rootfs/bin", "rootfs/dev",
					   "rootfs/etc", "rootfs/proc",
					   "rootfs/sys", "rootfs/tmp" };
	char path[PATH_MAX];

	ck_assert_uint_gt(len, sizeof("/tmp/ward-mounts-XXXXXX"));
	strcpy(dir, "/tmp/ward-mounts-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	for (size_t i = 0; i < WARD_ARRAY_SIZE(sub); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, sub[i]);
		ck_assert_int_eq(mkdir(path, 0755), 0);
	}
	snprintf(path, sizeof(path), "%s/rootfs/tmp", dir);
	ck_assert_int_eq(chmod(path, 01777), 0);
	if (!with_busybox)
		return;
	snprintf(path, sizeof(path), "%s/rootfs/bin/busybox", dir);
	copy_file("/bin/busybox", path, 0755);
	snprintf(path, sizeof(path), "%s/rootfs/bin/sh", dir);
	ck_assert_int_eq(symlink("busybox", path), 0);
}

static int
rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP)
		return rmdir(path) < 0 ? -1 : 0;
	return unlink(path) < 0 ? -1 : 0;
}

void
tm_bundle_remove(const char *dir)
{
	if (dir[0] == '\0' || strncmp(dir, "/tmp/ward-mounts-", 17) != 0)
		return;
	/* FTW_MOUNT: a leftover mount would be skipped, not emptied. */
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

struct ward_spec *
tm_spec(const char *fmt, ...)
{
	_cleanup_free_ char *json = NULL;
	struct ward_spec *s = NULL;
	struct ward_err e = { 0 };
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&json, fmt, ap);
	va_end(ap);
	ck_assert_int_ge(n, 0);
	ck_assert_msg(ward_spec_parse(json, (size_t)n, &s, &e) == 0,
		      "spec: %s\n%s", e.msg, json);
	return s;
}

static char bundle[PATH_MAX];

static void
setup(void)
{
	tm_bundle_make(bundle, sizeof(bundle), 0);
}

static void
teardown(void)
{
	tm_bundle_remove(bundle);
}

/* The spec is freed before the plan is used: the plan must own its memory. */
static int
plan_json(const char *mounts, const char *linux_json,
	  struct ward_mounts_plan *p, struct ward_err *e)
{
	struct ward_spec *s;
	int ret;

	s = tm_spec("{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},"
		    "\"mounts\":[%s],\"linux\":{%s}}",
		    mounts, linux_json);
	ret = ward_mounts_plan(s, bundle, p, e);
	ward_spec_free(s);
	return ret;
}

static const struct ward_mount_op *
find_op(const struct ward_mounts_plan *p, const char *target, size_t *where)
{
	for (size_t i = 0; i < p->n_ops; i++) {
		if (strcmp(p->ops[i].target, target) == 0) {
			if (where != NULL)
				*where = i;
			return &p->ops[i];
		}
	}
	return NULL;
}

static size_t
count_ops(const struct ward_mounts_plan *p, const char *target)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n_ops; i++)
		n += strcmp(p->ops[i].target, target) == 0;
	return n;
}

/* A param's value; "" for a flag; NULL when absent. */
static const char *
param(const struct ward_mount_op *op, const char *key)
{
	for (size_t i = 0; i < op->n_params; i++)
		if (strcmp(op->params[i].key, key) == 0)
			return op->params[i].value != NULL ? op->params[i].value : "";
	return NULL;
}

START_TEST(bind_options)
{
	struct ward_mounts_plan p;
	struct ward_err e = { 0 };
	const struct ward_mount_op *op;
	char mounts[1024], real[PATH_MAX];

	snprintf(mounts, sizeof(mounts),
		 "{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"%s/rootfs/etc\","
		 "\"options\":[\"rbind\",\"ro\",\"nosuid\",\"noatime\",\"rprivate\"]},"
		 "{\"destination\":\"/data2/\",\"source\":\"rootfs/etc\",\"options\":[\"bind\",\"ro\",\"rw\"]}",
		 bundle);
	ck_assert_msg(plan_json(mounts, "", &p, &e) == 0, "%s", e.msg);
	snprintf(mounts, sizeof(mounts), "%s/rootfs/etc", bundle);
	ck_assert_ptr_nonnull(realpath(mounts, real));

	op = find_op(&p, "/data", NULL);
	ck_assert_ptr_nonnull(op);
	ck_assert_int_eq(op->kind, WARD_MOP_BIND);
	ck_assert_str_eq(op->source, real);
	ck_assert_int_eq(op->index, 0);
	ck_assert(op->flags & WARD_MOP_F_RECURSIVE);
	ck_assert(op->flags & WARD_MOP_F_PROP_RECURSIVE);
	ck_assert_uint_eq(op->attr_set & (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID),
			  MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID);
	ck_assert_uint_eq(op->attr_set & MOUNT_ATTR__ATIME, MOUNT_ATTR_NOATIME);
	ck_assert_uint_eq(op->attr_clr, MOUNT_ATTR__ATIME);
	ck_assert_uint_eq(op->propagation, MS_PRIVATE);

	/* Relative source from the bundle, relative destination from "/". */
	op = find_op(&p, "/data2", NULL);
	ck_assert_ptr_nonnull(op);
	ck_assert_int_eq(op->kind, WARD_MOP_BIND);
	ck_assert_str_eq(op->source, real);
	ck_assert(!(op->flags & WARD_MOP_F_RECURSIVE));
	/* "rw" cancels "ro", and a bind never clears what the source has. */
	ck_assert_uint_eq(op->attr_set & MOUNT_ATTR_RDONLY, 0);
	ck_assert_uint_eq(op->attr_clr, 0);
	ck_assert_uint_eq(op->propagation, 0);
	ward_mounts_plan_free(&p);
}
END_TEST

START_TEST(fs_options)
{
	struct ward_mounts_plan p;
	struct ward_err e = { 0 };
	const struct ward_mount_op *op;

	ck_assert_msg(plan_json(
		"{\"destination\":\"/run\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
		"\"options\":[\"nosuid\",\"nodev\",\"mode=755\",\"size=1m\",\"sync\",\"strictatime\",\"slave\"]},"
		"{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
		"{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\",\"options\":[\"rw\",\"nosuid\"]},"
		"{\"destination\":\"/dev/pts\",\"type\":\"devpts\",\"source\":\"devpts\",\"options\":[\"gid=5\",\"mode=620\"]},"
		"{\"destination\":\"/sys/fs/cgroup/unified\",\"type\":\"cgroup2\",\"options\":[\"rw\"]}",
		"", &p, &e) == 0, "%s", e.msg);

	op = find_op(&p, "/run", NULL);
	ck_assert_int_eq(op->kind, WARD_MOP_FS);
	ck_assert_str_eq(op->fstype, "tmpfs");
	ck_assert_str_eq(op->source, "tmpfs");
	ck_assert_str_eq(param(op, "mode"), "755");
	ck_assert_str_eq(param(op, "size"), "1m");
	ck_assert_str_eq(param(op, "sync"), "");
	ck_assert_ptr_null(param(op, "nosuid"));
	ck_assert_uint_eq(op->attr_set, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
					MOUNT_ATTR_STRICTATIME);
	ck_assert_uint_eq(op->propagation, MS_SLAVE);
	ck_assert(!(op->flags & WARD_MOP_F_PROP_RECURSIVE));

	op = find_op(&p, "/proc", NULL);
	ck_assert(op->flags & WARD_MOP_F_REAL_DIR);
	ck_assert(op->attr_set & MOUNT_ATTR_NOEXEC);

	/* sysfs is read-only whatever the options say. */
	op = find_op(&p, "/sys", NULL);
	ck_assert(op->attr_set & MOUNT_ATTR_RDONLY);
	ck_assert(op->flags & WARD_MOP_F_REAL_DIR);
	ck_assert(op->flags & WARD_MOP_F_SYSFS_FALLBACK);

	op = find_op(&p, "/dev/pts", NULL);
	ck_assert_str_eq(param(op, "gid"), "5");
	ck_assert_str_eq(param(op, "newinstance"), "");
	ck_assert_str_eq(param(op, "ptmxmode"), "0666");
	ck_assert_uint_eq(count_ops(&p, "/dev/pts"), 1);

	op = find_op(&p, "/sys/fs/cgroup/unified", NULL);
	ck_assert_str_eq(op->fstype, "cgroup2");
	ck_assert(op->attr_set & MOUNT_ATTR_RDONLY);
	ward_mounts_plan_free(&p);
}
END_TEST

static const struct {
	const char *mounts, *linux_json, *msg;
} refused[] = {
	{ "{\"destination\":\"/x\",\"type\":\"foo\"}", "",
	  "mounts[0].type: unknown mount type \"foo\"" },
	{ "{\"destination\":\"/x\",\"type\":\"overlay\",\"source\":\"overlay\"}", "",
	  "mounts[0].type: overlay mounts not supported yet" },
	{ "{\"destination\":\"/x\",\"type\":\"bind\",\"source\":\"/tmp\",\"options\":[\"bogus\"]}",
	  "", "mounts[0].options[0]: unknown bind mount option \"bogus\"" },
	{ "{\"destination\":\"/x\",\"type\":\"bind\",\"source\":\"/tmp\",\"options\":[\"rbind\",\"rshared\"]}",
	  "", "mounts[0].options[1]: rshared" },
	{ "{\"destination\":\"/x\",\"type\":\"bind\",\"source\":\"/tmp\",\"options\":[\"rbind\",\"idmap\"]}",
	  "", "mounts[0].options[1]: idmap" },
	{ "{\"destination\":\"/x\",\"type\":\"tmpfs\",\"options\":[\"tmpcopyup\"]}", "",
	  "tmpcopyup is not supported" },
	{ "{\"destination\":\"/x\",\"type\":\"bind\",\"source\":\"/nonexistent-ward-src\"}", "",
	  "mounts[0].source: /nonexistent-ward-src" },
	{ "{\"destination\":\"/x\",\"type\":\"bind\",\"source\":\"/tmp\",\"options\":[\"sync\"]}", "",
	  "a bind mount cannot change it" },
	{ "{\"destination\":\"/dev\",\"type\":\"bind\",\"source\":\"/tmp\",\"options\":[\"rbind\"]}",
	  "", "mounts[0]: /dev must be a tmpfs" },
	{ "{\"destination\":\"/a/..\",\"type\":\"tmpfs\"}", "",
	  "cannot mount over the container's root" },
	{ "{\"destination\":\"/x\"}", "", "mounts[0].type: missing" },
	{ "{\"destination\":\"/x\",\"type\":\"none\"}", "", "mounts[0].type: missing" },
	{ "{\"destination\":\"/x\",\"type\":\"bind\",\"source\":\"/tmp\","
	  "\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]}",
	  "", "mounts[0].uidMappings" },
	{ "", "\"rootfsPropagation\":\"rshared\"", "linux.rootfsPropagation: rshared" },
	{ "", "\"maskedPaths\":[\"/proc/kcore\",\"/..\"]", "linux.maskedPaths[1]" },
	{ "", "\"readonlyPaths\":[\"/proc/sys\",\"/x/../..\"]", "linux.readonlyPaths[1]" },
	{ "", "\"devices\":[{\"path\":\"/dev/sda\",\"type\":\"b\",\"major\":8,\"minor\":0}]",
	  "linux.devices[0].type" },
	{ "", "\"devices\":[{\"path\":\"/dev/console\",\"type\":\"c\",\"major\":5,\"minor\":1}]",
	  "linux.devices[0]: /dev/console" },
	{ "", "\"devices\":[{\"path\":\"/dev/kvm\",\"type\":\"c\",\"major\":10,\"minor\":232}]",
	  "linux.devices[0]: c 10:232 is not a device" },
	{ "", "\"devices\":[{\"path\":\"/dev/null\",\"type\":\"c\",\"major\":1,\"minor\":3,\"fileMode\":384}]",
	  "linux.devices[0].fileMode: 0600 is stricter" },
	{ "{\"destination\":\"/dev/pts\",\"type\":\"devpts\",\"options\":[\"gid=5\"]}",
	  "\"namespaces\":[{\"type\":\"user\"}],"
	  "\"uidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":1}],"
	  "\"gidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":1}]",
	  "mounts[0].options: gid=5 is not mapped" },
};

START_TEST(refusals)
{
	struct ward_mounts_plan p;
	struct ward_err e = { 0 };
	int ret;

	ret = plan_json(refused[_i].mounts, refused[_i].linux_json, &p, &e);
	ck_assert_msg(ret < 0, "case %d planned", _i);
	ck_assert_msg(strstr(e.msg, refused[_i].msg) != NULL,
		      "case %d: \"%s\" lacks \"%s\"", _i, e.msg, refused[_i].msg);
	/* A failed plan is already released and zeroed. */
	ck_assert_ptr_null(p.ops);
	ck_assert_ptr_null(p.rootfs);
}
END_TEST

static void
assert_dev_contents(const struct ward_mounts_plan *p)
{
	static const struct {
		const char *target;
		unsigned int major, minor;
	} nodes[] = {
		{ "/dev/null", 1, 3 },	  { "/dev/zero", 1, 5 },
		{ "/dev/full", 1, 7 },	  { "/dev/random", 1, 8 },
		{ "/dev/urandom", 1, 9 }, { "/dev/tty", 5, 0 },
	};
	static const char *const links[][2] = {
		{ "/dev/ptmx", "pts/ptmx" },	   { "/dev/fd", "/proc/self/fd" },
		{ "/dev/stdin", "/proc/self/fd/0" }, { "/dev/stdout", "/proc/self/fd/1" },
		{ "/dev/stderr", "/proc/self/fd/2" },
	};
	const struct ward_mount_op *op;
	size_t dev, at;

	ck_assert_ptr_nonnull(find_op(p, "/dev", &dev));
	for (size_t i = 0; i < WARD_ARRAY_SIZE(nodes); i++) {
		op = find_op(p, nodes[i].target, &at);
		ck_assert_msg(op != NULL, "%s", nodes[i].target);
		ck_assert_int_eq(op->kind, WARD_MOP_BIND);
		ck_assert(op->flags & WARD_MOP_F_DEVICE);
		ck_assert(op->rdev == makedev(nodes[i].major, nodes[i].minor));
		ck_assert_str_eq(op->source, nodes[i].target);
		ck_assert(op->attr_set & MOUNT_ATTR_NOSUID);
		ck_assert(!(op->attr_set & MOUNT_ATTR_NODEV));
		ck_assert_uint_gt(at, dev);
		ck_assert_uint_eq(count_ops(p, nodes[i].target), 1);
	}
	for (size_t i = 0; i < WARD_ARRAY_SIZE(links); i++) {
		op = find_op(p, links[i][0], NULL);
		ck_assert_msg(op != NULL, "%s", links[i][0]);
		ck_assert_int_eq(op->kind, WARD_MOP_SYMLINK);
		ck_assert_str_eq(op->source, links[i][1]);
	}
}

START_TEST(dev_defaults)
{
	struct ward_mounts_plan p;
	struct ward_err e = { 0 };
	const struct ward_mount_op *op;

	ck_assert_msg(plan_json("{\"destination\":\"/proc\",\"type\":\"proc\"}", "",
				&p, &e) == 0, "%s", e.msg);
	/* No /dev in the config: ward's own tmpfs, first of all. */
	op = &p.ops[0];
	ck_assert_str_eq(op->target, "/dev");
	ck_assert_str_eq(op->fstype, "tmpfs");
	ck_assert_int_eq(op->index, -1);
	ck_assert(op->flags & WARD_MOP_F_REAL_DIR);
	ck_assert_uint_eq(op->attr_set, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
					MOUNT_ATTR_NOEXEC);
	ck_assert_str_eq(param(op, "mode"), "755");
	op = find_op(&p, "/dev/pts", NULL);
	ck_assert_str_eq(op->fstype, "devpts");
	/* No user namespace in this spec: gid 5 exists. */
	ck_assert_str_eq(param(op, "gid"), "5");
	ck_assert_str_eq(param(op, "ptmxmode"), "0666");
	op = find_op(&p, "/dev/shm", NULL);
	ck_assert_str_eq(op->fstype, "tmpfs");
	ck_assert_str_eq(param(op, "mode"), "1777");
	assert_dev_contents(&p);
	ward_mounts_plan_free(&p);
}
END_TEST

/* Docker's own /dev, /dev/pts, /dev/shm replace the defaults, hardened. */
START_TEST(dev_from_config)
{
	struct ward_mounts_plan p;
	struct ward_err e = { 0 };
	const struct ward_mount_op *op;
	size_t proc, dev;

	ck_assert_msg(plan_json(
		"{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
		"{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
		"\"options\":[\"nosuid\",\"strictatime\",\"size=65536k\"]},"
		"{\"destination\":\"/dev/pts\",\"type\":\"devpts\",\"source\":\"devpts\","
		"\"options\":[\"nosuid\",\"noexec\",\"newinstance\",\"ptmxmode=0666\",\"mode=0620\",\"gid=5\"]},"
		"{\"destination\":\"/dev/shm\",\"type\":\"tmpfs\",\"source\":\"shm\","
		"\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"mode=1777\",\"size=65536k\"]}",
		"", &p, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(count_ops(&p, "/dev"), 1);
	ck_assert_uint_eq(count_ops(&p, "/dev/pts"), 1);
	ck_assert_uint_eq(count_ops(&p, "/dev/shm"), 1);
	ck_assert_ptr_nonnull(find_op(&p, "/proc", &proc));
	op = find_op(&p, "/dev", &dev);
	ck_assert_uint_lt(proc, dev);
	ck_assert_int_eq(op->index, 1);
	ck_assert(op->flags & WARD_MOP_F_REAL_DIR);
	ck_assert_uint_eq(op->attr_set & (MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC),
			  MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	ck_assert_str_eq(param(op, "mode"), "755");
	ck_assert_uint_eq(op->attr_set & MOUNT_ATTR__ATIME, MOUNT_ATTR_STRICTATIME);
	op = find_op(&p, "/dev/pts", NULL);
	ck_assert_int_eq(op->index, 2);
	ck_assert_uint_eq(count_ops(&p, "/dev/pts/ptmx"), 0);
	assert_dev_contents(&p);
	ward_mounts_plan_free(&p);
}
END_TEST

START_TEST(devpts_unmapped_gid)
{
	struct ward_mounts_plan p;
	struct ward_err e = { 0 };
	const struct ward_mount_op *op;

	ck_assert_msg(plan_json("", "\"namespaces\":[{\"type\":\"user\"}],"
				"\"uidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":1}],"
				"\"gidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":1}]",
				&p, &e) == 0, "%s", e.msg);
	op = find_op(&p, "/dev/pts", NULL);
	ck_assert_ptr_nonnull(op);
	ck_assert_ptr_null(param(op, "gid"));
	ck_assert_str_eq(param(op, "newinstance"), "");
	ward_mounts_plan_free(&p);

	/* No mappings in the spec: ward allocates a 65536 block, gid 5 is in it. */
	ck_assert_msg(plan_json("", "\"namespaces\":[{\"type\":\"user\"}]", &p, &e) == 0,
		      "%s", e.msg);
	ck_assert_str_eq(param(find_op(&p, "/dev/pts", NULL), "gid"), "5");
	ward_mounts_plan_free(&p);
}
END_TEST

START_TEST(linux_devices)
{
	struct ward_mounts_plan p;
	struct ward_err e = { 0 };
	const struct ward_mount_op *op;

	ck_assert_msg(plan_json("", "\"devices\":["
		"{\"path\":\"/dev/null\",\"type\":\"c\",\"major\":1,\"minor\":3,\"fileMode\":438,\"uid\":0,\"gid\":0},"
		"{\"path\":\"/dev/mynull\",\"type\":\"c\",\"major\":1,\"minor\":3},"
		"{\"path\":\"/dev/ptmx\",\"type\":\"c\",\"major\":5,\"minor\":2}]",
		&p, &e) == 0, "%s", e.msg);
	/* The config's /dev/null replaces the default one: no double bind. */
	ck_assert_uint_eq(count_ops(&p, "/dev/null"), 1);
	op = find_op(&p, "/dev/mynull", NULL);
	ck_assert_ptr_nonnull(op);
	ck_assert_str_eq(op->source, "/dev/null");
	ck_assert(op->rdev == makedev(1, 3));
	/* ptmx stays the symlink into the container's devpts. */
	ck_assert_uint_eq(count_ops(&p, "/dev/ptmx"), 1);
	ck_assert_int_eq(find_op(&p, "/dev/ptmx", NULL)->kind, WARD_MOP_SYMLINK);
	ward_mounts_plan_free(&p);
}
END_TEST

START_TEST(paths_and_root)
{
	struct ward_mounts_plan p;
	struct ward_err e = { 0 };
	struct ward_spec *s;
	char real[PATH_MAX], path[PATH_MAX];

	s = tm_spec("{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\",\"readonly\":true},"
		    "\"linux\":{\"maskedPaths\":[\"/proc/kcore\",\"/proc//acpi/\",\"/proc/../etc/x\"],"
		    "\"readonlyPaths\":[\"/proc/sys\"]}}");
	ck_assert_msg(ward_mounts_plan(s, bundle, &p, &e) == 0, "%s", e.msg);
	ward_spec_free(s);
	snprintf(path, sizeof(path), "%s/rootfs", bundle);
	ck_assert_ptr_nonnull(realpath(path, real));
	ck_assert_str_eq(p.rootfs, real);
	ck_assert(p.root_readonly);
	ck_assert_uint_eq(p.n_masked, 3);
	ck_assert_str_eq(p.masked[0], "/proc/kcore");
	ck_assert_str_eq(p.masked[1], "/proc/acpi");
	ck_assert_str_eq(p.masked[2], "/etc/x");
	ck_assert_uint_eq(p.n_readonly, 1);
	ck_assert_str_eq(p.readonly[0], "/proc/sys");
	ck_assert_uint_eq(p.root_propagation, MS_PRIVATE);
	ck_assert_uint_eq(p.rootfs_propagation, MS_PRIVATE);
	ward_mounts_plan_free(&p);
}
END_TEST

START_TEST(propagation)
{
	static const struct {
		const char *v;
		uint64_t root, rootfs;
	} cases[] = {
		{ "rslave", MS_SLAVE, MS_SLAVE },
		{ "private", MS_PRIVATE, MS_PRIVATE },
		{ "runbindable", MS_PRIVATE, MS_UNBINDABLE },
	};
	struct ward_mounts_plan p;
	struct ward_err e = { 0 };
	char linux_json[128];

	for (size_t i = 0; i < WARD_ARRAY_SIZE(cases); i++) {
		snprintf(linux_json, sizeof(linux_json), "\"rootfsPropagation\":\"%s\"",
			 cases[i].v);
		ck_assert_msg(plan_json("", linux_json, &p, &e) == 0, "%s", e.msg);
		ck_assert_uint_eq(p.root_propagation, cases[i].root);
		ck_assert_uint_eq(p.rootfs_propagation, cases[i].rootfs);
		ward_mounts_plan_free(&p);
	}
}
END_TEST

START_TEST(rootfs_errors)
{
	struct ward_mounts_plan p;
	struct ward_err e = { 0 };
	struct ward_spec *s;
	char path[PATH_MAX];

	s = tm_spec("{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"missing\"}}");
	ck_assert_int_eq(ward_mounts_plan(s, bundle, &p, &e), -ENOENT);
	ck_assert(strstr(e.msg, "root.path") != NULL);
	ward_spec_free(s);

	snprintf(path, sizeof(path), "%s/rootfs/etc/file", bundle);
	tm_write(path, "x");
	memset(&e, 0, sizeof(e));
	s = tm_spec("{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"%s\"}}", path);
	ck_assert_int_eq(ward_mounts_plan(s, bundle, &p, &e), -ENOTDIR);
	ward_spec_free(s);

	memset(&e, 0, sizeof(e));
	snprintf(path, sizeof(path), "%s/slash", bundle);
	ck_assert_int_eq(symlink("/", path), 0);
	s = tm_spec("{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"slash\"}}");
	ck_assert_int_eq(ward_mounts_plan(s, bundle, &p, &e), -EINVAL);
	ck_assert(strstr(e.msg, "host's /") != NULL);
	ward_spec_free(s);
}
END_TEST

START_TEST(check_rootfs_symlinks)
{
	static const char *const cases[][2] = {
		{ "proc", "procfs" }, { "sys", "sysfs" }, { "dev", "/dev" },
	};
	struct ward_mounts_plan p;
	struct ward_err e = { 0 };
	char path[PATH_MAX];

	ck_assert_msg(plan_json("", "", &p, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(ward_mounts_check_rootfs(&p, &e), 0);
	for (size_t i = 0; i < WARD_ARRAY_SIZE(cases); i++) {
		snprintf(path, sizeof(path), "%s/rootfs/%s", bundle, cases[i][0]);
		ck_assert_int_eq(rmdir(path), 0);
		ck_assert_int_eq(symlink("/", path), 0);
		memset(&e, 0, sizeof(e));
		ck_assert_int_eq(ward_mounts_check_rootfs(&p, &e), -ELOOP);
		ck_assert_msg(strstr(e.msg, cases[i][1]) != NULL, "%s", e.msg);
		ck_assert_int_eq(unlink(path), 0);
		ck_assert_int_eq(mkdir(path, 0755), 0);
	}
	ward_mounts_plan_free(&p);
}
END_TEST

START_TEST(cgroup_layout)
{
	struct ward_mounts_plan p;
	struct ward_err e = { 0 };
	const struct ward_mount_op *op;
	struct statfs sf;
	size_t first, n_cg = 0;

	ck_assert_msg(plan_json("{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\","
				"\"source\":\"cgroup\",\"options\":[\"ro\",\"nosuid\"]}",
				"", &p, &e) == 0, "%s", e.msg);
	op = find_op(&p, "/sys/fs/cgroup", &first);
	ck_assert_ptr_nonnull(op);
	ck_assert_int_eq(op->index, 0);
	ck_assert_int_eq(statfs("/sys/fs/cgroup", &sf), 0);
	if (sf.f_type == CGROUP2_SUPER_MAGIC) {
		ck_assert_str_eq(op->fstype, "cgroup2");
		ck_assert(op->attr_set & MOUNT_ATTR_RDONLY);
		ward_mounts_plan_free(&p);
		return;
	}
	/* v1/hybrid: a tmpfs of hierarchies, frozen read-only at the end. */
	ck_assert_str_eq(op->fstype, "tmpfs");
	for (size_t i = first + 1; i < p.n_ops; i++) {
		op = &p.ops[i];
		if (op->kind != WARD_MOP_FS)
			continue;
		if (!ward_str_has_prefix(op->target, "/sys/fs/cgroup/"))
			continue;
		n_cg++;
		ck_assert(op->attr_set & MOUNT_ATTR_RDONLY);
		ck_assert_ptr_null(param(op, "rw"));
		ck_assert_ptr_null(param(op, "release_agent"));
	}
	ck_assert_uint_gt(n_cg, 0);
	op = NULL;
	for (size_t i = first; i < p.n_ops; i++)
		if (p.ops[i].kind == WARD_MOP_SETATTR)
			op = &p.ops[i];
	ck_assert_ptr_nonnull(op);
	ck_assert_str_eq(op->target, "/sys/fs/cgroup");
	ck_assert_uint_eq(op->attr_set, MOUNT_ATTR_RDONLY);
	op = find_op(&p, "/sys/fs/cgroup/memory", NULL);
	if (op != NULL)
		ck_assert_str_eq(param(op, "memory"), "");
	op = find_op(&p, "/sys/fs/cgroup/systemd", NULL);
	if (op != NULL)
		ck_assert_str_eq(param(op, "name"), "systemd");
	ward_mounts_plan_free(&p);
}
END_TEST

/* Each hierarchy's cgroupfs op is found by name and can take a bind fd once. */
START_TEST(cgroup_op_takes_a_bind)
{
	struct ward_mounts_plan p;
	struct ward_err e = { 0 };
	struct statfs sf;
	const char *name;
	bool v2;
	int i, fd;

	ck_assert_msg(plan_json("{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\","
				"\"source\":\"cgroup\",\"options\":[\"ro\"]}",
				"", &p, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(statfs("/sys/fs/cgroup", &sf), 0);
	v2 = sf.f_type == CGROUP2_SUPER_MAGIC;
	name = v2 ? "cgroup" : "memory";
	ck_assert_int_lt(ward_mounts_cgroup_op(&p, name, !v2), 0);
	ck_assert_int_lt(ward_mounts_cgroup_op(&p, "no-such-hierarchy", v2), 0);
	i = ward_mounts_cgroup_op(&p, name, v2);
	if (i < 0 && !v2) {		/* no memory hierarchy on this host */
		ward_mounts_plan_free(&p);
		return;
	}
	ck_assert_int_ge(i, 0);
	ck_assert_int_eq(p.ops[i].kind, WARD_MOP_FS);
	fd = open("/", O_PATH | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ward_mounts_use_cgroup_bind(&p, (size_t)i, fd, &e), 0);
	ck_assert_int_eq(p.ops[i].kind, WARD_MOP_BIND);
	ck_assert_int_eq(p.ops[i].source_fd, fd);
	/* Used: neither a second fd nor an op that is not cgroupfs. */
	ck_assert_int_eq(ward_mounts_use_cgroup_bind(&p, (size_t)i, fd, &e), -EPROTO);
	ck_assert_int_eq(ward_mounts_use_cgroup_bind(&p, p.n_ops, fd,
						     &(struct ward_err){ 0 }), -EPROTO);
	p.fds_open = true;		/* the plan closes it */
	ward_mounts_plan_free(&p);
}
END_TEST

Suite *
suite_mounts(void)
{
	Suite *s = suite_create("mounts");
	TCase *tc = tcase_create("plan");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, bind_options);
	tcase_add_test(tc, fs_options);
	tcase_add_loop_test(tc, refusals, 0, (int)WARD_ARRAY_SIZE(refused));
	tcase_add_test(tc, dev_defaults);
	tcase_add_test(tc, dev_from_config);
	tcase_add_test(tc, devpts_unmapped_gid);
	tcase_add_test(tc, linux_devices);
	tcase_add_test(tc, paths_and_root);
	tcase_add_test(tc, propagation);
	tcase_add_test(tc, rootfs_errors);
	tcase_add_test(tc, check_rootfs_symlinks);
	tcase_add_test(tc, cgroup_layout);
	tcase_add_test(tc, cgroup_op_takes_a_bind);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, tm_apply_tcase());
	suite_add_tcase(s, tm_hostile_tcase());
	suite_add_tcase(s, tm_overlay_tcase());
	return s;
}
