package org.simdnn.onnx;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.simdnn.kernels.layout.Layouts;
import org.simdnn.ops.Backend;
import org.simdnn.ops.Backends;
import org.simdnn.tensor.Layout;
import org.simdnn.tensor.Tensor;

/**
 * One thread's runner of an {@link OnnxModel}: owns the activation arena of each plan it has run (one per
 * set of input shapes) and the steps bound to it, so a run copies the inputs in, runs the bound steps and
 * copies the outputs out. Not thread-safe; {@link #close} drops the arenas.
 */
public final class OnnxSession implements AutoCloseable {
    private final OnnxModel model;
    private final Backend backend = Backends.get();
    private final Map<Plan, Bound> bound = new IdentityHashMap<>();
    private final Map<String, int[]> shapes = new HashMap<>();

    /** A plan bound to this session's buffers. */
    private record Bound(Plan plan, float[][] buffers, Runnable[] steps) {}

    OnnxSession(OnnxModel model) { this.model = model; }

    /**
     * Runs the model. Inputs are in the model's logical layout (e.g. NCHW), or NHWC for a rank-4 input whose
     * tensor says {@link Layout#NHWC}. Outputs are fresh tensors the caller owns, in logical layout.
     */
    public Map<String, Tensor> run(Map<String, Tensor> inputs) { return run(inputs, Layout.NCHW); }

    /** As {@link #run(Map)}; rank-4 outputs come back NHWC when {@code outputLayout} is {@link Layout#NHWC}. */
    public Map<String, Tensor> run(Map<String, Tensor> inputs, Layout outputLayout) {
        Bound b = load(inputs);
        for (Runnable r : b.steps) r.run();
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Value v : b.plan.outputs) out.put(v.name, copyOut(v, b, outputLayout == Layout.NHWC));
        return out;
    }

    /**
     * Runs the model {@code calls} times, timing each plan step, and returns one line per step: the median
     * time, its share of the sum of medians, the op, node and implementation. For finding where a call's time
     * goes; the timer calls are outside the steps, so the steps run as in {@link #run}.
     */
    public String profile(Map<String, Tensor> inputs, int calls) {
        if (calls < 1) throw new IllegalArgumentException("profile needs calls >= 1, got " + calls);
        Bound b = load(inputs);
        long[][] nanos = new long[b.steps.length][calls];
        for (int c = 0; c < calls; c++) {
            long t = System.nanoTime();
            for (int i = 0; i < b.steps.length; i++) {
                b.steps[i].run();
                long now = System.nanoTime();
                nanos[i][c] = now - t;
                t = now;
            }
        }
        double[] median = new double[b.steps.length];
        double total = 0;
        for (int i = 0; i < median.length; i++) {
            long[] s = nanos[i];
            java.util.Arrays.sort(s);
            median[i] = (s[(calls - 1) / 2] + s[calls / 2]) / 2e3;
            total += median[i];
        }
        StringBuilder sb = new StringBuilder(String.format(java.util.Locale.ROOT, "%3s %10s %6s  %-18s %-24s %s%n",
                "#", "median us", "share", "op", "node", "implementation"));
        for (int i = 0; i < median.length; i++) {
            Step s = b.plan.steps.get(i);
            sb.append(String.format(java.util.Locale.ROOT, "%3d %10.1f %5.1f%%  %-18s %-24s %s%n", i, median[i],
                    100 * median[i] / total, s.op, "'" + s.node + "'", s.impl()));
        }
        sb.append(String.format(java.util.Locale.ROOT, "    %10.1f   sum of step medians over %d calls%n", total, calls));
        return sb.toString();
    }

    /** The bound plan for these inputs' shapes, with the inputs copied into its arena. */
    private Bound load(Map<String, Tensor> inputs) {
        shapes.clear();
        for (Map.Entry<String, Tensor> e : inputs.entrySet()) shapes.put(e.getKey(), logicalShape(e.getValue()));
        Plan plan = model.plan(model.checkShapes(shapes));
        Bound b = bound.computeIfAbsent(plan, this::bind);
        for (Value v : plan.inputs) copyIn(inputs.get(v.name), v, b.buffers[v.root.buffer]);
        return b;
    }

    private static int[] logicalShape(Tensor t) {
        int[] s = t.shape();
        return t.layout() == Layout.NHWC ? new int[] {s[0], s[3], s[1], s[2]} : s;
    }

    private Bound bind(Plan plan) {
        float[][] buffers = new float[plan.bufferSizes.length][];
        for (int i = 0; i < buffers.length; i++) buffers[i] = new float[plan.bufferSizes[i]];
        Step.Binding binding = new Step.Binding() {
            @Override public float[] data(Value v) { return v.isConst() ? v.data : buffers[v.root.buffer]; }

            @Override public Backend backend() { return backend; }
        };
        List<Step> steps = plan.steps;
        Runnable[] rs = new Runnable[steps.size()];
        for (int i = 0; i < rs.length; i++) rs[i] = steps.get(i).bind(binding);
        return new Bound(plan, buffers, rs);
    }

    private static void copyIn(Tensor t, Value v, float[] dst) {
        Tensor c = t.contiguous();
        int[] s = v.shape;
        boolean callerNhwc = t.layout() == Layout.NHWC;
        if (v.storage == Value.Storage.CHANNELS_LAST && v.rank() == 4) {
            if (callerNhwc) System.arraycopy(c.data(), c.offset(), dst, 0, v.size());
            else Layouts.nchwToNhwc(c.data(), c.offset(), dst, 0, s[0], s[1], s[2], s[3]);
        } else if (callerNhwc) {
            Layouts.nhwcToNchw(c.data(), c.offset(), dst, 0, s[0], s[2], s[3], s[1]);
        } else if (v.storage == Value.Storage.CHANNELS_LAST) {
            IndexMap.permute(s, v.logicalStrides(), Shapes.strides(s), Planner.identity(s.length))
                    .copy(c.data(), c.offset(), dst, 0, 0f);
        } else {
            System.arraycopy(c.data(), c.offset(), dst, 0, v.size());
        }
    }

    private static Tensor copyOut(Value v, Bound b, boolean wantNhwc) {
        float[] src = v.isConst() ? v.constant.asFloats() : b.buffers[v.root.buffer];
        int[] s = v.shape;
        Value.Storage st = v.isConst() ? Value.Storage.LOGICAL : v.storage;
        if (s.length == 4 && wantNhwc) {
            Tensor t = Tensor.zeros(Layout.NHWC, s[0], s[2], s[3], s[1]);
            if (st == Value.Storage.CHANNELS_LAST) System.arraycopy(src, 0, t.data(), 0, t.size());
            else Layouts.nchwToNhwc(src, 0, t.data(), 0, s[0], s[1], s[2], s[3]);
            return t;
        }
        Tensor t = Tensor.zeros(s);
        if (st == Value.Storage.LOGICAL || v.orderIsLogical()) {
            System.arraycopy(src, 0, t.data(), 0, t.size());
        } else if (s.length == 4) {
            Layouts.nhwcToNchw(src, 0, t.data(), 0, s[0], s[2], s[3], s[1]);
        } else {
            IndexMap.permute(s, Shapes.strides(s), v.logicalStrides(), Planner.identity(s.length)).copy(src, 0, t.data(), 0, 0f);
        }
        return t;
    }

    @Override
    public void close() { bound.clear(); }
}
