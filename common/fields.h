/* fields.h: the field list of every record kind, in one place.
 *
 * Internal to common/. Each GP_FIELDS_<KIND>(X) calls X(name, TYPE) once per
 * field, in wire/column order. The names are at once the gp_<kind> struct
 * members (event.h), the protobuf fields (proto/gpupack.proto) and the SQL
 * columns of the trace store (docs/trace-format.md). wire.c expands them into
 * conversions the compiler checks against the generated protobuf structs;
 * the store expands them into its schema, INSERT binds and SELECT reads.
 *
 * TYPE is one of I32, U32, I64, U64, F64, STR (a gp_strid) or BOOL (int32
 * in C, bool on the wire, 0/1 in SQL).
 */
#ifndef GP_FIELDS_H
#define GP_FIELDS_H

#define GP_FIELDS_PROCESS(X) \
    X(pid, U32) X(ppid, U32) X(cmdline, STR) X(start_ns, I64) X(end_ns, I64) \
    X(exit_status, I32) X(end_reason, I32) X(signal, I32) \
    X(collector_version, STR) X(hostname, STR) X(rank, I32) \
    X(cupti_version, U32) X(driver_version, U32) \
    X(anchor_start_ns, I64) X(anchor_start_err_ns, I64) \
    X(anchor_end_ns, I64) X(anchor_end_err_ns, I64)

#define GP_FIELDS_DEVICE(X) \
    X(id, I32) X(name, STR) X(uuid, STR) X(pci_bus_id, STR) \
    X(cc_major, I32) X(cc_minor, I32) X(sm_count, I32) \
    X(sm_clock_khz, I64) X(mem_clock_khz, I64) X(mem_bus_width_bits, I32) \
    X(mem_bytes, I64) X(mem_bandwidth_bps, I64) X(l2_bytes, I64) \
    X(max_threads_per_sm, I32) X(max_blocks_per_sm, I32) X(max_regs_per_sm, I32) \
    X(max_smem_per_sm_bytes, I64) X(warp_size, I32)

#define GP_FIELDS_CONTEXT(X) \
    X(id, U32) X(device, I32) X(pid, U32)

#define GP_FIELDS_STREAM(X) \
    X(id, U32) X(context, U32) X(device, I32) X(pid, U32) X(priority, I32) \
    X(flags, U32) X(is_default, BOOL)

#define GP_FIELDS_KERNEL(X) \
    X(start_ns, I64) X(end_ns, I64) X(device, I32) X(context, U32) \
    X(stream, I64) X(correlation, I64) X(name, STR) \
    X(grid_x, I32) X(grid_y, I32) X(grid_z, I32) \
    X(block_x, I32) X(block_y, I32) X(block_z, I32) \
    X(registers, I32) X(static_smem_bytes, I32) X(dynamic_smem_bytes, I32) \
    X(local_mem_bytes, I64) X(queued_ns, I64) X(submitted_ns, I64) \
    X(graph_id, U32) X(graph_node_id, U64) X(launch_type, I32) \
    X(cluster_x, I32) X(cluster_y, I32) X(cluster_z, I32) X(pid, U32)

#define GP_FIELDS_MEMCPY(X) \
    X(start_ns, I64) X(end_ns, I64) X(device, I32) X(context, U32) \
    X(stream, I64) X(correlation, I64) X(bytes, I64) \
    X(copy_kind, I32) X(src_kind, I32) X(dst_kind, I32) X(async, BOOL) \
    X(src_device, I32) X(dst_device, I32) X(graph_id, U32) X(pid, U32)

#define GP_FIELDS_MEMSET(X) \
    X(start_ns, I64) X(end_ns, I64) X(device, I32) X(context, U32) \
    X(stream, I64) X(correlation, I64) X(bytes, I64) X(value, U32) \
    X(mem_kind, I32) X(async, BOOL) X(graph_id, U32) X(pid, U32)

#define GP_FIELDS_SYNC(X) \
    X(start_ns, I64) X(end_ns, I64) X(context, U32) X(stream, I64) \
    X(correlation, I64) X(type, I32) X(event, U64) X(pid, U32) X(device, I32)

#define GP_FIELDS_API(X) \
    X(start_ns, I64) X(end_ns, I64) X(tid, U32) X(correlation, I64) \
    X(domain, I32) X(cbid, I32) X(name, STR) X(status, I32) X(pid, U32)

#define GP_FIELDS_NVTX(X) \
    X(start_ns, I64) X(end_ns, I64) X(tid, U32) X(name, STR) X(domain, STR) \
    X(kind, I32) X(color, U32) X(category, U32) X(payload, I64) X(pid, U32) \
    X(id, I64)

#define GP_FIELDS_METRIC(X) \
    X(ts_ns, I64) X(device, I32) X(name, STR) X(value, F64) X(pid, U32) \
    X(dur_ns, I64)

#define GP_FIELDS_DROPPED(X) \
    X(ts_ns, I64) X(source, I32) X(count, U64) X(pid, U32)

#define GP_FIELDS_COSCHED(X) \
    X(ts_ns, I64) X(dur_ns, I64) X(event, I32) X(value, I64) X(pid, U32)

#define GP_FIELDS_OVERHEAD(X) \
    X(start_ns, I64) X(end_ns, I64) X(kind, I32) X(tid, U32) X(pid, U32)

#define GP_FIELDS_EXTCORR(X) \
    X(correlation, I64) X(ext_kind, I32) X(ext_id, U64) X(pid, U32)

/* Calls K(KIND_ENUM_SUFFIX, struct_member, FIELDS_MACRO) for every kind. */
#define GP_FOR_EACH_KIND(K) \
    K(PROCESS, process, GP_FIELDS_PROCESS) \
    K(DEVICE, device, GP_FIELDS_DEVICE) \
    K(CONTEXT, context, GP_FIELDS_CONTEXT) \
    K(STREAM, stream, GP_FIELDS_STREAM) \
    K(KERNEL, kernel, GP_FIELDS_KERNEL) \
    K(MEMCPY, memcpy, GP_FIELDS_MEMCPY) \
    K(MEMSET, memset, GP_FIELDS_MEMSET) \
    K(SYNC, sync, GP_FIELDS_SYNC) \
    K(API, api, GP_FIELDS_API) \
    K(NVTX, nvtx, GP_FIELDS_NVTX) \
    K(METRIC, metric, GP_FIELDS_METRIC) \
    K(DROPPED, dropped, GP_FIELDS_DROPPED) \
    K(COSCHED, cosched, GP_FIELDS_COSCHED) \
    K(OVERHEAD, overhead, GP_FIELDS_OVERHEAD) \
    K(EXTCORR, extcorr, GP_FIELDS_EXTCORR)

/* Field descriptors built from the lists above (fields.c). */
typedef enum gp_ftype {
    GP_F_I32, GP_F_U32, GP_F_I64, GP_F_U64, GP_F_F64, GP_F_STR, GP_F_BOOL
} gp_ftype;

typedef struct gp_field {
    const char *name;
    unsigned char type;    /* gp_ftype */
    unsigned short offset; /* in the kind's struct */
} gp_field;

/* The fields of a kind, in order; *count set. NULL for an invalid kind. */
const gp_field *gp_kind_fields(int kind, int *count);

#endif
