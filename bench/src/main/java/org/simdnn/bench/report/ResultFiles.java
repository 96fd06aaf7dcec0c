package org.simdnn.bench.report;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The machine-readable outputs of a run: JSON lines, CSV, the environment as JSON, and a Markdown report. */
public final class ResultFiles {
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();
    private static final Gson PRETTY = new GsonBuilder().disableHtmlEscaping().setPrettyPrinting().create();

    private ResultFiles() {}

    /**
     * One JSON object per row: {@code {"bench","shape","impl","threads","gflops", "method", "variant", "ops_per_s",
     * "ops_per_s_error", "ratio_to_openblas", "pct_of_fma_peak", "params"}}; unknown numbers are {@code null}.
     */
    public static String jsonLine(ReportRow row) {
        BenchResult r = row.result();
        JsonObject o = new JsonObject();
        o.addProperty("bench", r.bench());
        o.addProperty("shape", r.shape());
        o.addProperty("impl", r.impl());
        o.addProperty("threads", r.threads());
        o.addProperty("gflops", finite(r.gflops()));
        o.addProperty("method", r.method());
        o.addProperty("variant", r.variant());
        o.addProperty("ops_per_s", finite(r.opsPerSec()));
        o.addProperty("ops_per_s_error", finite(r.opsError()));
        o.addProperty("ratio_to_openblas", finite(row.ratioToOpenBlas()));
        o.addProperty("pct_of_fma_peak", finite(row.pctOfPeak()));
        o.addProperty("iteration_spread", finite(r.spread()));
        o.add("params", GSON.toJsonTree(r.params()));
        return GSON.toJson(o);
    }

    private static Double finite(double d) {
        return Double.isFinite(d) ? d : null;
    }

    public static List<String> jsonLines(ReportTable t) {
        List<String> out = new ArrayList<>();
        for (ReportRow r : t.rows()) out.add(jsonLine(r));
        return out;
    }

    public static String csv(ReportTable t) {
        StringBuilder sb = new StringBuilder("bench,method,variant,shape,impl,threads,gflops,ops_per_s,ops_per_s_error,ratio_to_openblas,pct_of_fma_peak\n");
        for (ReportRow row : t.rows()) {
            BenchResult r = row.result();
            sb.append(String.join(",", r.bench(), r.method(), quote(r.variant()), quote(r.shape()), quote(r.impl()),
                    Integer.toString(r.threads()), num(r.gflops()), num(r.opsPerSec()), num(r.opsError()),
                    num(row.ratioToOpenBlas()), num(row.pctOfPeak()))).append('\n');
        }
        return sb.toString();
    }

    private static String num(double d) {
        return Double.isFinite(d) ? String.format(Locale.ROOT, "%.6g", d) : "";
    }

    private static String quote(String s) {
        return s.contains(",") || s.contains("\"") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    public static String environmentJson(Environment env) {
        return PRETTY.toJson(env);
    }

    /** The inverse of {@link #environmentJson}. */
    public static Environment readEnvironment(String json) {
        Environment e = PRETTY.fromJson(json, Environment.class);
        if (e == null || e.cpuModel() == null) throw new IllegalArgumentException("not an environment.json: " + json);
        return new Environment(e.date(), e.cpuModel(), e.cores(), e.jdk(), e.vectorBits(), e.simdnnThreads(),
                e.openblasCoretype(), e.openblasL2Size(), e.preset(), e.command(),
                e.fmaPeakGflops() == null ? Map.of() : e.fmaPeakGflops());
    }

    /** Markdown: environment, command, tables, and links to the charts (relative to the results folder). */
    public static String markdown(Environment env, ReportTable t, List<Path> charts, List<String> notes) {
        StringBuilder sb = new StringBuilder("# simdnn benchmark results\n\n```\n").append(env.describe()).append("```\n\n");
        sb.append("GFLOPS = JMH ops/s × the suite's `flops(shape)` / 1e9; ± = JMH's 99.9% error; ")
                .append("\"vs OpenBLAS\" = ratio to the best OpenBLAS-based impl for the same shape and threads ")
                .append("(>1 means faster); \"% peak\" = share of the measured FMA peak at that thread count; ")
                .append("\"unstable\" = the slowest and fastest measurement iterations are more than ")
                .append(BenchResult.UNSTABLE_SPREAD).append("x apart (on a busy machine: JIT still compiling, or load changed).\n\n");
        for (String n : notes) sb.append("> ").append(n).append("\n\n");
        sb.append(t.toMarkdown());
        for (Path c : charts) {
            sb.append("![").append(c.getFileName()).append("](").append(c.getFileName()).append(")\n\n");
        }
        return sb.toString();
    }

    public static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, content);
    }
}
