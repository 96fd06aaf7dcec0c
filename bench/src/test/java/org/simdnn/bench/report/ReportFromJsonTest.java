package org.simdnn.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./simdnn bench --from DIR}: the report rebuilt from a results folder, with the [auto] rerun merged in. */
class ReportFromJsonTest {
    @Test
    void environmentRoundTripsThroughJson() {
        Environment e = CannedResults.env();
        Environment back = ResultFiles.readEnvironment(ResultFiles.environmentJson(e));
        assertEquals(e, back);
        assertEquals(150.0, back.peakFor(2));
    }

    @Test
    void rebuildsTablesAndChartsFromJmhJson(@TempDir Path dir) throws Exception {
        // a GemmBench-shaped result pair: the inherited-environment run and the [auto] child run
        String base = CannedResults.json().replace("FakeGemmBench", "GemmBench").replace("FakeConvBench", "ConvBench")
                .replace("FakeMiscBench", "StorageBench");
        Files.writeString(dir.resolve("jmh-gemm.json"), base);
        Files.writeString(dir.resolve("jmh-gemm-auto.json"), """
                [{"benchmark":"org.simdnn.bench.GemmBench.sgemm","mode":"thrpt","threads":1,
                  "params":{"shape":"m64n64k64","impl":"openblas-jni","threads":"1"},
                  "primaryMetric":{"score":250000.0,"scoreError":1.0,"scoreUnit":"ops/s","rawData":[[250000.0]]}}]
                """);
        Files.writeString(dir.resolve("environment.json"), ResultFiles.environmentJson(CannedResults.env()));
        BenchRunner.Outcome o = new BenchRunner(new PrintStream(new ByteArrayOutputStream())).report(dir, "test");
        List<String> impls = o.table().rows().stream().map(r -> r.result().impl()).distinct().toList();
        assertTrue(impls.contains("openblas-jni[auto]") && impls.contains("openblas-jni[haswell]"), impls.toString());
        assertTrue(Files.size(dir.resolve("report.md")) > 0);
        assertTrue(Files.readString(dir.resolve("results.jsonl")).lines().count() >= 13);
        assertTrue(o.files().stream().anyMatch(p -> p.getFileName().toString().endsWith(".png")), o.files().toString());
    }
}
