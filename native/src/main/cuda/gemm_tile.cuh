// The one tiled GEMM every matrix product here runs through (plain GEMM and the three implicit-GEMM
// convolution passes): C[M, N] = alpha * A[M, K] * B[K, N] + beta * C (+ bias[col]).
//
// A and B are not arrays but loaders: functors (row, col) -> float that the kernel calls only inside
// [0, M) x [0, K) and [0, K) x [0, N), so a loader can gather an im2col patch or read a transposed view
// without materialising it. Each block computes a 64 x 64 tile of C, stepping through K in slices of 16:
// the block stages A's 64 x 16 and B's 16 x 64 slices in shared memory (zero outside the matrix, rounded
// to the math's input type), then
//   - Tensor Cores (TF32, BF16, FP16): 4 warps, each a 32 x 32 quarter as 2 x 2 WMMA 16 x 16 fragments with
//     FP32 accumulators (k = 8 per mma for TF32, 16 for BF16/FP16);
//   - FP32: 128 threads, each 8 rows x 4 columns of FP32 FMA on the CUDA cores.
// The accumulators go through shared memory to the epilogue, which applies alpha, beta and bias with
// bounds checks. Correctness first: no double buffering, no cp.async, no split-K.
#ifndef SIMDNN_GEMM_TILE_CUH
#define SIMDNN_GEMM_TILE_CUH

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <mma.h>
#include "common.cuh"

namespace sd {

namespace wmma = nvcuda::wmma;

constexpr int kBM = 64, kBN = 64, kBK = 16;
// Row pads of 8 elements keep every WMMA fragment pointer 32-byte aligned (16-row steps of 24 or 72
// elements, 2- or 4-byte types) and spread the rows over the shared-memory banks.
constexpr int kLdA = kBK + 8, kLdB = kBN + 8, kLdC = kBN + 8;
constexpr int kGemmThreads = 128;

struct MathTf32 {
    using Stage = float;
    using Frag = wmma::precision::tf32;
    static constexpr int kK = 8;
    __device__ static float cvt(float v) { return wmma::__float_to_tf32(v); }
};

struct MathBf16 {
    using Stage = __nv_bfloat16;
    using Frag = __nv_bfloat16;
    static constexpr int kK = 16;
    __device__ static __nv_bfloat16 cvt(float v) { return __float2bfloat16_rn(v); }
};

struct MathFp16 {
    using Stage = __half;
    using Frag = __half;
    static constexpr int kK = 16;
    __device__ static __half cvt(float v) { return __float2half_rn(v); }
};

// Writes one element of C: alpha * acc + beta * C (C unread when beta == 0) + bias[col].
struct Epilogue {
    float* c;
    int ldc;
    float alpha, beta;
    const float* bias;

    __device__ void store(int row, int col, float acc) const {
        float* p = c + (long long) row * ldc + col;
        float v = alpha * acc;
        if (beta != 0.f) v += beta * *p;
        if (bias) v += bias[col];
        *p = v;
    }
};

// A row-major matrix (leading dimension ld).
struct RowMajor {
    const float* p;
    int ld;
    __device__ float operator()(int r, int c) const { return p[(long long) r * ld + c]; }
};

template <class Stage, class Cvt, class LA, class LB>
__device__ inline void stage_tiles(int m0, int n0, int k0, int M, int N, int K, const LA& la, const LB& lb,
                                   Stage* as, Stage* bs) {
    for (int e = threadIdx.x; e < kBM * kBK; e += kGemmThreads) {
        int i = e / kBK, j = e % kBK, r = m0 + i, k = k0 + j;
        as[i * kLdA + j] = Cvt::cvt(r < M && k < K ? la(r, k) : 0.f);
    }
    for (int e = threadIdx.x; e < kBK * kBN; e += kGemmThreads) {
        int i = e / kBN, j = e % kBN, k = k0 + i, c = n0 + j;
        bs[i * kLdB + j] = Cvt::cvt(k < K && c < N ? lb(k, c) : 0.f);
    }
}

__device__ inline void write_tile(int m0, int n0, int M, int N, const float* cs, const Epilogue& ep) {
    for (int e = threadIdx.x; e < kBM * kBN; e += kGemmThreads) {
        int i = e / kBN, j = e % kBN, r = m0 + i, c = n0 + j;
        if (r < M && c < N) ep.store(r, c, cs[i * kLdC + j]);
    }
}

// Tensor Core tile: blockIdx.x walks M (up to 2^31 - 1 tiles), blockIdx.y walks N.
template <class Math, class LA, class LB>
__global__ void __launch_bounds__(kGemmThreads) tc_gemm(int M, int N, int K, LA la, LB lb, Epilogue ep) {
    using Stage = typename Math::Stage;
    using Frag = typename Math::Frag;
    constexpr int KS = Math::kK;
    __shared__ __align__(32) Stage as[kBM * kLdA];
    __shared__ __align__(32) Stage bs[kBK * kLdB];
    __shared__ __align__(32) float cs[kBM * kLdC];

    int m0 = blockIdx.x * kBM, n0 = blockIdx.y * kBN;
    int warp = threadIdx.x / 32, wr = warp / 2, wc = warp % 2;

    wmma::fragment<wmma::accumulator, 16, 16, KS, float> acc[2][2];
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) wmma::fill_fragment(acc[i][j], 0.f);

