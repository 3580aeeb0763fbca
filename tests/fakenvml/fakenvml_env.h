/* fakenvml_env.h: for the tests that load the fake NVML: clears every
 * FAKENVML_* switch (tests/fakenvml/fakenvml.c documents them) and points
 * gpumon at the fake, so each case starts from the fake's defaults (2 GPUs,
 * GPM, latencies on). The fake reads its switches at nvmlInit. */
#ifndef GP_FAKENVML_ENV_H
#define GP_FAKENVML_ENV_H

#include <stdlib.h>

static inline void fakenvml_env_reset(const char *fake_path)
{
    static const char *const vars[] = { "FAKENVML_GPUS", "FAKENVML_NAME", "FAKENVML_GPM",
                                        "FAKENVML_PIDS", "FAKENVML_FAIL", "FAKENVML_LOST",
                                        "FAKENVML_NO", "FAKENVML_TIME", "FAKENVML_LATENCY",
                                        "FAKENVML_HANG", "FAKENVML_SERIAL" };
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        unsetenv(vars[i]);
    setenv("GPUPACK_NVML_PATH", fake_path, 1);
}

#endif
