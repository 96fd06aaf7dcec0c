package org.simdnn.ops;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.simdnn.ops.ConformanceSupport.dot;
import static org.simdnn.ops.ConformanceSupport.near;
import static org.simdnn.ops.ConformanceSupport.nhwc;
import static org.simdnn.ops.ConformanceSupport.numericGrad;
import static org.simdnn.reference.ReferenceOps.d;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.simdnn.reference.Check;
import org.simdnn.reference.ReferenceOps;
import org.simdnn.tensor.Tensor;

/**
 * Batch norm (training, inference, backward) of {@link Backend} against the scalar references ({@link ReferenceOps}, double):
 * JUnit 5 default test methods, mixed into {@link BackendConformanceTest} so every backend runs them. Shared
 * helpers and sizes: {@link ConformanceSupport}.
 *
 * <p>Tolerances: 1e-5 relative for the reductions over rows (float partials of at most 64-1024 terms added in
 * double); finite differences 2e-3 (float backward against a double derivative).
 */
public interface NormConformance {
    Backend backend();

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
}
