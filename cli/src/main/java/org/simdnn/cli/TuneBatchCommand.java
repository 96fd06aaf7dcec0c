package org.simdnn.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.simdnn.diagnostics.BatchSizeTuner;
import org.simdnn.diagnostics.DiagnosticModels;
import org.simdnn.kernels.cpu.Parallel;
import org.simdnn.kernels.gemm.Gemm;
import org.simdnn.nn.Module;
import org.simdnn.nn.Sequential;
import org.simdnn.nn.optim.Sgd;
import org.simdnn.nn.train.Models;
import org.simdnn.ops.Backend;
import org.simdnn.ops.Backends;
import org.simdnn.tensor.Layout;
import org.simdnn.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code simdnn tune-batch}: training throughput (images/s: forward, backward, SGD step) over batch sizes, each
 * after warm-up, median and spread over repeats; the fastest size, the smallest within 2 % of it (least activation
 * memory) and the largest jumps between neighbouring sizes. Random images: throughput does not depend on the pixels.
 */
@Command(name = "tune-batch", mixinStandardHelpOptions = true,
        description = {"Training throughput over batch sizes (default every 16 from 16 to 512): the best size, the "
                + "smallest size within 2 % of it, the curve and its largest jumps."})
final class TuneBatchCommand implements Callable<Integer> {
    @Mixin
    ModelSource source;

    @Option(names = "--from", converter = OptionValues.Positive.class, defaultValue = "16", description = "smallest batch size (default: ${DEFAULT-VALUE})")
    int from;

    @Option(names = "--to", converter = OptionValues.Positive.class, defaultValue = "512", description = "largest batch size (default: ${DEFAULT-VALUE})")
    int to;

    @Option(names = "--every", converter = OptionValues.Positive.class, defaultValue = "16", description = "step between batch sizes (default: ${DEFAULT-VALUE})")
    int every;

    @Option(names = "--warmup", defaultValue = "2", description = "untimed steps per size (default: ${DEFAULT-VALUE}; plus one JIT warm-up pass first)")
    int warmup;

