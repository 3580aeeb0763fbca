/* call_inject.c: plays the CUDA driver's part: loads the collector named by
 * CUDA_INJECTION64_PATH and calls InitializeInjection, as cuInit does; then
 * does some work and exits 0. With the real libcupti and no driver, the
 * collector must print one line and leave this program running. */
#include "config.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    const char *path = getenv("CUDA_INJECTION64_PATH");
    void *h;
    int (*init)(void);
    volatile double x = 0;

    if (!path || !(h = dlopen(path, RTLD_NOW))) {
        fprintf(stderr, "call_inject: cannot load %s: %s\n", path ? path : "(unset)", dlerror());
        return 2;
    }
    *(void **)&init = dlsym(h, "InitializeInjection");
    if (!init) {
        fprintf(stderr, "call_inject: no InitializeInjection in %s\n", path);
        return 2;
    }
    if (init() != 1)
        fprintf(stderr, "call_inject: InitializeInjection did not return 1\n");
    for (int i = 0; i < 1000000; i++)
        x += i;
    printf("call_inject: still running, result %.0f\n", x);
    return 0;
}
