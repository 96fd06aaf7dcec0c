// Index arithmetic shared by the kernel files: the grid-stride loop and NHWC offsets and coordinates.
#ifndef SIMDNN_INDEXING_CUH
#define SIMDNN_INDEXING_CUH

#include <cuda_runtime.h>

namespace sd {

// The indices [0, count) this thread handles in a grid-stride loop, spread over the whole grid so any launch
// size covers any count: for (long long i : grid_stride(count)) ... . Indices are 64-bit: tensors may hold more
// than 2^31 elements.
struct GridStride {
    long long count;

    // The step is read from the launch's built-ins at each increment, not stored: kept in registers it cost
    // up to 5 more per thread (fewer resident blocks) in the simple kernels.
    struct Index {
        long long i;
        __device__ long long operator*() const { return i; }
        __device__ Index& operator++() {
            i += (long long) gridDim.x * blockDim.x;
            return *this;
        }
        // Compares with end() only: past the end means done.
        __device__ bool operator!=(const Index& end) const { return i < end.i; }
    };

    __device__ Index begin() const { return {blockIdx.x * (long long) blockDim.x + threadIdx.x}; }
    __device__ Index end() const { return {count}; }
};

__device__ inline GridStride grid_stride(long long count) { return {count}; }

// The offset of element (img, y, x, ch) of an NHWC tensor [n, h, w, c]: 64-bit, or I = int where the caller
// knows the tensor fits (32-bit arithmetic keeps max pooling at 31 registers rather than 40).
template <typename I = long long>
__device__ inline I nhwc_offset(int img, int y, int x, int ch, int h, int w, int c) {
    return (((I) img * h + y) * w + x) * c + ch;
}

// A pixel (image, row, column) of an NHWC tensor.
struct Pixel {
    int img, y, x;
};

// The pixel of index p in [0, n*h*w) (pixels in NHWC order). I is int where the caller knows p fits, so the
// hot loaders keep 32-bit division.
template <typename I>
__device__ inline Pixel pixel_of(I p, int h, int w) {
    I t = p / w;
    return {(int) (t / h), (int) (t % h), (int) (p % w)};
}

// The coordinates (image, row, column, channel) of element i of an NHWC tensor [n, h, w, c].
struct Nhwc {
    int img, y, x, ch;
};

__device__ inline Nhwc nhwc_index(long long i, int h, int w, int c) {
    Pixel p = pixel_of(i / c, h, w);
    return {p.img, p.y, p.x, (int) (i % c)};
}

}  // namespace sd

#endif
