/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Suite "mounts", overlay rootfs: parsing an overlay's super options, finding
 * the overlay under a rootfs, and re-mounting it on idmapped layers the way
 * Docker's overlay2 rootfs is used (as root, with a real user namespace).
 * Also the idmapped bind sources of ward_mounts_idmap_prepare.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ward/cleanup.h"
#include "mounts_int.h"
#include "sys.h"
#include "test_mounts.h"

#define BASE 1100000000u

static void
parse_ok(const char *opts, struct ward_overlay *ov)
{
	struct ward_err e = { 0 };

	ck_assert_msg(ward_overlay_parse(opts, ov, &e) == 0, "%s: %s", opts, e.msg);
}

static void
parse_fails(const char *opts, const char *msg)
{
	struct ward_overlay ov;
	struct ward_err e = { 0 };

	ck_assert_int_eq(ward_overlay_parse(opts, &ov, &e), -EINVAL);
	ck_assert_msg(strstr(e.msg, msg) != NULL, "%s: %s", opts, e.msg);
}

START_TEST(parse_docker_options)
{
	struct ward_overlay ov;

	/* What Docker 20.10's overlay2 mount shows in mountinfo. */
	parse_ok("rw,lowerdir=/var/lib/docker/overlay2/l/MPACH:/var/lib/docker/overlay2/l/LTTJ3,"
		 "upperdir=/var/lib/docker/overlay2/43c2/diff,workdir=/var/lib/docker/overlay2/43c2/work",
		 &ov);
	ck_assert_uint_eq(ov.n_lower, 2);
	ck_assert_str_eq(ov.lower[0], "/var/lib/docker/overlay2/l/MPACH");
	ck_assert_str_eq(ov.lower[1], "/var/lib/docker/overlay2/l/LTTJ3");
	ck_assert_uint_eq(ov.n_data, 0);
	ck_assert_str_eq(ov.upper, "/var/lib/docker/overlay2/43c2/diff");
	ck_assert_str_eq(ov.work, "/var/lib/docker/overlay2/43c2/work");
	ck_assert_uint_eq(ov.n_params, 0);
	ward_overlay_free(&ov);
	/* A read-only overlay: lower layers only. */
	parse_ok("ro,lowerdir=/a:/b", &ov);
	ck_assert_uint_eq(ov.n_lower, 2);
	ck_assert_ptr_null(ov.upper);
	ward_overlay_free(&ov);
}
END_TEST

START_TEST(parse_escapes_data_layers_and_options)
{
	struct ward_overlay ov;

	/*
	 * mountinfo octal-escapes '\' (\134), ',' (\054) and ' ' (\040); the
	 * lowerdir string then escapes a ':' in a name with '\'. "::" starts
	 * the data-only layers.
	 */
	parse_ok("rw,lowerdir=/a\\134:b:/c\\054d\\040e::/data1::/data2,"
		 "upperdir=/u,workdir=/w,redirect_dir=on,userxattr,index=off,xino=off",
		 &ov);
	ck_assert_uint_eq(ov.n_lower, 2);
	ck_assert_str_eq(ov.lower[0], "/a:b");
	ck_assert_str_eq(ov.lower[1], "/c,d e");
	ck_assert_uint_eq(ov.n_data, 2);
	ck_assert_str_eq(ov.data[0], "/data1");
	ck_assert_str_eq(ov.data[1], "/data2");
	/* Format options are carried; index is forced off later, not carried. */
	ck_assert_uint_eq(ov.n_params, 3);
	ck_assert_str_eq(ov.params[0].key, "redirect_dir");
	ck_assert_str_eq(ov.params[0].value, "on");
	ck_assert_str_eq(ov.params[1].key, "userxattr");
	ck_assert_ptr_null(ov.params[1].value);
	ck_assert_str_eq(ov.params[2].key, "xino");
	ward_overlay_free(&ov);
	/* Layers given one by one (fsconfig "lowerdir+"). */
	parse_ok("rw,lowerdir+=/l1,lowerdir+=/l2,datadir+=/d,upperdir=/u,workdir=/w", &ov);
	ck_assert_uint_eq(ov.n_lower, 2);
	ck_assert_str_eq(ov.lower[1], "/l2");
	ck_assert_uint_eq(ov.n_data, 1);
	ck_assert_str_eq(ov.data[0], "/d");
	ward_overlay_free(&ov);
}
END_TEST

