// Pointwise activations, one grid-stride pass. The exact (non-fast-math) tanhf/expf keep the results
// within a few ulp of the double reference.
#include <cmath>
#include "common.cuh"
#include "indexing.cuh"

namespace sd {

__device__ inline float act_forward(int act, float alpha, float x) {
    switch (act) {
        case SD_ACT_RELU: return x > 0.f || isnan(x) ? x : 0.f;
        case SD_ACT_LEAKY_RELU: return x > 0.f || isnan(x) ? x : alpha * x;
        case SD_ACT_TANH: return tanhf(x);
        case SD_ACT_SIGMOID: return 1.f / (1.f + expf(-x));
        case SD_ACT_SIGN: return isnan(x) ? x : (x >= 0.f ? 1.f : -1.f);
        default: return x;
    }
}

__device__ inline float act_backward(int act, float alpha, const float* x, const float* y, float dy, long long i) {
    switch (act) {
        case SD_ACT_RELU: return x[i] > 0.f ? dy : 0.f;
        case SD_ACT_LEAKY_RELU: return x[i] > 0.f ? dy : alpha * dy;
        case SD_ACT_TANH: return dy * (1.f - y[i] * y[i]);
        case SD_ACT_SIGMOID: return dy * y[i] * (1.f - y[i]);
        case SD_ACT_SIGN: return 0.f;
        default: return dy;
    }
}

__global__ void activation_forward(int act, float alpha, long long count, const float* x, float* y) {
    for (long long i : grid_stride(count))
        y[i] = act_forward(act, alpha, x[i]);
}

__global__ void activation_backward(int act, float alpha, long long count, const float* x, const float* y,
                                    const float* dy, float* dx) {
    for (long long i : grid_stride(count))
        dx[i] = act_backward(act, alpha, x, y, dy[i], i);
}

}  // namespace sd

extern "C" {

int sd_activation_forward(int act, float alpha, long long count, const float* d_x, float* d_y, void* stream) {
    SD_REQUIRE(act >= SD_ACT_IDENTITY && act <= SD_ACT_SIGN && count >= 0, SD_ERR_BAD_ARGUMENT);
    if (count == 0) return 0;
    SD_REQUIRE(d_x && d_y, SD_ERR_BAD_ARGUMENT);
    sd::activation_forward<<<sd::blocks_for(count), sd::kThreads, 0, (cudaStream_t) stream>>>(act, alpha, count, d_x,
                                                                                             d_y);
    return sd::launched();
}

int sd_activation_backward(int act, float alpha, long long count, const float* d_x, const float* d_y,
                           const float* d_dy, float* d_dx, void* stream) {
    SD_REQUIRE(act >= SD_ACT_IDENTITY && act <= SD_ACT_SIGN && count >= 0, SD_ERR_BAD_ARGUMENT);
    if (count == 0) return 0;
    bool needs_x = act == SD_ACT_RELU || act == SD_ACT_LEAKY_RELU, needs_y = act == SD_ACT_TANH || act == SD_ACT_SIGMOID;
    SD_REQUIRE(d_dy && d_dx && (d_x || !needs_x) && (d_y || !needs_y), SD_ERR_BAD_ARGUMENT);
    sd::activation_backward<<<sd::blocks_for(count), sd::kThreads, 0, (cudaStream_t) stream>>>(act, alpha, count,
            d_x, d_y, d_dy, d_dx);
    return sd::launched();
}

}  // extern "C"
