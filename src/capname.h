/* SPDX-License-Identifier: Apache-2.0 */
/* Leaf: capability names <-> numbers, independent of the libcap-ng build. */
#ifndef WARD_CAPNAME_H
#define WARD_CAPNAME_H

#include <stdint.h>

/* Highest capability number ward knows (CAP_CHECKPOINT_RESTORE). */
#define WARD_CAP_LAST 40

/* "CAP_SYS_ADMIN" (or "SYS_ADMIN", any case) -> 21; -ENOENT when unknown. */
int ward_cap_from_name(const char *name);
/* 21 -> "CAP_SYS_ADMIN"; NULL when out of range. */
const char *ward_cap_name(int cap);
/* Mask of every capability ward knows: the "privileged" set. */
uint64_t ward_cap_all(void);

#endif
