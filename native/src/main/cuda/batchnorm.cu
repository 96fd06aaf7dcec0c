// Batch norm over rows x channels (channels last). One block per channel does that channel's whole
// job: the statistics (two passes in double: the mean, then the centred sum of squares) and the
// normalisation, so no per-channel scratch crosses kernels. Simple and exact; the strided row walk is
// not coalesced, which costs bandwidth on wide layers.
#include <cmath>
#include "indexing.cuh"
#include "reduce.cuh"

namespace sd {

__device__ inline float relu_keep_nan(float v) { return v > 0.f || isnan(v) ? v : 0.f; }

__global__ void bn_train(int rows, int channels, float eps, float momentum, int relu, const float* x,
                         const float* gamma, const float* beta, float* running_mean, float* running_var, float* y,
                         float* save_mean, float* save_inv_std) {
    int j = blockIdx.x;
    double s = 0;
    for (int r = threadIdx.x; r < rows; r += kThreads) s += x[(long long) r * channels + j];
    double mean = block_sum(s) / rows;
    double q = 0;
    for (int r = threadIdx.x; r < rows; r += kThreads) {
        double d = x[(long long) r * channels + j] - mean;
        q += d * d;
    }
    double var = block_sum(q) / rows;
    double inv = 1.0 / sqrt(var + (double) eps);
    float mean_f = (float) mean, scale = (float) (gamma[j] * inv), shift = beta[j];
    if (threadIdx.x == 0) {
        double unbias = rows > 1 ? (double) rows / (rows - 1) : 1.0;
        save_mean[j] = mean_f;
        save_inv_std[j] = (float) inv;
        running_mean[j] = (float) ((1.0 - momentum) * running_mean[j] + momentum * mean);
        running_var[j] = (float) ((1.0 - momentum) * running_var[j] + momentum * var * unbias);
    }
    for (int r = threadIdx.x; r < rows; r += kThreads) {
        long long i = (long long) r * channels + j;
        float v = (x[i] - mean_f) * scale + shift;
        y[i] = relu ? relu_keep_nan(v) : v;
    }
}

__global__ void bn_inference(long long count, int channels, float eps, int relu, const float* x, const float* gamma,
                             const float* beta, const float* mean, const float* var, float* y) {
    for (long long i : grid_stride(count)) {
        int j = (int) (i % channels);
        float scale = (float) (gamma[j] / sqrt((double) var[j] + (double) eps));
        float v = (x[i] - mean[j]) * scale + beta[j];
        y[i] = relu ? relu_keep_nan(v) : v;
    }
}

// dx = a g + b (x - mean) + c with g = dy (masked by y > 0 under relu), a = gamma inv,
// b = -a inv^2 sum(g (x - mean)) / rows, c = -a sum(g) / rows; dgamma = inv sum(g (x - mean)), dbeta = sum(g).
__global__ void bn_backward(int rows, int channels, int relu, const float* x, const float* y, const float* dy,
                            const float* gamma, const float* save_mean, const float* save_inv_std, float* dx,
                            float* dgamma, float* dbeta) {
    int j = blockIdx.x;
    float mean = save_mean[j];
    double s1 = 0, s2 = 0;
    for (int r = threadIdx.x; r < rows; r += kThreads) {
        long long i = (long long) r * channels + j;
        float g = relu && !(y[i] > 0.f) ? 0.f : dy[i];
        s1 += g;
        s2 += (double) g * (x[i] - mean);
    }
    double t1 = block_sum(s1), t2 = block_sum(s2);
    double inv = save_inv_std[j], a = gamma[j] * inv;
    float ka = (float) a, kb = (float) (-a * inv * inv * t2 / rows), kc = (float) (-a * t1 / rows);
    if (threadIdx.x == 0) {
        dgamma[j] = (float) (t2 * inv);
        dbeta[j] = (float) t1;
    }
    for (int r = threadIdx.x; r < rows; r += kThreads) {
        long long i = (long long) r * channels + j;
        float g = relu && !(y[i] > 0.f) ? 0.f : dy[i];
        dx[i] = ka * g + kb * (x[i] - mean) + kc;
    }
}

}  // namespace sd

extern "C" {

int sd_batchnorm_forward_training(int rows, int channels, float eps, float momentum, int relu, const float* d_x,
                                  const float* d_gamma, const float* d_beta, float* d_running_mean,
                                  float* d_running_var, float* d_y, float* d_save_mean, float* d_save_inv_std,
                                  void* stream) {
    SD_REQUIRE(rows > 0 && channels > 0 && d_x && d_gamma && d_beta && d_running_mean && d_running_var && d_y &&
                   d_save_mean && d_save_inv_std, SD_ERR_BAD_ARGUMENT);
    sd::bn_train<<<channels, sd::kThreads, 0, (cudaStream_t) stream>>>(rows, channels, eps, momentum, relu, d_x,
            d_gamma, d_beta, d_running_mean, d_running_var, d_y, d_save_mean, d_save_inv_std);
    return sd::launched();
}

int sd_batchnorm_forward_inference(int rows, int channels, float eps, int relu, const float* d_x,
                                   const float* d_gamma, const float* d_beta, const float* d_running_mean,
                                   const float* d_running_var, float* d_y, void* stream) {
    SD_REQUIRE(rows > 0 && channels > 0 && d_x && d_gamma && d_beta && d_running_mean && d_running_var && d_y,
               SD_ERR_BAD_ARGUMENT);
    long long count = (long long) rows * channels;
    sd::bn_inference<<<sd::blocks_for(count), sd::kThreads, 0, (cudaStream_t) stream>>>(count, channels, eps, relu,
            d_x, d_gamma, d_beta, d_running_mean, d_running_var, d_y);
    return sd::launched();
}

int sd_batchnorm_backward(int rows, int channels, int relu, const float* d_x, const float* d_y, const float* d_dy,
                          const float* d_gamma, const float* d_save_mean, const float* d_save_inv_std, float* d_dx,
                          float* d_dgamma, float* d_dbeta, void* stream) {
    SD_REQUIRE(rows > 0 && channels > 0 && d_x && (d_y || !relu) && d_dy && d_gamma && d_save_mean &&
                   d_save_inv_std && d_dx && d_dgamma && d_dbeta, SD_ERR_BAD_ARGUMENT);
    sd::bn_backward<<<channels, sd::kThreads, 0, (cudaStream_t) stream>>>(rows, channels, relu, d_x, d_y, d_dy,
            d_gamma, d_save_mean, d_save_inv_std, d_dx, d_dgamma, d_dbeta);
    return sd::launched();
}

}  // extern "C"
