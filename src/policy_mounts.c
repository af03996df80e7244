/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Rules about mounts that take a host path: no host system directory (or an
 * ancestor or descendant of one), and no shared propagation. Sources are
 * resolved the way the kernel will resolve them, so /var/run/x is /run/x.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy.h"

bool
policy_mount_is_bind(const struct ward_mount *m)
{
	if (m->type != NULL && strcmp(m->type, "bind") == 0)
		return true;
	for (size_t i = 0; i < m->n_options; i++)
		if (strcmp(m->options[i], "bind") == 0 ||
		    strcmp(m->options[i], "rbind") == 0)
			return true;
	return false;
}

/* Move the last component of path (absolute, not "/") to the front of tail. */
static int
pop_component(char *path, char *tail, size_t len)
{
	char tmp[PATH_MAX];
	char *slash;
	size_t n = strlen(path);

	while (n > 1 && path[n - 1] == '/')
		path[--n] = '\0';
	slash = strrchr(path, '/');
	if (snprintf(tmp, sizeof(tmp), "%s%s%s", slash + 1,
		     tail[0] != '\0' ? "/" : "", tail) >= (int)sizeof(tmp) ||
	    strlen(tmp) >= len)
		return -ENAMETOOLONG;
	strcpy(tail, tmp);
	if (slash == path)
		path[1] = '\0';
	else
		*slash = '\0';
	return 0;
}

int
policy_resolve_host(const char *src, const char *bundle, char *out, size_t len)
{
	char path[PATH_MAX], tail[PATH_MAX] = "", real[PATH_MAX];
	char joined[2 * PATH_MAX + 2];

	if (src == NULL || src[0] == '\0')
		return -EINVAL;
	/* runtime-spec: a relative source is relative to the bundle (which
	 * may itself be relative to the current directory). */
	if (src[0] == '/' || bundle == NULL) {
		if (strlen(src) >= sizeof(path))
			return -ENAMETOOLONG;
		strcpy(path, src);
	} else if (snprintf(path, sizeof(path), "%s/%s", bundle, src) >=
		   (int)sizeof(path)) {
		return -ENAMETOOLONG;
	}
	if (path[0] != '/') {
		char cwd[PATH_MAX], rel[PATH_MAX];

		if (getcwd(cwd, sizeof(cwd)) == NULL)
			return -errno;
		strcpy(rel, path);
		if (snprintf(path, sizeof(path), "%s/%s", cwd, rel) >=
		    (int)sizeof(path))
			return -ENAMETOOLONG;
	}
	/* "/" always resolves, so this walk ends. */
	while (realpath(path, real) == NULL) {
		int ret;

		if (errno != ENOENT && errno != ENOTDIR)
			return -errno;
		ret = pop_component(path, tail, sizeof(tail));
		if (ret < 0)
			return ret;
	}
	/* A missing tail is checked lexically: it is what mount would create
	 * or fail on. */
	snprintf(joined, sizeof(joined), "%s/%s", real, tail);
	return ward_path_clean(joined, out, len);
}

/*
 * Engine-managed per-container files must still pass: Docker binds
 * containers/<id>/{hosts,hostname,resolv.conf}, mounts/shm and
 * volumes/<name>/_data; containerd's CRI, kubelet and Podman/CRI-O have
 * the same shapes. A source passes only at least two levels below one of
 * these (a file of one container or volume), never the directory itself.
 */
static const char *const engine_dirs[] = {
	"/var/lib/docker/containers",
	"/var/lib/docker/volumes",
	"/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes",
	"/var/lib/containerd/io.containerd.grpc.v1.cri/containers",
	"/run/containerd/io.containerd.grpc.v1.cri/sandboxes",
	"/var/lib/kubelet/pods",
	"/var/lib/containers/storage/overlay-containers",
	"/var/lib/containers/storage/volumes",
	"/run/containers/storage/overlay-containers",
};

static const char *const host_dirs[] = {
	"/", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32",
	"/usr", "/bin", "/sbin", "/proc", "/sys", "/run", "/var/run",
	"/var/lib/docker", "/var/lib/containerd", "/var/lib/kubelet",
	"/var/lib/containers", "/root",
};

