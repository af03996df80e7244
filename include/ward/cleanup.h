/* SPDX-License-Identifier: Apache-2.0 */
/* Scope-bound cleanup helpers: locals release themselves; ownership moves via take_*. */
#ifndef WARD_CLEANUP_H
#define WARD_CLEANUP_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <dirent.h>

static inline void
ward_cleanup_close(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

static inline void
ward_cleanup_free(void *p)
{
	free(*(void **)p);
}

static inline void
ward_cleanup_fclose(FILE **f)
{
	if (*f != NULL)
		fclose(*f);
}

static inline void
ward_cleanup_closedir(DIR **d)
{
	if (*d != NULL)
		closedir(*d);
}

#define _cleanup_close_ __attribute__((cleanup(ward_cleanup_close)))
#define _cleanup_free_ __attribute__((cleanup(ward_cleanup_free)))
#define _cleanup_fclose_ __attribute__((cleanup(ward_cleanup_fclose)))
#define _cleanup_closedir_ __attribute__((cleanup(ward_cleanup_closedir)))

/* Close an owned fd now (not at scope exit) and mark it gone. */
static inline void
ward_close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static inline int
take_fd(int *fd)
{
	int r = *fd;
	*fd = -1;
	return r;
}

#define take_ptr(pp)                                                           \
	({                                                                     \
		__typeof__(*(pp)) _p = *(pp);                                  \
		*(pp) = NULL;                                                  \
		_p;                                                            \
	})

#endif
