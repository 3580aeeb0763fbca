/* demangle.c: see demangle.h.
 *
 * Two passes, as in libiberty and LLVM: a recursive-descent parser builds a
 * tree of nodes (substitutions and template parameters point back at earlier
 * nodes, so nothing is copied), then a printer walks the tree into a buffer.
 * Both passes are bounded: the node count by the input length, the output
 * and the number of print steps by the work-space limit (a substitution may
 * be printed many times, so printing is what can grow). */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/model/demangle.h"

#define MAX_DEPTH 256        /* parse and print recursion */
#define MAX_TABLE 8192       /* substitutions; template parameters */

enum kind {
    K_NAME,       /* str; flags: NF_BUILTIN for a builtin type */
    K_NESTED,     /* a::b */
    K_TEMPLATE,   /* a<b>, b a K_LIST */
    K_LIST,       /* a: first K_ITEM; printed ", "-separated */
    K_ITEM,       /* a: element, b: next item */
    K_QUAL,       /* a, then flags (1 const, 2 volatile, 4 restrict), num: their qseq */
    K_VQUAL,      /* a, then " " b (vendor qualifier, a K_NAME or K_TEMPLATE) */
    K_PTR, K_REF, K_RREF,
    K_FTYPE,      /* a: return, b: params (K_LIST), flags: cv | ref << 3, num: cv's qseq */
    K_ARRAY,      /* a: element, b: dimension or NULL */
    K_PTRMEM,     /* a: class, b: member type */
    K_VECTOR,     /* a: element, b: dimension */
    K_FUNC,       /* a: return or NULL, b: name, c: params (K_LIST), flags, num: as K_FTYPE */
    K_LOCAL,      /* a::b, a an encoding */
    K_LAMBDA,     /* a: params (K_LIST), num */
    K_UNNAMED,    /* num */
    K_DTOR,       /* ~a */
    K_ABI,        /* a[abi:str] */
    K_LIT,        /* a: type, str: value (neg in flags) */
    K_UNARY,      /* str: operator, a: operand */
    K_BINARY,     /* str: operator, a, b */
    K_TERNARY,    /* a ? b : c */
    K_CAST,       /* (a)(b) */
    K_SIZEOF,     /* str: "sizeof " or "alignof ", a; flags: 1 of a type */
    K_CALL,       /* a(b) */
    K_MEMBER,     /* a str b: "." or "->" */
    K_PACK,       /* a: K_LIST printed inline */
    K_EXPAND,     /* a... */
    K_SPECIAL,    /* str a */
    K_CLONE,      /* a [clone str] */
    K_DECLTYPE,   /* decltype (a) */
    K_DEFARG,     /* {default arg#num} */
    K_TPARAM      /* a: the argument of a template parameter in an expression, or of
                     one that names a pack (see resolve()) */
};

/* K_NAME: a builtin type; K_NESTED: a standard substitution ("Sa"). GNU
 * prints both in parentheses as an operand, and only builtin types give
 * literals their C spelling (1u, true, (float)[3f800000]). */
#define NF_BUILTIN 1
#define F_NOPARAMS 32 /* K_FUNC: a qualified name without parameters */

typedef struct node node;
struct node {
    uint8_t kind;
    uint8_t flags;
    int num;
    const char *str;
    size_t slen;
    node *a, *b, *c;
};

typedef struct dm {
    const char *s;
    size_t pos, n;
    node *nodes;
    size_t nnodes, maxnodes;
    node **subs;
    size_t nsubs, capsubs;
    node **tp;             /* template parameter stack */
    size_t ntp, captp, tpbase;
    int depth;
    int fail;
    /* printing */
    char *out;
    size_t len, cap, limit;
    int last;              /* set: the last character appended, after print_list took some back */
    size_t steps;
    const node *pack, *elem; /* expanding a pack: print elem for pack */
    size_t pack_index;       /* as GNU's: the element of other packs, kept after expansions */
} dm;

/* ---- parsing helpers -------------------------------------------------------- */

static int peek(const dm *d)
{
    return d->pos < d->n ? (unsigned char)d->s[d->pos] : 0;
}

static int peekat(const dm *d, size_t k)
{
    return d->pos + k < d->n ? (unsigned char)d->s[d->pos + k] : 0;
}

static int eat(dm *d, int c)
{
    if (peek(d) != c)
        return 0;
    d->pos++;
    return 1;
}

static int isdig(int c)
{
    return c >= '0' && c <= '9';
}

static node *fail(dm *d)
{
    d->fail = 1;
    return NULL;
}

static node *mk(dm *d, int kind, node *a, node *b)
{
    node *x;

    if (d->fail)
        return NULL;
    if (d->nnodes == d->maxnodes)
        return fail(d);
    x = &d->nodes[d->nnodes++];
    memset(x, 0, sizeof *x);
    x->kind = (uint8_t)kind;
    x->a = a;
    x->b = b;
    return x;
}

static node *mkstr(dm *d, int kind, const char *s, size_t len)
{
    node *x = mk(d, kind, NULL, NULL);

    if (x) {
        x->str = s;
        x->slen = len;
    }
    return x;
}

static node *mkname(dm *d, const char *s)
{
    return mkstr(d, K_NAME, s, strlen(s));
}

static node *mkbuiltin(dm *d, const char *s)
{
    node *x = mkname(d, s);

    if (x)
        x->flags = NF_BUILTIN;
    return x;
}

static void push(dm *d, node ***tab, size_t *n, size_t *cap, node *x)
{
    if (d->fail || !x)
        return;
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 32;
        node **t;
        if (c > MAX_TABLE) {
            d->fail = 1;
            return;
        }
        t = realloc(*tab, c * sizeof *t);
        if (!t) {
            d->fail = 1;
            return;
        }
        *tab = t;
        *cap = c;
    }
    (*tab)[(*n)++] = x;
}

static void add_sub(dm *d, node *x)
{
    push(d, &d->subs, &d->nsubs, &d->capsubs, x);
}

static void add_tp(dm *d, node *x)
{
    push(d, &d->tp, &d->ntp, &d->captp, x);
}

/* List building: a K_LIST whose items are appended at the tail. */
typedef struct lb {
    node *list, *tail;
} lb;

static void lb_init(dm *d, lb *l)
{
    l->list = mk(d, K_LIST, NULL, NULL);
    l->tail = NULL;
}

static void lb_add(dm *d, lb *l, node *x)
{
    node *it = mk(d, K_ITEM, x, NULL);

    if (!it || !l->list)
        return;
    if (l->tail)
        l->tail->b = it;
    else
        l->list->a = it;
    l->tail = it;
}

/* <number> ::= [n] <decimal>; -1 when absent or too large. */
static long number(dm *d, int *neg)
{
    long v = 0;
    int any = 0;

    if (neg)
        *neg = eat(d, 'n');
    while (isdig(peek(d))) {
        v = v * 10 + (peek(d) - '0');
        if (v > 100000000L)
            return -1;
        d->pos++;
        any = 1;
    }
    return any ? v : -1;
}

/* <seq-id> _ : S_ is 0, S0_ is 1, S9_ 10, SA_ 11 ... (base 36). */
static long seq_id(dm *d)
{
    long v = 0;
    int any = 0;

    if (eat(d, '_'))
        return 0;
    for (;;) {
        int c = peek(d);
        if (isdig(c))
            v = v * 36 + (c - '0');
        else if (c >= 'A' && c <= 'Z')
            v = v * 36 + (c - 'A' + 10);
        else
            break;
        if (v > 1000000L)
            return -1;
        d->pos++;
        any = 1;
    }
    if (!any || !eat(d, '_'))
        return -1;
    return v + 1;
}

/* A qualifier sequence (qseq): the qualifiers in the order GNU prints them,
 * 3 bits each from the lowest (Q_CONST ...; 0 ends). GNU prints each once,
 * in the reverse of the order of first appearance in the mangled name:
 * "Krf" is "float restrict const", "KDoFvvE" "void () noexcept const". */
enum { Q_CONST = 1, Q_VOLATILE, Q_RESTRICT, Q_NOEXCEPT, Q_TXSAFE };
#define QB 3
#define QM 7

