package org.simdnn.nn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.simdnn.tensor.Tensor;

/**
 * The multiclass perceptron: one weight vector per class, prediction {@code argmax_c w_c^T φ(x)} (ties to the
 * lowest class), and on a mistake (prediction p != label y) {@code w_y += φ(x), w_p -= φ(x)}. Separable data
 * again converge after at most (R/γ)² updates (Collins 2002, with R bounding |φ(x)| times √2).
 *
 * <p>As a {@link Module}, {@code forward([N, inputs])} returns the class scores {@code [N, classes]} (one GEMM through
 * the backend), so argmax gives the prediction and evaluation code is the same as for a network. It has no
 * gradient ({@link #backward} throws). The weight is a {@link Parameter} {@code [classes, features]}.
 */
public final class MulticlassPerceptron extends AbstractModule {
    private final Basis basis;
    private final int inputs, classes, features;
    private final Parameter weight;
    private final float[] phi;
    private Tensor feats, scores;

    public MulticlassPerceptron(Basis basis, int inputs, int classes) {
        this(basis, inputs, classes, null);
    }

    private MulticlassPerceptron(Basis basis, int inputs, int classes, Parameter weight) {
        if (inputs < 1 || classes < 2) {
            throw new IllegalArgumentException("MulticlassPerceptron needs inputs >= 1 and classes >= 2, got " + inputs
                    + ", " + classes);
        }
        this.basis = basis;
        this.inputs = inputs;
        this.classes = classes;
        this.features = basis.dim(inputs);
        this.weight = weight != null ? weight : new Parameter("weight", Tensor.zeros(classes, features), false);
        this.phi = new float[features];
    }

    public Basis basis() { return basis; }
    public Parameter weight() { return weight; }
    public int classes() { return classes; }
    public int inputs() { return inputs; }

    /** argmax over classes of w_c^T φ(x[off ..]). */
    public int predict(float[] x, int off) {
        basis.map(x, off, inputs, phi, 0);
        return argmax();
    }

    private int argmax() {
        float[] w = weight.value().data();
        int wo = weight.value().offset();
        int best = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            float s = 0;
            int row = wo + c * features;
            for (int i = 0; i < features; i++) s += w[row + i] * phi[i];
            if (s > bestScore) {
                bestScore = s;
                best = c;
            }
        }
        return best;
    }

    /** One step of the rule on sample x[off ..] with its label; returns true on a mistake (weights changed). */
    public boolean update(float[] x, int off, int label) {
        if (label < 0 || label >= classes) throw new IllegalArgumentException("label " + label + " outside [0, " + classes + ")");
        basis.map(x, off, inputs, phi, 0);
        int p = argmax();
        if (p == label) return false;
        float[] w = weight.value().data();
        int wo = weight.value().offset(), ry = wo + label * features, rp = wo + p * features;
        for (int i = 0; i < features; i++) {
            w[ry + i] += phi[i];
            w[rp + i] -= phi[i];
        }
        return true;
    }

    /**
     * One pass over {@code x [N, inputs]} in the given order (null: 0..N-1); returns the number of mistakes.
     */
    public long fitEpoch(Tensor x, int[] labels, int[] order) {
        x = requireContiguous(x);
        if (x.rank() != 2 || x.dim(1) != inputs) outputShape(x.shape());
        int n = x.dim(0);
        if (labels.length != n) throw new IllegalArgumentException(n + " samples, " + labels.length + " labels");
        long mistakes = 0;
        float[] d = x.data();
        for (int k = 0; k < n; k++) {
            int i = order == null ? k : order[k];
            if (update(d, x.offset() + i * inputs, labels[i])) mistakes++;
        }
        return mistakes;
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        x = requireContiguous(x);
        if (x.rank() != 2 || x.dim(1) != inputs) outputShape(x.shape());
        int n = x.dim(0);
        feats = reuse(feats, n, features);
        scores = reuse(scores, n, classes);
        float[] f = feats.data(), xd = x.data();
        for (int r = 0; r < n; r++) basis.map(xd, x.offset() + r * inputs, inputs, f, r * features);
        backend().matmul(feats, false, weight.value(), true, scores, 0f);
        return scores;
    }

    @Override
    public Tensor backward(Tensor dy) {
        throw new UnsupportedOperationException(name() + " has no gradient; train it with update()/fitEpoch()");
    }

    @Override public List<Parameter> parameters() { return List.of(weight); }

    @Override
    public int[] outputShape(int[] s) {
        if (s.length != 2 || s[1] != inputs) throw badInput(s, "[batch, " + inputs + "]");
        return new int[] {s[0], classes};
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", "MulticlassPerceptron");
        c.put("inputs", inputs);
        c.put("classes", classes);
        c.put("basis", basis.config());
        return c;
    }

    @Override
    public MulticlassPerceptron shareWeights() {
        return sharedCopy(new MulticlassPerceptron(basis, inputs, classes, weight.sharing()));
    }

    @Override public String name() { return "MulticlassPerceptron(" + inputs + " -> " + classes + ", " + basis.config().get("type") + ")"; }
}
