package org.simdnn.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** bom/pom.xml has no parent (so it pins nothing of the build): its versions are checked against the reactor's. */
class BomTest {
    private static final List<String> LIBRARIES =
            List.of("simdnn-kernels", "simdnn-nn", "simdnn-onnx", "simdnn-diagnostics", "simdnn-native", "simdnn-spark");

    @Test
    void pinsEveryLibraryAtTheReactorVersion() throws IOException {
        String parent = Files.readString(Path.of("../pom.xml"));
        Matcher v = Pattern.compile("<artifactId>simdnn-parent</artifactId>\\s*<version>([^<]+)</version>").matcher(parent);
        assertTrue(v.find(), "no version in ../pom.xml");
        String version = v.group(1);
        String bom = Files.readString(Path.of("../bom/pom.xml"));
        Matcher d = Pattern.compile("<artifactId>(simdnn-[a-z-]+)</artifactId>\\s*<version>([^<]+)</version>").matcher(bom);
        int pinned = 0;
        while (d.find()) {
            assertEquals(version, d.group(2), d.group(1) + " in bom/pom.xml");
            if (LIBRARIES.contains(d.group(1))) pinned++;
        }
        assertEquals(LIBRARIES.size(), pinned, "bom/pom.xml must pin " + LIBRARIES);
    }
}
