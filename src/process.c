/* SPDX-License-Identifier: Apache-2.0 */
/* The parent half of process.h: build the plan; set oom_score_adj. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "process.h"
#include "sys.h"
#include "ward/cleanup.h"

#define PRESERVE_FDS_MAX (1 << 20)
#define OOM_SCORE_ADJ_MIN (-1000)
#define OOM_SCORE_ADJ_MAX 1000
#define UTS_NAME_MAX 64

static void *
alloc_array(struct ward_process_plan *p, size_t n, size_t size,
	    struct ward_err *e)
{
	void *v;

	if (n != 0 && size > SIZE_MAX / n) {
		ward_err_set(e, ENOMEM, "process plan: array too large");
		return NULL;
	}
	v = ward_arena_alloc(&p->arena, n * size);
	if (v == NULL)
		ward_err_set(e, ENOMEM, "process plan");
	return v;
}

static char *
dup_str(struct ward_process_plan *p, const char *s, struct ward_err *e)
{
	char *d = ward_arena_strdup(&p->arena, s);

	if (d == NULL)
		ward_err_set(e, ENOMEM, "process plan");
	return d;
}

static int
plan_argv(struct ward_process_plan *p, const struct ward_process *proc,
	  struct ward_err *e)
{
	if (proc->n_args == 0 || proc->args[0] == NULL || proc->args[0][0] == '\0')
		return ward_err_set(e, EINVAL, "process.args must name a program");
	p->argv = alloc_array(p, proc->n_args + 1, sizeof(char *), e);
	if (p->argv == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < proc->n_args; i++) {
		p->argv[i] = dup_str(p, proc->args[i], e);
		if (p->argv[i] == NULL)
			return -ENOMEM;
	}
	return 0;
}

static const char *
env_lookup(char *const *envp, const char *key)
{
	size_t klen = strlen(key);

	for (size_t i = 0; envp[i] != NULL; i++)
		if (strncmp(envp[i], key, klen) == 0 && envp[i][klen] == '=')
			return envp[i] + klen + 1;
	return NULL;
}

/* runc's rules: KEY=VALUE with a non-empty key; a later entry replaces an earlier one. */
static int
plan_env(struct ward_process_plan *p, const struct ward_process *proc,
	 struct ward_err *e)
{
	size_t n = 0;

	p->envp = alloc_array(p, proc->n_env + 1, sizeof(char *), e);
	if (p->envp == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < proc->n_env; i++) {
		const char *kv = proc->env[i];
		const char *eq = kv != NULL ? strchr(kv, '=') : NULL;
		size_t klen, j;

		if (eq == NULL || eq == kv)
			return ward_err_set(e, EINVAL,
				"process.env[%zu]: \"%.64s\" is not KEY=VALUE", i,
				kv != NULL ? kv : "");
		klen = (size_t)(eq - kv) + 1;
		for (j = 0; j < n; j++)
			if (strncmp(p->envp[j], kv, klen) == 0)
				break;
		p->envp[j] = dup_str(p, kv, e);
		if (p->envp[j] == NULL)
			return -ENOMEM;
		if (j == n)
			n++;
	}
	p->envp[n] = NULL;
	p->path = env_lookup(p->envp, "PATH");
	if (p->path == NULL)
		p->path = WARD_DEFAULT_PATH;
	return 0;
}

static int
plan_user(struct ward_process_plan *p, const struct ward_process *proc,
	  struct ward_err *e)
{
	const struct ward_user *u = &proc->user;
	char cwd[PATH_MAX];

	p->uid = u->uid;
	p->gid = u->gid;
	p->umask = u->has_umask ? (mode_t)(u->umask & 07777) : WARD_DEFAULT_UMASK;
	if (u->has_umask && u->umask > 07777)
		return ward_err_set(e, EINVAL, "process.user.umask %#o is not a mode",
				    u->umask);
	p->n_gids = u->n_additional_gids;
	p->gids = alloc_array(p, p->n_gids + 1, sizeof(gid_t), e);
	if (p->gids == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < p->n_gids; i++)
		p->gids[i] = u->additional_gids[i];
	if (proc->cwd != NULL && proc->cwd[0] != '/')
		return ward_err_set(e, EINVAL,
				    "process.cwd \"%.128s\" is not an absolute path",
				    proc->cwd);
	if (ward_path_clean(proc->cwd != NULL ? proc->cwd : "/", cwd,
			    sizeof(cwd)) < 0)
		return ward_err_set(e, ENAMETOOLONG, "process.cwd is too long");
	p->cwd = dup_str(p, cwd, e);
	return p->cwd == NULL ? -ENOMEM : 0;
}

