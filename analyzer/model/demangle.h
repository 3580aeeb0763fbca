/* demangle.h: a small Itanium C++ ABI demangler for kernel names.
 *
 * CUPTI reports kernel names mangled (_ZN2at6native...); PyTorch's profiler
 * demangles them with libstdc++'s __cxa_demangle. This turns the first form
 * into the second so that both classify and display the same way. It covers
 * what kernel names use: nested and local names, templates and template
 * parameters, substitutions, builtin and qualified types, pointers and
 * references, function and array types, lambdas and unnamed types, literals
 * and simple expressions in template arguments. Its output follows GNU
 * c++filt's spelling ("> >", "(anonymous namespace)", "{lambda(float)#1}").
 *
 *     char *text = gp_demangle("_Z3fooIiEvT_");   // "void foo<int>(int)"
 *     ...
 *     free(text);
 *
 * Cost: O(length of the result); the work space is bounded (about 64 bytes
 * per input byte, at most GP_DEMANGLE_MAX_BYTES), so garbage or hostile input
 * fails quickly instead of growing without bound. Thread-safe (no globals).
 */
#ifndef GP_DEMANGLE_H
#define GP_DEMANGLE_H

#include <stddef.h>

/* Largest work space one call may use. */
#define GP_DEMANGLE_MAX_BYTES (8u << 20)

/* Returns the demangled form of `mangled` (which starts with "_Z") as a
 * malloc'd string the caller frees, or NULL when it is not a mangled name
 * this demangler understands, needs more work space than allowed, or memory
 * runs out. Never reads past the terminating NUL. */
char *gp_demangle(const char *mangled);

#endif
