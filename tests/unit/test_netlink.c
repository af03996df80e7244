/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netlink.h"
#include "suites.h"

static int
lo_flags(void)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), ret;

	if (fd < 0)
		return -1;
	strcpy(ifr.ifr_name, "lo");
	ret = ioctl(fd, SIOCGIFFLAGS, &ifr);
	close(fd);
	return ret < 0 ? -1 : ifr.ifr_flags;
}

/* 0 when a TCP connection over 127.0.0.1 succeeds, else the errno. */
static int
loopback_connect(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int l, c, ret = 0;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l < 0 || c < 0)
		return errno;
	if (bind(l, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(l, 1) < 0 ||
	    getsockname(l, (struct sockaddr *)&sa, &len) < 0)
		ret = errno;
	else if (connect(c, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		ret = errno;
	close(l);
	close(c);
	return ret;
}

static int
child(int out)
{
	struct ward_err e = { 0 };
	int before, after, conn_before, conn_after;

	if (unshare(CLONE_NEWNET) < 0)
		return 2;
	before = lo_flags();
	conn_before = loopback_connect();
	if (ward_netlink_lo_up(&e) < 0) {
		dprintf(out, "%s", e.msg);
		return 1;
	}
	after = lo_flags();
	conn_after = loopback_connect();
	dprintf(out, "%d %d %d %d", before >= 0 && (before & IFF_UP) != 0,
		after >= 0 && (after & IFF_UP) != 0, conn_before != 0, conn_after);
	return 0;
}

START_TEST(lo_up_in_new_netns)
{
	char msg[256] = "";
	int p[2], status;
	ssize_t n;
	pid_t pid;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(p[0]);
		_exit(child(p[1]));
	}
	close(p[1]);
	n = read(p[0], msg, sizeof(msg) - 1);
	ck_assert_int_gt(n, 0);
	close(p[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child: %s", msg);
	/* down and unreachable before; up and connectable after */
	ck_assert_str_eq(msg, "0 1 1 0");
}
END_TEST

Suite *
suite_netlink(void)
{
	Suite *s = suite_create("netlink");
	TCase *tc = tcase_create("lo");

	tcase_add_test(tc, lo_up_in_new_netns);
	suite_add_tcase(s, tc);
	return s;
}
