package org.simdnn.kernels.conv;

import java.util.Arrays;
import org.simdnn.kernels.gemm.Gemm;
import org.simdnn.ops.Conv2dDesc;

/**
 * {@code f32-conv-nhwc-im2col-tile-gemm}: im2col by tiles. A tile of output pixels has its patch rows
 * ({@code kH·kW·inC} floats each, HWIO order, zeros where the window hangs over the padding) packed into one
 * reusable per-thread buffer of about {@link #TILE_FLOATS} floats, then {@link Gemm#sgemm} runs on it:
 * <ul>
 *   <li>forward: {@code Y[tile] = P · W} (W is {@code [kH·kW·inC, outC]} row-major as stored);</li>
 *   <li>backward data: {@code Pd = dY[tile] · Wᵀ}, then col2im scatter-adds Pd into dX;</li>
 *   <li>backward weights: {@code dW += Pᵀ · dY[tile]}.</li>
 * </ul>
 * Memory stays bounded (never a full im2col of the batch). Tiles run in order on the calling thread and the
 * GEMM parallelises each tile (no nested parallel regions). Groups must be 1.
 */
final class Im2colTileGemmConv implements ConvImpl {
    /** ~256 KiB of patch rows per tile: fits L2 next to the weights. */
    static final int TILE_FLOATS = 64 * 1024;

    @Override public String id() { return "f32-conv-nhwc-im2col-tile-gemm"; }

    @Override
    public String rejects(Conv2dDesc d, ConvPass pass) {
        return d.groups() != 1 ? "groups " + d.groups() + " != 1" : null;
    }

    private static int tileRows(Conv2dDesc d) {
        int kc = d.kH() * d.kW() * d.inC();
        return Math.max(16, TILE_FLOATS / kc);
    }

    @Override
    public void forward(Conv2dDesc d, float[] x, int xo, float[] w, int wo, float[] bias, int bo, float[] y, int yo) {
        forward(false, d, x, xo, w, wo, bias, bo, y, yo);
    }

    /**
     * The forward pass; {@code scalar} runs the plain-Java GEMM kernel whatever the vector width
     * ({@link Gemm#sgemmScalar}: the scalar form of {@link ConvPlanner#prepareForwardScalar}).
     */
    static void forward(boolean scalar, Conv2dDesc d, float[] x, int xo, float[] w, int wo, float[] bias, int bo,
                        float[] y, int yo) {
        int m = d.batch() * d.outH() * d.outW(), k = d.outC(), kc = d.kH() * d.kW() * d.inC();
        int tm = tileRows(d);
        float[] col = Scratch.get(Scratch.TILE, tm * kc);
        for (int r0 = 0; r0 < m; r0 += tm) {
            int rows = Math.min(tm, m - r0);
            Im2col.pack(d, x, xo, r0, rows, col);
            if (bias != null) ConvUtil.fillRows(y, yo + r0 * k, rows, k, bias, bo);
            if (scalar) {
                Gemm.sgemmScalar(false, false, rows, k, kc, 1f, col, 0, kc, w, wo, k, bias == null ? 0f : 1f, y, yo + r0 * k, k);
            } else {
                Gemm.sgemm(false, false, rows, k, kc, 1f, col, 0, kc, w, wo, k, bias == null ? 0f : 1f, y, yo + r0 * k, k);
            }
        }
    }

    @Override
    public void backwardData(Conv2dDesc d, float[] dy, int dyo, float[] w, int wo, float[] dx, int dxo) {
        int m = d.batch() * d.outH() * d.outW(), k = d.outC(), kc = d.kH() * d.kW() * d.inC();
        int tm = tileRows(d);
        float[] col = Scratch.get(Scratch.TILE, tm * kc);
        Arrays.fill(dx, dxo, dxo + d.batch() * d.inH() * d.inW() * d.inC(), 0f);
        for (int r0 = 0; r0 < m; r0 += tm) {
            int rows = Math.min(tm, m - r0);
            Gemm.sgemm(false, true, rows, kc, k, 1f, dy, dyo + r0 * k, k, w, wo, k, 0f, col, 0, kc);
            Im2col.scatterAdd(d, col, r0, rows, dx, dxo);
        }
    }

    @Override
    public void backwardWeights(Conv2dDesc d, float[] x, int xo, float[] dy, int dyo, float[] dw, int dwo, float[] db,
                                int dbo) {
        int m = d.batch() * d.outH() * d.outW(), k = d.outC(), kc = d.kH() * d.kW() * d.inC();
        int tm = tileRows(d);
        float[] col = Scratch.get(Scratch.TILE, tm * kc);
        for (int r0 = 0; r0 < m; r0 += tm) {
            int rows = Math.min(tm, m - r0);
            Im2col.pack(d, x, xo, r0, rows, col);
            Gemm.sgemm(true, false, kc, k, rows, 1f, col, 0, kc, dy, dyo + r0 * k, k, r0 == 0 ? 0f : 1f, dw, dwo, k);
        }
        if (db != null) ConvUtil.sumRows(dy, dyo, m, k, db, dbo);
    }
}
