package org.simdnn.nn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.simdnn.nn.Parameter;
import org.simdnn.nn.TestBackends;
import org.simdnn.ops.Backend;
import org.simdnn.tensor.Tensor;

/**
 * Three steps of each optimizer against values computed by hand from the rules in the Javadoc (gradients 0.5,
 * -0.3, 0.2; weight starts at 1, a no-decay bias at 2). E.g. momentum 0.9, lr 0.1, L2 0.01:
 * step 1 g = 0.5 + 0.01 = 0.51, buf = g = 0.51 (first-step rule), w = 1 - 0.051 = 0.949;
 * step 2 g = -0.3 + 0.00949 = -0.29051, buf = 0.459 - 0.29051 = 0.16849, w = 0.949 - 0.016849 = 0.932151.
 * Tolerance 2e-6: float32 arithmetic on values near 1.
 */
class OptimizerTest {
    static Stream<Backend> backends() { return TestBackends.all(); }

    private static final float[] GRADS = {0.5f, -0.3f, 0.2f};

    private static void run(Backend b, Function<List<Parameter>, Optimizer> make, double[] expectedW, double[] expectedBias)
            throws Throwable {
        TestBackends.run(() -> {
            Parameter w = new Parameter("w", Tensor.wrap(new float[] {1f}, 1), true);
            Parameter bias = new Parameter("b", Tensor.wrap(new float[] {2f}, 1), false);
            Optimizer opt = make.apply(List.of(w, bias));
            for (int t = 0; t < 3; t++) {
                w.grad().fill(GRADS[t]);
                bias.grad().fill(GRADS[t]);
                opt.step();
                assertEquals(expectedW[t], w.value().get(0), 2e-6, "w after step " + (t + 1));
                if (expectedBias != null) assertEquals(expectedBias[t], bias.value().get(0), 2e-6, "bias after step " + (t + 1));
            }
            assertEquals(3, opt.steps());
        });
    }

    @ParameterizedTest @MethodSource("backends")
    void plainSgd(Backend b) throws Throwable {
        run(b, ps -> new Sgd(ps, 0.1f, b), new double[] {0.95, 0.98, 0.96}, new double[] {1.95, 1.98, 1.96});
    }

    @ParameterizedTest @MethodSource("backends")
    void momentumWithL2DecayOnWeightsOnly(Backend b) throws Throwable {
        run(b, ps -> new Sgd(ps, 0.1f, b).momentum(0.9f).weightDecay(0.01f),
                new double[] {0.949, 0.932151, 0.896054749}, new double[] {1.95, 1.935, 1.9015});
    }

    /**
     * PyTorch's rule: the bias decays too. Bias (starts at 2): g = 0.5 + 0.02 = 0.52, b = 1.948; g = -0.3 + 0.01948 =
     * -0.28052, buf = 0.468 - 0.28052 = 0.18748, b = 1.929252; g = 0.2 + 0.01929252, buf = 0.38802452, b = 1.890449548.
     */
    @ParameterizedTest @MethodSource("backends")
    void momentumWithL2DecayOnAllParameters(Backend b) throws Throwable {
        run(b, ps -> new Sgd(ps, 0.1f, b).momentum(0.9f).weightDecay(0.01f).decayAllParameters(true),
                new double[] {0.949, 0.932151, 0.896054749}, new double[] {1.948, 1.929252, 1.890449548});
    }

    @ParameterizedTest @MethodSource("backends")
    void nesterov(Backend b) throws Throwable {
        run(b, ps -> new Sgd(ps, 0.1f, b).momentum(0.9f).nesterov(true).weightDecay(0.01f),
                new double[] {0.9031, 0.91707411, 0.863721158191}, null);
    }

    /** Dampening is not applied on the first step (buf = g): w1 = 0.95, not 0.975. */
    @ParameterizedTest @MethodSource("backends")
    void dampeningAndTheFirstStepRule(Backend b) throws Throwable {
        run(b, ps -> new Sgd(ps, 0.1f, b).momentum(0.9f).dampening(0.5f), new double[] {0.95, 0.92, 0.883}, null);
    }

    @ParameterizedTest @MethodSource("backends")
    void decoupledWeightDecay(Backend b) throws Throwable {
        run(b, ps -> new Sgd(ps, 0.1f, b).momentum(0.9f).decoupledWeightDecay(0.1f),
                new double[] {0.94, 0.9156, 0.872944}, null);
    }

