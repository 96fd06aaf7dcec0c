package org.simdnn.kernels.conv;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Winograd F(4x4, 3x3) data transforms of {@link WinogradF4x3Conv}, one channel vector at a time over NHWC:
 * a 6x6 window (36 vector loads) to 36 planes, 36 planes to a 4x4 output block. Each 2-D transform runs as six
 * 1-D transforms over rows into {@code tmp} (L1) and six over its columns, so no more than a dozen vectors are
 * live (36 locals would spill). Matrices (Lavin and Gray 2015, points 0, ±1, ±2):
 * <pre>
 * Bᵀ = [4  0 −5  0 1 0;  0 −4 −4  1 1 0;  0 4 −4 −1 1 0;  0 −2 −1 2 1 0;  0 2 −1 −2 1 0;  0 4 0 −5 0 1]
 * Aᵀ = [1 1 1 1 1 0;  0 1 −1 2 −2 0;  0 1 1 4 4 0;  0 1 −1 8 −8 1]
 * </pre>
 */
final class WinogradF4x3Transforms implements WinogradTransforms {
    static final WinogradF4x3Transforms INSTANCE = new WinogradF4x3Transforms();
    /** 512 KiB: 36 planes per tile need twice F(2x2)'s budget for blocks of similar length. */
    static final int BLOCK_FLOATS = 128 * 1024;
    private static final VectorSpecies<Float> F = ConvVectors.F;
    private static final int L = ConvVectors.L;

    private WinogradF4x3Transforms() {}

    @Override public int m() { return 4; }

    @Override public int blockFloats() { return BLOCK_FLOATS; }

    /** G (6x3), rows: [¼ 0 0], [−⅙ −⅙ −⅙], [−⅙ ⅙ −⅙], [1/24 1/12 ⅙], [1/24 −1/12 ⅙], [0 0 1]. */
    private static final double[][] G = {
            {0.25, 0, 0}, {-1 / 6.0, -1 / 6.0, -1 / 6.0}, {-1 / 6.0, 1 / 6.0, -1 / 6.0},
            {1 / 24.0, 1 / 12.0, 1 / 6.0}, {1 / 24.0, -1 / 12.0, 1 / 6.0}, {0, 0, 1}};

