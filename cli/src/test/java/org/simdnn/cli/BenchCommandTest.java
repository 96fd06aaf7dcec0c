package org.simdnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchCommandTest {
    private static CommandLine cli(StringWriter out, StringWriter err) {
        CommandLine c = Main.commandLine();
        c.setOut(new PrintWriter(out, true));
        c.setErr(new PrintWriter(err, true));
        return c;
    }

    @Test
    void helpListsThePresetsAndOutputs() {
        StringWriter out = new StringWriter(), err = new StringWriter();
        assertEquals(0, cli(out, err).execute("bench", "--help"));
        for (String opt : new String[] {"--quick", "--json", "--threads", "--out", "--openblas-env", "--impl"}) {
            assertTrue(out.toString().contains(opt), opt + " in\n" + out);
        }
    }

    @Test
    void unknownSuitesAndEnvModesAreRejectedBeforeAnythingRuns() {
        StringWriter out = new StringWriter(), err = new StringWriter();
        assertEquals(2, cli(out, err).execute("bench", "fft", "--quick"));
        assertEquals(2, cli(out, err).execute("bench", "gemm", "--openblas-env", "sometimes"));
        assertTrue(err.toString().contains("sometimes"), err.toString());
        assertEquals(2, cli(out, err).execute("bench", "gemm", "--threads", "x"));
    }
}
