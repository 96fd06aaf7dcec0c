// Softmax, log-softmax and the label-smoothed cross-entropy over [rows, classes], one thread per row
// (class counts are small; the row sums run in double, so wide rows stay accurate).
#include <cmath>
#include "common.cuh"
#include "indexing.cuh"

namespace sd {

__device__ inline float row_max(const float* x, int k) {
    float m = -INFINITY;
    for (int j = 0; j < k; j++) {
        if ((isnan(x[j]) || x[j] > m) && !isnan(m)) m = x[j];  // a NaN wins and sticks, as Math.max
    }
    return m;
}

__device__ inline double exp_sum(const float* x, int k, float m) {
    double s = 0;
    for (int j = 0; j < k; j++) s += exp((double) x[j] - m);
    return s;
}

__global__ void softmax_rows(int rows, int k, int log_out, const float* x, float* y) {
    for (long long r : grid_stride(rows)) {
        const float* xr = x + r * k;
        float* yr = y + r * k;
        float m = row_max(xr, k);
        double s = exp_sum(xr, k, m), ls = log(s);
        for (int j = 0; j < k; j++) {
            double z = (double) xr[j] - m;
            yr[j] = (float) (log_out ? z - ls : exp(z) / s);
        }
    }
}

// Targets q_j = (1 - smoothing) [j == label] + smoothing / classes; loss_r = -sum q_j log p_j;
// dlogits = (p_j - q_j) / rows.
__global__ void cross_entropy_rows(int rows, int k, float smoothing, const float* x, const int* labels,
                                   double* row_loss, float* dx) {
    for (long long r : grid_stride(rows)) {
        const float* xr = x + r * k;
        float m = row_max(xr, k);
        double ls = log(exp_sum(xr, k, m)), loss = 0;
        int label = labels[r];
        for (int j = 0; j < k; j++) {
            double logp = (double) xr[j] - m - ls;
            double q = (j == label ? 1.0 - smoothing : 0.0) + (double) smoothing / k;
            loss -= q * logp;
            if (dx) dx[r * k + j] = (float) ((exp(logp) - q) / rows);
        }
        row_loss[r] = loss;
    }
}

}  // namespace sd

extern "C" {

int sd_softmax(int rows, int classes, int log, const float* d_x, float* d_y, void* stream) {
    SD_REQUIRE(rows >= 0 && classes > 0, SD_ERR_BAD_ARGUMENT);
    if (rows == 0) return 0;
    SD_REQUIRE(d_x && d_y, SD_ERR_BAD_ARGUMENT);
    sd::softmax_rows<<<sd::blocks_for(rows), sd::kThreads, 0, (cudaStream_t) stream>>>(rows, classes, log, d_x, d_y);
    return sd::launched();
}

int sd_softmax_cross_entropy(int rows, int classes, float smoothing, const float* d_logits, const int* d_labels,
                             double* d_row_loss, float* d_dlogits, void* stream) {
    SD_REQUIRE(rows > 0 && classes > 0 && smoothing >= 0.f && smoothing <= 1.f && d_logits && d_labels &&
                   d_row_loss, SD_ERR_BAD_ARGUMENT);
    sd::cross_entropy_rows<<<sd::blocks_for(rows), sd::kThreads, 0, (cudaStream_t) stream>>>(rows, classes,
            smoothing, d_logits, d_labels, d_row_loss, d_dlogits);
    return sd::launched();
}

}  // extern "C"
