package org.simdnn.nn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.simdnn.fuzz.Mutator;
import org.simdnn.tensor.Tensor;

/**
 * Fuzz target: {@link Npy#read} and {@link Npy#readLongs} on mutated {@code .npy} files (NumPy's own files,
 * float and integer, either byte order, and ours). Every input either reads to an array whose length is the
 * product of its shape or fails with an {@link IOException} naming the file; never another exception, and no
 * read allocates much more than the file holds. Tries: {@code -Djqwik.tries.default} (docs/reliability.md).
 */
class NpyFuzzTest {
    private static final String[] NUMPY_FILES = {"arange_2x3_f4.npy", "big_endian_2x2_f8.npy", "labels_i8.npy"};
    private static byte[][] seeds;
    private static Path dir;

    @BeforeContainer
    static void setUp() throws IOException, URISyntaxException {
        dir = Files.createTempDirectory("npy-fuzz");
        seeds = new byte[NUMPY_FILES.length + 2][];
        for (int i = 0; i < NUMPY_FILES.length; i++) {
            seeds[i] = Files.readAllBytes(Path.of(NpyFuzzTest.class.getResource("/npy/" + NUMPY_FILES[i]).toURI()));
        }
        seeds[NUMPY_FILES.length] = Npy.encode(Tensor.wrap(new float[] {1, -2, 3.5f, 0, 7, 8}, 1, 2, 3));
        seeds[NUMPY_FILES.length + 1] = Npy.encode(Tensor.zeros(0, 4));
        // class loading and first-use costs (both readers, their error paths) must not count as an input's allocation
        Path warm = dir.resolve("warm.npy");
        for (byte[] s : seeds) {
            for (byte[] f : new byte[][] {s, Mutator.mutate(s, 1, 1), java.util.Arrays.copyOf(s, 20)}) {
                Files.write(warm, f);
                try {
                    Npy.read(warm);
                } catch (IOException e) {
                    // expected for the integer files and the broken ones
                }
                try {
                    Npy.readLongs(warm);
                } catch (IOException e) {
                    // expected for the float files and the broken ones
                }
            }
        }
    }

    @AfterContainer
    static void removeDir() throws IOException {
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) Files.delete(p);
        }
        Files.delete(dir);
    }

    @Property
    void mutatedFilesReadConsistentlyOrFailByName(@ForAll long seed, @ForAll @IntRange(min = 1, max = 6) int rounds,
            @ForAll @IntRange(min = 0, max = 4) int which, @ForAll boolean asLongs) throws IOException {
        byte[] file = Mutator.mutate(seeds[which], seed, rounds);
        Path f = dir.resolve("fuzz-" + Thread.currentThread().threadId() + ".npy");
        Files.write(f, file);
        long allocated = Mutator.allocatedBy(() -> {
            try {
                int[] shape;
                long length;
                if (asLongs) {
                    Npy.LongArray a = Npy.readLongs(f);
                    shape = a.shape();
                    length = a.values().length;
                } else {
                    Tensor t = Npy.read(f);
                    shape = t.shape();
                    length = t.size();
                }
                long n = 1;
                for (int d : shape) n *= d;
                assertEquals(n, length, "shape and data disagree");
            } catch (IOException e) {
                assertTrue(e.getMessage().startsWith(f.toString()), "message does not name the file: " + e.getMessage());
                assertTrue(e.getMessage().length() < 1000, "message of " + e.getMessage().length() + " chars");
            } catch (RuntimeException e) {
                fail("seed " + seed + " rounds " + rounds + " file " + which + " longs " + asLongs + ": " + e, e);
            }
        });
        // the header (at most the file), the data buffer (the file), the array (8 bytes per element at most), messages
        assertTrue(allocated < (1L << 20) + 16L * file.length, "allocated " + allocated + " for a " + file.length
                + "-byte file (seed " + seed + ")");
    }
}
