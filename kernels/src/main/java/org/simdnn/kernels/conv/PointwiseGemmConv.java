package org.simdnn.kernels.conv;

import org.simdnn.kernels.cpu.CpuInfo;
import org.simdnn.kernels.gemm.Gemm;
import org.simdnn.kernels.gemm.PanelGemm;
import org.simdnn.ops.Clamp;
import org.simdnn.ops.Conv2dDesc;

/**
 * {@code f32-conv-nhwc-1x1-gemm}: a 1x1, stride-1, unpadded convolution without groups is one GEMM over the
 * N·H·W pixel rows, since NHWC pixels are rows of {@code inC} floats and HWIO weights are {@code [inC, outC]}:
 * {@code Y = X·W}, {@code dX = dY·Wᵀ}, {@code dW = Xᵀ·dY}. One {@link Gemm#sgemm} call per pass; the GEMM
 * does its own threading.
 */
final class PointwiseGemmConv implements ConvImpl {
    private static final boolean VECTOR = CpuInfo.VECTOR_BITS > 0;

    @Override public String id() { return "f32-conv-nhwc-1x1-gemm"; }

    @Override
    public String rejects(Conv2dDesc d, ConvPass pass) {
        if (!d.isPointwise()) return "not 1x1 stride-1 unpadded";
        if (d.groups() != 1) return "groups " + d.groups() + " != 1";
        return null;
    }

    /**
     * Weights or activations that fit in L2 ({@link PointwiseConv1x1#accepts}): weights packed once into
     * {@link PointwiseConv1x1}'s panels, the epilogue in its tiles' stores. Others ({@code [inC, outC]} row-major)
     * bound in a {@link PanelGemm}, which applies the epilogue.
     */
    @Override
    public PreparedConv prepareForward(Conv2dDesc d, float[] w, int wo, float[] bias, int bo, Clamp clamp) {
        if (VECTOR && PointwiseConv1x1.accepts(d)) {
            return new PointwiseConv1x1(id(), d, w, wo, bias, bo, clamp);
        }
        PanelGemm g = PanelGemm.of(false, d.inC(), d.outC(), w, wo, bias, bo, clamp);
        int m = d.batch() * d.outH() * d.outW();
        return new PreparedConv(id(), d, null, 0, clamp) {
            @Override
            void run(float[] x, int xo, float[] res, int ro, float[] y, int yo) { g.forward(m, x, xo, res, ro, y, yo); }
        };
    }

    @Override
    public void forward(Conv2dDesc d, float[] x, int xo, float[] w, int wo, float[] bias, int bo, float[] y, int yo) {
        int m = d.batch() * d.outH() * d.outW(), c = d.inC(), k = d.outC();
        if (bias != null) ConvUtil.fillRows(y, yo, m, k, bias, bo);
        Gemm.sgemm(false, false, m, k, c, 1f, x, xo, c, w, wo, k, bias == null ? 0f : 1f, y, yo, k);
    }

    @Override
    public void backwardData(Conv2dDesc d, float[] dy, int dyo, float[] w, int wo, float[] dx, int dxo) {
        int m = d.batch() * d.outH() * d.outW(), c = d.inC(), k = d.outC();
        Gemm.sgemm(false, true, m, c, k, 1f, dy, dyo, k, w, wo, k, 0f, dx, dxo, c);
    }

    @Override
    public void backwardWeights(Conv2dDesc d, float[] x, int xo, float[] dy, int dyo, float[] dw, int dwo, float[] db,
                                int dbo) {
        int m = d.batch() * d.outH() * d.outW(), c = d.inC(), k = d.outC();
        Gemm.sgemm(true, false, c, k, m, 1f, x, xo, c, dy, dyo, k, 0f, dw, dwo, k);
        if (db != null) ConvUtil.sumRows(dy, dyo, m, k, db, dbo);
    }
}
