package org.simdnn.diagnostics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.simdnn.nn.BatchNorm;
import org.simdnn.nn.Module;
import org.simdnn.nn.Parameter;
import org.simdnn.nn.ReLU;
import org.simdnn.nn.Sequential;
import org.simdnn.nn.Sigmoid;
import org.simdnn.nn.Tanh;
import org.simdnn.nn.optim.Adam;
import org.simdnn.nn.optim.Optimizer;
import org.simdnn.nn.optim.Sgd;
import org.simdnn.nn.train.Models;
import org.simdnn.ops.Backend;
import org.simdnn.ops.Backends;
import org.simdnn.tensor.Tensor;

/**
 * The troubleshooting checklist for a classifier that does not learn (after Karpathy's "A recipe for training neural
 * networks"), run on a model and a few batches: loss at initialisation against ln(classes), overfitting one small
 * batch, per-layer activations (dead ReLUs, saturated sigmoid/tanh), per-layer gradient norms and update-to-weight
 * ratios, a short training run watched for NaN/Inf, and the learning-rate range test. Every check that trains puts
 * the model back as it found it.
 */
public final class Checklist {
    private final Sequential model;
    private final List<LabeledBatch> batches;
    private final int classes;
    private final Settings settings;
    private final Backend backend = Backends.get();
    private final List<Parameter> params;

    /**
     * @param fresh           the model is freshly initialised (the loss-at-init check applies)
     * @param lr              the SGD learning rate the model is (to be) trained with: update ratios, the NaN run
     * @param overfitExamples examples in the batch to overfit
     * @param overfitSteps    Adam steps allowed to overfit it
     * @param overfitLr       Adam's learning rate for it
     * @param overfitTarget   the loss that counts as "near zero"
     * @param nanSteps        SGD steps of the NaN/Inf watch
     * @param rangeSteps      steps of the lr range test
     * @param lrMin           first lr of the range test
     * @param lrMax           last lr of the range test
     */
    public record Settings(boolean fresh, double lr, int overfitExamples, int overfitSteps, double overfitLr,
                           double overfitTarget, int nanSteps, int rangeSteps, double lrMin, double lrMax) {
        public Settings {
            if (!(lr > 0) || !(overfitLr > 0) || !(lrMin > 0) || !(lrMax > lrMin)) {
                throw new IllegalArgumentException("learning rates must be > 0 and lrMax > lrMin: lr " + lr + ", overfit lr "
                        + overfitLr + ", range " + lrMin + ".." + lrMax);
            }
            if (overfitExamples < 1 || overfitSteps < 1 || nanSteps < 1 || rangeSteps < 2) {
                throw new IllegalArgumentException("examples and step counts must be positive (range test >= 2 steps)");
            }
        }

        /** Defaults: 16 examples overfit by Adam 1e-3 within 300 steps to loss 0.05; 30 NaN steps; 100 range steps 1e-5..10. */
        public static Settings defaults(boolean fresh, double lr) {
            return new Settings(fresh, lr, 16, 300, 1e-3, 0.05, 30, 100, 1e-5, 10);
        }

        public Settings withNanSteps(int n) {
            return new Settings(fresh, lr, overfitExamples, overfitSteps, overfitLr, overfitTarget, n, rangeSteps, lrMin, lrMax);
        }

        public Settings withOverfit(int examples, int steps) {
            return new Settings(fresh, lr, examples, steps, overfitLr, overfitTarget, nanSteps, rangeSteps, lrMin, lrMax);
        }

        public Settings withRange(int steps, double min, double max) {
            return new Settings(fresh, lr, overfitExamples, overfitSteps, overfitLr, overfitTarget, nanSteps, steps, min, max);
        }
    }

    /** Everything measured: the table, and the series behind it (for charts). */
    public record Report(List<Check> checks, List<LayerActivity> activity, List<LayerGradient> gradients,
                         double[] overfitLosses, double[] nanRunLosses, LrRangeTest lrRange) {}

    public Checklist(Sequential model, List<LabeledBatch> batches, int classes, Settings settings) {
        if (batches.isEmpty()) throw new IllegalArgumentException("the checklist needs at least one batch");
        if (classes < 2) throw new IllegalArgumentException("classes must be >= 2, got " + classes);
        this.model = model;
        this.batches = List.copyOf(batches);
        this.classes = classes;
        this.settings = settings;
        model.useBackend(backend);
        this.params = model.parameters();
    }

