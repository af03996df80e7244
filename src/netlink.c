/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>

#include "netlink.h"
#include "ward/cleanup.h"

/* An ACK carrying an error echoes our request: room for both. */
#define NL_BUF 1024

static int
send_request(int fd, const struct nlmsghdr *nlh, struct ward_err *e)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	ssize_t n;

	do
		n = sendto(fd, nlh, nlh->nlmsg_len, 0, (struct sockaddr *)&kernel,
			   sizeof(kernel));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return ward_err_set(e, errno, "rtnetlink: send RTM_NEWLINK lo");
	if ((size_t)n != nlh->nlmsg_len)
		return ward_err_set(e, EIO, "rtnetlink: short send");
	return 0;
}

/* mnl_cb_run turns an NLMSG_ERROR into -1 with errno; 0 = acked. */
static int
wait_ack(int fd, unsigned seq, struct ward_err *e)
{
	char buf[NL_BUF] __attribute__((aligned(NLMSG_ALIGNTO)));
	int ret;

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ward_err_set(e, errno, "rtnetlink: receive ACK");
		ret = mnl_cb_run(buf, (size_t)n, seq, 0, NULL, NULL);
		if (ret == MNL_CB_ERROR)
			return ward_err_set(e, errno, "rtnetlink: set lo up");
		if (ret == MNL_CB_STOP)
			return 0;
	}
}

int
ward_netlink_lo_up(struct ward_err *e)
{
	char buf[NL_BUF] __attribute__((aligned(NLMSG_ALIGNTO)));
	_cleanup_close_ int fd = -1;
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	struct timespec now;
	unsigned seq;
	int ret;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return ward_err_set(e, errno, "rtnetlink: socket");
	clock_gettime(CLOCK_MONOTONIC, &now);
	seq = (unsigned)now.tv_nsec;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = 0;		/* looked up by IFLA_IFNAME */
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	if (!mnl_attr_put_strz_check(nlh, sizeof(buf), IFLA_IFNAME, "lo"))
		return ward_err_set(e, EMSGSIZE, "rtnetlink: request too large");

	ret = send_request(fd, nlh, e);
	if (ret < 0)
		return ret;
	return wait_ack(fd, seq, e);
}
