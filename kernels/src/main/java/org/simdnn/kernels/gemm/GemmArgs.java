package org.simdnn.kernels.gemm;

/**
 * Validation of BLAS-style SGEMM arguments, shared by every GEMM entry point (ours and the native bridges):
 * a bad size must become an {@link IllegalArgumentException} here, never an out-of-bounds read in a kernel
 * or a crash in native code. C may not share elements with A or B: BLAS leaves that undefined and every
 * blocked kernel (ours and OpenBLAS) then reads partly overwritten inputs, so the answer would be silently wrong.
 */
public final class GemmArgs {
    private GemmArgs() {}

    public static void check(boolean transA, boolean transB, int m, int n, int k, float[] a, int offA, int lda,
                             float[] b, int offB, int ldb, float[] c, int offC, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("sgemm sizes must be >= 0: m=" + m + " n=" + n + " k=" + k);
        }
        if (a == null || b == null || c == null) {
            throw new IllegalArgumentException("sgemm arrays must be non-null: a=" + (a == null ? "null" : "ok") + " b="
                    + (b == null ? "null" : "ok") + " c=" + (c == null ? "null" : "ok"));
        }
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        checkOperand("A", transA, aRows, aCols, a, offA, lda, m, n, k);
        checkOperand("B", transB, bRows, bCols, b, offB, ldb, m, n, k);
        checkOperand("C", false, m, n, c, offC, ldc, m, n, k);
        if (c == a) checkDisjoint("A", a, offA, lda, aRows, aCols, offC, ldc, m, n, k);
        if (c == b) checkDisjoint("B", b, offB, ldb, bRows, bCols, offC, ldc, m, n, k);
    }

    /**
     * Throws if C ({@code m x n} at {@code offC}, row stride {@code ldc}) and operand X (same array) share an
     * element. Distinct arrays never get here, so the usual call pays one reference comparison.
     */
    private static void checkDisjoint(String name, float[] x, int off, int ld, int rows, int cols, int offC, int ldc,
                                      int m, int n, int k) {
        long shared = firstShared(off, ld, rows, cols, offC, ldc, m, n);
        if (shared < 0) return;
        throw new IllegalArgumentException("sgemm output C [" + offC + ", " + end(offC, ldc, m, n) + ") (" + m + "x" + n
                + ", ldc=" + ldc + ") overlaps input " + name + " [" + off + ", " + end(off, ld, rows, cols) + ") ("
                + rows + "x" + cols + ", ld" + name.toLowerCase() + "=" + ld + ") in the same float[" + x.length
                + "], first at element " + shared + " (m=" + m + " n=" + n + " k=" + k + "); write C to a separate "
                + "array or range");
    }

    /**
     * The lowest array index that two strided row-major regions share, or -1: region P is {@code rows x cols}
     * at {@code off} with row stride {@code ld}, region Q likewise. Exact, not a bounding-box test, so
     * interleaved operands (e.g. A and C side by side in one row-major buffer) stay legal.
     */
    static long firstShared(int offP, int ldP, int rowsP, int colsP, int offQ, int ldQ, int rowsQ, int colsQ) {
        if (rowsP == 0 || colsP == 0 || rowsQ == 0 || colsQ == 0) return -1;
        if (end(offP, ldP, rowsP, colsP) <= offQ || end(offQ, ldQ, rowsQ, colsQ) <= offP) return -1;
        // Walk the rows of the region with fewer rows; each row is one interval tested against the other region.
        boolean walkP = rowsP <= rowsQ;
        int off = walkP ? offP : offQ, ld = walkP ? ldP : ldQ, rows = walkP ? rowsP : rowsQ, cols = walkP ? colsP : colsQ;
        int oOff = walkP ? offQ : offP, oLd = walkP ? ldQ : ldP, oRows = walkP ? rowsQ : rowsP;
        int oCols = walkP ? colsQ : colsP;
        for (long r = 0; r < rows; r++) { // rows ascend and do not overlap (ld >= cols): the first hit is the lowest
            long s = off + r * ld, e = s + cols;
            // rows q of the other region with [oOff + q*oLd, +oCols) meeting [s, e): q*oLd in [s-oOff-oCols+1, e-oOff-1]
            long lo = s - oOff - oCols + 1, hi = e - oOff - 1;
            long q = Math.max(0, Math.ceilDiv(lo, (long) oLd));
            if (q < oRows && q * oLd <= hi) return Math.max(s, oOff + q * oLd);
        }
        return -1;
    }

    private static long end(int off, int ld, int rows, int cols) {
        return rows == 0 || cols == 0 ? off : off + (long) (rows - 1) * ld + cols;
    }

    private static void checkOperand(String name, boolean trans, int rows, int cols, float[] x, int off, int ld,
                                     int m, int n, int k) {
        // Messages are built only on failure: this runs on every call, including 8x8x8 ones that take ~20 ns.
        if (ld < Math.max(1, cols)) {
            throw new IllegalArgumentException("ld" + name.toLowerCase() + "=" + ld + " is less than the row length "
                    + cols + " of " + name + " (" + rows + "x" + cols + ")" + ctx(name, trans, m, n, k));
        }
        if (off < 0) {
            throw new IllegalArgumentException("off" + name + "=" + off + " is negative" + ctx(name, trans, m, n, k));
        }
        if (rows == 0 || cols == 0) return;
        long needed = off + (long) (rows - 1) * ld + cols;
        if (needed > x.length) {
            throw new IllegalArgumentException(name + " (" + rows + "x" + cols + ", ld" + name.toLowerCase() + "=" + ld
                    + ", off" + name + "=" + off + ") needs " + needed + " floats but the array has " + x.length
                    + ctx(name, trans, m, n, k));
        }
    }

    private static String ctx(String name, boolean trans, int m, int n, int k) {
        return " (m=" + m + " n=" + n + " k=" + k + (trans ? ", " + name + " transposed" : "") + ")";
    }
}
