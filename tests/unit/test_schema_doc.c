/* test_schema_doc.c: docs/trace-format.md describes every table and column
 * of the schema this build writes (so the doc cannot drift from the code). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/event.h"
#include "common/fields.h"
#include "tests/tap.h"

int main(void)
{
    const char *src = getenv("GP_SRCDIR");
    char path[4096], *doc;
    FILE *f;
    long len;

    snprintf(path, sizeof path, "%s/docs/trace-format.md", src ? src : ".");
    f = fopen(path, "rb");
    if (!f) {
        printf("Bail out! cannot read %s\n", path);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    fseek(f, 0, SEEK_SET);
    doc = calloc(1, (size_t)len + 1);
    if (fread(doc, 1, (size_t)len, f) != (size_t)len)
        len = 0;
    fclose(f);

    for (int k = 0; k < GP_KIND_COUNT; k++) {
        char head[64], col[80];
        char *sec, *end;
        int nf, missing = 0;
        const gp_field *fl = gp_kind_fields(k, &nf);

        snprintf(head, sizeof head, "\n### %s\n", gp_kind_name(k));
        sec = strstr(doc, head);
        ok(sec != NULL, "table %s has a section", gp_kind_name(k));
        if (!sec)
            continue;
        sec += strlen(head);
        end = strstr(sec, "\n### ");
        if (end)
            *end = '\0';
        for (int i = 0; i < nf; i++) {
            snprintf(col, sizeof col, "`%s`", fl[i].name);
            if (!strstr(sec, col)) {
                diag("%s.%s is not described", gp_kind_name(k), fl[i].name);
                missing++;
            }
        }
        if (end)
            *end = '\n';
        is_int(missing, 0, "every column of %s is described", gp_kind_name(k));
    }
    free(doc);
    return done_testing();
}