    /** {@code G g Gᵀ} in double (the ⅙ and 1/24 entries round in float), then rounded once. */
    @Override
    public void weights(float[] g, double[] gg, float[] u, int at, int js) {
        for (int i = 0; i < 6; i++) {
            for (int b = 0; b < 3; b++) {
                gg[i * 3 + b] = G[i][0] * (double) g[b] + G[i][1] * (double) g[3 + b] + G[i][2] * (double) g[6 + b];
            }
        }
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 6; j++) {
                double s = gg[i * 3] * G[j][0] + gg[i * 3 + 1] * G[j][1] + gg[i * 3 + 2] * G[j][2];
                u[at + (i * 6 + j) * js] = (float) s;
            }
        }
    }

    @Override
    public void input(float[] xp, int xo, int b0, int nb, int T, int tW, int img, int Wp, int D, float[] v, int vo0,
                      int vs, float[] tmp) {
        int row = Wp * D;
        for (int p = 0; p < nb; p++) {
            int g = b0 + p, t = g % T, th = t / tW, tw = t - th * tW;
            int origin = xo + (g / T) * img + (4 * th * Wp + 4 * tw) * D;
            for (int c = 0; c < D; c += L) {
                int o = origin + c;
                // The 1-D transform is written out twice: as a helper taking six vectors it was too large to inline at a
                // cold call site, and the vectors were boxed (a training run measured F(4x4) slower than F(2x2)).
                for (int r = 0; r < 6; r++) {
                    int ro = o + r * row, to = r * 6 * L;
                    FloatVector d0 = FloatVector.fromArray(F, xp, ro), d1 = FloatVector.fromArray(F, xp, ro + D);
                    FloatVector d2 = FloatVector.fromArray(F, xp, ro + 2 * D), d3 = FloatVector.fromArray(F, xp, ro + 3 * D);
                    FloatVector d4 = FloatVector.fromArray(F, xp, ro + 4 * D), d5 = FloatVector.fromArray(F, xp, ro + 5 * D);
                    FloatVector a = d2.mul(-4f).add(d4), b = d1.mul(-4f).add(d3);
                    FloatVector cc = d4.sub(d2), e = d3.sub(d1).mul(2f);
                    d0.mul(4f).add(d2.mul(-5f)).add(d4).intoArray(tmp, to);
                    a.add(b).intoArray(tmp, to + L);
                    a.sub(b).intoArray(tmp, to + 2 * L);
                    cc.add(e).intoArray(tmp, to + 3 * L);
                    cc.sub(e).intoArray(tmp, to + 4 * L);
                    d1.mul(4f).add(d3.mul(-5f)).add(d5).intoArray(tmp, to + 5 * L);
                }
                int vo = vo0 + p * D + c;
                for (int j = 0; j < 6; j++) {
                    int to = j * L, o2 = vo + j * vs, s = 6 * vs;
                    FloatVector d0 = FloatVector.fromArray(F, tmp, to), d1 = FloatVector.fromArray(F, tmp, to + 6 * L);
                    FloatVector d2 = FloatVector.fromArray(F, tmp, to + 12 * L), d3 = FloatVector.fromArray(F, tmp, to + 18 * L);
                    FloatVector d4 = FloatVector.fromArray(F, tmp, to + 24 * L), d5 = FloatVector.fromArray(F, tmp, to + 30 * L);
                    FloatVector a = d2.mul(-4f).add(d4), b = d1.mul(-4f).add(d3);
                    FloatVector cc = d4.sub(d2), e = d3.sub(d1).mul(2f);
                    d0.mul(4f).add(d2.mul(-5f)).add(d4).intoArray(v, o2);
                    a.add(b).intoArray(v, o2 + s);
                    a.sub(b).intoArray(v, o2 + 2 * s);
                    cc.add(e).intoArray(v, o2 + 3 * s);
                    cc.sub(e).intoArray(v, o2 + 4 * s);
                    d1.mul(4f).add(d3.mul(-5f)).add(d5).intoArray(v, o2 + 5 * s);
                }
            }
        }
    }

    @Override
    public void output(float[] m, int b0, int nb, int T, int tW, int ldm, int ms, int k0, int k1, float[] bias, int bo,
                       int Q, float[] out, int oo, int OH, int OW, float[] tmp, float[] res, int rd, float lo, float hi) {
        // The epilogue is written out at each store: a helper taking vectors was not always inlined here, and then
        // boxed every vector it was passed.
        FloatVector vlo = FloatVector.broadcast(F, lo), vhi = FloatVector.broadcast(F, hi);
        for (int p = 0; p < nb; p++) {
            int g = b0 + p, t = g % T, th = t / tW, tw = t - th * tW, oh = 4 * th, ow = 4 * tw;
            int y0 = oo + (((g / T) * OH + oh) * OW + ow) * Q;
            int rowsIn = Math.min(4, OH - oh), colsIn = Math.min(4, OW - ow);
            for (int k = k0; k < k1; k += L) {
                int mo = p * ldm + k - k0;
                for (int i = 0; i < 6; i++) {
                    int io = mo + 6 * i * ms;
                    FloatVector m0 = FloatVector.fromArray(F, m, io), m1 = FloatVector.fromArray(F, m, io + ms);
                    FloatVector m2 = FloatVector.fromArray(F, m, io + 2 * ms), m3 = FloatVector.fromArray(F, m, io + 3 * ms);
                    FloatVector m4 = FloatVector.fromArray(F, m, io + 4 * ms), m5 = FloatVector.fromArray(F, m, io + 5 * ms);
                    FloatVector s = m1.add(m2), d = m1.sub(m2), u = m3.add(m4), w = m3.sub(m4);
                    int to = i * 4 * L;
                    m0.add(s).add(u).intoArray(tmp, to);
                    w.mul(2f).add(d).intoArray(tmp, to + L);
                    u.mul(4f).add(s).intoArray(tmp, to + 2 * L);
                    w.mul(8f).add(d).add(m5).intoArray(tmp, to + 3 * L);
                }
                FloatVector bv = bias == null ? FloatVector.zero(F) : FloatVector.fromArray(F, bias, bo + k);
                for (int b = 0; b < colsIn; b++) {
                    int to = b * L;
                    FloatVector m0 = FloatVector.fromArray(F, tmp, to), m1 = FloatVector.fromArray(F, tmp, to + 4 * L);
                    FloatVector m2 = FloatVector.fromArray(F, tmp, to + 8 * L), m3 = FloatVector.fromArray(F, tmp, to + 12 * L);
                    FloatVector m4 = FloatVector.fromArray(F, tmp, to + 16 * L), m5 = FloatVector.fromArray(F, tmp, to + 20 * L);
                    FloatVector s = m1.add(m2), d = m1.sub(m2), u = m3.add(m4), w = m3.sub(m4);
                    int y = y0 + b * Q + k;
                    {
                        FloatVector o = m0.add(s).add(u).add(bv);
                        if (res != null) o = o.add(FloatVector.fromArray(F, res, y + rd));
                        o.max(vlo).min(vhi).intoArray(out, y);
                    }
                    if (rowsIn > 1) {
                        FloatVector o = w.mul(2f).add(d).add(bv);
                        if (res != null) o = o.add(FloatVector.fromArray(F, res, y + OW * Q + rd));
                        o.max(vlo).min(vhi).intoArray(out, y + OW * Q);
                    }
                    if (rowsIn > 2) {
                        FloatVector o = u.mul(4f).add(s).add(bv);
                        if (res != null) o = o.add(FloatVector.fromArray(F, res, y + 2 * OW * Q + rd));
                        o.max(vlo).min(vhi).intoArray(out, y + 2 * OW * Q);
                    }
                    if (rowsIn > 3) {
                        FloatVector o = w.mul(8f).add(d).add(m5).add(bv);
                        if (res != null) o = o.add(FloatVector.fromArray(F, res, y + 3 * OW * Q + rd));
                        o.max(vlo).min(vhi).intoArray(out, y + 3 * OW * Q);
                    }
                }
            }
        }
    }
}
