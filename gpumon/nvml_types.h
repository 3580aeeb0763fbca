/* nvml_types.h: the part of the NVML ABI gpupack uses, declared here because
 * no nvml.h may be used (Debian main has none, and the build must not need
 * the CUDA toolkit). Private: included by the gpumon/ sources and by the fake
 * library in tests/fakenvml, so the two are compiled against one declaration.
 *
 * Layouts, enum values and versioned names follow NVML API 12/13 (checked
 * against the public nvml.h; see docs/cupti-notes.md section 5):
 *   - every function is looked up by its VERSIONED name (nvmlInit_v2, ...);
 *     the header's `#define nvmlInit nvmlInit_v2` mappings do not apply to
 *     dlsym;
 *   - nvmlGpmMetricsGet_t embeds metrics[NVML_GPM_METRIC_MAX]; MAX grew
 *     98 -> 210 -> 333 while the struct version stayed 1, so we declare 333;
 *   - nvmlGpmSample_t is an opaque handle (one pointer, passed by value).
 */
#ifndef GP_NVML_TYPES_H
#define GP_NVML_TYPES_H

typedef enum nvmlReturn_enum {
    NVML_SUCCESS = 0,
    NVML_ERROR_UNINITIALIZED = 1,
    NVML_ERROR_INVALID_ARGUMENT = 2,
    NVML_ERROR_NOT_SUPPORTED = 3,
    NVML_ERROR_NO_PERMISSION = 4,
    NVML_ERROR_NOT_FOUND = 6,
    NVML_ERROR_INSUFFICIENT_SIZE = 7,
    NVML_ERROR_DRIVER_NOT_LOADED = 9,
    NVML_ERROR_LIBRARY_NOT_FOUND = 12,
    NVML_ERROR_FUNCTION_NOT_FOUND = 13,
    NVML_ERROR_GPU_IS_LOST = 15,
    NVML_ERROR_UNKNOWN = 999
} nvmlReturn_t;

typedef struct nvmlDevice_st *nvmlDevice_t;
typedef struct nvmlGpmSample_st *nvmlGpmSample_t;

typedef enum nvmlClockType_enum {
    NVML_CLOCK_GRAPHICS = 0,
    NVML_CLOCK_SM = 1,
    NVML_CLOCK_MEM = 2,
    NVML_CLOCK_VIDEO = 3
} nvmlClockType_t;

typedef enum nvmlTemperatureSensors_enum { NVML_TEMPERATURE_GPU = 0 } nvmlTemperatureSensors_t;

/* nvmlDeviceGetPcieThroughput counters; the value is in KB/s (KiB: 1024). */
typedef enum nvmlPcieUtilCounter_enum {
    NVML_PCIE_UTIL_TX_BYTES = 0,
    NVML_PCIE_UTIL_RX_BYTES = 1
} nvmlPcieUtilCounter_t;

#define NVML_DEVICE_NAME_V2_BUFFER_SIZE 96
#define NVML_DEVICE_UUID_V2_BUFFER_SIZE 96
#define NVML_DEVICE_PCI_BUS_ID_BUFFER_SIZE 32
#define NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE 80
#define NVML_SYSTEM_NVML_VERSION_BUFFER_SIZE 80
/* usedGpuMemory when the driver cannot tell (e.g. under WDDM) */
#define NVML_VALUE_NOT_AVAILABLE_ULL (~0ULL)

typedef struct nvmlPciInfo_st { /* 68 bytes */
    char busIdLegacy[16];
    unsigned int domain;
    unsigned int bus;
    unsigned int device;
    unsigned int pciDeviceId;
    unsigned int pciSubSystemId;
    char busId[NVML_DEVICE_PCI_BUS_ID_BUFFER_SIZE];
} nvmlPciInfo_t;

typedef struct nvmlUtilization_st { /* percent over the driver's last sample period */
    unsigned int gpu;
    unsigned int memory;
} nvmlUtilization_t;

typedef struct nvmlMemory_st { /* v1: used includes the driver's reservation */
    unsigned long long total;
    unsigned long long free;
    unsigned long long used;
} nvmlMemory_t;

