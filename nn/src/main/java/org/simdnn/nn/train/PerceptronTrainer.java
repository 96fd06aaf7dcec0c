package org.simdnn.nn.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.simdnn.nn.Basis;
import org.simdnn.nn.MulticlassPerceptron;
import org.simdnn.nn.data.BatchLoader;
import org.simdnn.tensor.Tensor;

/**
 * Trains nn's {@link MulticlassPerceptron} (identity basis: raw pixels and a bias) with the classic rule,
 * one sample at a time in the loader's shuffled order — {@code w[y] += φ(x), w[p] -= φ(x)} on a mistake — and
 * hands the model the <em>averaged</em> weights (Freund &amp; Schapire 1999) at the end of each epoch: the
 * standard remedy for the plain rule's last-sample noise (1 epoch on Fashion-MNIST: see docs/training.md).
 *
 * <p>The average is kept with the lazy trick: besides the running weights {@code w} it accumulates
 * {@code u += c · update} (c = samples seen), and {@code avg = w - u / c}, so a mistake costs two rows, not the
 * whole matrix.
 */
public final class PerceptronTrainer {
    private final MulticlassPerceptron model;
    private final int classes, inputs, features;
    private final float[] w, u, phi;
    private long counter = 1;
    private int epochsDone;

    public PerceptronTrainer(MulticlassPerceptron model) {
        this.model = model;
        this.classes = model.classes();
        this.inputs = model.inputs();
        this.features = model.weight().value().dim(1);
        this.w = new float[classes * features];
        this.u = new float[classes * features];
        this.phi = new float[features];
    }

    /** The perceptron for images of {@code inputs} pixels and {@code classes} classes on raw pixels. */
    public static MulticlassPerceptron newModel(int inputs, int classes) {
        return new MulticlassPerceptron(Basis.identity(), inputs, classes);
    }

    public MulticlassPerceptron model() { return model; }
    public int epochsDone() { return epochsDone; }

    /** One pass over the loader's epoch {@link #epochsDone()}; returns the fraction of training mistakes. */
    public double trainEpoch(BatchLoader loader, ProgressListener progress) {
        int epoch = epochsDone;
        loader.startEpoch(epoch);
        progress.epochStarted(epoch, loader.batchesPerEpoch(), loader.dataset().size());
        long mistakes = 0, seen = 0;
        Basis basis = model.basis();
        while (loader.hasNext()) {
            BatchLoader.Batch b = loader.next();
            Tensor x = b.images();
            float[] d = x.data();
            for (int i = 0; i < b.size(); i++, counter++) {
                basis.map(d, x.offset() + i * inputs, inputs, phi, 0);
                int y = b.labels()[i], p = argmax(w, phi);
                if (p != y) {
                    mistakes++;
                    float c = counter;
                    int ry = y * features, rp = p * features;
                    for (int j = 0; j < features; j++) {
                        float v = phi[j];
                        w[ry + j] += v;
                        w[rp + j] -= v;
                        u[ry + j] += c * v;
                        u[rp + j] -= c * v;
                    }
                }
            }
            seen += b.size();
            progress.batchDone(epoch, b.index(), seen, (double) mistakes / seen);
        }
        publishAverage();
        epochsDone++;
        progress.epochTrained(epoch);
        return (double) mistakes / Math.max(1, seen);
    }

    /** Writes avg = w - u / c into the model's weight. */
    private void publishAverage() {
        Tensor t = model.weight().value();
        float[] a = new float[w.length];
        for (int i = 0; i < a.length; i++) a[i] = w[i] - u[i] / counter;
        t.copyFrom(Tensor.wrap(a, t.shape()));
    }

    private int argmax(float[] m, float[] x) {
        int best = 0;
        float bestScore = Float.NEGATIVE_INFINITY;
        for (int k = 0; k < classes; k++) {
            int r = k * features;
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0; // four chains: the JIT keeps a float sum's order
            int j = 0;
            for (; j + 3 < features; j += 4) {
                s0 += m[r + j] * x[j];
                s1 += m[r + j + 1] * x[j + 1];
                s2 += m[r + j + 2] * x[j + 2];
                s3 += m[r + j + 3] * x[j + 3];
            }
            for (; j < features; j++) s0 += m[r + j] * x[j];
            float s = (s0 + s1) + (s2 + s3);
            if (s > bestScore) {
                bestScore = s;
                best = k;
            }
        }
        return best;
    }

    /** The model's (averaged) weight as "weight" plus the running sums, for a checkpoint. */
    public Map<String, Tensor> state() {
        Map<String, Tensor> s = new LinkedHashMap<>();
        s.putAll(ModelFiles.weights(model));
        s.put("optim.perceptron.w", Tensor.wrap(w, classes, features));
        s.put("optim.perceptron.u", Tensor.wrap(u, classes, features));
        return s;
    }

    public Map<String, String> metadata(long seed) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("model", "perceptron");
        m.put("epochs_done", Integer.toString(epochsDone));
        m.put("steps_done", Long.toString(counter - 1));
        m.put("seed", Long.toString(seed));
        return m;
    }

    public void restore(Map<String, Tensor> state, Map<String, String> meta) {
        ModelFiles.copyInto(state(), state);
        epochsDone = Integer.parseInt(meta.getOrDefault("epochs_done", "0"));
        counter = Long.parseLong(meta.getOrDefault("steps_done", "0")) + 1;
    }
}
