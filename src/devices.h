/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The device nodes a container's /dev can hold. A user namespace cannot
 * mknod, so every node is a bind mount of the host's own node: the host's
 * mode and owner apply (shown inside as the overflow uid when host root is
 * unmapped), the device cgroup still decides what may be opened.
 */
#ifndef WARD_DEVICES_H
#define WARD_DEVICES_H

#include <stdbool.h>
#include <stdint.h>

struct ward_dev_node {
	const char *name;		/* under /dev, on the host and in the container */
	unsigned int major, minor;
	bool is_default;		/* bound into every container */
};

/* A character device ward can bind from the host, by number; NULL if none. */
const struct ward_dev_node *ward_devices_lookup(int64_t major, int64_t minor);

#endif
