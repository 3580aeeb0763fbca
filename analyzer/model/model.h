/* model.h: a job's activity in memory: what every analysis reads.
 *
 * Loaders (a gpupack trace, a PyTorch profiler/Kineto JSON, an Nsight
 * Systems SQLite export) fill a gp_job; analyses only read it. A job has
 * one or more ranks (one per input file; a gpupack trace gives one rank per
 * process that used CUDA). Each rank holds flat arrays, each sorted by start
 * time once loading is done (gp_rank_finish). Times are int64 ns inside
 * [0, GP_TIME_LIMIT_NS) with no record ending before it starts: loaders
 * leave out what is not and count it in bad_times (common/checked.h).
 * Strings are ids into the job's string table (gp_job_str).
 *
 * Memory per record: gp_op 80 bytes, gp_call 48, gp_range 40, gp_syncrec 40:
 * 10 million kernels with their launches take about 1.3 GB.
 *
 *     gp_job *job = gp_job_new();
 *     gp_rank *r = gp_job_add_rank(job, "trace.json.gz");
 *     gp_op *op = gp_rank_add_op(r);  ... fill ...
 *     gp_rank_finish(r);              // sort, join launches
 *     ... analyses ...
 *     gp_job_free(job);
 */
#ifndef GP_MODEL_H
#define GP_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "common/event.h"

/* ---- kernel classification (classify.h fills these) ---- */

typedef enum gp_kclass {
    GP_KC_OTHER = 0, GP_KC_GEMM, GP_KC_CONV, GP_KC_ATTENTION, GP_KC_ELEMENTWISE,
    GP_KC_REDUCTION, GP_KC_COPY, GP_KC_COMM, GP_KC_COUNT
} gp_kclass;

typedef enum gp_precision {
    GP_PREC_UNKNOWN = 0, GP_PREC_NA, GP_PREC_FP64, GP_PREC_FP32, GP_PREC_TF32,
    GP_PREC_FP16, GP_PREC_BF16, GP_PREC_FP8, GP_PREC_INT8, GP_PREC_INT, GP_PREC_COUNT
} gp_precision;

typedef enum gp_tc { GP_TC_NO = 0, GP_TC_YES, GP_TC_UNKNOWN } gp_tc;

/* HTA's kernel type, from the name (docs/hta-semantics.md section 5). */
typedef enum gp_hta_type {
    GP_HTA_COMPUTATION = 0, GP_HTA_COMMUNICATION, GP_HTA_MEMORY, GP_HTA_OTHER
} gp_hta_type;

/* ---- records ---- */

typedef enum gp_op_kind { GP_OP_KERNEL = 0, GP_OP_MEMCPY, GP_OP_MEMSET } gp_op_kind;

/* One GPU operation: a kernel, a copy or a memset. */
typedef struct gp_op {
    int64_t start_ns, end_ns;
    int64_t correlation;     /* joins the API call that issued it; -1 none */
    int64_t bytes;           /* copies and memsets */
    int32_t stream;          /* -1 unknown */
    int32_t launch;          /* index in the rank's calls of its launch call, -1 none (set by finish) */
    gp_strid name;           /* kernel name as recorded; copies/memsets: a readable label */
    uint32_t pid;
    uint32_t blocks;         /* grid_x * grid_y * grid_z, saturating */
    uint32_t graph_id;       /* 0: not from a CUDA graph */
    uint16_t threads;        /* threads per block (block_x*y*z, saturating) */
    uint16_t registers;      /* per thread */
    uint32_t smem_bytes;     /* static + dynamic shared memory per block */
    int16_t device;          /* -1 unknown */
    uint8_t kind;            /* gp_op_kind */
    uint8_t copy_kind, src_kind, dst_kind; /* gp_copy_kind, gp_mem_kind */
    uint8_t async;           /* issued with an async API */
    uint8_t kclass, precision, tensor_core; /* gp_kclass, gp_precision, gp_tc */
    uint8_t hta_type;        /* gp_hta_type */
    uint8_t pad[3];
} gp_op;

