package org.simdnn.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class IdxReaderTest {
    @TempDir Path dir;

    private static byte[] body(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 13 + 1);
        return b;
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void readsValidFile(boolean gz) throws IOException {
        byte[] raw = IdxTestFiles.idx(new int[] {3, 4, 5}, body(60));
        Path p = IdxTestFiles.write(dir, "imgs", gz ? IdxTestFiles.gzip(raw) : raw);
        IdxFile f = IdxReader.read(p, 3);
        assertArrayEquals(new int[] {3, 4, 5}, f.dims());
        assertArrayEquals(body(60), f.data());
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void truncatedBodyNamesFileAndByteCounts(boolean gz) throws IOException {
        byte[] raw = Arrays.copyOf(IdxTestFiles.idx(new int[] {3, 4, 5}, body(60)), 16 + 41);
        Path p = IdxTestFiles.write(dir, "short.idx", gz ? IdxTestFiles.gzip(raw) : raw);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(p, 3));
        assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("60") && e.getMessage().contains("41"),
                e.getMessage());
    }

    @Test
    void gzipCutShortIsReportedNotThrownFromDeepInside() throws IOException {
        byte[] gz = IdxTestFiles.gzip(IdxTestFiles.idx(new int[] {50, 28, 28}, body(50 * 784)));
        Path p = IdxTestFiles.write(dir, "cut.gz", Arrays.copyOf(gz, gz.length / 2));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(p, 3));
        assertTrue(e.getMessage().startsWith(p.toString()) && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void truncatedHeader() throws IOException {
        Path p = IdxTestFiles.write(dir, "hdr", new byte[] {0, 0, 8, 3, 0, 0, 0, 3, 0});
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(p, 3));
        assertTrue(e.getMessage().contains("expected 12 bytes for the 3 dimensions, got 5"), e.getMessage());
    }

    @Test
    void corruptMagic() throws IOException {
        byte[] raw = IdxTestFiles.idx(new int[] {3, 4, 5}, body(60));
        raw[1] = 0x42;
        Path p = IdxTestFiles.write(dir, "magic", raw);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(p, 3));
        assertTrue(e.getMessage().contains("not an IDX file") && e.getMessage().contains("00 42 08 03"), e.getMessage());
    }

    @Test
    void wrongElementTypeAndRank() throws IOException {
        byte[] raw = IdxTestFiles.idx(new int[] {3, 4, 5}, body(60));
        raw[2] = 0x0d; // float
        Path p = IdxTestFiles.write(dir, "float", raw);
        assertTrue(assertThrows(IdxFormatException.class, () -> IdxReader.read(p, 3)).getMessage().contains("0xd"));
        Path q = IdxTestFiles.write(dir, "rank", IdxTestFiles.idx(new int[] {60}, body(60)));
        assertTrue(assertThrows(IdxFormatException.class, () -> IdxReader.read(q, 3)).getMessage()
                .contains("IDX rank 1 (magic 00 00 08 01), expected 3"));
    }

    @Test
    void zeroDimensionRejected() throws IOException {
        Path p = IdxTestFiles.write(dir, "zero", IdxTestFiles.idx(new int[] {0, 4, 5}, new byte[0]));
        assertTrue(assertThrows(IdxFormatException.class, () -> IdxReader.read(p, 3)).getMessage()
                .contains("dimension 0 is 0"));
    }

    @Test
    void hugeHeaderRejectedBeforeAllocating() throws IOException {
        Path p = IdxTestFiles.write(dir, "huge", IdxTestFiles.idx(new int[] {60000, 60000, 28}, body(10)));
        assertTrue(assertThrows(IdxFormatException.class, () -> IdxReader.read(p, 3)).getMessage().contains("exceed"));
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void trailingBytesAreWrongLength(boolean gz) throws IOException {
        byte[] raw = Arrays.copyOf(IdxTestFiles.idx(new int[] {3, 4, 5}, body(60)), 16 + 67);
        Path p = IdxTestFiles.write(dir, "long", gz ? IdxTestFiles.gzip(raw) : raw);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(p, 3));
        assertTrue(e.getMessage().contains("promises 60 data bytes, the file has 67 (7 trailing)"), e.getMessage());
    }

    @Test
    void missingFile() {
        assertThrows(NoSuchFileException.class, () -> IdxReader.read(dir.resolve("nope"), 1));
    }

    @Test
    void labelCountMustMatchImages() throws IOException {
        IdxFile imgs = IdxReader.read(IdxTestFiles.write(dir, "i", IdxTestFiles.idx(new int[] {3, 2, 2}, body(12))), 3);
        IdxFile labs = IdxReader.read(IdxTestFiles.write(dir, "l", IdxTestFiles.idx(new int[] {4}, new byte[4])), 1);
        assertTrue(assertThrows(IdxFormatException.class, () -> Dataset.of(imgs, labs, 10)).getMessage()
                .contains("has 3 images but"));
        IdxFile bad = IdxReader.read(IdxTestFiles.write(dir, "b", IdxTestFiles.idx(new int[] {3}, new byte[] {1, 10, 2})), 1);
        assertTrue(assertThrows(IdxFormatException.class, () -> Dataset.of(imgs, bad, 10)).getMessage()
                .contains("label 10 at index 1"));
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void loadsSplitFromDirectory(boolean gz) throws IOException {
        IdxTestFiles.writeSplit(dir, 30, 20, gz);
        assertTrue(DataSplit.present(dir));
        DataSplit s = DataSplit.load(dir);
        assertEquals(30, s.train().size());
        assertEquals(20, s.test().size());
        assertEquals(7, s.train().label(17));
        assertEquals(28, s.test().height());
    }

    @Test
    void missingSplitFileIsNamed() throws IOException {
        IdxTestFiles.writeSplit(dir, 5, 5, false);
        java.nio.file.Files.delete(dir.resolve("t10k-labels-idx1-ubyte"));
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> DataSplit.load(dir));
        assertTrue(e.getMessage().contains("t10k-labels-idx1-ubyte"), e.getMessage());
    }
}
