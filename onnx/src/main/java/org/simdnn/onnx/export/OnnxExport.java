package org.simdnn.onnx.export;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.simdnn.kernels.layout.Layouts;
import org.simdnn.nn.AvgPool2d;
import org.simdnn.nn.Basis;
import org.simdnn.nn.BatchNorm;
import org.simdnn.nn.BatchNorm1d;
import org.simdnn.nn.Conv2d;
import org.simdnn.nn.Dropout;
import org.simdnn.nn.Flatten;
import org.simdnn.nn.GlobalAvgPool2d;
import org.simdnn.nn.LeakyReLU;
import org.simdnn.nn.Linear;
import org.simdnn.nn.MaxPool2d;
import org.simdnn.nn.Module;
import org.simdnn.nn.MulticlassPerceptron;
import org.simdnn.nn.PReLU;
import org.simdnn.nn.ReLU;
import org.simdnn.nn.Sequential;
import org.simdnn.nn.Sigmoid;
import org.simdnn.nn.Tanh;
import org.simdnn.nn.io.Architecture;
import org.simdnn.nn.io.AtomicFiles;
import org.simdnn.onnx.proto.OnnxProto.ModelProto;
import org.simdnn.onnx.proto.OnnxProto.NodeProto;
import org.simdnn.onnx.proto.OnnxProto.OperatorSetIdProto;
import org.simdnn.onnx.proto.OnnxProto.StringStringEntryProto;
import org.simdnn.tensor.Tensor;

/**
 * Writes a simdnn model as ONNX (IR version 8, opset 17) in ONNX's NCHW convention: graph input {@value #INPUT}
 * ({@code [batch, C, H, W]} for a convolutional model, {@code [batch, features]} for a dense one; {@code batch}
 * symbolic), output {@value #OUTPUT}. The graph computes exactly the model's inference forward on the input the
 * model takes (normalised as in training: the preprocessing is not part of the model).
 *
 * <p>Layer by layer: Conv2d → Conv (HWIO weights re-laid out as OIHW), BatchNorm → BatchNormalization in
 * inference form (running statistics) plus Relu when fused, Linear → Gemm with {@code transB = 1} and the weight
 * stored {@code [out, in]} (PyTorch's form, what every ONNX consumer expects), pools → MaxPool / AveragePool
 * ({@code count_include_pad = 0}) / GlobalAveragePool + Flatten, activations → Relu / LeakyRelu / Sigmoid / Tanh /
 * PRelu, MulticlassPerceptron (identity basis) → Gemm with the constant feature's weights as the bias. Dropout is
 * the identity at inference and is left out.
 *
 * <p>Flatten: ours flattens NHWC in (h, w, c) order, ONNX's Flatten flattens NCHW in (c, h, w) order. When the
 * flattened features reach a Gemm through element-wise layers only (the usual conv → flatten → dense head), the
 * Gemm's weight columns (and any per-feature parameters on the way) are permuted instead, so the graph has no
 * layout operator and reads like a PyTorch export; otherwise a Transpose to NHWC goes before the Flatten.
 */
public final class OnnxExport {
    public static final String INPUT = "input";
    public static final String OUTPUT = "logits";
    public static final int OPSET = 17;
    public static final int IR_VERSION = 8;
    private static final String BATCH = "batch";

    private OnnxExport() {}

    /**
     * Writes {@code model} as ONNX to {@code out}, atomically. {@code sampleShape} is one sample as the model takes
     * it, without the batch dim: NHWC {@code {H, W, C}} for a convolutional model, {@code {features}} for a dense one.
     */
    public static void write(Module model, int[] sampleShape, Path out) throws IOException {
        AtomicFiles.write(out, toProto(model, sampleShape).toByteArray());
    }

    /**
     * One sample's shape as {@code model} takes it: {@code {features}} when the first layer is dense (Linear,
     * MulticlassPerceptron), else an NHWC image {@code {height, width, C}} with the first convolution's channels.
     */
    public static int[] sampleShape(Module model, int height, int width) {
        Module first = model;
        while (first instanceof Sequential s) first = s.layer(0);
        return switch (first) {
            case Linear l -> new int[] {l.inFeatures()};
            case MulticlassPerceptron p -> new int[] {p.inputs()};
            case Conv2d c -> new int[] {height, width, ((Number) c.config().get("in")).intValue()};
            default -> throw new IllegalArgumentException("cannot tell the input of a model that starts with " + first.name()
                    + "; call toProto/write with the sample shape");
        };
    }

