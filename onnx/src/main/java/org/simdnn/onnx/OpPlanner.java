package org.simdnn.onnx;

import java.util.Arrays;
import java.util.List;
import org.simdnn.onnx.Value.Storage;
import org.simdnn.onnx.proto.OnnxProto.TensorProto.DataType;

/**
 * Per-operator planning: shape inference, attribute semantics per opset, storage choice and the step (or
 * the folded constant) for each node. Conv-like ops live in {@link ConvPoolPlanner}; everything else is here.
 */
final class OpPlanner {
    private final Planner p;
    private final int opset;
    private final ConvPoolPlanner conv;

    OpPlanner(Planner p) {
        this.p = p;
        this.opset = p.graph.opset();
        this.conv = new ConvPoolPlanner(p);
    }

    void plan(Node n) {
        switch (n.op()) {
            case "Conv" -> conv.conv(n);
            case "ConvTranspose" -> conv.convTranspose(n);
            case "MaxPool", "AveragePool" -> conv.pool(n);
            case "GlobalAveragePool", "GlobalMaxPool" -> conv.globalPool(n);
            case "BatchNormalization" -> conv.batchNorm(n);
            case "Gemm" -> gemm(n);
            case "MatMul" -> matmul(n);
            case "Add", "Sub", "Mul", "Div", "PRelu", "Equal" -> binary(n, BinaryOp.of(n.op()));
            case "Relu" -> unary(n, Unary.RELU, 0, 0);
            case "LeakyRelu" -> unary(n, Unary.LEAKY_RELU, n.attrs().getFloat("alpha", 0.01f), 0);
            case "Sigmoid" -> unary(n, Unary.SIGMOID, 0, 0);
            case "Tanh" -> unary(n, Unary.TANH, 0, 0);
            case "HardSigmoid" -> unary(n, Unary.HARD_SIGMOID, n.attrs().getFloat("alpha", 0.2f),
                    n.attrs().getFloat("beta", 0.5f));
            case "HardSwish" -> unary(n, Unary.HARD_SWISH, 0, 0);
            case "Exp" -> unary(n, Unary.EXP, 0, 0);
            case "Neg" -> unary(n, Unary.NEG, 0, 0);
            case "Abs" -> unary(n, Unary.ABS, 0, 0);
            case "Sqrt" -> unary(n, Unary.SQRT, 0, 0);
            case "Clip" -> clip(n);
            case "Softmax", "LogSoftmax" -> softmax(n);
            case "ReduceMean" -> reduceMean(n);
            case "Flatten" -> flatten(n);
            case "Reshape" -> reshape(n);
            case "Squeeze" -> squeeze(n);
            case "Unsqueeze" -> unsqueeze(n);
            case "Transpose" -> transpose(n);
            case "Concat" -> concat(n);
            case "Pad" -> pad(n);
            case "Slice" -> slice(n);
            case "Gather" -> gather(n);
            case "Expand" -> expand(n);
            case "Identity", "Dropout" -> identity(n);
            case "Shape" -> shape(n);
            case "Cast" -> cast(n);
            case "ConstantOfShape" -> constantOfShape(n);
            case "Range" -> range(n);
            case "Where" -> where(n);
            default -> throw new OnnxException(n.where() + ": operator " + n.op() + " has no planner");
        }
    }

    private String out(Node n) { return n.outputs().get(0); }

    // ---- dense algebra ----------------------------------------------------------------------------

    private void gemm(Node n) {
        Value a = p.value(n, 0), b = p.value(n, 1), c = p.optional(n, 2);
        boolean transA = n.attrs().getInt("transA", 0) != 0, transB = n.attrs().getInt("transB", 0) != 0;
        float alpha = n.attrs().getFloat("alpha", 1f), beta = n.attrs().getFloat("beta", 1f);
        if (a.rank() != 2 || b.rank() != 2) {
            throw new OnnxException(n.where() + ": A and B must be rank 2, got " + a.describe() + " and " + b.describe());
        }
        int m = transA ? a.shape[1] : a.shape[0], k = transA ? a.shape[0] : a.shape[1];
        int kb = transB ? b.shape[1] : b.shape[0], nn = transB ? b.shape[0] : b.shape[1];
        if (k != kb) {
            throw new OnnxException(n.where() + ": inner dims differ: A " + a.describe() + (transA ? "^T" : "") + " x B "
                    + b.describe() + (transB ? "^T" : ""));
        }
        String note = null;
        if (a.storage == Storage.FLAT_HWC && !transA && b.isConst()) {
            b = permuteRows(b, a.flatChw, transB);
            note = "weight rows permuted to read the NHWC flatten";
        } else {
            a = p.logical(a);
            b = p.logical(b);
        }
        Value y = Value.runtime(out(n), new int[] {m, nn}, Storage.LOGICAL);
        boolean biasRow = false;
        IndexMap cInit = null;
        if (c != null) {
            c = p.logical(c);
            Shapes.broadcast(c.shape, y.shape, n.where() + " C");
            if (!Arrays.equals(Shapes.broadcast(c.shape, y.shape, n.where()), y.shape)) {
                throw new OnnxException(n.where() + ": C " + c.describe() + " does not broadcast to " + Shapes.str(y.shape));
            }
            biasRow = beta == 1f && c.size() == nn && (c.rank() == 1 || c.rank() == 2 && c.shape[0] == 1);
            if (!biasRow && c.isConst() && beta != 1f) {
                float[] d = c.constant.asFloats().clone();
                for (int i = 0; i < d.length; i++) d[i] *= beta;
                c = Value.constant(c.name + "#beta", Const.ofFloats(c.shape, d));
                beta = 1f;
            }
            if (!biasRow) cInit = BinaryStep.broadcastMap(c, y);
        }
        p.emit(new GemmStep("Gemm", n.name(), a, b, c, y, m, nn, k, transA, transB, alpha, new int[] {0}, new int[] {0},
                biasRow, cInit, beta, note));
    }

