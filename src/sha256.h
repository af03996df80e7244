/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Leaf: SHA-256 (FIPS 180-4). Used to key and verify the compiled seccomp
 * cache and to stamp the generated baseline header; no crypto library is a
 * dependency, and nothing here needs to be constant-time (no secrets).
 */
#ifndef WARD_SHA256_H
#define WARD_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define WARD_SHA256_LEN 32
#define WARD_SHA256_HEX_LEN (2 * WARD_SHA256_LEN + 1)

struct ward_sha256 {
	uint32_t h[8];
	uint64_t total;			/* bytes hashed so far */
	uint8_t block[64];
	size_t used;			/* bytes waiting in block */
};

void ward_sha256_init(struct ward_sha256 *c);
void ward_sha256_update(struct ward_sha256 *c, const void *data, size_t len);
void ward_sha256_final(struct ward_sha256 *c, uint8_t out[WARD_SHA256_LEN]);
/* One-shot digest of a buffer. */
void ward_sha256(const void *data, size_t len, uint8_t out[WARD_SHA256_LEN]);
/* Lower-case hex with a terminating NUL. */
void ward_sha256_hex(const uint8_t d[WARD_SHA256_LEN],
		     char out[WARD_SHA256_HEX_LEN]);

#endif
