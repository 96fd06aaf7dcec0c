package org.simdnn.kernels.gemm;

/**
 * Per-thread packing buffers, grown on demand and then reused, so a call allocates nothing after warm-up.
 * The calling thread's workspace holds the shared packed B panel; each thread that computes (caller or pool
 * worker) packs A into its own workspace.
 */
final class GemmWorkspace {
    private static final float[] EMPTY = new float[0];
    private static final ThreadLocal<GemmWorkspace> LOCAL = ThreadLocal.withInitial(GemmWorkspace::new);

    private float[] pa = EMPTY, pb = EMPTY, tile = EMPTY, bt = EMPTY, vec = EMPTY, tailB = EMPTY, tailC = EMPTY;
    private float[] acc = EMPTY;
    /** The call's state, reused: a lambda per call would allocate. */
    final GemmTask task = new GemmTask();
    final DirectTask direct = new DirectTask();
    final SupTask sup = new SupTask();
    final SmallMTask smallM = new SmallMTask();

    static GemmWorkspace get() { return LOCAL.get(); }

    float[] pa(int n) {
        if (pa.length < n) pa = new float[n];
        return pa;
    }

    float[] pb(int n) {
        if (pb.length < n) pb = new float[n];
        return pb;
    }

    /** B transposed for the direct kernel. */
    float[] bt(int n) {
        if (bt.length < n) bt = new float[n];
        return bt;
    }

    /** A strided GEMV operand made contiguous. */
    float[] vec(int n) {
        if (vec.length < n) vec = new float[n];
        return vec;
    }

    /** B's last (< 4) columns, zero-padded to 4, for the direct kernel's column remainder. */
    float[] tailB(int n) {
        if (tailB.length < n) tailB = new float[n];
        return tailB;
    }

    /** The m x 4 result of the column remainder. */
    float[] tailC(int n) {
        if (tailC.length < n) tailC = new float[n];
        return tailC;
    }

    /** The small-m kernel's accumulator block (m x w sums of one column chunk). */
    float[] acc(int n) {
        if (acc.length < n) acc = new float[n];
        return acc;
    }

    float[] tile(int n) {
        if (tile.length < n) tile = new float[n];
        return tile;
    }
}