    @Option(names = "--repeats", converter = OptionValues.Positive.class, defaultValue = "3", description = "timed runs per size (default: ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "--images-per-run", converter = OptionValues.Positive.class, description = "images per timed run (default: cnn 1024, others 16384)")
    Integer imagesPerRun;

    @Option(names = "--tolerance", defaultValue = "0.02", description = "fraction of the best throughput counted as as fast (default: ${DEFAULT-VALUE})")
    double tolerance;

    @Option(names = "--plot", description = "PNG of throughput against batch size")
    Path plot;

    @Override
    public Integer call() throws IOException {
        BatchSizeTuner.Settings settings;
        Sequential model;
        String what;
        try {
            if (source.model == null && source.modelFile == null) source.model = "cnn";
            ModelSource.Loaded m = source.load();
            model = m.model();
            what = m.description();
            settings = new BatchSizeTuner.Settings(BatchSizeTuner.Settings.range(from, to, every), warmup, repeats,
                    imagesPerRun != null ? imagesPerRun : m.kind().equals("cnn") ? 1024 : 16384, tolerance);
        } catch (IllegalArgumentException e) {
            System.err.println("simdnn tune-batch: " + e.getMessage());
            return 2;
        }
        Workload w = new Workload(model, to, source.seed);
        long perImage = activationFloatsPerImage(model);
        String load0 = loadAverage();
        System.out.printf(Locale.ROOT, "simdnn tune-batch: %s, batch %d..%d every %d, %d threads, GEMM %s; load average %s%n",
                what, from, to, every, Parallel.threads(), Gemm.kernelId(), load0);
        // JIT warm-up: every kernel path compiled before the first timed size
        for (int b : new int[] {from, (from + to) / 2, to}) for (int i = 0; i < 3; i++) w.step(b);
        BatchSizeTuner.Result r = new BatchSizeTuner(w, System::nanoTime).run(settings);
        System.out.printf(Locale.ROOT, "%n%6s %12s %23s %8s %14s%n", "batch", "images/s", "min..max", "spread", "activations");
        for (BatchSizeTuner.Point p : r.points()) {
            System.out.printf(Locale.ROOT, "%6d %12.0f %11.0f..%-11.0f %7.1f%% %10.1f MiB%n", p.batchSize(), p.median(), p.min(),
                    p.max(), 100 * p.spread(), mib(perImage, p.batchSize()));
        }
        BatchSizeTuner.Point best = r.best(), small = r.smallestNearBest();
        System.out.printf(Locale.ROOT, "%nbest: batch %d at %.0f images/s; smallest within %.0f %%: batch %d at %.0f images/s "
                + "(%.1f MiB of activations instead of %.1f)%n", best.batchSize(), best.median(), 100 * tolerance,
                small.batchSize(), small.median(), mib(perImage, small.batchSize()), mib(perImage, best.batchSize()));
        System.out.println("largest jumps between neighbouring sizes:");
        for (BatchSizeTuner.Jump j : r.largestJumps()) {
            System.out.printf(Locale.ROOT, "  %d -> %d: %+.1f %%%n", j.from(), j.to(), 100 * j.change());
        }
        System.out.printf(Locale.ROOT, "load average at the end: %s (other processes on these cores make the curve noisy)%n",
                loadAverage());
        if (plot != null) {
            double[] x = r.points().stream().mapToDouble(BatchSizeTuner.Point::batchSize).toArray();
            double[] med = r.points().stream().mapToDouble(BatchSizeTuner.Point::median).toArray();
            double[] lo = r.points().stream().mapToDouble(BatchSizeTuner.Point::min).toArray();
            double[] hi = r.points().stream().mapToDouble(BatchSizeTuner.Point::max).toArray();
            DiagnosticCharts.curves(List.of("median", "min", "max"), List.of(x, x, x), List.of(med, lo, hi),
                    "training throughput: " + what + ", " + Parallel.threads() + " threads", "batch size", "images/s", false, plot);
        }
        return 0;
    }

    /** Floats of every layer's output for one image: training keeps each output and a gradient of its size. */
    static long activationFloatsPerImage(Sequential model) {
        int[] s = {1, 28, 28, 1};
        if (Models.input(model, Tensor.zeros(Layout.NHWC, s)).rank() == 2) s = new int[] {1, 784};
        long n = 0;
        for (Module m : model.layers()) {
            s = m.outputShape(s);
            long size = 1;
            for (int d : s) size *= d;
            n += size;
        }
        return n;
    }

    private static double mib(long floatsPerImage, int batch) {
        return 2.0 * floatsPerImage * batch * 4 / (1 << 20);
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2] + " (1, 5, 15 min)";
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** One SGD step of softmax cross-entropy on the first b rows of a fixed random batch. */
    private static final class Workload implements BatchSizeTuner.Workload {
        private final Sequential model;
        private final Tensor images;
        private final int[] labels;
        private final Sgd sgd;
        private final Backend backend = Backends.get();
        private Tensor dlogits;
        private int[] batchLabels = new int[0];

        Workload(Sequential model, int maxBatch, long seed) {
            this.model = model;
            model.useBackend(backend);
            SplittableRandom rng = new SplittableRandom(seed);
            float[] px = new float[maxBatch * 784];
            for (int i = 0; i < px.length; i++) px[i] = (float) rng.nextGaussian();
            this.images = Tensor.wrap(px, 0, Layout.NHWC, maxBatch, 28, 28, 1);
            this.labels = new int[maxBatch];
            for (int i = 0; i < maxBatch; i++) labels[i] = rng.nextInt(10);
            this.sgd = new Sgd(model.parameters(), 1e-3f, backend).momentum(0.9f);
        }

        @Override
        public void step(int b) {
            Tensor logits = model.forward(Models.input(model, images.slice(0, 0, b)), true);
            if (dlogits == null || !dlogits.sameShape(logits)) dlogits = Tensor.zeros(logits.shape());
            if (batchLabels.length != b) batchLabels = java.util.Arrays.copyOf(labels, b);
            backend.softmaxCrossEntropy(logits, batchLabels, 0f, dlogits);
            model.backward(dlogits);
            sgd.step();
        }
    }
}
