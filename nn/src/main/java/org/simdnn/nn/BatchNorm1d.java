package org.simdnn.nn;

/** Batch norm over {@code [batch, channels]} inputs; see {@link BatchNorm}. */
public final class BatchNorm1d extends BatchNorm {

    public BatchNorm1d(int channels) { super(channels, null); }

    private BatchNorm1d(BatchNorm1d shareFrom) { super(shareFrom.channels, shareFrom); }

    @Override int rank() { return 2; }

    /** Fuses ReLU into the batch-norm pass (output max(0, bn(x)), gradient masked). Returns this. */
    public BatchNorm1d withRelu() {
        configure(epsilon, momentum, true);
        return this;
    }

    /** Sets epsilon (default 1e-5) and momentum (default 0.1, PyTorch's convention). Returns this. */
    public BatchNorm1d with(float epsilon, float momentum) {
        configure(epsilon, momentum, fusedRelu);
        return this;
    }

    @Override
    public BatchNorm1d shareWeights() { return sharedCopy(new BatchNorm1d(this)); }
}
