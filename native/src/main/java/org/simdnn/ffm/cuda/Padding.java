package org.simdnn.ffm.cuda;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;

/**
 * The padding rule of the Tensor Core kernels, applied while operands are staged for the host-to-device copy:
 * GEMM m, n, k and convolution batch, input and output channels are rounded up to multiples of 8, the extra
 * rows and channels zero, and results are cropped on the way back. Padded entries add exact zeros to every
 * real output, so callers never see the padding. Staging segments must be zeroed when passed in (as
 * {@link DeviceArena#host} returns them); only the real entries are written.
 */
final class Padding {
    private Padding() {}

    static int up8(int v) { return (v + 7) & ~7; }

    static long floatBytes(long floats) { return floats * Float.BYTES; }

    /** Copies {@code src} viewed as [outer, inner, cols] into {@code dst} viewed as [*, innerP, colsP]. */
    static void pad(float[] src, int off, int outer, int inner, int cols, MemorySegment dst, int innerP, int colsP) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                MemorySegment.copy(src, off + (o * inner + i) * cols, dst, JAVA_FLOAT,
                        floatBytes(((long) o * innerP + i) * colsP), cols);
            }
        }
    }

    /** The inverse of {@link #pad}: the [outer, inner, cols] corner of {@code src} into dst from {@code off}. */
    static void crop(MemorySegment src, int outer, int inner, int cols, int innerP, int colsP, float[] dst, int off) {
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                MemorySegment.copy(src, JAVA_FLOAT, floatBytes(((long) o * innerP + i) * colsP), dst,
                        off + (o * inner + i) * cols, cols);
            }
        }
    }

    // ---- GEMM -------------------------------------------------------------------------------------------------

    /**
     * op(X) (rows x cols; X stored transposed when {@code trans}, leading dimension ld) into {@code dst} as a dense
     * row-major matrix with row stride {@code colsP}: de-strided and de-transposed for the kernel.
     */
    static void matrix(float[] x, int off, int ld, boolean trans, int rows, int cols, MemorySegment dst, int colsP) {
        for (int i = 0; i < rows; i++) {
            if (!trans) {
                MemorySegment.copy(x, off + i * ld, dst, JAVA_FLOAT, floatBytes((long) i * colsP), cols);
                continue;
            }
            for (int j = 0; j < cols; j++) dst.setAtIndex(JAVA_FLOAT, (long) i * colsP + j, x[off + j * ld + i]);
        }
    }

    /** The rows x cols corner of a row-major matrix of row stride colsP into x (leading dimension ld). */
    static void cropMatrix(MemorySegment src, int rows, int cols, int colsP, float[] x, int off, int ld) {
        for (int i = 0; i < rows; i++) MemorySegment.copy(src, JAVA_FLOAT, floatBytes((long) i * colsP), x, off + i * ld, cols);
    }

    // ---- convolution --------------------------------------------------------------------------------------------

    /** Bytes of an NHWC image batch [n, pixels, c] staged as [up8(n), pixels, up8(c)]. */
    static long imageBytes(int n, int pixels, int c) { return floatBytes((long) up8(n) * pixels * up8(c)); }

    static void image(float[] src, int off, int n, int pixels, int c, MemorySegment dst) {
        pad(src, off, n * pixels, 1, c, dst, 1, up8(c));
    }

    static void cropImage(MemorySegment src, int n, int pixels, int c, float[] dst, int off) {
        crop(src, n * pixels, 1, c, 1, up8(c), dst, off);
    }

    /** Bytes of HWIO weights [taps, c, k] staged as [taps, up8(c), up8(k)]. */
    static long weightBytes(int taps, int c, int k) { return floatBytes((long) taps * up8(c) * up8(k)); }

    static void weights(float[] src, int off, int taps, int c, int k, MemorySegment dst) {
        pad(src, off, taps, c, k, dst, up8(c), up8(k));
    }

    static void cropWeights(MemorySegment src, int taps, int c, int k, float[] dst, int off) {
        crop(src, taps, c, k, up8(c), up8(k), dst, off);
    }
}
