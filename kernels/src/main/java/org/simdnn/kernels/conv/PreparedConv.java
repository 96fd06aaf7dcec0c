package org.simdnn.kernels.conv;

import org.simdnn.kernels.cpu.CpuInfo;
import org.simdnn.ops.Clamp;
import org.simdnn.ops.Conv2dDesc;
import org.simdnn.ops.PreparedConv2d;
import org.simdnn.tensor.Tensor;

/**
 * The CPU backend's forward convolution bound to its weights ({@link ConvPlanner#prepareForward}). Subclasses
 * keep the weights in their kernel's layout; {@link Plain} runs any other implementation on a private copy of
 * the weights and applies the epilogue as a pass over the output. A call checks its arguments without
 * allocating.
 */
abstract class PreparedConv implements PreparedConv2d {
    private static final boolean VECTOR = CpuInfo.VECTOR_BITS > 0;
    private final String id;
    final Conv2dDesc desc;
    /** outC floats (a copy), or null. */
    final float[] bias;
    final float lo, hi;

    PreparedConv(String id, Conv2dDesc desc, float[] bias, int bo, Clamp clamp) {
        this.id = id;
        this.desc = desc;
        this.bias = bias == null ? null : java.util.Arrays.copyOfRange(bias, bo, bo + desc.outC());
        this.lo = clamp.lo();
        this.hi = clamp.hi();
    }

    @Override public final Conv2dDesc desc() { return desc; }

    @Override public final String id() { return id; }

    @Override
    public final void forward(Tensor x, Tensor residual, Tensor y) {
        check(x, residual, y);
        run(x.data(), x.offset(), residual == null ? null : residual.data(), residual == null ? 0 : residual.offset(),
                y.data(), y.offset());
    }

    /** Checked once; the task runs on the bound arrays. */
    @Override
    public final Runnable bind(Tensor x, Tensor residual, Tensor y) {
        check(x, residual, y);
        return task(x.data(), x.offset(), residual == null ? null : residual.data(), residual == null ? 0 : residual.offset(),
                y.data(), y.offset());
    }

    private void check(Tensor x, Tensor residual, Tensor y) {
        Conv2dDesc d = desc;
        check("x", x, d.batch(), d.inH(), d.inW(), d.inC());
        check("y", y, d.batch(), d.outH(), d.outW(), d.outC());
        apart("x", x, y);
        if (residual != null) {
            check("residual", residual, d.batch(), d.outH(), d.outW(), d.outC());
            apart("residual", residual, y);
        }
    }

    /** The convolution with its epilogue, on validated arrays; {@code res} may be null. */
    abstract void run(float[] x, int xo, float[] res, int ro, float[] y, int yo);

    /**
     * {@link #run} on these arrays, as a task that is run many times: implementations whose call builds tables
     * or range bodies build them here once.
     */
    Runnable task(float[] x, int xo, float[] res, int ro, float[] y, int yo) { return () -> run(x, xo, res, ro, y, yo); }

    /** The epilogue as a pass over {@code n} outputs at {@code yo}, for kernels that store before it runs. */
    final void epilogue(float[] y, int yo, float[] res, int ro, int n) { epilogue(VECTOR, y, yo, res, ro, n); }

    /** As above; {@code vector} false runs the plain loop whatever the vector width. */
    final void epilogue(boolean vector, float[] y, int yo, float[] res, int ro, int n) {
        if (res == null && lo == Float.NEGATIVE_INFINITY && hi == Float.POSITIVE_INFINITY) return;
        if (vector) {
            ConvVectors.epilogue(y, yo, res, ro, n, lo, hi);
        } else {
            for (int i = 0; i < n; i++) {
                y[yo + i] = Math.min(Math.max(res == null ? y[yo + i] : y[yo + i] + res[ro + i], lo), hi);
            }
        }
    }

    private void check(String name, Tensor t, int n, int h, int w, int c) {
        if (t.rank() != 4 || t.dim(0) != n || t.dim(1) != h || t.dim(2) != w || t.dim(3) != c || !t.isContiguous()) {
            throw new IllegalArgumentException("prepared conv2d " + desc.shapeString() + ": " + name + " has shape "
                    + t.shapeString() + (t.isContiguous() ? "" : " (strided)") + ", expected contiguous [" + n + ", "
                    + h + ", " + w + ", " + c + "]");
        }
    }

    private void apart(String name, Tensor a, Tensor y) {
        if (a.data() == y.data() && a.offset() < y.offset() + y.size() && y.offset() < a.offset() + a.size()) {
            throw new IllegalArgumentException("prepared conv2d " + desc.shapeString() + ": y overlaps " + name);
        }
    }

    /** Any implementation through its plain forward, on a copy of the weights; the epilogue as a pass. */
    static final class Plain extends PreparedConv {
        private final ConvImpl impl;
        private final float[] w;

        Plain(ConvImpl impl, Conv2dDesc d, float[] w, int wo, float[] bias, int bo, Clamp clamp) {
            super(impl.id(), d, bias, bo, clamp);
            this.impl = impl;
            this.w = java.util.Arrays.copyOfRange(w, wo, wo + (int) ConvPlanner.weightSize(d));
        }

        @Override
        void run(float[] x, int xo, float[] res, int ro, float[] y, int yo) {
            impl.forward(desc, x, xo, w, 0, bias, 0, y, yo);
            epilogue(y, yo, res, ro, (int) ConvPlanner.outputSize(desc));
        }
    }

    /**
     * The scalar form ({@link ConvPlanner#prepareForwardScalar}): im2col by tiles and the plain-Java GEMM kernel,
     * the epilogue as a plain pass. No Vector API code runs, so it is fast from the first call, before the JIT
     * has compiled anything; groups 1 only.
     */
    static final class Scalar extends PreparedConv {
        private final float[] w;

        Scalar(Conv2dDesc d, float[] w, int wo, float[] bias, int bo, Clamp clamp) {
            super("f32-conv-nhwc-im2col-tile-gemm-scalar", d, bias, bo, clamp);
            this.w = java.util.Arrays.copyOfRange(w, wo, wo + (int) ConvPlanner.weightSize(d));
        }

        @Override
        void run(float[] x, int xo, float[] res, int ro, float[] y, int yo) {
            Im2colTileGemmConv.forward(true, desc, x, xo, w, 0, bias, 0, y, yo);
            epilogue(false, y, yo, res, ro, (int) ConvPlanner.outputSize(desc));
        }
    }
}
