package org.simdnn.spark;

import java.util.List;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.simdnn.tensor.Layout;
import org.simdnn.tensor.Tensor;
import scala.collection.mutable.ArraySeq;

/** Reads a feature column (an ml {@code Vector}, {@code array<float>} or {@code array<double>}) into float rows. */
final class Features {
    private Features() {}

    /** The index of {@code column} in {@code schema}, after checking that its type is one we read. */
    static int column(StructType schema, String column) {
        int i = schema.fieldIndex(column);
        DataType t = schema.fields()[i].dataType();
        boolean ok = t.equals(SQLDataTypes.VectorType())
                || t instanceof ArrayType a && (a.elementType().equals(DataTypes.FloatType) || a.elementType().equals(DataTypes.DoubleType));
        if (!ok) {
            throw new IllegalArgumentException("feature column '" + column + "' has type " + t.simpleString()
                    + "; expected an ml Vector, array<float> or array<double>");
        }
        return i;
    }

    /** Copies row {@code r}'s features into {@code dst[offset, offset + width)}; other lengths are an error. */
    static void read(Row r, int col, float[] dst, int offset, int width) {
        Object v = r.get(col);
        if (v == null) throw new IllegalArgumentException("null features in row " + r);
        if (v instanceof ArraySeq.ofFloat f) {
            check(f.length(), width);
            System.arraycopy(f.array(), 0, dst, offset, width);
            return;
        }
        double[] a = switch (v) {
            case DenseVector d -> d.values();
            case Vector s -> s.toArray(); // sparse: rare for images, so one dense copy
            case ArraySeq.ofDouble d -> d.array();
            default -> null;
        };
        if (a != null) {
            check(a.length, width);
            for (int i = 0; i < width; i++) dst[offset + i] = (float) a[i];
            return;
        }
        List<Object> l = r.getList(col); // any other Seq of boxed numbers
        check(l.size(), width);
        for (int i = 0; i < width; i++) {
            Object x = l.get(i);
            if (x == null) throw new IllegalArgumentException("null feature " + i + " in row " + r);
            dst[offset + i] = ((Number) x).floatValue();
        }
    }

    /** How many features row {@code r} has in column {@code col}. */
    static int width(Row r, int col) {
        Object f = r.get(col);
        if (f == null) throw new IllegalArgumentException("null features in row " + r);
        return f instanceof Vector v ? v.size() : r.getList(col).size();
    }

    /**
     * Rows {@code [0, n)} of {@code x} as the batch tensor {@code [n, sampleShape...]}: NHWC for an image shape
     * {@code [h, w, c]}, row-major otherwise (no copy).
     */
    static Tensor batch(float[] x, int n, int[] sampleShape) {
        int[] shape = new int[sampleShape.length + 1];
        shape[0] = n;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        return Tensor.wrap(x, 0, sampleShape.length == 3 ? Layout.NHWC : Layout.ROW_MAJOR, shape);
    }

    private static void check(int got, int width) {
        if (got != width) {
            throw new IllegalArgumentException("a row has " + got + " features, the model takes " + width);
        }
    }
}
