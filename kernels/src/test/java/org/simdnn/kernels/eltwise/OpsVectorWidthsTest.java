package org.simdnn.kernels.eltwise;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole ops conformance suite at the widths this JVM does not run by default: each in a forked JVM with
 * {@code -Dsimdnn.vectorBits} ({@link OpsWidthCheck}); 0 runs the scalar paths, 128/256 the narrower vector bodies
 * and their tails. The preferred width is covered by the backend conformance tests themselves.
 */
class OpsVectorWidthsTest {

    @ParameterizedTest(name = "vectorBits={0}")
    @ValueSource(ints = {0, 128, 256, 512})
    void opsConformanceAtWidth(int bits) throws IOException, InterruptedException {
        int preferred = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        Assumptions.assumeTrue(bits <= preferred, "CPU has only " + preferred + " bits");
        Assumptions.assumeTrue(bits != preferred, "the preferred width runs in CpuBackendConformanceTest");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-Dsimdnn.vectorBits") && !a.startsWith("-agentlib") && !a.startsWith("-javaagent")) {
                cmd.add(a);
            }
        }
        cmd.addAll(List.of("-Dsimdnn.vectorBits=" + bits, "-cp", System.getProperty("java.class.path"),
                OpsWidthCheck.class.getName(), Integer.toString(bits)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES)) p.destroyForcibly();
        assertEquals(0, p.exitValue(), "forked ops check at " + bits + " bits failed:\n" + out);
    }
}
