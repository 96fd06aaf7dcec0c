package org.simdnn.kernels.conv;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Winograd F(2x2, 3x3) data transforms of {@link WinogradF2x3Conv}, one channel vector at a time over NHWC
 * (channels contiguous, so every add is a full vector): 16 loads in, 16 stores out, locals only.
 */
final class WinogradF2x3Transforms implements WinogradTransforms {
    static final WinogradF2x3Transforms INSTANCE = new WinogradF2x3Transforms();
    /** 256 KiB: blocks of 32-64 KiB (in L1) ran the weight gradient 1.3x slower; 512 KiB-1 MiB within noise. */
    static final int BLOCK_FLOATS = 64 * 1024;

    private static final VectorSpecies<Float> F = ConvVectors.F;
    private static final int L = ConvVectors.L;

    private WinogradF2x3Transforms() {}

    @Override public int m() { return 2; }

    @Override public int blockFloats() { return BLOCK_FLOATS; }

    /** Row i of G·g (G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]), then times Gᵀ; in float. */
    @Override
    public void weights(float[] g, double[] scratch, float[] u, int at, int js) {
        for (int i = 0; i < 4; i++) {
            float a = gRow(g, i, 0), b = gRow(g, i, 1), e = gRow(g, i, 2);
            int o = at + 4 * i * js;
            u[o] = a;
            u[o + js] = 0.5f * (a + b + e);
            u[o + 2 * js] = 0.5f * (a - b + e);
            u[o + 3 * js] = e;
        }
    }

    /** Row i of G·g at column b (g row-major 3x3). */
    private static float gRow(float[] g, int i, int b) {
        return switch (i) {
            case 0 -> g[b];
            case 1 -> 0.5f * (g[b] + g[3 + b] + g[6 + b]);
            case 2 -> 0.5f * (g[b] - g[3 + b] + g[6 + b]);
            default -> g[6 + b];
        };
    }

    /** V[ξ][p][c] = (Bᵀ d B)[ξ] for tiles b0..b0+nb of the group (d: the tile's 4x4 window), per channel vector. */
    @Override
    public void input(float[] xp, int xo, int b0, int nb, int T, int tW, int img, int Wp, int D, float[] v, int vo0,
                      int vs, float[] tmp) {
        int row = Wp * D;
        for (int p = 0; p < nb; p++) {
            int g = b0 + p, t = g % T, th = t / tW, tw = t - th * tW;
            int origin = xo + (g / T) * img + (2 * th * Wp + 2 * tw) * D;
            for (int c = 0; c < D; c += L) {
                int o = origin + c, vo = vo0 + p * D + c;
                // Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]: rows first (t_ij = (Bᵀ d)_ij), then columns.
                FloatVector d00 = FloatVector.fromArray(F, xp, o), d10 = FloatVector.fromArray(F, xp, o + row);
                FloatVector d20 = FloatVector.fromArray(F, xp, o + 2 * row), d30 = FloatVector.fromArray(F, xp, o + 3 * row);
                FloatVector t00 = d00.sub(d20), t10 = d10.add(d20), t20 = d20.sub(d10), t30 = d10.sub(d30);
                FloatVector d01 = FloatVector.fromArray(F, xp, o + D), d11 = FloatVector.fromArray(F, xp, o + row + D);
                FloatVector d21 = FloatVector.fromArray(F, xp, o + 2 * row + D), d31 = FloatVector.fromArray(F, xp, o + 3 * row + D);
                FloatVector t01 = d01.sub(d21), t11 = d11.add(d21), t21 = d21.sub(d11), t31 = d11.sub(d31);
                FloatVector d02 = FloatVector.fromArray(F, xp, o + 2 * D), d12 = FloatVector.fromArray(F, xp, o + row + 2 * D);
                FloatVector d22 = FloatVector.fromArray(F, xp, o + 2 * row + 2 * D), d32 = FloatVector.fromArray(F, xp, o + 3 * row + 2 * D);
                FloatVector t02 = d02.sub(d22), t12 = d12.add(d22), t22 = d22.sub(d12), t32 = d12.sub(d32);
                FloatVector d03 = FloatVector.fromArray(F, xp, o + 3 * D), d13 = FloatVector.fromArray(F, xp, o + row + 3 * D);
                FloatVector d23 = FloatVector.fromArray(F, xp, o + 2 * row + 3 * D), d33 = FloatVector.fromArray(F, xp, o + 3 * row + 3 * D);
                FloatVector t03 = d03.sub(d23), t13 = d13.add(d23), t23 = d23.sub(d13), t33 = d13.sub(d33);
                t00.sub(t02).intoArray(v, vo); t01.add(t02).intoArray(v, vo + vs);
                t02.sub(t01).intoArray(v, vo + 2 * vs); t01.sub(t03).intoArray(v, vo + 3 * vs);
                t10.sub(t12).intoArray(v, vo + 4 * vs); t11.add(t12).intoArray(v, vo + 5 * vs);
                t12.sub(t11).intoArray(v, vo + 6 * vs); t11.sub(t13).intoArray(v, vo + 7 * vs);
                t20.sub(t22).intoArray(v, vo + 8 * vs); t21.add(t22).intoArray(v, vo + 9 * vs);
                t22.sub(t21).intoArray(v, vo + 10 * vs); t21.sub(t23).intoArray(v, vo + 11 * vs);
                t30.sub(t32).intoArray(v, vo + 12 * vs); t31.add(t32).intoArray(v, vo + 13 * vs);
                t32.sub(t31).intoArray(v, vo + 14 * vs); t31.sub(t33).intoArray(v, vo + 15 * vs);
            }
        }
    }

