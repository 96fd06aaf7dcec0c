package org.simdnn.kernels.eltwise;

import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.simdnn.kernels.cpu.CpuInfo;

/**
 * The float and int species every elementwise, pooling and normalisation kernel uses, resolved once from
 * {@link CpuInfo#VECTOR_BITS}. {@code null} when the kernels run scalar; each kernel copies them into its own
 * {@code static final} fields so C2 folds the scalar/vector branch away.
 */
public final class EltSpecies {
    /** Float species at the chosen width, or null for the scalar path. */
    public static final VectorSpecies<Float> F;
    /** Int species with the same lane count as {@link #F} (mask arithmetic, hashes, argmax), or null. */
    public static final VectorSpecies<Integer> I;
    /** Floats per vector (1 when scalar). */
    public static final int LANES;

    static {
        int bits = CpuInfo.VECTOR_BITS;
        if (bits == 0) {
            F = null;
            I = null;
            LANES = 1;
        } else {
            VectorShape shape = VectorShape.forBitSize(bits);
            F = VectorSpecies.of(float.class, shape);
            I = VectorSpecies.of(int.class, shape);
            LANES = F.length();
        }
    }

    private EltSpecies() {}
}
