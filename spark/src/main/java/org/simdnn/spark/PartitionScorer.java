package org.simdnn.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.simdnn.nn.InferenceSession;
import org.simdnn.nn.train.Models;
import org.simdnn.ops.Backends;
import org.simdnn.tensor.Tensor;

/**
 * Scores one partition in batches: up to {@code batchSize} rows are packed into one input tensor and run through
 * this task thread's {@link InferenceSession} of the executor's cached model; each input row comes out with the
 * argmax, and optionally the raw outputs and their softmax, appended.
 */
final class PartitionScorer implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<ModelBytes> model;
    private final int featuresCol, batchSize;
    private final int[] sampleShape;
    private final boolean raw, probability;

    /** @param sampleShape one row's shape ({@code [h, w, c]} for images); empty means the row's own length */
    PartitionScorer(Broadcast<ModelBytes> model, int featuresCol, int batchSize, int[] sampleShape, boolean raw,
                    boolean probability) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        this.model = model;
        this.featuresCol = featuresCol;
        this.batchSize = batchSize;
        this.sampleShape = sampleShape.clone();
        this.raw = raw;
        this.probability = probability;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        if (!rows.hasNext()) return rows;
        VectorApiCheck.require("executor " + SparkEnv.get().executorId());
        ExecutorCache.Loaded loaded = ExecutorCache.model(model.value());
        return new Batches(rows, loaded);
    }

    /** Reads a batch ahead, scores it, then hands out its rows. */
    private final class Batches implements Iterator<Row> {
        private final Iterator<Row> in;
        private final ExecutorCache.Loaded loaded;
        private final List<Row> pending = new ArrayList<>();
        private final List<Row> out = new ArrayList<>();
        private int next;
        private int[] shape;
        private float[] x;
        private Tensor probs;

        Batches(Iterator<Row> in, ExecutorCache.Loaded loaded) {
            this.in = in;
            this.loaded = loaded;
        }

        @Override
        public boolean hasNext() {
            if (next < out.size()) return true;
            if (!in.hasNext()) return false;
            scoreNextBatch();
            return true;
        }

        @Override
        public Row next() {
            if (!hasNext()) throw new NoSuchElementException();
            return out.get(next++);
        }

        private void scoreNextBatch() {
            pending.clear();
            while (pending.size() < batchSize && in.hasNext()) pending.add(in.next());
            if (x == null) {
                shape = sampleShape.length > 0 ? sampleShape : new int[] {Features.width(pending.getFirst(), featuresCol)};
                int w = 1;
                for (int d : shape) w *= d;
                x = new float[batchSize * w];
            }
            int n = pending.size(), w = x.length / batchSize;
            for (int i = 0; i < n; i++) Features.read(pending.get(i), featuresCol, x, i * w, w);
            Tensor batch = Models.input(loaded.model(), Features.batch(x, n, shape));
            InferenceSession session = loaded.predictor().session();
            Tensor y = session.predict(batch).contiguous();
            int classes = y.dim(y.rank() - 1);
            if (y.size() != n * classes) {
                throw new IllegalStateException("the model gave output " + y.shapeString() + " for " + n + " rows");
            }
            if (probability) {
                probs = probs != null && probs.sameShape(y) ? probs : Tensor.zeros(y.shape());
                Backends.get().softmax(y, probs);
            }
            int[] argmax = InferenceSession.argmaxRows(y);
            out.clear();
            next = 0;
            for (int i = 0; i < n; i++) out.add(row(pending.get(i), argmax[i], y.data(), y.offset() + i * classes, classes, i * classes));
        }

        private Row row(Row r, int argmax, float[] y, int o, int classes, int po) {
            int width = r.size();
            Object[] v = new Object[width + 1 + (raw ? 1 : 0) + (probability ? 1 : 0)];
            for (int j = 0; j < width; j++) v[j] = r.get(j);
            int j = width;
            v[j++] = (double) argmax;
            if (raw) v[j++] = Vectors.dense(toDoubles(y, o, classes));
            if (probability) v[j] = Vectors.dense(toDoubles(probs.data(), probs.offset() + po, classes));
            return RowFactory.create(v);
        }
    }

    private static double[] toDoubles(float[] a, int from, int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = a[from + i];
        return d;
    }
}