/*
 * A container never holds CAP_SYS_RESOURCE in the host's user namespace, so
 * a hard limit above the runtime's own can never be applied: say so here
 * rather than fail in the child.
 */
static int
plan_one_rlimit(const struct ward_rlimit *r, size_t i,
		struct ward_process_rlimit *out, struct ward_err *e)
{
	const char *name = r->type != NULL ? r->type : "rlimit";
	struct rlimit cur;

	if (r->resource < 0 || r->resource >= RLIM_NLIMITS)
		return ward_err_set(e, EINVAL, "process.rlimits[%zu]: unknown %s", i,
				    name);
	if (r->soft > r->hard)
		return ward_err_set(e, EINVAL,
			"process.rlimits[%zu]: %s soft limit %llu exceeds its hard limit %llu",
			i, name, (unsigned long long)r->soft,
			(unsigned long long)r->hard);
	if (getrlimit(r->resource, &cur) < 0)
		return ward_err_set(e, errno, "getrlimit %s", name);
	if (r->hard > cur.rlim_max)
		return ward_err_set(e, EPERM,
			"process.rlimits[%zu]: %s hard limit %llu exceeds the runtime's own (%llu); raising it needs CAP_SYS_RESOURCE in the host user namespace, which a container never has",
			i, name, (unsigned long long)r->hard,
			(unsigned long long)cur.rlim_max);
	out->resource = r->resource;
	out->lim.rlim_cur = r->soft;
	out->lim.rlim_max = r->hard;
	out->name = name;
	return 0;
}

static int
plan_rlimits(struct ward_process_plan *p, const struct ward_process *proc,
	     struct ward_err *e)
{
	uint64_t seen = 0;
	int ret;

	p->rlimits = alloc_array(p, proc->n_rlimits + 1, sizeof(*p->rlimits), e);
	if (p->rlimits == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < proc->n_rlimits; i++) {
		struct ward_process_rlimit *out = &p->rlimits[i];

		ret = plan_one_rlimit(&proc->rlimits[i], i, out, e);
		if (ret < 0)
			return ret;
		if (seen & (UINT64_C(1) << out->resource))
			return ward_err_set(e, EINVAL,
					    "process.rlimits[%zu]: %s given twice", i,
					    out->name);
		seen |= UINT64_C(1) << out->resource;
		out->name = dup_str(p, out->name, e);
		if (out->name == NULL)
			return -ENOMEM;
	}
	p->n_rlimits = proc->n_rlimits;
	return 0;
}

/*
 * "net.ipv4.ip_forward" -> "net/ipv4/ip_forward". A key holding a '/' is
 * taken as a path already (sysctl(8)'s rule), so names with dots, such as a
 * VLAN interface, stay expressible.
 */
static int
plan_sysctl_path(struct ward_process_plan *p, const char *key, const char **out,
		 struct ward_err *e)
{
	bool slashed = strchr(key, '/') != NULL;
	char *path, *c, *save = NULL;
	size_t len = strlen(key);
	_cleanup_free_ char *tmp = NULL;

	if (len == 0 || len >= PATH_MAX / 2)
		return ward_err_set(e, EINVAL, "linux.sysctl: bad key \"%.64s\"", key);
	path = dup_str(p, key, e);
	tmp = strdup(key);
	if (path == NULL || tmp == NULL)
		return ward_err_set(e, ENOMEM, "process plan");
	for (c = path; !slashed && *c != '\0'; c++)
		if (*c == '.')
			*c = '/';
	strcpy(tmp, path);
	if (tmp[0] == '/' || tmp[len - 1] == '/' || strstr(tmp, "//") != NULL)
		return ward_err_set(e, EINVAL, "linux.sysctl: bad key \"%.64s\"", key);
	for (c = strtok_r(tmp, "/", &save); c != NULL; c = strtok_r(NULL, "/", &save))
		if (strcmp(c, ".") == 0 || strcmp(c, "..") == 0)
			return ward_err_set(e, EINVAL,
					    "linux.sysctl: bad key \"%.64s\"", key);
	*out = path;
	return 0;
}

