/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The error idiom: every fallible function returns 0 or -errno and fills a
 * caller-owned struct ward_err. It is fixed-size so it can cross the sync
 * socket from the container child in one SEQPACKET without any heap.
 */
#ifndef WARD_ERROR_H
#define WARD_ERROR_H

#include <stdarg.h>

#define WARD_ERR_MSG_MAX 256

struct ward_err {
	int code;		/* positive errno; 0 when unset */
	char msg[WARD_ERR_MSG_MAX];
};

/* Fill e (when still empty) and return -code, so it can be returned directly. */
int ward_err_set(struct ward_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prepend "what: " to an already set message; only at module boundaries. */
void ward_err_prefix(struct ward_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Format "msg: strerror(code)" (or just msg for code 0 / policy errors). */
const char *ward_err_str(const struct ward_err *e, char *buf, unsigned long len);

/* Code used for refusals: the message is the whole story, no strerror. */
#define WARD_EPOLICY 0x7fff

#endif
