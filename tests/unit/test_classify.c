/* test_classify.c: kernel names to class, precision and tensor cores, and
 * HTA's kernel type. Expected values come from docs/kernel-names.md (the
 * table of the 60 longest-running kernels, section 2's families, the
 * ambiguous cases) and docs/hta-semantics.md section 5, not from the code.
 *
 * Names: the 60 are the full names from the real traces in
 * samples/traces where the document shortened them with "…"; rows
 * 10, 13, 15, 25, 36, 44 (fbgemm embedding kernels seen only in HTA's test
 * data) and 18, 59 (other instances of kernels in the local traces) are
 * built from the local instance of the same kernel with the template
 * arguments the document shows. Mangled names come from NVIDIA's libraries
 * in the CUDA 13 toolkit (libnccl, libcublasLt, libcudnn) or were mangled by
 * g++ from declarations that mirror ATen's (their c++filt output is the
 * Kineto name beside them). */
#include "config.h"

#include <string.h>

#include "analyzer/model/classify.h"
#include "tests/tap.h"

typedef struct expect {
    int id;
    const char *name;
    gp_kclass kclass;
    gp_precision prec;
    gp_tc tc;
    int rule;
    char sub;
} expect;

/* docs/kernel-names.md section 4, "Top 60 by total duration": # | kind | precision | TC | rule. */
static const expect top60[] = {
    { 1, "ncclKernel_SendRecv_RING_SIMPLE_Sum_int8_t(ncclDevComm*, unsigned long, ncclWork*)",
      GP_KC_COMM, GP_PREC_NA, GP_TC_NO, 2, 0 },
    { 2, "ncclKernel_AllReduce_RING_LL_Sum_float(ncclWorkElem)",
      GP_KC_COMM, GP_PREC_FP32, GP_TC_NO, 2, 0 },
    { 3, "ncclKernel_SendRecv_RING_SIMPLE_Sum_int8_t(ncclWorkElem)",
      GP_KC_COMM, GP_PREC_NA, GP_TC_NO, 2, 0 },
    { 4, "void at::native::vectorized_elementwise_kernel<4, at::native::CUDAFunctor_add<float>, at::detail::Array<char*, 3> >(int, at::native::CUDAFunctor_add<float>, at::detail::Array<char*, 3>)",
      GP_KC_ELEMENTWISE, GP_PREC_FP32, GP_TC_NO, 6, 0 },
    { 5, "Memcpy DtoD (Device -> Device)",
      GP_KC_COPY, GP_PREC_NA, GP_TC_NO, 1, 0 },
    { 6, "Memcpy HtoD (Pinned -> Device)",
      GP_KC_COPY, GP_PREC_NA, GP_TC_NO, 1, 0 },
    { 7, "volta_sgemm_128x32_nt",
      GP_KC_GEMM, GP_PREC_FP32, GP_TC_NO, 5, 'c' },
    { 8, "Memcpy HtoD (Pageable -> Device)",
      GP_KC_COPY, GP_PREC_NA, GP_TC_NO, 1, 0 },
    { 9, "volta_sgemm_32x128_tn",
      GP_KC_GEMM, GP_PREC_FP32, GP_TC_NO, 5, 'c' },
    { 10, "void split_embedding_backward_codegen_rowwise_adagrad_unweighted_kernel_cta_per_row_1<c10::Half, float, c10::Half, 2ul>(at::GenericPackedTensorAccessor<c10::Half, 2ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<float, 1ul, at::RestrictPtrTraits, long>, at::GenericPackedTensorAccessor<float, 1ul, at::RestrictPtrTraits, long>, at::GenericPackedTensorAccessor<float, 2ul, at::RestrictPtrTraits, long>, at::GenericPackedTensorAccessor<int, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<long, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<int, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<long, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<long, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<int, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<int, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<long, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<int, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<int, 1ul, at::RestrictPtrTraits, int>, bool, at::PhiloxCudaState, FixedDivisor, at::GenericPackedTensorAccessor<at::AccumulateType<float, true>::type, 1ul, at::RestrictPtrTraits, long>, at::GenericPackedTensorAccessor<at::AccumulateType<float, true>::type, 1ul, at::RestrictPtrTraits, long>, at::GenericPackedTensorAccessor<int, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<long, 1ul, at::RestrictPtrTraits, int>, float, float, float, long)",
      GP_KC_OTHER, GP_PREC_FP16, GP_TC_NO, 7, 0 },
    { 11, "volta_sgemm_32x128_nn",
      GP_KC_GEMM, GP_PREC_FP32, GP_TC_NO, 5, 'c' },
    { 12, "volta_sgemm_128x64_nn",
      GP_KC_GEMM, GP_PREC_FP32, GP_TC_NO, 5, 'c' },
    { 13, "void split_embedding_backward_codegen_rowwise_adagrad_unweighted_kernel_cta_per_row_1<float, float, float, 5ul>(at::GenericPackedTensorAccessor<float, 2ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<float, 1ul, at::RestrictPtrTraits, long>, at::GenericPackedTensorAccessor<float, 1ul, at::RestrictPtrTraits, long>, at::GenericPackedTensorAccessor<float, 2ul, at::RestrictPtrTraits, long>, at::GenericPackedTensorAccessor<int, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<long, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<int, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<long, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<long, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<int, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<int, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<long, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<int, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<int, 1ul, at::RestrictPtrTraits, int>, bool, at::PhiloxCudaState, FixedDivisor, at::GenericPackedTensorAccessor<at::AccumulateType<float, true>::type, 1ul, at::RestrictPtrTraits, long>, at::GenericPackedTensorAccessor<at::AccumulateType<float, true>::type, 1ul, at::RestrictPtrTraits, long>, at::GenericPackedTensorAccessor<int, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<long, 1ul, at::RestrictPtrTraits, int>, float, float, float, long)",
      GP_KC_OTHER, GP_PREC_FP32, GP_TC_NO, 7, 0 },
    { 14, "volta_sgemm_128x32_nn",
      GP_KC_GEMM, GP_PREC_FP32, GP_TC_NO, 5, 'c' },
    { 15, "void split_embedding_codegen_forward_unweighted_kernel<c10::Half, c10::Half, float, false, long, 2ul, 32ul>(at::GenericPackedTensorAccessor<c10::Half, 1ul, at::RestrictPtrTraits, long>, at::GenericPackedTensorAccessor<float, 1ul, at::RestrictPtrTraits, long>, at::GenericPackedTensorAccessor<float, 2ul, at::RestrictPtrTraits, long>, at::GenericPackedTensorAccessor<int, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<long, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<int, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<long, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<long, 1ul, at::RestrictPtrTraits, int>, long, at::GenericPackedTensorAccessor<int, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<float, 2ul, at::RestrictPtrTraits, int>)",
      GP_KC_OTHER, GP_PREC_FP16, GP_TC_NO, 7, 0 },
    { 16, "void at::native::vectorized_elementwise_kernel<4, at::native::BinaryFunctor<float, float, float, at::native::binary_internal::MulFunctor<float> >, at::detail::Array<char*, 3> >(int, at::native::BinaryFunctor<float, float, float, at::native::binary_internal::MulFunctor<float> >, at::detail::Array<char*, 3>)",
      GP_KC_ELEMENTWISE, GP_PREC_FP32, GP_TC_NO, 6, 0 },
    { 17, "ncclKernel_AllReduce_RING_LL_Sum_float(ncclDevComm*, unsigned long, ncclWork*)",
      GP_KC_COMM, GP_PREC_FP32, GP_TC_NO, 2, 0 },
    { 18, "void cutlass::Kernel<cutlass_80_tensorop_s1688gemm_256x64_16x4_tn_align1>(cutlass_80_tensorop_s1688gemm_256x64_16x4_tn_align1::Params)",
      GP_KC_GEMM, GP_PREC_TF32, GP_TC_YES, 5, 'b' },
    { 19, "volta_sgemm_128x128_tn",
      GP_KC_GEMM, GP_PREC_FP32, GP_TC_NO, 5, 'c' },
    { 20, "void cutlass::Kernel<cutlass_80_tensorop_s1688gemm_256x128_32x3_nt_align1>(cutlass_80_tensorop_s1688gemm_256x128_32x3_nt_align1::Params)",
      GP_KC_GEMM, GP_PREC_TF32, GP_TC_YES, 5, 'b' },
    { 21, "void at::native::reduce_kernel<128, 4, at::native::ReduceOp<float, at::native::func_wrapper_t<float, at::native::sum_functor<float, float, float>::operator()(at::TensorIterator&)::{lambda(float, float)#1}>, unsigned int, float, 4> >(at::native::ReduceOp<float, at::native::func_wrapper_t<float, at::native::sum_functor<float, float, float>::operator()(at::TensorIterator&)::{lambda(float, float)#1}>, unsigned int, float, 4>)",
      GP_KC_REDUCTION, GP_PREC_FP32, GP_TC_NO, 6, 0 },
    { 22, "volta_sgemm_32x128_nt",
      GP_KC_GEMM, GP_PREC_FP32, GP_TC_NO, 5, 'c' },
    { 23, "volta_sgemm_128x64_nt",
      GP_KC_GEMM, GP_PREC_FP32, GP_TC_NO, 5, 'c' },
    { 24, "void cutlass::Kernel<cutlass_80_tensorop_s1688gemm_256x128_32x3_nn_align1>(cutlass_80_tensorop_s1688gemm_256x128_32x3_nn_align1::Params)",
      GP_KC_GEMM, GP_PREC_TF32, GP_TC_YES, 5, 'b' },
    { 25, "void split_embedding_backward_codegen_rowwise_adagrad_unweighted_kernel_warp_per_row_1<c10::Half, float, c10::Half, 2ul>(at::GenericPackedTensorAccessor<c10::Half, 2ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<float, 1ul, at::RestrictPtrTraits, long>, at::GenericPackedTensorAccessor<float, 1ul, at::RestrictPtrTraits, long>, at::GenericPackedTensorAccessor<float, 2ul, at::RestrictPtrTraits, long>, at::GenericPackedTensorAccessor<int, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<long, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<int, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<long, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<long, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<int, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<int, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<int, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<int, 1ul, at::RestrictPtrTraits, int>, int, bool, at::PhiloxCudaState, FixedDivisor, at::GenericPackedTensorAccessor<at::AccumulateType<float, true>::type, 1ul, at::RestrictPtrTraits, long>, at::GenericPackedTensorAccessor<at::AccumulateType<float, true>::type, 1ul, at::RestrictPtrTraits, long>, at::GenericPackedTensorAccessor<int, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<long, 1ul, at::RestrictPtrTraits, int>, float, float, float, long)",
      GP_KC_OTHER, GP_PREC_FP16, GP_TC_NO, 7, 0 },
    { 26, "void multi_tensor_apply_kernel<TensorListMetadata<4>, AdamFunctor<float>, float, float, float, float, float, float, adamMode_t, float, int, int>(int, int volatile*, TensorListMetadata<4>, AdamFunctor<float>, float, float, float, float, float, float, adamMode_t, float, int, int)",
      GP_KC_ELEMENTWISE, GP_PREC_FP32, GP_TC_NO, 6, 0 },
    { 27, "void cub::DeviceRadixSortOnesweepKernel<cub::DeviceRadixSortPolicy<long, int, int>::Policy800, false, long, int, int, int>(int*, int*, int*, int const*, long*, long const*, int*, int const*, int, int, int)",
      GP_KC_OTHER, GP_PREC_INT, GP_TC_NO, 7, 0 },
    { 28, "volta_sgemm_128x32_tn",
      GP_KC_GEMM, GP_PREC_FP32, GP_TC_NO, 5, 'c' },
    { 29, "void at::native::(anonymous namespace)::CatArrayBatchedCopy<float, unsigned int, 2, 128, 1>(float*, at::native::(anonymous namespace)::CatArrInputTensorMetadata<float, unsigned int, 128, 1>, at::native::(anonymous namespace)::TensorSizeStride<unsigned int, 4u>, int, unsigned int)",
      GP_KC_COPY, GP_PREC_FP32, GP_TC_NO, 6, 0 },
    { 30, "void split_embedding_backward_codegen_rowwise_adagrad_unweighted_kernel_cta_per_row_1<float, float, float, 2ul>(at::GenericPackedTensorAccessor<float, 2ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<float, 1ul, at::RestrictPtrTraits, long>, at::GenericPackedTensorAccessor<float, 1ul, at::RestrictPtrTraits, long>, at::GenericPackedTensorAccessor<float, 2ul, at::RestrictPtrTraits, long>, at::GenericPackedTensorAccessor<int, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<long, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<int, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<long, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<long, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<int, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<int, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<long, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<int, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<int, 1ul, at::RestrictPtrTraits, int>, bool, at::PhiloxCudaState, FixedDivisor, at::GenericPackedTensorAccessor<at::AccumulateType<float, true>::type, 1ul, at::RestrictPtrTraits, long>, at::GenericPackedTensorAccessor<at::AccumulateType<float, true>::type, 1ul, at::RestrictPtrTraits, long>, at::GenericPackedTensorAccessor<int, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<long, 1ul, at::RestrictPtrTraits, int>, float, float, float, long)",
      GP_KC_OTHER, GP_PREC_FP32, GP_TC_NO, 7, 0 },
    { 31, "void cudnn::bn_bw_1C11_kernel_new<float, float, float2, 128, true, 1>(float, float, float, float, cudnnTensorStruct, float const*, cudnnTensorStruct, float const*, cudnnTensorStruct, float*, float const*, float*, float*, float const*, float const*, float)",
      GP_KC_REDUCTION, GP_PREC_FP32, GP_TC_NO, 6, 0 },
    { 32, "void at::native::vectorized_elementwise_kernel<4, at::native::BinaryFunctor<float, float, float, at::native::(anonymous namespace)::threshold_kernel_impl<float>(at::TensorIteratorBase&, float, float)::{lambda(float, float)#1}>, at::detail::Array<char*, 3> >(int, at::native::BinaryFunctor<float, float, float, at::native::(anonymous namespace)::threshold_kernel_impl<float>(at::TensorIteratorBase&, float, float)::{lambda(float, float)#1}>, at::detail::Array<char*, 3>)",
      GP_KC_ELEMENTWISE, GP_PREC_FP32, GP_TC_NO, 6, 0 },
    { 33, "void permute_pooled_embs_kernel<float>(float const*, long const*, long const*, long const*, float*, long, long, long)",
      GP_KC_COPY, GP_PREC_FP32, GP_TC_NO, 6, 0 },
    { 34, "void cudnn::bn_bw_1C11_kernel_new<float, float, float2, 32, true, 1>(float, float, float, float, cudnnTensorStruct, float const*, cudnnTensorStruct, float const*, cudnnTensorStruct, float*, float const*, float*, float*, float const*, float const*, float)",
      GP_KC_REDUCTION, GP_PREC_FP32, GP_TC_NO, 6, 0 },
    { 35, "void at::native::elementwise_kernel<128, 2, at::native::gpu_kernel_impl<at::native::CUDAFunctor_add<float> >(at::TensorIteratorBase&, at::native::CUDAFunctor_add<float> const&)::{lambda(int)#1}>(int, at::native::gpu_kernel_impl<at::native::CUDAFunctor_add<float> >(at::TensorIteratorBase&, at::native::CUDAFunctor_add<float> const&)::{lambda(int)#1})",
      GP_KC_ELEMENTWISE, GP_PREC_FP32, GP_TC_NO, 6, 0 },
    { 36, "void split_embedding_codegen_forward_unweighted_kernel<float, float, float, long, 5ul>(at::GenericPackedTensorAccessor<float, 1ul, at::RestrictPtrTraits, long>, at::GenericPackedTensorAccessor<float, 1ul, at::RestrictPtrTraits, long>, at::GenericPackedTensorAccessor<float, 2ul, at::RestrictPtrTraits, long>, at::GenericPackedTensorAccessor<int, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<long, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<int, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<long, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<long, 1ul, at::RestrictPtrTraits, int>, long, at::GenericPackedTensorAccessor<int, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<float, 2ul, at::RestrictPtrTraits, int>)",
      GP_KC_OTHER, GP_PREC_FP32, GP_TC_NO, 7, 0 },
    { 37, "volta_sgemm_64x64_tn",
      GP_KC_GEMM, GP_PREC_FP32, GP_TC_NO, 5, 'c' },
    { 38, "void at::native::vectorized_elementwise_kernel<4, at::native::AUnaryFunctor<float, float, float, at::native::binary_internal::MulFunctor<float> >, at::detail::Array<char*, 2> >(int, at::native::AUnaryFunctor<float, float, float, at::native::binary_internal::MulFunctor<float> >, at::detail::Array<char*, 2>)",
      GP_KC_ELEMENTWISE, GP_PREC_FP32, GP_TC_NO, 6, 0 },
    { 39, "void cudnn::detail::dgrad_engine<float, 512, 6, 5, 3, 3, 3, false>(int, int, int, float const*, int, float const*, int, float*, kernel_grad_params, unsigned long long, int, unsigned long long, int, float, int, int, int)",
      GP_KC_CONV, GP_PREC_FP32, GP_TC_NO, 5, 'd' },
    { 40, "volta_sgemm_64x64_nt",
      GP_KC_GEMM, GP_PREC_FP32, GP_TC_NO, 5, 'c' },
    { 41, "void at::native::elementwise_kernel<128, 2, at::native::gpu_kernel_impl<at::native::(anonymous namespace)::direct_copy_kernel_cuda(at::TensorIteratorBase&)::{lambda()#2}::operator()() const::{lambda()#14}::operator()() const::{lambda(float)#1}>(at::TensorIteratorBase&, at::native::(anonymous namespace)::direct_copy_kernel_cuda(at::TensorIteratorBase&)::{lambda()#2}::operator()() const::{lambda()#14}::operator()() const::{lambda(float)#1} const&)::{lambda(int)#1}>(int, at::native::gpu_kernel_impl<at::native::(anonymous namespace)::direct_copy_kernel_cuda(at::TensorIteratorBase&)::{lambda()#2}::operator()() const::{lambda()#14}::operator()() const::{lambda(float)#1}>(at::TensorIteratorBase&, at::native::(anonymous namespace)::direct_copy_kernel_cuda(at::TensorIteratorBase&)::{lambda()#2}::operator()() const::{lambda()#14}::operator()() const::{lambda(float)#1} const&)::{lambda(int)#1})",
      GP_KC_COPY, GP_PREC_FP32, GP_TC_NO, 6, 0 },
    { 42, "volta_sgemm_64x64_nn",
      GP_KC_GEMM, GP_PREC_FP32, GP_TC_NO, 5, 'c' },
    { 43, "void multi_tensor_apply_kernel<TensorListMetadata<4>, AdamFunctor<float>, float, float, float, float, float, float, adamMode_t, float, int, int>(int, int volatile*, TensorListMetadata<4>, AdamFunctor<float>, float, float, float, float, float, float, adamMode_t, float, int, int)",
      GP_KC_ELEMENTWISE, GP_PREC_FP32, GP_TC_NO, 6, 0 },
    { 44, "void split_embedding_backward_codegen_rowwise_adagrad_unweighted_kernel_warp_per_row_1<float, float, float, 5ul>(at::GenericPackedTensorAccessor<float, 2ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<float, 1ul, at::RestrictPtrTraits, long>, at::GenericPackedTensorAccessor<float, 1ul, at::RestrictPtrTraits, long>, at::GenericPackedTensorAccessor<float, 2ul, at::RestrictPtrTraits, long>, at::GenericPackedTensorAccessor<int, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<long, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<int, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<long, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<long, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<int, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<int, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<int, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<int, 1ul, at::RestrictPtrTraits, int>, int, bool, at::PhiloxCudaState, FixedDivisor, at::GenericPackedTensorAccessor<at::AccumulateType<float, true>::type, 1ul, at::RestrictPtrTraits, long>, at::GenericPackedTensorAccessor<at::AccumulateType<float, true>::type, 1ul, at::RestrictPtrTraits, long>, at::GenericPackedTensorAccessor<int, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<long, 1ul, at::RestrictPtrTraits, int>, float, float, float, long)",
      GP_KC_OTHER, GP_PREC_FP32, GP_TC_NO, 7, 0 },
    { 45, "void at::native::vectorized_elementwise_kernel<4, at::native::(anonymous namespace)::launch_clamp_scalar(at::TensorIteratorBase&, c10::Scalar, c10::Scalar, at::native::detail::ClampLimits)::{lambda()#1}::operator()() const::{lambda()#14}::operator()() const::{lambda(float)#1}, at::detail::Array<char*, 2> >(int, at::native::(anonymous namespace)::launch_clamp_scalar(at::TensorIteratorBase&, c10::Scalar, c10::Scalar, at::native::detail::ClampLimits)::{lambda()#1}::operator()() const::{lambda()#14}::operator()() const::{lambda(float)#1}, at::detail::Array<char*, 2>)",
      GP_KC_ELEMENTWISE, GP_PREC_FP32, GP_TC_NO, 6, 0 },
    { 46, "void at::native::elementwise_kernel<128, 2, at::native::gpu_kernel_impl<at::native::BinaryFunctor<float, float, float, at::native::binary_internal::MulFunctor<float> > >(at::TensorIteratorBase&, at::native::BinaryFunctor<float, float, float, at::native::binary_internal::MulFunctor<float> > const&)::{lambda(int)#1}>(int, at::native::gpu_kernel_impl<at::native::BinaryFunctor<float, float, float, at::native::binary_internal::MulFunctor<float> > >(at::TensorIteratorBase&, at::native::BinaryFunctor<float, float, float, at::native::binary_internal::MulFunctor<float> > const&)::{lambda(int)#1})",
      GP_KC_ELEMENTWISE, GP_PREC_FP32, GP_TC_NO, 6, 0 },
    { 47, "cudnn_infer_volta_scudnn_128x64_relu_medium_nn_v1",
      GP_KC_CONV, GP_PREC_FP32, GP_TC_NO, 5, 'c' },
    { 48, "void epilogue::impl::globalKernel<float, float, float, true, true>(int, int, long, float*, cublasLtEpilogue_t, int, float*, long, void*, long, long, long, float*, long, int*)",
      GP_KC_ELEMENTWISE, GP_PREC_FP32, GP_TC_NO, 5, 'e' },
    { 49, "volta_sgemm_128x64_tn",
      GP_KC_GEMM, GP_PREC_FP32, GP_TC_NO, 5, 'c' },
    { 50, "void cudnn::bn_fw_tr_1C11_kernel_NCHW<float, float, int, 128, true, 1, true>(cudnnTensorStruct, float const*, cudnnTensorStruct, float*, float const*, float const*, float, float, float*, float*, float*, float*, float, float)",
      GP_KC_REDUCTION, GP_PREC_FP32, GP_TC_NO, 6, 0 },
    { 51, "volta_sgemm_32x32_sliced1x4_tn",
      GP_KC_GEMM, GP_PREC_FP32, GP_TC_NO, 5, 'c' },
    { 52, "cudnn_infer_volta_scudnn_128x64_stridedB_interior_nn_v1",
      GP_KC_CONV, GP_PREC_FP32, GP_TC_NO, 5, 'c' },
    { 53, "void at::native::vectorized_elementwise_kernel<4, at::native::FillFunctor<float>, at::detail::Array<char*, 1> >(int, at::native::FillFunctor<float>, at::detail::Array<char*, 1>)",
      GP_KC_ELEMENTWISE, GP_PREC_FP32, GP_TC_NO, 6, 0 },
    { 54, "void split_embedding_codegen_forward_unweighted_kernel<float, float, float, long, 2ul>(at::GenericPackedTensorAccessor<float, 1ul, at::RestrictPtrTraits, long>, at::GenericPackedTensorAccessor<float, 1ul, at::RestrictPtrTraits, long>, at::GenericPackedTensorAccessor<float, 2ul, at::RestrictPtrTraits, long>, at::GenericPackedTensorAccessor<int, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<long, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<int, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<long, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<long, 1ul, at::RestrictPtrTraits, int>, long, at::GenericPackedTensorAccessor<int, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<float, 2ul, at::RestrictPtrTraits, int>)",
      GP_KC_OTHER, GP_PREC_FP32, GP_TC_NO, 7, 0 },
    { 55, "void at::native::(anonymous namespace)::CatArrayBatchedCopy<float, unsigned int, 2, 64, 64>(float*, at::native::(anonymous namespace)::CatArrInputTensorMetadata<float, unsigned int, 64, 64>, at::native::(anonymous namespace)::TensorSizeStride<unsigned int, 4u>, int, unsigned int)",
      GP_KC_COPY, GP_PREC_FP32, GP_TC_NO, 6, 0 },
    { 56, "cudnn_train_volta_scudnn_128x128_stridedB_splitK_medium_nn_v1",
      GP_KC_CONV, GP_PREC_FP32, GP_TC_NO, 5, 'c' },
    { 57, "void cutlass::Kernel<cutlass_80_tensorop_s1688gemm_128x64_32x6_nt_align1>(cutlass_80_tensorop_s1688gemm_128x64_32x6_nt_align1::Params)",
      GP_KC_GEMM, GP_PREC_TF32, GP_TC_YES, 5, 'b' },
    { 58, "void linearize_index_kernel<long>(at::GenericPackedTensorAccessor<long, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<long, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<long, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<int, 1ul, at::RestrictPtrTraits, int>, at::GenericPackedTensorAccessor<long, 1ul, at::RestrictPtrTraits, int>)",
      GP_KC_OTHER, GP_PREC_INT, GP_TC_NO, 9, 0 },
    { 59, "void cudnn::ops::nchwToNhwcKernel<float, float, float, false, true, (cudnnKernelDataType_t)2>(cudnn::ops::nchw2nhwc_params_t<float>, float const*, float*)",
      GP_KC_COPY, GP_PREC_FP32, GP_TC_NO, 6, 0 },
    { 60, "void at::native::reduce_kernel<512, 1, at::native::ReduceOp<float, at::native::func_wrapper_t<float, at::native::sum_functor<float, float, float>::operator()(at::TensorIterator&)::{lambda(float, float)#1}>, unsigned int, float, 4> >(at::native::ReduceOp<float, at::native::func_wrapper_t<float, at::native::sum_functor<float, float, float>::operator()(at::TensorIterator&)::{lambda(float, float)#1}>, unsigned int, float, 4>)",
      GP_KC_REDUCTION, GP_PREC_FP32, GP_TC_NO, 6, 0 },
};

