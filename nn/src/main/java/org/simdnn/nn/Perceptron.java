package org.simdnn.nn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.simdnn.ops.Activation;
import org.simdnn.tensor.Tensor;

/**
 * Rosenblatt's perceptron {@code y = sign(w^T φ(x))} over a pluggable {@link Basis} φ, trained with the classic
 * rule: on a mistake ({@code y_i w^T φ(x_i) <= 0}, labels ±1) set {@code w += y_i φ(x_i)}. If the data are linearly
 * separable in feature space with margin γ by a unit vector and |φ(x)| &lt;= R, the number of updates is at most
 * (R/γ)² (Novikoff 1962), whatever the order.
 *
 * <p>As a {@link Module}, {@code forward([N, inputs])} returns {@code [N, 1]} of ±1 (sign(0) = +1); it has no
 * gradient ({@link #backward} throws) — it learns only through {@link #update}/{@link #fit}. The weight is a
 * {@link Parameter} {@code [1, features]} so it saves and loads like any model.
 */
public final class Perceptron extends AbstractModule {
    private final Basis basis;
    private final int inputs, features;
    private final Parameter weight;
    private final float[] phi;
    private Tensor feats, scores, y;

    public Perceptron(Basis basis, int inputs) {
        this(basis, inputs, null);
    }

    private Perceptron(Basis basis, int inputs, Parameter weight) {
        if (inputs < 1) throw new IllegalArgumentException("Perceptron needs inputs >= 1, got " + inputs);
        this.basis = basis;
        this.inputs = inputs;
        this.features = basis.dim(inputs);
        this.weight = weight != null ? weight : new Parameter("weight", Tensor.zeros(1, features), false);
        this.phi = new float[features];
    }

    /** The outcome of {@link #fit}: epochs run, updates (mistakes) made, whether an epoch had no mistake. */
    public record Fit(int epochs, long updates, boolean converged) {}

    public Basis basis() { return basis; }
    public Parameter weight() { return weight; }
    public int features() { return features; }

    /** The score w^T φ(x). */
    public double score(float[] x, int off) {
        basis.map(x, off, inputs, phi, 0);
        float[] w = weight.value().data();
        int wo = weight.value().offset();
        double s = 0;
        for (int i = 0; i < features; i++) s += (double) w[wo + i] * phi[i];
        return s;
    }

    /** +1 or -1. */
    public int predict(float[] x) { return score(x, 0) >= 0 ? 1 : -1; }

    /** One step of the perceptron rule on x (label ±1); returns true when it was a mistake (and w changed). */
    public boolean update(float[] x, int off, int label) {
        if (label != 1 && label != -1) throw new IllegalArgumentException("perceptron labels are +1/-1, got " + label);
        if (label * score(x, off) > 0) return false;
        float[] w = weight.value().data();
        int wo = weight.value().offset();
        for (int i = 0; i < features; i++) w[wo + i] += label * phi[i];
        return true;
    }

    /** Passes over (x[i], labels[i]) in order until an epoch without mistakes or {@code maxEpochs}. */
    public Fit fit(float[][] x, int[] labels, int maxEpochs) {
        if (x.length != labels.length) throw new IllegalArgumentException(x.length + " samples, " + labels.length + " labels");
        long updates = 0;
        for (int e = 1; e <= maxEpochs; e++) {
            long m = 0;
            for (int i = 0; i < x.length; i++) {
                if (x[i].length != inputs) throw new IllegalArgumentException("sample " + i + " has " + x[i].length
                        + " values, the perceptron takes " + inputs);
                if (update(x[i], 0, labels[i])) m++;
            }
            updates += m;
            if (m == 0) return new Fit(e, updates, true);
        }
        return new Fit(maxEpochs, updates, false);
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        x = requireContiguous(x);
        if (x.rank() != 2 || x.dim(1) != inputs) outputShape(x.shape());
        int n = x.dim(0);
        feats = reuse(feats, n, features);
        scores = reuse(scores, n, 1);
        y = reuse(y, n, 1);
        float[] f = feats.data(), xd = x.data();
        for (int r = 0; r < n; r++) basis.map(xd, x.offset() + r * inputs, inputs, f, r * features);
        backend().matmul(feats, false, weight.value(), true, scores, 0f);
        backend().activationForward(Activation.SIGN, 0f, scores, y);
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        throw new UnsupportedOperationException(name() + " has no gradient; train it with update()/fit()");
    }

    @Override public List<Parameter> parameters() { return List.of(weight); }

    @Override
    public int[] outputShape(int[] s) {
        if (s.length != 2 || s[1] != inputs) throw badInput(s, "[batch, " + inputs + "]");
        return new int[] {s[0], 1};
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", "Perceptron");
        c.put("inputs", inputs);
        c.put("basis", basis.config());
        return c;
    }

    @Override public Perceptron shareWeights() { return sharedCopy(new Perceptron(basis, inputs, weight.sharing())); }

    @Override public String name() { return "Perceptron(" + inputs + " inputs, " + basis.config().get("type") + ")"; }
}
