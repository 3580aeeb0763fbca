/* inject.c: the collector's entry points.
 *
 * - InitializeInjection: called by the CUDA driver during cuInit when
 *   CUDA_INJECTION64_PATH names this library (what `gpupack record` sets).
 *   Works for static and dynamic cudart and for cuGetProcAddress users.
 * - InitializeInjectionNvtx2: called by NVTX when NVTX_INJECTION64_PATH
 *   names this library; forwarded to the CUPTI the collector uses, so NVTX
 *   ranges reach the same CUPTI as everything else.
 * - Under LD_PRELOAD, a constructor only points CUDA_INJECTION64_PATH (and
 *   NVTX_INJECTION64_PATH) at this library, so the driver starts the
 *   collector lazily, at the process's first cuInit; a process that never
 *   uses CUDA is untouched.
 */
#include "config.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session.h"

#define EXPORT __attribute__((visibility("default")))

EXPORT int InitializeInjection(void);
EXPORT int InitializeInjectionNvtx2(void *get_export_table);

int InitializeInjection(void)
{
    gp_session_start();
    return 1; /* never fail cuInit, whatever happened */
}

int InitializeInjectionNvtx2(void *get_export_table)
{
    gp_nvtx_init_fn fn = gp_session_nvtx_target();

    return fn ? fn(get_export_table) : 0;
}

__attribute__((constructor)) static void preload(void)
{
    Dl_info self;
    const char *cur = getenv("CUDA_INJECTION64_PATH");
    char line[700];

    if (!dladdr((void *)InitializeInjection, &self) || !self.dli_fname)
        return;
    if (cur && *cur) {
        const char *pre = getenv("LD_PRELOAD");
        const char *base = strrchr(self.dli_fname, '/');
        /* Only a preloaded copy speaks: the driver may name us by another path. */
        if (pre && strstr(pre, base ? base + 1 : self.dli_fname) &&
            strcmp(cur, self.dli_fname) != 0) {
            snprintf(line, sizeof line,
                     "CUDA_INJECTION64_PATH already names %s; gpupack does not record this "
                     "process", cur);
            gp_session_say(line);
        }
        return; /* loaded by the driver, or another tool owns injection */
    }
    setenv("CUDA_INJECTION64_PATH", self.dli_fname, 1);
    if (!getenv("NVTX_INJECTION64_PATH"))
        setenv("NVTX_INJECTION64_PATH", self.dli_fname, 1);
}