#define C(k) GP_KC_##k
#define P(p) GP_PREC_##p
#define T(t) GP_TC_##t

/* Section 2: one or more names of every family. id: 0. */
static const expect families[] = {
    /* cuBLAS legacy: letter = accumulator, digits = MMA shape => tensor cores */
    { 0, "volta_sgemm_128x64_nn", C(GEMM), P(FP32), T(NO), 5, 'c' },
    { 0, "ampere_sgemm_128x64_nn", C(GEMM), P(FP32), T(NO), 5, 'c' },
    { 0, "volta_dgemm_64x64_nn", C(GEMM), P(FP64), T(NO), 5, 'c' },
    { 0, "volta_h884gemm_256x128_ldg8_nn", C(GEMM), P(FP16), T(YES), 5, 'c' },
    { 0, "volta_fp16_s884gemm_fp16_128x128_ldg8_f2f_nn", C(GEMM), P(FP16), T(YES), 5, 'c' },
    { 0, "turing_fp16_s1688gemm_fp16_256x128_ldg8_f2f_tn", C(GEMM), P(FP16), T(YES), 5, 'c' },
    { 0, "ampere_bf16_s16816gemm_bf16_128x128_ldg8_f2f_stages_64x3_nn", C(GEMM), P(BF16), T(YES), 5, 'c' },
    { 0, "turing_int8_i8816gemm_int8_128x128_ldg16_nt", C(GEMM), P(INT8), T(YES), 5, 'c' },
    { 0, "ampere_int8_i16832gemm_int8_256x128_ldg16_stages_64x3_nt", C(GEMM), P(INT8), T(YES), 5, 'c' },
    { 0, "ampere_gcgemm_64x64_nt", C(GEMM), P(FP32), T(NO), 5, 'c' },
    /* cuBLAS helpers: CUDA cores; split-K = reduction, epilogue = elementwise */
    { 0, "void splitKreduce_kernel<32, 16, int, float, float, float, float, true, false, false>(cublasSplitKParams<float>, float const*, float const*, float*, float const*, float const*, float const*, float const*, float*, void*, long, float*, int*)",
      C(REDUCTION), P(FP32), T(NO), 5, 'e' },
    { 0, "void cublasLt::splitKreduce_kernel<32, 16, int, float, float, float, float, true, true, false>(cublasLt::cublasSplitKParams<float>, float const*, float const*, float*, float const*, float const*, float const*, float const*, float*, void*, long, float*, int*)",
      C(REDUCTION), P(FP32), T(NO), 5, 'e' },
    { 0, "void gemv2N_kernel<int, int, float, float, float, float, 128, 8, 4, 4, 1, false, cublasGemvParams<cublasGemvTensorStridedBatched<float const>, cublasGemvTensorStridedBatched<float const>, cublasGemvTensorStridedBatched<float>, float> >(cublasGemvParams<cublasGemvTensorStridedBatched<float const>, cublasGemvTensorStridedBatched<float const>, cublasGemvTensorStridedBatched<float>, float>)",
      C(GEMM), P(FP32), T(NO), 5, 'e' },
    { 0, "std::enable_if<!(false), void>::type internal::gemvx::kernel<int, int, float, float, float, float, false, true, false, false, 7, cublasGemvParams<cublasGemvTensorStridedBatched<float const>, cublasGemvTensorStridedBatched<float const>, cublasGemvTensorStridedBatched<float>, float> >(cublasGemvParams<cublasGemvTensorStridedBatched<float const>, cublasGemvTensorStridedBatched<float const>, cublasGemvTensorStridedBatched<float>, float>)",
      C(GEMM), P(FP32), T(NO), 5, 'e' },
    { 0, "sgemm_largek_lds64", C(GEMM), P(FP32), T(NO), 5, 'e' },
    { 0, "void scal_kernel<float, float, 1, true, 6, 5, 5, 3>(cublasTransposeParams<float>, float const*, float*, float const*)",
      C(ELEMENTWISE), P(FP32), T(NO), 5, 'e' },
    /* CUTLASS 2.x procedural names: tensorop => tensor cores, fp32 data on m16n8k8 => TF32 (flag a) */
    { 0, "cutlass_80_tensorop_s1688gemm_256x64_16x4_tn_align1", C(GEMM), P(TF32), T(YES), 5, 'b' },
    { 0, "cutlass_80_tensorop_bf16_s16816gemm_relu_bf16_64x64_32x6_tn_align8", C(GEMM), P(BF16), T(YES), 5, 'b' },
    { 0, "cutlass_80_simt_sgemm_128x128_8x4_nn_align1", C(GEMM), P(FP32), T(NO), 5, 'b' },
    { 0, "cutlass_70_wmma_tensorop_f16_s161616gemm_f16_32x32_64x1_tn_align8", C(GEMM), P(FP16), T(YES), 5, 'b' },
    { 0, "void cutlass::Kernel2<cutlass_80_tensorop_d884gemm_128x128_16x3_nn_align1>(cutlass_80_tensorop_d884gemm_128x128_16x3_nn_align1::Params)",
      C(GEMM), P(FP64), T(YES), 5, 'b' },
    /* CUTLASS 3.x: types A, B, accumulator, C, D; tf32gemm = fp32 data rounded to TF32 */
    { 0, "cutlass3x_sm90_tensorop_gemm_f16_f16_f32_void_f16_128x128x64_1x1x1_0_tnn_align8", C(GEMM), P(FP16), T(YES), 5, 'b' },
    { 0, "cutlass3x_sm90_tensorop_tf32gemm_f32_f32_f32_f32_f32_128x128x32_1x2x1_0_tnn_align4", C(GEMM), P(TF32), T(YES), 5, 'b' },
    { 0, "cutlass3x_sm90_tensorop_s64x128x32gemm_e4m3_e4m3_f32_bf16_bf16_128x128x128_1x1x1_0_tnn_align16", C(GEMM), P(FP8), T(YES), 5, 'b' },
    /* templated CUTLASS: element type = precision; TensorOp => tensor cores; FastF32 = 3xTF32 */
    { 0, "void cutlass::Kernel<cutlass::gemm::kernel::Gemm<cutlass::half_t, cutlass::tfloat32_t, cutlass::arch::OpClassTensorOp, cutlass::arch::Sm80, cutlass::gemm::GemmShape<128, 128, 32> > >(cutlass::gemm::kernel::Gemm<cutlass::half_t, cutlass::tfloat32_t, cutlass::arch::OpClassTensorOp, cutlass::arch::Sm80, cutlass::gemm::GemmShape<128, 128, 32> >::Params)",
      C(GEMM), P(FP16), T(YES), 5, 'b' },
    { 0, "void cutlass::Kernel<cutlass::gemm::kernel::Gemm<float, float, cutlass::arch::OpClassSimt, cutlass::arch::Sm80> >(cutlass::gemm::kernel::Gemm<float, float, cutlass::arch::OpClassSimt, cutlass::arch::Sm80>::Params)",
      C(GEMM), P(FP32), T(NO), 5, 'b' },
    { 0, "void cutlass::Kernel<cutlass::gemm::kernel::Gemm<float, float, cutlass::arch::OpClassTensorOp, cutlass::arch::OpMultiplyAddFastF32> >(cutlass::gemm::kernel::Gemm<float, float, cutlass::arch::OpClassTensorOp, cutlass::arch::OpMultiplyAddFastF32>::Params)",
      C(GEMM), P(FP32), T(YES), 5, 'b' },
    /* xmma: gemm / fprop / dgrad / wgrad; 2nd group's first type = MMA input; f32 => TC unknown */
    { 0, "sm80_xmma_fprop_implicit_gemm_indexed_tf32f32_tf32f32_f32_nhwckrsc_nchw_tilesize128x128x16_stage4_warpsize2x2x1_g1_tensor16x8x8",
      C(CONV), P(TF32), T(YES), 5, 'a' },
    { 0, "sm86_xmma_fprop_implicit_gemm_f16f16_f16f32_f32_nhwckrsc_nhwc_tilesize128x128x32_stage4_warpsize2x2x1_g1_tensor16x8x16",
      C(CONV), P(FP16), T(YES), 5, 'a' },
    { 0, "sm90_xmma_gemm_bf16bf16_bf16f32_f32_tn_n_tilesize128x128x64_warpgroupsize1x1x1_execute_segment_k_off_kernel__5x_cublas",
      C(GEMM), P(BF16), T(YES), 5, 'a' },
    { 0, "sm90_xmma_gemm_f32f32_tf32f32_f32_tt_n_tilesize256x64x32_warpgroupsize1x1x1_execute_split_k_kernel__5x_cublas",
      C(GEMM), P(TF32), T(YES), 5, 'a' },
    { 0, "sm90_xmma_gemm_e4m3bf16_e4m3f32_f32_tn_n_tilesize128x128x128_warpgroupsize1x1x1", C(GEMM), P(FP8), T(YES), 5, 'a' },
    { 0, "sm90_xmma_gemm_f64f64_f64f64_f64_nt_n_tilesize128x64x16_warpgroupsize1x1x1", C(GEMM), P(FP64), T(YES), 5, 'a' },
    { 0, "sm80_xmma_dgrad_implicit_gemm_f32f32_f32f32_f32_nhwckrsc_nhwc_tilesize64x64x8_stage3_warpsize1x2x2_g1",
      C(CONV), P(FP32), T(UNKNOWN), 5, 'a' },
    { 0, "sm80_xmma_gemm_f32f32_f32f32_f32_tn_n_tilesize32x128x8_stage3_warpsize1x2x1_ffma_aligna4_alignc4_execute_kernel__5x_cublas",
      C(GEMM), P(FP32), T(NO), 5, 'a' },
    { 0, "sm80_xmma_wgrad_implicit_gemm_indexed_f16f16_f16f32_f32_nhwckrsc_nhwc_tilesize128x128x32_stage4_warpsize2x2x1_g1_tensor16x8x16",
      C(CONV), P(FP16), T(YES), 5, 'a' },
    /* nvjet: GEMM; dtype from the op's inputs */
    { 0, "nvjet_tst_128x256_64x4_2x1_v_bz_coopB_TNT", C(GEMM), P(UNKNOWN), T(UNKNOWN), 5, 'c' },
    { 0, "nvjet_sm100_tst_256x128_64x4_2x1_2cta_v_bz_TNN", C(GEMM), P(UNKNOWN), T(UNKNOWN), 5, 'c' },
    /* cuDNN convolution */
    { 0, "volta_fp16_s884cudnn_fp16_256x128_ldg8_dgrad_f2f_exp_small_nhwc2nchw_tt_v1", C(CONV), P(FP16), T(YES), 5, 'c' },
    { 0, "turing_s1688cudnn_fp16_128x128_ldg8_relu_f2f_exp_medium_nhwc_tn_v1", C(CONV), P(FP16), T(YES), 5, 'c' },
    { 0, "maxwell_scudnn_winograd_128x128_ldg1_ldg4_tile148n_nt", C(CONV), P(FP32), T(NO), 5, 'c' },
    { 0, "void implicit_convolve_sgemm<float, float, 1024, 5, 5, 3, 3, 3, 1, false, false, true>(int, int, int, float const*, int, float*, float const*, kernel_conv_params, unsigned long long, int, float, float, int, float const*, float const*, bool, int, int)",
      C(CONV), P(FP32), T(NO), 5, 'd' },
    { 0, "void precomputed_convolve_sgemm<float, 1024, 5, 5, 4, 3, 3, 1, false>(int, int, int, float const*, int, float*, float const*, kernel_conv_params, unsigned long long, int, float, float, int, float const*, float const*, int*)",
      C(CONV), P(FP32), T(NO), 5, 'd' },
    { 0, "void wgrad_alg0_engine<float, 128, 5, 5, 3, 3, 3, false, 512>(int, int, int, float const*, int, float*, float const*, kernel_grad_params, unsigned long long, int, float, int, int, int, int)",
      C(CONV), P(FP32), T(NO), 5, 'd' },
    { 0, "void fft2d_r2c_32x32<float, false, 0u, false>(float2*, float const*, int, int, int, int, int, int, int, int, int, cudnn::reduced_divisor, bool, int2, int, int)",
      C(CONV), P(FP32), T(NO), 5, 'd' },
    { 0, "void cudnn::winograd_nonfused::winogradForwardData4x4<float, float>(cudnn::winograd_nonfused::WinogradDataParams<float, float>)",
      C(CONV), P(FP32), T(NO), 5, 'd' },
    { 0, "cutlass_tensorop_s1688fprop_optimized_tf32_64x64_32x5_nhwc_align4", C(CONV), P(TF32), T(YES), 5, 'b' },
    /* cuDNN helpers are not convolution math */
    { 0, "void cask_cudnn_infer::computeOffsetsKernel<false, false>(cask_cudnn_infer::ComputeOffsetsParams)",
      C(OTHER), P(UNKNOWN), T(NO), 9, 0 }, /* no type names at all */
    { 0, "void cudnn::ops::nhwcToNchwKernel<float, float, float, true, false, (cudnnKernelDataType_t)0>(cudnn::ops::nhwc2nchw_params_t<float>, float const*, float*)",
      C(COPY), P(FP32), T(NO), 6, 0 },
    /* attention: FA2 fp16/bf16 on tensor cores; mem-efficient f32 at sm80 = 3xTF32 (TC), below = SIMT */
    { 0, "void pytorch_flash::flash_fwd_kernel<pytorch_flash::Flash_fwd_kernel_traits<128, 64, 64, 4, false, false, cutlass::half_t, pytorch_flash::Flash_kernel_traits<128, 64, 64, 4, cutlass::half_t> >, false, true, false, false, true, true, false, false>(pytorch_flash::Flash_fwd_params)",
      C(ATTENTION), P(FP16), T(YES), 3, 0 },
    { 0, "void pytorch_flash::flash_fwd_splitkv_kernel<pytorch_flash::Flash_fwd_kernel_traits<128, 64, 128, 4, false, false, cutlass::bfloat16_t, pytorch_flash::Flash_kernel_traits<128, 64, 128, 4, cutlass::bfloat16_t> >, true, false, false, false, true, false, false, false>(pytorch_flash::Flash_fwd_params)",
      C(ATTENTION), P(BF16), T(YES), 3, 0 },
    { 0, "void pytorch_flash::flash_bwd_dq_dk_dv_loop_seqk_parallel_kernel<pytorch_flash::Flash_bwd_kernel_traits<64, 128, 128, 8, 2, 4, 2, false, false, cutlass::half_t, pytorch_flash::Flash_kernel_traits<64, 128, 128, 8, cutlass::half_t> >, true, false, false, false, false, false>(pytorch_flash::Flash_bwd_params)",
      C(ATTENTION), P(FP16), T(YES), 3, 0 },
    { 0, "fmha_cutlassF_f32_aligned_64x64_rf_sm80(PyTorchMemEffAttention::AttentionKernel<float, cutlass::arch::Sm80, true, 64, 64, 64, true, true>::Params)",
      C(ATTENTION), P(FP32), T(YES), 3, 0 },
    { 0, "fmha_cutlassF_f32_aligned_64x64_rf_sm75(PyTorchMemEffAttention::AttentionKernel<float, cutlass::arch::Sm75, true, 64, 64, 64, true, true>::Params)",
      C(ATTENTION), P(FP32), T(NO), 3, 0 },
    { 0, "fmha_cutlassF_f16_aligned_64x64_rf_sm70(PyTorchMemEffAttention::AttentionKernel<cutlass::half_t, cutlass::arch::Sm70, true, 64, 64, 64, true, true>::Params)",
      C(ATTENTION), P(FP16), T(YES), 3, 0 },
    { 0, "fmha_cutlassB_bf16_aligned_64x64_k128_sm80(PyTorchMemEffAttention::AttentionBackwardKernel<cutlass::arch::Sm80, cutlass::bfloat16_t, true, false, false, 64, 64, 128, false>::Params)",
      C(ATTENTION), P(BF16), T(YES), 3, 0 },
    { 0, "fmha_cutlassF_f16_notaligned_32x128_gmem_sm50(PyTorchMemEffAttention::AttentionKernel<cutlass::half_t, cutlass::arch::Sm50, false, 32, 128, 65536, true, true>::Params)",
      C(ATTENTION), P(FP16), T(NO), 3, 0 },
    /* NCCL < 2.19 and >= 2.19: comm; the reduction type, none for byte-moving collectives */
    { 0, "ncclKernel_AllReduce_RING_LL_Sum_half(ncclWorkElem)", C(COMM), P(FP16), T(NO), 2, 0 },
    { 0, "ncclKernel_AllGather_RING_LL_Sum_int8_t(ncclDevComm*, unsigned long, ncclWork*)", C(COMM), P(NA), T(NO), 2, 0 },
    { 0, "ncclKernel_ReduceScatter_RING_LL_Sum___nv_bfloat16(ncclDevComm*, unsigned long, ncclWork*)", C(COMM), P(BF16), T(NO), 2, 0 },
    { 0, "ncclDevKernel_AllReduce_Sum_bf16_RING_LL(ncclDevKernelArgsStorage<4096ul>)", C(COMM), P(BF16), T(NO), 2, 0 },
    { 0, "ncclDevKernel_ReduceScatter_Sum_f32_TREE_LL(ncclDevKernelArgsStorage<4096ul>)", C(COMM), P(FP32), T(NO), 2, 0 },
    { 0, "ncclDevKernel_SendRecv(ncclDevKernelArgsStorage<4096ul>)", C(COMM), P(NA), T(NO), 2, 0 },
    { 0, "ncclDevKernel_Generic(ncclDevKernelArgsStorage<4096ul>)", C(COMM), P(NA), T(NO), 2, 0 },
    { 0, "ncclSymkDevKernel_AllGather_LL(ncclSymkDevWorkArgs4K)", C(COMM), P(NA), T(NO), 2, 0 },
    /* PyTorch ATen: loops = elementwise (storage dtype); copy; fill; reductions */
    { 0, "void at::native::unrolled_elementwise_kernel<at::native::(anonymous namespace)::direct_copy_kernel_cuda(at::TensorIteratorBase&)::{lambda()#2}::operator()() const::{lambda()#12}::operator()() const::{lambda(double)#1}, at::detail::Array<char*, 2>, TrivialOffsetCalculator<1, unsigned int>, TrivialOffsetCalculator<1, unsigned int>, at::native::memory::LoadWithCast<1>, at::native::memory::StoreWithCast<1> >(int, at::native::(anonymous namespace)::direct_copy_kernel_cuda(at::TensorIteratorBase&)::{lambda()#2}::operator()() const::{lambda()#12}::operator()() const::{lambda(double)#1}, at::detail::Array<char*, 2>, TrivialOffsetCalculator<1, unsigned int>, TrivialOffsetCalculator<1, unsigned int>, at::native::memory::LoadWithCast<1>, at::native::memory::StoreWithCast<1>)",
      C(COPY), P(FP64), T(NO), 6, 0 },
    { 0, "void at::native::vectorized_elementwise_kernel<4, at::native::FillFunctor<c10::Half>, at::detail::Array<char*, 1> >(int, at::native::FillFunctor<c10::Half>, at::detail::Array<char*, 1>)",
      C(ELEMENTWISE), P(FP16), T(NO), 6, 0 },
    { 0, "void at::native::reduce_kernel<512, 1, at::native::ReduceOp<float, at::native::MeanOps<float, float, float, float>, unsigned int, float, 4> >(at::native::ReduceOp<float, at::native::MeanOps<float, float, float, float>, unsigned int, float, 4>)",
      C(REDUCTION), P(FP32), T(NO), 6, 0 },
    { 0, "void (anonymous namespace)::softmax_warp_forward<float, float, float, 10, true, false>(float*, float const*, int, int, int, bool const*, int, bool)",
      C(REDUCTION), P(FP32), T(NO), 6, 0 },
    { 0, "void at::native::(anonymous namespace)::vectorized_layer_norm_kernel<float, float>(int, float, float const*, float const*, float const*, float*, float*, float*)",
      C(REDUCTION), P(FP32), T(NO), 6, 0 },
    { 0, "void at::native::(anonymous namespace)::max_pool_forward_nchw<float, float>(int, float const*, long, long, long, int, int, int, int, int, int, int, int, int, int, float*, long*)",
      C(REDUCTION), P(FP32), T(NO), 6, 0 },
    { 0, "void at::native::(anonymous namespace)::indexSelectLargeIndex<float, int, unsigned int, 1, 1, -2, true>(at::cuda::detail::TensorInfo<float, unsigned int>, at::cuda::detail::TensorInfo<float, unsigned int>, at::cuda::detail::TensorInfo<int, unsigned int>, int, int, unsigned int, unsigned int, long)",
      C(COPY), P(FP32), T(NO), 6, 0 },
    { 0, "void at::native::vectorized_elementwise_kernel<4, at::native::CUDAFunctor_add<long>, at::detail::Array<char*, 3> >(int, at::native::CUDAFunctor_add<long>, at::detail::Array<char*, 3>)",
      C(ELEMENTWISE), P(INT), T(NO), 6, 0 },
    /* Triton (torch.compile): prefix = kind; no precision in the name; tem and old names: TC unknown */
    { 0, "triton_poi_fused_add_cos_sin_0", C(ELEMENTWISE), P(UNKNOWN), T(NO), 4, 0 },
    { 0, "triton_red_fused__softmax_0", C(REDUCTION), P(UNKNOWN), T(NO), 4, 0 },
    { 0, "triton_per_fused_native_layer_norm_1", C(REDUCTION), P(UNKNOWN), T(NO), 4, 0 },
    { 0, "triton_tem_fused_mm_0", C(GEMM), P(UNKNOWN), T(UNKNOWN), 4, 0 },
    { 0, "triton_tem_fused_convolution_2", C(CONV), P(UNKNOWN), T(UNKNOWN), 4, 0 },
    { 0, "triton_for_fused_0", C(ELEMENTWISE), P(UNKNOWN), T(NO), 4, 0 },
    { 0, "triton_spl_fused_cumsum_0", C(REDUCTION), P(UNKNOWN), T(NO), 4, 0 },
    /* AMD rocBLAS/Tensile: MI = matrix cores, S = fp32 */
    { 0, "Cijk_Ailk_Bljk_SB_MT64x64x16_MI16x16x1_SN_1LDSB0_APM1_ABV0_ACED0_AF0EM1_AF1EM1_AMAS2_ASE_ASGT_ASLT_ASAE01_ASCE01_ASEM1",
      C(GEMM), P(FP32), T(YES), 8, 0 },
    { 0, "Cijk_Ailk_Bljk_HHS_BH_MT128x128x32_SN_AMAS3_BL1_GRVW8_LPA8_LPB8", C(GEMM), P(FP16), T(NO), 8, 0 },
    /* R1 memory in Nsight's spelling */
    { 0, "[CUDA memcpy Host-to-Device]", C(COPY), P(NA), T(NO), 1, 0 },
    { 0, "[CUDA memset]", C(COPY), P(NA), T(NO), 1, 0 },
    { 0, "Memset (Device)", C(COPY), P(NA), T(NO), 1, 0 },
};