static int qseq_has(int seq, int q)
{
    for (; seq; seq >>= QB)
        if ((seq & QM) == q)
            return 1;
    return 0;
}

/* The cv-qualifiers of seq as bits: 1 const, 2 volatile, 4 restrict. */
static int qseq_bits(int seq)
{
    int bits = 0;

    for (; seq; seq >>= QB)
        if ((seq & QM) <= Q_RESTRICT)
            bits |= 1 << ((seq & QM) - 1);
    return bits;
}

/* <CV-qualifiers> ::= [r] [V] [K], in any order and repeated as GNU takes
 * them, added to seq; with fn, Do (noexcept) and Dx (transaction_safe) too. */
static int qualifiers(dm *d, int seq, int fn)
{
    for (;;) {
        int c = peek(d), q = c == 'K' ? Q_CONST : c == 'V' ? Q_VOLATILE : c == 'r' ? Q_RESTRICT : 0;
        if (fn && c == 'D' && peekat(d, 1) == 'o')
            q = Q_NOEXCEPT;
        else if (fn && c == 'D' && peekat(d, 1) == 'x')
            q = Q_TXSAFE;
        if (!q)
            return seq;
        d->pos += q >= Q_NOEXCEPT ? 2 : 1;
        if (!qseq_has(seq, q))
            seq = seq << QB | q; /* later ones print first */
    }
}

static int cv_qualifiers(dm *d)
{
    return qualifiers(d, 0, 0);
}

/* Qualifiers outer applied over a type already qualified by inner: inner's
 * that outer lacks print first (they are nearer the type), then outer's. */
static int qseq_merge(int outer, int inner)
{
    int res = 0, shift = 0;

    for (; inner; inner >>= QB)
        if (!qseq_has(outer, inner & QM)) {
            res |= (inner & QM) << shift;
            shift += QB;
        }
    return res | outer << shift;
}

/* ---- grammar -------------------------------------------------------------------- */

typedef struct ninfo {
    int targs;      /* the name ends in template arguments */
    int ctor_dtor;  /* constructor, destructor or conversion operator */
    int cv, ref;    /* qualifiers of a member function: a qseq; 1 &, 2 && */
    node *last;     /* the last plain name, for constructors */
} ninfo;

static node *encoding(dm *d);
static node *name(dm *d, ninfo *ni, int tag);
static node *type(dm *d);
static node *template_args(dm *d, int tag);
static node *expression(dm *d);
static node *expr_primary(dm *d);

static const struct { char code[3]; uint8_t arity; const char *name; } ops[] = {
    { "aN", 2, "&=" }, { "aS", 2, "=" }, { "aa", 2, "&&" }, { "ad", 1, "&" }, { "an", 2, "&" },
    { "cl", 2, "()" }, { "cm", 2, "," }, { "co", 1, "~" }, { "dV", 2, "/=" }, { "da", 1, " delete[]" },
    { "de", 1, "*" }, { "dl", 1, " delete" }, { "dv", 2, "/" }, { "eO", 2, "^=" }, { "eo", 2, "^" },
    { "eq", 2, "==" }, { "ge", 2, ">=" }, { "gt", 2, ">" }, { "ix", 2, "[]" }, { "lS", 2, "<<=" },
    { "le", 2, "<=" }, { "ls", 2, "<<" }, { "lt", 2, "<" }, { "mI", 2, "-=" }, { "mL", 2, "*=" },
    { "mi", 2, "-" }, { "ml", 2, "*" }, { "mm", 1, "--" }, { "na", 1, " new[]" }, { "ne", 2, "!=" },
    { "ng", 1, "-" }, { "nt", 1, "!" }, { "nw", 1, " new" }, { "oR", 2, "|=" }, { "oo", 2, "||" },
    { "or", 2, "|" }, { "pL", 2, "+=" }, { "pl", 2, "+" }, { "pm", 2, "->*" }, { "pp", 1, "++" },
    { "ps", 1, "+" }, { "pt", 2, "->" }, { "qu", 3, "?" }, { "rM", 2, "%=" }, { "rS", 2, ">>=" },
    { "rm", 2, "%" }, { "rs", 2, ">>" }, { "ss", 2, "<=>" },
};

static int find_op(const dm *d)
{
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (peek(d) == ops[i].code[0] && peekat(d, 1) == ops[i].code[1])
            return (int)i;
    return -1;
}

static node *source_name(dm *d)
{
    long len = number(d, NULL);
    const char *id;

    if (len <= 0 || (size_t)len > d->n - d->pos)
        return fail(d);
    id = d->s + d->pos;
    d->pos += (size_t)len;
    if (len >= 10 && memcmp(id, "_GLOBAL_", 8) == 0 && (id[8] == '.' || id[8] == '_' || id[8] == '$') &&
        id[9] == 'N')
        return mkname(d, "(anonymous namespace)");
    return mkstr(d, K_NAME, id, (size_t)len);
}

static node *abi_tags(dm *d, node *x)
{
    while (x && peek(d) == 'B') {
        node *t;
        d->pos++;
        t = source_name(d);
        if (!t)
            return NULL;
        x = mk(d, K_ABI, x, NULL);
        if (x) {
            x->str = t->str;
            x->slen = t->slen;
        }
    }
    return x;
}

/* Parameters of a function or lambda: types up to 'E', '.' or the end;
 * a lone 'v' is "no parameters". */
static node *params(dm *d)
{
    lb l;

    lb_init(d, &l);
    if (peek(d) == 'v' && (peekat(d, 1) == 'E' || peekat(d, 1) == 0 || peekat(d, 1) == '.' ||
                           ((peekat(d, 1) == 'R' || peekat(d, 1) == 'O') && peekat(d, 2) == 'E'))) {
        d->pos++;
        return l.list;
    }
    while (!d->fail && peek(d) && peek(d) != 'E' && peek(d) != '.') {
        if ((peek(d) == 'R' || peek(d) == 'O') && peekat(d, 1) == 'E')
            break; /* ref-qualifier of a function type */
        lb_add(d, &l, type(d));
    }
    return d->fail ? NULL : l.list;
}

static node *unqualified_name(dm *d, ninfo *ni)
{
    int c = peek(d);
    node *x = NULL;

    ni->ctor_dtor = 0;
    if (c == 'L' && isdig(peekat(d, 1))) { /* internal linkage */
        d->pos++;
        c = peek(d);
    }
    if (isdig(c)) {
        x = source_name(d);
        ni->last = x;
    } else if (c == 'U' && peekat(d, 1) == 'l') { /* Ul <params> E [<number>] _ */
        node *p;
        long num = 0;
        d->pos += 2;
        p = params(d);
        if (!p || !eat(d, 'E'))
            return fail(d);
        if (isdig(peek(d)) && (num = number(d, NULL) + 1) <= 0)
            return fail(d);
        if (!eat(d, '_'))
            return fail(d);
        x = mk(d, K_LAMBDA, p, NULL);
        if (x)
            x->num = (int)num + 1;
    } else if (c == 'U' && peekat(d, 1) == 't') { /* Ut [<number>] _ */
        long num = 0;
        d->pos += 2;
        if (isdig(peek(d)) && (num = number(d, NULL) + 1) <= 0)
            return fail(d);
        if (!eat(d, '_'))
            return fail(d);
        x = mk(d, K_UNNAMED, NULL, NULL);
        if (x)
            x->num = (int)num + 1;
    } else if (c == 'C' && (isdig(peekat(d, 1)) || peekat(d, 1) == 'I')) {
        if (!ni->last)
            return fail(d);
        d->pos += 2;
        if (d->s[d->pos - 1] == 'I') { /* inheriting constructor: CI1 <type> */
            d->pos++;
            if (!type(d))
                return NULL;
        }
        x = ni->last;
        ni->ctor_dtor = 1;
    } else if (c == 'D' && strchr("01245", peekat(d, 1)) && peekat(d, 1)) {
        if (!ni->last)
            return fail(d);
        d->pos += 2;
        x = mk(d, K_DTOR, ni->last, NULL);
        ni->ctor_dtor = 1;
    } else if (c == 'c' && peekat(d, 1) == 'v') { /* conversion operator */
        node *t;
        d->pos += 2;
        t = type(d);
        x = mk(d, K_SPECIAL, t, NULL);
        if (x) {
            x->str = "operator ";
            x->slen = 9;
        }
        ni->ctor_dtor = 1;
    } else if (c == 'l' && peekat(d, 1) == 'i') { /* literal operator */
        node *t;
        d->pos += 2;
        t = source_name(d);
        x = mk(d, K_SPECIAL, t, NULL);
        if (x) {
            x->str = "operator\"\" ";
            x->slen = 11;
        }
    } else {
        int i = find_op(d);
        if (i < 0)
            return fail(d);
        d->pos += 2;
        x = mk(d, K_SPECIAL, mkname(d, ops[i].name), NULL);
        if (x) {
            x->str = "operator";
            x->slen = 8;
        }
    }
    return abi_tags(d, x);
}

