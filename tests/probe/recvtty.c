/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test helper: the receiving end of --console-socket, as containerd's shim
 * is. Listens on PATH, takes one pty master over SCM_RIGHTS, prints the
 * payload name on stderr, then copies the master to stdout until the
 * container side closes it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int
recv_fd(int conn, char *name, size_t len)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} c;
	struct iovec iov = { .iov_base = name, .iov_len = len - 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = c.buf, .msg_controllen = sizeof(c.buf) };
	struct cmsghdr *cm;
	ssize_t n = recvmsg(conn, &mh, 0);
	int fd;

	if (n < 0)
		return -1;
	name[n] = '\0';
	cm = CMSG_FIRSTHDR(&mh);
	if (cm == NULL || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
	return fd;
}

int
main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char name[256], buf[4096];
	int lfd, conn, master;
	ssize_t n;

	if (argc != 2 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: recvtty SOCKET\n");
		return 2;
	}
	strcpy(sa.sun_path, argv[1]);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(lfd, 1) < 0) {
		perror("recvtty: listen");
		return 1;
	}
	conn = accept(lfd, NULL, NULL);
	if (conn < 0 || (master = recv_fd(conn, name, sizeof(name))) < 0) {
		perror("recvtty: receive");
		return 1;
	}
	fprintf(stderr, "recvtty: got %s\n", name);
	while ((n = read(master, buf, sizeof(buf))) > 0)
		if (write(STDOUT_FILENO, buf, (size_t)n) != n)
			return 1;
	/* EIO is how a pty master reports the other side hung up. */
	return n < 0 && errno != EIO;
}
