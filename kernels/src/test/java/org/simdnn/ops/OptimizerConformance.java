package org.simdnn.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.simdnn.ops.ConformanceSupport.SIZES;
import static org.simdnn.ops.ConformanceSupport.near;
import static org.simdnn.reference.ReferenceOps.d;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.simdnn.reference.Check;
import org.simdnn.reference.ReferenceOps;
import org.simdnn.tensor.Tensor;

/**
 * The SGD and Adam steps of {@link Backend} against the scalar references ({@link ReferenceOps}, double):
 * JUnit 5 default test methods, mixed into {@link BackendConformanceTest} so every backend runs them. Shared
 * helpers and sizes: {@link ConformanceSupport}.
 *
 * <p>Tolerances: 1e-6 relative per step against the double rule (one or two roundings per element).
 */
public interface OptimizerConformance {
    Backend backend();

    private static float[] sgdThreeSteps(Backend be, float lr, float mom, float damp, boolean nesterov, float wd,
                                         boolean decoupled) {
        float[] w = {1f}, g = {0.5f}, buf = {Float.NaN}; // NaN: the first step must not read the buffer
        for (int s = 0; s < 3; s++) {
            be.sgdStep(new SgdStep(lr, mom, damp, nesterov, wd, decoupled, s == 0), Tensor.wrap(w, 1), Tensor.wrap(g, 1),
                    mom == 0 ? null : Tensor.wrap(buf, 1));
        }
        return w;
    }

    @Test
    default void sgdHandComputedThreeSteps() {
        // w0 = 1, grad = 0.5 each step, lr = 0.1 (values worked out by hand in docs/ops.md)
        assertEquals(0.7195f, sgdThreeSteps(backend(), 0.1f, 0.9f, 0f, false, 0f, false)[0], 1e-6f, "momentum");
        assertEquals(0.59755f, sgdThreeSteps(backend(), 0.1f, 0.9f, 0f, true, 0f, false)[0], 1e-6f, "nesterov");
        assertEquals(0.792f, sgdThreeSteps(backend(), 0.1f, 0.9f, 0.5f, false, 0f, false)[0], 1e-6f, "dampening");
        assertEquals(0.821794f, sgdThreeSteps(backend(), 0.1f, 0f, 0f, false, 0.1f, false)[0], 1e-6f, "L2, no momentum");
        assertEquals(0.821794f, sgdThreeSteps(backend(), 0.1f, 0f, 0f, false, 0.1f, true)[0], 1e-6f, "decoupled");
        assertEquals(0.85f, sgdThreeSteps(backend(), 0.1f, 0f, 0f, false, 0f, false)[0], 1e-6f, "plain");
        // with momentum L2 and decoupled decay differ: L2 feeds the buffer
        // L2: g1 = 0.6, b1 = 0.6, w1 = 0.94; g2 = 0.594, b2 = 1.134, w2 = 0.8266;
        //     g3 = 0.58266, b3 = 1.60326, w3 = 0.666274
        assertEquals(0.666274f, sgdThreeSteps(backend(), 0.1f, 0.9f, 0f, false, 0.1f, false)[0], 1e-6f, "L2 + momentum");
        // decoupled: b = 0.5, 0.95, 1.355; w1 = 1 - 0.05 - 0.01 = 0.94; w2 = 0.94 - 0.095 - 0.0094 = 0.8356;
        //     w3 = 0.8356 - 0.1355 - 0.008356 = 0.691744
        assertEquals(0.691744f, sgdThreeSteps(backend(), 0.1f, 0.9f, 0f, false, 0.1f, true)[0], 1e-6f,
                "decoupled + momentum");
    }

    @ParameterizedTest(name = "sgd momentum={0} nesterov={1} wd={2} decoupled={3} damp={4}")
    @CsvSource({"0,false,0,false,0", "0.9,false,0,false,0", "0.9,true,0.01,false,0", "0.9,false,0.01,true,0.1",
            "0.5,true,0.05,true,0"})
    default void sgdMatchesReferenceOverTails(float mom, boolean nesterov, float wd, boolean decoupled, float damp) {
        for (int n : SIZES) {
            float[] w = Check.random(151 + n, n), buf = new float[n];
            double[] wr = d(w), br = new double[n];
            for (int s = 0; s < 3; s++) {
                float[] g = Check.random(152 + s, n);
                SgdStep st = new SgdStep(0.05f, mom, damp, nesterov, wd, decoupled, s == 0);
                backend().sgdStep(st, Tensor.wrap(w, n), Tensor.wrap(g, n), mom == 0 ? null : Tensor.wrap(buf, n));
                ReferenceOps.sgd(0.05f, mom, damp, nesterov, wd, decoupled, s == 0, wr, d(g), br);
            }
            near("sgd n=" + n, wr, w, 1e-6);
            if (mom != 0) near("sgd buffer n=" + n, br, buf, 1e-5);
        }
        assertThrows(IllegalArgumentException.class, () -> backend().sgdStep(
                new SgdStep(0.1f, 0.9f, 0, false, 0, false, true), Tensor.zeros(3), Tensor.zeros(3), null));
        assertThrows(IllegalArgumentException.class, () -> backend().sgdStep(
                new SgdStep(0.1f, 0f, 0, false, 0, false, true), Tensor.zeros(3), Tensor.zeros(4), null));
    }

    @Test
    default void adamHandComputedAndMatchesReference() {
        // constant gradient: bias-corrected m / sqrt(v) = 1, so each step moves w by lr: 1 -> 0.9 -> 0.8 -> 0.7
        float[] w = {1f}, g = {0.5f}, m = {0f}, v = {0f};
        for (int s = 1; s <= 3; s++) {
            backend().adamStep(new AdamStep(0.1f, 0.9f, 0.999f, 1e-8f, 0f, false, s), Tensor.wrap(w, 1),
                    Tensor.wrap(g, 1), Tensor.wrap(m, 1), Tensor.wrap(v, 1));
        }
        assertEquals(0.7f, w[0], 2e-6f, "adam, 3 steps");
        for (boolean decoupled : new boolean[] {false, true}) {
            for (int n : SIZES) {
                float[] wt = Check.random(161 + n, n), mt = new float[n], vt = new float[n];
                double[] wr = d(wt), mr = new double[n], vr = new double[n];
                for (int s = 1; s <= 3; s++) {
                    float[] gt = Check.random(162 + s, n);
                    backend().adamStep(new AdamStep(0.01f, 0.9f, 0.999f, 1e-8f, 0.01f, decoupled, s), Tensor.wrap(wt, n),
                            Tensor.wrap(gt, n), Tensor.wrap(mt, n), Tensor.wrap(vt, n));
                    ReferenceOps.adam(0.01f, 0.9f, 0.999f, 1e-8f, 0.01f, decoupled, s, wr, d(gt), mr, vr);
                }
                near("adam w decoupled=" + decoupled + " n=" + n, wr, wt, 2e-6);
                near("adam m", mr, mt, 1e-5);
                near("adam v", vr, vt, 1e-5);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> backend().adamStep(
                new AdamStep(0.1f, 0.9f, 0.999f, 1e-8f, 0, false, 1), Tensor.zeros(3), Tensor.zeros(3), Tensor.zeros(3),
                Tensor.zeros(2)));
    }
}
