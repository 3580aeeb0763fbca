/* test_cosched_policy.c: the co-scheduler's policies and quantiles, as pure
 * functions. Expected values come from the definitions in cosched.h
 * (nearest-rank quantile; slo: halve over the target, +step under 80 % of
 * it, clamped to [min, max]). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cosched/cosched.h"
#include "cosched/region.h"
#include "tests/tap.h"

#define MS 1000000LL

int main(void)
{
    gp_policy_conf c;
    const gp_policy *slo = gp_policy_find("slo"), *prio = gp_policy_find("priority"),
                    *off = gp_policy_find("off");
    int64_t v[100];

    ok(slo && prio && off, "the three policies exist");
    ok(!gp_policy_find("fifo") && !gp_policy_find(NULL), "unknown names are refused");
    is_int(off->gates, 0, "off never holds training");
    is_int(prio->gates, 1, "priority holds training");
    is_int(slo->gates, 1, "slo holds training");
    is_str(gp_cosched_policy_name(GP_POLICY_SLO), "slo", "names by id");
    is_str(gp_cosched_gate_name(GP_GATE_HOLDING), "holding", "gate state names");
    is_str(gp_cosched_gate_name(99), "?", "unknown gate state");

    gp_policy_conf_default(&c, 10 * MS);
    is_int(c.start_budget_ns, 2 * MS, "default start budget 2 ms");
    /* slo: over the target halves */
    is_int(slo->budget(&c, 4 * MS, 11 * MS, 50), 2 * MS, "p99 over the SLO halves the budget");
    /* under 80 %: + step */
    is_int(slo->budget(&c, 4 * MS, 7 * MS, 50), 4 * MS + c.step_ns, "p99 under 80 %% of the SLO adds a step");
    /* between 80 % and 100 %: unchanged */
    is_int(slo->budget(&c, 4 * MS, 9 * MS, 50), 4 * MS, "p99 within 80-100 %% keeps the budget");
    is_int(slo->budget(&c, 4 * MS, 8 * MS, 50), 4 * MS, "exactly 80 %% keeps it");
    is_int(slo->budget(&c, 4 * MS, 10 * MS, 50), 4 * MS, "exactly at the SLO keeps it");
    /* clamps */
    is_int(slo->budget(&c, c.min_budget_ns, 50 * MS, 50), c.min_budget_ns, "never below the minimum");
    is_int(slo->budget(&c, c.max_budget_ns, 1 * MS, 50), c.max_budget_ns, "never above the maximum");
    /* too few samples, no SLO */
    is_int(slo->budget(&c, 4 * MS, 50 * MS, 5), 4 * MS, "fewer than min_samples: no change");
    c.slo_p99_ns = 0;
    is_int(slo->budget(&c, 4 * MS, 50 * MS, 50), 4 * MS, "no SLO: no change");
    gp_policy_conf_default(&c, 10 * MS);
    is_int(prio->budget(&c, 3 * MS, 50 * MS, 50), 3 * MS, "priority keeps its budget");

    /* repeated decisions converge down then recover: 2 ms -> 1 -> 0.5 ... min */
    {
        int64_t b = 2 * MS;
        for (int i = 0; i < 10; i++)
            b = slo->budget(&c, b, 20 * MS, 50);
        is_int(b, c.min_budget_ns, "a persistent violation drives the budget to the minimum");
        for (int i = 0; i < 4; i++)
            b = slo->budget(&c, b, 1 * MS, 50);
        is_int(b, c.min_budget_ns + 4 * c.step_ns, "then it recovers one step per decision");
    }

    /* nearest-rank quantiles of 1..100 (shuffled): p50 = 50, p99 = 99, p100 = 100 */
    for (int i = 0; i < 100; i++)
        v[i] = (i * 37) % 100 + 1;
    is_int(gp_percentile(v, 100, 0.50), 50, "p50 of 1..100");
    is_int(gp_percentile(v, 100, 0.99), 99, "p99 of 1..100");
    is_int(gp_percentile(v, 100, 1.0), 100, "p100 is the maximum");
    is_int(gp_percentile(v, 100, 0.0), 1, "p0 is the minimum");
    is_int(gp_percentile(v, 0, 0.5), 0, "empty: 0");
    v[0] = 7;
    is_int(gp_percentile(v, 1, 0.99), 7, "one sample is every quantile");
    v[0] = 5; v[1] = 1; v[2] = 3;
    is_int(gp_percentile(v, 3, 0.5), 3, "p50 of {1,3,5} is 3 (rank ceil(1.5) = 2)");
    return done_testing();
}
