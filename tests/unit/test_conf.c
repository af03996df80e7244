/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholder: replaced by the conf module's tests. */
#include "suites.h"

Suite *
suite_conf(void)
{
	return suite_create("conf");
}
