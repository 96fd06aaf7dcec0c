package org.simdnn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class StorageBenchTest {
    @Test
    void everyStorageAgreesWithPlainLoopsIncludingTails() {
        for (String impl : new String[] {"heap-array", "heap-segment", "native-segment", "native-segment-off16"}) {
            for (String shape : new String[] {"n1", "n7", "n37", "n2048", "n2055"}) {
                StorageBench b = new StorageBench();
                b.impl = impl;
                b.shape = shape;
                b.setUp(); // verifies axpy and dot against plain loops, throws if wrong
                b.tearDown();
            }
        }
    }

    @Test
    void kernelsMatchScalarOnBothStorages() {
        int n = 203;
        float[] x = new float[n], y = new float[n], y2 = new float[n];
        double dot = 0;
        for (int i = 0; i < n; i++) {
            x[i] = (i * 7 % 11) - 5f;
            y[i] = y2[i] = (i * 3 % 5) * 0.5f;
            dot += (double) x[i] * y[i];
        }
        assertEquals(dot, StorageBench.dotArray(x, y, n), 1e-3);
        assertEquals(dot, StorageBench.dotSegment(MemorySegment.ofArray(x), MemorySegment.ofArray(y), n), 1e-3);
        StorageBench.axpyArray(2f, x, y, n);
        StorageBench.axpySegment(2f, MemorySegment.ofArray(x), MemorySegment.ofArray(y2), n);
        for (int i = 0; i < n; i++) {
            float want = (i * 3 % 5) * 0.5f + 2f * x[i];
            assertEquals(want, y[i], 0f, "array y[" + i + "]");
            assertEquals(want, y2[i], 0f, "segment y[" + i + "]");
        }
    }

    @Test
    void shapesAndFlops() {
        assertEquals(2.0 * 65536, StorageBench.flops("n65536"));
        assertThrows(IllegalArgumentException.class, () -> StorageBench.flops("m4"));
        StorageBench b = new StorageBench();
        b.impl = "gpu";
        b.shape = "n8";
        assertThrows(IllegalArgumentException.class, b::setUp);
    }
}
