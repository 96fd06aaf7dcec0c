package org.simdnn.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.simdnn.onnx.Value.Storage;
import org.simdnn.ops.Backends;

/**
 * Builds the {@link Plan} for one set of input shapes: walks the nodes in topological order with static
 * shapes, folds every node whose inputs are all constant (shape subgraphs, Cast, ConstantOfShape, ...),
 * chooses each value's storage (channels-last around convolutions and pools, layout conversions only where
 * an op's meaning depends on NCHW order), emits steps ({@link OpPlanner} knows the ops), fuses epilogues
 * ({@link Fusion}) and assigns arena buffers by liveness.
 */
final class Planner {
    /** Ops that compute on channels-last activations; a rank-3/4 graph input feeding one is stored so. */
    static final Set<String> CHANNEL_OPS = Set.of("Conv", "ConvTranspose", "MaxPool", "AveragePool",
            "GlobalAveragePool", "GlobalMaxPool", "BatchNormalization");

    final Graph graph;
    final Map<String, Value> values = new HashMap<>();
    final List<Step> steps = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    /** Graph-level consumers of each value name (graph outputs count as consumers named ""). */
    final Map<String, List<Node>> consumers = new HashMap<>();
    private final Map<Value, Value> channelsLastOf = new IdentityHashMap<>(), logicalOf = new IdentityHashMap<>();
    private int converted;

    private Planner(Graph graph) {
        this.graph = graph;
        for (Node n : graph.nodes()) {
            for (String in : n.inputs()) if (!in.isEmpty()) consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
        }
    }

    static Plan plan(Graph graph, Map<String, int[]> inputShapes, boolean fuse) {
        return new Planner(graph).build(inputShapes, fuse);
    }

    private Plan build(Map<String, int[]> inputShapes, boolean fuse) {
        graph.constants().forEach((name, c) -> values.put(name, Value.constant(name, c)));
        List<Value> inputs = new ArrayList<>();
        for (ValueInfo vi : graph.inputs()) {
            int[] shape = inputShapes.get(vi.name());
            if (shape == null) throw new OnnxException("no shape for graph input '" + vi.name() + "'");
            boolean channelOp = false;
            for (Node c : consumers.getOrDefault(vi.name(), List.of())) channelOp |= CHANNEL_OPS.contains(c.op());
            Value v = Value.runtime(vi.name(), shape, channelOp && (shape.length == 3 || shape.length == 4)
                    ? Storage.CHANNELS_LAST : Storage.LOGICAL);
            values.put(vi.name(), v);
            inputs.add(v);
        }
        OpPlanner ops = new OpPlanner(this);
        for (Node n : graph.nodes()) {
            try {
                ops.plan(n);
            } catch (OnnxException e) {
                throw e;
            } catch (IllegalArgumentException | IllegalStateException | ArithmeticException e) {
                throw new OnnxException(n.where() + ": " + e.getMessage() + " (inputs " + describeInputs(n) + ")", e);
            }
        }
        requireFloatConstants();
        List<Value> outputs = new ArrayList<>();
        for (ValueInfo o : graph.outputs()) {
            Value v = values.get(o.name());
            if (v.storage == Storage.FLAT_HWC) v = logical(v);
            outputs.add(v);
        }
        if (fuse) {
            Fusion.apply(steps, outputs);
            // -Dsimdnn.onnx.fuseBlocks=false keeps the blocks' layers apart (read per plan, for A/B runs in one process).
            if (!"false".equals(System.getProperty("simdnn.onnx.fuseBlocks"))) Fusion.blocks(steps, outputs, Backends.get());
        }
        int[] buffers = Liveness.assign(steps, inputs, outputs);
        long bytes = 0;
        for (int b : buffers) bytes += 4L * b;
        if (bytes > Runtime.getRuntime().maxMemory()) { // refused here rather than an OutOfMemoryError in the session
            throw new OnnxException("the activations for input shapes " + describe(inputShapes) + " need " + (bytes >> 20)
                    + " MiB, more than the JVM's heap (" + (Runtime.getRuntime().maxMemory() >> 20) + " MiB)");
        }
        if (converted > 0) notes.add(converted + " layout conversion(s) inserted");
        return new Plan(steps, buffers, inputs, outputs, notes);
    }

    /**
     * A step computes in float and reads a constant input's float data; an integer constant there (a weight whose
     * data type the file gives as int32, say) has none and would fail at the first run: refused at load by name.
     */
    private void requireFloatConstants() {
        for (Step s : steps) {
            for (Value v : s.inputs) {
                if (v != null && v.isConst() && v.data == null) {
                    throw new OnnxException(s.op + " node '" + s.node + "': input '" + v.name + "' is a "
                            + v.constant.typeName() + " constant; this operator computes in float");
                }
            }
        }
    }

