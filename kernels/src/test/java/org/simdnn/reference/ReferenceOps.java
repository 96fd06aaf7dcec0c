package org.simdnn.reference;

import org.simdnn.ops.Activation;
import org.simdnn.ops.Pool2dDesc;

/**
 * Scalar references for the non-GEMM, non-convolution ops of {@code Backend}: plain loops in double, written from
 * the op contracts and never optimised. Forward functions take and return double[] so that finite-difference
 * checks can run them in double; {@link #d(float[])} / {@link #f(double[])} convert.
 */
public final class ReferenceOps {
    private ReferenceOps() {}

    public static double[] d(float[] x) {
        double[] r = new double[x.length];
        for (int i = 0; i < x.length; i++) r[i] = x[i];
        return r;
    }

    public static float[] f(double[] x) {
        float[] r = new float[x.length];
        for (int i = 0; i < x.length; i++) r[i] = (float) x[i];
        return r;
    }

    // ---- pooling -----------------------------------------------------------------------------------

    /** One output pixel and channel: its flat index and the flat input indices of its window's valid pixels. */
    private interface Window {
        void visit(int out, int[] in, int count);
    }

    /** Every window in output order; the valid (unpadded) inputs of each in window order (row-major kh, kw). */
    private static void windows(Pool2dDesc p, Window v) {
        int oh = p.outH(), ow = p.outW(), c = p.channels();
        int[] in = new int[p.kH() * p.kW()];
        for (int n = 0; n < p.batch(); n++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    for (int ch = 0; ch < c; ch++) {
                        int count = 0;
                        for (int a = 0; a < p.kH(); a++) {
                            for (int b = 0; b < p.kW(); b++) {
                                int h = i * p.strideH() - p.padTop() + a, w = j * p.strideW() - p.padLeft() + b;
                                if (h < 0 || h >= p.inH() || w < 0 || w >= p.inW()) continue;
                                in[count++] = ((n * p.inH() + h) * p.inW() + w) * c + ch;
                            }
                        }
                        v.visit(((n * oh + i) * ow + j) * c + ch, in, count);
                    }
                }
            }
        }
    }

    private static int outSize(Pool2dDesc p) { return p.batch() * p.outH() * p.outW() * p.channels(); }

    /** Max pooling; argmax (may be null) receives flat input indices; first max wins, first NaN wins and sticks. */
    public static double[] maxPool(Pool2dDesc p, double[] x, int[] argmax) {
        double[] y = new double[outSize(p)];
        windows(p, (o, in, count) -> {
            double best = 0;
            int arg = -1;
            for (int q = 0; q < count; q++) {
                double v = x[in[q]];
                if (arg < 0 || v > best || (Double.isNaN(v) && !Double.isNaN(best))) {
                    best = v;
                    arg = in[q];
                }
            }
            y[o] = best;
            if (argmax != null) argmax[o] = arg;
        });
        return y;
    }

    /** Max-pooling backward: each output's dy added at its argmax (a flat input index) in a zeroed dx. */
    public static double[] maxPoolBackward(int inputSize, int[] argmax, double[] dy) {
        double[] dx = new double[inputSize];
        for (int o = 0; o < dy.length; o++) dx[argmax[o]] += dy[o];
        return dx;
    }

    /** Average over the valid (unpadded) pixels of each window. */
    public static double[] avgPool(Pool2dDesc p, double[] x) {
        double[] y = new double[outSize(p)];
        windows(p, (o, in, count) -> {
            double s = 0;
            for (int q = 0; q < count; q++) s += x[in[q]];
            y[o] = s / count;
        });
        return y;
    }

    /** Average-pooling backward: each output's dy / count spread over its window's valid pixels. */
    public static double[] avgPoolBackward(Pool2dDesc p, double[] dy) {
        double[] dx = new double[p.batch() * p.inH() * p.inW() * p.channels()];
        windows(p, (o, in, count) -> {
            for (int q = 0; q < count; q++) dx[in[q]] += dy[o] / count;
        });
        return dx;
    }

    // ---- batch norm --------------------------------------------------------------------------------

    /** Batch statistics per channel: {mean, biased variance}. */
    public static double[][] bnStats(int rows, int c, double[] x) {
        double[] mean = new double[c], var = new double[c];
        for (int j = 0; j < c; j++) {
            double s = 0;
            for (int r = 0; r < rows; r++) s += x[r * c + j];
            mean[j] = s / rows;
            double q = 0;
            for (int r = 0; r < rows; r++) q += (x[r * c + j] - mean[j]) * (x[r * c + j] - mean[j]);
            var[j] = q / rows;
        }
        return new double[][] {mean, var};
    }

    /** y = gamma (x - mean) / sqrt(var + eps) + beta, then ReLU if relu. */
    public static double[] bnApply(int rows, int c, double[] x, double[] mean, double[] var, double eps, double[] gamma,
                                   double[] beta, boolean relu) {
        double[] y = new double[rows * c];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < c; j++) {
                double v = gamma[j] * (x[r * c + j] - mean[j]) / Math.sqrt(var[j] + eps) + beta[j];
                y[r * c + j] = relu ? (v > 0 ? v : (Double.isNaN(v) ? v : 0)) : v;
            }
        }
        return y;
    }

    public static double[] bnTrain(int rows, int c, double[] x, double eps, double[] gamma, double[] beta, boolean relu) {
        double[][] s = bnStats(rows, c, x);
        return bnApply(rows, c, x, s[0], s[1], eps, gamma, beta, relu);
    }

    /**
     * Analytic batch-norm backward from batch statistics: {dx, dgamma, dbeta}; with relu, dy is masked where the
     * forward output y (recomputed here) is not positive.
     */
    public static double[][] bnBackward(int rows, int c, double[] x, double[] dy, double eps, double[] gamma,
                                        double[] beta, boolean relu) {
        double[][] s = bnStats(rows, c, x);
        double[] y = bnApply(rows, c, x, s[0], s[1], eps, gamma, beta, relu);
        double[] invStd = new double[c];
        for (int j = 0; j < c; j++) invStd[j] = 1 / Math.sqrt(s[1][j] + eps);
        return bnBackward(rows, c, x, relu ? y : null, dy, s[0], invStd, gamma);
    }

    /**
     * Batch-norm backward from given statistics (the op's contract: the saved mean and 1 / sqrt(var + eps)):
     * {dx, dgamma, dbeta}; a non-null y (the fused-ReLU output) masks dy where it is not positive.
     */
    public static double[][] bnBackward(int rows, int c, double[] x, double[] y, double[] dy, double[] mean,
                                        double[] invStd, double[] gamma) {
        double[] dx = new double[rows * c], dg = new double[c], db = new double[c];
        for (int j = 0; j < c; j++) {
            double inv = invStd[j], sg = 0, sgx = 0;
            for (int r = 0; r < rows; r++) {
                double g = y != null && !(y[r * c + j] > 0) ? 0 : dy[r * c + j];
                sg += g;
                sgx += g * (x[r * c + j] - mean[j]) * inv;
            }
            dg[j] = sgx;
            db[j] = sg;
            for (int r = 0; r < rows; r++) {
                double g = y != null && !(y[r * c + j] > 0) ? 0 : dy[r * c + j];
                double xh = (x[r * c + j] - mean[j]) * inv;
                dx[r * c + j] = gamma[j] * inv / rows * (rows * g - sg - xh * sgx);
            }
        }
        return new double[][] {dx, dg, db};
    }

    /**
     * The running estimates after a training batch, in place: {@code r = (1 - momentum) r + momentum batch}, with
     * the unbiased batch variance (the biased one, from {@link #bnStats}, when rows == 1).
     */
    public static void bnRunningUpdate(int rows, double momentum, double[] mean, double[] var, double[] runningMean,
                                       double[] runningVar) {
        for (int j = 0; j < mean.length; j++) {
            double unbiased = rows > 1 ? var[j] * rows / (rows - 1) : var[j];
            runningMean[j] = (1 - momentum) * runningMean[j] + momentum * mean[j];
            runningVar[j] = (1 - momentum) * runningVar[j] + momentum * unbiased;
        }
    }

    // ---- activations -------------------------------------------------------------------------------

    public static double act(Activation a, double alpha, double x) {
        return switch (a) {
            case IDENTITY -> x;
            case RELU -> x > 0 ? x : (Double.isNaN(x) ? x : 0);
            case LEAKY_RELU -> x > 0 || Double.isNaN(x) ? x : alpha * x;
            case TANH -> Math.tanh(x);
            case SIGMOID -> 1 / (1 + Math.exp(-x));
            case SIGN -> Double.isNaN(x) ? x : (x >= 0 ? 1 : -1);
        };
    }

    public static double[] act(Activation a, double alpha, double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = act(a, alpha, x[i]);
        return y;
    }

    /** dx from the contract: derivative at x (or from y), gradient of SIGN is 0, of RELU is 0 at x <= 0. */
    public static double[] actBackward(Activation a, double alpha, double[] x, double[] dy) {
        double[] dx = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double y = act(a, alpha, x[i]);
            dx[i] = switch (a) {
                case IDENTITY -> dy[i];
                case RELU -> x[i] > 0 ? dy[i] : 0;
                case LEAKY_RELU -> x[i] > 0 ? dy[i] : alpha * dy[i];
                case TANH -> dy[i] * (1 - y * y);
                case SIGMOID -> dy[i] * y * (1 - y);
                case SIGN -> 0;
            };
        }
        return dx;
    }

    public static double[] prelu(double[] x, double[] slope) {
        int c = slope.length;
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) y[i] = x[i] > 0 || Double.isNaN(x[i]) ? x[i] : slope[i % c] * x[i];
        return y;
    }

    /** PReLU backward: {dx, dslope}, dslope[c] = sum over x <= 0 of x dy (NaN x counts as not positive). */
    public static double[][] preluBackward(double[] x, double[] slope, double[] dy) {
        int c = slope.length;
        double[] dx = new double[x.length], ds = new double[c];
        for (int i = 0; i < x.length; i++) {
            dx[i] = x[i] > 0 ? dy[i] : slope[i % c] * dy[i];
            if (!(x[i] > 0)) ds[i % c] += x[i] * dy[i];
        }
        return new double[][] {dx, ds};
    }

    // ---- element-wise and reductions ---------------------------------------------------------------

    public static double[] add(double[] a, double[] b) {
        double[] o = new double[a.length];
        for (int i = 0; i < a.length; i++) o[i] = a[i] + b[i];
        return o;
    }

    public static double[] mul(double[] a, double[] b) {
        double[] o = new double[a.length];
        for (int i = 0; i < a.length; i++) o[i] = a[i] * b[i];
        return o;
    }

    /** alpha x + y (alpha x alone when y is null). */
    public static double[] axpy(double alpha, double[] x, double[] y) {
        double[] o = new double[x.length];
        for (int i = 0; i < x.length; i++) o[i] = alpha * x[i] + (y == null ? 0 : y[i]);
        return o;
    }

    /** y[r, j] + bias[j] over a row-major [rows, c] block. */
    public static double[] biasAdd(double[] bias, double[] y) {
        double[] o = new double[y.length];
        for (int i = 0; i < y.length; i++) o[i] = y[i] + bias[i % bias.length];
        return o;
    }

    /** Column sums of a row-major [rows, c] block. */
    public static double[] sumRows(int c, double[] x) {
        double[] s = new double[c];
        for (int i = 0; i < x.length; i++) s[i % c] += x[i];
        return s;
    }

    public static double sum(double[] x) {
        double s = 0;
        for (double v : x) s += v;
        return s;
    }

    public static double sumSquares(double[] x) {
        double s = 0;
        for (double v : x) s += v * v;
        return s;
    }

    // ---- softmax and losses ------------------------------------------------------------------------

    public static double[] softmax(int k, double[] x, boolean log) {
        double[] y = new double[x.length];
        for (int r = 0; r < x.length / k; r++) {
            double m = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) m = Math.max(m, x[r * k + j]);
            double s = 0;
            for (int j = 0; j < k; j++) s += Math.exp(x[r * k + j] - m);
            for (int j = 0; j < k; j++) {
                double z = x[r * k + j] - m;
                y[r * k + j] = log ? z - Math.log(s) : Math.exp(z) / s;
            }
        }
        return y;
    }

    /** Mean label-smoothed cross-entropy; grad (may be null) receives d(mean)/d(logits). */
    public static double softmaxCrossEntropy(int k, double[] x, int[] labels, double eps, double[] grad) {
        int rows = x.length / k;
        double[] logp = softmax(k, x, true);
        double total = 0;
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < k; j++) {
                double q = (j == labels[r] ? 1 - eps : 0) + eps / k;
                total -= q * logp[r * k + j];
                if (grad != null) grad[r * k + j] = (Math.exp(logp[r * k + j]) - q) / rows;
            }
        }
        return total / rows;
    }

    // ---- dropout: an independent implementation of the hash documented in DropoutHash --------------

    public static int dropoutBits(long seed, int i) {
        long z = seed + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        int k0 = (int) z, k1 = (int) (z >>> 32);
        return fmix32(fmix32(i * 0x9E3779B9 ^ k0) + k1);
    }

    private static int fmix32(int h) {
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        return h ^ (h >>> 16);
    }

    /** The mask value of element i: 0 if the 24-bit draw is below round(p 2^24), else 1 / (1 - p). */
    public static float dropoutMask(float p, long seed, int i) {
        long thr = Math.min(1L << 24, Math.round((double) p * (1 << 24)));
        return (dropoutBits(seed, i) >>> 8) >= thr ? (p >= 1 ? 0f : 1f / (1f - p)) : 0f;
    }

    // ---- optimizers (PyTorch's rules, in double) ---------------------------------------------------

    /** One SGD step in place on w and buf (double state). */
    public static void sgd(double lr, double mom, double damp, boolean nesterov, double wd, boolean decoupled,
                           boolean first, double[] w, double[] g, double[] buf) {
        for (int i = 0; i < w.length; i++) {
            double gi = g[i] + (decoupled ? 0 : wd * w[i]);
            double d = gi;
            if (mom != 0) {
                buf[i] = first ? gi : mom * buf[i] + (1 - damp) * gi;
                d = nesterov ? gi + mom * buf[i] : buf[i];
            }
            w[i] = w[i] - lr * d - (decoupled ? lr * wd * w[i] : 0);
        }
    }

    public static void adam(double lr, double b1, double b2, double eps, double wd, boolean decoupled, long step,
                            double[] w, double[] g, double[] m, double[] v) {
        for (int i = 0; i < w.length; i++) {
            double gi = g[i] + (decoupled ? 0 : wd * w[i]);
            m[i] = b1 * m[i] + (1 - b1) * gi;
            v[i] = b2 * v[i] + (1 - b2) * gi * gi;
            double mh = m[i] / (1 - Math.pow(b1, step)), vh = v[i] / (1 - Math.pow(b2, step));
            w[i] = w[i] - lr * mh / (Math.sqrt(vh) + eps) - (decoupled ? lr * wd * w[i] : 0);
        }
    }
}
