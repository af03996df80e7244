/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

/*
 * The sink is set once from the CLI options before any work starts; this is
 * the "CLI options" state the style guide allows, not mutable program state.
 */
static struct {
	int fd;
	enum ward_log_format fmt;
	bool debug;
	bool to_file;
} sink = { .fd = STDERR_FILENO, .fmt = WARD_LOG_TEXT };

static const char *const level_names[] = { "debug", "info", "warning", "error" };

int
ward_log_open(const char *path, enum ward_log_format fmt, bool debug,
	      struct ward_err *e)
{
	sink.fmt = fmt;
	sink.debug = debug;
	if (path == NULL || *path == '\0')
		return 0;
	/* containerd expects the runtime to create the file (runc does). */
	sink.fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (sink.fd < 0) {
		sink.fd = STDERR_FILENO;
		return ward_err_set(e, errno, "open log file %s", path);
	}
	sink.to_file = true;
	return 0;
}

void
ward_log_close(void)
{
	if (sink.to_file)
		close(sink.fd);
	sink.fd = STDERR_FILENO;
	sink.to_file = false;
}

bool
ward_log_to_file(void)
{
	return sink.to_file;
}

/* JSON string escaping for the msg field; control bytes become \u00XX. */
static size_t
json_escape(char *out, size_t cap, const char *in)
{
	size_t o = 0;

	for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
		char tmp[8];
		const char *s = tmp;

		if (*p == '"' || *p == '\\')
			snprintf(tmp, sizeof(tmp), "\\%c", *p);
		else if (*p == '\n')
			s = "\\n";
		else if (*p == '\t')
			s = "\\t";
		else if (*p < 0x20)
			snprintf(tmp, sizeof(tmp), "\\u%04x", *p);
		else
			snprintf(tmp, sizeof(tmp), "%c", *p);
		size_t n = strlen(s);
		if (o + n + 1 >= cap)
			break;
		memcpy(out + o, s, n);
		o += n;
	}
	out[o] = '\0';
	return o;
}

static void
log_line(enum ward_log_level level, const char *msg)
{
	char ts[64], esc[2048], line[2304];
	struct timespec now;
	struct tm tm;
	int n;

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	if (sink.fmt == WARD_LOG_JSON) {
		json_escape(esc, sizeof(esc), msg);
		n = snprintf(line, sizeof(line),
			     "{\"level\":\"%s\",\"msg\":\"%s\",\"time\":\"%s.%09ldZ\"}\n",
			     level_names[level], esc, ts, now.tv_nsec);
	} else if (sink.to_file) {
		n = snprintf(line, sizeof(line), "time=\"%sZ\" level=%s msg=\"%s\"\n",
			     ts, level_names[level], msg);
	} else {
		n = snprintf(line, sizeof(line), "ward: %s%s\n",
			     level == WARD_LOG_ERROR ? "" :
			     level == WARD_LOG_WARN ? "warning: " :
			     level == WARD_LOG_INFO ? "info: " : "debug: ",
			     msg);
	}
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	/* Best effort: a log write failure must not change the outcome. */
	(void)ward_write_all(sink.fd, line, (size_t)n);
}

void
ward_log(enum ward_log_level level, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (level == WARD_LOG_DEBUG && !sink.debug)
		return;
	/* stderr may be the container's output (containerd): stay quiet there. */
	if (level == WARD_LOG_INFO && !sink.debug && !sink.to_file)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_line(level, msg);
}

void
ward_log_error(const char *msg)
{
	log_line(WARD_LOG_ERROR, msg);
}
