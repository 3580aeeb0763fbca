/* classify_short.c: gp_kernel_short_name, a readable kernel name for tables.
 *
 * "void at::native::vectorized_elementwise_kernel<4, at::native::CUDAFunctor_add<float>,
 *  at::detail::Array<char*, 3> >(int, at::native::CUDAFunctor_add<float>, ...)"
 * becomes "vectorized_elementwise_kernel<4, CUDAFunctor_add<float>, Array<char*, 3>>":
 * demangled, return type and parameters dropped, namespaces folded, and when
 * that is still too wide, trailing template arguments replaced by "…". */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "analyzer/model/classify.h"
#include "analyzer/model/classify_int.h"
#include "common/text.h"

#define MAX_INPUT (64u << 10) /* longer names are shown from their first 64 KiB */
#define MAX_DEPTH 32          /* deeper template nesting is copied as is */
#define ELLIPSIS "\xe2\x80\xa6"

typedef struct sbuf {
    char *p;
    size_t len, cap;
} sbuf;

static void put(sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap)
        n = b->cap > b->len + 1 ? b->cap - b->len - 1 : 0;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void puts_(sbuf *b, const char *s)
{
    put(b, s, strlen(s));
}

/* ---- UTF-8 ------------------------------------------------------------------------ */

/* Display columns: one per character (kernel names hold no wide characters). */
static size_t columns(const char *s, size_t n)
{
    size_t cols = 0;

    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xc0) != 0x80)
            cols++;
    return cols;
}

/* Bytes of the first `cols` characters of s. */
static size_t prefix_bytes(const char *s, size_t n, size_t cols)
{
    size_t i = 0, c = 0;

    while (i < n) {
        if (((unsigned char)s[i] & 0xc0) != 0x80) {
            if (c == cols)
                break;
            c++;
        }
        i++;
    }
    return i;
}

/* ---- folding namespaces and qualifiers ---------------------------------------------- */

static const char *const fold[] = { "at", "native", "c10", "std", "detail", "(anonymous namespace)", "cuda",
                                    "impl", "internal", "binary_internal", "memory", "__1", NULL };

static int is_fold(const char *s, size_t n)
{
    for (const char *const *f = fold; *f; f++)
        if (strlen(*f) == n && memcmp(*f, s, n) == 0)
            return 1;
    return 0;
}

static int is_lambda_or_op(const char *s, size_t n)
{
    return (n && s[0] == '{') || (n >= 8 && memcmp(s, "operator", 8) == 0);
}

static void simp_list(sbuf *b, const char *s, size_t n, int depth);

/* One component ("CUDAFunctor_add<float> const&"), its bracketed parts
 * simplified; with no_params its parameter list is left out. */
static void simp_comp(sbuf *b, const char *s, size_t n, int no_params, int depth)
{
    size_t i = 0;

    while (i < n) {
        char c = s[i];
        size_t close;
        if ((c == '<' || c == '(') && !(c == '(' && i + 21 <= n && memcmp(s + i, "(anonymous namespace)", 21) == 0)) {
            close = gp_match_close(s, n, i);
            if (c == '(' && no_params && i > 0 && (is_ident(s[i - 1]) || s[i - 1] == '>')) {
                i = close < n ? close + 1 : n;
                continue;
            }
            put(b, &c, 1);
            simp_list(b, s + i + 1, (close < n ? close : n) - i - 1, depth + 1);
            if (close < n)
                put(b, s + close, 1);
            i = close < n ? close + 1 : n;
            continue;
        }
        if (c == '{' || c == '[' || c == '(') { /* lambdas, arrays, (anonymous namespace): as they are */
            close = gp_match_close(s, n, i);
            put(b, s + i, (close < n ? close + 1 : n) - i);
            i = close < n ? close + 1 : n;
            continue;
        }
        if (c == ' ' && i > 0 && s[i - 1] == '>' && i + 1 < n && s[i + 1] == '>') { /* "> >" */
            i++;
            continue;
        }
        put(b, s + i, 1);
        i++;
    }
}

/* A qualified name with its declarator ("at::native::Foo<float> const&").
 * The kernel's own name (top) keeps its first namespace unless it is a
 * common one (cudnn::dgrad_engine, cutlass::Kernel); template arguments keep
 * only their last component, a lambda its enclosing function, a member type
 * its class template (Policy<long, int>::Policy800). */
