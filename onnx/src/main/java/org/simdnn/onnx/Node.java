package org.simdnn.onnx;

import java.util.List;

/**
 * One ONNX node in the load-time graph. Inputs may be "" for an omitted optional input. {@code note} records
 * what load-time simplification did to it (e.g. a folded BatchNormalization), for {@link OnnxModel#describe}.
 */
record Node(String op, String name, List<String> inputs, List<String> outputs, Attrs attrs, String note) {
    Node {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /** e.g. {@code Conv node 'conv1'} — the prefix of every message about this node. */
    String where() { return op + " node '" + name + "'"; }

    String input(int i) { return i < inputs.size() ? inputs.get(i) : ""; }

    boolean hasInput(int i) { return !input(i).isEmpty(); }

    Node withInputs(List<String> in, String newNote) { return new Node(op, name, in, outputs, attrs, join(note, newNote)); }

    Node withOutputs(List<String> out, String newNote) { return new Node(op, name, inputs, out, attrs, join(note, newNote)); }

    private static String join(String a, String b) { return a == null || a.isEmpty() ? b : b == null ? a : a + "; " + b; }
}
