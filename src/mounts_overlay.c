/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
/*
 * An overlay rootfs (Docker's overlay2 "merged" dir, containerd's snapshot
 * mounted at <bundle>/rootfs) re-mounted on idmapped layers, parent side.
 *
 * An overlay mount cannot itself be idmapped (overlayfs does not set
 * FS_ALLOW_IDMAP), but its layers can: each layer is cloned (open_tree) and
 * idmapped to the container's user namespace, and a fresh overlay is built
 * on those clones. Inside, the image's files show their own owners; what
 * the container writes lands in the upper layer with the image's ids, not
 * the shifted host ids.
 *
 * Facts this relies on (Linux 6.15+): overlayfs takes layers as file
 * descriptors (fsconfig FSCONFIG_SET_FD "lowerdir+", "upperdir", "workdir"),
 * and those may live on detached mounts. The layers are read from the
 * mount's super options in /proc/self/mountinfo: that is what the kernel
 * really stacked, whoever mounted it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/magic.h>

#include "ward/cleanup.h"
#include "log.h"
#include "mounts_int.h"
#include "sys.h"

/* Super options an overlay shows whose value changes how layers read. */
static const char *const carried[] = {
	"redirect_dir", "metacopy", "xino", "uuid", "userxattr", "verity",
};
/* Shown, but either forced below (index) or irrelevant to a second mount. */
static const char *const ignored[] = {
	"rw", "ro", "index", "nfs_export", "volatile",
};

static bool
in_list(const char *key, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(key, v[i]) == 0)
			return true;
	return false;
}

/* mountinfo writes ' ', '\t', '\n', ',' and '\' as \ooo: decode in place. */
static void
unoctal(char *s)
{
	char *d = s;

	for (; *s != '\0'; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 +
				      (s[3] - '0'));
			s += 3;
		} else {
			*d++ = *s;
		}
	}
	*d = '\0';
}

static int
push_path(struct ward_overlay *ov, const char ***v, size_t *n,
	  const char *path, size_t len, const char *key, struct ward_err *e)
{
	const char **nv;
	char *copy;

	if (len == 0 || path[0] != '/')
		return ward_err_set(e, EINVAL,
				    "overlay %s \"%.*s\": not an absolute path (the mounter's working directory is unknown)",
				    key, (int)len, path);
	copy = ward_arena_strndup(&ov->arena, path, len);
	nv = ward_arena_alloc(&ov->arena, (*n + 1) * sizeof(*nv));
	if (copy == NULL || nv == NULL)
		return ward_err_set(e, ENOMEM, "overlay layers");
	if (*n > 0)
		memcpy(nv, *v, *n * sizeof(*nv));
	nv[(*n)++] = copy;
	*v = nv;
	return 0;
}

/*
 * lowerdir as the user gave it: layers separated by ':', "::" before the
 * data-only layers, '\' escaping the next character (a ':' in a name).
 */
static int
parse_lowerdir(struct ward_overlay *ov, const char *s, struct ward_err *e)
{
	char buf[PATH_MAX];
	bool data = false;
	size_t len = 0;
	int ret;

	for (;; s++) {
		if (*s == '\\' && s[1] != '\0') {
			s++;
		} else if (*s == ':' || *s == '\0') {
			ret = data ? push_path(ov, &ov->data, &ov->n_data, buf, len,
					       "datadir", e) :
				     push_path(ov, &ov->lower, &ov->n_lower, buf,
					       len, "lowerdir", e);
			if (ret < 0)
				return ret;
			if (*s == '\0')
				return 0;
			len = 0;
			if (s[1] == ':') {
				data = true;
				s++;
			}
			continue;
		}
		if (len + 1 >= sizeof(buf))
			return ward_err_set(e, ENAMETOOLONG, "overlay lowerdir");
		buf[len++] = *s;
		buf[len] = '\0';
	}
}

static int
parse_single(struct ward_overlay *ov, const char *key, const char *val,
	     const char **out, struct ward_err *e)
{
	const char **v = NULL;
	size_t n = 0;
	int ret;

	if (*out != NULL)
		return ward_err_set(e, EINVAL, "overlay %s given twice", key);
	ret = push_path(ov, &v, &n, val, strlen(val), key, e);
	if (ret == 0)
		*out = v[0];
	return ret;
}

