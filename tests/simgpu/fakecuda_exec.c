/* fakecuda_exec.c: modules, functions, kernel launches and CUDA graphs.
 *
 * Any module image loads; cuModuleGetFunction(&f, mod, name) makes (once per
 * name and module) a kernel called name, which runs simgpuFuncSetDuration's
 * time (default SIMGPU_KERNEL_DEFAULT_NS). Graphs are built by stream
 * capture only: kernels launched on a capturing stream become the graph's
 * nodes, in order; other work on a capturing stream fails with
 * CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED (the capture stays valid). A
 * context synchronize while a capture forbids it (sg_capture_forbids: any
 * thread's GLOBAL-mode capture, or the caller's own non-RELAXED one) fails
 * and invalidates that capture: launches into it then fail with
 * CUDA_ERROR_STREAM_CAPTURE_INVALIDATED and cuStreamEndCapture returns that
 * error and no graph, as cuda.h describes for the real driver.
 * cuGraphLaunch runs the nodes in order on its stream; their kernel records
 * carry the graph's id (cuptiGetGraphId of the captured CUgraph), a node id,
 * and the cuGraphLaunch call's correlation id. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tests/simgpu/fakecuda_internal.h"

#define MAX_SHMEM_BYTES 232448u
#define REGISTERS_PER_THREAD 32

static void module_free(void *obj)
{
    struct CUmod_st *m = obj;

    while (m->funcs) {
        struct CUfunc_st *f = m->funcs;
        m->funcs = f->next;
        sg_handle_del(f);
        free(f);
    }
    sg_handle_del(m);
    free(m);
}

static void graph_free(void *obj)
{
    struct CUgraph_st *g = obj;

    sg_handle_del(g);
    free(g->nodes);
    free(g);
}

static void exec_free(void *obj)
{
    struct CUgraphExec_st *e = obj;

    sg_handle_del(e);
    free(e->nodes);
    free(e);
}

void sg_ctx_free_exec(struct CUctx_st *ctx)
{
    sg_handle_sweep(SG_MODULE, ctx, module_free);
    sg_handle_sweep(SG_GRAPH, ctx, graph_free);
    sg_handle_sweep(SG_GRAPH_EXEC, ctx, exec_free);
}

CUresult sg_module_load(CUmodule *module, const void *image)
{
    struct CUmod_st *m = NULL;
    struct CUctx_st *ctx;
    CUpti_ModuleResourceData desc;
    CUresult r = sg_ready();

    if (r == CUDA_SUCCESS && (!module || !image))
        r = CUDA_ERROR_INVALID_VALUE;
    if (r != CUDA_SUCCESS)
        return r;
    sg_lock();
    ctx = sg_ctx_current(&r);
    if (ctx) {
        m = calloc(1, sizeof *m);
        if (m && sg_handle_add(m) != 0) {
            free(m);
            m = NULL;
        }
        if (m) {
            m->kind = SG_MODULE;
            m->owner = ctx;
            m->id = sg_next_id();
            *module = m;
        } else {
            r = CUDA_ERROR_OUT_OF_MEMORY;
        }
    }
    sg_unlock();
    if (m) {
        desc.moduleId = m->id;
        desc.cubinSize = 0; /* the image is opaque here: no cubin to show */
        desc.pCubin = image;
        sg_resource(CUPTI_CBID_RESOURCE_MODULE_LOADED, ctx, NULL, &desc);
    }
    return r;
}

CUresult CUDAAPI cuModuleLoadData(CUmodule *module, const void *image)
{
    cuModuleLoadData_params p = { module, image };
    simgpu_call c;

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuModuleLoadData, "cuModuleLoadData", &p);
    return sg_call_end(&c, sg_module_load(module, image));
}

CUresult CUDAAPI cuModuleUnload(CUmodule hmod)
{
    cuModuleUnload_params p = { hmod };
    simgpu_call c;
    struct CUctx_st *ctx = NULL;
    CUpti_ModuleResourceData desc = { 0, 0, NULL };
    CUresult r = sg_ready();

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuModuleUnload, "cuModuleUnload", &p);
    if (r != CUDA_SUCCESS)
        return sg_call_end(&c, r);
    sg_lock();
    if (sg_handle_is(hmod, SG_MODULE)) {
        ctx = hmod->owner;
        desc.moduleId = hmod->id;
    }
    sg_unlock();
    if (!ctx)
        return sg_call_end(&c, CUDA_ERROR_INVALID_HANDLE);
    sg_resource(CUPTI_CBID_RESOURCE_MODULE_UNLOAD_STARTING, ctx, NULL, &desc);
    sg_lock();
    if (sg_handle_is(hmod, SG_MODULE))
        module_free(hmod);
    else
        r = CUDA_ERROR_INVALID_HANDLE;
    sg_unlock();
    return sg_call_end(&c, r);
}

