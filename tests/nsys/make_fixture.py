#!/usr/bin/env python3
"""make_fixture.py DIR: small Nsight Systems SQLite exports for test_nsys.

Writes into DIR:
  full.sqlite         two processes with GPU work (pids 1001, 2002) and one
                      without (3003); every table gp_nsys_load reads, with the
                      columns of the documented schema (analyzer/formats/nsys.c,
                      sources [S1] 3.28.1 and [S3] 3.16.1), ENUM_* tables as
                      nsys writes them, TARGET_INFO_GPU with two GPUs.
  full_noenum.sqlite  the same without the ENUM_* tables (documented values).
  full_swapped.sqlite the same with ids 1 and 4 of ENUM_CUPTI_SYNC_TYPE
                      swapped (event <-> context synchronize).
  minimal.sqlite      what an old export might hold: StringIds, KERNEL,
                      MEMCPY and RUNTIME only, without globalPid,
                      demangledName, mangledName, graphId, shared memory,
                      srcKind/dstKind and eventClass.
  runtime_only.sqlite StringIds and CUPTI_ACTIVITY_KIND_RUNTIME: an export
                      with no GPU activity.
  no_cupti.sqlite     StringIds and NVTX_EVENTS only.
  no_strings.sqlite   CUPTI_ACTIVITY_KIND_KERNEL without StringIds.
  unrelated.sqlite    an SQLite database of something else.
  big.sqlite          one process, 3000 kernels: spans many pages, so a
                      truncated copy is damaged.
  badtimes.sqlite     one process with 2 kernels, 1 call and 2 NVTX ranges
                      that are sound, and 12 rows whose times are not (an end
                      before the start, INT64_MIN, INT64_MAX, negative, 2^62):
                      the importer leaves those out and counts them.
Exports that must be refused, or whose bad rows are left out (tests/nsys.sh):
  wrong_columns.sqlite    CUPTI_ACTIVITY_KIND_KERNEL(foo TEXT) with one row.
  no_copykind.sqlite      full.sqlite whose MEMCPY table lacks copyKind.
  text_start.sqlite       full.sqlite whose KERNEL.start is declared TEXT.
  strings_no_value.sqlite full.sqlite whose StringIds has "text", not "value".
  kernel_reversed.sqlite  full.sqlite plus a kernel that ends before it starts
                          (left out and counted).
  sync_reversed.sqlite    full.sqlite plus a synchronization that ends before
                          it starts (left out and counted).
  kernel_text_time.sqlite full.sqlite plus a kernel whose start is the text 'abc'.
  host_reversed.sqlite    full.sqlite plus, for pid 1001, an API call and an
                          NVTX range that end before they start (left out
                          and counted).

tests/unit/test_nsys.c holds the expected values, written from the rows
below (not from the importer's output): keep the two in step.
"""
import os
import sqlite3
import sys

# ---- schema (columns as documented; types and NOT NULL as nsys writes them) ----