    /** The ONNX model of {@code model} for samples of {@code sampleShape} (see {@link #write}). */
    public static ModelProto toProto(Module model, int... sampleShape) {
        if (sampleShape.length != 3 && sampleShape.length != 1) {
            throw new IllegalArgumentException("sample shape " + Arrays.toString(sampleShape) + ": expected NHWC {H, W, C}"
                    + " for an image model or {features} for a dense one");
        }
        int[] shape = new int[sampleShape.length + 1];
        shape[0] = 1;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        model.outputShape(shape); // the model's own message when the sample does not fit

        GraphBuilder g = new GraphBuilder("simdnn", INPUT);
        g.addInput(INPUT, BATCH, onnxDims(shape));
        List<Leaf> leaves = new ArrayList<>();
        leaves(model, "", leaves);
        int[] perm = null; // pending after a Flatten: ONNX feature f is our feature perm[f]
        for (int i = 0; i < leaves.size(); i++) {
            Module m = leaves.get(i).module();
            String at = leaves.get(i).path();
            switch (m) {
                case Conv2d c -> conv(g, at, c, shape);
                case BatchNorm b -> batchNorm(g, at, b, perm);
                case Linear l -> {
                    gemm(g, at, l.weight().value(), l.inFeatures(), l.outFeatures(), l.bias() == null ? null : l.bias().value(), perm);
                    perm = null;
                }
                case MulticlassPerceptron p -> {
                    perceptron(g, at, p, perm);
                    perm = null;
                }
                case ReLU r -> g.node("Relu", at);
                case LeakyReLU r -> g.node("LeakyRelu", at).addAttribute(GraphBuilder.real("alpha", r.slope()));
                case Sigmoid s -> g.node("Sigmoid", at);
                case Tanh t -> g.node("Tanh", at);
                case PReLU p -> prelu(g, at, p, shape, perm);
                case Dropout d -> { }
                case MaxPool2d p -> pool(g, "MaxPool", at, p.config());
                case AvgPool2d p -> pool(g, "AveragePool", at, p.config());
                case GlobalAvgPool2d p -> {
                    g.node("GlobalAveragePool", at);
                    g.node("Flatten", at).addAttribute(GraphBuilder.integer("axis", 1));
                }
                case Flatten f -> {
                    if (shape.length == 4) perm = flatten(g, at, shape, reachesDense(leaves, i + 1));
                }
                default -> throw new IllegalArgumentException("cannot export layer " + at + " (" + m.name() + ") to ONNX; "
                        + "supported: Conv2d, BatchNorm1d/2d, Linear, MulticlassPerceptron (identity basis), ReLU, "
                        + "LeakyReLU, Sigmoid, Tanh, PReLU, MaxPool2d, AvgPool2d, GlobalAvgPool2d, Flatten, Dropout");
            }
            shape = m.outputShape(shape);
        }
        if (perm != null) throw new IllegalStateException("a Flatten's feature order was left pending");
        g.nameOutput(OUTPUT);
        g.addOutput(OUTPUT, BATCH, onnxDims(shape));
        return ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setProducerName("simdnn")
                .setProducerVersion("0.1.0")
                .setDocString("Exported by simdnn: " + model.name() + ", input " + inputShape(sampleShape))
                .addMetadataProps(StringStringEntryProto.newBuilder().setKey("simdnn.architecture")
                        .setValue(Architecture.toJson(model)))
                .setGraph(g.build())
                .build();
    }

    /** The graph input's shape for {@code sampleShape}, as text: {@code [batch, 1, 28, 28]} or {@code [batch, 784]}. */
    public static String inputShape(int[] sampleShape) {
        return sampleShape.length == 3 ? "[batch, " + sampleShape[2] + ", " + sampleShape[0] + ", " + sampleShape[1] + "]"
                : "[batch, " + sampleShape[0] + "]";
    }