/* docs/kernel-names.md "further ambiguous cases" and flags. */
static const expect ambiguous[] = {
    /* ampere_sgemm on A100: TF32 off or SIMT chosen: fp32 CUDA cores either way */
    { 0, "ampere_sgemm_32x32_sliced1x4_nt", C(GEMM), P(FP32), T(NO), 5, 'c' },
    /* old Triton names: kind lost */
    { 0, "triton__0d1d2d3d", C(OTHER), P(UNKNOWN), T(UNKNOWN), 4, 0 },
    /* fbgemm fp8 storage conversion, not fp8 math */
    { 0, "void fbgemm_gpu::_float_to_hfp8_cuda_kernel(float const*, int, int, unsigned char*, int, int, float)",
      C(ELEMENTWISE), P(FP8), T(NO), 6, 0 },
    { 0, "void fbgemm_gpu::_FP8rowwise_to_float_cuda_kernel<float>(unsigned char const*, int, int, float*)",
      C(ELEMENTWISE), P(FP8), T(NO), 6, 0 },
    /* gemmk1 on fp16 data: fp16, CUDA cores */
    { 0, "void gemmk1_kernel<float, 256, 5, false, cublasGemvTensorStridedBatched<__half const>, cublasGemvTensorStridedBatched<__half> >(cublasGemvTensorStridedBatched<__half const>, cublasGemvTensorStridedBatched<__half>)",
      C(GEMM), P(FP16), T(NO), 5, 'e' },
    /* complex fp32 GEMM of cuDNN's FFT convolution: counted as gemm */
    { 0, "ampere_gcgemm_64x64_nt", C(GEMM), P(FP32), T(NO), 5, 'c' },
    /* index kernels of type-erased elements: the dtype is not in the name */
    { 0, "void at::native::(anonymous namespace)::CatArrayBatchedCopy_aligned16_contig<at::native::(anonymous namespace)::OpaqueType<4u>, unsigned int, 1, 128, 1>(at::native::(anonymous namespace)::OpaqueType<4u>*, at::native::(anonymous namespace)::CatArrInputTensorMetadata<at::native::(anonymous namespace)::OpaqueType<4u>, unsigned int, 128, 1>, at::native::(anonymous namespace)::TensorSizeStride<unsigned int, 4u>, int, unsigned int)",
      C(COPY), P(UNKNOWN), T(NO), 6, 0 },
};

