package org.simdnn.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.simdnn.reference.ReferenceOps.d;
import static org.simdnn.reference.ReferenceOps.f;

import java.util.Arrays;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.simdnn.kernels.cpu.Parallel;
import org.simdnn.reference.Check;
import org.simdnn.reference.ReferenceOps;
import org.simdnn.tensor.Layout;
import org.simdnn.tensor.Tensor;

/**
 * Pooling, batch norm, activations, softmax/cross-entropy, dropout, elementwise, reductions, optimizer steps of
 * {@link Backend} against the scalar references ({@link ReferenceOps}, double): JUnit 5 default test methods, mixed
 * into {@link BackendConformanceTest} so every backend runs them.
 *
 * <p>Shapes cover the vector tails of every width (sizes 1, 7, 17, 207, 1000 and channel counts that are not a
 * multiple of 16), 1-pixel images, batch 1, pooling with padding and stride != kernel, and one size per family
 * above the CPU backend's parallel threshold (64 Ki elements). Every backward is also checked by central finite
 * differences of the double reference forward.
 *
 * <p>Tolerances (relative, with an absolute floor of the same size below magnitude 1): exact ops (max pooling,
 * ReLU, sign, dropout) 0; one rounding per element (add, mul, scale, axpy, PReLU) 1e-6; exp-based ops (sigmoid,
 * tanh, softmax) 4e-6 (the vectorised exp is within ~2 ulp); reductions over n terms (pool averages, batch norm,
 * sums) 1e-5, as float partials of at most 64-1024 terms are added in double; finite differences 2e-3 (float
 * backward against a double derivative).
 */
public interface OpsConformance {
    Backend backend();

    // ---- helpers ------------------------------------------------------------------------------------

    private static void near(String what, double[] expected, float[] actual, double tol) {
        assertEquals(expected.length, actual.length, what + ": length");
        Check.close(what, f(expected), actual, 0, actual.length, 1, actual.length, null, tol);
    }

    private static void near(String what, float[] expected, float[] actual, double tol) {
        near(what, d(expected), actual, tol);
    }

    /** Central difference of loss at x (in place, restored), step h, for every element. */
    private static double[] numericGrad(ToDoubleFunction<double[]> loss, double[] x, double h) {
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double keep = x[i];
            x[i] = keep + h;
            double up = loss.applyAsDouble(x);
            x[i] = keep - h;
            double down = loss.applyAsDouble(x);
            x[i] = keep;
            g[i] = (up - down) / (2 * h);
        }
        return g;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    private static Tensor nhwc(float[] data, int[] shape) { return Tensor.wrap(data, 0, Layout.NHWC, shape); }

    private static int size(int[] shape) {
        int s = 1;
        for (int v : shape) s *= v;
        return s;
    }

