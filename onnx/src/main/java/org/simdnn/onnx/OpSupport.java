package org.simdnn.onnx;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The operators this runtime supports (default ONNX domain, opsets {@value #MIN_OPSET}..{@value #MAX_OPSET})
 * and the attributes each accepts. Opsets below 7 are accepted for what did not change: their legacy
 * attributes ({@code consumed_inputs}, attribute-given shapes and paddings) are not in the table, so a
 * model that uses them fails here; opset 6's explicit broadcasting is honoured. A node outside this table fails at load with its op type, its name and
 * the list, never at the first inference.
 */
final class OpSupport {
    static final int MIN_OPSET = 1, MAX_OPSET = 17;

    private static final Set<String> CONV = Set.of("auto_pad", "dilations", "group", "kernel_shape", "pads", "strides");
    private static final Set<String> NONE = Set.of();
    /** Opset 6's broadcasting attributes of the arithmetic ops (opset 7 made broadcasting implicit). */
    private static final Set<String> LEGACY_BROADCAST = Set.of("broadcast", "axis");

    /** op type -> accepted attributes. */
    static final Map<String, Set<String>> OPS = new TreeMap<>(Map.ofEntries(
            Map.entry("Conv", CONV),
            Map.entry("ConvTranspose", union(CONV, "output_padding", "output_shape")),
            Map.entry("Gemm", Set.of("alpha", "beta", "transA", "transB", "broadcast")),
            Map.entry("MatMul", NONE),
            Map.entry("Add", LEGACY_BROADCAST), Map.entry("Sub", LEGACY_BROADCAST), Map.entry("Mul", LEGACY_BROADCAST),
            Map.entry("Div", LEGACY_BROADCAST),
            Map.entry("Relu", NONE), Map.entry("LeakyRelu", Set.of("alpha")), Map.entry("PRelu", NONE),
            Map.entry("Clip", Set.of("min", "max")), Map.entry("Sigmoid", NONE), Map.entry("Tanh", NONE),
            Map.entry("HardSigmoid", Set.of("alpha", "beta")), Map.entry("HardSwish", NONE),
            Map.entry("Exp", NONE), Map.entry("Neg", NONE), Map.entry("Abs", NONE), Map.entry("Sqrt", NONE),
            Map.entry("Softmax", Set.of("axis")), Map.entry("LogSoftmax", Set.of("axis")),
            Map.entry("BatchNormalization", Set.of("epsilon", "momentum", "spatial", "training_mode", "is_test")),
            Map.entry("MaxPool", Set.of("auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order",
                    "strides")),
            Map.entry("AveragePool", Set.of("auto_pad", "ceil_mode", "count_include_pad", "kernel_shape", "pads",
                    "strides")),
            Map.entry("GlobalAveragePool", NONE), Map.entry("GlobalMaxPool", NONE),
            Map.entry("ReduceMean", Set.of("axes", "keepdims")),
            Map.entry("Flatten", Set.of("axis")), Map.entry("Reshape", Set.of("allowzero")),
            Map.entry("Squeeze", Set.of("axes")), Map.entry("Unsqueeze", Set.of("axes")),
            Map.entry("Transpose", Set.of("perm")), Map.entry("Concat", Set.of("axis")),
            Map.entry("Pad", Set.of("mode", "pads", "value")),
            Map.entry("Dropout", Set.of("ratio", "seed", "is_test")), Map.entry("Identity", NONE),
            Map.entry("Constant", Set.of("value", "value_float", "value_floats", "value_int", "value_ints")),
            Map.entry("Shape", Set.of("start", "end")), Map.entry("Gather", Set.of("axis")),
            Map.entry("Cast", Set.of("to")), Map.entry("ConstantOfShape", Set.of("value")),
            Map.entry("Slice", Set.of("starts", "ends", "axes")), Map.entry("Range", NONE),
            Map.entry("Equal", NONE), Map.entry("Where", NONE), Map.entry("Expand", NONE)));

    private OpSupport() {}

    /** Throws unless the node's domain, op type and attributes are supported. */
    static void check(String domain, Node n) {
        if (!domain.isEmpty() && !domain.equals("ai.onnx")) {
            throw new OnnxException(n.where() + ": domain '" + domain + "' is not supported (only the default ONNX domain)");
        }
        Set<String> attrs = OPS.get(n.op());
        if (attrs == null) {
            throw new OnnxException(n.where() + ": operator " + n.op() + " is not supported; supported: "
                    + String.join(", ", OPS.keySet()));
        }
        for (String a : n.attrs().names()) {
            if (!attrs.contains(a)) {
                throw new OnnxException(n.where() + ": attribute '" + a + "' is not supported"
                        + (attrs.isEmpty() ? " (the op takes none)" : " (supported: " + String.join(", ", new java.util.TreeSet<>(attrs)) + ")"));
            }
        }
    }

    private static Set<String> union(Set<String> a, String... more) {
        java.util.HashSet<String> s = new java.util.HashSet<>(a);
        s.addAll(Set.of(more));
        return Set.copyOf(s);
    }
}