/* Mangled names (CUPTI's form). Each also appears demangled (PyTorch's form)
 * where the table above or c++filt gives it; both must classify alike. */
static const struct {
    const char *mangled, *demangled; /* demangled: NULL when c++filt cannot demangle it */
    gp_kclass kclass;
    gp_precision prec;
    gp_tc tc;
    int rule;
    char sub;
} mangled[] = {
    { "_ZN2at6native29vectorized_elementwise_kernelILi4ENS0_15CUDAFunctor_addIfEENS_6detail5ArrayIPcLi3EEEEEviT0_T1_",
      "void at::native::vectorized_elementwise_kernel<4, at::native::CUDAFunctor_add<float>, at::detail::Array<char*, 3> >(int, at::native::CUDAFunctor_add<float>, at::detail::Array<char*, 3>)",
      C(ELEMENTWISE), P(FP32), T(NO), 6, 0 },
    { "_ZN2at6native29vectorized_elementwise_kernelILi4ENS0_11FillFunctorIN3c104HalfEEENS_6detail5ArrayIPcLi1EEEEEviT0_T1_",
      "void at::native::vectorized_elementwise_kernel<4, at::native::FillFunctor<c10::Half>, at::detail::Array<char*, 1> >(int, at::native::FillFunctor<c10::Half>, at::detail::Array<char*, 1>)",
      C(ELEMENTWISE), P(FP16), T(NO), 6, 0 },
    { "_ZN2at6native29vectorized_elementwise_kernelILi4ENS0_13BinaryFunctorIfffNS0_15binary_internal10MulFunctorIfEEEENS_6detail5ArrayIPcLi3EEEEEviT0_T1_",
      "void at::native::vectorized_elementwise_kernel<4, at::native::BinaryFunctor<float, float, float, at::native::binary_internal::MulFunctor<float> >, at::detail::Array<char*, 3> >(int, at::native::BinaryFunctor<float, float, float, at::native::binary_internal::MulFunctor<float> >, at::detail::Array<char*, 3>)",
      C(ELEMENTWISE), P(FP32), T(NO), 6, 0 },
    { "_ZN2at6native29vectorized_elementwise_kernelILi4EZZZNS0_19launch_clamp_scalarERNS_18TensorIteratorBaseEN3c106ScalarES5_NS0_6detail11ClampLimitsEENKUlvE_clEvENKUlvE0_clEvEUlfE_NS_6detail5ArrayIPcLi2EEEEEviT0_T1_",
      "void at::native::vectorized_elementwise_kernel<4, at::native::launch_clamp_scalar(at::TensorIteratorBase&, c10::Scalar, c10::Scalar, at::native::detail::ClampLimits)::{lambda()#1}::operator()() const::{lambda()#2}::operator()() const::{lambda(float)#1}, at::detail::Array<char*, 2> >(int, at::native::launch_clamp_scalar(at::TensorIteratorBase&, c10::Scalar, c10::Scalar, at::native::detail::ClampLimits)::{lambda()#1}::operator()() const::{lambda()#2}::operator()() const::{lambda(float)#1}, at::detail::Array<char*, 2>)",
      C(ELEMENTWISE), P(FP32), T(NO), 6, 0 },
    { "_ZN2at6native18elementwise_kernelILi128ELi2EZNS0_15gpu_kernel_implIZZZNS0_12_GLOBAL__N_123direct_copy_kernel_cudaERNS_18TensorIteratorBaseEENKUlvE_clEvENKUlvE0_clEvEUlfE_EEvS5_RKT_EUliE_EEviT1_",
      "void at::native::elementwise_kernel<128, 2, at::native::gpu_kernel_impl<at::native::(anonymous namespace)::direct_copy_kernel_cuda(at::TensorIteratorBase&)::{lambda()#1}::operator()() const::{lambda()#2}::operator()() const::{lambda(float)#1}>(at::TensorIteratorBase&, at::native::(anonymous namespace)::direct_copy_kernel_cuda(at::TensorIteratorBase&)::{lambda()#1}::operator()() const::{lambda()#2}::operator()() const::{lambda(float)#1} const&)::{lambda(int)#1}>(int, at::native::gpu_kernel_impl<at::native::(anonymous namespace)::direct_copy_kernel_cuda(at::TensorIteratorBase&)::{lambda()#1}::operator()() const::{lambda()#2}::operator()() const::{lambda(float)#1}>(at::TensorIteratorBase&, at::native::(anonymous namespace)::direct_copy_kernel_cuda(at::TensorIteratorBase&)::{lambda()#1}::operator()() const::{lambda()#2}::operator()() const::{lambda(float)#1} const&)::{lambda(int)#1})",
      C(COPY), P(FP32), T(NO), 6, 0 },
    { "_ZN2at6native12_GLOBAL__N_119CatArrayBatchedCopyIfjLi2ELi128ELi1EEEvPT_NS1_25CatArrInputTensorMetadataIS3_T0_XT2_EXT3_EEENS1_16TensorSizeStrideIS6_Lj4EEEiS6_",
      "void at::native::(anonymous namespace)::CatArrayBatchedCopy<float, unsigned int, 2, 128, 1>(float*, at::native::(anonymous namespace)::CatArrInputTensorMetadata<float, unsigned int, 128, 1>, at::native::(anonymous namespace)::TensorSizeStride<unsigned int, 4u>, int, unsigned int)",
      C(COPY), P(FP32), T(NO), 6, 0 },
    { "_ZN7cutlass6KernelI51cutlass_80_tensorop_s1688gemm_256x64_16x4_tn_align1EEvNT_6ParamsE",
      "void cutlass::Kernel<cutlass_80_tensorop_s1688gemm_256x64_16x4_tn_align1>(cutlass_80_tensorop_s1688gemm_256x64_16x4_tn_align1::Params)",
      C(GEMM), P(TF32), T(YES), 5, 'b' },
    { "_ZN7cutlass6KernelINS_4gemm6kernel4GemmINS_6half_tENS_10tfloat32_tENS_4arch15OpClassTensorOpENS6_4Sm80ENS1_9GemmShapeILi128ELi128ELi32EEEEEEEvNT_6ParamsE",
      "void cutlass::Kernel<cutlass::gemm::kernel::Gemm<cutlass::half_t, cutlass::tfloat32_t, cutlass::arch::OpClassTensorOp, cutlass::arch::Sm80, cutlass::gemm::GemmShape<128, 128, 32> > >(cutlass::gemm::kernel::Gemm<cutlass::half_t, cutlass::tfloat32_t, cutlass::arch::OpClassTensorOp, cutlass::arch::Sm80, cutlass::gemm::GemmShape<128, 128, 32> >::Params)",
      C(GEMM), P(FP16), T(YES), 5, 'b' },
    { "_ZN13pytorch_flash16flash_fwd_kernelINS_23Flash_fwd_kernel_traitsILi128ELi64ELi64ELi4ELb0ELb0EN7cutlass10bfloat16_tEEELb0ELb1ELb0ELb0ELb1ELb1ELb0EEEvNS_16Flash_fwd_paramsE",
      "void pytorch_flash::flash_fwd_kernel<pytorch_flash::Flash_fwd_kernel_traits<128, 64, 64, 4, false, false, cutlass::bfloat16_t>, false, true, false, false, true, true, false>(pytorch_flash::Flash_fwd_params)",
      C(ATTENTION), P(BF16), T(YES), 3, 0 },
    { "_Z13gemmk1_kernelIfLi256ELi5ELb0E30cublasGemvTensorStridedBatchedIK6__halfES0_IS1_EEvT3_T4_",
      "void gemmk1_kernel<float, 256, 5, false, cublasGemvTensorStridedBatched<__half const>, cublasGemvTensorStridedBatched<__half> >(cublasGemvTensorStridedBatched<__half const>, cublasGemvTensorStridedBatched<__half>)",
      C(GEMM), P(FP16), T(NO), 5, 'e' },
    { "_ZN8internal5gemvx6kernelIifLb0EEENSt9enable_ifIXntT1_EvE4typeE16cublasGemvParamsIT0_XT1_EE",
      "std::enable_if<!(false), void>::type internal::gemvx::kernel<int, float, false>(cublasGemvParams<float, false>)",
      C(GEMM), P(FP32), T(NO), 5, 'e' },
    { "_ZN5cudnn3ops16nchwToNhwcKernelIfffLb0ELb1EL21cudnnKernelDataType_t2EEEvPKT_PT0_",
      "void cudnn::ops::nchwToNhwcKernel<float, float, float, false, true, (cudnnKernelDataType_t)2>(float const*, float*)",
      C(COPY), P(FP32), T(NO), 6, 0 },
    { "_Z22linearize_index_kernelIlEvPT_", "void linearize_index_kernel<long>(long*)", C(OTHER), P(INT), T(NO), 9, 0 },
    { "_Z21volta_sgemm_128x64_nnv", "volta_sgemm_128x64_nn()", C(GEMM), P(FP32), T(NO), 5, 'c' },
    /* libnccl.so.2 (NCCL 2.2x) */
    { "_Z40ncclDevKernel_AllReduce_Sum_bf16_RING_LL24ncclDevKernelArgsStorageILm4096EE",
      "ncclDevKernel_AllReduce_Sum_bf16_RING_LL(ncclDevKernelArgsStorage<4096ul>)", C(COMM), P(BF16), T(NO), 2, 0 },
    { "_Z42ncclDevKernel_AllReduce_Sum_f8e4m3_RING_LL24ncclDevKernelArgsStorageILm4096EE",
      "ncclDevKernel_AllReduce_Sum_f8e4m3_RING_LL(ncclDevKernelArgsStorage<4096ul>)", C(COMM), P(FP8), T(NO), 2, 0 },
    { "_Z22ncclDevKernel_SendRecv24ncclDevKernelArgsStorageILm4096EE",
      "ncclDevKernel_SendRecv(ncclDevKernelArgsStorage<4096ul>)", C(COMM), P(NA), T(NO), 2, 0 },
    /* libcublasLt.so.13: split-K reduction of a bf16 GEMM */
    { "_ZN8cublasLt19splitKreduce_kernelILi32ELi16Ei13__nv_bfloat16S1_fS1_Lb0ES1_S1_S1_Lb1ELb0ELb0ELb0EEEvNS_18cublasSplitKParamsIT4_EEPKT2_PKT8_PT7_PT3_PKS3_SG_PKT9_S7_PSH_PvlPS3_PiSM_SM_SG_SG_SG_SG_SG_", NULL, C(REDUCTION), P(BF16), T(NO), 5, 'e' },
    /* libcudnn_engines_precompiled.so.9: a 1,642-character CUTLASS wgrad kernel on
     * tfloat32_t (c++filt gives up on it; llvm-cxxfilt agrees with our demangler) */
    { "_ZN17cutlass__5x_cudnn6KernelINS_4conv6kernel23ImplicitGemmConvolutionINS1_11threadblock22ImplicitGemmMultistageINS_4gemm9GemmShapeILi128ELi128ELi16EEENS4_52Conv2dWgradOutputGradientTileAccessIteratorOptimizedINS_11MatrixShapeILi128ELi16EEENS_10tfloat32_tENS_9transform29PitchLinearWarpRakedThreadMapINS_16PitchLinearShapeILi128ELi16EEELi128ENSF_ILi8ELi4EEELi4EEENS_12AlignedArrayISC_Li4ELi16EEEEENSD_11threadblock25RegularTileAccessIteratorISB_SC_NS_6layout40ColumnMajorTensorOpMultiplicandCongruousILi32ELi32EEELi1ESI_Li16EEELNS_4arch14CacheOperation4KindE0ENS4_48Conv2dWgradActivationTileAccessIteratorOptimizedINSA_ILi16ELi128EEESC_SI_SK_EENSN_ISW_SC_NSO_37RowMajorTensorOpMultiplicandCongruousILi32ELi32EEELi0ESI_Li16EEELSU_0ENS6_11threadblock9MmaPolicyINS6_4warp11MmaTensorOpINS7_ILi64ELi64ELi16EEESC_SQ_SC_SZ_fNSO_8RowMajorENS13_17MmaTensorOpPolicyINSS_3MmaINS7_ILi16ELi8ELi8EEELi32ESC_S16_SC_NSO_11ColumnMajorEfS16_NSS_13OpMultiplyAddEEENSA_ILi1ELi1EEEEELi1ELb0EbEENSA_ILi0ELi0EEES1G_Li1EEELi4EbEENS_8epilogue11threadblock8EpilogueIS8_S1F_Li1ENS1K_22PredicatedTileIteratorINS1K_26OutputTileOptimalThreadMapINS1K_15OutputTileShapeILi128ELi8ELi2ELi1ELi1EEENS1O_ILi1ELi8ELi1ELi1ELi8EEELi128ELi4ELi32EEEfLb0ENSO_9NoPermuteELb0EEENS1J_4warp24FragmentIteratorTensorOpIS15_S19_fNS_5ArrayIfLi4ELb1EEES16_EENS1U_20TileIteratorTensorOpIS15_S19_fS16_EENS1K_18SharedLoadIteratorINS1R_18CompactedThreadMapEfLi16EEENS1J_6thread17LinearCombinationIfLi4EffLNS24_9ScaleType4KindE0ELNS_15FloatRoundStyleE2EEENSA_ILi0ELi8EEELi2ELi1EEENS11_30GemmIdentityThreadblockSwizzleILi4EEELNS1_8OperatorE2ENS1_17Conv2dProblemSizeELNS1_9GroupModeE0EEEEEvNT_6ParamsE", NULL, C(CONV), P(TF32), T(YES), 5, 'b' },
    /* the same name cut to 800 characters: not demangleable; read from its identifiers */
    { "_ZN17cutlass__5x_cudnn6KernelINS_4conv6kernel23ImplicitGemmConvolutionINS1_11threadblock22ImplicitGemmMultistageINS_4gemm9GemmShapeILi128ELi128ELi16EEENS4_52Conv2dWgradOutputGradientTileAccessIteratorOptimizedINS_11MatrixShapeILi128ELi16EEENS_10tfloat32_tENS_9transform29PitchLinearWarpRakedThreadMapINS_16PitchLinearShapeILi128ELi16EEELi128ENSF_ILi8ELi4EEELi4EEENS_12AlignedArrayISC_Li4ELi16EEEEENSD_11threadblock25RegularTileAccessIteratorISB_SC_NS_6layout40ColumnMajorTensorOpMultiplicandCongruousILi32ELi32EEELi1ESI_Li16EEELNS_4arch14CacheOperation4KindE0ENS4_48Conv2dWgradActivationTileAccessIteratorOptimizedINSA_ILi16ELi128EEESC_SI_SK_EENSN_ISW_SC_NSO_37RowMajorTensorOpMultiplicandCongruousILi32ELi32EEELi0ESI_Li16EEELSU_0ENS6_11threadblock9MmaPolicyINS6_4warp11MmaTensorOpINS7_ILi64ELi64ELi1", NULL, C(CONV), P(TF32), T(YES), 5, 'b' },
    /* a cut ATen name: identifiers and the f (float) code still classify */
    { "_ZN2at6native29vectorized_elementwise_kernelILi4ENS0_15CUDAFunctor_addIfEENS_6det", NULL,
      C(ELEMENTWISE), P(FP32), T(NO), 6, 0 },
};

