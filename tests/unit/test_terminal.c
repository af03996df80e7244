/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "process.h"
#include "terminal.h"
#include "suites.h"

/* A container-like /dev in a private mount namespace: tmpfs + devpts. */
static int
private_dev(void)
{
	if (unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("tmpfs", "/dev", "tmpfs", MS_NOSUID, "mode=755") < 0 ||
	    mkdir("/dev/pts", 0755) < 0 ||
	    mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
		  "newinstance,ptmxmode=0666,mode=620") < 0 ||
	    symlink("pts/ptmx", "/dev/ptmx") < 0)
		return -1;
	return 0;
}

static void
console_child(int sock, int errfd)
{
	struct ward_process_plan p = { .uid = 0, .terminal = true,
				       .has_console_size = true,
				       .console_rows = 40, .console_cols = 100 };
	struct ward_err e = { 0 };
	struct stat con, in;

	if (private_dev() < 0) {
		dprintf(errfd, "private /dev: %m");
		_exit(2);
	}
	if (ward_terminal_child_setup(sock, &p, true, &e) < 0) {
		dprintf(errfd, "%s", e.msg);
		_exit(1);
	}
	/* /dev/console is the pty, and so is stdio, which is our ctty. */
	if (stat("/dev/console", &con) < 0 || fstat(0, &in) < 0 ||
	    con.st_rdev != in.st_rdev || tcgetsid(0) != getpid()) {
		dprintf(errfd, "console is not the pty");
		_exit(3);
	}
	close(sock);
	execl("/bin/sh", "sh", NULL);
	_exit(4);
}

/* Read master until want shows up (or 5 s pass); the output so far in buf. */
static bool
read_until(int master, const char *want, char *buf, size_t len)
{
	size_t got = 0;

	buf[0] = '\0';
	while (got + 1 < len) {
		struct pollfd pfd = { .fd = master, .events = POLLIN };
		ssize_t n;

		if (poll(&pfd, 1, 5000) <= 0)
			return false;
		n = read(master, buf + got, len - 1 - got);
		if (n <= 0)
			return false;
		got += (size_t)n;
		buf[got] = '\0';
		if (strstr(buf, want) != NULL)
			return true;
	}
	return false;
}

START_TEST(child_setup_sends_master_and_owns_stdio)
{
	char err[256] = "", out[4096];
	struct ward_err e = { 0 };
	struct winsize ws;
	int sv[2], ep[2], master = -1, status;
	ssize_t n;
	pid_t pid;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	ck_assert_int_eq(pipe2(ep, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(sv[0]);
		close(ep[0]);
		console_child(sv[1], ep[1]);
	}
	close(sv[1]);
	close(ep[1]);
	n = read(ep[0], err, sizeof(err) - 1);
	ck_assert_msg(n == 0, "child: %s", err);
	ck_assert_int_eq(ward_terminal_recv(sv[0], &master, &e), 0);
	ck_assert_int_eq(fcntl(master, F_GETFD), FD_CLOEXEC);
	ck_assert_int_eq(ioctl(master, TIOCGWINSZ, &ws), 0);
	ck_assert_uint_eq(ws.ws_row, 40);
	ck_assert_uint_eq(ws.ws_col, 100);
	/* The shell's arithmetic proves the bytes went through it. */
	ck_assert_int_gt(write(master, "echo wa$((40+2))rd; exit\n", 26), 0);
	ck_assert_msg(read_until(master, "wa42rd", out, sizeof(out)), "got: %s", out);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(master);
	close(sv[0]);
	close(ep[0]);
}
END_TEST

static void
send_with_fds(int sock, const int *fds, size_t n)
{
	char data[] = "x";
	struct iovec iov = { .iov_base = data, .iov_len = 1 };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(4 * sizeof(int))];
	} u;
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	memset(&u, 0, sizeof(u));
	if (n > 0) {
		struct cmsghdr *c;

		msg.msg_control = u.buf;
		msg.msg_controllen = CMSG_SPACE(n * sizeof(int));
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(n * sizeof(int));
		memcpy(CMSG_DATA(c), fds, n * sizeof(int));
	}
	ck_assert_int_eq(sendmsg(sock, &msg, 0), 1);
}