static node *substitution(dm *d)
{
    static const struct { char c; const char *name; } std_subs[] = {
        { 't', "std" }, { 'a', "std::allocator" }, { 'b', "std::basic_string" },
        { 's', "std::string" }, { 'i', "std::istream" }, { 'o', "std::ostream" },
        { 'd', "std::iostream" },
    };
    long id;
    node *x;

    d->pos++; /* S */
    for (size_t i = 0; i < sizeof std_subs / sizeof std_subs[0]; i++)
        if (peek(d) == std_subs[i].c) {
            d->pos++;
            if (i == 0)
                return mkname(d, "std");
            x = mk(d, K_NESTED, mkname(d, "std"), mkname(d, std_subs[i].name + 5));
            if (x)
                x->flags = NF_BUILTIN;
            return x;
        }
    id = seq_id(d);
    if (id < 0 || (size_t)id >= d->nsubs)
        return fail(d);
    return d->subs[id];
}

/* T_ is 0, T<n>_ is n+1, decimal, in the innermost tagged level. */
static node *template_param_ref(dm *d)
{
    long id = 0;

    d->pos++; /* T */
    if (!eat(d, '_')) {
        id = number(d, NULL);
        if (id < 0 || !eat(d, '_'))
            return fail(d);
        id++;
    }
    if (d->tpbase + (size_t)id >= d->ntp)
        return fail(d);
    return d->tp[d->tpbase + (size_t)id];
}

/* The plain name a constructor repeats: the last component, no arguments. */
static node *last_name(node *x)
{
    for (int i = 0; x && i < MAX_DEPTH; i++) {
        if (x->kind == K_NESTED)
            x = x->b;
        else if (x->kind == K_TEMPLATE)
            x = x->a;
        else
            return x;
    }
    return NULL;
}

/* N [<CV-qualifiers>] [<ref-qualifier>] <prefix> <unqualified-name> E, or
 * ... <template-prefix> <template-args> E: a prefix alone ("NSoE") is not a
 * name (binutils' c++filt rejects it too). */
static node *nested_name(dm *d, ninfo *ni, int tag)
{
    node *sofar = NULL;
    int pushed = 0, complete = 0;

    d->pos++; /* N */
    ni->cv = cv_qualifiers(d);
    ni->ref = 0;
    if (eat(d, 'R'))
        ni->ref = 1;
    else if (eat(d, 'O'))
        ni->ref = 2;
    while (!eat(d, 'E')) {
        int c = peek(d);
        if (d->fail || c == 0)
            return fail(d);
        complete = c == 'I';
        if (c == 'M') { /* <data-member-prefix> */
            d->pos++;
            continue;
        }
        if (c == 'S' && peekat(d, 1) == 't') {
            if (sofar)
                return fail(d);
            d->pos += 2;
            sofar = mkname(d, "std");
            ni->targs = 0;
            continue;
        }
        if (c == 'S') {
            if (sofar)
                return fail(d);
            sofar = substitution(d);
            ni->last = last_name(sofar);
            ni->targs = 0;
            continue;
        }
        if (c == 'I') {
            node *args;
            if (!sofar)
                return fail(d);
            args = template_args(d, tag);
            sofar = mk(d, K_TEMPLATE, sofar, args);
            ni->targs = 1;
        } else if (c == 'T') {
            if (sofar)
                return fail(d);
            sofar = template_param_ref(d);
            ni->targs = 0;
        } else if (c == 'D' && (peekat(d, 1) == 't' || peekat(d, 1) == 'T')) {
            if (sofar)
                return fail(d);
            sofar = type(d);
            ni->targs = 0;
        } else {
            node *u = unqualified_name(d, ni);
            sofar = sofar ? mk(d, K_NESTED, sofar, u) : u;
            ni->targs = 0;
            complete = 1;
        }
        if (!sofar)
            return fail(d);
        add_sub(d, sofar);
        pushed = 1;
    }
    if (!sofar || !complete)
        return fail(d);
    if (pushed)
        d->nsubs--; /* the complete name is not a candidate here */
    return sofar;
}

/* <discriminator> ::= _ <digit> | __ <number> _ */
static void discriminator(dm *d)
{
    if (peek(d) == '_' && isdig(peekat(d, 1))) {
        d->pos += 2;
    } else if (peek(d) == '_' && peekat(d, 1) == '_' && isdig(peekat(d, 2))) {
        d->pos += 2;
        (void)number(d, NULL);
        eat(d, '_');
    }
}

static node *local_name(dm *d, ninfo *ni, int tag)
{
    node *enc, *ent, *arg = NULL;

    d->pos++; /* Z */
    enc = encoding(d);
    if (!enc || !eat(d, 'E'))
        return fail(d);
    if (eat(d, 's')) {
        discriminator(d);
        return mk(d, K_LOCAL, enc, mkname(d, "string literal"));
    }
    if (peek(d) == 'd') { /* default argument: d [<number>] _ <name>, "{default arg#n}" */
        long num = 0;
        d->pos++;
        if (isdig(peek(d)) && (num = number(d, NULL) + 1) <= 0)
            return fail(d);
        if (!eat(d, '_'))
            return fail(d);
        arg = mk(d, K_DEFARG, NULL, NULL);
        if (arg)
            arg->num = (int)num + 1;
    }
    ent = name(d, ni, tag);
    if (ent && ent->kind != K_LAMBDA && ent->kind != K_UNNAMED)
        discriminator(d);
    /* GNU elides the return type of the enclosing function. */
    if (enc->kind == K_FUNC)
        enc->a = NULL;
    if (arg)
        enc = mk(d, K_LOCAL, enc, arg);
    return mk(d, K_LOCAL, enc, ent);
}

static node *name(dm *d, ninfo *ni, int tag)
{
    int c = peek(d);
    node *x;

    if (++d->depth > MAX_DEPTH)
        return fail(d);
    ni->targs = 0;
    if (c == 'N') {
        x = nested_name(d, ni, tag);
    } else if (c == 'Z') {
        x = local_name(d, ni, tag);
    } else if (c == 'S' && peekat(d, 1) != 't') {
        x = substitution(d);
        if (x && peek(d) == 'I') {
            x = mk(d, K_TEMPLATE, x, template_args(d, tag));
            ni->targs = 1;
        }
    } else {
        int std = 0;
        if (c == 'S') {
            d->pos += 2;
            std = 1;
        }
        x = unqualified_name(d, ni);
        if (std)
            x = mk(d, K_NESTED, mkname(d, "std"), x);
        if (x && peek(d) == 'I') {
            add_sub(d, x);
            x = mk(d, K_TEMPLATE, x, template_args(d, tag));
            ni->targs = 1;
        }
    }
    d->depth--;
    return d->fail ? NULL : x;
}

static node *template_arg(dm *d)
{
    int c = peek(d);

    if (c == 'L')
        return expr_primary(d);
    if (c == 'X') {
        node *e;
        d->pos++;
        e = expression(d);
        if (!eat(d, 'E'))
            return fail(d);
        return e;
    }
    if (c == 'J') {
        lb l;
        d->pos++;
        lb_init(d, &l);
        while (!d->fail && !eat(d, 'E')) {
            if (!peek(d))
                return fail(d);
            lb_add(d, &l, template_arg(d));
        }
        return mk(d, K_PACK, l.list, NULL);
    }
    return type(d);
}

