package org.simdnn.example.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Runs {@link EmbedExample} as an application would: a fresh JVM with the app and simdnn-nn's runtime
 * dependencies, on the class path and on the module path, with and without {@code --add-modules
 * jdk.incubator.vector}. Without the module the kernels must run scalar (and say which flag to add), not crash.
 */
class EmbedLaunchTest {
    private static final String MAIN = "org.simdnn.example.embed.EmbedExample";
    private static final String MODULE = "org.simdnn.example.embed";

    @ParameterizedTest(name = "{0}, vector module {1}")
    @CsvSource({"class-path, true", "class-path, false", "module-path, true", "module-path, false"})
    void trainsSavesLoadsAndPredicts(String path, boolean vectorModule) throws IOException, InterruptedException {
        String appPath = System.getProperty("example.classes") + File.pathSeparator
                + System.getProperty("example.runtime.path");
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx1g"));
        if (vectorModule) cmd.addAll(List.of("--add-modules", "jdk.incubator.vector"));
        if (path.equals("module-path")) {
            cmd.addAll(List.of("--module-path", appPath, "--module", MODULE + "/" + MAIN));
        } else {
            cmd.addAll(List.of("-cp", appPath, MAIN));
        }
        cmd.addAll(List.of("/usr/share/datasets/fashion-mnist", "3000"));
        Path log = Files.createTempFile("simdnn-example", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean done = p.waitFor(300, TimeUnit.SECONDS);
        if (!done) p.destroyForcibly();
        String out = Files.readString(log, StandardCharsets.UTF_8);
        Files.delete(log);
        System.out.println(String.join(" ", cmd) + "\n" + out); // kept in target/surefire-reports
        assertTrue(done, "timed out: " + String.join(" ", cmd) + "\n" + out);
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + "\n" + out);
        assertTrue(out.contains("test accuracy"), out);
        assertEquals(!vectorModule, out.contains("--add-modules jdk.incubator.vector"),
                "the scalar fallback names the flag to add, and only when it is missing:\n" + out);
    }
}
