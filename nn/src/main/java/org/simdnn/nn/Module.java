package org.simdnn.nn;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.simdnn.ops.Backend;
import org.simdnn.tensor.Tensor;

/**
 * A layer or a model. {@link #forward} returns a tensor the module owns (a buffer reused by the next call
 * with the same input shape: copy it if you need to keep it) and caches what {@link #backward} needs; the
 * caller must not modify the input between forward and backward. {@link #backward} takes dL/dy and returns
 * dL/dx (again an owned buffer), overwriting the parameters' gradients.
 *
 * <p>A module instance is <em>not</em> thread-safe: it owns its activation buffers. For inference from several
 * threads give each thread an {@link InferenceSession} (a copy over the same weights).
 */
public interface Module {

    /** y = f(x); {@code training} selects batch statistics / dropout masks (true) or inference behaviour. */
    Tensor forward(Tensor x, boolean training);

    /**
     * Inference: {@link #forward(Tensor, boolean)} with {@code training = false}, whatever the module's mode, so
     * batch norm uses (and never updates) its running statistics and dropout is off. A training pass is always
     * the explicit {@code forward(x, true)}.
     */
    default Tensor forward(Tensor x) { return forward(x, false); }

    /** dL/dx given dL/dy for the last training forward; writes the parameters' gradients. */
    Tensor backward(Tensor dy);

    /** The trainable parameters, in a fixed order (the optimizer's and the file's order). */
    default List<Parameter> parameters() { return List.of(); }

    /** Non-trainable state saved with the model (batch-norm running statistics), by name. */
    default Map<String, Tensor> buffers() { return Map.of(); }

    /** Output shape for an input shape; an IllegalArgumentException naming this layer and both shapes. */
    int[] outputShape(int[] inputShape);

    /** Type and hyper-parameters (JSON-friendly values), enough for {@code org.simdnn.nn.io} to rebuild it. */
    Map<String, Object> config();

    /** A new module over the same (read-only) parameter and buffer tensors, with its own activation buffers. */
    Module shareWeights();

    /** Re-initialises the parameters from {@code rng} (bit-reproducible for a given seed). */
    default void initialize(SplittableRandom rng) {}

    /** Runs this module's math on {@code backend} (default: {@code Backends.get()}). */
    void useBackend(Backend backend);

    void train();

    void eval();

    boolean isTraining();

    /** Short description with the hyper-parameters, e.g. {@code Linear(784->256)}. */
    String name();
}
