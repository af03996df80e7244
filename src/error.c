/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <errno.h>
#include <string.h>

/* A caller that passes errno 0 by mistake still gets a failure. */
#define EIO_FALLBACK EIO

#include "ward/error.h"

int
ward_err_set(struct ward_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	if (code <= 0)
		code = code < 0 ? -code : EIO_FALLBACK;
	if (e != NULL && e->code == 0) {
		e->code = code;
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		va_end(ap);
	}
	return -code;
}

void
ward_err_prefix(struct ward_err *e, const char *fmt, ...)
{
	char head[WARD_ERR_MSG_MAX], tmp[WARD_ERR_MSG_MAX];
	va_list ap;

	if (e == NULL || e->code == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(head, sizeof(head), fmt, ap);
	va_end(ap);
	snprintf(tmp, sizeof(tmp), "%s: %s", head, e->msg);
	memcpy(e->msg, tmp, sizeof(e->msg));
}

const char *
ward_err_str(const struct ward_err *e, char *buf, unsigned long len)
{
	if (e->code == 0 || e->code == WARD_EPOLICY)
		snprintf(buf, len, "%s", e->msg);
	else
		snprintf(buf, len, "%s: %s", e->msg, strerror(e->code));
	return buf;
}
