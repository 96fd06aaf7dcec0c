package org.simdnn.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class JmhJsonTest {
    private static BenchResult find(List<BenchResult> rs, String shape, String impl, int threads) {
        return rs.stream().filter(r -> r.shape().equals(shape) && r.impl().equals(impl) && r.threads() == threads)
                .findFirst().orElseThrow(() -> new AssertionError("no row " + shape + " " + impl + " T" + threads));
    }

    @Test
    void throughputScoresBecomeGflopsThroughTheSuitesFlopCount() throws Exception {
        List<BenchResult> rs = CannedResults.results();
        assertEquals(13, rs.size());
        BenchResult r = find(rs, "m64n64k64", "simdnn", 1);
        assertEquals("fakegemm", r.bench());
        assertEquals("sgemm", r.method());
        assertEquals(100_000.0, r.opsPerSec(), 1e-9);
        assertEquals(100_000.0 * 2 * 64 * 64 * 64 / 1e9, r.gflops(), 1e-9);
        assertEquals(5_000.0, r.opsError(), 1e-6);
        assertEquals(2, find(rs, "m64n64k64", "openblas-jni", 2).threads());
    }

    @Test
    void otherUnitsAndModesAreConvertedToOpsPerSecond() throws Exception {
        List<BenchResult> rs = CannedResults.results();
        BenchResult avgt = find(rs, "m128n128k128", "simdnn", 1); // 100 us/op
        assertEquals(10_000.0, avgt.opsPerSec(), 1e-6);
        assertEquals(10_000.0 - 1e6 / 110.0, avgt.opsError(), 1e-6);
        assertEquals(8_000.0, find(rs, "m128n128k128", "openblas-jni", 1).opsPerSec(), 1e-6); // 8 ops/ms
        assertEquals(2.5e-3, JmhJson.toOpsPerSecond(400, "s/op", "avgt"), 1e-15);
        assertEquals(3e9, JmhJson.toOpsPerSecond(3, "ops/ns", "thrpt"), 1e-3);
        assertThrows(IllegalArgumentException.class, () -> JmhJson.toOpsPerSecond(1, "furlongs", "thrpt"));
    }

    @Test
    void missingParamsAndFlopsFallBackWithoutInventingNumbers() throws Exception {
        BenchResult r = find(CannedResults.results(), "x1", "touch", 1);
        assertEquals("fakemisc", r.bench());
        assertTrue(Double.isNaN(r.gflops()), "no flops(shape) → no GFLOPS");
        assertEquals(5e6, r.opsPerSec());
        assertTrue(Double.isNaN(find(CannedResults.results(), "m64n64k64", "naive", 1).opsError()), "\"NaN\" error");
    }

    @Test
    void iterationsThatDisagreeMarkTheRowUnstable() throws Exception {
        String json = """
                [{"benchmark":"org.simdnn.bench.X.run","mode":"thrpt","threads":1,"params":{"shape":"a"},
                  "primaryMetric":{"score":33000.0,"scoreError":"NaN","scoreUnit":"ops/s","rawData":[[850.0,1000.0,98000.0]]}},
                 {"benchmark":"org.simdnn.bench.X.run","mode":"thrpt","threads":1,"params":{"shape":"b"},
                  "primaryMetric":{"score":100.0,"scoreError":1.0,"scoreUnit":"ops/s","rawData":[[99.0,100.0],[101.0]]}}]
                """;
        List<BenchResult> rs = JmhJson.parse(json, (c, s) -> 1.0);
        assertEquals(98000.0 / 850.0, rs.get(0).spread(), 1e-9);
        assertTrue(rs.get(0).unstable());
        assertEquals(101.0 / 99.0, rs.get(1).spread(), 1e-12, "over all forks");
        assertTrue(!rs.get(1).unstable());
        ReportTable t = ReportTable.of(rs, CannedResults.env(), (c, p, v) -> 0);
        assertTrue(t.toText().contains("unstable: iterations 115.3x apart"), t.toText());
    }

    @Test
    void rejectsWhatIsNotJmhJson() {
        assertThrows(IllegalArgumentException.class, () -> JmhJson.parse("{\"a\":1}", (c, s) -> 1));
        assertThrows(IllegalArgumentException.class, () -> JmhJson.parse("[{", (c, s) -> 1));
        assertEquals(List.of(), JmhJson.parse("", (c, s) -> 1));
    }

    @Test
    void flopsComeFromTheSuiteClassByReflection() {
        assertEquals(200.0, Flops.of("org.simdnn.bench.StorageBench", "n100"));
        assertTrue(Double.isNaN(Flops.of("org.simdnn.bench.StorageBench", "bogus")), "rejected shape → NaN");
        assertTrue(Double.isNaN(Flops.of("org.simdnn.bench.NoSuchBench", "n100")));
        assertTrue(Double.isNaN(Flops.of(JmhJsonTest.class.getName(), "n100")), "class without flops(String)");
    }
}
