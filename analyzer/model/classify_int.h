/* classify_int.h: text helpers shared by the classifier's files (not API).
 *
 * A kernel name is read as text: demangled when it is mangled, the way
 * PyTorch's profiler shows it. gp_ksig_parse then finds the kernel's own
 * name inside "ret ns::name<args>(params) const". */
#ifndef GP_CLASSIFY_INT_H
#define GP_CLASSIFY_INT_H

#include <stddef.h>
#include <string.h>

#include "analyzer/model/classify.h"

typedef struct gp_span {
    const char *p;
    size_t n;
} gp_span;

/* The text a name is read as. */
typedef struct gp_ktext {
    char *owned;       /* malloc'd text, or NULL when s is the name itself */
    const char *s;
    size_t n;
    int crude;         /* a mangled name the demangler refused: s is a rough rendering */
} gp_ktext;

/* Sets t up for name (NULL reads as ""): mangled names ("_Z...") are
 * demangled; when that fails the identifiers are pulled out of the mangled
 * form ("ns::Kernel<conv, kernel, half_t, ...>"). Never fails: without
 * memory it reads the name as given. */
void gp_ktext_init(gp_ktext *t, const char *name);
void gp_ktext_free(gp_ktext *t);

/* The parts of a (demangled) kernel name. */
typedef struct gp_ksig {
    gp_span qual;   /* the qualified name with template arguments, no return type or parameters */
    gp_span base;   /* its last component without template arguments: "vectorized_elementwise_kernel" */
    gp_span targs;  /* that component's template arguments, inside the <> (may be empty) */
    int is_sig;     /* the text ended in a parameter list */
} gp_ksig;

void gp_ksig_parse(const char *s, size_t n, gp_ksig *sig);

/* Index of the bracket closing the one at s[open] (any of <({[ counts as
 * opening and >)}] as closing), or n when it is not closed. O(n). */
size_t gp_match_close(const char *s, size_t n, size_t open);

/* ---- shared by the rule files (classify.c, classify_rules.c) ------------------------ */

static inline char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static inline int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static inline int is_ident(char c)
{
    return is_alpha(c) || is_digit(c) || c == '_';
}

static inline gp_span span(const char *p, size_t n)
{
    gp_span s = { p, n };
    return s;
}

/* Position of needle in s (ASCII case-insensitive when icase), or -1. O(|s| x |needle|). */
long gp_kfind(gp_span s, const char *needle, int icase);

static inline int has(gp_span s, const char *needle)
{
    return gp_kfind(s, needle, 0) >= 0;
}

static inline int ihas(gp_span s, const char *needle)
{
    return gp_kfind(s, needle, 1) >= 0;
}

/* needles: NULL-terminated */
static inline int ihas_any(gp_span s, const char *const *needles)
{
    for (; *needles; needles++)
        if (ihas(s, *needles))
            return 1;
    return 0;
}

static inline int starts(gp_span s, const char *prefix)
{
    size_t k = strlen(prefix);

    return s.n >= k && memcmp(s.p, prefix, k) == 0;
}

static inline int eq(gp_span s, const char *word)
{
    return s.n == strlen(word) && memcmp(s.p, word, s.n) == 0;
}

static inline int ends(gp_span s, const char *suffix)
{
    size_t k = strlen(suffix);

    return s.n >= k && memcmp(s.p + s.n - k, suffix, k) == 0;
}

/* '_'-separated words of an identifier ("ampere_fp16_s16816gemm_fp16_..."), at most 64. */
typedef struct gp_kwords {
    gp_span w[64];
    int n;
} gp_kwords;

void gp_ksplit_words(gp_span s, gp_kwords *out);

/* The precision a type word of a procedural name stands for ("f32", "bf16",
 * "e4m3", "s8", "float" ...), GP_PREC_UNKNOWN when it is none. */
gp_precision gp_kword_prec(gp_span w);

/* docs/kernel-names.md section 3: the earliest floating-point type in demangled
 * text, else int8, else int/bool; unknown without any. */
gp_precision gp_kscan_precision(gp_span s);

/* What a rule sees. */
typedef struct gp_kctx {
    gp_span text; /* the whole (demangled) name */
    gp_ksig sig;
    gp_span base; /* the kernel's own name; for CUTLASS's wrappers (cutlass::Kernel<Op>)
                   * the name of the operator it runs */
} gp_kctx;

static inline int set(gp_kinfo *o, gp_kclass k, gp_precision p, gp_tc tc, int rule, char sub)
{
    o->kclass = k;
    o->precision = p;
    o->tensor_core = tc;
    o->rule = rule;
    o->subrule = sub;
    return 1;
}

/* Positive evidence of tensor cores in a templated name. */
static inline int tc_evidence(gp_span s)
{
    return has(s, "TensorOp") || has(s, "tensorop") || has(s, "wmma") || has(s, "Wmma") || has(s, "hmma") ||
           has(s, "gmma") || has(s, "Gmma");
}

/* The rules R5a..R8 (classify_rules.c): 1 when the rule matched and filled *o. */
int gp_kr5a_xmma(const gp_kctx *c, gp_kinfo *o);
int gp_kr5b_cutlass(const gp_kctx *c, gp_kinfo *o);
int gp_kr5c_legacy(const gp_kctx *c, gp_kinfo *o);
int gp_kr5d_conv(const gp_kctx *c, gp_kinfo *o);
int gp_kr5e_blas_helpers(const gp_kctx *c, gp_kinfo *o);
int gp_kr6_aten(const gp_kctx *c, gp_kinfo *o);
int gp_kr7_embedding_sort(const gp_kctx *c, gp_kinfo *o);
int gp_kr8_tensile(const gp_kctx *c, gp_kinfo *o);

#endif
