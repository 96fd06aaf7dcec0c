// Fused SGD and Adam steps: the CPU backend's float arithmetic, operation for operation (explicit _rn
// intrinsics where the CPU rounds a product before adding it, so nvcc cannot fuse it into an FMA).
#include <cmath>
#include "common.cuh"
#include "indexing.cuh"

namespace sd {

__global__ void sgd(long long count, float lr, float momentum, float undamp, int nesterov, float l2, float keep,
                    int first, float* w, const float* grad, float* buf) {
    for (long long i : grid_stride(count)) {
        float wv = w[i];
        float g = fmaf(wv, l2, grad[i]);
        float d = g;
        if (momentum != 0.f) {
            float b = first ? g : __fadd_rn(__fmul_rn(buf[i], momentum), __fmul_rn(g, undamp));
            buf[i] = b;
            d = nesterov ? fmaf(b, momentum, g) : b;
        }
        w[i] = __fsub_rn(__fmul_rn(wv, keep), __fmul_rn(d, lr));
    }
}

__global__ void adam(long long count, float b1, float b2, float eps, float l2, float keep, float step_size,
                     float v_scale, float* w, const float* grad, float* m, float* v) {
    float nb1 = 1.f - b1, nb2 = 1.f - b2;
    for (long long i : grid_stride(count)) {
        float wv = w[i];
        float g = fmaf(wv, l2, grad[i]);
        float mv = __fadd_rn(__fmul_rn(m[i], b1), __fmul_rn(g, nb1));
        float vv = __fadd_rn(__fmul_rn(v[i], b2), __fmul_rn(__fmul_rn(g, g), nb2));
        m[i] = mv;
        v[i] = vv;
        float upd = __fdiv_rn(__fmul_rn(mv, step_size), __fadd_rn(__fsqrt_rn(__fmul_rn(vv, v_scale)), eps));
        w[i] = __fsub_rn(__fmul_rn(wv, keep), upd);
    }
}

}  // namespace sd

extern "C" {

int sd_sgd_step(long long count, float lr, float momentum, float dampening, int nesterov, float weight_decay,
                int decoupled, int first_step, float* d_w, const float* d_grad, float* d_buf, void* stream) {
    SD_REQUIRE(count >= 0, SD_ERR_BAD_ARGUMENT);
    if (count == 0) return 0;
    SD_REQUIRE(d_w && d_grad && (momentum == 0.f || d_buf), SD_ERR_BAD_ARGUMENT);
    float l2 = decoupled ? 0.f : weight_decay;
    float keep = decoupled ? 1.f - lr * weight_decay : 1.f;
    sd::sgd<<<sd::blocks_for(count), sd::kThreads, 0, (cudaStream_t) stream>>>(count, lr, momentum, 1.f - dampening,
            nesterov, l2, keep, first_step, d_w, d_grad, d_buf);
    return sd::launched();
}

int sd_adam_step(long long count, float beta1, float beta2, float eps, float weight_decay, int decoupled, float lr,
                 float step_size, float v_scale, float* d_w, const float* d_grad, float* d_m, float* d_v,
                 void* stream) {
    SD_REQUIRE(count >= 0, SD_ERR_BAD_ARGUMENT);
    if (count == 0) return 0;
    SD_REQUIRE(d_w && d_grad && d_m && d_v, SD_ERR_BAD_ARGUMENT);
    float l2 = decoupled ? 0.f : weight_decay;
    float keep = decoupled ? 1.f - lr * weight_decay : 1.f;
    sd::adam<<<sd::blocks_for(count), sd::kThreads, 0, (cudaStream_t) stream>>>(count, beta1, beta2, eps, l2, keep,
            step_size, v_scale, d_w, d_grad, d_m, d_v);
    return sd::launched();
}

}  // extern "C"
