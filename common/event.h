/* event.h: gpupack's record model, shared by collector, store and analyzer.
 *
 * One struct per record kind. Times are int64 nanoseconds on one clock
 * (CLOCK_MONOTONIC of the recording host for live traces; the source's own
 * clock for imported ones). Strings are ids into a string table (`gp_strid`):
 * a per-stream table on the wire, the trace's `strings` table in the store;
 * 0 means "no string".
 *
 * Ids that can legitimately be 0 (streams, devices, correlation ids of
 * imported traces) use -1 for "none". Enumerations that mirror CUPTI keep
 * CUPTI's numeric values so the collector can copy them through; they are
 * declared here so nothing outside the collector needs CUDA headers.
 */
#ifndef GP_EVENT_H
#define GP_EVENT_H

#include <stddef.h>
#include <stdint.h>

typedef uint32_t gp_strid;

typedef enum gp_kind {
    GP_KIND_PROCESS = 0,
    GP_KIND_DEVICE,
    GP_KIND_CONTEXT,
    GP_KIND_STREAM,
    GP_KIND_KERNEL,
    GP_KIND_MEMCPY,
    GP_KIND_MEMSET,
    GP_KIND_SYNC,
    GP_KIND_API,
    GP_KIND_NVTX,
    GP_KIND_METRIC,
    GP_KIND_DROPPED,
    GP_KIND_COSCHED,
    GP_KIND_OVERHEAD,
    GP_KIND_EXTCORR,
    GP_KIND_COUNT
} gp_kind;

/* Table/record name of a kind ("kernel", "memcpy", ...); NULL if out of range. */
const char *gp_kind_name(gp_kind kind);
/* Inverse of gp_kind_name; -1 if unknown. */
int gp_kind_from_name(const char *name);

typedef enum gp_end_reason {
    GP_END_UNKNOWN = 0,   /* still running, or the trace was cut short */
    GP_END_EXITED = 1,    /* exit_status holds the status */
    GP_END_SIGNALED = 2,  /* signal holds the signal number */
    GP_END_LOST = 3       /* connection lost without a goodbye (killed) */
} gp_end_reason;

typedef enum gp_copy_kind { /* CUpti_ActivityMemcpyKind values */
    GP_COPY_UNKNOWN = 0, GP_COPY_HTOD = 1, GP_COPY_DTOH = 2, GP_COPY_HTOA = 3,
    GP_COPY_ATOH = 4, GP_COPY_ATOA = 5, GP_COPY_ATOD = 6, GP_COPY_DTOA = 7,
    GP_COPY_DTOD = 8, GP_COPY_HTOH = 9, GP_COPY_PTOP = 10
} gp_copy_kind;

typedef enum gp_mem_kind { /* CUpti_ActivityMemoryKind values */
    GP_MEM_UNKNOWN = 0, GP_MEM_PAGEABLE = 1, GP_MEM_PINNED = 2, GP_MEM_DEVICE = 3,
    GP_MEM_ARRAY = 4, GP_MEM_MANAGED = 5, GP_MEM_DEVICE_STATIC = 6,
    GP_MEM_MANAGED_STATIC = 7
} gp_mem_kind;

typedef enum gp_sync_type { /* CUpti_ActivitySynchronizationType values */
    GP_SYNC_UNKNOWN = 0, GP_SYNC_EVENT = 1, GP_SYNC_STREAM_WAIT_EVENT = 2,
    GP_SYNC_STREAM = 3, GP_SYNC_CONTEXT = 4
} gp_sync_type;

typedef enum gp_api_domain {
    GP_API_DRIVER = 1, GP_API_RUNTIME = 2
} gp_api_domain;

typedef enum gp_launch_type { /* CUpti_ActivityLaunchType values */
    GP_LAUNCH_REGULAR = 0, GP_LAUNCH_COOPERATIVE_SINGLE = 1,
    GP_LAUNCH_COOPERATIVE_MULTI = 2, GP_LAUNCH_CBL_COMMANDLIST = 3
} gp_launch_type;

