package org.simdnn.kernels.conv;

import static org.simdnn.kernels.conv.ConvTiles.NR;

import java.util.Arrays;
import org.simdnn.kernels.cpu.CpuInfo;
import org.simdnn.ops.Clamp;
import org.simdnn.ops.Conv2dDesc;

/**
 * {@code f32-conv-nhwc-winograd-f2x3}: 3x3 stride-1 convolution as Winograd F(2x2, 3x3) (Lavin and Gray, 2015).
 * Each 2x2 block of outputs comes from a 4x4 input window: {@code Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A}, so the
 * 36 multiply-adds per output channel pair become 16: the work drops 2.25x and what is left is 16 independent
 * GEMMs {@code M[ξ] = V[ξ] · U[ξ]} (tiles x depth by depth x columns) that run on {@link ConvTiles#fwd8x2v}.
 * The transforms only add and subtract (coefficients 0, ±1, ±½), so the error stays that of a short sum.
 *
 * <p>Runs all three passes: forward, and backward data as the same transform on dY with flipped, I/O-swapped
 * weights and padding {@code 2 − pad}, on {@link WinogradDriver} with {@link WinogradF2x3Transforms} (channel
 * vectors, 16 loads and 32 add/sub per vector); weight gradient as {@code Gᵀ [Σ (A dY Aᵀ) ⊙ V] G} (see
 * {@link #backwardWeights}). Deterministic for any thread count. A NaN or Inf input may turn its whole 2x2
 * output block NaN (an Inf meets a zero or −Inf in the transforms), as in any Winograd implementation.
 */
final class WinogradF2x3Conv implements ConvImpl {
    private static final boolean VECTOR = CpuInfo.VECTOR_BITS > 0;

    @Override public String id() { return "f32-conv-nhwc-winograd-f2x3"; }

    @Override
    public String rejects(Conv2dDesc d, ConvPass pass) {
        if (!VECTOR) return "scalar mode (vector width 0): " + CpuInfo.VECTOR_REASON;
        String shape = WinogradDriver.rejectsShape(d);
        if (shape != null) return shape;
        if (pass == ConvPass.BACKWARD_WEIGHTS) {
            if (d.inC() % (2 * ConvVectors.L) != 0) {
                return "inC " + d.inC() + " is not a multiple of 2 vectors (" + 2 * ConvVectors.L + ")";
            }
            if (d.outC() % 8 != 0) return "outC " + d.outC() + " is not a multiple of 8";
            return null;
        }
        return WinogradDriver.rejectsChannels(d, pass);
    }

    @Override
    public String declines(Conv2dDesc d, ConvPass pass) { return WinogradDriver.declinesFewTiles(d, pass, 2); }

    @Override
    public PreparedConv prepareForward(Conv2dDesc d, float[] w, int wo, float[] bias, int bo, Clamp clamp) {
        return new WinogradDriver.Prepared(id(), WinogradF2x3Transforms.INSTANCE, d, w, wo, bias, bo, clamp);
    }

    @Override
    public void forward(Conv2dDesc d, float[] x, int xo, float[] w, int wo, float[] bias, int bo, float[] y, int yo) {
        WinogradDriver.forward(WinogradF2x3Transforms.INSTANCE, d, x, xo, w, wo, bias, bo, y, yo);
    }

    @Override
    public void backwardData(Conv2dDesc d, float[] dy, int dyo, float[] w, int wo, float[] dx, int dxo) {
        WinogradDriver.backwardData(WinogradF2x3Transforms.INSTANCE, d, dy, dyo, w, wo, dx, dxo);
    }

