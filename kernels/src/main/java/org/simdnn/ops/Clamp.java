package org.simdnn.ops;

/**
 * The activation a fused epilogue applies: {@code min(max(v, lo), hi)}. ReLU is {@code [0, +inf]}, ONNX Clip
 * (ReLU6 included) any {@code [lo, hi]}; {@link #NONE} leaves values as they are. NaN stays NaN.
 */
public record Clamp(float lo, float hi) {
    public static final Clamp NONE = new Clamp(Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
    public static final Clamp RELU = new Clamp(0f, Float.POSITIVE_INFINITY);

    public Clamp {
        if (Float.isNaN(lo) || Float.isNaN(hi) || lo > hi) {
            throw new IllegalArgumentException("clamp bounds must be ordered numbers, got [" + lo + ", " + hi + "]");
        }
    }

    public boolean isNone() { return lo == Float.NEGATIVE_INFINITY && hi == Float.POSITIVE_INFINITY; }

    /** One value: Math.max/min keep NaN. */
    public float apply(float v) { return Math.min(Math.max(v, lo), hi); }

    /** y[i] = apply(y[i] + r[i]) over {@code n} elements from the offsets ({@code r} may be null), in place. */
    public void apply(float[] y, int yo, float[] r, int ro, int n) {
        if (r != null) {
            for (int i = 0; i < n; i++) y[yo + i] = apply(y[yo + i] + r[ro + i]);
        } else if (!isNone()) {
            for (int i = 0; i < n; i++) y[yo + i] = apply(y[yo + i]);
        }
    }
}
