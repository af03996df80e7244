/* SPDX-License-Identifier: Apache-2.0 */
/* Private to src/cgroup*.c: shared helpers and the per-version writers. */
#ifndef WARD_CGROUP_INT_H
#define WARD_CGROUP_INT_H

#include <stdarg.h>

#include "cgroup.h"

#define CG_BIT(c) (1u << (c))

/* How long state changes (freeze, emptying before rmdir) may take. */
#define CG_SETTLE_MS 5000

/* One cgroup directory, open; mnt/path only for messages. */
struct cg_dir {
	int fd;
	bool v2;
	const char *mnt;
	const char *path;
};

/* cgroup_layout.c */
int cg_detect(struct ward_cgroup *cg, const char *override, struct ward_err *e);
int cg_set_paths(struct ward_cgroup *cg, const char *path, bool relative,
		 struct ward_err *e);
const char *cg_ctrl_name(enum ward_cgroup_ctrl c, bool v2);
int cg_ctrl_by_name(const char *name, size_t len, bool v2);

/* cgroup_io.c */
int cg_dir_open(const struct ward_cgroup *cg, int h, struct cg_dir *d,
		struct ward_err *e);
/* Open the hierarchy holding controller c; -ENOENT (e set) if none. */
int cg_dir_ctrl(const struct ward_cgroup *cg, enum ward_cgroup_ctrl c,
		struct cg_dir *d, struct ward_err *e);
void cg_dir_close(struct cg_dir *d);
int cg_write(const struct cg_dir *d, const char *file, const char *val,
	     struct ward_err *e);
int cg_writef(const struct cg_dir *d, const char *file, struct ward_err *e,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Read a small file whole, trailing newline removed. */
int cg_read(const struct cg_dir *d, const char *file, char *buf, size_t len,
	    struct ward_err *e);
/* A single number; "max" reads as UINT64_MAX. */
int cg_read_u64(const struct cg_dir *d, const char *file, uint64_t *v,
		struct ward_err *e);
/* "key value" lines: the value of key, -ENOENT when absent. */
int cg_read_key(const struct cg_dir *d, const char *file, const char *key,
		uint64_t *v, struct ward_err *e);
/* Line-wise iteration over a file (bounded), for stat files. */
int cg_read_lines(const struct cg_dir *d, const char *file,
		  int (*fn)(char *line, void *arg), void *arg,
		  struct ward_err *e);
bool cg_has_file(const struct cg_dir *d, const char *file);
void cg_sleep_ms(unsigned int ms);

/* cgroup_check.c */
int cg_check_resources(const struct ward_cgroup *cg,
		       const struct ward_resources *r, bool update,
		       uint32_t *need, struct ward_err *e);
/* Does an update's device list repeat the container's own (or is empty)? */
bool cg_same_devices(const struct ward_resources *r,
		     const struct ward_resources *cur);
int cg_device_rules(const struct ward_spec *s, struct ward_cgroup_dev **out,
		    size_t *n, struct ward_err *e);

/*
 * cgroup_apply.c: write r where each controller in need lives (create and
 * update), then the unified keys.
 */
int cg_apply(const struct ward_cgroup *cg, const struct ward_resources *r,
	     uint32_t need, bool update, struct ward_err *e);

/* cgroup_v1.c */
int cg_v1_memory(const struct cg_dir *d, const struct ward_memory *m,
		 bool update, struct ward_err *e);
int cg_v1_cpu(const struct cg_dir *d, const struct ward_cpu *c,
	      struct ward_err *e);
int cg_v1_cpuset_inherit(int parent_fd, int child_fd, const char *path,
			 struct ward_err *e);
int cg_v1_pids(const struct cg_dir *d, int64_t limit, struct ward_err *e);
int cg_v1_blkio(const struct cg_dir *d, const struct ward_block_io *b,
		struct ward_err *e);
int cg_v1_hugetlb(const struct cg_dir *d, const struct ward_hugepage_limit *h,
		  size_t n, struct ward_err *e);
int cg_v1_net(const struct ward_cgroup *cg, const struct ward_resources *r,
	      struct ward_err *e);
int cg_v1_devices(const struct cg_dir *d, const struct ward_cgroup_dev *r,
		  size_t n, struct ward_err *e);
int cg_v1_freeze(const struct cg_dir *d, bool frozen, struct ward_err *e);
int cg_v1_oom_fd(const struct cg_dir *d, int *fd, struct ward_err *e);

/* cgroup_v2.c */
int cg_v2_enable(const struct ward_cgroup *cg, uint32_t need,
		 struct ward_err *e);
int cg_v2_memory(const struct cg_dir *d, const struct ward_memory *m,
		 bool update, struct ward_err *e);
int cg_v2_cpu(const struct cg_dir *d, const struct ward_cpu *c,
	      struct ward_err *e);
int cg_v2_pids(const struct cg_dir *d, int64_t limit, struct ward_err *e);
int cg_v2_io(const struct cg_dir *d, const struct ward_block_io *b,
	     struct ward_err *e);
int cg_v2_hugetlb(const struct cg_dir *d, const struct ward_hugepage_limit *h,
		  size_t n, struct ward_err *e);
int cg_v2_unified(const struct cg_dir *d, const struct ward_kv *kv, size_t n,
		  struct ward_err *e);
int cg_v2_freeze(const struct cg_dir *d, bool frozen, struct ward_err *e);
int cg_check_usage(const struct cg_dir *d, const char *file,
		   const struct ward_memory *m, struct ward_err *e);
int cg_v2_wait_empty(const struct cg_dir *d, struct ward_err *e);
uint64_t cg_v2_cpu_weight(uint64_t shares);
uint64_t cg_v2_io_weight(uint64_t blkio_weight);
int cg_v2_swap(int64_t limit, int64_t swap, char *buf, size_t len,
	       struct ward_err *e);

/* cgroup_bpf.c */
int cg_bpf_build(const struct ward_cgroup_dev *r, size_t n, void **insns,
		 size_t *n_insns, struct ward_err *e);
int cg_bpf_attach(int cgroup_fd, const void *insns, size_t n_insns,
		  struct ward_err *e);

#endif
