package org.simdnn.ops;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.simdnn.ops.ConformanceSupport.SIZES;
import static org.simdnn.ops.ConformanceSupport.dot;
import static org.simdnn.ops.ConformanceSupport.near;
import static org.simdnn.ops.ConformanceSupport.numericGrad;
import static org.simdnn.reference.ReferenceOps.d;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.simdnn.reference.Check;
import org.simdnn.reference.ReferenceOps;
import org.simdnn.tensor.Tensor;

/**
 * Activations and PReLU of {@link Backend} against the scalar references ({@link ReferenceOps}, double):
 * JUnit 5 default test methods, mixed into {@link BackendConformanceTest} so every backend runs them. Shared
 * helpers and sizes: {@link ConformanceSupport}.
 *
 * <p>Tolerances: ReLU and sign exact (0); one rounding per element (PReLU) 1e-6; exp-based ops (sigmoid, tanh)
 * 4e-6 (the vectorised exp is within ~2 ulp); finite differences 2e-3 (float backward against a double
 * derivative).
 */
public interface ActivationConformance {
    Backend backend();

    private static float[] activationInput(long seed, int n) {
        float[] x = Check.random(seed, n);
        for (int i = 0; i < n; i++) x[i] *= 6; // spans the tanh/sigmoid curvature and the tanh small-|x| branch
        float[] special = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 100f, -100f, 1e-3f,
                -0.29f, 0.31f, 88f, -90f, 1e-30f};
        for (int i = 0; i < special.length && i * 3 < n; i++) x[i * 3 % n] = special[i];
        return x;
    }

    @ParameterizedTest(name = "activation {0}")
    @EnumSource(Activation.class)
    default void activationForwardMatchesReference(Activation act) {
        for (int n : SIZES) {
            float[] x = activationInput(61 + n, n), y = new float[n];
            backend().activationForward(act, 0.1f, Tensor.wrap(x, n), Tensor.wrap(y, n));
            double tol = act == Activation.TANH || act == Activation.SIGMOID ? 4e-6
                    : act == Activation.LEAKY_RELU ? 1e-6 : 0;
            near(act + " forward n=" + n, ReferenceOps.act(act, 0.1, d(x)), y, tol);
        }
    }

    @ParameterizedTest(name = "activation backward {0}")
    @EnumSource(Activation.class)
    default void activationBackwardMatchesReferenceAndFiniteDifferences(Activation act) {
        for (int n : SIZES) {
            float[] x = Check.random(71 + n, n), dy = Check.random(72 + n, n), y = new float[n], dx = new float[n];
            for (int i = 0; i < n; i++) x[i] *= 4;
            backend().activationForward(act, 0.1f, Tensor.wrap(x, n), Tensor.wrap(y, n));
            backend().activationBackward(act, 0.1f, Tensor.wrap(x, n), Tensor.wrap(y, n), Tensor.wrap(dy, n),
                    Tensor.wrap(dx, n));
            near(act + " backward n=" + n, ReferenceOps.actBackward(act, 0.1, d(x), d(dy)), dx, 1e-5);
            if (n <= 1000 && act != Activation.SIGN) {
                double[] num = numericGrad(v -> dot(ReferenceOps.act(act, 0.1, v), d(dy)), d(x), 1e-6);
                near(act + " finite differences n=" + n, num, dx, 2e-3);
            }
        }
    }

    @Test
    default void activationsRejectBadShapes() {
        assertThrows(IllegalArgumentException.class,
                () -> backend().activationForward(Activation.RELU, 0, Tensor.zeros(7), Tensor.zeros(8)));
        assertThrows(IllegalArgumentException.class, () -> backend().activationBackward(Activation.TANH, 0,
                Tensor.zeros(7), Tensor.zeros(7), Tensor.zeros(7), Tensor.zeros(6)));
        assertThrows(IllegalArgumentException.class, () -> backend().activationBackward(Activation.SIGMOID, 0,
                Tensor.zeros(7), null, Tensor.zeros(7), Tensor.zeros(7)));
        assertThrows(IllegalArgumentException.class,
                () -> backend().preluForward(Tensor.zeros(3, 5), Tensor.zeros(3), Tensor.zeros(3, 5)));
    }

    @ParameterizedTest(name = "prelu rows={0} c={1}")
    @CsvSource({"1,1", "3,7", "5,17", "2,207", "4,33", "3000,32"})
    default void preluMatchesReferenceAndFiniteDifferences(int rows, int c) {
        float[] x = Check.random(81, rows * c), slope = Check.random(82, c), dy = Check.random(83, rows * c);
        x[0] = Float.NaN;
        float[] y = new float[x.length], dx = new float[x.length], ds = new float[c];
        backend().preluForward(Tensor.wrap(x, rows, c), Tensor.wrap(slope, c), Tensor.wrap(y, rows, c));
        near("prelu forward", ReferenceOps.prelu(d(x), d(slope)), y, 1e-6);
        x[0] = 0.5f;
        backend().preluBackward(Tensor.wrap(x, rows, c), Tensor.wrap(slope, c), Tensor.wrap(dy, rows, c),
                Tensor.wrap(dx, rows, c), Tensor.wrap(ds, c));
        double[] dxRef = new double[x.length], dsRef = new double[c];
        for (int i = 0; i < x.length; i++) {
            dxRef[i] = x[i] > 0 ? dy[i] : (double) slope[i % c] * dy[i];
            if (!(x[i] > 0)) dsRef[i % c] += (double) x[i] * dy[i];
        }
        near("prelu dx", dxRef, dx, 1e-6);
        near("prelu dslope", dsRef, ds, 1e-5 * Math.max(1, Math.sqrt(rows)));
        if (x.length <= 2000) {
            double[] numX = numericGrad(v -> dot(ReferenceOps.prelu(v, d(slope)), d(dy)), d(x), 1e-6);
            double[] numS = numericGrad(v -> dot(ReferenceOps.prelu(d(x), v), d(dy)), d(slope), 1e-6);
            near("prelu dx finite differences", numX, dx, 2e-3);
            near("prelu dslope finite differences", numS, ds, 2e-3 * Math.max(1, Math.sqrt(rows)));
        }
    }
}
