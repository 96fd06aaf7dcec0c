package org.simdnn.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.simdnn.reference.Check;
import org.simdnn.reference.Reference;
import org.simdnn.reference.ReferenceConv;
import org.simdnn.tensor.Layout;
import org.simdnn.tensor.Tensor;

/**
 * Argument validation of a {@link Backend} under random, mostly wrong arguments: sgemm with arbitrary sizes,
 * strides, offsets, array lengths and operands sharing one array; convolution with wrong shapes and aliased
 * outputs. An independent oracle says whether the call is legal: an illegal one must throw
 * {@link IllegalArgumentException} and leave every array untouched, a legal one must match the scalar reference.
 * A native backend that let a bad size through would crash the JVM here. Each backend's test extends this.
 */
public abstract class BackendArgumentsFuzz {
    protected abstract Backend backend();

    @Provide
    Arbitrary<Integer> size() { return Arbitraries.oneOf(Arbitraries.integers().between(-2, 12), Arbitraries.of(
            Integer.MAX_VALUE, Integer.MIN_VALUE, 1 << 16)); }

    /** The oracle's bounds rule, written independently of GemmArgs. */
    private static boolean fits(int rows, int cols, int off, int ld, int length) {
        if (ld < Math.max(1, cols) || off < 0) return false;
        return rows == 0 || cols == 0 || off + (long) (rows - 1) * ld + cols <= length;
    }