KERNEL = [
    ("start", "INTEGER NOT NULL"), ("end", "INTEGER NOT NULL"),
    ("deviceId", "INTEGER NOT NULL"), ("contextId", "INTEGER NOT NULL"),
    ("greenContextId", "INTEGER"), ("streamId", "INTEGER NOT NULL"),
    ("correlationId", "INTEGER"), ("globalPid", "INTEGER"),
    ("demangledName", "INTEGER NOT NULL"), ("shortName", "INTEGER NOT NULL"),
    ("mangledName", "INTEGER"), ("launchType", "INTEGER"), ("cacheConfig", "INTEGER"),
    ("registersPerThread", "INTEGER NOT NULL"),
    ("gridX", "INTEGER NOT NULL"), ("gridY", "INTEGER NOT NULL"), ("gridZ", "INTEGER NOT NULL"),
    ("blockX", "INTEGER NOT NULL"), ("blockY", "INTEGER NOT NULL"), ("blockZ", "INTEGER NOT NULL"),
    ("staticSharedMemory", "INTEGER NOT NULL"), ("dynamicSharedMemory", "INTEGER NOT NULL"),
    ("localMemoryPerThread", "INTEGER NOT NULL"), ("localMemoryTotal", "INTEGER NOT NULL"),
    ("gridId", "INTEGER NOT NULL"), ("sharedMemoryExecuted", "INTEGER"),
    ("graphNodeId", "INTEGER"), ("sharedMemoryLimitConfig", "INTEGER"), ("graphId", "INTEGER"),
]
MEMCPY = [
    ("start", "INTEGER NOT NULL"), ("end", "INTEGER NOT NULL"),
    ("deviceId", "INTEGER NOT NULL"), ("contextId", "INTEGER NOT NULL"),
    ("greenContextId", "INTEGER"), ("streamId", "INTEGER NOT NULL"),
    ("correlationId", "INTEGER"), ("globalPid", "INTEGER"),
    ("bytes", "INTEGER NOT NULL"), ("copyKind", "INTEGER NOT NULL"),
    ("deprecatedSrcId", "INTEGER"), ("srcKind", "INTEGER"), ("dstKind", "INTEGER"),
    ("srcDeviceId", "INTEGER"), ("srcContextId", "INTEGER"),
    ("dstDeviceId", "INTEGER"), ("dstContextId", "INTEGER"),
    ("migrationCause", "INTEGER"), ("graphNodeId", "INTEGER"), ("virtualAddress", "INTEGER"),
]
MEMSET = [
    ("start", "INTEGER NOT NULL"), ("end", "INTEGER NOT NULL"),
    ("deviceId", "INTEGER NOT NULL"), ("contextId", "INTEGER NOT NULL"),
    ("greenContextId", "INTEGER"), ("streamId", "INTEGER NOT NULL"),
    ("correlationId", "INTEGER"), ("globalPid", "INTEGER"),
    ("value", "INTEGER NOT NULL"), ("bytes", "INTEGER NOT NULL"),
    ("graphNodeId", "INTEGER"), ("memKind", "INTEGER"),
]
RUNTIME = [
    ("start", "INTEGER NOT NULL"), ("end", "INTEGER NOT NULL"),
    ("eventClass", "INTEGER NOT NULL"), ("globalTid", "INTEGER"),
    ("correlationId", "INTEGER"), ("nameId", "INTEGER NOT NULL"),
    ("returnValue", "INTEGER NOT NULL"), ("callchainId", "INTEGER"),
]
SYNC = [
    ("start", "INTEGER NOT NULL"), ("end", "INTEGER NOT NULL"),
    ("deviceId", "INTEGER NOT NULL"), ("contextId", "INTEGER NOT NULL"),
    ("greenContextId", "INTEGER"), ("streamId", "INTEGER NOT NULL"),
    ("correlationId", "INTEGER"), ("globalPid", "INTEGER"),
    ("deprecatedSyncType", "INTEGER"), ("syncType", "INTEGER NOT NULL"),
    ("eventId", "INTEGER NOT NULL"), ("eventSyncId", "INTEGER"),
]
NVTX = [
    ("start", "INTEGER NOT NULL"), ("end", "INTEGER"), ("eventType", "INTEGER NOT NULL"),
    ("rangeId", "INTEGER"), ("category", "INTEGER"), ("color", "INTEGER"), ("text", "TEXT"),
    ("globalTid", "INTEGER"), ("endGlobalTid", "INTEGER"), ("textId", "INTEGER"),
    ("domainId", "INTEGER"), ("uint64Value", "INTEGER"), ("int64Value", "INTEGER"),
    ("doubleValue", "REAL"), ("uint32Value", "INTEGER"), ("int32Value", "INTEGER"),
    ("floatValue", "REAL"), ("jsonTextId", "INTEGER"), ("jsonText", "TEXT"),
    ("binaryData", "TEXT"),
]
GPU = [
    ("vmId", "INTEGER NOT NULL"), ("id", "INTEGER NOT NULL"), ("name", "TEXT"),
    ("busLocation", "TEXT"), ("isDiscrete", "INTEGER"), ("l2CacheSize", "INTEGER"),
    ("totalMemory", "INTEGER"), ("memoryBandwidth", "INTEGER"), ("clockRate", "INTEGER"),
    ("smCount", "INTEGER"), ("pwGpuId", "INTEGER"), ("uuid", "TEXT"), ("chipName", "TEXT"),
    ("cuDevice", "INTEGER"), ("threadsPerWarp", "INTEGER"),
    ("computeMajor", "INTEGER"), ("computeMinor", "INTEGER"),
]
ENUM = [("id", "INTEGER NOT NULL PRIMARY KEY"), ("name", "TEXT"), ("label", "TEXT")]

