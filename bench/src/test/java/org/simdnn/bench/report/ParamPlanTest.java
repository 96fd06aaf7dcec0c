package org.simdnn.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Param;

class ParamPlanTest {
    /** A stand-in suite (never run): eight shapes, three impls, two thread counts. */
    public static class SweepBench {
        @Param({"s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8"}) public String shape;
        @Param({"simdnn", "naive", "openblas-jni"}) public String impl;
        @Param({"1", "2"}) public int threads;
    }

    public static class HookedBench {
        public static final String[] QUICK_SHAPES = {"b", "d"};
        @Param({"a", "b", "c", "d", "e"}) public String shape;
    }

    public static class MethodHookBench {
        public static String[] quickShapes() { return new String[] {"z"}; }
        @Param({"x", "y", "z", "w", "v"}) public String shape;
    }

    @Test
    void fullRunsKeepTheDeclaredValues() {
        Map<String, List<String>> p = ParamPlan.effective(SweepBench.class, false, List.of(), List.of(), Map.of());
        assertEquals(List.of("s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8"), p.get("shape"));
        assertEquals(List.of("simdnn", "naive", "openblas-jni"), p.get("impl"));
        assertEquals(List.of("1", "2"), p.get("threads"));
    }

    @Test
    void quickSpreadsFourShapesOverTheSmallerThreeQuarters() {
        Map<String, List<String>> p = ParamPlan.effective(SweepBench.class, true, List.of(), List.of(), Map.of());
        assertEquals(List.of("s1", "s3", "s4", "s6"), p.get("shape"));
        assertEquals(List.of("b", "d"), ParamPlan.effective(HookedBench.class, true, List.of(), List.of(), Map.of()).get("shape"));
        assertEquals(List.of("z"), ParamPlan.effective(MethodHookBench.class, true, List.of(), List.of(), Map.of()).get("shape"));
        assertEquals(List.of("a", "b", "c", "d", "e"),
                ParamPlan.effective(HookedBench.class, false, List.of(), List.of(), Map.of()).get("shape"));
    }

    @Test
    void threadsImplsAndOverridesNarrowTheRun() {
        Map<String, List<String>> p = ParamPlan.effective(SweepBench.class, true, List.of(2), List.of("openblas-jni", "simdnn", "mkl"),
                Map.of("shape", List.of("s8")));
        assertEquals(List.of("2"), p.get("threads"));
        assertEquals(List.of("simdnn", "openblas-jni"), p.get("impl"), "declared order, unknown names dropped");
        assertEquals(List.of("s8"), p.get("shape"));
    }

    @Test
    void badSelectionsSayWhatExists() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> ParamPlan.effective(SweepBench.class, false, List.of(), List.of("mkl"), Map.of()));
        assertTrue(e.getMessage().contains("[simdnn, naive, openblas-jni]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ParamPlan.effective(SweepBench.class, false, List.of(), List.of(), Map.of("size", List.of("1"))));
        assertTrue(e.getMessage().contains("no parameter 'size'"), e.getMessage());
    }

    @Test
    void suitesParseAndMapClassNames() {
        assertEquals(List.of(Suite.GEMM), Suite.parse("GEMM"));
        assertEquals(Suite.values().length, Suite.parse("all").size());
        var e = assertThrows(IllegalArgumentException.class, () -> Suite.parse("fft"));
        assertTrue(e.getMessage().contains("gemm") && e.getMessage().contains("all"), e.getMessage());
        assertEquals("gemm", Suite.idOf("org.simdnn.bench.GemmBench"));
        assertEquals("calls", Suite.idOf("org.simdnn.bench.OpenBlasCallBench"));
        assertEquals("fancy", Suite.idOf("org.example.FancyBench"));
        assertTrue(Suite.STORAGE.benchClass().isPresent(), "StorageBench is in this build");
    }
}
