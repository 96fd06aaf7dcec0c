package org.simdnn.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.simdnn.kernels.cpu.Parallel;
import org.simdnn.nn.io.AtomicFiles;
import org.simdnn.nn.io.Npy;
import org.simdnn.onnx.OnnxModel;
import org.simdnn.onnx.OnnxSession;
import org.simdnn.onnx.ValueInfo;
import org.simdnn.tensor.Layout;
import org.simdnn.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code simdnn run}: runs an ONNX model on {@code .npy} inputs (or random ones) and writes each output as
 * {@code DIR/NAME.npy}. Prints each output's name and shape, the first call's latency (plan warm-up included),
 * the median of the other calls and images/s (first input's batch / median).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run an ONNX model on .npy inputs (NCHW, as the model declares them) or random ones.")
final class RunCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL.onnx", description = "the ONNX model")
    Path model;

    @Option(names = "--input", paramLabel = "NAME=FILE.npy",
            description = "an input from a .npy file (float32 or float64); NAME= may be left out for a one-input model")
    List<String> inputs = new ArrayList<>();

    @Option(names = "--random", description = "standard-normal inputs (fixed seed) for the inputs not given by --input")
    boolean random;

    @Option(names = "--batch", defaultValue = "1", converter = OptionValues.Positive.class, description = "batch size of --random inputs (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--output-dir", paramLabel = "DIR", description = "write each output as DIR/NAME.npy")
    Path outputDir;

    @Option(names = "--threads", converter = OptionValues.Threads.class, description = "kernel threads (default: all cores)")
    Integer threads;

    @Option(names = "--repeat", defaultValue = "10", converter = OptionValues.Positive.class, description = "calls to time, the first included (default: ${DEFAULT-VALUE})")
    int repeat;

    @Option(names = "--profile", description = "after the timed calls, time each plan step over --repeat more calls and print the medians")
    boolean profile;

    @Override
    public Integer call() throws IOException {
        if (threads != null) Parallel.setThreads(threads);
        if (outputDir != null) AtomicFiles.checkWritableDirectory(outputDir);
        OnnxModel m = OnnxModel.load(model);
        Map<String, Tensor> in = inputs(m);
        long[] nanos = new long[repeat];
        Map<String, Tensor> out;
        try (OnnxSession s = m.newSession()) {
            out = null;
            for (int i = 0; i < repeat; i++) {
                long t0 = System.nanoTime();
                out = s.run(in);
                nanos[i] = System.nanoTime() - t0;
            }
            report(out, nanos, in.values().iterator().next().dim(0));
            if (profile) System.out.print(s.profile(in, repeat));
            if (outputDir != null) {
                for (Map.Entry<String, Tensor> e : out.entrySet()) Npy.write(outputDir.resolve(fileName(e.getKey())), e.getValue());
            }
        }
        return 0;
    }

    private Map<String, Tensor> inputs(OnnxModel m) throws IOException {
        Map<String, ValueInfo> declared = new LinkedHashMap<>();
        for (ValueInfo v : m.inputs()) declared.put(v.name(), v);
        Map<String, Tensor> in = new LinkedHashMap<>();
        for (String spec : inputs) {
            int eq = spec.indexOf('=');
            String name = eq < 0 ? null : spec.substring(0, eq);
            if (name == null) {
                if (declared.size() != 1) {
                    throw new IllegalArgumentException("--input " + spec + ": the model has " + declared.size()
                            + " inputs " + declared.keySet() + "; say which with NAME=FILE.npy");
                }
                name = declared.keySet().iterator().next();
            }
            ValueInfo v = declared.get(name);
            if (v == null) throw new IllegalArgumentException("--input " + spec + ": the model has no input '" + name + "'; its inputs are " + describe(m.inputs()));
            Tensor t = Npy.read(Path.of(spec.substring(eq + 1)));
            check(v, t.shape(), spec.substring(eq + 1));
            in.put(name, t.rank() == 4 ? t.reshape(Layout.NCHW, t.shape()) : t);
        }
        SplittableRandom rng = new SplittableRandom(0);
        for (ValueInfo v : m.inputs()) {
            if (in.containsKey(v.name())) continue;
            if (!random) {
                throw new IllegalArgumentException("no data for input '" + v.name() + "' " + shape(v.shape())
                        + "; give --input " + v.name() + "=FILE.npy or --random (inputs: " + describe(m.inputs()) + ")");
            }
            int[] s = v.shape().clone();
            for (int d = 0; d < s.length; d++) {
                if (s[d] >= 0) continue;
                if (d != 0) throw new IllegalArgumentException("input '" + v.name() + "' " + shape(v.shape()) + " has a symbolic"
                        + " dim besides the batch; give it with --input " + v.name() + "=FILE.npy");
                s[d] = batch;
            }
            Tensor t = s.length == 4 ? Tensor.zeros(Layout.NCHW, s) : Tensor.zeros(s);
            float[] data = t.data();
            for (int i = 0; i < data.length; i++) data[i] = (float) rng.nextGaussian();
            in.put(v.name(), t);
        }
        return in;
    }

    /** The file's shape against the declared one (-1 matches anything). */
    private static void check(ValueInfo v, int[] actual, String file) {
        int[] want = v.shape();
        boolean ok = want.length == actual.length;
        for (int d = 0; ok && d < want.length; d++) ok = want[d] < 0 || want[d] == actual[d];
        if (!ok) {
            throw new IllegalArgumentException(file + " has shape " + Arrays.toString(actual) + ", input '" + v.name()
                    + "' needs " + shape(want));
        }
    }

    private void report(Map<String, Tensor> out, long[] nanos, int images) {
        for (Map.Entry<String, Tensor> e : out.entrySet()) {
            System.out.println(e.getKey() + " " + Arrays.toString(e.getValue().shape())
                    + (outputDir == null ? "" : " -> " + outputDir.resolve(fileName(e.getKey()))));
        }
        long[] rest = nanos.length > 1 ? Arrays.copyOfRange(nanos, 1, nanos.length) : nanos.clone();
        Arrays.sort(rest);
        double median = (rest[(rest.length - 1) / 2] + rest[rest.length / 2]) / 2e9;
        System.out.printf(Locale.ROOT, "first call: %.2f ms  median of %d: %.2f ms  images/s: %.1f%n", nanos[0] / 1e6,
                rest.length, median * 1e3, images / median);
    }

    /** Output names may hold '/' or ':' (TensorFlow's "Identity:0"): keep file names plain. */
    static String fileName(String output) {
        return output.replaceAll("[^A-Za-z0-9._-]", "_") + ".npy";
    }

    static String shape(int[] dims) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) sb.append(i > 0 ? ", " : "").append(dims[i] < 0 ? "?" : Integer.toString(dims[i]));
        return sb.append(']').toString();
    }

    static String describe(List<ValueInfo> values) {
        StringBuilder sb = new StringBuilder();
        for (ValueInfo v : values) sb.append(sb.isEmpty() ? "" : ", ").append(v.name()).append(' ').append(shape(v.shape()));
        return sb.toString();
    }
}
