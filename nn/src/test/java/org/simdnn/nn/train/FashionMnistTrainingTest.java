package org.simdnn.nn.train;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.simdnn.nn.data.Augmentation;
import org.simdnn.nn.data.BatchLoader;
import org.simdnn.nn.data.DataSplit;
import org.simdnn.nn.data.Dataset;
import org.simdnn.nn.data.Normalization;
import org.simdnn.ops.Backend;
import org.simdnn.ops.Backends;

/**
 * Integration: the reference CNN, 1 epoch (warm-up + cosine inside it) over the first 5,000 training images
 * of the real Fashion-MNIST, must classify the first 1,000 test images with accuracy ≥ 0.70 (the floor is
 * set below what the run reaches — see docs/training.md — so thread count and vector width do not make it
 * flaky; chance is 0.10). Skipped, with the reason, when the Debian package is not installed.
 */
class FashionMnistTrainingTest {
    static final double CNN_FLOOR = 0.70;

    @Test
    void cnnOn5000ImagesBeatsTheFloor() throws Throwable {
        assumeTrue(DataSplit.present(DataSplit.FASHION_MNIST_DIR),
                "Fashion-MNIST not installed in " + DataSplit.FASHION_MNIST_DIR + " (apt-get install dataset-fashion-mnist)");
        DataSplit s = DataSplit.load(DataSplit.FASHION_MNIST_DIR);
        Dataset train = s.train().subset(0, 5000), test = s.test().subset(0, 1000);
        TrainTestSupport.withBackendOps(() -> {
            // lr 0.05 (the PyTorch reference's): the default 0.15 is tuned for 10 full epochs; in 40 steps it
            // measured 0.691, 0.05 measured 0.772. The floor checks the pipeline, not the recipe.
            TrainConfig c = TrainConfig.forModel("cnn", 1, 42).withLr(0.05f);
            try (BatchLoader l = new BatchLoader(train, c.batchSize(), true, 42, Augmentation.NONE, Normalization.FASHION_MNIST, true);
                 BatchLoader t = new BatchLoader(test, 500, false, 0, Augmentation.NONE, Normalization.FASHION_MNIST, true)) {
                SgdTrainer trainer = new SgdTrainer(Models.cnn(42), c, l.batchesPerEpoch());
                EpochStats e = trainer.epoch(l, t, ProgressListener.NONE);
                System.out.println("cnn, 5000 images, 1 epoch: " + e.line(1));
                assertTrue(e.testAccuracy() >= CNN_FLOOR, "test accuracy " + e.testAccuracy() + " < floor " + CNN_FLOOR);
            }
        });
    }

    @Test
    void mlpOn5000ImagesBeatsTheFloor() throws Throwable {
        Backend backend = Backends.get();
        assumeTrue(DataSplit.present(DataSplit.FASHION_MNIST_DIR),
                "Fashion-MNIST not installed in " + DataSplit.FASHION_MNIST_DIR + " (apt-get install dataset-fashion-mnist)");
        DataSplit s = DataSplit.load(DataSplit.FASHION_MNIST_DIR);
        Dataset train = s.train().subset(0, 5000), test = s.test().subset(0, 1000);
        TrainTestSupport.withBackendOps(() -> {
            TrainConfig c = TrainConfig.forModel("mlp", 1, 42);
            try (BatchLoader l = new BatchLoader(train, c.batchSize(), true, 42, Augmentation.NONE, Normalization.FASHION_MNIST, true);
                 BatchLoader t = new BatchLoader(test, 500, false, 0, Augmentation.NONE, Normalization.FASHION_MNIST, true)) {
                SgdTrainer trainer = new SgdTrainer(Models.mlp(42), c, l.batchesPerEpoch(), backend);
                EpochStats e = trainer.epoch(l, t, ProgressListener.NONE);
                System.out.println("mlp on " + backend.name() + ", 5000 images, 1 epoch: " + e.line(1));
                assertTrue(e.testAccuracy() >= 0.72, "test accuracy " + e.testAccuracy() + " < floor 0.72");
            }
        });
    }
}
