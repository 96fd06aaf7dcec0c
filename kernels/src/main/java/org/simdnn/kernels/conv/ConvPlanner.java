package org.simdnn.kernels.conv;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.simdnn.ops.Clamp;
import org.simdnn.ops.Conv2dDesc;
import org.simdnn.ops.ConvLayer;
import org.simdnn.ops.PreparedBlock;
import org.simdnn.ops.PreparedConv2d;

/**
 * NHWC convolution entry points: forward, backward data and backward weights over raw arrays (NHWC
 * activations, HWIO weights, see {@link Conv2dDesc}). A small planner picks the implementation: the
 * {@link ConvAlgo} constants are tried in declaration order, each accepting or rejecting the descriptor and
 * pass with a reason, or declining one it could run where a later one is faster ({@link #explain}); the direct
 * loop accepts everything and comes last. The choice is
 * cached per (descriptor, pass). Outputs are overwritten; {@code bias}/{@code dbias} may be null. Array
 * extents are checked here, before any work.
 */
public final class ConvPlanner {
    private static final Map<ConvPass, Map<Conv2dDesc, ConvImpl>> PLANS = new EnumMap<>(ConvPass.class);

    static {
        for (ConvPass p : ConvPass.values()) PLANS.put(p, new ConcurrentHashMap<>());
    }

    private ConvPlanner() {}

    /** The implementation the planner picks for {@code pass} of {@code d}. */
    public static ConvAlgo plan(Conv2dDesc d, ConvPass pass) {
        ConvImpl impl = PLANS.get(pass).computeIfAbsent(d, k -> choose(k, pass));
        for (ConvAlgo a : ConvAlgo.values()) if (a.impl == impl) return a;
        throw new AssertionError(impl.id());
    }

    /** One line per implementation: accepted, or rejected and why (the planner's reasoning). */
    public static String explain(Conv2dDesc d, ConvPass pass) {
        StringBuilder sb = new StringBuilder(d.shapeString()).append(' ').append(pass).append(":\n");
        for (ConvAlgo a : ConvAlgo.values()) {
            if (a.impl == null) continue;
            String why = excluded(a) ? "excluded by -Dsimdnn.conv.exclude" : a.impl.rejects(d, pass);
            String declined = why == null ? a.impl.declines(d, pass) : null;
            sb.append("  ").append(a.id()).append(": ")
                    .append(why != null ? "rejected: " + why : declined != null ? "declined: " + declined : "accepted")
                    .append('\n');
        }
        return sb.toString();
    }

    /**
     * Kernel ids the planner skips ({@code -Dsimdnn.conv.exclude=f32-conv-nhwc-winograd-f4x3,...}), for A/B
     * measurements of whole training runs; forcing an algorithm still works.
     */
    private static final java.util.Set<String> EXCLUDED =
            java.util.Set.of(System.getProperty("simdnn.conv.exclude", "").split(","));

    /** The direct loop, the planner's last resort, cannot be excluded. */
    private static boolean excluded(ConvAlgo a) { return a != ConvAlgo.DIRECT && EXCLUDED.contains(a.id()); }

    private static ConvImpl choose(Conv2dDesc d, ConvPass pass) {
        for (ConvAlgo a : ConvAlgo.values()) {
            if (a.impl != null && !excluded(a) && a.impl.rejects(d, pass) == null && a.impl.declines(d, pass) == null) {
                return a.impl;
            }
        }
        throw new AssertionError("the direct convolution accepts everything");
    }

    private static ConvImpl impl(ConvAlgo algo, Conv2dDesc d, ConvPass pass) {
        if (algo == ConvAlgo.AUTO) return PLANS.get(pass).computeIfAbsent(d, k -> choose(k, pass));
        String why = algo.rejects(d, pass);
        if (why != null) {
            throw new IllegalArgumentException("conv2d " + pass + ": " + algo.id() + " cannot run " + d.shapeString()
                    + ": " + why);
        }
        return algo.impl;
    }

    public static void forward(Conv2dDesc d, float[] x, int xo, float[] w, int wo, float[] bias, int bo, float[] y,
                               int yo) {
        forward(ConvAlgo.AUTO, d, x, xo, w, wo, bias, bo, y, yo);
    }

    public static void forward(ConvAlgo algo, Conv2dDesc d, float[] x, int xo, float[] w, int wo, float[] bias, int bo,
                               float[] y, int yo) {
        String op = "conv2d forward " + d.shapeString();
        check(op, "x", x, xo, inputSize(d));
        check(op, "w", w, wo, weightSize(d));
        if (bias != null) check(op, "bias", bias, bo, d.outC());
        check(op, "y", y, yo, outputSize(d));
        impl(algo, d, ConvPass.FORWARD).forward(d, x, xo, w, wo, bias, bo, y, yo);
    }

    /**
     * The forward pass of {@code d} bound to its weights (copied, and laid out for the chosen implementation),
     * its output clamped by {@code clamp} after the bias and an optional residual add.
     */
    public static PreparedConv2d prepareForward(Conv2dDesc d, float[] w, int wo, float[] bias, int bo, Clamp clamp) {
        return prepareForward(ConvAlgo.AUTO, d, w, wo, bias, bo, clamp);
    }

