package org.simdnn.kernels.layout;

import java.util.Arrays;
import org.simdnn.kernels.cpu.CpuInfo;
import org.simdnn.kernels.cpu.Parallel;
import org.simdnn.tensor.Layout;
import org.simdnn.tensor.Tensor;

/**
 * Layout transforms at the edges of the NHWC world: NCHW &lt;-&gt; NHWC activations, OIHW (PyTorch/ONNX)
 * &lt;-&gt; HWIO weights, and channel padding to a multiple of the vector lane count (CPU) or of 8 (the
 * Tensor Core rule) and back. Array versions write into caller buffers; tensor versions return new tensors.
 * Transposes walk the destination in order (sequential writes) and run parallel over the batch.
 */
public final class Layouts {
    private Layouts() {}

    /** dst[n, h, w, c] = src[n, c, h, w]. */
    public static void nchwToNhwc(float[] src, int so, float[] dst, int dOff, int n, int c, int h, int w) {
        checkSpan("nchwToNhwc src", src, so, (long) n * c * h * w);
        checkSpan("nchwToNhwc dst", dst, dOff, (long) n * c * h * w);
        // One image (batch-1 inference) runs here: the range body, a capturing lambda, is made only to split.
        if (n == 1 || Parallel.threads() == 1) {
            toNhwc(src, so, dst, dOff, c, h * w, 0, n);
        } else {
            Parallel.forRange(n, 1, (wk, n0, n1) -> toNhwc(src, so, dst, dOff, c, h * w, n0, n1));
        }
    }

    private static void toNhwc(float[] src, int so, float[] dst, int dOff, int c, int hw, int n0, int n1) {
        for (int b = n0; b < n1; b++) {
            int s = so + b * c * hw, d = dOff + b * hw * c;
            for (int p = 0; p < hw; p++) {
                for (int ch = 0; ch < c; ch++) dst[d + p * c + ch] = src[s + ch * hw + p];
            }
        }
    }

    /** dst[n, c, h, w] = src[n, h, w, c]. */
    public static void nhwcToNchw(float[] src, int so, float[] dst, int dOff, int n, int h, int w, int c) {
        checkSpan("nhwcToNchw src", src, so, (long) n * c * h * w);
        checkSpan("nhwcToNchw dst", dst, dOff, (long) n * c * h * w);
        if (n == 1 || Parallel.threads() == 1) {
            toNchw(src, so, dst, dOff, c, h * w, 0, n);
        } else {
            Parallel.forRange(n, 1, (wk, n0, n1) -> toNchw(src, so, dst, dOff, c, h * w, n0, n1));
        }
    }

    private static void toNchw(float[] src, int so, float[] dst, int dOff, int c, int hw, int n0, int n1) {
        for (int b = n0; b < n1; b++) {
            int s = so + b * hw * c, d = dOff + b * c * hw;
            for (int ch = 0; ch < c; ch++) {
                for (int p = 0; p < hw; p++) dst[d + ch * hw + p] = src[s + p * c + ch];
            }
        }
    }

    /** HWIO {@code [kh, kw, i, o]} from OIHW {@code [o, i, kh, kw]} (PyTorch/ONNX weight order). */
    public static void oihwToHwio(float[] src, int so, float[] dst, int dOff, int o, int i, int kh, int kw) {
        checkSpan("oihwToHwio src", src, so, (long) o * i * kh * kw);
        checkSpan("oihwToHwio dst", dst, dOff, (long) o * i * kh * kw);
        for (int a = 0; a < kh; a++)
            for (int b = 0; b < kw; b++)
                for (int ci = 0; ci < i; ci++)
                    for (int co = 0; co < o; co++)
                        dst[dOff + ((a * kw + b) * i + ci) * o + co] = src[so + ((co * i + ci) * kh + a) * kw + b];
    }

    /** OIHW {@code [o, i, kh, kw]} from HWIO {@code [kh, kw, i, o]}. */
    public static void hwioToOihw(float[] src, int so, float[] dst, int dOff, int kh, int kw, int i, int o) {
        checkSpan("hwioToOihw src", src, so, (long) o * i * kh * kw);
        checkSpan("hwioToOihw dst", dst, dOff, (long) o * i * kh * kw);
        for (int co = 0; co < o; co++)
            for (int ci = 0; ci < i; ci++)
                for (int a = 0; a < kh; a++)
                    for (int b = 0; b < kw; b++)
                        dst[dOff + ((co * i + ci) * kh + a) * kw + b] = src[so + ((a * kw + b) * i + ci) * o + co];
    }

    /** {@code c} rounded up to a multiple of {@code multiple} (>= 1). */
    public static int roundUp(int c, int multiple) {
        if (c < 0 || multiple < 1) {
            throw new IllegalArgumentException("roundUp needs c >= 0 and multiple >= 1, got c=" + c + " multiple="
                    + multiple);
        }
        return (c + multiple - 1) / multiple * multiple;
    }