    public Report run() {
        ModelState start = new ModelState(model);
        List<Check> checks = new ArrayList<>();
        LabeledBatch first = batches.get(0);

        checks.add(initialLoss(first));
        double[] overfit = overfit(first.head(settings.overfitExamples()));
        start.restore();
        checks.add(overfitCheck(overfit));

        List<LayerActivity> activity = activity(first);
        start.restore();
        checks.addAll(activityChecks(activity));

        List<LayerGradient> grads = gradients(first);
        start.restore();
        checks.addAll(gradientChecks(grads));

        NanWatch nan = nanWatch();
        start.restore();
        checks.add(nan.check());
        checks.add(learningCheck(nan.losses()));

        LrRangeTest range = lrRange();
        start.restore();
        checks.add(rangeCheck(range));
        return new Report(checks, activity, grads, overfit, nan.losses(), range);
    }

    /** Only the per-layer gradients on the first batch (the vanishing-gradient comparison); the model is restored. */
    public List<LayerGradient> layerGradients() {
        ModelState start = new ModelState(model);
        List<LayerGradient> g = gradients(batches.get(0));
        start.restore();
        return g;
    }

    // ---- loss at initialisation ------------------------------------------------------------------------

    private Check initialLoss(LabeledBatch b) {
        double loss = forwardLoss(b, false);
        double chance = Math.log(classes);
        String m = fmt("loss %.3f, ln(%d) = %.3f", loss, classes, chance);
        if (!settings.fresh()) return new Check("loss at init", Verdict.INFO, m + " (trained model: not at init)", "");
        if (!Double.isFinite(loss)) return new Check("loss at init", Verdict.FAIL, m, "the untrained model's loss is not finite: check the input data and the init");
        if (loss > chance + 0.5) {
            // E[loss] ≈ ln C + σ²/2 for logits of spread σ: +0.5 is logits of spread ~1, +2 of spread ~2
            return new Check("loss at init", loss > chance + 2 ? Verdict.FAIL : Verdict.WARN, m,
                    "confident predictions before training: scale the last layer's weights down (or zero them) and zero its bias");
        }
        if (loss < 0.7 * chance) {
            return new Check("loss at init", Verdict.WARN, m, "lower than chance before training: labels leaking into inputs, or a trained model passed as fresh?");
        }
        return new Check("loss at init", Verdict.PASS, m, "");
    }

    // ---- overfit one batch ---------------------------------------------------------------------------

    private double[] overfit(LabeledBatch b) {
        Optimizer opt = new Adam(params, (float) settings.overfitLr(), 0f, backend);
        double[] losses = new double[settings.overfitSteps()];
        int i = 0;
        for (; i < losses.length; i++) {
            losses[i] = trainStep(b, opt);
            if (!Double.isFinite(losses[i]) || losses[i] < settings.overfitTarget()) {
                i++;
                break;
            }
        }
        return Arrays.copyOf(losses, i);
    }

    private Check overfitCheck(double[] losses) {
        double last = losses[losses.length - 1];
        String m = fmt("%d examples: loss %.3f -> %.4f in %d Adam steps (lr %.0e)", Math.min(settings.overfitExamples(),
                batches.get(0).size()), losses[0], last, losses.length, settings.overfitLr());
        if (last < settings.overfitTarget()) return new Check("overfit one batch", Verdict.PASS, m, "");
        return new Check("overfit one batch", Verdict.FAIL, m + fmt(" (target < %.2f)", settings.overfitTarget()),
                "a model that cannot memorise a handful of examples has a bug, not too little capacity: check that labels "
                        + "match images, that the loss takes logits, the backward pass, and the lr");
    }

    // ---- activations -------------------------------------------------------------------------------

    private List<LayerActivity> activity(LabeledBatch b) {
        List<LayerActivity> out = new ArrayList<>();
        Tensor h = Models.input(model, b.images());
        for (int i = 0; i < model.layers().size(); i++) {
            Module m = model.layer(i);
            h = m.forward(h, true);
            out.add(describe(i, m, h.contiguous()));
        }
        return out;
    }

