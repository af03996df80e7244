/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers for tests that must run code in a forked child (caps, process). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "suites.h"

int
test_say(int out, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdprintf(out, fmt, ap);
	va_end(ap);
	return code;
}

int
test_in_child(int (*fn)(const void *arg, int out), const void *arg, char *msg,
	      size_t len)
{
	int p[2], status;
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(p[0]);
		_exit(fn(arg, p[1]));
	}
	close(p[1]);
	while (got + 1 < len && (n = read(p[0], msg + got, len - 1 - got)) > 0)
		got += (size_t)n;
	msg[got] = '\0';
	close(p[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