/* docs/hta-semantics.md section 5, checked in order: communication, memory, other, computation. */
static const struct {
    const char *name;
    gp_hta_type type;
} hta[] = {
    { "ncclKernel_AllReduce_RING_LL_Sum_float(ncclWorkElem)", GP_HTA_COMMUNICATION },
    { "ncclDevKernel_SendRecv(ncclDevKernelArgsStorage<4096ul>)", GP_HTA_COMMUNICATION },
    { "hcclAllReduce", GP_HTA_COMMUNICATION },
    { "hipMemcpyAsync", GP_HTA_COMMUNICATION }, /* "starts with hip" is checked first */
    { "void foo<ncclKernel_x>()", GP_HTA_COMMUNICATION },
    { "Memcpy HtoD (Pinned -> Device)", GP_HTA_MEMORY },
    { "Memset (Device)", GP_HTA_MEMORY },
    { "dma_transfer", GP_HTA_MEMORY },
    { "runFunction", GP_HTA_OTHER },
    { "Stream Wait Event", GP_HTA_OTHER },
    { "cudaLaunchKernel", GP_HTA_OTHER },
    { "cudaDeviceSynchronize", GP_HTA_OTHER },
    { "my_Memcpy_kernel", GP_HTA_OTHER },
    { "[CUDA memcpy Host-to-Device]", GP_HTA_COMPUTATION }, /* no rule matches Nsight's spelling */
    { "volta_sgemm_128x64_nn", GP_HTA_COMPUTATION },
    { "void at::native::vectorized_elementwise_kernel<4, at::native::FillFunctor<float>, at::detail::Array<char*, 1> >(int, at::native::FillFunctor<float>, at::detail::Array<char*, 1>)",
      GP_HTA_COMPUTATION },
    { "", GP_HTA_COMPUTATION },
};

