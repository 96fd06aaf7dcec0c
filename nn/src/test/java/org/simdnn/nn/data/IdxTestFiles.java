package org.simdnn.nn.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small IDX files (optionally gzip-compressed) for the tests. */
final class IdxTestFiles {
    private IdxTestFiles() {}

    static byte[] idx(int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.put((byte) 0).put((byte) 0).put((byte) 8).put((byte) dims.length);
        for (int d : dims) b.putInt(d);
        b.put(data);
        return b.array();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(o)) {
            g.write(raw);
        }
        return o.toByteArray();
    }

    static Path write(Path dir, String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    /** n images of h x w whose pixel (i, y, x) = (i * 31 + y * 7 + x) & 0xff, labels i % 10. */
    static Dataset synthetic(int n, int h, int w) {
        byte[] px = new byte[n * h * w];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 10;
            for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) px[(i * h + y) * w + x] = (byte) (i * 31 + y * 7 + x);
        }
        return new Dataset("synthetic", px, labels, h, w, 1, 10);
    }

    /** Writes the four files of a split of n training and m test images into dir. */
    static void writeSplit(Path dir, int n, int m, boolean gz) throws IOException {
        for (String set : new String[] {"train", "t10k"}) {
            int count = set.equals("train") ? n : m;
            byte[] px = new byte[count * 28 * 28];
            byte[] lb = new byte[count];
            for (int i = 0; i < count; i++) {
                lb[i] = (byte) (i % 10);
                for (int p = 0; p < 784; p++) px[i * 784 + p] = (byte) ((p / 28 < 3 * (i % 10)) ? 200 : 0);
            }
            byte[] imgs = idx(new int[] {count, 28, 28}, px), labs = idx(new int[] {count}, lb);
            write(dir, set + "-images-idx3-ubyte" + (gz ? ".gz" : ""), gz ? gzip(imgs) : imgs);
            write(dir, set + "-labels-idx1-ubyte" + (gz ? ".gz" : ""), gz ? gzip(labs) : labs);
        }
    }
}
