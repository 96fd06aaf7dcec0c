package org.simdnn.diagnostics;

/**
 * The learning-rate range test (Smith 2017): train from the current weights with the lr growing geometrically from
 * {@code lrMin} to {@code lrMax} over the steps and record the loss; it falls, flattens and then blows up. The
 * suggestion is the lr of the lowest smoothed loss divided by 10 (the loss still falls fast there; at the minimum
 * itself training is already on the edge of divergence).
 *
 * @param lrs        lr of each step taken
 * @param losses     loss of each step
 * @param smoothed   bias-corrected exponential moving average of the loss (beta 0.9)
 * @param minLossLr  lr at the lowest smoothed loss
 * @param divergedLr lr at which the smoothed loss exceeded 4x its minimum or went non-finite (NaN: never)
 * @param suggested  {@code minLossLr / 10}
 */
public record LrRangeTest(double[] lrs, double[] losses, double[] smoothed, double minLossLr, double divergedLr,
                          double suggested) {}
