package org.simdnn.kernels.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.simdnn.kernels.layout.Layouts;
import org.simdnn.ops.Conv2dDesc;

/**
 * ONNX's own Conv node tests (Debian package libonnx-testdata): NCHW input and OIHW weights converted to
 * NHWC/HWIO with {@link Layouts}, our forward compared with ONNX's expected output converted back. Skips
 * with the reason when the data is not installed. Protobufs are read by the minimal reader below (only
 * the TensorProto / ModelProto fields a Conv test needs).
 */
class OnnxConvTest {
    static final Path ROOT = Path.of("/usr/share/libonnx-testdata/data/node");

    @ParameterizedTest
    @ValueSource(strings = {"test_basic_conv_with_padding", "test_basic_conv_without_padding",
            "test_conv_with_strides_padding", "test_conv_with_strides_no_padding",
            "test_conv_with_strides_and_asymmetric_padding", "test_conv_with_autopad_same"})
    void matchesOnnxExpectedOutput(String name) throws IOException {
        Path dir = ROOT.resolve(name);
        Assumptions.assumeTrue(Files.isDirectory(dir), "ONNX test data not installed at " + dir
                + " (apt-get install libonnx-testdata)");
        Map<String, long[]> attrs = new HashMap<>();
        String autoPad = convAttributes(Files.readAllBytes(dir.resolve("model.onnx")), attrs);
        Tensor x = tensor(dir.resolve("test_data_set_0/input_0.pb"));
        Tensor w = tensor(dir.resolve("test_data_set_0/input_1.pb"));
        Tensor y = tensor(dir.resolve("test_data_set_0/output_0.pb"));
        int n = (int) x.dims[0], c = (int) x.dims[1], h = (int) x.dims[2], wd = (int) x.dims[3];
        int o = (int) w.dims[0], kh = (int) w.dims[2], kw = (int) w.dims[3];
        long[] s = attrs.getOrDefault("strides", new long[] {1, 1});
        long[] dl = attrs.getOrDefault("dilations", new long[] {1, 1});
        int group = (int) attrs.getOrDefault("group", new long[] {1})[0];
        Conv2dDesc d;
        if (autoPad != null && autoPad.startsWith("SAME")) {
            d = Conv2dDesc.same(n, h, wd, c, o, kh, kw, (int) s[0], (int) dl[0], group);
            if (autoPad.equals("SAME_LOWER")) { // the odd pixel goes top/left instead
                d = new Conv2dDesc(n, h, wd, c, o, kh, kw, d.strideH(), d.strideW(), d.padBottom(), d.padRight(),
                        d.padTop(), d.padLeft(), d.dilationH(), d.dilationW(), group);
            }
        } else {
            long[] p = attrs.getOrDefault("pads", new long[4]);
            d = new Conv2dDesc(n, h, wd, c, o, kh, kw, (int) s[0], (int) s[1], (int) p[0], (int) p[1], (int) p[2],
                    (int) p[3], (int) dl[0], (int) dl[1], group);
        }
        assertEquals(y.dims[2], d.outH(), name + " output height");
        assertEquals(y.dims[3], d.outW(), name + " output width");
        float[] xh = new float[x.data.length], wh = new float[w.data.length], yh = new float[y.data.length];
        Layouts.nchwToNhwc(x.data, 0, xh, 0, n, c, h, wd);
        Layouts.oihwToHwio(w.data, 0, wh, 0, o, c / group, kh, kw);
        ConvPlanner.forward(d, xh, 0, wh, 0, null, 0, yh, 0);
        float[] got = new float[yh.length];
        Layouts.nhwcToNchw(yh, 0, got, 0, n, d.outH(), d.outW(), o);
        for (int i = 0; i < got.length; i++) {
            assertEquals(y.data[i], got[i], 1e-4 * (1 + Math.abs(y.data[i])), name + " output " + i);
        }
    }

    record Tensor(long[] dims, float[] data) {}

