/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Private to the mounts stage (mounts*.c, devices.c): plan-building helpers
 * and the pieces of the child-side apply that are split across files.
 */
#ifndef WARD_MOUNTS_INT_H
#define WARD_MOUNTS_INT_H

#include "mounts.h"

/* Host nodes ward binds into every /dev (mknod is impossible in a userns). */
#define WARD_DEV_SIZE "65536k"

/* Copy op into the plan (ops[] grows; earlier op pointers become stale). */
int ward_mounts_push(struct ward_mounts_plan *p, const struct ward_mount_op *op,
		     struct ward_err *e);
/* An arena string; NULL with e set on ENOMEM. */
char *ward_mounts_strdup(struct ward_mounts_plan *p, const char *s,
			 struct ward_err *e);
/* Clean a container path into the arena; what names the field for errors. */
int ward_mounts_clean(struct ward_mounts_plan *p, const char *in,
		      const char **out, const char *what, struct ward_err *e);

/* mounts_opts.c: mounts[i] -> one or more ops. */
int ward_mounts_plan_entry(const struct ward_spec *s, const char *bundle,
			   size_t i, struct ward_mounts_plan *p,
			   struct ward_err *e);
/* A new filesystem op with fixed params (ward's own /dev, /dev/pts ...). */
int ward_mounts_push_fs(struct ward_mounts_plan *p, const char *fstype,
			const char *target, uint64_t attrs, unsigned int flags,
			const char *const *params, struct ward_err *e);

/* mounts_cgroup.c: the ops for a "cgroup" mount (v1 emulation or cgroup2). */
int ward_mounts_plan_cgroup(struct ward_mounts_plan *p, size_t index,
			    const char *target, uint64_t attrs,
			    struct ward_err *e);

/* mounts_prepare.c: open the rootfs and every bind source as detached mounts. */
int ward_mounts_open_sources(struct ward_mounts_plan *p, struct ward_err *e);

/* devices.c: /dev nodes bound from the host, /dev/ptmx and std symlinks. */
int ward_devices_plan(const struct ward_spec *s, struct ward_mounts_plan *p,
		      struct ward_err *e);

/*
 * Child side (mounts_apply.c, mounts_target.c, mounts_final.c). All take the dirfd the
 * container paths are resolved in and never allocate.
 */
/* Resolve target in root; create it (dir, or empty file when !dir) if missing. */
int ward_mounts_target(int rootfd, const char *target, bool dir, bool real_dir,
		       int *out, struct ward_err *e);
/* Open target in root without following a final symlink; -ENOENT if absent. */
int ward_mounts_open_nofollow(int rootfd, const char *target, int *out,
			      struct ward_err *e);
int ward_mounts_apply_op(int rootfd, const struct ward_mount_op *op,
			 struct ward_err *e);
/* After pivot_root: read-only paths, masked paths, root.readonly. */
int ward_mounts_apply_final(const struct ward_mounts_plan *p,
			    struct ward_err *e);

#endif
