/* model.c: the job container: ranks, arrays, strings, finishing. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/mman.h>

#include "analyzer/model/classify.h"
#include "common/strcache.h"
#include "analyzer/model/model.h"

struct gp_job {
    gp_rank **ranks;
    size_t n_ranks, cap_ranks;
    /* strings: open-addressing map text -> id, texts in chunks */
    char **texts;
    size_t n_texts, cap_texts;
    uint32_t *slots; /* id per slot, 0 empty; power of two */
    size_t n_slots;
};

gp_job *gp_job_new(void)
{
    gp_job *j = calloc(1, sizeof *j);

    if (!j)
        return NULL;
    j->n_slots = 1024;
    j->slots = calloc(j->n_slots, sizeof *j->slots);
    j->texts = calloc(1, sizeof *j->texts); /* index 0: the empty string */
    j->cap_texts = 1;
    j->n_texts = 1;
    if (!j->slots || !j->texts) {
        free(j->slots);
        free(j->texts);
        free(j);
        return NULL;
    }
    return j;
}

static void free_rank(gp_rank *r)
{
    free(r->ops);
    free(r->calls);
    free(r->ranges);
    free(r->syncs);
    free(r->samples);
    free(r->devices);
    free(r->hta);
    free(r);
}

void gp_job_free(gp_job *j)
{
    if (!j)
        return;
    for (size_t i = 0; i < j->n_ranks; i++)
        free_rank(j->ranks[i]);
    free(j->ranks);
    for (size_t i = 1; i < j->n_texts; i++)
        free(j->texts[i]);
    free(j->texts);
    free(j->slots);
    free(j);
}

gp_rank *gp_job_add_rank(gp_job *j, const char *label)
{
    gp_rank *r;

    if (j->n_ranks == j->cap_ranks) {
        size_t cap = j->cap_ranks ? 2 * j->cap_ranks : 4;
        gp_rank **p = realloc(j->ranks, cap * sizeof *p);
        if (!p)
            return NULL;
        j->ranks = p;
        j->cap_ranks = cap;
    }
    r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->rank = (int)j->n_ranks;
    snprintf(r->label, sizeof r->label, "%s", label ? label : "");
    j->ranks[j->n_ranks++] = r;
    return r;
}

size_t gp_job_rank_count(const gp_job *j)
{
    return j->n_ranks;
}

gp_rank *gp_job_rank(gp_job *j, size_t i)
{
    return i < j->n_ranks ? j->ranks[i] : NULL;
}

const gp_rank *gp_job_rank_c(const gp_job *j, size_t i)
{
    return i < j->n_ranks ? j->ranks[i] : NULL;
}

/* ---- strings ---- */

static int grow_slots(gp_job *j)
{
    size_t n = j->n_slots * 2;
    uint32_t *s = calloc(n, sizeof *s);

    if (!s)
        return -1;
    for (size_t i = 0; i < j->n_slots; i++) {
        uint32_t id = j->slots[i];
        size_t k;
        if (!id)
            continue;
        k = gp_hash_bytes(j->texts[id], strlen(j->texts[id])) & (n - 1);
        while (s[k])
            k = (k + 1) & (n - 1);
        s[k] = id;
    }
    free(j->slots);
    j->slots = s;
    j->n_slots = n;
    return 0;
}

gp_strid gp_job_intern(gp_job *j, const char *s, size_t len)
{
    size_t k;
    char *copy;

    if (!s || len == 0)
        return 0;
    if (2 * j->n_texts >= j->n_slots && grow_slots(j) < 0)
        return 0;
    for (k = gp_hash_bytes(s, len) & (j->n_slots - 1); j->slots[k]; k = (k + 1) & (j->n_slots - 1)) {
        const char *t = j->texts[j->slots[k]];
        if (strncmp(t, s, len) == 0 && t[len] == '\0')
            return j->slots[k];
    }
    if (j->n_texts == j->cap_texts) {
        size_t cap = 2 * j->cap_texts;
        char **p = realloc(j->texts, cap * sizeof *p);
        if (!p)
            return 0;
        j->texts = p;
        j->cap_texts = cap;
    }
    copy = malloc(len + 1);
    if (!copy)
        return 0;
    memcpy(copy, s, len);
    copy[len] = '\0';
    j->texts[j->n_texts] = copy;
    j->slots[k] = (uint32_t)j->n_texts;
    return (gp_strid)j->n_texts++;
}

