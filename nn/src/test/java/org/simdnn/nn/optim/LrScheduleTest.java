package org.simdnn.nn.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Schedule values at chosen steps, computed by hand from the formulas in LrSchedule's Javadoc. */
class LrScheduleTest {
    private static final double TOL = 1e-12;

    @Test
    void constant() {
        LrSchedule s = LrSchedule.constant(0.1);
        assertEquals(0.1, s.lr(0), TOL);
        assertEquals(0.1, s.lr(1_000_000), TOL);
    }

    @Test
    void stepDecay() {
        LrSchedule s = LrSchedule.step(1.0, 10, 0.1);
        assertEquals(1.0, s.lr(0), TOL);
        assertEquals(1.0, s.lr(9), TOL);
        assertEquals(0.1, s.lr(10), TOL);
        assertEquals(0.01, s.lr(25), TOL);
    }

    @Test
    void cosine() {
        LrSchedule s = LrSchedule.cosine(1.0, 100, 0.0);
        assertEquals(1.0, s.lr(0), TOL);
        assertEquals(0.5, s.lr(50), TOL);
        assertEquals((1 + Math.cos(Math.PI / 4)) / 2, s.lr(25), TOL);
        assertEquals(0.0, s.lr(100), TOL);
        assertEquals(0.0, s.lr(150), TOL, "flat after the end");
        assertEquals(0.1 + 0.9 * 0.5, LrSchedule.cosine(1.0, 100, 0.1).lr(50), TOL);
    }

    @Test
    void warmupThenCosine() {
        LrSchedule s = LrSchedule.warmupCosine(0.05, 10, 110, 0.0);
        assertEquals(0.005, s.lr(0), TOL);   // 0.05 * 1/10
        assertEquals(0.025, s.lr(4), TOL);   // 0.05 * 5/10
        assertEquals(0.05, s.lr(9), TOL);
        assertEquals(0.05, s.lr(10), TOL);   // cosine step 0
        assertEquals(0.025, s.lr(60), TOL);  // cosine step 50 of 100
        assertEquals(0.0, s.lr(110), TOL);
        assertEquals(0.3, LrSchedule.warmup(3, LrSchedule.constant(0.9)).lr(0), TOL);
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.warmupCosine(0.1, 10, 10, 0));
    }

    @Test
    void warmupThenLinear() {
        LrSchedule s = LrSchedule.warmupLinear(0.2, 10, 110, 0.0);
        for (long step = 0; step <= 130; step++) {
            // plain reference: rise (step + 1) / 10 of the peak, then fall in a straight line over 100 steps
            double expected = step < 10 ? 0.2 * (step + 1) / 10 : 0.2 * (1 - Math.min(step - 10, 100) / 100.0);
            assertEquals(expected, s.lr(step), TOL, "step " + step);
        }
        assertEquals(0.1, s.lr(60), TOL);
        assertEquals(0.02 + 0.18 * 0.5, LrSchedule.warmupLinear(0.2, 10, 110, 0.02).lr(60), TOL);
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.warmupLinear(0.1, 10, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.warmupLinear(-0.1, 1, 10, 0));
    }

    @Test
    void oneCycleMatchesPyTorchsShape() {
        LrSchedule s = LrSchedule.oneCycle(1.0, 100);
        assertEquals(0.04, s.lr(0), TOL);                 // max / div_factor 25
        assertEquals(1.0, s.lr(29), TOL);                 // peak at pct_start * total - 1
        assertEquals(0.04 / 1e4, s.lr(99), TOL);          // initial / final_div_factor at the last step
        assertEquals(1.0 + (0.04 - 1.0) / 2 * (Math.cos(Math.PI * 14 / 29.0) + 1), s.lr(14), TOL); // rising
        double r = (64 - 29) / 70.0;
        assertEquals(4e-6 + (1.0 - 4e-6) / 2 * (Math.cos(Math.PI * r) + 1), s.lr(64), TOL);
        assertEquals(s.lr(99), s.lr(500), TOL);
    }

    @Test
    void optimizerStepUsesTheScheduleAtItsStepCount() throws Throwable {
        var p = new org.simdnn.nn.Parameter("w", org.simdnn.tensor.Tensor.zeros(1), true);
        Sgd sgd = new Sgd(java.util.List.of(p), 1f, new org.simdnn.nn.RefBackend());
        LrSchedule s = LrSchedule.step(1.0, 1, 0.5);
        p.grad().fill(1f);
        sgd.step(s);
        assertEquals(1.0f, sgd.lr());
        sgd.step(s);
        assertEquals(0.5f, sgd.lr());
        assertEquals(-1.5f, p.value().get(0));
    }
}
