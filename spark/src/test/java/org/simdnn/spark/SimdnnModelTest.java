package org.simdnn.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.simdnn.nn.Predictor;
import org.simdnn.nn.Sequential;
import org.simdnn.nn.io.ModelIo;
import org.simdnn.nn.train.Models;
import org.simdnn.tensor.Layout;
import org.simdnn.tensor.Tensor;

class SimdnnModelTest {
    private static final int ROWS = 203; // not a multiple of the batch sizes below: partial last batches
    private final SparkSession spark = SparkTests.session();

    private static float[][] randomRows(int n, int width, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] x = new float[n][width];
        for (float[] row : x) for (int j = 0; j < width; j++) row[j] = (float) r.nextGaussian();
        return x;
    }

    /** id, features as the given type, in {@code partitions} partitions. */
    private Dataset<Row> frame(float[][] x, String type, int partitions) {
        DataType t = switch (type) {
            case "vector" -> SQLDataTypes.VectorType();
            case "float" -> DataTypes.createArrayType(DataTypes.FloatType, false);
            default -> DataTypes.createArrayType(DataTypes.DoubleType, false);
        };
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            double[] d = new double[x[i].length];
            for (int j = 0; j < d.length; j++) d[j] = x[i][j];
            Object f = switch (type) {
                case "vector" -> Vectors.dense(d);
                case "float" -> boxed(x[i]);
                default -> Arrays.stream(d).boxed().toArray(Double[]::new);
            };
            rows.add(RowFactory.create(i, f));
        }
        StructType schema = new StructType().add("id", DataTypes.IntegerType).add("features", t);
        return spark.createDataFrame(rows, schema).repartition(partitions);
    }

    private static Float[] boxed(float[] a) {
        Float[] b = new Float[a.length];
        for (int i = 0; i < a.length; i++) b[i] = a[i];
        return b;
    }

    /** Predictor's outputs for all rows at once, as [rows][classes]. */
    private static float[][] expected(Sequential model, float[][] x, int... sampleShape) {
        int w = x[0].length;
        if (sampleShape.length == 0) sampleShape = new int[] {w};
        float[] flat = new float[x.length * w];
        for (int i = 0; i < x.length; i++) System.arraycopy(x[i], 0, flat, i * w, w);
        int[] shape = new int[sampleShape.length + 1];
        shape[0] = x.length;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        Tensor in = Tensor.wrap(flat, 0, sampleShape.length == 3 ? Layout.NHWC : Layout.ROW_MAJOR, shape);
        float[] y = new Predictor(model).predict(Models.input(model, in));
        int classes = y.length / x.length;
        float[][] out = new float[x.length][];
        for (int i = 0; i < x.length; i++) out[i] = Arrays.copyOfRange(y, i * classes, (i + 1) * classes);
        return out;
    }

    /** {@code tolerance} 0 asks for the same bits. */
    private static void assertScores(float[][] want, List<Row> got, boolean withProbability, double tolerance) {
        assertEquals(want.length, got.size());
        for (Row r : got) {
            int id = r.getInt(r.fieldIndex("id"));
            float[] w = want[id];
            double[] raw = ((Vector) r.get(r.fieldIndex("rawPrediction"))).toArray();
            int best = 0;
            for (int k = 0; k < w.length; k++) {
                if (tolerance == 0) assertEquals(w[k], (float) raw[k], "row " + id + " output " + k);
                else assertEquals(w[k], raw[k], tolerance * Math.max(1, Math.abs(w[k])), "row " + id + " output " + k);
                if (w[k] > w[best]) best = k;
            }
            assertEquals(best, r.getDouble(r.fieldIndex("prediction")), "row " + id);
            if (withProbability) {
                double[] p = ((Vector) r.get(r.fieldIndex("probability"))).toArray();
                double sum = 0, max = w[best], z = 0;
                for (float v : w) z += Math.exp(v - max);
                for (int k = 0; k < p.length; k++) {
                    sum += p[k];
                    assertEquals(Math.exp(w[k] - max) / z, p[k], 1e-6, "row " + id + " probability " + k);
                }
                assertEquals(1, sum, 1e-5);
            }
        }
    }

    @Test
    void scoresEqualPredictorForVectorsAndArrays() {
        Sequential mlp = Models.mlp(3);
        float[][] x = randomRows(ROWS, 784, 11);
        float[][] want = expected(mlp, x);
        SimdnnModel model = SimdnnModel.of(mlp).setBatchSize(32);
        for (String type : List.of("vector", "float", "double")) {
            List<Row> got = model.transform(frame(x, type, 3)).collectAsList();
            // Spark's batches group the rows differently from the one Predictor call; a dense layer's sums do
            // not depend on the batch size, so the bits agree.
            assertScores(want, got, true, 0);
        }
    }

    @Test
    void scoresImagesWithAConvolutionalModel() {
        Sequential cnn = Models.cnn(5);
        float[][] x = randomRows(37, 28 * 28, 12);
        float[][] want = expected(cnn, x, 28, 28, 1);
        SimdnnModel model = SimdnnModel.of(cnn).setInputShape(28, 28, 1).setBatchSize(16).setProbabilityCol("");
        Dataset<Row> out = model.transform(frame(x, "vector", 2));
        assertTrue(!Arrays.asList(out.columns()).contains("probability"));
        // The convolution planner picks its algorithm (direct, implicit GEMM, Winograd) by shape, batch size
        // included, so batches of 16 round differently from one batch of 37.
        assertScores(want, out.collectAsList(), false, 1e-4);
    }

    @Test
    void savesAndLoadsInAPipeline(@TempDir Path dir) throws IOException {
        Sequential mlp = Models.mlp(7);
        float[][] x = randomRows(50, 784, 13);
        SimdnnModel model = SimdnnModel.of(mlp).setBatchSize(8).setPredictionCol("cls");
        Dataset<Row> df = frame(x, "vector", 2);
        PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {model}).fit(df);
        String path = dir.resolve("pipeline").toString();
        fitted.write().overwrite().save(path);
        PipelineModel loaded = PipelineModel.load(path);
        SimdnnModel back = (SimdnnModel) loaded.stages()[0];
        assertEquals(model.uid(), back.uid());
        assertEquals(8, (Integer) back.getOrDefault(back.batchSize()));
        assertEquals(model.modelBytes().sha256(), back.modelBytes().sha256());
        List<Row> a = fitted.transform(df).orderBy("id").collectAsList();
        List<Row> b = loaded.transform(df).orderBy("id").collectAsList();
        assertEquals(a, b);
        assertEquals(x.length, b.size());
    }

    @Test
    void aCorruptModelFileFailsOnTheDriverWithItsPath(@TempDir Path dir) throws IOException {
        Path good = dir.resolve("mlp.safetensors");
        ModelIo.save(good, Models.mlp(1));
        byte[] b = Files.readAllBytes(good);
        Path bad = dir.resolve("corrupt.safetensors");
        Files.write(bad, Arrays.copyOf(b, b.length / 2)); // truncated
        IOException e = assertThrows(IOException.class, () -> SimdnnModel.fromFile(bad));
        assertTrue(e.getMessage().contains("corrupt.safetensors") && e.getMessage().contains("cannot be loaded"), e.getMessage());
    }

    @Test
    void aModelThatFailsOnTheExecutorsFailsTheJobWithTheReason() {
        byte[] garbage = "not a safetensors file at all".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        SimdnnModel model = SimdnnModel.unchecked(garbage);
        Dataset<Row> df = frame(randomRows(20, 784, 14), "vector", 2);
        Exception e = assertTimeoutPreemptively(Duration.ofSeconds(120),
                () -> assertThrows(Exception.class, () -> model.transform(df).collectAsList()));
        String m = String.valueOf(e.getMessage());
        assertTrue(m.contains("cannot be loaded") && m.contains(model.modelBytes().sha256().substring(0, 12)), m);
    }

    @Test
    void rejectsAWrongFeatureLengthAndAnExistingOutputColumn() {
        SimdnnModel model = SimdnnModel.of(Models.mlp(2));
        Dataset<Row> df = frame(randomRows(10, 100, 15), "vector", 1);
        Exception e = assertThrows(Exception.class, () -> model.transform(df).collectAsList());
        assertTrue(String.valueOf(e.getMessage()).contains("input shape [10, 100] does not fit"), e.getMessage());
        IllegalArgumentException col = assertThrows(IllegalArgumentException.class,
                () -> model.setPredictionCol("id").transform(df));
        assertTrue(col.getMessage().contains("'id' already exists"), col.getMessage());
    }
}
