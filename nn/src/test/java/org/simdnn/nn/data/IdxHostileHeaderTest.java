package org.simdnn.nn.data;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A small file whose header promises far more data than it holds must fail with {@link IdxFormatException}
 * after allocating about what the file holds, not what the header claims (it used to allocate 2 GB for a
 * 15 KB file: OutOfMemoryError at the CLI's 1 GiB heap).
 */
class IdxHostileHeaderTest {
    @TempDir Path dir;

    /** Bytes allocated by this thread while {@code r} runs (HotSpot's per-thread counter). */
    static long allocatedBy(ThrowingRunnable r) throws Exception {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId();
        long before = mx.getThreadAllocatedBytes(id);
        try {
            r.run();
        } catch (IdxFormatException expected) {
            // the caller asserts on the message separately
        }
        return mx.getThreadAllocatedBytes(id) - before;
    }

    interface ThrowingRunnable { void run() throws Exception; }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void twoBillionLabelsIn15KilobytesFailsWithoutAllocatingThem(boolean gz) throws Exception {
        byte[] raw = IdxTestFiles.idx(new int[] {2_000_000_000}, new byte[15_000]);
        Path f = IdxTestFiles.write(dir, "labels" + (gz ? ".gz" : ""), gz ? IdxTestFiles.gzip(raw) : raw);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(f, 1));
        assertTrue(e.getMessage().contains("promises 2000000000 data bytes") && e.getMessage().contains("has 15000"),
                e.getMessage());
        long bytes = allocatedBy(() -> IdxReader.read(f, 1));
        assertTrue(bytes < 16L << 20, "reading a 15 KB file allocated " + bytes + " bytes");
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void imageHeaderNearTheArrayLimitFailsCheaply(boolean gz) throws Exception {
        byte[] raw = IdxTestFiles.idx(new int[] {2_700_000, 28, 28}, new byte[28 * 28 * 20]);
        Path f = IdxTestFiles.write(dir, "images" + (gz ? ".gz" : ""), gz ? IdxTestFiles.gzip(raw) : raw);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(f, 3));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        long bytes = allocatedBy(() -> IdxReader.read(f, 3));
        assertTrue(bytes < 16L << 20, "reading a " + raw.length + "-byte file allocated " + bytes + " bytes");
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void bodyLargerThanTheFirstChunkStillReadsExactly(boolean gz) throws IOException {
        byte[] px = new byte[3 * 1000 * 1000];
        for (int i = 0; i < px.length; i++) px[i] = (byte) (i * 7 + i / 1000);
        byte[] raw = IdxTestFiles.idx(new int[] {3, 1000, 1000}, px);
        Path f = IdxTestFiles.write(dir, "big" + (gz ? ".gz" : ""), gz ? IdxTestFiles.gzip(raw) : raw);
        org.junit.jupiter.api.Assertions.assertArrayEquals(px, IdxReader.read(f, 3).data());
    }
}
