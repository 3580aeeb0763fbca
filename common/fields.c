/* fields.c: offset/type descriptors of every record kind's fields. */
#include "config.h"

#include <stddef.h>

#include "event.h"
#include "fields.h"


#define DEFINE_FIELDS(KIND, member, LIST)         \
    static const gp_field fields_##member[] = {  \
        LIST(DESC_##member)                      \
    };
/* One descriptor macro per kind, since the struct type must be spelled out. */
#define DESC_process(n, T) { #n, GP_F_##T, (unsigned short)offsetof(gp_process, n) },
#define DESC_device(n, T) { #n, GP_F_##T, (unsigned short)offsetof(gp_device, n) },
#define DESC_context(n, T) { #n, GP_F_##T, (unsigned short)offsetof(gp_context, n) },
#define DESC_stream(n, T) { #n, GP_F_##T, (unsigned short)offsetof(gp_stream, n) },
#define DESC_kernel(n, T) { #n, GP_F_##T, (unsigned short)offsetof(gp_kernel, n) },
#define DESC_memcpy(n, T) { #n, GP_F_##T, (unsigned short)offsetof(gp_memcpy, n) },
#define DESC_memset(n, T) { #n, GP_F_##T, (unsigned short)offsetof(gp_memset, n) },
#define DESC_sync(n, T) { #n, GP_F_##T, (unsigned short)offsetof(gp_sync, n) },
#define DESC_api(n, T) { #n, GP_F_##T, (unsigned short)offsetof(gp_api, n) },
#define DESC_nvtx(n, T) { #n, GP_F_##T, (unsigned short)offsetof(gp_nvtx, n) },
#define DESC_metric(n, T) { #n, GP_F_##T, (unsigned short)offsetof(gp_metric, n) },
#define DESC_dropped(n, T) { #n, GP_F_##T, (unsigned short)offsetof(gp_dropped, n) },
#define DESC_cosched(n, T) { #n, GP_F_##T, (unsigned short)offsetof(gp_cosched, n) },
#define DESC_overhead(n, T) { #n, GP_F_##T, (unsigned short)offsetof(gp_overhead, n) },
#define DESC_extcorr(n, T) { #n, GP_F_##T, (unsigned short)offsetof(gp_extcorr, n) },

GP_FOR_EACH_KIND(DEFINE_FIELDS)

#define TABLE_ENTRY(KIND, member, LIST) \
    [GP_KIND_##KIND] = { fields_##member, (int)(sizeof fields_##member / sizeof fields_##member[0]) },

static const struct {
    const gp_field *fields;
    int count;
} kind_fields[GP_KIND_COUNT] = {
    GP_FOR_EACH_KIND(TABLE_ENTRY)
};

const gp_field *gp_kind_fields(int kind, int *count)
{
    if (kind < 0 || kind >= GP_KIND_COUNT) {
        *count = 0;
        return NULL;
    }
    *count = kind_fields[kind].count;
    return kind_fields[kind].fields;
}
