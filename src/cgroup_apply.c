/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
/* Dispatch each controller's limits to its v1 or v2 writer. */
#include <errno.h>

#include "cgroup_int.h"

typedef int (*writer)(const struct cg_dir *d, const struct ward_resources *r,
		      bool update, struct ward_err *e);

static int
memory_v1(const struct cg_dir *d, const struct ward_resources *r, bool update,
	  struct ward_err *e)
{
	return cg_v1_memory(d, &r->memory, update, e);
}

static int
memory_v2(const struct cg_dir *d, const struct ward_resources *r, bool update,
	  struct ward_err *e)
{
	return cg_v2_memory(d, &r->memory, update, e);
}

static int
cpu_v1(const struct cg_dir *d, const struct ward_resources *r, bool update,
       struct ward_err *e)
{
	(void)update;
	return cg_v1_cpu(d, &r->cpu, e);
}

static int
cpu_v2(const struct cg_dir *d, const struct ward_resources *r, bool update,
       struct ward_err *e)
{
	(void)update;
	return cg_v2_cpu(d, &r->cpu, e);
}

/* cpuset.cpus and cpuset.mems: the same files on v1 and v2. */
static int
cpuset_any(const struct cg_dir *d, const struct ward_resources *r, bool update,
	   struct ward_err *e)
{
	const struct ward_cpu *c = &r->cpu;
	int ret = 0;

	(void)update;
	if (c->cpus != NULL && c->cpus[0] != '\0')
		ret = cg_write(d, "cpuset.cpus", c->cpus, e);
	if (ret == 0 && c->mems != NULL && c->mems[0] != '\0')
		ret = cg_write(d, "cpuset.mems", c->mems, e);
	return ret;
}

static int
pids_any(const struct cg_dir *d, const struct ward_resources *r, bool update,
	 struct ward_err *e)
{
	(void)update;
	if (!r->has_pids_limit)
		return 0;
	return d->v2 ? cg_v2_pids(d, r->pids_limit, e)
		     : cg_v1_pids(d, r->pids_limit, e);
}

static int
blkio_v1(const struct cg_dir *d, const struct ward_resources *r, bool update,
	 struct ward_err *e)
{
	(void)update;
	return cg_v1_blkio(d, &r->block_io, e);
}

static int
io_v2(const struct cg_dir *d, const struct ward_resources *r, bool update,
      struct ward_err *e)
{
	(void)update;
	return cg_v2_io(d, &r->block_io, e);
}

static int
hugetlb_any(const struct cg_dir *d, const struct ward_resources *r,
	    bool update, struct ward_err *e)
{
	(void)update;
	return d->v2 ? cg_v2_hugetlb(d, r->hugepage_limits,
				     r->n_hugepage_limits, e)
		     : cg_v1_hugetlb(d, r->hugepage_limits,
				     r->n_hugepage_limits, e);
}

static const struct {
	enum ward_cgroup_ctrl ctrl;
	writer v1, v2;
} writers[] = {
	{ WARD_CG_PIDS, pids_any, pids_any },
	{ WARD_CG_MEMORY, memory_v1, memory_v2 },
	{ WARD_CG_CPU, cpu_v1, cpu_v2 },
	{ WARD_CG_CPUSET, cpuset_any, cpuset_any },
	{ WARD_CG_BLKIO, blkio_v1, io_v2 },
	{ WARD_CG_HUGETLB, hugetlb_any, hugetlb_any },
};

int
cg_apply(const struct ward_cgroup *cg, const struct ward_resources *r,
	 uint32_t need, bool update, struct ward_err *e)
{
	struct cg_dir d;
	int ret = 0;

	for (size_t i = 0; i < WARD_ARRAY_SIZE(writers) && ret == 0; i++) {
		if (!(need & CG_BIT(writers[i].ctrl)))
			continue;
		ret = cg_dir_ctrl(cg, writers[i].ctrl, &d, e);
		if (ret == 0)
			ret = (d.v2 ? writers[i].v2 : writers[i].v1)(&d, r,
								    update, e);
		cg_dir_close(&d);
	}
	if (ret == 0 && (need & (CG_BIT(WARD_CG_NET_CLS) |
				 CG_BIT(WARD_CG_NET_PRIO))))
		ret = cg_v1_net(cg, r, e);
	/* Last, so an explicit unified value is what the kernel ends up with. */
	if (ret == 0 && r->n_unified > 0) {
		ret = cg_dir_open(cg, cg->unified, &d, e);
		if (ret == 0)
			ret = cg_v2_unified(&d, r->unified, r->n_unified, e);
		cg_dir_close(&d);
	}
	return ret;
}