    private static LayerActivity describe(int index, Module m, Tensor y) {
        String kind = m instanceof ReLU || (m instanceof BatchNorm && Boolean.TRUE.equals(m.config().get("relu"))) ? "relu"
                : m instanceof Sigmoid ? "sigmoid" : m instanceof Tanh ? "tanh" : "other";
        float[] d = y.data();
        int off = y.offset(), n = y.size(), units = y.dim(y.rank() - 1);
        double sum = 0, sumSq = 0;
        long saturated = 0;
        boolean[] alive = new boolean[units];
        for (int i = 0; i < n; i++) {
            float v = d[off + i];
            sum += v;
            sumSq += (double) v * v;
            if (v > 0) alive[i % units] = true;
            if (kind.equals("sigmoid") && (v < 0.01f || v > 0.99f)) saturated++;
            if (kind.equals("tanh") && Math.abs(v) > 0.99f) saturated++;
        }
        double mean = sum / n, std = Math.sqrt(Math.max(0, sumSq / n - mean * mean));
        double dead = Double.NaN;
        if (kind.equals("relu")) {
            int deadUnits = 0;
            for (boolean a : alive) if (!a) deadUnits++;
            dead = (double) deadUnits / units;
        }
        double sat = kind.equals("sigmoid") || kind.equals("tanh") ? (double) saturated / n : Double.NaN;
        return new LayerActivity(index, m.name(), kind, mean, std, dead, sat);
    }

    private List<Check> activityChecks(List<LayerActivity> activity) {
        List<Check> out = new ArrayList<>();
        LayerActivity worstDead = null, worstSat = null;
        for (LayerActivity a : activity) {
            if (!Double.isNaN(a.deadFraction()) && (worstDead == null || a.deadFraction() > worstDead.deadFraction())) worstDead = a;
            if (!Double.isNaN(a.saturatedFraction()) && (worstSat == null || a.saturatedFraction() > worstSat.saturatedFraction())) worstSat = a;
        }
        if (worstDead != null) {
            String m = fmt("worst: layer %d %s, %.1f%% of units never positive on the batch", worstDead.layer(), worstDead.name(),
                    100 * worstDead.deadFraction());
            Verdict v = worstDead.deadFraction() >= 0.5 ? Verdict.FAIL : worstDead.deadFraction() >= 0.1 ? Verdict.WARN : Verdict.PASS;
            out.add(new Check("dead ReLUs", v, m, v == Verdict.PASS ? ""
                    : "use LeakyReLU/PReLU, lower the lr, or check the init and the biases feeding this layer"));
        }
        if (worstSat != null) {
            String m = fmt("worst: layer %d %s, %.1f%% of outputs saturated (sigmoid outside [0.01, 0.99], tanh |y| > 0.99)",
                    worstSat.layer(), worstSat.name(), 100 * worstSat.saturatedFraction());
            Verdict v = worstSat.saturatedFraction() >= 0.5 ? Verdict.FAIL : worstSat.saturatedFraction() >= 0.1 ? Verdict.WARN : Verdict.PASS;
            out.add(new Check("saturated sigmoid/tanh", v, m, v == Verdict.PASS ? ""
                    : "saturated units pass almost no gradient: normalise the inputs, use Glorot init, batch norm, or ReLU"));
        }
        return out;
    }

    // ---- gradients and update ratios ---------------------------------------------------------------

    private List<LayerGradient> gradients(LabeledBatch b) {
        forwardLoss(b, true);
        Map<Integer, double[]> acc = new LinkedHashMap<>(); // layer -> {g², w², count}
        for (Parameter p : params) {
            int layer = layerIndex(p);
            double[] a = acc.computeIfAbsent(layer, k -> new double[3]);
            a[0] += backend.sumSquares(p.grad());
            a[1] += backend.sumSquares(p.value());
            a[2] += p.size();
        }
        List<LayerGradient> out = new ArrayList<>();
        for (Map.Entry<Integer, double[]> e : acc.entrySet()) {
            double[] a = e.getValue();
            double g = Math.sqrt(a[0]), w = Math.sqrt(a[1]);
            out.add(new LayerGradient(e.getKey(), model.layer(e.getKey()).name(), (long) a[2], g, w, g / Math.sqrt(a[2]),
                    w > 0 ? settings.lr() * g / w : Double.NaN));
        }
        return out;
    }

