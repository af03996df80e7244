/* SPDX-License-Identifier: Apache-2.0 */
/*
 * User namespace id maps. The config's own mappings are used as given (the
 * policy refused any that reach host id 0); when it has none, ward allocates
 * a 65536-id block of host ids for the container from ward.conf's range and
 * maps container ids 0..65535 onto it.
 *
 * Allocation is a file per block under WARD_IDMAP_DIR created with O_EXCL, so
 * it is atomic across concurrent creates and O(1) in the common case: the
 * probe starts at a hash of the container's state dir.
 */
#ifndef WARD_USERNS_H
#define WARD_USERNS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "spec.h"

#define WARD_IDMAP_DIR "/run/ward-idmap"
#define WARD_IDMAP_BLOCK 65536u

struct ward_userns_plan {
	bool write_maps;		/* a new user ns whose maps we write */
	bool allocated;			/* ids from ward's allocator */
	int64_t block;			/* allocated block index, -1 if none */
	uint32_t host_base;		/* allocated: first host id */
	char uid_map[1024];		/* text for /proc/PID/uid_map */
	char gid_map[1024];
	char owner[4096];		/* state dir recorded in the block file */
};

/*
 * Plan the maps; allocates a block when the config has no mappings. The
 * allocation is released by ward_userns_release() (on rollback or delete).
 */
int ward_userns_plan(const struct ward_spec *s, uint32_t base, uint32_t count,
		     const char *owner, struct ward_userns_plan *p,
		     struct ward_err *e);
/* Parent: write uid_map and gid_map of the child. */
int ward_userns_write_maps(pid_t pid, const struct ward_userns_plan *p,
			   struct ward_err *e);
/*
 * Is the user namespace of pid one of ward's blocks from [base, base+count)
 * (a joined pod sandbox's)? Then *host_base is its first host id.
 */
bool ward_userns_is_block(pid_t pid, uint32_t base, uint32_t count,
			  uint32_t *host_base);
/* Release an allocated block (idempotent; ENOENT ignored). */
void ward_userns_release_block(int64_t block);

#endif
