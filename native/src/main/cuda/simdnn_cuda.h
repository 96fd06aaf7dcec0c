/*
 * simdnn's CUDA kernels behind a plain C ABI, called from Java through java.lang.foreign
 * (org.simdnn.ffm.cuda.CudaLibrary binds every function declared here; CudaSymbolsTest checks the
 * bindings against this header and against the built library's exports).
 *
 * Conventions
 *  - Every function returns an int status: 0 (cudaSuccess), a cudaError_t value, or one of the SD_ERR_*
 *    codes below; sd_error_string() names any of them. No function aborts or prints.
 *  - Pointers named d_* are device memory; h_* are host memory. Tensors are dense, row-major, float32
 *    unless stated otherwise; images are NHWC, convolution weights HWIO ([kH, kW, inC, outC]).
 *  - stream is a cudaStream_t (NULL: the legacy default stream). Kernels are launched asynchronously on it.
 *  - math selects the GEMM arithmetic: SD_MATH_FP32 (CUDA cores, FP32 FMA), or Tensor Cores with FP32
 *    accumulation over inputs rounded to TF32 (10-bit mantissa), BF16 (7-bit) or FP16 (10-bit, range 65504).
 *  - The padding rule (Tensor Core tiles): GEMM m, n, k and convolution batch, inC and outC must be
 *    multiples of 8 (SD_ERR_PADDING otherwise). The caller pads with zeros; padded rows and channels
 *    contribute exact zeros, so results on the unpadded part are those of the unpadded problem.
 */
#ifndef SIMDNN_CUDA_H
#define SIMDNN_CUDA_H

