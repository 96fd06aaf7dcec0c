package org.simdnn.bench.report;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Canned JMH JSON (test resource) with a fake GEMM suite whose FLOPs are 2·M·N·K, and a fixed environment. */
final class CannedResults {
    private CannedResults() {}

    static double fakeFlops(String cls, String shape) {
        if (cls.endsWith("FakeConvBench")) return 1e9; // GFLOPS = ops/s
        if (!cls.endsWith("FakeGemmBench")) return Double.NaN;
        var m = java.util.regex.Pattern.compile("m(\\d+)n(\\d+)k(\\d+)").matcher(shape);
        if (!m.matches()) return Double.NaN;
        return 2.0 * Long.parseLong(m.group(1)) * Long.parseLong(m.group(2)) * Long.parseLong(m.group(3));
    }

    static String json() throws IOException {
        try (InputStream in = CannedResults.class.getResourceAsStream("canned-jmh.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static List<BenchResult> results() throws IOException {
        return JmhJson.parse(json(), CannedResults::fakeFlops);
    }

    static Environment env() {
        return new Environment("2026-11-25T00:00:00Z", "Test CPU", 2, "25 (test)", 512, 2, "Haswell", "512", "quick",
                "./simdnn bench gemm --quick", Map.of(1, 100.0, 2, 150.0));
    }

    /** shape and impl orders as a GEMM suite would declare them. */
    static ParamOrder order() {
        List<String> shapes = List.of("m64n64k64", "m128n128k128");
        List<String> impls = List.of("simdnn", "naive", "openblas-ffm", "openblas-jni");
        return (cls, param, value) -> {
            List<String> l = param.equals("shape") ? shapes : param.equals("impl") ? impls : List.of();
            int i = l.indexOf(value);
            return i < 0 ? Integer.MAX_VALUE : i;
        };
    }

    static ReportTable table() throws IOException {
        return ReportTable.of(results(), env(), order());
    }
}
