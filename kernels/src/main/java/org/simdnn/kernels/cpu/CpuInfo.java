package org.simdnn.kernels.cpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the CPU and the JVM offer the kernels, decided once at class initialisation.
 *
 * <p>The vector width is the JVM's preferred float species unless {@code -Dsimdnn.vectorBits=0|128|256|512}
 * overrides it (0 = scalar), so tests can run every width on one machine. When the Vector API cannot be
 * used (module {@code jdk.incubator.vector} not added, or no C2 to compile it) the kernels run scalar and
 * this class says so once, at WARNING on the {@code System.Logger} "org.simdnn" (stderr unless the application
 * routes it), naming the flag to add: a silent 10x slowdown is worse than a loud one. The vector kernels are
 * linked only after this check (their vector bodies live in nested {@code Simd} classes), so the scalar paths
 * run without the module.
 */
public final class CpuInfo {
    /** Vector width the kernels use, in bits; 0 = scalar. */
    public static final int VECTOR_BITS;
    /** Why that width (shown by {@code simdnn info}). */
    public static final String VECTOR_REASON;
    /** CPU flags from /proc/cpuinfo that matter to us (avx2, avx512f, fma, avx512_bf16, ...). */
    public static final Set<String> FLAGS;
    public static final String MODEL;

    private static final List<String> INTERESTING =
            List.of("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512vl", "avx512bw", "avx512_bf16", "avx512_fp16",
                    "amx_tile", "asimd", "sve");

    static {
        String model = "unknown";
        Set<String> flags = new TreeSet<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name") && model.equals("unknown")) {
                    model = line.substring(line.indexOf(':') + 1).trim();
                } else if ((line.startsWith("flags") || line.startsWith("Features")) && flags.isEmpty()) {
                    for (String f : line.substring(line.indexOf(':') + 1).trim().split("\\s+")) {
                        if (INTERESTING.contains(f)) flags.add(f);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            model = "unknown (" + e.getMessage() + ")";
        }
        MODEL = model;
        FLAGS = Set.copyOf(flags);

        int bits;
        String reason;
        String why = vectorApiUnusableReason();
        String forced = System.getProperty("simdnn.vectorBits");
        if (why != null) {
            bits = 0;
            reason = "scalar: " + why;
            System.getLogger("org.simdnn").log(System.Logger.Level.WARNING,
                    "simdnn: Vector API unusable (" + why + "); kernels run scalar, ~10x slower");
        } else {
            int preferred = VectorProbe.preferredBits();
            if (forced != null) {
                bits = parseForced(forced, preferred);
                reason = "forced by -Dsimdnn.vectorBits=" + forced;
            } else {
                bits = preferred;
                reason = "preferred species of this JVM and CPU";
            }
        }
        VECTOR_BITS = bits;
        VECTOR_REASON = reason;
    }

    private CpuInfo() {}

    /** Floats per vector at the chosen width (1 when scalar). */
    public static int lanes() { return VECTOR_BITS == 0 ? 1 : VECTOR_BITS / 32; }

    public static boolean hasFlag(String f) { return FLAGS.contains(f); }

    /** True when fused multiply-add is a hardware instruction (FMA3 on x86, always on AArch64). */
    public static boolean fastFma() {
        return FLAGS.contains("fma") || FLAGS.contains("asimd")
                || System.getProperty("os.arch", "").toLowerCase(Locale.ROOT).contains("aarch64");
    }

    public static int availableProcessors() { return Runtime.getRuntime().availableProcessors(); }

    /** One line for logs and {@code simdnn info}. */
    public static String summary() {
        return (VECTOR_BITS == 0 ? "scalar" : VECTOR_BITS + "-bit vectors (" + lanes() + " floats)") + " [" + VECTOR_REASON
                + "], fma " + (fastFma() ? "yes" : "no") + ", " + availableProcessors() + " cores, " + MODEL;
    }

    private static int parseForced(String s, int preferred) {
        int b;
        try {
            b = Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-Dsimdnn.vectorBits must be 0, 128, 256 or 512, got '" + s + "'");
        }
        if (b != 0 && b != 128 && b != 256 && b != 512) {
            throw new IllegalArgumentException("-Dsimdnn.vectorBits must be 0, 128, 256 or 512, got " + b);
        }
        if (b > preferred) {
            throw new IllegalArgumentException("-Dsimdnn.vectorBits=" + b + " exceeds this CPU's " + preferred + " bits");
        }
        return b;
    }

    /**
     * Null when the Vector API can be used, else why not. The JIT's settings come from the JVM's arguments and
     * {@code java.vm.info}, not from {@code java.lang.management}: initialising that (the platform MBean server for
     * one HotSpotDiagnosticMXBean) cost 40-200 ms of a process's start-up.
     */
    private static String vectorApiUnusableReason() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return "module jdk.incubator.vector not in the boot layer; add --add-modules jdk.incubator.vector";
        }
        if (System.getProperty("java.vm.info", "").contains("interpreted mode")) return "JIT disabled (-Xint)";
        boolean tiered = true;
        String stop = null;
        try {
            for (String a : jvmArguments()) {
                if (a.equals("-XX:-TieredCompilation")) tiered = false;
                else if (a.equals("-XX:+TieredCompilation")) tiered = true;
                else if (a.startsWith("-XX:TieredStopAtLevel=")) stop = a.substring("-XX:TieredStopAtLevel=".length());
            }
            if (tiered && stop != null && Integer.parseInt(stop.trim()) < 4) {
                return "C2 disabled (-XX:TieredStopAtLevel=" + stop + "), vector intrinsics need C2";
            }
        } catch (RuntimeException e) {
            // Arguments unreadable or a value we cannot parse: assume C2 is present.
        }
        return null;
    }

    /**
     * The JVM's options in the order it applies them: {@code JAVA_TOOL_OPTIONS}, {@code JDK_JAVA_OPTIONS}, the
     * command line, {@code _JAVA_OPTIONS} (a later one wins). The command line includes the application's own
     * arguments; a JVM option among those is mistaken for one of the JVM, which costs at most a wrong warning.
     */
    private static List<String> jvmArguments() {
        List<String> args = new java.util.ArrayList<>();
        words(System.getenv("JAVA_TOOL_OPTIONS"), args);
        words(System.getenv("JDK_JAVA_OPTIONS"), args);
        ProcessHandle.current().info().arguments().ifPresent(a -> args.addAll(List.of(a)));
        words(System.getenv("_JAVA_OPTIONS"), args);
        return args;
    }

    private static void words(String s, List<String> out) {
        if (s != null && !s.isBlank()) out.addAll(List.of(s.trim().split("\\s+")));
    }
}
