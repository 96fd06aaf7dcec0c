package org.simdnn.nn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.simdnn.nn.BatchNorm1d;
import org.simdnn.nn.Linear;
import org.simdnn.nn.Sequential;
import org.simdnn.nn.TestBackends;
import org.simdnn.ops.Backend;
import org.simdnn.tensor.Tensor;

/** The average against a plain double loop of WeightEma's Javadoc formula, on every test backend. */
class WeightEmaTest {
    static List<Backend> backends() { return TestBackends.list(); }

    /** Every weight of the model (parameters, then buffers), in WeightEma's order. */
    private static List<Tensor> tensors(Sequential m) {
        List<Tensor> t = new ArrayList<>();
        m.parameters().forEach(p -> t.add(p.value()));
        t.addAll(m.buffers().values());
        return t;
    }

    private static Sequential model(Backend b) {
        Sequential m = new Sequential(new Linear(3, 4), new BatchNorm1d(4), new Linear(4, 2)).initialize(5);
        m.useBackend(b);
        return m;
    }

    @ParameterizedTest
    @MethodSource("backends")
    void averageFollowsTheFormula(Backend backend) throws Throwable {
        TestBackends.run(() -> {
            Sequential m = model(backend);
            List<Tensor> w = tensors(m);
            WeightEma ema = new WeightEma(m, 0.9f, backend);
            SplittableRandom rng = new SplittableRandom(3);
            List<double[]> ref = new ArrayList<>();
            for (Tensor t : w) ref.add(new double[t.size()]);
            for (int t = 0; t < 40; t++) {
                for (Tensor x : w) for (int i = 0; i < x.size(); i++) x.data()[x.offset() + i] = (float) rng.nextDouble(-2, 2);
                double d = t == 0 ? 0 : Math.min(0.9, (1.0 + t) / (10.0 + t));
                assertEquals(d, ema.currentDecay(), 1e-7, "decay before update " + t);
                for (int k = 0; k < w.size(); k++) {
                    double[] r = ref.get(k);
                    Tensor x = w.get(k);
                    for (int i = 0; i < r.length; i++) r[i] = d * r[i] + (1 - d) * x.data()[x.offset() + i];
                }
                ema.update();
            }
            assertEquals(40, ema.updates());
            List<float[]> trained = new ArrayList<>();
            for (Tensor x : w) trained.add(x.toArray());
            assertTrue(ema.swap());
            for (int k = 0; k < w.size(); k++) {
                double[] r = ref.get(k);
                float[] got = w.get(k).toArray();
                for (int i = 0; i < r.length; i++) assertEquals(r[i], got[i], 1e-5 * (1 + Math.abs(r[i])), "tensor " + k + "[" + i + "]");
            }
            assertThrows(IllegalStateException.class, ema::update, "no update while swapped");
            assertTrue(!ema.swap());
            for (int k = 0; k < w.size(); k++) assertArrayEquals(trained.get(k), w.get(k).toArray(), "swap back restores the bits");
        });
    }

    @ParameterizedTest
    @MethodSource("backends")
    void stateRoundTrip(Backend backend) throws Throwable {
        TestBackends.run(() -> {
            Sequential m = model(backend);
            WeightEma a = new WeightEma(m, 0.99f, backend);
            for (int t = 0; t < 3; t++) {
                m.parameters().get(0).value().fill(t);
                a.update();
            }
            Map<String, Tensor> state = a.state();
            assertTrue(state.containsKey("0.weight") && state.containsKey("1.running_mean") && state.containsKey(WeightEma.UPDATES),
                    state.keySet().toString());
            WeightEma b = new WeightEma(m, 0.99f, backend);
            b.loadState(state);
            assertEquals(3, b.updates());
            assertEquals(a.currentDecay(), b.currentDecay());
            b.swap();
            // 0, then d = 2/11: (2/11) * 0 + (9/11) * 1, then d = 3/12: 0.25 * 9/11 + 0.75 * 2
            double expected = 0.25 * (9.0 / 11) + 0.75 * 2;
            assertEquals(expected, m.parameters().get(0).value().get(0, 0), 1e-6);
            b.swap();
            WeightEma fresh = new WeightEma(m, 0.99f, backend);
            fresh.loadState(Map.of());
            assertEquals(0, fresh.updates(), "no saved average: start afresh");
            assertThrows(IllegalStateException.class, fresh::swap);
        });
    }

    @ParameterizedTest
    @MethodSource("backends")
    void badDecayIsRefusedByValue(Backend backend) {
        Sequential m = model(backend);
        var e = assertThrows(IllegalArgumentException.class, () -> new WeightEma(m, 1f, backend));
        assertTrue(e.getMessage().contains("1.0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new WeightEma(m, -0.5f, backend));
    }
}
