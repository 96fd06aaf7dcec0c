package org.simdnn.spark.example;

import java.util.Arrays;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.simdnn.kernels.cpu.Parallel;
import org.simdnn.nn.Predictor;
import org.simdnn.nn.Sequential;
import org.simdnn.nn.data.DataSplit;
import org.simdnn.nn.data.Normalization;
import org.simdnn.nn.train.Models;
import org.simdnn.spark.SimdnnModel;
import org.simdnn.tensor.Layout;
import org.simdnn.tensor.Tensor;

/**
 * Scoring throughput of a Fashion-MNIST split (default the 60000 training images, enough rows that a Spark job's
 * start-up does not dominate), per batch size: a {@link Predictor} in this JVM (its kernels on as many threads as
 * the master has task slots) against a {@link SimdnnModel} on the Spark master given (default local[2]), the
 * DataFrame cached first and the output discarded by Spark's {@code noop} sink. Median of 3 runs after a warm-up
 * run. Usage: {@code ScoringThroughput [mlp|cnn] [master] [batch sizes, comma-separated] [train|test]}; run by
 * {@code spark/run-example.sh --throughput}.
 */
public final class ScoringThroughput {
    private ScoringThroughput() {}

    public static void main(String[] args) throws Exception {
        String model = args.length > 0 ? args[0] : "mlp", master = args.length > 1 ? args[1] : "local[2]";
        int[] batches = Arrays.stream((args.length > 2 ? args[2] : "16,64,256,1024").split(",")).mapToInt(Integer::parseInt).toArray();
        boolean testSet = args.length > 3 && args[3].equals("test");
        DataSplit split = DataSplit.load(DataSplit.FASHION_MNIST_DIR);
        var images = testSet ? split.test() : split.train();
        Sequential net = Models.build(model, 42);
        int[] shape = model.equals("cnn") ? new int[] {28, 28, 1} : new int[0];
        Tensor all = images.toTensor(Normalization.FASHION_MNIST);
        int n = images.size(), w = images.imageSize();
        SparkSession spark = SparkSession.builder().master(master).appName("simdnn scoring throughput").getOrCreate();
        try {
            int slots = spark.sparkContext().defaultParallelism();
            Parallel.setThreads(slots);
            Dataset<Row> df = FashionMnistOnSpark.frame(spark, images, slots).cache();
            df.count();
            System.out.printf(Locale.ROOT, "%s, %d images, Spark %s with %d partitions%n", model, n, master, df.rdd().getNumPartitions());
            System.out.println("| batch | Predictor images/s | Spark images/s | Spark / Predictor |");
            System.out.println("|---|---|---|---|");
            for (int batch : batches) {
                Predictor p = new Predictor(net);
                double local = median(() -> {
                    for (int from = 0; from < n; from += batch) {
                        int rows = Math.min(batch, n - from);
                        int[] s = shape.length > 0 ? new int[] {rows, 28, 28, 1} : new int[] {rows, w};
                        Tensor x = Tensor.wrap(all.data(), from * w, shape.length > 0 ? Layout.NHWC : Layout.ROW_MAJOR, s);
                        p.session().predict(Models.input(net, x));
                    }
                });
                SimdnnModel m = SimdnnModel.of(net).setInputShape(shape).setBatchSize(batch);
                double onSpark = median(() -> m.transform(df).write().format("noop").mode("overwrite").save());
                System.out.printf(Locale.ROOT, "| %d | %.0f | %.0f | %.2f |%n", batch, n / local, n / onSpark, local / onSpark);
            }
        } finally {
            spark.stop();
        }
    }

    private static double median(Runnable r) {
        r.run();
        double[] t = new double[3];
        for (int i = 0; i < t.length; i++) {
            long t0 = System.nanoTime();
            r.run();
            t[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(t);
        return t[t.length / 2];
    }
}