/* I <template-arg>+ E. With tag set, the arguments become the template
 * parameters T_, T0_ ... of the innermost level (they belong to the
 * entity being encoded). */
static node *template_args(dm *d, int tag)
{
    lb l;

    if (!eat(d, 'I'))
        return fail(d);
    if (++d->depth > MAX_DEPTH)
        return fail(d);
    if (tag)
        d->ntp = d->tpbase;
    lb_init(d, &l);
    while (!d->fail && !eat(d, 'E')) {
        node *a;
        if (!peek(d))
            return fail(d);
        a = template_arg(d);
        lb_add(d, &l, a);
        if (tag)
            add_tp(d, a);
    }
    d->depth--;
    return d->fail ? NULL : l.list;
}

static const char *builtin(int c)
{
    switch (c) {
    case 'v': return "void";
    case 'w': return "wchar_t";
    case 'b': return "bool";
    case 'c': return "char";
    case 'a': return "signed char";
    case 'h': return "unsigned char";
    case 's': return "short";
    case 't': return "unsigned short";
    case 'i': return "int";
    case 'j': return "unsigned int";
    case 'l': return "long";
    case 'm': return "unsigned long";
    case 'x': return "long long";
    case 'y': return "unsigned long long";
    case 'n': return "__int128";
    case 'o': return "unsigned __int128";
    case 'f': return "float";
    case 'd': return "double";
    case 'e': return "long double";
    case 'g': return "__float128";
    case 'z': return "...";
    default: return NULL;
    }
}

static const char *builtin_d(int c)
{
    switch (c) {
    case 'd': return "decimal64";
    case 'e': return "decimal128";
    case 'f': return "decimal32";
    case 'h': return "half";
    case 'i': return "char32_t";
    case 's': return "char16_t";
    case 'u': return "char8_t";
    case 'a': return "auto";
    case 'c': return "decltype(auto)";
    case 'n': return "decltype(nullptr)";
    default: return NULL;
    }
}

/* [Do] [Dx] F [Y] <return> <params> [R|O] E, qualified by the qseq cv;
 * Do and Dx in either order, and cv-qualifiers among them, as GNU takes them. */
static node *function_type(dm *d, int cv)
{
    node *ret, *ps, *x;
    int ref = 0;

    cv = qualifiers(d, cv, 1);
    if (!eat(d, 'F'))
        return fail(d);
    eat(d, 'Y');
    ret = type(d);
    ps = params(d);
    if (eat(d, 'R'))
        ref = 1;
    else if (eat(d, 'O'))
        ref = 2;
    if (!ret || !ps || !eat(d, 'E'))
        return fail(d);
    x = mk(d, K_FTYPE, ret, ps);
    if (x) {
        x->flags = (uint8_t)(qseq_bits(cv) | ref << 3);
        x->num = cv;
    }
    return x;
}

/* One case per production of <type>, kept in one switch so that the grammar
 * reads in one place. */
static node *type_inner(dm *d)
{
    int c = peek(d);
    const char *b;
    node *x = NULL;

    if ((b = builtin(c)) != NULL) {
        d->pos++;
        return mkbuiltin(d, b);
    }
    switch (c) {
    case 'D':
        if ((b = builtin_d(peekat(d, 1))) != NULL) {
            d->pos += 2;
            return mkbuiltin(d, b);
        }
        if (peekat(d, 1) == 'F') { /* DF <bits> [x] _ | DF16b */
            const char *st;
            d->pos += 2;
            if (peek(d) == '1' && peekat(d, 1) == '6' && peekat(d, 2) == 'b') {
                d->pos += 3;
                return mkbuiltin(d, "std::bfloat16_t");
            }
            st = d->s + d->pos;
            if (number(d, NULL) < 0)
                return fail(d);
            eat(d, 'x');
            x = mk(d, K_SPECIAL, mkstr(d, K_NAME, st, (size_t)(d->s + d->pos - st)), NULL);
            if (!eat(d, '_'))
                return fail(d);
            if (x) {
                x->str = "_Float";
                x->slen = 6;
            }
            return x;
        }
        if (peekat(d, 1) == 'p') { /* pack expansion */
            d->pos += 2;
            x = mk(d, K_EXPAND, type(d), NULL);
            break;
        }
        if (peekat(d, 1) == 't' || peekat(d, 1) == 'T') { /* decltype(expr) */
            d->pos += 2;
            x = mk(d, K_DECLTYPE, expression(d), NULL);
            if (!eat(d, 'E'))
                return fail(d);
            break;
        }
        if (peekat(d, 1) == 'v') { /* Dv <number> _ <type> */
            node *dim;
            const char *st;
            d->pos += 2;
            st = d->s + d->pos;
            if (number(d, NULL) < 0)
                return fail(d);
            while (*st == '0' && isdig(st[1]))
                st++; /* GNU prints the number: "00" is 0 */
            dim = mkstr(d, K_NAME, st, (size_t)(d->s + d->pos - st));
            if (!eat(d, '_'))
                return fail(d);
            x = mk(d, K_VECTOR, type(d), dim);
            break;
        }
        if (peekat(d, 1) == 'x' || peekat(d, 1) == 'o') { /* Dx, Do: transaction_safe, noexcept */
            x = function_type(d, 0);
            break;
        }
        return fail(d);
    case 'r':
    case 'V':
    case 'K': {
        int cv = cv_qualifiers(d);
        if (peek(d) == 'F' || (peek(d) == 'D' && (peekat(d, 1) == 'x' || peekat(d, 1) == 'o'))) {
            x = function_type(d, cv);
        } else {
            x = mk(d, K_QUAL, type(d), NULL);
            if (x) {
                x->flags = (uint8_t)qseq_bits(cv);
                x->num = cv;
            }
        }
        break;
    }
    case 'U': { /* vendor qualifier: U <source-name> [<template-args>] <type> */
        node *q, *t;
        d->pos++;
        q = source_name(d);
        if (q && peek(d) == 'I')
            q = mk(d, K_TEMPLATE, q, template_args(d, 0));
        t = type(d);
        x = mk(d, K_VQUAL, t, q);
        if (x && q) {
            x->str = q->str;
            x->slen = q->slen;
        }
        break;
    }
    case 'P':
        d->pos++;
        x = mk(d, K_PTR, type(d), NULL);
        break;
    case 'R':
        d->pos++;
        x = mk(d, K_REF, type(d), NULL);
        break;
    case 'O':
        d->pos++;
        x = mk(d, K_RREF, type(d), NULL);
        break;
    case 'F':
        x = function_type(d, 0);
        break;
    case 'A': { /* A [<number> | <expression>] _ <type> */
        node *dim = NULL;
        d->pos++;
        if (isdig(peek(d))) {
            const char *st = d->s + d->pos;
            (void)number(d, NULL);
            dim = mkstr(d, K_NAME, st, (size_t)(d->s + d->pos - st));
        } else if (peek(d) != '_') {
            dim = expression(d);
        }
        if (!eat(d, '_'))
            return fail(d);
        x = mk(d, K_ARRAY, type(d), dim);
        break;
    }
    case 'M': {
        node *cls;
        d->pos++;
        cls = type(d);
        x = mk(d, K_PTRMEM, cls, type(d));
        break;
    }
    case 'T':
        x = template_param_ref(d);
        if (x && x->kind == K_PACK)
            x = mk(d, K_TPARAM, x, NULL);
        if (x && peek(d) == 'I') { /* template template parameter with arguments */
            add_sub(d, x);
            x = mk(d, K_TEMPLATE, x, template_args(d, 0));
        }
        break;
    case 'S':
        if (peekat(d, 1) != 't') {
            x = substitution(d);
            if (x && peek(d) == 'I')
                x = mk(d, K_TEMPLATE, x, template_args(d, 0));
            else
                return x; /* a plain substitution is not a new candidate */
        } else { /* St <unqualified-name>: a class name */
            ninfo ni = { 0 };
            x = name(d, &ni, 0);
        }
        break;
    case 'N':
    case 'Z':
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9': {
        ninfo ni = { 0 };
        x = name(d, &ni, 0);
        if (x && (ni.cv || ni.ref)) { /* as GNU: "NV1EE" is "E volatile" */
            x = mk(d, ni.ref ? K_FUNC : K_QUAL, ni.ref ? NULL : x, ni.ref ? x : NULL);
            if (x) {
                x->flags = (uint8_t)(qseq_bits(ni.cv) | (ni.ref ? ni.ref << 3 | F_NOPARAMS : 0));
                x->num = ni.cv;
            }
        }
        break;
    }
    case 'u': { /* vendor extended type */
        d->pos++;
        x = source_name(d);
        break;
    }
    default:
        return fail(d);
    }
    if (!x)
        return fail(d);
    add_sub(d, x);
    return x;
}