static int
carry(struct ward_overlay *ov, const char *key, const char *val,
      struct ward_err *e)
{
	struct ward_fs_param *v;

	v = ward_arena_alloc(&ov->arena, (ov->n_params + 1) * sizeof(*v));
	if (v == NULL)
		return ward_err_set(e, ENOMEM, "overlay options");
	if (ov->n_params > 0)
		memcpy(v, ov->params, ov->n_params * sizeof(*v));
	v[ov->n_params].key = ward_arena_strdup(&ov->arena, key);
	v[ov->n_params].value = val != NULL ? ward_arena_strdup(&ov->arena, val) :
					      NULL;
	if (v[ov->n_params].key == NULL ||
	    (val != NULL && v[ov->n_params].value == NULL))
		return ward_err_set(e, ENOMEM, "overlay options");
	ov->params = v;
	ov->n_params++;
	return 0;
}

static int
parse_option(struct ward_overlay *ov, char *tok, struct ward_err *e)
{
	char *val = strchr(tok, '=');

	if (val != NULL)
		*val++ = '\0';
	if (val != NULL)
		unoctal(val);
	if (strcmp(tok, "lowerdir") == 0 && val != NULL)
		return parse_lowerdir(ov, val, e);
	if (strcmp(tok, "lowerdir+") == 0 && val != NULL)
		return push_path(ov, &ov->lower, &ov->n_lower, val, strlen(val),
				 tok, e);
	if (strcmp(tok, "datadir+") == 0 && val != NULL)
		return push_path(ov, &ov->data, &ov->n_data, val, strlen(val),
				 tok, e);
	if (strcmp(tok, "upperdir") == 0 && val != NULL)
		return parse_single(ov, tok, val, &ov->upper, e);
	if (strcmp(tok, "workdir") == 0 && val != NULL)
		return parse_single(ov, tok, val, &ov->work, e);
	if (in_list(tok, carried, WARD_ARRAY_SIZE(carried)))
		return carry(ov, tok, val, e);
	if (in_list(tok, ignored, WARD_ARRAY_SIZE(ignored)))
		return 0;
	/* Unknown may change how the layers read: never guess. */
	return ward_err_set(e, EINVAL, "overlay option \"%s\": not supported on idmapped layers",
			    tok);
}

int
ward_overlay_parse(const char *superopts, struct ward_overlay *ov,
		   struct ward_err *e)
{
	_cleanup_free_ char *copy = strdup(superopts);
	char *save = NULL;
	int ret;

	memset(ov, 0, sizeof(*ov));
	if (copy == NULL)
		return ward_err_set(e, ENOMEM, "overlay options");
	/* Commas inside values are escaped (\054): splitting first is safe. */
	for (char *tok = strtok_r(copy, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save)) {
		ret = parse_option(ov, tok, e);
		if (ret < 0)
			goto fail;
	}
	ret = -EINVAL;
	if (ov->n_lower == 0) {
		ward_err_set(e, EINVAL, "overlay without a lowerdir");
		goto fail;
	}
	if ((ov->upper == NULL) != (ov->work == NULL)) {
		ward_err_set(e, EINVAL, "overlay upperdir without workdir");
		goto fail;
	}
	return 0;
fail:
	ward_overlay_free(ov);
	return ret;
}

void
ward_overlay_free(struct ward_overlay *ov)
{
	ward_arena_release(&ov->arena);
	memset(ov, 0, sizeof(*ov));
}

