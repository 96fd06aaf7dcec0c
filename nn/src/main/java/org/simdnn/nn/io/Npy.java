package org.simdnn.nn.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.simdnn.tensor.Tensor;

/**
 * NumPy's {@code .npy} format, versions 1.0, 2.0 and 3.0:
 * <pre>
 *   6 bytes   magic "\x93NUMPY"
 *   2 bytes   major, minor version (1.0, 2.0 or 3.0)
 *   2 or 4    header length HLEN, little-endian (uint16 in 1.0, uint32 in 2.0 and 3.0)
 *   HLEN      a Python dict literal {'descr': '&lt;f4', 'fortran_order': False, 'shape': (2, 3), } padded with
 *             spaces and a final '\n' (latin-1 in 1.0 and 2.0, UTF-8 in 3.0)
 *   rest      the elements in C (row-major) order, exactly prod(shape) * itemsize bytes
 * </pre>
 * {@link #read} gives a float32 {@link Tensor} from float32 or float64 data of either byte order (float64 is
 * rounded); {@link #readLongs} gives integer data (labels) of any width and byte order. The header is parsed
 * strictly (exactly the three keys; values of the right type), and the element count is checked against the
 * file size before anything is allocated, so a hostile shape cannot cause an OutOfMemoryError. Fortran-order
 * arrays are rejected (write them with {@code np.ascontiguousarray}). Every failure is an {@link IOException}
 * naming the file and the offending value.
 *
 * <p>{@link #write} writes little-endian float32 ({@code '<f4'}), version 1.0 (2.0 when the header needs it),
 * atomically ({@link AtomicFiles}).
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** Headers beyond this are not written by NumPy for any array we can hold; refuse them unread. */
    public static final int MAX_HEADER_BYTES = 1 << 20;
    /** Largest element count a Java array (and so a {@link Tensor}) can hold. */
    private static final long MAX_ELEMENTS = Integer.MAX_VALUE - 16;

    private Npy() {}

    /** A parsed header: element type, shape and where the data start. */
    public record Header(String descr, boolean fortranOrder, int[] shape, int dataOffset) {
        /** Number of elements (the product of the shape; 1 for a 0-d array). */
        public long elements() {
            long n = 1;
            for (int d : shape) n *= d;
            return n;
        }

        /** Bytes per element, from the descr ({@code '<f4'} → 4). */
        public int itemSize() { return descr.charAt(2) - '0'; }

        /** 'f' (float), 'i' (signed), 'u' (unsigned) or 'b' (bool). */
        public char kind() { return descr.charAt(1); }

        /** The data's byte order ('|' for one-byte elements means either). */
        public ByteOrder order() { return descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN; }
    }

    /** Integer data read by {@link #readLongs}: row-major values and their shape. */
    public record LongArray(int[] shape, long[] values) {}

    /** Reads a float32 or float64 array as a row-major float32 tensor. */
    public static Tensor read(Path path) throws IOException {
        try (FileChannel ch = InputFiles.open(path)) {
            String what = path.toString();
            Header h = header(ch, what);
            if (h.kind() != 'f') {
                throw new IOException(what + ": dtype '" + h.descr() + "' is not a float array (need float32 or float64"
                        + "; integer arrays read with Npy.readLongs)");
            }
            ByteBuffer data = data(ch, h, what);
            float[] v = new float[(int) h.elements()];
            if (h.itemSize() == 4) {
                data.asFloatBuffer().get(v);
            } else {
                for (int i = 0; i < v.length; i++) v[i] = (float) data.getDouble(8 * i);
            }
            return Tensor.wrap(v, h.shape());
        }
    }

    /** Reads an integer (or bool) array of any width as longs; unsigned 64-bit values above 2^63 are rejected. */
    public static LongArray readLongs(Path path) throws IOException {
        try (FileChannel ch = InputFiles.open(path)) {
            String what = path.toString();
            Header h = header(ch, what);
            if (h.kind() == 'f') {
                throw new IOException(what + ": dtype '" + h.descr() + "' is a float array, not integers (read it with Npy.read)");
            }
            ByteBuffer data = data(ch, h, what);
            long[] v = new long[(int) h.elements()];
            int size = h.itemSize();
            boolean unsigned = h.kind() != 'i';
            for (int i = 0; i < v.length; i++) {
                int at = i * size;
                long x = switch (size) {
                    case 1 -> unsigned ? data.get(at) & 0xFFL : data.get(at);
                    case 2 -> unsigned ? data.getShort(at) & 0xFFFFL : data.getShort(at);
                    case 4 -> unsigned ? data.getInt(at) & 0xFFFF_FFFFL : data.getInt(at);
                    default -> data.getLong(at);
                };
                if (unsigned && size == 8 && x < 0) {
                    throw new IOException(what + ": element " + i + " is " + Long.toUnsignedString(x)
                            + ", beyond the signed 64-bit range");
                }
                v[i] = x;
            }
            return new LongArray(h.shape(), v);
        }
    }

    /** Reads and validates only the header (the size check included). */
    public static Header readHeader(Path path) throws IOException {
        try (FileChannel ch = InputFiles.open(path)) {
            return header(ch, path.toString());
        }
    }

    /** Writes {@code t} (any view; saved row-major in its logical shape) as little-endian float32, atomically. */
    public static void write(Path path, Tensor t) throws IOException {
        AtomicFiles.write(path, encode(t));
    }

    /** The {@code .npy} bytes of {@code t} as {@code '<f4'}. */
    public static byte[] encode(Tensor t) {
        StringBuilder shape = new StringBuilder("(");
        for (int i = 0; i < t.rank(); i++) shape.append(t.dim(i)).append(t.rank() == 1 ? "," : i + 1 < t.rank() ? ", " : "");
        shape.append(')');
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
        // Pad with spaces so that magic + version + length + header (ending in '\n') is a multiple of 64.
        int prefix = 10;
        int total = (prefix + dict.length() + 1 + 63) / 64 * 64;
        int version = 1;
        if (total - prefix > 0xFFFF) {
            version = 2;
            prefix = 12;
            total = (prefix + dict.length() + 1 + 63) / 64 * 64;
        }
        int headerLen = total - prefix;
        long bytes = total + 4L * t.size();
        if (bytes > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("array " + t.shapeString() + " is too large for one .npy buffer");
        ByteBuffer out = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) version).put((byte) 0);
        if (version == 1) out.putShort((short) headerLen);
        else out.putInt(headerLen);
        out.put(dict.getBytes(StandardCharsets.ISO_8859_1));
        for (int i = dict.length(); i < headerLen - 1; i++) out.put((byte) ' ');
        out.put((byte) '\n');
        out.asFloatBuffer().put(t.toArray());
        return out.array();
    }

    private static Header header(FileChannel ch, String what) throws IOException {
        long fileSize = ch.size();
        if (fileSize < 10) throw new IOException(what + ": truncated: " + fileSize + " bytes, a .npy file has at least 10");
        ByteBuffer pre = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, pre.limit((int) Math.min(12, fileSize)), 0, what);
        for (int i = 0; i < MAGIC.length; i++) {
            if (pre.get(i) != MAGIC[i]) throw new IOException(what + ": not a .npy file (no \\x93NUMPY magic)");
        }
        int major = pre.get(6) & 0xFF, minor = pre.get(7) & 0xFF;
        if (major < 1 || major > 3 || minor != 0) {
            throw new IOException(what + ": .npy version " + major + "." + minor + " is not supported (1.0, 2.0, 3.0)");
        }
        int prefix = major == 1 ? 10 : 12;
        if (fileSize < prefix) throw new IOException(what + ": truncated inside the header length");
        long headerLen = major == 1 ? pre.getShort(8) & 0xFFFF : pre.getInt(8) & 0xFFFF_FFFFL;
        if (headerLen > MAX_HEADER_BYTES || prefix + headerLen > fileSize) {
            throw new IOException(what + ": header length " + headerLen + " is impossible for a file of " + fileSize
                    + " bytes (at most " + Math.min(MAX_HEADER_BYTES, fileSize - prefix) + "): truncated or corrupt");
        }
        ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
        readFully(ch, hb, prefix, what);
        String text = new String(hb.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Header h = new HeaderParser(text, what).parse(prefix + (int) headerLen);
        long expected = h.elements() * h.itemSize(), actual = fileSize - h.dataOffset();
        if (expected != actual) {
            throw new IOException(what + ": shape " + Arrays.toString(h.shape()) + " of '" + h.descr() + "' needs "
                    + expected + " data bytes, the file has " + actual + (actual < expected ? " (truncated)" : " (trailing bytes)"));
        }
        return h;
    }

    private static ByteBuffer data(FileChannel ch, Header h, String what) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) (h.elements() * h.itemSize())).order(h.order());
        readFully(ch, b, h.dataOffset(), what);
        return b.flip();
    }

    private static void readFully(FileChannel ch, ByteBuffer dst, long position, String what) throws IOException {
        long p = position;
        while (dst.hasRemaining()) {
            int n = ch.read(dst, p);
            if (n < 0) throw new IOException(what + ": unexpected end of file at byte " + p);
            p += n;
        }
    }

    /** The header dict: {@code '{' key ':' value (',' key ':' value)* ','? '}'} then spaces and a newline. */
    private static final class HeaderParser {
        private final String s, what;
        private int i;

        HeaderParser(String s, String what) {
            this.s = s;
            this.what = what;
        }

        Header parse(int dataOffset) throws IOException {
            String descr = null;
            Boolean fortran = null;
            int[] shape = null;
            skipSpaces();
            expect('{');
            while (true) {
                skipSpaces();
                if (peek() == '}') break;
                String key = string();
                skipSpaces();
                expect(':');
                skipSpaces();
                switch (key) {
                    case "descr" -> {
                        if (descr != null) throw bad("key 'descr' given twice");
                        if (peek() != '\'' && peek() != '"') throw bad("descr must be a simple type string such as '<f4' "
                                + "(structured arrays are not supported)");
                        descr = checkDescr(string());
                    }
                    case "fortran_order" -> {
                        if (fortran != null) throw bad("key 'fortran_order' given twice");
                        fortran = bool();
                    }
                    case "shape" -> {
                        if (shape != null) throw bad("key 'shape' given twice");
                        shape = tuple();
                    }
                    default -> throw bad("unexpected key '" + key + "' (a .npy header has descr, fortran_order, shape)");
                }
                skipSpaces();
                if (peek() == ',') i++;
                else if (peek() != '}') throw bad("expected ',' or '}' at header offset " + i);
            }
            expect('}');
            while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\n')) i++;
            if (i != s.length()) throw bad("unexpected text after the header dict at offset " + i);
            if (descr == null || fortran == null || shape == null) {
                throw bad("the header lacks " + (descr == null ? "'descr'" : fortran == null ? "'fortran_order'" : "'shape'"));
            }
            if (fortran && shape.length > 1) {
                throw new IOException(what + ": the array is in Fortran (column-major) order, which is not supported; "
                        + "save it with np.save(f, np.ascontiguousarray(a))");
            }
            return new Header(descr, fortran, shape, dataOffset);
        }

        private String checkDescr(String d) throws IOException {
            boolean ok = d.length() == 3 && "<>|=".indexOf(d.charAt(0)) >= 0 && switch (d.charAt(1)) {
                case 'f' -> d.charAt(2) == '4' || d.charAt(2) == '8';
                case 'i', 'u' -> "1248".indexOf(d.charAt(2)) >= 0;
                case 'b' -> d.charAt(2) == '1';
                default -> false;
            };
            if (!ok) {
                throw new IOException(what + ": dtype '" + d + "' is not supported (float32/float64 '<f4' '<f8', "
                        + "integers '<i1'..'<i8', '<u1'..'<u8', bool '|b1'; either byte order)");
            }
            // '=' is the writer's native order; NumPy writes '<' or '>' explicitly, so '=' means little-endian here.
            return d.charAt(0) == '=' ? "<" + d.substring(1) : d;
        }

        private int[] tuple() throws IOException {
            expect('(');
            List<Integer> dims = new ArrayList<>();
            long product = 1;
            while (true) {
                skipSpaces();
                if (peek() == ')') break;
                int start = i;
                while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
                if (start == i) throw bad("shape entries must be non-negative integers, found '" + peek() + "' at offset " + i);
                if (i - start > 10) throw bad("shape entry " + s.substring(start, i) + " is too large");
                long d = Long.parseLong(s.substring(start, i));
                if (d > MAX_ELEMENTS) throw bad("shape entry " + d + " is too large (at most " + MAX_ELEMENTS + ")");
                product *= d;
                if (product > MAX_ELEMENTS) throw bad("shape " + dims + " x " + d + "... has more than " + MAX_ELEMENTS + " elements");
                dims.add((int) d);
                if (dims.size() > 32) throw bad("more than 32 dimensions");
                skipSpaces();
                if (peek() == ',') i++;
                else if (peek() != ')') throw bad("expected ',' or ')' in the shape at offset " + i);
            }
            expect(')');
            int[] out = new int[dims.size()];
            for (int k = 0; k < out.length; k++) out[k] = dims.get(k);
            return out;
        }

        private boolean bool() throws IOException {
            if (s.startsWith("True", i)) { i += 4; return true; }
            if (s.startsWith("False", i)) { i += 5; return false; }
            throw bad("fortran_order must be True or False at offset " + i);
        }

        private String string() throws IOException {
            char q = peek();
            if (q != '\'' && q != '"') throw bad("expected a quoted key or string at offset " + i);
            int end = s.indexOf(q, i + 1);
            if (end < 0 || end - i > 64) throw bad("unterminated or overlong string at offset " + i);
            String v = s.substring(i + 1, end);
            i = end + 1;
            return v;
        }

        private void expect(char c) throws IOException {
            if (peek() != c) throw bad("expected '" + c + "' at header offset " + i + ", found '" + peek() + "'");
            i++;
        }

        private char peek() { return i < s.length() ? s.charAt(i) : '\0'; }

        private void skipSpaces() { while (i < s.length() && s.charAt(i) == ' ') i++; }

        private IOException bad(String why) {
            String shown = s.length() > 120 ? s.substring(0, 120) + "..." : s;
            return new IOException(what + ": bad .npy header: " + why + " (header: " + shown.strip() + ")");
        }
    }
}
