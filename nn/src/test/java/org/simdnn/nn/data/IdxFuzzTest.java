package org.simdnn.nn.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.simdnn.fuzz.Mutator;

/**
 * Fuzz target: {@link IdxReader} on mutated IDX files, raw, gzip-compressed after mutation (the header logic
 * behind a gzip stream) and mutated after compression (a corrupt gzip stream). Every input either reads to a
 * file consistent with its header or fails with {@link IdxFormatException} naming the file, and no read
 * allocates much more than the file can supply. Tries: {@code -Djqwik.tries.default} (docs/reliability.md).
 */
class IdxFuzzTest {
    private static Path dir;

    @BeforeContainer
    static void makeDir() throws IOException {
        dir = Files.createTempDirectory("idx-fuzz");
        // class loading and first-use costs must not count as the first input's allocation
        Path warm = dir.resolve("warm.idx.gz");
        Files.write(warm, IdxTestFiles.gzip(SEEDS[0]));
        IdxReader.read(warm, 0);
    }

    @AfterContainer
    static void removeDir() throws IOException {
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) Files.delete(p);
        }
        Files.delete(dir);
    }

    private static final byte[][] SEEDS = {
            IdxTestFiles.idx(new int[] {3, 4, 5}, pixels(60)),
            IdxTestFiles.idx(new int[] {7}, pixels(7)),
            IdxTestFiles.idx(new int[] {2, 28, 28}, pixels(2 * 784)),
            IdxTestFiles.idx(new int[] {1, 1, 1, 1}, pixels(1))};

    private static byte[] pixels(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 37);
        return b;
    }

    @Property
    void mutatedFilesReadConsistentlyOrFailByName(@ForAll long seed, @ForAll @IntRange(min = 1, max = 6) int rounds,
            @ForAll @IntRange(min = 0, max = 3) int which, @ForAll @IntRange(min = 0, max = 2) int gzip) throws IOException {
        byte[] raw = SEEDS[which];
        byte[] file = switch (gzip) {
            case 0 -> Mutator.mutate(raw, seed, rounds);
            case 1 -> IdxTestFiles.gzip(Mutator.mutate(raw, seed, rounds));
            default -> Mutator.mutate(IdxTestFiles.gzip(raw), seed, rounds);
        };
        Path f = dir.resolve("fuzz-" + Thread.currentThread().threadId() + ".idx");
        Files.write(f, file);
        long allocated = Mutator.allocatedBy(() -> {
            try {
                IdxFile idx = IdxReader.read(f, 0);
                long n = 1;
                for (int d : idx.dims()) n *= d;
                assertEquals(n, idx.data().length, "header and data disagree");
            } catch (IdxFormatException e) {
                assertTrue(e.getMessage().startsWith(f.toString()), "message does not name the file: " + e.getMessage());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (RuntimeException e) {
                fail("seed " + seed + " rounds " + rounds + " gzip " + gzip + ": " + e, e);
            }
        });
        // 1 MiB first read buffer, gzip's own buffers, and at most twice what the stream really held.
        assertTrue(allocated < (4L << 20) + 64L * file.length, "allocated " + allocated + " for a " + file.length
                + "-byte file (seed " + seed + ")");
    }
}
