package org.simdnn.reference;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Enforces the dependency direction between modules by reading compiled classes: a class file names every
 * class it references in its constant pool, so a forbidden package shows up as its internal name. (kernels, nn
 * and onnx also have a module-info, in src/main/module, whose exports say the same at compile time; the other
 * modules run on the class path, so this check runs in every module's tests.)
 */
public final class Layering {
    private Layering() {}

    /** Classes under {@code classesDir} that reference any of the forbidden package prefixes. */
    public static List<String> violations(Path classesDir, String... forbiddenPackages) {
        List<String> bad = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classesDir)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class"))::iterator) {
                String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                for (String pkg : forbiddenPackages) {
                    if (text.contains(pkg.replace('.', '/') + "/")) bad.add(classesDir.relativize(f) + " -> " + pkg);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bad;
    }
}