/* The super options of mount mnt_id in a mountinfo text (modified). */
static char *
find_superopts(char *info, uint64_t mnt_id, const char **fstype)
{
	char *save = NULL;

	for (char *line = strtok_r(info, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		char *end, *sep, *src;
		uint64_t id = strtoull(line, &end, 10);

		if (end == line || *end != ' ' || id != mnt_id)
			continue;
		/* "... optional fields - fstype source superopts" */
		sep = strstr(line, " - ");
		if (sep == NULL)
			return NULL;
		*fstype = sep + 3;
		src = strchr(*fstype, ' ');
		if (src == NULL)
			return NULL;
		*src++ = '\0';
		src = strchr(src, ' ');
		return src != NULL ? src + 1 : NULL;
	}
	return NULL;
}

int
ward_overlay_of(const char *path, struct ward_overlay *ov, bool *found,
		struct ward_err *e)
{
	_cleanup_free_ char *info = NULL;
	const char *fstype = NULL;
	struct statfs sfs;
	struct statx stx;
	char *opts;
	size_t len;
	int ret;

	*found = false;
	if (statfs(path, &sfs) < 0)
		return ward_err_set(e, errno, "statfs %s", path);
	if (sfs.f_type != OVERLAYFS_SUPER_MAGIC)
		return 0;
	if (statx(AT_FDCWD, path, 0, STATX_MNT_ID, &stx) < 0)
		return ward_err_set(e, errno, "statx %s", path);
	if (!(stx.stx_mask & STATX_MNT_ID) ||
	    !(stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT))
		return ward_err_set(e, ENOSYS, "statx %s: no mount id", path);
	if (!(stx.stx_attributes & STATX_ATTR_MOUNT_ROOT))
		return ward_err_set(e, EINVAL,
				    "rootfs %s is a directory inside an overlay mount: only a whole overlay can be re-mounted on idmapped layers",
				    path);
	ret = ward_read_file("/proc/self/mountinfo", 64u << 20, &info, &len, e);
	if (ret < 0)
		return ret;
	opts = find_superopts(info, stx.stx_mnt_id, &fstype);
	if (opts == NULL || strcmp(fstype, "overlay") != 0)
		return ward_err_set(e, ENOENT, "overlay mount %llu of %s not in mountinfo",
				    (unsigned long long)stx.stx_mnt_id, path);
	ret = ward_overlay_parse(opts, ov, e);
	if (ret < 0) {
		ward_err_prefix(e, "rootfs %s", path);
		return ret;
	}
	*found = true;
	return 0;
}

/* Every fd a build opens; the clones' own fds keep them mounted until then. */
struct layer_fds {
	int *v;
	size_t n, cap;
};

static int
keep(struct layer_fds *f, int fd, struct ward_err *e)
{
	if (f->n == f->cap) {
		size_t cap = f->cap == 0 ? 16 : f->cap * 2;
		int *v = realloc(f->v, cap * sizeof(*v));

		if (v == NULL) {
			close(fd);
			return ward_err_set(e, ENOMEM, "overlay layers");
		}
		f->v = v;
		f->cap = cap;
	}
	f->v[f->n++] = fd;
	return 0;
}

static void
layer_fds_close(struct layer_fds *f)
{
	for (size_t i = 0; i < f->n; i++)
		close(f->v[i]);
	free(f->v);
}

/*
 * A detached clone of the directory at path, idmapped to userns_fd. Its fd
 * stays open (in f) until the overlay exists: closing the last fd of a
 * detached mount unmounts it, and overlayfs takes a detached layer only
 * while it is mounted at the root of its anonymous namespace.
 */
static int
idmap_clone(const char *path, int userns_fd, struct layer_fds *f, int *tree,
	    struct ward_err *e)
{
	int fd = ward_open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);

	if (fd < 0)
		return ward_err_set(e, errno, "overlay layer %s", path);
	/* Private too: a clone of a shared mount would join its peer group. */
	if (ward_mount_setattr(fd, "", AT_EMPTY_PATH, MOUNT_ATTR_IDMAP, 0,
			       MS_PRIVATE, userns_fd) < 0) {
		int err = errno;

		close(fd);
		return ward_err_set(e, err,
				    "idmap overlay layer %s (does its filesystem support idmapped mounts?)",
				    path);
	}
	*tree = fd;
	return keep(f, fd, e);
}

/* A real (not O_PATH) directory fd: fsconfig(FSCONFIG_SET_FD) needs one. */
static int
layer_dir(int tree, const char *rel, const char *path, struct layer_fds *f,
	  int *dir, struct ward_err *e)
{
	int fd = ward_openat2(tree, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC,
			      RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
				      RESOLVE_NO_XDEV);

	if (fd < 0)
		return ward_err_set(e, errno, "overlay layer %s", path);
	*dir = fd;
	return keep(f, fd, e);
}

/* The kernel explains most overlay refusals in the context's log. */
static int
fs_error(int fsfd, int err, const char *what, const char *path,
	 struct ward_err *e)
{
	char log[160];
	ssize_t n = read(fsfd, log, sizeof(log) - 1);

