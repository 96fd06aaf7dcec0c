// Block-wide sums for per-column reductions (one block per column, threads striding the rows): partial
// sums in double combined in a fixed tree, so every run gives the same bits.
#ifndef SIMDNN_REDUCE_CUH
#define SIMDNN_REDUCE_CUH

#include "common.cuh"

namespace sd {

// The block-wide sum of v (every thread of a kThreads block calls it; all get the result).
__device__ inline double block_sum(double v) {
    __shared__ double part[kThreads];
    __syncthreads();  // part may still be read by a previous call
    part[threadIdx.x] = v;
    __syncthreads();
    for (int s = kThreads / 2; s > 0; s >>= 1) {
        if (threadIdx.x < s) part[threadIdx.x] += part[threadIdx.x + s];
        __syncthreads();
    }
    return part[0];
}

}  // namespace sd

#endif
