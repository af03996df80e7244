/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Per-container state under --root: <root>/<id>/ (0700) holding state.json
 * (written atomically), config.json (the hardened spec, for exec and hooks)
 * and start.sock (the created init waits on it for `start`). Every command
 * holds an flock on the directory, so concurrent commands on one id are
 * serialised; different ids never contend.
 */
#ifndef WARD_STATE_H
#define WARD_STATE_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "ward/error.h"

/* Ids: 1..WARD_ID_MAX bytes of [A-Za-z0-9._-], not starting with ".". */
#define WARD_ID_MAX 255

enum ward_status {
	WARD_STATUS_CREATING,
	WARD_STATUS_CREATED,
	WARD_STATUS_RUNNING,
	WARD_STATUS_PAUSED,
	WARD_STATUS_STOPPED,
};

/* The init's listening socket; its absence means `start` ran. */
#define WARD_START_SOCK "start.sock"

struct ward_state {
	char id[WARD_ID_MAX + 1];
	pid_t pid;			/* host pid of init; 0 before clone */
	uint64_t pid_start;		/* its start time: guards pid reuse */
	bool started;			/* derived: no start.sock */
	char bundle[PATH_MAX];
	char rootfs[PATH_MAX];
	char created[64];		/* RFC 3339, UTC, nanoseconds */
	int64_t idmap_block;		/* allocated host id block, or -1 */
	char cgroup[PATH_MAX];		/* cgroup path, "" if none */
	uid_t owner;
};

struct ward_state_dir {
	int dirfd;
	char path[PATH_MAX];
};

int ward_state_validate_id(const char *id, struct ward_err *e);
/* mkdir <root>/<id> exclusively and lock it; "already exists" on EEXIST. */
int ward_state_create(const char *root, const char *id,
		      struct ward_state_dir *d, struct ward_err *e);
/* Open and lock an existing container; "does not exist" on ENOENT. */
int ward_state_open(const char *root, const char *id, struct ward_state_dir *d,
		    struct ward_err *e);
void ward_state_close(struct ward_state_dir *d);
/* Remove the directory and everything in it, then close. */
int ward_state_destroy(struct ward_state_dir *d, struct ward_err *e);

int ward_state_save(const struct ward_state_dir *d, const struct ward_state *st,
		    struct ward_err *e);
int ward_state_load(const struct ward_state_dir *d, struct ward_state *st,
		    struct ward_err *e);

/* Live status from the saved state and /proc (pid reuse detected). */
enum ward_status ward_state_status(const struct ward_state *st);
/* Whether `start` ran: it removes start.sock (state.json keeps no flag). */
bool ward_state_started(const struct ward_state_dir *d);
const char *ward_status_name(enum ward_status s);
/* starttime (field 22) of /proc/PID/stat; -errno if gone or a zombie. */
int ward_proc_start_time(pid_t pid, uint64_t *out);
/* Now as RFC 3339 with nanoseconds, UTC. */
void ward_now_rfc3339(char *buf, size_t len);

#endif
