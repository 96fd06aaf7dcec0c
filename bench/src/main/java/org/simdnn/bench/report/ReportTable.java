package org.simdnn.bench.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns results into report rows (ratio to the best baseline impl, % of the FMA peak, latency speed-ups) and renders them as a
 * plain-text table for the terminal and a Markdown table for docs. Rows keep the order the suite declares its
 * {@code @Param} values in (small to large, network layer order), so no shape-string parsing is needed.
 */
public final class ReportTable {
    private final List<ReportRow> rows;

    private ReportTable(List<ReportRow> rows) {
        this.rows = rows;
    }

    public List<ReportRow> rows() { return rows; }

    /**
     * @param order position of a (param name, value) pair in its suite's declaration, for sorting; unknown → last
     */
    public static ReportTable of(List<BenchResult> results, Environment env, ParamOrder order) {
        Map<String, Double> best = new HashMap<>(), bestP50 = new HashMap<>(), bestP99 = new HashMap<>();
        for (BenchResult r : results) {
            if (!r.isBaseline()) continue;
            if (r.opsPerSec() > 0) best.merge(groupKey(r), r.opsPerSec(), Math::max);
            if (r.latency() != null) {
                bestP50.merge(groupKey(r), r.latency().p50(), Math::min);
                bestP99.merge(groupKey(r), r.latency().p99(), Math::min);
            }
        }
        List<ReportRow> rows = new ArrayList<>();
        for (BenchResult r : results) {
            String g = groupKey(r);
            double ratio = best.containsKey(g) && r.opsPerSec() > 0 ? r.opsPerSec() / best.get(g) : Double.NaN;
            double peak = env.peakFor(r.threads());
            double pct = Double.isNaN(peak) || Double.isNaN(r.gflops()) ? Double.NaN : 100 * r.gflops() / peak;
            BenchResult.Latency l = r.latency();
            double p50 = l != null && bestP50.containsKey(g) ? bestP50.get(g) / l.p50() : Double.NaN;
            double p99 = l != null && bestP99.containsKey(g) ? bestP99.get(g) / l.p99() : Double.NaN;
            rows.add(new ReportRow(r, ratio, pct, p50, p99));
        }
        rows.sort(Comparator.<ReportRow, String>comparing(x -> x.result().bench())
                .thenComparing(x -> x.result().method())
                .thenComparing(x -> variantKey(x.result(), order))
                .thenComparingInt(x -> order.index(x.result().className(), "shape", x.result().shape()))
                .thenComparing(x -> x.result().shape())
                .thenComparingInt(x -> x.result().threads())
                .thenComparingInt(x -> order.index(x.result().className(), "impl", baseImpl(x.result().impl())))
                .thenComparing(x -> x.result().impl()));
        return new ReportTable(List.copyOf(rows));
    }

    /** Variant parameters as zero-padded declared positions, so "pass=fwd" sorts before "pass=bwd-data". */
    private static String variantKey(BenchResult r, ParamOrder order) {
        StringBuilder sb = new StringBuilder();
        for (var e : r.params().entrySet()) {
            if (e.getKey().equals("shape") || e.getKey().equals("impl") || e.getKey().equals("threads")) continue;
            int i = order.index(r.className(), e.getKey(), e.getValue());
            sb.append(e.getKey()).append(String.format(Locale.ROOT, "%010d", i == Integer.MAX_VALUE ? 999_999_999 : i))
                    .append(e.getValue()).append(';');
        }
        return sb.toString();
    }

    /** "openblas-jni[auto]" → "openblas-jni", for ordering by the declared impl list. */
    static String baseImpl(String impl) {
        int b = impl.indexOf('[');
        return b < 0 ? impl : impl.substring(0, b);
    }

    private static String groupKey(BenchResult r) {
        return r.section() + '\u0000' + r.shape() + '\u0000' + r.threads();
    }

    /** Rows grouped by bench and method (one table each), in row order. */
    public Map<String, List<ReportRow>> sections() {
        Map<String, List<ReportRow>> s = new LinkedHashMap<>();
        for (ReportRow r : rows) {
            s.computeIfAbsent(r.result().section(), k -> new ArrayList<>()).add(r);
        }
        return s;
    }

    /** "vs OpenBLAS" / "vs onnxruntime": the ratio column of a section of suite {@code bench}. */
    static String ratioTitle(String bench) {
        String b = Suite.baselineOf(bench);
        return "vs " + (b.equals("openblas") ? "OpenBLAS" : b);
    }

    private static String[] header(List<ReportRow> section) {
        String bench = section.get(0).result().bench();
        if (hasLatency(section)) {
            return new String[] {"shape", "impl", "T", Suite.itemsOf(bench) + "/s", "±", "p50 ms", "p99 ms", ratioTitle(bench),
                    "p50 vs", "p99 vs", "B/op", "note"};
        }
        if (hasBytes(section)) {
            return new String[] {"shape", "impl", "T", "GFLOPS", "±", "GB/s", "ops/s", ratioTitle(bench), "% peak", "note"};
        }
        return new String[] {"shape", "impl", "T", "GFLOPS", "±", "ops/s", ratioTitle(bench), "% peak", "note"};
    }

    /** A section with rows whose suite counts the bytes they stream (small-m GEMM): it gets a GB/s column. */
    private static boolean hasBytes(List<ReportRow> section) {
        return section.stream().anyMatch(r -> !Double.isNaN(gbps(r.result())));
    }

