package org.simdnn.kernels.conv;

/**
 * Per-thread scratch buffers, grown on first use and then reused: in steady state (same shapes, same threads)
 * a convolution allocates nothing. Slots keep the buffers of one call apart.
 */
final class Scratch {
    static final int PAD = 0, TILE = 1, ACC = 2, WPACK = 3, BIAS = 4, DY = 5, BLOCK_RING = 6, BLOCK_DW = 7, SLOTS = 8;
    static final int OFFSETS = 0, TAPS = 1, BLOCK_TAGS = 2, INT_SLOTS = 3;

    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[SLOTS][]);
    private static final ThreadLocal<int[][]> INTS = ThreadLocal.withInitial(() -> new int[INT_SLOTS][]);
    private static final ThreadLocal<float[][][]> PARTIALS = ThreadLocal.withInitial(() -> new float[1][0][]);

    private Scratch() {}

    /** This thread's buffer in {@code slot}, at least {@code size} long; contents are left over from earlier use. */
    static float[] get(int slot, int size) {
        float[][] s = BUFFERS.get();
        float[] b = s[slot];
        if (b == null || b.length < size) s[slot] = b = new float[Math.max(size, 16)];
        return b;
    }

    /** This thread's int buffer in {@code slot}, at least {@code size} long. */
    static int[] ints(int slot, int size) {
        int[][] s = INTS.get();
        int[] b = s[slot];
        if (b == null || b.length < size) s[slot] = b = new int[Math.max(size, 16)];
        return b;
    }

    /**
     * {@code count} buffers of {@code size} floats owned by the calling thread, for per-chunk partial sums
     * ({@link ConvUtil#forChunks}).
     */
    static float[][] partials(int count, int size) {
        float[][][] holder = PARTIALS.get();
        float[][] p = holder[0];
        if (p.length < count) {
            float[][] q = new float[count][];
            System.arraycopy(p, 0, q, 0, p.length);
            holder[0] = p = q;
        }
        for (int i = 0; i < count; i++) {
            if (p[i] == null || p[i].length < size) p[i] = new float[Math.max(size, 16)];
        }
        return p;
    }
}