static node *type(dm *d)
{
    node *x;

    if (++d->depth > MAX_DEPTH)
        return fail(d);
    x = type_inner(d);
    d->depth--;
    return d->fail ? NULL : x;
}

/* L <type> <value> E | L <mangled-name> E | L_Z <encoding> E | LDnE */
static node *expr_primary(dm *d)
{
    node *t, *x;
    const char *st;
    int neg;

    d->pos++; /* L */
    if (peek(d) == '_' && peekat(d, 1) == 'Z') {
        d->pos += 2;
        x = encoding(d);
        if (!eat(d, 'E'))
            return fail(d);
        return x;
    }
    if (peek(d) == 'Z') { /* old form without the underscore */
        d->pos++;
        x = encoding(d);
        if (!eat(d, 'E'))
            return fail(d);
        return x;
    }
    t = type(d);
    if (!t)
        return NULL;
    if (eat(d, 'E')) /* LDnE: the type alone */
        return t;
    neg = eat(d, 'n');
    st = d->s + d->pos;
    while (peek(d) && peek(d) != 'E')
        d->pos++;
    if (!eat(d, 'E') || d->s + d->pos - 1 == st)
        return fail(d);
    x = mk(d, K_LIT, t, NULL);
    if (x) {
        x->str = st;
        x->slen = (size_t)(d->s + d->pos - 1 - st);
        x->flags = (uint8_t)neg;
    }
    return x;
}

static node *expression(dm *d)
{
    int c = peek(d), i;
    node *x = NULL;

    if (++d->depth > MAX_DEPTH)
        return fail(d);
    if (c == 'L') {
        x = expr_primary(d);
    } else if (c == 'T') { /* kept apart: GNU prints it in parentheses as an operand */
        x = mk(d, K_TPARAM, template_param_ref(d), NULL);
    } else if (c == 'f' && peekat(d, 1) == 'p') { /* fp [<cv>] [<number>] _ */
        long num = 0;
        d->pos += 2;
        while (peek(d) == 'r' || peek(d) == 'V' || peek(d) == 'K')
            d->pos++;
        if (isdig(peek(d)) && (num = number(d, NULL) + 1) <= 0)
            return fail(d);
        if (!eat(d, '_'))
            return fail(d);
        x = mk(d, K_UNNAMED, NULL, NULL); /* printed as {parm#n} */
        if (x) {
            x->num = (int)num + 1;
            x->flags = 1;
        }
    } else if (c == 's' && peekat(d, 1) == 'r') { /* sr <type> <unqualified-name> [<template-args>] */
        ninfo ni = { 0 };
        node *t, *u;
        d->pos += 2;
        t = type(d);
        u = unqualified_name(d, &ni);
        if (u && peek(d) == 'I')
            u = mk(d, K_TEMPLATE, u, template_args(d, 0));
        x = mk(d, K_NESTED, t, u);
    } else if (c == 's' && (peekat(d, 1) == 't' || peekat(d, 1) == 'z')) {
        int is_type = peekat(d, 1) == 't';
        d->pos += 2;
        x = mk(d, K_SIZEOF, is_type ? type(d) : expression(d), NULL);
        if (x) {
            x->str = "sizeof ";
            x->slen = 7;
            x->flags = (uint8_t)is_type;
        }
    } else if (c == 'a' && (peekat(d, 1) == 't' || peekat(d, 1) == 'z')) {
        int is_type = peekat(d, 1) == 't';
        d->pos += 2;
        x = mk(d, K_SIZEOF, is_type ? type(d) : expression(d), NULL);
        if (x) {
            x->str = "alignof ";
            x->slen = 8;
            x->flags = (uint8_t)is_type;
        }
    } else if (c == 's' && peekat(d, 1) == 'p') { /* sp <expression>: pack expansion */
        d->pos += 2;
        x = mk(d, K_EXPAND, expression(d), NULL);
    } else if (c == 'c' && peekat(d, 1) == 'v') { /* cv <type> <expression> */
        node *t;
        d->pos += 2;
        t = type(d);
        if (eat(d, '_')) { /* cv <type> _ <expression>* E */
            lb l;
            lb_init(d, &l);
            while (!d->fail && !eat(d, 'E')) {
                if (!peek(d))
                    return fail(d);
                lb_add(d, &l, expression(d));
            }
            x = mk(d, K_CAST, t, mk(d, K_PACK, l.list, NULL));
        } else {
            x = mk(d, K_CAST, t, expression(d));
        }
    } else if ((c == 'd' || c == 'p') && peekat(d, 1) == 't') { /* dt/pt <expression> <name> */
        ninfo ni = { 0 };
        node *e;
        d->pos += 2;
        e = expression(d);
        x = mk(d, K_MEMBER, e, unqualified_name(d, &ni));
        if (x) {
            x->str = c == 'd' ? "." : "->";
            x->slen = strlen(x->str);
        }
    } else if (c == 'c' && peekat(d, 1) == 'l') { /* cl <expression>+ E */
        node *f;
        lb l;
        d->pos += 2;
        f = expression(d);
        lb_init(d, &l);
        while (!d->fail && !eat(d, 'E')) {
            if (!peek(d))
                return fail(d);
            lb_add(d, &l, expression(d));
        }
        x = mk(d, K_CALL, f, l.list);
    } else if (isdig(c) || c == 'o' || (c == 'd' && peekat(d, 1) == 'n')) {
        ninfo ni = { 0 }; /* an unresolved name */
        x = unqualified_name(d, &ni);
        if (x && peek(d) == 'I')
            x = mk(d, K_TEMPLATE, x, template_args(d, 0));
    } else if ((i = find_op(d)) >= 0) {
        d->pos += 2;
        if (ops[i].arity == 1) {
            /* pp, mm: postfix; pp_, mm_: prefix */
            int postfix = (ops[i].name[0] == '+' || ops[i].name[0] == '-') &&
                          ops[i].name[1] == ops[i].name[0] && !eat(d, '_');
            x = mk(d, K_UNARY, expression(d), NULL);
            if (x)
                x->flags = (uint8_t)postfix;
        } else if (ops[i].arity == 2) {
            node *l = expression(d);
            x = mk(d, K_BINARY, l, expression(d));
        } else {
            node *a = expression(d), *b = expression(d);
            x = mk(d, K_TERNARY, a, b);
            if (x)
                x->c = expression(d);
        }
        if (x) {
            x->str = ops[i].name;
            x->slen = strlen(ops[i].name);
            x->num = i;
        }
    } else {
        return fail(d);
    }
    d->depth--;
    return d->fail ? NULL : x;
}

/* <encoding> ::= <name> [<bare-function-type>] | <special-name>.
 * The template parameters of an encoding are its own: they are saved and
 * restored around it. */
