/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholder: replaced by the spec module's tests. */
#include "suites.h"

Suite *
suite_spec(void)
{
	return suite_create("spec");
}