ENUM_ROWS = {
    "ENUM_CUDA_MEMCPY_OPER": [
        (0, "CUDA_MEMCPY_KIND_UNKNOWN", "Unknown"), (1, "CUDA_MEMCPY_KIND_HTOD", "Host-to-Device"),
        (2, "CUDA_MEMCPY_KIND_DTOH", "Device-to-Host"), (3, "CUDA_MEMCPY_KIND_HTOA", "Host-to-Array"),
        (4, "CUDA_MEMCPY_KIND_ATOH", "Array-to-Host"), (5, "CUDA_MEMCPY_KIND_ATOA", "Array-to-Array"),
        (6, "CUDA_MEMCPY_KIND_ATOD", "Array-to-Device"), (7, "CUDA_MEMCPY_KIND_DTOA", "Device-to-Array"),
        (8, "CUDA_MEMCPY_KIND_DTOD", "Device-to-Device"), (9, "CUDA_MEMCPY_KIND_HTOH", "Host-to-Host"),
        (10, "CUDA_MEMCPY_KIND_PTOP", "Peer-to-Peer"),
        (11, "CUDA_MEMCPY_KIND_UVM_HTOD", "Unified Host-to-Device"),
        (12, "CUDA_MEMCPY_KIND_UVM_DTOH", "Unified Device-to-Host"),
        (13, "CUDA_MEMCPY_KIND_UVM_DTOD", "Unified Device-to-Device"),
    ],
    "ENUM_CUDA_MEM_KIND": [
        (0, "CUDA_MEMOPR_MEMORY_KIND_PAGEABLE", "Pageable"),
        (1, "CUDA_MEMOPR_MEMORY_KIND_PINNED", "Pinned"),
        (2, "CUDA_MEMOPR_MEMORY_KIND_DEVICE", "Device"),
        (3, "CUDA_MEMOPR_MEMORY_KIND_ARRAY", "Array"),
        (4, "CUDA_MEMOPR_MEMORY_KIND_MANAGED", "Managed"),
        (5, "CUDA_MEMOPR_MEMORY_KIND_DEVICE_STATIC", "Device Static"),
        (6, "CUDA_MEMOPR_MEMORY_KIND_MANAGED_STATIC", "Managed Static"),
        (7, "CUDA_MEMOPR_MEMORY_KIND_UNKNOWN", "Unknown"),
    ],
    "ENUM_CUPTI_SYNC_TYPE": [
        (0, "CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_UNKNOWN", "Unknown"),
        (1, "CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_EVENT_SYNCHRONIZE", "Event sync"),
        (2, "CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_STREAM_WAIT_EVENT", "Stream wait sync"),
        (3, "CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_STREAM_SYNCHRONIZE", "Stream sync"),
        (4, "CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_CONTEXT_SYNCHRONIZE", "Context sync"),
    ],
}

# nsys enum values (not CUPTI's for memory kinds)
HTOD, DTOH, DTOD, HTOH, PTOP, UVM_HTOD = 1, 2, 8, 9, 10, 11
PAGEABLE, PINNED, DEVICE, MANAGED, MEM_UNKNOWN = 0, 1, 2, 4, 7
SYNC_EVENT, SYNC_STREAM, SYNC_CONTEXT = 1, 3, 4
RUNTIME_CLASS, DRIVER_CLASS = 0, 1
NVTX_MARK, NVTX_PUSHPOP, NVTX_STARTEND, NVTX_DOMAIN_CREATE = 34, 59, 60, 75
NO_STREAM = 4294967295

def gpid(pid):
    """globalPid: hardware/VM id 1 in the top byte, as in nsys's own sample."""
    return (1 << 56) | (pid << 24)

