package org.simdnn.kernels.cpu;

import jdk.incubator.vector.FloatVector;

/** Isolated so that CpuInfo links without the incubator module when it is absent. */
final class VectorProbe {
    private VectorProbe() {}

    static int preferredBits() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize();
    }
}
