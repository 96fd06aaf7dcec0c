package org.simdnn.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.simdnn.diagnostics.Check;
import org.simdnn.diagnostics.Checklist;
import org.simdnn.diagnostics.DiagnosticModels;
import org.simdnn.diagnostics.LabeledBatch;
import org.simdnn.diagnostics.LayerActivity;
import org.simdnn.diagnostics.LayerGradient;
import org.simdnn.diagnostics.Verdict;
import org.simdnn.nn.Sequential;
import org.simdnn.nn.data.Normalization;
import org.simdnn.nn.train.TrainConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code simdnn diagnose}: the troubleshooting checklist for a network that does not learn, as a table with a
 * verdict and a suggestion per check, then the per-layer activations and gradients. Exit status 1 when a check fails.
 */
@Command(name = "diagnose", mixinStandardHelpOptions = true,
        description = {"Run the troubleshooting checklist on a model: loss at init vs ln(classes), overfitting one batch, "
                + "dead ReLUs and saturated units, per-layer gradient norms and update/weight ratios, NaN/Inf with the "
                + "first layer and step, and the learning-rate range test.",
                "Exit status 1 when a check fails."})
final class DiagnoseCommand implements Callable<Integer> {
    @Mixin
    ModelSource source;

    @Option(names = "--lr", description = "SGD learning rate checked (default: the training recipe's: cnn 0.15, mlp 0.05; else 0.05)")
    Double lr;

    @Option(names = "--batch", converter = OptionValues.Positive.class, defaultValue = "128", description = "batch size of the checks (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--overfit-steps", defaultValue = "300", description = "Adam steps allowed to overfit 16 examples (default: ${DEFAULT-VALUE})")
    int overfitSteps;

    @Option(names = "--nan-steps", defaultValue = "30", description = "SGD steps watched for NaN/Inf (default: ${DEFAULT-VALUE})")
    int nanSteps;

    @Option(names = "--range-steps", defaultValue = "100", description = "steps of the lr range test, lr 1e-5 to 10 (default: ${DEFAULT-VALUE})")
    int rangeSteps;

    @Option(names = "--vanishing", description = "instead: gradient norm per layer of a deep MLP with sigmoid, tanh and ReLU at init")
    boolean vanishing;

    @Option(names = "--depth", converter = OptionValues.Positive.class, defaultValue = "10", description = "hidden layers of the --vanishing MLP (default: ${DEFAULT-VALUE})")
    int depth;

    @Option(names = "--width", converter = OptionValues.Positive.class, defaultValue = "64", description = "width of the --vanishing MLP's hidden layers (default: ${DEFAULT-VALUE})")
    int width;

    @Option(names = "--plot", description = "directory for PNG charts (lr-range-test.png, gradient-norms.png; vanishing-gradients.png)")
    Path plot;

    @Override
    public Integer call() throws IOException {
        try {
            return vanishing ? vanishing() : checklist();
        } catch (IllegalArgumentException e) {
            System.err.println("simdnn diagnose: " + e.getMessage());
            return 2;
        }
    }

    private int checklist() throws IOException {
        ModelSource.Loaded m = source.load();
        double rate = lr != null ? lr : m.kind().equals("cnn") || m.kind().equals("mlp")
                ? TrainConfig.forModel(m.kind(), 1, 0).lr() : 0.05;
        Checklist.Settings settings = Checklist.Settings.defaults(m.fresh(), rate).withNanSteps(nanSteps)
                .withOverfit(16, overfitSteps).withRange(rangeSteps, 1e-5, 10);
        int count = Math.max(nanSteps, rangeSteps);
        List<LabeledBatch> batches = source.batches(m.norm(), batch, Math.min(count, 16));
        System.out.printf(Locale.ROOT, "simdnn diagnose: %s, %d parameters, %d batches of %d training images, lr %.3g%n",
                m.description(), DiagnosticModels.parameterCount(m.model()), batches.size(), batch, rate);
        long t0 = System.nanoTime();
        Checklist.Report r = new Checklist(m.model(), batches, 10, settings).run();
        printChecks(r.checks());
        printLayers(r.activity(), r.gradients());
        System.out.printf(Locale.ROOT, "%.1f s%n", (System.nanoTime() - t0) / 1e9);
        if (plot != null) {
            DiagnosticCharts.lrRange(r.lrRange(), "lr range test: " + m.description(), plot.resolve("lr-range-test.png"));
            Map<String, double[]> g = new LinkedHashMap<>();
            g.put("RMS gradient per weight", r.gradients().stream().mapToDouble(LayerGradient::rmsGrad).toArray());
            g.put("update / weight (lr |g| / |w|)", r.gradients().stream().mapToDouble(LayerGradient::updateRatio).toArray());
            DiagnosticCharts.perLayer(g, "gradients per parameterised layer: " + m.description(), "value (log)",
                    plot.resolve("gradient-norms.png"));
        }
        return r.checks().stream().anyMatch(c -> c.verdict() == Verdict.FAIL) ? 1 : 0;
    }

