package org.simdnn.onnx;

import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * The operators this runtime supports (default ONNX domain, opsets {@value #MIN_OPSET}..{@value #MAX_OPSET}),
 * the attributes each accepts and how many inputs and outputs its nodes have at each opset (ONNX's operator
 * schemas). Opsets below 7 are accepted for what did not change: their legacy attributes
 * ({@code consumed_inputs}, attribute-given shapes and paddings) are not in the table, so a model that uses them
 * fails here; opset 6's explicit broadcasting is honoured. A node outside this table, or with a count of inputs or
 * outputs its op does not have, fails at load with its op type, its name and what the op takes, never in the
 * planner or at the first inference.
 */
final class OpSupport {
    static final int MIN_OPSET = 1, MAX_OPSET = 17;
    /** The upper bound of a variadic op's inputs. */
    static final int MANY = Integer.MAX_VALUE;

    /**
     * How many inputs and outputs a node may list. An omitted optional one may be listed as "" and counts, as
     * in ONNX's checker.
     */
    record Arity(int minInputs, int maxInputs, int minOutputs, int maxOutputs) {
        Arity {
            if (minInputs < 0 || maxInputs < minInputs || minOutputs < 1 || maxOutputs < minOutputs) {
                throw new IllegalArgumentException("arity inputs " + minInputs + ".." + maxInputs + ", outputs "
                        + minOutputs + ".." + maxOutputs);
            }
        }

        /** The same inputs, {@code min..max} outputs. */
        Arity outputs(int min, int max) { return new Arity(minInputs, maxInputs, min, max); }

        static String range(int min, int max) {
            return min == max ? "exactly " + min : max == MANY ? "at least " + min : min + " to " + max;
        }
    }

    /** A supported operator: accepted attributes, and its arity from each opset that changed it on. */
    record Op(Set<String> attributes, NavigableMap<Integer, Arity> aritySince) {
        Op {
            attributes = Set.copyOf(attributes);
            aritySince = Collections.unmodifiableNavigableMap(new TreeMap<>(aritySince));
        }

        Arity arity(int opset) { return aritySince.floorEntry(opset).getValue(); }
    }

    private static final Set<String> CONV = Set.of("auto_pad", "dilations", "group", "kernel_shape", "pads", "strides");
    private static final Set<String> NONE = Set.of();
    /** Opset 6's broadcasting attributes of the arithmetic ops (opset 7 made broadcasting implicit). */
    private static final Set<String> LEGACY_BROADCAST = Set.of("broadcast", "axis");
    private static final Arity UNARY = in(1), BINARY = in(2);

    /** op type -> attributes and arity. */
    static final Map<String, Op> OPS = new TreeMap<>(Map.ofEntries(
            op("Conv", CONV, in(2, 3)),
            op("ConvTranspose", union(CONV, "output_padding", "output_shape"), in(2, 3)),
            op("Gemm", Set.of("alpha", "beta", "transA", "transB", "broadcast"), in(3), 11, in(2, 3)), // C optional from 11
            op("MatMul", NONE, BINARY),
            op("Add", LEGACY_BROADCAST, BINARY), op("Sub", LEGACY_BROADCAST, BINARY), op("Mul", LEGACY_BROADCAST, BINARY),
            op("Div", LEGACY_BROADCAST, BINARY),
            op("Relu", NONE, UNARY), op("LeakyRelu", Set.of("alpha"), UNARY), op("PRelu", NONE, BINARY),
            op("Clip", Set.of("min", "max"), UNARY, 11, in(1, 3)), // bounds became inputs at 11
            op("Sigmoid", NONE, UNARY), op("Tanh", NONE, UNARY),
            op("HardSigmoid", Set.of("alpha", "beta"), UNARY), op("HardSwish", NONE, UNARY),
            op("Exp", NONE, UNARY), op("Neg", NONE, UNARY), op("Abs", NONE, UNARY), op("Sqrt", NONE, UNARY),
            op("Softmax", Set.of("axis"), UNARY), op("LogSoftmax", Set.of("axis"), UNARY),
            op("BatchNormalization", Set.of("epsilon", "momentum", "spatial", "training_mode", "is_test"),
                    in(5).outputs(1, 5), 14, in(5).outputs(1, 3)), // saved mean and variance outputs dropped at 14
            op("MaxPool", Set.of("auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides"),
                    UNARY, 8, UNARY.outputs(1, 2)), // the Indices output from 8
            op("AveragePool", Set.of("auto_pad", "ceil_mode", "count_include_pad", "kernel_shape", "pads", "strides"), UNARY),
            op("GlobalAveragePool", NONE, UNARY), op("GlobalMaxPool", NONE, UNARY),
            op("ReduceMean", Set.of("axes", "keepdims"), UNARY),
            op("Flatten", Set.of("axis"), UNARY),
            op("Reshape", Set.of("allowzero"), UNARY, 5, BINARY), // the shape became an input at 5
            op("Squeeze", Set.of("axes"), UNARY, 13, in(1, 2)), op("Unsqueeze", Set.of("axes"), UNARY, 13, BINARY),
            op("Transpose", Set.of("perm"), UNARY), op("Concat", Set.of("axis"), in(1, MANY)),
            op("Pad", Set.of("mode", "pads", "value"), UNARY, 11, in(2, 3)), // pads and value became inputs at 11
            op("Dropout", Set.of("ratio", "seed", "is_test"), UNARY.outputs(1, 2), 12, in(1, 3).outputs(1, 2)),
            op("Identity", NONE, UNARY),
            op("Constant", Set.of("value", "value_float", "value_floats", "value_int", "value_ints"), in(0)),
            op("Shape", Set.of("start", "end"), UNARY), op("Gather", Set.of("axis"), BINARY),
            op("Cast", Set.of("to"), UNARY), op("ConstantOfShape", Set.of("value"), UNARY),
            op("Slice", Set.of("starts", "ends", "axes"), UNARY, 10, in(3, 5)), // starts, ends, axes, steps inputs from 10
            op("Range", NONE, in(3)), op("Equal", NONE, BINARY), op("Where", NONE, in(3)), op("Expand", NONE, BINARY)));

    private OpSupport() {}

    /** Throws unless the node's domain, op type, input and output counts (at {@code opset}) and attributes are supported. */
    static void check(String domain, Node n, int opset) {
        if (!domain.isEmpty() && !domain.equals("ai.onnx")) {
            throw new OnnxException(n.where() + ": domain '" + domain + "' is not supported (only the default ONNX domain)");
        }
        Op op = OPS.get(n.op());
        if (op == null) {
            throw new OnnxException(n.where() + ": operator " + n.op() + " is not supported; supported: "
                    + String.join(", ", OPS.keySet()));
        }
        Arity a = op.arity(opset);
        int ins = n.inputs().size(), outs = n.outputs().size();
        if (ins < a.minInputs() || ins > a.maxInputs()) {
            throw new OnnxException(n.where() + ": " + ins + " inputs, but " + n.op() + " at opset " + opset + " takes "
                    + Arity.range(a.minInputs(), a.maxInputs()));
        }
        if (outs < a.minOutputs() || outs > a.maxOutputs()) {
            throw new OnnxException(n.where() + ": " + outs + " outputs, but " + n.op() + " at opset " + opset
                    + " produces " + Arity.range(a.minOutputs(), a.maxOutputs()));
        }
        for (String attr : n.attrs().names()) {
            if (!op.attributes().contains(attr)) {
                throw new OnnxException(n.where() + ": attribute '" + attr + "' is not supported"
                        + (op.attributes().isEmpty() ? " (the op takes none)"
                        : " (supported: " + String.join(", ", new java.util.TreeSet<>(op.attributes())) + ")"));
            }
        }
    }

    /** Exactly {@code n} inputs, one output. */
    private static Arity in(int n) { return in(n, n); }

    /** {@code min..max} inputs, one output. */
    private static Arity in(int min, int max) { return new Arity(min, max, 1, 1); }

    private static Map.Entry<String, Op> op(String type, Set<String> attributes, Arity arity) {
        return Map.entry(type, new Op(attributes, new TreeMap<>(Map.of(MIN_OPSET, arity))));
    }

    /** An op whose arity changed at opset {@code since}. */
    private static Map.Entry<String, Op> op(String type, Set<String> attributes, Arity before, int since, Arity from) {
        return Map.entry(type, new Op(attributes, new TreeMap<>(Map.of(MIN_OPSET, before, since, from))));
    }

    private static Set<String> union(Set<String> a, String... more) {
        java.util.HashSet<String> s = new java.util.HashSet<>(a);
        s.addAll(Set.of(more));
        return Set.copyOf(s);
    }
}
