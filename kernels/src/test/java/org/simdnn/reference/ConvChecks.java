package org.simdnn.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.simdnn.ops.Conv2dDesc;

/**
 * Convolution checks shared by the kernel tests and the backend conformance suite, over plain arrays
 * (NHWC / HWIO, offset 0). Tolerance: relative to the sum of |terms|, {@code 2·max(16, R)·eps} for a
 * reduction of length R (forward {@code kH·kW·inC/groups + 1}, backward data {@code kH·kW·outC/groups},
 * backward weights {@code N·OH·OW}), plus {@code 2u + u²} where a backend rounds its inputs to a shorter
 * mantissa first (Tensor Cores: unit roundoff u, see {@link #tol(int, double)}).
 */
public final class ConvChecks {
    private ConvChecks() {}

    @FunctionalInterface public interface Forward { void run(Conv2dDesc d, float[] x, float[] w, float[] b, float[] y); }
    @FunctionalInterface public interface BackwardData { void run(Conv2dDesc d, float[] dy, float[] w, float[] dx); }
    @FunctionalInterface public interface BackwardWeights {
        void run(Conv2dDesc d, float[] x, float[] dy, float[] dw, float[] db);
    }

    public static double tol(int reduction) { return tol(reduction, 0); }

    /**
     * The bound for a backend that rounds both inputs of every product to unit roundoff u before an FP32
     * accumulation: each product is then off by at most {@code (2u + u²)|a||b|} whatever R is, and the
     * accumulation adds the FP32 bound. u = 0 is plain FP32.
     */
    public static double tol(int reduction, double u) { return 2.0 * Math.max(16, reduction) * Math.ulp(1f) + 2 * u + u * u; }

    public static int inSize(Conv2dDesc d) { return d.batch() * d.inH() * d.inW() * d.inC(); }
    public static int outSize(Conv2dDesc d) { return d.batch() * d.outH() * d.outW() * d.outC(); }
    public static int wSize(Conv2dDesc d) { return d.kH() * d.kW() * d.inCPerGroup() * d.outC(); }

    public static void forward(String what, Conv2dDesc d, boolean withBias, Forward f) { forward(what, d, withBias, f, 0); }

    /** {@link #forward} for a backend whose inputs are rounded to unit roundoff u. */
    public static void forward(String what, Conv2dDesc d, boolean withBias, Forward f, double u) {
        float[] x = Check.random(11, inSize(d)), w = Check.random(12, wSize(d));
        float[] b = withBias ? Check.random(13, d.outC()) : null;
        float[] y = Check.random(14, outSize(d)); // garbage: outputs must be overwritten
        float[] e = new float[outSize(d)];
        ReferenceConv.forward(d, x, w, b, e);
        f.run(d, x, w, b, y);
        Check.close(what + " forward " + d.shapeString(), e, y, 0, e.length, 1, e.length,
                ReferenceConv.forwardScale(d, x, w, b), tol(d.kH() * d.kW() * d.inCPerGroup() + 1, u));
    }

    public static void backwardData(String what, Conv2dDesc d, BackwardData f) { backwardData(what, d, f, 0); }

    public static void backwardData(String what, Conv2dDesc d, BackwardData f, double u) {
        float[] dy = Check.random(21, outSize(d)), w = Check.random(22, wSize(d));
        float[] dx = Check.random(23, inSize(d)), e = new float[inSize(d)];
        ReferenceConv.backwardData(d, dy, w, e);
        f.run(d, dy, w, dx);
        Check.close(what + " backward data " + d.shapeString(), e, dx, 0, e.length, 1, e.length,
                ReferenceConv.backwardDataScale(d, dy, w), tol(d.kH() * d.kW() * d.outCPerGroup(), u));
    }

    public static void backwardWeights(String what, Conv2dDesc d, boolean withBias, BackwardWeights f) {
        backwardWeights(what, d, withBias, f, 0);
    }

    public static void backwardWeights(String what, Conv2dDesc d, boolean withBias, BackwardWeights f, double u) {
        float[] x = Check.random(31, inSize(d)), dy = Check.random(32, outSize(d));
        float[] dw = Check.random(33, wSize(d)), e = new float[wSize(d)];
        float[] db = withBias ? Check.random(34, d.outC()) : null, eb = withBias ? new float[d.outC()] : null;
        ReferenceConv.backwardWeights(d, x, dy, e, eb);
        f.run(d, x, dy, dw, db);
        int r = d.batch() * d.outH() * d.outW();
        Check.close(what + " backward weights " + d.shapeString(), e, dw, 0, e.length, 1, e.length,
                ReferenceConv.backwardWeightsScale(d, x, dy), tol(r, u));
        if (withBias) {
            Check.close(what + " backward bias " + d.shapeString(), eb, db, 0, eb.length, 1, eb.length,
                    ReferenceConv.biasGradScale(d, dy), tol(r));
        }
    }

    /**
     * Finite differences in double: with L = sum(conv(x, w) · r) for a random r, the backward passes given
     * dy = r must return dL/dx and dL/dw. Checks a sample of coordinates by central differences of the
     * double reference forward (exact up to O(h²) = 0 here, since L is bilinear; h = 1e-3).
     */
    public static void finiteDifferences(String what, Conv2dDesc d, BackwardData bd, BackwardWeights bw) {
        finiteDifferences(what, d, bd, bw, 0);
    }

