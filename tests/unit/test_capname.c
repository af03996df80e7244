/* SPDX-License-Identifier: Apache-2.0 */
#include <linux/capability.h>

#include "capname.h"
#include "suites.h"

START_TEST(names_round_trip)
{
	for (int i = 0; i <= WARD_CAP_LAST; i++) {
		const char *n = ward_cap_name(i);

		ck_assert_ptr_nonnull(n);
		ck_assert_int_eq(ward_cap_from_name(n), i);
	}
	ck_assert_ptr_null(ward_cap_name(WARD_CAP_LAST + 1));
	ck_assert_ptr_null(ward_cap_name(-1));
}
END_TEST

START_TEST(names_match_kernel_numbers)
{
	ck_assert_int_eq(ward_cap_from_name("CAP_SYS_ADMIN"), CAP_SYS_ADMIN);
	ck_assert_int_eq(ward_cap_from_name("CAP_NET_RAW"), CAP_NET_RAW);
	ck_assert_int_eq(ward_cap_from_name("CAP_BPF"), CAP_BPF);
	ck_assert_int_eq(ward_cap_from_name("CAP_CHECKPOINT_RESTORE"),
			 CAP_CHECKPOINT_RESTORE);
	ck_assert_int_eq(WARD_CAP_LAST, CAP_LAST_CAP);
}
END_TEST

START_TEST(bare_and_lowercase_names)
{
	ck_assert_int_eq(ward_cap_from_name("sys_admin"), CAP_SYS_ADMIN);
	ck_assert_int_eq(ward_cap_from_name("cap_chown"), CAP_CHOWN);
}
END_TEST

START_TEST(unknown_names_are_errors)
{
	ck_assert_int_lt(ward_cap_from_name("CAP_SYS_WIZARD"), 0);
	ck_assert_int_lt(ward_cap_from_name(""), 0);
	ck_assert_int_lt(ward_cap_from_name("CAP_"), 0);
	ck_assert_int_lt(ward_cap_from_name(NULL), 0);
}
END_TEST

START_TEST(all_mask_covers_every_cap)
{
	ck_assert_uint_eq(ward_cap_all(), (UINT64_C(1) << 41) - 1);
}
END_TEST

Suite *
suite_capname(void)
{
	Suite *s = suite_create("capname");
	TCase *tc = tcase_create("names");

	tcase_add_test(tc, names_round_trip);
	tcase_add_test(tc, names_match_kernel_numbers);
	tcase_add_test(tc, bare_and_lowercase_names);
	tcase_add_test(tc, unknown_names_are_errors);
	tcase_add_test(tc, all_mask_covers_every_cap);
	suite_add_tcase(s, tc);
	return s;
}
