/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "process.h"
#include "sys.h"
#include "terminal.h"
#include "util.h"
#include "ward/cleanup.h"

/* What runc puts in the message beside the fd; go-runc names the file by it. */
#define PTMX_NAME "/dev/ptmx"
#define MAX_FDS_IN_MSG 8

int
ward_terminal_connect(const char *console_socket_path, int *out,
		      struct ward_err *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_close_ int fd = -1, pathfd = -1;
	size_t len = strlen(console_socket_path);

	if (len == 0)
		return ward_err_set(e, EINVAL, "--console-socket is empty");
	if (len >= sizeof(sa.sun_path)) {
		/* Too long for sun_path: connect through the fd's magic link. */
		pathfd = open(console_socket_path, O_PATH | O_CLOEXEC);
		if (pathfd < 0)
			return ward_err_set(e, errno, "console socket %s",
					    console_socket_path);
		snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d",
			 pathfd);
	} else {
		memcpy(sa.sun_path, console_socket_path, len + 1);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return ward_err_set(e, errno, "console socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return ward_err_set(e, errno, "connect to console socket %s",
				    console_socket_path);
	*out = take_fd(&fd);
	return 0;
}

static int
open_pty(const struct ward_process_plan *p, int *master, int *peer,
	 struct ward_err *e)
{
	_cleanup_close_ int m = -1, s = -1;
	struct statfs sfs;
	int unlock = 0;

	m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0)
		return ward_err_set(e, errno, "open /dev/ptmx");
	if (ioctl(m, TIOCSPTLCK, &unlock) < 0)
		return ward_err_set(e, errno, "unlockpt");
	/* The peer of this very master: no path lookup an image could redirect. */
	s = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s < 0)
		return ward_err_set(e, errno, "TIOCGPTPEER");
	if (fstatfs(s, &sfs) < 0)
		return ward_err_set(e, errno, "statfs pty");
	if (sfs.f_type != DEVPTS_SUPER_MAGIC)
		return ward_err_set(e, EINVAL, "/dev/ptmx did not give a devpts pty");
	if (p->has_console_size) {
		struct winsize ws = {
			.ws_row = p->console_rows,
			.ws_col = p->console_cols,
		};

		if (ioctl(m, TIOCSWINSZ, &ws) < 0)
			return ward_err_set(e, errno, "TIOCSWINSZ");
	}
	*master = take_fd(&m);
	*peer = take_fd(&s);
	return 0;
}

