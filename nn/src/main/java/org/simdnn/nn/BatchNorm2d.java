package org.simdnn.nn;

/** Batch norm over NHWC {@code [batch, H, W, channels]} inputs; see {@link BatchNorm}. */
public final class BatchNorm2d extends BatchNorm {

    public BatchNorm2d(int channels) { super(channels, null); }

    private BatchNorm2d(BatchNorm2d shareFrom) { super(shareFrom.channels, shareFrom); }

    @Override int rank() { return 4; }

    /** Fuses ReLU into the batch-norm pass (output max(0, bn(x)), gradient masked). Returns this. */
    public BatchNorm2d withRelu() {
        configure(epsilon, momentum, true);
        return this;
    }

    /** Sets epsilon (default 1e-5) and momentum (default 0.1, PyTorch's convention). Returns this. */
    public BatchNorm2d with(float epsilon, float momentum) {
        configure(epsilon, momentum, fusedRelu);
        return this;
    }

    @Override
    public BatchNorm2d shareWeights() { return sharedCopy(new BatchNorm2d(this)); }
}
