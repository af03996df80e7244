/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholder: replaced by the seccomp module's tests. */
#include "suites.h"

Suite *
suite_seccomp(void)
{
	return suite_create("seccomp");
}
