package org.simdnn.nn;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import org.simdnn.tensor.Tensor;

/**
 * Finite-difference gradient check. The scalar under test is {@code L = Σ r_i y_i} with fixed random r (so dL/dy =
 * r), accumulated in double. Each checked coordinate u (input or parameter) is perturbed by ±{@link #EPS} and
 * {@code (L(u+eps) - L(u-eps)) / 2eps} is compared with the analytic gradient from backward.
 *
 * <p>Tolerance, written down: tensors are float32, so L carries a rounding error of about 1e-7·Σ|r y| per
 * evaluation, amplified by 1/(2 eps) = 50; the central difference's truncation error is O(eps²·|f'''|) ≈ 1e-4 on the
 * smooth inputs used. Hence {@code |analytic - numeric| <= ATOL + RTOL * max(|analytic|, |numeric|)} with
 * ATOL = 2e-3, RTOL = 1e-2, for sizes of at most a few hundred outputs. Inputs are chosen away from the kinks of
 * ReLU-like and max ops (|x| >= 0.1, gaps between window values >= 0.05 > 2 eps).
 */
public final class GradCheck {
    public static final float EPS = 1e-2f;
    public static final double ATOL = 2e-3, RTOL = 1e-2;

    private GradCheck() {}

    /** Random values in [-1, 1). */
    public static Tensor random(long seed, int... shape) {
        Tensor t = Tensor.zeros(shape);
        SplittableRandom r = new SplittableRandom(seed);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] = (float) r.nextDouble(-1, 1);
        return t;
    }

    /** Random values with |x| in [0.1, 1) (away from the ReLU kink). */
    public static Tensor awayFromZero(long seed, int... shape) {
        Tensor t = random(seed, shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] = Math.copySign(0.1f + 0.9f * Math.abs(d[i]), d[i]);
        return t;
    }

    /** A random permutation of the values -1 + 0.05 k: every two values differ by >= 0.05 (no max ties). */
    public static Tensor distinct(long seed, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] = -1f + 0.05f * i;
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = d.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            float tmp = d[i];
            d[i] = d[j];
            d[j] = tmp;
        }
        return t;
    }

    /** Checks dL/dx and every parameter gradient of {@code m} at {@code x}; {@code before} runs before each forward. */
    public static void check(Module m, Tensor x, Runnable before) {
        check(m, x, before, true);
    }

    public static void check(Module m, Tensor x, Runnable before, boolean checkInput) {
        before.run();
        Tensor y = m.forward(x, true);
        Tensor r = random(977, y.shape());
        Tensor dx = m.backward(r);
        if (checkInput) {
            assertNotNull(dx, m.name() + " returned no input gradient");
            compare(m, x, "input", x, dx.toArray(), r, before);
        }
        for (Parameter p : m.parameters()) {
            // backward overwrote p.grad(); keep a copy since the numeric evaluations below run more backward-free forwards
            compare(m, x, p.name(), p.value(), p.grad().toArray(), r, before);
        }
    }

    private static void compare(Module m, Tensor x, String what, Tensor u, float[] analytic, Tensor r, Runnable before) {
        float[] ud = u.data();
        int n = u.size();
        SplittableRandom pick = new SplittableRandom(n * 31L + what.hashCode());
        int checks = Math.min(n, 40);
        for (int c = 0; c < checks; c++) {
            int i = n <= 40 ? c : pick.nextInt(n);
            int at = u.offset() + i;
            float saved = ud[at];
            ud[at] = saved + EPS;
            double lp = loss(m, x, r, before);
            ud[at] = saved - EPS;
            double lm = loss(m, x, r, before);
            ud[at] = saved;
            double num = (lp - lm) / (2 * EPS), ana = analytic[i];
            if (!(Math.abs(num - ana) <= ATOL + RTOL * Math.max(Math.abs(num), Math.abs(ana)))) {
                fail(m.name() + ": d/d " + what + "[" + i + "]: analytic " + ana + ", numeric " + num);
            }
        }
    }

    private static double loss(Module m, Tensor x, Tensor r, Runnable before) {
        before.run();
        float[] y = m.forward(x, true).toArray();
        float[] rd = r.data();
        double s = 0;
        for (int i = 0; i < y.length; i++) s += (double) rd[i] * y[i];
        return s;
    }
}
