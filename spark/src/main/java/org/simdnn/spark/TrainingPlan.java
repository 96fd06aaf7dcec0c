package org.simdnn.spark;

import java.io.Serializable;
import org.simdnn.nn.data.BatchLoader;
import org.simdnn.nn.train.TrainConfig;

/**
 * What every task of a training run shares, broadcast once: the recipe, the initial model file (architecture and
 * weights), the partitions' sizes and the batching rule.
 *
 * <p>Batching: partition p, holding n_p of the N rows, takes {@code b_p = ceil(B · n_p / N)} rows per step
 * (B = the recipe's batch size), in the order {@link BatchLoader#epochOrder} gives its rows for the epoch; the
 * global batch of step t is the union of the partitions' step-t batches, and an epoch has as many steps as the
 * partition that needs the most. With one partition this is exactly {@link BatchLoader}'s sequence of batches for
 * the same seed, which is what makes a 1-partition run reproduce nn's {@code Trainer} bit for bit.
 *
 * @param averageEvery 0 for synchronous SGD (gradients summed every step); K &gt; 0 for local SGD, each partition
 *                     stepping on its own for K steps between parameter averages
 */
record TrainingPlan(String runId, TrainConfig config, ModelBytes initial, int[] sampleShape, int[] partitionSizes,
                    boolean shuffle, int averageEvery, OptimizerFactory optimizer) implements Serializable {
    TrainingPlan {
        if (partitionSizes.length == 0) throw new IllegalArgumentException("no partitions to train on");
        if (averageEvery < 0) throw new IllegalArgumentException("averaging interval must be >= 0, got " + averageEvery);
        if (totalRows(partitionSizes) == 0) throw new IllegalArgumentException("the training DataFrame is empty");
    }

    private static long totalRows(int[] sizes) {
        long n = 0;
        for (int s : sizes) n += s;
        return n;
    }

    long rows() { return totalRows(partitionSizes); }

    /** Rows partition {@code p} contributes to each step (its share of the batch size, rounded up). */
    int localBatch(int p) {
        return (int) Math.max(1, Math.min(partitionSizes[p], -Math.floorDiv(-(long) config.batchSize() * partitionSizes[p], rows())));
    }

    /** Steps per epoch: as many as the partition that needs the most. */
    int stepsPerEpoch() {
        int s = 0;
        for (int p = 0; p < partitionSizes.length; p++) {
            if (partitionSizes[p] > 0) s = Math.max(s, (partitionSizes[p] + localBatch(p) - 1) / localBatch(p));
        }
        return s;
    }

    /** First row (in the epoch's order) of partition p's batch at step t of an epoch. */
    int batchStart(int p, int t) { return (int) Math.min(partitionSizes[p], (long) t * localBatch(p)); }

    /** Rows of partition p's batch at step t of an epoch (0 once the partition has run out). */
    int batchRows(int p, int t) { return batchStart(p, t + 1) - batchStart(p, t); }

    /** Rows of the global batch at step t of an epoch. */
    long globalBatch(int t) {
        long n = 0;
        for (int p = 0; p < partitionSizes.length; p++) n += batchRows(p, t);
        return n;
    }

    /** The shuffle seed of partition p: the recipe's seed itself for partition 0, so one partition is BatchLoader. */
    long seed(int p) { return config.seed() + p * 0x9E3779B97F4A7C15L; }
}
