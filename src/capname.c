/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stddef.h>
#include <strings.h>

#include "capname.h"
#include "util.h"

/* Kernel numbering (include/uapi/linux/capability.h); the index is the number. */
static const char *const cap_names[WARD_CAP_LAST + 1] = {
	"CAP_CHOWN",		"CAP_DAC_OVERRIDE",	"CAP_DAC_READ_SEARCH",
	"CAP_FOWNER",		"CAP_FSETID",		"CAP_KILL",
	"CAP_SETGID",		"CAP_SETUID",		"CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE",	"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
	"CAP_NET_ADMIN",	"CAP_NET_RAW",		"CAP_IPC_LOCK",
	"CAP_IPC_OWNER",	"CAP_SYS_MODULE",	"CAP_SYS_RAWIO",
	"CAP_SYS_CHROOT",	"CAP_SYS_PTRACE",	"CAP_SYS_PACCT",
	"CAP_SYS_ADMIN",	"CAP_SYS_BOOT",		"CAP_SYS_NICE",
	"CAP_SYS_RESOURCE",	"CAP_SYS_TIME",		"CAP_SYS_TTY_CONFIG",
	"CAP_MKNOD",		"CAP_LEASE",		"CAP_AUDIT_WRITE",
	"CAP_AUDIT_CONTROL",	"CAP_SETFCAP",		"CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN",	"CAP_SYSLOG",		"CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND",	"CAP_AUDIT_READ",	"CAP_PERFMON",
	"CAP_BPF",		"CAP_CHECKPOINT_RESTORE",
};

int
ward_cap_from_name(const char *name)
{
	const char *bare = name;

	if (name == NULL)
		return -ENOENT;
	if (strncasecmp(name, "CAP_", 4) == 0)
		bare = name + 4;
	for (size_t i = 0; i < WARD_ARRAY_SIZE(cap_names); i++)
		if (strcasecmp(cap_names[i] + 4, bare) == 0)
			return (int)i;
	return -ENOENT;
}

const char *
ward_cap_name(int cap)
{
	if (cap < 0 || cap > WARD_CAP_LAST)
		return NULL;
	return cap_names[cap];
}

uint64_t
ward_cap_all(void)
{
	return (UINT64_C(1) << (WARD_CAP_LAST + 1)) - 1;
}