	while (n > 0 && log[n - 1] == '\n')
		n--;
	log[n > 0 ? n : 0] = '\0';
	return ward_err_set(e, err, "overlay on idmapped layers: %s%s%s%s%s%s", what,
			    path != NULL ? " " : "", path != NULL ? path : "",
			    n > 0 ? " (" : "", log, n > 0 ? ")" : "");
}

static int
set_layer(int fsfd, const char *key, int dir, const char *path,
	  struct ward_err *e)
{
	if (ward_fsconfig(fsfd, FSCONFIG_SET_FD, key, NULL, dir) == 0)
		return 0;
	/* Layers by fd on detached mounts: overlayfs of Linux 6.15 and later. */
	return fs_error(fsfd, errno, key, path, e);
}

static int
add_lowers(const struct ward_overlay *ov, int fsfd, int userns_fd,
	   struct layer_fds *f, struct ward_err *e)
{
	int tree, dir, ret;

	for (size_t i = 0; i < ov->n_lower + ov->n_data; i++) {
		bool data = i >= ov->n_lower;
		const char *path = data ? ov->data[i - ov->n_lower] : ov->lower[i];

		ret = idmap_clone(path, userns_fd, f, &tree, e);
		if (ret == 0)
			ret = layer_dir(tree, ".", path, f, &dir, e);
		if (ret == 0)
			ret = set_layer(fsfd, data ? "datadir+" : "lowerdir+", dir,
					path, e);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/*
 * Length of the closest common directory of two absolute, clean paths (0 for
 * "/"): a[n] and b[n] are both '/' or the end.
 */
static size_t
common_dir(const char *a, const char *b)
{
	size_t i = 0, last = 0;

	for (; a[i] != '\0' && a[i] == b[i]; i++)
		if (a[i] == '/')
			last = i;
	if ((a[i] == '\0' || a[i] == '/') && (b[i] == '\0' || b[i] == '/'))
		last = i;
	return last;
}

/*
 * The workdir: a sibling of the original one, "<workdir>.ward". The original
 * cannot be shared: mounting an overlay empties its workdir, which would
 * break copy-up in the mount it belongs to (Docker still uses that one for
 * `docker cp`). The sibling lives as long as the layer: Docker and
 * containerd remove the whole layer directory.
 */
static int
make_workdir(const char *work, char *out, size_t len, struct ward_err *e)
{
	_cleanup_free_ char *real = realpath(work, NULL);
	struct stat st;

	if (real == NULL)
		return ward_err_set(e, errno, "overlay workdir %s", work);
	if ((size_t)snprintf(out, len, "%s.ward", real) >= len)
		return ward_err_set(e, ENAMETOOLONG, "overlay workdir %s", real);
	if (mkdir(out, 0700) < 0 && errno != EEXIST)
		return ward_err_set(e, errno, "overlay workdir %s", out);
	if (lstat(out, &st) < 0)
		return ward_err_set(e, errno, "overlay workdir %s", out);
	if (!S_ISDIR(st.st_mode) || st.st_uid != 0)
		return ward_err_set(e, EEXIST,
				    "overlay workdir %s: not a root-owned directory",
				    out);
	return 0;
}

/*
 * upperdir and workdir must sit on the same mount: one idmapped clone of
 * their closest common directory serves both.
 */
static int
add_upper(const struct ward_overlay *ov, int fsfd, int userns_fd,
	  struct layer_fds *f, struct ward_err *e)
{
	_cleanup_free_ char *upper = realpath(ov->upper, NULL);
	char work[PATH_MAX], base[PATH_MAX];
	int tree, up, wk, ret;
	size_t n;

	if (upper == NULL)
		return ward_err_set(e, errno, "overlay upperdir %s", ov->upper);
	ret = make_workdir(ov->work, work, sizeof(work), e);
	if (ret < 0)
		return ret;
	n = common_dir(upper, work);
	if (n == 0)
		snprintf(base, sizeof(base), "/");
	else
		snprintf(base, sizeof(base), "%.*s", (int)n, upper);
	ret = idmap_clone(base, userns_fd, f, &tree, e);
	if (ret == 0)
		ret = layer_dir(tree, upper[n] == '/' ? upper + n + 1 : ".", upper,
				f, &up, e);
	if (ret == 0)
		ret = layer_dir(tree, work[n] == '/' ? work + n + 1 : ".", work,
				f, &wk, e);
	if (ret == 0)
		ret = set_layer(fsfd, "upperdir", up, upper, e);
	if (ret == 0)
		ret = set_layer(fsfd, "workdir", wk, work, e);
	return ret;
}

static int
add_params(const struct ward_overlay *ov, int fsfd, struct ward_err *e)
{
	for (size_t i = 0; i < ov->n_params; i++) {
		const struct ward_fs_param *par = &ov->params[i];

		if (ward_fsconfig(fsfd, par->value != NULL ? FSCONFIG_SET_STRING :
							     FSCONFIG_SET_FLAG,
				  par->key, par->value, 0) < 0)
			return fs_error(fsfd, errno, par->key, par->value, e);
	}
	/*
	 * The original mount holds the upper layer: with an index, overlayfs
	 * refuses (EBUSY) a second mount of it; without, it only warns.
	 */
	if (ward_fsconfig(fsfd, FSCONFIG_SET_STRING, "index", "off", 0) < 0)
		return fs_error(fsfd, errno, "index=off", NULL, e);
	return 0;
}

struct creds {
	struct __user_cap_header_struct h;
	struct __user_cap_data_struct d[2];
	uid_t fsuid;
	gid_t fsgid;
};

static void
restore_creds(const struct creds *c)
{
	struct __user_cap_header_struct h = c->h;

	setfsuid(c->fsuid);
	setfsgid(c->fsgid);
	syscall(SYS_capset, &h, c->d);
}

/*
 * overlayfs works on its layers with its mounter's credentials. Host root
 * has no id on layers idmapped into the container's block (EOVERFLOW, and
 * the overlay falls back to read-only): mount as the block's first ids,
 * keeping every capability, and only on this thread, only for the create.
 */
static int
create_as(int fsfd, uint32_t uid, uint32_t gid, struct ward_err *e)
{
	struct creds c = { .h = { _LINUX_CAPABILITY_VERSION_3, 0 } };
	int ret = 0;

	if (syscall(SYS_capget, &c.h, c.d) < 0)
		return ward_err_set(e, errno, "capget");
	c.fsgid = (gid_t)setfsgid(gid);
	c.fsuid = (uid_t)setfsuid(uid);
	/* setfsuid reports no error: read the ids back (-1 changes nothing). */
	if ((uid_t)setfsuid((uid_t)-1) != uid || (gid_t)setfsgid((gid_t)-1) != gid)
		ret = ward_err_set(e, EPERM, "overlay mounter ids %u:%u", uid, gid);
	/* Leaving fsuid 0 dropped CAP_CHOWN, CAP_DAC_OVERRIDE ...: copy-up needs them. */
	if (ret == 0 && syscall(SYS_capset, &c.h, c.d) < 0)
		ret = ward_err_set(e, errno, "capset");
	if (ret == 0 && ward_fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		ret = fs_error(fsfd, errno, "create", NULL, e);
	restore_creds(&c);
	if (ret == 0 && ((uid_t)setfsuid((uid_t)-1) != c.fsuid ||
			 (gid_t)setfsgid((gid_t)-1) != c.fsgid))
		ret = ward_err_set(e, EPERM, "restore the runtime's fs ids");
	return ret;
}

int
ward_overlay_idmap(const struct ward_overlay *ov, int userns_fd, uint32_t uid,
		   uint32_t gid, int *out, struct ward_err *e)
{
	struct layer_fds f = { 0 };
	_cleanup_close_ int fsfd = -1;
	int ret;

	fsfd = ward_fsopen("overlay", FSOPEN_CLOEXEC);
	if (fsfd < 0)
		return ward_err_set(e, errno, "fsopen overlay");
	ret = add_lowers(ov, fsfd, userns_fd, &f, e);
	if (ret == 0 && ov->upper != NULL)
		ret = add_upper(ov, fsfd, userns_fd, &f, e);
	if (ret == 0)
		ret = add_params(ov, fsfd, e);
	if (ret == 0)
		ret = create_as(fsfd, uid, gid, e);
	if (ret == 0) {
		*out = ward_fsmount(fsfd, FSMOUNT_CLOEXEC, 0);
		if (*out < 0)
			ret = fs_error(fsfd, errno, "fsmount", NULL, e);
	}
	layer_fds_close(&f);
	if (ret == 0)
		ward_debug("overlay rootfs re-mounted on %zu idmapped layers",
			   ov->n_lower + ov->n_data + (ov->upper != NULL));
	return ret;
}