CUresult sg_module_function(CUfunction *hfunc, CUmodule hmod, const char *name)
{
    struct CUfunc_st *f;
    CUresult r = sg_ready();

    if (r == CUDA_SUCCESS && (!hfunc || !name || !*name))
        r = CUDA_ERROR_INVALID_VALUE;
    if (r != CUDA_SUCCESS)
        return r;
    sg_lock();
    if (!sg_handle_is(hmod, SG_MODULE)) {
        r = CUDA_ERROR_INVALID_HANDLE;
        goto out;
    }
    for (f = hmod->funcs; f && strcmp(f->name, name) != 0; f = f->next)
        ;
    if (!f) {
        f = calloc(1, sizeof *f);
        if (f && sg_handle_add(f) != 0) {
            free(f);
            f = NULL;
        }
        if (!f) {
            r = CUDA_ERROR_OUT_OF_MEMORY;
            goto out;
        }
        f->kind = SG_FUNCTION;
        f->owner = hmod->owner;
        f->mod = hmod;
        f->name = sg_intern(name);
        f->duration_ns = SIMGPU_KERNEL_DEFAULT_NS;
        f->next = hmod->funcs;
        hmod->funcs = f;
    }
    *hfunc = f;
out:
    sg_unlock();
    return r;
}

CUresult CUDAAPI cuModuleGetFunction(CUfunction *hfunc, CUmodule hmod, const char *name)
{
    cuModuleGetFunction_params p = { hfunc, hmod, name };
    simgpu_call c;

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuModuleGetFunction, "cuModuleGetFunction", &p);
    return sg_call_end(&c, sg_module_function(hfunc, hmod, name));
}

const char *sg_function_name(CUfunction f)
{
    const char *name = NULL;

    sg_lock();
    if (sg_handle_is(f, SG_FUNCTION))
        name = f->name; /* interned: valid for the process's life */
    sg_unlock();
    return name;
}

CUresult simgpuFuncSetDuration(CUfunction f, uint64_t ns)
{
    CUresult r = sg_ready();

    if (r != CUDA_SUCCESS)
        return r;
    if (ns == 0)
        return CUDA_ERROR_INVALID_VALUE;
    sg_lock();
    if (sg_handle_is(f, SG_FUNCTION))
        f->duration_ns = ns;
    else
        r = CUDA_ERROR_INVALID_HANDLE;
    sg_unlock();
    return r;
}

/* Runs one kernel on s, launched at host time t (lock held). */
static void run_kernel(struct CUstream_st *s, const sg_node *k, uint64_t t, uint32_t correlation_id,
                       uint32_t graph_id)
{
    uint64_t blocks = (uint64_t)k->grid[0] * k->grid[1] * k->grid[2], end;
    uint64_t start = sg_compute_place(s->owner->dev, sg_stream_ready(s, t + SIMGPU_LAUNCH_LATENCY_NS),
                                      k->duration_ns, blocks, &end);
    CUpti_ActivityKernel10 r;

    s->busy_until = end;
    if (!sg_wants(CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL))
        return;
    memset(&r, 0, sizeof r);
    r.kind = CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL;
    r.registersPerThread = REGISTERS_PER_THREAD;
    r.start = start;
    r.end = end;
    r.completed = r.end;
    r.deviceId = (uint32_t)s->owner->dev;
    r.contextId = s->owner->id;
    r.streamId = s->id;
    r.gridX = (int32_t)k->grid[0];
    r.gridY = (int32_t)k->grid[1];
    r.gridZ = (int32_t)k->grid[2];
    r.blockX = (int32_t)k->block[0];
    r.blockY = (int32_t)k->block[1];
    r.blockZ = (int32_t)k->block[2];
    r.dynamicSharedMemory = (int32_t)k->shmem;
    r.correlationId = correlation_id;
    r.gridId = (int64_t)sg_next_id64();
    r.name = k->name;
    r.queued = t;                 /* the tracer clears them unless asked */
    r.submitted = t + SIMGPU_LAUNCH_LATENCY_NS / 2;
    r.launchType = CUPTI_ACTIVITY_LAUNCH_TYPE_REGULAR;
    r.sharedMemoryExecuted = k->shmem;
    r.graphNodeId = k->node_id;
    r.graphId = graph_id;
    r.channelType = CUPTI_CHANNEL_TYPE_COMPUTE;
    sg_emit(&r, sizeof r, r.end);
}

