package org.simdnn.nn.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.simdnn.nn.Module;
import org.simdnn.nn.Parameter;
import org.simdnn.nn.io.SafeTensors;
import org.simdnn.tensor.Tensor;

/**
 * The command line's model files and checkpoints, in safetensors through nn's {@link SafeTensors} (atomic
 * writes). A model file holds the parameters and buffers under their model names ("0.weight",
 * "1.running_mean") and the metadata {@code model} (cnn, mlp, perceptron) from which {@link #load} rebuilds the
 * network; a checkpoint adds the optimizer state ({@code optim.*}) and the counters to resume from.
 */
public final class ModelFiles {
    /** A model read back, with the file's metadata. */
    public record Loaded(String name, Module model, Map<String, String> metadata) {}

    private ModelFiles() {}

    /** {@code model.safetensors} → {@code model.ckpt.safetensors} (same directory). */
    public static Path checkpointFor(Path modelFile) {
        String f = modelFile.getFileName().toString();
        String base = f.endsWith(".safetensors") ? f.substring(0, f.length() - ".safetensors".length()) : f;
        return modelFile.resolveSibling(base + ".ckpt.safetensors");
    }

    /** The weights and buffers of a model, in file order. */
    public static Map<String, Tensor> weights(Module model) {
        Map<String, Tensor> t = new LinkedHashMap<>();
        for (Parameter p : model.parameters()) t.put(p.name(), p.value());
        t.putAll(model.buffers());
        return t;
    }

    /** Writes {@code model}'s weights with {@code metadata} (which must name the model) atomically. */
    public static void save(Path file, Module model, Map<String, String> metadata) throws IOException {
        if (!metadata.containsKey("model")) throw new IllegalArgumentException("model file metadata needs 'model'");
        SafeTensors.write(file, weights(model), metadata);
    }

    /** Reads a model file (or a checkpoint) and rebuilds its network with the saved weights. */
    public static Loaded load(Path file) throws IOException {
        SafeTensors.Contents c = SafeTensors.read(file);
        String name = c.metadata().get("model");
        if (name == null) {
            throw new IOException(file + ": no 'model' entry in the safetensors metadata; not written by simdnn train"
                    + " (metadata keys: " + c.metadata().keySet() + ")");
        }
        Module m;
        try {
            m = name.equals("perceptron") ? PerceptronTrainer.newModel(784, 10) : Models.build(name, 0);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        try {
            copyInto(weights(m), c.tensors());
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        return new Loaded(name, m, c.metadata());
    }

    /** Copies each of {@code dst}'s tensors from the same name in {@code src}; sizes must match. */
    static void copyInto(Map<String, Tensor> dst, Map<String, Tensor> src) {
        for (Map.Entry<String, Tensor> e : dst.entrySet()) {
            Tensor s = src.get(e.getKey());
            Tensor d = e.getValue();
            if (s == null) throw new IllegalArgumentException("missing tensor '" + e.getKey() + "' " + d.shapeString());
            if (s.size() != d.size()) {
                throw new IllegalArgumentException("tensor '" + e.getKey() + "' is " + s.shapeString() + ", the model needs "
                        + d.shapeString());
            }
            d.copyFrom(s.contiguous().reshape(d.layout(), d.shape()));
        }
    }
}
