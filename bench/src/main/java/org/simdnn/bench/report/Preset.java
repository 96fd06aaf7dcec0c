package org.simdnn.bench.report;

/**
 * JMH run lengths. {@code QUICK} is for direction on a busy 2-core machine (a few minutes per suite, reduced
 * shapes); {@code FULL} is for the numbers in docs/performance.md, on a quiet machine.
 */
public enum Preset {
    QUICK(1, 2, 1, 3, 1),
    FULL(1, 3, 2, 5, 2);

    public final int forks;
    public final int warmupIterations;
    public final int warmupSeconds;
    public final int measurementIterations;
    public final int measurementSeconds;

    Preset(int forks, int warmupIterations, int warmupSeconds, int measurementIterations, int measurementSeconds) {
        this.forks = forks;
        this.warmupIterations = warmupIterations;
        this.warmupSeconds = warmupSeconds;
        this.measurementIterations = measurementIterations;
        this.measurementSeconds = measurementSeconds;
    }

    /** The same settings as JMH command-line flags, for the report ("-f 1 -wi 1 -w 1s -i 2 -r 1s"). */
    public String jmhFlags() {
        return lengths().jmhFlags();
    }

    public RunLengths lengths() {
        return new RunLengths(forks, warmupIterations, warmupSeconds, measurementIterations, measurementSeconds);
    }

    /**
     * The run lengths for {@code suite}. Whole-model inference samples every call, so three measured iterations
     * give thousands of samples at batch 1; the warm-up is long enough for C2 to compile the Vector API kernels
     * (before that they allocate a boxed vector per operation and run 100x slower). Its full run (24
     * configurations, ResNet-18 at batch 32 among them) stays within about ten minutes.
     */
    public RunLengths lengths(Suite suite) {
        if (suite != Suite.INFER) return lengths();
        return this == QUICK ? new RunLengths(1, 3, 1, 2, 1) : new RunLengths(1, 3, 2, 3, 2);
    }

    /** Forks, warm-up and measurement iterations and their seconds of one JMH run. */
    public record RunLengths(int forks, int warmupIterations, int warmupSeconds, int measurementIterations,
                             int measurementSeconds) {
        public String jmhFlags() {
            return "-f " + forks + " -wi " + warmupIterations + " -w " + warmupSeconds + "s -i " + measurementIterations
                    + " -r " + measurementSeconds + "s";
        }
    }
}