#ifdef __cplusplus
extern "C" {
#endif

#define SD_API __attribute__((visibility("default")))

enum {
    SD_MATH_FP32 = 0,
    SD_MATH_TF32 = 1,
    SD_MATH_BF16 = 2,
    SD_MATH_FP16 = 3
};

enum {
    SD_ERR_BAD_ARGUMENT = 10001, /* a size < 0, a null pointer, an unknown enum value */
    SD_ERR_PADDING = 10002,      /* the padding rule above is not met */
    SD_ERR_TOO_LARGE = 10003     /* an index would overflow 32 bits where the kernel counts in int */
};

/* ---- runtime: devices, memory, streams (runtime.cu) ------------------------------------------------ */

/** The CUDA runtime version this library was built with (e.g. 13000). Needs no driver. */
SD_API int sd_runtime_version(int* h_version);
/** The driver's CUDA version (0 when no driver is installed). */
SD_API int sd_driver_version(int* h_version);
SD_API int sd_device_count(int* h_count);
/** Name (NUL-terminated, at most name_len bytes), compute capability, memory and SM count of a device. */
SD_API int sd_device_info(int device, char* h_name, int name_len, int* h_major, int* h_minor,
                          long long* h_total_mem, int* h_sm_count);
SD_API int sd_set_device(int device);
/** A static string naming a status code of this library (never NULL). */
SD_API const char* sd_error_string(int status);
SD_API int sd_malloc(void** h_ptr, long long bytes);
SD_API int sd_free(void* d_ptr);
SD_API int sd_memcpy_htod(void* d_dst, const void* h_src, long long bytes, void* stream);
SD_API int sd_memcpy_dtoh(void* h_dst, const void* d_src, long long bytes, void* stream);
SD_API int sd_memset_zero(void* d_ptr, long long bytes, void* stream);
SD_API int sd_stream_create(void** h_stream);
SD_API int sd_stream_destroy(void* stream);
/** Waits for the stream's work and returns the first asynchronous error, if any. */
SD_API int sd_stream_sync(void* stream);

/* ---- GEMM (gemm.cu) -------------------------------------------------------------------------------- */

/**
 * C[m, n] = alpha * A[m, k] * B[k, n] + beta * C, row-major and dense (lda = k, ldb = n, ldc = n);
 * beta == 0 never reads C. m, n, k multiples of 8.
 */
SD_API int sd_gemm(int math, int m, int n, int k, float alpha, const float* d_a, const float* d_b, float beta,
                   float* d_c, void* stream);

/* ---- convolution as implicit GEMM (conv.cu) ------------------------------------------------------- */
/*
 * The shape: x [n, h, w, c], w [kh, kw, c, k], y [n, oh, ow, k]; stride, top/left padding and dilation per
 * axis; oh and ow given by the caller (they fix the bottom/right padding). groups == 1. n, c, k multiples of 8.
 */

/** y = conv(x, w) + bias (bias [k] may be NULL). */
SD_API int sd_conv2d_forward(int math, int n, int h, int w, int c, int k, int kh, int kw, int stride_h,
                             int stride_w, int pad_top, int pad_left, int dil_h, int dil_w, int oh, int ow,
                             const float* d_x, const float* d_w, const float* d_bias, float* d_y, void* stream);
/** dx = dL/dx given dy (dx overwritten). */
SD_API int sd_conv2d_backward_data(int math, int n, int h, int w, int c, int k, int kh, int kw, int stride_h,
                                   int stride_w, int pad_top, int pad_left, int dil_h, int dil_w, int oh, int ow,
                                   const float* d_dy, const float* d_w, float* d_dx, void* stream);
/** dw = dL/dw given x and dy (overwritten); dbias (may be NULL) = column sums of dy. */
SD_API int sd_conv2d_backward_weights(int math, int n, int h, int w, int c, int k, int kh, int kw, int stride_h,
                                      int stride_w, int pad_top, int pad_left, int dil_h, int dil_w, int oh,
                                      int ow, const float* d_x, const float* d_dy, float* d_dw, float* d_dbias,
                                      void* stream);

/* ---- batch norm over rows x channels, channels last (batchnorm.cu) --------------------------------- */

/**
 * Training forward: batch mean and biased variance per channel (accumulated in double), y = gamma x^ + beta
 * (then ReLU when relu != 0), save_mean and save_inv_std = 1 / sqrt(var + eps), and the running estimates
 * updated with momentum (unbiased variance when rows > 1).
 */
SD_API int sd_batchnorm_forward_training(int rows, int channels, float eps, float momentum, int relu,
                                         const float* d_x, const float* d_gamma, const float* d_beta,
                                         float* d_running_mean, float* d_running_var, float* d_y,
                                         float* d_save_mean, float* d_save_inv_std, void* stream);
SD_API int sd_batchnorm_forward_inference(int rows, int channels, float eps, int relu, const float* d_x,
                                          const float* d_gamma, const float* d_beta, const float* d_running_mean,
                                          const float* d_running_var, float* d_y, void* stream);
/** dx, dgamma, dbeta from the saved statistics; with relu != 0, dy counts only where y > 0 (d_y read). */
SD_API int sd_batchnorm_backward(int rows, int channels, int relu, const float* d_x, const float* d_y,
                                 const float* d_dy, const float* d_gamma, const float* d_save_mean,
                                 const float* d_save_inv_std, float* d_dx, float* d_dgamma, float* d_dbeta,
                                 void* stream);

/* ---- pooling, NHWC (pooling.cu) --------------------------------------------------------------------- */
/* The shape: x [n, h, w, c] -> y [n, oh, ow, c], window kh x kw, stride, top/left padding. */

/** y = window max; argmax = flat index into x; first max wins, a NaN wins (the first one). */
SD_API int sd_maxpool_forward(int n, int h, int w, int c, int kh, int kw, int stride_h, int stride_w, int pad_top,
                              int pad_left, int oh, int ow, const float* d_x, float* d_y, int* d_argmax,
                              void* stream);
/** dx = sum of dy over the outputs whose argmax is that element (a gather: deterministic, no atomics). */
SD_API int sd_maxpool_backward(int n, int h, int w, int c, int kh, int kw, int stride_h, int stride_w,
                               int pad_top, int pad_left, int oh, int ow, const float* d_dy, const int* d_argmax,
                               float* d_dx, void* stream);
/** Average over the valid (unpadded) pixels of each window. */
SD_API int sd_avgpool_forward(int n, int h, int w, int c, int kh, int kw, int stride_h, int stride_w, int pad_top,
                              int pad_left, int oh, int ow, const float* d_x, float* d_y, void* stream);
SD_API int sd_avgpool_backward(int n, int h, int w, int c, int kh, int kw, int stride_h, int stride_w,
                               int pad_top, int pad_left, int oh, int ow, const float* d_dy, float* d_dx,
                               void* stream);

/* ---- activations (activation.cu) --------------------------------------------------------------------- */

enum { SD_ACT_IDENTITY = 0, SD_ACT_RELU = 1, SD_ACT_LEAKY_RELU = 2, SD_ACT_TANH = 3, SD_ACT_SIGMOID = 4,
       SD_ACT_SIGN = 5 };

SD_API int sd_activation_forward(int act, float alpha, long long count, const float* d_x, float* d_y,
                                 void* stream);
/** dx = dy * act'(x); RELU/LEAKY_RELU read x, TANH/SIGMOID read y (the other may be NULL). */
SD_API int sd_activation_backward(int act, float alpha, long long count, const float* d_x, const float* d_y,
                                  const float* d_dy, float* d_dx, void* stream);

/* ---- softmax and cross-entropy over [rows, classes] (softmax.cu) ------------------------------------- */

/** y = softmax(x) per row, or log-softmax when log != 0. */
SD_API int sd_softmax(int rows, int classes, int log, const float* d_x, float* d_y, void* stream);
/**
 * Per-row label-smoothed cross-entropy of softmax(logits) (d_row_loss [rows], double) and, when d_dlogits is
 * not NULL, d(mean loss)/d(logits). Labels must lie in [0, classes) (checked by the caller).
 */
SD_API int sd_softmax_cross_entropy(int rows, int classes, float smoothing, const float* d_logits,
                                    const int* d_labels, double* d_row_loss, float* d_dlogits, void* stream);

/* ---- fused optimizer steps (optimizer.cu) ------------------------------------------------------------- */

/** One SGD step (PyTorch's rule, see org.simdnn.ops.SgdStep); d_buf may be NULL when momentum == 0. */
SD_API int sd_sgd_step(long long count, float lr, float momentum, float dampening, int nesterov,
                       float weight_decay, int decoupled, int first_step, float* d_w, const float* d_grad,
                       float* d_buf, void* stream);
/**
 * One Adam/AdamW step; step_size = lr / (1 - beta1^t) and v_scale = 1 / (1 - beta2^t) are computed by the
 * caller in double, as the CPU backend does.
 */
SD_API int sd_adam_step(long long count, float beta1, float beta2, float eps, float weight_decay, int decoupled,
                        float lr, float step_size, float v_scale, float* d_w, const float* d_grad, float* d_m,
                        float* d_v, void* stream);

#ifdef __cplusplus
}
#endif

#endif
