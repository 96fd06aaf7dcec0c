package org.simdnn.diagnostics;

import java.util.Locale;

/**
 * What the Hessian's eigenvalues say about a point: all above the tolerance → local minimum, all below its
 * negative → local maximum, both signs → saddle point; eigenvalues within ±tolerance are flat directions (a point
 * with only positive and flat ones is a minimum along a valley, not a strict one). At a point where the gradient is
 * not zero this is the shape of the loss around it, not a critical point: {@link #gradientNorm} says which.
 */
public record CriticalPoint(Kind kind, int positive, int negative, int flat, double tolerance, double gradientNorm) {
    public enum Kind { MINIMUM, MAXIMUM, SADDLE, FLAT }

    /** Classifies the eigenvalues; {@code |λ| <= tolerance} counts as flat. */
    public static CriticalPoint classify(double[] eigenvalues, double tolerance, double gradientNorm) {
        if (!(tolerance >= 0)) throw new IllegalArgumentException("tolerance must be >= 0, got " + tolerance);
        int pos = 0, neg = 0, flat = 0;
        for (double l : eigenvalues) {
            if (l > tolerance) pos++;
            else if (l < -tolerance) neg++;
            else flat++;
        }
        Kind k = pos > 0 && neg > 0 ? Kind.SADDLE : pos > 0 ? Kind.MINIMUM : neg > 0 ? Kind.MAXIMUM : Kind.FLAT;
        return new CriticalPoint(k, pos, neg, flat, tolerance, gradientNorm);
    }

    /** e.g. "saddle point: 120 positive, 3 negative, 7 flat (|λ| &lt;= 1.2e-05) eigenvalues; |grad| 3.1e-02". */
    public String describe() {
        String what = switch (kind) {
            case MINIMUM -> flat > 0 ? "local minimum with flat directions (positive semi-definite)" : "local minimum (positive definite)";
            case MAXIMUM -> flat > 0 ? "local maximum with flat directions" : "local maximum (negative definite)";
            case SADDLE -> "saddle point (eigenvalues of both signs)";
            case FLAT -> "flat (every eigenvalue within the tolerance)";
        };
        return String.format(Locale.ROOT, "%s: %d positive, %d negative, %d flat (|λ| <= %.2e) eigenvalues; |grad| %.2e%s",
                what, positive, negative, flat, tolerance, gradientNorm,
                gradientNorm > 1e-3 ? " (not a critical point: this is the local shape of the loss)" : "");
    }
}
