package org.simdnn.reference;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Finds a python3 that can import the given modules (Debian's /usr/bin/python3 when a pyenv shim lacks them). */
public final class PythonProbe {
    private PythonProbe() {}

    /** The first interpreter that imports all of {@code modules}, or null. */
    public static String find(String... modules) {
        String probe = "import " + String.join(", ", modules);
        for (String py : List.of("python3", "/usr/bin/python3")) {
            try {
                Process p = new ProcessBuilder(py, "-c", probe).redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0) return py;
                p.destroyForcibly();
            } catch (IOException e) {
                // no interpreter under this name; try the next
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }
}