static node *encoding(dm *d)
{
    size_t save_base = d->tpbase, save_n = d->ntp;
    ninfo ni = { 0 };
    node *nm, *ret = NULL, *ps, *x;
    int c;

    if (++d->depth > MAX_DEPTH)
        return fail(d);
    d->tpbase = d->ntp;
    if (peek(d) == 'T' || (peek(d) == 'G' && peekat(d, 1) == 'V')) {
        static const struct { char code[3]; const char *text; } special[] = {
            { "TV", "vtable for " }, { "TT", "VTT for " }, { "TI", "typeinfo for " },
            { "TS", "typeinfo name for " }, { "GV", "guard variable for " },
        };
        x = NULL;
        for (size_t i = 0; i < sizeof special / sizeof special[0]; i++)
            if (peek(d) == special[i].code[0] && peekat(d, 1) == special[i].code[1]) {
                d->pos += 2;
                x = mk(d, K_SPECIAL, special[i].code[0] == 'G' ? name(d, &ni, 0) : type(d), NULL);
                if (x) {
                    x->str = special[i].text;
                    x->slen = strlen(x->str);
                }
                break;
            }
        if (!x)
            fail(d);
        goto out;
    }
    nm = name(d, &ni, 1);
    c = peek(d);
    if (!nm || c == 0 || c == 'E' || c == '.') {
        x = nm;
        if (x && (ni.cv || ni.ref)) { /* GNU prints the qualifiers: "A::f const &" */
            x = mk(d, K_FUNC, NULL, nm);
            if (x) {
                x->flags = (uint8_t)(qseq_bits(ni.cv) | ni.ref << 3 | F_NOPARAMS);
                x->num = ni.cv;
            }
        }
        goto out;
    }
    if (ni.targs && !ni.ctor_dtor)
        ret = type(d);
    ps = params(d);
    x = mk(d, K_FUNC, ret, nm);
    if (x) {
        x->c = ps;
        x->flags = (uint8_t)(qseq_bits(ni.cv) | ni.ref << 3);
        x->num = ni.cv;
    }
out:
    d->tpbase = save_base;
    d->ntp = save_n;
    d->depth--;
    return d->fail ? NULL : x;
}

/* ---- printing -------------------------------------------------------------------- */

static void out(dm *d, const char *s, size_t n)
{
    if (d->fail)
        return;
    if (d->len + n + 1 > d->cap) {
        size_t cap = d->cap ? d->cap : 256;
        char *b;
        while (cap < d->len + n + 1)
            cap *= 2;
        if (cap > d->limit) {
            if (d->len + n + 1 > d->limit) {
                d->fail = 1;
                return;
            }
            cap = d->limit;
        }
        b = realloc(d->out, cap);
        if (!b) {
            d->fail = 1;
            return;
        }
        d->out = b;
        d->cap = cap;
    }
    memcpy(d->out + d->len, s, n);
    d->len += n;
    if (n)
        d->last = 0;
}

static void outs(dm *d, const char *s)
{
    out(d, s, strlen(s));
}

/* As GNU's: the last character appended, even where it was taken back. */
static int last_char(const dm *d)
{
    if (d->last)
        return d->last;
    return d->len ? d->out[d->len - 1] : 0;
}

/* A type's declarator, one part per type constructor, from the part nearest
 * the base type (the head) to the part nearest the name. Prefix parts ("*",
 * "&", " const", "Class::*") print before what is nearer the name; postfix
 * parts (a function type's parameters, an array's dimension) after it, in
 * parentheses when a prefix part is nearer the name, so that nested
 * declarators print inside out as C writes them: "int (*(*)())()". A
 * function whose return type has a declarator ends the chain with its name
 * and parameters: "int (*f<int>())()". */
typedef struct decl {
    const char *text;        /* a prefix part's text */
    const node *cls;         /* pointer to member: "Class::" before text */
    const node *post;        /* K_FTYPE, K_ARRAY: a postfix part; K_FUNC: the name */
    const struct decl *next; /* the part nearer the name */
} decl;

static void print(dm *d, const node *x);
static void print_type_decl(dm *d, const node *x, const decl *dc);

/* Inside a pack expansion the pack stands for its current element; a
 * template parameter naming another pack or one outside its expansion
 * (ill-formed) for its element pack_index, as in GNU (NULL: none). */
static const node *resolve(const dm *d, const node *x)
{
    if (x && x->kind == K_TPARAM) {
        x = x->a;
        if (x && x->kind == K_PACK && !(x == d->pack && d->elem)) {
            const node *it = x->a ? x->a->a : NULL;
            if (d->pack_index >= 128) /* bounds this walk; such packs only in garbage */
                return NULL;
            for (size_t i = 0; it && i < d->pack_index; i++)
                it = it->b;
            return it ? it->a : NULL;
        }
    }
    if (x && x == d->pack && d->elem)
        return d->elem;
    return x;
}

/* A pointer (reference, ...) chain that ends in a function or array type
 * prints its declarator inside: "void (*)(int)", "int (&) [4]". */
static int needs_decl(const dm *d, const node *x)
{
    for (int i = 0; x && i < MAX_DEPTH; i++) {
        x = resolve(d, x);
        if (!x) /* an empty pack */
            return 0;
        switch (x->kind) {
        case K_FTYPE:
        case K_ARRAY:
            return 1;
        case K_PTR:
        case K_REF:
        case K_RREF:
        case K_QUAL:
            x = x->a;
            break;
        case K_PTRMEM:
            x = x->b;
            break;
        default:
            return 0;
        }
    }
    return 0;
}

/* ", "-separated. As GNU, items that print nothing (empty packs) keep their
 * separators ("<, int>", "<int, , f>") except at the end ("<int>"). */
static void print_list(dm *d, const node *list)
{
    size_t keep = d->len;

    for (const node *it = list ? list->a : NULL; it && !d->fail; it = it->b) {
        size_t mark;
        if (it != list->a)
            outs(d, ", ");
        mark = d->len;
        print(d, it->a);
        if (d->len > mark)
            keep = d->len;
    }
    if (!d->fail && keep < d->len) { /* "f<f<>>" as GNU, whose last character stays ' ' */
        d->last = d->out[d->len - 1];
        d->len = keep;
    }
}

/* The qseq cv as text into buf (at least QTEXT bytes): " restrict const". */
#define QTEXT 64
static const char *qseq_text(int cv, char *buf)
{
    static const char *const text[8] = {
        "", " const", " volatile", " restrict", " noexcept", " transaction_safe", "", "",
    };

    buf[0] = 0;
    for (; cv; cv >>= QB)
        strcat(buf, text[cv & QM]);
    return buf;
}

static void print_quals(dm *d, int cv)
{
    char buf[QTEXT];

    outs(d, qseq_text(cv, buf));
}

static void print_ref(dm *d, int ref)
{
    if (ref == 1)
        outs(d, " &");
    else if (ref == 2)
        outs(d, " &&");
}

static void print_decl_chain(dm *d, const decl *dc, int first);

/* A function type's qualifiers (noexcept, transaction_safe among them) and
 * ref-qualifier: "() noexcept const &&". */
static void print_fn_suffix(dm *d, const node *x)
{
    print_quals(d, x->num);
    print_ref(d, (x->flags >> 3) & 3);
}

/* The postfix part dc and everything nearer the name, with GNU's spacing:
 * a function type's "(" after a space when it is the first postfix part
 * after the base type (which, with the prefix parts before it, is the
 * return type: "int const* (*)()"), else unless it follows "(" or "*"
 * (always a space before "Class::*" and a qualifier); " [" unless it
 * follows another dimension. */
static void print_postfix(dm *d, const decl *dc, int first)
{
    const node *x = dc->post;
    const decl *in = dc->next;
    /* functions returning an array or a function, arrays of functions
     * (ill-formed) as GNU: "int (f()) [1]", "void ((*)(int))(float)" */
    int paren = in && (!in->post || (x->kind == K_ARRAY && in->post->kind == K_FUNC) ||
                       (x->kind == K_ARRAY && in->post->kind == K_FTYPE) ||
                       ((in->post->kind == K_FTYPE || x->kind == K_FTYPE) && in->next));

    if (x->kind == K_FUNC) {
        print(d, x->b);
        outs(d, "(");
        print_list(d, x->c);
        outs(d, ")");
        print_fn_suffix(d, x);
        return;
    }
    if (x->kind == K_FTYPE && first && last_char(d) != ' ')
        outs(d, " ");
    if (paren) {
        int c = last_char(d);
        if (c != ' ' && (x->kind == K_ARRAY || in->cls || (in->text && in->text[0] == ' ') ||
                         (c != '(' && c != '*')))
            outs(d, " ");
        outs(d, "(");
    }
    print_decl_chain(d, in, 0);
    if (paren)
        outs(d, ")");
    if (x->kind == K_FTYPE) {
        outs(d, "(");
        print_list(d, x->b);
        outs(d, ")");
        print_fn_suffix(d, x);
    } else {
        if (!(in && in->post && in->post->kind == K_ARRAY))
            outs(d, " ");
        outs(d, "[");
        print(d, x->b);
        outs(d, "]");
    }
}

