package org.simdnn.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.simdnn.diagnostics.CriticalPoint;
import org.simdnn.diagnostics.DiagnosticModels;
import org.simdnn.diagnostics.FiniteDifferenceHessian;
import org.simdnn.diagnostics.HessianVectorProduct;
import org.simdnn.diagnostics.Hutchinson;
import org.simdnn.diagnostics.LabeledBatch;
import org.simdnn.diagnostics.Lanczos;
import org.simdnn.diagnostics.ModelObjective;
import org.simdnn.diagnostics.SpectralDensity;
import org.simdnn.diagnostics.SymmetricEigen;
import org.simdnn.diagnostics.Vectors;
import org.simdnn.nn.Sequential;
import org.simdnn.nn.data.Normalization;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code simdnn hessian}: the curvature of the training loss (softmax cross-entropy on one fixed batch) at the
 * model's parameters: for small models the full Hessian and all its eigenvalues with the critical-point class; for
 * any model the extreme eigenvalues by Lanczos, the trace by Hutchinson and the spectral density by stochastic
 * Lanczos quadrature, all on finite-difference Hessian-vector products. {@code --at-steps} repeats the analysis
 * along gradient descent on the batch.
 */
@Command(name = "hessian", mixinStandardHelpOptions = true,
        description = {"Hessian spectrum of the loss at the model's parameters: full eigen-decomposition and "
                + "minimum/maximum/saddle classification for small models, Lanczos extremes, Hutchinson trace and "
                + "SLQ density for any model."})
final class HessianCommand implements Callable<Integer> {
    @Mixin
    ModelSource source;

    @Option(names = "--hidden", split = ",", description = "instead of --model: a small MLP with these hidden widths (e.g. 8 or 16,16)")
    int[] hidden;

    @Option(names = "--activation", defaultValue = "tanh", description = "activation of the --hidden MLP: tanh, sigmoid or relu "
            + "(default: ${DEFAULT-VALUE}: smooth, so finite differences never straddle a ReLU kink)")
    String activation;

    @Option(names = "--pool", description = "average-pool the images by this factor first (built-in perceptron and --hidden MLP only; default 2 for those: 14x14 inputs)")
    Integer pool;

    @Option(names = "--batch", converter = OptionValues.Positive.class, defaultValue = "256", description = "training images the loss is averaged over (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--full-max", defaultValue = "3000", description = "largest parameter count for the full Hessian (default: ${DEFAULT-VALUE})")
    int fullMax;

    @Option(names = "--step", defaultValue = "1e-3", description = "finite-difference step of the full Hessian (default: ${DEFAULT-VALUE})")
    double step;

    @Option(names = "--hvp-step", defaultValue = "1e-3", description = "finite-difference step of the Hessian-vector products along the unit direction (default: ${DEFAULT-VALUE})")
    double hvpStep;

    @Option(names = "--top-k", converter = OptionValues.Positive.class, defaultValue = "5", description = "extreme eigenvalues reported at each end (default: ${DEFAULT-VALUE})")
    int topK;

    @Option(names = "--lanczos-steps", defaultValue = "40", description = "Lanczos iterations, for the extremes and per SLQ probe (default: ${DEFAULT-VALUE})")
    int lanczosSteps;

    @Option(names = "--probes", converter = OptionValues.Positive.class, defaultValue = "4", description = "SLQ probe vectors (default: ${DEFAULT-VALUE})")
    int probes;

    @Option(names = "--hutchinson", defaultValue = "20", description = "Hutchinson probe vectors (default: ${DEFAULT-VALUE})")
    int hutchinson;

    @Option(names = "--at-steps", split = ",", description = "gradient-descent steps on the batch at which to analyse (e.g. 0,50,200); default: only now")
    int[] atSteps;

    @Option(names = "--lr", defaultValue = "0.1", description = "learning rate of the --at-steps gradient descent (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--plot", description = "PNG of the spectrum (full-Hessian histogram and SLQ density) at the last point")
    Path plot;

    @Option(names = "--eigenvalues", description = "write all eigenvalues of the full Hessian at the last point here, one per line")
    Path eigenvaluesFile;

    @Override
    public Integer call() throws IOException {
        try {
            return run();
        } catch (IllegalArgumentException e) {
            System.err.println("simdnn hessian: " + e.getMessage());
            return 2;
        }
    }

