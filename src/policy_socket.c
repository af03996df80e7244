/* SPDX-License-Identifier: Apache-2.0 */
/*
 * engine-socket: a container engine's API socket is root on the host, so no
 * mount may expose one: not the socket, not a directory holding it, not the
 * same socket reached by another name.
 */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "ward/cleanup.h"
#include "policy.h"

static const char *const socket_names[] = {
	"docker.sock",	   "containerd.sock", "containerd.sock.ttrpc",
	"crio.sock",	   "podman.sock",     "dockershim.sock",
	"cri-dockerd.sock", "buildkitd.sock",
};

/* Where engines put them; '*' is one path component (a uid). */
static const char *const socket_paths[] = {
	"/run/docker.sock",
	"/var/run/docker.sock",
	"/run/containerd/containerd.sock",
	"/run/containerd/containerd.sock.ttrpc",
	"/var/run/containerd/containerd.sock",
	"/run/crio/crio.sock",
	"/var/run/crio/crio.sock",
	"/run/podman/podman.sock",
	"/run/dockershim.sock",
	"/run/cri-dockerd.sock",
	"/run/buildkit/buildkitd.sock",
	"/run/user/*/docker.sock",
	"/run/user/*/podman/podman.sock",
	"/run/user/*/containerd-rootless/containerd.sock",
};

static bool
is_socket_name(const char *name)
{
	for (size_t i = 0; i < WARD_ARRAY_SIZE(socket_names); i++)
		if (strcmp(name, socket_names[i]) == 0)
			return true;
	return false;
}

/* Is p the pattern's path, or an ancestor directory of it? */
static bool
holds_pattern(const char *p, const char *pattern)
{
	char prefix[PATH_MAX];
	size_t n = strlen(pattern);

	if (strcmp(p, "/") == 0)
		return true;
	for (size_t i = 1; i <= n; i++) {
		if (pattern[i] != '/' && pattern[i] != '\0')
			continue;
		memcpy(prefix, pattern, i);
		prefix[i] = '\0';
		if (fnmatch(prefix, p, FNM_PATHNAME) == 0)
			return true;
	}
	return false;
}

/* The known location p holds or is, if any (also through a symlinked one). */
static const char *
known_socket_within(const char *p)
{
	for (size_t i = 0; i < WARD_ARRAY_SIZE(socket_paths); i++) {
		char real[PATH_MAX];

		if (holds_pattern(p, socket_paths[i]))
			return socket_paths[i];
		if (strchr(socket_paths[i], '*') == NULL &&
		    realpath(socket_paths[i], real) != NULL &&
		    ward_path_is_within(real, p))
			return socket_paths[i];
	}
	return NULL;
}

/* The same socket inode under another name (a hard link, a bind mount). */
static const char *
known_socket_alias(const struct stat *st)
{
	for (size_t i = 0; i < WARD_ARRAY_SIZE(socket_paths); i++) {
		struct stat k;

		if (strchr(socket_paths[i], '*') == NULL &&
		    stat(socket_paths[i], &k) == 0 && S_ISSOCK(k.st_mode) &&
		    k.st_dev == st->st_dev && k.st_ino == st->st_ino)
			return socket_paths[i];
	}
	return NULL;
}

/*
 * A directory in an unusual place may still hold an engine socket
 * (DOCKER_HOST=unix:///srv/engine/docker.sock): look one level down. An
 * unreadable directory cannot be shown clean, so it counts as holding one.
 */
static int
scan_dir(const char *dir, char *found, size_t len)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	struct dirent *de;

	if (d == NULL)
		return -errno;
	errno = 0;
	while ((de = readdir(d)) != NULL) {
		if (is_socket_name(de->d_name)) {
			snprintf(found, len, "%s", de->d_name);
			return 1;
		}
	}
	return errno != 0 ? -errno : 0;
}

static int
check_socket(struct policy_ctx *x, const struct policy_rule *rule,
	     const char *jpath, const char *raw)
{
	struct ward_verdict v = policy_verdict(rule);
	char res[PATH_MAX], found[NAME_MAX + 1];
	const char *base, *known;
	struct stat st;
	int ret;

	policy_path(&v, "%s", jpath);
	ret = policy_resolve_host(raw, x->s->bundle, res, sizeof(res));
	if (ret < 0)
		return policy_emit(x, &v, "cannot resolve host path %s: %s", raw,
				   strerror(-ret));
	base = strrchr(res, '/') + 1;
	if (is_socket_name(base))
		return policy_emit(x, &v, "mounts %s, a container engine's "
					  "socket", res);
	known = known_socket_within(res);
	if (known != NULL)
		return policy_emit(x, &v, "mounts %s, which holds the engine "
					  "socket %s", res, known);
	if (stat(res, &st) < 0)
		return 0;
	known = S_ISSOCK(st.st_mode) ? known_socket_alias(&st) : NULL;
	if (known != NULL)
		return policy_emit(x, &v, "mounts %s, the engine socket %s under "
					  "another name", res, known);
	if (!S_ISDIR(st.st_mode))
		return 0;
	ret = scan_dir(res, found, sizeof(found));
	if (ret < 0)
		return policy_emit(x, &v, "cannot list %s to rule out an engine "
					  "socket: %s", res, strerror(-ret));
	if (ret > 0)
		return policy_emit(x, &v, "mounts %s, which holds %s, a container "
					  "engine's socket", res, found);
	return 0;
}

int
policy_check_engine_socket(struct policy_ctx *x, const struct policy_rule *rule)
{
	return policy_for_each_host_source(x, rule, check_socket);
}