    /**
     * {@link #finiteDifferences} for a backend whose inputs are rounded to unit roundoff u: each gradient may then
     * be off by {@code (2u + u²)} times its sum of |terms|, at most its reduction length R (|x|, |w|, |r| <= 1).
     */
    public static void finiteDifferences(String what, Conv2dDesc d, BackwardData bd, BackwardWeights bw, double u) {
        double slackX = (2 * u + u * u) * d.kH() * d.kW() * d.outCPerGroup();
        double slackW = (2 * u + u * u) * d.batch() * d.outH() * d.outW();
        float[] x = Check.random(41, inSize(d)), w = Check.random(42, wSize(d)), r = Check.random(43, outSize(d));
        double[] xd = toDouble(x), wd = toDouble(w), rd = toDouble(r);
        float[] dx = new float[x.length], dw = new float[w.length], db = new float[d.outC()];
        bd.run(d, r, w, dx);
        bw.run(d, x, r, dw, db);
        double h = 1e-3;
        SplittableRandom rnd = new SplittableRandom(44);
        for (int t = 0; t < Math.min(40, x.length); t++) {
            int i = t < 4 ? (t * (x.length - 1)) / 3 : rnd.nextInt(x.length);
            double keep = xd[i];
            xd[i] = keep + h;
            double up = ReferenceConv.weightedOutput(d, xd, wd, rd);
            xd[i] = keep - h;
            double down = ReferenceConv.weightedOutput(d, xd, wd, rd);
            xd[i] = keep;
            double fd = (up - down) / (2 * h);
            assertEquals(fd, dx[i], 1e-4 * (1 + Math.abs(fd)) + slackX, what + " dL/dx[" + i + "] by finite differences, "
                    + d.shapeString());
        }
        for (int t = 0; t < Math.min(40, w.length); t++) {
            int i = t < 4 ? (t * (w.length - 1)) / 3 : rnd.nextInt(w.length);
            double keep = wd[i];
            wd[i] = keep + h;
            double up = ReferenceConv.weightedOutput(d, xd, wd, rd);
            wd[i] = keep - h;
            double down = ReferenceConv.weightedOutput(d, xd, wd, rd);
            wd[i] = keep;
            double fd = (up - down) / (2 * h);
            assertEquals(fd, dw[i], 1e-4 * (1 + Math.abs(fd)) + slackW, what + " dL/dw[" + i + "] by finite differences, "
                    + d.shapeString());
        }
        // dL/dbias = sum of r over pixels (bias adds to every output pixel).
        for (int o = 0; o < d.outC(); o++) {
            double s = 0;
            for (int i = o; i < r.length; i += d.outC()) s += r[i];
            assertEquals(s, db[o], 1e-4 * (1 + Math.abs(s)), what + " dL/dbias[" + o + "]");
        }
    }

    /** NaN and Inf in x reach exactly the outputs whose window covers them, as in the reference. */
    public static int nanPropagation(String what, Conv2dDesc d, Forward f) {
        return nanPropagation(what, d, f, 1);
    }

    /**
     * NaN and Inf inputs reach exactly the outputs whose windows hold them, except that an implementation working
     * on {@code tile x tile} output blocks (Winograd) may turn its whole block non-finite: an Inf meets a −Inf or
     * a zero in the transforms. {@code tile = 1} is the exact check.
     */
    public static int nanPropagation(String what, Conv2dDesc d, Forward f, int tile) {
        float[] x = Check.random(51, inSize(d)), w = Check.random(52, wSize(d));
        x[x.length / 3] = Float.NaN;
        x[(2 * x.length) / 3] = Float.POSITIVE_INFINITY;
        float[] y = new float[outSize(d)], e = new float[outSize(d)];
        ReferenceConv.forward(d, x, w, null, e);
        f.run(d, x, w, null, y);
        int nans = 0, OH = d.outH(), OW = d.outW(), K = d.outC();
        for (int i = 0; i < e.length; i++) {
            if (Float.isNaN(e[i])) nans++;
            if (tile == 1) {
                assertEquals(Float.isNaN(e[i]), Float.isNaN(y[i]), what + " NaN at output " + i + " of " + d.shapeString());
                if (Float.isInfinite(e[i])) assertEquals(e[i], y[i], what + " Inf at output " + i);
                continue;
            }
            if (!Float.isFinite(e[i])) {
                assertTrue(!Float.isFinite(y[i]), what + " lost a NaN/Inf at output " + i + " of " + d.shapeString());
            } else if (!Float.isFinite(y[i])) {
                int n = i / (OH * OW * K), oh = i / (OW * K) % OH, ow = i / K % OW;
                boolean inBlock = false;
                for (int a = oh / tile * tile; a < Math.min(OH, oh / tile * tile + tile); a++) {
                    for (int b = ow / tile * tile; b < Math.min(OW, ow / tile * tile + tile); b++) {
                        for (int k = 0; k < K; k++) inBlock |= !Float.isFinite(e[((n * OH + a) * OW + b) * K + k]);
                    }
                }
                assertTrue(inBlock, what + " NaN/Inf at output " + i + " outside any " + tile + "x" + tile
                        + " block of a non-finite reference output, " + d.shapeString());
            }
        }
        return nans;
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }
}
