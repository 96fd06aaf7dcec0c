package org.simdnn.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir Path dir;

    @Test
    void writtenFilesGetTheProcessDefaultPermissionsNotPrivateOnes() throws IOException {
        Assumptions.assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
                "POSIX permissions only");
        Path plain = Files.write(dir.resolve("plain.bin"), new byte[] {1});    // 0666 less the umask
        Path written = dir.resolve("model.safetensors");
        AtomicFiles.write(written, new byte[] {1, 2, 3});
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(written));
        AtomicFiles.write(written, new byte[] {4});                             // replacing keeps them too
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(written));
        assertArrayEquals(new byte[] {4}, Files.readAllBytes(written));
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temporary left behind");
        }
    }
}
