package org.simdnn.kernels.conv;

import java.util.Arrays;
import org.simdnn.kernels.cpu.CpuInfo;
import org.simdnn.kernels.cpu.Parallel;
import org.simdnn.ops.Clamp;
import org.simdnn.ops.Conv2dDesc;

/**
 * {@code f32-conv-nhwc-depthwise}: groups == inC. In NHWC a pixel's channels are contiguous, and so are a tap's
 * weights {@code w[kh, kw, 0, :]}, so every pass is a sequence of per-tap channel-vector multiply-adds
 * ({@link ConvVectors#madd}) with no reduction across channels. Multiplier 1 runs vectorised; a channel
 * multiplier m > 1 (output channel {@code c·m + j} reads input channel c) runs the same loops with a scalar
 * body. Forward and backward data are parallel over the batch (backward data gathers per input pixel, so
 * each dX element is written once); backward weights sums one partial per fixed chunk of images, in chunk order
 * ({@link ConvUtil#forChunks}).
 */
final class DepthwiseConv implements ConvImpl {
    private static final boolean VECTOR = CpuInfo.VECTOR_BITS > 0;

    @Override public String id() { return "f32-conv-nhwc-depthwise"; }

    @Override
    public String rejects(Conv2dDesc d, ConvPass pass) {
        return d.isDepthwise() ? null : "not depthwise (groups " + d.groups() + ", inC " + d.inC() + ")";
    }

    /**
     * Whether {@link DepthwiseConv3x3} (blocked padded rows, register tiles) runs {@code pass}: 3x3, dilation 1,
     * multiplier 1, stride W 1 or 2; backward data only for stride 1 (padding <= 2) or stride 2x2. Others run the
     * per-pixel loops below.
     */
    static boolean fast3x3(Conv2dDesc d, ConvPass pass) {
        if (d.kH() != 3 || d.kW() != 3 || d.dilationH() != 1 || d.dilationW() != 1 || d.outC() != d.inC()) return false;
        return switch (pass) {
            case FORWARD, BACKWARD_WEIGHTS -> d.strideW() <= 2;
            case BACKWARD_DATA -> d.strideH() == 1 && d.strideW() == 1 && d.padTop() <= 2 && d.padLeft() <= 2
                    || d.strideH() == 2 && d.strideW() == 2;
        };
    }