    private static Pool2dDesc pool(String s) {
        int[] v = Arrays.stream(s.split(" ")).mapToInt(Integer::parseInt).toArray();
        return new Pool2dDesc(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11]);
    }

    /** Sizes that hit every vector tail and the parallel path. */
    int[] SIZES = {1, 7, 16, 17, 207, 1000, 70001};

    // ---- pooling ------------------------------------------------------------------------------------

    /** batch inH inW c kH kW sH sW padTop padLeft padBottom padRight. */
    @ParameterizedTest(name = "maxpool {0}")
    @ValueSource(strings = {"1 1 1 7 1 1 1 1 0 0 0 0", "2 7 7 17 3 3 2 2 1 1 1 1", "3 8 8 32 2 2 2 2 0 0 0 0",
            "1 5 6 33 3 2 1 3 1 0 2 1", "2 9 9 1 2 2 3 3 0 0 0 0", "1 4 4 207 3 3 1 1 1 1 1 1",
            "2 5 7 19 5 7 1 1 0 0 0 0", "16 28 28 32 2 2 2 2 0 0 0 0", "2 7 9 19 2 2 2 2 0 0 0 0",
            "3 5 5 48 2 2 2 2 0 0 0 0", "1 2 2 1 2 2 2 2 0 0 0 0"})
    default void maxPoolMatchesReference(String shape) {
        Pool2dDesc p = pool(shape);
        float[] x = Check.random(11, size(p.inputShape()));
        int n = size(p.outputShape());
        int[] argRef = new int[n], arg = new int[n];
        double[] yRef = ReferenceOps.maxPool(p, d(x), argRef);
        float[] y = new float[n];
        Arrays.fill(y, Float.NaN);
        backend().maxPool2dForward(p, nhwc(x, p.inputShape()), nhwc(y, p.outputShape()), arg);
        near("maxpool " + shape, yRef, y, 0);
        assertArrayEquals(argRef, arg, "maxpool argmax " + shape);

        float[] dy = Check.random(12, n);
        double[] dxRef = new double[x.length];
        for (int i = 0; i < n; i++) dxRef[argRef[i]] += dy[i];
        float[] dx = Check.random(13, x.length); // garbage: backward must zero it
        backend().maxPool2dBackward(p, nhwc(dy, p.outputShape()), arg, nhwc(dx, p.inputShape()));
        near("maxpool backward " + shape, dxRef, dx, 1e-6);
        if (x.length <= 2000) {
            double[] num = numericGrad(v -> dot(ReferenceOps.maxPool(p, v, null), d(dy)), d(x), 1e-9);
            near("maxpool backward finite differences " + shape, num, dx, 2e-3);
        }
    }

    @ParameterizedTest(name = "avgpool {0}")
    @ValueSource(strings = {"1 1 1 7 1 1 1 1 0 0 0 0", "2 7 7 17 3 3 2 2 1 1 1 1", "3 8 8 32 2 2 2 2 0 0 0 0",
            "1 5 6 33 3 2 1 3 1 0 2 1", "2 9 9 1 2 2 3 3 0 0 0 0", "1 4 4 207 3 3 1 1 1 1 1 1",
            "2 5 7 19 5 7 1 1 0 0 0 0", "16 28 28 32 2 2 2 2 0 0 0 0"})
    default void avgPoolMatchesReference(String shape) {
        Pool2dDesc p = pool(shape);
        float[] x = Check.random(21, size(p.inputShape()));
        int n = size(p.outputShape());
        float[] y = new float[n];
        backend().avgPool2dForward(p, nhwc(x, p.inputShape()), nhwc(y, p.outputShape()));
        near("avgpool " + shape, ReferenceOps.avgPool(p, d(x)), y, 1e-5);
        float[] dy = Check.random(22, n);
        float[] dx = Check.random(23, x.length);
        backend().avgPool2dBackward(p, nhwc(dy, p.outputShape()), nhwc(dx, p.inputShape()));
        if (x.length <= 4000) {
            double[] num = numericGrad(v -> dot(ReferenceOps.avgPool(p, v), d(dy)), d(x), 1e-3);
            near("avgpool backward finite differences " + shape, num, dx, 2e-3);
        } else {
            // linear op: <dy, pool(x)> = <dx, x> must hold for the adjoint
            double lhs = dot(d(dy), ReferenceOps.avgPool(p, d(x))), rhs = dot(d(dx), d(x));
            assertEquals(lhs, rhs, 1e-4 * Math.max(1, Math.abs(lhs)), "avgpool backward adjoint " + shape);
        }
    }

    @Test
    default void globalAvgPoolMatchesReference() {
        Pool2dDesc p = Pool2dDesc.global(3, 7, 5, 37);
        assertEquals(1, p.outH());
        float[] x = Check.random(31, size(p.inputShape()));
        float[] y = new float[3 * 37];
        backend().avgPool2dForward(p, nhwc(x, p.inputShape()), nhwc(y, p.outputShape()));
        near("global avgpool", ReferenceOps.avgPool(p, d(x)), y, 1e-5);
    }

    /** Ties (values drawn from {0, 1, 2}) keep the first maximum in window order, like the reference. */
    @ParameterizedTest(name = "maxpool ties {0}")
    @ValueSource(strings = {"2 6 7 33 2 2 2 2 0 0 0 0", "1 6 6 17 3 3 1 1 1 1 1 1"})
    default void maxPoolTiesKeepFirst(String shape) {
        Pool2dDesc p = pool(shape);
        float[] x = Check.random(14, size(p.inputShape()));
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.floor((x[i] + 1f) * 1.5f); // 0, 1 or 2
        int n = size(p.outputShape());
        int[] argRef = new int[n], arg = new int[n];
        double[] yRef = ReferenceOps.maxPool(p, d(x), argRef);
        float[] y = new float[n];
        backend().maxPool2dForward(p, nhwc(x, p.inputShape()), nhwc(y, p.outputShape()), arg);
        near("maxpool ties " + shape, yRef, y, 0);
        assertArrayEquals(argRef, arg, "maxpool ties argmax " + shape);
    }

    @Test
    default void poolingPropagatesNaN() {
        Pool2dDesc p = new Pool2dDesc(1, 4, 4, 17, 2, 2, 2, 2, 0, 0, 0, 0);
        float[] x = Check.random(32, 4 * 4 * 17);
        x[(1 * 4 + 1) * 17 + 3] = Float.NaN;        // window (0,0), channel 3, not first in window
        x[(2 * 4 + 2) * 17 + 16] = Float.POSITIVE_INFINITY;
        x[(3 * 4 + 0) * 17 + 5] = Float.NEGATIVE_INFINITY;
        int[] argRef = new int[2 * 2 * 17], arg = new int[argRef.length];
        float[] y = new float[argRef.length];
        backend().maxPool2dForward(p, nhwc(x, p.inputShape()), nhwc(y, p.outputShape()), arg);
        near("maxpool NaN", ReferenceOps.maxPool(p, d(x), argRef), y, 0);
        assertTrue(Float.isNaN(y[3]), "NaN must win its window");
        assertArrayEquals(argRef, arg);
        backend().avgPool2dForward(p, nhwc(x, p.inputShape()), nhwc(y, p.outputShape()));
        near("avgpool NaN", ReferenceOps.avgPool(p, d(x)), y, 1e-6);
    }

    @Test
    default void poolingRejectsBadShapes() {
        Pool2dDesc p = Pool2dDesc.of(2, 4, 4, 3, 2);
        Tensor x = Tensor.zeros(Layout.NHWC, 2, 4, 4, 3), y = Tensor.zeros(Layout.NHWC, 2, 2, 2, 3);
        Tensor badY = Tensor.zeros(Layout.NHWC, 2, 2, 2, 4), badX = Tensor.zeros(Layout.NHWC, 1, 4, 4, 3);
        assertThrows(IllegalArgumentException.class, () -> backend().maxPool2dForward(p, x, badY, new int[24]));
        assertThrows(IllegalArgumentException.class, () -> backend().maxPool2dForward(p, badX, y, new int[24]));
        assertThrows(IllegalArgumentException.class, () -> backend().maxPool2dForward(p, x, y, new int[23]));
        assertThrows(IllegalArgumentException.class, () -> backend().avgPool2dForward(p, x, badY));
        assertThrows(IllegalArgumentException.class, () -> backend().avgPool2dBackward(p, y, badX));
        assertThrows(IllegalArgumentException.class, () -> backend().maxPool2dBackward(p, badY, new int[24], x));
        int[] wrongImage = new int[24];
        wrongImage[3] = 48 + 5; // output of image 0 pointing into image 1
        assertThrows(IllegalArgumentException.class, () -> backend().maxPool2dBackward(p, y, wrongImage, x));
        assertThrows(IllegalArgumentException.class, () -> new Pool2dDesc(1, 4, 4, 3, 2, 2, 2, 2, -1, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Pool2dDesc(1, 2, 2, 3, 5, 5, 1, 1, 1, 1, 1, 1));
    }

    // ---- batch norm ---------------------------------------------------------------------------------

    @ParameterizedTest(name = "batchnorm rows={0} c={1} relu={2}")
    @CsvSource({"1,7,false", "7,17,true", "207,33,false", "50,1,true", "384,64,true", "1000,16,false",
            "4096,32,true", "25,207,false"})
    default void batchNormTrainingAndInferenceMatchReference(int rows, int c, boolean relu) {
        float eps = 1e-5f, mom = 0.1f;
        BatchNormDesc bn = new BatchNormDesc(rows, c, eps, mom, relu);
        float[] x = Check.random(41, rows * c);
        for (int i = 0; i < x.length; i++) x[i] = x[i] * 2 + 3; // mean far from 0: tests the shifted statistics
        float[] gamma = Check.random(42, c), beta = Check.random(43, c);
        float[] rm = Check.random(44, c), rv = Check.random(45, c);
        for (int j = 0; j < c; j++) rv[j] = Math.abs(rv[j]) + 0.5f;
        float[] rm0 = rm.clone(), rv0 = rv.clone();
        float[] y = new float[x.length], sm = new float[c], si = new float[c];
        backend().batchNormForwardTraining(bn, Tensor.wrap(x, rows, c), Tensor.wrap(gamma, c), Tensor.wrap(beta, c),
                Tensor.wrap(rm, c), Tensor.wrap(rv, c), Tensor.wrap(y, rows, c), Tensor.wrap(sm, c), Tensor.wrap(si, c));
        double[][] st = ReferenceOps.bnStats(rows, c, d(x));
        near("bn train y", ReferenceOps.bnApply(rows, c, d(x), st[0], st[1], eps, d(gamma), d(beta), relu), y, 1e-5);
        near("bn saveMean", st[0], sm, 1e-5);
        double[] inv = new double[c], rmE = new double[c], rvE = new double[c];
        for (int j = 0; j < c; j++) {
            inv[j] = 1 / Math.sqrt(st[1][j] + eps);
            rmE[j] = (1 - mom) * rm0[j] + mom * st[0][j];
            double unbiased = rows > 1 ? st[1][j] * rows / (rows - 1) : st[1][j];
            rvE[j] = (1 - mom) * rv0[j] + mom * unbiased;
        }
        near("bn saveInvStd", inv, si, 1e-4);
        near("bn runningMean", rmE, rm, 1e-5);
        near("bn runningVar", rvE, rv, 1e-5);

        float[] yi = new float[x.length];
        backend().batchNormForwardInference(bn, Tensor.wrap(x, rows, c), Tensor.wrap(gamma, c), Tensor.wrap(beta, c),
                Tensor.wrap(rm, c), Tensor.wrap(rv, c), Tensor.wrap(yi, rows, c));
        near("bn inference", ReferenceOps.bnApply(rows, c, d(x), d(rm), d(rv), eps, d(gamma), d(beta), relu), yi, 1e-5);
    }

    @ParameterizedTest(name = "batchnorm backward rows={0} c={1} relu={2}")
    @CsvSource({"2,7,false", "7,17,true", "33,5,false", "20,19,true", "384,64,true", "4096,32,false",
            "4096,32,true", "1,3,false"})
    default void batchNormBackwardMatchesReferenceAndFiniteDifferences(int rows, int c, boolean relu) {
        float eps = 1e-3f;
        BatchNormDesc bn = new BatchNormDesc(rows, c, eps, 0.1f, relu);
        float[] x = Check.random(51, rows * c), gamma = Check.random(52, c), beta = Check.random(53, c);
        float[] dy = Check.random(54, rows * c);
        float[] y = new float[x.length], sm = new float[c], si = new float[c];
        Tensor xt = Tensor.wrap(x, rows, c);
        backend().batchNormForwardTraining(bn, xt, Tensor.wrap(gamma, c), Tensor.wrap(beta, c), Tensor.zeros(c),
                Tensor.zeros(c), Tensor.wrap(y, rows, c), Tensor.wrap(sm, c), Tensor.wrap(si, c));
        float[] dx = new float[x.length], dg = new float[c], db = new float[c];
        backend().batchNormBackward(bn, xt, Tensor.wrap(y, rows, c), Tensor.wrap(dy, rows, c), Tensor.wrap(gamma, c),
                Tensor.wrap(sm, c), Tensor.wrap(si, c), Tensor.wrap(dx, rows, c), Tensor.wrap(dg, c), Tensor.wrap(db, c));
        double[][] ref = ReferenceOps.bnBackward(rows, c, d(x), d(dy), eps, d(gamma), d(beta), relu);
        double tol = 1e-4 * Math.max(1, Math.sqrt(rows));
        near("bn backward dx", ref[0], dx, tol);
        near("bn backward dgamma", ref[1], dg, tol);
        near("bn backward dbeta", ref[2], db, tol);
        if (rows * c <= 400) {
            double[] dyd = d(dy), gd = d(gamma), bd = d(beta), xd = d(x);
            near("bn dx finite differences", numericGrad(
                    v -> dot(ReferenceOps.bnTrain(rows, c, v, eps, gd, bd, relu), dyd), xd, 1e-6), dx, 2e-3);
            near("bn dgamma finite differences", numericGrad(
                    v -> dot(ReferenceOps.bnTrain(rows, c, xd, eps, v, bd, relu), dyd), d(gamma), 1e-6), dg, 2e-3);
            near("bn dbeta finite differences", numericGrad(
                    v -> dot(ReferenceOps.bnTrain(rows, c, xd, eps, gd, v, relu), dyd), d(beta), 1e-6), db, 2e-3);
        }
    }

    @Test
    default void batchNormAcceptsNhwcAndPropagatesNaN() {
        int n = 2, h = 3, w = 3, c = 17, rows = n * h * w;
        BatchNormDesc bn = new BatchNormDesc(rows, c, 1e-5f, 0.1f, false);
        float[] x = Check.random(55, rows * c);
        x[5 * c + 4] = Float.NaN;
        float[] y = new float[x.length], sm = new float[c], si = new float[c];
        float[] ones = new float[c];
        Arrays.fill(ones, 1f);
        backend().batchNormForwardTraining(bn, nhwc(x, new int[] {n, h, w, c}), Tensor.wrap(ones, c), Tensor.zeros(c),
                Tensor.zeros(c), Tensor.wrap(ones.clone(), c), nhwc(y, new int[] {n, h, w, c}), Tensor.wrap(sm, c),
                Tensor.wrap(si, c));
        double[][] st = ReferenceOps.bnStats(rows, c, d(x));
        near("bn NaN", ReferenceOps.bnApply(rows, c, d(x), st[0], st[1], 1e-5, d(ones), new double[c], false), y, 1e-5);
        assertTrue(Float.isNaN(y[0 * c + 4]) && Float.isNaN(sm[4]), "NaN channel must be NaN");
        assertTrue(!Float.isNaN(y[3]), "other channels must stay finite");
    }

    @Test
    default void batchNormRejectsBadShapes() {
        BatchNormDesc bn = new BatchNormDesc(6, 4, 1e-5f, 0.1f, false);
        Tensor x = Tensor.zeros(6, 4), c4 = Tensor.zeros(4), c5 = Tensor.zeros(5);
        assertThrows(IllegalArgumentException.class, () -> backend().batchNormForwardTraining(bn, Tensor.zeros(6, 5),
                c4, c4, c4, c4, Tensor.zeros(6, 5), c4, c4));
        assertThrows(IllegalArgumentException.class, () -> backend().batchNormForwardTraining(bn, x, c5, c4, c4, c4,
                Tensor.zeros(6, 4), c4, c4));
        assertThrows(IllegalArgumentException.class, () -> backend().batchNormForwardInference(bn, x, c4, c4, c4, c4,
                Tensor.zeros(4, 6)));
        assertThrows(IllegalArgumentException.class, () -> backend().batchNormBackward(bn, x, x, Tensor.zeros(6, 4),
                c4, c4, c4, Tensor.zeros(24), c4, c4));
        assertThrows(IllegalArgumentException.class, () -> new BatchNormDesc(0, 4, 1e-5f, 0.1f, false));
    }

    // ---- activations --------------------------------------------------------------------------------

    private static float[] activationInput(long seed, int n) {
        float[] x = Check.random(seed, n);
        for (int i = 0; i < n; i++) x[i] *= 6; // spans the tanh/sigmoid curvature and the tanh small-|x| branch
        float[] special = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 100f, -100f, 1e-3f,
                -0.29f, 0.31f, 88f, -90f, 1e-30f};
        for (int i = 0; i < special.length && i * 3 < n; i++) x[i * 3 % n] = special[i];
        return x;
    }

    @ParameterizedTest(name = "activation {0}")
    @EnumSource(Activation.class)
    default void activationForwardMatchesReference(Activation act) {
        for (int n : SIZES) {
            float[] x = activationInput(61 + n, n), y = new float[n];
            backend().activationForward(act, 0.1f, Tensor.wrap(x, n), Tensor.wrap(y, n));
            double tol = act == Activation.TANH || act == Activation.SIGMOID ? 4e-6
                    : act == Activation.LEAKY_RELU ? 1e-6 : 0;
            near(act + " forward n=" + n, ReferenceOps.act(act, 0.1, d(x)), y, tol);
        }
    }

    @ParameterizedTest(name = "activation backward {0}")
    @EnumSource(Activation.class)
    default void activationBackwardMatchesReferenceAndFiniteDifferences(Activation act) {
        for (int n : SIZES) {
            float[] x = Check.random(71 + n, n), dy = Check.random(72 + n, n), y = new float[n], dx = new float[n];
            for (int i = 0; i < n; i++) x[i] *= 4;
            backend().activationForward(act, 0.1f, Tensor.wrap(x, n), Tensor.wrap(y, n));
            backend().activationBackward(act, 0.1f, Tensor.wrap(x, n), Tensor.wrap(y, n), Tensor.wrap(dy, n),
                    Tensor.wrap(dx, n));
            near(act + " backward n=" + n, ReferenceOps.actBackward(act, 0.1, d(x), d(dy)), dx, 1e-5);
            if (n <= 1000 && act != Activation.SIGN) {
                double[] num = numericGrad(v -> dot(ReferenceOps.act(act, 0.1, v), d(dy)), d(x), 1e-6);
                near(act + " finite differences n=" + n, num, dx, 2e-3);
            }
        }
    }

    @Test
    default void activationsRejectBadShapes() {
        assertThrows(IllegalArgumentException.class,
                () -> backend().activationForward(Activation.RELU, 0, Tensor.zeros(7), Tensor.zeros(8)));
        assertThrows(IllegalArgumentException.class, () -> backend().activationBackward(Activation.TANH, 0,
                Tensor.zeros(7), Tensor.zeros(7), Tensor.zeros(7), Tensor.zeros(6)));
        assertThrows(IllegalArgumentException.class, () -> backend().activationBackward(Activation.SIGMOID, 0,
                Tensor.zeros(7), null, Tensor.zeros(7), Tensor.zeros(7)));
        assertThrows(IllegalArgumentException.class,
                () -> backend().preluForward(Tensor.zeros(3, 5), Tensor.zeros(3), Tensor.zeros(3, 5)));
    }

    @ParameterizedTest(name = "prelu rows={0} c={1}")
    @CsvSource({"1,1", "3,7", "5,17", "2,207", "4,33", "3000,32"})
    default void preluMatchesReferenceAndFiniteDifferences(int rows, int c) {
        float[] x = Check.random(81, rows * c), slope = Check.random(82, c), dy = Check.random(83, rows * c);
        x[0] = Float.NaN;
        float[] y = new float[x.length], dx = new float[x.length], ds = new float[c];
        backend().preluForward(Tensor.wrap(x, rows, c), Tensor.wrap(slope, c), Tensor.wrap(y, rows, c));
        near("prelu forward", ReferenceOps.prelu(d(x), d(slope)), y, 1e-6);
        x[0] = 0.5f;
        backend().preluBackward(Tensor.wrap(x, rows, c), Tensor.wrap(slope, c), Tensor.wrap(dy, rows, c),
                Tensor.wrap(dx, rows, c), Tensor.wrap(ds, c));
        double[] dxRef = new double[x.length], dsRef = new double[c];
        for (int i = 0; i < x.length; i++) {
            dxRef[i] = x[i] > 0 ? dy[i] : (double) slope[i % c] * dy[i];
            if (!(x[i] > 0)) dsRef[i % c] += (double) x[i] * dy[i];
        }
        near("prelu dx", dxRef, dx, 1e-6);
        near("prelu dslope", dsRef, ds, 1e-5 * Math.max(1, Math.sqrt(rows)));
        if (x.length <= 2000) {
            double[] numX = numericGrad(v -> dot(ReferenceOps.prelu(v, d(slope)), d(dy)), d(x), 1e-6);
            double[] numS = numericGrad(v -> dot(ReferenceOps.prelu(d(x), v), d(dy)), d(slope), 1e-6);
            near("prelu dx finite differences", numX, dx, 2e-3);
            near("prelu dslope finite differences", numS, ds, 2e-3 * Math.max(1, Math.sqrt(rows)));
        }
    }

    // ---- softmax and losses -------------------------------------------------------------------------

    @ParameterizedTest(name = "softmax rows={0} k={1}")
    @CsvSource({"1,1", "3,7", "5,17", "2,207", "4,1000", "128,10", "100,1000"})
    default void softmaxAndLogSoftmaxMatchReference(int rows, int k) {
        float[] x = Check.random(91, rows * k);
        for (int i = 0; i < x.length; i++) x[i] *= 10;
        float[] y = new float[x.length];
        backend().softmax(Tensor.wrap(x, rows, k), Tensor.wrap(y, rows, k));
        near("softmax", ReferenceOps.softmax(k, d(x), false), y, 4e-6);
        backend().logSoftmax(Tensor.wrap(x, rows, k), Tensor.wrap(y, rows, k));
        near("logSoftmax", ReferenceOps.softmax(k, d(x), true), y, 4e-6);
    }

    @Test
    default void softmaxPropagatesNaNPerRowAndHandlesHugeLogits() {
        int rows = 3, k = 37;
        float[] x = Check.random(92, rows * k);
        x[k + 20] = Float.NaN;
        x[2 * k + 3] = 1000f;
        x[2 * k + 4] = -1000f;
        float[] y = new float[x.length];
        backend().softmax(Tensor.wrap(x, rows, k), Tensor.wrap(y, rows, k));
        near("softmax NaN/huge", ReferenceOps.softmax(k, d(x), false), y, 4e-6);
        for (int j = 0; j < k; j++) assertTrue(Float.isNaN(y[k + j]), "row with NaN must be NaN");
        backend().logSoftmax(Tensor.wrap(x, rows, k), Tensor.wrap(y, rows, k));
        near("logSoftmax NaN/huge", ReferenceOps.softmax(k, d(x), true), y, 4e-6);
    }

    @ParameterizedTest(name = "cross-entropy rows={0} k={1} smoothing={2}")
    @CsvSource({"1,1,0", "1,2,0.1", "4,10,0", "4,10,0.1", "3,17,0.2", "2,207,0.05", "128,10,0.1", "70,1000,0"})
    default void softmaxCrossEntropyMatchesReferenceAndFiniteDifferences(int rows, int k, float eps) {
        float[] x = Check.random(93, rows * k);
        for (int i = 0; i < x.length; i++) x[i] *= 5;
        int[] labels = new int[rows];
        for (int r = 0; r < rows; r++) labels[r] = (r * 7 + 3) % k;
        float[] g = new float[x.length];
        float loss = backend().softmaxCrossEntropy(Tensor.wrap(x, rows, k), labels, eps, Tensor.wrap(g, rows, k));
        double[] gRef = new double[x.length];
        double lossRef = ReferenceOps.softmaxCrossEntropy(k, d(x), labels, eps, gRef);
        assertEquals(lossRef, loss, 1e-5 * Math.max(1, Math.abs(lossRef)), "cross-entropy loss");
        near("cross-entropy grad", gRef, g, 1e-6);
        assertEquals(loss, backend().softmaxCrossEntropy(Tensor.wrap(x, rows, k), labels, eps, null), 0f,
                "loss without gradient");
        if (x.length <= 2000) {
            double[] num = numericGrad(v -> ReferenceOps.softmaxCrossEntropy(k, v, labels, eps, null), d(x), 1e-6);
            near("cross-entropy finite differences", num, g, 2e-3);
        }
    }

    @Test
    default void softmaxCrossEntropyStaysFiniteOnHugeLogits() {
        int rows = 4, k = 10;
        float[] x = new float[rows * k];
        for (int i = 0; i < x.length; i++) x[i] = (i % 3 == 0 ? 1000f : -1000f) + i;
        int[] labels = {0, 1, 5, 9};
        float[] g = new float[x.length];
        float loss = backend().softmaxCrossEntropy(Tensor.wrap(x, rows, k), labels, 0.1f, Tensor.wrap(g, rows, k));
        assertTrue(Float.isFinite(loss), "loss on ±1000 logits must be finite, got " + loss);
        for (float v : g) assertTrue(Float.isFinite(v), "gradient must be finite");
        double[] gRef = new double[x.length];
        double lossRef = ReferenceOps.softmaxCrossEntropy(k, d(x), labels, 0.1, gRef);
        assertEquals(lossRef, loss, 1e-5 * Math.abs(lossRef));
        near("cross-entropy grad on huge logits", gRef, g, 1e-6);
    }

    @Test
    default void softmaxCrossEntropyRejectsBadLabelsAndShapes() {
        Tensor x = Tensor.zeros(3, 5);
        assertThrows(IllegalArgumentException.class, () -> backend().softmaxCrossEntropy(x, new int[] {0, 5, 1}, 0, null));
        assertThrows(IllegalArgumentException.class, () -> backend().softmaxCrossEntropy(x, new int[] {0, -1, 1}, 0, null));
        assertThrows(IllegalArgumentException.class, () -> backend().softmaxCrossEntropy(x, new int[] {0, 1}, 0, null));
        assertThrows(IllegalArgumentException.class, () -> backend().softmaxCrossEntropy(x, new int[] {0, 1, 2}, 1.5f, null));
        assertThrows(IllegalArgumentException.class,
                () -> backend().softmaxCrossEntropy(x, new int[] {0, 1, 2}, 0, Tensor.zeros(3, 4)));
        assertThrows(IllegalArgumentException.class, () -> backend().softmax(x, Tensor.zeros(5, 3)));
    }

    // ---- dropout ------------------------------------------------------------------------------------

    @Test
    default void dropoutMaskIsTheDocumentedHashAndReproducible() {
        for (int n : SIZES) {
            for (float p : new float[] {0f, 0.25f, 0.5f, 1f}) {
                float[] x = Check.random(101 + n, n), y = new float[n], mask = new float[n];
                backend().dropoutForward(p, 42L, Tensor.wrap(x, n), Tensor.wrap(y, n), Tensor.wrap(mask, n));
                float[] maskRef = new float[n], yRef = new float[n];
                for (int i = 0; i < n; i++) {
                    maskRef[i] = ReferenceOps.dropoutMask(p, 42L, i);
                    yRef[i] = x[i] * maskRef[i];
                }
                assertArrayEquals(maskRef, mask, "dropout mask n=" + n + " p=" + p);
                assertArrayEquals(yRef, y, "dropout y n=" + n + " p=" + p);
                float[] dy = Check.random(102, n), dx = new float[n];
                backend().dropoutBackward(Tensor.wrap(dy, n), Tensor.wrap(mask, n), Tensor.wrap(dx, n));
                for (int i = 0; i < n; i++) assertEquals(dy[i] * mask[i], dx[i], 0f, "dropout backward");
            }
        }
    }

    @Test
    default void dropoutKeepsTheRightFractionIndependentOfThreads() {
        int n = 1 << 20;
        float[] x = new float[n];
        Arrays.fill(x, 1f);
        float[] m1 = new float[n], m2 = new float[n], m3 = new float[n], y = new float[n];
        int threads = Parallel.threads();
        try {
            Parallel.setThreads(1);
            backend().dropoutForward(0.25f, 7L, Tensor.wrap(x, n), Tensor.wrap(y, n), Tensor.wrap(m1, n));
            Parallel.setThreads(3);
            backend().dropoutForward(0.25f, 7L, Tensor.wrap(x, n), Tensor.wrap(y, n), Tensor.wrap(m2, n));
        } finally {
            Parallel.setThreads(threads);
        }
        assertArrayEquals(m1, m2, "mask must not depend on the thread count");
        backend().dropoutForward(0.25f, 8L, Tensor.wrap(x, n), Tensor.wrap(y, n), Tensor.wrap(m3, n));
        assertNotEquals(Arrays.hashCode(m1), Arrays.hashCode(m3), "another seed must give another mask");
        long kept = 0;
        double sum = 0;
        for (float v : m1) {
            if (v != 0) kept++;
            sum += v;
        }
        double frac = kept / (double) n;
        assertEquals(0.75, frac, 5 * Math.sqrt(0.25 * 0.75 / n), "keep fraction");
        assertEquals(1.0, sum / n, 0.01, "inverted dropout keeps the mean");
        assertThrows(IllegalArgumentException.class,
                () -> backend().dropoutForward(1.5f, 1, Tensor.zeros(3), Tensor.zeros(3), Tensor.zeros(3)));
        assertThrows(IllegalArgumentException.class,
                () -> backend().dropoutForward(0.5f, 1, Tensor.zeros(3), Tensor.zeros(3), Tensor.zeros(4)));
    }

    // ---- elementwise and reductions -----------------------------------------------------------------

    @Test
    default void elementwiseMatchReference() {
        for (int n : SIZES) {
            float[] a = Check.random(111 + n, n), b = Check.random(112 + n, n), o = new float[n];
            a[0] = Float.NaN;
            if (n > 3) b[3] = Float.POSITIVE_INFINITY;
            double[] e = new double[n];
            backend().add(Tensor.wrap(a, n), Tensor.wrap(b, n), Tensor.wrap(o, n));
            for (int i = 0; i < n; i++) e[i] = (float) (a[i] + (double) b[i]);
            near("add n=" + n, e, o, 0);
            backend().mul(Tensor.wrap(a, n), Tensor.wrap(b, n), Tensor.wrap(o, n));
            for (int i = 0; i < n; i++) e[i] = (float) ((double) a[i] * b[i]);
            near("mul n=" + n, e, o, 0);
            backend().scale(-2.5f, Tensor.wrap(a, n), Tensor.wrap(o, n));
            for (int i = 0; i < n; i++) e[i] = -2.5 * a[i];
            near("scale n=" + n, e, o, 0);
            float[] y = b.clone();
            backend().axpy(0.3f, Tensor.wrap(a, n), Tensor.wrap(y, n));
            for (int i = 0; i < n; i++) e[i] = b[i] + 0.3f * (double) a[i];
            near("axpy n=" + n, e, y, 1e-6);
            for (int i = 0; i < n; i++) e[i] = (float) (a[i] + (double) b[i]);
            backend().add(Tensor.wrap(a, n), Tensor.wrap(b, n), Tensor.wrap(a, n)); // in place: out aliases a
            near("add in place n=" + n, e, a, 0);
        }
    }

    @ParameterizedTest(name = "biasAdd/sumRows rows={0} c={1}")
    @CsvSource({"1,1", "3,7", "5,17", "2,207", "1000,16", "3000,33"})
    default void biasAddAndSumRowsMatchReference(int rows, int c) {
        float[] y = Check.random(121, rows * c), bias = Check.random(122, c);
        double[] e = new double[rows * c];
        for (int i = 0; i < e.length; i++) e[i] = (float) (y[i] + (double) bias[i % c]);
        backend().biasAdd(Tensor.wrap(bias, c), Tensor.wrap(y, rows, c));
        near("biasAdd", e, y, 0);
        double[] s = new double[c];
        for (int i = 0; i < e.length; i++) s[i % c] += y[i];
        float[] out = new float[c];
        Arrays.fill(out, Float.NaN);
        backend().sumRows(Tensor.wrap(y, rows, c), Tensor.wrap(out, c), 0f);
        near("sumRows beta=0 ignores NaN in out", s, out, 1e-5 * Math.sqrt(rows));
        float[] acc = Check.random(123, c);
        double[] s2 = new double[c];
        for (int j = 0; j < c; j++) s2[j] = s[j] + acc[j];
        backend().sumRows(Tensor.wrap(y, rows, c), Tensor.wrap(acc, c), 1f);
        near("sumRows beta=1", s2, acc, 1e-5 * Math.sqrt(rows));
    }

    @Test
    default void reductionsMatchReference() {
        for (int n : new int[] {1, 7, 17, 207, 1000, 1025, 70001, 300001}) {
            float[] x = Check.random(131 + n, n);
            double s = 0, q = 0, abs = 0;
            for (float v : x) {
                s += v;
                q += (double) v * v;
                abs += Math.abs(v);
            }
            assertEquals(s, backend().sum(Tensor.wrap(x, n)), 1e-6 * abs + 1e-12, "sum n=" + n);
            assertEquals(q, backend().sumSquares(Tensor.wrap(x, n)), 1e-6 * q + 1e-12, "sumSquares n=" + n);
        }
        float[] x = Check.random(140, 100);
        x[50] = Float.NaN;
        assertTrue(Double.isNaN(backend().sum(Tensor.wrap(x, 100))));
        x[50] = Float.POSITIVE_INFINITY;
        assertEquals(Double.POSITIVE_INFINITY, backend().sumSquares(Tensor.wrap(x, 100)));
    }

    @Test
    default void elementwiseRejectBadShapes() {
        assertThrows(IllegalArgumentException.class, () -> backend().add(Tensor.zeros(3), Tensor.zeros(4), Tensor.zeros(3)));
        assertThrows(IllegalArgumentException.class, () -> backend().mul(Tensor.zeros(3), Tensor.zeros(3), Tensor.zeros(2, 2)));
        assertThrows(IllegalArgumentException.class, () -> backend().axpy(1, Tensor.zeros(3), Tensor.zeros(4)));
        assertThrows(IllegalArgumentException.class, () -> backend().scale(1, Tensor.zeros(3), Tensor.zeros(4)));
        assertThrows(IllegalArgumentException.class, () -> backend().biasAdd(Tensor.zeros(4), Tensor.zeros(3, 5)));
        assertThrows(IllegalArgumentException.class, () -> backend().sumRows(Tensor.zeros(3, 5), Tensor.zeros(4), 0));
        Tensor strided = Tensor.zeros(4, 4).transpose(0, 1);
        assertThrows(IllegalArgumentException.class, () -> backend().add(strided, strided, Tensor.zeros(4, 4)));
    }

    @Test
    default void parallelReductionsRepeatBitForBit() {
        int rows = 8192, c = 32, n = rows * c; // above the parallel threshold
        float[] x = Check.random(171, n);
        Tensor xt = Tensor.wrap(x, rows, c);
        double s = backend().sum(xt), q = backend().sumSquares(xt);
        BatchNormDesc bn = new BatchNormDesc(rows, c, 1e-5f, 0.1f, true);
        float[][] outs = new float[2][];
        for (int run = 0; run < 3; run++) {
            assertEquals(s, backend().sum(xt), 0.0, "sum must repeat exactly");
            assertEquals(q, backend().sumSquares(xt), 0.0, "sumSquares must repeat exactly");
            float[] y = new float[n], sm = new float[c], si = new float[c], dx = new float[n], dg = new float[c];
            Tensor g = Tensor.wrap(Check.random(172, c), c), b = Tensor.wrap(Check.random(173, c), c);
            backend().batchNormForwardTraining(bn, xt, g, b, Tensor.zeros(c), Tensor.zeros(c), Tensor.wrap(y, rows, c),
                    Tensor.wrap(sm, c), Tensor.wrap(si, c));
            backend().batchNormBackward(bn, xt, Tensor.wrap(y, rows, c), Tensor.wrap(Check.random(174, n), rows, c), g,
                    Tensor.wrap(sm, c), Tensor.wrap(si, c), Tensor.wrap(dx, rows, c), Tensor.wrap(dg, c), Tensor.zeros(c));
            float[] all = new float[2 * n + 3 * c];
            System.arraycopy(y, 0, all, 0, n);
            System.arraycopy(dx, 0, all, n, n);
            System.arraycopy(sm, 0, all, 2 * n, c);
            System.arraycopy(si, 0, all, 2 * n + c, c);
            System.arraycopy(dg, 0, all, 2 * n + 2 * c, c);
            if (run == 0) outs[0] = all;
            else assertArrayEquals(outs[0], all, "batch norm must repeat bit for bit, run " + run);
        }
    }

    // ---- optimizers ---------------------------------------------------------------------------------

    private static float[] sgdThreeSteps(Backend be, float lr, float mom, float damp, boolean nesterov, float wd,
                                         boolean decoupled) {
        float[] w = {1f}, g = {0.5f}, buf = {Float.NaN}; // NaN: the first step must not read the buffer
        for (int s = 0; s < 3; s++) {
            be.sgdStep(new SgdStep(lr, mom, damp, nesterov, wd, decoupled, s == 0), Tensor.wrap(w, 1), Tensor.wrap(g, 1),
                    mom == 0 ? null : Tensor.wrap(buf, 1));
        }
        return w;
    }

    @Test
    default void sgdHandComputedThreeSteps() {
        // w0 = 1, grad = 0.5 each step, lr = 0.1 (values worked out by hand in docs/ops.md)
        assertEquals(0.7195f, sgdThreeSteps(backend(), 0.1f, 0.9f, 0f, false, 0f, false)[0], 1e-6f, "momentum");
        assertEquals(0.59755f, sgdThreeSteps(backend(), 0.1f, 0.9f, 0f, true, 0f, false)[0], 1e-6f, "nesterov");
        assertEquals(0.792f, sgdThreeSteps(backend(), 0.1f, 0.9f, 0.5f, false, 0f, false)[0], 1e-6f, "dampening");
        assertEquals(0.821794f, sgdThreeSteps(backend(), 0.1f, 0f, 0f, false, 0.1f, false)[0], 1e-6f, "L2, no momentum");
        assertEquals(0.821794f, sgdThreeSteps(backend(), 0.1f, 0f, 0f, false, 0.1f, true)[0], 1e-6f, "decoupled");
        assertEquals(0.85f, sgdThreeSteps(backend(), 0.1f, 0f, 0f, false, 0f, false)[0], 1e-6f, "plain");
        // with momentum L2 and decoupled decay differ: L2 feeds the buffer
        // L2: g1 = 0.6, b1 = 0.6, w1 = 0.94; g2 = 0.594, b2 = 1.134, w2 = 0.8266;
        //     g3 = 0.58266, b3 = 1.60326, w3 = 0.666274
        assertEquals(0.666274f, sgdThreeSteps(backend(), 0.1f, 0.9f, 0f, false, 0.1f, false)[0], 1e-6f, "L2 + momentum");
        // decoupled: b = 0.5, 0.95, 1.355; w1 = 1 - 0.05 - 0.01 = 0.94; w2 = 0.94 - 0.095 - 0.0094 = 0.8356;
        //     w3 = 0.8356 - 0.1355 - 0.008356 = 0.691744
        assertEquals(0.691744f, sgdThreeSteps(backend(), 0.1f, 0.9f, 0f, false, 0.1f, true)[0], 1e-6f,
                "decoupled + momentum");
    }

    @ParameterizedTest(name = "sgd momentum={0} nesterov={1} wd={2} decoupled={3} damp={4}")
    @CsvSource({"0,false,0,false,0", "0.9,false,0,false,0", "0.9,true,0.01,false,0", "0.9,false,0.01,true,0.1",
            "0.5,true,0.05,true,0"})
    default void sgdMatchesReferenceOverTails(float mom, boolean nesterov, float wd, boolean decoupled, float damp) {
        for (int n : SIZES) {
            float[] w = Check.random(151 + n, n), buf = new float[n];
            double[] wr = d(w), br = new double[n];
            for (int s = 0; s < 3; s++) {
                float[] g = Check.random(152 + s, n);
                SgdStep st = new SgdStep(0.05f, mom, damp, nesterov, wd, decoupled, s == 0);
                backend().sgdStep(st, Tensor.wrap(w, n), Tensor.wrap(g, n), mom == 0 ? null : Tensor.wrap(buf, n));
                ReferenceOps.sgd(0.05f, mom, damp, nesterov, wd, decoupled, s == 0, wr, d(g), br);
            }
            near("sgd n=" + n, wr, w, 1e-6);
            if (mom != 0) near("sgd buffer n=" + n, br, buf, 1e-5);
        }
        assertThrows(IllegalArgumentException.class, () -> backend().sgdStep(
                new SgdStep(0.1f, 0.9f, 0, false, 0, false, true), Tensor.zeros(3), Tensor.zeros(3), null));
        assertThrows(IllegalArgumentException.class, () -> backend().sgdStep(
                new SgdStep(0.1f, 0f, 0, false, 0, false, true), Tensor.zeros(3), Tensor.zeros(4), null));
    }

    @Test
    default void adamHandComputedAndMatchesReference() {
        // constant gradient: bias-corrected m / sqrt(v) = 1, so each step moves w by lr: 1 -> 0.9 -> 0.8 -> 0.7
        float[] w = {1f}, g = {0.5f}, m = {0f}, v = {0f};
        for (int s = 1; s <= 3; s++) {
            backend().adamStep(new AdamStep(0.1f, 0.9f, 0.999f, 1e-8f, 0f, false, s), Tensor.wrap(w, 1),
                    Tensor.wrap(g, 1), Tensor.wrap(m, 1), Tensor.wrap(v, 1));
        }
        assertEquals(0.7f, w[0], 2e-6f, "adam, 3 steps");
        for (boolean decoupled : new boolean[] {false, true}) {
            for (int n : SIZES) {
                float[] wt = Check.random(161 + n, n), mt = new float[n], vt = new float[n];
                double[] wr = d(wt), mr = new double[n], vr = new double[n];
                for (int s = 1; s <= 3; s++) {
                    float[] gt = Check.random(162 + s, n);
                    backend().adamStep(new AdamStep(0.01f, 0.9f, 0.999f, 1e-8f, 0.01f, decoupled, s), Tensor.wrap(wt, n),
                            Tensor.wrap(gt, n), Tensor.wrap(mt, n), Tensor.wrap(vt, n));
                    ReferenceOps.adam(0.01f, 0.9f, 0.999f, 1e-8f, 0.01f, decoupled, s, wr, d(gt), mr, vr);
                }
                near("adam w decoupled=" + decoupled + " n=" + n, wr, wt, 2e-6);
                near("adam m", mr, mt, 1e-5);
                near("adam v", vr, vt, 1e-5);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> backend().adamStep(
                new AdamStep(0.1f, 0.9f, 0.999f, 1e-8f, 0, false, 1), Tensor.zeros(3), Tensor.zeros(3), Tensor.zeros(3),
                Tensor.zeros(2)));
    }
}
