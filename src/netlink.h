/* SPDX-License-Identifier: Apache-2.0 */
/* rtnetlink in the container's new network namespace. */
#ifndef WARD_NETLINK_H
#define WARD_NETLINK_H

#include "ward/error.h"

/*
 * Child, syscalls only: bring the loopback interface up (RTM_NEWLINK with
 * IFF_UP) in the calling process's network namespace and wait for the
 * kernel's ACK. Built with libmnl on a stack buffer over a plain
 * NETLINK_ROUTE socket (mnl_socket_open would allocate).
 */
int ward_netlink_lo_up(struct ward_err *e);

#endif
