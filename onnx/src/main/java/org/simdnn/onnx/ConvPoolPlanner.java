package org.simdnn.onnx;

import java.util.Arrays;
import org.simdnn.kernels.layout.Layouts;
import org.simdnn.onnx.Value.Storage;
import org.simdnn.ops.Conv2dDesc;

/**
 * Planning of the channels-last ops: Conv, ConvTranspose, the pools and BatchNormalization. Inputs are
 * converted to channels-last storage (once per value), weights re-laid out OIHW to HWIO at load, 1-d ops run
 * as 2-d ones with height 1, and padding (explicit or auto_pad) resolved to per-side numbers.
 */
final class ConvPoolPlanner {
    private final Planner p;

    ConvPoolPlanner(Planner p) { this.p = p; }

    /** Spatial geometry of a windowed op: kernel, strides, dilations, pads (begin, end) and output size. */
    private record Window(int[] in, int[] k, int[] s, int[] d, int[] padBegin, int[] padEnd, int[] out) {}

    private int spatialRank(Node n, Value x) {
        int r = x.rank() - 2;
        if (r < 1 || r > 2) {
            throw new OnnxException(n.where() + ": input " + x.describe() + " has " + r + " spatial dims; " + r + "-d is not supported (1-d and 2-d are)");
        }
        return r;
    }

    private static int[] ints(long[] v, int r, int def, Node n, String name) {
        if (v == null) {
            int[] a = new int[r];
            Arrays.fill(a, def);
            return a;
        }
        if (v.length != r) throw new OnnxException(n.where() + ": " + name + " " + Arrays.toString(v) + " for " + r + " spatial dims");
        int[] a = new int[r];
        for (int i = 0; i < r; i++) {
            if (v[i] < 0 || v[i] > 1 << 20) throw new OnnxException(n.where() + ": " + name + " " + Arrays.toString(v) + " out of range");
            a[i] = (int) v[i];
        }
        return a;
    }

    /** Window geometry for Conv and the pools (ONNX's output-size rules, auto_pad and ceil_mode). */
    private Window window(Node n, int[] in, int[] kernel, boolean ceil) {
        int r = in.length;
        int[] s = ints(n.attrs().getInts("strides"), r, 1, n, "strides");
        int[] d = ints(n.attrs().getInts("dilations"), r, 1, n, "dilations");
        for (int i = 0; i < r; i++) {
            if (s[i] < 1 || d[i] < 1 || kernel[i] < 1) {
                throw new OnnxException(n.where() + ": strides, dilations and kernel must be >= 1");
            }
        }
        long[] pads = n.attrs().getInts("pads");
        int[] pb = new int[r], pe = new int[r], out = new int[r];
        String auto = n.attrs().getString("auto_pad", "NOTSET");
        for (int i = 0; i < r; i++) {
            int eff = (kernel[i] - 1) * d[i] + 1;
            switch (auto) {
                case "NOTSET" -> {
                    if (pads != null) {
                        if (pads.length != 2 * r) throw new OnnxException(n.where() + ": pads " + Arrays.toString(pads) + " for " + r + " spatial dims");
                        pb[i] = checkedPad(pads[i], n);
                        pe[i] = checkedPad(pads[i + r], n);
                    }
                    long span = (long) in[i] + pb[i] + pe[i] - eff;
                    if (span < 0) throw new OnnxException(n.where() + ": kernel " + Arrays.toString(kernel) + " larger than padded input " + Arrays.toString(in));
                    out[i] = (int) ((ceil ? span + s[i] - 1 : span) / s[i] + 1);
                    // A window must start inside the input or its leading padding (ceil_mode).
                    if (ceil && (long) (out[i] - 1) * s[i] >= in[i] + pb[i]) out[i]--;
                }
                case "VALID" -> {
                    if (in[i] < eff) throw new OnnxException(n.where() + ": kernel larger than input " + Arrays.toString(in));
                    out[i] = (in[i] - eff) / s[i] + 1;
                }
                case "SAME_UPPER", "SAME_LOWER" -> {
                    out[i] = (in[i] + s[i] - 1) / s[i];
                    int total = Math.max(0, (out[i] - 1) * s[i] + eff - in[i]);
                    pb[i] = auto.equals("SAME_UPPER") ? total / 2 : total - total / 2;
                    pe[i] = total - pb[i];
                }
                default -> throw new OnnxException(n.where() + ": auto_pad '" + auto + "' is not supported");
            }
        }
        return new Window(in, kernel, s, d, pb, pe, out);
    }

