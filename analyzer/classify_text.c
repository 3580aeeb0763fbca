/* classify_text.c: reading kernel names as text (see classify_int.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "classify_int.h"
#include "demangle.h"

static int is_open(char c)
{
    return c == '<' || c == '(' || c == '{' || c == '[';
}

static int is_close(char c)
{
    return c == '>' || c == ')' || c == '}' || c == ']';
}

static int is_ident(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

size_t gp_match_close(const char *s, size_t n, size_t open)
{
    size_t depth = 0;

    for (size_t i = open; i < n; i++) {
        if (is_open(s[i])) {
            depth++;
        } else if (is_close(s[i])) {
            /* "->" inside a name is an arrow, not a bracket */
            if (s[i] == '>' && i > 0 && s[i - 1] == '-')
                continue;
            if (depth <= 1)
                return i;
            depth--;
        }
    }
    return n;
}

/* ---- a rough rendering of a mangled name the demangler refused -------------------- */

typedef struct obuf {
    char *p;
    size_t len, cap;
} obuf;

static void oput(obuf *o, const char *s, size_t n)
{
    if (o->len + n + 1 > o->cap)
        return;
    memcpy(o->p + o->len, s, n);
    o->len += n;
    o->p[o->len] = '\0';
}

/* The leading nested name joined by "::", then every other identifier and
 * float/double/half type code as a template argument list. Used only to
 * classify and show names that are not valid (truncated, vendor extensions). */
static char *crude(const char *m, size_t n)
{
    obuf o;
    size_t i = 2;
    int first = 1, args = 0, prev_tok = 0;

    o.cap = 10 * n + 64;
    o.p = malloc(o.cap);
    o.len = 0;
    if (!o.p)
        return NULL;
    o.p[0] = '\0';
    if (i < n && m[i] == 'L')
        i++;
    if (i < n && m[i] == 'N') {
        i++;
        while (i < n && strchr("rVKRO", m[i]))
            i++;
    }
    for (;;) { /* the leading qualified name */
        if (i < n && m[i] >= '1' && m[i] <= '9') {
            size_t len = 0, j = i;
            while (j < n && m[j] >= '0' && m[j] <= '9' && len < 100000)
                len = len * 10 + (size_t)(m[j++] - '0');
            if (len == 0 || j + len > n)
                break;
            if (!first)
                oput(&o, "::", 2);
            oput(&o, m + j, len);
            i = j + len;
            first = 0;
        } else if (i + 1 < n && m[i] == 'S' && m[i + 1] == 't') {
            oput(&o, "std", 3);
            i += 2;
            first = 0;
            continue;
        } else {
            break;
        }
    }
    if (first)
        oput(&o, "?", 1);
    oput(&o, "<", 1);
    while (i < n) {
        char c = m[i];
        const char *word = NULL;
        if (c >= '1' && c <= '9') {
            size_t len = 0, j = i;
            int literal = (i >= 1 && (m[i - 1] == 'S' || m[i - 1] == 'T')) ||
                          (i >= 2 && m[i - 2] == 'L') || (i >= 3 && m[i - 1] == 'n' && m[i - 3] == 'L');
            while (j < n && m[j] >= '0' && m[j] <= '9' && len < 100000)
                len = len * 10 + (size_t)(m[j++] - '0');
            if (!literal && len > 0 && j + len <= n && !(m[j] >= '0' && m[j] <= '9')) {
                if (args++)
                    oput(&o, ", ", 2);
                oput(&o, m + j, len);
                i = j + len;
                prev_tok = 1;
                continue;
            }
            i = j;
            prev_tok = 0;
            continue;
        }
        if (prev_tok || (i > 0 && strchr("IPKRVE_", m[i - 1]))) {
            if (c == 'f')
                word = "float";
            else if (c == 'd')
                word = "double";
            else if (c == 'D' && i + 1 < n && m[i + 1] == 'h')
                word = "half";
        }
        if (word) {
            if (args++)
                oput(&o, ", ", 2);
            oput(&o, word, strlen(word));
            i += c == 'D' ? 2 : 1;
            prev_tok = 1;
            continue;
        }
        prev_tok = 0;
        i++;
    }
    oput(&o, ">", 1);
    return o.p;
}