    for (int k0 = 0; k0 < K; k0 += kBK) {
        stage_tiles<Stage, Math>(m0, n0, k0, M, N, K, la, lb, as, bs);
        __syncthreads();
        for (int kk = 0; kk < kBK; kk += KS) {
            wmma::fragment<wmma::matrix_a, 16, 16, KS, Frag, wmma::row_major> a[2];
            wmma::fragment<wmma::matrix_b, 16, 16, KS, Frag, wmma::row_major> b[2];
            for (int i = 0; i < 2; i++) wmma::load_matrix_sync(a[i], as + (wr * 32 + i * 16) * kLdA + kk, kLdA);
            for (int j = 0; j < 2; j++) wmma::load_matrix_sync(b[j], bs + kk * kLdB + wc * 32 + j * 16, kLdB);
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 2; j++) wmma::mma_sync(acc[i][j], a[i], b[j], acc[i][j]);
        }
        __syncthreads();
    }
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
            wmma::store_matrix_sync(cs + (wr * 32 + i * 16) * kLdC + wc * 32 + j * 16, acc[i][j], kLdC,
                                    wmma::mem_row_major);
    __syncthreads();
    write_tile(m0, n0, M, N, cs, ep);
}

struct MathFp32 {
    __device__ static float cvt(float v) { return v; }
};

// FP32 tile on the CUDA cores: thread t owns rows t/16 + 8i (i < 8) and columns t%16 + 16j (j < 4).
template <class LA, class LB>
__global__ void __launch_bounds__(kGemmThreads) fp32_gemm(int M, int N, int K, LA la, LB lb, Epilogue ep) {
    __shared__ float as[kBM * kLdA];
    __shared__ float bs[kBK * kLdB];
    __shared__ float cs[kBM * kLdC];
    int m0 = blockIdx.x * kBM, n0 = blockIdx.y * kBN;
    int tr = threadIdx.x / 16, tc = threadIdx.x % 16;
    float acc[8][4] = {};
    for (int k0 = 0; k0 < K; k0 += kBK) {
        stage_tiles<float, MathFp32>(m0, n0, k0, M, N, K, la, lb, as, bs);
        __syncthreads();
        for (int kk = 0; kk < kBK; kk++) {
            float b[4];
            for (int j = 0; j < 4; j++) b[j] = bs[kk * kLdB + tc + 16 * j];
            for (int i = 0; i < 8; i++) {
                float a = as[(tr + 8 * i) * kLdA + kk];
                for (int j = 0; j < 4; j++) acc[i][j] = fmaf(a, b[j], acc[i][j]);
            }
        }
        __syncthreads();
    }
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 4; j++) cs[(tr + 8 * i) * kLdC + tc + 16 * j] = acc[i][j];
    __syncthreads();
    write_tile(m0, n0, M, N, cs, ep);
}

// Launches the GEMM for math on stream; M, N, K >= 0 (an empty product still runs the epilogue).
template <class LA, class LB>
int launch_gemm(int math, int M, int N, int K, const LA& la, const LB& lb, const Epilogue& ep,
                cudaStream_t stream) {
    if (M == 0 || N == 0) return 0;
    dim3 grid((unsigned) ((M + kBM - 1) / kBM), (unsigned) ((N + kBN - 1) / kBN));
    SD_REQUIRE(grid.y <= 65535, SD_ERR_TOO_LARGE);
    switch (math) {
        case SD_MATH_FP32: fp32_gemm<<<grid, kGemmThreads, 0, stream>>>(M, N, K, la, lb, ep); break;
        case SD_MATH_TF32: tc_gemm<MathTf32><<<grid, kGemmThreads, 0, stream>>>(M, N, K, la, lb, ep); break;
        case SD_MATH_BF16: tc_gemm<MathBf16><<<grid, kGemmThreads, 0, stream>>>(M, N, K, la, lb, ep); break;
        case SD_MATH_FP16: tc_gemm<MathFp16><<<grid, kGemmThreads, 0, stream>>>(M, N, K, la, lb, ep); break;
        default: return SD_ERR_BAD_ARGUMENT;
    }
    return launched();
}

}  // namespace sd

#endif
