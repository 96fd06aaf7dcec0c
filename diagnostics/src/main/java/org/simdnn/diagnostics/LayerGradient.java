package org.simdnn.diagnostics;

/**
 * One parameterised layer's gradient on a batch: norms over all its parameters, the RMS gradient per weight (to
 * compare layers of different sizes), and the update-to-weight ratio {@code lr |g| / |w|} of a plain SGD step
 * (NaN where the weights are all zero).
 */
public record LayerGradient(int layer, String name, long parameters, double gradNorm, double weightNorm, double rmsGrad,
                            double updateRatio) {}
