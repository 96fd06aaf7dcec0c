package org.simdnn.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.CategoryStyler;
import org.knowm.xchart.CategorySeries.CategorySeriesRenderStyle;

/**
 * PNG charts of a run, one per bench · method · thread count: x = shapes in declared order (small to large for
 * GEMM, network order for conv layers), one series per impl, y = GFLOPS (ops/s when the suite has no FLOP
 * count; images/s for whole models, on a log axis since a batch of 256 28x28 images and one 224x224 image are
 * orders of magnitude apart). Sweeps over sizes (gemm, storage, calls) are drawn as lines, per-layer suites as
 * grouped bars.
 */
public final class Charts {
    private Charts() {}

    static {
        System.setProperty("java.awt.headless", "true");
    }

    /** Writes the charts into {@code dir} and returns their paths. */
    public static List<Path> write(ReportTable table, Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, List<ReportRow>> groups = new LinkedHashMap<>();
        for (ReportRow r : table.rows()) {
            BenchResult b = r.result();
            groups.computeIfAbsent(b.section() + "|" + b.threads(), k -> new ArrayList<>()).add(r);
        }
        Map<String, Long> methodsPerBench = new LinkedHashMap<>();
        Set<String> seen = new LinkedHashSet<>();
        for (ReportRow r : table.rows()) {
            if (seen.add(r.result().bench() + "|" + r.result().method())) methodsPerBench.merge(r.result().bench(), 1L, Long::sum);
        }
        // groups are in row order, so a suite's charts come out in its declared variant order
        List<Path> out = new ArrayList<>();
        for (List<ReportRow> rows : groups.values()) {
            BenchResult first = rows.get(0).result();
            String variant = first.variant().replaceAll("[a-zA-Z]+=", "").replace(' ', '-');
            String name = first.bench() + (methodsPerBench.get(first.bench()) > 1 ? "-" + first.method() : "")
                    + (variant.isEmpty() ? "" : "-" + variant) + "-t" + first.threads() + ".png";
            Path file = dir.resolve(sanitize(name));
            BitmapEncoder.saveBitmap(chart(rows), file.toString(), BitmapEncoder.BitmapFormat.PNG);
            out.add(file);
        }
        return out;
    }

    private static String sanitize(String s) {
        return s.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    static CategoryChart chart(List<ReportRow> rows) {
        BenchResult first = rows.get(0).result();
        boolean gflops = rows.stream().allMatch(r -> !Double.isNaN(r.result().gflops()));
        boolean items = !gflops && Suite.countsItems(first.bench());
        boolean sweep = switch (first.bench()) {
            case "gemm", "storage", "calls" -> true;
            default -> false;
        };
        List<String> shapes = new ArrayList<>();
        Map<String, Map<String, Double>> byImpl = new LinkedHashMap<>();
        for (ReportRow r : rows) {
            BenchResult b = r.result();
            String x = b.shape().isEmpty() ? b.method() : b.shape();
            if (!shapes.contains(x)) shapes.add(x);
            byImpl.computeIfAbsent(b.impl(), k -> new LinkedHashMap<>()).put(x, gflops ? b.gflops() : b.itemsPerSec());
        }
        CategoryChart c = new CategoryChartBuilder().width(Math.max(900, 60 * shapes.size() * Math.max(1, sweep ? 1 : byImpl.size() / 2)))
                .height(shapes.stream().anyMatch(x -> x.length() > 14) ? 720 : 560)
                .title("simdnn " + first.section() + " · " + first.threads() + " thread"
                        + (first.threads() == 1 ? "" : "s"))
                .xAxisTitle(sweep ? "size" : "shape / layer").yAxisTitle(gflops ? "GFLOPS" : items ? Suite.itemsOf(first.bench()) + "/s (log)" : "ops/s").build();
        CategoryStyler st = c.getStyler();
        st.setDefaultSeriesRenderStyle(sweep ? CategorySeriesRenderStyle.Line : CategorySeriesRenderStyle.Bar);
        st.setOverlapped(sweep); // lines share the x positions; bars stand side by side
        st.setLegendPosition(Styler.LegendPosition.OutsideS);
        st.setLegendLayout(Styler.LegendLayout.Horizontal);
        // long shape strings (conv layers) overlap and XChart then hides them: slant them instead
        boolean longLabels = shapes.stream().anyMatch(x -> x.length() > 14);
        st.setXAxisLabelRotation(longLabels ? 20 : shapes.size() > 4 ? 30 : 0);
        st.setChartBackgroundColor(java.awt.Color.WHITE);
        st.setPlotGridVerticalLinesVisible(false);
        if (items) {
            // bars start at the axis minimum, which must be positive on a log axis: the decade below the smallest bar
            double min = byImpl.values().stream().flatMap(m -> m.values().stream())
                    .filter(v -> v != null && Double.isFinite(v) && v > 0).min(Double::compare).orElse(1.0);
            st.setYAxisLogarithmic(true);
            st.setYAxisMin(Math.pow(10, Math.floor(Math.log10(min))));
        } else {
            st.setYAxisMin(0.0);
        }
        st.setAvailableSpaceFill(0.8);
        for (var e : byImpl.entrySet()) {
            List<Double> ys = new ArrayList<>();
            for (String x : shapes) {
                Double v = e.getValue().get(x);
                // a gap in a line, an empty bar (none on a log axis, where 0 cannot be drawn)
                ys.add(v == null || !Double.isFinite(v) ? (sweep || items ? null : 0.0) : v);
            }
            c.addSeries(e.getKey(), new ArrayList<>(shapes), ys);
        }
        return c;
    }
}
