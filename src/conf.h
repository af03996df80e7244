/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ward.conf: the host administrator's settings. Every key can only tighten
 * the policy (DESIGN.md §3); nothing here relaxes a refusal. The runtime
 * reads userns_base/userns_count to allocate per-container host id blocks.
 */
#ifndef WARD_CONF_H
#define WARD_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ward/ward.h"

/* 1e9 leaves every /etc/subuid range of a normal host (100000+) far below. */
#define WARD_CONF_USERNS_BASE 1000000000u
/* 1024 containers of 65536 ids each. */
#define WARD_CONF_USERNS_COUNT 67108864u
#define WARD_CONF_USERNS_BLOCK 65536u
#define WARD_CONF_PIDS_LIMIT 4096
#define WARD_CONF_MAX_BYTES (64u << 10)

struct ward_conf {
	uint32_t userns_base;		/* first host id handed to containers */
	uint32_t userns_count;		/* ids in the range; multiple of 65536 */
	int64_t default_pids_limit;	/* > 0; used when the config has none */
	bool require_readonly_rootfs;	/* writable rootfs: warn -> refuse */
	bool require_memory_limit;	/* no memory limit: warn -> refuse */
	char **forbidden_paths;		/* cleaned absolute host paths */
	size_t n_forbidden_paths;
};

/* The built-in defaults, used when ward.conf is absent. */
void ward_conf_defaults(struct ward_conf *c);

/*
 * Parse ward.conf text held in memory; `name` is only for messages
 * ("ward.conf:3: unknown key 'foo'"). The result is freed by ward_conf_free.
 */
int ward_conf_parse(const char *name, const char *buf, size_t len,
		    struct ward_conf **out, struct ward_err *e);

#endif