    /**
     * out[2·th + a, 2·tw + b] = (Aᵀ M A)[a][b] + bias for tiles b0..b0+nb of the group, Aᵀ = [1 1 1 0; 0 1 −1 −1];
     * rows or columns past the output (odd sizes) are dropped.
     */
    @Override
    public void output(float[] m, int b0, int nb, int T, int tW, int ldm, int ms, int k0, int k1, float[] bias, int bo,
                       int Q, float[] out, int oo, int OH, int OW, float[] tmp, float[] res, int rd, float lo, float hi) {
        // The epilogue is written out at each store: a helper taking vectors was not always inlined here, and then
        // boxed every vector it was passed.
        FloatVector vlo = FloatVector.broadcast(F, lo), vhi = FloatVector.broadcast(F, hi);
        for (int p = 0; p < nb; p++) {
            int g = b0 + p, t = g % T, th = t / tW, tw = t - th * tW, oh = 2 * th, ow = 2 * tw;
            int y0 = oo + (((g / T) * OH + oh) * OW + ow) * Q;
            boolean down = oh + 1 < OH, right = ow + 1 < OW;
            for (int k = k0; k < k1; k += L) {
                int mo = p * ldm + k - k0;
                FloatVector m00 = FloatVector.fromArray(F, m, mo), m10 = FloatVector.fromArray(F, m, mo + 4 * ms);
                FloatVector m20 = FloatVector.fromArray(F, m, mo + 8 * ms), m30 = FloatVector.fromArray(F, m, mo + 12 * ms);
                FloatVector s00 = m00.add(m10).add(m20), s10 = m10.sub(m20).sub(m30);
                FloatVector m01 = FloatVector.fromArray(F, m, mo + ms), m11 = FloatVector.fromArray(F, m, mo + 5 * ms);
                FloatVector m21 = FloatVector.fromArray(F, m, mo + 9 * ms), m31 = FloatVector.fromArray(F, m, mo + 13 * ms);
                FloatVector s01 = m01.add(m11).add(m21), s11 = m11.sub(m21).sub(m31);
                FloatVector m02 = FloatVector.fromArray(F, m, mo + 2 * ms), m12 = FloatVector.fromArray(F, m, mo + 6 * ms);
                FloatVector m22 = FloatVector.fromArray(F, m, mo + 10 * ms), m32 = FloatVector.fromArray(F, m, mo + 14 * ms);
                FloatVector s02 = m02.add(m12).add(m22), s12 = m12.sub(m22).sub(m32);
                FloatVector m03 = FloatVector.fromArray(F, m, mo + 3 * ms), m13 = FloatVector.fromArray(F, m, mo + 7 * ms);
                FloatVector m23 = FloatVector.fromArray(F, m, mo + 11 * ms), m33 = FloatVector.fromArray(F, m, mo + 15 * ms);
                FloatVector s03 = m03.add(m13).add(m23), s13 = m13.sub(m23).sub(m33);
                FloatVector bv = bias == null ? FloatVector.zero(F) : FloatVector.fromArray(F, bias, bo + k);
                int y = y0 + k;
                {
                    FloatVector o = s00.add(s01).add(s02).add(bv);
                    if (res != null) o = o.add(FloatVector.fromArray(F, res, y + rd));
                    o.max(vlo).min(vhi).intoArray(out, y);
                }
                if (right) {
                    FloatVector o = s01.sub(s02).sub(s03).add(bv);
                    if (res != null) o = o.add(FloatVector.fromArray(F, res, y + Q + rd));
                    o.max(vlo).min(vhi).intoArray(out, y + Q);
                }
                if (down) {
                    {
                        FloatVector o = s10.add(s11).add(s12).add(bv);
                        if (res != null) o = o.add(FloatVector.fromArray(F, res, y + OW * Q + rd));
                        o.max(vlo).min(vhi).intoArray(out, y + OW * Q);
                    }
                    if (right) {
                        FloatVector o = s11.sub(s12).sub(s13).add(bv);
                        if (res != null) o = o.add(FloatVector.fromArray(F, res, y + OW * Q + Q + rd));
                        o.max(vlo).min(vhi).intoArray(out, y + OW * Q + Q);
                    }
                }
            }
        }
    }

