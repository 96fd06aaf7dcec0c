package org.simdnn.ffm.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import org.simdnn.ops.Availability;
import org.simdnn.ops.Backend;
import org.simdnn.ops.BackendProvider;

/**
 * "cuda": probes the CUDA driver ({@code libcuda.so.1}: {@code cuInit}, {@code cuDeviceGetCount}) through FFM.
 * No kernels exist yet, so it always reports unavailable, with the reason: no driver, no device, or (with a
 * GPU present) that the kernels are not written yet.
 */
public final class CudaBackendProvider implements BackendProvider {
    @Override public String name() { return "cuda"; }
    @Override public int priority() { return 10; }

    @Override
    public Availability probe() {
        try (Arena arena = Arena.ofConfined()) {
            SymbolLookup cuda;
            try {
                cuda = SymbolLookup.libraryLookup("libcuda.so.1", arena);
            } catch (IllegalArgumentException notFound) {
                return Availability.no("no CUDA driver/GPU (libcuda.so.1 not found)");
            }
            Linker linker = Linker.nativeLinker();
            MethodHandle cuInit = linker.downcallHandle(cuda.find("cuInit").orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT));
            MethodHandle count = linker.downcallHandle(cuda.find("cuDeviceGetCount").orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS));
            int rc = (int) cuInit.invokeExact(0);
            if (rc != 0) return Availability.no("no CUDA driver/GPU (cuInit failed with CUresult " + rc + ")");
            MemorySegment n = arena.allocate(JAVA_INT);
            rc = (int) count.invokeExact(n);
            if (rc != 0 || n.get(JAVA_INT, 0) == 0) return Availability.no("no CUDA driver/GPU (no devices)");
            return Availability.no("CUDA driver with " + n.get(JAVA_INT, 0) + " device(s) found, but the CUDA kernels "
                    + "are not written yet");
        } catch (Throwable t) { // probe must never throw
            return Availability.no("no CUDA driver/GPU (" + t + ")");
        }
    }

    @Override
    public Backend create() {
        throw new IllegalStateException("backend 'cuda' is unavailable: " + probe().reason());
    }
}
