// Helpers shared by the kernel files: launch sizes, argument checks, the status of a launch.
#ifndef SIMDNN_COMMON_CUH
#define SIMDNN_COMMON_CUH

#include <cuda_runtime.h>
#include <climits>
#include "simdnn_cuda.h"

namespace sd {

constexpr int kThreads = 256;

// Grid size for a grid-stride loop over count elements: enough blocks to fill the GPU, never zero.
inline unsigned int blocks_for(long long count) {
    long long b = (count + kThreads - 1) / kThreads;
    if (b < 1) b = 1;
    if (b > 65535LL * 8) b = 65535LL * 8;
    return (unsigned int) b;
}

// The status after a launch: a launch error (bad configuration, no device) or success. Asynchronous
// faults surface at the next sd_stream_sync.
inline int launched() { return (int) cudaGetLastError(); }

inline bool valid_math(int math) { return math >= SD_MATH_FP32 && math <= SD_MATH_FP16; }

inline bool fits_int(long long v) { return v >= 0 && v <= INT_MAX; }

}  // namespace sd

#define SD_REQUIRE(cond, code) \
    do {                       \
        if (!(cond)) return (code); \
    } while (0)

#endif
