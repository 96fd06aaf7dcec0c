package org.simdnn.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.simdnn.bench.InferBench;

/**
 * The infer suite's report from JMH sample-time JSON with the GC profiler's metrics: images/s from the batch,
 * median and p99 latency, B/op, and every ratio taken against ONNX Runtime.
 */
class InferReportTest {
    /** One sample-time result as JMH 1.37 writes it (scores in ms/op), with the GC profiler's secondary metrics. */
    static String result(String shape, String impl, int threads, double meanMs, double p50Ms, double p99Ms, double bytes) {
        return """
                {"benchmark":"org.simdnn.bench.InferBench.infer","mode":"sample","threads":1,"forks":1,
                 "params":{"shape":"%s","impl":"%s","threads":"%d"},
                 "primaryMetric":{"score":%s,"scoreError":0.01,"scoreUnit":"ms/op",
                   "scorePercentiles":{"0.0":0.1,"50.0":%s,"90.0":%s,"99.0":%s,"100.0":99.0},
                   "rawDataHistogram":[[[[%s,1],[%s,3]],[[%s,2]]]]},
                 "secondaryMetrics":{"gc.alloc.rate":{"score":1.5,"scoreUnit":"MB/sec"},
                   "gc.alloc.rate.norm":{"score":%s,"scoreUnit":"B/op"}}}
                """.formatted(shape, impl, threads, meanMs, p50Ms, p50Ms, p99Ms, meanMs / 2, meanMs, meanMs * 1.7, bytes);
    }

    static List<BenchResult> results() {
        String json = "[" + String.join(",",
                result("resnet18-b32", "simdnn", 2, 400, 390, 450, 0),
                result("resnet18-b32", "onnxruntime", 2, 500, 480, 600, 112),
                result("cnn-b1", "simdnn", 1, 0.2, 0.18, 0.4, 64),
                result("cnn-b1", "onnxruntime", 1, 0.1, 0.09, 0.2, 500)) + "]";
        return JmhJson.parse(json, Flops::of);
    }

    @Test
    void imagesLatencyAndAllocationComeFromTheSampleTimeJson() {
        BenchResult r = results().get(0);
        assertEquals("infer", r.bench());
        assertEquals(32, r.items());
        assertEquals(32 / 0.4, r.itemsPerSec(), 1e-9);
        assertEquals(0.390, r.latency().p50(), 1e-12);
        assertEquals(0.450, r.latency().p99(), 1e-12);
        assertEquals(0.0, r.allocBytesPerOp());
        // iterations: mean of (x/2 once, x three times) = 0.875x, then 1.7x: spread 1.7 / 0.875 from the histograms
        assertEquals(1.7 / 0.875, r.spread(), 1e-9);
        assertTrue(r.unstable());
        assertTrue(Double.isNaN(r.gflops()));
        assertTrue(r.isBaseline() == false && results().get(1).isBaseline());
    }

    @Test
    void ratiosAreAgainstOnnxRuntimeOfTheSameShapeAndThreads() {
        ReportTable t = ReportTable.of(results(), CannedResults.env(), ParamOrder.declared());
        ReportRow big = t.rows().stream().filter(x -> x.result().shape().equals("resnet18-b32") && x.result().impl().equals("simdnn"))
                .findFirst().orElseThrow();
        assertEquals(500.0 / 400, big.ratioToBaseline(), 1e-9);
        assertEquals(480.0 / 390, big.p50Speedup(), 1e-9);
        assertEquals(600.0 / 450, big.p99Speedup(), 1e-9);
        ReportRow small = t.rows().stream().filter(x -> x.result().shape().equals("cnn-b1") && x.result().impl().equals("simdnn"))
                .findFirst().orElseThrow();
        assertEquals(0.5, small.ratioToBaseline(), 1e-9);
        assertEquals(0.5, small.p50Speedup(), 1e-9);

        String text = t.toText();
        assertTrue(text.contains("vs onnxruntime") && text.contains("p99 ms") && text.contains("images/s")
                && text.contains("B/op"), text);
        assertFalse(text.contains("GFLOPS"), text);
        assertTrue(text.indexOf("cnn-b1") < text.indexOf("resnet18-b32"), "declared shape order:\n" + text);
    }

    @Test
    void jsonLinesNameTheBaselineAndCarryLatency() {
        ReportTable t = ReportTable.of(results(), CannedResults.env(), ParamOrder.declared());
        JsonObject o = JsonParser.parseString(ResultFiles.jsonLine(t.rows().get(0))).getAsJsonObject();
        assertEquals("infer", o.get("bench").getAsString());
        assertTrue(o.has("ratio_to_onnxruntime") && !o.has("ratio_to_openblas"), o.toString());
        assertTrue(o.has("p50_ms") && o.has("p99_ms") && o.has("items_per_s") && o.has("alloc_bytes_per_op"), o.toString());
        assertTrue(o.has("p50_vs_onnxruntime"), o.toString());
        assertTrue(o.get("gflops").isJsonNull());
        assertTrue(ResultFiles.csv(t).lines().skip(1).allMatch(l -> l.contains(",onnxruntime,")), ResultFiles.csv(t));
    }

    @Test
    void theInferSuiteHasItsBaselineQuickShapesRunLengthsAndTheGcProfiler() {
        assertEquals(List.of(Suite.INFER), Suite.parse("infer"));
        assertTrue(Suite.INFER.benchClass().isPresent());
        assertEquals("onnxruntime", Suite.INFER.baseline());
        assertEquals("openblas", Suite.GEMM.baseline());
        assertTrue(Suite.INFER.profilesAllocation() && !Suite.GEMM.profilesAllocation());
        var quick = ParamPlan.effective(InferBench.class, true, List.of(), List.of(), Map.of());
        assertEquals(List.of(InferBench.QUICK_SHAPES), quick.get("shape"));
        // timed seconds per configuration: a quick run stays near a minute, a full one near ten
        Preset.RunLengths q = Preset.QUICK.lengths(Suite.INFER), f = Preset.FULL.lengths(Suite.INFER);
        assertTrue(12 * (q.warmupIterations() * q.warmupSeconds() + q.measurementIterations() * q.measurementSeconds()) <= 60);
        assertTrue(24 * (f.warmupIterations() * f.warmupSeconds() + f.measurementIterations() * f.measurementSeconds()) <= 360);
        assertEquals(Preset.FULL.lengths(), Preset.FULL.lengths(Suite.GEMM));
        BenchPlan plan = new BenchPlan(List.of(Suite.GEMM, Suite.INFER), Preset.QUICK, List.of(), List.of(), Map.of(),
                BenchPlan.OpenBlasEnv.INHERIT, Path.of("out"), false, false, "test");
        assertEquals("quick (" + Preset.QUICK.jmhFlags() + "; infer: " + q.jmhFlags() + ")", BenchRunner.presetDescription(plan));
    }

    @Test
    void chartsDrawImagesPerSecondOnALogAxis(@TempDir Path dir) throws Exception {
        ReportTable t = ReportTable.of(results(), CannedResults.env(), ParamOrder.declared());
        List<Path> charts = Charts.write(t, dir);
        assertEquals(List.of("infer-t1.png", "infer-t2.png"), charts.stream().map(p -> p.getFileName().toString()).sorted().toList());
        var c = Charts.chart(t.rows().subList(0, 2));
        assertTrue(c.getYAxisTitle().startsWith("images/s"), c.getYAxisTitle());
        assertTrue(Files.size(charts.get(0)) > 1000);
    }
}
