/* SPDX-License-Identifier: Apache-2.0 */
/*
 * probe: run inside a test container to report what the kernel applied.
 * Static and dependency-free (no NSS: ids are printed as numbers).
 *
 *   probe                       ids, the Cap, NoNewPrivs and Seccomp lines,
 *                               id maps, hostname, cwd, umask, ns inodes
 *   probe errno NAME [ARGS]     try one syscall, print NAME=0 or NAME=EPERM
 *   probe fds                   open fds and what they point to
 *   probe rlimit NAME           NAME=soft hard ("unlimited" for infinity)
 *   probe env                   the environment, one per line
 *   probe dumpable              dumpable=N
 *
 * Exit status: 0 when the probe itself worked, 2 on a usage error.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/bpf.h>
#include <linux/io_uring.h>
#include <linux/keyctl.h>
#include <linux/perf_event.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif

extern char **environ;

static int
usage(void)
{
	fputs("usage: probe [errno NAME [ARGS] | fds | rlimit NAME | env | dumpable]\n"
	      "errno NAMEs: keyctl unshare-user mount [DIR] ptrace [PID] clone3\n"
	      "  personality [PERSONA] socket-vsock ioctl-tiocsti mkdir PATH bpf\n"
	      "  perf_event_open io_uring_setup syscall NR [ARG...]\n", stderr);
	return 2;
}

static void
print_ids(void)
{
	gid_t groups[NGROUPS_MAX];
	int n = getgroups(NGROUPS_MAX, groups);

	printf("uid=%u gid=%u groups=", (unsigned)getuid(), (unsigned)getgid());
	for (int i = 0; i < n; i++)
		printf("%s%u", i ? "," : "", (unsigned)groups[i]);
	putchar('\n');
}

static void
print_status_lines(void)
{
	static const char *const keys[] = { "CapInh:", "CapPrm:", "CapEff:",
		"CapBnd:", "CapAmb:", "NoNewPrivs:", "Seccomp:",
		"Seccomp_filters:" };
	char line[512];
	FILE *f = fopen("/proc/self/status", "re");

	if (f == NULL) {
		printf("status=%s\n", strerrorname_np(errno));
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL)
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (strncmp(line, keys[i], strlen(keys[i])) == 0)
				fputs(line, stdout);
	fclose(f);
}

/* "uid_map=0 100000 65536", one line per extent, spaces collapsed. */
static void
print_map(const char *name)
{
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/%s", name);
	f = fopen(path, "re");
	if (f == NULL) {
		printf("%s=%s\n", name, strerrorname_np(errno));
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		unsigned long a, b, c;

		if (sscanf(line, "%lu %lu %lu", &a, &b, &c) == 3)
			printf("%s=%lu %lu %lu\n", name, a, b, c);
	}
	fclose(f);
}

static void
print_ns(void)
{
	DIR *d = opendir("/proc/self/ns");
	struct dirent *de;

	if (d == NULL) {
		printf("ns=%s\n", strerrorname_np(errno));
		return;
	}
	while ((de = readdir(d)) != NULL) {
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, 0) == 0)
			printf("ns.%s=%lu\n", de->d_name, (unsigned long)st.st_ino);
		else
			printf("ns.%s=%s\n", de->d_name, strerrorname_np(errno));
	}
	closedir(d);
}

static int
report(void)
{
	char host[256] = "", cwd[PATH_MAX];
	mode_t mask = umask(0);

	umask(mask);
	print_ids();
	print_status_lines();
	print_map("uid_map");
	print_map("gid_map");
	gethostname(host, sizeof(host) - 1);
	printf("hostname=%s\n", host);
	printf("cwd=%s\n", getcwd(cwd, sizeof(cwd)) != NULL ? cwd :
	       strerrorname_np(errno));
	printf("umask=%04o\n", (unsigned)mask);
	print_ns();
	return 0;
}

static long
num(const char *s)
{
	return strtol(s, NULL, 0);
}

static long
try_clone3(void)
{
	struct clone_args args = { .exit_signal = SIGCHLD };
	long pid = syscall(SYS_clone3, &args, sizeof(args));

	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid((pid_t)pid, NULL, 0);
	return pid < 0 ? -1 : 0;
}

static long
try_bpf(void)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 4;
	attr.max_entries = 1;
	return syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
}

static long
try_perf(void)
{
	struct perf_event_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_CPU_CLOCK;
	attr.disabled = 1;
	return syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
}

static long
try_io_uring(void)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	return syscall(SYS_io_uring_setup, 1, &p);
}

