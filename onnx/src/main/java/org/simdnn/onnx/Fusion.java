package org.simdnn.onnx;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Epilogue fusion over a plan's steps: a Conv or Gemm/MatMul step whose output is read by exactly one step
 * takes that step over when it is a residual Add (of a value already computed, same shape and storage) or an
 * element-wise activation; Add then activation fuse in that order. The fused output is written once.
 * Disabled with {@code -Dsimdnn.onnx.fuse=false} (or the load option), which the tests use to compare plans.
 */
final class Fusion {
    private Fusion() {}

    static void apply(List<Step> steps, List<Value> outputs) {
        boolean changed = true;
        while (changed) {
            changed = false;
            Map<Value, Integer> uses = useCounts(steps, outputs);
            Map<Value, Integer> producedAt = new IdentityHashMap<>();
            for (int i = 0; i < steps.size(); i++) for (Value v : steps.get(i).outputs) producedAt.put(v.root, i);
            for (int i = 0; i < steps.size() && !changed; i++) {
                Step s = steps.get(i);
                if (!(s instanceof ConvStep) && !(s instanceof GemmStep)) continue;
                Value y = s.out();
                if (uses.getOrDefault(y.root, 0) != 1) continue;
                Step t = consumer(steps, i + 1, y);
                if (t == null) continue;
                Epilogue e = epilogue(s);
                Epilogue fused = null;
                if (t instanceof UnaryStep u && u.inputs[0] == y && e.act() == null) {
                    fused = e.withActivation(u.fn, u.a, u.b);
                } else if (t instanceof BinaryStep b && b.fn == BinaryOp.ADD && b.flat && e.isNone()) {
                    Value other = b.inputs[0] == y ? b.inputs[1] : b.inputs[1] == y ? b.inputs[0] : null;
                    Integer at = other == null ? null : producedAt.get(other.root);
                    boolean ready = other != null && !other.isConst() && (at == null || at < i) && other.root != y.root
                            && other.storage == y.storage && java.util.Arrays.equals(other.shape, y.shape);
                    if (ready) fused = e.withResidual(other);
                }
                if (fused == null) continue;
                if (s instanceof ConvStep c) c.fuse(fused, t.out());
                else ((GemmStep) s).fuse(fused, t.out());
                steps.remove(t);
                changed = true;
            }
        }
    }

    /**
     * Inverted-residual blocks (MobileNetV2), after {@link #apply}: a 3x3 depthwise Conv read only by a 1x1 Conv
     * (the projection), with the 1x1 Conv that alone feeds it (the expansion) when there is one, each with a clamp
     * or no activation, the projection's residual (if any) being the block's input, becomes one {@link BlockStep}
     * at the projection's place, where the planning backend takes the layers
     * ({@link org.simdnn.ops.Backend#prepareInvertedResidual}).
     */
    static void blocks(List<Step> steps, List<Value> outputs, org.simdnn.ops.Backend backend) {
        Map<Value, Integer> uses = useCounts(steps, outputs);
        for (int i = 0; i < steps.size(); i++) {
            if (!(steps.get(i) instanceof ConvStep d) || !depthwise3x3(d) || !clampOnly(d)) continue;
            Value dy = d.out();
            if (uses.getOrDefault(dy.root, 0) != 1 || !(consumer(steps, i + 1, dy) instanceof ConvStep p)
                    || !pointwise(p) || p.inputs[0] != dy || p.epilogue.clamp() == null) {
                continue;
            }
            Value dx = d.inputs[0];
            ConvStep e = null;
            for (int j = i - 1; j >= 0; j--) {
                Step s = steps.get(j);
                if (s.outputs.length == 0 || s.out().root != dx.root) continue;
                if (s instanceof ConvStep c && s.out() == dx && pointwise(c) && clampOnly(c)
                        && uses.getOrDefault(dx.root, 0) == 1) {
                    e = c;
                }
                break;
            }
            Value x = e != null ? e.inputs[0] : dx, r = p.epilogue.residual();
            if (r != null && (r.root != x.root || r.storage != x.storage || !java.util.Arrays.equals(r.shape, x.shape))) {
                continue;
            }
            org.simdnn.ops.PreparedBlock pb = BlockStep.prepare(backend, e, d, p, r != null);
            if (pb == null) continue;
            BlockStep b = new BlockStep(e, d, p, r != null, x, p.out());
            b.prepared(backend, pb);
            steps.set(steps.indexOf(p), b);
            steps.remove(d);
            if (e != null) steps.remove(e);
            i = steps.indexOf(b);
        }
    }

    private static boolean depthwise3x3(ConvStep c) {
        var d = c.desc;
        return !c.transposed && d.kH() == 3 && d.kW() == 3 && d.groups() == d.inC() && d.outC() == d.inC();
    }

    private static boolean pointwise(ConvStep c) {
        var d = c.desc;
        return !c.transposed && d.kH() == 1 && d.kW() == 1 && d.groups() == 1 && d.strideH() == 1 && d.strideW() == 1
                && d.padTop() == 0 && d.padLeft() == 0 && d.padBottom() == 0 && d.padRight() == 0;
    }

    /** No residual, and no activation or one that is a clamp. */
    private static boolean clampOnly(ConvStep c) { return c.epilogue.residual() == null && c.epilogue.clamp() != null; }

    private static Epilogue epilogue(Step s) {
        return s instanceof ConvStep c ? c.epilogue : ((GemmStep) s).epilogue;
    }

    /** The first step from {@code from} reading {@code v} itself (not an alias), or null. */
    private static Step consumer(List<Step> steps, int from, Value v) {
        for (int j = from; j < steps.size(); j++) {
            for (Value in : steps.get(j).inputs) {
                if (in == v) return steps.get(j);
                if (in.root == v.root) return null;
            }
        }
        return null;
    }

    static Map<Value, Integer> useCounts(List<Step> steps, List<Value> outputs) {
        Map<Value, Integer> uses = new IdentityHashMap<>();
        for (Step s : steps) for (Value v : s.inputs) if (!v.isConst()) uses.merge(v.root, 1, Integer::sum);
        for (Value v : outputs) if (!v.isConst()) uses.merge(v.root, 1, Integer::sum);
        return uses;
    }
}
