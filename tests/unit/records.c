/* records.c: random records and comparison for round-trip tests. */
#include "config.h"

#include <string.h>

#include "common/batch.h"
#include "common/fields.h"
#include "records.h"

static uint64_t mix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static int is_key(const char *name, gp_kind kind)
{
    switch (kind) {
    case GP_KIND_PROCESS: return strcmp(name, "pid") == 0;
    case GP_KIND_DEVICE: return strcmp(name, "id") == 0;
    case GP_KIND_CONTEXT:
    case GP_KIND_STREAM: return strcmp(name, "id") == 0;
    default: return 0;
    }
}

static int is_time(const char *name)
{
    return strcmp(name, "start_ns") == 0 || strcmp(name, "ts_ns") == 0;
}

void rec_random(gp_record *r, gp_kind kind, uint64_t seed, int64_t unique,
                const gp_strid *strs, size_t nstrs)
{
    int nf;
    const gp_field *f = gp_kind_fields(kind, &nf);
    unsigned char *base = (unsigned char *)&r->u;

    gp_record_init(r, kind);
    for (int i = 0; i < nf; i++) {
        void *p = base + f[i].offset;
        uint64_t v = mix(&seed);

        if (is_time(f[i].name))
            v = (uint64_t)unique * 1000 + v % 1000;
        else if (is_key(f[i].name, kind))
            v = (uint64_t)unique + 1;
        else if (strcmp(f[i].name, "pid") == 0)
            v = 1 + v % 100000; /* 0 means "the batch's pid" on the wire */
        switch (f[i].type) {
        case GP_F_I32: *(int32_t *)p = (int32_t)v; break;
        case GP_F_BOOL: *(int32_t *)p = (int32_t)(v & 1); break;
        case GP_F_U32: *(uint32_t *)p = (uint32_t)v; break;
        case GP_F_STR: *(gp_strid *)p = nstrs ? strs[v % nstrs] : 0; break;
        case GP_F_I64: *(int64_t *)p = (int64_t)v; break;
        case GP_F_U64: *(uint64_t *)p = v; break;
        case GP_F_F64: *(double *)p = (double)(int64_t)v / 3.0; break;
        }
    }
}

int rec_equal(const gp_record *a, const gp_record *b, const char **field)
{
    int nf;
    const gp_field *f;

    if (a->kind != b->kind) {
        *field = "kind";
        return 0;
    }
    f = gp_kind_fields(a->kind, &nf);
    for (int i = 0; i < nf; i++) {
        size_t sz = f[i].type == GP_F_I64 || f[i].type == GP_F_U64 || f[i].type == GP_F_F64 ? 8 : 4;
        if (memcmp((const unsigned char *)&a->u + f[i].offset,
                   (const unsigned char *)&b->u + f[i].offset, sz) != 0) {
            *field = f[i].name;
            return 0;
        }
    }
    return 1;
}