static long
try_raw(int argc, char **argv)
{
	long a[6] = { 0 };

	if (argc < 1) {
		errno = EINVAL;
		return -1;
	}
	for (int i = 1; i < argc && i <= 6; i++)
		a[i - 1] = num(argv[i]);
	return syscall(num(argv[0]), a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* One named syscall; its result (>= 0) or -1 with errno. -2: unknown name. */
static long
attempt(const char *name, int argc, char **argv)
{
	const char *arg = argc > 0 ? argv[0] : NULL;

	if (strcmp(name, "keyctl") == 0)
		return syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL);
	if (strcmp(name, "unshare-user") == 0)
		return unshare(CLONE_NEWUSER);
	if (strcmp(name, "mount") == 0)
		return mount("probe", arg != NULL ? arg : "/tmp", "tmpfs", 0, NULL);
	if (strcmp(name, "ptrace") == 0)
		return arg != NULL ? ptrace(PTRACE_ATTACH, (pid_t)num(arg), 0, 0) :
				     ptrace(PTRACE_TRACEME, 0, 0, 0);
	if (strcmp(name, "clone3") == 0)
		return try_clone3();
	if (strcmp(name, "personality") == 0)
		return personality(arg != NULL ? (unsigned long)num(arg) :
				   ADDR_NO_RANDOMIZE);
	if (strcmp(name, "socket-vsock") == 0)
		return socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (strcmp(name, "ioctl-tiocsti") == 0)
		return ioctl(0, TIOCSTI, " ");
	if (strcmp(name, "mkdir") == 0)
		return mkdir(arg != NULL ? arg : "", 0755);
	if (strcmp(name, "bpf") == 0)
		return try_bpf();
	if (strcmp(name, "perf_event_open") == 0)
		return try_perf();
	if (strcmp(name, "io_uring_setup") == 0)
		return try_io_uring();
	if (strcmp(name, "syscall") == 0)
		return try_raw(argc, argv);
	return -2;
}

static int
probe_errno(int argc, char **argv)
{
	long r;

	if (argc < 1)
		return usage();
	errno = 0;
	r = attempt(argv[0], argc - 1, argv + 1);
	if (r == -2)
		return usage();
	if (r < 0)
		printf("%s=%s\n", argv[0], errno ? strerrorname_np(errno) : "EUNKNOWN");
	else
		printf("%s=0\n", argv[0]);
	return 0;
}

static int
probe_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;

	if (d == NULL) {
		printf("fds=%s\n", strerrorname_np(errno));
		return 1;
	}
	while ((de = readdir(d)) != NULL) {
		char target[PATH_MAX];
		ssize_t n;

		if (de->d_name[0] == '.' || atoi(de->d_name) == dirfd(d))
			continue;
		n = readlinkat(dirfd(d), de->d_name, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
		printf("%s -> %s\n", de->d_name, n > 0 ? target : "?");
	}
	closedir(d);
	return 0;
}

static int
probe_rlimit(const char *name)
{
	static const struct { const char *name; int res; } names[] = {
		{ "CPU", RLIMIT_CPU }, { "FSIZE", RLIMIT_FSIZE },
		{ "DATA", RLIMIT_DATA }, { "STACK", RLIMIT_STACK },
		{ "CORE", RLIMIT_CORE }, { "RSS", RLIMIT_RSS },
		{ "NPROC", RLIMIT_NPROC }, { "NOFILE", RLIMIT_NOFILE },
		{ "MEMLOCK", RLIMIT_MEMLOCK }, { "AS", RLIMIT_AS },
		{ "LOCKS", RLIMIT_LOCKS }, { "SIGPENDING", RLIMIT_SIGPENDING },
		{ "MSGQUEUE", RLIMIT_MSGQUEUE }, { "NICE", RLIMIT_NICE },
		{ "RTPRIO", RLIMIT_RTPRIO }, { "RTTIME", RLIMIT_RTTIME },
	};
	const char *bare = strncasecmp(name, "RLIMIT_", 7) == 0 ? name + 7 : name;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct rlimit r;

		if (strcasecmp(bare, names[i].name) != 0)
			continue;
		if (getrlimit(names[i].res, &r) < 0) {
			printf("RLIMIT_%s=%s\n", names[i].name,
			       strerrorname_np(errno));
			return 1;
		}
		printf("RLIMIT_%s=", names[i].name);
		if (r.rlim_cur == RLIM_INFINITY)
			printf("unlimited ");
		else
			printf("%llu ", (unsigned long long)r.rlim_cur);
		if (r.rlim_max == RLIM_INFINITY)
			printf("unlimited\n");
		else
			printf("%llu\n", (unsigned long long)r.rlim_max);
		return 0;
	}
	return usage();
}

int
main(int argc, char **argv)
{
	int ret;

	if (argc < 2)
		ret = report();
	else if (strcmp(argv[1], "errno") == 0)
		ret = probe_errno(argc - 2, argv + 2);
	else if (strcmp(argv[1], "fds") == 0)
		ret = probe_fds();
	else if (strcmp(argv[1], "rlimit") == 0 && argc == 3)
		ret = probe_rlimit(argv[2]);
	else if (strcmp(argv[1], "env") == 0) {
		for (char **e = environ; *e != NULL; e++)
			puts(*e);
		ret = 0;
	} else if (strcmp(argv[1], "dumpable") == 0) {
		printf("dumpable=%d\n", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
		ret = 0;
	} else {
		ret = usage();
	}
	fflush(stdout);
	return ret;
}