static CUresult graph_append(struct CUgraph_st *g, const sg_node *k)
{
    if (g->n == g->cap) {
        size_t cap = g->cap ? 2 * g->cap : 8;
        sg_node *v = realloc(g->nodes, cap * sizeof *v);
        if (!v)
            return CUDA_ERROR_OUT_OF_MEMORY;
        g->nodes = v;
        g->cap = cap;
    }
    g->nodes[g->n++] = *k;
    return CUDA_SUCCESS;
}

CUresult sg_launch(simgpu_call *c, CUfunction f, const unsigned grid[3], const unsigned block[3],
                   unsigned shmem, CUstream hStream)
{
    struct CUstream_st *s;
    sg_node k;
    CUresult r = sg_ready();

    if (r != CUDA_SUCCESS)
        return r;
    if (!grid[0] || !grid[1] || !grid[2] || !block[0] || !block[1] || !block[2] ||
        (uint64_t)block[0] * block[1] * block[2] > 1024 || shmem > MAX_SHMEM_BYTES)
        return CUDA_ERROR_INVALID_VALUE;
    sg_lock();
    r = sg_stream_get(hStream, &s);
    if (r == CUDA_SUCCESS && (!sg_handle_is(f, SG_FUNCTION) || f->owner != s->owner))
        r = CUDA_ERROR_INVALID_HANDLE;
    if (r == CUDA_SUCCESS && s->capture && s->capture_invalid)
        r = CUDA_ERROR_STREAM_CAPTURE_INVALIDATED;
    if (r == CUDA_SUCCESS) {
        memset(&k, 0, sizeof k);
        k.name = f->name;
        k.duration_ns = f->duration_ns;
        memcpy(k.grid, grid, sizeof k.grid);
        memcpy(k.block, block, sizeof k.block);
        k.shmem = shmem;
        if (s->capture) {
            k.node_id = sg_next_id64();
            r = graph_append(s->capture, &k);
        } else {
            run_kernel(s, &k, sg_now(), c->correlation_id, 0);
        }
    }
    sg_unlock();
    return r;
}

CUresult CUDAAPI cuLaunchKernel(CUfunction f, unsigned int gridDimX, unsigned int gridDimY,
                                unsigned int gridDimZ, unsigned int blockDimX,
                                unsigned int blockDimY, unsigned int blockDimZ,
                                unsigned int sharedMemBytes, CUstream hStream, void **kernelParams,
                                void **extra)
{
    cuLaunchKernel_params p = { f, gridDimX, gridDimY, gridDimZ, blockDimX, blockDimY,
                                blockDimZ, sharedMemBytes, hStream, kernelParams, extra };
    const unsigned grid[3] = { gridDimX, gridDimY, gridDimZ };
    const unsigned block[3] = { blockDimX, blockDimY, blockDimZ };
    simgpu_call c;

    sg_call_begin_sym(&c, CUPTI_DRIVER_TRACE_CBID_cuLaunchKernel, "cuLaunchKernel", &p,
                      sg_ready() == CUDA_SUCCESS ? sg_function_name(f) : NULL);
    return sg_call_end(&c, sg_launch(&c, f, grid, block, sharedMemBytes, hStream));
}

int sg_capture_forbids(void)
{
    pthread_t me = pthread_self();
    int forbids = 0;

    for (struct CUctx_st *ctx = sg_ctx_all(); ctx; ctx = ctx->next_all) {
        if (!sg_ctx_live(ctx))
            continue;
        for (struct CUstream_st *x = ctx->streams; x; x = x->next) {
            int mine = pthread_equal(x->capture_thread, me);
            if (!x->capture || (mine ? x->capture_mode == CU_STREAM_CAPTURE_MODE_RELAXED
                                     : x->capture_mode != CU_STREAM_CAPTURE_MODE_GLOBAL))
                continue;
            x->capture_invalid = 1;
            forbids = 1;
        }
    }
    return forbids;
}

