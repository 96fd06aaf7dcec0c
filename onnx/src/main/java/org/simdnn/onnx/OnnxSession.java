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
 *
 * <p>Scalar first (on unless {@code -Dsimdnn.onnx.scalarFirst=false} or {@link OnnxModel#newSession(boolean)}):
 * until C2 has compiled the Vector API kernels they run boxed, 100x below their steady state, so a session of a
 * JVM whose kernels are not yet warm binds its plans to the backend's {@linkplain Backend#scalar() scalar form}
 * (plain Java loops, fast in the interpreter and C1) and, after its first call, starts the JVM's one
 * {@link WarmUp}: a daemon thread that runs the plan's vector form on its own arena until its latency stops
 * falling. The call after that rebinds the plans to the vector kernels. A call pays one plain field read for
 * this once the switch is done; before it, one volatile read and two clock reads.
 */
public final class OnnxSession implements AutoCloseable {
    private final OnnxModel model;
    private final Backend backend;
    private final Map<Plan, Bound> bound = new IdentityHashMap<>();
    private final Map<String, int[]> shapes = new HashMap<>();
    /** The backend's scalar form while this session may bind plans to it, else null. */
    private Backend first;
    /** Some plan is bound to the scalar form: calls time themselves and poll the warm-up. */
    private boolean scalarBound;

    /**
     * A plan bound to a session's buffers; its inputs and outputs as arrays, which a steady-state call walks
     * without an iterator.
     */
    record Bound(Plan plan, Backend backend, float[][] buffers, Runnable[] steps, Value[] inputs, Value[] outputs) {}

    OnnxSession(OnnxModel model, boolean scalarFirst) { this(model, Backends.get(), scalarFirst); }

    /** A session on {@code backend} (tests run a backend's scalar form this way). */
    OnnxSession(OnnxModel model, Backend backend, boolean scalarFirst) {
        this.model = model;
        this.backend = backend;
        Backend s = backend.scalar();
        first = scalarFirst && s != backend && !WarmUp.done() ? s : null;
    }

    /**
     * Runs the model. Inputs are in the model's logical layout (e.g. NCHW), or NHWC for a rank-4 input whose
     * tensor says {@link Layout#NHWC}. Outputs are fresh tensors the caller owns, in logical layout.
     */
    public Map<String, Tensor> run(Map<String, Tensor> inputs) { return run(inputs, Layout.NCHW); }

    /** As {@link #run(Map)}; rank-4 outputs come back NHWC when {@code outputLayout} is {@link Layout#NHWC}. */
    public Map<String, Tensor> run(Map<String, Tensor> inputs, Layout outputLayout) {
        Bound b = load(inputs);
        if (scalarBound) {
            runScalarFirst(b);
        } else {
            for (Runnable r : b.steps) r.run();
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Value v : b.plan.outputs) out.put(v.name, copyOut(v, b, outputLayout == Layout.NHWC));
        return out;
    }

    /**
     * Runs {@code b} (which may be bound to the scalar form), timed for the warm-up's comparison; then starts the
     * warm-up if none has started, or, once it is done, rebinds every plan to the vector kernels for the next call.
     */
    private void runScalarFirst(Bound b) {
        long t0 = System.nanoTime();
        for (Runnable r : b.steps) r.run();
        if (b.backend != backend) WarmUp.scalarCall(b.plan, System.nanoTime() - t0);
        if (!WarmUp.done()) {
            WarmUp.start(b.plan, backend);
            return;
        }
        switchToVector();
    }

    /** Rebinds the plans bound to the scalar form to this session's backend; later calls run no check but one. */
    private void switchToVector() {
        WarmUp.rethrowFailure();
        first = null;
        scalarBound = false;
        for (Map.Entry<Plan, Bound> e : bound.entrySet()) {
            Bound b = e.getValue();
            if (b.backend == backend) continue;
            Bound v = bind(e.getKey(), backend);
            e.setValue(v);
            if (last == b) last = v;
        }
    }

    /**
     * Waits until this session runs its plans on the vector kernels: with scalar first, until the JVM's warm-up
     * has finished (starting it when no call has yet); at once otherwise. For benchmarks and profiles, which mean
     * to time the steady state.
     */
    public void awaitVectorKernels() {
        if (!scalarBound) {
            first = null;
            return;
        }
        if (last != null) WarmUp.start(last.plan, backend);
        WarmUp.await();
        switchToVector();
    }

    /** Which kernels the last call's plan ran on: the backend's name, e.g. "cpu" or "cpu-scalar" (tests, logs). */
    String runsOn() { return last == null ? "" : last.backend.name(); }

    /**
     * Runs the model {@code calls} times, timing each plan step, and returns one line per step: the median
     * time, its share of the sum of medians, the op, node and implementation. For finding where a call's time
     * goes; the timer calls are outside the steps, so the steps run as in {@link #run}.
     */
    public String profile(Map<String, Tensor> inputs, int calls) {
        if (calls < 1) throw new IllegalArgumentException("profile needs calls >= 1, got " + calls);
        Bound b = load(inputs);
        if (scalarBound) {
            awaitVectorKernels();
            b = load(inputs);
        }
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

    /**
     * Runs the model into the caller's output tensors, one per graph output (by name), each contiguous with the
     * output's logical shape, or NHWC-labelled with the NHWC shape for a rank-4 output. Inputs as in
     * {@link #run(Map)}. When the input shapes are those of the previous call, the bound plan is reused without
     * a lookup: a steady-state call allocates nothing here (the serving loop of an edge process).
     */
    public void run(Map<String, Tensor> inputs, Map<String, Tensor> outputs) {
        Bound b = load(inputs);
        for (Value v : b.outputs) {
            Tensor t = outputs.get(v.name);
            if (t == null) throw new IllegalArgumentException("no tensor for output '" + v.name + "' (outputs: " + outputs.keySet() + ")");
            int[] s = v.shape;
            boolean nhwc = s.length == 4 && t.layout() == Layout.NHWC;
            boolean ok = t.isContiguous() && t.rank() == s.length;
            for (int d = 0; ok && d < s.length; d++) ok = t.dim(d) == (nhwc ? s[d == 0 ? 0 : d == 3 ? 1 : d + 1] : s[d]);
            if (!ok) {
                throw new IllegalArgumentException("output '" + v.name + "' has shape " + Shapes.str(s) + (nhwc ? " (NHWC "
                        + "wanted)" : "") + ", the tensor given is " + t.shapeString() + (t.isContiguous() ? "" : " strided"));
            }
        }
        if (scalarBound) {
            runScalarFirst(b);
        } else {
            for (Runnable r : b.steps) r.run();
        }
        for (Value v : b.outputs) copyOut(v, b, outputs.get(v.name));
    }

    private Bound last;

    /** The bound plan for these inputs' shapes, with the inputs copied into its arena. */
    private Bound load(Map<String, Tensor> inputs) {
        if (last != null && sameShapes(last, inputs)) {
            for (Value v : last.inputs) copyIn(inputs.get(v.name), v, last.buffers[v.root.buffer]);
            return last;
        }
        Bound b = lookUp(inputs);
        last = b;
        return b;
    }

    /** Whether {@code inputs} are exactly the plan's inputs with its shapes (checked without allocating). */
    private static boolean sameShapes(Bound b, Map<String, Tensor> inputs) {
        if (inputs.size() != b.inputs.length) return false;
        for (Value v : b.inputs) {
            Tensor t = inputs.get(v.name);
            if (t == null || t.rank() != v.shape.length) return false;
            boolean nhwc = t.layout() == Layout.NHWC;
            for (int d = 0; d < v.shape.length; d++) {
                int dim = nhwc ? t.dim(d == 0 ? 0 : d == 1 ? 3 : d - 1) : t.dim(d);
                if (dim != v.shape[d]) return false;
            }
        }
        return true;
    }

    private Bound lookUp(Map<String, Tensor> inputs) {
        shapes.clear();
        for (Map.Entry<String, Tensor> e : inputs.entrySet()) shapes.put(e.getKey(), logicalShape(e.getValue()));
        Plan plan = model.plan(model.checkShapes(shapes));
        Bound b = bound.get(plan);
        if (b == null) {
            if (first != null && WarmUp.done()) first = null;
            b = bind(plan, first != null ? first : backend);
            if (first != null) scalarBound = true;
            bound.put(plan, b);
        }
        for (Value v : plan.inputs) copyIn(inputs.get(v.name), v, b.buffers[v.root.buffer]);
        return b;
    }

    private static int[] logicalShape(Tensor t) {
        int[] s = t.shape();
        return t.layout() == Layout.NHWC ? new int[] {s[0], s[3], s[1], s[2]} : s;
    }

    /** {@code plan} bound to a fresh arena and to {@code backend}'s kernels. */
    static Bound bind(Plan plan, Backend backend) {
        float[][] buffers = new float[plan.bufferSizes.length][];
        for (int i = 0; i < buffers.length; i++) buffers[i] = new float[plan.bufferSizes[i]];
        Step.Binding binding = new Step.Binding() {
            @Override public float[] data(Value v) { return v.isConst() ? v.data : buffers[v.root.buffer]; }

            @Override public Backend backend() { return backend; }
        };
        List<Step> steps = plan.steps;
        Runnable[] rs = new Runnable[steps.size()];
        for (int i = 0; i < rs.length; i++) rs[i] = steps.get(i).bind(binding);
        return new Bound(plan, backend, buffers, rs, plan.inputs.toArray(new Value[0]),
                plan.outputs.toArray(new Value[0]));
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
        int[] s = v.shape;
        Tensor t = s.length == 4 && wantNhwc ? Tensor.zeros(Layout.NHWC, s[0], s[2], s[3], s[1]) : Tensor.zeros(s);
        copyOut(v, b, t);
        return t;
    }

    /** v into {@code t}: logical layout, or NHWC when t is a rank-4 NHWC tensor. */
    private static void copyOut(Value v, Bound b, Tensor t) {
        float[] src = v.isConst() ? v.constant.asFloats() : b.buffers[v.root.buffer];
        int[] s = v.shape;
        Value.Storage st = v.isConst() ? Value.Storage.LOGICAL : v.storage;
        float[] dst = t.data();
        int o = t.offset();
        if (s.length == 4 && t.layout() == Layout.NHWC) {
            if (st == Value.Storage.CHANNELS_LAST) System.arraycopy(src, 0, dst, o, v.size());
            else Layouts.nchwToNhwc(src, 0, dst, o, s[0], s[1], s[2], s[3]);
        } else if (st == Value.Storage.LOGICAL || v.orderIsLogical()) {
            System.arraycopy(src, 0, dst, o, v.size());
        } else if (s.length == 4) {
            Layouts.nhwcToNchw(src, 0, dst, o, s[0], s[2], s[3], s[1]);
        } else {
            IndexMap.permute(s, Shapes.strides(s), v.logicalStrides(), Planner.identity(s.length)).copy(src, 0, dst, o, 0f);
        }
    }

    @Override
    public void close() {
        bound.clear();
        last = null;
    }
}