typedef struct nvmlMemory_v2_st { /* 40 bytes; used excludes `reserved` */
    unsigned int version;
    unsigned long long total;
    unsigned long long reserved;
    unsigned long long free;
    unsigned long long used;
} nvmlMemory_v2_t;
#define nvmlMemory_v2 ((unsigned int)(sizeof(nvmlMemory_v2_t) | (2u << 24))) /* 0x2000028 */

typedef struct nvmlTemperature_v1_st { /* 12 bytes */
    unsigned int version;
    nvmlTemperatureSensors_t sensorType;
    int temperature;
} nvmlTemperature_t;
#define nvmlTemperature_v1 ((unsigned int)(sizeof(nvmlTemperature_t) | (1u << 24))) /* 0x100000c */

typedef struct nvmlProcessInfo_st { /* 24 bytes: the _v2 and _v3 calls' struct */
    unsigned int pid;
    unsigned long long usedGpuMemory;
    unsigned int gpuInstanceId;
    unsigned int computeInstanceId;
} nvmlProcessInfo_t;

typedef struct nvmlProcessUtilizationSample_st { /* 32 bytes */
    unsigned int pid;
    unsigned long long timeStamp; /* CPU timestamp in microseconds */
    unsigned int smUtil;
    unsigned int memUtil;
    unsigned int encUtil;
    unsigned int decUtil;
} nvmlProcessUtilizationSample_t;

/* GPM (Hopper and newer) */
#define NVML_GPM_METRIC_SM_UTIL 2
#define NVML_GPM_METRIC_ANY_TENSOR_UTIL 5
#define NVML_GPM_METRIC_DRAM_BW_UTIL 10
#define NVML_GPM_METRIC_MAX 333
#define NVML_GPM_METRICS_GET_VERSION 1
#define NVML_GPM_SUPPORT_VERSION 1

typedef struct nvmlGpmMetric_st { /* 40 bytes */
    unsigned int metricId;   /* in */
    nvmlReturn_t nvmlReturn; /* out: value is valid only when 0 */
    double value;            /* out */
    struct {
        char *shortName;
        char *longName;
        char *unit;
    } metricInfo; /* out; may be NULL */
} nvmlGpmMetric_t;

typedef struct nvmlGpmMetricsGet_st {
    unsigned int version;    /* NVML_GPM_METRICS_GET_VERSION */
    unsigned int numMetrics; /* entries of metrics[] in use */
    nvmlGpmSample_t sample1; /* older */
    nvmlGpmSample_t sample2; /* newer */
    nvmlGpmMetric_t metrics[NVML_GPM_METRIC_MAX];
} nvmlGpmMetricsGet_t;

typedef struct nvmlGpmSupport_st {
    unsigned int version; /* NVML_GPM_SUPPORT_VERSION */
    unsigned int isSupportedDevice;
} nvmlGpmSupport_t;

#if defined(__x86_64__) || defined(__aarch64__)
/* The layouts of the real header on 64-bit Linux. */
_Static_assert(sizeof(nvmlPciInfo_t) == 68, "nvmlPciInfo_t");
_Static_assert(sizeof(nvmlMemory_v2_t) == 40, "nvmlMemory_v2_t");
_Static_assert(sizeof(nvmlTemperature_t) == 12, "nvmlTemperature_t");
_Static_assert(sizeof(nvmlProcessInfo_t) == 24, "nvmlProcessInfo_t");
_Static_assert(sizeof(nvmlProcessUtilizationSample_t) == 32, "nvmlProcessUtilizationSample_t");
_Static_assert(sizeof(nvmlGpmMetric_t) == 40, "nvmlGpmMetric_t");
_Static_assert(sizeof(nvmlGpmMetricsGet_t) == 24 + 40 * NVML_GPM_METRIC_MAX, "nvmlGpmMetricsGet_t");
#endif

/* nvmlErrorString: a static English text for a return code. */
typedef const char *nvmlErrorString_fn(nvmlReturn_t result);

/* Every other NVML function gpupack looks up, as X(name, parameter list);
 * all return nvmlReturn_t.
 * gpumon/nvml.c turns the list into a table of pointers filled by dlsym;
 * the fake turns it into prototypes its definitions must match. */
