package org.simdnn.nn.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import org.simdnn.nn.Dropout;
import org.simdnn.nn.Module;
import org.simdnn.nn.Parameter;
import org.simdnn.nn.Sequential;
import org.simdnn.nn.optim.Optimizer;
import org.simdnn.tensor.Tensor;

/**
 * The one model-file format: safetensors ({@link SafeTensors}, atomic writes) for models written in code and by
 * {@code simdnn train} alike. Tensor names are the parameters' and buffers' names ("0.weight",
 * "1.running_mean"); the metadata holds the format tag, the architecture JSON ({@link Architecture}) so
 * {@link #load} rebuilds the model, each dropout layer's step counter (its RNG position), and any caller metadata.
 * A checkpoint adds a trainer's state (an optimizer's momentum buffers, or any named tensors) prefixed
 * {@code optim.} and its step count, so that training continues exactly where it stopped.
 *
 * <p>Files written by {@code simdnn train} before model files carried their architecture are read too
 * ({@link LegacyModelFiles}).
 */
public final class ModelIo {
    public static final String FORMAT_KEY = "format";
    public static final String FORMAT = "simdnn";
    public static final String ARCHITECTURE_KEY = "simdnn.architecture";
    public static final String OPTIMIZER_STEPS_KEY = "simdnn.optimizer.steps";
    public static final String OPTIMIZER_PREFIX = "optim.";
    static final String DROPOUT_STEP = "simdnn.dropout_step.";

    private ModelIo() {}

    /**
     * A loaded file: the model with its weights and dropout positions, the trainer state saved with it (empty
     * for a plain model file), its step count, and the metadata.
     */
    public record Checkpoint(Module model, Map<String, Tensor> optimizerState, long optimizerSteps,
                             Map<String, String> metadata) {
        /** Copies the saved state into an optimizer built over {@code model().parameters()}. */
        public void restore(Optimizer optimizer) { optimizer.loadState(optimizerState, optimizerSteps); }

        /** True for a file from {@link #saveCheckpoint} (trainer state saved); false for a plain model file. */
        public boolean hasTrainerState() { return metadata.containsKey(OPTIMIZER_STEPS_KEY); }

        /**
         * Copies the saved weights, buffers and dropout positions into {@code target}, a model of the same
         * architecture (its own dropout seeds kept); an IllegalArgumentException names the first mismatch.
         */
        public void copyModelInto(Module target) {
            Map<String, Long> saved = dropoutSteps(model), into = dropoutSteps(target);
            if (!saved.keySet().equals(into.keySet())) {
                throw new IllegalArgumentException("the saved model has dropout layers at " + saved.keySet()
                        + ", the target at " + into.keySet());
            }
            copyTensors(stateDict(target), stateDict(model));
            walk(target, "", (path, m) -> {
                if (m instanceof Dropout d) d.setStep(saved.get(path));
            });
        }
    }

