package org.simdnn.kernels.conv;

import java.util.Arrays;
import org.simdnn.kernels.cpu.CpuInfo;
import org.simdnn.kernels.cpu.Parallel;
import org.simdnn.ops.Conv2dDesc;

/**
 * {@code f32-conv-nhwc-depthwise}: groups == inC. In NHWC a pixel's channels are contiguous, and so are a tap's
 * weights {@code w[kh, kw, 0, :]}, so every pass is a sequence of per-tap channel-vector multiply-adds
 * ({@link ConvVectors#madd}) with no reduction across channels. Multiplier 1 runs vectorised; a channel
 * multiplier m > 1 (output channel {@code c·m + j} reads input channel c) runs the same loops with a scalar
 * body. Forward and backward data are parallel over the batch (backward data gathers per input pixel, so
 * each dX element is written once); backward weights sums per-worker partials.
 */
final class DepthwiseConv implements ConvImpl {
    private static final boolean VECTOR = CpuInfo.VECTOR_BITS > 0;

    @Override public String name() { return "f32-conv-nhwc-depthwise"; }

    @Override
    public String rejects(Conv2dDesc d, ConvPass pass) {
        return d.isDepthwise() ? null : "not depthwise (groups " + d.groups() + ", inC " + d.inC() + ")";
    }

    private static void madd(float[] a, int ai, float[] b, int bi, float[] y, int yi, int n) {
        if (VECTOR) {
            ConvVectors.madd(a, ai, b, bi, y, yi, n);
        } else {
            for (int i = 0; i < n; i++) y[yi + i] = Math.fma(a[ai + i], b[bi + i], y[yi + i]);
        }
    }

    @Override
    public void forward(Conv2dDesc d, float[] x, int xo, float[] w, int wo, float[] bias, int bo, float[] y, int yo) {
        final int H = d.inH(), W = d.inW(), C = d.inC(), K = d.outC(), OH = d.outH(), OW = d.outW(), m = K / C;
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
                                int xr = xo + ((n * H + ih) * W + iw) * C, wr = wo + (kh * d.kW() + kw) * K;
                                if (m == 1) {
                                    madd(x, xr, w, wr, y, yr, C);
                                } else {
                                    for (int c = 0; c < C; c++) {
                                        float xv = x[xr + c];
                                        for (int j = 0; j < m; j++) y[yr + c * m + j] += xv * w[wr + c * m + j];
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
        final int H = d.inH(), W = d.inW(), C = d.inC(), K = d.outC(), OH = d.outH(), OW = d.outW(), m = K / C;
        Parallel.forRange(d.batch(), 1, (wk, n0, n1) -> {
            for (int n = n0; n < n1; n++) {
                for (int ih = 0; ih < H; ih++) {
                    for (int iw = 0; iw < W; iw++) {
                        int xr = dxo + ((n * H + ih) * W + iw) * C;
                        Arrays.fill(dx, xr, xr + C, 0f);
                        for (int kh = 0; kh < d.kH(); kh++) {
                            int th = ih + d.padTop() - kh * d.dilationH();
                            if (th < 0 || th % d.strideH() != 0 || th / d.strideH() >= OH) continue;
                            int oh = th / d.strideH();
                            for (int kw = 0; kw < d.kW(); kw++) {
                                int tw = iw + d.padLeft() - kw * d.dilationW();
                                if (tw < 0 || tw % d.strideW() != 0 || tw / d.strideW() >= OW) continue;
                                int ow = tw / d.strideW();
                                int yr = dyo + ((n * OH + oh) * OW + ow) * K, wr = wo + (kh * d.kW() + kw) * K;
                                if (m == 1) {
                                    madd(dy, yr, w, wr, dx, xr, C);
                                } else {
                                    for (int c = 0; c < C; c++) {
                                        float s = 0f;
                                        for (int j = 0; j < m; j++) s += dy[yr + c * m + j] * w[wr + c * m + j];
                                        dx[xr + c] += s;
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
        final int H = d.inH(), W = d.inW(), C = d.inC(), K = d.outC(), OH = d.outH(), OW = d.outW(), m = K / C;
        final int wsize = d.kH() * d.kW() * K;
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
                                int xr = xo + ((n * H + ih) * W + iw) * C, wr = (kh * d.kW() + kw) * K;
                                if (m == 1) {
                                    madd(x, xr, dy, yr, p, wr, C);
                                } else {
                                    for (int c = 0; c < C; c++) {
                                        float xv = x[xr + c];
                                        for (int j = 0; j < m; j++) p[wr + c * m + j] += xv * dy[yr + c * m + j];
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
