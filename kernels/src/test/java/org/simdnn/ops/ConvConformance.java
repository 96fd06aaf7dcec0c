package org.simdnn.ops;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.simdnn.reference.ConvChecks;
import org.simdnn.reference.ReferenceConv;
import org.simdnn.tensor.Layout;
import org.simdnn.tensor.Tensor;

/**
 * Convolution ops (forward, backward data, backward weights) of
 * {@link Backend} against the scalar references: JUnit 5 default test methods, mixed into
 * {@link BackendConformanceTest} so every backend runs them. Cases: {@link ReferenceConv#cases()}.
 */
public interface ConvConformance {
    Backend backend();

    /**
     * The relative rounding of GEMM and convolution inputs beyond FP32: 0 for FP32 backends, the unit roundoff
     * of TF32/BF16/FP16 for Tensor Core math. Widens the tolerances by exactly the bound it implies
     * ({@link ConvChecks#tol(int, double)}).
     */
    default double gemmInputRoundoff() { return 0; }

    private static Tensor nhwc(float[] a, int... shape) { return Tensor.wrap(a, 0, Layout.NHWC, shape); }

    private static Tensor vec(float[] a) { return a == null ? null : Tensor.wrap(a, a.length); }

    private ConvChecks.Forward fwd() {
        return (d, x, w, b, y) -> backend().conv2dForward(d, nhwc(x, d.inputShape()), Tensor.wrap(w, d.weightShape()),
                vec(b), nhwc(y, d.outputShape()));
    }

    private ConvChecks.BackwardData bwdData() {
        return (d, dy, w, dx) -> backend().conv2dBackwardData(d, nhwc(dy, d.outputShape()),
                Tensor.wrap(w, d.weightShape()), nhwc(dx, d.inputShape()));
    }

    private ConvChecks.BackwardWeights bwdWeights() {
        return (d, x, dy, dw, db) -> backend().conv2dBackwardWeights(d, nhwc(x, d.inputShape()),
                nhwc(dy, d.outputShape()), Tensor.wrap(dw, d.weightShape()), vec(db));
    }

    @Test
    default void convForwardMatchesReference() {
        for (Conv2dDesc d : ReferenceConv.cases()) {
            ConvChecks.forward(backend().name(), d, true, fwd(), gemmInputRoundoff());
            ConvChecks.forward(backend().name(), d, false, fwd(), gemmInputRoundoff());
        }
    }

    @Test
    default void convBackwardDataMatchesReference() {
        for (Conv2dDesc d : ReferenceConv.cases()) ConvChecks.backwardData(backend().name(), d, bwdData(), gemmInputRoundoff());
    }

    @Test
    default void convBackwardWeightsMatchesReference() {
        for (Conv2dDesc d : ReferenceConv.cases()) {
            ConvChecks.backwardWeights(backend().name(), d, true, bwdWeights(), gemmInputRoundoff());
            ConvChecks.backwardWeights(backend().name(), d, false, bwdWeights(), gemmInputRoundoff());
        }
    }

    @Test
    default void convBackwardsMatchFiniteDifferences() {
        for (Conv2dDesc d : new Conv2dDesc[] {
                Conv2dDesc.of(2, 5, 6, 3, 4, 3, 1, 1),
                new Conv2dDesc(1, 7, 6, 4, 6, 3, 2, 2, 2, 1, 0, 0, 1, 2, 1, 2),
                new Conv2dDesc(2, 5, 5, 3, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 3),
                Conv2dDesc.of(2, 3, 3, 5, 7, 1, 1, 0)}) {
            ConvChecks.finiteDifferences(backend().name(), d, bwdData(), bwdWeights(), gemmInputRoundoff());
        }
    }

    @Test
    default void convPropagatesNaNAndInf() {
        assertTrue(ConvChecks.nanPropagation(backend().name(), Conv2dDesc.of(2, 6, 6, 5, 7, 3, 1, 1), fwd()) > 0);
        // 3x3 stride 1 with 32 channels may run as Winograd F(4x4, 3x3): a NaN/Inf may spread over its 4x4 block.
        assertTrue(ConvChecks.nanPropagation(backend().name(), Conv2dDesc.of(1, 6, 6, 32, 32, 3, 1, 1), fwd(), 4) > 0);
    }

    @Test
    default void convRejectsBadDescriptors() {
        assertThrows(IllegalArgumentException.class, () -> new Conv2dDesc(1, 5, 5, 3, 4, 3, 3, 1, 1, -1, 0, 0, 0, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> Conv2dDesc.of(1, 2, 2, 3, 4, 5, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Conv2dDesc(1, 5, 5, 6, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 4));
        assertThrows(IllegalArgumentException.class, () -> new Conv2dDesc(1, 5, 5, 3, 4, 3, 3, 0, 1, 1, 1, 1, 1, 1, 1, 1));
    }

    @Test
    default void convRejectsMismatchedShapesNamingThem() {
        Conv2dDesc d = Conv2dDesc.of(2, 6, 6, 3, 4, 3, 1, 1);
        Tensor x = Tensor.zeros(Layout.NHWC, 2, 6, 6, 3), w = Tensor.zeros(3, 3, 3, 4), b = Tensor.zeros(4);
        Tensor y = Tensor.zeros(Layout.NHWC, 2, 6, 6, 4);
        Tensor badX = Tensor.zeros(Layout.NHWC, 2, 6, 6, 4);
        float[] yBefore = y.toArray();
        var e = assertThrows(IllegalArgumentException.class, () -> backend().conv2dForward(d, badX, w, b, y));
        assertTrue(e.getMessage().contains("[2, 6, 6, 4]") && e.getMessage().contains("[2, 6, 6, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> backend().conv2dForward(d, x, Tensor.zeros(3, 3, 4, 4), b, y));
        assertThrows(IllegalArgumentException.class, () -> backend().conv2dForward(d, x, w, Tensor.zeros(5), y));
        assertThrows(IllegalArgumentException.class,
                () -> backend().conv2dForward(d, x, w, b, Tensor.zeros(Layout.NHWC, 2, 6, 6, 3)));
        assertThrows(IllegalArgumentException.class, () -> backend().conv2dBackwardData(d, x, w, x));
        assertThrows(IllegalArgumentException.class, () -> backend().conv2dBackwardWeights(d, x, y, w, Tensor.zeros(3)));
        assertThrows(IllegalArgumentException.class,
                () -> backend().conv2dForward(d, x, Tensor.zeros(3, 3, 6, 4).slice(2, 0, 3), b, y));
        org.junit.jupiter.api.Assertions.assertArrayEquals(yBefore, y.toArray());
    }
}
