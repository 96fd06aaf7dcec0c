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
     * "ops_per_s_error", "ratio_to_openblas", "pct_of_fma_peak", "params"}}; unknown numbers are {@code null}. The
     * ratio is named after the suite's baseline ({@code ratio_to_onnxruntime} for {@code infer}). Sample-time rows
     * add {@code items_per_s}, {@code p50_ms}, {@code p99_ms}, {@code p50_vs_<baseline>}, {@code p99_vs_<baseline>}
     * (the baseline's latency over this row's); profiled rows add {@code alloc_bytes_per_op}.
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
        String baseline = Suite.baselineOf(r.bench());
        o.addProperty("ratio_to_" + baseline, finite(row.ratioToBaseline()));
        o.addProperty("pct_of_fma_peak", finite(row.pctOfPeak()));
        o.addProperty("iteration_spread", finite(r.spread()));
        if (r.latency() != null) {
            o.addProperty("items_per_s", finite(r.itemsPerSec()));
            o.addProperty("p50_ms", finite(r.latency().p50() * 1e3));
            o.addProperty("p99_ms", finite(r.latency().p99() * 1e3));
            o.addProperty("p50_vs_" + baseline, finite(row.p50Speedup()));
            o.addProperty("p99_vs_" + baseline, finite(row.p99Speedup()));
        }
        if (!Double.isNaN(r.allocBytesPerOp())) o.addProperty("alloc_bytes_per_op", finite(r.allocBytesPerOp()));
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
        StringBuilder sb = new StringBuilder("bench,method,variant,shape,impl,threads,gflops,ops_per_s,ops_per_s_error,"
                + "baseline,ratio_to_baseline,pct_of_fma_peak,items_per_s,p50_s,p99_s,alloc_bytes_per_op\n");
        for (ReportRow row : t.rows()) {
            BenchResult r = row.result();
            BenchResult.Latency l = r.latency();
            sb.append(String.join(",", r.bench(), r.method(), quote(r.variant()), quote(r.shape()), quote(r.impl()),
                    Integer.toString(r.threads()), num(r.gflops()), num(r.opsPerSec()), num(r.opsError()),
                    Suite.baselineOf(r.bench()), num(row.ratioToBaseline()), num(row.pctOfPeak()), num(r.itemsPerSec()),
                    l == null ? "" : num(l.p50()), l == null ? "" : num(l.p99()), num(r.allocBytesPerOp()))).append('\n');
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
                .append("GB/s (small-m GEMM) = ops/s × the bytes of B, the weights the call streams, / 1e9 (the `stream` row ")
                .append("reads the same B and nothing else: the read bandwidth for that size); ")
                .append("infer: images/s = ops/s × batch, p50/p99 = median and 99th-percentile call latency, ")
                .append("\"vs onnxruntime\" = throughput ratio and \"p50 vs\"/\"p99 vs\" = ONNX Runtime's latency over ")
                .append("simdnn's (both >1 when simdnn is faster), B/op = bytes allocated per call (JMH -prof gc); ")
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
