package org.simdnn.ffm.blas;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.simdnn.ffm.NativeExtractor;

/**
 * The one copy of OpenBLAS this process calls: extracted from the bytedeco jar, opened with
 * {@link SymbolLookup#libraryLookup(Path, Arena)} and bound with downcall handles. Every call and every
 * thread setting goes through these handles, so the thread count we set is the one our calls see (a
 * second copy of the same file, e.g. bytedeco's JNI loader in its own cache, would have its own state).
 *
 * <p>Loaded lazily, once; a failure is kept as a reason string and never thrown from class init.
 */
final class OpenBlasLibrary {
    /** The bytedeco artifact this build ships with; part of the cache directory name. */
    static final String VERSION = "0.3.31-1.5.13";

    static final int ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112;

    final Path dir;
    /** {@code cblas_sgemm}, critical with heap access: float[] go to native code without a copy. */
    final MethodHandle sgemm;
    /** {@code cblas_sgemv}, critical with heap access. */
    final MethodHandle sgemv;
    final MethodHandle setNumThreads, getNumThreads, getCorename, getConfig;

    private OpenBlasLibrary(Path dir, SymbolLookup lib) {
        this.dir = dir;
        Linker linker = Linker.nativeLinker();
        Linker.Option critical = Linker.Option.critical(true);
        sgemm = linker.downcallHandle(find(lib, "cblas_sgemm"), FunctionDescriptor.ofVoid(JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_FLOAT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_FLOAT, ADDRESS,
                JAVA_INT), critical);
        sgemv = linker.downcallHandle(find(lib, "cblas_sgemv"), FunctionDescriptor.ofVoid(JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_FLOAT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_FLOAT, ADDRESS, JAVA_INT), critical);
        // Thread control may block or start threads: ordinary (non-critical) downcalls.
        setNumThreads = linker.downcallHandle(find(lib, "openblas_set_num_threads"), FunctionDescriptor.ofVoid(JAVA_INT));
        getNumThreads = linker.downcallHandle(find(lib, "openblas_get_num_threads"), FunctionDescriptor.of(JAVA_INT));
        getCorename = linker.downcallHandle(find(lib, "openblas_get_corename"), FunctionDescriptor.of(ADDRESS));
        getConfig = linker.downcallHandle(find(lib, "openblas_get_config"), FunctionDescriptor.of(ADDRESS));
    }

    private static MemorySegment find(SymbolLookup lib, String name) {
        return lib.find(name).orElseThrow(() -> new IllegalStateException("symbol " + name + " not found"));
    }

    /** The library, or why it could not be loaded. Exactly one of the two is non-null. */
    record Loaded(OpenBlasLibrary lib, String failure) {}

    private static final class Holder {
        static final Loaded LOADED = load(NativeExtractor.cacheRoot());
    }

    static Loaded get() { return Holder.LOADED; }

    /** "linux-x86_64" etc. as bytedeco names its classifiers, or null where it ships none we can load. */
    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.startsWith("linux")) return null;
        return switch (arch) {
            case "amd64", "x86_64" -> "linux-x86_64";
            case "aarch64", "arm64" -> "linux-arm64";
            case "ppc64le" -> "linux-ppc64le";
            default -> null;
        };
    }

    /** The libraries to extract: OpenBLAS and the gfortran runtime it links against, all from the same jar. */
    static List<NativeExtractor.Item> items(String platform) {
        String prefix = "org/bytedeco/openblas/" + platform + "/";
        return List.of(new NativeExtractor.Item(prefix + "libopenblas.so.0", "libopenblas.so.0", true),
                new NativeExtractor.Item(prefix + "libgfortran.so.5", "libgfortran.so.5", false),
                new NativeExtractor.Item(prefix + "libquadmath.so.0", "libquadmath.so.0", false),
                new NativeExtractor.Item(prefix + "libgcc_s.so.1", "libgcc_s.so.1", false));
    }

    /** Extracts into {@code root} and loads; never throws. Package-private so tests can aim it elsewhere. */
    static Loaded load(Path root) {
        String platform = platform();
        if (platform == null) {
            return new Loaded(null, "no OpenBLAS natives for " + System.getProperty("os.name") + "/"
                    + System.getProperty("os.arch"));
        }
        Path dir;
        try {
            dir = NativeExtractor.extract(OpenBlasLibrary.class.getClassLoader(), root,
                    "openblas-" + VERSION + "-" + platform, items(platform));
        } catch (IOException | RuntimeException e) {
            return new Loaded(null, "cannot extract OpenBLAS into " + root + ": " + e);
        }
        try {
            SymbolLookup lookup = SymbolLookup.libraryLookup(dir.resolve("libopenblas.so.0"), Arena.global());
            OpenBlasLibrary lib = new OpenBlasLibrary(dir, lookup);
            lib.applyDefaultThreads();
            return new Loaded(lib, null);
        } catch (RuntimeException | LinkageError e) {
            return new Loaded(null, "cannot load " + dir.resolve("libopenblas.so.0") + ": " + e);
        }
    }

    /**
     * {@code -Dsimdnn.openblas.threads=N} wins; else an OPENBLAS_NUM_THREADS/OMP_NUM_THREADS the user set is
     * left alone; else OpenBLAS gets as many threads as the Java kernels ({@code Parallel.threads()}).
     */
    private void applyDefaultThreads() {
        Integer prop = Integer.getInteger("simdnn.openblas.threads");
        if (prop != null && prop > 0) {
            setThreads(prop);
        } else if (System.getenv("OPENBLAS_NUM_THREADS") == null && System.getenv("OMP_NUM_THREADS") == null) {
            setThreads(org.simdnn.kernels.cpu.Parallel.threads());
        }
    }

    void setThreads(int n) {
        try {
            setNumThreads.invokeExact(n);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int threads() {
        try {
            return (int) getNumThreads.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    String coreName() { return string(getCorename); }

    String config() { return string(getConfig); }

    private static String string(MethodHandle h) {
        try {
            MemorySegment p = (MemorySegment) h.invokeExact();
            return p.equals(MemorySegment.NULL) ? "" : p.reinterpret(Integer.MAX_VALUE).getString(0).trim();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }
}