void sg_capture_drop(struct CUstream_st *s)
{
    if (!s->capture)
        return;
    graph_free(s->capture);
    s->capture = NULL;
    s->capture_invalid = 0;
}

CUresult sg_begin_capture(CUstream hStream, CUstreamCaptureMode mode)
{
    struct CUstream_st *s;
    struct CUgraph_st *g;
    CUresult r = sg_ready();

    if (r == CUDA_SUCCESS && (unsigned)mode > CU_STREAM_CAPTURE_MODE_RELAXED)
        r = CUDA_ERROR_INVALID_VALUE;
    if (r != CUDA_SUCCESS)
        return r;
    sg_lock();
    r = sg_stream_get(hStream, &s);
    if (r == CUDA_SUCCESS && s == &s->owner->legacy)
        r = CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
    if (r == CUDA_SUCCESS && s->capture)
        r = CUDA_ERROR_ILLEGAL_STATE;
    if (r == CUDA_SUCCESS) {
        g = calloc(1, sizeof *g);
        if (g && sg_handle_add(g) != 0) {
            free(g);
            g = NULL;
        }
        if (g) {
            g->kind = SG_GRAPH;
            g->owner = s->owner;
            g->id = sg_next_id();
            g->capturing = 1;
            s->capture = g;
            s->capture_mode = mode;
            s->capture_thread = pthread_self();
            s->capture_invalid = 0;
        } else {
            r = CUDA_ERROR_OUT_OF_MEMORY;
        }
    }
    sg_unlock();
    return r;
}

CUresult CUDAAPI cuStreamBeginCapture_v2(CUstream hStream, CUstreamCaptureMode mode)
{
    cuStreamBeginCapture_v2_params p = { hStream, mode };
    simgpu_call c;

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuStreamBeginCapture_v2, "cuStreamBeginCapture_v2",
                  &p);
    return sg_call_end(&c, sg_begin_capture(hStream, mode));
}

/* An invalidated capture ends without a graph (*phGraph NULL) and
 * CUDA_ERROR_STREAM_CAPTURE_INVALIDATED (cuda.h, cuStreamEndCapture). */
CUresult sg_end_capture(CUstream hStream, CUgraph *phGraph)
{
    struct CUstream_st *s;
    CUresult r = sg_ready();

    if (r == CUDA_SUCCESS && !phGraph)
        r = CUDA_ERROR_INVALID_VALUE;
    if (r != CUDA_SUCCESS)
        return r;
    sg_lock();
    r = sg_stream_get(hStream, &s);
    if (r == CUDA_SUCCESS && !s->capture)
        r = CUDA_ERROR_ILLEGAL_STATE;
    if (r == CUDA_SUCCESS && s->capture_invalid) {
        sg_capture_drop(s);
        *phGraph = NULL;
        r = CUDA_ERROR_STREAM_CAPTURE_INVALIDATED;
    } else if (r == CUDA_SUCCESS) {
        s->capture->capturing = 0;
        *phGraph = s->capture;
        s->capture = NULL;
    }
    sg_unlock();
    return r;
}

CUresult CUDAAPI cuStreamEndCapture(CUstream hStream, CUgraph *phGraph)
{
    cuStreamEndCapture_params p = { hStream, phGraph };
    simgpu_call c;

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuStreamEndCapture, "cuStreamEndCapture", &p);
    return sg_call_end(&c, sg_end_capture(hStream, phGraph));
}

CUresult sg_graph_instantiate(CUgraphExec *phGraphExec, CUgraph hGraph)
{
    struct CUgraphExec_st *e = NULL;
    CUresult r = sg_ready();

    if (r == CUDA_SUCCESS && !phGraphExec)
        r = CUDA_ERROR_INVALID_VALUE;
    if (r != CUDA_SUCCESS)
        return r;
    sg_lock();
    if (!sg_handle_is(hGraph, SG_GRAPH) || hGraph->capturing) {
        r = CUDA_ERROR_INVALID_VALUE;
        goto out;
    }
    e = calloc(1, sizeof *e);
    if (e && hGraph->n) {
        e->nodes = malloc(hGraph->n * sizeof *e->nodes);
        if (!e->nodes) {
            free(e);
            e = NULL;
        }
    }
    if (e && sg_handle_add(e) != 0) {
        free(e->nodes);
        free(e);
        e = NULL;
    }
    if (!e) {
        r = CUDA_ERROR_OUT_OF_MEMORY;
        goto out;
    }
    e->kind = SG_GRAPH_EXEC;
    e->owner = hGraph->owner;
    e->id = hGraph->id;
    e->n = hGraph->n;
    if (e->n)
        memcpy(e->nodes, hGraph->nodes, e->n * sizeof *e->nodes);
    *phGraphExec = e;
out:
    sg_unlock();
    return r;
}

