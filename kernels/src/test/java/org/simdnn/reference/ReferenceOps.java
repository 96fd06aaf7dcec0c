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

    private static int xIndex(Pool2dDesc p, int n, int h, int w, int c) {
        return ((n * p.inH() + h) * p.inW() + w) * p.channels() + c;
    }

    /** Max pooling; argmax (may be null) receives flat input indices; first max wins, first NaN wins and sticks. */
    public static double[] maxPool(Pool2dDesc p, double[] x, int[] argmax) {
        int oh = p.outH(), ow = p.outW(), c = p.channels();
        double[] y = new double[p.batch() * oh * ow * c];
        for (int n = 0; n < p.batch(); n++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    for (int ch = 0; ch < c; ch++) {
                        double best = 0;
                        int arg = -1;
                        for (int a = 0; a < p.kH(); a++) {
                            for (int b = 0; b < p.kW(); b++) {
                                int h = i * p.strideH() - p.padTop() + a, w = j * p.strideW() - p.padLeft() + b;
                                if (h < 0 || h >= p.inH() || w < 0 || w >= p.inW()) continue;
                                int idx = xIndex(p, n, h, w, ch);
                                double v = x[idx];
                                if (arg < 0 || v > best || (Double.isNaN(v) && !Double.isNaN(best))) {
                                    best = v;
                                    arg = idx;
                                }
                            }
                        }
                        int o = ((n * oh + i) * ow + j) * c + ch;
                        y[o] = best;
                        if (argmax != null) argmax[o] = arg;
                    }
                }
            }
        }
        return y;
    }

    /** Average over the valid (unpadded) pixels of each window. */
    public static double[] avgPool(Pool2dDesc p, double[] x) {
        int oh = p.outH(), ow = p.outW(), c = p.channels();
        double[] y = new double[p.batch() * oh * ow * c];
        for (int n = 0; n < p.batch(); n++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    for (int ch = 0; ch < c; ch++) {
                        double s = 0;
                        int count = 0;
                        for (int a = 0; a < p.kH(); a++) {
                            for (int b = 0; b < p.kW(); b++) {
                                int h = i * p.strideH() - p.padTop() + a, w = j * p.strideW() - p.padLeft() + b;
                                if (h < 0 || h >= p.inH() || w < 0 || w >= p.inW()) continue;
                                s += x[xIndex(p, n, h, w, ch)];
                                count++;
                            }
                        }
                        y[((n * oh + i) * ow + j) * c + ch] = s / count;
                    }
                }
            }
        }
        return y;
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
        double[] dx = new double[rows * c], dg = new double[c], db = new double[c];
        for (int j = 0; j < c; j++) {
            double inv = 1 / Math.sqrt(s[1][j] + eps), sg = 0, sgx = 0;
            for (int r = 0; r < rows; r++) {
                double g = relu && !(y[r * c + j] > 0) ? 0 : dy[r * c + j];
                sg += g;
                sgx += g * (x[r * c + j] - s[0][j]) * inv;
            }
            dg[j] = sgx;
            db[j] = sg;
            for (int r = 0; r < rows; r++) {
                double g = relu && !(y[r * c + j] > 0) ? 0 : dy[r * c + j];
                double xh = (x[r * c + j] - s[0][j]) * inv;
                dx[r * c + j] = gamma[j] * inv / rows * (rows * g - sg - xh * sgx);
            }
        }
        return new double[][] {dx, dg, db};
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
