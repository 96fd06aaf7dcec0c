package org.simdnn.kernels.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import jdk.incubator.vector.FloatVector;

/**
 * The vector kernels' species is fixed per JVM ({@code static final}), so each other width runs in a forked
 * JVM with {@code -Dsimdnn.vectorBits} ({@link ConvWidthCheck}); 0 checks the scalar fallbacks.
 */
class ConvVectorWidthsTest {

    @ParameterizedTest(name = "vectorBits={0}")
    @ValueSource(ints = {0, 128, 256})
    void allImplementationsAgreeWithReferenceAtWidth(int bits) throws IOException, InterruptedException {
        Assumptions.assumeTrue(bits <= FloatVector.SPECIES_PREFERRED.vectorBitSize(), "CPU has only " + FloatVector.SPECIES_PREFERRED.vectorBitSize() + " bits");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-Dsimdnn.vectorBits") && !a.startsWith("-agentlib") && !a.startsWith("-javaagent")) cmd.add(a);
        }
        cmd.addAll(List.of("-Dsimdnn.vectorBits=" + bits, "-cp", System.getProperty("java.class.path"),
                ConvWidthCheck.class.getName(), Integer.toString(bits)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES)) p.destroyForcibly();
        assertEquals(0, p.exitValue(), "forked check at " + bits + " bits failed:\n" + out);
    }
}