static bool
engine_managed_dirs(const char *p)
{
	for (size_t i = 0; i < WARD_ARRAY_SIZE(engine_dirs); i++) {
		size_t n = strlen(engine_dirs[i]);
		const char *rest, *slash;

		if (!ward_path_is_within(p, engine_dirs[i]) || p[n] == '\0')
			continue;
		rest = p + n + 1;
		slash = strchr(rest, '/');
		if (slash != NULL && slash[1] != '\0')
			return true;
	}
	return false;
}

/*
 * dockerd --userns-remap keeps the same state one level down, in
 * /var/lib/docker/<uid>.<gid>/: the same files get the same exemption.
 */
static bool
engine_managed(const char *p)
{
	static const char docker[] = "/var/lib/docker/";
	char unmapped[PATH_MAX];
	const char *rest;
	size_t n, m;

	if (engine_managed_dirs(p))
		return true;
	if (!ward_str_has_prefix(p, docker))
		return false;
	rest = p + sizeof(docker) - 1;
	n = strspn(rest, "0123456789");
	if (n == 0 || rest[n] != '.')
		return false;
	m = strspn(rest + n + 1, "0123456789");
	if (m == 0 || rest[n + 1 + m] != '/')
		return false;
	snprintf(unmapped, sizeof(unmapped), "/var/lib/docker%s", rest + n + 1 + m);
	return engine_managed_dirs(unmapped);
}

enum conflict { NONE, SAME, INSIDE, CONTAINS, ALIAS };

/* How does the (cleaned, resolved) source p relate to forbidden dir f? */
static enum conflict
lexical_conflict(const char *p, const char *f)
{
	if (strcmp(p, f) == 0)
		return SAME;
	/* "/" is refused as itself; everything is inside it. */
	if (strcmp(f, "/") != 0 && ward_path_is_within(p, f))
		return INSIDE;
	if (ward_path_is_within(f, p))
		return CONTAINS;
	return NONE;
}

/*
 * The same directory reached through a bind mount (a Docker volume created
 * with -o bind,device=/etc) is invisible to realpath; its inode is not.
 */
static bool
is_alias(const struct stat *pst, const char *f)
{
	struct stat fst;

	return pst != NULL && stat(f, &fst) == 0 && S_ISDIR(fst.st_mode) &&
	       fst.st_dev == pst->st_dev && fst.st_ino == pst->st_ino;
}

/* Is the last of "ro"/"rw" in a mount's options "ro"? */
static bool
mount_readonly(const struct ward_mount *m)
{
	bool ro = false;

	for (size_t j = 0; j < m->n_options; j++) {
		if (strcmp(m->options[j], "ro") == 0)
			ro = true;
		else if (strcmp(m->options[j], "rw") == 0)
			ro = false;
	}
	return ro;
}

/*
 * An init the engine injects (docker run --init binds /usr/bin/docker-init,
 * Podman binds catatonit): a read-only bind of one regular, non-set-id file
 * from /usr. /usr holds no secrets and the bind cannot change the file, so
 * it gives the container nothing to misuse. jpath says which mount
 * (mounts[N].source); any other shape is not exempt.
 */
static bool
init_binary(const struct policy_ctx *x, const char *jpath, const char *res,
	    const struct stat *pst)
{
	size_t i;
	int n = 0;

	if (pst == NULL || !S_ISREG(pst->st_mode) ||
	    (pst->st_mode & (S_ISUID | S_ISGID)) != 0 ||
	    lexical_conflict(res, "/usr") != INSIDE)
		return false;
	if (sscanf(jpath, "mounts[%zu].source%n", &i, &n) != 1 ||
	    jpath[n] != '\0' || i >= x->s->n_mounts)
		return false;
	return policy_mount_is_bind(&x->s->mounts[i]) &&
	       mount_readonly(&x->s->mounts[i]);
}

