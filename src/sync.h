/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The parent <-> child protocol: typed, fixed-size messages on a SEQPACKET
 * socketpair, one message per packet, optionally carrying one fd. Anything
 * unexpected (wrong type, short packet, EOF) aborts the create.
 */
#ifndef WARD_SYNC_H
#define WARD_SYNC_H

#include "ward/error.h"

enum ward_sync {
	WARD_SYNC_MAPS_DONE = 1,	/* parent: id maps written, hooks ran; fd = idmapped rootfs or none */
	WARD_SYNC_MOUNTS_DONE,		/* child: mounts done, before pivot_root (createContainer hooks) */
	WARD_SYNC_HOOKS_DONE,		/* parent: createContainer hooks ran */
	WARD_SYNC_READY,		/* child: everything applied, waiting for start */
	WARD_SYNC_ERROR,		/* child: err holds why; child exits */
	WARD_SYNC_ATTACHED,		/* parent: the init is in all its cgroups */
	WARD_SYNC_JOIN_CGROUP,		/* parent: fd = a v1 "tasks" file to write 0 to; err.msg names it */
	WARD_SYNC_CGROUP_MOUNT,		/* parent: fd = the init's cgroup as a detached mount; err.msg = its mount op index */
};

struct ward_msg {
	enum ward_sync type;
	struct ward_err err;
};

/* Create the socketpair (both ends CLOEXEC). */
int ward_sync_pair(int fds[2], struct ward_err *e);
/* Send one message, with fd >= 0 attached via SCM_RIGHTS. Child-safe. */
int ward_sync_send(int sock, enum ward_sync type, const struct ward_err *err,
		   int fd);
/*
 * Receive one message of the expected type. A WARD_SYNC_ERROR from the peer
 * is copied into e and returned as its -code; anything else unexpected is
 * -EPROTO. *fd receives an attached fd or -1 (pass NULL to refuse fds).
 */
int ward_sync_expect(int sock, enum ward_sync type, int *fd, struct ward_err *e);
/* The same for any type but WARD_SYNC_ERROR: *type gets it, *msg its text. */
int ward_sync_recv(int sock, enum ward_sync *type, int *fd, char *msg,
		   size_t len, struct ward_err *e);

#endif