START_TEST(parse_refusals)
{
	/* Docker's relative form (long option lists): the cwd is unknown. */
	parse_fails("rw,lowerdir=l/ABC:l/DEF,upperdir=/u,workdir=/w", "not an absolute path");
	parse_fails("rw,lowerdir=/a,upperdir=/u,workdir=/w,frobnicate=1", "\"frobnicate\": not supported");
	parse_fails("rw,upperdir=/u,workdir=/w", "without a lowerdir");
	parse_fails("rw,lowerdir=/a,upperdir=/u", "upperdir without workdir");
	parse_fails("rw,lowerdir=/a,upperdir=/u,upperdir=/v,workdir=/w", "given twice");
	parse_fails("rw,lowerdir=/a::,upperdir=/u,workdir=/w", "not an absolute path");
}
END_TEST

/* ---- real overlays ---- */

struct layout {
	char dir[PATH_MAX];
	char lower[PATH_MAX + 16], upper[PATH_MAX + 16], work[PATH_MAX + 16];
	char merged[PATH_MAX + 16];
};

static void
sub(char *out, const struct layout *l, const char *name)
{
	snprintf(out, PATH_MAX + 16, "%s/%s", l->dir, name);
}

/* Mounts of a failed test die with its (forked) process. */
static void
private_ns(void)
{
	ck_assert_int_eq(unshare(CLONE_NEWNS), 0);
	ck_assert_int_eq(ward_mount_setattr(AT_FDCWD, "/", AT_RECURSIVE, 0, 0,
					    MS_PRIVATE, -1), 0);
}

/*
 * Docker's shape: lower (root's file, a dir of uid 1000), upper/work in a
 * layer dir, the overlay mounted at merged.
 */
static void
layout_make(struct layout *l)
{
	char p[PATH_MAX + 32], opts[4 * PATH_MAX];

	private_ns();
	tm_bundle_make(l->dir, sizeof(l->dir), 0);
	/* Shared, like Docker's overlay2 mounts and "/" under systemd. */
	ck_assert_int_eq(mount(l->dir, l->dir, NULL, MS_BIND, NULL), 0);
	ck_assert_int_eq(mount(NULL, l->dir, NULL, MS_SHARED, NULL), 0);
	sub(l->lower, l, "lower");
	sub(l->upper, l, "layer/diff");
	sub(l->work, l, "layer/work");
	sub(l->merged, l, "layer/merged");
	ck_assert_int_eq(mkdir(l->lower, 0755), 0);
	sub(p, l, "layer");
	ck_assert_int_eq(mkdir(p, 0700), 0);
	ck_assert_int_eq(mkdir(l->upper, 0755), 0);
	ck_assert_int_eq(mkdir(l->work, 0700), 0);
	ck_assert_int_eq(mkdir(l->merged, 0755), 0);
	snprintf(p, sizeof(p), "%s/file", l->lower);
	tm_write(p, "hi\n");
	snprintf(p, sizeof(p), "%s/u1000", l->lower);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	ck_assert_int_eq(chown(p, 1000, 1000), 0);
	snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s", l->lower,
		 l->upper, l->work);
	ck_assert_msg(mount("overlay", l->merged, "overlay", 0, opts) == 0,
		      "mount overlay: %m");
}

static void
layout_remove(struct layout *l)
{
	umount2(l->merged, MNT_DETACH);
	umount2(l->dir, MNT_DETACH);
	tm_bundle_remove(l->dir);
}

/* A process in a new user namespace mapping 0..65535 to BASE.. ; *fd is it. */
static pid_t
userns_make(int *fd)
{
	char path[64], map[64];
	int p[2], wfd;
	pid_t pid;
	char c;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (unshare(CLONE_NEWUSER) < 0)
			_exit(1);
		close(p[0]);
		(void)!write(p[1], "r", 1);
		pause();
		_exit(0);
	}
	close(p[1]);
	ck_assert_int_eq(read(p[0], &c, 1), 1);
	close(p[0]);
	snprintf(map, sizeof(map), "0 %u 65536\n", BASE);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
	tm_write(path, map);
	snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
	tm_write(path, map);
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	wfd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(wfd, 0);
	*fd = wfd;
	return pid;
}

