package org.simdnn.ffm.cuda;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.simdnn.ffm.cuda.Padding.up8;

import java.lang.foreign.MemorySegment;
import org.simdnn.ffm.ForwardingBackend;
import org.simdnn.kernels.gemm.GemmArgs;
import org.simdnn.ops.*;
import org.simdnn.tensor.Tensor;

/**
 * The {@link Backend} on an NVIDIA GPU (sm_80+), through {@code libsimdnn_cuda.so}. GEMM, convolution (groups == 1),
 * pooling, batch norm, activations, softmax / cross-entropy and the SGD/Adam steps run on the device; the rest
 * (grouped convolution, PReLU, dropout, element-wise ops, reductions) forwards to the CPU backend, which
 * {@link #supports} reports and stderr notes once per op.
 *
 * <p><b>Memory.</b> Every op copies its operands to the device and its results back, inside one
 * {@link DeviceArena} that frees everything when the op returns: correct and simple, and slow for small ops
 * (parameters do not stay on the device between ops).
 *
 * <p><b>The padding rule.</b> The Tensor Core kernels want whole 8-element groups: GEMM m, n, k and convolution
 * batch, input and output channels are rounded up to multiples of 8 while the operands are staged for the
 * copy, with zeros, and results are cropped on the way back. Padded rows and channels contribute exact zeros,
 * so callers never see the padding.
 *
 * <p>{@link CudaMath} picks FP32 or TF32/BF16/FP16 Tensor Cores for GEMM and convolution; the other ops are FP32
 * with double accumulation in their reductions.
 */
public final class CudaBackend extends ForwardingBackend {
    private final CudaLibrary lib;
    private final CudaMath math;
    private final String device;

    /** With {@code -Dsimdnn.cuda.math} (default TF32). */
    public CudaBackend() { this(CudaMath.fromProperty()); }

    /** Throws {@link IllegalStateException} with the reason if the library, driver or GPU is missing. */
    public CudaBackend(CudaMath math) {
        CudaLibrary.Loaded l = CudaLibrary.get();
        if (l.lib() == null) throw new IllegalStateException("CUDA is unavailable: " + l.failure());
        Availability a = l.lib().probe();
        if (!a.available()) throw new IllegalStateException("CUDA is unavailable: " + a.reason());
        this.lib = l.lib();
        this.math = math;
        this.device = a.reason();
    }

    /** Whether the library, a driver and an sm_80+ GPU are here, or why not. */
    public static Availability availability() {
        CudaLibrary.Loaded l = CudaLibrary.get();
        return l.lib() == null ? Availability.no(l.failure()) : l.lib().probe();
    }

    public CudaMath math() { return math; }

    @Override public String name() { return "cuda"; }

    @Override
    public String describe() {
        return "CUDA " + device + ", GEMM/conv math " + math + ", per-op host<->device copies; other ops: "
                + cpu().describe();
    }

    @Override
    public boolean supports(Op op) {
        return switch (op) {
            case PRELU_FORWARD, PRELU_BACKWARD, DROPOUT_FORWARD, DROPOUT_BACKWARD, ADD, MUL, SCALE, AXPY, BIAS_ADD,
                 SUM_ROWS, SUM, SUM_SQUARES -> false;
            default -> true; // CONV2D_* with groups > 1 still forwards, per call
        };
    }

    private static long bytes(long floats) { return Padding.floatBytes(floats); }

    private MemorySegment upload(DeviceArena dev, Tensor t) { return dev.upload(t.data(), t.offset(), t.size()); }

    private void download(DeviceArena dev, MemorySegment d, Tensor t) { dev.download(d, t.data(), t.offset(), t.size()); }

