package org.simdnn.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.simdnn.bench.ConvBench;

/**
 * A configuration an implementation rejects by design is reported as skipped with its reason; anything else
 * thrown from a setup is a failure (and makes {@code ./simdnn bench} exit 1). The exceptions are the real
 * ones from {@link ConvBench}'s setup, as JMH prints them after its failure marker.
 */
class SkipOrFailTest {
    private final ByteArrayOutputStream progress = new ByteArrayOutputStream();
    private final ProgressFormat format = new ProgressFormat(new PrintStream(progress, true, StandardCharsets.UTF_8),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "");

    private static ConvBench bench(String shape, String impl) {
        ConvBench b = new ConvBench();
        b.shape = shape;
        b.impl = impl;
        b.pass = "bwd-data";
        b.threads = 1;
        return b;
    }

    private void jmhReports(Throwable t) {
        format.println("<failure>");
        format.println("");
        format.println(t.toString());
        format.println("\tat org.simdnn.bench.ConvBench.setup(ConvBench.java:1)");
    }

    @Test
    void rejectedByDesignIsSkippedWithItsReason() {
        // the first CNN layer (C = 1): forced implicit GEMM rejects its backward data
        Throwable t = assertThrows(UnsupportedOperationException.class,
                () -> bench("mb2_ih6iw6ic1_oc32_kh3kw3_sh1sw1_ph1pw1_dh1dw1_g1", "implicit-gemm").setup());
        jmhReports(t);
        assertEquals(0, format.failures().size(), format.failures().toString());
        assertEquals(1, format.skipped().size());
        String out = progress.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("skipped (implicit-gemm bwd-data mb2_ih6iw6ic1"), out);
    }

    @Test
    void aRealErrorStillFails() {
        Throwable t = assertThrows(IllegalArgumentException.class, () -> bench("mb2_not_a_shape", "implicit-gemm").setup());
        jmhReports(t);
        assertEquals(0, format.skipped().size());
        assertEquals(1, format.failures().size());
        assertTrue(progress.toString(StandardCharsets.UTF_8).contains("FAILED: java.lang.IllegalArgumentException"));
    }
}