/* What an API call does, for gap attribution. */
typedef enum gp_call_role {
    GP_CALL_ROLE_OTHER = 0,
    GP_CALL_ROLE_LAUNCH,      /* kernel or graph launch */
    GP_CALL_ROLE_COPY,        /* memcpy */
    GP_CALL_ROLE_MEMSET,
    GP_CALL_ROLE_SYNC,        /* device/stream/event synchronize, blocking query */
    GP_CALL_ROLE_ALLOC        /* malloc/free: may synchronize implicitly */
} gp_call_role;

/* One CUDA runtime or driver call on a host thread. */
typedef struct gp_call {
    int64_t start_ns, end_ns;
    int64_t correlation;     /* -1 none */
    gp_strid name;
    uint32_t tid, pid;
    int32_t cbid;
    uint8_t domain;          /* gp_api_domain; 0 unknown */
    uint8_t role;            /* gp_call_role, from the name (gp_call_role_of) */
    uint8_t pad[2];
} gp_call;

/* What a host range is. */
typedef enum gp_range_kind {
    GP_RANGE_NVTX = 0,       /* NVTX range or marker */
    GP_RANGE_ANNOTATION,     /* framework annotation (Kineto user_annotation, e.g. ProfilerStep#3) */
    GP_RANGE_CPU_OP,         /* framework operator (Kineto cpu_op, e.g. aten::mm) */
    GP_RANGE_PYTHON          /* Python function (Kineto python_function) */
} gp_range_kind;

/* A host-side range: NVTX, annotation, operator. */
typedef struct gp_range {
    int64_t start_ns, end_ns; /* end == start for a marker */
    gp_strid name;
    uint32_t tid, pid;
    uint8_t kind;             /* gp_range_kind */
    uint8_t pad[3];
    int64_t external_id;      /* Kineto "External id" linking operators to launches; -1 none */
} gp_range;

/* A host wait on the GPU (CUPTI synchronization record, Kineto cuda_sync). */
typedef struct gp_syncrec {
    int64_t start_ns, end_ns;
    int64_t correlation;
    int32_t stream;           /* -1: not stream-specific */
    uint32_t pid;
    uint8_t type;             /* gp_sync_type */
    uint8_t pad[7];
} gp_syncrec;

/* A device as far as the input tells. */
typedef struct gp_devinfo {
    int32_t id;
    gp_strid name;
    int32_t sm_count, cc_major, cc_minor; /* 0 unknown */
    int64_t mem_bandwidth_bps;            /* 0 unknown */
    int64_t sm_clock_khz;                 /* 0 unknown */
} gp_devinfo;

/* A metric sample (NVML, counters). */
typedef struct gp_sample {
    int64_t ts_ns, dur_ns;
    gp_strid name;
    int32_t device;
    double value;
} gp_sample;

/* Events for the HTA-compatible breakdowns, in the input's own order
 * (traceEvents order for Kineto; time order otherwise). HTA works on
 * microseconds, possibly rounded (docs/hta-semantics.md section 2), so the
 * loader keeps both what HTA reads (ts_us, dur_us as doubles) and exact ns. */
typedef struct gp_hta_event {
    double ts_us, dur_us;     /* as HTA parses them (before its rounding) */
    int64_t stream;           /* -1 none */
    int64_t correlation;      /* -1 none */
    gp_strid name;
    uint8_t cat;              /* gp_hta_cat */
    uint8_t ts_is_int;        /* the input wrote ts as an integer */
    uint8_t pad[2];
} gp_hta_event;

typedef enum gp_hta_cat {
    GP_HCAT_OTHER = 0,        /* any other category */
    GP_HCAT_KERNEL,           /* kernel / Kernel */
    GP_HCAT_MEMCPY,           /* gpu_memcpy / Memcpy */
    GP_HCAT_MEMSET,           /* gpu_memset / Memset */
    GP_HCAT_CUDA_RUNTIME,     /* cuda_runtime / cuda_driver */
    GP_HCAT_CUDA_SYNC,        /* cuda_sync */
    GP_HCAT_USER_ANNOTATION,  /* user_annotation (ProfilerStep#N) */
    GP_HCAT_CPU_OP,
    GP_HCAT_TRACE             /* cat == "Trace": HTA drops it */
} gp_hta_cat;

