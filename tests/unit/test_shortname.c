/* test_shortname.c: the demangler and the short display names.
 *
 * Demangling expectations are GNU c++filt's output for the same names
 * (copied from running c++filt 2.40), from NVIDIA's libraries (libnccl,
 * libcublasLt, libcudnn), g++-mangled mirrors of ATen kernels, and grammar
 * corner cases. Short names were checked by hand against the rules in
 * classify.h. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "analyzer/model/classify.h"
#include "analyzer/model/demangle.h"
#include "tests/tap.h"

#define ELL "\xe2\x80\xa6"
#define FFFD "\xef\xbf\xbd"

static const struct {
    const char *mangled, *want;
} demangled[] = {
    { "_ZN2at6native29vectorized_elementwise_kernelILi4ENS0_15CUDAFunctor_addIfEENS_6detail5ArrayIPcLi3EEEEEviT0_T1_",
      "void at::native::vectorized_elementwise_kernel<4, at::native::CUDAFunctor_add<float>, at::detail::Array<char*, 3> >(int, at::native::CUDAFunctor_add<float>, at::detail::Array<char*, 3>)" },
    { "_ZN2at6native29vectorized_elementwise_kernelILi4EZZZNS0_19launch_clamp_scalarERNS_18TensorIteratorBaseEN3c106ScalarES5_NS0_6detail11ClampLimitsEENKUlvE_clEvENKUlvE0_clEvEUlfE_NS_6detail5ArrayIPcLi2EEEEEviT0_T1_",
      "void at::native::vectorized_elementwise_kernel<4, at::native::launch_clamp_scalar(at::TensorIteratorBase&, c10::Scalar, c10::Scalar, at::native::detail::ClampLimits)::{lambda()#1}::operator()() const::{lambda()#2}::operator()() const::{lambda(float)#1}, at::detail::Array<char*, 2> >(int, at::native::launch_clamp_scalar(at::TensorIteratorBase&, c10::Scalar, c10::Scalar, at::native::detail::ClampLimits)::{lambda()#1}::operator()() const::{lambda()#2}::operator()() const::{lambda(float)#1}, at::detail::Array<char*, 2>)" },
    { "_ZN2at6native18elementwise_kernelILi128ELi2EZNS0_15gpu_kernel_implINS0_15CUDAFunctor_addIdEEEEvRNS_18TensorIteratorBaseERKT_EUliE_EEviT1_",
      "void at::native::elementwise_kernel<128, 2, at::native::gpu_kernel_impl<at::native::CUDAFunctor_add<double> >(at::TensorIteratorBase&, at::native::CUDAFunctor_add<double> const&)::{lambda(int)#1}>(int, at::native::gpu_kernel_impl<at::native::CUDAFunctor_add<double> >(at::TensorIteratorBase&, at::native::CUDAFunctor_add<double> const&)::{lambda(int)#1})" },
    { "_ZN2at6native12_GLOBAL__N_119CatArrayBatchedCopyIN3c108BFloat16EjLi2ELi128ELi1EEEvPT_NS1_25CatArrInputTensorMetadataIS5_T0_XT2_EXT3_EEENS1_16TensorSizeStrideIS8_Lj4EEEiS8_",
      "void at::native::(anonymous namespace)::CatArrayBatchedCopy<c10::BFloat16, unsigned int, 2, 128, 1>(c10::BFloat16*, at::native::(anonymous namespace)::CatArrInputTensorMetadata<c10::BFloat16, unsigned int, 128, 1>, at::native::(anonymous namespace)::TensorSizeStride<unsigned int, 4u>, int, unsigned int)" },
    { "_ZN8internal5gemvx6kernelIifLb0EEENSt9enable_ifIXntT1_EvE4typeE16cublasGemvParamsIT0_XT1_EE",
      "std::enable_if<!(false), void>::type internal::gemvx::kernel<int, float, false>(cublasGemvParams<float, false>)" },
    { "_ZN5cudnn3ops16nchwToNhwcKernelIfffLb0ELb1EL21cudnnKernelDataType_t2EEEvPKT_PT0_",
      "void cudnn::ops::nchwToNhwcKernel<float, float, float, false, true, (cudnnKernelDataType_t)2>(float const*, float*)" },
    { "_Z13gemmk1_kernelIfLi256ELi5ELb0E30cublasGemvTensorStridedBatchedIK6__halfES0_IS1_EEvT3_T4_",
      "void gemmk1_kernel<float, 256, 5, false, cublasGemvTensorStridedBatched<__half const>, cublasGemvTensorStridedBatched<__half> >(cublasGemvTensorStridedBatched<__half const>, cublasGemvTensorStridedBatched<__half>)" },
    { "_Z40ncclDevKernel_AllReduce_Sum_bf16_RING_LL24ncclDevKernelArgsStorageILm4096EE",
      "ncclDevKernel_AllReduce_Sum_bf16_RING_LL(ncclDevKernelArgsStorage<4096ul>)" },
    { "_ZN8cublasLt19splitKreduce_kernelILi32ELi16Ei13__nv_bfloat16S1_fS1_Lb0ES1_S1_S1_Lb1ELb0ELb0ELb0EEEvNS_18cublasSplitKParamsIT4_EEPKT2_PKT8_PT7_PT3_PKS3_SG_PKT9_S7_PSH_PvlPS3_PiSM_SM_SG_SG_SG_SG_SG_",
      "void cublasLt::splitKreduce_kernel<32, 16, int, __nv_bfloat16, __nv_bfloat16, float, __nv_bfloat16, false, __nv_bfloat16, __nv_bfloat16, __nv_bfloat16, true, false, false, false>(cublasLt::cublasSplitKParams<float>, __nv_bfloat16 const*, __nv_bfloat16 const*, __nv_bfloat16*, __nv_bfloat16*, float const*, float const*, __nv_bfloat16 const*, __nv_bfloat16 const*, __nv_bfloat16*, void*, long, float*, int*, float*, float*, float const*, float const*, float const*, float const*, float const*)" },
    { "_Z21volta_sgemm_128x64_nnv",
      "volta_sgemm_128x64_nn()" },
    { "_Z1fPFviE",
      "f(void (*)(int))" },
    { "_Z1fKPFviE",
      "f(void (* const)(int))" },
    { "_Z1fPA10_i",
      "f(int (*) [10])" },
    { "_Z1fM3FooFviE",
      "f(void (Foo::*)(int))" },
    { "_Z1fIJEEvv",
      "void f<>()" },
    { "_Z1fIiJEEvv",
      "void f<int>()" },
    { "_Z1fIL1En2EEvv",
      "void f<(E)-2>()" },
    { "_Z1fILf3f800000EEvv",
      "void f<(float)[3f800000]>()" },
    { "_Z1fIXadsrN1A1BE1cEEvv",
      "void f<&A::B::c>()" },
    { "_ZNKR3Foo3barEv",
      "Foo::bar() const &" },
    { "_ZN3FooC2Ev",
      "Foo::Foo()" },
    { "_ZN3FooD1Ev",
      "Foo::~Foo()" },
    { "_ZN3Foo3barB5cxx11Ev",
      "Foo::bar[abi:cxx11]()" },
    { "_Z3foov.constprop.0.isra.0",
      "foo() [clone .constprop.0] [clone .isra.0]" },
    { "_Z1fIN1AUt0_EEvv",
      "void f<A::{unnamed type#2}>()" },
    { "_Z1fIDv4_fEvv",
      "void f<float __vector(4)>()" },
    { "_Z1fIDhEvv",
      "void f<half>()" },
    { "_Z1fiz",
      "f(int, ...)" },
    { "_ZNSt4pairIPvS0_EC2IS0_RS0_Lb1EEEOT_OT0_",
      "std::pair<void*, void*>::pair<void*, void*&, true>(void*&&, void*&)" },
    { "_ZN5nvtx32v116event_attributesC1IJEEERKNS0_7messageEDpRKT_",
      "nvtx3::v1::event_attributes::event_attributes<>(nvtx3::v1::message const&)" },
    { "_Z15ncclCallocDebugIA4_A12_hE12ncclResult_tPPT_mPKci",
      "ncclResult_t ncclCallocDebug<unsigned char [4][12]>(unsigned char (**) [4][12], unsigned long, char const*, int)" },
    { "_ZGVZN5nvtx32v16domain3getI11nccl_domainLi0EEERKS1_vE1d",
      "guard variable for nvtx3::v1::domain::get<nccl_domain, 0>()::d" },
    /* nested declarators, inside out as C writes them, and numeric clone
     * suffixes: the expected strings are GNU c++filt's (binutils) */
    { "_Z1fPFPFivEvE",
      "f(int (*(*)())())" },
    { "_Z1fPFPFPFivEvEvE",
      "f(int (*(*(*)())())())" },
    { "_Z1fPFPFivEiE",
      "f(int (*(*)(int))())" },
    { "_Z1fPFPA3_ivE",
      "f(int (*(*)()) [3])" },
    { "_Z1fPFRA3_ivE",
      "f(int (& (*)()) [3])" },
    { "_Z1fPFRKPFivEvE",
      "f(int (* const& (*)())())" },
    { "_Z1fPFPM1AFivEvE",
      "f(int (A::**(*)())())" },
    { "_Z1fPM1AFivE",
      "f(int (A::**)())" },
    { "_Z1fA2_PFivE",
      "f(int (* [2])())" },
    { "_Z1fRKPFivE",
      "f(int (* const&)())" },
    { "_Z1fPPFivE",
      "f(int (**)())" },
    { "_Z1fPFivERA2_i",
      "f(int (*)(), int (&) [2])" },
    { "_Z1fPA2_A3_i",
      "f(int (*) [2][3])" },
    { "_Z1fPFPKivE",
      "f(int const* (*)())" },
    { "_Z1fIPFPFivEvEEvv",
      "void f<int (*(*)())()>()" },
    { "_Z1fPFvvRE",
      "f(void (*)() &)" },
    { "_Z1fi.114",
      "f(int) [clone .114]" },
    { "_Z1fi.cold.1",
      "f(int) [clone .cold.1]" },
    { "_Z1fIFPivEEvv",
      "void f<int* ()>()" },
    { "_Z1fIFRivEEvv",
      "void f<int& ()>()" },
    { "_Z1fIPFPivEEvv",
      "void f<int* (*)()>()" },
    { "_Z1fIFPFivEvEEvv",
      "void f<int (*())()>()" },
    { "_Z1fIFvvEEvv",
      "void f<void ()>()" },
    { "_Z1fIPFPKFivEvEEvv",
      "void f<int (*(*)())() const>()" },
    { "_Z1fPFPFivEvE.114",
      "f(int (*(*)())()) [clone .114]" },
    /* found by tests/fuzz/fuzz_demangle.c; expected strings from GNU c++filt
     * (binutils 2.40), which libstdc++'s __cxa_demangle agrees with */
    { "_Z1fKRi",
      "f(int& const)" },
    { "_Z1frRi",
      "f(int& restrict)" },
    { "_Z1fRrOv",
      "f(void&& restrict&)" },
    { "_Z1fOOOf",
      "f(float&&&&)" },
    { "_Z1fDpv",
      "f((void)...)" },
    { "_Z1fKPFDpviE",
      "f((void)... (* const)(int))" },
    { "_Z1fIfEvDTntT_E",
      "void f<float>(decltype (!(float)))" },
    { "_Z1UlfRDpSao",
      "U(long, float, (std::allocator)...&, unsigned __int128)" },
    { "_Z1fILDhtEE",
      "f<(half)[t]>" },
    { "_Z1fIL5float1EEvv",
      "void f<(float)1>()" },
    { "_Z1RKrrrf",
      "R(float restrict const)" },
    { "_Z1fKrFvvE",
      "f(void () restrict const)" },
    { "_ZNKr1A1fEv",
      "A::f() restrict const" },
    { "_ZN1EEvRNV1EEv",
      "E(void, E volatile&, void)" },
    { "_ZNKRooE",
      "operator|| const &" },
    { "_Z1fILentEnE",
      "f<(long double)-[t], __int128>" },
    { "_Z1vIiJEE1fIJEvEv",
      "f<, void> v<int>()" },
    { "_Z1fIiJEE1fIiJES0_Evv",
      "f<int, , f> f<int>(void, void)" },
    { "_Z1fI1fIJEEJEEvv",
      "void f<f<>>()" },
    { "_Z1aIDv00_fEvOv",
      "void a<float __vector(0)>(void&&)" },
    { "_Z1fIXdasrN1BE1cEEvDh",
      "void f<delete[] B::c>(half)" },
    { "_Z1fIiEA1_iv",
      "int (f<int>()) [1]" },
    { "_Z1fAmm1T_vm",
      "f(void [T--], unsigned long)" },
    { "_Z1fIXmm_1TEEvv",
      "void f<--T>()" },
    { "_Z1fIiJcvEE1fT0_IiJEEv",
      "f f<int, char, void>(char<int>, void)" },
    { "_Z1fPA1_FvvE",
      "f(void ( (*) [1])())" },
    { "_Z1fDoFviE",
      "f(void (int) noexcept)" },
    { "_Z1fM1AKDoFvvE",
      "f(void (A::*)() noexcept const)" },
    { "_Z1fKDoDxFviE",
      "f(void (int) transaction_safe noexcept const)" },
    { "_Z1fIXszfp_EEvv",
      "void f<sizeof {parm#1}>()" },
    { "_Z1fPFvvEPFS0_vE",
      "f(void (*)(), void (*(*)())())" },
    { "_Z1fIJEiEvv",
      "void f<, int>()" },
    { "_ZZ1fvEd0_1x",
      "f()::{default arg#2}::x" },
    /* alignof a type: LLVM's llvm-cxxfilt; libstdc++ 12 reads the operand as an
     * expression and fails */
    { "_Z1fIXatiEEvv",
      "void f<alignof (int)>()" },
};

