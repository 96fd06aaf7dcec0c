package org.simdnn.spark;

import java.io.IOException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.simdnn.nn.data.DataSplit;
import org.simdnn.spark.example.FashionMnistOnSpark;

/** Fashion-MNIST (Debian's dataset-fashion-mnist) for the tests, loaded once. */
final class FashionMnistFrames {
    private static DataSplit split;

    private FashionMnistFrames() {}

    static boolean present() { return DataSplit.present(DataSplit.FASHION_MNIST_DIR); }

    static synchronized DataSplit split() throws IOException {
        if (split == null) split = DataSplit.load(DataSplit.FASHION_MNIST_DIR);
        return split;
    }

    /** (features, label) rows of {@code data} in the set's order, as the example builds them. */
    static Dataset<Row> frame(SparkSession spark, org.simdnn.nn.data.Dataset data, int partitions) {
        return FashionMnistOnSpark.frame(spark, data, partitions);
    }
}