    /** 8 lanes where the vectors are wider (the dY blocks of {@link ConvTiles#dwT8x2v} are 8 channels). */
    private static final VectorSpecies<Float> F8 =
            VectorSpecies.of(float.class, VectorShape.forBitSize(Math.min(256, F.vectorBitSize())));
    private static final int L8 = F8.length();

    /**
     * The weight gradient's dY transform: {@code (A dY Aᵀ)[ξ]} of each 2x2 dY block (zero past the output), packed
     * per plane in blocks of 8 channels {@code g[ξ·gs + (k / 8)·tb·8 + p·8 + k % 8]}, the layout
     * {@link ConvTiles#dwT8x2v} broadcasts from with a constant stride. A = [1 0; 1 1; 1 −1; 0 −1]. K % 8 == 0.
     */
    static void gradOutput(float[] dy, int dyn, int b0, int nb, int tW, int OH, int OW, int K, float[] g, int gs,
                           int tb) {
        FloatVector zero = FloatVector.zero(F8);
        for (int p = 0; p < nb; p++) {
            int t = b0 + p, th = t / tW, tw = t - th * tW, oh = 2 * th, ow = 2 * tw;
            boolean down = oh + 1 < OH, right = ow + 1 < OW;
            int y = dyn + (oh * OW + ow) * K;
            for (int k = 0; k < K; k += L8) {
                FloatVector e00 = FloatVector.fromArray(F8, dy, y + k);
                FloatVector e01 = right ? FloatVector.fromArray(F8, dy, y + K + k) : zero;
                FloatVector e10 = down ? FloatVector.fromArray(F8, dy, y + OW * K + k) : zero;
                FloatVector e11 = down && right ? FloatVector.fromArray(F8, dy, y + OW * K + K + k) : zero;
                // Rows of A·dY: r0 = e0, r1 = e0 + e1, r2 = e0 − e1, r3 = −e1 (per column), then the same on columns.
                FloatVector r00 = e00, r01 = e01, r10 = e00.add(e10), r11 = e01.add(e11);
                FloatVector r20 = e00.sub(e10), r21 = e01.sub(e11), r30 = e10.neg(), r31 = e11.neg();
                int o = (k >> 3) * tb * 8 + p * 8 + (k & 7);
                r00.intoArray(g, o); r00.add(r01).intoArray(g, o + gs);
                r00.sub(r01).intoArray(g, o + 2 * gs); r01.neg().intoArray(g, o + 3 * gs);
                r10.intoArray(g, o + 4 * gs); r10.add(r11).intoArray(g, o + 5 * gs);
                r10.sub(r11).intoArray(g, o + 6 * gs); r11.neg().intoArray(g, o + 7 * gs);
                r20.intoArray(g, o + 8 * gs); r20.add(r21).intoArray(g, o + 9 * gs);
                r20.sub(r21).intoArray(g, o + 10 * gs); r21.neg().intoArray(g, o + 11 * gs);
                r30.intoArray(g, o + 12 * gs); r30.add(r31).intoArray(g, o + 13 * gs);
                r30.sub(r31).intoArray(g, o + 14 * gs); r31.neg().intoArray(g, o + 15 * gs);
            }
        }
    }
}