static int
plan_sysctls(struct ward_process_plan *p, const struct ward_linux *l,
	     struct ward_err *e)
{
	int ret;

	p->sysctls = alloc_array(p, l->n_sysctl + 1, sizeof(*p->sysctls), e);
	if (p->sysctls == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < l->n_sysctl; i++) {
		struct ward_process_sysctl *s = &p->sysctls[i];

		ret = plan_sysctl_path(p, l->sysctl[i].key, &s->path, e);
		if (ret < 0)
			return ret;
		s->key = dup_str(p, l->sysctl[i].key, e);
		s->value = dup_str(p, l->sysctl[i].value != NULL ?
				   l->sysctl[i].value : "", e);
		if (s->key == NULL || s->value == NULL)
			return -ENOMEM;
		s->len = strlen(s->value);
	}
	p->n_sysctls = l->n_sysctl;
	return 0;
}

static int
plan_uts(struct ward_process_plan *p, const struct ward_spec *s,
	 struct ward_err *e)
{
	if (s->hostname != NULL) {
		if (strlen(s->hostname) > UTS_NAME_MAX)
			return ward_err_set(e, EINVAL,
				"hostname is longer than %d bytes", UTS_NAME_MAX);
		p->hostname = dup_str(p, s->hostname, e);
		if (p->hostname == NULL)
			return -ENOMEM;
	}
	if (s->domainname != NULL) {
		if (strlen(s->domainname) > UTS_NAME_MAX)
			return ward_err_set(e, EINVAL,
				"domainname is longer than %d bytes", UTS_NAME_MAX);
		p->domainname = dup_str(p, s->domainname, e);
		if (p->domainname == NULL)
			return -ENOMEM;
	}
	return 0;
}

static int
plan_process(struct ward_process_plan *p, const struct ward_process *proc,
	     struct ward_err *e)
{
	int ret;

	ret = plan_argv(p, proc, e);
	if (ret == 0)
		ret = plan_env(p, proc, e);
	if (ret == 0)
		ret = plan_user(p, proc, e);
	if (ret == 0)
		ret = plan_rlimits(p, proc, e);
	if (ret < 0)
		return ret;
	if (proc->has_oom_score_adj) {
		if (proc->oom_score_adj < OOM_SCORE_ADJ_MIN ||
		    proc->oom_score_adj > OOM_SCORE_ADJ_MAX)
			return ward_err_set(e, EINVAL,
				"process.oomScoreAdj %d is outside [-1000, 1000]",
				proc->oom_score_adj);
		p->has_oom_score_adj = true;
		p->oom_score_adj = proc->oom_score_adj;
	}
	p->terminal = proc->terminal;
	if (proc->has_console_size) {
		if (proc->console_height > USHRT_MAX || proc->console_width > USHRT_MAX)
			return ward_err_set(e, EINVAL,
					    "process.consoleSize is out of range");
		p->has_console_size = true;
		p->console_rows = (unsigned short)proc->console_height;
		p->console_cols = (unsigned short)proc->console_width;
	}
	return 0;
}

int
ward_process_plan(const struct ward_spec *s, int preserve_fds,
		  struct ward_process_plan *p, struct ward_err *e)
{
	int ret;

	memset(p, 0, sizeof(*p));
	if (!s->has_process)
		return ward_err_set(e, EINVAL, "the config has no process");
	if (preserve_fds < 0 || preserve_fds > PRESERVE_FDS_MAX)
		return ward_err_set(e, EINVAL, "--preserve-fds %d is out of range",
				    preserve_fds);
	p->preserve_fds = preserve_fds;
	ret = plan_process(p, &s->process, e);
	if (ret == 0)
		ret = plan_uts(p, s, e);
	if (ret == 0)
		ret = plan_sysctls(p, &s->linux, e);
	if (ret < 0)
		ward_process_plan_free(p);
	return ret;
}

void
ward_process_plan_free(struct ward_process_plan *p)
{
	ward_arena_release(&p->arena);
	memset(p, 0, sizeof(*p));
}

static int
read_oom_score_adj(const char *path, int *out, struct ward_err *e)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int64_t v;
	int ret;

	ret = ward_read_file(path, 32, &buf, &len, e);
	if (ret < 0)
		return ret;
	buf[strcspn(buf, "\n")] = '\0';
	if (ward_parse_i64(buf, &v) < 0 || v < OOM_SCORE_ADJ_MIN ||
	    v > OOM_SCORE_ADJ_MAX)
		return ward_err_set(e, EINVAL, "%s: unexpected \"%s\"", path, buf);
	*out = (int)v;
	return 0;
}

