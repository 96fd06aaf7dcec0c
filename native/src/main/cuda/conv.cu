// NHWC convolution as implicit GEMM over the shared tile (gemm_tile.cuh): the loaders below gather the
// operands straight from the tensors, so no patch matrix is ever written.
//   forward          y[N*OH*OW, K]    = patches[N*OH*OW, R*S*C] * w[R*S*C, K]
//   backward data    dx[N*H*W, C]     = dy-gather[N*H*W, R*S*K] * w^T[R*S*K, C]
//   backward weights dw[R*S*C, K]     = patches^T[R*S*C, N*OH*OW] * dy[N*OH*OW, K]
// Backward data as a gather (each input pixel collects the outputs it fed) needs no atomics and gives
// the same bits on every run; with stride > 1 it multiplies by some zeros, which costs time, not accuracy.
#include "gemm_tile.cuh"
#include "indexing.cuh"
#include "reduce.cuh"

namespace sd {

struct ConvShape {
    int n, h, w, c, k, kh, kw, sh, sw, pt, pl, dh, dw, oh, ow;
};

// patches[m, q]: m = (image, oh, ow), q = (r, s, channel) in HWIO order.
struct Im2col {
    const float* x;
    ConvShape s;
    __device__ float operator()(int m, int q) const {
        int ci = q % s.c, t = q / s.c, fs = t % s.kw, fr = t / s.kw;
        auto [img, oh, ow] = pixel_of(m, s.oh, s.ow);
        int ih = oh * s.sh - s.pt + fr * s.dh, iw = ow * s.sw - s.pl + fs * s.dw;
        if (ih < 0 || ih >= s.h || iw < 0 || iw >= s.w) return 0.f;
        return x[nhwc_offset(img, ih, iw, ci, s.h, s.w, s.c)];
    }
};

struct Im2colT {
    Im2col a;
    __device__ float operator()(int q, int m) const { return a(m, q); }
};

// dy-gather[m, q]: m = input pixel (image, ih, iw), q = (r, s, out channel): the dy element that tap (r, s)
// of output channel ko took from this pixel, or 0 if no output pixel did.
struct DyGather {
    const float* dy;
    ConvShape s;
    __device__ float operator()(int m, int q) const {
        int ko = q % s.k, t = q / s.k, fs = t % s.kw, fr = t / s.kw;
        auto [img, ih, iw] = pixel_of(m, s.h, s.w);
        int y = ih + s.pt - fr * s.dh, x = iw + s.pl - fs * s.dw;
        if (y < 0 || x < 0 || y % s.sh != 0 || x % s.sw != 0) return 0.f;
        int oh = y / s.sh, ow = x / s.sw;
        if (oh >= s.oh || ow >= s.ow) return 0.f;
        return dy[nhwc_offset(img, oh, ow, ko, s.oh, s.ow, s.k)];
    }
};

// w^T[q, ci] with q = (r, s, out channel): w[r, s, ci, ko].
struct WeightsT {
    const float* w;
    ConvShape s;
    __device__ float operator()(int q, int ci) const {
        int ko = q % s.k, t = q / s.k;
        return w[((long long) t * s.c + ci) * s.k + ko];
    }
};

// dbias: one block per column of dy.
__global__ void column_sums(int rows, int cols, const float* a, float* out) {
    int col = blockIdx.x;
    double s = 0;
    for (int r = threadIdx.x; r < rows; r += kThreads) s += a[(long long) r * cols + col];
    s = block_sum(s);
    if (threadIdx.x == 0) out[col] = (float) s;
}

static int check(int math, const ConvShape& s) {
    SD_REQUIRE(valid_math(math), SD_ERR_BAD_ARGUMENT);
    SD_REQUIRE(s.n > 0 && s.h > 0 && s.w > 0 && s.c > 0 && s.k > 0 && s.kh > 0 && s.kw > 0 && s.sh > 0 &&
                   s.sw > 0 && s.pt >= 0 && s.pl >= 0 && s.dh > 0 && s.dw > 0 && s.oh > 0 && s.ow > 0,
               SD_ERR_BAD_ARGUMENT);
    SD_REQUIRE(s.n % 8 == 0 && s.c % 8 == 0 && s.k % 8 == 0, SD_ERR_PADDING);
    SD_REQUIRE(fits_int((long long) s.n * s.oh * s.ow) && fits_int((long long) s.n * s.h * s.w) &&
                   fits_int((long long) s.kh * s.kw * s.c) && fits_int((long long) s.kh * s.kw * s.k),
               SD_ERR_TOO_LARGE);
    return 0;
}

}  // namespace sd