static const struct {
    const char *name;
    size_t width;
    const char *want;
} shorts[] = {
    /* demangled, return type and parameters dropped, namespaces folded, "> >" closed up */
    { "_ZN2at6native29vectorized_elementwise_kernelILi4ENS0_15CUDAFunctor_addIfEENS_6detail5ArrayIPcLi3EEEEEviT0_T1_", 0,
      "vectorized_elementwise_kernel<4, CUDAFunctor_add<float>, Array<char*, 3>>" },
    { "void at::native::vectorized_elementwise_kernel<4, at::native::CUDAFunctor_add<float>, at::detail::Array<char*, 3> >(int, at::native::CUDAFunctor_add<float>, at::detail::Array<char*, 3>)", 0,
      "vectorized_elementwise_kernel<4, CUDAFunctor_add<float>, Array<char*, 3>>" },
    /* too wide: trailing arguments become … */
    { "void at::native::vectorized_elementwise_kernel<4, at::native::CUDAFunctor_add<float>, at::detail::Array<char*, 3> >(int, at::native::CUDAFunctor_add<float>, at::detail::Array<char*, 3>)", 60,
      "vectorized_elementwise_kernel<4, CUDAFunctor_add<float>, " ELL ">" },
    { "void at::native::vectorized_elementwise_kernel<4, at::native::CUDAFunctor_add<float>, at::detail::Array<char*, 3> >(int, at::native::CUDAFunctor_add<float>, at::detail::Array<char*, 3>)", 40,
      "vectorized_elementwise_kernel<4, " ELL ">" },
    /* exactly the width: unchanged */
    { "void at::native::vectorized_elementwise_kernel<4, at::native::CUDAFunctor_add<float>, at::detail::Array<char*, 3> >(int, at::native::CUDAFunctor_add<float>, at::detail::Array<char*, 3>)", 73,
      "vectorized_elementwise_kernel<4, CUDAFunctor_add<float>, Array<char*, 3>>" },
    { "void at::native::vectorized_elementwise_kernel<4, at::native::CUDAFunctor_add<float>, at::detail::Array<char*, 3> >(int, at::native::CUDAFunctor_add<float>, at::detail::Array<char*, 3>)", 72,
      "vectorized_elementwise_kernel<4, CUDAFunctor_add<float>, Array<" ELL ">>" },
    /* a lambda keeps its enclosing function; gpu_kernel_impl<F> keeps F */
    { "_ZN2at6native29vectorized_elementwise_kernelILi4EZZZNS0_19launch_clamp_scalarERNS_18TensorIteratorBaseEN3c106ScalarES5_NS0_6detail11ClampLimitsEENKUlvE_clEvENKUlvE0_clEvEUlfE_NS_6detail5ArrayIPcLi2EEEEEviT0_T1_", 0,
      "vectorized_elementwise_kernel<4, launch_clamp_scalar::{lambda(float)#1}, Array<char*, 2>>" },
    { "_ZN2at6native18elementwise_kernelILi128ELi2EZNS0_15gpu_kernel_implIZZZNS0_12_GLOBAL__N_123direct_copy_kernel_cudaERNS_18TensorIteratorBaseEENKUlvE_clEvENKUlvE0_clEvEUlfE_EEvS5_RKT_EUliE_EEviT1_", 0,
      "elementwise_kernel<128, 2, gpu_kernel_impl<direct_copy_kernel_cuda::{lambda(float)#1}>>" },
    { "_ZN2at6native18elementwise_kernelILi128ELi2EZNS0_15gpu_kernel_implIZZZNS0_12_GLOBAL__N_123direct_copy_kernel_cudaERNS_18TensorIteratorBaseEENKUlvE_clEvENKUlvE0_clEvEUlfE_EEvS5_RKT_EUliE_EEviT1_", 60,
      "elementwise_kernel<128, 2, gpu_kernel_impl<" ELL ">>" },
    /* a library namespace is kept for the kernel's own name */
    { "_ZN7cutlass6KernelI51cutlass_80_tensorop_s1688gemm_256x64_16x4_tn_align1EEvNT_6ParamsE", 0,
      "cutlass::Kernel<cutlass_80_tensorop_s1688gemm_256x64_16x4_tn_align1>" },
    { "_ZN7cutlass6KernelI51cutlass_80_tensorop_s1688gemm_256x64_16x4_tn_align1EEvNT_6ParamsE", 40,
      "cutlass::Kernel<cutlass_80_tensorop_s16" ELL },
    { "void cudnn::detail::dgrad_engine<float, 512, 6, 5, 3, 3, 3, false>(int, int, int, float const*, int, float const*, int, float*, kernel_grad_params, unsigned long long, int, unsigned long long, int, float, int, int, int)", 0,
      "cudnn::dgrad_engine<float, 512, 6, 5, 3, 3, 3, false>" },
    { "_ZN5cudnn3ops16nchwToNhwcKernelIfffLb0ELb1EL21cudnnKernelDataType_t2EEEvPKT_PT0_", 0,
      "cudnn::nchwToNhwcKernel<float, float, float, false, true, (cudnnKernelDataType_t)2>" },
    { "_ZN8internal5gemvx6kernelIifLb0EEENSt9enable_ifIXntT1_EvE4typeE16cublasGemvParamsIT0_XT1_EE", 0,
      "gemvx::kernel<int, float, false>" },
    /* a member type keeps its class template */
    { "void cub::DeviceRadixSortOnesweepKernel<cub::DeviceRadixSortPolicy<long, int, int>::Policy800, false, long, int, int, int>(int*, int*, int*, int const*, long*, long const*, int*, int const*, int, int, int)", 0,
      "cub::DeviceRadixSortOnesweepKernel<DeviceRadixSortPolicy<long, int, int>::Policy800, false, long, int, int, int>" },
    { "void (anonymous namespace)::softmax_warp_forward<float, float, float, 10, true, false>(float*, float const*, int, int, int, bool const*, int, bool)", 0,
      "softmax_warp_forward<float, float, float, 10, true, false>" },
    { "_Z40ncclDevKernel_AllReduce_Sum_bf16_RING_LL24ncclDevKernelArgsStorageILm4096EE", 0,
      "ncclDevKernel_AllReduce_Sum_bf16_RING_LL" },
    { "ncclKernel_AllReduce_RING_LL_Sum_float(ncclWorkElem)", 0, "ncclKernel_AllReduce_RING_LL_Sum_float" },
    /* not C++: left alone (the parenthesis is no parameter list) */
    { "Memcpy HtoD (Pinned -> Device)", 0, "Memcpy HtoD (Pinned -> Device)" },
    { "Memcpy HtoD (Pinned -> Device)", 12, "Memcpy HtoD" ELL },
    { "[CUDA memcpy Host-to-Device]", 0, "[CUDA memcpy Host-to-Device]" },
    { "volta_sgemm_128x64_nn", 0, "volta_sgemm_128x64_nn" },
    { "volta_sgemm_128x64_nn", 10, "volta_sge" ELL },
    { "volta_sgemm_128x64_nn", 1, ELL },
    { "triton_poi_fused_add_cos_sin_0", 0, "triton_poi_fused_add_cos_sin_0" },
    /* a cut mangled name: its identifiers */
    { "_ZN2at6native29vectorized_elementwise_kernelILi4ENS0_15CUDAFunctor_addIfEENS_6det", 0,
      "vectorized_elementwise_kernel<CUDAFunctor_add, float>" },
    { "", 0, "" },
};

