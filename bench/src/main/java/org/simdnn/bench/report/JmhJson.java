package org.simdnn.bench.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleBiFunction;

/**
 * Reads JMH's JSON result file ({@code -rf json}) into {@link BenchResult}s. The report always goes through this
 * file, for the in-process run, for a child run with a different environment, and for canned results in tests.
 */
public final class JmhJson {
    private JmhJson() {}

    public static List<BenchResult> read(Path file) throws IOException {
        if (!Files.exists(file) || Files.size(file) == 0) return List.of();
        return parse(Files.readString(file), Flops::of);
    }

    /** Parses JMH's JSON array; {@code flops(className, shape)} gives FLOPs per operation (NaN if unknown). */
    public static List<BenchResult> parse(String json, ToDoubleBiFunction<String, String> flops) {
        JsonElement root;
        try {
            root = JsonParser.parseString(json);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("not JMH JSON: " + e.getMessage(), e);
        }
        if (root.isJsonNull()) return List.of();
        if (!root.isJsonArray()) throw new IllegalArgumentException("JMH JSON must be an array of results");
        List<BenchResult> out = new ArrayList<>();
        for (JsonElement e : (JsonArray) root) out.add(one(e.getAsJsonObject(), flops));
        return out;
    }

    private static BenchResult one(JsonObject o, ToDoubleBiFunction<String, String> flops) {
        String benchmark = o.get("benchmark").getAsString();
        int dot = benchmark.lastIndexOf('.');
        String className = benchmark.substring(0, dot), method = benchmark.substring(dot + 1);
        Map<String, String> params = new LinkedHashMap<>();
        if (o.has("params")) {
            for (var p : o.getAsJsonObject("params").entrySet()) params.put(p.getKey(), p.getValue().getAsString());
        }
        JsonObject pm = o.getAsJsonObject("primaryMetric");
        String mode = o.has("mode") ? o.get("mode").getAsString() : "thrpt";
        String unit = pm.get("scoreUnit").getAsString();
        double score = number(pm.get("score")), error = number(pm.get("scoreError"));
        double ops = toOpsPerSecond(score, unit, mode);
        double opsErr = Double.isNaN(error) ? Double.NaN : Math.abs(ops - toOpsPerSecond(score + error, unit, mode));
        String shape = params.getOrDefault("shape", "");
        String impl = params.getOrDefault("impl", method);
        int threads = params.containsKey("threads") ? parseThreads(params.get("threads"))
                : (o.has("threads") ? o.get("threads").getAsInt() : 1);
        double f = flops.applyAsDouble(className, shape);
        double gflops = Double.isNaN(f) ? Double.NaN : ops * f / 1e9;
        return new BenchResult(Suite.idOf(className), benchmark, method, shape, impl, threads, ops, opsErr, gflops, params,
                spread(pm), Flops.items(className, shape), mode.equals("sample") ? latency(pm, unit) : null, allocation(o));
    }

    /**
     * Median and p99 in seconds from sample-time mode's {@code scorePercentiles} (over every sampled call; in the
     * other modes they are over iterations, not calls); null without them.
     */
    private static BenchResult.Latency latency(JsonObject pm, String unit) {
        if (!pm.has("scorePercentiles") || !unit.endsWith("/op")) return null;
        JsonObject p = pm.getAsJsonObject("scorePercentiles");
        double s = seconds(unit.substring(0, unit.indexOf('/')));
        double p50 = number(p.get("50.0")), p99 = number(p.get("99.0"));
        return Double.isNaN(p50) || Double.isNaN(p99) ? null : new BenchResult.Latency(p50 * s, p99 * s);
    }

    /** {@code gc.alloc.rate.norm} (bytes per operation) from JMH's GC profiler; NaN without it. */
    private static double allocation(JsonObject o) {
        if (!o.has("secondaryMetrics")) return Double.NaN;
        JsonObject sm = o.getAsJsonObject("secondaryMetrics");
        if (!sm.has("gc.alloc.rate.norm")) return Double.NaN;
        JsonObject m = sm.getAsJsonObject("gc.alloc.rate.norm");
        return m.has("scoreUnit") && m.get("scoreUnit").getAsString().equals("B/op") ? number(m.get("score")) : Double.NaN;
    }

    /**
     * max/min over all measurement iterations of all forks (units cancel); NaN without raw data. Sample-time mode
     * has a histogram per iteration ({@code [[value, count], ...]}) instead: its mean is the iteration's score.
     */
    private static double spread(JsonObject pm) {
        if (pm.has("rawDataHistogram") && pm.get("rawDataHistogram").isJsonArray()) return histogramSpread(pm);
        if (!pm.has("rawData") || !pm.get("rawData").isJsonArray()) return Double.NaN;
        double min = Double.POSITIVE_INFINITY, max = 0;
        for (JsonElement fork : pm.getAsJsonArray("rawData")) {
            if (!fork.isJsonArray()) continue;
            for (JsonElement v : fork.getAsJsonArray()) {
                double d = number(v);
                if (d > 0) {
                    min = Math.min(min, d);
                    max = Math.max(max, d);
                }
            }
        }
        return max > 0 ? max / min : Double.NaN;
    }

    private static double histogramSpread(JsonObject pm) {
        double min = Double.POSITIVE_INFINITY, max = 0;
        for (JsonElement fork : pm.getAsJsonArray("rawDataHistogram")) {
            if (!fork.isJsonArray()) continue;
            for (JsonElement iteration : fork.getAsJsonArray()) {
                if (!iteration.isJsonArray()) continue;
                double sum = 0, n = 0;
                for (JsonElement bin : iteration.getAsJsonArray()) {
                    JsonArray vc = bin.getAsJsonArray();
                    double c = number(vc.get(1));
                    sum += number(vc.get(0)) * c;
                    n += c;
                }
                if (n > 0 && sum > 0) {
                    min = Math.min(min, sum / n);
                    max = Math.max(max, sum / n);
                }
            }
        }
        return max > 0 ? max / min : Double.NaN;
    }

    private static int parseThreads(String s) {
        try {
            return Math.max(1, Integer.parseInt(s.trim()));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** JMH writes NaN and infinities as strings. */
    private static double number(JsonElement e) {
        if (e == null || e.isJsonNull()) return Double.NaN;
        try {
            return e.getAsDouble();
        } catch (NumberFormatException ex) {
            return Double.NaN;
        }
    }

    /** "ops/ms" in throughput mode, or "us/op" in average-time mode, etc., to operations per second. */
    static double toOpsPerSecond(double score, String unit, String mode) {
        String[] parts = unit.split("/");
        if (parts.length != 2) throw new IllegalArgumentException("unknown JMH score unit '" + unit + "'");
        if (parts[0].equals("ops")) return score / seconds(parts[1]);
        if (parts[1].equals("op")) return 1.0 / (score * seconds(parts[0]));
        throw new IllegalArgumentException("unknown JMH score unit '" + unit + "' in mode " + mode);
    }

    private static double seconds(String u) {
        return switch (u) {
            case "s" -> 1;
            case "ms" -> 1e-3;
            case "us" -> 1e-6;
            case "ns" -> 1e-9;
            case "min" -> 60;
            default -> throw new IllegalArgumentException("unknown JMH time unit '" + u + "'");
        };
    }
}
