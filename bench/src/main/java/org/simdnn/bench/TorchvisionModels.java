package org.simdnn.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The torchvision ONNX files of {@code onnx/scripts/export_torchvision.py} (random weights, symbolic batch), in
 * {@code ${SIMDNN_CACHE:-~/.cache/simdnn}/onnx-models}. A missing file is made by running the script once; when that
 * cannot be done (no script in this checkout, no python3 with torch) the caller gets an
 * {@link UnsupportedOperationException} whose message starts with {@code skip:}, which the bench report shows as a
 * skipped configuration with the reason.
 */
final class TorchvisionModels {
    static final String SCRIPT = "onnx/scripts/export_torchvision.py";

    private TorchvisionModels() {}

    /** The cache folder the script writes to. */
    static Path dir() {
        String base = System.getenv("SIMDNN_CACHE");
        Path root = base == null || base.isEmpty() ? Path.of(System.getProperty("user.home"), ".cache", "simdnn") : Path.of(base);
        return root.resolve("onnx-models");
    }

    /** The script in this checkout: under {@code -Dsimdnn.home} (the launcher sets it), else relative to the working dir. */
    static Path script() {
        String home = System.getProperty("simdnn.home");
        for (Path root : home != null ? List.of(Path.of(home)) : List.of(Path.of(""), Path.of(".."))) {
            Path s = root.resolve(SCRIPT);
            if (Files.isRegularFile(s)) return s;
        }
        return null;
    }

    /** {@code dir()/<model>.onnx}, exported first if it is missing. */
    static Path file(String model) throws IOException {
        return file(model, dir(), script());
    }

    static Path file(String model, Path dir, Path script) throws IOException {
        Path f = dir.resolve(model + ".onnx");
        if (Files.isRegularFile(f)) return f;
        if (script == null || !Files.isRegularFile(script)) {
            throw new UnsupportedOperationException("skip: " + f + " is missing and " + SCRIPT
                    + " is not in this checkout to make it");
        }
        String out = export(script, dir);
        if (!Files.isRegularFile(f)) {
            String[] lines = out.strip().split("\n");
            throw new UnsupportedOperationException("skip: " + f + " is missing and " + script + " could not make it (needs "
                    + "python3-torch and python3-torchvision): " + lines[lines.length - 1]);
        }
        return f;
    }

    /** Runs the script with the first python3 that succeeds (a pyenv shim may lack torch where /usr/bin/python3 has it). */
    private static String export(Path script, Path dir) throws IOException {
        StringBuilder log = new StringBuilder();
        for (String py : List.of("python3", "/usr/bin/python3")) {
            Process p;
            try {
                p = new ProcessBuilder(py, script.toString(), "--out", dir.toString()).redirectErrorStream(true).start();
            } catch (IOException e) {
                log.append(py).append(": ").append(e.getMessage()).append('\n');
                continue;
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            try {
                if (!p.waitFor(20, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    log.append(py).append(": ").append(script).append(" did not finish in 20 minutes\n");
                    break;
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                break;
            }
            log.append(out);
            if (p.exitValue() == 0) break;
        }
        return log.toString();
    }
}