    public static PreparedConv2d prepareForward(ConvAlgo algo, Conv2dDesc d, float[] w, int wo, float[] bias, int bo,
                                                Clamp clamp) {
        String op = "conv2d prepare " + d.shapeString();
        check(op, "w", w, wo, weightSize(d));
        if (bias != null) check(op, "bias", bias, bo, d.outC());
        return impl(algo, d, ConvPass.FORWARD).prepareForward(d, w, wo, bias, bo, clamp);
    }

    /**
     * MobileNetV2's inverted-residual block as one op ({@link InvertedResidual}: expansion, depthwise and projection
     * per band of rows), or null when that kernel does not take these layers ({@link #invertedResidualRejects} says
     * why) or {@code -Dsimdnn.conv.exclude} names its id: the caller then runs the layers one by one.
     */
    public static PreparedBlock prepareInvertedResidual(ConvLayer expand, ConvLayer depthwise, ConvLayer project,
                                                        boolean residual) {
        if (invertedResidualRejects(expand, depthwise, project, residual) != null) return null;
        return new InvertedResidual(expand, depthwise, project, residual);
    }

    /** Why {@link #prepareInvertedResidual} returns null for these layers, or null when it does not. */
    public static String invertedResidualRejects(ConvLayer expand, ConvLayer depthwise, ConvLayer project,
                                                 boolean residual) {
        if (EXCLUDED.contains(InvertedResidual.ID)) return "excluded by -Dsimdnn.conv.exclude";
        return InvertedResidual.rejects(expand, depthwise, project, residual);
    }

    /**
     * The forward convolution in its scalar form: plain Java loops (im2col by tiles and the plain-Java GEMM
     * kernel) whatever the vector width, for the plan a session runs while C2 has not yet compiled the Vector API
     * kernels (until then every vector is an object and a call runs 100x below its steady state). Groups other
     * than 1 have no scalar form here and get {@link #prepareForward}'s implementation.
     */
    public static PreparedConv2d prepareForwardScalar(Conv2dDesc d, float[] w, int wo, float[] bias, int bo,
                                                      Clamp clamp) {
        if (d.groups() != 1) return prepareForward(d, w, wo, bias, bo, clamp);
        String op = "conv2d prepare " + d.shapeString();
        check(op, "w", w, wo, weightSize(d));
        if (bias != null) check(op, "bias", bias, bo, d.outC());
        return new PreparedConv.Scalar(d, w, wo, bias, bo, clamp);
    }

    public static void backwardData(Conv2dDesc d, float[] dy, int dyo, float[] w, int wo, float[] dx, int dxo) {
        backwardData(ConvAlgo.AUTO, d, dy, dyo, w, wo, dx, dxo);
    }

    public static void backwardData(ConvAlgo algo, Conv2dDesc d, float[] dy, int dyo, float[] w, int wo, float[] dx,
                                    int dxo) {
        String op = "conv2d backward data " + d.shapeString();
        check(op, "dy", dy, dyo, outputSize(d));
        check(op, "w", w, wo, weightSize(d));
        check(op, "dx", dx, dxo, inputSize(d));
        impl(algo, d, ConvPass.BACKWARD_DATA).backwardData(d, dy, dyo, w, wo, dx, dxo);
    }

    public static void backwardWeights(Conv2dDesc d, float[] x, int xo, float[] dy, int dyo, float[] dw, int dwo,
                                       float[] dbias, int dbo) {
        backwardWeights(ConvAlgo.AUTO, d, x, xo, dy, dyo, dw, dwo, dbias, dbo);
    }

    public static void backwardWeights(ConvAlgo algo, Conv2dDesc d, float[] x, int xo, float[] dy, int dyo, float[] dw,
                                       int dwo, float[] dbias, int dbo) {
        String op = "conv2d backward weights " + d.shapeString();
        check(op, "x", x, xo, inputSize(d));
        check(op, "dy", dy, dyo, outputSize(d));
        check(op, "dw", dw, dwo, weightSize(d));
        if (dbias != null) check(op, "dbias", dbias, dbo, d.outC());
        impl(algo, d, ConvPass.BACKWARD_WEIGHTS).backwardWeights(d, x, xo, dy, dyo, dw, dwo, dbias, dbo);
    }

    static long inputSize(Conv2dDesc d) { return (long) d.batch() * d.inH() * d.inW() * d.inC(); }

    static long outputSize(Conv2dDesc d) { return (long) d.batch() * d.outH() * d.outW() * d.outC(); }

    static long weightSize(Conv2dDesc d) { return (long) d.kH() * d.kW() * d.inCPerGroup() * d.outC(); }

    private static void check(String op, String name, float[] a, int off, long size) {
        if (a == null) throw new IllegalArgumentException(op + ": " + name + " is null");
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException(op + ": " + name + " needs " + size + " floats, over 2^31");
        }
        if (off < 0 || off + size > a.length) {
            throw new IllegalArgumentException(op + ": " + name + " needs " + size + " floats at offset " + off
                    + ", array has " + a.length);
        }
    }
}