    /** B's K index reordered from (c, h, w) to (h, w, c), so it reads a flatten of an NHWC value directly. */
    private static Value permuteRows(Value b, int[] chw, boolean transB) {
        int c = chw[0], h = chw[1], w = chw[2], k = c * h * w;
        float[] src = b.constant.asFloats(), dst = new float[src.length];
        int nn = src.length / k;
        for (int ch = 0; ch < c; ch++) {
            for (int hw = 0; hw < h * w; hw++) {
                int kl = ch * h * w + hw, kp = hw * c + ch;
                for (int j = 0; j < nn; j++) {
                    if (transB) dst[j * k + kp] = src[j * k + kl];
                    else dst[kp * nn + j] = src[kl * nn + j];
                }
            }
        }
        return Value.constant(b.name + "#hwc", Const.ofFloats(b.shape, dst));
    }

    private void matmul(Node n) {
        Value a = p.value(n, 0), b = p.value(n, 1);
        if (a.rank() == 0 || b.rank() == 0) throw new OnnxException(n.where() + ": scalar operands are not allowed");
        String note = null;
        if (a.storage == Storage.FLAT_HWC && b.isConst() && b.rank() == 2) {
            b = permuteRows(b, a.flatChw, false);
            note = "weight rows permuted to read the NHWC flatten";
        } else {
            a = p.logical(a);
        }
        b = p.logical(b);
        int[] as = a.rank() == 1 ? new int[] {1, a.shape[0]} : a.shape, bs = b.rank() == 1 ? new int[] {b.shape[0], 1} : b.shape;
        int m = as[as.length - 2], k = as[as.length - 1], kb = bs[bs.length - 2], nn = bs[bs.length - 1];
        if (k != kb) throw new OnnxException(n.where() + ": inner dims differ: " + a.describe() + " x " + b.describe());
        int[] ab = Arrays.copyOf(as, as.length - 2), bb = Arrays.copyOf(bs, bs.length - 2);
        int[] batch = Shapes.broadcast(ab, bb, n.where());
        int count = Shapes.size(batch);
        int[] aOff = new int[count], bOff = new int[count];
        int[] idx = new int[batch.length];
        for (int i = 0; i < count; i++) {
            aOff[i] = batchOffset(idx, ab, m * k);
            bOff[i] = batchOffset(idx, bb, k * nn);
            for (int d = batch.length - 1; d >= 0 && ++idx[d] == batch[d]; d--) idx[d] = 0;
        }
        int[] outShape = new int[batch.length + 2];
        System.arraycopy(batch, 0, outShape, 0, batch.length);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = nn;
        if (a.rank() == 1) outShape = remove(outShape, batch.length);
        if (b.rank() == 1) outShape = remove(outShape, outShape.length - 1);
        Value y = Value.runtime(out(n), outShape, Storage.LOGICAL);
        boolean bShared = true;
        for (int o : bOff) bShared &= o == 0;
        boolean aDense = Shapes.size(ab) == count;
        if (bShared && aDense && count > 1) { // one GEMM over all rows of A
            p.emit(new GemmStep("MatMul", n.name(), a, b, null, y, m * count, nn, k, false, false, 1f, new int[] {0},
                    new int[] {0}, false, null, 1f, note));
        } else {
            p.emit(new GemmStep("MatMul", n.name(), a, b, null, y, m, nn, k, false, false, 1f, aOff, bOff, false, null,
                    1f, note));
        }
    }

    /** Offset of the batch index {@code idx} (of the broadcast batch) in an operand with batch dims {@code dims}. */
    private static int batchOffset(int[] idx, int[] dims, int matrix) {
        int off = 0, stride = matrix;
        for (int d = dims.length - 1, i = idx.length - 1; d >= 0; d--, i--) {
            if (dims[d] != 1) off += idx[i] * stride;
            stride *= dims[d];
        }
        return off;
    }

