package org.simdnn.kernels.conv;

import java.util.Arrays;
import org.simdnn.kernels.cpu.Parallel;
import org.simdnn.ops.Conv2dDesc;

/**
 * {@code f32-conv-nhwc-direct}: the generic loop nest, last in the planner. Runs every descriptor (groups,
 * depthwise multipliers, dilation, any stride and padding); the innermost loop runs over the contiguous
 * output channels of a group so C2 can still vectorise it. Parallel over the batch; backward weights sums
 * per-worker partials.
 */
final class DirectConv implements ConvImpl {

    @Override public String name() { return "f32-conv-nhwc-direct"; }

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
                                        float xv = x[xr + g * Cg + ci];
                                        int wrow = wr + ci * K + g * Kg, yrow = yr + g * Kg;
                                        for (int co = 0; co < Kg; co++) y[yrow + co] += xv * w[wrow + co];
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
                                        int wrow = wr + ci * K + g * Kg, yrow = yr + g * Kg;
                                        float s = 0f;
                                        for (int co = 0; co < Kg; co++) s += dy[yrow + co] * w[wrow + co];
                                        dx[xr + g * Cg + ci] += s;
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
        int workers = Math.min(Parallel.threads(), d.batch());
        float[][] parts = Scratch.partials(workers, wsize);
        // Zeroed here, not in the body: a worker index may run several ranges (Parallel claims them).
        for (int i = 0; i < workers; i++) Arrays.fill(parts[i], 0, wsize, 0f);
        Parallel.forRange(d.batch(), 1, (wk, n0, n1) -> {
            float[] p = parts[wk];
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
                                        float xv = x[xr + g * Cg + ci];
                                        int wrow = wr + ci * K + g * Kg, yrow = yr + g * Kg;
                                        for (int co = 0; co < Kg; co++) p[wrow + co] += xv * dy[yrow + co];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        });
        ConvUtil.sumPartials(parts, workers, wsize, dw, dwo);
        if (db != null) ConvUtil.sumRows(dy, dyo, d.batch() * OH * OW, K, db, dbo);
    }
}