typedef enum gp_nvtx_kind {
    GP_NVTX_PUSHPOP = 0,     /* nvtxRangePush/Pop: nested per thread */
    GP_NVTX_STARTEND = 1,    /* nvtxRangeStart/End: may cross threads */
    GP_NVTX_MARK = 2,        /* instant: end_ns == start_ns */
    GP_NVTX_ANNOTATION = 3   /* imported framework annotation (Kineto user_annotation) */
} gp_nvtx_kind;

typedef enum gp_drop_source {
    GP_DROP_CUPTI = 1,        /* CUPTI could not store them (cuptiActivityGetNumDroppedRecords) */
    GP_DROP_COLLECTOR = 2,    /* collector buffer full or out of memory */
    GP_DROP_SOCKET = 3,       /* recorder unreachable or too slow */
    GP_DROP_UNFLUSHED = 4,    /* process killed before it could flush */
    GP_DROP_REJECTED = 5,     /* recorder rejected malformed records */
    GP_DROP_NO_TIMESTAMP = 6, /* CUPTI delivered a kernel without timestamps */
    GP_DROP_TAKEN = 7,        /* another profiler in the process took CUPTI's records from
                                 ts_ns on: a hole in the trace (count: operations issued
                                 and not recorded then) */
    GP_DROP_WRITE = 8         /* the recorder could not write them (disk full, I/O error):
                                 the trace ends at ts_ns */
} gp_drop_source;

typedef enum gp_cosched_event {
    GP_COSCHED_GATE_HOLD = 1,    /* best-effort launch held; dur_ns = wait */
    GP_COSCHED_GATE_TIMEOUT = 2, /* held launch released by the bounded wait */
    GP_COSCHED_BUDGET = 3,       /* best-effort budget changed; value = new budget (ns) */
    GP_COSCHED_HP_LATENCY = 4,   /* high-priority request latency; value = ns */
    GP_COSCHED_WATCHDOG = 5      /* watchdog released a stuck gate */
} gp_cosched_event;

typedef struct gp_process {
    uint32_t pid, ppid;
    gp_strid cmdline;
    int64_t start_ns, end_ns;  /* end_ns 0: still running / unknown */
    int32_t exit_status, end_reason, signal;
    gp_strid collector_version, hostname;
    int32_t rank;              /* -1 unknown */
    uint32_t cupti_version, driver_version;
    /* Clock anchors of the process's host (clock.h: CLOCK_REALTIME -
     * CLOCK_MONOTONIC) at its start and its end, each with its sampling
     * error; 0 unknown. Its times t were wall time t + anchor. */
    int64_t anchor_start_ns, anchor_start_err_ns;
    int64_t anchor_end_ns, anchor_end_err_ns;
} gp_process;

typedef struct gp_device {
    int32_t id;
    gp_strid name, uuid, pci_bus_id;
    int32_t cc_major, cc_minor, sm_count;
    int64_t sm_clock_khz, mem_clock_khz;
    int32_t mem_bus_width_bits;
    int64_t mem_bytes, mem_bandwidth_bps, l2_bytes;
    int32_t max_threads_per_sm, max_blocks_per_sm, max_regs_per_sm;
    int64_t max_smem_per_sm_bytes;
    int32_t warp_size;
} gp_device;

typedef struct gp_context {
    uint32_t id;
    int32_t device;
    uint32_t pid;
} gp_context;

typedef struct gp_stream {
    uint32_t id, context;
    int32_t device;
    uint32_t pid;
    int32_t priority;
    uint32_t flags;
    int32_t is_default;
} gp_stream;

