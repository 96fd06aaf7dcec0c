package org.simdnn.nn.io;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.MalformedJsonException;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.simdnn.tensor.Tensor;

/**
 * The safetensors format (Hugging Face), float32 only:
 * <pre>
 *   8 bytes   N, unsigned little-endian 64-bit: the header length
 *   N bytes   UTF-8 JSON: {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...,
 *                          "__metadata__": {"key": "string value", ...}}   (may be padded with spaces)
 *   rest      the byte buffer: each tensor's row-major little-endian float32 data at [begin, end) relative to
 *             the buffer start; the tensors cover the buffer exactly, without overlap or holes
 * </pre>
 * Reading checks all of it before allocating a tensor: the header length against the file size and
 * {@link #MAX_HEADER_BYTES}, the JSON (streamed, at most {@link #MAX_ENTRIES} entries, no duplicate names),
 * each dtype, shape and offset range ({@code end - begin == 4 * elements}), coverage of the buffer, and the file
 * length; so no allocation exceeds what the file holds. Every failure is an {@link IOException} whose message
 * names the file and the tensor with the expected and actual sizes. No Java deserialisation: the JSON goes
 * through Gson's streaming reader.
 *
 * <p>Integrity: the writer stores the SHA-256 of the data bytes as metadata {@value #SHA256_KEY}; the reader
 * verifies it when present (files from other tools, without it, still load) and leaves it out of
 * {@link Contents#metadata()}.
 *
 * <p>Writing is atomic ({@link AtomicFiles}): a crash leaves the old file or the new one, and the next write
 * removes the temporary a killed writer left.
 */
public final class SafeTensors {
    /**
     * Our cap on the header size (the format allows 100 MB). Real headers are kilobytes (a few hundred bytes
     * per tensor); 16 MiB holds more than {@link #MAX_ENTRIES} entries, and keeps a hostile header far below any
     * heap we run in.
     */
    public static final long MAX_HEADER_BYTES = 16L * 1024 * 1024;
    /** Our cap on header entries (tensors plus metadata keys); large checkpoints hold a few thousand tensors. */
    public static final int MAX_ENTRIES = 65_536;
    public static final String METADATA_KEY = "__metadata__";
    /** Metadata key of the lowercase hex SHA-256 of the data bytes (everything after the header). */
    public static final String SHA256_KEY = "simdnn.data_sha256";
    private static final int MAX_RANK = 64;
    /** Longer number literals are no offset or dimension we could use, and BigDecimal on them is slow. */
    private static final int MAX_NUMBER_CHARS = 32;

    private SafeTensors() {}

