package org.simdnn.ffm;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * Copies a set of shared libraries from the class path into one cache directory, so that the main library's
 * {@code RUNPATH=$ORIGIN} finds its dependencies next to it.
 *
 * <p>Atomic and concurrent-safe across threads and processes: the files are written into a fresh temporary
 * directory beside the target, checked, and the directory is renamed into place; whoever loses the rename
 * race uses the winner's copy. An existing directory is trusted only if every file has the size and CRC-32
 * that the jar's central directory records for it; a damaged one is moved aside and replaced.
 */
public final class NativeExtractor {
    /** One library: its class-path resource and whether loading can go on without it. */
    public record Item(String resource, String fileName, boolean required) {}

    private record Expected(Item item, URL url, long size, long crc) {}

    private NativeExtractor() {}

    /**
     * Returns {@code root/dirName} holding every present item, extracting it first if needed.
     *
     * @throws IOException naming what is missing, unreadable or unwritable
     */
    public static Path extract(ClassLoader loader, Path root, String dirName, List<Item> items) throws IOException {
        List<Expected> expected = new ArrayList<>();
        for (Item it : items) {
            URL url = loader.getResource(it.resource());
            if (url == null) {
                if (it.required()) {
                    throw new NoSuchFileException(it.resource(), null, "not on the class path (no natives for this "
                            + "platform in the jars)");
                }
                continue;
            }
            expected.add(describe(it, url));
        }
        Path dir = root.resolve(dirName);
        if (matches(dir, expected)) return dir;

        Files.createDirectories(root);
        for (int attempt = 0; ; attempt++) {
            Path tmp = Files.createTempDirectory(root, "." + dirName + ".tmp-");
            try {
                for (Expected e : expected) write(e, tmp.resolve(e.item().fileName()));
                try {
                    Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
                    return dir;
                } catch (AtomicMoveNotSupportedException e) {
                    throw new IOException("cannot rename " + tmp + " to " + dir + " atomically", e);
                } catch (IOException lostRace) {
                    // EEXIST/ENOTEMPTY: another thread or process got there first, or a stale copy is in the way
                    if (!Files.exists(dir)) throw lostRace;
                }
            } finally {
                deleteTree(tmp);
            }
            if (matches(dir, expected)) return dir;
            if (attempt >= 2) throw new IOException(dir + " exists but does not match the jar's libraries");
            // a damaged or foreign copy: move it aside (a process may still have it mapped) and try again
            Path stale = root.resolve("." + dirName + ".stale-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
            try {
                Files.move(dir, stale, StandardCopyOption.ATOMIC_MOVE);
                deleteTree(stale);
            } catch (NoSuchFileException gone) {
                // someone else moved it already
            }
        }
    }

    /** {@code -Dsimdnn.cache.dir}, else {@code $XDG_CACHE_HOME/simdnn}, else {@code ~/.cache/simdnn}. */
    public static Path cacheRoot() {
        String prop = System.getProperty("simdnn.cache.dir", "").trim();
        if (!prop.isEmpty()) return Path.of(prop);
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) return Path.of(xdg, "simdnn");
        return Path.of(System.getProperty("user.home"), ".cache", "simdnn");
    }

    private static Expected describe(Item it, URL url) throws IOException {
        URLConnection conn = url.openConnection();
        if (conn instanceof JarURLConnection jar) {
            JarEntry e = jar.getJarEntry();
            if (e != null && e.getSize() >= 0 && e.getCrc() >= 0) return new Expected(it, url, e.getSize(), e.getCrc());
        }
        // exploded class path: read it once to learn the checksum
        CRC32 crc = new CRC32();
        long size = 0;
        try (InputStream in = url.openStream()) {
            byte[] buf = new byte[1 << 16];
            for (int r; (r = in.read(buf)) > 0; size += r) crc.update(buf, 0, r);
        }
        return new Expected(it, url, size, crc.getValue());
    }

    private static boolean matches(Path dir, List<Expected> expected) throws IOException {
        if (!Files.isDirectory(dir)) return false;
        for (Expected e : expected) {
            Path f = dir.resolve(e.item().fileName());
            if (!Files.isRegularFile(f) || Files.size(f) != e.size()) return false;
            CRC32 crc = new CRC32();
            try (InputStream in = Files.newInputStream(f)) {
                byte[] buf = new byte[1 << 16];
                for (int r; (r = in.read(buf)) > 0; ) crc.update(buf, 0, r);
            }
            if (crc.getValue() != e.crc()) return false;
        }
        return true;
    }

    private static void write(Expected e, Path target) throws IOException {
        CRC32 crc = new CRC32();
        long size = 0;
        try (InputStream in = e.url().openStream(); OutputStream out = Files.newOutputStream(target)) {
            byte[] buf = new byte[1 << 16];
            for (int r; (r = in.read(buf)) > 0; size += r) {
                crc.update(buf, 0, r);
                out.write(buf, 0, r);
            }
        }
        if (size != e.size() || crc.getValue() != e.crc()) {
            throw new IOException("extracted " + e.item().resource() + " is damaged: " + size + " bytes, crc "
                    + Long.toHexString(crc.getValue()) + "; expected " + e.size() + " bytes, crc " + Long.toHexString(e.crc()));
        }
    }

    private static void deleteTree(Path p) {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(q -> {
                try {
                    Files.deleteIfExists(q);
                } catch (IOException ignored) {
                    // best effort: a leftover temp dir is harmless
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
