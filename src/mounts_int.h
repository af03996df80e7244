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

/*
 * mounts_prepare.c: open the rootfs and every bind source but the host's
 * device nodes as detached mounts (in the parent).
 */
int ward_mounts_open_sources(struct ward_mounts_plan *p, struct ward_err *e);
/* One bind source as a detached mount, isolated and restricted, in *out. */
int ward_mounts_clone_source(const struct ward_mount_op *op, int *out,
			     struct ward_err *e);

/*
 * mounts_overlay.c: an overlay mount's layers (host paths, as its super
 * options in mountinfo name them), and a fresh overlay on idmapped clones
 * of them (parent side).
 */
struct ward_overlay {
	struct ward_arena arena;
	const char **lower;		/* top first */
	size_t n_lower;
	const char **data;		/* data-only lower layers ("::") */
	size_t n_data;
	const char *upper;		/* NULL: a read-only overlay */
	const char *work;
	struct ward_fs_param *params;	/* format options carried over */
	size_t n_params;
};

/* Parse an overlay's super options ("rw,lowerdir=...,upperdir=..."). */
int ward_overlay_parse(const char *superopts, struct ward_overlay *ov,
		       struct ward_err *e);
/*
 * Is path the root of an overlay mount? *found false (and 0) when it is not
 * an overlay at all; an error when it is a directory inside one.
 */
int ward_overlay_of(const char *path, struct ward_overlay *ov, bool *found,
		    struct ward_err *e);
void ward_overlay_free(struct ward_overlay *ov);
/*
 * A new overlay, as a detached mount in *out, on clones of ov's layers
 * idmapped to userns_fd. uid/gid: host ids of the container's root, the
 * overlay's mounter ids. The upper layer gets a workdir of its own,
 * "<workdir>.ward". Needs host CAP_SYS_ADMIN and Linux 6.15+.
 */
int ward_overlay_idmap(const struct ward_overlay *ov, int userns_fd,
		       uint32_t uid, uint32_t gid, int *out, struct ward_err *e);

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
