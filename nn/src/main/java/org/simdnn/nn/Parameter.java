package org.simdnn.nn;

import org.simdnn.tensor.Tensor;

/**
 * A trainable tensor and its gradient. {@link Module#backward} <em>overwrites</em> {@link #grad()} (it never
 * accumulates), so there is no zero-grad step. {@link #decay()} says whether weight decay applies: true for
 * weights, false for biases and batch-norm/PReLU parameters (the usual recipe).
 *
 * <p>The name is local ("weight") until the parameter is placed in a {@link Sequential}, which prefixes it
 * with the layer index ("3.weight"), as PyTorch's state dict does; that name is the safetensors key.
 */
public final class Parameter {
    private final String localName;
    private String name;
    private final Tensor value;
    private final Tensor grad;
    private final boolean decay;

    public Parameter(String name, Tensor value, boolean decay) {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("parameter needs a name");
        if (!value.isContiguous()) throw new IllegalArgumentException("parameter " + name + " must be contiguous");
        this.localName = name;
        this.name = name;
        this.value = value;
        this.grad = Tensor.zeros(value.layout(), value.shape());
        this.decay = decay;
    }

    /** Shares {@code value} (for a per-thread inference copy) with a fresh gradient. */
    Parameter sharing() {
        return new Parameter(localName, value, decay);
    }

    public String name() { return name; }
    public Tensor value() { return value; }
    public Tensor grad() { return grad; }
    public boolean decay() { return decay; }
    public int size() { return value.size(); }

    void prefixName(String prefix) { name = prefix + name; }

    @Override
    public String toString() { return "Parameter(" + name + " " + value.shapeString() + (decay ? "" : ", no decay") + ")"; }
}
