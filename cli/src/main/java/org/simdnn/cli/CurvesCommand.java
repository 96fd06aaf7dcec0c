package org.simdnn.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.knowm.xchart.XYChart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code simdnn curves}: test accuracy against wall-clock seconds, one line per run, from CSV files with the header
 * {@code recipe,seed,epoch,wall_s,test_accuracy} (what scripts/time-to-94.sh writes; another framework's runs in the
 * same columns draw next to them).
 */
@Command(name = "curves", mixinStandardHelpOptions = true,
        description = "Chart test accuracy against wall-clock seconds from CSV files of scripts/time-to-94.sh "
                + "(columns recipe,seed,epoch,wall_s,test_accuracy), one line per recipe and seed.")
final class CurvesCommand implements Callable<Integer> {
    static final String HEADER = "recipe,seed,epoch,wall_s,test_accuracy";

    @Parameters(arity = "1..*", paramLabel = "CSV", description = "CSV files with the header " + HEADER)
    List<Path> files;

    @Option(names = "--out", required = true, description = "PNG to write")
    Path out;

    @Option(names = "--title", defaultValue = "Fashion-MNIST test accuracy vs wall clock", description = "chart title (default: ${DEFAULT-VALUE})")
    String title;

    @Override
    public Integer call() throws IOException {
        org.simdnn.nn.io.AtomicFiles.checkWritable(out);
        Map<String, List<double[]>> runs = new LinkedHashMap<>();
        for (Path f : files) read(f, runs);
        if (runs.isEmpty()) throw new IllegalArgumentException("no points in " + files);
        XYChart c = DiagnosticCharts.chart(title, "wall-clock seconds since the command's start", "test accuracy");
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
        c.getStyler().setYAxisMin(0.85);
        for (Map.Entry<String, List<double[]>> e : runs.entrySet()) {
            List<double[]> pts = e.getValue();
            pts.sort((a, b) -> Double.compare(a[0], b[0]));
            DiagnosticCharts.line(c, e.getKey(), pts.stream().mapToDouble(p -> p[0]).toArray(),
                    pts.stream().mapToDouble(p -> p[1]).toArray(), true);
        }
        double xmax = runs.values().stream().flatMap(List::stream).mapToDouble(p -> p[0]).max().orElse(1);
        DiagnosticCharts.line(c, "94 %", new double[] {0, xmax}, new double[] {0.94, 0.94}, false);
        DiagnosticCharts.save(c, out);
        return 0;
    }

    /** Adds the file's points to {@code runs} by "recipe, seed S"; a malformed line is an error naming file and line. */
    static void read(Path f, Map<String, List<double[]>> runs) throws IOException {
        List<String> lines = Files.readAllLines(f);
        if (lines.isEmpty() || !lines.get(0).strip().equals(HEADER)) {
            throw new IllegalArgumentException(f + ": the first line must be '" + HEADER + "', got '"
                    + (lines.isEmpty() ? "" : lines.get(0)) + "'");
        }
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) continue;
            String[] v = line.split(",");
            try {
                if (v.length != 5) throw new NumberFormatException(v.length + " columns, not 5");
                double wall = Double.parseDouble(v[3]), acc = Double.parseDouble(v[4]);
                if (!(wall >= 0) || !(acc >= 0 && acc <= 1)) throw new NumberFormatException("wall " + wall + ", accuracy " + acc);
                runs.computeIfAbsent(v[0] + ", seed " + v[1], k -> new ArrayList<>()).add(new double[] {wall, acc});
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(f + " line " + (i + 1) + ": '" + line + "' is not recipe,seed,epoch,"
                        + "wall seconds >= 0,accuracy in [0, 1] (" + e.getMessage() + ")");
            }
        }
    }
}
