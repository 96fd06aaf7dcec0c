package org.simdnn.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.simdnn.nn.data.DataSplit;
import org.simdnn.nn.data.Normalization;
import org.simdnn.tensor.Tensor;

/** Fashion-MNIST (Debian's dataset-fashion-mnist) for the tests, loaded once. */
final class FashionMnistFrames {
    private static DataSplit split;

    private FashionMnistFrames() {}

    static boolean present() { return DataSplit.present(DataSplit.FASHION_MNIST_DIR); }

    static synchronized DataSplit split() throws IOException {
        if (split == null) split = DataSplit.load(DataSplit.FASHION_MNIST_DIR);
        return split;
    }

    /** (features, label) rows of {@code data}, normalised as nn's BatchLoader does, in the set's order. */
    static Dataset<Row> frame(SparkSession spark, org.simdnn.nn.data.Dataset data, int partitions) {
        Tensor x = data.toTensor(Normalization.FASHION_MNIST);
        int w = data.imageSize();
        List<Row> rows = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            double[] d = new double[w];
            for (int j = 0; j < w; j++) d[j] = x.data()[i * w + j];
            rows.add(RowFactory.create(Vectors.dense(d), data.label(i)));
        }
        StructType schema = new StructType().add("features", SQLDataTypes.VectorType()).add("label", DataTypes.IntegerType);
        // createDataFrame keeps the list's order; coalesce to one partition keeps it too.
        Dataset<Row> df = spark.createDataFrame(rows, schema);
        return partitions == 1 ? df.coalesce(1) : df.repartition(partitions);
    }
}
