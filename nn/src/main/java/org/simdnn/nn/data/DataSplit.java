package org.simdnn.nn.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A training and a test set read from a directory of the four IDX files, gzip-compressed or not, under the
 * names of MNIST and Fashion-MNIST ({@code train-images-idx3-ubyte[.gz]}, {@code train-labels-idx1-ubyte[.gz]},
 * {@code t10k-...}; the dotted {@code train-images.idx3-ubyte} spelling too).
 */
public record DataSplit(Dataset train, Dataset test) {
    /** Where Debian's {@code dataset-fashion-mnist} package puts the files. */
    public static final Path FASHION_MNIST_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    private static final String[][] NAMES = {
            {"train-images-idx3-ubyte", "train-images.idx3-ubyte"},
            {"train-labels-idx1-ubyte", "train-labels.idx1-ubyte"},
            {"t10k-images-idx3-ubyte", "t10k-images.idx3-ubyte"},
            {"t10k-labels-idx1-ubyte", "t10k-labels.idx1-ubyte"}};

    /** True when all four files are in {@code dir}. */
    public static boolean present(Path dir) {
        for (String[] alt : NAMES) if (find(dir, alt) == null) return false;
        return true;
    }

    /** Reads all four files (10 classes). */
    public static DataSplit load(Path dir) throws IOException {
        Path[] f = new Path[4];
        for (int i = 0; i < 4; i++) {
            f[i] = find(dir, NAMES[i]);
            if (f[i] == null) {
                throw new NoSuchFileException(dir.resolve(NAMES[i][0] + ".gz").toString(), null,
                        "missing IDX file (also looked for " + NAMES[i][0] + " and " + NAMES[i][1] + "[.gz])");
            }
        }
        Dataset train = Dataset.of(IdxReader.read(f[0], 3), IdxReader.read(f[1], 1), 10);
        Dataset test = Dataset.of(IdxReader.read(f[2], 3), IdxReader.read(f[3], 1), 10);
        if (train.height() != test.height() || train.width() != test.width()) {
            throw new IdxFormatException(dir + ": training images are " + train.height() + "x" + train.width()
                    + " but test images are " + test.height() + "x" + test.width());
        }
        return new DataSplit(train, test);
    }

    private static Path find(Path dir, String[] alternatives) {
        for (String base : alternatives) {
            for (String ext : new String[] {".gz", ""}) {
                Path p = dir.resolve(base + ext);
                if (Files.isRegularFile(p)) return p;
            }
        }
        return null;
    }
}
