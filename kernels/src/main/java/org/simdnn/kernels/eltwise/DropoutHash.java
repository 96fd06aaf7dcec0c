package org.simdnn.kernels.eltwise;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The dropout mask's counter-based hash, written so any backend (CUDA included) can reproduce it bit for bit:
 * <pre>
 *   z  = splitmix64(seed)                   (the SplitMix64 output function applied to seed + 0x9E3779B97F4A7C15)
 *   k0 = (int) z,  k1 = (int) (z >>> 32)
 *   h  = fmix32(i * 0x9E3779B9 ^ k0)        (i = the element's flat index, 32-bit wrap-around arithmetic)
 *   h  = fmix32(h + k1)
 *   fmix32(h) = h ^= h >>> 16; h *= 0x85EBCA6B; h ^= h >>> 13; h *= 0xC2B2AE35; h ^= h >>> 16
 * </pre>
 * Two rounds of MurmurHash3's finaliser give full avalanche over the index; all 32-bit operations vectorise
 * on every width (no 64-bit multiplies in the loop).
 */
public final class DropoutHash {
    private DropoutHash() {}

    static long splitmix64(long seed) {
        long z = seed + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public static int key0(long seed) { return (int) splitmix64(seed); }

    public static int key1(long seed) { return (int) (splitmix64(seed) >>> 32); }

    static int fmix32(int h) {
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        return h ^ (h >>> 16);
    }

    public static int bits(int k0, int k1, int i) {
        return fmix32(fmix32(i * 0x9E3779B9 ^ k0) + k1);
    }

    /** The same hash on int lanes; linked only when the Vector API is in use (see {@link EltSpecies}). */
    static final class Simd {
        private Simd() {}

        static IntVector fmix32(IntVector h) {
            h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 16));
            h = h.mul(0x85EBCA6B);
            h = h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 13));
            h = h.mul(0xC2B2AE35);
            return h.lanewise(VectorOperators.XOR, h.lanewise(VectorOperators.LSHR, 16));
        }

        static IntVector bits(int k0, int k1, IntVector i) {
            return fmix32(fmix32(i.mul(0x9E3779B9).lanewise(VectorOperators.XOR, k0)).add(k1));
        }
    }
}
