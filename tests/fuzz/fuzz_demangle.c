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
 * Not compared (see skip()): three constructs where this libstdc++ (checked
 * at start) differs from the Itanium ABI, binutils' c++filt and LLVM; and
 * four kinds of ill-formed name that GNU prints by accident of its
 * printer. Other ill-formed names on which GNU's demanglers agree
 * (reference-to-reference chains, "_ZNKRooE") are compared.
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
static int old_bf16;   /* libstdc++ reads DF16b (GCC 13) as "bool _Accum" */
static int unnamed_sub; /* libstdc++ counts a bare Ut_ as a substitution */
static int at_expr;     /* libstdc++ reads at <type> as at <expression> */

/* libstdc++'s answer for name is want. */
static int cxa_says(const char *name, const char *want)
{
    int status = -1;
    char *r = cxa(name, NULL, NULL, &status);
    int same = status == 0 && r && strcmp(r, want) == 0;

    free(r);
    return same;
}

/* A run of qualifiers (r, V, K; Do, Dx of a function type) that repeats one or stands before
 * an array type (A); or a nested name with qualifiers (N followed by r, V,
 * K, R or O) that is not the name of an encoding (after _Z or Z). The ABI
 * allows each qualifier once, in the order r V K, puts an array's
 * qualifiers on its element, and qualifies a nested name only as a member
 * function's; GNU prints repeats on function types, and the order on
 * arrays and around such nested names, as its modifier stack falls. */
static int odd_qualifiers(const char *name)
{
    for (const char *p = name; *p; p++) {
        int seen = 0, n = 0;
        for (;; p++, n++) {
            int bit = *p == 'r' ? 1 : *p == 'V' ? 2 : *p == 'K' ? 4 : 0;
            if (*p == 'D' && (p[1] == 'o' || p[1] == 'x'))
                bit = p[1] == 'o' ? 8 : 16, p++;
            if (!bit)
                break;
            if (seen & bit)
                return 1;
            seen |= bit;
        }
        if ((n && *p == 'A') || !*p)
            return n && *p == 'A';
        if (*p == 'N' && p[1] && strchr("rVKRO", p[1]) && (p == name || p[-1] != 'Z'))
            return 1;
    }
    return 0;
}

/* A pointer to member (M) whose class is a pointer, reference, function,
 * array, qualified type or another pointer to member: no class. Named
 * directly (M followed by one), or through a substitution, which shows in
 * libstdc++'s result as a declarator before "::*". */
static int member_of_nonclass(const char *name, const char *theirs)
{
    for (const char *m = strchr(name, 'M'); m; m = strchr(m + 1, 'M'))
        if (m[1] && strchr("PROFAKVrM", m[1]))
            return 1;
    return strstr(theirs, "]::*") || strstr(theirs, ")::*");
}

/* A vendor qualifier (U <source-name>) on a pointer, reference, array,
 * function (qualified or not) or pointer to member: GNU moves the
 * qualifier into the declarator. */
static int odd_declarator(const char *name)
{
    for (const char *u = strchr(name, 'U'); u; u = strchr(u + 1, 'U')) {
        const char *p = u + 1;
        long len = 0;
        while (*p >= '0' && *p <= '9' && len < 1000)
            len = len * 10 + (*p++ - '0');
        if (p == u + 1 || (size_t)len > strlen(p))
            continue;
        p += len;
        if (*p && strchr("PROAFMKVrD", *p))
            return 1;
    }
    return 0;
}

/* An unnamed type (Ut [<number>] _) followed by a substitution (S_,
 * S<seq-id>_). */
static int unnamed_then_sub(const char *name)
{
    for (const char *u = strstr(name, "Ut"); u; u = strstr(u + 1, "Ut")) {
        const char *p = u + 2;
        while (*p >= '0' && *p <= '9')
            p++;
        if (*p != '_')
            continue;
        for (p = strchr(p, 'S'); p; p = strchr(p + 1, 'S')) {
            const char *q = p + 1;
            while ((*q >= '0' && *q <= '9') || (*q >= 'A' && *q <= 'Z'))
                q++;
            if (*q == '_')
                return 1;
        }
    }
    return 0;
}