void gp_ktext_init(gp_ktext *t, const char *name)
{
    size_t n;

    memset(t, 0, sizeof *t);
    if (!name)
        name = "";
    n = strlen(name);
    t->s = name;
    t->n = n;
    if (n < 3 || name[0] != '_' || name[1] != 'Z')
        return;
    t->owned = gp_demangle(name);
    if (!t->owned) {
        t->owned = crude(name, n);
        t->crude = t->owned != NULL;
    }
    if (t->owned) {
        t->s = t->owned;
        t->n = strlen(t->owned);
    }
}

void gp_ktext_free(gp_ktext *t)
{
    free(t->owned);
    t->owned = NULL;
}

/* ---- the kernel's own name inside a signature -------------------------------------- */

static int ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);

    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

void gp_ksig_parse(const char *s, size_t n, gp_ksig *g)
{
    size_t end = n, head = n, qstart = 0, cstart, lt;
    int depth = 0, changed = 1;

    memset(g, 0, sizeof *g);
    while (end && s[end - 1] == ' ')
        end--;
    /* trailing " [clone .cold]", " const", " &&" of member functions */
    while (changed) {
        static const char *const tails[] = { " const", " volatile", " &&", " &" };
        changed = 0;
        if (end && s[end - 1] == ']') {
            size_t k = end;
            while (k && s[k - 1] != '[')
                k--;
            if (k >= 2 && s[k - 2] == ' ' && end - k > 6 && memcmp(s + k, "clone ", 6) == 0) {
                end = k - 2;
                changed = 1;
            }
        }
        for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++)
            if (ends_with(s, end, tails[i]) && end > strlen(tails[i]) && s[end - strlen(tails[i]) - 1] == ')') {
                end -= strlen(tails[i]);
                changed = 1;
            }
    }
    head = end;
    if (end && s[end - 1] == ')') { /* the parameter list: match its '(' going back */
        size_t k = end - 1;
        int d = 0;
        for (;;) {
            if (s[k] == ')')
                d++;
            else if (s[k] == '(' && --d == 0)
                break;
            if (k == 0)
                break;
            k--;
        }
        if (d == 0 && s[k] == '(' && k > 0 && s[k - 1] != ' ' && s[k - 1] != '(') {
            head = k;
            g->is_sig = 1;
        }
    }
    if (g->is_sig) { /* the return type ends at the last top-level space */
        for (size_t i = 0; i < head; i++) {
            char c = s[i];
            if (is_open(c))
                depth++;
            else if (is_close(c) && !(c == '>' && i > 0 && s[i - 1] == '-'))
                depth = depth > 0 ? depth - 1 : 0;
            else if (c == ' ' && depth == 0)
                qstart = i + 1;
        }
    } else {
        while (qstart < head && s[qstart] == ' ')
            qstart++;
    }
    g->qual.p = s + qstart;
    g->qual.n = head - qstart;
    /* the last top-level component */
    cstart = qstart;
    depth = 0;
    for (size_t i = qstart; i < head; i++) {
        char c = s[i];
        if (is_open(c))
            depth++;
        else if (is_close(c) && !(c == '>' && i > 0 && s[i - 1] == '-'))
            depth = depth > 0 ? depth - 1 : 0;
        else if (depth == 0 && c == ':' && i + 1 < head && s[i + 1] == ':')
            cstart = i + 2;
    }
    /* base: up to the component's template arguments (or its first non-name character) */
    lt = cstart;
    while (lt < head && is_ident(s[lt]))
        lt++;
    if (lt == cstart) /* "(anonymous namespace)", "{lambda...}", "[CUDA memcpy ...]" */
        lt = head;
    g->base.p = s + cstart;
    g->base.n = lt - cstart;
    if (lt < head && s[lt] == '<') {
        size_t close = gp_match_close(s, head, lt);
        g->targs.p = s + lt + 1;
        g->targs.n = close > lt ? close - lt - 1 : 0;
    }
}