    private static boolean[] marks(int length, int rows, int cols, int off, int ld) {
        boolean[] m = new boolean[length];
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) m[off + r * ld + c] = true;
        return m;
    }

    private static boolean shareAny(boolean[] p, boolean[] q) {
        for (int i = 0; i < p.length; i++) if (p[i] && q[i]) return true;
        return false;
    }

    @Property
    void sgemmIsRefusedExactlyWhenIllegal(@ForAll boolean tA, @ForAll boolean tB, @ForAll("size") int m,
            @ForAll("size") int n, @ForAll("size") int k, @ForAll @IntRange(min = -1, max = 6) int ldPad,
            @ForAll @IntRange(min = -2, max = 40) int offA, @ForAll @IntRange(min = -1, max = 40) int offB,
            @ForAll @IntRange(min = -1, max = 60) int offC, @ForAll @IntRange(min = 0, max = 2) int cIs,
            @ForAll @IntRange(min = 0, max = 300) int length, @ForAll float beta) {
        int aRows = tA ? k : m, aCols = tA ? m : k, bRows = tB ? n : k, bCols = tB ? k : n;
        int lda = Math.max(1, aCols) + ldPad, ldb = Math.max(1, bCols) + ldPad, ldc = Math.max(1, n) + ldPad;
        float[] a = Check.random(1, length), b = Check.random(2, length);
        float[] c = cIs == 1 ? a : cIs == 2 ? b : Check.random(3, length);
        boolean legal = m >= 0 && n >= 0 && k >= 0 && fits(aRows, aCols, offA, lda, length)
                && fits(bRows, bCols, offB, ldb, length) && fits(m, n, offC, ldc, length);
        if (legal && cIs != 0 && m > 0 && n > 0) {
            boolean[] out = marks(length, m, n, offC, ldc);
            boolean[] in = cIs == 1 ? marks(length, aRows, aCols, offA, lda) : marks(length, bRows, bCols, offB, ldb);
            legal = !shareAny(out, in);
        }
        float[] aBefore = a.clone(), bBefore = b.clone(), cBefore = c.clone();
        float[] expected = null;
        if (legal) {
            expected = c.clone();
            Reference.sgemm(tA, tB, m, n, k, 1.5f, aBefore, offA, lda, bBefore, offB, ldb, beta, expected, offC, ldc);
        }
        try {
            backend().sgemm(tA, tB, m, n, k, 1.5f, a, offA, lda, b, offB, ldb, beta, c, offC, ldc);
        } catch (IllegalArgumentException e) {
            if (legal) fail("a legal sgemm was refused: " + e.getMessage());
            assertArrayEquals(aBefore, a, "A touched by a refused call");
            assertArrayEquals(bBefore, b, "B touched by a refused call");
            assertArrayEquals(cBefore, c, "C touched by a refused call");
            return;
        }
        if (!legal) fail("an illegal sgemm ran: m=" + m + " n=" + n + " k=" + k + " offsets " + offA + "," + offB
                + "," + offC + " length " + length + " C is " + (cIs == 0 ? "its own array" : cIs == 1 ? "A" : "B"));
        if (m > 0 && n > 0) {
            double[] scale = Reference.sgemmAbsScale(tA, tB, m, n, k, 1.5f, aBefore, offA, lda, bBefore, offB, ldb,
                    beta, cBefore, offC, ldc);
            Check.close(backend().name() + " sgemm", expected, c, offC, ldc, m, n, scale, 4.0 * Math.max(16, k)
                    * Math.ulp(1f));
        }
    }

    @Provide
    Arbitrary<Conv2dDesc> convs() {
        return Arbitraries.integers().between(0, Integer.MAX_VALUE).map(seed -> {
            java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
            int k = 1 + r.nextInt(3), in = k + r.nextInt(5), c = 1 + r.nextInt(4), o = 1 + r.nextInt(4);
            return Conv2dDesc.of(1 + r.nextInt(2), in, in + r.nextInt(3), c, o, k, 1 + r.nextInt(2), r.nextInt(k));
        });
    }

    /**
     * Shapes: each tensor right or one dim off by one; placement: each output in its own array or over an
     * input of the same array. Legal exactly when all shapes are right and no output meets an input.
     */
    @Property
    void convIsRefusedExactlyWhenIllegal(@ForAll("convs") Conv2dDesc d, @ForAll @IntRange(min = 0, max = 2) int pass,
            @ForAll @IntRange(min = 0, max = 4) int wrongShape, @ForAll boolean alias, @ForAll long seed) {
        int[][] shapes = switch (pass) {
            case 0 -> new int[][] {d.inputShape(), d.weightShape(), d.outputShape()};   // x, w -> y
            case 1 -> new int[][] {d.outputShape(), d.weightShape(), d.inputShape()};   // dy, w -> dx
            default -> new int[][] {d.inputShape(), d.outputShape(), d.weightShape()};  // x, dy -> dw
        };
        boolean shapesRight = wrongShape == 0 || wrongShape == 4;
        if (!shapesRight) shapes[wrongShape - 1][(int) Math.floorMod(seed, (long) shapes[wrongShape - 1].length)] += 1;
        int s0 = size(shapes[0]), s1 = size(shapes[1]), s2 = size(shapes[2]);
        // One array holds both inputs; the output is either separate or placed at a random offset over them.
        float[] buf = Check.random(seed, s0 + s1 + s2);
        Tensor in0 = Tensor.wrap(buf, 0, layout(shapes[0]), shapes[0]);
        Tensor in1 = Tensor.wrap(buf, s0, layout(shapes[1]), shapes[1]);
        int outOff = alias ? (int) Math.floorMod(seed >>> 7, (long) (s0 + s1)) : 0;
        float[] outBuf = alias ? buf : new float[s2];
        if (alias && outOff + s2 > buf.length) outOff = buf.length - s2;
        Tensor out = Tensor.wrap(outBuf, outOff, layout(shapes[2]), shapes[2]);
        boolean overlaps = alias && outOff < s0 + s1; // [outOff, outOff + s2) meets [0, s0 + s1)
        boolean legal = shapesRight && !overlaps;
        float[] before = buf.clone(), outBefore = outBuf.clone();
        try {
            switch (pass) {
                case 0 -> backend().conv2dForward(d, in0, in1, null, out);
                case 1 -> backend().conv2dBackwardData(d, in0, in1, out);
                default -> backend().conv2dBackwardWeights(d, in0, in1, out, null);
            }
        } catch (IllegalArgumentException e) {
            if (legal) fail("a legal conv was refused: " + e.getMessage());
            assertArrayEquals(before, buf, "inputs touched by a refused call");
            assertArrayEquals(outBefore, outBuf, "output touched by a refused call");
            return;
        }
        if (!legal) fail("an illegal conv ran: " + d.shapeString() + " pass " + pass + " wrongShape " + wrongShape
                + " alias at " + outOff);
        if (pass == 0) {
            float[] expected = new float[s2];
            ReferenceConv.forward(d, in0.toArray(), in1.toArray(), null, expected);
            float[] got = out.toArray();
            double[] scale = ReferenceConv.forwardScale(d, in0.toArray(), in1.toArray(), null);
            Check.close(backend().name() + " conv", expected, got, 0, got.length, 1, got.length, scale,
                    4.0 * Math.max(16, d.kH() * d.kW() * d.inC()) * Math.ulp(1f));
        }
    }

    private static Layout layout(int[] shape) { return shape.length == 4 ? Layout.NHWC : Layout.ROW_MAJOR; }

    private static int size(int[] s) {
        int n = 1;
        for (int v : s) n *= v;
        return n;
    }
}
