/* SPDX-License-Identifier: Apache-2.0 */
/*
 * process.terminal: a pty from the container's own devpts instance whose
 * master leaves over the --console-socket (containerd's shim, `docker run
 * -t`) or over a socketpair to ward itself, which then relays it.
 */
#ifndef WARD_TERMINAL_H
#define WARD_TERMINAL_H

#include <stdbool.h>
#include <sys/types.h>

#include "ward/error.h"

struct ward_process_plan;

/*
 * Parent, before clone: connect to the AF_UNIX SOCK_STREAM socket given by
 * --console-socket (paths longer than sun_path go through an O_PATH fd).
 * *fd is CLOEXEC.
 */
int ward_terminal_connect(const char *console_socket_path, int *fd,
			  struct ward_err *e);

/*
 * Child, syscalls only; after pivot_root with /dev/pts (newinstance) and
 * /proc mounted, while still root in the user namespace. Opens /dev/ptmx,
 * unlocks it, opens the peer with TIOCGPTPEER, applies consoleSize, binds
 * the peer over /dev/console (with console: the init's, never an exec's), gives it to the process uid, sends the master
 * over console_sock (one message: one SCM_RIGHTS fd, the data "/dev/ptmx",
 * as runc does), then setsid(), TIOCSCTTY and the peer onto fds 0, 1, 2.
 * The master is closed here; console_sock is left to the caller.
 */
int ward_terminal_child_setup(int console_sock, const struct ward_process_plan *p,
			      bool console, struct ward_err *e);

/* Parent: receive the master sent by ward_terminal_child_setup (CLOEXEC). */
int ward_terminal_recv(int sock, int *master_fd, struct ward_err *e);

/*
 * Parent, foreground `run` without --console-socket: copy stdin to the
 * master and the master to stdout until child exits (stdin in raw mode
 * while relaying if it is a tty, restored on return). SIGWINCH resizes the
 * pty; SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2 are forwarded
 * to child. These signals are blocked during the relay and the caller's
 * mask is restored. Does not reap child.
 */
int ward_terminal_relay(int master_fd, pid_t child, struct ward_err *e);

#endif
