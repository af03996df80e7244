/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the cgroup suite's files (plan, v1/hybrid host, v2). */
#ifndef WARD_TEST_CGROUP_H
#define WARD_TEST_CGROUP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup.h"
#include "cgroup_int.h"
#include "suites.h"

/*
 * Every cgroup a test makes lives under /ward-unit-<runner pid>/ in every
 * hierarchy; the tcase's unchecked teardown (run by the runner, so also
 * after a failed test) kills and removes whatever is left there.
 */
void tcg_setup(void);
void tcg_teardown(void);
/* "/ward-unit-<runner pid>/<name>" */
void tcg_path(char *buf, size_t len, const char *name);

/*
 * A private mount namespace with a fresh tmpfs on /tmp: device nodes and
 * mounts a test makes there vanish with the test process.
 */
void tcg_private_tmp(void);

/* A spec with linux.cgroupsPath and linux.resources (JSON, ' for "). */
struct ward_spec *tcg_spec(const char *cgroups_path, const char *resources,
			   const char *linux_extra);
/* Plan and create /ward-unit-N/<name> with resources; asserts success. */
void tcg_create(const char *name, const char *resources,
		struct ward_spec **s, struct ward_cgroup_plan *p, int *v2_fd);
/* Destroy (with kill), free; assert every directory ward made is gone. */
void tcg_destroy(struct ward_cgroup_plan *p, struct ward_spec *s, int v2_fd);

/* Fork fn(arg) in a child that runs only once attached to cg. */
pid_t tcg_spawn(const struct ward_cgroup *cg, int (*fn)(void *), void *arg);
/* waitpid; the exit status, or 128+signal. */
int tcg_wait(pid_t pid);
/* An fd-less counter loop in shared memory, for freeze tests. */
volatile uint64_t *tcg_counter(void);
int tcg_count_forever(void *arg);
int tcg_pause(void *arg);
/* Does the counter advance within ms? */
bool tcg_advances(volatile uint64_t *c, unsigned int ms);
bool tcg_dir_exists(const struct ward_cgroup *cg, size_t h);

void tcg_add_host_tests(Suite *s);
void tcg_add_v2_tests(Suite *s);

#endif
