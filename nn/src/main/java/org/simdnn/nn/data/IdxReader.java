package org.simdnn.nn.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files, gzip-compressed or raw (recognised by the gzip magic bytes, not by the file name).
 *
 * <p>Layout: two zero bytes, the element type (0x08 = unsigned byte), the rank, then one big-endian int32
 * per dimension, then the elements. Every check fails with an {@link IdxFormatException} naming the file and
 * the expected and actual values: a bad magic, a rank or dimension out of range, a truncated body (expected vs
 * actual bytes), trailing bytes, a corrupt gzip stream. Nothing larger than the file can supply is allocated: a
 * raw file's header is checked against the file size before the body is read, a gzip body is read into a buffer
 * that grows with the data that actually arrives.
 */
public final class IdxReader {
    /** Guards against a corrupt header asking for gigabytes: 2^31 - 16 bytes at most (one Java array). */
    private static final long MAX_ELEMENTS = Integer.MAX_VALUE - 16L;
    private static final int TYPE_UBYTE = 0x08;
    private static final int FIRST_CHUNK = 1 << 20;

    private IdxReader() {}

    /** Reads the whole file; {@code expectedRank} > 0 also checks the rank (1 for labels, 3 for images). */
    public static IdxFile read(Path file, int expectedRank) throws IOException {
        String name = file.toString();
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(name, null, "IDX file not found");
        long fileBytes = Files.size(file);
        boolean gzip = isGzip(file);
        try (InputStream in = open(file, gzip)) {
            byte[] head = readFully(in, 4, name, "the 4-byte magic", fileBytes);
            if (head[0] != 0 || head[1] != 0) {
                throw new IdxFormatException(name + ": not an IDX file: magic bytes " + hex(head)
                        + ", expected 00 00 08 <rank>");
            }
            if ((head[2] & 0xff) != TYPE_UBYTE) {
                throw new IdxFormatException(name + ": unsupported IDX element type 0x"
                        + Integer.toHexString(head[2] & 0xff) + " (magic " + hex(head) + "); only 0x08 (unsigned byte)");
            }
            int rank = head[3] & 0xff;
            if (rank < 1 || rank > 4 || (expectedRank > 0 && rank != expectedRank)) {
                throw new IdxFormatException(name + ": IDX rank " + rank + " (magic " + hex(head) + "), expected "
                        + (expectedRank > 0 ? String.valueOf(expectedRank) : "1..4"));
            }
            byte[] dimBytes = readFully(in, 4 * rank, name, "the " + rank + " dimensions", fileBytes);
            int[] dims = new int[rank];
            long elements = 1;
            for (int i = 0; i < rank; i++) {
                dims[i] = ((dimBytes[4 * i] & 0xff) << 24) | ((dimBytes[4 * i + 1] & 0xff) << 16)
                        | ((dimBytes[4 * i + 2] & 0xff) << 8) | (dimBytes[4 * i + 3] & 0xff);
                if (dims[i] < 1) {
                    throw new IdxFormatException(name + ": dimension " + i + " is " + dims[i] + ", must be >= 1");
                }
                elements *= dims[i];
                if (elements > MAX_ELEMENTS) {
                    throw new IdxFormatException(name + ": dimensions " + Arrays.toString(dims)
                            + " exceed " + MAX_ELEMENTS + " elements");
                }
            }
            int headerBytes = 4 + 4 * rank;
            if (!gzip && elements > fileBytes - headerBytes) { // raw: the file size is the data size
                throw truncated(name, dims, elements, headerBytes, fileBytes - headerBytes);
            }
            byte[] data = readBody(in, (int) elements);
            if (data.length < elements) throw truncated(name, dims, elements, headerBytes, data.length);
            long extra = 0;
            while (in.read() >= 0 && extra < Long.MAX_VALUE) extra += 1 + in.skip(Long.MAX_VALUE);
            if (extra > 0) {
                throw new IdxFormatException(name + ": wrong length: header " + Arrays.toString(dims)
                        + " promises " + data.length + " data bytes, the file has " + (data.length + extra)
                        + " (" + extra + " trailing)");
            }
            return new IdxFile(name, dims, data);
        } catch (ZipException | EOFException e) {
            throw new IdxFormatException(name + ": corrupt or truncated gzip stream (" + e.getMessage() + ")", e);
        }
    }

    private static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    private static InputStream open(Path file, boolean gzip) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        return gzip ? new GZIPInputStream(raw, 1 << 16) : raw;
    }

    /**
     * Up to {@code n} bytes, fewer if the stream ends first. The buffer grows with what actually arrives
     * (doubling from 1 MiB), so a header that promises gigabytes costs at most twice the data that is there.
     */
    private static byte[] readBody(InputStream in, int n) throws IOException {
        byte[] data = new byte[Math.min(n, FIRST_CHUNK)];
        int got = 0;
        try {
            while (got < n) {
                if (got == data.length) data = Arrays.copyOf(data, (int) Math.min(n, 2L * data.length));
                int r = in.read(data, got, data.length - got);
                if (r < 0) break;
                got += r;
            }
        } catch (EOFException e) {
            // a gzip stream cut short: report how far it got, like a raw file
        }
        return got == data.length ? data : Arrays.copyOf(data, got);
    }

    private static IdxFormatException truncated(String name, int[] dims, long elements, int headerBytes, long got) {
        return new IdxFormatException(name + ": truncated: header " + Arrays.toString(dims) + " promises " + elements
                + " data bytes after the " + headerBytes + "-byte header, the file has " + got);
    }

    private static byte[] readFully(InputStream in, int n, String name, String what, long fileBytes) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new IdxFormatException(name + ": truncated: expected " + n + " bytes for " + what + ", got "
                    + b.length + " (file is " + fileBytes + " bytes)");
        }
        return b;
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) s.append(String.format("%02x ", x & 0xff));
        return s.toString().trim();
    }
}