    /** GB/s read: ops/s x the suite's bytes per operation ({@link Flops#bytes}); NaN when it has none. */
    public static double gbps(BenchResult r) {
        double bytes = Flops.bytes(r.className(), r.shape());
        return Double.isNaN(bytes) || !(r.opsPerSec() > 0) ? Double.NaN : r.opsPerSec() * bytes / 1e9;
    }

    /** A section measured in sample-time mode: throughput, median and p99 latency, allocation. */
    private static boolean hasLatency(List<ReportRow> section) {
        return section.stream().anyMatch(r -> r.result().latency() != null);
    }

    private static String[] cells(ReportRow row, boolean latency, boolean bytes) {
        BenchResult r = row.result();
        String shape = r.shape().isEmpty() ? "-" : r.shape();
        String note = r.unstable() ? String.format(Locale.ROOT, "unstable: iterations %.1fx apart", r.spread()) : "";
        if (latency) {
            BenchResult.Latency l = r.latency();
            double err = r.opsError() * r.items();
            return new String[] {shape, r.impl(), Integer.toString(r.threads()), fmt(r.itemsPerSec()),
                    Double.isNaN(err) ? "" : fmt(err), l == null ? "-" : millis(l.p50()), l == null ? "-" : millis(l.p99()),
                    times(row.ratioToBaseline()), times(row.p50Speedup()), times(row.p99Speedup()),
                    Double.isNaN(r.allocBytesPerOp()) ? "-" : String.format(Locale.ROOT, "%.0f", r.allocBytesPerOp()), note};
        }
        boolean hasG = !Double.isNaN(r.gflops());
        double errG = hasG && !Double.isNaN(r.opsError()) && r.opsPerSec() > 0 ? r.gflops() * r.opsError() / r.opsPerSec()
                : Double.NaN;
        String pct = Double.isNaN(row.pctOfPeak()) ? "-" : String.format(Locale.ROOT, "%.0f%%", row.pctOfPeak());
        if (bytes) {
            double g = gbps(r);
            return new String[] {shape, r.impl(), Integer.toString(r.threads()), hasG ? fmt(r.gflops()) : "-",
                    Double.isNaN(errG) ? "" : fmt(errG), Double.isNaN(g) ? "-" : fmt(g), sci(r.opsPerSec()),
                    times(row.ratioToBaseline()), pct, note};
        }
        return new String[] {shape, r.impl(), Integer.toString(r.threads()),
                hasG ? fmt(r.gflops()) : "-", Double.isNaN(errG) ? "" : fmt(errG), sci(r.opsPerSec()),
                times(row.ratioToBaseline()), pct, note};
    }

    private static String times(double ratio) {
        return Double.isNaN(ratio) ? "-" : String.format(Locale.ROOT, "%.2fx", ratio);
    }

    /** Seconds as milliseconds with three significant digits (0.113, 4.52, 37.1). */
    static String millis(double seconds) {
        double ms = seconds * 1e3;
        return ms >= 100 ? String.format(Locale.ROOT, "%.0f", ms) : String.format(Locale.ROOT, "%.3g", ms);
    }

    static String fmt(double g) {
        if (g >= 100) return String.format(Locale.ROOT, "%.0f", g);
        if (g >= 10) return String.format(Locale.ROOT, "%.1f", g);
        return String.format(Locale.ROOT, "%.2f", g);
    }

    private static String sci(double v) {
        return String.format(Locale.ROOT, "%.3g", v);
    }

    /** Plain text, aligned columns, one block per bench · method. */
    public String toText() {
        return render(false);
    }

    /** GitHub Markdown, one table per bench · method, each under a heading. */
    public String toMarkdown() {
        return render(true);
    }

    private String render(boolean md) {
        StringBuilder sb = new StringBuilder();
        for (var sec : sections().entrySet()) {
            List<String[]> body = new ArrayList<>();
            boolean latency = hasLatency(sec.getValue()), bytes = !latency && hasBytes(sec.getValue());
            String[] header = header(sec.getValue());
            for (ReportRow r : sec.getValue()) body.add(cells(r, latency, bytes));
            if (md) {
                sb.append("#### ").append(sec.getKey()).append("\n\n");
                sb.append('|').append(String.join("|", header)).append("|\n|");
                for (int i = 0; i < header.length; i++) sb.append(i < 2 ? "---|" : "---:|");
                sb.append('\n');
                for (String[] c : body) sb.append('|').append(String.join("|", c)).append("|\n");
                sb.append('\n');
            } else {
                int[] w = new int[header.length];
                Function<String[], Void> widen = c -> {
                    for (int i = 0; i < c.length; i++) w[i] = Math.max(w[i], c[i].length());
                    return null;
                };
                widen.apply(header);
                body.forEach(widen::apply);
                sb.append("== ").append(sec.getKey()).append('\n');
                line(sb, header, w);
                for (String[] c : body) line(sb, c, w);
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String[] c, int[] w) {
        for (int i = 0; i < c.length; i++) {
            String pad = " ".repeat(w[i] - c[i].length());
            boolean left = i < 2 || i == c.length - 1;
            sb.append(left ? c[i] + (i == c.length - 1 ? "" : pad) : pad + c[i]).append(i + 1 < c.length ? "  " : "");
        }
        sb.append('\n');
    }
}
