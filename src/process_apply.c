/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The child half of process.h. Everything here runs in the cloned container
 * init (or exec child) and makes syscalls only: no allocation, no stdio.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "process.h"
#include "sys.h"
#include "ward/cleanup.h"

int
ward_process_apply_uts(const struct ward_process_plan *p, struct ward_err *e)
{
	if (p->hostname != NULL &&
	    sethostname(p->hostname, strlen(p->hostname)) < 0)
		return ward_err_set(e, errno, "sethostname %s", p->hostname);
	if (p->domainname != NULL &&
	    setdomainname(p->domainname, strlen(p->domainname)) < 0)
		return ward_err_set(e, errno, "setdomainname %s", p->domainname);
	return 0;
}

static int
write_sysctl(int sysfd, const struct ward_process_sysctl *s, struct ward_err *e)
{
	_cleanup_close_ int fd = -1;
	ssize_t n;

	/* Beneath /proc/sys with no symlinks: a key can name nothing else. */
	fd = ward_openat2(sysfd, s->path, O_WRONLY | O_CLOEXEC | O_NOCTTY,
			RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
			RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV);
	if (fd < 0)
		return ward_err_set(e, errno, "sysctl %s: open /proc/sys/%s", s->key,
				    s->path);
	do
		n = write(fd, s->value, s->len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return ward_err_set(e, errno, "sysctl %s=%s", s->key, s->value);
	if ((size_t)n != s->len)
		return ward_err_set(e, EIO, "sysctl %s=%s: short write", s->key,
				    s->value);
	return 0;
}

int
ward_process_apply_sysctl(const struct ward_process_plan *p, struct ward_err *e)
{
	_cleanup_close_ int sysfd = -1;
	struct statfs sfs;
	int ret;

	if (p->n_sysctls == 0)
		return 0;
	sysfd = open("/proc/sys", O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (sysfd < 0)
		return ward_err_set(e, errno, "open /proc/sys");
	/* Never write into the image's own files if /proc is not mounted. */
	if (fstatfs(sysfd, &sfs) < 0)
		return ward_err_set(e, errno, "statfs /proc/sys");
	if (sfs.f_type != PROC_SUPER_MAGIC)
		return ward_err_set(e, EINVAL, "/proc/sys is not procfs");
	for (size_t i = 0; i < p->n_sysctls; i++) {
		ret = write_sysctl(sysfd, &p->sysctls[i], e);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int
ward_process_close_fds(const struct ward_process_plan *p, const int *keep,
		       size_t n_keep, struct ward_err *e)
{
	unsigned first = 3u + (unsigned)p->preserve_fds;

	for (size_t i = 0; i < n_keep; i++) {
		if (keep[i] < 0)
			continue;
		if ((unsigned)keep[i] < first)
			return ward_err_set(e, EINVAL,
				"runtime fd %d is in the range passed to the container (0..%u)",
				keep[i], first - 1);
		if (fcntl(keep[i], F_GETFD) < 0)
			return ward_err_set(e, errno, "runtime fd %d", keep[i]);
	}
	for (unsigned fd = 3; fd < first; fd++) {
		int flags = fcntl((int)fd, F_GETFD);

		if (flags < 0)
			return ward_err_set(e, errno, "--preserve-fds: fd %u", fd);
		if (fcntl((int)fd, F_SETFD, flags & ~FD_CLOEXEC) < 0)
			return ward_err_set(e, errno, "--preserve-fds: fd %u", fd);
	}
	/* Everything else of the host, keep[] included, ends at execve. */
	if (ward_close_range(first, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		return ward_err_set(e, errno, "close_range(%u, CLOEXEC)", first);
	return 0;
}

/*
 * Create the missing parts of cwd, each looked up from the root again so
 * that symlinks in the image resolve inside it; returns an O_PATH fd.
 */
static int
make_cwd(int rootfd, const char *cwd, struct ward_err *e)
{
	char buf[PATH_MAX];
	_cleanup_close_ int dfd = -1;
	size_t len = strlen(cwd);
	char *s = buf + 1;

	if (len >= sizeof(buf))
		return ward_err_set(e, ENAMETOOLONG, "cwd %s", cwd);
	memcpy(buf, cwd, len + 1);
	dfd = fcntl(rootfd, F_DUPFD_CLOEXEC, 3);
	if (dfd < 0)
		return ward_err_set(e, errno, "dup /");
	while (*s != '\0') {
		char *end = strchrnul(s, '/');
		char saved = *end;
		int fd;

		*end = '\0';
		fd = ward_openat2(rootfd, buf, O_PATH | O_DIRECTORY | O_CLOEXEC,
				RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
		if (fd < 0 && errno == ENOENT) {
			if (mkdirat(dfd, s, 0755) < 0 && errno != EEXIST)
				return ward_err_set(e, errno, "mkdir cwd %s", buf);
			fd = ward_openat2(rootfd, buf, O_PATH | O_DIRECTORY | O_CLOEXEC,
					RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
		}
		if (fd < 0)
			return ward_err_set(e, errno, "cwd %s", buf);
		close(dfd);
		dfd = fd;
		*end = saved;
		s = saved != '\0' ? end + 1 : end;
	}
	return take_fd(&dfd);
}

int
ward_process_apply_cwd(const struct ward_process_plan *p, struct ward_err *e)
{
	_cleanup_close_ int rootfd = -1, fd = -1;
	char buf[PATH_MAX];
	long n;

	rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return ward_err_set(e, errno, "open /");
	/*
	 * No magic links: "/proc/self/fd/N" to a host fd still open here is
	 * how CVE-2024-21626 put a container's cwd on the host.
	 */
	fd = ward_openat2(rootfd, p->cwd, O_PATH | O_DIRECTORY | O_CLOEXEC,
			RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
	if (fd < 0 && errno == ENOENT)
		fd = make_cwd(rootfd, p->cwd, e);
	else if (fd < 0)
		return ward_err_set(e, errno, "cwd %s", p->cwd);
	if (fd < 0)
		return fd;
	if (fchdir(fd) < 0)
		return ward_err_set(e, errno, "chdir %s", p->cwd);
	/* The raw syscall: the kernel says "(unreachable)" for a cwd outside "/". */
	n = syscall(SYS_getcwd, buf, sizeof(buf));
	if (n < 0)
		return ward_err_set(e, errno, "getcwd after chdir %s", p->cwd);
	if (buf[0] != '/')
		return ward_err_set(e, EPERM,
				    "cwd %s is outside the container's root", p->cwd);
	return 0;
}

/* Go's exec.LookPath rules, which runc applies: a regular file with an x bit. */
static int
check_executable(const char *path)
{
	_cleanup_close_ int fd = -1;
	struct stat st;

	fd = ward_openat2(AT_FDCWD, path, O_PATH | O_CLOEXEC, RESOLVE_NO_MAGICLINKS);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (!S_ISREG(st.st_mode) || (st.st_mode & 0111) == 0)
		return -EACCES;
	if (faccessat(AT_FDCWD, path, X_OK, AT_EACCESS) < 0)
		return -errno;
	return 0;
}

static int
exec_error(const char *name, int err, struct ward_err *e)
{
	/* Docker maps these exact lower-case texts to exit codes 127 and 126. */
	switch (err) {
	case ENOENT:
		return ward_err_set(e, ENOENT,
			"exec: \"%s\": stat %s: no such file or directory", name, name);
	case EISDIR:
		return ward_err_set(e, EACCES, "exec: \"%s\": is a directory", name);
	case EACCES:
		return ward_err_set(e, EACCES, "exec: \"%s\": permission denied", name);
	case ELOOP:
		return ward_err_set(e, ELOOP,
			"exec: \"%s\": resolves through a magic link", name);
	default:
		return ward_err_set(e, err, "exec: \"%s\"", name);
	}
}

/* dir + "/" + name into out; false when it does not fit. */
static bool
join_path(char *out, size_t len, const char *dir, size_t dlen, const char *name)
{
	size_t nlen = strlen(name);

	if (dlen == 0) {
		dir = ".";
		dlen = 1;
	}
	if (dlen + 1 + nlen + 1 > len)
		return false;
	memcpy(out, dir, dlen);
	out[dlen] = '/';
	memcpy(out + dlen + 1, name, nlen + 1);
	return true;
}

int
ward_process_resolve_exec(const struct ward_process_plan *p, char *path_out,
			  size_t len, struct ward_err *e)
{
	const char *name = p->argv[0];
	const char *dir = p->path;
	int ret;

	if (strchr(name, '/') != NULL) {
		if (strlen(name) >= len)
			return ward_err_set(e, ENAMETOOLONG, "exec: \"%s\"", name);
		ret = check_executable(name);
		if (ret < 0)
			return exec_error(name, -ret, e);
		memcpy(path_out, name, strlen(name) + 1);
		return 0;
	}
	for (;;) {
		const char *end = strchrnul(dir, ':');

		if (join_path(path_out, len, dir, (size_t)(end - dir), name) &&
		    check_executable(path_out) == 0)
			return 0;
		if (*end == '\0')
			break;
		dir = end + 1;
	}
	path_out[0] = '\0';
	return ward_err_set(e, ENOENT,
			    "exec: \"%s\": executable file not found in $PATH", name);
}

int
ward_process_apply_user(const struct ward_process_plan *p, struct ward_err *e)
{
	/*
	 * Raw syscalls: glibc's wrappers broadcast to threads it thinks exist,
	 * and this child of clone() has one. Groups first, while still root;
	 * an empty list also sheds the runtime's own groups.
	 */
	if (syscall(SYS_setgroups, p->n_gids, p->gids) < 0)
		return ward_err_set(e, errno, "setgroups");
	/* Keep the permitted set across the uid switch for ward_caps_apply. */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return ward_err_set(e, errno, "PR_SET_KEEPCAPS");
	if (syscall(SYS_setresgid, p->gid, p->gid, p->gid) < 0)
		return ward_err_set(e, errno, "setresgid %u", (unsigned)p->gid);
	if (syscall(SYS_setresuid, p->uid, p->uid, p->uid) < 0)
		return ward_err_set(e, errno, "setresuid %u", (unsigned)p->uid);
	umask(p->umask);
	return 0;
}

int
ward_process_apply_rlimits(const struct ward_process_plan *p, struct ward_err *e)
{
	for (size_t i = 0; i < p->n_rlimits; i++) {
		const struct ward_process_rlimit *r = &p->rlimits[i];

		if (setrlimit(r->resource, &r->lim) < 0)
			return ward_err_set(e, errno, "setrlimit %s", r->name);
	}
	return 0;
}

int
ward_process_exec(const struct ward_process_plan *p, const char *path,
		  struct ward_err *e)
{
	execve(path, p->argv, p->envp);
	return ward_err_set(e, errno, "execve %s", path);
}
