package org.simdnn.bench;

/**
 * Plain scalar Java loops for {@link OpsBench}'s {@code naive} baseline: what a straightforward implementation
 * gets from C2 (which may auto-vectorise the simple loops) without the Vector API, one thread.
 */
final class NaiveOps {
    private NaiveOps() {}

    static void relu(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) y[i] = Math.max(x[i], 0f);
    }

    /** Two-pass textbook batch norm (mean, then variance, then normalise) with ReLU. */
    static void batchNormReluTraining(int rows, int c, float[] x, float[] gamma, float[] beta, float[] y, float[] mean,
                                      float[] invStd, float eps) {
        double[] s = new double[c], q = new double[c];
        for (int r = 0; r < rows; r++) for (int j = 0; j < c; j++) s[j] += x[r * c + j];
        for (int j = 0; j < c; j++) mean[j] = (float) (s[j] / rows);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < c; j++) {
                double d = x[r * c + j] - mean[j];
                q[j] += d * d;
            }
        }
        for (int j = 0; j < c; j++) invStd[j] = (float) (1 / Math.sqrt(q[j] / rows + eps));
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < c; j++) {
                y[r * c + j] = Math.max(0f, (x[r * c + j] - mean[j]) * invStd[j] * gamma[j] + beta[j]);
            }
        }
    }

    static void sgdMomentum(float lr, float mom, float[] w, float[] g, float[] buf, int n) {
        for (int i = 0; i < n; i++) {
            buf[i] = mom * buf[i] + g[i];
            w[i] -= lr * buf[i];
        }
    }
}
