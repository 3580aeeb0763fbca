/* opcount.h: how many GPU operations (kernels, copies, memsets the trace
 * will hold records of) a driver or runtime call issues, from its CUPTI
 * callback name and its functionParams. The session counts them as issued
 * and compares with the records that arrive: the difference is what a
 * killed process lost. Pure functions. */
#ifndef GP_COLLECTOR_OPCOUNT_H
#define GP_COLLECTOR_OPCOUNT_H

#include <stdint.h>

enum gp_op_kind {
    GP_OP_NONE = 0,
    GP_OP_ONE = 1,       /* one kernel, copy or memset */
    GP_OP_GRAPH = 2,     /* a graph launch: its kernels carry a graph id, not counted */
    GP_OP_MULTIDEV = 3,  /* cooperative launch on several devices: numDevices kernels */
    GP_OP_BATCH = 4,     /* batched copies: count of them */
    GP_OP_BATCH3D = 5    /* batched 3D copies: numOps of them */
};

/* The kind of a function by its CUPTI callback name, driver ("cuLaunchKernel")
 * or runtime ("cudaLaunchKernel_v7000", "__cudaLaunchKernel_v13000").
 * O(length of name). */
int gp_op_kind(const char *name);

/* Operations a call of that kind issues, from its functionParams (the
 * <name>_params struct of CUPTI's generated headers; may be NULL: then 1
 * for the kinds that need it). A count above 1,000,000 is taken as 1,
 * not believed. */
uint64_t gp_op_count(int kind, const void *params);

#endif
