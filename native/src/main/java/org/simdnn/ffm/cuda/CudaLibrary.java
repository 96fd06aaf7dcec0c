package org.simdnn.ffm.cuda;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.simdnn.ffm.NativeExtractor;
import org.simdnn.ops.Availability;

/**
 * {@code libsimdnn_cuda.so}, built by nvcc with the CUDA runtime linked in statically: extracted from the jar like
 * the OpenBLAS library, opened with {@link SymbolLookup#libraryLookup(Path, Arena)}, every {@link CudaFunction}
 * bound once. Opening it needs no driver; the first runtime call ({@link #probe}) finds out whether a driver and a
 * GPU are present.
 *
 * <p>Calls go through {@link MethodHandle#invokeWithArguments}: a few hundred nanoseconds per call, nothing next
 * to the host-device copies around every op, and one generic path instead of thirty typed wrappers.
 */
final class CudaLibrary {
    static final String PLATFORM = "linux-x86_64";
    static final String FILE = "libsimdnn_cuda.so";
    static final String RESOURCE = "org/simdnn/ffm/cuda/" + PLATFORM + "/" + FILE;
    /** The oldest compute capability the kernels run on (WMMA TF32/BF16 needs Ampere). */
    static final int MIN_MAJOR = 8;

    final Path path;
    private final Map<CudaFunction, MethodHandle> handles = new EnumMap<>(CudaFunction.class);

    private CudaLibrary(Path path, SymbolLookup lookup) {
        this.path = path;
        Linker linker = Linker.nativeLinker();
        for (CudaFunction f : CudaFunction.values()) {
            MemorySegment sym = lookup.find(f.symbol).orElseThrow(() -> new IllegalStateException("symbol " + f.symbol
                    + " not found in " + path + " (library and Java bindings out of step)"));
            handles.put(f, linker.downcallHandle(sym, f.descriptor));
        }
    }

    /** The library, or why it cannot be used. Exactly one of the two is non-null. */
    record Loaded(CudaLibrary lib, String failure) {}

    private static final class Holder {
        static final Loaded LOADED = load(CudaLibrary.class.getClassLoader(), NativeExtractor.cacheRoot());
    }

    static Loaded get() { return Holder.LOADED; }

    /** Extracts the library found through {@code cl} into {@code root} and opens it; never throws. */
    static Loaded load(ClassLoader cl, Path root) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!os.startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return new Loaded(null, "the CUDA kernels are built for " + PLATFORM + " only, this is " + os + "/" + arch);
        }
        if (cl.getResource(RESOURCE) == null) {
            return new Loaded(null, "the CUDA library is not in this build (nvcc was not found when simdnn was built)");
        }
        Path dir;
        try {
            dir = NativeExtractor.extract(cl, root, "simdnn-cuda-" + PLATFORM,
                    List.of(new NativeExtractor.Item(RESOURCE, FILE, true)));
        } catch (IOException | RuntimeException e) {
            return new Loaded(null, "cannot extract the CUDA library into " + root + ": " + e);
        }
        return open(dir.resolve(FILE));
    }

    /** Opens a library file and binds every function; never throws. */
    static Loaded open(Path file) {
        try {
            return new Loaded(new CudaLibrary(file, SymbolLookup.libraryLookup(file, Arena.global())), null);
        } catch (RuntimeException | LinkageError e) {
            return new Loaded(null, "cannot load " + file + ": " + e);
        }
    }

    /** Calls f; returns its int status. */
    int call(CudaFunction f, Object... args) {
        try {
            return (int) handles.get(f).invokeWithArguments(args);
        } catch (Throwable t) {
            if (t instanceof RuntimeException r) throw r;
            if (t instanceof Error e) throw e;
            throw new IllegalStateException(t);
        }
    }

    /** Calls f and throws, naming f and the status, unless it returned 0. */
    void check(CudaFunction f, Object... args) {
        int rc = call(f, args);
        if (rc != 0) throw new CudaException(f.symbol + " failed: " + errorString(rc) + " (status " + rc + ")");
    }

    String errorString(int status) {
        try {
            MemorySegment s = (MemorySegment) handles.get(CudaFunction.ERROR_STRING).invokeWithArguments(status);
            return s.reinterpret(4096).getString(0);
        } catch (Throwable t) {
            return "status " + status;
        }
    }

    /** Whether a driver and an sm_80+ GPU are here; the detail names the GPU, or the reason why not. */
    Availability probe() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            int rc = call(CudaFunction.RUNTIME_VERSION, v);
            String runtime = rc == 0 ? version(v.get(JAVA_INT, 0)) : "?";
            rc = call(CudaFunction.DRIVER_VERSION, v);
            if (rc == 0 && v.get(JAVA_INT, 0) == 0) {
                return Availability.no("no NVIDIA driver (libcuda.so.1 not found; library built with CUDA runtime "
                        + runtime + ")");
            }
            String driver = rc == 0 ? version(v.get(JAVA_INT, 0)) : "?";
            MemorySegment n = a.allocate(JAVA_INT);
            rc = call(CudaFunction.DEVICE_COUNT, n);
            if (rc != 0) {
                return Availability.no("cudaGetDeviceCount failed: " + errorString(rc) + " (status " + rc + "; driver "
                        + "CUDA " + driver + ", runtime " + runtime + ")");
            }
            if (n.get(JAVA_INT, 0) == 0) return Availability.no("no CUDA device (driver CUDA " + driver + ")");
            MemorySegment name = a.allocate(256), major = a.allocate(JAVA_INT), minor = a.allocate(JAVA_INT);
            MemorySegment mem = a.allocate(JAVA_LONG), sms = a.allocate(JAVA_INT);
            rc = call(CudaFunction.DEVICE_INFO, 0, name, 256, major, minor, mem, sms);
            if (rc != 0) return Availability.no("cudaGetDeviceProperties failed: " + errorString(rc));
            String gpu = name.getString(0) + " (sm_" + major.get(JAVA_INT, 0) + minor.get(JAVA_INT, 0) + ", "
                    + sms.get(JAVA_INT, 0) + " SMs, " + mem.get(JAVA_LONG, 0) / (1L << 30) + " GiB)";
            if (major.get(JAVA_INT, 0) < MIN_MAJOR) {
                return Availability.no("device 0 is " + gpu + "; the kernels need sm_80 or newer");
            }
            return Availability.yes(gpu + ", driver CUDA " + driver + ", runtime " + runtime + ", kernels sm_80/sm_90");
        } catch (RuntimeException | LinkageError e) {
            return Availability.no("CUDA probe failed: " + e);
        }
    }

    private static String version(int v) { return v / 1000 + "." + v % 1000 / 10; }
}