    private int run() throws IOException {
        if (batch < 1 || topK < 1 || lanczosSteps < 2 || probes < 1 || hutchinson < 2 || !(step > 0) || !(hvpStep > 0)) {
            throw new IllegalArgumentException("--batch, --top-k >= 1, --lanczos-steps >= 2, --probes >= 1, --hutchinson >= 2, --step and --hvp-step > 0 required");
        }
        Sequential model;
        String what;
        Normalization norm;
        if (hidden != null) {
            if (source.model != null || source.modelFile != null) throw new IllegalArgumentException("--hidden builds its own MLP: drop --model/--model-file");
            int p = pool != null ? pool : 2;
            model = DiagnosticModels.mlp(28, p, hidden, activation, 10, source.seed);
            what = "MLP " + DiagnosticModels.describeMlp(28, p, hidden, activation) + " (fresh, seed " + source.seed + ")";
            norm = Normalization.FASHION_MNIST;
        } else if ("perceptron".equals(source.model)) {
            int p = pool != null ? pool : 2;
            model = DiagnosticModels.perceptron(28, p);
            what = "perceptron as a linear softmax classifier (zero weights" + (p > 1 ? ", " + p + "x" + p + "-pooled images" : "") + ")";
            norm = Normalization.UNIT;
        } else {
            if (pool != null) throw new IllegalArgumentException("--pool applies to the built-in perceptron and --hidden only");
            ModelSource.Loaded m = source.load();
            model = m.model();
            what = m.description();
            norm = m.norm();
        }
        LabeledBatch b = source.batches(norm, batch, 1).get(0);
        ModelObjective f = new ModelObjective(model, b.images(), b.labels());
        int n = f.dimension();
        System.out.printf(Locale.ROOT, "simdnn hessian: %s, %d parameters; loss = softmax cross-entropy on %d training images "
                + "(training mode: batch-norm batch statistics, fixed dropout masks)%n", what, n, b.size());
        int[] steps = atSteps != null ? atSteps.clone() : new int[] {0};
        Arrays.sort(steps);
        if (steps[0] < 0) throw new IllegalArgumentException("--at-steps must be >= 0");
        if (DiagnosticModels.hasKinks(model)) {
            System.out.println("note: this model has ReLU or max-pool kinks; a finite-difference Hessian-vector product counts the "
                    + "gradient jumps of the units it pushes across a kink, a term that grows as ε^-1/2 as the step shrinks (an "
                    + "exact HVP drops it): compare two --hvp-step values before trusting the extremes (docs/diagnostics.md)");
        }
        boolean full = n <= fullMax;
        if (!full) System.out.printf(Locale.ROOT, "full Hessian skipped: %d parameters > --full-max %d%n", n, fullMax);

        double[] theta = f.parameters(), grad = new double[n];
        int done = 0;
        List<String> trace = new ArrayList<>();
        for (int k = 0; k < steps.length; k++) {
            for (; done < steps[k]; done++) {
                f.gradient(theta, grad);
                Vectors.axpy(-lr, grad, theta);
            }
            boolean last = k == steps.length - 1;
            if (steps.length > 1) System.out.printf(Locale.ROOT, "%n== after %d gradient-descent steps (lr %.3g) ==%n", done, lr);
            trace.add(analyse(f, theta, full, last, done));
        }
        if (steps.length > 1) {
            System.out.printf(Locale.ROOT, "%nalong training (gradient descent on the batch, lr %.3g):%n%6s %9s %9s %11s %11s %5s  %s%n",
                    lr, "step", "loss", "|grad|", "λmin", "λmax", "neg", "class");
            trace.forEach(System.out::println);
        }
        f.restore();
        return 0;
    }

