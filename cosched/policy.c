/* policy.c: the co-scheduler's policies, as a table of pure functions.
 *
 * off:      plain sharing; the gate counts and never waits.
 * priority: training is held while serving is busy; its queued work is
 *           capped at a fixed budget.
 * slo:      priority, plus a feedback loop on the budget: multiplicative
 *           decrease (halve) when the serving p99 is over the target,
 *           additive increase when it is under 80 % of it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cosched.h"
#include "region.h"

static int64_t keep_budget(const gp_policy_conf *c, int64_t cur, int64_t p99, size_t n)
{
    (void)c;
    (void)p99;
    (void)n;
    return cur;
}

static int64_t slo_budget(const gp_policy_conf *c, int64_t cur, int64_t p99, size_t n)
{
    int64_t next = cur;

    if (c->slo_p99_ns <= 0 || n < c->min_samples || p99 <= 0)
        return cur;
    if (p99 > c->slo_p99_ns)
        next = cur / 2;
    else if (p99 * 10 < c->slo_p99_ns * 8)
        next = cur + c->step_ns;
    if (next < c->min_budget_ns)
        next = c->min_budget_ns;
    if (next > c->max_budget_ns)
        next = c->max_budget_ns;
    return next;
}

static const gp_policy policies[] = {
    { "off", GP_POLICY_OFF, 0, keep_budget },
    { "priority", GP_POLICY_PRIORITY, 1, keep_budget },
    { "slo", GP_POLICY_SLO, 1, slo_budget },
};

const gp_policy *gp_policy_find(const char *name)
{
    for (size_t i = 0; name && i < sizeof policies / sizeof policies[0]; i++)
        if (strcmp(policies[i].name, name) == 0)
            return &policies[i];
    return NULL;
}

const gp_policy *gp_policy_get(int id)
{
    for (size_t i = 0; i < sizeof policies / sizeof policies[0]; i++)
        if (policies[i].id == id)
            return &policies[i];
    return NULL;
}

const char *gp_cosched_policy_name(int policy)
{
    const gp_policy *p = gp_policy_get(policy);
    return p ? p->name : "?";
}

const char *gp_cosched_gate_name(int gate)
{
    static const char *const names[] = { "idle", "open", "holding", "draining", "forced" };
    return gate >= 0 && gate < (int)(sizeof names / sizeof names[0]) ? names[gate] : "?";
}

void gp_policy_conf_default(gp_policy_conf *c, int64_t slo_p99_ns)
{
    memset(c, 0, sizeof *c);
    c->slo_p99_ns = slo_p99_ns;
    c->start_budget_ns = 2000000;
    c->min_budget_ns = 100000;
    c->max_budget_ns = 50000000;
    c->step_ns = 250000;
    c->min_samples = 20;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int64_t gp_percentile(int64_t *v, size_t n, double q)
{
    size_t rank;

    if (n == 0)
        return 0;
    qsort(v, n, sizeof *v, cmp_i64);
    if (q <= 0)
        return v[0];
    /* nearest rank: the smallest value with at least q*n values at or below it */
    rank = (size_t)(q * (double)n);
    if ((double)rank < q * (double)n)
        rank++; /* ceil(q n) */
    if (rank < 1)
        rank = 1;
    if (rank > n)
        rank = n;
    return v[rank - 1];
}
