package org.simdnn.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.simdnn.tensor.Tensor;

class NpyTest {
    @TempDir Path dir;

    private static void assertSameBits(float[] a, float[] b) {
        assertEquals(a.length, b.length, "length");
        for (int i = 0; i < a.length; i++) {
            assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), "element " + i);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1", "7", "2,3", "0,4", "1,3,5,2", "2,1,1,1,3"})
    void roundTripKeepsShapeAndBits(String dims) throws IOException {
        int[] shape = dims.isEmpty() ? new int[0] : Arrays.stream(dims.split(",")).mapToInt(Integer::parseInt).toArray();
        Tensor t = Tensor.zeros(shape);
        SplittableRandom r = new SplittableRandom(dims.hashCode());
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) d[i] = (float) r.nextGaussian();
        if (d.length > 2) {
            d[0] = Float.NaN;
            d[1] = Float.NEGATIVE_INFINITY;
            d[2] = -0f;
        }
        Path f = dir.resolve("a.npy");
        Npy.write(f, t);
        Tensor back = Npy.read(f);
        assertArrayEquals(shape, back.shape());
        assertSameBits(t.toArray(), back.toArray());
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temporary file left behind");
        }
    }

    @Test
    void writesTheLogicalOrderOfAView() throws IOException {
        Tensor m = Tensor.wrap(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).transpose(0, 1); // [[1,4],[2,5],[3,6]]
        Path f = dir.resolve("t.npy");
        Npy.write(f, m);
        Tensor back = Npy.read(f);
        assertArrayEquals(new int[] {3, 2}, back.shape());
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, back.toArray());
    }

    /** Our writer's bytes, checked by hand against the format description. */
    @Test
    void writerFollowsTheFormat() {
        byte[] b = Npy.encode(Tensor.wrap(new float[] {1f, -2f, 0.5f}, 3));
        assertEquals(0x93, b[0] & 0xFF);
        assertEquals("NUMPY", new String(b, 1, 5, StandardCharsets.US_ASCII));
        assertEquals(1, b[6]);
        assertEquals(0, b[7]);
        int hlen = (b[8] & 0xFF) | (b[9] & 0xFF) << 8;
        assertEquals(0, (10 + hlen) % 64, "data aligned to 64 bytes");
        String header = new String(b, 10, hlen, StandardCharsets.ISO_8859_1);
        assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", header.stripTrailing());
        assertTrue(header.endsWith("\n"));
        ByteBuffer data = ByteBuffer.wrap(b, 10 + hlen, 12).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(1f, data.getFloat());
        assertEquals(-2f, data.getFloat());
        assertEquals(0.5f, data.getFloat());
        assertEquals(10 + hlen + 12, b.length);
    }

    private static Path resource(String name) {
        try {
            return Path.of(NpyTest.class.getResource("/npy/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Files written by NumPy 1.24 ({@code np.save}), checked in. */
    @Test
    void readsCheckedInNumpyFiles() throws IOException {
        Tensor a = Npy.read(resource("arange_2x3_f4.npy"));
        assertArrayEquals(new int[] {2, 3}, a.shape());
        assertArrayEquals(new float[] {-1f, -0.75f, -0.5f, -0.25f, 0f, 0.25f}, a.toArray());
        Tensor be = Npy.read(resource("big_endian_2x2_f8.npy"));
        assertArrayEquals(new float[] {1.5f, -2.25f, (float) 1e-3, 3e38f}, be.toArray());
        Npy.LongArray labels = Npy.readLongs(resource("labels_i8.npy"));
        assertArrayEquals(new int[] {8}, labels.shape());
        assertArrayEquals(new long[] {3, 1, 4, 1, 5, 9, 2, 6}, labels.values());
        IOException e = assertThrows(IOException.class, () -> Npy.read(resource("labels_i8.npy")));
        assertTrue(e.getMessage().contains("'<i8'") && e.getMessage().contains("readLongs"), e.getMessage());
    }

    // ---- NumPy as the independent oracle, when a python3 with numpy is installed ----

    private static String pythonWithNumpy() {
        for (String py : List.of("python3", "/usr/bin/python3")) {
            try {
                Process p = new ProcessBuilder(py, "-c", "import numpy").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) return py;
            } catch (IOException e) {
                // not installed under this name; try the next
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    private static String python(String py, Path cwd, String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(py, "-c", script).directory(cwd.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "python timed out");
        assertEquals(0, p.exitValue(), out);
        return out.strip();
    }

    @Test
    void readsWhatNumpyWritesAndNumpyReadsWhatWeWrite() throws Exception {
        String py = pythonWithNumpy();
        assumeTrue(py != null, "no python3 with numpy installed (apt-get install python3-numpy)");
        python(py, dir, """
                import numpy as np
                from numpy.lib import format as F
                a = (np.arange(2 * 3 * 5, dtype=np.float64).reshape(2, 3, 5) - 7.5) / 3
                np.save('f4.npy', a.astype('<f4'))
                np.save('f8.npy', a)
                np.save('f4be.npy', a.astype('>f4'))
                np.save('f8be.npy', a.astype('>f8'))
                np.save('scalar.npy', np.float32(2.5))
                np.save('empty.npy', np.zeros((0, 3), np.float32))
                for v in [(2, 0), (3, 0)]:
                    with open('v%d.npy' % v[0], 'wb') as f:
                        F.write_array(f, a.astype('<f4'), version=v)
                np.save('fortran.npy', np.asfortranarray(a.astype('<f4')))
                np.save('i4.npy', np.array([[-1, 2], [3, -4]], dtype='<i4'))
                np.save('u1.npy', np.array([0, 255, 7], dtype='u1'))
                np.save('u8.npy', np.array([2**63 + 5], dtype='<u8'))
                np.save('i8be.npy', np.array([-(2**40), 9], dtype='>i8'))
                np.save('bool.npy', np.array([True, False]))
                """);
        float[] expected = new float[30];
        for (int i = 0; i < 30; i++) expected[i] = (float) ((i - 7.5) / 3);
        for (String f : List.of("f4", "f8", "f4be", "f8be", "v2", "v3")) {
            Tensor t = Npy.read(dir.resolve(f + ".npy"));
            assertArrayEquals(new int[] {2, 3, 5}, t.shape(), f);
            assertSameBits(expected, t.toArray());
        }
        assertEquals(2.5f, Npy.read(dir.resolve("scalar.npy")).toArray()[0]);
        assertArrayEquals(new int[0], Npy.read(dir.resolve("scalar.npy")).shape());
        assertArrayEquals(new int[] {0, 3}, Npy.read(dir.resolve("empty.npy")).shape());
        IOException fortran = assertThrows(IOException.class, () -> Npy.read(dir.resolve("fortran.npy")));
        assertTrue(fortran.getMessage().contains("Fortran") && fortran.getMessage().contains("ascontiguousarray"),
                fortran.getMessage());
        assertArrayEquals(new long[] {-1, 2, 3, -4}, Npy.readLongs(dir.resolve("i4.npy")).values());
        assertArrayEquals(new long[] {0, 255, 7}, Npy.readLongs(dir.resolve("u1.npy")).values());
        assertArrayEquals(new long[] {-(1L << 40), 9}, Npy.readLongs(dir.resolve("i8be.npy")).values());
        assertArrayEquals(new long[] {1, 0}, Npy.readLongs(dir.resolve("bool.npy")).values());
        IOException u8 = assertThrows(IOException.class, () -> Npy.readLongs(dir.resolve("u8.npy")));
        assertTrue(u8.getMessage().contains("9223372036854775813"), u8.getMessage());

        // And back: NumPy reads our files bit for bit.
        Npy.write(dir.resolve("ours.npy"), Tensor.wrap(expected, 2, 3, 5));
        Npy.write(dir.resolve("ours0.npy"), Tensor.zeros(0, 7));
        String out = python(py, dir, """
                import numpy as np
                a = np.load('ours.npy')
                b = (np.arange(30, dtype=np.float64).reshape(2, 3, 5) - 7.5) / 3
                print(a.dtype, a.shape, a.flags['C_CONTIGUOUS'], np.array_equal(a, b.astype(np.float32)), np.load('ours0.npy').shape)
                """);
        assertEquals("float32 (2, 3, 5) True True (0, 7)", out);
    }

    // ---- hostile and broken files ----

    private static byte[] file(int major, String header, int dataBytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
        out.write(h.length & 0xFF);
        out.write((h.length >>> 8) & 0xFF);
        if (major > 1) {
            out.write((h.length >>> 16) & 0xFF);
            out.write((h.length >>> 24) & 0xFF);
        }
        out.writeBytes(h);
        out.writeBytes(new byte[dataBytes]);
        return out.toByteArray();
    }

    private String failure(byte[] bytes) throws IOException {
        Path f = dir.resolve("bad.npy");
        Files.write(f, bytes);
        IOException e = assertThrows(IOException.class, () -> Npy.read(f));
        assertTrue(e.getMessage().startsWith(f.toString()), "names the file: " + e.getMessage());
        return e.getMessage();
    }

    private static String dict(String descr, String fortran, String shape) {
        return "{'descr': " + descr + ", 'fortran_order': " + fortran + ", 'shape': " + shape + ", }\n";
    }

    @Test
    void hostileShapesFailBeforeAllocating() throws IOException {
        assertTrue(failure(file(1, dict("'<f4'", "False", "(1000000000,)"), 16)).contains("needs 4000000000 data bytes, the file has 16"));
        assertTrue(failure(file(1, dict("'<f4'", "False", "(65536, 65536)"), 16)).contains("more than"));
        assertTrue(failure(file(1, dict("'<f4'", "False", "(99999999999999999999,)"), 16)).contains("too large"));
        assertTrue(failure(file(1, dict("'<f8'", "False", "(3,)"), 16)).contains("(truncated)"));
        assertTrue(failure(file(1, dict("'<f4'", "False", "(3,)"), 16)).contains("(trailing bytes)"));
        assertTrue(failure(file(1, dict("'<f4'", "False", "(-3,)"), 16)).contains("non-negative integers"));
    }

    @Test
    void brokenHeadersSayWhatIsWrong() throws IOException {
        assertTrue(failure(new byte[] {1, 2, 3}).contains("truncated"));
        assertTrue(failure("NOT A NUMPY FILE AT ALL".getBytes(StandardCharsets.US_ASCII)).contains("magic"));
        assertTrue(failure(file(4, dict("'<f4'", "False", "(1,)"), 4)).contains("version 4.0"));
        byte[] longHeader = file(2, dict("'<f4'", "False", "(1,)"), 4);
        longHeader[8] = 0;
        longHeader[9] = 0;
        longHeader[10] = 0;
        longHeader[11] = 0x7F; // 2 GB header length in a tiny file
        assertTrue(failure(longHeader).contains("header length 2130706432 is impossible"));
        assertTrue(failure(file(1, dict("'<c8'", "False", "(1,)"), 8)).contains("'<c8' is not supported"));
        assertTrue(failure(file(1, dict("[('a', '<f4')]", "False", "(1,)"), 4)).contains("structured"));
        assertTrue(failure(file(1, dict("'<f4'", "Maybe", "(1,)"), 4)).contains("True or False"));
        assertTrue(failure(file(1, "{'descr': '<f4', 'shape': (1,), }\n", 4)).contains("lacks 'fortran_order'"));
        assertTrue(failure(file(1, "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}", 4))
                .contains("twice"));
        assertTrue(failure(file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}", 4))
                .contains("unexpected key 'x'"));
        assertTrue(failure(file(1, dict("'<f4'", "False", "(1,)") + "junk", 4)).contains("after the header dict"));
        assertTrue(failure(file(1, "{'descr': '<f4", 4)).contains("unterminated"));
        assertTrue(failure(file(1, dict("'<f4'", "True", "(2, 2)"), 16)).contains("Fortran"));
    }

    /** Every truncation and thousands of byte mutations of a valid file end in a value or an IOException. */
    @Test
    void truncatedAndMutatedFilesFailCleanly() throws IOException {
        byte[] good = Npy.encode(Tensor.wrap(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        Path f = dir.resolve("m.npy");
        List<String> unexpected = new ArrayList<>();
        for (int len = 0; len < good.length; len++) {
            Files.write(f, Arrays.copyOf(good, len));
            assertThrows(IOException.class, () -> Npy.read(f), "truncated to " + len);
        }
        SplittableRandom r = new SplittableRandom(7);
        for (int trial = 0; trial < 3000; trial++) {
            byte[] b = good.clone();
            for (int k = 1 + r.nextInt(3); k > 0; k--) b[r.nextInt(80)] = (byte) r.nextInt(256);
            Files.write(f, b);
            try {
                Npy.read(f);
            } catch (IOException e) {
                if (e.getMessage() == null || e.getMessage().isBlank()) unexpected.add("empty message");
            } catch (RuntimeException e) {
                unexpected.add(e + " for " + Arrays.toString(Arrays.copyOf(b, 80)));
            }
        }
        assertEquals(List.of(), unexpected.stream().limit(3).toList());
    }
}