typedef struct gp_rank {
    int rank;                 /* distributed rank (Kineto distributedInfo / trace), or index */
    char label[256];          /* file name, or "pid N" */
    uint32_t pid;             /* main process, 0 unknown */
    gp_op *ops;
    size_t n_ops, cap_ops;
    gp_call *calls;
    size_t n_calls, cap_calls;
    gp_range *ranges;
    size_t n_ranges, cap_ranges;
    gp_syncrec *syncs;
    size_t n_syncs, cap_syncs;
    gp_sample *samples;
    size_t n_samples, cap_samples;
    gp_devinfo *devices;
    size_t n_devices, cap_devices;
    gp_hta_event *hta;        /* may be empty: then built from the arrays above */
    size_t n_hta, cap_hta;
    int hta_native;           /* 1: hta[] came from the input (Kineto) in its own order */
    int hta_rounding;         /* HTA would round this input's times (docs/hta-semantics.md 2.1) */
    int64_t job_start_ns, job_end_ns; /* the process's life when known, else 0 */
    uint64_t dropped_records; /* what the trace says was lost */
    uint64_t kernels_no_ts;   /* of which kernels CUPTI gave no timestamps */
    int64_t taken_ns;         /* another profiler took CUPTI's records from then (0: never) */
    uint64_t bad_times;       /* records left out for impossible times (common/checked.h) */
} gp_rank;

typedef struct gp_job gp_job;

gp_job *gp_job_new(void);
void gp_job_free(gp_job *job);
/* A new, empty rank; NULL if out of memory. The pointer stays valid. */
gp_rank *gp_job_add_rank(gp_job *job, const char *label);
size_t gp_job_rank_count(const gp_job *job);
gp_rank *gp_job_rank(gp_job *job, size_t i);
const gp_rank *gp_job_rank_c(const gp_job *job, size_t i);

/* The job's string table: intern returns a stable id (0 for NULL/""),
 * gp_job_str its text ("" for 0). O(len) expected. 0 on out of memory. */
gp_strid gp_job_intern(gp_job *job, const char *s, size_t len);
const char *gp_job_str(const gp_job *job, gp_strid id);
/* Ids run from 1 to gp_job_string_count() - 1. */
size_t gp_job_string_count(const gp_job *job);

/* Appends a zeroed record (ids that may be absent set to -1); NULL if out
 * of memory. Pointers are valid until the next add of the same kind. */
gp_op *gp_rank_add_op(gp_rank *r);
gp_call *gp_rank_add_call(gp_rank *r);
gp_range *gp_rank_add_range(gp_rank *r);
gp_syncrec *gp_rank_add_sync(gp_rank *r);
gp_sample *gp_rank_add_sample(gp_rank *r);
gp_devinfo *gp_rank_add_device(gp_rank *r);
gp_hta_event *gp_rank_add_hta(gp_rank *r);

/* Makes room for at least this many records of each kind, so a loader
 * that knows roughly how many are coming avoids growing by copying.
 * A hint: failing is harmless (the arrays then grow as needed). */
void gp_rank_reserve(gp_rank *r, size_t ops, size_t calls, size_t ranges, size_t hta);

/* After loading: classifies kernels (name -> class, precision, tensor
 * cores, HTA type), gives API calls their role, sorts every array by start
 * (stable), and joins each op to its launch call by correlation. O(n log n).
 * Returns 0, or -1 if out of memory. */
int gp_rank_finish(gp_job *job, gp_rank *r);

/* The device info of a rank's device id, or NULL. */
const gp_devinfo *gp_rank_device(const gp_rank *r, int32_t id);

/* The role of an API call from its name (cudaLaunchKernel -> LAUNCH, ...). */
gp_call_role gp_call_role_of(const char *name);

#endif
