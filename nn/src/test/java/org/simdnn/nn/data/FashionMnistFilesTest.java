package org.simdnn.nn.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The real files from Debian's dataset-fashion-mnist (skipped, with the reason, when not installed). */
class FashionMnistFilesTest {
    @Test
    void readsTheRealFilesAndTheirStatistics() throws IOException {
        assumeTrue(DataSplit.present(DataSplit.FASHION_MNIST_DIR),
                "Fashion-MNIST not installed in " + DataSplit.FASHION_MNIST_DIR + " (apt-get install dataset-fashion-mnist)");
        DataSplit s = DataSplit.load(DataSplit.FASHION_MNIST_DIR);
        assertEquals(60000, s.train().size());
        assertEquals(10000, s.test().size());
        assertEquals(28, s.train().height());
        int[] perClass = new int[10];
        for (int i = 0; i < 60000; i++) perClass[s.train().label(i)]++;
        for (int c : perClass) assertEquals(6000, c);
        Normalization n = Normalization.of(s.train());
        assertEquals(Normalization.FASHION_MNIST.mean(), n.mean(), 1e-4);
        assertEquals(Normalization.FASHION_MNIST.std(), n.std(), 1e-4);
    }
}