    private static int[] remove(int[] a, int i) {
        int[] r = new int[a.length - 1];
        System.arraycopy(a, 0, r, 0, i);
        System.arraycopy(a, i + 1, r, i, a.length - i - 1);
        return r;
    }

    // ---- element-wise -----------------------------------------------------------------------------

    private void binary(Node n, BinaryOp fn) {
        Value a = p.value(n, 0), b = p.value(n, 1);
        if (opset < 7 && n.attrs().getInt("broadcast", 0) != 0 && n.attrs().has("axis")) {
            // Opset 6: B's dims line up with A's from `axis`; trailing ones make it NumPy broadcasting.
            int axis = Shapes.axis(n.attrs().getInt("axis", 0), a.rank(), n.where());
            int[] s = new int[a.rank() - axis];
            Arrays.fill(s, 1);
            if (b.rank() > s.length) throw new OnnxException(n.where() + ": B " + b.describe() + " does not fit A " + a.describe() + " at axis " + axis);
            System.arraycopy(b.shape, 0, s, 0, b.rank());
            b = p.reshape(b, b.name + "#bcast", s);
        }
        if (a.storage == Storage.FLAT_HWC) a = p.logical(a);
        if (b.storage == Storage.FLAT_HWC) b = p.logical(b);
        if (fn == BinaryOp.PRELU && opset < 7 && b.rank() == 1 && a.rank() >= 2 && b.shape[0] == a.shape[1]) {
            int[] s = new int[a.rank() - 1]; // opset 6: a slope per channel (axis 1)
            Arrays.fill(s, 1);
            s[0] = b.shape[0];
            b = p.reshape(b, b.name + "#channel", s);
        }
        int[] shape = Shapes.broadcast(a.shape, b.shape, n.where());
        if (a.isConst() && b.isConst()) {
            p.defineConst(n, 0, BinaryStep.fold(fn, a, b, shape, n.where()));
            return;
        }
        if (fn == BinaryOp.EQUAL) throw new OnnxException(n.where() + ": Equal on runtime tensors is not supported (constants only)");
        if (fn == BinaryOp.PRELU && !Arrays.equals(shape, a.shape)) {
            throw new OnnxException(n.where() + ": slope " + b.describe() + " must broadcast to X " + a.describe());
        }
        boolean cl = shape.length >= 3 && (a.storage == Storage.CHANNELS_LAST && a.rank() == shape.length
                || b.storage == Storage.CHANNELS_LAST && b.rank() == shape.length);
        Value y = Value.runtime(out(n), shape, cl ? Storage.CHANNELS_LAST : Storage.LOGICAL);
        p.emit(new BinaryStep(n.op(), n.name(), a, b, y, fn));
    }

    private void unary(Node n, Unary fn, float a, float b) {
        Value x = p.value(n, 0);
        if (x.storage == Storage.FLAT_HWC) x = p.logical(x);
        p.emit(new UnaryStep(n.op(), n.name(), x, Value.runtime(out(n), x.shape, x.storage), fn, a, b));
    }

    private void clip(Node n) {
        float lo, hi;
        if (opset < 11) {
            lo = n.attrs().getFloat("min", -Float.MAX_VALUE);
            hi = n.attrs().getFloat("max", Float.MAX_VALUE);
        } else {
            lo = n.hasInput(1) ? scalar(n, 1, "min") : Float.NEGATIVE_INFINITY;
            hi = n.hasInput(2) ? scalar(n, 2, "max") : Float.POSITIVE_INFINITY;
        }
        unary(n, Unary.CLIP, lo, hi);
    }

    private float scalar(Node n, int i, String what) {
        Const c = p.constant(n, i, what);
        if (c.size() != 1) throw new OnnxException(n.where() + ": " + what + " must be a scalar, got " + c);
        return c.asFloats()[0];
    }

    private void softmax(Node n) {
        Value x = p.value(n, 0);
        if (x.storage == Storage.FLAT_HWC) x = p.logical(x);
        boolean log = n.op().equals("LogSoftmax");
        int r = x.rank();
        if (r == 0) throw new OnnxException(n.where() + ": needs rank >= 1");
        int axis = Shapes.axis(n.attrs().getInt("axis", opset < 13 ? 1 : -1), r, n.where());
        if (opset < 13) { // coerced to 2-d [prod(shape[:axis]), prod(shape[axis:])]
            if (!x.orderIsLogical()) x = p.logical(x);
            int outer = Shapes.prod(x.shape, 0, axis), inner = Shapes.prod(x.shape, axis, r);
            p.emit(new SoftmaxStep(n.op(), n.name(), x, Value.runtime(out(n), x.shape, x.storage), log, outer, inner, 1));
            return;
        }
        int[] phys = x.physShape();
        int pa = x.storage == Storage.CHANNELS_LAST ? (axis == 0 ? 0 : axis == 1 ? r - 1 : axis - 1) : axis;
        p.emit(new SoftmaxStep(n.op(), n.name(), x, Value.runtime(out(n), x.shape, x.storage), log,
                Shapes.prod(phys, 0, pa), phys[pa], Shapes.prod(phys, pa + 1, r)));
    }

