package org.simdnn.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.simdnn.nn.data.DataSplit;

/**
 * Finds the IDX files: {@code --data DIR}, else Debian's Fashion-MNIST directory, installing the package
 * {@code dataset-fashion-mnist} with apt-get when running as root (running {@code apt-get update} first if the
 * package is unknown), or naming the exact command otherwise. Every failure is an IOException with a one-line
 * message.
 */
final class DataLocator {
    static final String PACKAGE = "dataset-fashion-mnist";

    private DataLocator() {}

    private static final String FILES = "train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], "
            + "t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]";

    /** The data directory; an IOException says in one line why there is none. */
    static Path resolve(Path data) throws IOException {
        if (data != null) {
            if (!Files.exists(data)) throw new IOException("--data " + data + ": no such directory");
            if (!Files.isDirectory(data)) throw new IOException("--data " + data + ": not a directory");
            if (!DataSplit.present(data)) throw new IOException("--data " + data + " lacks the IDX files (" + FILES + ")");
            return data;
        }
        Path dir = DataSplit.FASHION_MNIST_DIR;
        if (DataSplit.present(dir)) return dir;
        String cmd = "apt-get install -y " + PACKAGE;
        if (!isRoot()) {
            throw new IOException("Fashion-MNIST is not installed in " + dir + "; install it with `sudo " + cmd
                    + "` or pass --data DIR with the four IDX files");
        }
        System.err.println("simdnn: Fashion-MNIST not found in " + dir + "; installing it: " + cmd);
        if (!apt("install", "-y", PACKAGE)) {
            System.err.println("simdnn: package not found in the apt lists; running apt-get update first");
            if (!apt("update") || !apt("install", "-y", PACKAGE)) {
                throw new IOException("could not install " + PACKAGE + "; run `" + cmd + "` yourself or pass --data DIR");
            }
        }
        if (DataSplit.present(dir)) return dir;
        throw new IOException(PACKAGE + " is installed but " + dir + " lacks the IDX files (" + FILES + ")");
    }

    private static boolean apt(String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("apt-get", "-q"));
        cmd.addAll(List.of(args));
        try {
            Path log = Files.createTempFile("simdnn-apt", ".log");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            int rc = p.waitFor();
            if (rc != 0) {
                List<String> lines = Files.readAllLines(log);
                System.err.println("simdnn: `" + String.join(" ", cmd) + "` exited " + rc + "; last lines:");
                for (String l : lines.subList(Math.max(0, lines.size() - 5), lines.size())) System.err.println("  " + l);
            }
            Files.deleteIfExists(log);
            return rc == 0;
        } catch (IOException e) {
            System.err.println("simdnn: cannot run apt-get: " + e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Effective uid 0, read from /proc (no native call); falls back to the user name. */
    static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) return line.split("\\s+")[2].equals("0");
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return "root".equals(System.getProperty("user.name"));
    }
}