    private static int checkedPad(long v, Node n) {
        if (v < 0 || v > 1 << 20) throw new OnnxException(n.where() + ": pad " + v + " is not supported (must be 0.." + (1 << 20) + ")");
        return (int) v;
    }

    /** Spatial dims of a channels-last value seen as 2-d: {h, w} (h = 1 for 1-d). */
    private static int[] hw(int[] spatial) { return spatial.length == 1 ? new int[] {1, spatial[0]} : spatial; }

    private static int[] spatial(int[] shape) { return Arrays.copyOfRange(shape, 2, shape.length); }

    private static int[] lift(int[] v, int one) { return v.length == 1 ? new int[] {one, v[0]} : v; }

    /** The node's channels-last output of logical shape {@code [batch, channels, spatial...]}. */
    private static Value output(Node n, int batch, int channels, int[] spatial) {
        int[] shape = new int[spatial.length + 2];
        shape[0] = batch;
        shape[1] = channels;
        System.arraycopy(spatial, 0, shape, 2, spatial.length);
        return Value.runtime(n.outputs().get(0), shape, Storage.CHANNELS_LAST);
    }

    void conv(Node n) {
        Value x = p.value(n, 0);
        int r = spatialRank(n, x);
        Const w = p.constant(n, 1, "weight");
        int group = (int) n.attrs().getInt("group", 1);
        int c = x.shape[1];
        if (w.rank() != r + 2) throw new OnnxException(n.where() + ": weight " + Arrays.toString(w.shape()) + " for input " + x.describe());
        int o = w.shape()[0], cg = w.shape()[1];
        if (group < 1 || c % group != 0 || o % group != 0 || cg != c / group) {
            throw new OnnxException(n.where() + ": weight " + Arrays.toString(w.shape()) + " does not match input " + x.describe()
                    + " with group " + group);
        }
        int[] kernel = spatial(w.shape());
        long[] ks = n.attrs().getInts("kernel_shape");
        if (ks != null && !Arrays.equals(ints(ks, r, 1, n, "kernel_shape"), kernel)) {
            throw new OnnxException(n.where() + ": kernel_shape " + Arrays.toString(ks) + " disagrees with weight " + Arrays.toString(w.shape()));
        }
        float[] bias = null;
        if (n.hasInput(2)) {
            Const b = p.constant(n, 2, "bias");
            if (b.size() != o) throw new OnnxException(n.where() + ": bias " + Arrays.toString(b.shape()) + " for " + o + " output channels");
            bias = b.asFloats();
        }
        Window win = window(n, spatial(x.shape), kernel, false);
        int[] in = hw(win.in), k = lift(win.k, 1), s = lift(win.s, 1), d = lift(win.d, 1), pb = lift(win.padBegin, 0),
                pe = lift(win.padEnd, 0);
        Conv2dDesc desc = new Conv2dDesc(x.shape[0], in[0], in[1], c, o, k[0], k[1], s[0], s[1], pb[0], pb[1], pe[0], pe[1],
                d[0], d[1], group);
        float[] hwio = new float[w.size()];
        Layouts.oihwToHwio(w.asFloats(), 0, hwio, 0, o, cg, k[0], k[1]);
        Value y = output(n, x.shape[0], o, win.out);
        p.emit(new ConvStep("Conv", n.name(), p.channelsLast(x), y, desc, false, hwio, bias, n.note()));
    }

