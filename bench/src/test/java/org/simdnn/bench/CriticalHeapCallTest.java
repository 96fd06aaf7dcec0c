package org.simdnn.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import org.junit.jupiter.api.Test;

/**
 * The storage decision's premise (docs/storage.md): with {@code Linker.Option.critical(true)} FFM passes a heap
 * {@code float[]} to native code by address, no copy into off-heap memory. Shown with libc's {@code memcpy}
 * between two heap arrays; without the option the linker refuses heap segments.
 */
class CriticalHeapCallTest {
    private static final FunctionDescriptor MEMCPY =
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG);

    private static MethodHandle memcpy(Linker.Option... options) {
        Linker linker = Linker.nativeLinker();
        MemorySegment addr = linker.defaultLookup().find("memcpy").orElseThrow();
        return linker.downcallHandle(addr, MEMCPY, options);
    }

    @Test
    void heapArraysGoToNativeCodeWithoutACopyUnderCritical() throws Throwable {
        float[] src = {1f, -2.5f, 3.25f, Float.NaN, 1e30f, 7f, 0f};
        float[] dst = new float[src.length];
        MethodHandle h = memcpy(Linker.Option.critical(true));
        MemorySegment unused = (MemorySegment) h.invokeExact(MemorySegment.ofArray(dst), MemorySegment.ofArray(src),
                (long) src.length * Float.BYTES);
        assertArrayEquals(src, dst);
    }

    @Test
    void withoutCriticalHeapSegmentsAreRejected() {
        float[] a = new float[4], b = new float[4];
        MethodHandle h = memcpy();
        assertThrows(IllegalArgumentException.class, () -> {
            MemorySegment unused = (MemorySegment) h.invokeExact(MemorySegment.ofArray(a), MemorySegment.ofArray(b), 16L);
        });
    }
}