    // ---- dense algebra --------------------------------------------------------------------------------------

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int offA, int lda,
                      float[] b, int offB, int ldb, float beta, float[] c, int offC, int ldc) {
        GemmArgs.check(transA, transB, m, n, k, a, offA, lda, b, offB, ldb, c, offC, ldc);
        if (m == 0 || n == 0) return;
        int m8 = up8(m), n8 = up8(n), k8 = up8(k);
        try (DeviceArena dev = new DeviceArena(lib)) {
            MemorySegment ha = dev.host(bytes((long) m8 * k8)), hb = dev.host(bytes((long) k8 * n8));
            MemorySegment hc = dev.host(bytes((long) m8 * n8));
            Padding.matrix(a, offA, lda, transA, m, k, ha, k8);
            Padding.matrix(b, offB, ldb, transB, k, n, hb, n8);
            if (beta != 0f) Padding.matrix(c, offC, ldc, false, m, n, hc, n8); // beta == 0 never reads C
            MemorySegment dc = dev.upload(hc);
            lib.check(CudaFunction.GEMM, math.code, m8, n8, k8, alpha, dev.upload(ha), dev.upload(hb), beta, dc,
                    DeviceArena.STREAM);
            dev.download(dc, hc);
            Padding.cropMatrix(hc, m, n, n8, c, offC, ldc);
        }
    }

    // ---- convolution ----------------------------------------------------------------------------------------

    /** The 16 ints that open every sd_conv2d_* call: math and the padded shape. */
    private Object[] convArgs(Conv2dDesc d, Object... pointers) {
        Object[] args = new Object[16 + pointers.length];
        int[] s = {math.code, up8(d.batch()), d.inH(), d.inW(), up8(d.inC()), up8(d.outC()), d.kH(), d.kW(),
                d.strideH(), d.strideW(), d.padTop(), d.padLeft(), d.dilationH(), d.dilationW(), d.outH(), d.outW()};
        for (int i = 0; i < 16; i++) args[i] = s[i];
        System.arraycopy(pointers, 0, args, 16, pointers.length);
        return args;
    }

    /** An NHWC activation [n, pixels, c] on the device as [up8(n), pixels, up8(c)]. */
    private static MemorySegment stageImage(DeviceArena dev, Tensor t, int n, int pixels, int c) {
        MemorySegment h = dev.host(Padding.imageBytes(n, pixels, c));
        Padding.image(t.data(), t.offset(), n, pixels, c, h);
        return dev.upload(h);
    }

    /** HWIO weights [kh*kw, c, k] on the device as [kh*kw, up8(c), up8(k)]. */
    private static MemorySegment stageWeights(DeviceArena dev, Conv2dDesc d, Tensor w) {
        MemorySegment h = dev.host(Padding.weightBytes(d.kH() * d.kW(), d.inC(), d.outC()));
        Padding.weights(w.data(), w.offset(), d.kH() * d.kW(), d.inC(), d.outC(), h);
        return dev.upload(h);
    }

    @Override
    public void conv2dForward(Conv2dDesc d, Tensor x, Tensor w, Tensor bias, Tensor y) {
        OpChecks.conv2dForward(d, x, w, bias, y);
        if (d.groups() != 1) { cpu(Op.CONV2D_FORWARD).conv2dForward(d, x, w, bias, y); return; }
        int inPix = d.inH() * d.inW(), outPix = d.outH() * d.outW();
        try (DeviceArena dev = new DeviceArena(lib)) {
            MemorySegment dx = stageImage(dev, x, d.batch(), inPix, d.inC()), dw = stageWeights(dev, d, w);
            MemorySegment db = MemorySegment.NULL;
            if (bias != null) {
                MemorySegment hb = dev.host(bytes(up8(d.outC())));
                MemorySegment.copy(bias.data(), bias.offset(), hb, JAVA_FLOAT, 0, d.outC());
                db = dev.upload(hb);
            }
            MemorySegment hy = dev.host(Padding.imageBytes(d.batch(), outPix, d.outC()));
            MemorySegment dy = dev.alloc(hy.byteSize());
            lib.check(CudaFunction.CONV2D_FORWARD, convArgs(d, dx, dw, db, dy, DeviceArena.STREAM));
            dev.download(dy, hy);
            Padding.cropImage(hy, d.batch(), outPix, d.outC(), y.data(), y.offset());
        }
    }

    @Override
    public void conv2dBackwardData(Conv2dDesc d, Tensor dy, Tensor w, Tensor dx) {
        OpChecks.conv2dBackwardData(d, dy, w, dx);
        if (d.groups() != 1) { cpu(Op.CONV2D_BACKWARD_DATA).conv2dBackwardData(d, dy, w, dx); return; }
        int inPix = d.inH() * d.inW(), outPix = d.outH() * d.outW();
        try (DeviceArena dev = new DeviceArena(lib)) {
            MemorySegment ddy = stageImage(dev, dy, d.batch(), outPix, d.outC()), dw = stageWeights(dev, d, w);
            MemorySegment hx = dev.host(Padding.imageBytes(d.batch(), inPix, d.inC()));
            MemorySegment ddx = dev.alloc(hx.byteSize());
            lib.check(CudaFunction.CONV2D_BACKWARD_DATA, convArgs(d, ddy, dw, ddx, DeviceArena.STREAM));
            dev.download(ddx, hx);
            Padding.cropImage(hx, d.batch(), inPix, d.inC(), dx.data(), dx.offset());
        }
    }

    @Override
    public void conv2dBackwardWeights(Conv2dDesc d, Tensor x, Tensor dy, Tensor dw, Tensor dbias) {
        OpChecks.conv2dBackwardWeights(d, x, dy, dw, dbias);
        if (d.groups() != 1) { cpu(Op.CONV2D_BACKWARD_WEIGHTS).conv2dBackwardWeights(d, x, dy, dw, dbias); return; }
        int inPix = d.inH() * d.inW(), outPix = d.outH() * d.outW(), taps = d.kH() * d.kW();
        try (DeviceArena dev = new DeviceArena(lib)) {
            MemorySegment dx = stageImage(dev, x, d.batch(), inPix, d.inC());
            MemorySegment ddy = stageImage(dev, dy, d.batch(), outPix, d.outC());
            MemorySegment hw = dev.host(Padding.weightBytes(taps, d.inC(), d.outC())), hb = dev.host(bytes(up8(d.outC())));
            MemorySegment ddw = dev.alloc(hw.byteSize()), ddb = dbias == null ? MemorySegment.NULL : dev.alloc(hb.byteSize());
            lib.check(CudaFunction.CONV2D_BACKWARD_WEIGHTS, convArgs(d, dx, ddy, ddw, ddb, DeviceArena.STREAM));
            dev.download(ddw, hw);
            Padding.cropWeights(hw, taps, d.inC(), d.outC(), dw.data(), dw.offset());
            if (dbias != null) {
                dev.download(ddb, hb);
                MemorySegment.copy(hb, JAVA_FLOAT, 0, dbias.data(), dbias.offset(), d.outC());
            }
        }
    }

    // ---- pooling --------------------------------------------------------------------------------------------

    private Object[] poolArgs(Pool2dDesc d, Object... pointers) {
        Object[] args = new Object[12 + pointers.length];
        int[] s = {d.batch(), d.inH(), d.inW(), d.channels(), d.kH(), d.kW(), d.strideH(), d.strideW(), d.padTop(),
                d.padLeft(), d.outH(), d.outW()};
        for (int i = 0; i < 12; i++) args[i] = s[i];
        System.arraycopy(pointers, 0, args, 12, pointers.length);
        return args;
    }

    @Override
    public void maxPool2dForward(Pool2dDesc d, Tensor x, Tensor y, int[] argmax) {
        OpChecks.maxPoolForward(d, x, y, argmax);
        try (DeviceArena dev = new DeviceArena(lib)) {
            MemorySegment dy = dev.alloc(bytes(y.size())), darg = dev.alloc((long) y.size() * Integer.BYTES);
            lib.check(CudaFunction.MAXPOOL_FORWARD, poolArgs(d, upload(dev, x), dy, darg, DeviceArena.STREAM));
            download(dev, dy, y);
            if (argmax != null) dev.download(darg, argmax, 0, y.size());
        }
    }

    @Override
    public void maxPool2dBackward(Pool2dDesc d, Tensor dy, int[] argmax, Tensor dx) {
        OpChecks.maxPoolBackward(d, dy, argmax, dx);
        OpChecks.argmaxWithinImages(d, argmax, 0, d.batch());
        try (DeviceArena dev = new DeviceArena(lib)) {
            MemorySegment ddx = dev.alloc(bytes(dx.size()));
            lib.check(CudaFunction.MAXPOOL_BACKWARD, poolArgs(d, upload(dev, dy), dev.upload(argmax, 0, dy.size()), ddx,
                    DeviceArena.STREAM));
            download(dev, ddx, dx);
        }
    }

    @Override
    public void avgPool2dForward(Pool2dDesc d, Tensor x, Tensor y) {
        OpChecks.avgPoolForward(d, x, y);
        try (DeviceArena dev = new DeviceArena(lib)) {
            MemorySegment dy = dev.alloc(bytes(y.size()));
            lib.check(CudaFunction.AVGPOOL_FORWARD, poolArgs(d, upload(dev, x), dy, DeviceArena.STREAM));
            download(dev, dy, y);
        }
    }

    @Override
    public void avgPool2dBackward(Pool2dDesc d, Tensor dy, Tensor dx) {
        OpChecks.avgPoolBackward(d, dy, dx);
        try (DeviceArena dev = new DeviceArena(lib)) {
            MemorySegment ddx = dev.alloc(bytes(dx.size()));
            lib.check(CudaFunction.AVGPOOL_BACKWARD, poolArgs(d, upload(dev, dy), ddx, DeviceArena.STREAM));
            download(dev, ddx, dx);
        }
    }

    // ---- batch norm -----------------------------------------------------------------------------------------

    @Override
    public void batchNormForwardTraining(BatchNormDesc d, Tensor x, Tensor gamma, Tensor beta, Tensor runningMean,
                                         Tensor runningVar, Tensor y, Tensor saveMean, Tensor saveInvStd) {
        OpChecks.batchNormTraining(d, x, gamma, beta, runningMean, runningVar, y, saveMean, saveInvStd);
        try (DeviceArena dev = new DeviceArena(lib)) {
            MemorySegment rm = upload(dev, runningMean), rv = upload(dev, runningVar);
            MemorySegment dy = dev.alloc(bytes(y.size()));
            MemorySegment sm = dev.alloc(bytes(d.channels())), si = dev.alloc(bytes(d.channels()));
            lib.check(CudaFunction.BATCHNORM_FORWARD_TRAINING, d.rows(), d.channels(), d.epsilon(), d.momentum(),
                    d.fusedRelu() ? 1 : 0, upload(dev, x), upload(dev, gamma), upload(dev, beta), rm, rv, dy, sm, si,
                    DeviceArena.STREAM);
            download(dev, dy, y);
            download(dev, sm, saveMean);
            download(dev, si, saveInvStd);
            download(dev, rm, runningMean);
            download(dev, rv, runningVar);
        }
    }

    @Override
    public void batchNormForwardInference(BatchNormDesc d, Tensor x, Tensor gamma, Tensor beta, Tensor runningMean,
                                          Tensor runningVar, Tensor y) {
        OpChecks.batchNormInference(d, x, gamma, beta, runningMean, runningVar, y);
        try (DeviceArena dev = new DeviceArena(lib)) {
            MemorySegment dy = dev.alloc(bytes(y.size()));
            lib.check(CudaFunction.BATCHNORM_FORWARD_INFERENCE, d.rows(), d.channels(), d.epsilon(),
                    d.fusedRelu() ? 1 : 0, upload(dev, x), upload(dev, gamma), upload(dev, beta),
                    upload(dev, runningMean), upload(dev, runningVar), dy, DeviceArena.STREAM);
            download(dev, dy, y);
        }
    }

    @Override
    public void batchNormBackward(BatchNormDesc d, Tensor x, Tensor y, Tensor dy, Tensor gamma, Tensor saveMean,
                                  Tensor saveInvStd, Tensor dx, Tensor dgamma, Tensor dbeta) {
        OpChecks.batchNormBackward(d, x, y, dy, gamma, saveMean, saveInvStd, dx, dgamma, dbeta);
        try (DeviceArena dev = new DeviceArena(lib)) {
            MemorySegment ddx = dev.alloc(bytes(dx.size()));
            MemorySegment dg = dev.alloc(bytes(d.channels())), db = dev.alloc(bytes(d.channels()));
            MemorySegment dyy = d.fusedRelu() ? upload(dev, y) : MemorySegment.NULL;
            lib.check(CudaFunction.BATCHNORM_BACKWARD, d.rows(), d.channels(), d.fusedRelu() ? 1 : 0, upload(dev, x),
                    dyy, upload(dev, dy), upload(dev, gamma), upload(dev, saveMean), upload(dev, saveInvStd), ddx, dg,
                    db, DeviceArena.STREAM);
            download(dev, ddx, dx);
            download(dev, dg, dgamma);
            download(dev, db, dbeta);
        }
    }

    // ---- activations ----------------------------------------------------------------------------------------

    @Override
    public void activationForward(Activation act, float alpha, Tensor x, Tensor y) {
        OpChecks.activationForward(act, x, y);
        if (x.size() == 0) return;
        try (DeviceArena dev = new DeviceArena(lib)) {
            MemorySegment dy = dev.alloc(bytes(y.size()));
            lib.check(CudaFunction.ACTIVATION_FORWARD, act.ordinal(), alpha, (long) x.size(), upload(dev, x), dy,
                    DeviceArena.STREAM);
            download(dev, dy, y);
        }
    }

    @Override
    public void activationBackward(Activation act, float alpha, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        OpChecks.activationBackward(act, x, y, dy, dx);
        if (dy.size() == 0) return;
        try (DeviceArena dev = new DeviceArena(lib)) {
            MemorySegment ddx = dev.alloc(bytes(dx.size()));
            MemorySegment dxx = x == null ? MemorySegment.NULL : upload(dev, x);
            MemorySegment dyy = y == null ? MemorySegment.NULL : upload(dev, y);
            lib.check(CudaFunction.ACTIVATION_BACKWARD, act.ordinal(), alpha, (long) dy.size(), dxx, dyy,
                    upload(dev, dy), ddx, DeviceArena.STREAM);
            download(dev, ddx, dx);
        }
    }

    // ---- softmax and losses ---------------------------------------------------------------------------------

    private void softmax(String op, boolean log, Tensor x, Tensor y) {
        int k = OpChecks.softmax(op, x, y);
        int rows = x.size() / k;
        if (rows == 0) return;
        try (DeviceArena dev = new DeviceArena(lib)) {
            MemorySegment dy = dev.alloc(bytes(y.size()));
            lib.check(CudaFunction.SOFTMAX, rows, k, log ? 1 : 0, upload(dev, x), dy, DeviceArena.STREAM);
            download(dev, dy, y);
        }
    }

    @Override public void softmax(Tensor x, Tensor y) { softmax("softmax", false, x, y); }

    @Override public void logSoftmax(Tensor x, Tensor y) { softmax("logSoftmax", true, x, y); }

    @Override
    public float softmaxCrossEntropy(Tensor logits, int[] labels, float labelSmoothing, Tensor dlogits) {
        int k = OpChecks.softmaxCrossEntropy(logits, labels, labelSmoothing, dlogits);
        int rows = logits.size() / k;
        try (DeviceArena dev = new DeviceArena(lib)) {
            MemorySegment loss = dev.alloc((long) rows * Double.BYTES);
            MemorySegment dl = dlogits == null ? MemorySegment.NULL : dev.alloc(bytes(dlogits.size()));
            lib.check(CudaFunction.SOFTMAX_CROSS_ENTROPY, rows, k, labelSmoothing, upload(dev, logits),
                    dev.upload(labels, 0, rows), loss, dl, DeviceArena.STREAM);
            double t = 0;
            for (double v : dev.downloadDoubles(loss, rows)) t += v;
            if (dlogits != null) download(dev, dl, dlogits);
            return (float) (t / rows);
        }
    }

    // ---- optimizer steps ------------------------------------------------------------------------------------

    @Override
    public void sgdStep(SgdStep s, Tensor w, Tensor grad, Tensor momentumBuffer) {
        OpChecks.sgdStep(s, w, grad, momentumBuffer);
        if (w.size() == 0) return;
        boolean mom = s.momentum() != 0f;
        try (DeviceArena dev = new DeviceArena(lib)) {
            MemorySegment dw = upload(dev, w), dbuf = mom ? upload(dev, momentumBuffer) : MemorySegment.NULL;
            lib.check(CudaFunction.SGD_STEP, (long) w.size(), s.lr(), s.momentum(), s.dampening(), s.nesterov() ? 1 : 0,
                    s.weightDecay(), s.decoupledWeightDecay() ? 1 : 0, s.firstStep() ? 1 : 0, dw, upload(dev, grad),
                    dbuf, DeviceArena.STREAM);
            download(dev, dw, w);
            if (mom) download(dev, dbuf, momentumBuffer);
        }
    }

    @Override
    public void adamStep(AdamStep s, Tensor w, Tensor grad, Tensor m, Tensor v) {
        OpChecks.adamStep(s, w, grad, m, v);
        if (w.size() == 0) return;
        // the bias corrections in double, once per call, exactly as the CPU backend
        float stepSize = (float) (s.lr() / (1 - Math.pow(s.beta1(), s.step())));
        float vScale = (float) (1 / (1 - Math.pow(s.beta2(), s.step())));
        try (DeviceArena dev = new DeviceArena(lib)) {
            MemorySegment dw = upload(dev, w), dm = upload(dev, m), dv = upload(dev, v);
            lib.check(CudaFunction.ADAM_STEP, (long) w.size(), s.beta1(), s.beta2(), s.epsilon(), s.weightDecay(),
                    s.decoupled() ? 1 : 0, s.lr(), stepSize, vScale, dw, upload(dev, grad), dm, dv, DeviceArena.STREAM);
            download(dev, dw, w);
            download(dev, dm, m);
            download(dev, dv, v);
        }
    }
}
