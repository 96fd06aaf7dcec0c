/**
 * The CUDA backend through java.lang.foreign: {@code libsimdnn_cuda.so} (built by nvcc from
 * {@code native/src/main/cuda}, CUDA runtime linked statically) bound by {@link org.simdnn.ffm.cuda.CudaFunction},
 * per-op device memory in {@link org.simdnn.ffm.cuda.DeviceArena}, the ops in
 * {@link org.simdnn.ffm.cuda.CudaBackend}. See docs/cuda.md.
 */
package org.simdnn.ffm.cuda;