    private List<Check> gradientChecks(List<LayerGradient> grads) {
        List<Check> out = new ArrayList<>();
        LayerGradient min = null, max = null, firstLayer = grads.get(0), last = grads.get(grads.size() - 1);
        for (LayerGradient g : grads) {
            if (min == null || g.rmsGrad() < min.rmsGrad()) min = g;
            if (max == null || g.rmsGrad() > max.rmsGrad()) max = g;
        }
        String m = fmt("RMS grad per weight from %.2e (layer %d %s) to %.2e (layer %d %s); first/last layer %.2e",
                min.rmsGrad(), min.layer(), min.name(), max.rmsGrad(), max.layer(), max.name(),
                firstLayer.rmsGrad() / last.rmsGrad());
        boolean finite = grads.stream().allMatch(g -> Double.isFinite(g.gradNorm()));
        if (!finite) {
            out.add(new Check("gradient flow", Verdict.FAIL, "non-finite gradient norms", "see the NaN/Inf check"));
        } else if (min.gradNorm() == 0) {
            out.add(new Check("gradient flow", Verdict.FAIL, m, "layer " + min.layer() + " gets no gradient at all: a dead layer"
                    + " upstream (all ReLUs off) or a broken backward; check its inputs' activations"));
        } else {
            double ratio = min.rmsGrad() / max.rmsGrad(), fl = firstLayer.rmsGrad() / last.rmsGrad();
            if (fl > 100) {
                out.add(new Check("gradient flow", Verdict.WARN, m, "exploding gradients towards the input: gradient clipping, "
                        + "a lower lr, batch norm"));
            } else if (ratio < 1e-2) {
                out.add(new Check("gradient flow", ratio < 1e-4 ? Verdict.FAIL : Verdict.WARN, m,
                        "vanishing gradients: with sigmoid/tanh switch to ReLU or add batch norm; check the init's scale"));
            } else {
                out.add(new Check("gradient flow", Verdict.PASS, m, ""));
            }
        }
        LayerGradient lo = null, hi = null;
        for (LayerGradient g : grads) {
            if (Double.isNaN(g.updateRatio())) continue;
            if (lo == null || g.updateRatio() < lo.updateRatio()) lo = g;
            if (hi == null || g.updateRatio() > hi.updateRatio()) hi = g;
        }
        if (lo == null) {
            out.add(new Check("update/weight ratio", Verdict.INFO, "every layer's weights are zero (no ratio)", ""));
        } else {
            String r = fmt("lr %.3g: from %.1e (layer %d) to %.1e (layer %d); ~1e-3 is healthy", settings.lr(),
                    lo.updateRatio(), lo.layer(), hi.updateRatio(), hi.layer());
            if (hi.updateRatio() > 1e-1) {
                out.add(new Check("update/weight ratio", Verdict.WARN, r, "one step changes layer " + hi.layer()
                        + " by more than 10 %: lower the lr (see the range test)"));
            } else if (hi.updateRatio() < 1e-5) {
                out.add(new Check("update/weight ratio", Verdict.WARN, r, "steps too small to move the weights: raise the lr"));
            } else {
                out.add(new Check("update/weight ratio", Verdict.PASS, r, ""));
            }
        }
        return out;
    }

    // ---- NaN/Inf watch ---------------------------------------------------------------------------------

    private record NanWatch(Check check, double[] losses) {}

    private NanWatch nanWatch() {
        Sgd sgd = new Sgd(params, (float) settings.lr(), backend).momentum(0.9f);
        double[] losses = new double[settings.nanSteps()];
        for (int s = 0; s < losses.length; s++) {
            LabeledBatch b = batches.get(s % batches.size());
            Tensor h = Models.input(model, b.images());
            if (!finite(h)) return nanFound(losses, s, "the input batch itself");
            for (int i = 0; i < model.layers().size(); i++) {
                h = model.layer(i).forward(h, true);
                if (!finite(h)) return nanFound(losses, s, fmt("output of layer %d %s", i, model.layer(i).name()));
            }
            Tensor dlogits = Tensor.zeros(h.shape());
            float loss = backend.softmaxCrossEntropy(h, b.labels(), 0f, dlogits);
            losses[s] = loss;
            if (!Float.isFinite(loss)) return nanFound(losses, s, "the loss (logits overflow it)");
            model.backward(dlogits);
            for (Parameter p : params) {
                if (!finite(p.grad())) return nanFound(losses, s, "gradient of " + p.name() + " (layer " + layerIndex(p) + ")");
            }
            sgd.step();
        }
        return new NanWatch(new Check("NaN/Inf", Verdict.PASS, fmt("%d SGD steps at lr %.3g (momentum 0.9): all outputs, losses and "
                + "gradients finite", losses.length, settings.lr()), ""), losses);
    }

    private NanWatch nanFound(double[] losses, int step, String where) {
        return new NanWatch(new Check("NaN/Inf", Verdict.FAIL, fmt("first non-finite value at step %d (lr %.3g): %s", step,
                settings.lr(), where), "lower the lr (see the range test), clip gradients, check the inputs for NaN"),
                Arrays.copyOf(losses, step));
    }

