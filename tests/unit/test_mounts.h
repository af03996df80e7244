/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by test_mounts.c (plan) and test_mounts_apply.c (real mounts). */
#ifndef WARD_TEST_MOUNTS_H
#define WARD_TEST_MOUNTS_H

#include <check.h>
#include <stddef.h>

#include "mounts.h"
#include "spec.h"

/* A bundle under /tmp with rootfs/{bin,dev,etc,proc,sys,tmp}; busybox when asked. */
void tm_bundle_make(char *dir, size_t len, int with_busybox);
/* Remove a bundle (never crossing a mount or following a symlink). */
void tm_bundle_remove(const char *dir);
/* Parse a config.json built with printf-style formatting; fails the test on error. */
struct ward_spec *tm_spec(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
/* Write a file (creating it) with the given text; fails the test on error. */
void tm_write(const char *path, const char *text);

TCase *tm_apply_tcase(void);
TCase *tm_hostile_tcase(void);
TCase *tm_overlay_tcase(void);

#endif