    /** Channels padded to the CPU kernels' lane count ({@link CpuInfo#lanes()}). */
    public static int lanePadded(int c) { return roundUp(c, CpuInfo.lanes()); }

    /** Channels padded to a multiple of 8 (Tensor Core friendly). */
    public static int tensorCorePadded(int c) { return roundUp(c, 8); }

    /** Copies {@code pixels} rows of {@code c} channels into rows of {@code cp >= c}, zero-filling the pad. */
    public static void padChannels(float[] src, int so, int pixels, int c, float[] dst, int dOff, int cp) {
        if (cp < c) throw new IllegalArgumentException("padChannels: padded count " + cp + " < channels " + c);
        checkSpan("padChannels src", src, so, (long) pixels * c);
        checkSpan("padChannels dst", dst, dOff, (long) pixels * cp);
        for (int p = 0; p < pixels; p++) {
            System.arraycopy(src, so + p * c, dst, dOff + p * cp, c);
            Arrays.fill(dst, dOff + p * cp + c, dOff + (p + 1) * cp, 0f);
        }
    }

    /** The inverse of {@link #padChannels}: keeps the first {@code c} of every {@code cp} channels. */
    public static void unpadChannels(float[] src, int so, int pixels, int cp, float[] dst, int dOff, int c) {
        if (cp < c) throw new IllegalArgumentException("unpadChannels: padded count " + cp + " < channels " + c);
        checkSpan("unpadChannels src", src, so, (long) pixels * cp);
        checkSpan("unpadChannels dst", dst, dOff, (long) pixels * c);
        for (int p = 0; p < pixels; p++) System.arraycopy(src, so + p * cp, dst, dOff + p * c, c);
    }

    /** A new NHWC tensor {@code [n, h, w, c]} from a contiguous NCHW one {@code [n, c, h, w]}. */
    public static Tensor toNhwc(Tensor nchw) {
        require4d("toNhwc", nchw);
        int n = nchw.dim(0), c = nchw.dim(1), h = nchw.dim(2), w = nchw.dim(3);
        Tensor out = Tensor.zeros(Layout.NHWC, n, h, w, c);
        nchwToNhwc(nchw.data(), nchw.offset(), out.data(), 0, n, c, h, w);
        return out;
    }

    /** A new NCHW tensor {@code [n, c, h, w]} from a contiguous NHWC one {@code [n, h, w, c]}. */
    public static Tensor toNchw(Tensor nhwc) {
        require4d("toNchw", nhwc);
        int n = nhwc.dim(0), h = nhwc.dim(1), w = nhwc.dim(2), c = nhwc.dim(3);
        Tensor out = Tensor.zeros(Layout.NCHW, n, c, h, w);
        nhwcToNchw(nhwc.data(), nhwc.offset(), out.data(), 0, n, h, w, c);
        return out;
    }

    /** A new tensor with the last dim padded with zeros to a multiple of {@code multiple}. */
    public static Tensor padChannels(Tensor t, int multiple) {
        if (t.rank() < 1 || !t.isContiguous()) {
            throw new IllegalArgumentException("padChannels needs a contiguous tensor of rank >= 1, got " + t.shapeString());
        }
        int[] s = t.shape();
        int c = s[s.length - 1], cp = roundUp(c, multiple);
        s[s.length - 1] = cp;
        Tensor out = t.rank() == 4 ? Tensor.zeros(t.layout(), s) : Tensor.zeros(s);
        padChannels(t.data(), t.offset(), c == 0 ? 0 : t.size() / c, c, out.data(), 0, cp);
        return out;
    }

    /** A new tensor keeping the first {@code channels} entries of the last dim. */
    public static Tensor unpadChannels(Tensor t, int channels) {
        if (t.rank() < 1 || !t.isContiguous() || channels > t.dim(t.rank() - 1) || channels < 0) {
            throw new IllegalArgumentException("unpadChannels to " + channels + " channels needs a contiguous tensor"
                    + " with at least that many in its last dim, got " + t.shapeString());
        }
        int[] s = t.shape();
        int cp = s[s.length - 1];
        s[s.length - 1] = channels;
        Tensor out = t.rank() == 4 ? Tensor.zeros(t.layout(), s) : Tensor.zeros(s);
        unpadChannels(t.data(), t.offset(), cp == 0 ? 0 : t.size() / cp, cp, out.data(), 0, channels);
        return out;
    }

    private static void require4d(String op, Tensor t) {
        if (t.rank() != 4 || !t.isContiguous()) {
            throw new IllegalArgumentException(op + " needs a contiguous 4-d tensor, got " + t.shapeString());
        }
    }

    private static void checkSpan(String what, float[] a, int off, long size) {
        if (a == null || off < 0 || off + size > a.length) {
            throw new IllegalArgumentException(what + ": needs " + size + " floats at offset " + off + ", array has "
                    + (a == null ? "null" : a.length));
        }
    }
}
