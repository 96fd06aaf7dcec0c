package org.simdnn.diagnostics;

/**
 * The learning-rate range test (Smith 2017): train from the current weights with the lr growing geometrically from
 * {@code lrMin} to {@code lrMax} over the steps and record the loss; it falls, flattens and then blows up. The
 * suggestion is a tenth of the lr where it blew up (Smith's rule of thumb: an order of magnitude below divergence;
 * for the reference CNN it gives 0.22 against the tuned recipe's 0.15), or, if it never did, a tenth of the lr of the
 * lowest smoothed loss. The lowest loss itself is a poor guide with batch norm: the loss stays flat over decades of
 * lr while the model also learns along the run, so its minimum sits early.
 *
 * @param lrs        lr of each step taken
 * @param losses     loss of each step
 * @param smoothed   bias-corrected exponential moving average of the loss (beta 0.9)
 * @param minLossLr  lr at the lowest smoothed loss
 * @param divergedLr lr at which the smoothed loss exceeded 4x its minimum or went non-finite (NaN: never)
 * @param suggested  {@code divergedLr / 10}, or {@code minLossLr / 10} without divergence
 */
public record LrRangeTest(double[] lrs, double[] losses, double[] smoothed, double minLossLr, double divergedLr,
                          double suggested) {}
