package org.simdnn.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.simdnn.tensor.Tensor;

/**
 * Misuse of the inference API that used to give silent wrong answers: a NaN/Inf row classified as class 0,
 * and one session shared by two threads (402 of 580 results wrong in a probe).
 */
class InferenceMisuseTest {

    private static Sequential model() {
        return new Sequential(new Linear(4, 3)).initialize(3);
    }

    private static Tensor rows(float... v) { return Tensor.wrap(v, v.length / 4, 4); }

    @Test
    void predictorRefusesNaNNamingRowAndPosition() {
        Predictor p = new Predictor(model());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> p.classify(rows(1, 2, 3, 4, 5, 6, Float.NaN, 8)));
        assertTrue(e.getMessage().contains("row 1 has NaN at position 2"), e.getMessage());
        IllegalArgumentException inf = assertThrows(IllegalArgumentException.class,
                () -> p.predict(rows(Float.NEGATIVE_INFINITY, 2, 3, 4)));
        assertTrue(inf.getMessage().contains("row 0 has -Infinity at position 0"), inf.getMessage());
    }

    @Test
    void imageInputsNameThePixel() {
        Predictor p = new Predictor(new Sequential(new Flatten(), new Linear(2 * 2 * 3, 2)).initialize(1));
        float[] x = new float[2 * 2 * 2 * 3];
        x[12 + 2 * 3 + 1] = Float.POSITIVE_INFINITY; // image 1, h 1, w 0, c 1
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> p.classify(Tensor.wrap(x, 0, org.simdnn.tensor.Layout.NHWC, 2, 2, 2, 3)));
        assertTrue(e.getMessage().contains("row 1 has Infinity at position [1, 0, 1]"), e.getMessage());
    }

    @Test
    void aNaNRowNeverGetsAClassEvenWithoutTheInputCheck() {
        Predictor p = Predictor.assumingFiniteInputs(model());
        ArithmeticException e = assertThrows(ArithmeticException.class,
                () -> p.classify(rows(1, 2, 3, 4, Float.NaN, 0, 0, 0)));
        assertTrue(e.getMessage().contains("output row 1 is NaN"), e.getMessage());
        assertEquals(1, p.classify(rows(1, 2, 3, 4)).length);
    }

    @Test
    void finiteInputsClassifyAsBefore() {
        Sequential m = model();
        Tensor x = rows(1, -2, 3, 0.5f, 0, 0, 0, 0);
        assertEquals(java.util.Arrays.toString(new InferenceSession(m).classify(x)),
                java.util.Arrays.toString(new Predictor(m).classify(x)));
    }

    @Test
    void sharedSessionUsedByTwoThreadsAtOnceThrowsNamingTheFix() throws Exception {
        CountDownLatch entered = new CountDownLatch(1), release = new CountDownLatch(1);
        InferenceSession s = new InferenceSession(new Gate(entered, release));
        Tensor x = rows(1, 2, 3, 4);
        CompletableFuture<Tensor> first = CompletableFuture.supplyAsync(() -> s.predict(x));
        assertTrue(entered.await(30, TimeUnit.SECONDS));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.predict(x));
        assertTrue(e.getMessage().contains("two threads") && e.getMessage().contains("Predictor")
                && e.getMessage().contains("one InferenceSession per thread"), e.getMessage());
        release.countDown();
        assertEquals(4, first.get(30, TimeUnit.SECONDS).size());
        assertEquals(4, s.predict(x).size(), "sequential use from another thread stays legal");
    }

    /** Passes x through, but the first call waits inside forward until released. */
    private static final class Gate extends AbstractModule {
        private final CountDownLatch entered, release;

        Gate(CountDownLatch entered, CountDownLatch release) { this.entered = entered; this.release = release; }

        @Override
        public Tensor forward(Tensor x, boolean training) {
            if (entered.getCount() > 0) {
                entered.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return x;
        }

        @Override public Tensor backward(Tensor dy) { return dy; }
        @Override public int[] outputShape(int[] s) { return s; }
        @Override public Map<String, Object> config() { return Map.of("type", "Gate"); }
        @Override public Gate shareWeights() { return sharedCopy(new Gate(entered, release)); }
        @Override public String name() { return "Gate"; }
    }
}