    private void reduceMean(Node n) {
        Value x = p.value(n, 0);
        if (x.storage == Storage.FLAT_HWC) x = p.logical(x);
        int r = x.rank();
        long[] axes = n.attrs().getInts("axes");
        boolean keep = n.attrs().getInt("keepdims", 1) != 0;
        boolean[] reduced = new boolean[r];
        if (axes == null || axes.length == 0) Arrays.fill(reduced, true);
        else for (long a : axes) reduced[Shapes.axis(a, r, n.where())] = true;
        int[] shape = new int[r];
        int kept = 0;
        for (int i = 0; i < r; i++) {
            if (!reduced[i]) shape[kept++] = x.shape[i];
            else if (keep) shape[kept++] = 1;
        }
        shape = Arrays.copyOf(shape, kept);
        Storage s = keep && x.storage == Storage.CHANNELS_LAST ? Storage.CHANNELS_LAST : Storage.LOGICAL;
        p.emit(new ReduceMeanStep(n.name(), x, Value.runtime(out(n), shape, s), reduced));
    }

    // ---- shape and data movement --------------------------------------------------------------------

    private void flatten(Node n) {
        Value x = p.value(n, 0);
        int r = x.rank();
        long a = n.attrs().getInt("axis", 1);
        if (a < -r || a > r) throw new OnnxException(n.where() + ": axis " + a + " out of range for " + x.describe());
        int axis = (int) (a < 0 ? a + r : a);
        int[] shape = {Shapes.prod(x.shape, 0, axis), Shapes.prod(x.shape, axis, r)};
        reshapeTo(n, x, shape);
    }

    private void reshape(Node n) {
        Value x = p.value(n, 0);
        long[] spec = p.constant(n, 1, "shape").asLongs();
        boolean allowZero = n.attrs().getInt("allowzero", 0) != 0;
        int[] shape = new int[spec.length];
        int infer = -1;
        long known = 1;
        for (int i = 0; i < spec.length; i++) {
            long d = spec[i];
            if (d == 0 && !allowZero) {
                if (i >= x.rank()) throw new OnnxException(n.where() + ": 0 at position " + i + " but input is " + x.describe());
                d = x.shape[i];
            }
            if (d == -1) {
                if (infer >= 0) throw new OnnxException(n.where() + ": more than one -1 in shape " + Arrays.toString(spec));
                infer = i;
                continue;
            }
            if (d < 0 || d > Integer.MAX_VALUE) throw new OnnxException(n.where() + ": bad dimension " + d + " in " + Arrays.toString(spec));
            shape[i] = (int) d;
            known *= d;
        }
        int size = x.size();
        if (infer >= 0) {
            if (known == 0 || size % known != 0) {
                throw new OnnxException(n.where() + ": cannot reshape " + x.describe() + " to " + Arrays.toString(spec));
            }
            shape[infer] = (int) (size / known);
        }
        if (Shapes.size(shape) != size) {
            throw new OnnxException(n.where() + ": cannot reshape " + x.describe() + " (" + size + " elements) to "
                    + Arrays.toString(spec));
        }
        reshapeTo(n, x, shape);
    }

    /**
     * A reshape: a view when storage order allows, a flatten of an NHWC value that only Gemm/MatMul weights
     * read stays NHWC (their rows are permuted instead), else a conversion to logical order first.
     */
    private void reshapeTo(Node n, Value x, int[] shape) {
        String name = out(n);
        if (!x.isConst() && x.storage == Storage.CHANNELS_LAST && !x.orderIsLogical() && x.rank() == 4
                && shape.length == 2 && shape[0] == x.shape[0] && onlyWeightsRead(name)) {
            Value f = x.alias(name, shape, Storage.FLAT_HWC);
            f.flatChw = new int[] {x.shape[1], x.shape[2], x.shape[3]};
            f.flatOf = x;
            p.define(f);
            return;
        }
        p.define(p.reshape(x, name, shape));
    }

    /** Every reader of {@code name} is a Gemm/MatMul taking it as A with a constant rank-2 B. */
    private boolean onlyWeightsRead(String name) {
        List<Node> cs = p.consumers.getOrDefault(name, List.of());
        if (cs.isEmpty()) return false;
        for (ValueInfo o : p.graph.outputs()) if (o.name().equals(name)) return false;
        for (Node c : cs) {
            boolean ok = (c.op().equals("Gemm") && c.attrs().getInt("transA", 0) == 0 || c.op().equals("MatMul"))
                    && c.input(0).equals(name) && !c.input(1).equals(name);
            Value b = ok ? p.values.get(c.input(1)) : null;
            if (b == null || !b.isConst() || b.rank() != 2) return false;
        }
        return true;
    }

