/* findings.c: the finding list and the helpers producers share. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/analyses/findings.h"

const char *gp_severity_name(int sev)
{
    return sev == GP_SEV_CRITICAL ? "critical" : sev == GP_SEV_WARNING ? "warning" : "info";
}

int gp_severity_parse(const char *s)
{
    if (strcmp(s, "info") == 0)
        return GP_SEV_INFO;
    if (strcmp(s, "warning") == 0)
        return GP_SEV_WARNING;
    if (strcmp(s, "critical") == 0)
        return GP_SEV_CRITICAL;
    return -1;
}

int gp_severity_for(int64_t cost_ns, int64_t basis_ns)
{
    double share = basis_ns > 0 ? (double)cost_ns / (double)basis_ns : 0;

    return share >= 0.20 ? GP_SEV_CRITICAL : share >= 0.05 ? GP_SEV_WARNING : GP_SEV_INFO;
}

void gp_finding_set_cost(gp_finding *f, int64_t cost_ns, int64_t recoverable_ns, int64_t basis_ns)
{
    if (recoverable_ns > basis_ns)
        recoverable_ns = basis_ns;
    if (recoverable_ns < 0)
        recoverable_ns = 0;
    f->cost_ns = cost_ns;
    f->recoverable_ns = recoverable_ns;
    f->basis_ns = basis_ns;
    f->whatif_ns = basis_ns - recoverable_ns;
    f->severity = gp_severity_for(recoverable_ns, basis_ns);
}

const char *gp_device_label(int32_t device, char *buf, size_t cap)
{
    if (device < 0)
        snprintf(buf, cap, "the GPU");
    else
        snprintf(buf, cap, "GPU %d", device);
    return buf;
}

void gp_strappend(char *buf, size_t cap, const char *fmt, ...)
{
    size_t n = strlen(buf);
    va_list ap;

    if (n + 1 >= cap)
        return;
    va_start(ap, fmt);
    vsnprintf(buf + n, cap - n, fmt, ap);
    va_end(ap);
}

gp_finding *gp_analysis_add_finding(gp_analysis *a)
{
    gp_finding *f;

    if (a->n_findings == a->cap_findings) {
        size_t cap = a->cap_findings ? 2 * a->cap_findings : 16;
        gp_finding *p = realloc(a->findings, cap * sizeof *p);
        if (!p)
            return NULL;
        a->findings = p;
        a->cap_findings = cap;
    }
    f = &a->findings[a->n_findings++];
    memset(f, 0, sizeof *f);
    f->device = -1;
    return f;
}
