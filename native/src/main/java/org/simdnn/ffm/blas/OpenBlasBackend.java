package org.simdnn.ffm.blas;

import java.util.Arrays;
import org.simdnn.ffm.ForwardingBackend;
import org.simdnn.kernels.conv.Im2col;
import org.simdnn.ops.*;
import org.simdnn.tensor.Tensor;

/**
 * GEMM and groups == 1 convolution (im2col + GEMM) on OpenBLAS; every other op forwards to the CPU backend,
 * which {@link #supports} reports and stderr notes once per op.
 */
public final class OpenBlasBackend extends ForwardingBackend {
    /** Patch-matrix budget per GEMM (floats); whole images are batched up to it. */
    private static final long PATCH_BUDGET = 1L << 22;

    /** Throws {@link IllegalStateException} with the reason if OpenBLAS cannot load here. */
    public OpenBlasBackend() {
        Availability a = OpenBlas.availability();
        if (!a.available()) throw new IllegalStateException("OpenBLAS is unavailable: " + a.reason());
    }

    @Override public String name() { return "openblas"; }

    @Override public String describe() { return OpenBlas.describe() + "; other ops: " + cpu().describe(); }

    @Override
    public boolean supports(Op op) {
        return switch (op) {
            case GEMM, CONV2D_FORWARD, CONV2D_BACKWARD_DATA, CONV2D_BACKWARD_WEIGHTS -> true;
            default -> false;
        };
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int offA, int lda,
                      float[] b, int offB, int ldb, float beta, float[] c, int offC, int ldc) {
        OpenBlas.sgemm(transA, transB, m, n, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc);
    }

    // ---- convolution through im2col ------------------------------------------------------------------------

    /** Images per GEMM so the patch matrix stays within {@link #PATCH_BUDGET}; at least one. */
    private static int imagesPerChunk(Conv2dDesc d) {
        long perImage = (long) d.outH() * d.outW() * d.kH() * d.kW() * d.inC();
        if (perImage > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("conv2d " + d.shapeString() + ": one image's patch matrix has "
                    + perImage + " elements, more than a Java array holds");
        }
        return (int) Math.max(1, Math.min(d.batch(), PATCH_BUDGET / Math.max(1, perImage)));
    }

    private static boolean direct(Conv2dDesc d) { return d.isPointwise(); }

    @Override
    public void conv2dForward(Conv2dDesc d, Tensor x, Tensor w, Tensor bias, Tensor y) {
        if (d.groups() != 1) { cpu(Op.CONV2D_FORWARD).conv2dForward(d, x, w, bias, y); return; }
        OpChecks.conv2dForward(d, x, w, bias, y);
        int kk = d.kH() * d.kW() * d.inC(), pix = d.outH() * d.outW(), outC = d.outC();
        if (direct(d)) {
            OpenBlas.sgemm(false, false, d.batch() * pix, outC, kk, 1f, x.data(), x.offset(), kk, w.data(), w.offset(),
                    outC, 0f, y.data(), y.offset(), outC);
        } else {
            int chunk = imagesPerChunk(d);
            float[] patches = new float[chunk * pix * kk];
            for (int img = 0; img < d.batch(); img += chunk) {
                int imgs = Math.min(chunk, d.batch() - img);
                Im2col.pack(d, x.data(), x.offset(), img * pix, imgs * pix, patches);
                OpenBlas.sgemm(false, false, imgs * pix, outC, kk, 1f, patches, 0, kk, w.data(), w.offset(), outC, 0f,
                        y.data(), y.offset() + img * pix * outC, outC);
            }
        }
        if (bias != null) {
            float[] yd = y.data(), bd = bias.data();
            int bo = bias.offset();
            for (int r = 0, rows = d.batch() * pix; r < rows; r++) {
                int row = y.offset() + r * outC;
                for (int o = 0; o < outC; o++) yd[row + o] += bd[bo + o];
            }
        }
    }

    @Override
    public void conv2dBackwardData(Conv2dDesc d, Tensor dy, Tensor w, Tensor dx) {
        if (d.groups() != 1) { cpu(Op.CONV2D_BACKWARD_DATA).conv2dBackwardData(d, dy, w, dx); return; }
        OpChecks.conv2dBackwardData(d, dy, w, dx);
        int kk = d.kH() * d.kW() * d.inC(), pix = d.outH() * d.outW(), outC = d.outC();
        if (direct(d)) { // dx[N*H*W, inC] = dy[N*H*W, outC] * W[inC, outC]^T
            OpenBlas.sgemm(false, true, d.batch() * pix, kk, outC, 1f, dy.data(), dy.offset(), outC, w.data(),
                    w.offset(), outC, 0f, dx.data(), dx.offset(), kk);
            return;
        }
        Arrays.fill(dx.data(), dx.offset(), dx.offset() + dx.size(), 0f);
        int chunk = imagesPerChunk(d);
        float[] dpatches = new float[chunk * pix * kk];
        for (int img = 0; img < d.batch(); img += chunk) {
            int imgs = Math.min(chunk, d.batch() - img);
            OpenBlas.sgemm(false, true, imgs * pix, kk, outC, 1f, dy.data(), dy.offset() + img * pix * outC, outC,
                    w.data(), w.offset(), outC, 0f, dpatches, 0, kk);
            Im2col.scatterAdd(d, dpatches, img * pix, imgs * pix, dx.data(), dx.offset());
        }
    }

    @Override
    public void conv2dBackwardWeights(Conv2dDesc d, Tensor x, Tensor dy, Tensor dw, Tensor dbias) {
        if (d.groups() != 1) { cpu(Op.CONV2D_BACKWARD_WEIGHTS).conv2dBackwardWeights(d, x, dy, dw, dbias); return; }
        OpChecks.conv2dBackwardWeights(d, x, dy, dw, dbias);
        int kk = d.kH() * d.kW() * d.inC(), pix = d.outH() * d.outW(), outC = d.outC();
        if (direct(d)) { // dW[inC, outC] = x[N*H*W, inC]^T * dy[N*H*W, outC]
            OpenBlas.sgemm(true, false, kk, outC, d.batch() * pix, 1f, x.data(), x.offset(), kk, dy.data(), dy.offset(),
                    outC, 0f, dw.data(), dw.offset(), outC);
        } else {
            int chunk = imagesPerChunk(d);
            float[] patches = new float[chunk * pix * kk];
            for (int img = 0; img < d.batch(); img += chunk) {
                int imgs = Math.min(chunk, d.batch() - img);
                Im2col.pack(d, x.data(), x.offset(), img * pix, imgs * pix, patches);
                OpenBlas.sgemm(true, false, kk, outC, imgs * pix, 1f, patches, 0, kk, dy.data(),
                        dy.offset() + img * pix * outC, outC, img == 0 ? 0f : 1f, dw.data(), dw.offset(), outC);
            }
        }
        if (dbias != null) { // column sums of dy, accumulated in double
            double[] acc = new double[outC];
            float[] g = dy.data();
            for (int r = 0, rows = d.batch() * pix; r < rows; r++) {
                int row = dy.offset() + r * outC;
                for (int o = 0; o < outC; o++) acc[o] += g[row + o];
            }
            for (int o = 0; o < outC; o++) dbias.data()[dbias.offset() + o] = (float) acc[o];
        }
    }
}
