package org.simdnn.kernels.conv;

import org.simdnn.kernels.cpu.CpuInfo;
import org.simdnn.ops.Conv2dDesc;
import org.simdnn.reference.ConvChecks;
import org.simdnn.reference.ReferenceConv;

/**
 * Main class run in a forked JVM by {@link ConvVectorWidthsTest} with {@code -Dsimdnn.vectorBits=N}: every
 * implementation on every case and pass it accepts, against the reference, and the fused inverted-residual block
 * ({@link InvertedResidualTest}). Exit code 0 = all agree.
 */
public final class ConvWidthCheck {
    public static void main(String[] args) {
        int expected = Integer.parseInt(args[0]);
        if (CpuInfo.VECTOR_BITS != expected) {
            System.err.println("vector width " + CpuInfo.VECTOR_BITS + " != requested " + expected);
            System.exit(2);
        }
        int runs = 0;
        try {
            for (ConvAlgo a : ConvAlgo.values()) {
                if (a == ConvAlgo.AUTO) continue;
                for (Conv2dDesc d : ReferenceConv.cases()) {
                    if (a.impl.rejects(d, ConvPass.FORWARD) == null) {
                        ConvChecks.forward(a.id(), d, true, (dd, x, w, b, y) -> ConvPlanner.forward(a, dd, x, 0, w, 0, b, 0, y, 0));
                        runs++;
                    }
                    if (a.impl.rejects(d, ConvPass.BACKWARD_DATA) == null) {
                        ConvChecks.backwardData(a.id(), d, (dd, dy, w, dx) -> ConvPlanner.backwardData(a, dd, dy, 0, w, 0, dx, 0));
                        runs++;
                    }
                    if (a.impl.rejects(d, ConvPass.BACKWARD_WEIGHTS) == null) {
                        ConvChecks.backwardWeights(a.id(), d, true,
                                (dd, x, dy, dw, db) -> ConvPlanner.backwardWeights(a, dd, x, 0, dy, 0, dw, 0, db, 0));
                        runs++;
                    }
                }
            }
            if (CpuInfo.VECTOR_BITS > 0) { // the fused block's channel counts follow the vector width
                new InvertedResidualTest().matchesReferenceLayersOnOneToThreeThreads();
                runs++;
            }
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
        System.out.println("ok " + runs + " checks at " + CpuInfo.VECTOR_BITS + " bits");
    }
}