    private Check learningCheck(double[] losses) {
        if (losses.length < 2) return new Check("loss decreases", Verdict.INFO, "too few finite steps to tell", "");
        int k = Math.max(1, losses.length / 5);
        double head = mean(losses, 0, k), tail = mean(losses, losses.length - k, losses.length), chance = Math.log(classes);
        String m = fmt("mean loss of the first %d steps %.3f, of the last %d %.3f", k, head, k, tail);
        if (Math.abs(tail - chance) < 0.02 * chance && Math.abs(head - chance) < 0.02 * chance) {
            return new Check("loss decreases", Verdict.FAIL, m + fmt(" (stuck at ln(%d) = %.3f)", classes, chance),
                    "stuck at chance: check that labels match images, the input normalisation, and the lr");
        }
        if (tail >= head && !settings.fresh()) {
            return new Check("loss decreases", Verdict.INFO, m + " (trained model: near a minimum it need not improve)", "");
        }
        if (tail >= head) return new Check("loss decreases", Verdict.WARN, m, "no progress: check the lr (range test) and the data");
        return new Check("loss decreases", Verdict.PASS, m, "");
    }

    // ---- learning-rate range test --------------------------------------------------------------------

    private LrRangeTest lrRange() {
        int n = settings.rangeSteps();
        Sgd sgd = new Sgd(params, (float) settings.lrMin(), backend).momentum(0.9f);
        double ratio = Math.pow(settings.lrMax() / settings.lrMin(), 1.0 / (n - 1));
        double[] lrs = new double[n], losses = new double[n], smooth = new double[n];
        double avg = 0, best = Double.POSITIVE_INFINITY, bestLr = settings.lrMin(), diverged = Double.NaN;
        int s = 0;
        for (; s < n; s++) {
            double lr = settings.lrMin() * Math.pow(ratio, s);
            sgd.setLr((float) lr);
            lrs[s] = lr;
            losses[s] = trainStep(batches.get(s % batches.size()), sgd);
            avg = 0.9 * avg + 0.1 * losses[s];
            smooth[s] = avg / (1 - Math.pow(0.9, s + 1));
            if (!Double.isFinite(smooth[s]) || smooth[s] > 4 * best) {
                diverged = lr;
                s++;
                break;
            }
            if (smooth[s] < best) {
                best = smooth[s];
                bestLr = lr;
            }
        }
        return new LrRangeTest(Arrays.copyOf(lrs, s), Arrays.copyOf(losses, s), Arrays.copyOf(smooth, s), bestLr, diverged,
                (Double.isNaN(diverged) ? bestLr : diverged) / 10);
    }

    private Check rangeCheck(LrRangeTest r) {
        String m = fmt("lowest smoothed loss at lr %.2g, %s; suggested lr %.2g", r.minLossLr(),
                Double.isNaN(r.divergedLr()) ? "no divergence up to " + fmt("%.2g", settings.lrMax()) : fmt("diverged at lr %.2g", r.divergedLr()),
                r.suggested());
        if (!Double.isNaN(r.divergedLr()) && settings.lr() >= r.divergedLr()) {
            return new Check("lr range test", Verdict.WARN, m, fmt("the lr in use (%.3g) is past the divergence point", settings.lr()));
        }
        return new Check("lr range test", Verdict.INFO, m, fmt("train with lr about %.2g (SGD, momentum 0.9)", r.suggested()));
    }

    // ---- plumbing ----------------------------------------------------------------------------------

    /** Training-mode loss of a batch; with {@code backward} also the gradients. */
    private double forwardLoss(LabeledBatch b, boolean backward) {
        Tensor logits = model.forward(Models.input(model, b.images()), true);
        Tensor dlogits = Tensor.zeros(logits.shape());
        float loss = backend.softmaxCrossEntropy(logits, b.labels(), 0f, dlogits);
        if (backward) model.backward(dlogits);
        return loss;
    }

    private double trainStep(LabeledBatch b, Optimizer opt) {
        Tensor logits = model.forward(Models.input(model, b.images()), true);
        Tensor dlogits = Tensor.zeros(logits.shape());
        float loss = backend.softmaxCrossEntropy(logits, b.labels(), 0f, dlogits);
        if (!Float.isFinite(loss)) return loss;
        model.backward(dlogits);
        opt.step();
        return loss;
    }

    private boolean finite(Tensor t) {
        return Double.isFinite(backend.sum(t));
    }

    private static int layerIndex(Parameter p) {
        String n = p.name();
        int dot = n.indexOf('.');
        return dot < 0 ? 0 : Integer.parseInt(n.substring(0, dot));
    }

    private static double mean(double[] a, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) s += a[i];
        return s / (to - from);
    }

    static String fmt(String f, Object... args) {
        return String.format(Locale.ROOT, f, args);
    }
}
