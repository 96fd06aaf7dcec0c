package org.simdnn.ops;

import org.simdnn.tensor.Tensor;

/**
 * The argument checks of each {@link Backend} op, shared by every backend so they all reject the same inputs with
 * the same messages, before any work. Each names the op and the offending shapes or values.
 */
public final class OpChecks {
    private OpChecks() {}

    // ---- convolution ---------------------------------------------------------------------------------

    public static void conv2dForward(Conv2dDesc d, Tensor x, Tensor w, Tensor bias, Tensor y) {
        String op = "conv2dForward " + d.shapeString();
        Tensors.requireShape(op, "x", x, d.inputShape());
        Tensors.requireShape(op, "w", w, d.weightShape());
        if (bias != null) Tensors.requireSize(op, "bias", bias, d.outC());
        Tensors.requireShape(op, "y", y, d.outputShape());
        Tensors.requireDisjoint(op, "y", y, "x", x, "w", w, "bias", bias);
    }

    /** The weights of {@link Backend#prepareConv2dForward}. */
    public static void conv2dWeights(Conv2dDesc d, Tensor w, Tensor bias, Clamp clamp) {
        String op = "prepareConv2dForward " + d.shapeString();
        Tensors.requireShape(op, "w", w, d.weightShape());
        if (bias != null) Tensors.requireSize(op, "bias", bias, d.outC());
        if (clamp == null) throw new IllegalArgumentException(op + ": clamp is null (use Clamp.NONE)");
    }

    /** The weights of {@link Backend#prepareGemm}. */
    public static void gemmWeights(boolean transB, int k, int n, float[] b, int offB, float[] bias, int offBias,
                                   Clamp clamp) {
        String op = "prepareGemm k=" + k + " n=" + n + (transB ? " B^T" : "");
        if (k < 1 || n < 1) throw new IllegalArgumentException(op + ": k and n must be positive");
        if ((long) k * n > Integer.MAX_VALUE - 16) throw new IllegalArgumentException(op + ": B has over 2^31 elements");
        extent(op, "b", b, offB, (long) k * n);
        if (bias != null) extent(op, "bias", bias, offBias, n);
        if (clamp == null) throw new IllegalArgumentException(op + ": clamp is null (use Clamp.NONE)");
    }

    /** The operands of {@link PreparedGemm#forward}: extents, and c apart from a and the residual. */
    public static void preparedGemm(int m, int k, int n, float[] a, int offA, float[] residual, int offR, float[] c,
                                    int offC) {
        long mk = (long) m * k, mn = (long) m * n;
        if (m >= 0 && fits(a, offA, mk) && fits(c, offC, mn) && (residual == null || fits(residual, offR, mn))
                && !(a == c && offA < offC + mn && offC < offA + mk) && !(residual == c && offR < offC + mn && offC < offR + mn)) {
            return; // the common case, without building the message below
        }
        String op = "prepared gemm m=" + m + " k=" + k + " n=" + n;
        if (m < 0) throw new IllegalArgumentException(op + ": m must be >= 0");
        extent(op, "a", a, offA, (long) m * k);
        extent(op, "c", c, offC, (long) m * n);
        if (residual != null) extent(op, "residual", residual, offR, (long) m * n);
        if (a == c && offA < offC + (long) m * n && offC < offA + (long) m * k) {
            throw new IllegalArgumentException(op + ": c overlaps a");
        }
        if (residual == c && offR < offC + (long) m * n && offC < offR + (long) m * n) {
            throw new IllegalArgumentException(op + ": c overlaps the residual");
        }
    }

    private static boolean fits(float[] x, int off, long size) { return x != null && off >= 0 && off + size <= x.length; }

    private static void extent(String op, String name, float[] x, int off, long size) {
        if (x == null) throw new IllegalArgumentException(op + ": " + name + " is null");
        if (off < 0 || off + size > x.length) {
            throw new IllegalArgumentException(op + ": " + name + " needs " + size + " floats at offset " + off
                    + ", array has " + x.length);
        }
    }

    /** The activations of {@link PreparedConv2d#forward}: residual, when given, of y's shape and apart from y. */
    public static void preparedConv2d(Conv2dDesc d, Tensor x, Tensor residual, Tensor y) {
        String op = "prepared conv2d " + d.shapeString();
        Tensors.requireShape(op, "x", x, d.inputShape());
        Tensors.requireShape(op, "y", y, d.outputShape());
        Tensors.requireDisjoint(op, "y", y, "x", x);
        if (residual != null) {
            Tensors.requireShape(op, "residual", residual, d.outputShape());
            Tensors.requireDisjoint(op, "y", y, "residual", residual);
        }
    }

    public static void conv2dBackwardData(Conv2dDesc d, Tensor dy, Tensor w, Tensor dx) {
        String op = "conv2dBackwardData " + d.shapeString();
        Tensors.requireShape(op, "dy", dy, d.outputShape());
        Tensors.requireShape(op, "w", w, d.weightShape());
        Tensors.requireShape(op, "dx", dx, d.inputShape());
        Tensors.requireDisjoint(op, "dx", dx, "dy", dy, "w", w);
    }

