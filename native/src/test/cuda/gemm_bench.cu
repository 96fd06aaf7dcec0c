// Times the library's GEMM and forward convolution on the device (operands already there, no copies), for
// every math, and checks each Tensor Core result against the FP32 one. Run by gpu-check.sh; needs a GPU.
//   nvcc -std=c++17 -O2 -I ../../main/cuda gemm_bench.cu LIB -Xlinker -rpath=DIR -o gemm_bench
#include <cstdio>
#include <cstdlib>
#include <cmath>
#include <vector>
#include <cuda_runtime.h>
#include "simdnn_cuda.h"

static const char* kMath[] = {"fp32", "tf32", "bf16", "fp16"};

static void must(int rc, const char* what) {
    if (rc != 0) {
        std::fprintf(stderr, "%s: %s (status %d)\n", what, sd_error_string(rc), rc);
        std::exit(1);
    }
}

static float* device_random(long long n, unsigned seed) {
    std::vector<float> h((size_t) n);
    for (long long i = 0; i < n; i++) {
        seed = seed * 1664525u + 1013904223u;
        h[(size_t) i] = (float) ((seed >> 8) * (1.0 / 16777216.0) * 2 - 1);
    }
    void* d;
    must(sd_malloc(&d, n * 4), "malloc");
    must(sd_memcpy_htod(d, h.data(), n * 4, nullptr), "htod");
    return (float*) d;
}

template <class F>
static double seconds(F run, int iters) {
    cudaEvent_t a, b;
    cudaEventCreate(&a);
    cudaEventCreate(&b);
    run();  // warm-up
    must(sd_stream_sync(nullptr), "warm-up");
    cudaEventRecord(a);
    for (int i = 0; i < iters; i++) run();
    cudaEventRecord(b);
    must(sd_stream_sync(nullptr), "timed runs");
    float ms = 0;
    cudaEventElapsedTime(&ms, a, b);
    return ms / 1e3 / iters;
}

static double max_rel_diff(const float* d_x, const float* d_ref, long long n) {
    std::vector<float> x((size_t) n), r((size_t) n);
    must(sd_memcpy_dtoh(x.data(), d_x, n * 4, nullptr), "dtoh");
    must(sd_memcpy_dtoh(r.data(), d_ref, n * 4, nullptr), "dtoh");
    must(sd_stream_sync(nullptr), "sync");
    double scale = 0, diff = 0;
    for (long long i = 0; i < n; i++) scale = std::fmax(scale, std::fabs(r[(size_t) i]));
    for (long long i = 0; i < n; i++) diff = std::fmax(diff, std::fabs(x[(size_t) i] - r[(size_t) i]));
    return diff / (scale + 1e-30);
}

int main() {
    char name[256];
    int major, minor, sms;
    long long mem;
    must(sd_device_info(0, name, 256, &major, &minor, &mem, &sms), "device info");
    std::printf("device: %s sm_%d%d, %d SMs\n", name, major, minor, sms);

    std::printf("\ngemm  m=n=k  math  TFLOPS  max|diff|/max|fp32|\n");
    for (int s : {1024, 4096}) {
        float *a = device_random((long long) s * s, 1), *b = device_random((long long) s * s, 2);
        float *ref = device_random((long long) s * s, 3), *c = device_random((long long) s * s, 4);
        must(sd_gemm(SD_MATH_FP32, s, s, s, 1.f, a, b, 0.f, ref, nullptr), "gemm fp32");
        for (int m = 0; m < 4; m++) {
            double t = seconds([&] { must(sd_gemm(m, s, s, s, 1.f, a, b, 0.f, c, nullptr), "gemm"); }, s > 2048 ? 5 : 20);
            std::printf("gemm  %5d  %s  %7.2f  %.2e\n", s, kMath[m], 2.0 * s * s * s / t / 1e12,
                        max_rel_diff(c, ref, (long long) s * s));
        }
        sd_free(a); sd_free(b); sd_free(c); sd_free(ref);
    }

    // ResNet-50 3x3 and 1x1 layers at batch 32, and the reference CNN's second conv at batch 104 (100 padded)
    struct Conv { const char* id; int n, h, w, c, k, r, stride, pad; };
    const Conv convs[] = {
        {"resnet50 conv2_x 3x3", 32, 56, 56, 64, 64, 3, 1, 1}, {"resnet50 conv3_x 3x3", 32, 28, 28, 128, 128, 3, 1, 1},
        {"resnet50 conv4_x 3x3", 32, 14, 14, 256, 256, 3, 1, 1}, {"resnet50 conv5_x 3x3", 32, 7, 7, 512, 512, 3, 1, 1},
        {"resnet50 conv2_x 1x1", 32, 56, 56, 64, 256, 1, 1, 0}, {"cnn conv2 (batch 104)", 104, 14, 14, 32, 64, 3, 1, 1},
    };
    std::printf("\nconv forward                     math  TFLOPS\n");
    for (const Conv& v : convs) {
        int oh = (v.h + 2 * v.pad - v.r) / v.stride + 1, ow = (v.w + 2 * v.pad - v.r) / v.stride + 1;
        float* x = device_random((long long) v.n * v.h * v.w * v.c, 5);
        float* w = device_random((long long) v.r * v.r * v.c * v.k, 6);
        float* y = device_random((long long) v.n * oh * ow * v.k, 7);
        double flops = 2.0 * v.n * oh * ow * v.k * v.r * v.r * v.c;
        for (int m = 0; m < 4; m++) {
            double t = seconds([&] {
                must(sd_conv2d_forward(m, v.n, v.h, v.w, v.c, v.k, v.r, v.r, v.stride, v.stride, v.pad, v.pad, 1, 1,
                                       oh, ow, x, w, nullptr, y, nullptr), "conv");
            }, 10);
            std::printf("%-32s %s  %7.2f\n", v.id, kMath[m], flops / t / 1e12);
        }
        sd_free(x); sd_free(w); sd_free(y);
    }
    return 0;
}
