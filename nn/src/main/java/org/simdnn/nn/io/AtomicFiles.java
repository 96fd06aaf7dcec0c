package org.simdnn.nn.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Atomic file replacement, for every file simdnn writes (models, checkpoints, .npy, .onnx): a temporary file in
 * the target's directory is written, forced to disk and renamed over the target with {@code ATOMIC_MOVE}, then
 * the directory is synced. A crash leaves the old file or the new one, never a torn one. The file gets the
 * process's default permissions (0666 less the umask).
 */
public final class AtomicFiles {
    /** Temporaries this process is writing now: never stale, even though their pid is alive. */
    private static final Set<Path> IN_FLIGHT = ConcurrentHashMap.newKeySet();

    private AtomicFiles() {}

    /** Replaces {@code path} with {@code bytes}; creates missing parent directories. */
    public static void write(Path path, byte[] bytes) throws IOException {
        Path abs = path.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir != null) Files.createDirectories(dir);
        deleteStaleTemporaries(dir, abs.getFileName().toString());
        Path tmp = createTemporary(dir, tempPrefix(abs.getFileName().toString()) + ProcessHandle.current().pid() + ".");
        IN_FLIGHT.add(tmp);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) ch.write(buf);
                ch.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot write " + abs + " atomically: the file system does not support an atomic "
                        + "rename in " + dir, e);
            }
            syncDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
            IN_FLIGHT.remove(tmp);
        }
    }

    /**
     * Checks, leaving nothing behind, that {@link #write} can write {@code path}: it is not a directory, and its
     * directory (or the nearest existing one above, under which {@code write} creates the rest) is a directory
     * that accepts a new file. For callers that must refuse an unwritable output before long work; the
     * IOException's message names the path and the reason.
     */
    public static void checkWritable(Path path) throws IOException {
        Path abs = path.toAbsolutePath().normalize();
        if (Files.isDirectory(abs)) throw new IOException("cannot write " + path + ": it is a directory");
        probe(path, abs.getParent(), tempPrefix(String.valueOf(abs.getFileName())));
    }

    /** As {@link #checkWritable}, for a directory that files will be written into (created if missing). */
    public static void checkWritableDirectory(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        if (Files.exists(abs) && !Files.isDirectory(abs)) throw new IOException("cannot write into " + dir + ": not a directory");
        probe(dir, abs, ".simdnn-probe.pid");
    }

    private static void probe(Path what, Path dir, String prefix) throws IOException {
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) existing = existing.getParent();
        if (existing == null) throw new IOException("cannot write " + what + ": no directory above it exists");
        if (!Files.isDirectory(existing)) throw new IOException("cannot write " + what + ": " + existing + " is not a directory");
        Path tmp;
        try {
            tmp = Files.createTempFile(existing, prefix + ProcessHandle.current().pid() + ".", ".tmp");
        } catch (IOException e) {
            String reason = e instanceof AccessDeniedException ? " (permission denied)"
                    : e instanceof FileSystemException f ? (f.getReason() == null ? "" : " (" + f.getReason() + ")")
                    : " (" + e.getMessage() + ")"; // a FileSystemException's message is the temporary's name: not shown
            throw new IOException("cannot write " + what + ": " + existing + " does not take new files" + reason, e);
        }
        Files.deleteIfExists(tmp);
    }

    private static String tempPrefix(String target) { return "." + target + ".pid"; }

    /**
     * A new empty file {@code prefix<random>.tmp} in {@code dir}, created exclusively (never through a link) with
     * the process's default permissions: 0666 less the umask, as any other program's output. (Not
     * {@code Files.createTempFile}: its 0600 would carry over to the renamed model, which a service running as
     * another user then cannot read.)
     */
    private static Path createTemporary(Path dir, String prefix) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path p = dir.resolve(prefix + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
            try {
                Files.newByteChannel(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return p;
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 100) throw e;
            }
        }
    }

    /**
     * Deletes {@code .<target>.pid<pid>.*.tmp} files whose writing process no longer runs (or is this one but
     * not writing it now): what a kill during {@link #write} leaves behind. Best effort; a file another live
     * process is writing is never touched.
     */
    static void deleteStaleTemporaries(Path dir, String target) {
        String prefix = tempPrefix(target);
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir == null ? Path.of(".") : dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (!n.startsWith(prefix) || !n.endsWith(".tmp")) continue;
                int dot = n.indexOf('.', prefix.length());
                long pid;
                try {
                    pid = Long.parseLong(n.substring(prefix.length(), dot < 0 ? prefix.length() : dot));
                } catch (NumberFormatException e) {
                    continue;
                }
                boolean stale = pid == self ? !IN_FLIGHT.contains(p.toAbsolutePath())
                        : ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
                if (stale) Files.deleteIfExists(p);
            }
        } catch (IOException | RuntimeException e) {
            // Cleaning up is a courtesy: the write itself does not depend on it.
        }
    }

    private static void syncDirectory(Path dir) {
        if (dir == null) return;
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not every OS/file system can open or sync a directory; the rename itself is already atomic.
        }
    }
}
