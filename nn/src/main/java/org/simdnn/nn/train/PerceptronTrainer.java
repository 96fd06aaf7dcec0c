package org.simdnn.nn.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.simdnn.nn.Basis;
import org.simdnn.nn.MulticlassPerceptron;
import org.simdnn.nn.data.BatchLoader;
import org.simdnn.nn.io.ModelIo;
import org.simdnn.tensor.Tensor;

/**
 * Trains nn's {@link MulticlassPerceptron} (identity basis: raw pixels and a bias) with the classic rule,
 * one sample at a time in the loader's shuffled order — {@code w[y] += φ(x), w[p] -= φ(x)} on a mistake — and
 * hands the model the <em>averaged</em> weights (Freund &amp; Schapire 1999) at the end of each epoch: the
 * standard remedy for the plain rule's last-sample noise (1 epoch on Fashion-MNIST: see docs/training.md).
 *
 * <p>The average is kept with the lazy trick: besides the running weights {@code w} it accumulates
 * {@code u += c · update} (c = samples seen), and {@code avg = w - u / c}, so a mistake costs two rows, not the
 * whole matrix. A checkpoint holds the averaged weight as the model's, {@code w} and {@code u} as the trainer
 * state ({@code optim.perceptron.w}, {@code optim.perceptron.u}) and the samples seen as its step count.
 */
public final class PerceptronTrainer implements Trainer {
    private static final String W = "perceptron.w", U = "perceptron.u";
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

    @Override public MulticlassPerceptron model() { return model; }
    @Override public int epochsDone() { return epochsDone; }
    @Override public String metric() { return "mistakes"; }

    /** One pass over the loader's epoch {@link #epochsDone()}; returns the fraction of training mistakes. */
    @Override
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

    @Override
    public void saveCheckpoint(Path file, Map<String, String> metadata) throws IOException {
        ModelIo.saveCheckpoint(file, model, Map.of(W, Tensor.wrap(w, classes, features), U, Tensor.wrap(u, classes, features)),
                counter - 1, withPosition(metadata));
    }

    @Override
    public void restore(ModelIo.Checkpoint c) {
        int epochs = Trainer.epochsDoneIn(c);
        Tensor sw = runningSum(c, W), su = runningSum(c, U);
        c.copyModelInto(model);
        System.arraycopy(sw.toArray(), 0, w, 0, w.length);
        System.arraycopy(su.toArray(), 0, u, 0, u.length);
        counter = c.optimizerSteps() + 1;
        epochsDone = epochs;
    }

    private Tensor runningSum(ModelIo.Checkpoint c, String name) {
        Tensor t = c.optimizerState().get(name);
        if (t == null) throw new IllegalArgumentException("checkpoint lacks the perceptron's running sum '" + name + "'");
        if (t.rank() != 2 || t.dim(0) != classes || t.dim(1) != features) {
            throw new IllegalArgumentException("perceptron state '" + name + "' is " + t.shapeString() + ", the model needs ["
                    + classes + ", " + features + "]");
        }
        return t;
    }
}
