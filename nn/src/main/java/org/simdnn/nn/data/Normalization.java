package org.simdnn.nn.data;

/** x = (pixel / 255 - mean) / std. */
public record Normalization(float mean, float std) {
    /** Fashion-MNIST's training-set statistics (what {@link #of} computes on it). */
    public static final Normalization FASHION_MNIST = new Normalization(0.2860f, 0.3530f);
    /** pixel / 255 only. */
    public static final Normalization UNIT = new Normalization(0f, 1f);

    public Normalization {
        if (!Float.isFinite(mean) || !(std > 0) || !Float.isFinite(std)) {
            throw new IllegalArgumentException("normalisation needs a finite mean and std > 0, got mean " + mean
                    + ", std " + std);
        }
    }

    /** Mean and (population) standard deviation of pixel / 255 over the whole set. */
    public static Normalization of(Dataset d) {
        long[] hist = new long[256];
        for (byte b : d.pixels()) hist[b & 0xff]++;
        double n = d.pixels().length, s = 0, ss = 0;
        for (int v = 0; v < 256; v++) {
            double x = v / 255.0;
            s += hist[v] * x;
            ss += hist[v] * x * x;
        }
        double mean = s / n, var = Math.max(ss / n - mean * mean, 1e-12);
        return new Normalization((float) mean, (float) Math.sqrt(var));
    }

    /** The normalised value of each of the 256 pixel values. */
    public float[] lookupTable() {
        float[] t = new float[256];
        for (int v = 0; v < 256; v++) t[v] = (v / 255f - mean) / std;
        return t;
    }
}
