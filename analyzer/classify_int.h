/* classify_int.h: text helpers shared by the classifier's files (not API).
 *
 * A kernel name is read as text: demangled when it is mangled, the way
 * PyTorch's profiler shows it. gp_ksig_parse then finds the kernel's own
 * name inside "ret ns::name<args>(params) const". */
#ifndef GP_CLASSIFY_INT_H
#define GP_CLASSIFY_INT_H

#include <stddef.h>

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

#endif
