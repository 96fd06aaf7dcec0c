package org.simdnn.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * PNG charts (XChart) of the diagnostics: training curves, the lr range test, gradient norm per layer, the Hessian
 * spectrum, the batch-size curve. Each is written atomically (a temporary file moved into place).
 */
final class DiagnosticCharts {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private DiagnosticCharts() {}

    static XYChart chart(String title, String x, String y) {
        XYChart c = new XYChartBuilder().width(900).height(560).title(title).xAxisTitle(x).yAxisTitle(y).build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        c.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        c.getStyler().setPlotGridLinesVisible(true);
        return c;
    }

    static void line(XYChart c, String name, double[] x, double[] y, boolean markers) {
        XYSeries s = c.addSeries(name, x, y);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        s.setMarker(markers ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
    }

    static void save(XYChart c, Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".chart", ".png");
        try {
            BitmapEncoder.saveBitmap(c, tmp.toString(), BitmapEncoder.BitmapFormat.PNG);
            // a temporary file is created owner-only; the chart is an ordinary readable file
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        System.out.println("wrote " + file);
    }

    /**
     * The training metric (left axis: mean loss, or the perceptron's mistake rate) and the test accuracy (right axis)
     * per epoch, as {@code simdnn train --plot} draws them.
     */
    static void trainingCurves(List<org.simdnn.nn.train.EpochStats> stats, String metric, String title, Path file) throws IOException {
        XYChart c = chart(title, "epoch", "training " + metric);
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        double[] x = stats.stream().mapToDouble(s -> s.epoch() + 1).toArray();
        line(c, "training " + metric + " (mean over the epoch)", x, stats.stream().mapToDouble(org.simdnn.nn.train.EpochStats::trainLoss).toArray(), true);
        XYSeries acc = c.addSeries("test accuracy", x, stats.stream().mapToDouble(org.simdnn.nn.train.EpochStats::testAccuracy).toArray());
        acc.setMarker(SeriesMarkers.DIAMOND);
        acc.setYAxisGroup(1);
        c.setYAxisGroupTitle(1, "test accuracy");
        c.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        save(c, file);
    }

    /** Loss per step against lr (log x), with the suggested lr marked. */
    static void lrRange(org.simdnn.diagnostics.LrRangeTest r, String title, Path file) throws IOException {
        XYChart c = chart(title, "learning rate (log)", "training loss");
        c.getStyler().setXAxisLogarithmic(true);
        // the blow-up would flatten the rest: losses are drawn up to twice the first smoothed loss
        double cap = 2 * r.smoothed()[0];
        line(c, "loss per step", r.lrs(), clip(r.losses(), cap), false);
        line(c, "smoothed", r.lrs(), clip(r.smoothed(), cap), false);
        double lo = Double.POSITIVE_INFINITY, hi = cap;
        for (double v : clip(r.smoothed(), cap)) lo = Math.min(lo, v);
        line(c, String.format(java.util.Locale.ROOT, "suggested lr %.2g", r.suggested()),
                new double[] {r.suggested(), r.suggested()}, new double[] {lo, hi}, false);
        save(c, file);
    }

    /** Values above {@code cap} and non-finite ones (a diverged step) drawn at the cap. */
    private static double[] clip(double[] a, double cap) {
        double[] o = a.clone();
        for (int i = 0; i < o.length; i++) if (!(o[i] <= cap)) o[i] = cap;
        return o;
    }

    /** One series per name: values against 1..n (layer index), log y. */
    static void perLayer(Map<String, double[]> series, String title, String yTitle, Path file) throws IOException {
        XYChart c = chart(title, "layer (input -> output)", yTitle);
        c.getStyler().setYAxisLogarithmic(true);
        for (Map.Entry<String, double[]> e : series.entrySet()) {
            double[] y = e.getValue(), x = new double[y.length];
            for (int i = 0; i < y.length; i++) {
                x[i] = i + 1;
                y[i] = Math.max(y[i], 1e-30); // log axis: an exact zero (no gradient at all) at the floor
            }
            line(c, e.getKey(), x, y, true);
        }
        save(c, file);
    }

    /**
     * The full spectrum as a histogram (density-normalised) and/or the SLQ density on one axis; log density, as
     * PyHessian draws it, so the few large outliers show next to the bulk at zero (floor 1e-5).
     */
    static void spectrum(double[] eigenvalues, double[] grid, double[] density, String title, Path file) throws IOException {
        XYChart c = chart(title, "eigenvalue", "density (log)");
        c.getStyler().setYAxisLogarithmic(true);
        if (eigenvalues != null && eigenvalues.length > 0) {
            int bins = Math.min(80, Math.max(10, eigenvalues.length / 10));
            double lo = eigenvalues[0], hi = eigenvalues[eigenvalues.length - 1], w = Math.max((hi - lo) / bins, 1e-30);
            double[] x = new double[bins], y = new double[bins];
            for (double l : eigenvalues) y[Math.min(bins - 1, (int) ((l - lo) / w))] += 1.0 / (eigenvalues.length * w);
            for (int i = 0; i < bins; i++) {
                x[i] = lo + (i + 0.5) * w;
                y[i] = Math.max(y[i], 1e-5);
            }
            XYSeries s = c.addSeries("full Hessian (histogram)", x, y);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
            s.setMarker(SeriesMarkers.NONE);
        }
        if (grid != null) {
            double[] d = density.clone();
            for (int i = 0; i < d.length; i++) d[i] = Math.max(d[i], 1e-5);
            line(c, "stochastic Lanczos quadrature", grid, d, false);
        }
        save(c, file);
    }

    /** y against x with markers; {@code names} and series parallel. */
    static void curves(List<String> names, List<double[]> xs, List<double[]> ys, String title, String xTitle, String yTitle,
                       boolean logY, Path file) throws IOException {
        XYChart c = chart(title, xTitle, yTitle);
        c.getStyler().setYAxisLogarithmic(logY);
        for (int i = 0; i < names.size(); i++) line(c, names.get(i), xs.get(i), ys.get(i), true);
        save(c, file);
    }
}