    /** Parameters and buffers by name, in the model's order (live tensors, not copies). */
    public static Map<String, Tensor> stateDict(Module model) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (Parameter p : model.parameters()) put(m, p.name(), p.value());
        for (Map.Entry<String, Tensor> e : model.buffers().entrySet()) put(m, e.getKey(), e.getValue());
        return m;
    }

    private static void put(Map<String, Tensor> m, String name, Tensor t) {
        if (m.put(name, t) != null) throw new IllegalStateException("two tensors named '" + name + "' in the model");
    }

    public static void save(Path path, Module model) throws IOException { save(path, model, Map.of()); }

    /** Saves weights, buffers and architecture atomically; {@code metadata} is stored alongside (string values). */
    public static void save(Path path, Module model, Map<String, String> metadata) throws IOException {
        SafeTensors.write(path, stateDict(model), metadata(model, metadata));
    }

    /** Saves model and optimizer state atomically (for {@code --resume}). */
    public static void saveCheckpoint(Path path, Module model, Optimizer optimizer, Map<String, String> metadata)
            throws IOException {
        saveCheckpoint(path, model, optimizer.state(), optimizer.steps(), metadata);
    }

    /**
     * Saves the model and a trainer's state atomically: {@code state}'s tensors under {@code optim.<name>} and
     * {@code steps} as the step count, read back by {@link #loadCheckpoint} as {@link Checkpoint#optimizerState}
     * and {@link Checkpoint#optimizerSteps}.
     */
    public static void saveCheckpoint(Path path, Module model, Map<String, Tensor> state, long steps,
                                      Map<String, String> metadata) throws IOException {
        Map<String, Tensor> tensors = stateDict(model);
        for (Map.Entry<String, Tensor> e : state.entrySet()) put(tensors, OPTIMIZER_PREFIX + e.getKey(), e.getValue());
        Map<String, String> meta = metadata(model, metadata);
        meta.put(OPTIMIZER_STEPS_KEY, Long.toString(steps));
        SafeTensors.write(path, tensors, meta);
    }

    private static Map<String, String> metadata(Module model, Map<String, String> extra) {
        Map<String, String> meta = new LinkedHashMap<>(extra);
        meta.put(FORMAT_KEY, FORMAT);
        meta.put(ARCHITECTURE_KEY, Architecture.toJson(model));
        dropoutSteps(model).forEach((path, step) -> meta.put(DROPOUT_STEP + path, Long.toString(step)));
        return meta;
    }

    /**
     * Rebuilds the model from the file's architecture and loads its weights, in eval mode ({@link Module#eval()}):
     * ready to predict. Call {@link Module#train()} to fine-tune it.
     */
    public static Module load(Path path) throws IOException {
        Module model = loadCheckpoint(path).model();
        model.eval();
        return model;
    }

    /**
     * Like {@link #load}, also returning the trainer state (empty for a plain model file) and metadata; the model is
     * left in training mode, as built, for resuming training.
     */
    public static Checkpoint loadCheckpoint(Path path) throws IOException {
        SafeTensors.Contents c = SafeTensors.read(path);
        Map<String, String> meta = LegacyModelFiles.upgrade(c.metadata());
        String arch = meta.get(ARCHITECTURE_KEY);
        if (arch == null) {
            throw new IOException(path + ": no '" + ARCHITECTURE_KEY + "' in the metadata, so the model cannot be "
                    + "rebuilt; build it in code and call loadWeights (metadata keys: " + meta.keySet() + ")");
        }
        Module model;
        Map<String, Tensor> optim = new LinkedHashMap<>();
        Map<String, Tensor> weights = new LinkedHashMap<>();
        c.tensors().forEach((k, v) -> {
            if (k.startsWith(OPTIMIZER_PREFIX)) optim.put(k.substring(OPTIMIZER_PREFIX.length()), v);
            else weights.put(k, v);
        });
        // Before building: a model never takes more weights than the file stores (no 6 GB from a 142-byte file).
        long declared = Architecture.storedFloats(arch), stored = 0;
        for (Tensor t : weights.values()) stored += t.size();
        if (declared > stored) {
            throw new IOException(path + ": the architecture declares " + declared + " weight values but the file "
                    + "stores " + stored + ": the metadata does not describe these tensors");
        }
        long steps;
        try {
            model = Architecture.fromJson(arch);
            copyTensors(stateDict(model), weights);
            walk(model, "", (p, m) -> {
                if (m instanceof Dropout d && meta.containsKey(DROPOUT_STEP + p)) {
                    d.setStep(longValue(meta, DROPOUT_STEP + p));
                }
            });
            steps = meta.containsKey(OPTIMIZER_STEPS_KEY) ? longValue(meta, OPTIMIZER_STEPS_KEY) : 0;
        } catch (IllegalArgumentException e) {
            throw new IOException(path + ": " + e.getMessage(), e);
        }
        return new Checkpoint(model, optim, steps, meta);
    }

    /** A metadata value that must be a long; an IllegalArgumentException names the key and the value. */
    private static long longValue(Map<String, String> meta, String key) {
        String v = meta.get(key);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("metadata '" + key + "' = '" + v + "' is not an integer", e);
        }
    }

    /** Loads weights and buffers from {@code path} into an existing model of the same architecture. */
    public static void loadWeights(Path path, Module model) throws IOException {
        Map<String, Tensor> weights = new LinkedHashMap<>();
        SafeTensors.read(path).tensors().forEach((k, v) -> {
            if (!k.startsWith(OPTIMIZER_PREFIX)) weights.put(k, v);
        });
        try {
            copyTensors(stateDict(model), weights);
        } catch (IllegalArgumentException e) {
            throw new IOException(path + ": " + e.getMessage(), e);
        }
    }

    /** Copies {@code saved} into {@code expected} after checking names and shapes in both directions. */
    private static void copyTensors(Map<String, Tensor> expected, Map<String, Tensor> saved) {
        for (Map.Entry<String, Tensor> e : expected.entrySet()) {
            Tensor s = saved.get(e.getKey());
            if (s == null) {
                throw new IllegalArgumentException("tensor '" + e.getKey() + "' is missing (the model expects shape "
                        + Arrays.toString(e.getValue().shape()) + ")");
            }
            if (!s.sameShape(e.getValue())) {
                throw new IllegalArgumentException("tensor '" + e.getKey() + "' has shape " + Arrays.toString(s.shape())
                        + " (" + 4L * s.size() + " bytes), the model expects " + Arrays.toString(e.getValue().shape())
                        + " (" + 4L * e.getValue().size() + " bytes)");
            }
        }
        for (String k : saved.keySet()) {
            if (!expected.containsKey(k)) throw new IllegalArgumentException("unexpected tensor '" + k + "' (not in the model)");
        }
        for (Map.Entry<String, Tensor> e : expected.entrySet()) e.getValue().copyFrom(saved.get(e.getKey()));
    }

    /** Each dropout layer's step counter by its index path. */
    private static Map<String, Long> dropoutSteps(Module model) {
        Map<String, Long> steps = new LinkedHashMap<>();
        walk(model, "", (path, m) -> {
            if (m instanceof Dropout d) steps.put(path, d.step());
        });
        return steps;
    }

    /** Visits every module with its index path ("" for the root, "3", "1.0", ...). */
    static void walk(Module m, String path, BiConsumer<String, Module> visit) {
        visit.accept(path, m);
        if (m instanceof Sequential s) {
            for (int i = 0; i < s.layers().size(); i++) walk(s.layer(i), path.isEmpty() ? "" + i : path + "." + i, visit);
        }
    }
}