def gtid(pid, tid):
    return gpid(pid) | tid

STRINGS = {
    1: "cudaLaunchKernel_v7000",
    2: "cudaMemcpyAsync_v3020",
    3: "cudaMemcpy_v3020",
    4: "cudaMemsetAsync_v3020",
    5: "cudaStreamSynchronize_v3020",
    6: "cudaDeviceSynchronize_v3020",
    7: "cudaGraphLaunch_v10000",
    8: "cuLaunchKernel",
    9: "cudaGetDeviceCount_v5000",
    20: "void at::native::vectorized_elementwise_kernel<4, at::native::FillFunctor<float>, "
        "at::detail::Array<char*, 1> >(int, at::native::FillFunctor<float>, at::detail::Array<char*, 1>)",
    21: "vectorized_elementwise_kernel",
    22: "_ZN2at6native29vectorized_elementwise_kernelILi4ENS0_11FillFunctorIfEENS_6detail5ArrayIPcLi1EEEEEviT0_T1_",
    23: "ampere_sgemm_128x64_nn",
    24: "ncclDevKernel_AllReduce_Sum_f32_RING_LL(ncclDevComm*, unsigned long, ncclWork*)",
    25: "ncclDevKernel_AllReduce_Sum_f32_RING_LL",
    26: "my_kernel",
    27: "void graph_kernel<float>(float*)",
    28: "graph_kernel",
    40: "train_step",
}

def create(db, table, cols):
    db.execute("CREATE TABLE %s (%s)" % (table, ", ".join('"%s" %s' % c for c in cols)))

def insert(db, table, cols, row):
    """Inserts row (a dict); NOT NULL columns it leaves out get 0."""
    full = {}
    for name, decl in cols:
        if name in row:
            full[name] = row[name]
        elif "NOT NULL" in decl:
            full[name] = 0
    unknown = set(row) - set(full)
    assert not unknown, unknown
    names = list(full)
    db.execute('INSERT INTO %s (%s) VALUES (%s)' % (
        table, ", ".join('"%s"' % n for n in names), ", ".join("?" * len(names))),
        [full[n] for n in names])

def kernel(pid, start, end, dev, stream, corr, names, grid, block, regs, ssmem, dsmem, graph=None):
    demangled, short, mangled = names
    return dict(start=start, end=end, deviceId=dev, contextId=1, streamId=stream,
                correlationId=corr, globalPid=gpid(pid), demangledName=demangled,
                shortName=short, mangledName=mangled, launchType=0, registersPerThread=regs,
                gridX=grid[0], gridY=grid[1], gridZ=grid[2],
                blockX=block[0], blockY=block[1], blockZ=block[2],
                staticSharedMemory=ssmem, dynamicSharedMemory=dsmem, graphId=graph)

def memcpy(pid, start, end, dev, stream, corr, nbytes, kind, src, dst):
    return dict(start=start, end=end, deviceId=dev, contextId=1, streamId=stream,
                correlationId=corr, globalPid=gpid(pid), bytes=nbytes, copyKind=kind,
                srcKind=src, dstKind=dst)

def call(pid, tid, start, end, corr, name, cls=RUNTIME_CLASS):
    return dict(start=start, end=end, eventClass=cls, globalTid=gtid(pid, tid),
                correlationId=corr, nameId=name, returnValue=0)

ELEMENTWISE = (20, 21, 22)
SGEMM = (23, 23, None)
NCCL = (24, 25, None)
GRAPH = (27, 28, None)