/* The declarator dc; first: it follows the base type. */
static void print_decl_chain(dm *d, const decl *dc, int first)
{
    for (; dc && !d->fail; dc = dc->next) {
        if (dc->post) {
            print_postfix(d, dc, first);
            return;
        }
        if (dc->cls) { /* "int* A::*", "int (A::*)()" */
            if (last_char(d) != '(')
                outs(d, " ");
            print(d, dc->cls);
            outs(d, "::");
        }
        outs(d, dc->text);
    }
}

/* The base type x qualified by cv, then the declarator dc: "int ()". */
static void print_base(dm *d, const node *x, int cv, const decl *dc)
{
    print(d, x);
    print_quals(d, cv);
    print_decl_chain(d, dc, 1);
}

static void print_array(dm *d, const node *x, const decl *dc, int cv);

/* in qualified by the qseq cv, then the declarator dc. */
static void print_qualified(dm *d, const node *in, int cv, const decl *dc)
{
    decl next = { NULL, NULL, NULL, dc };
    char buf[QTEXT];

    for (int i = 0; in && in->kind == K_QUAL && i < MAX_DEPTH; i++) {
        cv = qseq_merge(cv, in->num);
        in = resolve(d, in->a);
    }
    next.text = qseq_text(cv, buf);
    if (in && in->kind == K_ARRAY)
        print_array(d, in, dc, cv); /* the qualifier is the element's */
    else if (needs_decl(d, in))     /* a qualified pointer to function: "(* const)" */
        print_type_decl(d, in, &next);
    else
        print_base(d, in, cv, dc);
}

/* An array, its element type qualified by cv: "int const (&) [4][2]". */
static void print_array(dm *d, const node *x, const decl *dc, int cv)
{
    decl next = { NULL, NULL, x, dc };

    if (++d->depth > MAX_DEPTH) {
        d->fail = 1;
        return;
    }
    if (cv)
        print_qualified(d, resolve(d, x->a), cv, &next);
    else
        print_type_decl(d, x->a, &next);
    d->depth--;
}

/* x with the declarator dc (NULL: none) around the name's position. */
static void print_type_decl(dm *d, const node *x, const decl *dc)
{
    decl next = { NULL, NULL, NULL, dc };
    const node *in;

    x = resolve(d, x);
    if (d->fail || !x)
        return;
    if (++d->steps > d->limit || ++d->depth > MAX_DEPTH) {
        d->fail = 1;
        return;
    }
    switch (x->kind) {
    case K_PTR:
        next.text = "*";
        print_type_decl(d, x->a, &next);
        break;
    case K_REF:
    case K_RREF: { /* reference collapsing, && only if both are &&, as GNU: one pair at a time */
        int rv = x->kind == K_RREF;
        in = resolve(d, x->a);
        if (in && (in->kind == K_REF || in->kind == K_RREF)) {
            rv = rv && in->kind == K_RREF;
            in = resolve(d, in->a);
        }
        next.text = rv ? "&&" : "&";
        print_type_decl(d, in, &next);
        break;
    }
    case K_PTRMEM:
        next.text = "*";
        next.cls = x->a;
        print_type_decl(d, x->b, &next);
        break;
    case K_QUAL:
        print_qualified(d, resolve(d, x->a), x->num, dc);
        break;
    case K_FTYPE: /* the return type, then the parameters after the declarator */
        next.post = x;
        print_type_decl(d, x->a, &next);
        break;
    case K_ARRAY:
        print_array(d, x, dc, 0);
        break;
    default:
        print_base(d, x, 0, dc);
        break;
    }
    d->depth--;
}

/* GNU prints operands of operators in parentheses unless they are names
 * (not builtin types, not template parameters) or function parameters. */
static void print_subexpr(dm *d, const node *x)
{
    int simple = x && ((x->kind == K_NAME || x->kind == K_NESTED) && !(x->flags & NF_BUILTIN));

    simple = simple || (x && x->kind == K_UNNAMED && x->flags); /* {parm#1} */

    if (!simple)
        outs(d, "(");
    print(d, x);
    if (!simple)
        outs(d, ")");
}

/* GNU prints a literal of these builtin types as its bytes: (float)[3f800000]. */
static int is_float(const char *tn, size_t tl)
{
    static const char *const names[] = {
        "float", "double", "long double", "__float128", "half", "std::bfloat16_t",
    };

    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (tl == strlen(names[i]) && memcmp(tn, names[i], tl) == 0)
            return 1;
    return 0;
}

static void print_literal(dm *d, const node *x)
{
    const node *t = x->a;
    const char *tn = t && t->kind == K_NAME && (t->flags & NF_BUILTIN) ? t->str : NULL;
    size_t tl = tn ? t->slen : 0;
    static const struct { const char *type, *suffix; } ints[] = {
        { "int", "" }, { "unsigned int", "u" }, { "long", "l" }, { "unsigned long", "ul" },
        { "long long", "ll" }, { "unsigned long long", "ull" },
    };

    if (tn && tl == 4 && memcmp(tn, "bool", 4) == 0 && x->slen == 1 && !x->flags &&
        (x->str[0] == '0' || x->str[0] == '1')) {
        outs(d, x->str[0] == '1' ? "true" : "false");
        return;
    }
    for (size_t i = 0; tn && i < sizeof ints / sizeof ints[0]; i++)
        if (tl == strlen(ints[i].type) && memcmp(tn, ints[i].type, tl) == 0) {
            if (x->flags)
                outs(d, "-");
            out(d, x->str, x->slen);
            outs(d, ints[i].suffix);
            return;
        }
    outs(d, "(");
    print(d, t);
    outs(d, ")");
    if (tn && is_float(tn, tl)) {
        if (x->flags)
            outs(d, "-");
        outs(d, "[");
        out(d, x->str, x->slen);
        outs(d, "]");
        return;
    }
    if (x->flags)
        outs(d, "-");
    out(d, x->str, x->slen);
}

/* The first argument pack a pattern refers to (NULL: none). */
static const node *find_pack(dm *d, const node *x, int depth)
{
    const node *p;

    if (!x || depth > MAX_DEPTH || ++d->steps > d->limit)
        return NULL;
    if (x->kind == K_PACK)
        return x;
    if ((p = find_pack(d, x->a, depth + 1)) != NULL)
        return p;
    if ((p = find_pack(d, x->b, depth + 1)) != NULL)
        return p;
    return find_pack(d, x->c, depth + 1);
}

/* Dp <pattern>: the pattern once per element of its pack, comma-separated;
 * nothing for an empty pack. */
static void print_expansion(dm *d, const node *x)
{
    const node *pack = find_pack(d, x->a, 0), *save_pack = d->pack, *save_elem = d->elem;
    int any = 0;

    if (!pack) { /* as GNU: the pattern as an operand */
        print_subexpr(d, x->a);
        outs(d, "...");
        return;
    }
    size_t i = 0;

    for (const node *it = pack->a ? pack->a->a : NULL; it && !d->fail; it = it->b) {
        if (any)
            outs(d, ", ");
        d->pack = pack;
        d->elem = it->a;
        d->pack_index = i++;
        print(d, x->a);
        any = 1;
    }
    d->pack = save_pack;
    d->elem = save_elem;
}

static void print_num(dm *d, int n)
{
    char buf[24];

    snprintf(buf, sizeof buf, "%d", n);
    outs(d, buf);
}