    private long[] axesOf(Node n, int input) {
        if (opset < 13) return n.attrs().getInts("axes");
        return n.hasInput(input) ? p.constant(n, input, "axes").asLongs() : null;
    }

    private void squeeze(Node n) {
        Value x = p.value(n, 0);
        long[] axes = axesOf(n, 1);
        boolean[] drop = new boolean[x.rank()];
        if (axes == null) {
            for (int i = 0; i < drop.length; i++) drop[i] = x.shape[i] == 1;
        } else {
            for (long a : axes) {
                int i = Shapes.axis(a, x.rank(), n.where());
                if (x.shape[i] != 1) throw new OnnxException(n.where() + ": axis " + a + " of " + x.describe() + " is not 1");
                drop[i] = true;
            }
        }
        int[] shape = new int[x.rank()];
        int k = 0;
        for (int i = 0; i < drop.length; i++) if (!drop[i]) shape[k++] = x.shape[i];
        reshapeTo(n, x, Arrays.copyOf(shape, k));
    }

    private void unsqueeze(Node n) {
        Value x = p.value(n, 0);
        long[] axes = axesOf(n, 1);
        if (axes == null) throw new OnnxException(n.where() + ": axes are required");
        int r = x.rank() + axes.length;
        boolean[] add = new boolean[r];
        for (long a : axes) {
            int i = Shapes.axis(a, r, n.where());
            if (add[i]) throw new OnnxException(n.where() + ": axis " + a + " repeated");
            add[i] = true;
        }
        int[] shape = new int[r];
        for (int i = 0, k = 0; i < r; i++) shape[i] = add[i] ? 1 : x.shape[k++];
        reshapeTo(n, x, shape);
    }

    private void transpose(Node n) {
        Value x = p.value(n, 0);
        if (x.storage == Storage.FLAT_HWC) x = p.logical(x);
        int r = x.rank();
        long[] perm = n.attrs().getInts("perm");
        int[] pm = new int[r];
        boolean[] seen = new boolean[r];
        for (int i = 0; i < r; i++) {
            pm[i] = perm == null ? r - 1 - i : Shapes.axis(perm[i], r, n.where());
            if (seen[pm[i]]) throw new OnnxException(n.where() + ": perm " + Arrays.toString(perm) + " is not a permutation");
            seen[pm[i]] = true;
        }
        if (perm != null && perm.length != r) {
            throw new OnnxException(n.where() + ": perm " + Arrays.toString(perm) + " for " + x.describe());
        }
        int[] shape = new int[r];
        for (int i = 0; i < r; i++) shape[i] = x.shape[pm[i]];
        int[] xs = x.logicalStrides();
        // The transpose may just name the storage order (e.g. NCHW->NHWC of an NHWC value): a view.
        if (!x.isConst()) {
            int[] want = Shapes.strides(shape);
            boolean view = true;
            for (int i = 0; i < r; i++) view &= shape[i] == 1 || xs[pm[i]] == want[i];
            if (view) {
                p.define(x.alias(out(n), shape, Storage.LOGICAL));
                return;
            }
        }
        IndexMap m = IndexMap.permute(shape, Shapes.strides(shape), xs, pm);
        p.emit(new CopyStep("Transpose", n.name(), new Value[] {x}, Value.runtime(out(n), shape, Storage.LOGICAL),
                new IndexMap[] {m}, 0f, "perm " + Arrays.toString(pm)));
    }

    private void concat(Node n) {
        int count = n.inputs().size();
        Value[] in = new Value[count];
        for (int i = 0; i < count; i++) {
            in[i] = p.value(n, i);
            if (in[i].storage == Storage.FLAT_HWC) in[i] = p.logical(in[i]);
        }
        int r = in[0].rank();
        if (r == 0) throw new OnnxException(n.where() + ": cannot concatenate scalars");
        if (!n.attrs().has("axis") && opset >= 4) throw new OnnxException(n.where() + ": attribute 'axis' is required");
        int axis = Shapes.axis(n.attrs().getInt("axis", 1), r, n.where()); // before opset 4 it defaulted to 1
        int[] shape = in[0].shape.clone();
        shape[axis] = 0;
        boolean cl = false;
        for (Value v : in) {
            for (int d = 0; d < r; d++) {
                if (v.rank() != r || d != axis && v.shape[d] != shape[d]) {
                    throw new OnnxException(n.where() + ": inputs do not agree off axis " + axis + ": " + p.describeInputs(n));
                }
            }
            shape[axis] += v.shape[axis];
            cl |= !v.isConst() && v.storage == Storage.CHANNELS_LAST;
        }
        Value y = Value.runtime(out(n), shape, cl ? Storage.CHANNELS_LAST : Storage.LOGICAL);
        int[] ys = y.logicalStrides();
        IndexMap[] maps = new IndexMap[count];
        for (int i = 0, at = 0; i < count; i++) {
            maps[i] = IndexMap.of(in[i].shape, ys, at * ys[axis], in[i].logicalStrides(), Planner.identity(r), null);
            at += in[i].shape[axis];
        }
        p.emit(new CopyStep("Concat", n.name(), in, y, maps, 0f, "axis " + axis));
    }

