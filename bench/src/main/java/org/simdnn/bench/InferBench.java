package org.simdnn.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.simdnn.kernels.cpu.Parallel;
import org.simdnn.nn.Module;
import org.simdnn.nn.train.Models;
import org.simdnn.onnx.OnnxModel;
import org.simdnn.onnx.OnnxSession;
import org.simdnn.onnx.export.OnnxExport;
import org.simdnn.tensor.Layout;
import org.simdnn.tensor.Tensor;

/**
 * Whole-model inference: simdnn's ONNX runtime ({@link OnnxModel}, one {@link OnnxSession}) against ONNX Runtime's
 * Java API on the same ONNX bytes, the same input and the same intra-op thread count. Each call is one forward pass
 * of a batch; JMH samples every call ({@link Mode#SampleTime}), so one run gives the mean (images/s = batch / mean)
 * and the median and p99 latency.
 *
 * <ul>
 *   <li>{@code simdnn}: {@link OnnxSession#run(Map, Map)} into an output tensor made once (the serving loop: a
 *       steady-state call allocates nothing), with {@link Parallel#setThreads threads} kernel threads.
 *   <li>{@code onnxruntime}: ONNX Runtime 1.29 (CPU execution provider), {@code setIntraOpNumThreads(threads)},
 *       {@code setInterOpNumThreads(1)}, sequential execution, all graph optimisations; the input tensor is created
 *       once, each call closes its result.
 * </ul>
 * Shapes are {@code <model>-b<batch>}: {@code cnn} is the reference CNN ({@link Models#cnn}, the network
 * {@code ./simdnn train --model cnn} trains, freshly initialised, exported by {@link OnnxExport}; 1x28x28 input);
 * {@code resnet18} and {@code mobilenet_v2} are torchvision's (random weights, 3x224x224) exported by
 * {@code onnx/scripts/export_torchvision.py} into {@code ${SIMDNN_CACHE:-~/.cache/simdnn}/onnx-models}. When they are
 * missing the setup runs that script; without python3-torch the configuration is skipped with the reason.
 * Setup runs both runtimes on the input and throws, naming model, batch and error, when they disagree.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class InferBench {
    @Param({"cnn-b256", "cnn-b1", "resnet18-b1", "resnet18-b32", "mobilenet_v2-b1", "mobilenet_v2-b32"})
    public String shape;

    @Param({"simdnn", "onnxruntime"})
    public String impl;

    @Param({"1", "2"})
    public int threads;

    /** {@code --quick}: the reference CNN at both batches and the cheaper torchvision model at batch 1. */
    public static final String[] QUICK_SHAPES = {"cnn-b256", "cnn-b1", "mobilenet_v2-b1"};

    /** The runtimes' outputs may differ by at most this, relative to the output's largest magnitude. */
    static final double TOLERANCE = 1e-4;

    /** Seed of the reference CNN's weights and of every input. */
    static final long SEED = 42;

    private static final Pattern SHAPE = Pattern.compile("(cnn|resnet18|mobilenet_v2)-b(\\d+)");

    /** A parsed shape: model name and batch. */
    record Workload(String model, int batch) {
        Workload {
            if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }

        static Workload parse(String s) {
            Matcher m = SHAPE.matcher(s);
            if (!m.matches()) {
                throw new IllegalArgumentException("infer shape must be <cnn|resnet18|mobilenet_v2>-b<batch>, got " + s);
            }
            return new Workload(m.group(1), Integer.parseInt(m.group(2)));
        }

        /** NCHW input shape. */
        int[] input() {
            return model.equals("cnn") ? new int[] {batch, 1, 28, 28} : new int[] {batch, 3, 224, 224};
        }
    }

    /** Images per benchmark operation (the report turns ops/s into images/s with it). */
    public static int items(String shape) { return Workload.parse(shape).batch(); }

    private Workload w;
    private OnnxSession session;
    private Map<String, Tensor> simdnnIn, simdnnOut;
    private OrtSession ort;
    private OnnxTensor ortIn;
    private String inputName, outputName;

    @Setup(Level.Trial)
    public void setup() throws IOException, OrtException {
        w = Workload.parse(shape);
        if (!impl.equals("simdnn") && !impl.equals("onnxruntime")) {
            throw new IllegalArgumentException("impl must be simdnn or onnxruntime, got " + impl);
        }
        byte[] onnx = modelBytes(w.model());
        Parallel.setThreads(threads);
        OnnxModel model = OnnxModel.load(onnx, null);
        inputName = model.inputs().get(0).name();
        outputName = model.outputs().get(0).name();
        Tensor x = Tensor.zeros(Layout.NCHW, w.input());
        SplittableRandom r = new SplittableRandom(SEED);
        float[] xd = x.data();
        for (int i = 0; i < xd.length; i++) xd[i] = (float) r.nextGaussian();
        session = model.newSession(false); // the steady state: the vector kernels from the first call
        simdnnIn = Map.of(inputName, x);
        simdnnOut = Map.of(outputName, Tensor.zeros(session.run(simdnnIn).get(outputName).shape()));
        ort = onnxRuntime(onnx, threads);
        ortIn = OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), FloatBuffer.wrap(xd), longs(w.input()));
        verify();
        if (impl.equals("simdnn")) {
            closeOrt();
        } else {
            session.close();
            session = null;
        }
    }

    /** Runs both runtimes once on the input; throws before anything is timed when they disagree. */
    private void verify() throws OrtException {
        session.run(simdnnIn, simdnnOut);
        float[] ours = simdnnOut.get(outputName).contiguous().toArray();
        float[] theirs;
        try (OrtSession.Result res = ort.run(Map.of(inputName, ortIn))) {
            FloatBuffer b = ((OnnxTensor) res.get(outputName).orElseThrow()).getFloatBuffer();
            theirs = new float[b.remaining()];
            b.get(theirs);
        }
        double err = relativeError(ours, theirs);
        if (!(err <= TOLERANCE)) {
            throw new IllegalStateException("simdnn and onnxruntime disagree on " + w.model() + " batch " + w.batch()
                    + " (" + threads + " thread(s)): max |simdnn - onnxruntime| / max |onnxruntime| = " + err + " > " + TOLERANCE
                    + (ours.length != theirs.length ? " (output sizes " + ours.length + " vs " + theirs.length + ")" : ""));
        }
    }

    /** {@code max|a - b| / max|b|}; infinite when the sizes differ or {@code a} has a NaN. */
    static double relativeError(float[] a, float[] b) {
        if (a.length != b.length) return Double.POSITIVE_INFINITY;
        double diff = 0, scale = Double.MIN_NORMAL;
        for (int i = 0; i < a.length; i++) {
            if (Float.isNaN(a[i]) != Float.isNaN(b[i])) return Double.POSITIVE_INFINITY;
            diff = Math.max(diff, Math.abs((double) a[i] - b[i]));
            scale = Math.max(scale, Math.abs(b[i]));
        }
        return diff / scale;
    }

    /** ONNX Runtime configured like simdnn runs: {@code threads} intra-op threads, sequential, all optimisations. */
    static OrtSession onnxRuntime(byte[] onnx, int threads) throws OrtException {
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(threads);
            o.setInterOpNumThreads(1);
            o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            return OrtEnvironment.getEnvironment().createSession(onnx, o);
        }
    }

    /** The model's ONNX bytes: the reference CNN exported here, or a torchvision file from the cache. */
    static byte[] modelBytes(String model) throws IOException {
        if (model.equals("cnn")) return referenceCnn();
        return Files.readAllBytes(TorchvisionModels.file(model));
    }

    /** The reference CNN, freshly initialised from {@link #SEED}, as ONNX (symbolic batch, NCHW 1x28x28 input). */
    static byte[] referenceCnn() {
        Module m = Models.cnn(SEED);
        m.eval();
        return OnnxExport.toProto(m, OnnxExport.sampleShape(m, 28, 28)).toByteArray();
    }

    private static long[] longs(int[] a) {
        long[] l = new long[a.length];
        for (int i = 0; i < a.length; i++) l[i] = a[i];
        return l;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        if (session != null) session.close();
        session = null;
        closeOrt();
    }

    private void closeOrt() throws OrtException {
        if (ortIn != null) ortIn.close();
        if (ort != null) ort.close();
        ortIn = null;
        ort = null;
    }

    @Benchmark
    public Object infer() throws OrtException {
        if (session != null) {
            session.run(simdnnIn, simdnnOut);
            return simdnnOut;
        }
        try (OrtSession.Result res = ort.run(Map.of(inputName, ortIn))) {
            return res.get(0);
        }
    }
}