CUresult CUDAAPI cuGraphInstantiateWithFlags(CUgraphExec *phGraphExec, CUgraph hGraph,
                                             unsigned long long flags)
{
    cuGraphInstantiateWithFlags_params p = { phGraphExec, hGraph, flags };
    simgpu_call c;

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuGraphInstantiateWithFlags,
                  "cuGraphInstantiateWithFlags", &p);
    return sg_call_end(&c, sg_graph_instantiate(phGraphExec, hGraph));
}

CUresult sg_graph_launch(simgpu_call *c, CUgraphExec hGraphExec, CUstream hStream)
{
    struct CUstream_st *s;
    CUresult r = sg_ready();

    if (r != CUDA_SUCCESS)
        return r;
    sg_lock();
    r = sg_stream_get(hStream, &s);
    if (r == CUDA_SUCCESS && (!sg_handle_is(hGraphExec, SG_GRAPH_EXEC) || hGraphExec->owner != s->owner))
        r = CUDA_ERROR_INVALID_HANDLE;
    if (r == CUDA_SUCCESS && s->capture)
        r = CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
    if (r == CUDA_SUCCESS) {
        uint64_t t = sg_now();
        for (size_t i = 0; i < hGraphExec->n; i++)
            run_kernel(s, &hGraphExec->nodes[i], t, c->correlation_id, hGraphExec->id);
    }
    sg_unlock();
    return r;
}

CUresult CUDAAPI cuGraphLaunch(CUgraphExec hGraphExec, CUstream hStream)
{
    cuGraphLaunch_params p = { hGraphExec, hStream };
    simgpu_call c;

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuGraphLaunch, "cuGraphLaunch", &p);
    return sg_call_end(&c, sg_graph_launch(&c, hGraphExec, hStream));
}

CUresult sg_graph_destroy(CUgraph hGraph)
{
    CUresult r = sg_ready();

    if (r == CUDA_SUCCESS) {
        sg_lock();
        if (!sg_handle_is(hGraph, SG_GRAPH))
            r = CUDA_ERROR_INVALID_VALUE;
        else if (hGraph->capturing)
            r = CUDA_ERROR_ILLEGAL_STATE;
        else
            graph_free(hGraph);
        sg_unlock();
    }
    return r;
}

CUresult CUDAAPI cuGraphDestroy(CUgraph hGraph)
{
    cuGraphDestroy_params p = { hGraph };
    simgpu_call c;

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuGraphDestroy, "cuGraphDestroy", &p);
    return sg_call_end(&c, sg_graph_destroy(hGraph));
}

CUresult sg_graph_exec_destroy(CUgraphExec hGraphExec)
{
    CUresult r = sg_ready();

    if (r == CUDA_SUCCESS) {
        sg_lock();
        if (sg_handle_is(hGraphExec, SG_GRAPH_EXEC))
            exec_free(hGraphExec);
        else
            r = CUDA_ERROR_INVALID_VALUE;
        sg_unlock();
    }
    return r;
}

CUresult CUDAAPI cuGraphExecDestroy(CUgraphExec hGraphExec)
{
    cuGraphExecDestroy_params p = { hGraphExec };
    simgpu_call c;

    sg_call_begin(&c, CUPTI_DRIVER_TRACE_CBID_cuGraphExecDestroy, "cuGraphExecDestroy", &p);
    return sg_call_end(&c, sg_graph_exec_destroy(hGraphExec));
}

CUresult sg_query_graph_id(CUgraph graph, uint32_t *graph_id)
{
    CUresult r = CUDA_SUCCESS;

    sg_lock();
    if (sg_handle_is(graph, SG_GRAPH))
        *graph_id = graph->id;
    else
        r = CUDA_ERROR_INVALID_HANDLE;
    sg_unlock();
    return r;
}