    private void pad(Node n) {
        Value x = p.value(n, 0);
        if (x.storage == Storage.FLAT_HWC) x = p.logical(x);
        String mode = n.attrs().getString("mode", "constant");
        long[] pads;
        float value;
        if (opset < 11) {
            pads = n.attrs().getInts("pads");
            value = n.attrs().getFloat("value", 0f);
        } else {
            pads = p.constant(n, 1, "pads").asLongs();
            value = n.hasInput(2) ? scalar(n, 2, "constant_value") : 0f;
        }
        int r = x.rank();
        if (pads == null || pads.length != 2 * r) {
            throw new OnnxException(n.where() + ": pads " + Arrays.toString(pads) + " need 2 x rank " + r + " entries");
        }
        if (!mode.equals("constant") && !mode.equals("reflect") && !mode.equals("edge")) {
            throw new OnnxException(n.where() + ": mode '" + mode + "' is not supported (constant, reflect, edge)");
        }
        int[] shape = new int[r];
        int[][] index = new int[r][];
        for (int d = 0; d < r; d++) {
            long size = x.shape[d] + pads[d] + pads[d + r];
            if (size < 0 || size > Integer.MAX_VALUE) throw new OnnxException(n.where() + ": pads " + Arrays.toString(pads) + " for " + x.describe());
            shape[d] = (int) size;
            index[d] = new int[shape[d]];
            int len = x.shape[d];
            for (int j = 0; j < shape[d]; j++) {
                long i = j - pads[d];
                if (i < 0 || i >= len) {
                    if (len == 0 || mode.equals("constant")) i = -1;
                    else if (mode.equals("edge")) i = Math.max(0, Math.min(len - 1, i));
                    else i = reflect(i, len);
                }
                index[d][j] = (int) i;
            }
        }
        Value y = Value.runtime(out(n), shape, x.storage == Storage.CHANNELS_LAST ? Storage.CHANNELS_LAST : Storage.LOGICAL);
        IndexMap m = IndexMap.of(shape, y.logicalStrides(), 0, x.logicalStrides(), Planner.identity(r), index);
        p.emit(new CopyStep("Pad", n.name(), new Value[] {x}, y, new IndexMap[] {m}, value, mode + " " + Arrays.toString(pads)));
    }

    private static long reflect(long i, int len) {
        if (len == 1) return 0;
        long period = 2L * (len - 1);
        long k = Math.floorMod(i, period);
        return k < len ? k : period - k;
    }

    private void slice(Node n) {
        Value x = p.value(n, 0);
        if (x.storage == Storage.FLAT_HWC) x = p.logical(x);
        int r = x.rank();
        long[] starts, ends, axes, steps;
        if (opset < 10) {
            starts = n.attrs().getInts("starts");
            ends = n.attrs().getInts("ends");
            axes = n.attrs().getInts("axes");
            steps = null;
        } else {
            starts = p.constant(n, 1, "starts").asLongs();
            ends = p.constant(n, 2, "ends").asLongs();
            axes = n.hasInput(3) ? p.constant(n, 3, "axes").asLongs() : null;
            steps = n.hasInput(4) ? p.constant(n, 4, "steps").asLongs() : null;
        }
        if (starts == null || ends == null || starts.length != ends.length || axes != null && axes.length != starts.length
                || steps != null && steps.length != starts.length) {
            throw new OnnxException(n.where() + ": starts/ends/axes/steps lengths differ");
        }
        int[] shape = x.shape.clone();
        int[][] index = new int[r][];
        for (int i = 0; i < starts.length; i++) {
            int a = Shapes.axis(axes == null ? i : axes[i], r, n.where());
            if (index[a] != null) throw new OnnxException(n.where() + ": axis " + a + " sliced twice");
            long dim = x.shape[a], step = steps == null ? 1 : steps[i];
            if (step == 0) throw new OnnxException(n.where() + ": step 0");
            long s = starts[i] < 0 ? starts[i] + dim : starts[i], e = ends[i] < 0 ? ends[i] + dim : ends[i];
            if (step > 0) {
                s = Math.max(0, Math.min(dim, s));
                e = Math.max(0, Math.min(dim, e));
            } else {
                s = Math.max(-1, Math.min(dim - 1, s));
                e = Math.max(-1, Math.min(dim - 1, e));
            }
            long len = step > 0 ? Math.max(0, (e - s + step - 1) / step) : Math.max(0, (s - e + (-step) - 1) / (-step));
            shape[a] = (int) len;
            index[a] = new int[(int) len];
            for (int j = 0; j < len; j++) index[a][j] = (int) (s + j * step);
        }
        Value y = Value.runtime(out(n), shape, x.storage == Storage.CHANNELS_LAST ? Storage.CHANNELS_LAST : Storage.LOGICAL);
        IndexMap m = IndexMap.of(shape, y.logicalStrides(), 0, x.logicalStrides(), Planner.identity(r), index);
        p.emit(new CopyStep("Slice", n.name(), new Value[] {x}, y, new IndexMap[] {m}, 0f, "slice"));
    }