    /** What a file holds: tensors in file order and the string metadata. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

    /** Writes tensors (any contiguous or strided views; saved row-major) and metadata atomically to {@code path}. */
    public static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        AtomicFiles.write(path, encode(tensors, metadata));
    }

    /** The file's bytes: header length, padded JSON header, data. The metadata gains {@value #SHA256_KEY}. */
    public static byte[] encode(Map<String, Tensor> tensors, Map<String, String> metadata) {
        MessageDigest sha = sha256();
        ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (Tensor t : tensors.values()) {
            for (float v : t.toArray()) {
                if (!chunk.hasRemaining()) {
                    sha.update(chunk.flip());
                    chunk.clear();
                }
                chunk.putFloat(v);
            }
        }
        sha.update(chunk.flip());
        JsonObject header = new JsonObject();
        JsonObject meta = new JsonObject();
        if (metadata != null) metadata.forEach((k, v) -> { if (!k.equals(SHA256_KEY)) meta.addProperty(k, v); });
        meta.addProperty(SHA256_KEY, HexFormat.of().formatHex(sha.digest()));
        header.add(METADATA_KEY, meta);
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            if (name.equals(METADATA_KEY)) throw new IllegalArgumentException("a tensor cannot be named " + METADATA_KEY);
            Tensor t = e.getValue();
            JsonObject o = new JsonObject();
            o.addProperty("dtype", "F32");
            JsonArray shape = new JsonArray();
            for (int i = 0; i < t.rank(); i++) shape.add(t.dim(i));
            o.add("shape", shape);
            JsonArray offs = new JsonArray();
            offs.add(offset);
            offset += 4L * t.size();
            offs.add(offset);
            o.add("data_offsets", offs);
            header.add(name, o);
        }
        byte[] json = new GsonBuilder().disableHtmlEscaping().create().toJson(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        long total = 8L + padded + offset;
        if (total > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("model of " + total + " bytes is too large to encode");
        ByteBuffer out = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded);
        out.put(json);
        for (int i = json.length; i < padded; i++) out.put((byte) ' ');
        for (Tensor t : tensors.values()) {
            float[] v = t.toArray();
            out.asFloatBuffer().put(v);
            out.position(out.position() + 4 * v.length);
        }
        return out.array();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }

    /** Reads and validates a whole file. */
    public static Contents read(Path path) throws IOException {
        try (FileChannel ch = InputFiles.open(path)) {
            return read(ch, path.toString());
        }
    }

    /** Decodes bytes (e.g. an embedded resource) with the same checks as {@link #read(Path)}. */
    public static Contents decode(byte[] bytes, String what) throws IOException {
        return parse(bytes.length, (dst, position) -> dst.put(ByteBuffer.wrap(bytes, (int) position, dst.remaining())),
                what);
    }

    private interface Source {
        void read(ByteBuffer dst, long position) throws IOException;
    }

    private static Contents read(FileChannel ch, String what) throws IOException {
        return parse(ch.size(), (dst, pos) -> {
            long p = pos;
            while (dst.hasRemaining()) {
                int n = ch.read(dst, p);
                if (n < 0) throw new IOException(what + ": unexpected end of file at byte " + p);
                p += n;
            }
        }, what);
    }

    private record Entry(String name, int[] shape, long begin, long end) {}

    private static Contents parse(long fileSize, Source src, String what) throws IOException {
        if (fileSize < 8) {
            throw new IOException(what + ": truncated: " + fileSize + " bytes, a safetensors file has at least 8 "
                    + "(the header length)");
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        src.read(lenBuf, 0);
        long headerLen = lenBuf.flip().getLong();
        if (headerLen < 2 || headerLen > MAX_HEADER_BYTES || headerLen > fileSize - 8) {
            throw new IOException(what + ": header length " + Long.toUnsignedString(headerLen) + " is impossible for a file of "
                    + fileSize + " bytes (must be 2.." + Math.min(MAX_HEADER_BYTES, fileSize - 8)
                    + "): truncated or not a safetensors file");
        }
        ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
        src.read(hb, 8);
        long dataStart = 8 + headerLen, dataLen = fileSize - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        JsonReader r = new JsonReader(new InputStreamReader(new ByteArrayInputStream(hb.array()), StandardCharsets.UTF_8));
        r.setStrictness(Strictness.STRICT);
        try {
            if (r.peek() != JsonToken.BEGIN_OBJECT) throw new IOException(what + ": header is JSON but not an object");
            r.beginObject();
            Set<String> names = new HashSet<>();
            while (r.hasNext()) {
                String name = r.nextName();
                if (names.size() == MAX_ENTRIES) {
                    throw new IOException(what + ": header has more than " + MAX_ENTRIES + " entries (at '"
                            + clip(name) + "'); not a model we can load");
                }
                if (!names.add(name)) throw new IOException(what + ": header names '" + clip(name) + "' twice");
                if (name.equals(METADATA_KEY)) readMetadata(r, what, metadata);
                else entries.add(entry(what, name, r, dataLen));
            }
            r.endObject();
            if (r.peek() != JsonToken.END_DOCUMENT) throw new IOException(what + ": corrupt header (invalid JSON): "
                    + "text after the object at " + r.getPath());
        } catch (MalformedJsonException | EOFException | IllegalStateException | NumberFormatException e) {
            throw new IOException(what + ": corrupt header (invalid JSON): " + clip(String.valueOf(e.getMessage())), e);
        }
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long covered = 0;
        for (Entry en : sorted) {
            if (en.begin != covered) {
                throw new IOException(what + ": tensor '" + en.name + "' starts at byte " + en.begin + " of the data, "
                        + (en.begin < covered ? "overlapping the previous tensor (which ends at " : "leaving a hole (previous ends at ")
                        + covered + ")");
            }
            covered = en.end;
        }
        if (covered != dataLen) {
            throw new IOException(what + ": the tensors cover " + covered + " data bytes but the file has " + dataLen
                    + (dataLen < covered ? " (truncated)" : " (trailing bytes)"));
        }
        // In offset order, so the digest runs over the data bytes as they lie in the file.
        String storedSha = metadata.remove(SHA256_KEY);
        MessageDigest sha = storedSha == null ? null : sha256();
        Map<String, Tensor> byName = new LinkedHashMap<>();
        for (Entry en : sorted) {
            int n = (int) ((en.end - en.begin) / 4);
            ByteBuffer bb = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
            src.read(bb, dataStart + en.begin);
            if (sha != null) sha.update(bb.array());
            float[] v = new float[n];
            bb.flip().asFloatBuffer().get(v);
            byName.put(en.name, Tensor.wrap(v, en.shape));
        }
        if (sha != null) {
            String actual = HexFormat.of().formatHex(sha.digest());
            if (!actual.equalsIgnoreCase(storedSha)) {
                throw new IOException(what + ": the tensor data (" + dataLen + " bytes) does not match the SHA-256 "
                        + "stored in its metadata (" + clip(storedSha) + ", data has " + actual
                        + "): the file is corrupt");
            }
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Entry en : entries) tensors.put(en.name, byName.get(en.name));
        return new Contents(Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
    }

    private static void readMetadata(JsonReader r, String what, Map<String, String> metadata) throws IOException {
        if (r.peek() != JsonToken.BEGIN_OBJECT) throw new IOException(what + ": " + METADATA_KEY + " is not an object");
        r.beginObject();
        while (r.hasNext()) {
            String key = r.nextName();
            if (r.peek() != JsonToken.STRING) {
                throw new IOException(what + ": metadata value of '" + clip(key) + "' is not a string");
            }
            if (metadata.put(key, r.nextString()) != null) {
                throw new IOException(what + ": metadata names '" + clip(key) + "' twice");
            }
        }
        r.endObject();
    }

    private static Entry entry(String what, String name, JsonReader r, long dataLen) throws IOException {
        String at = what + ": tensor '" + clip(name) + "'";
        if (r.peek() != JsonToken.BEGIN_OBJECT) throw new IOException(at + ": header entry is not an object");
        String dtype = null;
        int[] shape = null;
        long[] offsets = null;
        r.beginObject();
        while (r.hasNext()) {
            switch (r.nextName()) {
                case "dtype" -> {
                    if (r.peek() != JsonToken.STRING) throw new IOException(at + ": no dtype");
                    dtype = r.nextString();
                }
                case "shape" -> {
                    if (r.peek() != JsonToken.BEGIN_ARRAY) throw new IOException(at + ": no shape array");
                    long[] dims = integers(r, at + " shape", MAX_RANK);
                    shape = new int[dims.length];
                    for (int i = 0; i < dims.length; i++) {
                        if (dims[i] < 0 || dims[i] > Integer.MAX_VALUE) throw new IOException(at + ": bad dimension " + dims[i]);
                        shape[i] = (int) dims[i];
                    }
                }
                case "data_offsets" -> {
                    if (r.peek() != JsonToken.BEGIN_ARRAY) throw new IOException(at + ": data_offsets must be [begin, end]");
                    offsets = integers(r, at + " data_offsets", 2);
                    if (offsets.length != 2) throw new IOException(at + ": data_offsets must be [begin, end]");
                }
                default -> r.skipValue();
            }
        }
        r.endObject();
        if (dtype == null) throw new IOException(at + ": no dtype");
        if (!dtype.equals("F32")) throw new IOException(at + ": dtype " + clip(dtype) + " is not supported (only F32)");
        if (shape == null) throw new IOException(at + ": no shape array");
        if (offsets == null) throw new IOException(at + ": data_offsets must be [begin, end]");
        long elements = 1;
        for (int d : shape) {
            elements *= d;
            if (elements > Integer.MAX_VALUE - 16) throw new IOException(at + ": shape too large");
        }
        long begin = offsets[0], end = offsets[1];
        if (begin < 0 || end < begin) throw new IOException(at + ": bad data_offsets [" + begin + ", " + end + "]");
        if (end - begin != 4 * elements) {
            throw new IOException(at + ": shape " + Arrays.toString(shape) + " needs " + 4 * elements
                    + " bytes, data_offsets [" + begin + ", " + end + "] give " + (end - begin));
        }
        if (end > dataLen) {
            throw new IOException(at + ": data [" + begin + ", " + end + ") runs past the end of the data (" + dataLen
                    + " bytes): file truncated");
        }
        return new Entry(name, shape, begin, end);
    }

    /** A JSON array of at most {@code max} integers (more: an error naming {@code what}). */
    private static long[] integers(JsonReader r, String what, int max) throws IOException {
        long[] out = new long[max];
        int n = 0;
        r.beginArray();
        while (r.hasNext()) {
            if (n == max) throw new IOException(what + ": more than " + max + " values");
            out[n++] = integer(r, what);
        }
        r.endArray();
        return Arrays.copyOf(out, n);
    }

    private static long integer(JsonReader r, String what) throws IOException {
        if (r.peek() != JsonToken.NUMBER) throw new IOException(what + ": " + r.peek() + " is not an integer");
        String literal = r.nextString();
        try {
            if (literal.length() <= MAX_NUMBER_CHARS) return new BigDecimal(literal).longValueExact();
        } catch (ArithmeticException | NumberFormatException ex) {
            // fall through to the error below
        }
        throw new IOException(what + ": " + clip(literal) + " is not an integer");
    }

    /** A name or value for a message: long ones are cut (a hostile header can hold a megabyte-long name). */
    private static String clip(String s) {
        return s.length() <= 160 ? s : s.substring(0, 160) + "...(" + s.length() + " chars)";
    }
}
