/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholder: replaced by the policy module's tests. */
#include "suites.h"

Suite *
suite_policy(void)
{
	return suite_create("policy");
}