/* 1 when s is valid UTF-8 without control characters. */
static int clean_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    while (*p) {
        int n = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3 : (*p & 0xf8) == 0xf0 ? 4 : 0;
        if (n == 0 || (n == 1 && (*p < 0x20 || *p == 0x7f)))
            return 0;
        for (int i = 1; i < n; i++)
            if ((p[i] & 0xc0) != 0x80)
                return 0;
        p += n;
    }
    return 1;
}

static size_t columns(const char *s)
{
    size_t c = 0;

    for (; *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80)
            c++;
    return c;
}

int main(void)
{
    char out[1024], *d;
    size_t n;

    /* ---- the demangler ---- */
    for (size_t i = 0; i < sizeof demangled / sizeof demangled[0]; i++) {
        d = gp_demangle(demangled[i].mangled);
        is_str(d, demangled[i].want, "demangle %.60s", demangled[i].mangled);
        free(d);
    }
    ok(gp_demangle("volta_sgemm_128x64_nn") == NULL, "not mangled: NULL");
    ok(gp_demangle(NULL) == NULL, "NULL: NULL");
    ok(gp_demangle("_Z") == NULL, "bare _Z: NULL");
    ok(gp_demangle("_ZN2at6native29vectorized_elementwise_kernelILi4ENS0_15CUDAFunctor_add") == NULL,
       "a cut name: NULL");
    ok(gp_demangle("_Z3fooS_") == NULL, "substitution out of range: NULL");
    ok(gp_demangle("_Z3fooT_") == NULL, "template parameter out of range: NULL");
    /* a nested name that is a prefix alone is not a name (c++filt rejects it) */
    ok(gp_demangle("_ZNKRSoE") == NULL, "nested name without a last component: NULL");
    ok(gp_demangle("_Z999999999999x") == NULL, "absurd length: NULL");
    /* substitutions that double at each level: 4 levels print, 40 would need 2^40 bytes */
    d = gp_demangle("_Z1fPFvvEPFvS0_S0_EPFvS2_S2_EPFvS4_S4_E");
    like(d, "void (*)(void (*)(void (*)(void (*)(), void (*)()),", "nested function pointers (c++filt agrees)");
    free(d);
    ok(gp_demangle("_Z1fPFvvEPFvS0_S0_EPFvS2_S2_EPFvS4_S4_EPFvS6_S6_EPFvS8_S8_EPFvSA_SA_EPFvSC_SC_EPFvSE_SE_EPFvSG_SG_EPFvSI_SI_EPFvSK_SK_EPFvSM_SM_EPFvSO_SO_EPFvSQ_SQ_EPFvSS_SS_EPFvSU_SU_EPFvSW_SW_EPFvSY_SY_EPFvS10_S10_EPFvS12_S12_EPFvS14_S14_EPFvS16_S16_EPFvS18_S18_EPFvS1A_S1A_EPFvS1C_S1C_EPFvS1E_S1E_EPFvS1G_S1G_EPFvS1I_S1I_EPFvS1K_S1K_EPFvS1M_S1M_EPFvS1O_S1O_EPFvS1Q_S1Q_EPFvS1S_S1S_EPFvS1U_S1U_EPFvS1W_S1W_EPFvS1Y_S1Y_EPFvS20_S20_EPFvS22_S22_EPFvS24_S24_EPFvS26_S26_E") == NULL, "exponential output refused (bounded work)");
    {
        /* deep nesting: refused, no stack overflow */
        size_t depth = 100000;
        char *deep = malloc(2 * depth + 16);
        memcpy(deep, "_Z1f", 4);
        n = 4;
        for (size_t i = 0; i < depth; i++)
            deep[n++] = 'P';
        deep[n++] = 'i';
        deep[n] = '\0';
        ok(gp_demangle(deep) == NULL, "100,000 nested pointers refused");
        gp_kernel_short_name(deep, 30, out, sizeof out);
        ok(clean_utf8(out) && columns(out) <= 30, "... and shown within 30 columns");
        free(deep);
    }

    /* ---- short names ---- */
    for (size_t i = 0; i < sizeof shorts / sizeof shorts[0]; i++) {
        char *r = gp_kernel_short_name(shorts[i].name, shorts[i].width, out, sizeof out);
        ok(r == out, "returns out");
        is_str(out, shorts[i].want, "short name of %.50s at width %zu", shorts[i].name, shorts[i].width);
        ok(!shorts[i].width || columns(out) <= shorts[i].width, "within %zu columns", shorts[i].width);
    }
    gp_kernel_short_name(NULL, 10, out, sizeof out);
    is_str(out, "", "NULL name: empty");
    ok(gp_kernel_short_name("x", 10, NULL, 10) == NULL, "NULL out: NULL, nothing written");
    out[0] = 'x';
    gp_kernel_short_name("abc", 10, out, 0);
    ok(out[0] == 'x', "cap 0: nothing written");

    /* cap shorter than the name: cut at a character boundary, with … when there is room */
    gp_kernel_short_name("volta_sgemm_128x64_nn", 0, out, 1);
    is_str(out, "", "cap 1: empty string");
    gp_kernel_short_name("volta_sgemm_128x64_nn", 0, out, 4);
    is_str(out, "vol", "cap 4: no room for …");
    gp_kernel_short_name("volta_sgemm_128x64_nn", 0, out, 8);
    is_str(out, "volt" ELL, "cap 8: 4 bytes and …");
    gp_kernel_short_name("\xce\xb1\xce\xb2\xce\xb3\xce\xb4\xce\xb5", 0, out, 8); /* αβγδε */
    is_str(out, "\xce\xb1\xce\xb2" ELL, "cap 8 on 2-byte characters: αβ…");
    ok(clean_utf8(out), "... valid UTF-8");

    /* UTF-8: width counts characters and never splits one */
    gp_kernel_short_name("k_\xce\xb1\xce\xb2\xce\xb3_\xe5\x90\x8d\xe5\x89\x8d_\xf0\x9f\x98\x80_end", 0, out, sizeof out);
    is_str(out, "k_\xce\xb1\xce\xb2\xce\xb3_\xe5\x90\x8d\xe5\x89\x8d_\xf0\x9f\x98\x80_end", "UTF-8 kept");
    for (size_t w = 1; w <= 15; w++) {
        gp_kernel_short_name("k_\xce\xb1\xce\xb2\xce\xb3_\xe5\x90\x8d\xe5\x89\x8d_\xf0\x9f\x98\x80_end", w, out,
                             sizeof out);
        ok(clean_utf8(out) && columns(out) == (w < 14 ? w : 14), "UTF-8 at width %zu: %s", w, out);
    }
    gp_kernel_short_name("k_\xce\xb1\xce\xb2\xce\xb3_\xe5\x90\x8d", 6, out, sizeof out);
    is_str(out, "k_\xce\xb1\xce\xb2\xce\xb3" ELL, "cut after the 5th character");
    /* shown form (common/text.h): U+FFFD for each byte that starts no valid
     * character (0xff, 0xfe; 0xc3 before '('; a cut 3-byte form; a
     * surrogate, 3 bytes), control characters as \xHH */
    gp_kernel_short_name("bad\xff\xfe_\xc3\x28_\xe2\x82_\xed\xa0\x80_\x01\x1b[31m\x7f", 0, out, sizeof out);
    is_str(out, "bad" FFFD FFFD "_" FFFD "(_" FFFD FFFD "_" FFFD FFFD FFFD "_\\x01\\x1b[31m\\x7f",
           "invalid bytes and controls in their shown form");

    /* garbage: random bytes and random mangled-looking text, bounded and clean */
    tap_seed(42);
    {
        int bad = 0;
        for (int i = 0; i < 3000; i++) {
            char in[300];
            size_t len = tap_rand() % (sizeof in - 1);
            const char alpha[] = "_ZNIESTLKPRVDFAJXfdilmvc0123456789<>(),: ";
            for (size_t j = 0; j < len; j++)
                in[j] = i % 2 ? (char)(tap_rand() % 255 + 1) : alpha[tap_rand() % (sizeof alpha - 1)];
            if (i % 3 == 0 && len > 2) {
                in[0] = '_';
                in[1] = 'Z';
            }
            in[len] = '\0';
            size_t w = tap_rand() % 80;
            gp_kernel_short_name(in, w, out, 1 + tap_rand() % sizeof out);
            if (!clean_utf8(out) || (w && columns(out) > w))
                bad++;
            free(gp_demangle(in));
        }
        is_int(bad, 0, "3,000 random names: clean UTF-8 within the width");
    }
    {
        /* a 1 MiB name: shown from its start, within the width */
        size_t big = 1u << 20;
        char *huge = malloc(big + 1);
        for (size_t i = 0; i < big; i++)
            huge[i] = "abc<def, ghi::jkl>"[i % 18];
        huge[big] = '\0';
        gp_kernel_short_name(huge, 50, out, sizeof out);
        ok(clean_utf8(out) && columns(out) <= 50 && out[0] == 'a', "1 MiB name: %s", out);
        memcpy(huge, "_ZN", 3);
        gp_kernel_short_name(huge, 50, out, sizeof out);
        ok(clean_utf8(out) && columns(out) <= 50, "1 MiB bogus mangled name: %s", out);
        free(huge);
    }
    return done_testing();
}
