/* findings.h: helpers the finding producers share. Internal to analyzer/. */
#ifndef GP_FINDINGS_H
#define GP_FINDINGS_H

#include "analyzer/analyses/analyze.h"

/* Severity from the share of the basis a finding costs:
 * >= 20 % critical, >= 5 % warning, else info. */
int gp_severity_for(int64_t cost_ns, int64_t basis_ns);

/* Sets cost, recoverable, basis and what-if; severity from recoverable/basis. */
void gp_finding_set_cost(gp_finding *f, int64_t cost_ns, int64_t recoverable_ns, int64_t basis_ns);

/* A short name of a device for titles: "GPU 0". */
const char *gp_device_label(int32_t device, char *buf, size_t cap);

/* Appends printf-style text to a fixed buffer, never overflowing. */
void gp_strappend(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
