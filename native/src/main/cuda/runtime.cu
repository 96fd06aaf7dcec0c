// Devices, memory and streams: thin wrappers over the CUDA runtime (linked statically, so loading this
// library needs no driver; the first call here finds out whether one is present).
#include <cstring>
#include "common.cuh"

extern "C" {

int sd_runtime_version(int* h_version) {
    SD_REQUIRE(h_version, SD_ERR_BAD_ARGUMENT);
    return (int) cudaRuntimeGetVersion(h_version);
}

int sd_driver_version(int* h_version) {
    SD_REQUIRE(h_version, SD_ERR_BAD_ARGUMENT);
    return (int) cudaDriverGetVersion(h_version);
}

int sd_device_count(int* h_count) {
    SD_REQUIRE(h_count, SD_ERR_BAD_ARGUMENT);
    *h_count = 0;
    return (int) cudaGetDeviceCount(h_count);
}

int sd_device_info(int device, char* h_name, int name_len, int* h_major, int* h_minor, long long* h_total_mem,
                   int* h_sm_count) {
    SD_REQUIRE(h_name && name_len > 0 && h_major && h_minor && h_total_mem && h_sm_count, SD_ERR_BAD_ARGUMENT);
    cudaDeviceProp p;
    int rc = (int) cudaGetDeviceProperties(&p, device);
    if (rc != 0) return rc;
    strncpy(h_name, p.name, (size_t) name_len - 1);
    h_name[name_len - 1] = '\0';
    *h_major = p.major;
    *h_minor = p.minor;
    *h_total_mem = (long long) p.totalGlobalMem;
    *h_sm_count = p.multiProcessorCount;
    return 0;
}

int sd_set_device(int device) { return (int) cudaSetDevice(device); }

const char* sd_error_string(int status) {
    switch (status) {
        case SD_ERR_BAD_ARGUMENT: return "simdnn: bad argument (negative size, null pointer or unknown enum)";
        case SD_ERR_PADDING: return "simdnn: padding rule violated (GEMM m, n, k and conv batch/channels must be "
                                    "multiples of 8)";
        case SD_ERR_TOO_LARGE: return "simdnn: problem too large for 32-bit indexing";
        default: return cudaGetErrorString((cudaError_t) status);
    }
}

int sd_malloc(void** h_ptr, long long bytes) {
    SD_REQUIRE(h_ptr && bytes >= 0, SD_ERR_BAD_ARGUMENT);
    *h_ptr = nullptr;
    return (int) cudaMalloc(h_ptr, (size_t) (bytes == 0 ? 1 : bytes));
}

int sd_free(void* d_ptr) { return (int) cudaFree(d_ptr); }

int sd_memcpy_htod(void* d_dst, const void* h_src, long long bytes, void* stream) {
    SD_REQUIRE(bytes >= 0 && (bytes == 0 || (d_dst && h_src)), SD_ERR_BAD_ARGUMENT);
    if (bytes == 0) return 0;
    return (int) cudaMemcpyAsync(d_dst, h_src, (size_t) bytes, cudaMemcpyHostToDevice, (cudaStream_t) stream);
}

int sd_memcpy_dtoh(void* h_dst, const void* d_src, long long bytes, void* stream) {
    SD_REQUIRE(bytes >= 0 && (bytes == 0 || (h_dst && d_src)), SD_ERR_BAD_ARGUMENT);
    if (bytes == 0) return 0;
    return (int) cudaMemcpyAsync(h_dst, d_src, (size_t) bytes, cudaMemcpyDeviceToHost, (cudaStream_t) stream);
}

int sd_memset_zero(void* d_ptr, long long bytes, void* stream) {
    SD_REQUIRE(bytes >= 0 && (bytes == 0 || d_ptr), SD_ERR_BAD_ARGUMENT);
    if (bytes == 0) return 0;
    return (int) cudaMemsetAsync(d_ptr, 0, (size_t) bytes, (cudaStream_t) stream);
}

int sd_stream_create(void** h_stream) {
    SD_REQUIRE(h_stream, SD_ERR_BAD_ARGUMENT);
    cudaStream_t s = nullptr;
    int rc = (int) cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking);
    *h_stream = (void*) s;
    return rc;
}

int sd_stream_destroy(void* stream) { return (int) cudaStreamDestroy((cudaStream_t) stream); }

int sd_stream_sync(void* stream) {
    int rc = (int) cudaStreamSynchronize((cudaStream_t) stream);
    return rc != 0 ? rc : (int) cudaGetLastError();
}

}  // extern "C"
