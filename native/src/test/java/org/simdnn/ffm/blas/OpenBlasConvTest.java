package org.simdnn.ffm.blas;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.simdnn.ops.Availability;
import org.simdnn.ops.Backend;
import org.simdnn.ops.Backends;
import org.simdnn.ops.Conv2dDesc;
import org.simdnn.reference.Check;
import org.simdnn.tensor.Tensor;

/**
 * im2col + OpenBLAS convolution against direct loops in double (until ConvConformance covers every backend).
 * Backward data and weights are checked against the direct adjoint sums, which are the definition of the
 * gradients of the forward sum.
 */
class OpenBlasConvTest {
    private static Backend be;

    @BeforeAll
    static void load() {
        Availability a = OpenBlas.availability();
        assumeTrue(a.available(), () -> "OpenBLAS cannot load here: " + a.reason());
        be = Backends.get("openblas");
    }

    static Conv2dDesc[] descs() {
        return new Conv2dDesc[] {
                Conv2dDesc.of(2, 5, 5, 3, 4, 1, 1, 0),                                  // pointwise: direct GEMM
                Conv2dDesc.of(3, 7, 6, 5, 7, 3, 1, 1),                                  // 3x3 same
                Conv2dDesc.of(1, 9, 11, 2, 3, 3, 2, 0),                                 // stride 2, odd sizes
                new Conv2dDesc(2, 8, 7, 3, 5, 3, 2, 2, 1, 1, 0, 2, 1, 2, 1, 1),        // asymmetric pad, dilation
                Conv2dDesc.same(2, 6, 6, 4, 6, 5, 5, 1, 1, 1),                          // 5x5 same
                Conv2dDesc.of(1, 4, 4, 8, 2, 1, 2, 0),                                  // 1x1 stride 2: im2col path
                Conv2dDesc.of(130, 4, 4, 3, 2, 3, 1, 1),                                // many images, one GEMM
                Conv2dDesc.of(4, 64, 64, 32, 2, 3, 1, 1)};                              // 1.2 Mi floats/image: chunks of 3 + 1
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("descs")
    void forwardAndBackwardMatchDirectLoops(Conv2dDesc d) {
        int[] xs = d.inputShape(), ws = d.weightShape(), ys = d.outputShape();
        float[] x = Check.random(1, size(xs)), w = Check.random(2, size(ws)), bias = Check.random(3, d.outC());
        float[] dy = Check.random(4, size(ys));
        double[] yRef = new double[size(ys)], dxRef = new double[size(xs)], dwRef = new double[size(ws)];
        double[] dbRef = new double[d.outC()];
        int oh = d.outH(), ow = d.outW(), ic = d.inC(), oc = d.outC();
        for (int n = 0; n < d.batch(); n++) for (int p = 0; p < oh; p++) for (int q = 0; q < ow; q++) for (int o = 0; o < oc; o++) {
            int yi = ((n * oh + p) * ow + q) * oc + o;
            double acc = bias[o];
            dbRef[o] += dy[yi];
            for (int i = 0; i < d.kH(); i++) for (int j = 0; j < d.kW(); j++) {
                int ih = p * d.strideH() - d.padTop() + i * d.dilationH(), iw = q * d.strideW() - d.padLeft() + j * d.dilationW();
                if (ih < 0 || ih >= d.inH() || iw < 0 || iw >= d.inW()) continue;
                for (int c = 0; c < ic; c++) {
                    int xi = ((n * d.inH() + ih) * d.inW() + iw) * ic + c, wi = ((i * d.kW() + j) * ic + c) * oc + o;
                    acc += (double) x[xi] * w[wi];
                    dxRef[xi] += (double) dy[yi] * w[wi];
                    dwRef[wi] += (double) dy[yi] * x[xi];
                }
            }
            yRef[yi] = acc;
        }
        Tensor y = Tensor.zeros(ys), dx = Tensor.zeros(xs), dw = Tensor.zeros(ws), db = Tensor.zeros(oc);
        y.fill(Float.NaN); dx.fill(Float.NaN); dw.fill(Float.NaN); db.fill(Float.NaN); // outputs are overwritten
        be.conv2dForward(d, Tensor.wrap(x, xs), Tensor.wrap(w, ws), Tensor.wrap(bias, oc), y);
        be.conv2dBackwardData(d, Tensor.wrap(dy, ys), Tensor.wrap(w, ws), dx);
        be.conv2dBackwardWeights(d, Tensor.wrap(x, xs), Tensor.wrap(dy, ys), dw, db);
        int reduce = d.kH() * d.kW() * ic;
        check(d + " forward", yRef, y, reduce);
        check(d + " backward data", dxRef, dx, d.kH() * d.kW() * oc);
        check(d + " backward weights", dwRef, dw, d.batch() * oh * ow);
        check(d + " dbias", dbRef, db, d.batch() * oh * ow);
    }

    /** Tolerance ~ 2·max(16, k)·eps relative to max(1, |expected|): inputs are in [-1, 1). */
    private static void check(String what, double[] expected, Tensor actual, int k) {
        float[] e = new float[expected.length];
        for (int i = 0; i < e.length; i++) e[i] = (float) expected[i];
        Check.close(what, e, actual.data(), 0, e.length, 1, e.length, null, 2.0 * Math.max(16, k) * Math.ulp(1f));
    }

    private static int size(int[] s) {
        int n = 1;
        for (int v : s) n *= v;
        return n;
    }
}
