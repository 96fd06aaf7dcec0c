package org.simdnn.spark.example;

import java.nio.file.Path;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.simdnn.nn.Sequential;
import org.simdnn.nn.data.DataSplit;
import org.simdnn.nn.data.Normalization;
import org.simdnn.nn.train.Models;
import org.simdnn.nn.train.TrainConfig;
import org.simdnn.spark.DataParallelTrainer;
import org.simdnn.spark.SimdnnModel;

/**
 * Fashion-MNIST end to end on Spark: the IDX files become a DataFrame of (features, label), a simdnn MLP or CNN
 * is trained data-parallel on it, the test set is scored by a {@link SimdnnModel}, and the accuracy printed.
 * Run it with {@code spark/run-example.sh} (local[2]) or {@code spark-submit} (docs/spark.md). Options:
 * {@code --master local[2] --data /usr/share/datasets/fashion-mnist --model mlp|cnn --epochs 2 --train 60000
 * --partitions 2 --average-every 0 --batch-size 256 --save DIR}.
 */
public final class FashionMnistOnSpark {
    private FashionMnistOnSpark() {}

    public static void main(String[] args) throws Exception {
        String master = null, model = "mlp", save = null;
        Path data = DataSplit.FASHION_MNIST_DIR;
        int epochs = 2, train = 60000, partitions = 2, averageEvery = 0, batchSize = 256;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) throw new IllegalArgumentException("option " + a + " needs a value");
            String v = args[++i];
            switch (a) {
                case "--master" -> master = v;
                case "--data" -> data = Path.of(v);
                case "--model" -> model = v;
                case "--epochs" -> epochs = Integer.parseInt(v);
                case "--train" -> train = Integer.parseInt(v);
                case "--partitions" -> partitions = Integer.parseInt(v);
                case "--average-every" -> averageEvery = Integer.parseInt(v);
                case "--batch-size" -> batchSize = Integer.parseInt(v);
                case "--save" -> save = v;
                default -> throw new IllegalArgumentException("unknown option " + a + "; see the class documentation");
            }
        }
        SparkSession.Builder b = SparkSession.builder().appName("simdnn Fashion-MNIST");
        if (master != null) b.master(master);
        SparkSession spark = b.getOrCreate();
        try {
            DataSplit split = DataSplit.load(data);
            org.simdnn.nn.data.Dataset trainSet = split.train().subset(0, Math.min(train, split.train().size()));
            Dataset<Row> trainDf = frame(spark, trainSet, partitions).cache();
            Dataset<Row> testDf = frame(spark, split.test(), partitions).cache();
            System.out.printf(Locale.ROOT, "%d training rows in %d partitions, %d test rows; master %s%n",
                    trainDf.count(), trainDf.rdd().getNumPartitions(), testDf.count(), spark.sparkContext().master());

            TrainConfig cfg = TrainConfig.forModel(model, epochs, 42);
            Sequential net = Models.build(model, 42);
            int[] shape = model.equals("cnn") ? new int[] {28, 28, 1} : new int[0];
            DataParallelTrainer trainer = new DataParallelTrainer(cfg).inputShape(shape).averageEvery(averageEvery);
            long t0 = System.nanoTime();
            trainer.fit(net, trainDf);
            for (DataParallelTrainer.Epoch e : trainer.history()) {
                System.out.printf(Locale.ROOT, "epoch %d: loss %.4f, %.1f s (%.0f images/s)%n", e.epoch() + 1, e.loss(),
                        e.seconds(), trainSet.size() / e.seconds());
            }
            System.out.printf(Locale.ROOT, "trained in %.1f s (%s)%n", (System.nanoTime() - t0) / 1e9,
                    averageEvery > 0 ? "local SGD, averaging every " + averageEvery + " steps" : "synchronous SGD");

            SimdnnModel scorer = SimdnnModel.of(net).setInputShape(shape).setBatchSize(batchSize);
            long s0 = System.nanoTime();
            Dataset<Row> scored = scorer.transform(testDf);
            double accuracy = scored.select(functions.avg(functions.when(
                    scored.col("prediction").equalTo(scored.col("label")), 1.0).otherwise(0.0))).first().getDouble(0);
            double seconds = (System.nanoTime() - s0) / 1e9;
            System.out.printf(Locale.ROOT, "test accuracy %.4f (%d images scored in %.1f s, %.0f images/s)%n", accuracy,
                    split.test().size(), seconds, split.test().size() / seconds);
            if (save != null) {
                scorer.write().overwrite().save(save);
                System.out.println("saved the Spark ML model to " + save);
            }
        } finally {
            spark.stop();
        }
    }

    /**
     * {@code d} as (features, label) rows in {@code partitions} partitions, in the set's order (partition 0 holds the
     * first rows), pixels normalised with Fashion-MNIST's statistics as nn's loader does. The images are broadcast
     * as floats and the rows built on the executors, so the driver never holds a row per image.
     */
    public static Dataset<Row> frame(SparkSession spark, org.simdnn.nn.data.Dataset d, int partitions) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<float[]> pixels = sc.broadcast(d.toTensor(Normalization.FASHION_MNIST).data());
        int[] y = new int[d.size()];
        for (int i = 0; i < y.length; i++) y[i] = d.label(i);
        Broadcast<int[]> labels = sc.broadcast(y);
        int w = d.imageSize();
        StructType schema = new StructType().add("features", SQLDataTypes.VectorType()).add("label", DataTypes.IntegerType);
        return spark.range(0, d.size(), 1, partitions).map((MapFunction<Long, Row>) id -> {
            int i = Math.toIntExact(id);
            double[] f = new double[w];
            float[] x = pixels.value();
            for (int j = 0; j < w; j++) f[j] = x[i * w + j];
            return RowFactory.create(Vectors.dense(f), labels.value()[i]);
        }, Encoders.row(schema));
    }
}
