package org.simdnn.kernels.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.simdnn.kernels.cpu.CpuInfo;
import org.simdnn.kernels.cpu.Parallel;
import org.simdnn.ops.Clamp;
import org.simdnn.ops.Conv2dDesc;
import org.simdnn.ops.PreparedConv2d;
import org.simdnn.reference.Check;
import org.simdnn.reference.ConvChecks;
import org.simdnn.reference.ReferenceConv;
import org.simdnn.tensor.Layout;
import org.simdnn.tensor.Tensor;

/**
 * The Winograd driver's splits of one group of images between threads (fewer groups than threads: batch 1, or a
 * few small images grouped): by runs of tiles, each thread padding the rows its tiles read, and by output-channel
 * slivers over a shared transformed input. Batch 1, 2 and 3 on 1, 2 and 3 threads, odd sizes (partial tiles, tiles
 * of one group spanning images), channel tails (a last sliver of one vector) and 3 slivers on 2 threads: the
 * prepared forward pass (bias, residual, ReLU) against the reference, and forward and backward data the same bits
 * for every thread count.
 */
class WinogradSplitTest {
    private final int saved = Parallel.threads();

    @AfterEach
    void restore() { Parallel.setThreads(saved); }

    static List<Conv2dDesc> shapes() {
        int L = Math.max(4, CpuInfo.lanes()); // vector lanes (any width in scalar mode, where AUTO runs alone)
        return List.of(
                Conv2dDesc.of(1, 6, 6, 16, 3 * L, 3, 1, 1),           // 9 tiles (F2): columns; last sliver one vector
                Conv2dDesc.of(1, 5, 7, 17, 6 * L, 3, 1, 1),           // odd sizes, depth tail: columns, 3 slivers
                Conv2dDesc.of(1, 12, 12, 16, 4 * L, 3, 1, 1),         // F4: 9 tiles, columns
                Conv2dDesc.of(1, 13, 11, 19, 2 * L, 3, 1, 1),         // tiles; partial blocks
                Conv2dDesc.of(1, 28, 28, 16, L, 3, 1, 1),             // tiles; many runs per thread
                new Conv2dDesc(1, 9, 10, 24, 2 * L, 3, 3, 1, 1, 2, 0, 1, 2, 1, 1, 1), // asymmetric pads
                Conv2dDesc.of(1, 6, 6, 16, 10 * L, 3, 1, 1));         // columns; slivers not a multiple of threads
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (ConvAlgo a : new ConvAlgo[] {ConvAlgo.WINOGRAD_F2X3, ConvAlgo.WINOGRAD_F4X3, ConvAlgo.AUTO}) {
            for (Conv2dDesc s : shapes()) {
                for (int batch = 1; batch <= 3; batch++) {
                    Conv2dDesc d = new Conv2dDesc(batch, s.inH(), s.inW(), s.inC(), s.outC(), 3, 3, 1, 1, s.padTop(),
                            s.padLeft(), s.padBottom(), s.padRight(), 1, 1, 1);
                    if (a.rejects(d, ConvPass.FORWARD) == null) out.add(Arguments.of(a, d));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void sameBitsForEveryThreadCountAndCloseToReference(ConvAlgo a, Conv2dDesc d) {
        int in = ConvChecks.inSize(d), out = ConvChecks.outSize(d);
        float[] x = Check.random(31, in), w = Check.random(32, ConvChecks.wSize(d)), b = Check.random(33, d.outC());
        float[] r = Check.random(34, out);
        float[] conv = new float[out];
        ReferenceConv.forward(d, x, w, b, conv);
        double[] scale = ReferenceConv.forwardScale(d, x, w, b);
        float[] e = new float[out];
        for (int i = 0; i < out; i++) {
            e[i] = (float) Math.max(conv[i] + (double) r[i], 0);
            scale[i] += Math.abs(r[i]);
        }
        PreparedConv2d p = ConvPlanner.prepareForward(a, d, w, 0, b, 0, Clamp.RELU);
        float[] first = null, firstDx = null;
        float[] dy = Check.random(35, out);
        for (int threads = 1; threads <= 3; threads++) {
            Parallel.setThreads(threads);
            float[] y = Check.random(36, out); // garbage: overwritten
            p.forward(Tensor.wrap(x, 0, Layout.NHWC, d.inputShape()), Tensor.wrap(r, 0, Layout.NHWC, d.outputShape()),
                    Tensor.wrap(y, 0, Layout.NHWC, d.outputShape()));
            Check.close(a.id() + " threads " + threads + " " + d.shapeString(), e, y, 0, out, 1, out, scale,
                    ConvChecks.tol(9 * d.inC() + 2));
            float[] dx = Check.random(37, in);
            ConvPlanner.backwardData(a.rejects(d, ConvPass.BACKWARD_DATA) == null ? a : ConvAlgo.AUTO, d, dy, 0, w, 0, dx, 0);
            if (first == null) {
                first = y;
                firstDx = dx;
            } else {
                assertArrayEquals(first, y, a.id() + " forward, " + threads + " threads vs 1: " + d.shapeString());
                assertArrayEquals(firstDx, dx, a.id() + " backward data, " + threads + " threads vs 1: " + d.shapeString());
            }
        }
    }

    /** The shapes above exercise both splits. */
    @Test
    void bothSplitsAreCovered() {
        assumeTrue(CpuInfo.VECTOR_BITS > 0, "scalar mode: no Winograd");
        boolean cols = false, tiles = false;
        for (Conv2dDesc d : shapes()) {
            int tW = (d.outW() + 1) / 2, tH = (d.outH() + 1) / 2;
            boolean c = WinogradDriver.splitsColumns((d.outC() + ConvTiles.NR - 1) / ConvTiles.NR * ConvTiles.NR, tH * tW);
            cols |= c;
            tiles |= !c;
        }
        assertTrue(cols && tiles, "column split " + cols + ", tile split " + tiles);
    }
}
