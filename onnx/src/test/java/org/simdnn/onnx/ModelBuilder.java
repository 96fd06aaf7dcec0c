package org.simdnn.onnx;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.simdnn.onnx.proto.OnnxProto.AttributeProto;
import org.simdnn.onnx.proto.OnnxProto.GraphProto;
import org.simdnn.onnx.proto.OnnxProto.ModelProto;
import org.simdnn.onnx.proto.OnnxProto.NodeProto;
import org.simdnn.onnx.proto.OnnxProto.OperatorSetIdProto;
import org.simdnn.onnx.proto.OnnxProto.TensorProto;
import org.simdnn.onnx.proto.OnnxProto.TensorShapeProto;
import org.simdnn.onnx.proto.OnnxProto.TypeProto;
import org.simdnn.onnx.proto.OnnxProto.ValueInfoProto;

/** Builds small ONNX models in tests (protobuf builders, opset 13 unless told). */
final class ModelBuilder {
    private final GraphProto.Builder g = GraphProto.newBuilder().setName("test");
    private final Random rnd;
    private int opset = 13;
    private int nodes;

    ModelBuilder(long seed) { rnd = new Random(seed); }

    ModelBuilder opset(int v) { opset = v; return this; }

    /** A float input; -1 for a symbolic dim. */
    ModelBuilder input(String name, int... shape) {
        g.addInput(info(name, TensorProto.DataType.FLOAT_VALUE, shape));
        return this;
    }

    ModelBuilder output(String name) {
        g.addOutput(ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE))));
        return this;
    }

    /** A random float initializer (uniform in [lo, hi)). */
    ModelBuilder weight(String name, float lo, float hi, int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = lo + (hi - lo) * rnd.nextFloat();
        return floats(name, v, shape);
    }

    ModelBuilder floats(String name, float[] v, int... shape) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) b.putFloat(f);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(b.array()));
        for (int d : shape) t.addDims(d);
        g.addInitializer(t);
        return this;
    }

    /** A rank-0 int64 initializer (what exporters use for a Gather index). */
    ModelBuilder scalar(String name, long v) {
        g.addInitializer(TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE).addInt64Data(v));
        return this;
    }

    ModelBuilder longs(String name, long... v) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE).addDims(v.length);
        for (long l : v) t.addInt64Data(l);
        g.addInitializer(t);
        return this;
    }

    /** A node; attributes as name, value pairs (Integer/Long, Float, String, long[], float[]). */
    ModelBuilder node(String op, String[] in, String[] out, Object... attrs) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(op.toLowerCase() + nodes++);
        for (String s : in) n.addInput(s);
        for (String s : out) n.addOutput(s);
        for (int i = 0; i < attrs.length; i += 2) n.addAttribute(attr((String) attrs[i], attrs[i + 1]));
        g.addNode(n);
        return this;
    }

    ModelBuilder node(String op, String in, String out, Object... attrs) {
        return node(op, in.split(","), new String[] {out}, attrs);
    }

    byte[] bytes() { return model().toByteArray(); }

    ModelProto model() {
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("simdnn-test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset)).setGraph(g).build();
    }

    OnnxModel load(boolean fuse) { return OnnxModel.load(bytes(), null, java.util.Map.of(), fuse); }

    private static AttributeProto attr(String name, Object v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
        if (v instanceof Integer i) a.setType(AttributeProto.AttributeType.INT).setI(i);
        else if (v instanceof Long l) a.setType(AttributeProto.AttributeType.INT).setI(l);
        else if (v instanceof Float f) a.setType(AttributeProto.AttributeType.FLOAT).setF(f);
        else if (v instanceof String s) a.setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(s));
        else if (v instanceof long[] ls) {
            a.setType(AttributeProto.AttributeType.INTS);
            for (long l : ls) a.addInts(l);
        } else if (v instanceof float[] fs) {
            a.setType(AttributeProto.AttributeType.FLOATS);
            for (float f : fs) a.addFloats(f);
        } else throw new IllegalArgumentException(name + "=" + v);
        return a.build();
    }

    private static ValueInfoProto info(String name, int elem, int[] shape) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (int d : shape) {
            if (d < 0) s.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
            else s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elem).setShape(s))).build();
    }
}
