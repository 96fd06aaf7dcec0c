package org.simdnn.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.simdnn.nn.Parameter;
import org.simdnn.nn.Sequential;
import org.simdnn.nn.data.Augmentation;
import org.simdnn.nn.data.BatchLoader;
import org.simdnn.nn.data.DataSplit;
import org.simdnn.nn.data.Normalization;
import org.simdnn.nn.train.Models;
import org.simdnn.nn.train.ProgressListener;
import org.simdnn.nn.train.TrainConfig;
import org.simdnn.nn.train.SgdTrainer;
import org.simdnn.nn.train.Trainer;

/**
 * Data-parallel training against nn's single-machine {@link Trainer} on Fashion-MNIST subsets (skipped, with
 * the reason, when Debian's dataset-fashion-mnist is not installed).
 */
class DataParallelTrainerTest {
    private static final long SEED = 42;
    private final SparkSession spark = SparkTests.session();

    @BeforeAll
    static void needsData() {
        assumeTrue(FashionMnistFrames.present(), "Fashion-MNIST not installed in " + DataSplit.FASHION_MNIST_DIR
                + " (apt-get install dataset-fashion-mnist)");
    }

    /** nn's Trainer over BatchLoader's shuffled batches: the single-machine reference. */
    private static Sequential trainLocally(org.simdnn.nn.data.Dataset train, TrainConfig cfg) {
        Sequential model = Models.mlp(SEED);
        try (BatchLoader loader = new BatchLoader(train, cfg.batchSize(), true, cfg.seed(), Augmentation.NONE,
                Normalization.FASHION_MNIST, false)) {
            SgdTrainer t = new SgdTrainer(model, cfg, loader.batchesPerEpoch());
            for (int e = 0; e < cfg.epochs(); e++) t.trainEpoch(loader, ProgressListener.NONE);
        }
        return model;
    }

    private static void assertSameBits(Sequential want, Sequential got) {
        List<Parameter> a = want.parameters(), b = got.parameters();
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            float[] x = a.get(i).value().toArray(), y = b.get(i).value().toArray();
            int[] xb = new int[x.length], yb = new int[y.length];
            for (int j = 0; j < x.length; j++) {
                xb[j] = Float.floatToRawIntBits(x[j]);
                yb[j] = Float.floatToRawIntBits(y[j]);
            }
            assertArrayEquals(xb, yb, "parameter " + a.get(i).name());
        }
    }

    private static double accuracy(Sequential model, org.simdnn.nn.data.Dataset test) {
        try (BatchLoader loader = new BatchLoader(test, 500, false, 0, Augmentation.NONE, Normalization.FASHION_MNIST, false)) {
            return Trainer.accuracy(model, loader);
        }
    }

    @Test
    void onePartitionReproducesTheSingleMachineTrainerBitForBit() throws IOException {
        org.simdnn.nn.data.Dataset train = FashionMnistFrames.split().train().subset(0, 1000);
        // 1000 is not a multiple of 128: the last batch of each epoch is short, as in BatchLoader.
        TrainConfig cfg = TrainConfig.forModel("mlp", 2, SEED);
        Sequential want = trainLocally(train, cfg);
        Dataset<Row> df = FashionMnistFrames.frame(spark, train, 1);

        Sequential sync = new DataParallelTrainer(cfg).inputShape(28, 28, 1).fit(Models.mlp(SEED), df);
        assertSameBits(want, sync);
        // Local SGD on one partition takes the same steps, only averaging (a no-op) every 3 of them.
        Sequential local = new DataParallelTrainer(cfg).averageEvery(3).fit(Models.mlp(SEED), df);
        assertSameBits(want, local);
    }

    @Test
    void fourPartitionsReachTheSingleMachineAccuracy() throws IOException {
        DataSplit split = FashionMnistFrames.split();
        org.simdnn.nn.data.Dataset train = split.train().subset(0, 4000);
        TrainConfig cfg = TrainConfig.forModel("mlp", 2, SEED);
        double single = accuracy(trainLocally(train, cfg), split.test());
        DataParallelTrainer t = new DataParallelTrainer(cfg);
        double four = accuracy(t.fit(Models.mlp(SEED), FashionMnistFrames.frame(spark, train, 4)), split.test());
        assertEquals(2, t.history().size());
        assertTrue(t.history().get(1).loss() < t.history().get(0).loss(), t.history().toString());
        assertTrue(single > 0.75, "single-machine accuracy " + single);
        assertEquals(single, four, 0.005, "4 partitions " + four + " vs 1 machine " + single);
    }
}