static int
emit_conflict(struct policy_ctx *x, struct ward_verdict *v, enum conflict c,
	      const char *res, const char *f, const char *origin)
{
	switch (c) {
	case SAME:
		return policy_emit(x, v, "binds host %s%s", res, origin);
	case INSIDE:
		return policy_emit(x, v, "binds %s, inside host %s%s", res, f,
				   origin);
	case CONTAINS:
		return policy_emit(x, v, "binds %s, which contains host %s%s",
				   res, f, origin);
	case ALIAS:
	case NONE:
		break;
	}
	return policy_emit(x, v, "binds %s, the same directory as host %s%s",
			   res, f, origin);
}

static int
check_host_path(struct policy_ctx *x, const struct policy_rule *rule,
		const char *jpath, const char *raw)
{
	struct ward_verdict v = policy_verdict(rule);
	const struct ward_conf *c = x->conf;
	const struct stat *pst;
	char res[PATH_MAX];
	struct stat st;
	bool exempt;
	int ret;

	policy_path(&v, "%s", jpath);
	ret = policy_resolve_host(raw, x->s->bundle, res, sizeof(res));
	if (ret < 0)
		return policy_emit(x, &v, "cannot resolve host path %s: %s", raw,
				   strerror(-ret));
	pst = stat(res, &st) == 0 ? &st : NULL;
	/* Engine-managed files skip the lexical test, never the alias one. */
	exempt = engine_managed(res) || init_binary(x, jpath, res, pst);
	for (size_t i = 0; i < WARD_ARRAY_SIZE(host_dirs) && !exempt; i++) {
		enum conflict k = lexical_conflict(res, host_dirs[i]);

		if (k != NONE)
			return emit_conflict(x, &v, k, res, host_dirs[i], "");
	}
	/* ward.conf paths are the admin's: no engine exemption for them. */
	for (size_t i = 0; i < c->n_forbidden_paths; i++) {
		enum conflict k = lexical_conflict(res, c->forbidden_paths[i]);

		if (k != NONE)
			return emit_conflict(x, &v, k, res, c->forbidden_paths[i],
					     " (ward.conf forbidden_path)");
	}
	for (size_t i = 0; i < WARD_ARRAY_SIZE(host_dirs); i++)
		if (is_alias(pst, host_dirs[i]))
			return emit_conflict(x, &v, ALIAS, res, host_dirs[i], "");
	for (size_t i = 0; i < c->n_forbidden_paths; i++)
		if (is_alias(pst, c->forbidden_paths[i]))
			return emit_conflict(x, &v, ALIAS, res, c->forbidden_paths[i],
					     " (ward.conf forbidden_path)");
	return 0;
}

/* overlay's lowerdir=a:b:c, upperdir=d, workdir=e name host directories. */
static int
overlay_dirs(struct policy_ctx *x, const struct policy_rule *rule, size_t i,
	     size_t j,
	     int (*fn)(struct policy_ctx *, const struct policy_rule *,
		       const char *, const char *))
{
	static const char *const keys[] = { "lowerdir=", "upperdir=", "workdir=" };
	const char *opt = x->s->mounts[i].options[j];
	char jpath[64], dir[PATH_MAX];
	int ret = 0;

	snprintf(jpath, sizeof(jpath), "mounts[%zu].options[%zu]", i, j);
	for (size_t k = 0; k < WARD_ARRAY_SIZE(keys); k++) {
		const char *p;

		if (!ward_str_has_prefix(opt, keys[k]))
			continue;
		for (p = opt + strlen(keys[k]); ret == 0 && *p != '\0';) {
			size_t n = strcspn(p, ":");

			if (n >= sizeof(dir))
				n = sizeof(dir) - 1;
			memcpy(dir, p, n);
			dir[n] = '\0';
			if (n > 0)
				ret = fn(x, rule, jpath, dir);
			p += strcspn(p, ":");
			if (*p == ':')
				p++;
		}
	}
	return ret;
}

/*
 * Every host path a mount names: a bind's source, any absolute source (a
 * block device, say), and an overlay's lowerdir/upperdir/workdir.
 */
