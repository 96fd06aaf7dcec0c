package org.simdnn.nn.optim;

/**
 * Learning rate as a function of the optimizer step (0-based; a step is one {@link Optimizer#step()}, so
 * epoch-based schedules take {@code epochs * batchesPerEpoch}). Compose warm-up with anything via
 * {@link #warmup}. Use with {@link Optimizer#step(LrSchedule)}.
 */
@FunctionalInterface
public interface LrSchedule {

    double lr(long step);

    static LrSchedule constant(double lr) { return new Constant(lr); }

    /** {@code lr * gamma^floor(step / stepSize)}. */
    static LrSchedule step(double lr, long stepSize, double gamma) { return new StepDecay(lr, stepSize, gamma); }

    /** Cosine annealing from {@code lr} at step 0 to {@code minLr} at {@code totalSteps}, then flat. */
    static LrSchedule cosine(double lr, long totalSteps, double minLr) { return new Cosine(lr, totalSteps, minLr); }

    /**
     * Linear warm-up over {@code warmupSteps}: {@code after.lr(0) * (step + 1) / warmupSteps} for
     * {@code step < warmupSteps}, then {@code after.lr(step - warmupSteps)}.
     */
    static LrSchedule warmup(long warmupSteps, LrSchedule after) { return new LinearWarmup(warmupSteps, after); }

    /** Warm-up to {@code peak} over {@code warmupSteps}, then cosine to {@code minLr} at {@code totalSteps}. */
    static LrSchedule warmupCosine(double peak, long warmupSteps, long totalSteps, double minLr) {
        return warmup(warmupSteps, cosine(peak, decaySteps(warmupSteps, totalSteps), minLr));
    }

    /**
     * Warm-up to {@code peak} over {@code warmupSteps}, then a straight line to {@code minLr} at {@code totalSteps}
     * (the triangular one-cycle shape of short runs: the lr spends less of the run near its peak than cosine does).
     */
    static LrSchedule warmupLinear(double peak, long warmupSteps, long totalSteps, double minLr) {
        return warmup(warmupSteps, new LinearDecay(peak, decaySteps(warmupSteps, totalSteps), minLr));
    }

    /** The steps after a warm-up of {@code warmupSteps} in a run of {@code totalSteps}; at least one. */
    private static long decaySteps(long warmupSteps, long totalSteps) {
        if (totalSteps <= warmupSteps) throw new IllegalArgumentException("total steps " + totalSteps
                + " must exceed warm-up steps " + warmupSteps);
        return totalSteps - warmupSteps;
    }

    /** Checks a decay from {@code base} to {@code minLr} over {@code totalSteps}; {@code name} names the schedule. */
    private static void requireDecay(String name, double base, long totalSteps, double minLr) {
        if (!(base >= 0) || totalSteps < 1 || !(minLr >= 0)) {
            throw new IllegalArgumentException(name + " schedule needs lr >= 0, total steps >= 1, min lr >= 0; got "
                    + base + ", " + totalSteps + ", " + minLr);
        }
    }

    /** PyTorch's OneCycleLR (cosine, pct_start 0.3, div_factor 25, final_div_factor 1e4). */
    static LrSchedule oneCycle(double maxLr, long totalSteps) { return new OneCycle(maxLr, totalSteps, 0.3, 25, 1e4); }

    record Constant(double lr) implements LrSchedule {
        public Constant {
            if (!(lr >= 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("lr must be finite and >= 0, got " + lr);
        }

        @Override public double lr(long step) { return lr; }
    }

    record StepDecay(double base, long stepSize, double gamma) implements LrSchedule {
        public StepDecay {
            if (!(base >= 0) || stepSize < 1 || !(gamma > 0)) {
                throw new IllegalArgumentException("step schedule needs lr >= 0, step size >= 1, gamma > 0; got " + base
                        + ", " + stepSize + ", " + gamma);
            }
        }

        @Override public double lr(long step) { return base * Math.pow(gamma, Math.floorDiv(step, stepSize)); }
    }

    record Cosine(double base, long totalSteps, double minLr) implements LrSchedule {
        public Cosine {
            requireDecay("cosine", base, totalSteps, minLr);
        }

        @Override
        public double lr(long step) {
            double t = Math.min(Math.max(step, 0), totalSteps) / (double) totalSteps;
            return minLr + (base - minLr) * 0.5 * (1 + Math.cos(Math.PI * t));
        }
    }

    /** {@code lr} at step 0 falling linearly to {@code minLr} at {@code totalSteps}, then flat. */
    record LinearDecay(double base, long totalSteps, double minLr) implements LrSchedule {
        public LinearDecay {
            requireDecay("linear", base, totalSteps, minLr);
        }

        @Override
        public double lr(long step) {
            double t = Math.min(Math.max(step, 0), totalSteps) / (double) totalSteps;
            return base + (minLr - base) * t;
        }
    }

    record LinearWarmup(long warmupSteps, LrSchedule after) implements LrSchedule {
        public LinearWarmup {
            if (warmupSteps < 0 || after == null) throw new IllegalArgumentException("warm-up needs steps >= 0 and a schedule after it");
        }

        @Override
        public double lr(long step) {
            return step < warmupSteps ? after.lr(0) * (step + 1) / warmupSteps : after.lr(step - warmupSteps);
        }
    }

    /**
     * Two cosine phases: {@code maxLr/divFactor} rises to {@code maxLr} at step {@code pctStart*total - 1}, then
     * falls to {@code maxLr/(divFactor*finalDivFactor)} at step {@code total - 1} (PyTorch's OneCycleLR).
     */
    record OneCycle(double maxLr, long totalSteps, double pctStart, double divFactor, double finalDivFactor)
            implements LrSchedule {
        public OneCycle {
            if (!(maxLr > 0) || totalSteps < 2 || !(pctStart > 0 && pctStart < 1) || !(divFactor > 0) || !(finalDivFactor > 0)) {
                throw new IllegalArgumentException("bad one-cycle: max lr " + maxLr + ", total " + totalSteps + ", pct "
                        + pctStart + ", div " + divFactor + ", final div " + finalDivFactor);
            }
        }

        @Override
        public double lr(long step) {
            double initial = maxLr / divFactor, last = initial / finalDivFactor;
            double peakStep = pctStart * totalSteps - 1, end = totalSteps - 1;
            double s = Math.min(Math.max(step, 0), end);
            if (s <= peakStep) return anneal(initial, maxLr, peakStep <= 0 ? 1 : s / peakStep);
            return anneal(maxLr, last, (s - peakStep) / (end - peakStep));
        }

        private static double anneal(double from, double to, double pct) {
            return to + (from - to) / 2 * (Math.cos(Math.PI * pct) + 1);
        }
    }
}