    /** Prints the analysis at θ; returns the one-line summary for the along-training table. */
    private String analyse(ModelObjective f, double[] theta, boolean full, boolean last, int stepNo) throws IOException {
        int n = f.dimension();
        double[] g = new double[n];
        double loss = f.gradient(theta, g), gnorm = Vectors.norm(g);
        System.out.printf(Locale.ROOT, "loss %.5f, |grad| %.3e%n", loss, gnorm);
        double[] eig = null;
        CriticalPoint cp = null;
        if (full) {
            long t0 = System.nanoTime();
            FiniteDifferenceHessian.Result h = FiniteDifferenceHessian.compute(f, theta, step);
            double tFd = (System.nanoTime() - t0) / 1e9;
            t0 = System.nanoTime();
            eig = SymmetricEigen.eigenvalues(h.matrix(), n);
            double tEig = (System.nanoTime() - t0) / 1e9;
            cp = CriticalPoint.classify(eig, h.flatTolerance(), gnorm);
            System.out.printf(Locale.ROOT, "full Hessian: central differences of gradients, step h = %.1e, %d gradients, %.1f s; "
                    + "symmetrised: max |H - Hᵀ| = %.2e (%.1e of max |H| = %.3g), error scale ‖(H - Hᵀ)/2‖₂ = %.2e%n",
                    h.step(), 2 * n + 1, tFd, h.maxAsymmetry(), h.maxAsymmetry() / h.maxAbs(), h.maxAbs(), h.noiseNorm());
            System.out.printf(Locale.ROOT, "eigenvalues (EJML symmetric QR, %.1f s): smallest %s%n  largest %s%n", tEig,
                    list(eig, 0, Math.min(topK, n)), list(eig, Math.max(0, n - topK), n));
            double trace = 0;
            for (double l : eig) trace += l;
            System.out.printf(Locale.ROOT, "trace %.4g; %s%n", trace, cp.describe());
            if (last && eigenvaluesFile != null) {
                StringBuilder sb = new StringBuilder();
                for (double l : eig) sb.append(l).append('\n');
                Files.writeString(eigenvaluesFile, sb);
                System.out.println("wrote " + eigenvaluesFile);
            }
        }
        HessianVectorProduct hvp = new HessianVectorProduct(f, theta, hvpStep);
        SplittableRandom rng = new SplittableRandom(source.seed);
        long t0 = System.nanoTime();
        Lanczos.Result lr = Lanczos.run(hvp, Vectors.rademacher(n, rng), lanczosSteps);
        SymmetricEigen.Decomposition ritz = lr.ritz();
        double[] res = lr.residuals(ritz);
        int m = lr.steps(), k = Math.min(topK, m);
        System.out.printf(Locale.ROOT, "Lanczos (%d steps on finite-difference HVPs, ε = %.2e, %.1f s):%n  top    %s%n  bottom %s%n",
                m, hvp.epsilon(), (System.nanoTime() - t0) / 1e9, ritzList(ritz.values(), res, m - k, m, true),
                ritzList(ritz.values(), res, 0, k, false));
        if (eig != null) {
            System.out.printf(Locale.ROOT, "  vs full: λmax %.5g / %.5g, λmin %.5g / %.5g%n", ritz.values()[m - 1], eig[n - 1],
                    ritz.values()[0], eig[0]);
        }
        String row = String.format(Locale.ROOT, "%6d %9.5f %9.2e %11.4g %11.4g %5s  %s", stepNo, loss, gnorm,
                eig != null ? eig[0] : ritz.values()[0], eig != null ? eig[n - 1] : ritz.values()[m - 1],
                cp != null ? Integer.toString(cp.negative()) : "-", cp != null ? cp.kind().toString().toLowerCase(Locale.ROOT) : "(Lanczos)");
        if (!last) return row;
        t0 = System.nanoTime();
        Hutchinson.Estimate tr = Hutchinson.trace(hvp, hutchinson, rng);
        System.out.printf(Locale.ROOT, "Hutchinson trace: %.4g ± %.2g (%d Rademacher probes, %.1f s)%n", tr.trace(),
                tr.standardError(), tr.samples(), (System.nanoTime() - t0) / 1e9);
        t0 = System.nanoTime();
        SpectralDensity.Result d = SpectralDensity.estimate(hvp, probes, lanczosSteps, rng, 500, 0.01);
        // a node counts as negative below -1e-3 of the largest |node| (finite-difference noise sits around 0)
        double tol = 1e-3 * Math.max(Math.abs(min(d.nodes())), Math.abs(max(d.nodes()))), negMass = 0, flatMass = 0;
        for (int i = 0; i < d.nodes().length; i++) {
            if (d.nodes()[i] < -tol) negMass += d.weights()[i];
            else if (d.nodes()[i] <= tol) flatMass += d.weights()[i];
        }
        System.out.printf(Locale.ROOT, "SLQ density: %d probes x %d steps, Gaussian width %.2e, %.1f s; nodes in [%.4g, %.4g]; "
                + "spectral mass below -%.1e: %.1f %%, within ±%.1e: %.1f %%%n", probes, lanczosSteps, d.sigma(),
                (System.nanoTime() - t0) / 1e9, min(d.nodes()), max(d.nodes()), tol, 100 * negMass, tol, 100 * flatMass);
        if (plot != null) {
            DiagnosticCharts.spectrum(eig, d.grid(), d.density(), "Hessian spectrum at step " + stepNo + " (" + n + " parameters)", plot);
        }
        return row;
    }

    private static String list(double[] a, int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) sb.append(String.format(Locale.ROOT, i > from ? ", %.4g" : "%.4g", a[i]));
        return sb.toString();
    }

    private static String ritzList(double[] v, double[] res, int from, int to, boolean descending) {
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < to - from; j++) {
            int i = descending ? to - 1 - j : from + j;
            sb.append(String.format(Locale.ROOT, j > 0 ? ", %.4g (±%.1e)" : "%.4g (±%.1e)", v[i], res[i]));
        }
        return sb.toString();
    }

    private static double min(double[] a) { return Arrays.stream(a).min().orElse(Double.NaN); }

    private static double max(double[] a) { return Arrays.stream(a).max().orElse(Double.NaN); }
}