KERNELS = [
    kernel(1001, 1000, 1500, 0, 7, 11, ELEMENTWISE, (128, 1, 1), (256, 1, 1), 32, 0, 0),
    kernel(1001, 2000, 5000, 0, 13, 12, SGEMM, (64, 2, 1), (128, 1, 1), 128, 4096, 8192),
    kernel(1001, 5200, 6000, 0, 7, 13, GRAPH, (4, 4, 4), (8, 8, 4), 64, 1024, 0, graph=5),
    # saturating sizes: 2147483647*65535 blocks, 1024*64*2 threads
    kernel(2002, 1100, 9100, 1, 20, 21, NCCL, (2147483647, 65535, 1), (1024, 64, 2),
           255, 49152, 65536),
    # demangledName 999 is not in StringIds: the name falls back to shortName
    kernel(2002, 9500, 9600, 1, 20, 24, (999, 26, None), (1, 1, 1), (32, 1, 1), 16, 0, 0),
]
MEMCPYS = [
    memcpy(1001, 500, 900, 0, 7, 10, 4096, HTOD, PAGEABLE, DEVICE),
    memcpy(1001, 6100, 6600, 0, 7, 14, 1 << 20, DTOH, DEVICE, PINNED),
    memcpy(1001, 6700, 6800, 0, 13, 15, 256, DTOD, DEVICE, DEVICE),
    memcpy(2002, 9200, 9300, 1, 20, 22, 64, PTOP, DEVICE, DEVICE),
    dict(memcpy(2002, 9300, 9350, 1, 20, None, 65536, UVM_HTOD, MANAGED, DEVICE),
         migrationCause=1),
    memcpy(2002, 9400, 9450, 1, 20, 25, 8, HTOH, PINNED, MEM_UNKNOWN),
]
MEMSETS = [
    dict(start=7000, end=7100, deviceId=0, contextId=1, streamId=13, correlationId=16,
         globalPid=gpid(1001), value=0, bytes=8192, memKind=DEVICE),
]
CALLS = [
    call(1001, 1001, 400, 450, 10, 2),
    call(1001, 1001, 900, 950, 11, 1),
    call(1001, 1001, 920, 940, 111, 8, DRIVER_CLASS),
    call(1001, 1010, 1200, 1260, 12, 1),
    call(1001, 1001, 1300, 1400, 13, 7),
    call(1001, 1001, 1500, 6650, 14, 3),
    call(1001, 1001, 6650, 6660, 15, 2),
    call(1001, 1001, 6900, 6950, 16, 4),
    call(1001, 1001, 7000, 7150, 17, 5),
    call(2002, 2002, 1000, 1050, 21, 1),
    call(2002, 2002, 9000, 9010, 22, 2),
    call(2002, 2002, 9010, 9400, 23, 6),
    call(3003, 3003, 100, 200, 31, 9),  # no GPU work: dropped
]
SYNCS = [
    dict(start=7010, end=7140, deviceId=0, contextId=1, streamId=13, correlationId=17,
         globalPid=gpid(1001), syncType=SYNC_STREAM, eventId=NO_STREAM),
    dict(start=7200, end=7300, deviceId=0, contextId=1, streamId=NO_STREAM, correlationId=18,
         globalPid=gpid(1001), syncType=SYNC_EVENT, eventId=3),
    dict(start=9020, end=9390, deviceId=1, contextId=1, streamId=NO_STREAM, correlationId=23,
         globalPid=gpid(2002), syncType=SYNC_CONTEXT, eventId=NO_STREAM),
]
NVTXS = [
    dict(start=10, end=None, eventType=NVTX_DOMAIN_CREATE, text="my_domain", domainId=1,
         globalTid=gtid(1001, 1001)),  # not a range
    dict(start=50, end=None, eventType=NVTX_PUSHPOP, text="epoch", globalTid=gtid(1001, 1001)),
    dict(start=100, end=350, eventType=NVTX_STARTEND, text="data_load", rangeId=1,
         globalTid=gtid(1001, 1010), endGlobalTid=gtid(1001, 1001)),
    dict(start=300, end=7500, eventType=NVTX_PUSHPOP, textId=40, globalTid=gtid(1001, 1001)),
    dict(start=800, end=6000, eventType=NVTX_PUSHPOP, text="forward", globalTid=gtid(1001, 1001),
         color=0xff00ff00, domainId=1),
    dict(start=6500, end=None, eventType=NVTX_MARK, text="checkpoint", globalTid=gtid(1001, 1001)),
    dict(start=1000, end=None, eventType=NVTX_MARK, text="iteration 0", globalTid=gtid(2002, 2002)),
    dict(start=150, end=250, eventType=NVTX_PUSHPOP, text="host only", globalTid=gtid(3003, 3003)),
]
GPUS = [
    dict(vmId=0, id=0, name="NVIDIA A100-SXM4-80GB", memoryBandwidth=2039000000000,
         clockRate=1410000000, smCount=108, computeMajor=8, computeMinor=0, threadsPerWarp=32),
    dict(vmId=0, id=1, name="NVIDIA H100 80GB HBM3", memoryBandwidth=3352000000000,
         clockRate=1980000000, smCount=132, computeMajor=9, computeMinor=0, threadsPerWarp=32),
]