int
policy_for_each_host_source(struct policy_ctx *x, const struct policy_rule *rule,
			    int (*fn)(struct policy_ctx *,
				      const struct policy_rule *, const char *,
				      const char *))
{
	int ret = 0;

	for (size_t i = 0; i < x->s->n_mounts && ret == 0; i++) {
		const struct ward_mount *m = &x->s->mounts[i];
		char jpath[64];

		if (m->source != NULL &&
		    (policy_mount_is_bind(m) || m->source[0] == '/')) {
			snprintf(jpath, sizeof(jpath), "mounts[%zu].source", i);
			ret = fn(x, rule, jpath, m->source);
		}
		if (m->type == NULL || strcmp(m->type, "overlay") != 0)
			continue;
		for (size_t j = 0; j < m->n_options && ret == 0; j++)
			ret = overlay_dirs(x, rule, i, j, fn);
	}
	return ret;
}

/*
 * root.path is a host directory too. Engines keep rootfses inside their own
 * state (/var/lib/docker/overlay2/<id>/merged, /run/containerd/.../rootfs),
 * so "inside" passes; the host's / or a system directory itself (or a
 * directory holding one, or a bind-mounted alias of one) as the rootfs
 * hands the container the host.
 */
static int
check_root(struct policy_ctx *x, const struct policy_rule *rule)
{
	const struct ward_conf *c = x->conf;
	struct ward_verdict v = policy_verdict(rule);
	char res[PATH_MAX];
	struct stat st;
	const struct stat *pst;
	int ret;

	if (!x->s->has_root || x->s->root.path == NULL)
		return 0;
	policy_path(&v, "root.path");
	ret = policy_resolve_host(x->s->root.path, x->s->bundle, res, sizeof(res));
	if (ret < 0)
		return policy_emit(x, &v, "cannot resolve rootfs %s: %s",
				   x->s->root.path, strerror(-ret));
	pst = stat(res, &st) == 0 ? &st : NULL;
	for (size_t i = 0; i < WARD_ARRAY_SIZE(host_dirs); i++) {
		enum conflict k = lexical_conflict(res, host_dirs[i]);

		if (k == SAME || k == CONTAINS)
			return policy_emit(x, &v, "the rootfs %s %s host %s", res,
					   k == SAME ? "is" : "contains",
					   host_dirs[i]);
		if (is_alias(pst, host_dirs[i]))
			return policy_emit(x, &v, "the rootfs %s is the same "
						  "directory as host %s",
					   res, host_dirs[i]);
	}
	for (size_t i = 0; i < c->n_forbidden_paths; i++)
		if (lexical_conflict(res, c->forbidden_paths[i]) != NONE)
			return policy_emit(x, &v, "the rootfs %s overlaps %s "
						  "(ward.conf forbidden_path)",
					   res, c->forbidden_paths[i]);
	return 0;
}

int
policy_check_host_paths(struct policy_ctx *x, const struct policy_rule *rule)
{
	int ret = check_root(x, rule);

	return ret < 0 ? ret : policy_for_each_host_source(x, rule,
							   check_host_path);
}

int
policy_check_propagation(struct policy_ctx *x, const struct policy_rule *rule)
{
	const char *rp = x->s->linux.rootfs_propagation;
	int ret = 0;

	for (size_t i = 0; i < x->s->n_mounts && ret == 0; i++) {
		const struct ward_mount *m = &x->s->mounts[i];

		for (size_t j = 0; j < m->n_options && ret == 0; j++) {
			struct ward_verdict v = policy_verdict(rule);

			if (strcmp(m->options[j], "shared") != 0 &&
			    strcmp(m->options[j], "rshared") != 0)
				continue;
			policy_path(&v, "mounts[%zu].options[%zu]", i, j);
			ret = policy_emit(x, &v, "%s propagation on %s: mounts "
						 "made in the container appear "
						 "on the host",
					  m->options[j],
					  m->destination ? m->destination : "?");
		}
	}
	if (ret == 0 && rp != NULL &&
	    (strcmp(rp, "shared") == 0 || strcmp(rp, "rshared") == 0)) {
		struct ward_verdict v = policy_verdict(rule);

		policy_path(&v, "linux.rootfsPropagation");
		ret = policy_emit(x, &v, "%s rootfs propagation: mounts made in "
					 "the container appear on the host", rp);
	}
	return ret;
}