    private record Leaf(String path, Module module) {}

    /** The layers in order with their index paths ("3", "1.0" in nested sequentials). */
    private static void leaves(Module m, String path, List<Leaf> out) {
        if (m instanceof Sequential s) {
            for (int i = 0; i < s.layers().size(); i++) leaves(s.layer(i), path.isEmpty() ? "" + i : path + "." + i, out);
        } else {
            out.add(new Leaf(path.isEmpty() ? "0" : path, m));
        }
    }

    /** ONNX dims after the batch dim: NHWC [N, H, W, C] → [C, H, W]; [N, F] → [F]. */
    private static int[] onnxDims(int[] nhwc) {
        return nhwc.length == 4 ? new int[] {nhwc[3], nhwc[1], nhwc[2]} : Arrays.copyOfRange(nhwc, 1, nhwc.length);
    }

    private static void conv(GraphBuilder g, String at, Conv2d c, int[] in) {
        Map<String, Object> cfg = c.config();
        int[] k = pair(cfg, "kernel"), s = pair(cfg, "stride"), p = pair(cfg, "padding"), d = pair(cfg, "dilation");
        int groups = ((Number) cfg.get("groups")).intValue();
        Tensor w = c.weight().value(); // HWIO [kH, kW, inC/groups, outC]
        int ci = w.dim(2), co = w.dim(3);
        float[] oihw = new float[w.size()];
        Layouts.hwioToOihw(w.data(), w.offset(), oihw, 0, k[0], k[1], ci, co);
        String wName = g.initializer(at + ".weight", oihw, co, ci, k[0], k[1]);
        String[] extra = c.bias() == null ? new String[] {wName}
                : new String[] {wName, g.initializer(at + ".bias", c.bias().value().toArray(), co)};
        g.node("Conv", at, extra)
                .addAttribute(GraphBuilder.ints("kernel_shape", k[0], k[1]))
                .addAttribute(GraphBuilder.ints("strides", s[0], s[1]))
                .addAttribute(GraphBuilder.ints("pads", p[0], p[1], p[0], p[1]))
                .addAttribute(GraphBuilder.ints("dilations", d[0], d[1]))
                .addAttribute(GraphBuilder.integer("group", groups));
    }

    private static void batchNorm(GraphBuilder g, String at, BatchNorm b, int[] perm) {
        int c = b.runningMean().size();
        String[] params = {
            g.initializer(at + ".weight", permuted(b.gamma().value().toArray(), perm), c),
            g.initializer(at + ".bias", permuted(b.beta().value().toArray(), perm), c),
            g.initializer(at + ".running_mean", permuted(b.runningMean().toArray(), perm), c),
            g.initializer(at + ".running_var", permuted(b.runningVar().toArray(), perm), c)};
        g.node("BatchNormalization", at, params).addAttribute(GraphBuilder.real("epsilon", b.epsilon()));
        if (b.fusedRelu()) g.node("Relu", at);
    }

    /** Gemm(x, W', bias) with W' = {@code [out, in]} from our {@code [in, out]} weight, input columns in ONNX order. */
    private static void gemm(GraphBuilder g, String at, Tensor w, int in, int out, Tensor bias, int[] perm) {
        float[] src = w.contiguous().toArray(), t = new float[in * out];
        for (int f = 0; f < in; f++) {
            int row = (perm == null ? f : perm[f]) * out;
            for (int o = 0; o < out; o++) t[o * in + f] = src[row + o];
        }
        String wName = g.initializer(at + ".weight", t, out, in);
        String[] extra = bias == null ? new String[] {wName} : new String[] {wName, g.initializer(at + ".bias", bias.toArray(), out)};
        g.node("Gemm", at, extra).addAttribute(GraphBuilder.integer("transB", 1));
    }