/* The OCI runtime spec: /dev/console is a bind of the pty when terminal is set. */
static int
bind_console(int peer, struct ward_err *e)
{
	_cleanup_close_ int devfd = -1, tree = -1;
	struct stat st;

	devfd = open("/dev", O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (devfd < 0)
		return ward_err_set(e, errno, "open /dev");
	if (fstatat(devfd, "console", &st, AT_SYMLINK_NOFOLLOW) < 0) {
		int fd;

		if (errno != ENOENT)
			return ward_err_set(e, errno, "stat /dev/console");
		fd = openat(devfd, "console", O_WRONLY | O_CREAT | O_EXCL |
			    O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
		if (fd < 0)
			return ward_err_set(e, errno, "create /dev/console");
		close(fd);
	} else if (S_ISLNK(st.st_mode)) {
		return ward_err_set(e, ELOOP, "/dev/console is a symlink");
	}
	tree = ward_open_tree(peer, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
			      AT_EMPTY_PATH);
	if (tree < 0)
		return ward_err_set(e, errno, "open_tree pty");
	/* The target's last component is not followed by move_mount. */
	if (ward_move_mount(tree, "", devfd, "console", MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return ward_err_set(e, errno, "bind pty on /dev/console");
	return 0;
}

static int
send_fd(int sock, int fd, struct ward_err *e)
{
	char data[] = PTMX_NAME;
	struct iovec iov = { .iov_base = data, .iov_len = sizeof(data) - 1 };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = u.buf,
		.msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c;
	ssize_t n;

	memset(&u, 0, sizeof(u));
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	do
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return ward_err_set(e, errno, "send the pty master to the console socket");
	if ((size_t)n != iov.iov_len)
		return ward_err_set(e, EIO, "console socket: short send");
	return 0;
}

static int
become_tty_session(int peer, struct ward_err *e)
{
	if (setsid() < 0)
		return ward_err_set(e, errno, "setsid");
	if (ioctl(peer, TIOCSCTTY, 0) < 0)
		return ward_err_set(e, errno, "TIOCSCTTY");
	for (int fd = 0; fd <= 2; fd++)
		if (dup2(peer, fd) < 0)
			return ward_err_set(e, errno, "dup2 pty to fd %d", fd);
	return 0;
}

int
ward_terminal_child_setup(int console_sock, const struct ward_process_plan *p,
			  bool console, struct ward_err *e)
{
	_cleanup_close_ int master = -1, peer = -1;
	int ret;

	ret = open_pty(p, &master, &peer, e);
	if (ret < 0)
		return ret;
	ret = console ? bind_console(peer, e) : 0;
	if (ret < 0)
		return ret;
	/* The user the process becomes must own its terminal (runc does too). */
	if (fchown(peer, p->uid, (gid_t)-1) < 0)
		return ward_err_set(e, errno, "chown pty to uid %u", (unsigned)p->uid);
	ret = send_fd(console_sock, master, e);
	if (ret < 0)
		return ret;
	ret = become_tty_session(peer, e);
	if (ret < 0)
		return ret;
	if (peer <= 2)
		peer = -1;	/* now one of the stdio fds: keep it */
	return 0;
}

static void
close_received(const struct msghdr *msg)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c != NULL;
	     c = CMSG_NXTHDR((struct msghdr *)msg, c)) {
		size_t n;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			close(fd);
		}
	}
}

int
ward_terminal_recv(int sock, int *master_fd, struct ward_err *e)
{
	char name[256];
	struct iovec iov = { .iov_base = name, .iov_len = sizeof(name) };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(MAX_FDS_IN_MSG * sizeof(int))];
	} u;
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = u.buf,
		.msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c;
	ssize_t n;

	memset(&u, 0, sizeof(u));
	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return ward_err_set(e, errno, "receive the pty master");
	c = CMSG_FIRSTHDR(&msg);
	if (n == 0 || c == NULL || (msg.msg_flags & MSG_CTRUNC) ||
	    c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(sizeof(int)) ||
	    CMSG_NXTHDR(&msg, c) != NULL) {
		close_received(&msg);
		return ward_err_set(e, EPROTO,
				    "console socket: expected one message with one fd");
	}
	memcpy(master_fd, CMSG_DATA(c), sizeof(int));
	return 0;
}

/* ---- the foreground relay (parent) ---- */

struct relay {
	int master;
	int sigfd;
	int pidfd;
	pid_t child;
	bool in_open;		/* stdin still readable */
	bool master_open;	/* the pty still has a slave side */
};

/* write() all of buf; the master is non-blocking, so wait when it is full. */
static int
write_full(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EAGAIN) {
			struct pollfd pfd = { .fd = fd, .events = POLLOUT };

			if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
				return -errno;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Copy one chunk from -> to: > 0 bytes copied, 0 at end of input (EOF, or
 * EIO from a pty whose slaves are all closed), -EAGAIN when nothing is
 * there (e is untouched), another -errno on failure.
 */
static ssize_t
pump(int from, int to, struct ward_err *e)
{
	char buf[4096];
	ssize_t n;
	int ret;

	do
		n = read(from, buf, sizeof(buf));
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return -EAGAIN;
	if (n < 0 && errno == EIO)
		return 0;	/* every slave closed */
	if (n < 0)
		return ward_err_set(e, errno, "terminal relay: read");
	if (n == 0)
		return 0;
	ret = write_full(to, buf, (size_t)n);
	if (ret < 0)
		return ward_err_set(e, -ret, "terminal relay: write");
	return n;
}

static void
copy_winsize(int master)
{
	struct winsize ws;

	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
		(void)ioctl(master, TIOCSWINSZ, &ws);
}

static int
on_signal(struct relay *r, struct ward_err *e)
{
	struct signalfd_siginfo si;
	ssize_t n = read(r->sigfd, &si, sizeof(si));

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n != sizeof(si))
		return ward_err_set(e, n < 0 ? errno : EIO, "terminal relay: signalfd");
	if (si.ssi_signo == SIGWINCH)
		copy_winsize(r->master);
	else
		(void)kill(r->child, (int)si.ssi_signo);
	return 0;
}

