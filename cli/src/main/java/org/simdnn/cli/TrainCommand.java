package org.simdnn.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.simdnn.kernels.cpu.Parallel;
import org.simdnn.nn.data.Augmentation;
import org.simdnn.nn.data.BatchLoader;
import org.simdnn.nn.data.Dataset;
import org.simdnn.nn.data.Normalization;
import org.simdnn.nn.io.AtomicFiles;
import org.simdnn.nn.io.ModelIo;
import org.simdnn.nn.train.EpochStats;
import org.simdnn.nn.train.Models;
import org.simdnn.nn.train.NonFiniteException;
import org.simdnn.nn.train.PerceptronTrainer;
import org.simdnn.nn.train.ProgressListener;
import org.simdnn.nn.train.SgdTrainer;
import org.simdnn.nn.train.TrainConfig;
import org.simdnn.nn.train.Trainer;
import org.simdnn.ops.Backend;
import org.simdnn.ops.Backends;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code simdnn train}: trains cnn, mlp or perceptron on Fashion-MNIST (or any IDX directory), evaluating on
 * the test set after each epoch, writing the model and a checkpoint atomically after each epoch (both
 * {@link ModelIo} files: {@code ModelIo.load} opens either). The last line is exactly
 * {@code test accuracy: A  epoch seconds (median): S  images/s: R  wall seconds: W} for scripts, W counted from the
 * process's start (the launcher's {@code exec}, so JVM start-up, data loading and evaluation are in it).
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train cnn, mlp or perceptron on Fashion-MNIST (installs the data if needed).",
                "--preset fast is the time-to-94 %% recipe: " + TrainPreset.FAST_SUMMARY})
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--preset", description = "a named recipe: fast (" + TrainPreset.FAST_SUMMARY
            + "); options given on the command line override its values")
    String preset;

    @Option(names = "--model", description = "cnn, mlp or perceptron (default: cnn)")
    String model;

    @Option(names = "--epochs", converter = OptionValues.Positive.class, description = "epochs (default: cnn 10, mlp 5, perceptron 1)")
    Integer epochs;

    @Option(names = "--batch", converter = OptionValues.Positive.class, description = "batch size (default: 128)")
    Integer batch;

    @Option(names = "--lr", converter = OptionValues.PositiveFloat.class, description = "peak learning rate (default: cnn 0.15 with 1 warm-up epoch then cosine; mlp 0.05 cosine)")
    Float lr;

    @Option(names = "--seed", defaultValue = "42", description = "seed of initialisation, shuffling, dropout (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--save", description = "model file (default: <model>.safetensors); the checkpoint is <name>.ckpt.safetensors")
    Path save;

    @Option(names = "--resume", description = "continue from this checkpoint (<name>.ckpt.safetensors of an earlier run; "
            + "a plain model file is refused: it has no optimizer state)")
    Path resume;

    @Option(names = "--augment", description = "none, flip, crop or crop+flip (default: none)")
    String augment;

    @Option(names = "--schedule", description = "cosine (linear warm-up, then cosine to 0), linear (linear warm-up, then "
            + "a straight line to 0) or constant (default: cosine for cnn and mlp)")
    String schedule;

    @Option(names = "--warmup-epochs", converter = OptionValues.NonNegative.class, description = "warm-up epochs of the cosine schedule (default: cnn 1, mlp 0)")
    Integer warmupEpochs;

    @Option(names = "--label-smoothing", converter = OptionValues.Fraction.class, description = "label smoothing (default: cnn 0.1, else 0)")
    Float labelSmoothing;

    @Option(names = "--weight-decay", description = "L2 weight decay (default: 5e-4)")
    Float weightDecay;

    @Option(names = "--decay-bn-bias", arity = "1", description = "true: weight decay on biases and batch-norm gamma/beta "
            + "too (default for cnn), false: on weights only")
    Boolean decayBnBias;

    @Option(names = "--dropout", split = ",", description = "cnn: dropout after the flatten and after the hidden layer "
            + "(default: 0.1,0.3)")
    List<Float> dropout;

    @Option(names = "--channels", split = ",", description = "cnn: channels of the first block (28x28) and the "
            + "second (14x14) (default: 32,64; --preset fast: 16,64)")
    List<Integer> channels;

    @Option(names = "--momentum", description = "SGD (Nesterov) momentum (default: 0.9)")
    Float momentum;

    @Option(names = "--ema", converter = OptionValues.Fraction.class, description = "evaluate and save an exponential "
            + "moving average of the weights with this decay per step, e.g. 0.999 (default: 0, off)")
    Float ema;

    @Option(names = "--tta", description = "test-time augmentation: none, or flip (mean logits over each test image "
            + "and its mirror image) (default: none)")
    String tta;

    @Option(names = "--eval-variants", description = "also print the test accuracy without flip averaging and of the "
            + "trained weights instead of the EMA (extra passes over the test set; for comparing recipes)")
    boolean evalVariants;

    @Option(names = "--eval-every", converter = OptionValues.Positive.class, description = "evaluate the test set after "
            + "every E-th epoch and after the last (default: 1; --preset fast: after the last only)")
    Integer evalEvery;

    @Option(names = "--train-limit", converter = OptionValues.Positive.class, description = "train on the first N training images only")
    Integer trainLimit;

    @Option(names = "--no-progress", description = "no live progress bar (summary lines only)")
    boolean noProgress;

    @Option(names = "--plot", description = "PNG of the training curves (training loss and test accuracy per epoch of this run)")
    Path plot;

    @Option(names = "--backend", description = "cpu, openblas or cuda (default: -Dsimdnn.backend, else cpu); one that "
            + "cannot run here falls back to cpu and says why")
    String backendName;

    @Mixin
    TrainEvalSetup setup;

    /**
     * Every check that can fail on the command line's values runs before the first line of output and before any
     * work: options, outputs writable, the checkpoint to resume readable and of this model, the data present.
     * A user error is an exception Main reports in one line (exit code 2).
     */
    @Override
    public Integer call() throws IOException {
        TrainPreset p = TrainPreset.parse(preset);
        if (model == null) model = p != null ? p.model() : "cnn";
        if (p != null && !model.equals(p.model())) {
            throw new IllegalArgumentException("--preset " + preset + " trains the " + p.model() + ", not --model " + model);
        }
        if (!Models.NAMES.contains(model)) {
            throw new IllegalArgumentException("unknown model '" + model + "'; expected one of " + Models.NAMES);
        }
        TrainConfig cfg = recipe(p);
        float[] drop = dropoutRates(p);
        int[] widths = cnnChannels(p);
        int every = evalEvery != null ? evalEvery : p != null ? p.evalEvery() : 1;
        setup.applyThreads();
        if (backendName != null) {
            Backends.resolve(backendName); // an unknown name fails here, before any data is read
        }
        Path modelFile = save != null ? save : Path.of(model + ".safetensors");
        Path ckpt = checkpointFor(modelFile);
        AtomicFiles.checkWritable(modelFile);
        AtomicFiles.checkWritable(ckpt);
        if (plot != null) AtomicFiles.checkWritable(plot);
        ModelIo.Checkpoint resumed = resume == null ? null : resumable(ModelIo.loadCheckpoint(resume), cfg);
        TrainEvalSetup.Data data = setup.loadData(trainLimit);
        if (backendName != null) System.setProperty("simdnn.backend", backendName); // layers and optimizers take Backends.get()
        Backend backend = Backends.get();
        String wanted = System.getProperty("simdnn.backend", "").trim();
        if (!wanted.isEmpty() && Backends.resolve(wanted).fellBack()) {
            System.out.println("backend: " + Backends.resolve(wanted).fallbackReason() + "; training on the cpu backend");
        }
        Normalization norm = TrainEvalSetup.normalization(model);
        System.out.printf(Locale.ROOT, "simdnn train: %s%s, %d epochs, batch %d, lr %s %s, %d threads, seed %d, augment %s%s%n",
                model, p != null ? " (preset " + preset + ")" : "", cfg.epochs(), cfg.batchSize(), cfg.lr(),
                !cfg.cosine() ? "constant" : "warm-up " + cfg.warmupEpochs() + (cfg.linearDecay() ? " + linear" : " + cosine"),
                Parallel.threads(), seed, cfg.augmentation(), extras(cfg, drop, widths));
        System.out.println("data: " + data.dir() + " (" + data.train().size() + " train, " + data.test().size()
                + " test); backend: " + backend.describe());
        try (BatchLoader trainLoader = new BatchLoader(data.train(), cfg.batchSize(), true, seed, cfg.augmentation(), norm, true);
             // evaluating at the training batch size reuses the layers' activation buffers (no second set)
             BatchLoader testLoader = TrainEvalSetup.testLoader(data.test(), cfg.batchSize(), norm)) {
            Trainer trainer = model.equals("perceptron")
                    ? new PerceptronTrainer(PerceptronTrainer.newModel(data.train().imageSize(), data.train().classes()))
                    : new SgdTrainer(model.equals("cnn") ? Models.cnn(seed, widths[0], widths[1], drop[0], drop[1]) : Models.build(model, seed), cfg,
                            trainLoader.batchesPerEpoch(), backend);
            if (resumed != null) {
                try {
                    trainer.restore(resumed);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(resume + " does not fit the " + model + ": " + e.getMessage(), e);
                }
                System.out.println("resumed from " + resume + " after epoch " + trainer.epochsDone());
            }
            return train(trainer, cfg, every, norm, trainLoader, testLoader, modelFile, ckpt);
        }
    }

    /** The model's default recipe (or the preset's) with the command line's changes. */
    private TrainConfig recipe(TrainPreset p) {
        TrainConfig cfg = p != null ? p.config(seed) : TrainConfig.forModel(model, 1, seed)
                .withEpochs(switch (model) { case "cnn" -> 10; case "mlp" -> 5; default -> 1; });
        if (epochs != null) cfg = cfg.withEpochs(epochs);
        if (batch != null) cfg = cfg.withBatchSize(batch);
        if (lr != null) cfg = cfg.withLr(lr);
        if (labelSmoothing != null) cfg = cfg.withLabelSmoothing(labelSmoothing);
        if (schedule != null || warmupEpochs != null) {
            int warm = warmupEpochs != null ? warmupEpochs : cfg.warmupEpochs();
            String shape = schedule != null ? schedule : !cfg.cosine() ? "constant" : cfg.linearDecay() ? "linear" : "cosine";
            cfg = switch (shape) {
                case "cosine" -> cfg.withSchedule(true, warm);
                case "linear" -> cfg.withLinearSchedule(warm);
                case "constant" -> cfg.withSchedule(false, warm);
                default -> throw new IllegalArgumentException("unknown schedule '" + schedule + "'; expected cosine, linear or constant");
            };
        }
        if (weightDecay != null || decayBnBias != null) {
            if (weightDecay != null && !(weightDecay >= 0 && Float.isFinite(weightDecay))) {
                throw new IllegalArgumentException("--weight-decay " + weightDecay + " is not a finite number >= 0");
            }
            cfg = cfg.withWeightDecay(weightDecay != null ? weightDecay : cfg.weightDecay(),
                    decayBnBias != null ? decayBnBias : cfg.decayAll());
        }
        if (momentum != null) {
            if (!(momentum > 0 && momentum < 1)) throw new IllegalArgumentException("--momentum " + momentum + " is not in (0, 1)");
            cfg = cfg.withMomentum(momentum);
        }
        if (ema != null) cfg = cfg.withEma(ema);
        if (tta != null) {
            cfg = cfg.withFlipAverage(switch (tta) {
                case "none" -> false;
                case "flip" -> true;
                default -> throw new IllegalArgumentException("unknown --tta '" + tta + "'; expected none or flip");
            });
        }
        if (augment != null) cfg = cfg.withAugmentation(Augmentation.parse(augment));
        if (model.equals("perceptron") && (cfg.emaDecay() > 0 || cfg.flipAverage())) {
            throw new IllegalArgumentException("--ema and --tta apply to cnn and mlp, not the perceptron");
        }
        return cfg;
    }

    /** The cnn's two block widths: --channels, else the preset's, else the reference network's 32, 64. */
    private int[] cnnChannels(TrainPreset p) {
        if (channels == null) return p != null ? p.channels() : new int[] {32, 64};
        if (!model.equals("cnn")) throw new IllegalArgumentException("--channels applies to the cnn, not " + model);
        if (channels.size() != 2 || channels.get(0) < 1 || channels.get(1) < 1) {
            throw new IllegalArgumentException("--channels takes two widths >= 1 (first block, second block), got " + channels);
        }
        return new int[] {channels.get(0), channels.get(1)};
    }

    /** The cnn's two dropout rates: --dropout, else the preset's, else the reference network's. */
    private float[] dropoutRates(TrainPreset p) {
        if (dropout == null) return p != null ? p.dropout() : new float[] {0.1f, 0.3f};
        if (!model.equals("cnn")) throw new IllegalArgumentException("--dropout applies to the cnn, not " + model);
        if (dropout.size() != 2) {
            throw new IllegalArgumentException("--dropout takes two rates (after the flatten, after the hidden layer), got "
                    + dropout);
        }
        for (float r : dropout) {
            if (!(r >= 0 && r < 1)) throw new IllegalArgumentException("--dropout rate " + r + " is not in [0, 1)");
        }
        return new float[] {dropout.get(0), dropout.get(1)};
    }

    /** The header's note of the levers beyond the reference recipe (empty when none is used). */
    private String extras(TrainConfig cfg, float[] drop, int[] widths) {
        StringBuilder b = new StringBuilder();
        if (model.equals("cnn") && (drop[0] != 0.1f || drop[1] != 0.3f)) b.append(", dropout ").append(drop[0]).append('/').append(drop[1]);
        if (model.equals("cnn") && (widths[0] != 32 || widths[1] != 64)) b.append(", channels ").append(widths[0]).append('/').append(widths[1]);
        if (cfg.momentum() != 0.9f && !model.equals("perceptron")) b.append(", momentum ").append(cfg.momentum());
        if (cfg.emaDecay() > 0) b.append(", EMA ").append(cfg.emaDecay());
        if (cfg.flipAverage()) b.append(", flip-averaged evaluation");
        if (!model.equals("perceptron")) {
            b.append(", label smoothing ").append(cfg.labelSmoothing()).append(", weight decay ").append(cfg.weightDecay())
                    .append(cfg.decayAll() ? " on all parameters" : " on weights");
        }
        return b.toString();
    }

    private int train(Trainer trainer, TrainConfig cfg, int evalEvery, Normalization norm, BatchLoader trainLoader,
                      BatchLoader testLoader, Path modelFile, Path ckpt) throws IOException {
        ConsoleProgress bar = noProgress ? null : new ConsoleProgress(cfg.epochs(), trainer.metric());
        ProgressListener progress = bar != null ? bar : ProgressListener.NONE;
        List<EpochStats> stats = new ArrayList<>();
        while (trainer.epochsDone() < cfg.epochs()) {
            int e = trainer.epochsDone();
            boolean evaluate = (e + 1) % evalEvery == 0 || e + 1 == cfg.epochs();
            boolean withVariants = evaluate && evalVariants && trainer instanceof SgdTrainer;
            EpochStats s;
            double[] variants = null;
            try {
                s = trainer.epoch(trainLoader, evaluate && !withVariants ? testLoader : null, progress);
                if (withVariants) {
                    variants = ((SgdTrainer) trainer).evaluations(testLoader, true);
                    s = s.withTestAccuracy(variants[0]);
                }
            } catch (NonFiniteException ex) {
                if (bar != null) bar.close();
                System.err.println("simdnn train: " + ex.getMessage());
                System.err.println("simdnn train: last good checkpoint: "
                        + (Files.exists(ckpt) ? ckpt + " (resume with --resume " + ckpt + ")" : "none (failed in the first epoch)"));
                return 3;
            }
            stats.add(s);
            System.out.println(s.line(cfg.epochs(), trainer.metric()) + String.format(Locale.ROOT, "  wall %.1f s", WallClock.seconds())
                    + (variants == null ? "" : variantsNote((SgdTrainer) trainer, variants)));
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("model", model);
            meta.put("seed", Long.toString(seed));
            meta.put("recipe", cfg.toString());
            if (evaluate) meta.put("test_accuracy", String.format(Locale.ROOT, "%.4f", s.testAccuracy()));
            TrainEvalSetup.putNormalization(meta, norm);
            trainer.saveCheckpoint(ckpt, meta);
            trainer.saveModel(modelFile, meta);
        }
        if (plot != null && !stats.isEmpty()) {
            DiagnosticCharts.trainingCurves(stats, trainer.metric(), String.format(Locale.ROOT,
                    "simdnn train --model %s: batch %d, lr %s, seed %d", model, cfg.batchSize(), cfg.lr(), seed), plot);
        }
        return finish(stats, modelFile, ckpt);
    }

    /** {@code model.safetensors} → {@code model.ckpt.safetensors} (same directory). */
    static Path checkpointFor(Path modelFile) {
        String f = modelFile.getFileName().toString();
        String base = f.endsWith(".safetensors") ? f.substring(0, f.length() - ".safetensors".length()) : f;
        return modelFile.resolveSibling(base + ".ckpt.safetensors");
    }

    /**
     * {@code c}, after refusing a plain model file (resuming without the optimizer state would not continue the
     * run, it would start a different one) and a checkpoint of another model; notes a different seed or recipe.
     */
    private ModelIo.Checkpoint resumable(ModelIo.Checkpoint c, TrainConfig cfg) {
        Map<String, String> meta = c.metadata();
        if (!c.hasTrainerState()) {
            Path ckpt = checkpointFor(resume);
            throw new IllegalArgumentException("--resume " + resume + " is a model file, not a checkpoint: it has no "
                    + "optimizer state to continue from; resume from " + (Files.exists(ckpt) ? ckpt : "the run's "
                    + "<name>.ckpt.safetensors") + ", or start a new run");
        }
        if (!model.equals(meta.get("model"))) {
            throw new IllegalArgumentException("--resume " + resume + " is a checkpoint of model '" + meta.get("model")
                    + "', not '" + model + "'");
        }
        if (!Long.toString(seed).equals(meta.get("seed"))) {
            System.err.println("simdnn train: note: " + resume + " was trained with seed " + meta.get("seed") + ", now "
                    + seed + " (the run will not match an uninterrupted one)");
        }
        if (meta.containsKey("recipe") && !meta.get("recipe").equals(cfg.toString())) {
            System.err.println("simdnn train: note: the recipe differs from the checkpoint's: " + meta.get("recipe"));
        }
        return c;
    }

    /** The closing line, in exactly the form scripts read. */
    private static int finish(List<EpochStats> stats, Path modelFile, Path ckpt) {
        if (stats.isEmpty()) {
            System.out.println("nothing to do: the checkpoint already covers every epoch");
            return 0;
        }
        double[] secs = stats.stream().mapToDouble(EpochStats::seconds).sorted().toArray();
        double median = secs.length % 2 == 1 ? secs[secs.length / 2] : (secs[secs.length / 2 - 1] + secs[secs.length / 2]) / 2;
        double[] rates = stats.stream().mapToDouble(EpochStats::imagesPerSecond).sorted().toArray();
        double rate = rates.length % 2 == 1 ? rates[rates.length / 2] : (rates[rates.length / 2 - 1] + rates[rates.length / 2]) / 2;
        System.out.println("saved " + modelFile + " (checkpoint " + ckpt + ")");
        System.out.printf(Locale.ROOT, "test accuracy: %.4f  epoch seconds (median): %.1f  images/s: %d  wall seconds: %.1f%n",
                stats.get(stats.size() - 1).testAccuracy(), median, Math.round(rate), WallClock.seconds());
        return 0;
    }

    private static String variantsNote(SgdTrainer t, double[] acc) {
        StringBuilder b = new StringBuilder("  (");
        List<String> names = t.variantNames();
        for (int i = 1; i < acc.length; i++) {
            b.append(i > 1 ? ", " : "").append(names.get(i)).append(String.format(Locale.ROOT, " %.4f", acc[i]));
        }
        return acc.length > 1 ? b.append(')').toString() : "";
    }
}