/* Names not compared (theirs: libstdc++'s result). Where this libstdc++
 * (checked at start) differs from the Itanium ABI, binutils' c++filt and
 * LLVM:
 *   DF16b (std::bfloat16_t, mangled so since GCC 13): older libstdc++
 *     demangles it as "DF16" and a 'b' ("bool _Accum");
 *   an unnamed type followed by a substitution: libstdc++ adds the unnamed
 *     type alone as a substitution candidate, so later references are
 *     numbered one off. The ABI makes only prefixes, templates and types
 *     candidates, as LLVM does and as libstdc++ itself does for a lambda.
 *   alignof a type (at <type>), whose operand libstdc++ reads as an
 *     expression: it fails on a builtin type, prints a class name without
 *     parentheses and numbers substitutions after it one off;
 * Ill-formed names that GNU prints by accident of its printer:
 *   a pack expansion (Dp) whose pattern names no pack, printed
 *     "(pattern)..." (as gpupack does) but with the declarators around it
 *     moved into the parentheses;
 *   odd_qualifiers(), member_of_nonclass(), odd_declarator(). */
static int skip(const char *name, const char *theirs)
{
    if (old_bf16 && strstr(name, "DF16b"))
        return 1;
    if (unnamed_sub && unnamed_then_sub(name))
        return 1;
    if (at_expr && strstr(name, "at") && strstr(theirs, "alignof "))
        return 1;
    return (strstr(name, "Dp") && strstr(theirs, ")...")) || odd_qualifiers(name) ||
           member_of_nonclass(name, theirs) || odd_declarator(name);
}

/* GP_FUZZ_DIFF=count: a difference from libstdc++ is counted and the first
 * 20 printed, not fatal, so that a long run looks for crashes, hangs, leaks
 * and UBSan reports past the differences (ill-formed names that GNU prints
 * by accident keep turning up). The default stops at the first. */
static int diff_count;
static unsigned long n_diff;

static void say_diffs(void)
{
    fprintf(stderr, "fuzz_demangle: %lu differences from __cxa_demangle\n", n_diff);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *d = getenv("GP_FUZZ_DIFF");

    if (d && strcmp(d, "count") == 0) {
        diff_count = 1;
        atexit(say_diffs);
    }
    void *lib = dlopen("libstdc++.so.6", RTLD_NOW | RTLD_LOCAL);

    cxa = (cxa_demangle_fn)(uintptr_t)dlsym(lib ? lib : RTLD_DEFAULT, "__cxa_demangle");
    if (!cxa && getenv("GP_FUZZ_VERBOSE"))
        fprintf(stderr, "fuzz_demangle: no __cxa_demangle: the comparison is skipped\n");
    if (cxa) {
        old_bf16 = !cxa_says("_Z1fDF16b", "f(std::bfloat16_t)");
        unnamed_sub = cxa_says("_Z1fN1AUt_EPS0_", "f(A::{unnamed type#1}, {unnamed type#1}*)");
        at_expr = !cxa_says("_Z1fIXatiEEvv", "void f<alignof (int)>()");
    }
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
        if (status == 0 && theirs && strcmp(ours, theirs) != 0 && !skip(name, theirs)) {
            if (!diff_count)
                fz_fail("%s\n  gp_demangle:    %s\n  __cxa_demangle: %s", name, ours, theirs);
            if (++n_diff <= 20)
                fprintf(stderr, "fuzz_demangle: differs: %s\n  gp_demangle:    %s\n"
                        "  __cxa_demangle: %s\n", name, ours, theirs);
        }
        free(theirs);
    }
    free(ours);
    return 0;
}