    private static String describe(Map<String, int[]> shapes) {
        StringBuilder sb = new StringBuilder();
        shapes.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ", ").append('\'').append(k).append("' ").append(Shapes.str(v)));
        return sb.toString();
    }

    String describeInputs(Node n) {
        StringBuilder sb = new StringBuilder();
        for (String in : n.inputs()) {
            Value v = values.get(in);
            if (sb.length() > 0) sb.append(", ");
            sb.append(in.isEmpty() ? "<none>" : v == null ? in : in + v.describe());
        }
        return sb.toString();
    }

    // ---- values -----------------------------------------------------------------------------------

    Value value(Node n, int i) {
        Value v = values.get(n.input(i));
        if (v == null) throw new OnnxException(n.where() + ": input " + i + " '" + n.input(i) + "' has no value");
        return v;
    }

    Value optional(Node n, int i) { return n.hasInput(i) ? value(n, i) : null; }

    Const constant(Node n, int i, String what) {
        Value v = value(n, i);
        if (!v.isConst()) {
            throw new OnnxException(n.where() + ": " + what + " (input " + i + " '" + n.input(i)
                    + "') must be constant (an initializer or computable at load), it depends on the graph inputs");
        }
        return v.constant;
    }

    void define(Value v) { values.put(v.name, v); }

    void defineConst(Node n, int output, Const c) { define(Value.constant(n.outputs().get(output), c)); }

    /**
     * Adds a step, or evaluates it now when all its inputs are constant (its outputs become constants).
     */
    void emit(Step s) {
        boolean allConst = true;
        for (Value v : s.inputs) allConst &= v.isConst();
        if (!allConst) {
            steps.add(s);
            for (Value v : s.outputs) define(v);
            return;
        }
        Value out = s.out();
        if (s instanceof CopyStep cs && out.storage == Storage.LOGICAL) { // data movement folds ints and floats
            define(Value.constant(out.name, CopyStep.fold(cs.maps, cs.inputs, out.shape, cs.pad)));
            return;
        }
        float[] data = new float[out.size()];
        Step.Binding b = new Step.Binding() {
            @Override public float[] data(Value v) {
                if (v.isConst()) return v.data != null ? v.data : v.constant.asFloats();
                return data;
            }

            @Override public org.simdnn.ops.Backend backend() { return Backends.get(); }
        };
        s.bind(b).run();
        define(constantFromStorage(out.name, out.shape, out.storage, data));
    }

    /** A constant given in storage order, keeping its logical form for later folding. */
    static Value constantFromStorage(String name, int[] shape, Storage storage, float[] data) {
        if (storage == Storage.LOGICAL) return Value.constant(name, Const.ofFloats(shape, data));
        Value stored = Value.runtime(name, shape, storage);
        float[] logical = new float[data.length];
        IndexMap.permute(shape, Shapes.strides(shape), stored.logicalStrides(), identity(shape.length))
                .copy(data, 0, logical, 0, 0f);
        return Value.constant(name, Const.ofFloats(shape, logical), storage, data);
    }

    static int[] identity(int r) {
        int[] a = new int[r];
        for (int i = 0; i < r; i++) a[i] = i;
        return a;
    }

    // ---- storage conversions ------------------------------------------------------------------------

    /** {@code v} stored channels-last (rank >= 3), converting once per value if needed. */
    Value channelsLast(Value v) {
        if (v.storage == Storage.CHANNELS_LAST) return v;
        if (v.storage == Storage.FLAT_HWC) v = logical(v);
        Value cached = channelsLastOf.get(v);
        if (cached != null) return cached;
        Value target = Value.runtime(v.name + "#nhwc", v.shape, Storage.CHANNELS_LAST);
        Value r;
        if (v.isConst()) {
            float[] d = new float[v.size()];
            IndexMap.permute(v.shape, target.logicalStrides(), v.logicalStrides(), identity(v.rank()))
                    .copy(v.constant.asFloats(), 0, d, 0, 0f);
            r = Value.constant(target.name, v.constant, Storage.CHANNELS_LAST, d);
        } else if (v.orderIsLogical() && target.orderIsLogical()) {
            r = v.alias(target.name, v.shape, Storage.CHANNELS_LAST);
        } else {
            r = convert(v, target, "to channels-last");
        }
        channelsLastOf.put(v, r);
        return r;
    }

    /** {@code v} stored in logical (ONNX) order, converting once per value if needed. */
    Value logical(Value v) {
        if (v.storage == Storage.LOGICAL) return v;
        Value cached = logicalOf.get(v);
        if (cached != null) return cached;
        Value r;
        if (v.isConst()) {
            r = Value.constant(v.name + "#logical", v.constant);
        } else if (v.orderIsLogical()) {
            r = v.alias(v.name + "#logical", v.shape, Storage.LOGICAL);
        } else if (v.storage == Storage.FLAT_HWC) {
            Value src = logical(v.flatOf);
            r = src.alias(v.name + "#logical", v.shape, Storage.LOGICAL);
        } else {
            r = convert(v, Value.runtime(v.name + "#nchw", v.shape, Storage.LOGICAL), "to logical order");
        }
        logicalOf.put(v, r);
        return r;
    }

    private Value convert(Value from, Value to, String what) {
        converted++;
        IndexMap m = IndexMap.permute(from.shape, to.logicalStrides(), from.logicalStrides(), identity(from.rank()));
        emit(new CopyStep("Relayout", from.name, new Value[] {from}, to, new IndexMap[] {m}, 0f, what));
        return values.get(to.name);
    }

    /** A view of {@code v} under a new logical shape (Reshape, Flatten, Squeeze, ...): no copy when possible. */
    Value reshape(Value v, String name, int[] shape) {
        if (v.isConst()) return Value.constant(name, v.constant.reshaped(shape));
        Value l = logical(v);
        return l.alias(name, shape, Storage.LOGICAL);
    }

    int[] shapeOf(Node n, int i) { return value(n, i).shape.clone(); }

    static String str(int[] s) { return Arrays.toString(s); }
}
