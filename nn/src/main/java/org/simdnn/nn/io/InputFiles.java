package org.simdnn.nn.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Opening a file for reading with an error that names it: Linux opens a directory for reading and fails only at
 * the first read, with "Is a directory" and no path, which a user cannot act on.
 */
public final class InputFiles {
    private InputFiles() {}

    /** A read-only channel on {@code path}; a directory is an IOException naming it. */
    public static FileChannel open(Path path) throws IOException {
        if (Files.isDirectory(path)) throw new IOException(path + ": is a directory, not a file");
        return FileChannel.open(path, StandardOpenOption.READ);
    }
}
