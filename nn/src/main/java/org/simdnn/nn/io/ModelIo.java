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
 * Saves and loads models as safetensors ({@link SafeTensors}). Tensor names are the parameters' and buffers'
 * names ("0.weight", "1.running_mean"); the metadata holds the format tag, the architecture JSON
 * ({@link Architecture}) so {@link #load} rebuilds the model, each dropout layer's step counter, and any
 * caller metadata. Checkpoints add the optimizer's state as tensors prefixed {@code optim.} and its step count.
 */
public final class ModelIo {
    public static final String FORMAT_KEY = "format";
    public static final String FORMAT = "simdnn";
    public static final String ARCHITECTURE_KEY = "simdnn.architecture";
    public static final String OPTIMIZER_STEPS_KEY = "simdnn.optimizer.steps";
    public static final String OPTIMIZER_PREFIX = "optim.";
    private static final String DROPOUT_STEP = "simdnn.dropout_step.";

    private ModelIo() {}

    /** A loaded checkpoint: the model with its weights, the optimizer state to {@link #restore}, and metadata. */
    public record Checkpoint(Module model, Map<String, Tensor> optimizerState, long optimizerSteps,
                             Map<String, String> metadata) {
        /** Copies the saved state into an optimizer built over {@code model().parameters()}. */
        public void restore(Optimizer optimizer) { optimizer.loadState(optimizerState, optimizerSteps); }
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
        Map<String, Tensor> tensors = stateDict(model);
        for (Map.Entry<String, Tensor> e : optimizer.state().entrySet()) put(tensors, OPTIMIZER_PREFIX + e.getKey(), e.getValue());
        Map<String, String> meta = metadata(model, metadata);
        meta.put(OPTIMIZER_STEPS_KEY, Long.toString(optimizer.steps()));
        SafeTensors.write(path, tensors, meta);
    }

    private static Map<String, String> metadata(Module model, Map<String, String> extra) {
        Map<String, String> meta = new LinkedHashMap<>(extra);
        meta.put(FORMAT_KEY, FORMAT);
        meta.put(ARCHITECTURE_KEY, Architecture.toJson(model));
        walk(model, "", (path, m) -> {
            if (m instanceof Dropout d) meta.put(DROPOUT_STEP + path, Long.toString(d.step()));
        });
        return meta;
    }

    /** Rebuilds the model from the file's architecture and loads its weights. */
    public static Module load(Path path) throws IOException { return loadCheckpoint(path).model(); }

    /** Like {@link #load}, also returning optimizer state (empty for a plain model file) and metadata. */
    public static Checkpoint loadCheckpoint(Path path) throws IOException {
        SafeTensors.Contents c = SafeTensors.read(path);
        String arch = c.metadata().get(ARCHITECTURE_KEY);
        if (arch == null) {
            throw new IOException(path + ": no '" + ARCHITECTURE_KEY + "' in the metadata, so the model cannot be "
                    + "rebuilt; build it in code and call loadWeights");
        }
        Module model;
        try {
            model = Architecture.fromJson(arch);
        } catch (IllegalArgumentException e) {
            throw new IOException(path + ": " + e.getMessage(), e);
        }
        Map<String, Tensor> optim = new LinkedHashMap<>();
        Map<String, Tensor> weights = new LinkedHashMap<>();
        c.tensors().forEach((k, v) -> {
            if (k.startsWith(OPTIMIZER_PREFIX)) optim.put(k.substring(OPTIMIZER_PREFIX.length()), v);
            else weights.put(k, v);
        });
        copyInto(model, weights, path.toString());
        walk(model, "", (p, m) -> {
            String s = c.metadata().get(DROPOUT_STEP + p);
            if (m instanceof Dropout d && s != null) d.setStep(Long.parseLong(s));
        });
        long steps = Long.parseLong(c.metadata().getOrDefault(OPTIMIZER_STEPS_KEY, "0"));
        return new Checkpoint(model, optim, steps, c.metadata());
    }

    /** Loads weights and buffers from {@code path} into an existing model of the same architecture. */
    public static void loadWeights(Path path, Module model) throws IOException {
        Map<String, Tensor> weights = new LinkedHashMap<>();
        SafeTensors.read(path).tensors().forEach((k, v) -> {
            if (!k.startsWith(OPTIMIZER_PREFIX)) weights.put(k, v);
        });
        copyInto(model, weights, path.toString());
    }

    /** Checks names and shapes in both directions before copying anything. */
    private static void copyInto(Module model, Map<String, Tensor> saved, String what) throws IOException {
        Map<String, Tensor> expected = stateDict(model);
        for (Map.Entry<String, Tensor> e : expected.entrySet()) {
            Tensor s = saved.get(e.getKey());
            if (s == null) {
                throw new IOException(what + ": tensor '" + e.getKey() + "' is missing (the model expects shape "
                        + Arrays.toString(e.getValue().shape()) + ")");
            }
            if (!s.sameShape(e.getValue())) {
                throw new IOException(what + ": tensor '" + e.getKey() + "' has shape " + Arrays.toString(s.shape()) + " ("
                        + 4L * s.size() + " bytes), the model expects " + Arrays.toString(e.getValue().shape()) + " ("
                        + 4L * e.getValue().size() + " bytes)");
            }
        }
        for (String k : saved.keySet()) {
            if (!expected.containsKey(k)) throw new IOException(what + ": unexpected tensor '" + k + "' (not in the model)");
        }
        for (Map.Entry<String, Tensor> e : expected.entrySet()) e.getValue().copyFrom(saved.get(e.getKey()));
    }

    /** Visits every module with its index path ("" for the root, "3", "1.0", ...). */
    static void walk(Module m, String path, BiConsumer<String, Module> visit) {
        visit.accept(path, m);
        if (m instanceof Sequential s) {
            for (int i = 0; i < s.layers().size(); i++) walk(s.layer(i), path.isEmpty() ? "" + i : path + "." + i, visit);
        }
    }
}
