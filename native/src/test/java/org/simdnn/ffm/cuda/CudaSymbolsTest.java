package org.simdnn.ffm.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.ValueLayout;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.simdnn.ops.Activation;

/**
 * The Java bindings ({@link CudaFunction}) against the C header they mirror and against the library nvcc built:
 * the same names, the same arity and argument types, nothing exported that is not declared. Runs without a GPU.
 */
class CudaSymbolsTest {
    private static final Path CUDA_SRC = Path.of("src/main/cuda");

    /** name -> descriptor of every SD_API function of simdnn_cuda.h, from its text. */
    static Map<String, FunctionDescriptor> headerFunctions() throws IOException {
        String h = Files.readString(CUDA_SRC.resolve("simdnn_cuda.h"))
                .replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", " ");
        Matcher m = Pattern.compile("SD_API\\s+([\\w\\s*]+?)\\s*\\b(sd_\\w+)\\s*\\(([^)]*)\\)\\s*;").matcher(h);
        Map<String, FunctionDescriptor> out = new TreeMap<>();
        while (m.find()) {
            List<MemoryLayout> args = new ArrayList<>();
            for (String p : m.group(3).split(",")) {
                if (!p.isBlank() && !p.trim().equals("void")) args.add(cType(p, m.group(2)));
            }
            MemoryLayout ret = cType(m.group(1), m.group(2));
            out.put(m.group(2), FunctionDescriptor.of(ret, args.toArray(MemoryLayout[]::new)));
        }
        return out;
    }

    private static MemoryLayout cType(String decl, String fn) {
        String t = decl.trim();
        if (t.contains("*")) return ValueLayout.ADDRESS;
        t = t.replaceAll("\\bconst\\b", "").trim();
        if (t.startsWith("long long")) return ValueLayout.JAVA_LONG;
        if (t.startsWith("int")) return ValueLayout.JAVA_INT;
        if (t.startsWith("float")) return ValueLayout.JAVA_FLOAT;
        if (t.startsWith("double")) return ValueLayout.JAVA_DOUBLE;
        throw new AssertionError("unexpected C type '" + decl + "' in " + fn);
    }

    private static Map<String, Integer> headerEnum(String prefix) throws IOException {
        Matcher m = Pattern.compile("\\b" + prefix + "(\\w+)\\s*=\\s*(\\d+)")
                .matcher(Files.readString(CUDA_SRC.resolve("simdnn_cuda.h")));
        Map<String, Integer> out = new TreeMap<>();
        while (m.find()) out.put(m.group(1), Integer.parseInt(m.group(2)));
        return out;
    }

    /** The built library on the test class path, or null if nvcc did not build it. */
    static Path builtLibrary() throws URISyntaxException {
        URL url = CudaSymbolsTest.class.getClassLoader().getResource(CudaLibrary.RESOURCE);
        return url == null ? null : Path.of(url.toURI());
    }

    /** The nvcc the build script would use, or null. */
    static String nvcc() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", CUDA_SRC.resolve("build.sh").toString(), "--which")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return p.waitFor() == 0 && !out.isEmpty() ? out : null;
    }

    @Test
    void bindingsMatchTheHeaderInNameArityAndTypes() throws IOException {
        Map<String, FunctionDescriptor> header = headerFunctions();
        assertTrue(header.size() >= 30, "parsed only " + header.keySet());
        Map<String, FunctionDescriptor> bound = new TreeMap<>();
        for (CudaFunction f : CudaFunction.values()) bound.put(f.symbol, f.descriptor);
        assertEquals(header.keySet(), bound.keySet(), "functions declared in simdnn_cuda.h vs bound in CudaFunction");
        for (var e : header.entrySet()) {
            assertEquals(e.getValue(), bound.get(e.getKey()), e.getKey() + ": header signature vs binding");
        }
    }

    @Test
    void enumValuesMatchTheHeader() throws IOException {
        Map<String, Integer> math = headerEnum("SD_MATH_");
        for (CudaMath m : CudaMath.values()) assertEquals(math.get(m.name()), m.code, "SD_MATH_" + m);
        assertEquals(math.size(), CudaMath.values().length);
        Map<String, Integer> act = headerEnum("SD_ACT_");
        for (Activation a : Activation.values()) assertEquals(act.get(a.name()), a.ordinal(), "SD_ACT_" + a);
        assertEquals(act.size(), Activation.values().length);
    }

    @Test
    void libraryIsBuiltWheneverNvccIsPresent() throws Exception {
        String nvcc = nvcc();
        assumeTrue(nvcc != null, "nvcc not found: the build skips the CUDA library");
        assumeTrue(!Boolean.getBoolean("simdnn.cuda.skip"), "built with -Dsimdnn.cuda.skip=true");
        assertNotNull(builtLibrary(), "nvcc is at " + nvcc + " but " + CudaLibrary.RESOURCE + " was not built");
    }

    @Test
    void libraryExportsExactlyTheHeaderFunctions() throws Exception {
        Path so = builtLibrary();
        assumeTrue(so != null, "the CUDA library was not built here (no nvcc)");
        Process p;
        try {
            p = new ProcessBuilder("nm", "-D", "--defined-only", so.toString()).redirectErrorStream(true).start();
        } catch (IOException noNm) {
            assumeTrue(false, "nm (binutils) is not installed: " + noNm.getMessage());
            return;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        TreeSet<String> exported = new TreeSet<>();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3 && (f[1].equals("T") || f[1].equals("W"))) exported.add(f[2]);
        }
        assertEquals(new TreeSet<>(headerFunctions().keySet()), exported,
                "exports of " + so + " (the version script must hide the static CUDA runtime)");
    }

    @Test
    void libraryOpensAndBindsWithoutADriver() throws Exception {
        Path so = builtLibrary();
        assumeTrue(so != null, "the CUDA library was not built here (no nvcc)");
        CudaLibrary.Loaded l = CudaLibrary.open(so);
        assertNull(l.failure(), () -> "the statically linked runtime must load without libcuda: " + l.failure());
        assertTrue(l.lib().errorString(10002).contains("padding"), l.lib().errorString(10002));
        assertTrue(l.lib().errorString(10001).contains("bad argument"));
    }

    @Test
    void everySourceFileIsCompiledAndIncludesTheHeaderOrTheCommonHelpers() throws IOException {
        // extern "C" definitions checked against the header's declarations need the header in scope
        try (var files = Files.list(CUDA_SRC)) {
            List<Path> cu = files.filter(f -> f.toString().endsWith(".cu")).sorted().toList();
            assertTrue(cu.size() >= 8, cu.toString());
            for (Path f : cu) {
                String s = Files.readString(f);
                if (!s.contains("#include \"common.cuh\"") && !s.contains("#include \"gemm_tile.cuh\"")
                        && !s.contains("#include \"reduce.cuh\"")) {
                    fail(f + " does not include simdnn_cuda.h (through common.cuh)");
                }
            }
        }
        assertTrue(Files.readString(CUDA_SRC.resolve("common.cuh")).contains("#include \"simdnn_cuda.h\""));
        assertEquals(List.of(), Arrays.stream(CudaFunction.values()).filter(f -> !f.symbol.startsWith("sd_")).toList());
    }
}
