package org.simdnn.ffm.cuda;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.simdnn.ops.Conv2dDesc;
import org.simdnn.reference.Check;
import org.simdnn.reference.Reference;
import org.simdnn.reference.ReferenceConv;

/**
 * The host half of the CUDA backend, without a GPU: operands staged with the padding rule exactly as
 * {@link CudaBackend} stages them, run through the double reference at the padded sizes, and cropped, must give
 * the unpadded reference's results bit for bit (padded entries add exact zeros), and staging must never touch
 * anything outside the real entries.
 */
class PaddingTest {

    @Test
    void roundsUpToEight() {
        int[][] cases = {{0, 0}, {1, 8}, {3, 8}, {8, 8}, {9, 16}, {100, 104}, {104, 104}};
        for (int[] c : cases) assertEquals(c[1], Padding.up8(c[0]), "up8(" + c[0] + ")");
    }

    private static float[] array(MemorySegment s) { return s.toArray(JAVA_FLOAT); }

    @ParameterizedTest(name = "gemm tA={0} tB={1} m={2} n={3} k={4} beta={5}")
    @CsvSource({"false,false,1,1,1,0", "true,false,7,13,5,1.5", "false,true,17,9,31,0", "true,true,33,3,100,-1",
            "false,false,8,16,24,1"})
    void paddedGemmEqualsTheUnpaddedOne(boolean tA, boolean tB, int m, int n, int k, float beta) {
        int lda = (tA ? m : k) + 3, ldb = (tB ? k : n) + 2, ldc = n + 5, offA = 1, offB = 2, offC = 3;
        float[] a = Check.random(1, offA + (tA ? k : m) * lda), b = Check.random(2, offB + (tB ? n : k) * ldb);
        float[] c = Check.random(3, offC + m * ldc), expected = c.clone();
        Reference.sgemm(tA, tB, m, n, k, 1.25f, a, offA, lda, b, offB, ldb, beta, expected, offC, ldc);

        int m8 = Padding.up8(m), n8 = Padding.up8(n), k8 = Padding.up8(k);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ha = arena.allocate(4L * m8 * k8), hb = arena.allocate(4L * k8 * n8);
            MemorySegment hc = arena.allocate(4L * m8 * n8);
            Padding.matrix(a, offA, lda, tA, m, k, ha, k8);
            Padding.matrix(b, offB, ldb, tB, k, n, hb, n8);
            if (beta != 0f) Padding.matrix(c, offC, ldc, false, m, n, hc, n8);
            float[] pc = array(hc);
            Reference.sgemm(false, false, m8, n8, k8, 1.25f, array(ha), 0, k8, array(hb), 0, n8, beta, pc, 0, n8);
            float[] got = c.clone();
            Padding.cropMatrix(MemorySegment.ofArray(pc), m, n, n8, got, offC, ldc);
            assertArrayEquals(expected, got); // also: nothing outside C's window changed
        }
    }

    /** The shapes of the conformance suite that the CUDA kernels run (groups == 1). */
    private static Iterable<Conv2dDesc> convCases() {
        return ReferenceConv.cases().stream().filter(d -> d.groups() == 1).toList();
    }

    private static Conv2dDesc padded(Conv2dDesc d) {
        return new Conv2dDesc(Padding.up8(d.batch()), d.inH(), d.inW(), Padding.up8(d.inC()), Padding.up8(d.outC()),
                d.kH(), d.kW(), d.strideH(), d.strideW(), d.padTop(), d.padLeft(), d.padBottom(), d.padRight(),
                d.dilationH(), d.dilationW(), 1);
    }

    @Test
    void paddedConvolutionPassesEqualTheUnpaddedOnes() {
        try (Arena arena = Arena.ofConfined()) {
            for (Conv2dDesc d : convCases()) {
                Conv2dDesc p = padded(d);
                int inPix = d.inH() * d.inW(), outPix = d.outH() * d.outW(), taps = d.kH() * d.kW();
                float[] x = Check.random(11, d.batch() * inPix * d.inC()), w = Check.random(12, taps * d.inC() * d.outC());
                float[] dy = Check.random(13, d.batch() * outPix * d.outC());
                MemorySegment hx = arena.allocate(Padding.imageBytes(d.batch(), inPix, d.inC()));
                MemorySegment hw = arena.allocate(Padding.weightBytes(taps, d.inC(), d.outC()));
                MemorySegment hdy = arena.allocate(Padding.imageBytes(d.batch(), outPix, d.outC()));
                Padding.image(x, 0, d.batch(), inPix, d.inC(), hx);
                Padding.weights(w, 0, taps, d.inC(), d.outC(), hw);
                Padding.image(dy, 0, d.batch(), outPix, d.outC(), hdy);

                float[] y = new float[dy.length], py = new float[(int) (Padding.imageBytes(d.batch(), outPix, d.outC()) / 4)];
                ReferenceConv.forward(d, x, w, null, y);
                ReferenceConv.forward(p, array(hx), array(hw), null, py);
                float[] got = new float[y.length];
                Padding.cropImage(MemorySegment.ofArray(py), d.batch(), outPix, d.outC(), got, 0);
                assertArrayEquals(y, got, "forward " + d.shapeString());

                float[] dx = new float[x.length], pdx = new float[(int) (hx.byteSize() / 4)];
                ReferenceConv.backwardData(d, dy, w, dx);
                ReferenceConv.backwardData(p, array(hdy), array(hw), pdx);
                got = new float[dx.length];
                Padding.cropImage(MemorySegment.ofArray(pdx), d.batch(), inPix, d.inC(), got, 0);
                assertArrayEquals(dx, got, "backward data " + d.shapeString());

                float[] dw = new float[w.length], pdw = new float[(int) (hw.byteSize() / 4)];
                float[] db = new float[d.outC()], pdb = new float[p.outC()];
                ReferenceConv.backwardWeights(d, x, dy, dw, db);
                ReferenceConv.backwardWeights(p, array(hx), array(hdy), pdw, pdb);
                got = new float[dw.length];
                Padding.cropWeights(MemorySegment.ofArray(pdw), taps, d.inC(), d.outC(), got, 0);
                assertArrayEquals(dw, got, "backward weights " + d.shapeString());
                assertArrayEquals(db, java.util.Arrays.copyOf(pdb, d.outC()), "bias gradient " + d.shapeString());
            }
        }
    }

    @Test
    void stagingWritesOnlyTheRealEntriesAtTheirPaddedPlaces() {
        float[] src = {1, 2, 3, 4, 5, 6}; // [outer 2, inner 1, cols 3] from offset 0
        MemorySegment dst = MemorySegment.ofArray(new float[2 * 8]);
        Padding.pad(src, 0, 2, 1, 3, dst, 1, 8);
        assertArrayEquals(new float[] {1, 2, 3, 0, 0, 0, 0, 0, 4, 5, 6, 0, 0, 0, 0, 0}, array(dst));
        float[] back = {9, 9, 9, 9, 9, 9, 9, 9};
        Padding.crop(dst, 2, 1, 3, 1, 8, back, 1);
        assertArrayEquals(new float[] {9, 1, 2, 3, 4, 5, 6, 9}, back);
    }
}
