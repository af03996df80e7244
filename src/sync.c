/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sync.h"

int
ward_sync_pair(int fds[2], struct ward_err *e)
{
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
		return ward_err_set(e, errno, "socketpair");
	return 0;
}

int
ward_sync_send(int sock, enum ward_sync type, const struct ward_err *err,
	       int fd)
{
	struct ward_msg msg;
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = { .iov_base = &msg, .iov_len = sizeof(msg) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	memset(&msg, 0, sizeof(msg));
	msg.type = type;
	if (err != NULL)
		msg.err = *err;
	if (fd >= 0) {
		struct cmsghdr *c;

		memset(&cbuf, 0, sizeof(cbuf));
		mh.msg_control = cbuf.buf;
		mh.msg_controllen = sizeof(cbuf.buf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == (ssize_t)sizeof(msg) ? 0 : -EPROTO;
}

static int
take_rights(struct msghdr *mh)
{
	int fd = -1;

	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c != NULL;
	     c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t nfds = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < nfds; i++) {
			int got;

			memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (fd < 0)
				fd = got;
			else
				close(got);	/* one fd per message, never more */
		}
	}
	return fd;
}

/* want only words the message for a peer gone (EOF). */
static int
recv_msg(int sock, enum ward_sync want, enum ward_sync *type, int *fd,
	 char *text, size_t len, struct ward_err *e)
{
	struct ward_msg msg;
	union {
		char buf[CMSG_SPACE(sizeof(int) * 4)];
		struct cmsghdr align;
	} cbuf;
	struct iovec iov = { .iov_base = &msg, .iov_len = sizeof(msg) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = cbuf.buf,
			     .msg_controllen = sizeof(cbuf.buf) };
	ssize_t n;
	int got;

	*fd = -1;
	/*
	 * A peer that died with our messages unread leaves ECONNRESET, which
	 * the kernel reports (once) ahead of what it sent before dying: its
	 * SYNC_ERROR then comes with the next receive.
	 */
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && (errno == EINTR || errno == ECONNRESET));
	if (n < 0)
		return ward_err_set(e, errno, "sync: receive");
	got = take_rights(&mh);
	if (n == 0) {
		if (got >= 0)
			close(got);
		return ward_err_set(e, EPIPE, "sync: peer exited before %s",
				    want == WARD_SYNC_READY ? "it was ready" :
							      "the next step");
	}
	if (n != (ssize_t)sizeof(msg) || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
		if (got >= 0)
			close(got);
		return ward_err_set(e, EPROTO, "sync: malformed message");
	}
	if (msg.type == WARD_SYNC_ERROR) {
		if (got >= 0)
			close(got);
		msg.err.msg[sizeof(msg.err.msg) - 1] = '\0';
		*e = msg.err;
		if (e->code <= 0)
			e->code = EIO;
		return -e->code;
	}
	*type = msg.type;
	*fd = got;
	if (text != NULL && len > 0) {
		msg.err.msg[sizeof(msg.err.msg) - 1] = '\0';
		snprintf(text, len, "%s", msg.err.msg);
	}
	return 0;
}

int
ward_sync_expect(int sock, enum ward_sync type, int *fd, struct ward_err *e)
{
	enum ward_sync got;
	int ret, got_fd;

	if (fd != NULL)
		*fd = -1;
	ret = recv_msg(sock, type, &got, &got_fd, NULL, 0, e);
	if (ret < 0)
		return ret;
	if (got != type || (got_fd >= 0 && fd == NULL)) {
		if (got_fd >= 0)
			close(got_fd);
		return ward_err_set(e, EPROTO, "sync: expected message %d, got %d",
				    type, got);
	}
	if (fd != NULL)
		*fd = got_fd;
	return 0;
}

int
ward_sync_recv(int sock, enum ward_sync *type, int *fd, char *text,
	       size_t len, struct ward_err *e)
{
	return recv_msg(sock, 0, type, fd, text, len, e);
}