int
ward_process_set_oom_score_adj(pid_t pid, int value, struct ward_err *e)
{
	_cleanup_close_ int fd = -1;
	char path[64], val[16];
	int cur = 0, ret, n;
	ssize_t w;

	if (value < OOM_SCORE_ADJ_MIN || value > OOM_SCORE_ADJ_MAX)
		return ward_err_set(e, EINVAL,
				    "process.oomScoreAdj %d is outside [-1000, 1000]",
				    value);
	/* The child inherited ours: the same value needs no write at all. */
	ret = read_oom_score_adj("/proc/self/oom_score_adj", &cur, e);
	if (ret < 0)
		return ret;
	if (cur == value)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)pid);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return ward_err_set(e, errno, "open %s", path);
	n = snprintf(val, sizeof(val), "%d", value);
	w = write(fd, val, (size_t)n);
	if (w == n)
		return 0;
	if (w >= 0)
		errno = EIO;
	if (errno == EACCES)
		return ward_err_set(e, EACCES,
			"process.oomScoreAdj %d is below the runtime's minimum (its own value is %d): lowering it needs CAP_SYS_RESOURCE, which the host does not grant",
			value, cur);
	return ward_err_set(e, errno, "write %s", path);
}

#define PASSWD_MAX (1u << 20)

/* The home field of uid's line in an /etc/passwd image; NULL when absent. */
static const char *
passwd_home(char *buf, uid_t uid)
{
	char *save = NULL;

	for (char *line = strtok_r(buf, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		char *f[7] = { 0 };
		size_t n = 0;
		uint64_t v;

		for (char *c = line; n < 7; c++) {
			f[n++] = c;
			c = strchr(c, ':');
			if (c == NULL)
				break;
			*c = '\0';
		}
		if (n < 6 || ward_parse_u64(f[2], &v) < 0 || v != uid)
			continue;
		return f[5][0] == '/' ? f[5] : NULL;
	}
	return NULL;
}

/* Read the container's /etc/passwd; *out stays NULL when it has none. */
static int
read_passwd(int rootfd, char **out, struct ward_err *e)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	struct stat st;
	ssize_t n;

	fd = ward_openat2(rootfd, "etc/passwd",
			  O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
			  RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR || errno == ELOOP ?
		       0 : ward_err_set(e, errno, "open /etc/passwd in the rootfs");
	if (fstat(fd, &st) < 0)
		return ward_err_set(e, errno, "stat /etc/passwd in the rootfs");
	if (!S_ISREG(st.st_mode))
		return 0;
	buf = malloc(PASSWD_MAX + 1);
	if (buf == NULL)
		return ward_err_set(e, ENOMEM, "reading /etc/passwd");
	while (len < PASSWD_MAX &&
	       (n = read(fd, buf + len, PASSWD_MAX - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ward_err_set(e, errno, "read /etc/passwd in the rootfs");
		len += (size_t)n;
	}
	buf[len] = '\0';
	*out = take_ptr(&buf);
	return 0;
}

int
ward_process_plan_home(struct ward_process_plan *p, int rootfd,
		       struct ward_err *e)
{
	_cleanup_free_ char *passwd = NULL;
	const char *home = NULL;
	char **envp;
	size_t n;
	int ret;

	if (env_lookup(p->envp, "HOME") != NULL)
		return 0;
	ret = read_passwd(rootfd, &passwd, e);
	if (ret < 0)
		return ret;
	if (passwd != NULL)
		home = passwd_home(passwd, p->uid);
	for (n = 0; p->envp[n] != NULL; n++)
		;
	envp = alloc_array(p, n + 2, sizeof(char *), e);
	if (envp == NULL)
		return -ENOMEM;
	memcpy(envp, p->envp, n * sizeof(char *));
	envp[n] = ward_arena_alloc(&p->arena, strlen("HOME=") +
				   strlen(home != NULL ? home : "/") + 1);
	if (envp[n] == NULL)
		return ward_err_set(e, ENOMEM, "process plan");
	strcpy(stpcpy(envp[n], "HOME="), home != NULL ? home : "/");
	envp[n + 1] = NULL;
	p->envp = envp;
	return 0;
}
