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
 * {@code test accuracy: A  epoch seconds (median): S  images/s: R} for scripts.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train cnn, mlp or perceptron on Fashion-MNIST (installs the data if needed).")
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--model", defaultValue = "cnn", description = "cnn, mlp or perceptron (default: ${DEFAULT-VALUE})")
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

    @Option(names = "--augment", defaultValue = "none", description = "none, flip, crop or crop+flip (default: ${DEFAULT-VALUE})")
    String augment;

    @Option(names = "--schedule", description = "cosine (linear warm-up, then cosine to 0) or constant (default: cosine for cnn and mlp)")
    String schedule;

    @Option(names = "--warmup-epochs", converter = OptionValues.NonNegative.class, description = "warm-up epochs of the cosine schedule (default: cnn 1, mlp 0)")
    Integer warmupEpochs;

    @Option(names = "--label-smoothing", converter = OptionValues.Fraction.class, description = "label smoothing (default: cnn 0.1, else 0)")
    Float labelSmoothing;

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
        if (!Models.NAMES.contains(model)) {
            throw new IllegalArgumentException("unknown model '" + model + "'; expected one of " + Models.NAMES);
        }
        TrainConfig cfg = recipe();
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
        System.out.printf(Locale.ROOT, "simdnn train: %s, %d epochs, batch %d, lr %s %s, %d threads, seed %d, augment %s%n",
                model, cfg.epochs(), cfg.batchSize(), cfg.lr(), cfg.cosine() ? "warm-up " + cfg.warmupEpochs() + " + cosine" : "constant",
                Parallel.threads(), seed, cfg.augmentation());
        System.out.println("data: " + data.dir() + " (" + data.train().size() + " train, " + data.test().size()
                + " test); backend: " + backend.describe());
        try (BatchLoader trainLoader = new BatchLoader(data.train(), cfg.batchSize(), true, seed, cfg.augmentation(), norm, true);
             // evaluating at the training batch size reuses the layers' activation buffers (no second set)
             BatchLoader testLoader = TrainEvalSetup.testLoader(data.test(), cfg.batchSize(), norm)) {
            Trainer trainer = model.equals("perceptron")
                    ? new PerceptronTrainer(PerceptronTrainer.newModel(data.train().imageSize(), data.train().classes()))
                    : new SgdTrainer(Models.build(model, seed), cfg, trainLoader.batchesPerEpoch(), backend);
            if (resumed != null) {
                try {
                    trainer.restore(resumed);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(resume + " does not fit the " + model + ": " + e.getMessage(), e);
                }
                System.out.println("resumed from " + resume + " after epoch " + trainer.epochsDone());
            }
            return train(trainer, cfg, norm, trainLoader, testLoader, modelFile, ckpt);
        }
    }

    /** The model's default recipe with the command line's changes. */
    private TrainConfig recipe() {
        TrainConfig cfg = TrainConfig.forModel(model, 1, seed)
                .withEpochs(epochs != null ? epochs : switch (model) { case "cnn" -> 10; case "mlp" -> 5; default -> 1; });
        if (batch != null) cfg = cfg.withBatchSize(batch);
        if (lr != null) cfg = cfg.withLr(lr);
        if (labelSmoothing != null) cfg = cfg.withLabelSmoothing(labelSmoothing);
        if (schedule != null || warmupEpochs != null) {
            boolean cosine = schedule == null ? cfg.cosine() : switch (schedule) {
                case "cosine" -> true;
                case "constant" -> false;
                default -> throw new IllegalArgumentException("unknown schedule '" + schedule + "'; expected cosine or constant");
            };
            cfg = cfg.withSchedule(cosine, warmupEpochs != null ? warmupEpochs : cfg.warmupEpochs());
        }
        return cfg.withAugmentation(Augmentation.parse(augment));
    }

    private int train(Trainer trainer, TrainConfig cfg, Normalization norm, BatchLoader trainLoader, BatchLoader testLoader,
                      Path modelFile, Path ckpt) throws IOException {
        ConsoleProgress bar = noProgress ? null : new ConsoleProgress(cfg.epochs(), trainer.metric());
        List<EpochStats> stats = new ArrayList<>();
        while (trainer.epochsDone() < cfg.epochs()) {
            EpochStats s;
            try {
                s = trainer.epoch(trainLoader, testLoader, bar != null ? bar : ProgressListener.NONE);
            } catch (NonFiniteException e) {
                if (bar != null) bar.close();
                System.err.println("simdnn train: " + e.getMessage());
                System.err.println("simdnn train: last good checkpoint: "
                        + (Files.exists(ckpt) ? ckpt + " (resume with --resume " + ckpt + ")" : "none (failed in the first epoch)"));
                return 3;
            }
            stats.add(s);
            System.out.println(s.line(cfg.epochs(), trainer.metric()));
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("model", model);
            meta.put("seed", Long.toString(seed));
            meta.put("recipe", cfg.toString());
            meta.put("test_accuracy", String.format(Locale.ROOT, "%.4f", s.testAccuracy()));
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
        System.out.printf(Locale.ROOT, "test accuracy: %.4f  epoch seconds (median): %.1f  images/s: %d%n",
                stats.get(stats.size() - 1).testAccuracy(), median, Math.round(rate));
        return 0;
    }
}
