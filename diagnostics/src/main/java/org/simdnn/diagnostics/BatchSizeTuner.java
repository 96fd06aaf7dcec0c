package org.simdnn.diagnostics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Training throughput over batch sizes: for each size, warm-up steps, then {@code repeats} timed runs of
 * {@code ceil(imagesPerRun / size)} steps (every size sees about the same images per run); throughput is images per second, the median over repeats with the min..max spread. It picks
 * the fastest size and the smallest size within {@code tolerance} (2 %) of it, the one that needs the least
 * activation memory (memory grows linearly with the batch), and lists the largest relative jumps between
 * neighbouring sizes (tile or cache effects). The clock is injected so tests need no timing.
 */
public final class BatchSizeTuner {
    /** One training step at batch size b (the workload owns model, data and optimizer). */
    public interface Workload {
        void step(int batchSize);
    }

    /**
     * @param sizes     batch sizes to measure
     * @param warmup    untimed steps per size
     * @param repeats   timed runs per size
     * @param imagesPerRun images per timed run (at least one step)
     * @param tolerance fraction of the best throughput still counted as "as fast" (0.02)
     */
    public record Settings(int[] sizes, int warmup, int repeats, int imagesPerRun, double tolerance) {
        public Settings {
            if (sizes.length == 0) throw new IllegalArgumentException("no batch sizes to measure");
            for (int s : sizes) if (s < 1) throw new IllegalArgumentException("batch sizes must be >= 1, got " + s);
            if (warmup < 0 || repeats < 1 || imagesPerRun < 1) {
                throw new IllegalArgumentException("warm-up >= 0, repeats >= 1 and images per run >= 1 required; got " + warmup
                        + ", " + repeats + ", " + imagesPerRun);
            }
            if (!(tolerance >= 0 && tolerance < 1)) throw new IllegalArgumentException("tolerance must be in [0, 1), got " + tolerance);
            sizes = sizes.clone();
        }

        /** Timed steps per run at batch size b. */
        public int steps(int b) { return Math.max(1, (imagesPerRun + b - 1) / b); }

        /** from, from + step, ..., up to and including {@code to} if it falls on the grid. */
        public static int[] range(int from, int to, int step) {
            if (from < 1 || to < from || step < 1) {
                throw new IllegalArgumentException("batch range needs 1 <= from <= to and step >= 1, got " + from + ".." + to + " step " + step);
            }
            int[] s = new int[(to - from) / step + 1];
            for (int i = 0; i < s.length; i++) s[i] = from + i * step;
            return s;
        }
    }

    /** Throughput of one size: median and spread over repeats (images/s). */
    public record Point(int batchSize, double median, double min, double max) {
        /** (max - min) / median. */
        public double spread() { return (max - min) / median; }
    }

    /** A jump between neighbouring sizes: {@code change} = median(to) / median(from) - 1. */
    public record Jump(int from, int to, double change) {}

    public record Result(List<Point> points, Point best, Point smallestNearBest, List<Jump> largestJumps) {}

    private final Workload workload;
    private final LongSupplier nanoClock;

    public BatchSizeTuner(Workload workload, LongSupplier nanoClock) {
        this.workload = workload;
        this.nanoClock = nanoClock;
    }

    public Result run(Settings s) {
        List<Point> points = new ArrayList<>();
        for (int b : s.sizes()) {
            for (int i = 0; i < s.warmup(); i++) workload.step(b);
            double[] rates = new double[s.repeats()];
            int steps = s.steps(b);
            for (int r = 0; r < s.repeats(); r++) {
                long t0 = nanoClock.getAsLong();
                for (int i = 0; i < steps; i++) workload.step(b);
                long dt = Math.max(1, nanoClock.getAsLong() - t0);
                rates[r] = (double) b * steps / (dt / 1e9);
            }
            Arrays.sort(rates);
            double median = rates.length % 2 == 1 ? rates[rates.length / 2] : (rates[rates.length / 2 - 1] + rates[rates.length / 2]) / 2;
            points.add(new Point(b, median, rates[0], rates[rates.length - 1]));
        }
        return summarise(points, s.tolerance());
    }

    /** Best, smallest near best and the three largest jumps of measured points. */
    public static Result summarise(List<Point> points, double tolerance) {
        Point best = points.get(0);
        for (Point p : points) if (p.median() > best.median()) best = p;
        Point small = best;
        for (Point p : points) {
            if (p.median() >= (1 - tolerance) * best.median() && p.batchSize() < small.batchSize()) small = p;
        }
        List<Jump> jumps = new ArrayList<>();
        for (int i = 1; i < points.size(); i++) {
            Point a = points.get(i - 1), b = points.get(i);
            jumps.add(new Jump(a.batchSize(), b.batchSize(), b.median() / a.median() - 1));
        }
        jumps.sort((x, y) -> Double.compare(Math.abs(y.change()), Math.abs(x.change())));
        return new Result(List.copyOf(points), best, small, List.copyOf(jumps.subList(0, Math.min(3, jumps.size()))));
    }
}