    void convTranspose(Node n) {
        Value x = p.value(n, 0);
        int r = spatialRank(n, x);
        Const w = p.constant(n, 1, "weight");
        int group = (int) n.attrs().getInt("group", 1);
        int cin = x.shape[1];
        if (w.rank() != r + 2 || w.shape()[0] != cin || group < 1 || cin % group != 0) {
            throw new OnnxException(n.where() + ": weight " + Arrays.toString(w.shape()) + " does not match input " + x.describe()
                    + " with group " + group);
        }
        int cout = w.shape()[1] * group;
        int[] kernel = spatial(w.shape());
        int[] s = ints(n.attrs().getInts("strides"), r, 1, n, "strides"), d = ints(n.attrs().getInts("dilations"), r, 1, n, "dilations");
        int[] op = ints(n.attrs().getInts("output_padding"), r, 0, n, "output_padding");
        long[] pads = n.attrs().getInts("pads");
        long[] outputShape = n.attrs().getInts("output_shape");
        String auto = n.attrs().getString("auto_pad", "NOTSET");
        int[] in = spatial(x.shape), pb = new int[r], pe = new int[r], out = new int[r];
        for (int i = 0; i < r; i++) {
            if (s[i] < 1 || d[i] < 1) throw new OnnxException(n.where() + ": strides and dilations must be >= 1");
            int eff = (kernel[i] - 1) * d[i] + 1;
            long full = (long) s[i] * (in[i] - 1) + op[i] + eff;
            if (outputShape != null || auto.startsWith("SAME")) {
                long target = outputShape != null ? outputShape[outputShape.length - r + i] : (long) in[i] * s[i];
                long total = full - target;
                if (auto.equals("SAME_UPPER")) {
                    pb[i] = (int) (total / 2);
                    pe[i] = (int) (total - total / 2);
                } else {
                    pb[i] = (int) (total - total / 2);
                    pe[i] = (int) (total / 2);
                }
                if (total < 0) { // the output is larger than the input reaches: extra rows at the end
                    pb[i] = 0;
                    pe[i] = 0;
                    op[i] += (int) -total;
                }
                out[i] = (int) target;
            } else {
                if (pads != null) {
                    if (pads.length != 2 * r) throw new OnnxException(n.where() + ": pads " + Arrays.toString(pads));
                    pb[i] = checkedPad(pads[i], n);
                    pe[i] = checkedPad(pads[i + r], n);
                }
                out[i] = (int) (full - pb[i] - pe[i]);
            }
            if (out[i] < 1) throw new OnnxException(n.where() + ": output size " + out[i] + " for input " + x.describe());
        }
        float[] bias = null;
        if (n.hasInput(2)) {
            Const b = p.constant(n, 2, "bias");
            if (b.size() != cout) throw new OnnxException(n.where() + ": bias " + Arrays.toString(b.shape()) + " for " + cout + " output channels");
            bias = b.asFloats();
        }
        // The forward convolution whose backward-data pass this is: input = our output, output = our input.
        int[] o2 = hw(out), k = lift(kernel, 1), s2 = lift(s, 1), d2 = lift(d, 1), b2 = lift(pb, 0), e2 = lift(pe, 0),
                op2 = lift(op, 0);
        int endH = Math.max(0, e2[0] - op2[0]), endW = Math.max(0, e2[1] - op2[1]);
        Conv2dDesc desc = new Conv2dDesc(x.shape[0], o2[0], o2[1], cout, cin, k[0], k[1], s2[0], s2[1], b2[0], b2[1], endH,
                endW, d2[0], d2[1], group);
        int[] inHw = hw(in);
        if (desc.outH() != inHw[0] || desc.outW() != inHw[1]) {
            throw new OnnxException(n.where() + ": output " + Arrays.toString(out) + " is not reachable from input " + x.describe()
                    + " with strides " + Arrays.toString(s) + " and pads " + Arrays.toString(pb) + Arrays.toString(pe));
        }
        float[] hwio = new float[w.size()];
        Layouts.oihwToHwio(w.asFloats(), 0, hwio, 0, cin, cout / group, k[0], k[1]);
        Value y = output(n, x.shape[0], cout, out);
        p.emit(new ConvStep("ConvTranspose", n.name(), p.channelsLast(x), y, desc, true, hwio, bias, n.note()));
    }