    private void gather(Node n) {
        Value x = p.value(n, 0);
        if (x.storage == Storage.FLAT_HWC) x = p.logical(x);
        Const idx = p.constant(n, 1, "indices");
        int r = x.rank();
        if (r == 0) throw new OnnxException(n.where() + ": data must have rank >= 1");
        int axis = Shapes.axis(n.attrs().getInt("axis", 0), r, n.where());
        int dim = x.shape[axis];
        long[] iv = idx.asLongs();
        int[] pick = new int[iv.length];
        for (int i = 0; i < iv.length; i++) {
            long v = iv[i] < 0 ? iv[i] + dim : iv[i];
            if (v < 0 || v >= dim) throw new OnnxException(n.where() + ": index " + iv[i] + " out of range for axis " + axis + " of " + x.describe());
            pick[i] = (int) v;
        }
        int[] box = x.shape.clone();
        box[axis] = pick.length;
        int[][] index = new int[r][];
        index[axis] = pick;
        int[] shape = new int[r - 1 + idx.rank()];
        System.arraycopy(x.shape, 0, shape, 0, axis);
        System.arraycopy(idx.shape(), 0, shape, axis, idx.rank());
        System.arraycopy(x.shape, axis + 1, shape, axis + idx.rank(), r - axis - 1);
        IndexMap m = IndexMap.of(box, Shapes.strides(box), 0, x.logicalStrides(), Planner.identity(r), index);
        p.emit(new CopyStep("Gather", n.name(), new Value[] {x}, Value.runtime(out(n), shape, Storage.LOGICAL),
                new IndexMap[] {m}, 0f, "axis " + axis + ", " + pick.length + " indices"));
    }

    private void expand(Node n) {
        Value x = p.value(n, 0);
        if (x.storage == Storage.FLAT_HWC) x = p.logical(x);
        int[] target = p.constant(n, 1, "shape").asInts(n.where() + " shape");
        int[] shape = Shapes.broadcast(x.shape, target, n.where());
        Value y = Value.runtime(out(n), shape, Storage.LOGICAL);
        p.emit(new CopyStep("Expand", n.name(), new Value[] {x}, y, new IndexMap[] {BinaryStep.broadcastMap(x, y)}, 0f,
                "to " + Shapes.str(shape)));
    }

    private void identity(Node n) {
        Value x = p.value(n, 0);
        if (n.outputs().size() > 1 && !n.outputs().get(1).isEmpty()) {
            throw new OnnxException(n.where() + ": the mask output is not supported (inference only)");
        }
        if (n.op().equals("Dropout") && n.hasInput(2)) {
            Const t = p.constant(n, 2, "training_mode");
            if (t.size() != 1 || t.asLongs()[0] != 0) throw new OnnxException(n.where() + ": training mode is not supported");
        }
        p.define(x.isConst() ? Value.constant(out(n), x.constant) : x.alias(out(n), x.shape, x.storage));
    }

    // ---- constant-only ops (shape subgraphs) ---------------------------------------------------------

    private void shape(Node n) {
        int[] s = p.shapeOf(n, 0);
        int r = s.length;
        long start = n.attrs().getInt("start", 0), end = n.attrs().getInt("end", r);
        int a = (int) Math.max(0, Math.min(r, start < 0 ? start + r : start));
        int b = (int) Math.max(0, Math.min(r, end < 0 ? end + r : end));
        long[] d = new long[Math.max(0, b - a)];
        for (int i = 0; i < d.length; i++) d[i] = s[a + i];
        p.defineConst(n, 0, Const.ofLongs(new int[] {d.length}, d));
    }

