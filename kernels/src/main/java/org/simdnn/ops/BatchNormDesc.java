package org.simdnn.ops;

/**
 * Batch normalisation over {@code rows x channels} (NHWC flattened: rows = N*H*W; or [N, C] for 1-d).
 * Training uses the batch statistics (biased variance for normalising, unbiased for the running
 * estimate, as PyTorch does) and updates {@code running = (1 - momentum) * running + momentum * batch}.
 * {@code fusedRelu} applies ReLU to the output in the same pass (and masks the gradient in backward).
 */
public record BatchNormDesc(int rows, int channels, float epsilon, float momentum, boolean fusedRelu) {
    public BatchNormDesc {
        if (rows < 1 || channels < 1) {
            throw new IllegalArgumentException("batch norm needs rows >= 1 and channels >= 1, got " + rows + "x" + channels);
        }
        if (!(epsilon > 0) || !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("batch norm epsilon must be > 0 and momentum in [0, 1], got eps "
                    + epsilon + ", momentum " + momentum);
        }
    }
}
