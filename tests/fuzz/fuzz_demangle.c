/* fuzz_demangle.c: the kernel-name demangler (analyzer/model/demangle.h),
 * and a differential against libstdc++'s abi::__cxa_demangle, which
 * PyTorch's profiler uses for the names gpupack must match.
 *
 * Input: the mangled name (up to its first NUL). gp_demangle must return
 * or give up whatever the input. Where the input is short (at most
 * DIFF_MAX_BYTES) and both demanglers succeed, the results must be equal.
 * Only short inputs are compared because libstdc++'s demangler, unlike
 * ours, has no bound on its work: a short "substitution bomb" can keep it
 * busy for minutes; and only inputs ours demangles to a short result are
 * handed to it. libstdc++ is found at run time (dlopen), so the harness
 * builds with a C compiler alone; without it the comparison is skipped.
 * Seeds: the mangled names of tests/unit/test_classify.c and
 * test_shortname.c (make_seeds.sh). */
#include "config.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/model/demangle.h"
#include "tests/fuzz/fuzz.h"

#define MAX_BYTES 4096
#define DIFF_MAX_BYTES 96
#define DIFF_MAX_RESULT 1024

typedef char *(*cxa_demangle_fn)(const char *, char *, size_t *, int *);

static cxa_demangle_fn cxa;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    void *lib = dlopen("libstdc++.so.6", RTLD_NOW | RTLD_LOCAL);

    cxa = (cxa_demangle_fn)(uintptr_t)dlsym(lib ? lib : RTLD_DEFAULT, "__cxa_demangle");
    if (!cxa && getenv("GP_FUZZ_VERBOSE"))
        fprintf(stderr, "fuzz_demangle: no __cxa_demangle: the comparison is skipped\n");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char name[MAX_BYTES + 1];
    size_t n = size < MAX_BYTES ? size : MAX_BYTES;
    char *ours, *theirs;
    int status = -1;

    memcpy(name, data, n);
    name[n] = 0;
    n = strlen(name);
    ours = gp_demangle(name);
    if (ours && cxa && n <= DIFF_MAX_BYTES && strlen(ours) <= DIFF_MAX_RESULT) {
        theirs = cxa(name, NULL, NULL, &status);
        if (status == 0 && theirs && strcmp(ours, theirs) != 0)
            fz_fail("%s\n  gp_demangle:    %s\n  __cxa_demangle: %s", name, ours, theirs);
        free(theirs);
    }
    free(ours);
    return 0;
}
