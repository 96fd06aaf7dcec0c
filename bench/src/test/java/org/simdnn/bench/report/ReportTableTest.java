package org.simdnn.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTableTest {
    private static ReportRow row(ReportTable t, String shape, String impl, int threads) {
        return t.rows().stream()
                .filter(r -> r.result().shape().equals(shape) && r.result().impl().equals(impl) && r.result().threads() == threads)
                .findFirst().orElseThrow(() -> new AssertionError("no row " + shape + " " + impl + " T" + threads));
    }

    @Test
    void ratioIsToTheBestOpenBlasImplOfTheSameShapeAndThreads() throws Exception {
        ReportTable t = CannedResults.table();
        // m64, T1: best OpenBLAS is openblas-jni (125k ops/s), not openblas-ffm (80k)
        assertEquals(0.8, row(t, "m64n64k64", "simdnn", 1).ratioToBaseline(), 1e-12);
        assertEquals(0.64, row(t, "m64n64k64", "openblas-ffm", 1).ratioToBaseline(), 1e-12);
        assertEquals(1.0, row(t, "m64n64k64", "openblas-jni", 1).ratioToBaseline(), 1e-12);
        assertEquals(0.016, row(t, "m64n64k64", "naive", 1).ratioToBaseline(), 1e-12);
        // T2 compares with T2 only
        assertEquals(0.75, row(t, "m64n64k64", "simdnn", 2).ratioToBaseline(), 1e-12);
        // mixed units (us/op vs ops/ms) still compare correctly: 10000 vs 8000 ops/s
        assertEquals(1.25, row(t, "m128n128k128", "simdnn", 1).ratioToBaseline(), 1e-12);
        assertTrue(Double.isNaN(row(t, "x1", "touch", 1).ratioToBaseline()));
    }

    @Test
    void percentOfPeakUsesThePeakMeasuredForThatThreadCount() throws Exception {
        ReportTable t = CannedResults.table();
        double g1 = 100_000.0 * 2 * 64 * 64 * 64 / 1e9, g2 = 150_000.0 * 2 * 64 * 64 * 64 / 1e9;
        assertEquals(100 * g1 / 100.0, row(t, "m64n64k64", "simdnn", 1).pctOfPeak(), 1e-9);
        assertEquals(100 * g2 / 150.0, row(t, "m64n64k64", "simdnn", 2).pctOfPeak(), 1e-9);
        Environment env = CannedResults.env();
        assertEquals(200.0, env.peakFor(4), 1e-12, "unmeasured counts: 1-thread peak x min(threads, cores)");
        assertTrue(Double.isNaN(new Environment("d", "c", 2, "j", 512, 2, "x", "y", "p", "cmd", java.util.Map.of())
                .peakFor(1)));
    }

    @Test
    void rowsFollowTheDeclaredShapeThenThreadsThenImplOrder() throws Exception {
        List<ReportRow> rows = CannedResults.table().rows();
        List<String> got = rows.stream().filter(r -> !r.result().bench().equals("fakeconv")).map(r -> r.result().bench() + ":" + r.result().shape() + ":T" + r.result().threads()
                + ":" + r.result().impl()).toList();
        assertEquals(List.of(
                "fakegemm:m64n64k64:T1:simdnn", "fakegemm:m64n64k64:T1:naive", "fakegemm:m64n64k64:T1:openblas-ffm",
                "fakegemm:m64n64k64:T1:openblas-jni", "fakegemm:m64n64k64:T2:simdnn", "fakegemm:m64n64k64:T2:openblas-jni",
                "fakegemm:m128n128k128:T1:simdnn", "fakegemm:m128n128k128:T1:openblas-jni", "fakemisc:x1:T1:touch"), got);
    }

    @Test
    void otherParametersSeparateMeasurementsThatMustNotBeCompared() throws Exception {
        ReportTable t = CannedResults.table();
        ReportRow fwd = t.rows().stream().filter(r -> r.result().variant().equals("pass=fwd")
                && r.result().impl().equals("simdnn")).findFirst().orElseThrow();
        ReportRow bwd = t.rows().stream().filter(r -> r.result().variant().equals("pass=bwd-data")
                && r.result().impl().equals("simdnn")).findFirst().orElseThrow();
        assertEquals(0.5, fwd.ratioToBaseline(), 1e-12, "fwd vs fwd im2col-openblas only");
        assertEquals(2.0, bwd.ratioToBaseline(), 1e-12, "bwd-data vs bwd-data im2col-openblas only");
        assertEquals("fakeconv · run · pass=fwd", fwd.result().section());
        assertTrue(t.sections().containsKey("fakeconv · run · pass=bwd-data"));
        assertEquals("", row(t, "m64n64k64", "simdnn", 1).result().variant());
    }

    @Test
    void textAndMarkdownShowGflopsRatioAndPeak() throws Exception {
        ReportTable t = CannedResults.table();
        String text = t.toText();
        assertTrue(text.contains("== fakegemm · sgemm"), text);
        String simdnnLine = text.lines().filter(l -> l.startsWith("m64n64k64") && l.contains(" simdnn ") && l.contains(" 1 "))
                .findFirst().orElseThrow();
        assertTrue(simdnnLine.contains("52.4") && simdnnLine.contains("0.80x") && simdnnLine.contains("52%"), simdnnLine);
        String md = t.toMarkdown();
        assertTrue(md.contains("|shape|impl|T|GFLOPS|±|ops/s|vs OpenBLAS|% peak|"), md);
        assertTrue(md.contains("|m128n128k128|simdnn|1|41.9|"), md);
    }

    @Test
    void relabelMarksOnlyOpenBlasImpls() throws Exception {
        List<BenchResult> r = BenchRunner.relabel(CannedResults.results(), "auto");
        assertTrue(r.stream().anyMatch(x -> x.impl().equals("openblas-jni[auto]")));
        assertTrue(r.stream().anyMatch(x -> x.impl().equals("simdnn")));
        assertEquals("openblas-jni", ReportTable.baseImpl("openblas-jni[auto]"));
        // [auto] and [haswell] both count as OpenBLAS for the ratio
        List<BenchResult> both = new java.util.ArrayList<>(BenchRunner.relabel(CannedResults.results(), "haswell"));
        both.add(CannedResults.results().stream().filter(x -> x.impl().equals("openblas-jni") && x.threads() == 1
                && x.shape().equals("m64n64k64")).findFirst().orElseThrow().withImpl("openblas-jni[auto]"));
        ReportTable t = ReportTable.of(both, CannedResults.env(), CannedResults.order());
        assertEquals(0.8, row(t, "m64n64k64", "simdnn", 1).ratioToBaseline(), 1e-12);
        assertEquals(List.of("openblas-ffm", "openblas-jni"),
                BenchRunner.openBlasImpls(java.util.Map.of("impl", List.of("simdnn", "openblas-ffm", "naive", "openblas-jni"))));
    }

    @Test
    void smallMGemmRowsGetAGigabytesPerSecondColumn() {
        String cls = "org.simdnn.bench.GemmBench";
        BenchResult small = new BenchResult("gemm", cls + ".gemm", "gemm", "m1n1024k1024", "simdnn", 1, 10_000, 1,
                10_000 * 2.0 * 1024 * 1024 / 1e9, java.util.Map.of("shape", "m1n1024k1024", "impl", "simdnn", "threads", "1"), 1);
        BenchResult big = new BenchResult("gemm", cls + ".gemm", "gemm", "m512n512k512", "simdnn", 1, 100, 1,
                100 * 2.0 * 512 * 512 * 512 / 1e9, java.util.Map.of("shape", "m512n512k512", "impl", "simdnn", "threads", "1"), 1);
        // 4 MiB of B per call, 10k calls/s: 41.9 GB/s; m = 512 is no small-m shape: no figure.
        assertEquals(10_000 * 4.0 * 1024 * 1024 / 1e9, ReportTable.gbps(small), 1e-9);
        assertTrue(Double.isNaN(ReportTable.gbps(big)));
        String text = ReportTable.of(List.of(small, big), CannedResults.env(), CannedResults.order()).toText();
        assertTrue(text.contains("GB/s") && text.contains("41.9"), text);
        String onlyBig = ReportTable.of(List.of(big), CannedResults.env(), CannedResults.order()).toText();
        assertTrue(!onlyBig.contains("GB/s"), onlyBig);
    }
}
