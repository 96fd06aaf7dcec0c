package org.simdnn.bench.report;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.format.OutputFormat;

/**
 * JMH output for people: one line per benchmark configuration on {@code progress} ("[3] GemmBench.sgemm
 * shape=m512n512k512 impl=simdnn threads=1 ... 95.3 GFLOPS"), failures with their first lines, and JMH's full
 * log in {@code log} (the results folder's {@code jmh.log}).
 */
final class ProgressFormat implements OutputFormat {
    private final PrintStream progress;
    private final PrintStream log;
    private final String prefix;
    private final List<String> failures = new ArrayList<>();
    private int count;
    private String current;
    private final List<String> skipped = new ArrayList<>();
    private boolean awaitingError;
    private boolean lastFailed;

    ProgressFormat(PrintStream progress, PrintStream log, String prefix) {
        this.progress = progress;
        this.log = log;
        this.prefix = prefix;
    }

    /** Configurations that failed (verification in @Setup, exceptions), with their first error line. */
    List<String> failures() { return failures; }

    /** A line for people (progress) and the log. */
    void status(String line) {
        progress.println(prefix + line);
        log.println("# " + line);
    }

    /** Configurations the suite declined on purpose (see {@link #println}). */
    List<String> skipped() { return skipped; }

    @Override
    public void startBenchmark(BenchmarkParams p) {
        count++;
        String name = p.getBenchmark();
        name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
        StringBuilder sb = new StringBuilder(name);
        for (String k : p.getParamsKeys()) sb.append(' ').append(k).append('=').append(p.getParam(k));
        current = sb.toString();
        lastFailed = false;
        awaitingError = false;
        progress.print(prefix + "[" + count + "] " + current + " ... ");
        progress.flush();
        log.println("# start " + current);
    }

    @Override
    public void endBenchmark(BenchmarkResult r) {
        if (r == null || r.getPrimaryResult() == null) {
            if (!awaitingError && !lastFailed) progress.println("failed");
            return;
        }
        double score = r.getPrimaryResult().getScore();
        String unit = r.getPrimaryResult().getScoreUnit();
        BenchmarkParams p = r.getParams();
        String cls = p.getBenchmark().substring(0, p.getBenchmark().lastIndexOf('.'));
        String shape = p.getParamsKeys().contains("shape") ? p.getParam("shape") : "";
        double flops = Flops.of(cls, shape);
        String text;
        try {
            double ops = JmhJson.toOpsPerSecond(score, unit, p.getMode().shortLabel());
            if (Suite.countsItems(Suite.idOf(cls))) {
                // sample-time mode: every call's time, so the median is there too
                double p50 = JmhJson.toOpsPerSecond(r.getPrimaryResult().getStatistics().getPercentile(50), unit,
                        p.getMode().shortLabel());
                text = String.format(Locale.ROOT, "%.4g %s/s, p50 %s ms", ops * Flops.items(cls, shape),
                        Suite.itemsOf(Suite.idOf(cls)), ReportTable.millis(1 / p50));
            } else {
                text = Double.isNaN(flops) ? String.format(Locale.ROOT, "%.4g ops/s", ops)
                        : String.format(Locale.ROOT, "%s GFLOPS", ReportTable.fmt(ops * flops / 1e9));
            }
        } catch (IllegalArgumentException e) {
            text = score + " " + unit;
        }
        progress.println(text);
        log.println("# end " + current + ": " + score + " " + unit);
    }

    /**
     * JMH reports a failed configuration as a "&lt;failure&gt;" line followed by the stack trace. A suite that
     * declines a configuration on purpose (e.g. the naive baseline above some size) throws from {@code @Setup}
     * with "skip" in its message or an {@link UnsupportedOperationException}: that is a skip, not a failure.
     */
    @Override
    public void println(String s) {
        log.println(s);
        if (s.contains("<failure>")) {
            awaitingError = true;
            lastFailed = true;
            return;
        }
        if (awaitingError && !s.isBlank() && !s.startsWith("#")) {
            awaitingError = false;
            String first = s.strip().lines().findFirst().orElse(s.strip());
            if (first.contains("UnsupportedOperationException") || first.toLowerCase(Locale.ROOT).contains("skip")) {
                String why = first.substring(first.indexOf(':') + 1).strip();
                progress.println("skipped (" + (why.startsWith("skip:") ? why.substring(5).strip() : why) + ")");
                skipped.add(current + ": " + first);
            } else {
                progress.println("FAILED: " + first);
                failures.add(current + ": " + first);
            }
        }
    }

    @Override
    public void print(String s) { log.print(s); }

    @Override
    public void verbosePrintln(String s) { log.println(s); }

    @Override
    public void iteration(BenchmarkParams b, IterationParams p, int i) { }

    @Override
    public void iterationResult(BenchmarkParams b, IterationParams p, int i, IterationResult r) {
        log.println("  iteration " + i + ": " + r.getPrimaryResult().getScore() + " " + r.getScoreUnit());
    }

    @Override
    public void startRun() { }

    @Override
    public void endRun(Collection<RunResult> results) { log.flush(); }

    @Override
    public void flush() {
        progress.flush();
        log.flush();
    }

    @Override
    public void close() { log.flush(); }

    @Override
    public void write(int b) { log.write(b); }

    @Override
    public void write(byte[] b) throws IOException { log.write(b); }
}
