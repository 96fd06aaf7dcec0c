package org.simdnn.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The benchmark suites {@code ./simdnn bench} knows: one JMH class each, in {@code org.simdnn.bench}. A class
 * missing from the build (a trimmed jar) is reported and skipped, not an error.
 */
public enum Suite {
    GEMM("gemm", "GemmBench"),
    MICROKERNEL("microkernel", "MicroKernelBench"),
    CONV("conv", "ConvBench"),
    OPS("ops", "OpsBench"),
    CALLS("calls", "OpenBlasCallBench"),
    STORAGE("storage", "StorageBench"),
    INFER("infer", "InferBench");

    public static final String PACKAGE = "org.simdnn.bench.";

    private final String id;
    private final String simpleName;

    Suite(String id, String simpleName) {
        this.id = id;
        this.simpleName = simpleName;
    }

    public String id() { return id; }

    /** The impl the suite's ratios are taken against: ONNX Runtime for whole models, OpenBLAS for kernels. */
    public String baseline() { return baselineOf(id); }

    /** {@link #baseline()} of a suite id; unknown suites (canned results) compare with OpenBLAS. */
    public static String baselineOf(String id) {
        return id.equals(INFER.id) ? "onnxruntime" : "openblas";
    }

    /** The suite also reports allocation per operation (JMH's GC profiler, B/op). */
    public boolean profilesAllocation() { return this == INFER; }

    /** The suite measures whole models, reported in items (images) per second rather than GFLOPS. */
    public static boolean countsItems(String id) {
        return id.equals(INFER.id);
    }

    /** What one item of {@code ops/s × items(shape)} is, for column and axis titles. */
    public static String itemsOf(String id) {
        return countsItems(id) ? "images" : "items";
    }
    public String className() { return PACKAGE + simpleName; }

    /** The JMH class, if it is in this build. */
    public Optional<Class<?>> benchClass() {
        try {
            return Optional.of(Class.forName(className(), false, Suite.class.getClassLoader()));
        } catch (ClassNotFoundException e) {
            return Optional.empty();
        }
    }

    /** "gemm" → [GEMM]; "all" → every suite; case-insensitive; unknown names are rejected with the list. */
    public static List<Suite> parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.equals("all")) return List.of(values());
        for (Suite s : values()) if (s.id.equals(n)) return List.of(s);
        List<String> ids = new ArrayList<>();
        for (Suite s : values()) ids.add(s.id);
        throw new IllegalArgumentException("unknown benchmark suite '" + name + "'; choose one of " + ids + " or all");
    }

    /** The suite id of a JMH class name ("org.simdnn.bench.GemmBench" → "gemm"); unknown classes get their own. */
    public static String idOf(String className) {
        for (Suite s : values()) if (s.className().equals(className)) return s.id;
        String simple = className.substring(className.lastIndexOf('.') + 1);
        return simple.replaceFirst("Bench$", "").toLowerCase(Locale.ROOT);
    }
}