size_t gp_job_string_count(const gp_job *j)
{
    return j->n_texts;
}

const char *gp_job_str(const gp_job *j, gp_strid id)
{
    return id && id < j->n_texts ? j->texts[id] : "";
}

/* ---- records ---- */

/* Asks for huge pages under a large array: with millions of records the
 * first touch of each 4 KiB page is a good part of the load time. A hint
 * only; nothing changes where the kernel does not support it. */
static void hint_huge(void *p, size_t bytes)
{
#ifdef MADV_HUGEPAGE
    uintptr_t a = ((uintptr_t)p + 4095) & ~(uintptr_t)4095, e = ((uintptr_t)p + bytes) & ~(uintptr_t)4095;

    if (bytes >= (8u << 20) && e > a)
        (void)madvise((void *)a, e - a, MADV_HUGEPAGE);
#else
    (void)p;
    (void)bytes;
#endif
}

static void *add(void **arr, size_t *n, size_t *cap, size_t size)
{
    if (*n == *cap) {
        size_t c = *cap ? 2 * *cap : 256;
        void *p = realloc(*arr, c * size);
        if (!p)
            return NULL;
        *arr = p;
        *cap = c;
        hint_huge(p, c * size);
    }
    void *e = (char *)*arr + (*n)++ * size;
    memset(e, 0, size);
    return e;
}

static void reserve(void **arr, size_t *cap, size_t want, size_t size)
{
    void *p;

    if (want <= *cap || want > SIZE_MAX / size)
        return;
    p = realloc(*arr, want * size);
    if (p) {
        *arr = p;
        *cap = want;
        hint_huge(p, want * size);
    }
}

void gp_rank_reserve(gp_rank *r, size_t ops, size_t calls, size_t ranges, size_t hta)
{
    reserve((void **)&r->ops, &r->cap_ops, ops, sizeof *r->ops);
    reserve((void **)&r->calls, &r->cap_calls, calls, sizeof *r->calls);
    reserve((void **)&r->ranges, &r->cap_ranges, ranges, sizeof *r->ranges);
    reserve((void **)&r->hta, &r->cap_hta, hta, sizeof *r->hta);
}

#define ADD(r, arr, n, cap) add((void **)&(r)->arr, &(r)->n, &(r)->cap, sizeof *(r)->arr)

gp_op *gp_rank_add_op(gp_rank *r)
{
    gp_op *o = ADD(r, ops, n_ops, cap_ops);
    if (o) {
        o->correlation = -1;
        o->stream = -1;
        o->launch = -1;
        o->device = -1;
    }
    return o;
}

gp_call *gp_rank_add_call(gp_rank *r)
{
    gp_call *a = ADD(r, calls, n_calls, cap_calls);
    if (a)
        a->correlation = -1;
    return a;
}

gp_range *gp_rank_add_range(gp_rank *r)
{
    gp_range *g = ADD(r, ranges, n_ranges, cap_ranges);
    if (g)
        g->external_id = -1;
    return g;
}

gp_syncrec *gp_rank_add_sync(gp_rank *r)
{
    gp_syncrec *s = ADD(r, syncs, n_syncs, cap_syncs);
    if (s) {
        s->correlation = -1;
        s->stream = -1;
    }
    return s;
}

gp_sample *gp_rank_add_sample(gp_rank *r)
{
    gp_sample *s = ADD(r, samples, n_samples, cap_samples);
    if (s)
        s->device = -1;
    return s;
}

gp_devinfo *gp_rank_add_device(gp_rank *r)
{
    gp_devinfo *d = ADD(r, devices, n_devices, cap_devices);
    if (d)
        d->id = -1;
    return d;
}