    private void cast(Node n) {
        Value x = p.value(n, 0);
        DataType to = DataType.forNumber((int) n.attrs().getInt("to", 0));
        if (to == null || to == DataType.STRING || to == DataType.UNDEFINED || to == DataType.COMPLEX64
                || to == DataType.COMPLEX128) {
            throw new OnnxException(n.where() + ": cast to " + n.attrs().getInt("to", 0) + " is not supported");
        }
        if (!x.isConst()) {
            if (!Const.isFloatType(to)) {
                throw new OnnxException(n.where() + ": casting the runtime float tensor " + x.describe() + " to "
                        + Const.typeName(to) + " is not supported (only constant subgraphs may hold integers)");
            }
            p.define(x.alias(out(n), x.shape, x.storage));
            return;
        }
        Const c = x.constant;
        Const r;
        if (Const.isFloatType(to)) {
            float[] f = c.asFloats().clone();
            if (to == DataType.FLOAT16) for (int i = 0; i < f.length; i++) f[i] = Float.float16ToFloat(Float.floatToFloat16(f[i]));
            if (to == DataType.BFLOAT16) for (int i = 0; i < f.length; i++) f[i] = Float.intBitsToFloat(bf16Bits(f[i]) << 16);
            r = new Const(to, c.shape(), f, null);
        } else if (to == DataType.BOOL) {
            long[] l = new long[c.size()];
            if (c.isFloat()) for (int i = 0; i < l.length; i++) l[i] = c.floats()[i] != 0 ? 1 : 0;
            else for (int i = 0; i < l.length; i++) l[i] = c.longs()[i] != 0 ? 1 : 0;
            r = new Const(to, c.shape(), null, l);
        } else {
            r = new Const(to, c.shape(), null, c.asLongs().clone());
        }
        p.defineConst(n, 0, r);
    }

    /** float32 to bfloat16 bits, round to nearest even (NaN stays NaN). */
    private static int bf16Bits(float f) {
        int b = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (b >>> 16) | 0x40;
        return (b + 0x7fff + ((b >>> 16) & 1)) >>> 16;
    }

    private void constantOfShape(Node n) {
        int[] shape = p.constant(n, 0, "shape").asInts(n.where() + " shape");
        Shapes.size(shape);
        var attr = n.attrs().raw("value");
        Const v = attr == null ? Const.ofFloats(new int[] {1}, new float[] {0}) : TensorProtos.read(attr.getT(), null);
        if (v.size() != 1) throw new OnnxException(n.where() + ": value must hold one element, got " + v);
        int size = Shapes.size(shape);
        if (v.isFloat()) {
            float[] f = new float[size];
            Arrays.fill(f, v.floats()[0]);
            p.defineConst(n, 0, new Const(v.type(), shape, f, null));
        } else {
            long[] l = new long[size];
            Arrays.fill(l, v.longs()[0]);
            p.defineConst(n, 0, new Const(v.type(), shape, null, l));
        }
    }

    private void range(Node n) {
        Const s = p.constant(n, 0, "start"), l = p.constant(n, 1, "limit"), d = p.constant(n, 2, "delta");
        if (s.isFloat()) {
            float a = s.floats()[0], b = l.asFloats()[0], st = d.asFloats()[0];
            int count = (int) Math.max(0, Math.ceil((b - a) / st));
            if (count > 1 << 24) throw new OnnxException(n.where() + ": range of " + count + " elements");
            float[] f = new float[count];
            for (int i = 0; i < count; i++) f[i] = a + i * st;
            p.defineConst(n, 0, Const.ofFloats(new int[] {count}, f));
        } else {
            long a = s.longs()[0], b = l.asLongs()[0], st = d.asLongs()[0];
            if (st == 0) throw new OnnxException(n.where() + ": delta 0");
            long count = Math.max(0, (b - a + st + (st > 0 ? -1 : 1)) / st);
            if (count > 1 << 24) throw new OnnxException(n.where() + ": range of " + count + " elements");
            long[] v = new long[(int) count];
            for (int i = 0; i < v.length; i++) v[i] = a + i * st;
            p.defineConst(n, 0, new Const(s.type(), new int[] {v.length}, null, v));
        }
    }

    private void where(Node n) {
        for (int i = 0; i < 3; i++) {
            if (!p.value(n, i).isConst()) throw new OnnxException(n.where() + ": Where on runtime tensors is not supported (constants only)");
        }
        Const c = p.constant(n, 0, "condition"), x = p.constant(n, 1, "X"), y = p.constant(n, 2, "Y");
        int[] shape = Shapes.broadcast(Shapes.broadcast(c.shape(), x.shape(), n.where()), y.shape(), n.where());
        Value out = Value.runtime("", shape, Storage.LOGICAL);
        int[] ic = BinaryStep.broadcastMap(Value.constant("c", c), out).srcOffsets();
        int[] ix = BinaryStep.broadcastMap(Value.constant("x", x), out).srcOffsets();
        int[] iy = BinaryStep.broadcastMap(Value.constant("y", y), out).srcOffsets();
        long[] cond = c.asLongs();
        if (x.isFloat() || y.isFloat()) {
            float[] xf = x.asFloats(), yf = y.asFloats(), r = new float[ic.length];
            for (int i = 0; i < r.length; i++) r[i] = cond[ic[i]] != 0 ? xf[ix[i]] : yf[iy[i]];
            p.defineConst(n, 0, Const.ofFloats(shape, r));
        } else {
            long[] r = new long[ic.length];
            for (int i = 0; i < r.length; i++) r[i] = cond[ic[i]] != 0 ? x.longs()[ix[i]] : y.longs()[iy[i]];
            p.defineConst(n, 0, new Const(x.type(), shape, null, r));
        }
    }
}
