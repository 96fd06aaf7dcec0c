package org.simdnn.spark;

import java.io.Serializable;

/**
 * The model state broadcast at the start of each round: parameters, batch-norm statistics, dropout counters and,
 * for local SGD, the averaged optimizer state; plus where the round starts (epoch, step within it, global step)
 * and how many steps it covers (1 for synchronous SGD).
 */
record RoundState(int epoch, int firstStep, int steps, long globalStep, NamedArrays parameters, NamedArrays buffers,
                  long[] dropoutSteps, NamedArrays optimizerState) implements Serializable {}