    void pool(Node n) {
        Value x = p.value(n, 0);
        int r = spatialRank(n, x);
        boolean max = n.op().equals("MaxPool");
        if (n.outputs().size() > 1 && !n.outputs().get(1).isEmpty()) {
            throw new OnnxException(n.where() + ": the Indices output is not supported");
        }
        long[] ks = n.attrs().getInts("kernel_shape");
        if (ks == null) throw new OnnxException(n.where() + ": kernel_shape is required");
        int[] kernel = ints(ks, r, 1, n, "kernel_shape");
        Window win = window(n, spatial(x.shape), kernel, n.attrs().getInt("ceil_mode", 0) != 0);
        int[] in = hw(win.in), out = hw(win.out), k = lift(win.k, 1), s = lift(win.s, 1), d = lift(win.d, 1);
        int[] pb = lift(win.padBegin, 0), pe = lift(win.padEnd, 0);
        Value y = output(n, x.shape[0], x.shape[1], win.out);
        p.emit(new PoolStep(n.op(), n.name(), p.channelsLast(x), y, max, new int[] {x.shape[0], in[0], in[1], x.shape[1]},
                out, k, s, new int[] {pb[0], pb[1], pe[0], pe[1]}, d, n.attrs().getInt("count_include_pad", 0) != 0));
    }

    void globalPool(Node n) {
        Value x = p.value(n, 0);
        int r = spatialRank(n, x);
        int[] in = hw(spatial(x.shape));
        int[] outShape = x.shape.clone();
        for (int i = 2; i < outShape.length; i++) outShape[i] = 1;
        Value y = Value.runtime(n.outputs().get(0), outShape, Storage.CHANNELS_LAST);
        p.emit(new PoolStep(n.op(), n.name(), p.channelsLast(x), y, n.op().equals("GlobalMaxPool"),
                new int[] {x.shape[0], in[0], in[1], x.shape[1]}, new int[] {1, 1}, in, new int[] {1, 1}, new int[4],
                new int[] {1, 1}, false));
    }

    void batchNorm(Node n) {
        Value x = p.value(n, 0);
        if (n.attrs().getInt("training_mode", 0) != 0 || n.outputs().size() > 1 && n.outputs().stream().skip(1).anyMatch(o -> !o.isEmpty())) {
            throw new OnnxException(n.where() + ": training mode (batch statistics outputs) is not supported");
        }
        if (x.rank() < 2) throw new OnnxException(n.where() + ": input " + x.describe() + " needs rank >= 2");
        int c = x.shape[1];
        float[][] prm = new float[4][];
        String[] names = {"scale", "B", "mean", "var"};
        for (int i = 0; i < 4; i++) {
            Const k = p.constant(n, i + 1, names[i]);
            if (k.size() != c) throw new OnnxException(n.where() + ": " + names[i] + " " + Arrays.toString(k.shape()) + " for " + c + " channels");
            prm[i] = k.asFloats();
        }
        Value in = x.rank() == 2 ? p.logical(x) : p.channelsLast(x);
        Value y = Value.runtime(n.outputs().get(0), x.shape, in.storage);
        p.emit(new BatchNormStep(n.name(), in, y, n.attrs().getFloat("epsilon", 1e-5f), prm[0], prm[1], prm[2], prm[3]));
    }
}
