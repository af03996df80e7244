/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The OCI features document (runtime-spec features.md): exactly what ward
 * implements, so higher layers (containerd, Kubernetes) can ask instead of
 * guessing. Keep it in step with spec.c, mounts.c and seccomp.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <seccomp.h>
#include <yajl/yajl_gen.h>

#include "ward/ward.h"
#include "capname.h"
#include "util.h"

static const char *const hooks[] = {
	"prestart", "createRuntime", "createContainer", "startContainer",
	"poststart", "poststop",
};

static const char *const mount_options[] = {
	"async", "atime", "bind", "defaults", "dev", "diratime", "dirsync",
	"exec", "mand", "noatime", "nodev", "nodiratime", "noexec", "nomand",
	"norelatime", "nostrictatime", "nosuid", "private", "rbind", "relatime",
	"remount", "ro", "rprivate", "rslave", "runbindable", "rw", "slave",
	"strictatime", "suid", "sync", "unbindable",
};

static const char *const namespaces[] = {
	"cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts",
};

static const char *const seccomp_actions[] = {
	"SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL",
	"SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG",
	"SCMP_ACT_TRACE", "SCMP_ACT_TRAP",
};

static const char *const seccomp_ops[] = {
	"SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE",
	"SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE",
};

static const char *const seccomp_archs[] = {
	"SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32",
	"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM",
};

static const char *const seccomp_flags[] = {
	"SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
};

static void
key(yajl_gen g, const char *k)
{
	yajl_gen_string(g, (const unsigned char *)k, strlen(k));
}

static void
str(yajl_gen g, const char *k, const char *v)
{
	key(g, k);
	yajl_gen_string(g, (const unsigned char *)v, strlen(v));
}

static void
list(yajl_gen g, const char *k, const char *const *v, size_t n)
{
	key(g, k);
	yajl_gen_array_open(g);
	for (size_t i = 0; i < n; i++)
		yajl_gen_string(g, (const unsigned char *)v[i], strlen(v[i]));
	yajl_gen_array_close(g);
}

static void
flag(yajl_gen g, const char *k, bool enabled)
{
	key(g, k);
	yajl_gen_map_open(g);
	key(g, "enabled");
	yajl_gen_bool(g, enabled);
	yajl_gen_map_close(g);
}

static void
gen_seccomp(yajl_gen g)
{
	key(g, "seccomp");
	yajl_gen_map_open(g);
	key(g, "enabled");
	yajl_gen_bool(g, 1);
	list(g, "actions", seccomp_actions, WARD_ARRAY_SIZE(seccomp_actions));
	list(g, "operators", seccomp_ops, WARD_ARRAY_SIZE(seccomp_ops));
	list(g, "archs", seccomp_archs, WARD_ARRAY_SIZE(seccomp_archs));
	list(g, "knownFlags", seccomp_flags, WARD_ARRAY_SIZE(seccomp_flags));
	list(g, "supportedFlags", seccomp_flags, WARD_ARRAY_SIZE(seccomp_flags));
	yajl_gen_map_close(g);
}

static void
gen_linux(yajl_gen g)
{
	const char *caps[WARD_CAP_LAST + 1];

	for (int i = 0; i <= WARD_CAP_LAST; i++)
		caps[i] = ward_cap_name(i);
	key(g, "linux");
	yajl_gen_map_open(g);
	list(g, "namespaces", namespaces, WARD_ARRAY_SIZE(namespaces));
	list(g, "capabilities", caps, WARD_ARRAY_SIZE(caps));
	key(g, "cgroup");
	yajl_gen_map_open(g);
	key(g, "v1");
	yajl_gen_bool(g, 1);
	key(g, "v2");
	yajl_gen_bool(g, 1);
	key(g, "systemd");
	yajl_gen_bool(g, 0);
	key(g, "systemdUser");
	yajl_gen_bool(g, 0);
	key(g, "rdma");
	yajl_gen_bool(g, 0);
	yajl_gen_map_close(g);
	gen_seccomp(g);
	flag(g, "apparmor", false);
	flag(g, "selinux", false);
	flag(g, "intelRdt", false);
	key(g, "mountExtensions");
	yajl_gen_map_open(g);
	flag(g, "idmap", false);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
}

int
ward_features_json(char **json, size_t *len, struct ward_err *e)
{
	const struct scmp_version *v = seccomp_version();
	const unsigned char *buf;
	char ver[32];
	yajl_gen g = yajl_gen_alloc(NULL);

	if (g == NULL)
		return ward_err_set(e, ENOMEM, "features");
	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_map_open(g);
	str(g, "ociVersionMin", "1.0.0");
	str(g, "ociVersionMax", WARD_OCI_VERSION);
	list(g, "hooks", hooks, WARD_ARRAY_SIZE(hooks));
	list(g, "mountOptions", mount_options, WARD_ARRAY_SIZE(mount_options));
	gen_linux(g);
	key(g, "annotations");
	yajl_gen_map_open(g);
	snprintf(ver, sizeof(ver), "%u.%u.%u", v->major, v->minor, v->micro);
	str(g, "io.github.seccomp.libseccomp.version", ver);
	str(g, "org.ward.version", WARD_VERSION);
	str(g, "org.ward.policy", "refuse-privileged,userns-always,seccomp-baseline");
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	if (yajl_gen_get_buf(g, &buf, len) != yajl_gen_status_ok ||
	    (*json = strndup((const char *)buf, *len)) == NULL) {
		yajl_gen_free(g);
		return ward_err_set(e, ENOMEM, "features");
	}
	yajl_gen_free(g);
	return 0;
}
