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
 * Turns results into report rows (ratio to the best OpenBLAS impl, % of the FMA peak) and renders them as a
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
        Map<String, Double> bestBlas = new HashMap<>();
        for (BenchResult r : results) {
            if (r.isOpenBlas() && !Double.isNaN(r.gflops())) bestBlas.merge(groupKey(r), r.gflops(), Math::max);
        }
        List<ReportRow> rows = new ArrayList<>();
        for (BenchResult r : results) {
            Double best = bestBlas.get(groupKey(r));
            double ratio = best == null || Double.isNaN(r.gflops()) ? Double.NaN : r.gflops() / best;
            double peak = env.peakFor(r.threads());
            double pct = Double.isNaN(peak) || Double.isNaN(r.gflops()) ? Double.NaN : 100 * r.gflops() / peak;
            rows.add(new ReportRow(r, ratio, pct));
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

    private static final String[] HEADER = {"shape", "impl", "T", "GFLOPS", "±", "ops/s", "vs OpenBLAS", "% peak", "note"};

    private static String[] cells(ReportRow row) {
        BenchResult r = row.result();
        boolean hasG = !Double.isNaN(r.gflops());
        double errG = hasG && !Double.isNaN(r.opsError()) && r.opsPerSec() > 0 ? r.gflops() * r.opsError() / r.opsPerSec()
                : Double.NaN;
        return new String[] {r.shape().isEmpty() ? "-" : r.shape(), r.impl(), Integer.toString(r.threads()),
                hasG ? fmt(r.gflops()) : "-", Double.isNaN(errG) ? "" : fmt(errG), sci(r.opsPerSec()),
                Double.isNaN(row.ratioToOpenBlas()) ? "-" : String.format(Locale.ROOT, "%.2fx", row.ratioToOpenBlas()),
                Double.isNaN(row.pctOfPeak()) ? "-" : String.format(Locale.ROOT, "%.0f%%", row.pctOfPeak()),
                r.unstable() ? String.format(Locale.ROOT, "unstable: iterations %.1fx apart", r.spread()) : ""};
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
            for (ReportRow r : sec.getValue()) body.add(cells(r));
            if (md) {
                sb.append("#### ").append(sec.getKey()).append("\n\n");
                sb.append('|').append(String.join("|", HEADER)).append("|\n|");
                for (int i = 0; i < HEADER.length; i++) sb.append(i < 2 ? "---|" : "---:|");
                sb.append('\n');
                for (String[] c : body) sb.append('|').append(String.join("|", c)).append("|\n");
                sb.append('\n');
            } else {
                int[] w = new int[HEADER.length];
                Function<String[], Void> widen = c -> {
                    for (int i = 0; i < c.length; i++) w[i] = Math.max(w[i], c[i].length());
                    return null;
                };
                widen.apply(HEADER);
                body.forEach(widen::apply);
                sb.append("== ").append(sec.getKey()).append('\n');
                line(sb, HEADER, w);
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