def new_db(path):
    if os.path.exists(path):
        os.remove(path)
    return sqlite3.connect(path)

def strings(db, ids=None):
    create(db, "StringIds", [("id", "INTEGER NOT NULL PRIMARY KEY"), ("value", "TEXT NOT NULL")])
    for k, v in STRINGS.items():
        if ids is None or k in ids:
            db.execute("INSERT INTO StringIds VALUES (?, ?)", (k, v))

def meta(db, version):
    create(db, "META_DATA_EXPORT", [("name", "TEXT NOT NULL"), ("value", "TEXT")])
    db.execute("INSERT INTO META_DATA_EXPORT VALUES ('EXPORT_SCHEMA_VERSION', ?)", (version,))

def fill(db, table, cols, rows):
    create(db, table, cols)
    for r in rows:
        insert(db, table, cols, r)

def make_full(path, enums=ENUM_ROWS):
    db = new_db(path)
    strings(db)
    meta(db, "3.28.1")
    for name, rows in enums.items():
        fill(db, name, ENUM, [dict(id=i, name=n, label=l) for i, n, l in rows])
    # rows out of time order, as nothing promises order
    fill(db, "CUPTI_ACTIVITY_KIND_KERNEL", KERNEL, list(reversed(KERNELS)))
    fill(db, "CUPTI_ACTIVITY_KIND_MEMCPY", MEMCPY, MEMCPYS)
    fill(db, "CUPTI_ACTIVITY_KIND_MEMSET", MEMSET, MEMSETS)
    fill(db, "CUPTI_ACTIVITY_KIND_RUNTIME", RUNTIME, list(reversed(CALLS)))
    fill(db, "CUPTI_ACTIVITY_KIND_SYNCHRONIZATION", SYNC, SYNCS)
    fill(db, "NVTX_EVENTS", NVTX, NVTXS)
    fill(db, "TARGET_INFO_GPU", GPU, GPUS)
    db.commit()
    db.close()

def drop_cols(cols, names):
    return [c for c in cols if c[0] not in names]

def make_minimal(path):
    db = new_db(path)
    strings(db)
    kcols = drop_cols(KERNEL, {"globalPid", "demangledName", "mangledName", "graphId",
                               "staticSharedMemory", "dynamicSharedMemory", "greenContextId"})
    mcols = drop_cols(MEMCPY, {"globalPid", "srcKind", "dstKind", "greenContextId"})
    rcols = drop_cols(RUNTIME, {"eventClass"})
    keep = lambda row, cols: {k: v for k, v in row.items() if k in dict(cols)}
    fill(db, "CUPTI_ACTIVITY_KIND_KERNEL", kcols, [keep(k, kcols) for k in KERNELS[:2]])
    fill(db, "CUPTI_ACTIVITY_KIND_MEMCPY", mcols, [keep(MEMCPYS[0], mcols)])
    fill(db, "CUPTI_ACTIVITY_KIND_RUNTIME", rcols,
         [keep(c, rcols) for c in (CALLS[0], CALLS[1], CALLS[3])])
    db.commit()
    db.close()

def make_runtime_only(path):
    db = new_db(path)
    strings(db)
    fill(db, "CUPTI_ACTIVITY_KIND_RUNTIME", RUNTIME, CALLS[:3])
    db.commit()
    db.close()

def make_no_cupti(path):
    db = new_db(path)
    strings(db)
    fill(db, "NVTX_EVENTS", NVTX, NVTXS[:3])
    db.commit()
    db.close()

def make_no_strings(path):
    db = new_db(path)
    fill(db, "CUPTI_ACTIVITY_KIND_KERNEL", KERNEL, KERNELS[:1])
    db.commit()
    db.close()

