package org.simdnn.spark;

import java.io.Serializable;

/**
 * What the partitions send back from a round, summed by {@code treeAggregate}: the weighted gradients
 * (synchronous SGD) or weighted parameters and optimizer state (local SGD), the weighted batch-norm statistics,
 * the dropout counters (all partitions advance them alike: the largest wins), and the loss over the rows seen.
 * Each partition pre-scales by its share of the round's rows, so the sum is the average; a partition that holds the
 * whole round sends its arrays unscaled and the empty start of the sum takes them as they are, which keeps one
 * partition bit-exact.
 */
final class ShardResult implements Serializable {
    private static final long serialVersionUID = 1L;
    NamedArrays values, buffers, optimizerState;
    long[] dropoutSteps;
    double lossSum;
    long rows;

    static ShardResult empty() { return new ShardResult(); }

    /** Adds {@code o} into this (or returns {@code o} when this holds nothing yet). */
    ShardResult merge(ShardResult o) {
        if (o.rows == 0) return this;
        if (rows == 0) return o;
        values.add(o.values);
        buffers.add(o.buffers);
        if (optimizerState != null) optimizerState.add(o.optimizerState);
        for (int i = 0; i < dropoutSteps.length; i++) dropoutSteps[i] = Math.max(dropoutSteps[i], o.dropoutSteps[i]);
        lossSum += o.lossSum;
        rows += o.rows;
        return this;
    }
}