    static void printChecks(List<Check> checks) {
        System.out.printf(Locale.ROOT, "%n%-24s %-7s %s%n", "check", "verdict", "measured  (-> suggestion)");
        for (Check c : checks) {
            System.out.printf(Locale.ROOT, "%-24s %-7s %s%n", c.name(), c.verdict(), c.measured());
            if (!c.suggestion().isEmpty()) System.out.printf(Locale.ROOT, "%-32s -> %s%n", "", c.suggestion());
        }
    }

    private static void printLayers(List<LayerActivity> activity, List<LayerGradient> grads) {
        System.out.printf(Locale.ROOT, "%n%-5s %-36s %10s %10s %8s %8s%n", "layer", "output", "mean", "std", "dead %", "sat %");
        for (LayerActivity a : activity) {
            System.out.printf(Locale.ROOT, "%-5d %-36s %10.3g %10.3g %8s %8s%n", a.layer(), a.name(), a.mean(), a.std(),
                    pct(a.deadFraction()), pct(a.saturatedFraction()));
        }
        System.out.printf(Locale.ROOT, "%n%-5s %-36s %10s %10s %10s %10s %12s%n", "layer", "parameters", "count", "|grad|",
                "RMS grad", "|w|", "lr|g|/|w|");
        for (LayerGradient g : grads) {
            System.out.printf(Locale.ROOT, "%-5d %-36s %10d %10.3g %10.3g %10.3g %12.3g%n", g.layer(), g.name(), g.parameters(),
                    g.gradNorm(), g.rmsGrad(), g.weightNorm(), g.updateRatio());
        }
    }

    private static String pct(double f) {
        return Double.isNaN(f) ? "-" : String.format(Locale.ROOT, "%.1f", 100 * f);
    }

    /** The vanishing-gradient picture: the same deep MLP with each activation, RMS gradient per layer at init. */
    private int vanishing() throws IOException {
        if (depth < 1 || width < 1) throw new IllegalArgumentException("--depth and --width must be >= 1");
        int[] hidden = new int[depth];
        java.util.Arrays.fill(hidden, width);
        List<LabeledBatch> batches = source.batches(Normalization.FASHION_MNIST, batch, 1);
        Map<String, double[]> series = new LinkedHashMap<>();
        System.out.printf(Locale.ROOT, "simdnn diagnose --vanishing: 784-%d x %d-10 MLP at init (He for ReLU, Glorot for "
                + "sigmoid/tanh), one batch of %d images; RMS gradient per weight by layer%n", width, depth, batch);
        for (String act : DiagnosticModels.ACTIVATIONS) {
            Sequential net = DiagnosticModels.mlp(28, 1, hidden, act, 10, source.seed);
            List<LayerGradient> grads = new Checklist(net, batches, 10, Checklist.Settings.defaults(true, 0.05)).layerGradients();
            double[] rms = grads.stream().mapToDouble(LayerGradient::rmsGrad).toArray();
            series.put(act, rms);
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-8s", act));
            for (double v : rms) sb.append(String.format(Locale.ROOT, " %8.1e", v));
            System.out.println(sb);
            System.out.printf(Locale.ROOT, "%-8s first/last layer %.1e%n", "", rms[0] / rms[rms.length - 1]);
        }
        if (plot != null) {
            DiagnosticCharts.perLayer(series, String.format(Locale.ROOT, "RMS gradient per layer at init, 784-%dx%d-10 MLP",
                    width, depth), "RMS gradient per weight (log)", plot.resolve("vanishing-gradients.png"));
        }
        return 0;
    }
}