START_TEST(recv_wants_exactly_one_fd)
{
	struct ward_err e = { 0 };
	int sv[2], fds[2], master = -1;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	send_with_fds(sv[1], NULL, 0);
	ck_assert_int_eq(ward_terminal_recv(sv[0], &master, &e), -EPROTO);
	ck_assert_int_eq(master, -1);

	ck_assert_int_eq(pipe2(fds, O_CLOEXEC), 0);
	memset(&e, 0, sizeof(e));
	send_with_fds(sv[1], fds, 2);
	ck_assert_int_eq(ward_terminal_recv(sv[0], &master, &e), -EPROTO);
	ck_assert_int_eq(master, -1);

	send_with_fds(sv[1], fds, 1);
	ck_assert_int_eq(ward_terminal_recv(sv[0], &master, &e), 0);
	ck_assert_int_gt(master, 2);
	close(master);

	close(sv[1]);
	memset(&e, 0, sizeof(e));
	ck_assert_int_eq(ward_terminal_recv(sv[0], &master, &e), -EPROTO);
	close(sv[0]);
	close(fds[0]);
	close(fds[1]);
}
END_TEST

static void
connect_at(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct ward_err e = { 0 };
	int l, fd = -1, c;
	char cwd[PATH_MAX], *slash = strrchr(path, '/');

	/* bind through a relative name: the full path may not fit sun_path. */
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	*slash = '\0';
	ck_assert_int_eq(chdir(path), 0);
	*slash = '/';
	strcpy(sa.sun_path, slash + 1);
	l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_eq(bind(l, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(l, 1), 0);
	ck_assert_int_eq(chdir(cwd), 0);
	ck_assert_int_eq(ward_terminal_connect(path, &fd, &e), 0);
	ck_assert_int_eq(fcntl(fd, F_GETFD), FD_CLOEXEC);
	c = accept(l, NULL, NULL);
	ck_assert_int_ge(c, 0);
	close(c);
	close(fd);
	close(l);
	unlink(path);
}

START_TEST(connect_short_and_long_paths)
{
	char dir[64], path[PATH_MAX], cmd[128];
	struct ward_err e = { 0 };
	int fd;

	snprintf(dir, sizeof(dir), "/tmp/ward-term-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/console.sock", dir);
	connect_at(path);
	snprintf(path, sizeof(path), "%s/%0150d", dir, 0);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	strcat(path, "/console.sock");
	ck_assert_uint_gt(strlen(path), sizeof(((struct sockaddr_un *)0)->sun_path));
	connect_at(path);
	ck_assert_int_eq(ward_terminal_connect("/nonexistent/sock", &fd, &e), -ENOENT);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* A "container": a shell on the pty peer, in its own session. */
static pid_t
spawn_on_pty(int master)
{
	int unlock = 0, peer;
	pid_t pid;

	ck_assert_int_eq(ioctl(master, TIOCSPTLCK, &unlock), 0);
	peer = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	ck_assert_int_ge(peer, 0);
	pid = fork();
	if (pid == 0) {
		if (setsid() < 0 || ioctl(peer, TIOCSCTTY, 0) < 0 ||
		    dup2(peer, 0) < 0 || dup2(peer, 1) < 0 || dup2(peer, 2) < 0)
			_exit(5);
		execl("/bin/sh", "sh", "-c", "read x; echo got:$x", NULL);
		_exit(6);
	}
	close(peer);
	return pid;
}

static int
relay_child(int in, int out)
{
	struct ward_err e = { 0 };
	int master, status;
	pid_t pid;

	if (dup2(in, 0) < 0 || dup2(out, 1) < 0)
		return 2;
	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return 3;
	pid = spawn_on_pty(master);
	if (ward_terminal_relay(master, pid, &e) < 0) {
		fprintf(stderr, "relay: %s\n", e.msg);
		return 1;
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return 4;
	return WEXITSTATUS(status);
}

START_TEST(relay_copies_both_ways_until_exit)
{
	int in[2], out[2], status;
	char buf[1024] = "";
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	ck_assert_int_eq(pipe2(in, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(relay_child(in[0], out[1]));
	close(in[0]);
	close(out[1]);
	ck_assert_int_eq(write(in[1], "hi\n", 3), 3);
	close(in[1]);
	while (got + 1 < sizeof(buf) &&
	       (n = read(out[0], buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	close(out[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "relay child status %d", status);
	ck_assert_msg(strstr(buf, "got:hi") != NULL, "output: %s", buf);
}
END_TEST

Suite *
suite_terminal(void)
{
	Suite *s = suite_create("terminal");
	TCase *tc = tcase_create("pty");

	tcase_add_test(tc, child_setup_sends_master_and_owns_stdio);
	tcase_add_test(tc, recv_wants_exactly_one_fd);
	tcase_add_test(tc, connect_short_and_long_paths);
	tcase_add_test(tc, relay_copies_both_ways_until_exit);
	suite_add_tcase(s, tc);
	return s;
}
