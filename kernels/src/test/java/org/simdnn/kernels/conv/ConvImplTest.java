package org.simdnn.kernels.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.simdnn.ops.Conv2dDesc;
import org.simdnn.reference.ConvChecks;
import org.simdnn.reference.ReferenceConv;

/** Every convolution implementation, forced, on every case it accepts, against the reference. */
class ConvImplTest {

    static Stream<Arguments> accepted() {
        List<Arguments> out = new ArrayList<>();
        for (ConvAlgo a : ConvAlgo.values()) {
            for (Conv2dDesc d : ReferenceConv.cases()) {
                for (ConvPass p : ConvPass.values()) {
                    if (a == ConvAlgo.AUTO || a.impl.rejects(d, p) == null) out.add(Arguments.of(a, p, d));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("accepted")
    void matchesReference(ConvAlgo a, ConvPass p, Conv2dDesc d) {
        switch (p) {
            case FORWARD -> {
                ConvChecks.forward(a.id(), d, true, (dd, x, w, b, y) -> ConvPlanner.forward(a, dd, x, 0, w, 0, b, 0, y, 0));
                ConvChecks.forward(a.id(), d, false, (dd, x, w, b, y) -> ConvPlanner.forward(a, dd, x, 0, w, 0, b, 0, y, 0));
            }
            case BACKWARD_DATA -> ConvChecks.backwardData(a.id(), d,
                    (dd, dy, w, dx) -> ConvPlanner.backwardData(a, dd, dy, 0, w, 0, dx, 0));
            case BACKWARD_WEIGHTS -> {
                ConvChecks.backwardWeights(a.id(), d, true,
                        (dd, x, dy, dw, db) -> ConvPlanner.backwardWeights(a, dd, x, 0, dy, 0, dw, 0, db, 0));
                ConvChecks.backwardWeights(a.id(), d, false,
                        (dd, x, dy, dw, db) -> ConvPlanner.backwardWeights(a, dd, x, 0, dy, 0, dw, 0, db, 0));
            }
        }
    }

    static Stream<Arguments> smallAccepted() {
        return accepted().filter(args -> {
            Conv2dDesc d = (Conv2dDesc) args.get()[2];
            return args.get()[1] == ConvPass.BACKWARD_DATA && ConvChecks.outSize(d) * d.kH() * d.kW() * d.inCPerGroup() < 200_000;
        });
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("smallAccepted")
    void backwardsMatchFiniteDifferences(ConvAlgo a, ConvPass ignored, Conv2dDesc d) {
        if (a.impl != null && a.impl.rejects(d, ConvPass.BACKWARD_WEIGHTS) != null) return;
        ConvChecks.finiteDifferences(a.id(), d, (dd, dy, w, dx) -> ConvPlanner.backwardData(a, dd, dy, 0, w, 0, dx, 0),
                (dd, x, dy, dw, db) -> ConvPlanner.backwardWeights(a, dd, x, 0, dy, 0, dw, 0, db, 0));
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("accepted")
    void nanAndInfPropagate(ConvAlgo a, ConvPass p, Conv2dDesc d) {
        if (p != ConvPass.FORWARD || ConvChecks.inSize(d) < 3) return;
        ConvAlgo run = a == ConvAlgo.AUTO ? ConvPlanner.plan(d, p) : a;
        int block = run == ConvAlgo.WINOGRAD_F4X3 ? 4 : run == ConvAlgo.WINOGRAD_F2X3 ? 2 : 1;
        int nans = ConvChecks.nanPropagation(a.id(), d, (dd, x, w, b, y) -> ConvPlanner.forward(a, dd, x, 0, w, 0, b, 0, y, 0),
                block);
        if (d.strideH() <= d.kH() && d.strideW() <= d.kW()) assertTrue(nans > 0, "no NaN under any window of " + d);
    }

    @Test
    void everyImplementationRunsSomeCaseOfEveryPass() {
        for (ConvAlgo a : ConvAlgo.values()) {
            if (a == ConvAlgo.AUTO) continue;
            for (ConvPass p : ConvPass.values()) {
                if (a == ConvAlgo.WINOGRAD_F4X3 && p == ConvPass.BACKWARD_WEIGHTS) continue; // F(2x2) runs it
                boolean any = ReferenceConv.cases().stream().anyMatch(d -> a.impl.rejects(d, p) == null);
                assertTrue(any, a.id() + " accepts no test case for " + p + ", so it is untested");
            }
        }
    }

    @Test
    void directAcceptsEverythingAndComesLast() {
        ConvAlgo[] all = ConvAlgo.values();
        assertEquals(ConvAlgo.DIRECT, all[all.length - 1]);
        for (Conv2dDesc d : ReferenceConv.cases()) {
            for (ConvPass p : ConvPass.values()) assertNull(ConvAlgo.DIRECT.impl.rejects(d, p));
        }
    }

    @Test
    void plannerPicksTheSpecialisedPaths() {
        assertEquals(ConvAlgo.POINTWISE_GEMM, ConvPlanner.plan(Conv2dDesc.of(2, 5, 5, 8, 16, 1, 1, 0), ConvPass.FORWARD));
        assertEquals(ConvAlgo.DEPTHWISE, ConvPlanner.plan(new Conv2dDesc(1, 8, 8, 16, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 16),
                ConvPass.BACKWARD_WEIGHTS));
        assertEquals(ConvAlgo.DIRECT, ConvPlanner.plan(new Conv2dDesc(1, 8, 8, 16, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 4),
                ConvPass.FORWARD));
        String why = ConvPlanner.explain(Conv2dDesc.of(1, 8, 8, 4, 4, 3, 1, 1), ConvPass.FORWARD);
        assertTrue(why.contains("f32-conv-nhwc-1x1-gemm: rejected: not 1x1"), why);
    }

    @Test
    void plannerDeclinesWinogradForFewTiles() {
        assumeTrue(ConvAlgo.WINOGRAD_F2X3.rejects(Conv2dDesc.of(1, 7, 7, 64, 64, 3, 1, 1), ConvPass.FORWARD) == null,
                "scalar mode: no Winograd");
        // Batch 1 at 7x7: 16 F(2x2) tiles, declined; at 14x14 49 tiles, picked; 4 images at 7x7: 64 tiles, picked.
        Conv2dDesc few = Conv2dDesc.of(1, 7, 7, 64, 64, 3, 1, 1);
        assertEquals(ConvAlgo.IMPLICIT_GEMM, ConvPlanner.plan(few, ConvPass.FORWARD));
        assertEquals(ConvAlgo.IMPLICIT_GEMM, ConvPlanner.plan(few, ConvPass.BACKWARD_DATA));
        assertEquals(ConvAlgo.WINOGRAD_F2X3, ConvPlanner.plan(few, ConvPass.BACKWARD_WEIGHTS));
        assertEquals(ConvAlgo.WINOGRAD_F2X3, ConvPlanner.plan(Conv2dDesc.of(1, 14, 14, 64, 64, 3, 1, 1), ConvPass.FORWARD));
        assertEquals(ConvAlgo.WINOGRAD_F2X3, ConvPlanner.plan(Conv2dDesc.of(4, 7, 7, 64, 64, 3, 1, 1), ConvPass.FORWARD));
        String why = ConvPlanner.explain(few, ConvPass.FORWARD);
        assertTrue(why.contains("f32-conv-nhwc-winograd-f2x3: declined: 16 output tiles < 32"), why);
        // A cost rule, not a limit: forcing it still runs.
        assertNull(ConvAlgo.WINOGRAD_F2X3.rejects(few, ConvPass.FORWARD));
    }

    @Test
    void forcedImplementationThatRejectsSaysWhy() {
        Conv2dDesc d = Conv2dDesc.of(1, 8, 8, 4, 4, 3, 1, 1);
        float[] x = new float[256], w = new float[144], y = new float[256];
        var e = assertThrows(IllegalArgumentException.class,
                () -> ConvPlanner.forward(ConvAlgo.POINTWISE_GEMM, d, x, 0, w, 0, null, 0, y, 0));
        assertTrue(e.getMessage().contains("not 1x1"), e.getMessage());
    }

    @Test
    void shortArraysAreRejectedBeforeWork() {
        Conv2dDesc d = Conv2dDesc.of(1, 8, 8, 4, 4, 3, 1, 1);
        float[] x = new float[256], w = new float[144], y = new float[256];
        float[] yCopy = y.clone();
        var e = assertThrows(IllegalArgumentException.class,
                () -> ConvPlanner.forward(d, new float[255], 0, w, 0, null, 0, y, 0));
        assertTrue(e.getMessage().contains("x needs 256 floats"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ConvPlanner.forward(d, x, 1, w, 0, null, 0, y, 0));
        assertThrows(IllegalArgumentException.class, () -> ConvPlanner.forward(d, x, 0, w, 0, new float[3], 0, y, 0));
        assertThrows(IllegalArgumentException.class, () -> ConvPlanner.backwardData(d, y, 0, new float[143], 0, x, 0));
        assertThrows(IllegalArgumentException.class,
                () -> ConvPlanner.backwardWeights(d, x, 0, y, 0, w, 0, new float[3], 0));
        org.junit.jupiter.api.Assertions.assertArrayEquals(yCopy, y);
    }

    @Test
    void offsetsAreHonoured() {
        Conv2dDesc d = Conv2dDesc.of(2, 6, 5, 7, 9, 3, 1, 1);
        for (ConvAlgo a : ConvAlgo.values()) {
            if (a != ConvAlgo.AUTO && a.impl.rejects(d, ConvPass.FORWARD) != null) continue;
            ConvChecks.forward(a.id() + " offsets", d, true, (dd, x, w, b, y) -> {
                float[] xs = shift(x, 3), ws = shift(w, 5), bs = shift(b, 7), ys = new float[y.length + 11];
                ConvPlanner.forward(a, dd, xs, 3, ws, 5, bs, 7, ys, 11);
                System.arraycopy(ys, 11, y, 0, y.length);
            });
        }
    }

    private static float[] shift(float[] a, int off) {
        float[] s = new float[a.length + off + 2];
        System.arraycopy(a, 0, s, off, a.length);
        return s;
    }
}
