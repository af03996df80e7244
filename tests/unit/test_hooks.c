/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hooks.h"
#include "suites.h"

struct scratch {
	char dir[64];
	char out[96];
	char env_out[128];
};

static void
scratch_init(struct scratch *s)
{
	snprintf(s->dir, sizeof(s->dir), "/tmp/ward-hooks-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(s->dir));
	snprintf(s->out, sizeof(s->out), "%s/out", s->dir);
	snprintf(s->env_out, sizeof(s->env_out), "OUT=%s", s->out);
}

static void
scratch_done(const struct scratch *s)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* The whole file, or "" when missing. */
static void
slurp(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? 0 : read(fd, buf, len - 1);

	buf[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
}

static struct ward_hook
sh_hook(const char *script, char **env, size_t n_env, char **argv)
{
	struct ward_hook h = { .path = "/bin/sh", .args = argv, .n_args = 3,
			       .env = env, .n_env = n_env };

	argv[0] = "sh";
	argv[1] = "-c";
	argv[2] = (char *)script;
	return h;
}

START_TEST(state_reaches_stdin)
{
	static const char json[] = "{\"ociVersion\":\"1.2.0\",\"id\":\"c1\",\"status\":\"creating\"}";
	char *argv[3], *env[1], got[256];
	struct ward_err e = { 0 };
	struct ward_hook h;
	struct scratch s;

	scratch_init(&s);
	env[0] = s.env_out;
	h = sh_hook("cat > \"$OUT\"", env, 1, argv);
	ck_assert_int_eq(ward_hooks_run(&h, 1, WARD_HOOK_PRESTART, json, &e), 0);
	slurp(s.out, got, sizeof(got));
	ck_assert_str_eq(got, json);
	scratch_done(&s);
}
END_TEST

START_TEST(args_and_env_passed)
{
	char *argv[5], *env[2], got[256];
	struct ward_err e = { 0 };
	struct ward_hook h;
	struct scratch s;

	scratch_init(&s);
	env[0] = s.env_out;
	env[1] = "GREETING=hello world";
	h = sh_hook("echo \"$0|$1|$GREETING|${HOME:-nohome}\" > \"$OUT\"", env, 2,
		    argv);
	argv[3] = "name0";
	argv[4] = "first arg";
	h.n_args = 5;
	ck_assert_int_eq(ward_hooks_run(&h, 1, WARD_HOOK_CREATE_RUNTIME, "{}", &e), 0);
	slurp(s.out, got, sizeof(got));
	/* Only the given env: nothing of the runtime's (no HOME). */
	ck_assert_str_eq(got, "name0|first arg|hello world|nohome\n");
	scratch_done(&s);
}
END_TEST

START_TEST(exit_status_is_an_error_with_output)
{
	char *argv[3];
	struct ward_err e = { 0 };
	struct ward_hook h = sh_hook("echo out-text; echo 'err\ttext' >&2; exit 3",
				     NULL, 0, argv);

	ck_assert_int_lt(ward_hooks_run(&h, 1, WARD_HOOK_POSTSTOP, "{}", &e), 0);
	ck_assert_ptr_nonnull(strstr(e.msg, "hook poststop[0] /bin/sh exited with status 3"));
	ck_assert_ptr_nonnull(strstr(e.msg, "out-text"));
	ck_assert_ptr_nonnull(strstr(e.msg, "err text"));
}
END_TEST

START_TEST(signal_death_is_an_error)
{
	char *argv[3];
	struct ward_err e = { 0 };
	struct ward_hook h = sh_hook("kill -9 $$", NULL, 0, argv);

	ck_assert_int_lt(ward_hooks_run(&h, 1, WARD_HOOK_POSTSTART, "{}", &e), 0);
	ck_assert_ptr_nonnull(strstr(e.msg, "killed by signal 9"));
}
END_TEST

START_TEST(timeout_kills_the_hook_and_its_group)
{
	char *argv[3], *env[1], got[64];
	struct ward_err e = { 0 };
	struct timespec t0, t1;
	struct ward_hook h;
	struct scratch s;

	scratch_init(&s);
	env[0] = s.env_out;
	/* The background child would write after 3 s unless it is killed too. */
	h = sh_hook("(sleep 3; echo late > \"$OUT\") & sleep 30", env, 1, argv);
	h.has_timeout = true;
	h.timeout = 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(ward_hooks_run(&h, 1, WARD_HOOK_CREATE_CONTAINER, "{}", &e),
			 -ETIMEDOUT);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ck_assert_str_eq(e.msg, "hook createContainer[0] /bin/sh timed out after 1 s");
	ck_assert_int_lt(t1.tv_sec - t0.tv_sec, 3);
	sleep(3);
	slurp(s.out, got, sizeof(got));
	ck_assert_str_eq(got, "");
	scratch_done(&s);
}
END_TEST

START_TEST(stops_at_first_failure)
{
	char *a0[3], *a1[3], *a2[3], *env[1], got[64];
	struct ward_err e = { 0 };
	struct ward_hook h[3];
	struct scratch s;

	scratch_init(&s);
	env[0] = s.env_out;
	h[0] = sh_hook("true", NULL, 0, a0);
	h[1] = sh_hook("exit 1", NULL, 0, a1);
	h[2] = sh_hook("echo ran > \"$OUT\"", env, 1, a2);
	ck_assert_int_lt(ward_hooks_run(h, 3, WARD_HOOK_START_CONTAINER, "{}", &e), 0);
	ck_assert_ptr_nonnull(strstr(e.msg, "startContainer[1]"));
	slurp(s.out, got, sizeof(got));
	ck_assert_str_eq(got, "");
	scratch_done(&s);
}
END_TEST

START_TEST(bad_hooks)
{
	struct ward_hook rel = { .path = "bin/true" };
	struct ward_hook missing = { .path = "/nonexistent/hook" };
	struct ward_hook zero = { .path = "/bin/true", .has_timeout = true };
	struct ward_err e = { 0 };

	ck_assert_int_eq(ward_hooks_run(&rel, 1, WARD_HOOK_PRESTART, "{}", &e), -EINVAL);
	ck_assert_ptr_nonnull(strstr(e.msg, "hooks.prestart[0].path must be absolute"));
	memset(&e, 0, sizeof(e));
	ck_assert_int_eq(ward_hooks_run(&zero, 1, WARD_HOOK_PRESTART, "{}", &e), -EINVAL);
	memset(&e, 0, sizeof(e));
	/* The exec's own errno comes back from the child. */
	ck_assert_int_eq(ward_hooks_run(&missing, 1, WARD_HOOK_PRESTART, "{}", &e),
			 -ENOENT);
	ck_assert_ptr_nonnull(strstr(e.msg, "/nonexistent/hook"));
}
END_TEST

START_TEST(large_state_and_no_reader)
{
	size_t len = 1 << 20;
	char *json = malloc(len + 1), *argv[3], *env[1], got[64];
	struct ward_err e = { 0 };
	struct ward_hook h;
	struct scratch s;

	ck_assert_ptr_nonnull(json);
	memset(json, 'x', len);
	json[len] = '\0';
	scratch_init(&s);
	env[0] = s.env_out;
	/* More than a pipe holds: delivered whole to a reader... */
	h = sh_hook("wc -c > \"$OUT\"", env, 1, argv);
	ck_assert_int_eq(ward_hooks_run(&h, 1, WARD_HOOK_PRESTART, json, &e), 0);
	slurp(s.out, got, sizeof(got));
	ck_assert_int_eq(atol(got), (long)len);
	/* ...and no hang nor SIGPIPE for a hook that never reads it. */
	h = sh_hook("exit 0", NULL, 0, argv);
	ck_assert_int_eq(ward_hooks_run(&h, 1, WARD_HOOK_PRESTART, json, &e), 0);
	free(json);
	scratch_done(&s);
}
END_TEST

START_TEST(hooks_see_no_runtime_fds)
{
	char *argv[3], *env[1], got[256], *save = NULL;
	struct ward_err e = { 0 };
	struct ward_hook h;
	struct scratch s;
	int n = 0;

	scratch_init(&s);
	env[0] = s.env_out;
	/* An inherited fd without CLOEXEC (a --preserve-fds one) stays ours. */
	ck_assert_int_eq(dup2(0, 42), 42);
	/* exec: a plain redirection makes dash park the old fd 1 at fd 10. */
	h = sh_hook("exec ls /proc/self/fd > \"$OUT\"", env, 1, argv);
	ck_assert_int_eq(ward_hooks_run(&h, 1, WARD_HOOK_PRESTART, "{}", &e), 0);
	slurp(s.out, got, sizeof(got));
	for (char *t = strtok_r(got, "\n", &save); t != NULL;
	     t = strtok_r(NULL, "\n", &save), n++)
		ck_assert_msg(atoi(t) <= 3, "fd %s leaked into the hook", t);
	ck_assert_int_ge(n, 3);
	close(42);
	scratch_done(&s);
}
END_TEST

START_TEST(plan_then_exec)
{
	char *argv[3], *env[1], got[64];
	struct ward_hooks hooks = { 0 };
	struct ward_hooks_plan plan;
	struct ward_err e = { 0 };
	struct ward_hook h;
	struct scratch s;

	scratch_init(&s);
	env[0] = s.env_out;
	h = sh_hook("cat > \"$OUT\"", env, 1, argv);
	hooks.v[WARD_HOOK_START_CONTAINER] = &h;
	hooks.n[WARD_HOOK_START_CONTAINER] = 1;
	ck_assert_int_eq(ward_hooks_plan(&hooks, &plan, &e), 0);
	ck_assert_uint_eq(plan.n[WARD_HOOK_PRESTART], 0);
	ck_assert_uint_eq(plan.n[WARD_HOOK_START_CONTAINER], 1);
	ck_assert_str_eq(plan.v[WARD_HOOK_START_CONTAINER][0].argv[2], "cat > \"$OUT\"");
	ck_assert_ptr_null(plan.v[WARD_HOOK_START_CONTAINER][0].argv[3]);
	ck_assert_int_eq(ward_hooks_exec(plan.v[WARD_HOOK_START_CONTAINER], 1,
					 WARD_HOOK_START_CONTAINER, "{\"a\":1}", 7, &e), 0);
	slurp(s.out, got, sizeof(got));
	ck_assert_str_eq(got, "{\"a\":1}");
	ward_hooks_plan_free(&plan);
	scratch_done(&s);
}
END_TEST

Suite *
suite_hooks(void)
{
	Suite *s = suite_create("hooks");
	TCase *tc = tcase_create("run");

	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, state_reaches_stdin);
	tcase_add_test(tc, args_and_env_passed);
	tcase_add_test(tc, exit_status_is_an_error_with_output);
	tcase_add_test(tc, signal_death_is_an_error);
	tcase_add_test(tc, timeout_kills_the_hook_and_its_group);
	tcase_add_test(tc, stops_at_first_failure);
	tcase_add_test(tc, bad_hooks);
	tcase_add_test(tc, large_state_and_no_reader);
	tcase_add_test(tc, hooks_see_no_runtime_fds);
	tcase_add_test(tc, plan_then_exec);
	suite_add_tcase(s, tc);
	return s;
}
