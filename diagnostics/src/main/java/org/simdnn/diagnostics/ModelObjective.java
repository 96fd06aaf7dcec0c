package org.simdnn.diagnostics;

import java.util.List;
import org.simdnn.nn.Parameter;
import org.simdnn.nn.Sequential;
import org.simdnn.nn.train.Models;
import org.simdnn.ops.Backend;
import org.simdnn.ops.Backends;
import org.simdnn.tensor.Tensor;

/**
 * The softmax cross-entropy of a classifier on one fixed batch, as a function of all its parameters (in
 * {@link Sequential#parameters()} order, flattened). The forward runs in training mode, as training sees the loss:
 * batch norm normalises with the batch's statistics (a deterministic function of θ and the batch); dropout layers
 * are put back at the same step before every evaluation, so they apply one fixed mask. The model's weights,
 * running statistics and dropout positions are restored by {@link #restore()}.
 */
public final class ModelObjective implements LossFunction {
    private final Sequential model;
    private final Tensor input;
    private final int[] labels;
    private final Backend backend;
    private final List<Parameter> params;
    private final int dimension;
    private final ModelState state;
    private Tensor dlogits;
    private long evaluations;

    /** {@code images} in the loader's NHWC form; flattened here if the model's first layer is dense. */
    public ModelObjective(Sequential model, Tensor images, int[] labels) {
        if (images.dim(0) != labels.length) {
            throw new IllegalArgumentException(images.dim(0) + " images but " + labels.length + " labels");
        }
        this.model = model;
        this.input = Models.input(model, images);
        this.labels = labels.clone();
        this.backend = Backends.get();
        model.useBackend(backend);
        this.params = model.parameters();
        long n = 0;
        for (Parameter p : params) n += p.size();
        if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("model has " + n + " parameters: too many for a double[]");
        this.dimension = (int) n;
        this.state = new ModelState(model);
    }

    public Sequential model() { return model; }

    @Override public int dimension() { return dimension; }

    /** Gradient evaluations so far. */
    public long evaluations() { return evaluations; }

    /** The model's current parameters, flattened. */
    public double[] parameters() {
        double[] theta = new double[dimension];
        int o = 0;
        for (Parameter p : params) {
            float[] d = p.value().contiguous().data();
            int off = p.value().isContiguous() ? p.value().offset() : 0;
            for (int i = 0; i < p.size(); i++) theta[o++] = d[off + i];
        }
        return theta;
    }

    /** Writes θ into the model's parameters (rounded to float). */
    public void set(double[] theta) {
        int o = 0;
        for (Parameter p : params) {
            Tensor v = p.value();
            float[] d = v.data();
            int off = v.offset();
            for (int i = 0; i < p.size(); i++) d[off + i] = (float) theta[o++];
        }
    }

    @Override
    public double gradient(double[] theta, double[] grad) {
        set(theta);
        state.restoreDropout();
        Tensor logits = model.forward(input, true);
        if (dlogits == null || !dlogits.sameShape(logits)) dlogits = Tensor.zeros(logits.shape());
        float loss = backend.softmaxCrossEntropy(logits, labels, 0f, dlogits);
        model.backward(dlogits);
        int o = 0;
        for (Parameter p : params) {
            Tensor g = p.grad();
            float[] d = g.data();
            int off = g.offset();
            for (int i = 0; i < p.size(); i++) grad[o++] = d[off + i];
        }
        evaluations++;
        return loss;
    }

    /** The loss at the model's current parameters (no gradient kept). */
    public double loss() {
        return gradient(parameters(), new double[dimension]);
    }

    /** Puts the model back as it was when this objective was made. */
    public void restore() { state.restore(); }
}