static void
userns_drop(pid_t pid, int fd)
{
	close(fd);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static void
assert_owner(int dirfd, const char *path, uid_t uid, gid_t gid)
{
	struct stat st;

	ck_assert_msg(fstatat(dirfd, path, &st, AT_EMPTY_PATH) == 0, "%s: %m", path);
	ck_assert_msg(st.st_uid == uid && st.st_gid == gid, "%s: %u:%u, want %u:%u",
		      path, st.st_uid, st.st_gid, uid, gid);
}

START_TEST(overlay_of_finds_layers)
{
	struct ward_overlay ov;
	struct ward_err e = { 0 };
	struct layout l;
	char p[PATH_MAX + 32];
	bool found = true;

	layout_make(&l);
	/* A plain directory is no overlay: nothing to do, no error. */
	ck_assert_int_eq(ward_overlay_of(l.lower, &ov, &found, &e), 0);
	ck_assert(!found);
	ck_assert_msg(ward_overlay_of(l.merged, &ov, &found, &e) == 0, "%s", e.msg);
	ck_assert(found);
	ck_assert_uint_eq(ov.n_lower, 1);
	ck_assert_str_eq(ov.lower[0], l.lower);
	ck_assert_str_eq(ov.upper, l.upper);
	ck_assert_str_eq(ov.work, l.work);
	ward_overlay_free(&ov);
	/* A directory inside the overlay cannot be re-mounted on its own. */
	snprintf(p, sizeof(p), "%s/u1000", l.merged);
	ck_assert_int_eq(ward_overlay_of(p, &ov, &found, &e), -EINVAL);
	ck_assert_msg(strstr(e.msg, "inside an overlay mount") != NULL, "%s", e.msg);
	layout_remove(&l);
}
END_TEST

/*
 * In a child, as the container's uid (fs ids only, as the kernel sees a
 * process of the user namespace): 0 if everything went as expected.
 */
static int
write_as(int mnt, uid_t id)
{
	int fd;

	if (setfsgid(id) < 0 || setfsuid(id) < 0)
		return 1;
	if (id == BASE) {
		fd = openat(mnt, "rootmade", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		return fd < 0 ? 2 : 0;
	}
	fd = openat(mnt, "u1000/new", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return 3;
	close(fd);
	/* Root's file stays root's: no write for uid 1000. */
	fd = openat(mnt, "file", O_WRONLY | O_CLOEXEC);
	if (fd >= 0 || errno != EACCES)
		return 4;
	return 0;
}

static void
run_as(int mnt, uid_t id)
{
	int status;
	pid_t w = fork();

	ck_assert_int_ge(w, 0);
	if (w == 0)
		_exit(write_as(mnt, id));
	ck_assert_int_eq(waitpid(w, &status, 0), w);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "as %u: step %d", id, WEXITSTATUS(status));
}

START_TEST(overlay_on_idmapped_layers)
{
	struct ward_overlay ov;
	struct ward_err e = { 0 };
	struct layout l;
	char p[PATH_MAX + 32];
	int userns, mnt = -1, fd;
	bool found;
	pid_t pid;

	layout_make(&l);
	pid = userns_make(&userns);
	ck_assert_msg(ward_overlay_of(l.merged, &ov, &found, &e) == 0 && found, "%s", e.msg);
	ck_assert_msg(ward_overlay_idmap(&ov, userns, BASE, BASE, &mnt, &e) == 0, "%s", e.msg);
	ward_overlay_free(&ov);
	/* The runtime's own fs ids came back. */
	ck_assert_int_eq(setfsuid((uid_t)-1), 0);
	ck_assert_int_eq(setfsgid((gid_t)-1), 0);
	/* Seen from the host: the container's ids of the image's owners. */
	assert_owner(mnt, "file", BASE, BASE);
	assert_owner(mnt, "u1000", BASE + 1000, BASE + 1000);
	run_as(mnt, BASE + 1000);
	run_as(mnt, BASE);
	/* Host root has no id inside the block: it cannot create a file here. */
	fd = openat(mnt, "hostroot", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ck_assert_int_eq(fd, -1);
	ck_assert_int_eq(errno, EOVERFLOW);
	/* On disk: the image's ids, not the shifted ones. */
	snprintf(p, sizeof(p), "%s/u1000/new", l.upper);
	assert_owner(AT_FDCWD, p, 1000, 1000);
	snprintf(p, sizeof(p), "%s/u1000", l.upper);
	assert_owner(AT_FDCWD, p, 1000, 1000);
	snprintf(p, sizeof(p), "%s/rootmade", l.upper);
	assert_owner(AT_FDCWD, p, 0, 0);
	/* Its own workdir: the original mount's still copies up. */
	snprintf(p, sizeof(p), "%s.ward", l.work);
	assert_owner(AT_FDCWD, p, 0, 0);
	snprintf(p, sizeof(p), "%s/file", l.merged);
	fd = open(p, O_WRONLY | O_APPEND | O_CLOEXEC);
	ck_assert_msg(fd >= 0, "copy-up in the original overlay: %m");
	close(fd);
	close(mnt);
	userns_drop(pid, userns);
	layout_remove(&l);
}
END_TEST

/* A missing layer is an error that names it; no fd is left behind. */
START_TEST(overlay_missing_layer)
{
	struct ward_overlay ov;
	struct ward_err e = { 0 };
	int userns, mnt = -1;
	pid_t pid;

	pid = userns_make(&userns);
	parse_ok("rw,lowerdir=/nonexistent/ward-layer,upperdir=/tmp,workdir=/tmp", &ov);
	ck_assert_int_eq(ward_overlay_idmap(&ov, userns, BASE, BASE, &mnt, &e), -ENOENT);
	ck_assert_msg(strstr(e.msg, "/nonexistent/ward-layer") != NULL, "%s", e.msg);
	ck_assert_int_eq(mnt, -1);
	ward_overlay_free(&ov);
	userns_drop(pid, userns);
}
END_TEST

/* The whole parent step: overlay rootfs, an idmapped volume, a device left alone. */
START_TEST(idmap_prepare_overlay_and_binds)
{
	struct ward_mounts_plan p;
	struct ward_err e = { 0 };
	struct ward_spec *s;
	struct layout l;
	char vol[PATH_MAX + 16];
	int userns, tree = -1, checked = 0;
	pid_t pid;

	layout_make(&l);
	sub(vol, &l, "volume");
	ck_assert_int_eq(mkdir(vol, 0755), 0);
	ck_assert_int_eq(chown(vol, 1000, 1000), 0);
	s = tm_spec("{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"%s\"},\"mounts\":["
		    "{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"%s\",\"options\":[\"rbind\"]}],"
		    "\"linux\":{\"namespaces\":[{\"type\":\"user\"},{\"type\":\"mount\"}],"
		    "\"uidMappings\":[{\"containerID\":0,\"hostID\":%u,\"size\":65536}],"
		    "\"gidMappings\":[{\"containerID\":0,\"hostID\":%u,\"size\":65536}]}}",
		    l.merged, vol, BASE, BASE);
	ck_assert_msg(ward_mounts_plan(s, NULL, &p, &e) == 0, "%s", e.msg);
	ward_spec_free(s);
	ck_assert_uint_eq(p.host_root_uid, BASE);
	ck_assert_uint_eq(p.host_root_gid, BASE);
	pid = userns_make(&userns);
	ck_assert_msg(ward_mounts_idmap_prepare(&p, userns, &tree, &e) == 0, "%s", e.msg);
	assert_owner(tree, "file", BASE, BASE);
	assert_owner(tree, "u1000", BASE + 1000, BASE + 1000);
	for (size_t i = 0; i < p.n_ops; i++) {
		const struct ward_mount_op *op = &p.ops[i];

		if (op->kind != WARD_MOP_BIND)
			continue;
		if (strcmp(op->target, "/data") == 0) {
			assert_owner(op->source_fd, "", BASE + 1000, BASE + 1000);
			checked++;
		} else if ((op->flags & WARD_MOP_F_DEVICE) &&
			   strcmp(op->target, "/dev/null") == 0) {
			struct stat host;
			struct ward_err de = { 0 };
			int node = -1;

			/* The child clones host nodes, and never idmaps them. */
			ck_assert_int_eq(op->source_fd, -1);
			ck_assert_msg(ward_mounts_clone_source(op, &node, &de) == 0,
				      "%s", de.msg);
			ck_assert_int_eq(stat("/dev/null", &host), 0);
			assert_owner(node, "", host.st_uid, host.st_gid);
			close(node);
			checked++;
		}
	}
	ck_assert_int_eq(checked, 2);
	close(tree);
	ward_mounts_plan_free(&p);
	userns_drop(pid, userns);
	layout_remove(&l);
}
END_TEST

/* Is path the root of a mount (in this mount namespace)? */
static bool
is_mount_root(const char *path)
{
	struct statx stx;

	ck_assert_int_eq(statx(AT_FDCWD, path, 0, STATX_BASIC_STATS, &stx), 0);
	return (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
}

/* A tmpfs with an empty directory "x", made shared (a peer group of its own). */
static void
shared_tmpfs(const char *dir)
{
	char p[PATH_MAX + 8];

	ck_assert_int_eq(mount("tmpfs", dir, "tmpfs", 0, "mode=755"), 0);
	snprintf(p, sizeof(p), "%s/x", dir);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	ck_assert_int_eq(mount(NULL, dir, NULL, MS_SHARED, NULL), 0);
}

/*
 * A rootfs or volume on a shared mount (Docker's overlay2 "merged" dir; "/"
 * under systemd): the clones must not join its peer group, or every mount
 * the container makes would show up on the host. With "rslave" the host's
 * new mounts still come in.
 */
START_TEST(clones_do_not_propagate)
{
	struct ward_mounts_plan p;
	struct ward_err e = { 0 };
	struct ward_spec *s;
	char dir[PATH_MAX], root[PATH_MAX + 16], vol[PATH_MAX + 16];
	char slv[PATH_MAX + 16], at[PATH_MAX + 16], sub[PATH_MAX + 32];
	int found = 0;

	private_ns();
	tm_bundle_make(dir, sizeof(dir), 0);
	snprintf(root, sizeof(root), "%s/rootfs", dir);
	snprintf(vol, sizeof(vol), "%s/v", dir);
	snprintf(slv, sizeof(slv), "%s/s", dir);
	snprintf(at, sizeof(at), "%s/at", dir);
	ck_assert_int_eq(mkdir(vol, 0755), 0);
	ck_assert_int_eq(mkdir(slv, 0755), 0);
	ck_assert_int_eq(mkdir(at, 0755), 0);
	shared_tmpfs(vol);
	shared_tmpfs(slv);
	shared_tmpfs(root);
	s = tm_spec("{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"%s\"},\"mounts\":["
		    "{\"destination\":\"/v\",\"type\":\"bind\",\"source\":\"%s\",\"options\":[\"rbind\",\"rprivate\"]},"
		    "{\"destination\":\"/s\",\"type\":\"bind\",\"source\":\"%s\",\"options\":[\"rbind\",\"rslave\"]}]}",
		    root, vol, slv);
	ck_assert_msg(ward_mounts_plan(s, NULL, &p, &e) == 0, "%s", e.msg);
	ward_spec_free(s);
	for (size_t i = 0; i <= p.n_ops; i++) {
		int fd = i == p.n_ops ? p.rootfs_fd : p.ops[i].source_fd;
		const char *src = i == p.n_ops ? root : p.ops[i].source;

		if (i < p.n_ops && (p.ops[i].kind != WARD_MOP_BIND ||
				    (p.ops[i].flags & WARD_MOP_F_DEVICE)))
			continue;
		found++;
		/* What the child does: attach, then mount below it. */
		ck_assert_int_eq(ward_move_mount(fd, "", AT_FDCWD, at,
						 MOVE_MOUNT_F_EMPTY_PATH), 0);
		snprintf(sub, sizeof(sub), "%s/x", at);
		ck_assert_int_eq(mount("tmpfs", sub, "tmpfs", 0, NULL), 0);
		snprintf(sub, sizeof(sub), "%s/x", src);
		ck_assert_msg(!is_mount_root(sub), "%s: the container's mount reached the host", src);
		if (strcmp(src, slv) == 0) {
			/* A slave still receives: a new host mount shows inside. */
			snprintf(sub, sizeof(sub), "%s/x", at);
			ck_assert_int_eq(umount2(sub, MNT_DETACH), 0);
			snprintf(sub, sizeof(sub), "%s/x", src);
			ck_assert_int_eq(mount("tmpfs", sub, "tmpfs", 0, NULL), 0);
			snprintf(sub, sizeof(sub), "%s/x", at);
			ck_assert_msg(is_mount_root(sub), "rslave: the host's mount did not come in");
		}
		ck_assert_int_eq(umount2(at, MNT_DETACH), 0);
	}
	ck_assert_int_eq(found, 3);
	ward_mounts_plan_free(&p);
	ck_assert_int_eq(umount2(root, MNT_DETACH), 0);
	ck_assert_int_eq(umount2(vol, MNT_DETACH), 0);
	ck_assert_int_eq(umount2(slv, MNT_DETACH), 0);
	tm_bundle_remove(dir);
}
END_TEST

TCase *
tm_overlay_tcase(void)
{
	TCase *tc = tcase_create("overlay");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, parse_docker_options);
	tcase_add_test(tc, parse_escapes_data_layers_and_options);
	tcase_add_test(tc, parse_refusals);
	tcase_add_test(tc, overlay_of_finds_layers);
	tcase_add_test(tc, overlay_on_idmapped_layers);
	tcase_add_test(tc, overlay_missing_layer);
	tcase_add_test(tc, idmap_prepare_overlay_and_binds);
	tcase_add_test(tc, clones_do_not_propagate);
	return tc;
}
