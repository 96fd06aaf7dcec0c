package org.simdnn.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.simdnn.ops.Backend;
import org.simdnn.tensor.Tensor;

/** Many threads predicting at once through one Predictor give exactly the single-threaded results. */
class InferenceTest {
    static Stream<Backend> backends() { return TestBackends.all(); }

    @ParameterizedTest @MethodSource("backends")
    void concurrentPredictIsIdenticalToSequential(Backend b) throws Throwable {
        TestBackends.run(() -> {
            Sequential net = new Sequential(new Conv2d(1, 4, 3, 1, 1), new BatchNorm2d(4).withRelu(), new MaxPool2d(2),
                    new Dropout(0.5f), new Flatten(), new Linear(64, 10)).initialize(5);
            net.useBackend(b);
            // a few training steps so the BN running stats are not the defaults
            for (int i = 0; i < 3; i++) net.forward(GradCheck.random(i, 4, 8, 8, 1), true);
            int inputs = 24;
            List<Tensor> xs = new ArrayList<>();
            List<float[]> expected = new ArrayList<>();
            InferenceSession single = new InferenceSession(net);
            for (int i = 0; i < inputs; i++) {
                Tensor x = GradCheck.random(100 + i, 1 + i % 3, 8, 8, 1); // batch sizes 1..3 -> buffers re-sized
                xs.add(x);
                expected.add(single.predict(x).toArray());
            }
            Predictor p = new Predictor(net);
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                List<Future<?>> fs = new ArrayList<>();
                for (int t = 0; t < 6; t++) {
                    int tt = t;
                    fs.add(pool.submit(() -> {
                        for (int rep = 0; rep < 20; rep++) {
                            int i = (rep * 7 + tt * 5) % inputs;
                            assertArrayEquals(expected.get(i), p.predict(xs.get(i)), "input " + i);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : fs) f.get();
            } finally {
                pool.shutdown();
            }
            assertEquals(10, expected.get(0).length);
        });
    }
}
