package org.simdnn.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * One partition's training rows, packed once into a float matrix and int labels and cached by Spark (one
 * object per partition), so a training step reads its batch with array copies instead of decoding rows.
 */
record Shard(int partition, int width, float[] features, int[] labels) implements Serializable {
    Shard {
        if (features.length != (long) width * labels.length) {
            throw new IllegalArgumentException("shard " + partition + ": " + labels.length + " rows of " + width
                    + " features need " + (long) width * labels.length + " floats, got " + features.length);
        }
    }

    int size() { return labels.length; }

    /**
     * Packs the rows (feature column 0, label column 1) of partition {@code partition}. {@code width} is the
     * features per row, or 0 to take the first row's length.
     */
    static Shard pack(int partition, Iterator<Row> rows, int width) {
        List<Row> all = new ArrayList<>();
        rows.forEachRemaining(all::add);
        if (width == 0 && !all.isEmpty()) width = Features.width(all.getFirst(), 0);
        float[] x = new float[Math.multiplyExact(width, all.size())];
        int[] y = new int[all.size()];
        for (int i = 0; i < y.length; i++) {
            Row r = all.get(i);
            Features.read(r, 0, x, i * width, width);
            y[i] = label(r, partition, i);
        }
        return new Shard(partition, width, x, y);
    }

    private static int label(Row r, int partition, int i) {
        Object v = r.get(1);
        double d = v instanceof Number n ? n.doubleValue() : Double.NaN;
        if (!(d >= 0 && d == Math.rint(d) && d < Integer.MAX_VALUE)) {
            throw new IllegalArgumentException("label " + v + " in row " + i + " of partition " + partition
                    + " is not a class index (an integer >= 0)");
        }
        return (int) d;
    }
}
