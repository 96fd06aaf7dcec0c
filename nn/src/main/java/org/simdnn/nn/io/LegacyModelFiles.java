package org.simdnn.nn.io;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads model files and checkpoints that {@code simdnn train} wrote before model files carried their
 * architecture: their metadata named the network ({@code model}: cnn, mlp, perceptron) and kept the trainer's
 * counters as {@code steps_done} and {@code dropout_steps} (a comma list in layer order). {@link #upgrade}
 * rewrites such metadata into today's keys, so {@link ModelIo} decodes one format. The architectures are frozen
 * here as those files were written; later changes to the command line's networks do not apply to them.
 */
final class LegacyModelFiles {
    /** An architecture as the old files implied it, and the index paths of its dropout layers in order. */
    private record Network(String architecture, List<String> dropoutPaths) {}

    private static final Map<String, Network> NETWORKS = Map.of(
            "cnn", new Network("""
                    {"type":"Sequential","layers":[{"type":"Conv2d","in":1,"out":32,"kernel":[3,3],"stride":[1,1],"padding":[1,1],"dilation":[1,1],"groups":1,"bias":false},
                    {"type":"BatchNorm2d","channels":32,"eps":9.999999747378752E-6,"momentum":0.10000000149011612,"relu":true},
                    {"type":"Conv2d","in":32,"out":32,"kernel":[3,3],"stride":[1,1],"padding":[1,1],"dilation":[1,1],"groups":1,"bias":false},
                    {"type":"BatchNorm2d","channels":32,"eps":9.999999747378752E-6,"momentum":0.10000000149011612,"relu":true},
                    {"type":"MaxPool2d","kernel":2,"stride":2,"padding":0},
                    {"type":"Conv2d","in":32,"out":64,"kernel":[3,3],"stride":[1,1],"padding":[1,1],"dilation":[1,1],"groups":1,"bias":false},
                    {"type":"BatchNorm2d","channels":64,"eps":9.999999747378752E-6,"momentum":0.10000000149011612,"relu":true},
                    {"type":"Conv2d","in":64,"out":64,"kernel":[3,3],"stride":[1,1],"padding":[1,1],"dilation":[1,1],"groups":1,"bias":false},
                    {"type":"BatchNorm2d","channels":64,"eps":9.999999747378752E-6,"momentum":0.10000000149011612,"relu":true},
                    {"type":"MaxPool2d","kernel":2,"stride":2,"padding":0},
                    {"type":"Flatten"},
                    {"type":"Dropout","p":0.10000000149011612,"seed":"1"},
                    {"type":"Linear","in":3136,"out":256,"bias":true},
                    {"type":"ReLU"},
                    {"type":"Dropout","p":0.30000001192092896,"seed":"2"},
                    {"type":"Linear","in":256,"out":10,"bias":true}],"skipInputGradient":true}""", List.of("11", "14")),
            "mlp", new Network("""
                    {"type":"Sequential","layers":[{"type":"Linear","in":784,"out":256,"bias":true},
                    {"type":"ReLU"},
                    {"type":"Linear","in":256,"out":10,"bias":true}],"skipInputGradient":true}""", List.of()),
            "perceptron", new Network("""
                    {"type":"MulticlassPerceptron","inputs":784,"classes":10,"basis":{"type":"identity"}}""", List.of()));

    private LegacyModelFiles() {}

    /** {@code metadata} unchanged when it has an architecture or names no known network; else in today's keys. */
    static Map<String, String> upgrade(Map<String, String> metadata) {
        Network n = metadata.containsKey(ModelIo.ARCHITECTURE_KEY) ? null : NETWORKS.get(metadata.getOrDefault("model", ""));
        if (n == null) return metadata;
        Map<String, String> m = new LinkedHashMap<>(metadata);
        m.put(ModelIo.ARCHITECTURE_KEY, n.architecture());
        String steps = m.remove("steps_done");
        if (steps != null) m.put(ModelIo.OPTIMIZER_STEPS_KEY, steps);
        String dropout = m.remove("dropout_steps");
        String[] counters = dropout == null || dropout.isEmpty() ? new String[0] : dropout.split(",");
        if (dropout != null && counters.length != n.dropoutPaths().size()) {
            throw new IllegalArgumentException("'dropout_steps' has " + counters.length + " counters, the " + metadata.get("model")
                    + " has " + n.dropoutPaths().size() + " dropout layers");
        }
        for (int i = 0; i < counters.length; i++) m.put(ModelIo.DROPOUT_STEP + n.dropoutPaths().get(i), counters[i].trim());
        return m;
    }
}