    /**
     * The 3x3 multiplier-1 forward ({@link #fast3x3}) with its weights packed once and the clamp applied as the
     * tiles store, so the output is written once; a residual, which must be added before the clamp, still runs
     * as a pass. Other shapes run {@link #forward}.
     */
    @Override
    public PreparedConv prepareForward(Conv2dDesc d, float[] w, int wo, float[] bias, int bo, Clamp clamp) {
        if (!VECTOR || d.outC() != d.inC() || !fast3x3(d, ConvPass.FORWARD)) {
            return ConvImpl.super.prepareForward(d, w, wo, bias, bo, clamp);
        }
        float[] wp = DepthwiseConv3x3.packForward(w, wo, bias, bo, d.inC());
        int size = (int) ConvPlanner.outputSize(d);
        return new PreparedConv(id(), d, bias, bo, clamp) {
            @Override
            void run(float[] x, int xo, float[] res, int ro, float[] y, int yo) {
                if (res == null) {
                    DepthwiseConv3x3.forwardPacked(desc, x, xo, wp, lo, hi, y, yo);
                } else {
                    DepthwiseConv3x3.forwardPacked(desc, x, xo, wp, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY,
                            y, yo);
                    epilogue(y, yo, res, ro, size);
                }
            }
        };
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
        if (VECTOR && m == 1) {
            if (fast3x3(d, ConvPass.FORWARD)) DepthwiseConv3x3.forward(d, x, xo, w, wo, bias, bo, y, yo);
            else forwardVector(d, x, xo, w, wo, bias, bo, y, yo);
            return;
        }
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
        if (VECTOR && m == 1) {
            if (fast3x3(d, ConvPass.BACKWARD_DATA)) DepthwiseConv3x3.backwardData(d, dy, dyo, w, wo, dx, dxo);
            else backwardDataVector(d, dy, dyo, w, wo, dx, dxo);
            return;
        }
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
        if (VECTOR && fast3x3(d, ConvPass.BACKWARD_WEIGHTS)) {
            DepthwiseConv3x3.backwardWeights(d, x, xo, dy, dyo, dw, dwo, db, dbo);
            return;
        }
        final int wsize = d.kH() * d.kW() * K;
        int chunks = ConvUtil.batchChunks(d.batch(), wsize);
        float[][] parts = Scratch.partials(chunks, wsize);
        ConvUtil.forChunks(d.batch(), chunks, (ch, n0, n1) -> {
            float[] p = parts[ch];
            Arrays.fill(p, 0, wsize, 0f);
            if (VECTOR && m == 1) {
                backwardWeightsVector(d, x, xo, dy, dyo, p, n0, n1);
                return;
            }
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
        ConvUtil.sumPartials(parts, chunks, wsize, dw, dwo);
        if (db != null) ConvUtil.sumRows(dy, dyo, d.batch() * OH * OW, K, db, dbo);
    }

    // ---- multiplier 1, vector width > 0: register accumulation (DepthwiseTiles) -------------------------

    private static void forwardVector(Conv2dDesc d, float[] x, int xo, float[] w, int wo, float[] bias, int bo,
                                      float[] y, int yo) {
        final int H = d.inH(), W = d.inW(), C = d.inC(), OH = d.outH(), OW = d.outW(), taps = d.kH() * d.kW();
        Parallel.forRange(d.batch(), 1, (wk, n0, n1) -> {
            int[] aOff = Scratch.ints(Scratch.OFFSETS, taps), wOff = Scratch.ints(Scratch.TAPS, taps);
            for (int n = n0; n < n1; n++) {
                int xn = xo + n * H * W * C;
                for (int oh = 0; oh < OH; oh++) {
                    for (int ow = 0; ow < OW; ow++) {
                        int cnt = 0;
                        for (int kh = 0; kh < d.kH(); kh++) {
                            int ih = oh * d.strideH() - d.padTop() + kh * d.dilationH();
                            if (ih < 0 || ih >= H) continue;
                            for (int kw = 0; kw < d.kW(); kw++) {
                                int iw = ow * d.strideW() - d.padLeft() + kw * d.dilationW();
                                if (iw < 0 || iw >= W) continue;
                                aOff[cnt] = (ih * W + iw) * C;
                                wOff[cnt++] = (kh * d.kW() + kw) * C;
                            }
                        }
                        int yr = yo + ((n * OH + oh) * OW + ow) * C;
                        int c = DepthwiseTiles.pixel(x, xn, aOff, w, wo, wOff, cnt, bias, bo, y, yr, C);
                        for (; c < C; c++) {
                            float s = bias == null ? 0f : bias[bo + c];
                            for (int t = 0; t < cnt; t++) s = Math.fma(x[xn + aOff[t] + c], w[wo + wOff[t] + c], s);
                            y[yr + c] = s;
                        }
                    }
                }
            }
        });
    }

    private static void backwardDataVector(Conv2dDesc d, float[] dy, int dyo, float[] w, int wo, float[] dx, int dxo) {
        final int H = d.inH(), W = d.inW(), C = d.inC(), OH = d.outH(), OW = d.outW(), taps = d.kH() * d.kW();
        Parallel.forRange(d.batch(), 1, (wk, n0, n1) -> {
            int[] aOff = Scratch.ints(Scratch.OFFSETS, taps), wOff = Scratch.ints(Scratch.TAPS, taps);
            for (int n = n0; n < n1; n++) {
                int yn = dyo + n * OH * OW * C;
                for (int ih = 0; ih < H; ih++) {
                    for (int iw = 0; iw < W; iw++) {
                        int cnt = 0;
                        for (int kh = 0; kh < d.kH(); kh++) {
                            int th = ih + d.padTop() - kh * d.dilationH();
                            if (th < 0 || th % d.strideH() != 0 || th / d.strideH() >= OH) continue;
                            for (int kw = 0; kw < d.kW(); kw++) {
                                int tw = iw + d.padLeft() - kw * d.dilationW();
                                if (tw < 0 || tw % d.strideW() != 0 || tw / d.strideW() >= OW) continue;
                                aOff[cnt] = ((th / d.strideH()) * OW + tw / d.strideW()) * C;
                                wOff[cnt++] = (kh * d.kW() + kw) * C;
                            }
                        }
                        int xr = dxo + ((n * H + ih) * W + iw) * C;
                        int c = DepthwiseTiles.pixel(dy, yn, aOff, w, wo, wOff, cnt, null, 0, dx, xr, C);
                        for (; c < C; c++) {
                            float s = 0f;
                            for (int t = 0; t < cnt; t++) s = Math.fma(dy[yn + aOff[t] + c], w[wo + wOff[t] + c], s);
                            dx[xr + c] = s;
                        }
                    }
                }
            }
        });
    }

    /** Adds images [n0, n1) into p[kH·kW·C], one register accumulator per (tap, channel vector, output row). */
    private static void backwardWeightsVector(Conv2dDesc d, float[] x, int xo, float[] dy, int dyo, float[] p, int n0,
                                              int n1) {
        final int H = d.inH(), W = d.inW(), C = d.inC(), OH = d.outH(), OW = d.outW();
        final int sw = d.strideW(), pl = d.padLeft(), dwl = d.dilationW();
        for (int n = n0; n < n1; n++) {
            for (int oh = 0; oh < OH; oh++) {
                for (int kh = 0; kh < d.kH(); kh++) {
                    int ih = oh * d.strideH() - d.padTop() + kh * d.dilationH();
                    if (ih < 0 || ih >= H) continue;
                    for (int kw = 0; kw < d.kW(); kw++) {
                        // output columns whose input column iw = ow·sw − pl + kw·dw lies inside [0, W)
                        int off = kw * dwl - pl;
                        int lo = off >= 0 ? 0 : (-off + sw - 1) / sw;
                        int hi = Math.min(OW - 1, Math.floorDiv(W - 1 - off, sw));
                        if (hi < lo) continue;
                        int xs = xo + ((n * H + ih) * W + lo * sw + off) * C;
                        int ys = dyo + ((n * OH + oh) * OW + lo) * C;
                        int pr = (kh * d.kW() + kw) * C, cnt = hi - lo + 1;
                        int c = DepthwiseTiles.rowDot(x, xs, sw * C, dy, ys, C, cnt, p, pr, C);
                        for (; c < C; c++) {
                            float s = 0f;
                            for (int i = 0; i < cnt; i++) s = Math.fma(x[xs + i * sw * C + c], dy[ys + i * C + c], s);
                            p[pr + c] += s;
                        }
                    }
                }
            }
        }
    }
}