/* One case per node kind, in GNU c++filt's spelling. */
static void print(dm *d, const node *x)
{
    if (d->fail || !x)
        return;
    if (++d->steps > d->limit || ++d->depth > MAX_DEPTH) {
        d->fail = 1;
        return;
    }
    switch (x->kind) {
    case K_NAME:
        out(d, x->str, x->slen);
        break;
    case K_NESTED:
        print(d, x->a);
        outs(d, "::");
        print(d, x->b);
        break;
    case K_TEMPLATE:
        print(d, x->a);
        if (last_char(d) == '<')
            outs(d, " "); /* operator<< <T> */
        outs(d, "<");
        print_list(d, x->b);
        if (last_char(d) == '>')
            outs(d, " ");
        outs(d, ">");
        break;
    case K_LIST:
        print_list(d, x);
        break;
    case K_PACK:
        if (x == d->pack && d->elem)
            print(d, d->elem);
        else
            print_list(d, x->a);
        break;
    case K_QUAL:
    case K_PTR:
    case K_REF:
    case K_RREF:
    case K_FTYPE:
    case K_ARRAY:
    case K_PTRMEM:
        print_type_decl(d, x, NULL);
        break;
    case K_VQUAL:
        print(d, x->a);
        outs(d, " ");
        print(d, x->b);
        break;
    case K_VECTOR:
        print(d, x->a);
        outs(d, " __vector(");
        print(d, x->b);
        outs(d, ")");
        break;
    case K_FUNC:
        if (x->a && needs_decl(d, x->a)) { /* "int (*f<int>())()" */
            decl name = { NULL, NULL, x, NULL };
            print_type_decl(d, x->a, &name);
            break;
        }
        if (x->a) {
            print(d, x->a);
            outs(d, " ");
        }
        print(d, x->b);
        if (!(x->flags & F_NOPARAMS)) {
            outs(d, "(");
            print_list(d, x->c);
            outs(d, ")");
        }
        print_quals(d, x->num);
        print_ref(d, (x->flags >> 3) & 3);
        break;
    case K_LOCAL:
        print(d, x->a);
        outs(d, "::");
        print(d, x->b);
        break;
    case K_LAMBDA:
        outs(d, "{lambda(");
        print_list(d, x->a);
        outs(d, ")#");
        print_num(d, x->num);
        outs(d, "}");
        break;
    case K_UNNAMED:
        outs(d, x->flags ? "{parm#" : "{unnamed type#");
        print_num(d, x->num);
        outs(d, "}");
        break;
    case K_DTOR:
        outs(d, "~");
        print(d, x->a);
        break;
    case K_ABI:
        print(d, x->a);
        outs(d, "[abi:");
        out(d, x->str, x->slen);
        outs(d, "]");
        break;
    case K_LIT:
        print_literal(d, x);
        break;
    case K_UNARY: {
        const node *e = x->a;
        if (x->flags) { /* postfix */
            print_subexpr(d, e);
            out(d, x->str, x->slen);
            break;
        }
        if (x->slen >= 7 && memcmp(x->str, " delete", 7) == 0) { /* "delete[] p" */
            out(d, x->str + 1, x->slen - 1);
            outs(d, " ");
        } else {
            out(d, x->str, x->slen);
        }
        /* &f: the address of a qualified function prints without its parameters */
        if (x->slen == 1 && x->str[0] == '&' && e && e->kind == K_FUNC && !e->a && e->b &&
            e->b->kind == K_NESTED)
            e = e->b;
        print_subexpr(d, e);
        break;
    }
    case K_BINARY: {
        int gt = x->slen == 1 && x->str[0] == '>';
        if (gt)
            outs(d, "(");
        print_subexpr(d, x->a);
        out(d, x->str, x->slen);
        print_subexpr(d, x->b);
        if (gt)
            outs(d, ")");
        break;
    }
    case K_TERNARY:
        print_subexpr(d, x->a);
        outs(d, "?");
        print_subexpr(d, x->b);
        outs(d, " : ");
        print_subexpr(d, x->c);
        break;
    case K_CAST:
        outs(d, "(");
        print(d, x->a);
        outs(d, ")");
        if (x->b && x->b->kind == K_PACK) {
            outs(d, "(");
            print(d, x->b);
            outs(d, ")");
        } else {
            print_subexpr(d, x->b);
        }
        break;
    case K_SIZEOF: /* as GNU: of a type always in parentheses, else as an operand */
        out(d, x->str, x->slen);
        if (x->flags) {
            outs(d, "(");
            print(d, x->a);
            outs(d, ")");
        } else {
            print_subexpr(d, x->a);
        }
        break;
    case K_CALL:
        if (x->a && x->a->kind == K_FUNC)
            print(d, x->a->b);
        else
            print_subexpr(d, x->a);
        outs(d, "(");
        print_list(d, x->b);
        outs(d, ")");
        break;
    case K_MEMBER:
        print_subexpr(d, x->a);
        out(d, x->str, x->slen);
        print(d, x->b);
        break;
    case K_EXPAND:
        print_expansion(d, x);
        break;
    case K_SPECIAL:
        out(d, x->str, x->slen);
        print(d, x->a);
        break;
    case K_CLONE:
        print(d, x->a);
        outs(d, " [clone ");
        out(d, x->str, x->slen);
        outs(d, "]");
        break;
    case K_DECLTYPE:
        outs(d, "decltype (");
        print(d, x->a);
        outs(d, ")");
        break;
    case K_TPARAM:
        print(d, resolve(d, x));
        break;
    case K_DEFARG:
        outs(d, "{default arg#");
        print_num(d, x->num);
        outs(d, "}");
        break;
    default:
        d->fail = 1;
        break;
    }
    d->depth--;
}

/* ---- entry point ------------------------------------------------------------------ */

static int clone_char(int c)
{
    return (c >= 'a' && c <= 'z') || isdig(c) || c == '_';
}

/* Compiler clone suffixes, each printed " [clone SUFFIX]" as GNU c++filt and
 * libstdc++ do: a '.', a lower-case letter, digit or '_' and more of them,
 * then any number of '.' and digits (".cold", ".114", ".constprop.0",
 * ".isra.0", ".part.0", ".lto_priv.0"). ".constprop.0.isra.0" is two. */
static node *clones(dm *d, node *x)
{
    while (x && peek(d) == '.' && clone_char(peekat(d, 1))) {
        const char *st = d->s + d->pos;
        d->pos += 2;
        while (clone_char(peek(d)))
            d->pos++;
        while (peek(d) == '.' && isdig(peekat(d, 1))) {
            d->pos += 2;
            while (isdig(peek(d)))
                d->pos++;
        }
        x = mk(d, K_CLONE, x, NULL);
        if (x) {
            x->str = st;
            x->slen = (size_t)(d->s + d->pos - st);
        }
    }
    return x;
}

char *gp_demangle(const char *mangled)
{
    dm d;
    node *root;
    size_t n;

    if (!mangled || mangled[0] != '_' || mangled[1] != 'Z')
        return NULL;
    n = strlen(mangled);
    if (n > GP_DEMANGLE_MAX_BYTES / 64)
        return NULL;
    memset(&d, 0, sizeof d);
    d.s = mangled;
    d.n = n;
    d.pos = 2;
    d.maxnodes = 4 * n + 64;
    d.nodes = malloc(d.maxnodes * sizeof *d.nodes);
    d.limit = 64 * n + 4096;
    if (d.limit > GP_DEMANGLE_MAX_BYTES)
        d.limit = GP_DEMANGLE_MAX_BYTES;
    if (!d.nodes)
        return NULL;
    root = encoding(&d);
    root = clones(&d, root);
    if (!root || d.fail || d.pos != d.n) {
        free(d.nodes);
        free(d.subs);
        free(d.tp);
        return NULL;
    }
    d.depth = 0;
    print(&d, root);
    free(d.nodes);
    free(d.subs);
    free(d.tp);
    if (d.fail || !d.out) {
        free(d.out);
        return NULL;
    }
    d.out[d.len] = '\0';
    return d.out;
}
