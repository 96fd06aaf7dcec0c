package org.simdnn.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.simdnn.nn.Module;
import scala.Option;

/**
 * A trained simdnn classifier as a Spark ML {@link Model}: it scores a column of feature vectors (ml
 * {@code Vector}, {@code array<float>} or {@code array<double>}) and appends the predicted class (argmax, as a
 * double), and unless their column names are set empty, the raw outputs and their softmax as ml vectors. Usable in
 * a {@code Pipeline}; saved and loaded with {@code write().save(path)} / {@link #load(String)} (the params as
 * Spark's metadata JSON, the model as {@code model.safetensors} beside it).
 *
 * <p>The model file is broadcast once per Spark context (each executor fetches it once), loaded once per executor
 * JVM (a cache keyed by its SHA-256), and each partition is scored in batches of {@code batchSize} rows with one
 * inference session per task thread ({@link PartitionScorer}). Rows are a flat vector unless {@code inputShape}
 * gives an image shape {@code [h, w, c]} (NHWC) for a convolutional model.
 */
public final class SimdnnModel extends Model<SimdnnModel> implements MLWritable {
    private static final long serialVersionUID = 1L;
    static final String MODEL_FILE = "model.safetensors";

    private final String uid;
    private final ModelBytes model;
    private transient Broadcast<ModelBytes> broadcast;
    private transient SparkContext broadcastContext;

    // Spark ties a param to its owner's uid when the param is made, so they are made after the uid is set.
    private final Param<String> featuresCol, predictionCol, rawPredictionCol, probabilityCol;
    private final IntParam batchSize;
    private final IntArrayParam inputShape;

    SimdnnModel(String uid, ModelBytes model) {
        this.uid = uid;
        this.model = model;
        featuresCol = new Param<>(this, "featuresCol", "feature vectors (ml Vector, array<float> or array<double>)");
        predictionCol = new Param<>(this, "predictionCol", "predicted class (argmax of the output)");
        rawPredictionCol = new Param<>(this, "rawPredictionCol", "the model's outputs (empty: none)");
        probabilityCol = new Param<>(this, "probabilityCol", "softmax of the outputs (empty: none)");
        batchSize = new IntParam(this, "batchSize", "rows per forward pass", ParamValidators.gtEq(1));
        inputShape = new IntArrayParam(this, "inputShape",
                "one row's shape, e.g. [28, 28, 1] for NHWC images; empty: a flat vector of the row's length");
        setDefault(featuresCol, "features");
        setDefault(predictionCol, "prediction");
        setDefault(rawPredictionCol, "rawPrediction");
        setDefault(probabilityCol, "probability");
        setDefault(batchSize, 256);
        setDefault(inputShape, new int[0]);
    }

    /** Scores with {@code model} (serialised now; later changes to it are not seen). */
    public static SimdnnModel of(Module model) { return new SimdnnModel(Identifiable.randomUID("simdnn"), ModelBytes.of(model)); }

    /** Scores with the model file at {@code path} (checked here: a corrupt file fails on the driver). */
    public static SimdnnModel fromFile(Path path) throws IOException {
        return new SimdnnModel(Identifiable.randomUID("simdnn"), ModelBytes.read(path));
    }

    /** Without the driver's check (tests of what executors do with a bad file). */
    static SimdnnModel unchecked(byte[] bytes) { return new SimdnnModel(Identifiable.randomUID("simdnn"), new ModelBytes(bytes)); }

    public ModelBytes modelBytes() { return model; }

    public Param<String> featuresCol() { return featuresCol; }
    public Param<String> predictionCol() { return predictionCol; }
    public Param<String> rawPredictionCol() { return rawPredictionCol; }
    public Param<String> probabilityCol() { return probabilityCol; }
    public IntParam batchSize() { return batchSize; }
    public IntArrayParam inputShape() { return inputShape; }

