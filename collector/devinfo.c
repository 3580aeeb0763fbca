/* devinfo.c: device and stream properties from the CUDA driver. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "devinfo.h"

static int attr(const gp_cuda *cu, CUdevice dev, CUdevice_attribute a)
{
    int v = 0;

    if (cu->DeviceGetAttribute(&v, a, dev) != CUDA_SUCCESS)
        return 0;
    return v;
}

int gp_devinfo_device(const gp_cuda *cu, int ordinal, gp_device *out, gp_devinfo_text *text)
{
    CUdevice dev;
    size_t mem = 0;

    memset(text, 0, sizeof *text);
    if (!cu->lib || cu->DeviceGet(&dev, ordinal) != CUDA_SUCCESS)
        return -1;
    out->id = ordinal;
    if (cu->DeviceGetName(text->name, (int)sizeof text->name, dev) != CUDA_SUCCESS)
        text->name[0] = '\0';
    if (cu->DeviceGetPCIBusId(text->pci_bus_id, (int)sizeof text->pci_bus_id, dev) !=
        CUDA_SUCCESS)
        text->pci_bus_id[0] = '\0';
    if (cu->DeviceGetUuid) {
        CUuuid u;
        if (cu->DeviceGetUuid(&u, dev) == CUDA_SUCCESS) {
            const unsigned char *b = (const unsigned char *)u.bytes;
            snprintf(text->uuid, sizeof text->uuid,
                     "GPU-%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                     b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
                     b[12], b[13], b[14], b[15]);
        }
    }
    out->cc_major = attr(cu, dev, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
    out->cc_minor = attr(cu, dev, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
    out->sm_count = attr(cu, dev, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
    out->sm_clock_khz = attr(cu, dev, CU_DEVICE_ATTRIBUTE_CLOCK_RATE);
    out->mem_clock_khz = attr(cu, dev, CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE);
    out->mem_bus_width_bits = attr(cu, dev, CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH);
    /* Double data rate: two transfers per memory clock. */
    out->mem_bandwidth_bps = 2 * out->mem_clock_khz * 1000 * (out->mem_bus_width_bits / 8);
    if (cu->DeviceTotalMem(&mem, dev) == CUDA_SUCCESS)
        out->mem_bytes = (int64_t)mem;
    out->l2_bytes = attr(cu, dev, CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE);
    out->max_threads_per_sm = attr(cu, dev, CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_MULTIPROCESSOR);
    out->max_blocks_per_sm = attr(cu, dev, CU_DEVICE_ATTRIBUTE_MAX_BLOCKS_PER_MULTIPROCESSOR);
    out->max_regs_per_sm = attr(cu, dev, CU_DEVICE_ATTRIBUTE_MAX_REGISTERS_PER_MULTIPROCESSOR);
    out->max_smem_per_sm_bytes =
        attr(cu, dev, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_MULTIPROCESSOR);
    out->warp_size = attr(cu, dev, CU_DEVICE_ATTRIBUTE_WARP_SIZE);
    return 0;
}

void gp_devinfo_stream(const gp_cuda *cu, CUstream stream, gp_stream *out)
{
    int prio = 0;
    unsigned flags = 0;

    if (cu->StreamGetPriority && cu->StreamGetPriority(stream, &prio) == CUDA_SUCCESS)
        out->priority = prio;
    if (cu->StreamGetFlags && cu->StreamGetFlags(stream, &flags) == CUDA_SUCCESS)
        out->flags = flags & CU_STREAM_NON_BLOCKING ? 1 : 0;
}
