package org.simdnn.diagnostics;

import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/** Eigenvalues (ascending) of a symmetric matrix by EJML's symmetric QR algorithm (tridiagonalisation first). */
public final class SymmetricEigen {
    private SymmetricEigen() {}

    /**
     * Eigenvalues and, per eigenvalue, the first and last components of its unit eigenvector: the first is the root
     * of the SLQ weight, the last times Lanczos' final beta bounds the Ritz value's residual.
     */
    public record Decomposition(double[] values, double[] firstComponents, double[] lastComponents) {}

    /** All eigenvalues of the symmetric n x n row-major matrix {@code a}, ascending. */
    public static double[] eigenvalues(double[] a, int n) {
        return decompose(a, n, false).values();
    }

    /** Eigenvalues ascending, with the first component of each eigenvector when {@code vectors}. */
    public static Decomposition decompose(double[] a, int n, boolean vectors) {
        if (a.length != (long) n * n) throw new IllegalArgumentException("matrix has " + a.length + " entries, not " + n + "x" + n);
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, vectors, true);
        if (!eig.decompose(new DMatrixRMaj(n, n, true, a.clone()))) {
            throw new ArithmeticException("the symmetric eigen-decomposition of a " + n + "x" + n + " matrix did not converge");
        }
        Integer[] order = new Integer[n];
        double[] raw = new double[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
            raw[i] = eig.getEigenvalue(i).real;
        }
        Arrays.sort(order, (x, y) -> Double.compare(raw[x], raw[y]));
        double[] values = new double[n], first = new double[n], last = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = raw[order[i]];
            if (vectors) {
                DMatrixRMaj v = eig.getEigenVector(order[i]);
                double norm = 0;
                for (int j = 0; j < n; j++) norm += v.get(j, 0) * v.get(j, 0);
                first[i] = v.get(0, 0) / Math.sqrt(norm);
                last[i] = v.get(n - 1, 0) / Math.sqrt(norm);
            }
        }
        return new Decomposition(values, first, last);
    }

    /** Eigen-decomposition of the symmetric tridiagonal matrix with diagonal {@code alpha} and off-diagonal {@code beta}. */
    public static Decomposition tridiagonal(double[] alpha, double[] beta, int m) {
        double[] t = new double[m * m];
        for (int i = 0; i < m; i++) {
            t[i * m + i] = alpha[i];
            if (i + 1 < m) t[i * m + i + 1] = t[(i + 1) * m + i] = beta[i];
        }
        return decompose(t, m, true);
    }
}
