// NHWC pooling, one thread per output (forward) or per input element (backward). Both backward passes
// are gathers: each dx element sums the dy of the windows that hold it, in output order, so no atomics
// are needed and every run gives the same bits.
#include <cmath>
#include "common.cuh"
#include "indexing.cuh"

namespace sd {

struct PoolShape {
    int n, h, w, c, kh, kw, sh, sw, pt, pl, oh, ow;
};

// The output rows (or columns) whose window covers input row i: [lo, hi).
__device__ inline void covering(int i, int pad, int k, int stride, int out, int& lo, int& hi) {
    int first = i + pad - k + 1;  // lowest window start that still reaches i
    lo = first <= 0 ? 0 : (first + stride - 1) / stride;
    hi = min(out, (i + pad) / stride + 1);
}

__device__ inline int valid_count(const PoolShape& s, int oh, int ow) {
    int h0 = oh * s.sh - s.pt, w0 = ow * s.sw - s.pl;
    int rows = min(h0 + s.kh, s.h) - max(h0, 0), cols = min(w0 + s.kw, s.w) - max(w0, 0);
    return rows * cols;
}

__global__ void max_forward(PoolShape s, const float* x, float* y, int* argmax) {
    long long count = (long long) s.n * s.oh * s.ow * s.c;
    for (long long o : grid_stride(count)) {
        auto [img, oh, ow, ch] = nhwc_index(o, s.oh, s.ow, s.c);
        float best = 0.f;
        int arg = -1;
        for (int a = 0; a < s.kh; a++) {
            int ih = oh * s.sh - s.pt + a;
            if (ih < 0 || ih >= s.h) continue;
            for (int b = 0; b < s.kw; b++) {
                int iw = ow * s.sw - s.pl + b;
                if (iw < 0 || iw >= s.w) continue;
                int idx = nhwc_offset<int>(img, ih, iw, ch, s.h, s.w, s.c);  // fits: check()
                float v = x[idx];
                if (arg < 0 || v > best || (isnan(v) && !isnan(best))) {
                    best = v;
                    arg = idx;
                }
            }
        }
        y[o] = best;
        argmax[o] = arg;
    }
}

constexpr int kMax = 0, kAvg = 1;

// mode kMax: dy where argmax names this element; kAvg: dy / window count.
__global__ void pool_backward(int mode, PoolShape s, const float* dy, const int* argmax, float* dx) {
    long long count = (long long) s.n * s.h * s.w * s.c;
    for (long long i : grid_stride(count)) {
        auto [img, ih, iw, ch] = nhwc_index(i, s.h, s.w, s.c);
        int oh0, oh1, ow0, ow1;
        covering(ih, s.pt, s.kh, s.sh, s.oh, oh0, oh1);
        covering(iw, s.pl, s.kw, s.sw, s.ow, ow0, ow1);
        float g = 0.f;
        for (int oh = oh0; oh < oh1; oh++) {
            for (int ow = ow0; ow < ow1; ow++) {
                long long o = nhwc_offset(img, oh, ow, ch, s.oh, s.ow, s.c);
                if (mode == kMax) {
                    if (argmax[o] == (int) i) g += dy[o];
                } else {
                    g += dy[o] / (float) valid_count(s, oh, ow);
                }
            }
        }
        dx[i] = g;
    }
}

__global__ void avg_forward(PoolShape s, const float* x, float* y) {
    long long count = (long long) s.n * s.oh * s.ow * s.c;
    for (long long o : grid_stride(count)) {
        auto [img, oh, ow, ch] = nhwc_index(o, s.oh, s.ow, s.c);
        double sum = 0;
        for (int a = 0; a < s.kh; a++) {
            int ih = oh * s.sh - s.pt + a;
            if (ih < 0 || ih >= s.h) continue;
            for (int b = 0; b < s.kw; b++) {
                int iw = ow * s.sw - s.pl + b;
                if (iw >= 0 && iw < s.w) sum += x[nhwc_offset(img, ih, iw, ch, s.h, s.w, s.c)];
            }
        }
        y[o] = (float) (sum / valid_count(s, oh, ow));
    }
}

static int check(const PoolShape& s) {
    SD_REQUIRE(s.n > 0 && s.h > 0 && s.w > 0 && s.c > 0 && s.kh > 0 && s.kw > 0 && s.sh > 0 && s.sw > 0 &&
                   s.pt >= 0 && s.pt < s.kh && s.pl >= 0 && s.pl < s.kw && s.oh > 0 && s.ow > 0,
               SD_ERR_BAD_ARGUMENT);
    // argmax holds int indices into x
    SD_REQUIRE(fits_int((long long) s.n * s.h * s.w * s.c), SD_ERR_TOO_LARGE);
    return 0;
}

static int forward(int mode, const PoolShape& s, const float* x, float* y, int* argmax, cudaStream_t stream) {
    int rc = check(s);
    if (rc != 0) return rc;
    SD_REQUIRE(x && y && (argmax || mode == kAvg), SD_ERR_BAD_ARGUMENT);
    unsigned int blocks = blocks_for((long long) s.n * s.oh * s.ow * s.c);
    if (mode == kMax) max_forward<<<blocks, kThreads, 0, stream>>>(s, x, y, argmax);
    else avg_forward<<<blocks, kThreads, 0, stream>>>(s, x, y);
    return launched();
}

static int backward(int mode, const PoolShape& s, const float* dy, const int* argmax, float* dx,
                    cudaStream_t stream) {
    int rc = check(s);
    if (rc != 0) return rc;
    SD_REQUIRE(dy && dx && (argmax || mode == kAvg), SD_ERR_BAD_ARGUMENT);
    pool_backward<<<blocks_for((long long) s.n * s.h * s.w * s.c), kThreads, 0, stream>>>(mode, s, dy, argmax, dx);
    return launched();
}

}  // namespace sd