gp_hta_event *gp_rank_add_hta(gp_rank *r)
{
    gp_hta_event *e = ADD(r, hta, n_hta, cap_hta);
    if (e) {
        e->stream = -1;
        e->correlation = -1;
    }
    return e;
}

const gp_devinfo *gp_rank_device(const gp_rank *r, int32_t id)
{
    for (size_t i = 0; i < r->n_devices; i++)
        if (r->devices[i].id == id)
            return &r->devices[i];
    return NULL;
}

/* ---- API roles ---- */

gp_call_role gp_call_role_of(const char *n)
{
    if (!n || !*n)
        return GP_CALL_ROLE_OTHER;
    if (strstr(n, "LaunchKernel") || strstr(n, "LaunchCooperativeKernel") ||
        strncmp(n, "cuLaunch", 8) == 0 || strstr(n, "GraphLaunch") ||
        strcmp(n, "cudaLaunch") == 0)
        return strstr(n, "HostFunc") ? GP_CALL_ROLE_OTHER : GP_CALL_ROLE_LAUNCH;
    if (strstr(n, "Memcpy"))
        return GP_CALL_ROLE_COPY;
    if (strstr(n, "Memset"))
        return GP_CALL_ROLE_MEMSET;
    if (strstr(n, "Synchronize") || strcmp(n, "cudaStreamWaitEvent") == 0 ||
        strcmp(n, "cuStreamWaitEvent") == 0)
        return strstr(n, "WaitEvent") ? GP_CALL_ROLE_OTHER : GP_CALL_ROLE_SYNC;
    if (strstr(n, "Malloc") || strstr(n, "MemAlloc") || strstr(n, "Free"))
        return GP_CALL_ROLE_ALLOC;
    return GP_CALL_ROLE_OTHER;
}

/* ---- finishing ---- */

/* Stable sort by start time (merge sort; qsort is not stable). */
#define DEFINE_SORT(NAME, T)                                                        \
    static int NAME(T *a, size_t n)                                                 \
    {                                                                               \
        T *tmp;                                                                     \
        if (n < 2)                                                                  \
            return 0;                                                               \
        for (size_t i = 1; i < n; i++) /* already sorted: the common case */        \
            if (a[i].start_ns < a[i - 1].start_ns)                                  \
                goto unsorted;                                                      \
        return 0;                                                                   \
    unsorted:                                                                       \
        tmp = malloc(n * sizeof *tmp);                                              \
        if (!tmp)                                                                   \
            return -1;                                                              \
        for (size_t w = 1; w < n; w *= 2) {                                         \
            for (size_t lo = 0; lo < n; lo += 2 * w) {                              \
                size_t mid = lo + w < n ? lo + w : n;                               \
                size_t hi = lo + 2 * w < n ? lo + 2 * w : n, i = lo, j = mid, k = lo; \
                while (i < mid && j < hi)                                           \
                    tmp[k++] = a[j].start_ns < a[i].start_ns ? a[j++] : a[i++];     \
                while (i < mid)                                                     \
                    tmp[k++] = a[i++];                                              \
                while (j < hi)                                                      \
                    tmp[k++] = a[j++];                                              \
            }                                                                       \
            memcpy(a, tmp, n * sizeof *a);                                          \
        }                                                                           \
        free(tmp);                                                                  \
        return 0;                                                                   \
    }

DEFINE_SORT(sort_ops, gp_op)
DEFINE_SORT(sort_calls, gp_call)
DEFINE_SORT(sort_ranges, gp_range)
DEFINE_SORT(sort_syncs, gp_syncrec)

typedef struct corr_ix {
    int64_t corr;
    uint32_t pid;
    int32_t idx;
} corr_ix;

static int cmp_corr(const void *a, const void *b)
{
    const corr_ix *x = a, *y = b;
    if (x->pid != y->pid)
        return x->pid < y->pid ? -1 : 1;
    if (x->corr != y->corr)
        return x->corr < y->corr ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx; /* the first call wins ties */
}