#define GP_NVML_FUNCTIONS(X)                                                              \
    X(nvmlInit_v2, (void))                                                                \
    X(nvmlInit, (void))                                                                   \
    X(nvmlShutdown, (void))                                                               \
    X(nvmlSystemGetDriverVersion, (char *version, unsigned int length))                   \
    X(nvmlSystemGetNVMLVersion, (char *version, unsigned int length))                     \
    X(nvmlSystemGetCudaDriverVersion_v2, (int *cudaDriverVersion))                        \
    X(nvmlSystemGetCudaDriverVersion, (int *cudaDriverVersion))                           \
    X(nvmlDeviceGetCount_v2, (unsigned int *deviceCount))                                 \
    X(nvmlDeviceGetCount, (unsigned int *deviceCount))                                    \
    X(nvmlDeviceGetHandleByIndex_v2, (unsigned int index, nvmlDevice_t *device))          \
    X(nvmlDeviceGetHandleByIndex, (unsigned int index, nvmlDevice_t *device))             \
    X(nvmlDeviceGetName, (nvmlDevice_t device, char *name, unsigned int length))          \
    X(nvmlDeviceGetUUID, (nvmlDevice_t device, char *uuid, unsigned int length))          \
    X(nvmlDeviceGetPciInfo_v3, (nvmlDevice_t device, nvmlPciInfo_t *pci))                 \
    X(nvmlDeviceGetMemoryInfo_v2, (nvmlDevice_t device, nvmlMemory_v2_t *memory))         \
    X(nvmlDeviceGetMemoryInfo, (nvmlDevice_t device, nvmlMemory_t *memory))               \
    X(nvmlDeviceGetMaxClockInfo, (nvmlDevice_t device, nvmlClockType_t type,              \
                                  unsigned int *clock))                                   \
    X(nvmlDeviceGetClockInfo, (nvmlDevice_t device, nvmlClockType_t type,                 \
                               unsigned int *clock))                                      \
    X(nvmlDeviceGetMemoryBusWidth, (nvmlDevice_t device, unsigned int *busWidth))         \
    X(nvmlDeviceGetEnforcedPowerLimit, (nvmlDevice_t device, unsigned int *limit))        \
    X(nvmlDeviceGetPowerManagementLimit, (nvmlDevice_t device, unsigned int *limit))      \
    X(nvmlDeviceGetCudaComputeCapability, (nvmlDevice_t device, int *major, int *minor))  \
    X(nvmlDeviceGetUtilizationRates, (nvmlDevice_t device, nvmlUtilization_t *util))      \
    X(nvmlDeviceGetPowerUsage, (nvmlDevice_t device, unsigned int *power))                \
    X(nvmlDeviceGetTemperatureV, (nvmlDevice_t device, nvmlTemperature_t *temperature))   \
    X(nvmlDeviceGetTemperature, (nvmlDevice_t device, nvmlTemperatureSensors_t sensor,    \
                                 unsigned int *temp))                                     \
    X(nvmlDeviceGetPcieThroughput, (nvmlDevice_t device, nvmlPcieUtilCounter_t counter,   \
                                    unsigned int *value))                                 \
    X(nvmlDeviceGetComputeRunningProcesses_v3, (nvmlDevice_t device,                      \
                                                unsigned int *infoCount,                  \
                                                nvmlProcessInfo_t *infos))                \
    X(nvmlDeviceGetComputeRunningProcesses_v2, (nvmlDevice_t device,                      \
                                                unsigned int *infoCount,                  \
                                                nvmlProcessInfo_t *infos))                \
    X(nvmlDeviceGetProcessUtilization, (nvmlDevice_t device,                              \
                                        nvmlProcessUtilizationSample_t *utilization,      \
                                        unsigned int *processSamplesCount,                \
                                        unsigned long long lastSeenTimeStamp))            \
    X(nvmlGpmQueryDeviceSupport, (nvmlDevice_t device, nvmlGpmSupport_t *gpmSupport))     \
    X(nvmlGpmSampleAlloc, (nvmlGpmSample_t *gpmSample))                                   \
    X(nvmlGpmSampleFree, (nvmlGpmSample_t gpmSample))                                     \
    X(nvmlGpmSampleGet, (nvmlDevice_t device, nvmlGpmSample_t gpmSample))                 \
    X(nvmlGpmMetricsGet, (nvmlGpmMetricsGet_t *metricsGet))

#endif