def make_unrelated(path):
    db = new_db(path)
    db.execute("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT)")
    db.execute("INSERT INTO people VALUES (1, 'Ada')")
    db.commit()
    db.close()

def make_big(path):
    db = new_db(path)
    strings(db)
    create(db, "CUPTI_ACTIVITY_KIND_KERNEL", KERNEL)
    for i in range(3000):
        db.execute("INSERT INTO StringIds VALUES (?, ?)", (1000 + i, "kernel_%05d_" % i + "x" * 200))
        insert(db, "CUPTI_ACTIVITY_KIND_KERNEL", KERNEL,
               kernel(1001, i * 100, i * 100 + 50, 0, 7, i, (1000 + i, 1000 + i, None),
                      (1, 1, 1), (32, 1, 1), 16, 0, 0))
    db.commit()
    db.close()

def make_variant(path, edit):
    """full.sqlite, then edit(db) on it."""
    make_full(path)
    db = sqlite3.connect(path)
    edit(db)
    db.commit()
    db.close()

def retype(db, table, cols, name, decl=None, rename=None):
    """Recreates table with column name declared decl, renamed, or dropped (both None)."""
    new = []
    for c, d in cols:
        if c != name:
            new.append((c, d))
        elif decl or rename:
            new.append((rename or c, decl or d))
    keep = ", ".join('"%s"' % c for c, _ in cols if c != name or decl or rename)
    db.execute("ALTER TABLE %s RENAME TO old_table" % table)
    create(db, table, new)
    db.execute("INSERT INTO %s SELECT %s FROM old_table" % (table, keep))
    db.execute("DROP TABLE old_table")

def make_refused(out):
    db = new_db(os.path.join(out, "wrong_columns.sqlite"))
    strings(db)
    db.execute("CREATE TABLE CUPTI_ACTIVITY_KIND_KERNEL (foo TEXT)")
    db.execute("INSERT INTO CUPTI_ACTIVITY_KIND_KERNEL VALUES ('x')")
    db.commit()
    db.close()
    make_variant(os.path.join(out, "no_copykind.sqlite"),
                 lambda db: retype(db, "CUPTI_ACTIVITY_KIND_MEMCPY", MEMCPY, "copyKind"))
    make_variant(os.path.join(out, "text_start.sqlite"),
                 lambda db: retype(db, "CUPTI_ACTIVITY_KIND_KERNEL", KERNEL, "start", "TEXT"))
    make_variant(os.path.join(out, "strings_no_value.sqlite"),
                 lambda db: retype(db, "StringIds", [("id", "INTEGER NOT NULL PRIMARY KEY"),
                                                     ("value", "TEXT NOT NULL")], "value",
                                   rename="text"))
    reversed_kernel = kernel(1001, 8000, 7990, 0, 7, 19, SGEMM, (1, 1, 1), (32, 1, 1), 16, 0, 0)
    make_variant(os.path.join(out, "kernel_reversed.sqlite"),
                 lambda db: insert(db, "CUPTI_ACTIVITY_KIND_KERNEL", KERNEL, reversed_kernel))
    reversed_sync = dict(start=7600, end=7500, deviceId=0, contextId=1, streamId=13,
                         correlationId=20, globalPid=gpid(1001), syncType=SYNC_STREAM, eventId=0)
    make_variant(os.path.join(out, "sync_reversed.sqlite"),
                 lambda db: insert(db, "CUPTI_ACTIVITY_KIND_SYNCHRONIZATION", SYNC, reversed_sync))
    text_time = dict(reversed_kernel, start="abc", end=8100)
    make_variant(os.path.join(out, "kernel_text_time.sqlite"),
                 lambda db: insert(db, "CUPTI_ACTIVITY_KIND_KERNEL", KERNEL, text_time))
    def host(db):
        insert(db, "CUPTI_ACTIVITY_KIND_RUNTIME", RUNTIME, call(1001, 1001, 8000, 7900, 19, 5))
        insert(db, "NVTX_EVENTS", NVTX, dict(start=8000, end=7000, eventType=NVTX_PUSHPOP,
                                             text="backwards", globalTid=gtid(1001, 1001)))
    make_variant(os.path.join(out, "host_reversed.sqlite"), host)