    static Tensor tensor(Path p) throws IOException {
        Map<Integer, List<Object>> f = fields(Files.readAllBytes(p));
        List<Long> dims = new ArrayList<>();
        for (Object v : f.getOrDefault(1, List.of())) {
            if (v instanceof Long l) dims.add(l);
            else for (long l : packedVarints((byte[]) v)) dims.add(l);
        }
        long type = (Long) f.get(2).get(0);
        assertEquals(1L, type, p + ": only FLOAT tensors are read");
        float[] data;
        if (f.containsKey(9)) {
            ByteBuffer b = ByteBuffer.wrap((byte[]) f.get(9).get(0)).order(ByteOrder.LITTLE_ENDIAN);
            data = new float[b.remaining() / 4];
            b.asFloatBuffer().get(data);
        } else {
            List<Float> vals = new ArrayList<>();
            for (Object v : f.getOrDefault(4, List.of())) {
                if (v instanceof Integer i) vals.add(Float.intBitsToFloat(i));
                else {
                    ByteBuffer b = ByteBuffer.wrap((byte[]) v).order(ByteOrder.LITTLE_ENDIAN);
                    while (b.remaining() >= 4) vals.add(b.getFloat());
                }
            }
            data = new float[vals.size()];
            for (int i = 0; i < data.length; i++) data[i] = vals.get(i);
        }
        long[] dd = dims.stream().mapToLong(Long::longValue).toArray();
        long size = 1;
        for (long v : dd) size *= v;
        assertEquals(size, data.length, p + ": element count vs dims");
        assertEquals(4, dd.length, p + ": a 4-d tensor");
        return new Tensor(dd, data);
    }

    /** Fills int attributes of the graph's Conv node; returns auto_pad (or null). */
    static String convAttributes(byte[] model, Map<String, long[]> out) {
        byte[] graph = (byte[]) fields(model).get(7).get(0);
        String autoPad = null;
        for (Object nodeBytes : fields(graph).get(1)) {
            Map<Integer, List<Object>> node = fields((byte[]) nodeBytes);
            assertTrue(new String((byte[]) node.get(4).get(0)).equals("Conv"), "expected a Conv node");
            for (Object ab : node.getOrDefault(5, List.of())) {
                Map<Integer, List<Object>> a = fields((byte[]) ab);
                String name = new String((byte[]) a.get(1).get(0));
                if (a.containsKey(4)) {
                    if (name.equals("auto_pad")) autoPad = new String((byte[]) a.get(4).get(0));
                } else if (a.containsKey(8)) {
                    List<Long> v = new ArrayList<>();
                    for (Object e : a.get(8)) {
                        if (e instanceof Long l) v.add(l);
                        else for (long l : packedVarints((byte[]) e)) v.add(l);
                    }
                    out.put(name, v.stream().mapToLong(Long::longValue).toArray());
                } else if (a.containsKey(3)) {
                    out.put(name, new long[] {(Long) a.get(3).get(0)});
                }
            }
        }
        return autoPad;
    }

    /** Field number -> values (Long for varint/fixed64, Integer for fixed32, byte[] for length-delimited). */
    static Map<Integer, List<Object>> fields(byte[] b) {
        Map<Integer, List<Object>> m = new HashMap<>();
        int[] pos = {0};
        while (pos[0] < b.length) {
            long key = varint(b, pos);
            int field = (int) (key >>> 3), wire = (int) (key & 7);
            Object v = switch (wire) {
                case 0 -> varint(b, pos);
                case 1 -> { long l = ByteBuffer.wrap(b, pos[0], 8).order(ByteOrder.LITTLE_ENDIAN).getLong(); pos[0] += 8; yield l; }
                case 2 -> {
                    int len = (int) varint(b, pos);
                    byte[] s = java.util.Arrays.copyOfRange(b, pos[0], pos[0] + len);
                    pos[0] += len;
                    yield s;
                }
                case 5 -> { int i = ByteBuffer.wrap(b, pos[0], 4).order(ByteOrder.LITTLE_ENDIAN).getInt(); pos[0] += 4; yield i; }
                default -> throw new IllegalArgumentException("protobuf wire type " + wire + " not supported");
            };
            m.computeIfAbsent(field, k -> new ArrayList<>()).add(v);
        }
        return m;
    }

    static long varint(byte[] b, int[] pos) {
        long r = 0;
        for (int shift = 0; ; shift += 7) {
            byte x = b[pos[0]++];
            r |= (long) (x & 0x7f) << shift;
            if (x >= 0) return r;
        }
    }

    static long[] packedVarints(byte[] b) {
        List<Long> v = new ArrayList<>();
        int[] pos = {0};
        while (pos[0] < b.length) v.add(varint(b, pos));
        return v.stream().mapToLong(Long::longValue).toArray();
    }
}
