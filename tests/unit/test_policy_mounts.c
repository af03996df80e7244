/* SPDX-License-Identifier: Apache-2.0 */
/* Policy: host paths, engine sockets and mount propagation. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_policy.h"

static char tmp[PATH_MAX];

static void
setup_tmp(void)
{
	snprintf(tmp, sizeof(tmp), "/tmp/ward-policy-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmp));
}

static void
teardown_tmp(void)
{
	pid_t pid = fork();

	/* No system(): a child execs rm. */
	if (pid == 0) {
		execlp("rm", "rm", "-rf", "--", tmp, (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

static const char *
in_tmp(const char *name)
{
	static char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", tmp, name);
	return p;
}

/* The verdicts for one extra bind of src; caller frees. */
static struct ward_spec *
bind_one(const char *src, struct ward_report *r, const struct ward_conf *c)
{
	struct ward_spec *s = tp_good();

	tp_add_mount(s, "bind", src, "/mnt", "rbind", "rprivate", NULL);
	tp_run(s, c, r);
	return s;
}

START_TEST(engine_managed_files_pass)
{
	static const char *const ok[] = {
		"/var/lib/docker/containers/4f1c2a9e8b7d/hosts",
		"/var/lib/docker/containers/4f1c2a9e8b7d/resolv.conf",
		"/var/lib/docker/containers/4f1c2a9e8b7d/mounts/shm",
		"/var/lib/docker/volumes/data/_data",
		/* dockerd --userns-remap: the same, below <uid>.<gid>/ */
		"/var/lib/docker/100000.100000/containers/4f1c2a9e8b7d/hosts",
		"/var/lib/docker/100000.100000/volumes/data/_data",
		"/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/ab12/hosts",
		"/run/containerd/io.containerd.grpc.v1.cri/sandboxes/ab12/shm",
		"/var/lib/kubelet/pods/0c1d/volumes/kubernetes.io~secret/tok",
		"/var/run/containers/storage/overlay-containers/ab/userdata/hosts",
	};
	struct ward_spec *s = tp_good();
	struct ward_report r;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		tp_add_mount(s, "bind", ok[i], "/etc/hosts", "rbind", "rprivate",
			     NULL);
	tp_add_mount(s, "bind", tmp, "/data", "rbind", NULL);
	tp_add_mount(s, "tmpfs", "tmpfs", "/run", "nosuid", NULL);
	tp_run(s, NULL, &r);
	ck_assert_uint_eq(r.n_refused, 0);
	ward_report_free(&r);
	ward_spec_free(s);
}
END_TEST

START_TEST(host_dirs_refused)
{
	static const struct {
		const char *src, *what;
	} cases[] = {
		{ "/", "binds host /" },
		{ "/etc", "binds host /etc" },
		{ "/etc/passwd", "inside host /etc" },
		{ "/var", "contains host /var/run" },
		{ "/var/lib", "contains host /var/lib/docker" },
		{ "/usr/lib", "inside host /usr" },
		{ "/var/run/nothing-here/x", "/run/nothing-here/x, inside host /run" },
		{ "/var/lib/docker/containers/4f1c2a9e8b7d", "inside host /var/lib/docker" },
		{ "/var/lib/docker/volumes", "inside host /var/lib/docker" },
		{ "/var/lib/docker/volumes/metadata.db", "inside host /var/lib/docker" },
		{ "/var/lib/docker/100000.100000/containers", "inside host /var/lib/docker" },
		{ "/var/lib/docker/100000.100000/volumes/x", "inside host /var/lib/docker" },
		{ "/var/lib/docker/100000/containers/4f1c/hosts", "inside host /var/lib/docker" },
		{ "/var/lib/docker/1.x/containers/4f1c/hosts", "inside host /var/lib/docker" },
		{ "/root/.ssh", "inside host /root" },
		{ "/boot", "binds host /boot" },
		{ "/proc/1", "inside host /proc" },
		{ "/sys/kernel", "inside host /sys" },
		{ "/dev/sda", "inside host /dev" },
		{ "/lib64", "lib64" },	/* /usr/lib64 where /usr is merged */
		{ "//etc/./ssh/../", "binds host /etc" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ward_report r;
		struct ward_spec *s = bind_one(cases[i].src, &r, NULL);
		const struct ward_verdict *v =
			tp_refused(&r, "host-paths", "5.6", "mounts[1].source");

		ck_assert_msg(strstr(v->what, cases[i].what) != NULL,
			      "%s: %s", cases[i].src, v->what);
		ward_report_free(&r);
		ward_spec_free(s);
	}
}
END_TEST

START_TEST(rootfs_checked)
{
	static const struct {
		const char *root;
		const char *what;	/* NULL: passes */
	} cases[] = {
		{ "/", "the rootfs / is host /" },
		{ "/usr", "the rootfs /usr is host /usr" },
		{ "/var", "the rootfs /var contains host /var/run" },
		{ "/var/lib/docker/overlay2/8e3b/merged", NULL },
		{ "/run/containerd/io.containerd.runtime.v2.task/k8s.io/ab/rootfs", NULL },
		{ "rootfs", NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ward_spec *s = tp_good();
		struct ward_report r;

		s->root.path = ward_spec_strdup(s, cases[i].root);
		s->bundle = ward_spec_strdup(s, tmp);
		tp_run(s, NULL, &r);
		if (cases[i].what == NULL) {
			ck_assert_msg(r.n_refused == 0, "%s", cases[i].root);
		} else {
			const struct ward_verdict *v =
				tp_refused(&r, "host-paths", "5.6", "root.path");

			ck_assert_msg(strstr(v->what, cases[i].what) != NULL,
				      "%s: %s", cases[i].root, v->what);
		}
		ward_report_free(&r);
		ward_spec_free(s);
	}
}
END_TEST

START_TEST(symlinks_resolved)
{
	struct ward_report r;
	struct ward_spec *s;
	const struct ward_verdict *v;

	ck_assert_int_eq(symlink("/etc", in_tmp("etc-link")), 0);
	s = bind_one(in_tmp("etc-link"), &r, NULL);
	v = tp_refused(&r, "host-paths", "5.6", "mounts[1].source");
	ck_assert_ptr_nonnull(strstr(v->what, "binds host /etc"));
	ward_report_free(&r);
	ward_spec_free(s);

	/* A missing tail under a symlinked parent is still resolved. */
	s = bind_one(in_tmp("etc-link/not-there/x"), &r, NULL);
	v = tp_refused(&r, "host-paths", "5.6", "mounts[1].source");
	ck_assert_ptr_nonnull(strstr(v->what, "/etc/not-there/x, inside host /etc"));
	ward_report_free(&r);
	ward_spec_free(s);
}
END_TEST

START_TEST(relative_sources_use_the_bundle)
{
	struct ward_spec *s = tp_good();
	struct ward_report r;

	ck_assert_int_eq(mkdir(in_tmp("data"), 0700), 0);
	s->bundle = ward_spec_strdup(s, tmp);
	tp_add_mount(s, NULL, "data", "/data", "bind", NULL);
	tp_run(s, NULL, &r);
	ck_assert_uint_eq(r.n_refused, 0);
	ward_report_free(&r);
	tp_add_mount(s, NULL, "../../../../../../../../etc", "/x", "rbind", NULL);
	tp_run(s, NULL, &r);
	tp_refused(&r, "host-paths", "5.6", "mounts[2].source");
	ward_report_free(&r);
	ward_spec_free(s);
}
END_TEST

START_TEST(absolute_sources_and_overlay_dirs_checked)
{
	struct ward_spec *s = tp_good();
	struct ward_report r;
	const struct ward_verdict *v;

	tp_add_mount(s, "ext4", "/dev/sda1", "/disk", NULL);
	tp_add_mount(s, "overlay", "overlay", "/o", "lowerdir=/srv/a:/usr",
		     "upperdir=/srv/u", "workdir=/srv/w", NULL);
	tp_run(s, NULL, &r);
	tp_refused(&r, "host-paths", "5.6", "mounts[1].source");
	v = tp_refused(&r, "host-paths", "5.6", "mounts[2].options[0]");
	ck_assert_ptr_nonnull(strstr(v->what, "/usr"));
	tp_assert_rule_count(&r, "host-paths", 2);
	ward_report_free(&r);
	ward_spec_free(s);
}
END_TEST

START_TEST(conf_forbidden_paths_tighten)
{
	struct ward_conf *c = tp_conf("forbidden_path = /srv/secret\n"
				      "forbidden_path = /var/lib/docker/volumes/vault\n");
	const struct ward_verdict *v;
	struct ward_report r;
	struct ward_spec *s;

	s = bind_one("/srv/secret/keys", &r, c);
	v = tp_refused(&r, "host-paths", "5.6", "mounts[1].source");
	ck_assert_ptr_nonnull(strstr(v->what, "ward.conf forbidden_path"));
	ward_report_free(&r);
	ward_spec_free(s);
	/* No engine exemption for the admin's own paths. */
	s = bind_one("/var/lib/docker/volumes/vault/_data", &r, c);
	tp_refused(&r, "host-paths", "5.6", "mounts[1].source");
	ward_report_free(&r);
	ward_spec_free(s);
	s = bind_one("/srv/other", &r, c);
	ck_assert_uint_eq(r.n_refused, 0);
	ward_report_free(&r);
	ward_spec_free(s);
	ward_conf_free(c);
}
END_TEST

/* A directory bind-mounted elsewhere is still the host's /etc. */
START_TEST(bind_mounted_alias_refused)
{
	int status;
	pid_t pid;

	ck_assert_int_eq(mkdir(in_tmp("alias"), 0700), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct ward_report r;
		struct ward_spec *s;
		const struct ward_verdict *v;
		bool ok;

		/* A private mount namespace: the host's table stays as it is. */
		if (unshare(CLONE_NEWNS) < 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount("/etc", in_tmp("alias"), NULL, MS_BIND, NULL) < 0)
			_exit(2);
		s = bind_one(in_tmp("alias"), &r, NULL);
		v = r.n_refused == 1 ? &r.v[0] : NULL;
		ok = v != NULL && strcmp(v->rule, "host-paths") == 0 &&
		     strstr(v->what, "same directory as host /etc") != NULL;
		ward_report_free(&r);
		ward_spec_free(s);
		_exit(ok ? 0 : 1);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

START_TEST(engine_sockets_refused)
{
	static const struct {
		const char *src, *what;
	} cases[] = {
		{ "/var/run/docker.sock", "container engine's socket" },
		{ "/run/containerd/containerd.sock", "container engine's socket" },
		{ "/var/run/crio/crio.sock", "container engine's socket" },
		{ "/run/containerd", "holds the engine socket" },
		{ "/run/user/1000", "holds the engine socket" },
		{ "/", "holds the engine socket" },
	};
	const struct ward_verdict *v;
	struct ward_report r;
	struct ward_spec *s;
	int fd;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s = bind_one(cases[i].src, &r, NULL);
		v = tp_refused(&r, "engine-socket", "5.32", "mounts[1].source");
		ck_assert_msg(strstr(v->what, cases[i].what) != NULL, "%s: %s",
			      cases[i].src, v->what);
		ward_report_free(&r);
		ward_spec_free(s);
	}
	/* An engine socket in an unusual directory (DOCKER_HOST=unix://...). */
	fd = open(in_tmp("podman.sock"), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	close(fd);
	s = bind_one(tmp, &r, NULL);
	v = tp_refused(&r, "engine-socket", "5.32", "mounts[1].source");
	ck_assert_ptr_nonnull(strstr(v->what, "holds podman.sock"));
	tp_assert_rule_count(&r, "host-paths", 0);
	ward_report_free(&r);
	ward_spec_free(s);
}
END_TEST

/* host-paths for one bind of src with the given last two options. */
static size_t
init_bind_refusals(const char *src, const char *o1, const char *o2)
{
	struct ward_spec *s = tp_good();
	struct ward_report r;
	size_t n = 0;

	tp_add_mount(s, "bind", src, "/sbin/docker-init", "bind", o1, o2, NULL);
	tp_run(s, NULL, &r);
	for (size_t i = 0; i < r.n; i++)
		if (strcmp(r.v[i].rule, "host-paths") == 0)
			n++;
	ward_report_free(&r);
	ward_spec_free(s);
	return n;
}

/* docker run --init binds /usr/bin/docker-init read-only: that one passes. */
START_TEST(init_binary_bind_passes)
{
	struct stat st;

	ck_assert_int_eq(stat("/usr/bin/env", &st), 0);
	ck_assert_uint_eq(init_bind_refusals("/usr/bin/env", "ro", NULL), 0);
	/* Writable, or made writable again by a later "rw": refused. */
	ck_assert_uint_eq(init_bind_refusals("/usr/bin/env", "rw", NULL), 1);
	ck_assert_uint_eq(init_bind_refusals("/usr/bin/env", "ro", "rw"), 1);
	/* A directory of /usr, or a file of /etc, even read-only: refused. */
	ck_assert_uint_eq(init_bind_refusals("/usr/bin", "ro", NULL), 1);
	ck_assert_uint_eq(init_bind_refusals("/etc/passwd", "ro", NULL), 1);
	/* A set-id binary: refused. */
	if (stat("/usr/bin/su", &st) == 0 && (st.st_mode & S_ISUID))
		ck_assert_uint_eq(init_bind_refusals("/usr/bin/su", "ro", NULL), 1);
}
END_TEST

START_TEST(shared_propagation_refused)
{
	struct ward_spec *s = tp_good();
	const struct ward_verdict *v;
	struct ward_report r;

	tp_add_mount(s, "bind", tmp, "/a", "rbind", "rshared", NULL);
	tp_add_mount(s, "bind", tmp, "/b", "rbind", "rslave", NULL);
	tp_add_mount(s, "bind", tmp, "/c", "bind", "private", NULL);
	s->linux.rootfs_propagation = ward_spec_strdup(s, "shared");
	tp_run(s, NULL, &r);
	v = tp_refused(&r, "propagation", "5.20", "mounts[1].options[1]");
	ck_assert_ptr_nonnull(strstr(v->what, "rshared"));
	tp_refused(&r, "propagation", "5.20", "linux.rootfsPropagation");
	tp_assert_rule_count(&r, "propagation", 2);
	ward_report_free(&r);
	s->linux.rootfs_propagation = ward_spec_strdup(s, "rslave");
	s->mounts[1].options[1] = ward_spec_strdup(s, "rprivate");
	tp_run(s, NULL, &r);
	ck_assert_uint_eq(r.n_refused, 0);
	ward_report_free(&r);
	ward_spec_free(s);
}
END_TEST

void
test_policy_add_mounts(Suite *s)
{
	TCase *tc = tcase_create("mounts");

	tcase_add_checked_fixture(tc, setup_tmp, teardown_tmp);
	tcase_add_test(tc, engine_managed_files_pass);
	tcase_add_test(tc, host_dirs_refused);
	tcase_add_test(tc, rootfs_checked);
	tcase_add_test(tc, symlinks_resolved);
	tcase_add_test(tc, relative_sources_use_the_bundle);
	tcase_add_test(tc, absolute_sources_and_overlay_dirs_checked);
	tcase_add_test(tc, conf_forbidden_paths_tighten);
	tcase_add_test(tc, bind_mounted_alias_refused);
	tcase_add_test(tc, engine_sockets_refused);
	tcase_add_test(tc, shared_propagation_refused);
	tcase_add_test(tc, init_binary_bind_passes);
	suite_add_tcase(s, tc);
}