    public static void conv2dBackwardWeights(Conv2dDesc d, Tensor x, Tensor dy, Tensor dw, Tensor dbias) {
        String op = "conv2dBackwardWeights " + d.shapeString();
        Tensors.requireShape(op, "x", x, d.inputShape());
        Tensors.requireShape(op, "dy", dy, d.outputShape());
        Tensors.requireShape(op, "dw", dw, d.weightShape());
        if (dbias != null) Tensors.requireSize(op, "dbias", dbias, d.outC());
        Tensors.requireDisjoint(op, "dw", dw, "x", x, "dy", dy);
        if (dbias != null) Tensors.requireDisjoint(op, "dbias", dbias, "x", x, "dy", dy, "dw", dw);
    }

    // ---- pooling -------------------------------------------------------------------------------------

    public static void maxPoolForward(Pool2dDesc d, Tensor x, Tensor y, int[] argmax) {
        String op = "maxPool2dForward";
        Tensors.requireShape(op, "x", x, d.batch(), d.inH(), d.inW(), d.channels());
        Tensors.requireShape(op, "y", y, d.batch(), d.outH(), d.outW(), d.channels());
        if (argmax != null) requireArgmax(op, "y", y, argmax);
    }

    public static void maxPoolBackward(Pool2dDesc d, Tensor dy, int[] argmax, Tensor dx) {
        String op = "maxPool2dBackward";
        Tensors.requireShape(op, "dy", dy, d.outputShape());
        Tensors.requireShape(op, "dx", dx, d.inputShape());
        requireArgmax(op, "dy", dy, argmax);
    }

    private static void requireArgmax(String op, String name, Tensor t, int[] argmax) {
        if (argmax == null || argmax.length < t.size()) {
            throw new IllegalArgumentException(op + ": argmax needs " + t.size() + " ints for " + name + " "
                    + t.shapeString() + ", has " + (argmax == null ? "null" : argmax.length));
        }
    }

    /** Every argmax of image n, for n in [n0, n1), must lie in image n of the input. */
    public static void argmaxWithinImages(Pool2dDesc d, int[] argmax, int n0, int n1) {
        int perOut = d.outH() * d.outW() * d.channels(), perIn = d.inH() * d.inW() * d.channels();
        for (int n = n0; n < n1; n++) {
            int lo = n * perIn, hi = lo + perIn;
            for (int i = n * perOut, e = i + perOut; i < e; i++) {
                int a = argmax[i];
                if (a < lo || a >= hi) {
                    throw new IllegalArgumentException("maxPool2dBackward: argmax[" + i + "] = " + a
                            + " is outside image " + n + " of input " + java.util.Arrays.toString(d.inputShape()));
                }
            }
        }
    }

    public static void avgPoolForward(Pool2dDesc d, Tensor x, Tensor y) {
        Tensors.requireShape("avgPool2dForward", "x", x, d.batch(), d.inH(), d.inW(), d.channels());
        Tensors.requireShape("avgPool2dForward", "y", y, d.batch(), d.outH(), d.outW(), d.channels());
    }

    public static void avgPoolBackward(Pool2dDesc d, Tensor dy, Tensor dx) {
        Tensors.requireShape("avgPool2dBackward", "dy", dy, d.outputShape());
        Tensors.requireShape("avgPool2dBackward", "dx", dx, d.inputShape());
    }

    // ---- batch norm ----------------------------------------------------------------------------------

    private static void requireBnInput(String op, BatchNormDesc d, String name, Tensor t) {
        if (t == null || t.size() != d.rows() * d.channels() || t.dim(t.rank() - 1) != d.channels()) {
            throw new IllegalArgumentException(op + ": " + name + " must be rows x channels = " + d.rows() + " x "
                    + d.channels() + " with channels last, got " + (t == null ? "null" : t.shapeString()));
        }
        Tensors.requireContiguous(op, t);
    }

    public static void batchNormTraining(BatchNormDesc d, Tensor x, Tensor gamma, Tensor beta, Tensor runningMean,
                                         Tensor runningVar, Tensor y, Tensor saveMean, Tensor saveInvStd) {
        String op = "batchNormForwardTraining";
        batchNormForward(op, d, x, gamma, beta, runningMean, runningVar, y);
        Tensors.requireSize(op, "saveMean", saveMean, d.channels());
        Tensors.requireSize(op, "saveInvStd", saveInvStd, d.channels());
    }

    public static void batchNormInference(BatchNormDesc d, Tensor x, Tensor gamma, Tensor beta, Tensor runningMean,
                                          Tensor runningVar, Tensor y) {
        batchNormForward("batchNormForwardInference", d, x, gamma, beta, runningMean, runningVar, y);
    }