/* After the child exits: whatever it wrote is still in the pty. */
static int
drain(struct relay *r, struct ward_err *e)
{
	ssize_t n;

	if (!r->master_open)
		return 0;
	do
		n = pump(r->master, STDOUT_FILENO, e);
	while (n > 0);
	return n < 0 && n != -EAGAIN ? (int)n : 0;
}

static int
relay_loop(struct relay *r, struct ward_err *e)
{
	for (;;) {
		struct pollfd fds[4] = {
			{ .fd = r->pidfd, .events = POLLIN },
			{ .fd = r->sigfd, .events = POLLIN },
			{ .fd = r->master_open ? r->master : -1, .events = POLLIN },
			{ .fd = r->in_open ? STDIN_FILENO : -1, .events = POLLIN },
		};
		ssize_t n;
		int ret;

		if (poll(fds, 4, -1) < 0) {
			if (errno == EINTR)
				continue;
			return ward_err_set(e, errno, "terminal relay: poll");
		}
		if (fds[0].revents != 0)
			return drain(r, e);
		if (fds[1].revents != 0) {
			ret = on_signal(r, e);
			if (ret < 0)
				return ret;
		}
		if (fds[2].revents != 0) {
			n = pump(r->master, STDOUT_FILENO, e);
			if (n < 0 && n != -EAGAIN)
				return (int)n;
			r->master_open = n != 0;
		}
		if (fds[3].revents != 0) {
			n = pump(STDIN_FILENO, r->master, e);
			if (n < 0 && n != -EAGAIN)
				return (int)n;
			r->in_open = n != 0;
		}
	}
}

static int
relay_signals(sigset_t *set, sigset_t *old, int *sigfd, struct ward_err *e)
{
	static const int sigs[] = { SIGWINCH, SIGINT, SIGTERM, SIGHUP,
				    SIGQUIT, SIGUSR1, SIGUSR2 };

	sigemptyset(set);
	for (size_t i = 0; i < WARD_ARRAY_SIZE(sigs); i++)
		sigaddset(set, sigs[i]);
	if (sigprocmask(SIG_BLOCK, set, old) < 0)
		return ward_err_set(e, errno, "sigprocmask");
	*sigfd = signalfd(-1, set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (*sigfd < 0) {
		int err = errno;

		sigprocmask(SIG_SETMASK, old, NULL);
		return ward_err_set(e, err, "signalfd");
	}
	return 0;
}

int
ward_terminal_relay(int master_fd, pid_t child, struct ward_err *e)
{
	struct relay r = { .master = master_fd, .child = child, .in_open = true,
			   .master_open = true };
	_cleanup_close_ int pidfd = -1, sigfd = -1;
	struct termios orig, raw;
	bool tty = isatty(STDIN_FILENO);
	sigset_t set, old;
	int flags, ret;

	pidfd = ward_pidfd_open(child, 0);
	if (pidfd < 0)
		return ward_err_set(e, errno, "pidfd_open %d", (int)child);
	flags = fcntl(master_fd, F_GETFL);
	if (flags < 0 || fcntl(master_fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return ward_err_set(e, errno, "terminal relay: O_NONBLOCK");
	ret = relay_signals(&set, &old, &sigfd, e);
	if (ret < 0)
		return ret;
	if (tty && tcgetattr(STDIN_FILENO, &orig) == 0) {
		raw = orig;
		cfmakeraw(&raw);
		tty = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
		copy_winsize(master_fd);
	} else {
		tty = false;
	}
	r.pidfd = pidfd;
	r.sigfd = sigfd;
	ret = relay_loop(&r, e);
	if (tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &orig);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}
