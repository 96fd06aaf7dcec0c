package org.simdnn.nn.io;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * Reading checks all of it before allocating a tensor: the header length against the file size and a 100 MB cap,
 * the JSON, each dtype, shape and offset range ({@code end - begin == 4 * elements}), coverage of the buffer, and
 * the file length. Every failure is an {@link IOException} whose message names the file and the tensor with the
 * expected and actual sizes. No Java deserialisation; the JSON goes through Gson's tree parser.
 *
 * <p>Writing is atomic ({@link AtomicFiles}): a crash leaves the old file or the new one.
 */
public final class SafeTensors {
    /** The format's own limit on the header size. */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    public static final String METADATA_KEY = "__metadata__";

    private SafeTensors() {}

    /** What a file holds: tensors in file order and the string metadata. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

    /** Writes tensors (any contiguous or strided views; saved row-major) and metadata atomically to {@code path}. */
    public static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        AtomicFiles.write(path, encode(tensors, metadata));
    }

    /** The file's bytes: header length, padded JSON header, data. */
    public static byte[] encode(Map<String, Tensor> tensors, Map<String, String> metadata) {
        JsonObject header = new JsonObject();
        if (metadata != null && !metadata.isEmpty()) {
            JsonObject meta = new JsonObject();
            metadata.forEach((k, v) -> meta.addProperty(k, v));
            header.add(METADATA_KEY, meta);
        }
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

    /** Reads and validates a whole file. */
    public static Contents read(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return read(ch, path.toString());
        }
    }

    /** Decodes bytes (e.g. an embedded resource) with the same checks as {@link #read(Path)}. */
    public static Contents decode(byte[] bytes, String what) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        return parse(b.remaining(), new Source() {
            @Override public void read(ByteBuffer dst, long position) {
                ByteBuffer src = ByteBuffer.wrap(bytes, (int) position, dst.remaining());
                dst.put(src);
            }
        }, what);
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
        String json = new String(hb.array(), StandardCharsets.UTF_8);
        JsonObject header;
        try {
            JsonElement el = JsonParser.parseString(json);
            if (!el.isJsonObject()) throw new IOException(what + ": header is JSON but not an object");
            header = el.getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new IOException(what + ": corrupt header (invalid JSON): " + e.getMessage(), e);
        }
        long dataStart = 8 + headerLen, dataLen = fileSize - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, JsonElement> e : header.entrySet()) {
            String name = e.getKey();
            if (name.equals(METADATA_KEY)) {
                if (!e.getValue().isJsonObject()) throw new IOException(what + ": " + METADATA_KEY + " is not an object");
                for (Map.Entry<String, JsonElement> m : e.getValue().getAsJsonObject().entrySet()) {
                    if (!m.getValue().isJsonPrimitive() || !m.getValue().getAsJsonPrimitive().isString()) {
                        throw new IOException(what + ": metadata value of '" + m.getKey() + "' is not a string");
                    }
                    metadata.put(m.getKey(), m.getValue().getAsString());
                }
                continue;
            }
            entries.add(entry(what, name, e.getValue(), dataLen));
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
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Entry en : entries) {
            int n = (int) ((en.end - en.begin) / 4);
            ByteBuffer bb = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
            src.read(bb, dataStart + en.begin);
            float[] v = new float[n];
            bb.flip().asFloatBuffer().get(v);
            tensors.put(en.name, Tensor.wrap(v, en.shape));
        }
        return new Contents(Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
    }

    private static Entry entry(String what, String name, JsonElement el, long dataLen) throws IOException {
        String at = what + ": tensor '" + name + "'";
        if (!el.isJsonObject()) throw new IOException(at + ": header entry is not an object");
        JsonObject o = el.getAsJsonObject();
        JsonElement dtype = o.get("dtype"), shapeEl = o.get("shape"), offsEl = o.get("data_offsets");
        if (dtype == null || !dtype.isJsonPrimitive()) throw new IOException(at + ": no dtype");
        if (!dtype.getAsString().equals("F32")) {
            throw new IOException(at + ": dtype " + dtype.getAsString() + " is not supported (only F32)");
        }
        if (shapeEl == null || !shapeEl.isJsonArray()) throw new IOException(at + ": no shape array");
        if (offsEl == null || !offsEl.isJsonArray() || offsEl.getAsJsonArray().size() != 2) {
            throw new IOException(at + ": data_offsets must be [begin, end]");
        }
        JsonArray sa = shapeEl.getAsJsonArray();
        int[] shape = new int[sa.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            long d = integer(at + " shape", sa.get(i));
            if (d < 0 || d > Integer.MAX_VALUE) throw new IOException(at + ": bad dimension " + d);
            shape[i] = (int) d;
            elements *= d;
            if (elements > Integer.MAX_VALUE - 16) throw new IOException(at + ": shape too large");
        }
        long begin = integer(at + " data_offsets", offsEl.getAsJsonArray().get(0));
        long end = integer(at + " data_offsets", offsEl.getAsJsonArray().get(1));
        if (begin < 0 || end < begin) throw new IOException(at + ": bad data_offsets [" + begin + ", " + end + "]");
        if (end - begin != 4 * elements) {
            throw new IOException(at + ": shape " + java.util.Arrays.toString(shape) + " needs " + 4 * elements
                    + " bytes, data_offsets [" + begin + ", " + end + "] give " + (end - begin));
        }
        if (end > dataLen) {
            throw new IOException(at + ": data [" + begin + ", " + end + ") runs past the end of the data (" + dataLen
                    + " bytes): file truncated");
        }
        return new Entry(name, shape, begin, end);
    }

    private static long integer(String what, JsonElement e) throws IOException {
        try {
            if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
                java.math.BigDecimal d = e.getAsBigDecimal();
                return d.longValueExact();
            }
        } catch (ArithmeticException | NumberFormatException ex) {
            // fall through to the error below
        }
        throw new IOException(what + ": " + e + " is not an integer");
    }
}