INT64_MIN, INT64_MAX, LIMIT = -(1 << 63), (1 << 63) - 1, 1 << 62

def make_badtimes(path):
    db = new_db(path)
    strings(db)
    el = lambda s, e, corr: kernel(1001, s, e, 0, 7, corr, ELEMENTWISE, (1, 1, 1), (32, 1, 1),
                                   16, 0, 0)
    fill(db, "CUPTI_ACTIVITY_KIND_KERNEL", KERNEL, [
        el(1000, 1500, 11), el(2000, 2500, 12),                     # sound
        el(5000, 4000, 13), el(INT64_MIN, INT64_MAX, 14), el(-10, 5, 15), el(0, LIMIT, 16),
    ])
    fill(db, "CUPTI_ACTIVITY_KIND_MEMCPY", MEMCPY,
         [memcpy(1001, 7, 6, 0, 7, 17, 8, HTOD, PINNED, DEVICE)])
    fill(db, "CUPTI_ACTIVITY_KIND_MEMSET", MEMSET, [
        dict(start=INT64_MAX, end=INT64_MAX, deviceId=0, contextId=1, streamId=7,
             correlationId=18, globalPid=gpid(1001), value=0, bytes=8, memKind=DEVICE)])
    fill(db, "CUPTI_ACTIVITY_KIND_RUNTIME", RUNTIME, [
        call(1001, 1001, 900, 950, 11, 1),                          # sound
        call(1001, 1001, INT64_MAX - 1, INT64_MAX, 12, 1), call(1001, 1001, 100, 50, 13, 1),
    ])
    fill(db, "CUPTI_ACTIVITY_KIND_SYNCHRONIZATION", SYNC, [
        dict(start=10, end=9, deviceId=0, contextId=1, streamId=7, correlationId=19,
             globalPid=gpid(1001), syncType=SYNC_STREAM, eventId=0)])
    t = gtid(1001, 1001)
    fill(db, "NVTX_EVENTS", NVTX, [
        dict(start=300, end=7000, eventType=NVTX_PUSHPOP, text="step", globalTid=t),   # sound
        dict(start=600, end=None, eventType=NVTX_PUSHPOP, text="open", globalTid=t),   # sound
        dict(start=500, end=400, eventType=NVTX_PUSHPOP, text="backwards", globalTid=t),
        dict(start=-1, end=10, eventType=NVTX_STARTEND, text="before", globalTid=t),
        dict(start=-5, end=None, eventType=NVTX_MARK, text="mark before", globalTid=t),
    ])
    db.commit()
    db.close()

def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_fixture.py DIR")
    out = sys.argv[1]
    make_full(os.path.join(out, "full.sqlite"))
    make_full(os.path.join(out, "full_noenum.sqlite"), enums={})
    # ids 1 and 4 of ENUM_CUPTI_SYNC_TYPE swapped: the table, not the
    # documented numbers, decides
    swapped = dict(ENUM_ROWS)
    swapped["ENUM_CUPTI_SYNC_TYPE"] = [
        (i, {1: ENUM_ROWS["ENUM_CUPTI_SYNC_TYPE"][4][1], 4: ENUM_ROWS["ENUM_CUPTI_SYNC_TYPE"][1][1]}
         .get(i, n), l) for i, n, l in ENUM_ROWS["ENUM_CUPTI_SYNC_TYPE"]]
    make_full(os.path.join(out, "full_swapped.sqlite"), enums=swapped)
    make_minimal(os.path.join(out, "minimal.sqlite"))
    make_runtime_only(os.path.join(out, "runtime_only.sqlite"))
    make_no_cupti(os.path.join(out, "no_cupti.sqlite"))
    make_no_strings(os.path.join(out, "no_strings.sqlite"))
    make_unrelated(os.path.join(out, "unrelated.sqlite"))
    make_big(os.path.join(out, "big.sqlite"))
    make_refused(out)
    make_badtimes(os.path.join(out, "badtimes.sqlite"))

if __name__ == "__main__":
    main()