    /**
     * {@code dW = Gᵀ [Σ_tiles (A dY Aᵀ) ⊙ (Bᵀ d B)] G}: the same input transform as forward, dY transformed to
     * 4x4 per 2x2 block and packed in blocks of 8 output channels, 16 reductions over tiles on
     * {@link ConvTiles#dwT8x2v} (8 broadcast dY channels x 2 vectors of input channels, the dY broadcasts at a
     * constant stride; rows of input channels on dw8x2v measured the same), one partial per fixed chunk of images
     * (deterministic, as the implicit GEMM), then the 4x4 → 3x3 inverse once.
     */
    @Override
    public void backwardWeights(Conv2dDesc d, float[] x, int xo, float[] dy, int dyo, float[] dw, int dwo, float[] db,
                                int dbo) {
        final int N = d.batch(), H = d.inH(), W = d.inW(), C = d.inC(), K = d.outC(), OH = d.outH(), OW = d.outW();
        final int tH = (OH + 1) / 2, tW = (OW + 1) / 2, T = tH * tW;
        final int Hp = 2 * tH + 2, Wp = 2 * tW + 2, img = Hp * Wp * C, pt = d.padTop(), pl = d.padLeft();
        final int tb = WinogradDriver.blockTiles(16, WinogradF2x3Transforms.BLOCK_FLOATS, C, K, T), vs = tb * C + WinogradDriver.PLANE_PAD, ys = tb * K + WinogradDriver.PLANE_PAD;
        final int wsize = 16 * K * C, psize = wsize + K;
        int chunks = ConvUtil.batchChunks(N, psize);
        float[][] parts = Scratch.partials(chunks, psize);
        ConvUtil.forChunks(N, chunks, (ch, n0, n1) -> {
            float[] part = parts[ch];
            Arrays.fill(part, 0, psize, 0f);
            float[] xp = Scratch.get(Scratch.PAD, img);
            float[] v = Scratch.get(Scratch.TILE, 16 * vs);
            float[] g = Scratch.get(Scratch.DY, 16 * ys);
            int[] base = Scratch.ints(Scratch.OFFSETS, tb);
            for (int p = 0; p < tb; p++) base[p] = p * C;
            for (int n = n0; n < n1; n++) {
                ImplicitGemmConv.padImage(x, xo + n * H * W * C, H, W, C, pt, pl, xp, 0, Hp, Wp, C);
                int dyn = dyo + n * OH * OW * K;
                for (int b0 = 0; b0 < T; b0 += tb) {
                    int nb = Math.min(tb, T - b0);
                    WinogradF2x3Transforms.INSTANCE.input(xp, 0, b0, nb, T, tW, img, Wp, C, v, 0, vs, null);
                    WinogradF2x3Transforms.gradOutput(dy, dyn, b0, nb, tW, OH, OW, K, g, ys, tb);
                    for (int xi = 0; xi < 16; xi++) {
                        for (int k0 = 0; k0 < K; k0 += 8) {
                            for (int c0 = 0; c0 < C; c0 += NR) {
                                ConvTiles.dwT8x2v(v, base, nb, xi * vs + c0, g, xi * ys + k0 * tb, part,
                                        (xi * K + k0) * C + c0, C);
                            }
                        }
                    }
                }
                if (db != null) {
                    for (int p = 0; p < OH * OW; p++) ConvVectors.axpy(1f, dy, dyn + p * K, part, wsize, K);
                }
            }
        });
        float[] sum = ConvUtil.reduceChunks(parts, chunks, psize);
        inverseWeights(sum, C, K, dw, dwo);
        if (db != null) System.arraycopy(sum, wsize, db, dbo, K);
    }

    /** dW[a][b][c][k] = (Gᵀ X G)[a][b] for X = the 4x4 sums {@code s[ξ][k][c]}. */
    static void inverseWeights(float[] s, int C, int K, float[] dw, int dwo) {
        int plane = C * K;
        float[] z = new float[12];
        for (int c = 0; c < C; c++) {
            for (int k = 0; k < K; k++) {
                int o = k * C + c;
                // Gᵀ = [1 ½ ½ 0; 0 ½ −½ 0; 0 ½ ½ 1], rows then columns.
                for (int j = 0; j < 4; j++) {
                    float x0 = s[o + j * plane], x1 = s[o + (4 + j) * plane];
                    float x2 = s[o + (8 + j) * plane], x3 = s[o + (12 + j) * plane];
                    z[j] = x0 + 0.5f * (x1 + x2);
                    z[4 + j] = 0.5f * (x1 - x2);
                    z[8 + j] = 0.5f * (x1 + x2) + x3;
                }
                for (int a = 0; a < 3; a++) {
                    float y0 = z[4 * a], y1 = z[4 * a + 1], y2 = z[4 * a + 2], y3 = z[4 * a + 3];
                    int out = dwo + (a * 3 * C + c) * K + k;
                    dw[out] = y0 + 0.5f * (y1 + y2);
                    dw[out + C * K] = 0.5f * (y1 - y2);
                    dw[out + 2 * C * K] = 0.5f * (y1 + y2) + y3;
                }
            }
        }
    }
}
