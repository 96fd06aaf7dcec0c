package org.simdnn.diagnostics;

/**
 * One layer's output over a batch. A unit is a feature of a dense output or a channel of an NHWC one.
 *
 * @param kind              relu (including batch norm with fused ReLU), sigmoid, tanh, or other
 * @param deadFraction      ReLU units never positive anywhere in the batch (NaN for other kinds)
 * @param saturatedFraction sigmoid outputs outside [0.01, 0.99], tanh outside [-0.99, 0.99] (NaN for other kinds)
 */
public record LayerActivity(int layer, String name, String kind, double mean, double std, double deadFraction,
                            double saturatedFraction) {}