    public SimdnnModel setFeaturesCol(String c) { set(featuresCol, c); return this; }
    public SimdnnModel setPredictionCol(String c) { set(predictionCol, c); return this; }
    public SimdnnModel setRawPredictionCol(String c) { set(rawPredictionCol, c); return this; }
    public SimdnnModel setProbabilityCol(String c) { set(probabilityCol, c); return this; }
    public SimdnnModel setBatchSize(int n) { set(batchSize, n); return this; }
    public SimdnnModel setInputShape(int... shape) { set(inputShape, shape.clone()); return this; }

    private String str(Param<String> p) { return (String) getOrDefault(p); }

    @Override public String uid() { return uid; }

    @Override
    public StructType transformSchema(StructType schema) {
        Features.column(schema, str(featuresCol));
        StructType out = add(schema, str(predictionCol), false);
        out = add(out, str(rawPredictionCol), true);
        return add(out, str(probabilityCol), true);
    }

    private static StructType add(StructType s, String name, boolean vector) {
        if (name.isEmpty()) return s;
        if (java.util.Arrays.asList(s.fieldNames()).contains(name)) {
            throw new IllegalArgumentException("output column '" + name + "' already exists in " + s.simpleString());
        }
        return s.add(name, vector ? SQLDataTypes.VectorType() : DataTypes.DoubleType, false);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        VectorApiCheck.require("driver");
        StructType out = transformSchema(dataset.schema());
        Dataset<Row> df = dataset.toDF();
        PartitionScorer scorer = new PartitionScorer(broadcast(df.sparkSession().sparkContext()),
                Features.column(df.schema(), str(featuresCol)), (Integer) getOrDefault(batchSize),
                (int[]) getOrDefault(inputShape), !str(rawPredictionCol).isEmpty(), !str(probabilityCol).isEmpty());
        return df.mapPartitions(scorer, Encoders.row(out));
    }

    /** One broadcast per Spark context, reused by every transform of this model. */
    private synchronized Broadcast<ModelBytes> broadcast(SparkContext sc) {
        if (broadcast == null || broadcastContext != sc || sc.isStopped()) {
            broadcast = JavaSparkContext.fromSparkContext(sc).broadcast(model);
            broadcastContext = sc;
        }
        return broadcast;
    }

    @Override
    public SimdnnModel copy(ParamMap extra) {
        SimdnnModel c = new SimdnnModel(uid, model);
        copyValues(c, extra);
        return c.setParent(parent());
    }

    @Override public MLWriter write() { return new Writer(this); }

    public static MLReader<SimdnnModel> read() { return new Reader(); }

    public static SimdnnModel load(String path) { return read().load(path); }

    @Override
    public String toString() { return "SimdnnModel(" + uid + ", model " + model.shortId() + ", " + model.size() + " bytes)"; }

    private static final class Writer extends MLWriter {
        private final SimdnnModel instance;

        Writer(SimdnnModel instance) { this.instance = instance; }

        @Override
        public void saveImpl(String path) {
            DefaultParamsWriter.saveMetadata(instance, path, sparkSession());
            org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(path, MODEL_FILE);
            try (OutputStream out = file.getFileSystem(sc().hadoopConfiguration()).create(file, true)) {
                out.write(instance.model.bytes());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
            }
        }
    }

    private static final class Reader extends MLReader<SimdnnModel> {
        @Override
        public SimdnnModel load(String path) {
            DefaultParamsReader.Metadata meta = DefaultParamsReader.loadMetadata(path, sparkSession(), SimdnnModel.class.getName());
            org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(path, MODEL_FILE);
            byte[] bytes;
            try {
                FileSystem fs = file.getFileSystem(sc().hadoopConfiguration());
                long len = fs.getFileStatus(file).getLen();
                if (len > Integer.MAX_VALUE - 8) throw new IOException(file + " is " + len + " bytes, more than a Java array holds");
                bytes = new byte[(int) len];
                try (InputStream in = fs.open(file)) {
                    if (in.readNBytes(bytes, 0, bytes.length) != bytes.length) throw new IOException(file + " is shorter than its size");
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
            ModelBytes model;
            try {
                model = ModelBytes.of(bytes);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
            }
            SimdnnModel m = new SimdnnModel(meta.uid(), model);
            meta.getAndSetParams(m, Option.empty());
            return m;
        }
    }
}
