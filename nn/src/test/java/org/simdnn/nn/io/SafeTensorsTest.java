package org.simdnn.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.simdnn.tensor.Tensor;

class SafeTensorsTest {
    @TempDir Path dir;

    private static Map<String, Tensor> sample() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("w", Tensor.wrap(new float[] {1.5f, -2f, 0f, Float.NaN, Float.POSITIVE_INFINITY, -0f}, 2, 3));
        m.put("b", Tensor.wrap(new float[] {3.25f}, 1));
        m.put("empty", Tensor.zeros(0, 4));
        m.put("img", Tensor.wrap(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 1, 2, 2, 2));
        return m;
    }

    @Test
    void roundTripKeepsNamesShapesBitsAndMetadata() throws IOException {
        Path f = dir.resolve("m.safetensors");
        SafeTensors.write(f, sample(), Map.of("k", "v \"quoted\" <=>", "arch", "{\"type\":\"x\"}"));
        SafeTensors.Contents c = SafeTensors.read(f);
        assertEquals(sample().keySet(), c.tensors().keySet());
        for (var e : sample().entrySet()) {
            Tensor t = c.tensors().get(e.getKey());
            assertArrayEquals(e.getValue().shape(), t.shape());
            float[] a = e.getValue().toArray(), b = t.toArray();
            for (int i = 0; i < a.length; i++) assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]));
        }
        assertEquals("v \"quoted\" <=>", c.metadata().get("k"));
        assertEquals("{\"type\":\"x\"}", c.metadata().get("arch"));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temporary file left behind");
        }
    }

    /** Our writer's bytes, checked by hand against the published layout. */
    @Test
    void writerFollowsTheFormat() throws IOException {
        byte[] bytes = SafeTensors.encode(Map.of("x", Tensor.wrap(new float[] {1f, -2f}, 2)), Map.of());
        long n = 0;
        for (int i = 7; i >= 0; i--) n = (n << 8) | (bytes[i] & 0xFF);
        assertEquals(0, n % 8, "header padded to 8 bytes");
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8).strip();
        // SHA-256 of the 8 data bytes 00 00 80 3f 00 00 00 c0 (1f, -2f little-endian)
        assertEquals("{\"__metadata__\":{\"simdnn.data_sha256\":\"" + sha256Hex(1f, -2f) + "\"},"
                + "\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", header);
        assertEquals(8 + n + 8, bytes.length);
        int bits = (bytes[(int) (8 + n + 4)] & 0xFF) | (bytes[(int) (8 + n + 5)] & 0xFF) << 8
                | (bytes[(int) (8 + n + 6)] & 0xFF) << 16 | (bytes[(int) (8 + n + 7)] & 0xFF) << 24;
        assertEquals(-2f, Float.intBitsToFloat(bits));
    }

    static String sha256Hex(float... data) {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            for (float v : data) {
                int bits = Float.floatToRawIntBits(v);
                for (int i = 0; i < 4; i++) md.update((byte) (bits >>> (8 * i)));
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] assemble(String header, float... data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        long n = h.length;
        for (int i = 0; i < 8; i++) out.write((int) (n >>> (8 * i)) & 0xFF);
        out.writeBytes(h);
        for (float v : data) {
            int bits = Float.floatToRawIntBits(v);
            for (int i = 0; i < 4; i++) out.write((bits >>> (8 * i)) & 0xFF);
        }
        return out.toByteArray();
    }

    /** A file assembled byte by byte as another writer would (unpadded header, metadata first, tensors out of order). */
    @Test
    void readsAHandAssembledFile() throws IOException {
        String header = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[16,28]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}";
        byte[] bytes = assemble(header, 1, 2, 3, 4, -1, 0.5f, 1e30f);
        Path f = dir.resolve("ext.safetensors");
        Files.write(f, bytes);
        SafeTensors.Contents c = SafeTensors.read(f);
        assertArrayEquals(new int[] {2, 2}, c.tensors().get("a").shape());
        assertArrayEquals(new float[] {1, 2, 3, 4}, c.tensors().get("a").toArray());
        assertArrayEquals(new float[] {-1, 0.5f, 1e30f}, c.tensors().get("b").toArray());
        assertEquals(Map.of("format", "pt"), c.metadata());
    }

    private void assertFails(byte[] bytes, String... fragments) {
        IOException e = assertThrows(IOException.class, () -> SafeTensors.decode(bytes, "test.safetensors"));
        for (String s : fragments) assertTrue(e.getMessage().contains(s), "'" + s + "' not in: " + e.getMessage());
    }

    @Test
    void truncatedFilesFailClearly() throws IOException {
        Path f = dir.resolve("t.safetensors");
        SafeTensors.write(f, sample(), Map.of());
        byte[] full = Files.readAllBytes(f);
        assertFails(new byte[0], "truncated", "0 bytes");
        assertFails(Arrays.copyOf(full, 5), "truncated");
        assertFails(Arrays.copyOf(full, 8), "header length");
        assertFails(Arrays.copyOf(full, 40), "header length");
        assertFails(Arrays.copyOf(full, full.length - 1), "'img'", "truncated");
        for (int len = 0; len < full.length; len += 7) {
            byte[] cut = Arrays.copyOf(full, len);
            assertThrows(IOException.class, () -> SafeTensors.decode(cut, "cut"), "length " + len);
        }
        Files.write(f, Arrays.copyOf(full, full.length - 4));
        IOException e = assertThrows(IOException.class, () -> SafeTensors.read(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    }

    @Test
    void corruptHeadersFailClearly() {
        String ok = "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";
        assertFails(assemble("{" + ok + ",", 1, 2), "invalid JSON");
        assertFails(assemble("[1,2]", 1, 2), "not an object");
        assertFails(assemble("{\"a\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[0,8]}}", 1, 2), "'a'", "F16");
        assertFails(assemble("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 1, 2), "'a'", "[3]",
                "12 bytes", "give 8");
        assertFails(assemble("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 1, 2), "overlapping");
        assertFails(assemble("{" + ok + "}", 1, 2, 3), "trailing");
        assertFails(assemble("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 1, 2), "'a'");
        assertFails(assemble("{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,8]}}", 1, 2), "not an integer");
        assertFails(assemble("{\"__metadata__\":{\"k\":1}," + ok + "}", 1, 2), "metadata", "'k'");
        // a header length of 2^63 or more than the file must be refused before allocating anything
        byte[] huge = assemble("{}");
        Arrays.fill(huge, 0, 8, (byte) 0xFF);
        assertFails(huge, "header length");
        byte[] big = assemble("{}");
        big[3] = 0x7F;
        assertFails(big, "header length");
    }

    @Test
    void failedWriteLeavesTheOldFileAndNoTemporary() throws IOException {
        Path f = dir.resolve("keep.safetensors");
        SafeTensors.write(f, sample(), Map.of());
        byte[] before = Files.readAllBytes(f);
        Map<String, Tensor> bad = new LinkedHashMap<>(sample());
        bad.put(SafeTensors.METADATA_KEY, Tensor.zeros(1));
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(f, bad, Map.of()));
        assertArrayEquals(before, Files.readAllBytes(f));
        SafeTensors.write(f, Map.of("only", Tensor.zeros(2)), Map.of());
        assertEquals(Map.of("only", 2), Map.of("only", SafeTensors.read(f).tensors().get("only").size()));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(1, s.count());
        }
    }
}