static void simp_item(sbuf *b, const char *s, size_t n, int top, int depth)
{
    size_t st[64], en[64], m = 0, i = 0, cs = 0;
    int d = 0;

    while (n && s[0] == ' ') {
        s++;
        n--;
    }
    while (n && s[n - 1] == ' ')
        n--;
    if (depth > MAX_DEPTH) {
        put(b, s, n);
        return;
    }
    for (i = 0; i <= n; i++) { /* components at depth 0 */
        if (i == n || (d == 0 && s[i] == ':' && i + 1 < n && s[i + 1] == ':')) {
            if (m == 64) { /* keep the last 63 */
                memmove(st + 1, st + 2, 62 * sizeof st[0]);
                memmove(en + 1, en + 2, 62 * sizeof en[0]);
                m = 63;
            }
            st[m] = cs;
            en[m] = i;
            m++;
            cs = i + 2;
            i++;
            continue;
        }
        if (s[i] == '<' || s[i] == '(' || s[i] == '{' || s[i] == '[')
            d++;
        else if ((s[i] == '>' && !(i > 0 && s[i - 1] == '-')) || s[i] == ')' || s[i] == '}' || s[i] == ']')
            d = d > 0 ? d - 1 : 0;
    }
    if (m == 1) {
        simp_comp(b, s, n, 0, depth);
        return;
    }
    if (is_lambda_or_op(s + st[m - 1], en[m - 1] - st[m - 1])) {
        size_t j = m - 1;
        while (j > 0 && (is_lambda_or_op(s + st[j - 1], en[j - 1] - st[j - 1]) ||
                         is_fold(s + st[j - 1], en[j - 1] - st[j - 1])))
            j--;
        if (j > 0) {
            const char *e = s + st[j - 1];
            size_t en_ = en[j - 1] - st[j - 1];
            simp_comp(b, e, en_, 1, depth);
            /* gpu_kernel_impl<F>(...)::{lambda(int)#1}: the function's arguments say more
             * than its lambda; direct_copy_kernel_cuda(...)::{lambda(float)#1}: the lambda */
            if (memchr(e, '<', en_))
                return;
            puts_(b, "::");
        }
        simp_comp(b, s + st[m - 1], en[m - 1] - st[m - 1], 0, depth);
        return;
    }
    if (top) {
        for (size_t j = 0; j + 1 < m; j++)
            if (!is_fold(s + st[j], en[j] - st[j])) {
                simp_comp(b, s + st[j], en[j] - st[j], 1, depth);
                puts_(b, "::");
                break;
            }
    } else if (memchr(s + st[m - 2], '<', en[m - 2] - st[m - 2]) && !memchr(s + st[m - 1], '<', en[m - 1] - st[m - 1])) {
        simp_comp(b, s + st[m - 2], en[m - 2] - st[m - 2], 1, depth);
        puts_(b, "::");
    }
    simp_comp(b, s + st[m - 1], en[m - 1] - st[m - 1], 0, depth);
}

/* Top-level comma-separated items of s[0,n): at most max, the rest joins the last. */
static size_t split_items(const char *s, size_t n, size_t *starts, size_t *ends, size_t max)
{
    size_t k = 0, st = 0;
    int d = 0;

    for (size_t i = 0; i <= n; i++) {
        if (i == n || (d == 0 && s[i] == ',')) {
            if (k < max) {
                starts[k] = st;
                ends[k] = i;
                k++;
            } else {
                ends[max - 1] = i; /* the rest joins the last item */
            }
            st = i + 1;
            continue;
        }
        if (s[i] == '<' || s[i] == '(' || s[i] == '{' || s[i] == '[')
            d++;
        else if ((s[i] == '>' && !(i > 0 && s[i - 1] == '-')) || s[i] == ')' || s[i] == '}' || s[i] == ']')
            d = d > 0 ? d - 1 : 0;
    }
    return k;
}

static void simp_list(sbuf *b, const char *s, size_t n, int depth)
{
    size_t st[256], en[256], k;

    if (depth > MAX_DEPTH) {
        put(b, s, n);
        return;
    }
    k = split_items(s, n, st, en, 256);
    for (size_t i = 0; i < k; i++) {
        if (i)
            puts_(b, ", ");
        simp_item(b, s + st[i], en[i] - st[i], 0, depth);
    }
}

/* ---- fitting a width ------------------------------------------------------------------ */

/* Writes a with template arguments nested deeper than max_depth shown as <…>. */
static void put_folded(sbuf *t, const char *a, size_t an, int max_depth)
{
    int d = 0;

    for (size_t j = 0; j < an; j++) {
        if (a[j] == '<') {
            if (d == max_depth) {
                size_t c = gp_match_close(a, an, j);
                puts_(t, "<" ELLIPSIS ">");
                j = c < an ? c : an;
                continue;
            }
            d++;
        } else if (a[j] == '>' && !(j > 0 && a[j - 1] == '-') && d > 0) {
            d--;
        }
        put(t, a + j, 1);
    }
}