    private static void batchNormForward(String op, BatchNormDesc d, Tensor x, Tensor gamma, Tensor beta,
                                         Tensor runningMean, Tensor runningVar, Tensor y) {
        int c = d.channels();
        requireBnInput(op, d, "x", x);
        Tensors.requireSameShape(op, x, y);
        Tensors.requireSize(op, "gamma", gamma, c);
        Tensors.requireSize(op, "beta", beta, c);
        Tensors.requireSize(op, "runningMean", runningMean, c);
        Tensors.requireSize(op, "runningVar", runningVar, c);
    }

    public static void batchNormBackward(BatchNormDesc d, Tensor x, Tensor y, Tensor dy, Tensor gamma,
                                         Tensor saveMean, Tensor saveInvStd, Tensor dx, Tensor dgamma, Tensor dbeta) {
        String op = "batchNormBackward";
        int c = d.channels();
        requireBnInput(op, d, "x", x);
        Tensors.requireSameShape(op, x, dy);
        Tensors.requireSameShape(op, x, dx);
        if (d.fusedRelu()) {
            if (y == null) throw new IllegalArgumentException(op + ": fusedRelu needs y to mask dy, got null");
            Tensors.requireSameShape(op, x, y);
        }
        Tensors.requireSize(op, "gamma", gamma, c);
        Tensors.requireSize(op, "saveMean", saveMean, c);
        Tensors.requireSize(op, "saveInvStd", saveInvStd, c);
        Tensors.requireSize(op, "dgamma", dgamma, c);
        Tensors.requireSize(op, "dbeta", dbeta, c);
    }

    // ---- activations ---------------------------------------------------------------------------------

    public static void activationForward(Activation act, Tensor x, Tensor y) {
        if (act == null) throw new IllegalArgumentException("activationForward: activation is null");
        Tensors.requireSameShape("activationForward(" + act + ")", x, y);
    }

    public static void activationBackward(Activation act, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        if (act == null) throw new IllegalArgumentException("activationBackward: activation is null");
        String op = "activationBackward(" + act + ")";
        boolean needsY = act == Activation.TANH || act == Activation.SIGMOID;
        boolean needsX = act == Activation.RELU || act == Activation.LEAKY_RELU;
        Tensors.requireSameShape(op, dy, dx);
        if (needsX || x != null) requireSame(op, "x", x, dy);
        if (needsY || y != null) requireSame(op, "y", y, dy);
    }

    /** t must be non-null with like's shape (both contiguous). */
    public static void requireSame(String op, String name, Tensor t, Tensor like) {
        if (t == null) throw new IllegalArgumentException(op + ": " + name + " is null, expected " + like.shapeString());
        Tensors.requireSameShape(op, t, like);
    }

    // ---- softmax and losses --------------------------------------------------------------------------

    /** The class count (last dim) of x, which must have one of at least 1. */
    public static int classes(String op, Tensor x) {
        if (x == null || x.rank() < 1 || x.dim(x.rank() - 1) < 1) {
            throw new IllegalArgumentException(op + ": needs [rows, classes] with classes >= 1, got "
                    + (x == null ? "null" : x.shapeString()));
        }
        return x.dim(x.rank() - 1);
    }

    /** Checks softmax/logSoftmax arguments; returns the class count. */
    public static int softmax(String op, Tensor x, Tensor y) {
        int k = classes(op, x);
        Tensors.requireSameShape(op, x, y);
        return k;
    }

    /** Checks every argument and every label; returns the class count. */
    public static int softmaxCrossEntropy(Tensor logits, int[] labels, float labelSmoothing, Tensor dlogits) {
        String op = "softmaxCrossEntropy";
        int k = classes(op, logits);
        Tensors.requireContiguous(op, logits);
        if (dlogits != null) Tensors.requireSameShape(op, logits, dlogits);
        int rows = logits.size() / k;
        if (rows < 1) throw new IllegalArgumentException(op + ": logits " + logits.shapeString() + " have no rows");
        if (labels == null || labels.length != rows) {
            throw new IllegalArgumentException(op + ": logits " + logits.shapeString() + " need " + rows + " labels, got "
                    + (labels == null ? "null" : labels.length));
        }
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException(op + ": label smoothing must be in [0, 1], got " + labelSmoothing);
        }
        for (int r = 0; r < rows; r++) {
            if (labels[r] < 0 || labels[r] >= k) {
                throw new IllegalArgumentException(op + ": label " + labels[r] + " at row " + r + " outside [0, " + k
                        + ") for logits " + logits.shapeString());
            }
        }
        return k;
    }

    // ---- optimizers ----------------------------------------------------------------------------------

    public static void sgdStep(SgdStep s, Tensor w, Tensor grad, Tensor buf) {
        String op = "sgdStep";
        if (s == null) throw new IllegalArgumentException(op + ": step is null");
        Tensors.requireSameShape(op, w, grad);
        if (s.momentum() != 0f) requireSame(op, "momentumBuffer", buf, w);
    }

    public static void adamStep(AdamStep s, Tensor w, Tensor grad, Tensor m, Tensor v) {
        String op = "adamStep";
        if (s == null) throw new IllegalArgumentException(op + ": step is null");
        Tensors.requireSameShape(op, w, grad);
        requireSame(op, "m", m, w);
        requireSame(op, "v", v, w);
    }
}
