package org.simdnn.nn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.simdnn.tensor.Tensor;

/**
 * Integrity and resource bounds of the safetensors reader and writer: a flipped data bit is caught by the
 * stored SHA-256, a huge header of tiny entries fails by name instead of exhausting the heap, and temporaries
 * left by a killed writer are removed by the next write.
 */
class SafeTensorsHostileTest {
    @TempDir Path dir;

    private static Map<String, Tensor> weights() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("w", Tensor.wrap(new float[] {0.5f, -1.25f, 3f, 7f}, 2, 2));
        m.put("b", Tensor.wrap(new float[] {0.125f, 2f}, 2));
        return m;
    }

    @Test
    void aFlippedBitInTheWeightsIsCaught() throws IOException {
        Path f = dir.resolve("m.safetensors");
        SafeTensors.write(f, weights(), Map.of("k", "v"));
        assertEquals(Map.of("k", "v"), SafeTensors.read(f).metadata(), "the checksum is verified, not returned");
        byte[] bytes = Files.readAllBytes(f);
        bytes[bytes.length - 3] ^= 0x10; // inside tensor 'b'
        Files.write(f, bytes);
        IOException e = assertThrows(IOException.class, () -> SafeTensors.read(f));
        assertTrue(e.getMessage().contains("does not match the SHA-256") && e.getMessage().contains(f.toString()),
                e.getMessage());
    }

    @Test
    void filesWithoutAChecksumStillLoad() throws IOException {
        byte[] bytes = SafeTensorsTest.assemble(
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 1f, 2f);
        assertEquals(2, SafeTensors.decode(bytes, "other-tool.safetensors").tensors().get("a").size());
    }

    @Test
    void aChecksumOfTheWrongDataIsRefused() {
        byte[] bytes = SafeTensorsTest.assemble("{\"__metadata__\":{\"simdnn.data_sha256\":\""
                + SafeTensorsTest.sha256Hex(1f, 3f) + "\"},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}",
                1f, 2f);
        IOException e = assertThrows(IOException.class, () -> SafeTensors.decode(bytes, "x"));
        assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
    }

    /** Bytes this thread allocates while decoding (HotSpot's per-thread counter). */
    private static long allocatedDecoding(byte[] bytes) {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId(), before = mx.getThreadAllocatedBytes(id);
        try {
            SafeTensors.decode(bytes, "x");
        } catch (IOException expected) {
            // asserted by the caller
        }
        return mx.getThreadAllocatedBytes(id) - before;
    }

    @Test
    void a95MegabyteHeaderIsRefusedBeforeParsing() {
        int len = 95 * 1024 * 1024;
        byte[] bytes = new byte[8 + len];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(len);
        bytes[8] = '{';
        java.util.Arrays.fill(bytes, 9, bytes.length - 1, (byte) ' ');
        bytes[bytes.length - 1] = '}';
        IOException e = assertThrows(IOException.class, () -> SafeTensors.decode(bytes, "big.safetensors"));
        assertTrue(e.getMessage().contains("header length " + len), e.getMessage());
        long alloc = allocatedDecoding(bytes);
        assertTrue(alloc < 1 << 20, "refusing it allocated " + alloc + " bytes");
    }

    @Test
    void tooManyZeroSizeEntriesFailByNameNotAsInvalidJson() {
        StringBuilder h = new StringBuilder("{");
        for (int i = 0; i <= SafeTensors.MAX_ENTRIES; i++) {
            if (i > 0) h.append(',');
            h.append("\"t").append(i).append("\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}");
        }
        byte[] bytes = SafeTensorsTest.assemble(h.append('}').toString());
        IOException e = assertThrows(IOException.class, () -> SafeTensors.decode(bytes, "many.safetensors"));
        assertTrue(e.getMessage().contains("more than " + SafeTensors.MAX_ENTRIES + " entries"), e.getMessage());
        assertFalse(e.getMessage().contains("invalid JSON"), e.getMessage());
    }

    @Test
    void duplicateNamesAreRefused() {
        String a = "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}";
        IOException e = assertThrows(IOException.class,
                () -> SafeTensors.decode(SafeTensorsTest.assemble("{" + a + "," + a + "}", 1f), "dup"));
        assertTrue(e.getMessage().contains("'a' twice"), e.getMessage());
    }

    @Test
    void hugeNumbersAndNamesGiveShortMessages() {
        String longName = "n".repeat(100_000);
        for (String number : new String[] {"1" + "0".repeat(49), "1" + "0".repeat(5000), "1e999999"}) {
            IOException e = assertThrows(IOException.class, () -> SafeTensors.decode(SafeTensorsTest.assemble(
                    "{\"" + longName + "\":{\"dtype\":\"F32\",\"shape\":[" + number + "],\"data_offsets\":[0,4]}}",
                    1f), "x"));
            assertTrue(e.getMessage().length() < 600, () -> e.getMessage().substring(0, 600));
            assertTrue(e.getMessage().contains("not an integer") || e.getMessage().contains("invalid JSON"),
                    e.getMessage());
        }
    }

    @Test
    void theNextWriteRemovesTemporariesOfDeadWriters() throws IOException {
        Path f = dir.resolve("m.safetensors");
        long self = ProcessHandle.current().pid();
        long dead = 999_999_999L;
        assertFalse(ProcessHandle.of(dead).isPresent(), "pid " + dead + " must not run for this test");
        Path ofDead = Files.writeString(dir.resolve(".m.safetensors.pid" + dead + ".123.tmp"), "partial");
        Path ofOurs = Files.writeString(dir.resolve(".m.safetensors.pid" + self + ".456.tmp"), "partial");
        Path ofLive = Files.writeString(dir.resolve(".m.safetensors.pid1.789.tmp"), "partial"); // init runs
        Path otherTarget = Files.writeString(dir.resolve(".other.safetensors.pid" + dead + ".1.tmp"), "x");
        SafeTensors.write(f, weights(), Map.of());
        assertFalse(Files.exists(ofDead), "left by a killed run");
        assertFalse(Files.exists(ofOurs), "left by an earlier failed write of this process");
        assertTrue(Files.exists(ofLive), "another live process may be writing it");
        assertTrue(Files.exists(otherTarget), "only temporaries of the file being written are touched");
        assertEquals(new String(StandardCharsets.UTF_8.encode("x").array(), StandardCharsets.UTF_8).trim(), "x");
    }
}
