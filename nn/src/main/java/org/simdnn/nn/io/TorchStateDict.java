package org.simdnn.nn.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.simdnn.nn.Conv2d;
import org.simdnn.nn.Flatten;
import org.simdnn.nn.Linear;
import org.simdnn.nn.Module;
import org.simdnn.nn.Sequential;
import org.simdnn.tensor.Tensor;

/**
 * Loads a PyTorch {@code state_dict} saved as safetensors (float32 tensors; leave out BatchNorm's integer
 * {@code num_batches_tracked}) into the simdnn model of the same architecture, without ONNX.
 *
 * <p>Matching: PyTorch's modules that hold tensors, ordered by their key path with numeric parts compared as
 * numbers ({@code 0 < 2 < 10}, {@code features.3 < features.10}), pair up in order with simdnn's layers that hold
 * tensors, so a ReLU that simdnn fuses into batch norm ({@code withRelu()}) or a Flatten shifts nothing. Within a
 * pair the names are PyTorch's ({@code weight}, {@code bias}, {@code running_mean}, {@code running_var}).
 *
 * <p>Layouts: a Linear weight {@code [out, in]} becomes simdnn's {@code [in, out]}; a convolution weight
 * {@code [O, I/groups, kh, kw]} (OIHW) becomes {@code [kh, kw, I/groups, O]}; a Linear fed by a Flatten of a
 * {@code [h, w, c]} map has its input features reordered from PyTorch's {@code (c, h, w)} flattening to simdnn's
 * NHWC {@code (h, w, c)}, which is why the input shape is needed. Any name, count or shape that does not match is
 * an {@link IllegalArgumentException} naming the PyTorch key and both shapes; nothing is copied until all match.
 */
public final class TorchStateDict {
    private TorchStateDict() {}

    /**
     * Copies the file's tensors into {@code model}.
     *
     * @param inputShape the model's NHWC input shape, batch included (e.g. {@code [1, 28, 28, 1]})
     */
    public static void load(Path file, Module model, int... inputShape) throws IOException {
        Map<String, Tensor> torch = SafeTensors.read(file).tensors();
        try {
            copy(torch, model, inputShape);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** One simdnn layer holding tensors, with the shape of its input. */
    private record Layer(Module module, int[] inputShape, int[] flattenedFrom) {}

    static void copy(Map<String, Tensor> torch, Module model, int[] inputShape) {
        List<Layer> layers = new ArrayList<>();
        collect(model, inputShape.clone(), layers);
        Map<String, Map<String, Tensor>> byModule = new TreeMap<>(TorchStateDict::comparePaths);
        torch.forEach((key, t) -> {
            int dot = key.lastIndexOf('.');
            byModule.computeIfAbsent(dot < 0 ? "" : key.substring(0, dot), k -> new LinkedHashMap<>())
                    .put(key.substring(dot + 1), t);
        });
        if (byModule.size() != layers.size()) {
            throw new IllegalArgumentException("the state dict has " + byModule.size() + " modules with tensors "
                    + byModule.keySet() + " but the model has " + layers.size() + " layers with tensors "
                    + layers.stream().map(l -> l.module().name()).toList());
        }
        List<Tensor[]> plan = new ArrayList<>(); // {simdnn tensor, converted PyTorch tensor}: copied once all match
        int i = 0;
        for (Map.Entry<String, Map<String, Tensor>> m : byModule.entrySet()) {
            Layer layer = layers.get(i++);
            Map<String, Tensor> own = new LinkedHashMap<>(); // without the path a Sequential puts before the names
            ModelIo.stateDict(layer.module()).forEach((k, t) -> own.put(k.substring(k.lastIndexOf('.') + 1), t));
            if (!own.keySet().equals(m.getValue().keySet())) {
                throw new IllegalArgumentException("PyTorch module '" + m.getKey() + "' holds " + m.getValue().keySet()
                        + " but its simdnn counterpart " + layer.module().name() + " holds " + own.keySet());
            }
            for (Map.Entry<String, Tensor> e : own.entrySet()) {
                String key = m.getKey().isEmpty() ? e.getKey() : m.getKey() + "." + e.getKey();
                Tensor converted = convert(layer, e.getKey(), m.getValue().get(e.getKey()));
                if (!converted.sameShape(e.getValue())) {
                    throw new IllegalArgumentException("'" + key + "' " + Arrays.toString(m.getValue().get(e.getKey()).shape())
                            + " is " + Arrays.toString(converted.shape()) + " in simdnn's layout, but "
                            + layer.module().name() + " expects " + Arrays.toString(e.getValue().shape()));
                }
                plan.add(new Tensor[] {e.getValue(), converted});
            }
        }
        for (Tensor[] p : plan) p[0].copyFrom(p[1]);
    }

    /** Appends the layers of {@code m} that hold tensors, in forward order, with their input shapes; returns m's output shape. */
    private static int[] collect(Module m, int[] shape, List<Layer> out) {
        if (!(m instanceof Sequential s)) {
            if (!ModelIo.stateDict(m).isEmpty()) out.add(new Layer(m, shape, null));
            return m.outputShape(shape);
        }
        int[] flattened = null; // the [n, h, w, c] map a Flatten turned into features, until a layer consumes them
        for (Module layer : s.layers()) {
            if (layer instanceof Sequential) {
                flattened = null;
                shape = collect(layer, shape, out);
                continue;
            }
            if (layer instanceof Flatten) {
                flattened = shape.length == 4 ? shape : null;
            } else if (!ModelIo.stateDict(layer).isEmpty()) {
                out.add(new Layer(layer, shape, flattened));
                flattened = null;
            }
            shape = layer.outputShape(shape);
        }
        return shape;
    }

    /** PyTorch's tensor in simdnn's layout (a new contiguous tensor). */
    private static Tensor convert(Layer layer, String name, Tensor t) {
        if (!name.equals("weight")) return t;
        if (layer.module() instanceof Conv2d && t.rank() == 4) {
            // [O, I, kh, kw] -> [kw, I, kh, O] -> [kh, I, kw, O] -> [kh, kw, I, O]
            return t.transpose(0, 3).transpose(0, 2).transpose(1, 2).contiguous();
        }
        if (layer.module() instanceof Linear && t.rank() == 2) {
            int[] map = layer.flattenedFrom();
            if (map != null && map[3] > 1 && map[1] * map[2] > 1) {
                int h = map[1], w = map[2], c = map[3], out = t.dim(0);
                if (t.dim(1) == c * h * w) {
                    // [out, c, h, w] -> [h, w, c, out] -> [h*w*c, out]
                    return t.reshape(out, c, h, w).transpose(0, 2).transpose(1, 3).transpose(2, 3).contiguous()
                            .reshape(h * w * c, out);
                }
            }
            return t.transpose(0, 1).contiguous();
        }
        return t;
    }

    /** Key paths in module order: dot-separated parts, numeric ones compared as numbers. */
    static int comparePaths(String a, String b) {
        String[] x = a.split("\\."), y = b.split("\\.");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            boolean nx = !x[i].isEmpty() && x[i].chars().allMatch(Character::isDigit);
            boolean ny = !y[i].isEmpty() && y[i].chars().allMatch(Character::isDigit);
            int c = nx && ny ? Long.compare(Long.parseLong(x[i]), Long.parseLong(y[i])) : x[i].compareTo(y[i]);
            if (c != 0) return c;
        }
        return Integer.compare(x.length, y.length);
    }
}
