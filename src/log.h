/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Leaf: the runtime's log. Configured once from the CLI options (--log,
 * --log-format, --debug); writes text or json lines that containerd reads
 * back. It is the one sink the library may write to, never stdout/stderr
 * (those belong to the container under containerd's shim).
 */
#ifndef WARD_LOG_H
#define WARD_LOG_H

#include <stdbool.h>

#include "ward/ward.h"

void ward_log(enum ward_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define ward_debug(...) ward_log(WARD_LOG_DEBUG, __VA_ARGS__)
#define ward_info(...) ward_log(WARD_LOG_INFO, __VA_ARGS__)
#define ward_warn(...) ward_log(WARD_LOG_WARN, __VA_ARGS__)

#endif