using sd::ConvShape;

extern "C" {

int sd_conv2d_forward(int math, int n, int h, int w, int c, int k, int kh, int kw, int stride_h, int stride_w,
                      int pad_top, int pad_left, int dil_h, int dil_w, int oh, int ow, const float* d_x,
                      const float* d_w, const float* d_bias, float* d_y, void* stream) {
    ConvShape s{n, h, w, c, k, kh, kw, stride_h, stride_w, pad_top, pad_left, dil_h, dil_w, oh, ow};
    int rc = sd::check(math, s);
    if (rc != 0) return rc;
    SD_REQUIRE(d_x && d_w && d_y, SD_ERR_BAD_ARGUMENT);
    sd::Epilogue ep{d_y, k, 1.f, 0.f, d_bias};
    return sd::launch_gemm(math, n * oh * ow, k, kh * kw * c, sd::Im2col{d_x, s}, sd::RowMajor{d_w, k}, ep,
                           (cudaStream_t) stream);
}

int sd_conv2d_backward_data(int math, int n, int h, int w, int c, int k, int kh, int kw, int stride_h,
                            int stride_w, int pad_top, int pad_left, int dil_h, int dil_w, int oh, int ow,
                            const float* d_dy, const float* d_w, float* d_dx, void* stream) {
    ConvShape s{n, h, w, c, k, kh, kw, stride_h, stride_w, pad_top, pad_left, dil_h, dil_w, oh, ow};
    int rc = sd::check(math, s);
    if (rc != 0) return rc;
    SD_REQUIRE(d_dy && d_w && d_dx, SD_ERR_BAD_ARGUMENT);
    sd::Epilogue ep{d_dx, c, 1.f, 0.f, nullptr};
    return sd::launch_gemm(math, n * h * w, c, kh * kw * k, sd::DyGather{d_dy, s}, sd::WeightsT{d_w, s}, ep,
                           (cudaStream_t) stream);
}

int sd_conv2d_backward_weights(int math, int n, int h, int w, int c, int k, int kh, int kw, int stride_h,
                               int stride_w, int pad_top, int pad_left, int dil_h, int dil_w, int oh, int ow,
                               const float* d_x, const float* d_dy, float* d_dw, float* d_dbias, void* stream) {
    ConvShape s{n, h, w, c, k, kh, kw, stride_h, stride_w, pad_top, pad_left, dil_h, dil_w, oh, ow};
    int rc = sd::check(math, s);
    if (rc != 0) return rc;
    SD_REQUIRE(d_x && d_dy && d_dw, SD_ERR_BAD_ARGUMENT);
    cudaStream_t st = (cudaStream_t) stream;
    int pixels = n * oh * ow;
    sd::Epilogue ep{d_dw, k, 1.f, 0.f, nullptr};
    rc = sd::launch_gemm(math, kh * kw * c, k, pixels, sd::Im2colT{sd::Im2col{d_x, s}}, sd::RowMajor{d_dy, k}, ep,
                         st);
    if (rc != 0 || !d_dbias) return rc;
    sd::column_sums<<<k, sd::kThreads, 0, st>>>(pixels, k, d_dy, d_dbias);
    return sd::launched();
}

}  // extern "C"
