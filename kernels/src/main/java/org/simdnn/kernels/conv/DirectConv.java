package org.simdnn.kernels.conv;

import java.util.Arrays;
import org.simdnn.kernels.cpu.CpuInfo;
import org.simdnn.kernels.cpu.Parallel;
import org.simdnn.ops.Conv2dDesc;

/**
 * {@code f32-conv-nhwc-direct}: the generic loop nest, last in the planner. Runs every descriptor (groups,
 * depthwise multipliers, dilation, any stride and padding); the innermost loop runs over the contiguous
 * output channels of a group, as a vector axpy / dot ({@link ConvVectors}) when the vector width is non-zero.
 * Also the planner's choice where the implicit GEMM would mostly multiply zero padding (e.g. one input
 * channel). Parallel over the batch; backward weights sums one partial per fixed chunk of
 * images, in chunk order ({@link ConvUtil#forChunks}).
 */
final class DirectConv implements ConvImpl {
    private static final boolean VECTOR = CpuInfo.VECTOR_BITS > 0;

    private static void axpy(float s, float[] a, int ai, float[] y, int yi, int n) {
        if (VECTOR) {
            ConvVectors.axpy(s, a, ai, y, yi, n);
        } else {
            for (int i = 0; i < n; i++) y[yi + i] += s * a[ai + i];
        }
    }

    private static float dot(float[] a, int ai, float[] b, int bi, int n) {
        if (VECTOR) return ConvVectors.dot(a, ai, b, bi, n);
        float s = 0f;
        for (int i = 0; i < n; i++) s += a[ai + i] * b[bi + i];
        return s;
    }

    @Override public String id() { return "f32-conv-nhwc-direct"; }

    @Override public String rejects(Conv2dDesc d, ConvPass pass) { return null; }

    @Override
    public void forward(Conv2dDesc d, float[] x, int xo, float[] w, int wo, float[] bias, int bo, float[] y, int yo) {
        final int H = d.inH(), W = d.inW(), C = d.inC(), K = d.outC(), OH = d.outH(), OW = d.outW();
        final int G = d.groups(), Cg = d.inCPerGroup(), Kg = d.outCPerGroup();
        Parallel.forRange(d.batch(), 1, (wk, n0, n1) -> {
            for (int n = n0; n < n1; n++) {
                for (int oh = 0; oh < OH; oh++) {
                    for (int ow = 0; ow < OW; ow++) {
                        int yr = yo + ((n * OH + oh) * OW + ow) * K;
                        if (bias == null) Arrays.fill(y, yr, yr + K, 0f);
                        else System.arraycopy(bias, bo, y, yr, K);
                        for (int kh = 0; kh < d.kH(); kh++) {
                            int ih = oh * d.strideH() - d.padTop() + kh * d.dilationH();
                            if (ih < 0 || ih >= H) continue;
                            for (int kw = 0; kw < d.kW(); kw++) {
                                int iw = ow * d.strideW() - d.padLeft() + kw * d.dilationW();
                                if (iw < 0 || iw >= W) continue;
                                int xr = xo + ((n * H + ih) * W + iw) * C;
                                int wr = wo + (kh * d.kW() + kw) * Cg * K;
                                for (int g = 0; g < G; g++) {
                                    for (int ci = 0; ci < Cg; ci++) {
                                        axpy(x[xr + g * Cg + ci], w, wr + ci * K + g * Kg, y, yr + g * Kg, Kg);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        });
    }

    @Override
    public void backwardData(Conv2dDesc d, float[] dy, int dyo, float[] w, int wo, float[] dx, int dxo) {
        final int H = d.inH(), W = d.inW(), C = d.inC(), K = d.outC(), OH = d.outH(), OW = d.outW();
        final int G = d.groups(), Cg = d.inCPerGroup(), Kg = d.outCPerGroup();
        Parallel.forRange(d.batch(), 1, (wk, n0, n1) -> {
            Arrays.fill(dx, dxo + n0 * H * W * C, dxo + n1 * H * W * C, 0f);
            for (int n = n0; n < n1; n++) {
                for (int oh = 0; oh < OH; oh++) {
                    for (int ow = 0; ow < OW; ow++) {
                        int yr = dyo + ((n * OH + oh) * OW + ow) * K;
                        for (int kh = 0; kh < d.kH(); kh++) {
                            int ih = oh * d.strideH() - d.padTop() + kh * d.dilationH();
                            if (ih < 0 || ih >= H) continue;
                            for (int kw = 0; kw < d.kW(); kw++) {
                                int iw = ow * d.strideW() - d.padLeft() + kw * d.dilationW();
                                if (iw < 0 || iw >= W) continue;
                                int xr = dxo + ((n * H + ih) * W + iw) * C;
                                int wr = wo + (kh * d.kW() + kw) * Cg * K;
                                for (int g = 0; g < G; g++) {
                                    for (int ci = 0; ci < Cg; ci++) {
                                        dx[xr + g * Cg + ci] += dot(dy, yr + g * Kg, w, wr + ci * K + g * Kg, Kg);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        });
    }

    @Override
    public void backwardWeights(Conv2dDesc d, float[] x, int xo, float[] dy, int dyo, float[] dw, int dwo, float[] db,
                                int dbo) {
        final int H = d.inH(), W = d.inW(), C = d.inC(), K = d.outC(), OH = d.outH(), OW = d.outW();
        final int G = d.groups(), Cg = d.inCPerGroup(), Kg = d.outCPerGroup();
        final int wsize = d.kH() * d.kW() * Cg * K;
        int chunks = ConvUtil.batchChunks(d.batch(), wsize);
        float[][] parts = Scratch.partials(chunks, wsize);
        ConvUtil.forChunks(d.batch(), chunks, (ch, n0, n1) -> {
            float[] p = parts[ch];
            Arrays.fill(p, 0, wsize, 0f);
            for (int n = n0; n < n1; n++) {
                for (int oh = 0; oh < OH; oh++) {
                    for (int ow = 0; ow < OW; ow++) {
                        int yr = dyo + ((n * OH + oh) * OW + ow) * K;
                        for (int kh = 0; kh < d.kH(); kh++) {
                            int ih = oh * d.strideH() - d.padTop() + kh * d.dilationH();
                            if (ih < 0 || ih >= H) continue;
                            for (int kw = 0; kw < d.kW(); kw++) {
                                int iw = ow * d.strideW() - d.padLeft() + kw * d.dilationW();
                                if (iw < 0 || iw >= W) continue;
                                int xr = xo + ((n * H + ih) * W + iw) * C;
                                int wr = (kh * d.kW() + kw) * Cg * K;
                                for (int g = 0; g < G; g++) {
                                    for (int ci = 0; ci < Cg; ci++) {
                                        axpy(x[xr + g * Cg + ci], dy, yr + g * Kg, p, wr + ci * K + g * Kg, Kg);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        });
        ConvUtil.sumPartials(parts, chunks, wsize, dw, dwo);
        if (db != null) ConvUtil.sumRows(dy, dyo, d.batch() * OH * OW, K, db, dbo);
    }
}