/* op.launch = index of the API call with the same (pid, correlation). */
static int join_launches(gp_rank *r)
{
    corr_ix *ix;
    size_t n = 0;

    if (!r->n_ops || !r->n_calls)
        return 0;
    ix = malloc(r->n_calls * sizeof *ix);
    if (!ix)
        return -1;
    for (size_t i = 0; i < r->n_calls && i < INT32_MAX; i++)
        if (r->calls[i].correlation >= 0)
            ix[n++] = (corr_ix){ r->calls[i].correlation, r->calls[i].pid, (int32_t)i };
    /* CUPTI hands out correlation ids in call order: usually sorted already */
    for (size_t i = 1; i < n; i++)
        if (cmp_corr(&ix[i - 1], &ix[i]) > 0) {
            qsort(ix, n, sizeof *ix, cmp_corr);
            break;
        }
    for (size_t i = 0, next = 0; i < r->n_ops; i++) {
        gp_op *o = &r->ops[i];
        size_t lo = 0, hi = n;
        if (o->correlation < 0)
            continue;
        /* ops in time order mostly follow call order: try the entry after
         * the last match before searching */
        if (next < n && ix[next].corr == o->correlation && ix[next].pid == o->pid &&
            (next == 0 || ix[next - 1].corr != o->correlation || ix[next - 1].pid != o->pid)) {
            o->launch = ix[next++].idx;
            continue;
        }
        while (lo < hi) { /* first entry >= (pid, corr) */
            size_t mid = (lo + hi) / 2;
            corr_ix key = { o->correlation, o->pid, -1 };
            if (cmp_corr(&ix[mid], &key) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < n && ix[lo].corr == o->correlation && ix[lo].pid == o->pid) {
            o->launch = ix[lo].idx;
            next = lo + 1;
        }
    }
    free(ix);
    return 0;
}

int gp_rank_finish(gp_job *job, gp_rank *r)
{
    /* Names repeat: classify each distinct name once. */
    size_t n_ids = job->n_texts;
    gp_kinfo *memo = calloc(n_ids, sizeof *memo);
    unsigned char *done = calloc(n_ids, 1), *hta = calloc(n_ids, 1);

    if (!memo || !done || !hta) {
        free(memo);
        free(done);
        free(hta);
        return -1;
    }
    for (size_t i = 0; i < r->n_ops; i++) {
        gp_op *o = &r->ops[i];
        gp_strid id = o->name < n_ids ? o->name : 0;
        if (!done[id]) {
            const char *name = gp_job_str(job, id);
            gp_classify_kernel(name, &memo[id]);
            hta[id] = (unsigned char)gp_hta_type_of(name);
            done[id] = 1;
        }
        o->hta_type = hta[id];
        if (o->kind == GP_OP_KERNEL) {
            o->kclass = (uint8_t)memo[id].kclass;
            o->precision = (uint8_t)memo[id].precision;
            o->tensor_core = (uint8_t)memo[id].tensor_core;
        } else {
            o->kclass = GP_KC_COPY;
            o->precision = GP_PREC_NA;
            o->tensor_core = GP_TC_NO;
        }
    }
    memset(done, 0, n_ids); /* again for the call names: hta[] holds their role */
    for (size_t i = 0; i < r->n_calls; i++) {
        gp_strid id = r->calls[i].name < n_ids ? r->calls[i].name : 0;
        if (!done[id]) {
            hta[id] = (unsigned char)gp_call_role_of(gp_job_str(job, id));
            done[id] = 1;
        }
        r->calls[i].role = hta[id];
    }
    free(memo);
    free(done);
    free(hta);
    if (sort_ops(r->ops, r->n_ops) < 0 || sort_calls(r->calls, r->n_calls) < 0 ||
        sort_ranges(r->ranges, r->n_ranges) < 0 || sort_syncs(r->syncs, r->n_syncs) < 0)
        return -1;
    return join_launches(r);
}