    @ParameterizedTest @MethodSource("backends")
    void adam(Backend b) throws Throwable {
        run(b, ps -> new Adam(ps, 0.01f, 0f, b), new double[] {0.9900000002, 0.9880850199, 0.9846107431}, null);
    }

    @ParameterizedTest @MethodSource("backends")
    void adamWithL2(Backend b) throws Throwable {
        run(b, ps -> new Adam(ps, 0.01f, 0.1f, b), new double[] {0.9900000002, 0.9860115862, 0.9804955266},
                new double[] {1.99, 1.9880850199, 1.9846107431});
    }

    @ParameterizedTest @MethodSource("backends")
    void adamW(Backend b) throws Throwable {
        run(b, ps -> new AdamW(ps, 0.01f, 0.1f, b), new double[] {0.989, 0.986096020, 0.981635647}, null);
    }

    /** Saving the state after step 1 and restoring it into a fresh optimizer continues exactly. */
    @ParameterizedTest @MethodSource("backends")
    void stateRoundTripContinuesTheRun(Backend b) throws Throwable {
        for (Function<List<Parameter>, Optimizer> make : List.<Function<List<Parameter>, Optimizer>>of(
                ps -> new Sgd(ps, 0.1f, b).momentum(0.9f).nesterov(true), ps -> new AdamW(ps, 0.01f, 0.1f, b))) {
            TestBackends.run(() -> {
                Parameter a = new Parameter("w", Tensor.wrap(new float[] {1f, -1f}, 2), true);
                Optimizer o1 = make.apply(List.of(a));
                a.grad().fill(0.5f);
                o1.step();
                Map<String, Tensor> saved = Map.copyOf(copy(o1.state()));
                Parameter a2 = new Parameter("w", a.value().copy(), true);
                Optimizer o2 = make.apply(List.of(a2));
                o2.loadState(saved, o1.steps());
                for (Parameter p : List.of(a, a2)) p.grad().fill(-0.3f);
                o1.step();
                o2.step();
                assertEquals(a.value().get(0), a2.value().get(0));
                assertEquals(a.value().get(1), a2.value().get(1));
                assertEquals(2, o2.steps());
            });
        }
    }

    private static Map<String, Tensor> copy(Map<String, Tensor> m) {
        Map<String, Tensor> c = new java.util.LinkedHashMap<>();
        m.forEach((k, v) -> c.put(k, v.copy()));
        return c;
    }

    @ParameterizedTest @MethodSource("backends")
    void stateWithTheWrongShapeIsRejected(Backend b) {
        Parameter a = new Parameter("w", Tensor.zeros(3), true);
        Sgd o = new Sgd(List.of(a), 0.1f, b).momentum(0.9f);
        var e = assertThrows(IllegalArgumentException.class,
                () -> o.loadState(Map.of("w.momentum_buffer", Tensor.zeros(4)), 1));
        assertTrue(e.getMessage().contains("w.momentum_buffer") && e.getMessage().contains("[4]")
                && e.getMessage().contains("[3]"), e.getMessage());
    }

    @ParameterizedTest @MethodSource("backends")
    void badHyperParametersAreRejected(Backend b) {
        List<Parameter> ps = List.of(new Parameter("w", Tensor.zeros(1), true));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(ps, -1f, b));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(ps, 0.1f, b).momentum(1.5f));
        assertThrows(IllegalStateException.class, () -> new Sgd(ps, 0.1f, b).nesterov(true).step());
        assertThrows(IllegalArgumentException.class, () -> new Adam(ps, 0.1f, 0f, b).betas(1f, 0.9f, 1e-8f));
    }

    @ParameterizedTest @MethodSource("backends")
    void clipByGlobalNorm(Backend b) throws Throwable {
        TestBackends.run(() -> {
            Parameter p = new Parameter("a", Tensor.zeros(2), true), q = new Parameter("b", Tensor.zeros(1), false);
            p.grad().set(3f, 0);
            p.grad().set(0f, 1);
            q.grad().set(4f, 0);
            double norm = GradClip.clipByGlobalNorm(List.of(p, q), 1.0, b);
            assertEquals(5.0, norm, 1e-9);
            assertEquals(0.6, p.grad().get(0), 1e-5);
            assertEquals(0.8, q.grad().get(0), 1e-5);
            assertEquals(1.0, GradClip.globalNorm(List.of(p, q), b), 1e-5);
            // below the threshold: untouched
            assertEquals(1.0, GradClip.clipByGlobalNorm(List.of(p, q), 2.0, b), 1e-5);
            assertEquals(0.6, p.grad().get(0), 1e-5);
        });
    }
}