static void check(const char *label, int id, const char *name, gp_kclass k, gp_precision p, gp_tc tc, int rule,
                  char sub)
{
    gp_kinfo got;
    char what[80];

    gp_classify_kernel(name, &got);
    if (id)
        snprintf(what, sizeof what, "%s #%d", label, id);
    else
        snprintf(what, sizeof what, "%s %.50s", label, name);
    if (!ok(got.kclass == k && got.precision == p && got.tensor_core == tc && got.rule == rule &&
                got.subrule == sub,
            "%s", what))
        diag("got %s/%s/%s R%d%c, want %s/%s/%s R%d%c", gp_kclass_name(got.kclass),
             gp_precision_name(got.precision), gp_tc_name(got.tensor_core), got.rule,
             got.subrule ? got.subrule : ' ', gp_kclass_name(k), gp_precision_name(p), gp_tc_name(tc), rule,
             sub ? sub : ' ');
}

static void check_table(const char *label, const expect *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        check(label, t[i].id, t[i].name, t[i].kclass, t[i].prec, t[i].tc, t[i].rule, t[i].sub);
}

int main(void)
{
    gp_kinfo a, b;
    char big[70000];

    check_table("top60", top60, sizeof top60 / sizeof top60[0]);
    is_int(sizeof top60 / sizeof top60[0], 60, "all 60 rows of the table");
    check_table("family", families, sizeof families / sizeof families[0]);
    check_table("ambiguous", ambiguous, sizeof ambiguous / sizeof ambiguous[0]);

    for (size_t i = 0; i < sizeof mangled / sizeof mangled[0]; i++) {
        check("mangled", 0, mangled[i].mangled, mangled[i].kclass, mangled[i].prec, mangled[i].tc, mangled[i].rule,
              mangled[i].sub);
        if (mangled[i].demangled)
            check("demangled", 0, mangled[i].demangled, mangled[i].kclass, mangled[i].prec, mangled[i].tc,
                  mangled[i].rule, mangled[i].sub);
    }

    for (size_t i = 0; i < sizeof hta / sizeof hta[0]; i++)
        is_int(gp_hta_type_of(hta[i].name), hta[i].type, "HTA type of \"%.40s\"", hta[i].name);

    /* names of the API */
    is_str(gp_kclass_name(GP_KC_GEMM), "gemm", "class name");
    is_str(gp_kclass_name(99), "?", "class name out of range");
    is_str(gp_precision_name(GP_PREC_TF32), "tf32", "precision name");
    is_str(gp_precision_name(GP_PREC_INT), "int", "precision name int");
    is_str(gp_tc_name(GP_TC_UNKNOWN), "unknown", "tensor-core name");

    /* degenerate input: always a full answer */
    gp_classify_kernel(NULL, &a);
    ok(a.kclass == GP_KC_OTHER && a.precision == GP_PREC_UNKNOWN && a.rule == 9, "NULL name: other, unknown, R9");
    gp_classify_kernel("", &a);
    ok(a.kclass == GP_KC_OTHER && a.rule == 9, "empty name: R9");
    gp_classify_kernel("_Z", &a);
    ok(a.rule == 9, "bare _Z: R9");
    gp_classify_kernel("_ZN\xff\xfe\x01", &a);
    ok(a.rule == 9, "garbage after _Z: R9");
    memset(big, 'f', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    gp_classify_kernel(big, &a);
    ok(a.rule == 9, "a 70,000-character name");
    memcpy(big, "_ZN", 3);
    gp_classify_kernel(big, &b);
    ok(b.rule == 9, "a 70,000-character bogus mangled name");
    return done_testing();
}
