// sd_gemm: the dense GEMM entry point over the shared tile (gemm_tile.cuh).
#include "gemm_tile.cuh"

extern "C" int sd_gemm(int math, int m, int n, int k, float alpha, const float* d_a, const float* d_b, float beta,
                       float* d_c, void* stream) {
    SD_REQUIRE(sd::valid_math(math) && m >= 0 && n >= 0 && k >= 0, SD_ERR_BAD_ARGUMENT);
    SD_REQUIRE(m % 8 == 0 && n % 8 == 0 && k % 8 == 0, SD_ERR_PADDING);
    if (m == 0 || n == 0) return 0;
    SD_REQUIRE(d_c && (k == 0 || (d_a && d_b)), SD_ERR_BAD_ARGUMENT);
    sd::Epilogue ep{d_c, n, alpha, beta, nullptr};
    return sd::launch_gemm(math, m, n, k, sd::RowMajor{d_a, k}, sd::RowMajor{d_b, n}, ep, (cudaStream_t) stream);
}
