package org.simdnn.ffm.blas;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.simdnn.ffm.NativeExtractor;

/**
 * Extraction into fresh roots (never loaded from: a second dlopen of another copy would give this process a
 * second OpenBLAS with its own state).
 */
class NativeExtractorTest {
    private static final String PLATFORM = "linux-x86_64";
    private static final ClassLoader CL = NativeExtractorTest.class.getClassLoader();

    private static List<NativeExtractor.Item> items() { return OpenBlasLibrary.items(PLATFORM); }

    @Test
    void extractsAllLibrariesOnceAndReusesThem(@TempDir Path root) throws IOException {
        Path dir = NativeExtractor.extract(CL, root, "ob", items());
        for (String f : List.of("libopenblas.so.0", "libgfortran.so.5", "libquadmath.so.0", "libgcc_s.so.1")) {
            assertTrue(Files.size(dir.resolve(f)) > 0, f);
        }
        FileTime old = FileTime.fromMillis(1_000_000L);
        Files.setLastModifiedTime(dir.resolve("libopenblas.so.0"), old);
        assertEquals(dir, NativeExtractor.extract(CL, root, "ob", items()));
        assertEquals(old, Files.getLastModifiedTime(dir.resolve("libopenblas.so.0")), "a valid copy is not rewritten");
        assertEquals(List.of(dir), children(root), "no temp directories left behind");
    }

    @Test
    void damagedCopyIsReplaced(@TempDir Path root) throws IOException {
        Path dir = NativeExtractor.extract(CL, root, "ob", items());
        long size = Files.size(dir.resolve("libopenblas.so.0"));
        byte[] bytes = Files.readAllBytes(dir.resolve("libgfortran.so.5"));
        bytes[bytes.length / 2] ^= 1; // same size, wrong content: only the checksum sees it
        Files.write(dir.resolve("libgfortran.so.5"), bytes);
        Files.write(dir.resolve("libopenblas.so.0"), new byte[10]);
        assertEquals(dir, NativeExtractor.extract(CL, root, "ob", items()));
        assertEquals(size, Files.size(dir.resolve("libopenblas.so.0")));
        assertFalse(java.util.Arrays.equals(bytes, Files.readAllBytes(dir.resolve("libgfortran.so.5"))));
        assertEquals(List.of(dir), children(root));
    }

    @Test
    void concurrentExtractionsAgreeOnOneDirectory(@TempDir Path root) throws Exception {
        int n = 4;
        CyclicBarrier start = new CyclicBarrier(n);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<Path>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                fs.add(pool.submit((Callable<Path>) () -> {
                    start.await();
                    return NativeExtractor.extract(CL, root, "ob", items());
                }));
            }
            for (Future<Path> f : fs) assertEquals(root.resolve("ob"), f.get());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of(root.resolve("ob")), children(root), "losers cleaned up their temp directories");
        assertEquals(root.resolve("ob"), NativeExtractor.extract(CL, root, "ob", items()));
    }

    @Test
    void missingNativesAndUnwritableCacheAreReasonsNotCrashes(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        Path unwritable = file.resolve("cache"); // a directory cannot be made under a regular file, even as root
        IOException e = assertThrows(IOException.class, () -> NativeExtractor.extract(CL, unwritable, "ob", items()));
        assertNotNull(e.toString());
        OpenBlasLibrary.Loaded l = OpenBlasLibrary.load(unwritable);
        assertNull(l.lib());
        assertTrue(l.failure().contains(unwritable.toString()), l.failure());

        assertThrows(java.nio.file.NoSuchFileException.class, () -> NativeExtractor.extract(CL, tmp, "ob",
                List.of(new NativeExtractor.Item("org/bytedeco/openblas/no-such-platform/libopenblas.so.0", "x", true))));
    }

    private static List<Path> children(Path root) throws IOException {
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> !p.getFileName().toString().equals("a-file")).toList();
        }
    }
}