using sd::PoolShape;

extern "C" {

int sd_maxpool_forward(int n, int h, int w, int c, int kh, int kw, int stride_h, int stride_w, int pad_top,
                       int pad_left, int oh, int ow, const float* d_x, float* d_y, int* d_argmax, void* stream) {
    return sd::forward(sd::kMax, PoolShape{n, h, w, c, kh, kw, stride_h, stride_w, pad_top, pad_left, oh, ow}, d_x, d_y,
                       d_argmax, (cudaStream_t) stream);
}

int sd_maxpool_backward(int n, int h, int w, int c, int kh, int kw, int stride_h, int stride_w, int pad_top,
                        int pad_left, int oh, int ow, const float* d_dy, const int* d_argmax, float* d_dx,
                        void* stream) {
    return sd::backward(sd::kMax, PoolShape{n, h, w, c, kh, kw, stride_h, stride_w, pad_top, pad_left, oh, ow}, d_dy,
                        d_argmax, d_dx, (cudaStream_t) stream);
}

int sd_avgpool_forward(int n, int h, int w, int c, int kh, int kw, int stride_h, int stride_w, int pad_top,
                       int pad_left, int oh, int ow, const float* d_x, float* d_y, void* stream) {
    return sd::forward(sd::kAvg, PoolShape{n, h, w, c, kh, kw, stride_h, stride_w, pad_top, pad_left, oh, ow}, d_x, d_y,
                       nullptr, (cudaStream_t) stream);
}

int sd_avgpool_backward(int n, int h, int w, int c, int kh, int kw, int stride_h, int stride_w, int pad_top,
                        int pad_left, int oh, int ow, const float* d_dy, float* d_dx, void* stream) {
    return sd::backward(sd::kAvg, PoolShape{n, h, w, c, kh, kw, stride_h, stride_w, pad_top, pad_left, oh, ow}, d_dy,
                        nullptr, d_dx, (cudaStream_t) stream);
}

}  // extern "C"