    /** Scores W φ(x) with φ(x) = [x, 1]: a Gemm whose bias is the weight of the constant feature. */
    private static void perceptron(GraphBuilder g, String at, MulticlassPerceptron p, int[] perm) {
        if (!(p.basis() instanceof Basis.Identity)) {
            throw new IllegalArgumentException("cannot export layer " + at + " (" + p.name() + "): only the identity basis "
                    + "has an ONNX form (polynomial and RBF features are not ONNX operators here)");
        }
        int in = p.inputs(), classes = p.classes();
        float[] w = p.weight().value().contiguous().toArray(); // [classes, in + 1]
        float[] t = new float[classes * in], bias = new float[classes];
        for (int k = 0; k < classes; k++) {
            for (int f = 0; f < in; f++) t[k * in + f] = w[k * (in + 1) + (perm == null ? f : perm[f])];
            bias[k] = w[k * (in + 1) + in];
        }
        String wName = g.initializer(at + ".weight", t, classes, in);
        g.node("Gemm", at, wName, g.initializer(at + ".bias", bias, classes)).addAttribute(GraphBuilder.integer("transB", 1));
    }

    /** PRelu's slope broadcasts against NCHW as {@code [C, 1, 1]}; against [N, F] as {@code [F]}. */
    private static void prelu(GraphBuilder g, String at, PReLU p, int[] shape, int[] perm) {
        float[] slope = permuted(p.slope().value().toArray(), perm);
        String s = shape.length == 4 ? g.initializer(at + ".weight", slope, slope.length, 1, 1)
                : g.initializer(at + ".weight", slope, slope.length);
        g.node("PRelu", at, s);
    }

    private static void pool(GraphBuilder g, String op, String at, Map<String, Object> cfg) {
        int k = ((Number) cfg.get("kernel")).intValue(), s = ((Number) cfg.get("stride")).intValue();
        int p = ((Number) cfg.get("padding")).intValue();
        g.node(op, at)
                .addAttribute(GraphBuilder.ints("kernel_shape", k, k))
                .addAttribute(GraphBuilder.ints("strides", s, s))
                .addAttribute(GraphBuilder.ints("pads", p, p, p, p));
    }

    /**
     * Flatten of NHWC {@code shape}. With {@code permuteDense} it returns the feature permutation for the dense
     * layer ahead (null when the orders agree: H = W = 1 or C = 1); otherwise a Transpose to NHWC goes first.
     */
    private static int[] flatten(GraphBuilder g, String at, int[] shape, boolean permuteDense) {
        int h = shape[1], w = shape[2], c = shape[3];
        boolean sameOrder = h * w == 1 || c == 1;
        if (!sameOrder && !permuteDense) g.node("Transpose", at).addAttribute(GraphBuilder.ints("perm", 0, 2, 3, 1));
        g.node("Flatten", at).addAttribute(GraphBuilder.integer("axis", 1));
        if (sameOrder || !permuteDense) return null;
        int[] perm = new int[h * w * c];
        for (int ch = 0; ch < c; ch++) {
            for (int p = 0; p < h * w; p++) perm[ch * h * w + p] = p * c + ch;
        }
        return perm;
    }

    /** True when the features from leaf {@code from} on reach a dense layer through per-feature layers only. */
    private static boolean reachesDense(List<Leaf> leaves, int from) {
        for (int j = from; j < leaves.size(); j++) {
            switch (leaves.get(j).module()) {
                case Linear l -> { return true; }
                case MulticlassPerceptron p -> { return true; }
                case ReLU r -> { }
                case LeakyReLU r -> { }
                case Sigmoid s -> { }
                case Tanh t -> { }
                case Dropout d -> { }
                case PReLU p -> { }
                case BatchNorm1d b -> { }
                default -> { return false; }
            }
        }
        return false;
    }

    private static float[] permuted(float[] v, int[] perm) {
        if (perm == null) return v;
        if (perm.length != v.length) {
            throw new IllegalArgumentException("per-feature parameters of length " + v.length + " after a Flatten of "
                    + perm.length + " features");
        }
        float[] out = new float[v.length];
        for (int f = 0; f < v.length; f++) out[f] = v[perm[f]];
        return out;
    }

    private static int[] pair(Map<String, Object> cfg, String key) {
        List<?> l = (List<?>) cfg.get(key);
        return new int[] {((Number) l.get(0)).intValue(), ((Number) l.get(1)).intValue()};
    }
}