typedef struct gp_kernel {
    int64_t start_ns, end_ns;
    int32_t device;
    uint32_t context;
    int64_t stream, correlation;
    gp_strid name;
    int32_t grid_x, grid_y, grid_z, block_x, block_y, block_z;
    int32_t registers, static_smem_bytes, dynamic_smem_bytes;
    int64_t local_mem_bytes;
    int64_t queued_ns, submitted_ns;
    uint32_t graph_id;
    uint64_t graph_node_id;
    int32_t launch_type;
    int32_t cluster_x, cluster_y, cluster_z;
    uint32_t pid;
} gp_kernel;

typedef struct gp_memcpy {
    int64_t start_ns, end_ns;
    int32_t device;
    uint32_t context;
    int64_t stream, correlation, bytes;
    int32_t copy_kind, src_kind, dst_kind;
    int32_t async;
    int32_t src_device, dst_device;
    uint32_t graph_id;
    uint32_t pid;
} gp_memcpy;

typedef struct gp_memset {
    int64_t start_ns, end_ns;
    int32_t device;
    uint32_t context;
    int64_t stream, correlation, bytes;
    uint32_t value;
    int32_t mem_kind;
    int32_t async;
    uint32_t graph_id;
    uint32_t pid;
} gp_memset;

typedef struct gp_sync {
    int64_t start_ns, end_ns;
    uint32_t context;
    int64_t stream, correlation;
    int32_t type;
    uint64_t event;
    uint32_t pid;
    int32_t device;
} gp_sync;

typedef struct gp_api {
    int64_t start_ns, end_ns;
    uint32_t tid;
    int64_t correlation;
    int32_t domain, cbid;
    gp_strid name;
    int32_t status;
    uint32_t pid;
} gp_api;

typedef struct gp_nvtx {
    int64_t start_ns, end_ns;
    uint32_t tid;
    gp_strid name, domain;
    int32_t kind;
    uint32_t color, category;
    int64_t payload;
    uint32_t pid;
    int64_t id;
} gp_nvtx;

typedef struct gp_metric {
    int64_t ts_ns;
    int32_t device;
    gp_strid name;
    double value;
    uint32_t pid;
    int64_t dur_ns;
} gp_metric;

typedef struct gp_dropped {
    int64_t ts_ns;
    int32_t source;
    uint64_t count;
    uint32_t pid;
} gp_dropped;

typedef struct gp_cosched {
    int64_t ts_ns, dur_ns;
    int32_t event;
    int64_t value;
    uint32_t pid;
} gp_cosched;

typedef struct gp_overhead {
    int64_t start_ns, end_ns;
    int32_t kind;
    uint32_t tid, pid;
} gp_overhead;

typedef struct gp_extcorr {
    int64_t correlation;
    int32_t ext_kind;
    uint64_t ext_id;
    uint32_t pid;
} gp_extcorr;

/* One record of any kind. */
typedef struct gp_record {
    gp_kind kind;
    union {
        gp_process process;
        gp_device device;
        gp_context context;
        gp_stream stream;
        gp_kernel kernel;
        gp_memcpy memcpy;
        gp_memset memset;
        gp_sync sync;
        gp_api api;
        gp_nvtx nvtx;
        gp_metric metric;
        gp_dropped dropped;
        gp_cosched cosched;
        gp_overhead overhead;
        gp_extcorr extcorr;
    } u;
} gp_record;

/* A record with every field zero except the "none" ids (-1) the kind uses.
 * Use it to start building a record so absent fields read as unknown. */
void gp_record_init(gp_record *r, gp_kind kind);

/* Start/end of a record in ns for kinds that have a time; instants return
 * start == end; a sample's end, ts + dur, saturates at the int64 range.
 * Returns 0 for kinds with no time (device, context, stream,
 * extcorr), 1 otherwise. */
int gp_record_time(const gp_record *r, int64_t *start_ns, int64_t *end_ns);

/* Short names for the enumerations, for messages and reports. */
const char *gp_copy_kind_name(int copy_kind);  /* "HtoD", ... "?" */
const char *gp_mem_kind_name(int mem_kind);    /* "pageable", ... */
const char *gp_sync_type_name(int type);       /* "event", ... */
const char *gp_drop_source_name(int source);

#endif
