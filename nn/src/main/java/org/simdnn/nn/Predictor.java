package org.simdnn.nn;

import org.simdnn.tensor.Tensor;

/**
 * Thread-safe inference over one trained model: each calling thread lazily gets its own {@link InferenceSession}
 * (held by this predictor's ThreadLocal — no global state), and results are returned as fresh arrays so they
 * can be kept. Batch-1 latency is one forward pass over reused buffers.
 */
public final class Predictor {
    private final Module model;
    private final ThreadLocal<InferenceSession> sessions;

    public Predictor(Module trained) {
        this.model = trained;
        this.sessions = ThreadLocal.withInitial(() -> new InferenceSession(model));
    }

    /** The output for {@code x} as a new row-major array. */
    public float[] predict(Tensor x) { return sessions.get().predict(x).toArray(); }

    /** The argmax class of each row of the output. */
    public int[] classify(Tensor x) { return sessions.get().classify(x); }

    /** This thread's session (for callers that want to avoid the output copy). */
    public InferenceSession session() { return sessions.get(); }
}