/* name<a1, ..., ak, …>: the most arguments that fit in width columns, each
 * shown whole or with its nested template arguments folded to <…>, deepest
 * level first and rightmost arguments first. 0 when not even name<a1, …>
 * fits. At most MAX_TRIES candidates are built (each O(length)). */
static int fit_args(const char *s, size_t n, size_t width, sbuf *out)
{
    enum { WHOLE = 1000, MAX_TRIES = 2000 };
    static const int depths[] = { WHOLE, 3, 2, 1, 0 };
    size_t lt = 0, close, st[256], en[256], k;
    sbuf t;
    int ok = 0, tries = 0;

    while (lt < n && s[lt] != '<')
        lt++;
    if (lt == n || lt == 0)
        return 0;
    close = gp_match_close(s, n, lt);
    if (close + 1 != n)
        return 0;
    k = split_items(s + lt + 1, close - lt - 1, st, en, 256);
    if (k == 0)
        return 0;
    t.cap = 2 * n + 16;
    t.p = malloc(t.cap);
    if (!t.p)
        return 0;
    for (size_t keep = k; keep >= 1 && !ok && tries < MAX_TRIES; keep--)
        for (size_t di = keep < k ? 0 : 1; di < sizeof depths / sizeof depths[0] && !ok; di++)
            /* arguments [from, keep) folded to depths[di], the ones before at the previous depth */
            for (size_t from = keep + (di == 0); from-- > 0 && !ok && tries < MAX_TRIES;) {
                tries++;
                t.len = 0;
                t.p[0] = '\0';
                put(&t, s, lt + 1);
                for (size_t i = 0; i < keep; i++) {
                    const char *a = s + lt + 1 + st[i];
                    size_t an = en[i] - st[i];
                    while (an && a[0] == ' ') {
                        a++;
                        an--;
                    }
                    if (i)
                        puts_(&t, ", ");
                    put_folded(&t, a, an, i >= from ? depths[di] : depths[di ? di - 1 : 0]);
                }
                puts_(&t, keep < k ? ", " ELLIPSIS ">" : ">");
                if (columns(t.p, t.len) <= width) {
                    put(out, t.p, t.len);
                    ok = 1;
                }
                if (!di)
                    break; /* whole arguments: one candidate */
            }
    free(t.p);
    return ok;
}

char *gp_kernel_short_name(const char *name, size_t width, char *out, size_t cap)
{
    gp_ktext t;
    gp_ksig g;
    char *clean;
    sbuf s, fitted;
    size_t n, len;
    const char *show;
    size_t show_n;

    if (!out || cap == 0)
        return out;
    out[0] = '\0';
    gp_ktext_init(&t, name);
    n = t.n < MAX_INPUT ? t.n : MAX_INPUT;
    s.p = fitted.p = NULL;
    /* the trace's text in its shown form (common/text.h): no control character */
    clean = malloc(GP_TEXT_GROWTH * n + 1);
    if (!clean)
        goto done;
    len = gp_text_show(clean, GP_TEXT_GROWTH * n + 1, t.s, n);
    s.cap = len + 16;
    s.p = malloc(s.cap);
    fitted.cap = 2 * len + 32;
    fitted.p = malloc(fitted.cap);
    if (!s.p || !fitted.p)
        goto done;
    s.len = fitted.len = 0;
    s.p[0] = fitted.p[0] = '\0';
    gp_ksig_parse(clean, len, &g);
    show = g.is_sig ? g.qual.p : clean;
    show_n = g.is_sig ? g.qual.n : len;
    if (g.is_sig || strchr(clean, '<') || strstr(clean, "::"))
        simp_item(&s, show, show_n, 1, 0);
    else
        put(&s, show, show_n);
    if (width && columns(s.p, s.len) > width && !fit_args(s.p, s.len, width, &fitted)) {
        size_t keep = prefix_bytes(s.p, s.len, width - 1);
        put(&fitted, s.p, keep);
        puts_(&fitted, ELLIPSIS);
    } else if (!fitted.len) {
        put(&fitted, s.p, s.len);
    }
    /* into out: cut at a character boundary when cap is short */
    len = fitted.len;
    if (len + 1 > cap) {
        size_t room = cap - 1, cut;
        int ell = room >= 4;
        cut = ell ? room - 3 : room;
        while (cut > 0 && ((unsigned char)fitted.p[cut] & 0xc0) == 0x80)
            cut--;
        memcpy(out, fitted.p, cut);
        if (ell)
            memcpy(out + cut, ELLIPSIS, 3);
        out[cut + (ell ? 3 : 0)] = '\0';
    } else {
        memcpy(out, fitted.p, len + 1);
    }
done:
    free(clean);
    free(s.p);
    free(fitted.p);
    gp_ktext_free(&t);
    return out;
}
