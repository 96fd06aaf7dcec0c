package org.simdnn.onnx.export;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.Set;
import org.simdnn.onnx.proto.OnnxProto.AttributeProto;
import org.simdnn.onnx.proto.OnnxProto.GraphProto;
import org.simdnn.onnx.proto.OnnxProto.NodeProto;
import org.simdnn.onnx.proto.OnnxProto.TensorProto;
import org.simdnn.onnx.proto.OnnxProto.TensorShapeProto;
import org.simdnn.onnx.proto.OnnxProto.TypeProto;
import org.simdnn.onnx.proto.OnnxProto.ValueInfoProto;

/**
 * Appends nodes and float32 initializers to a {@link GraphProto}, chaining each node's output to the next
 * node's input; the value and node names are unique by construction (a layer's path plus the op).
 */
final class GraphBuilder {
    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final Set<String> names = new HashSet<>();
    private String current;

    GraphBuilder(String name, String input) {
        graph.setName(name);
        current = input;
    }

    /** The value the next node reads. */
    String current() { return current; }

    /** A node reading {@link #current()} plus {@code extraInputs}; its output becomes current. */
    NodeProto.Builder node(String op, String where, String... extraInputs) {
        String name = where + "/" + op;
        if (!names.add(name)) throw new IllegalStateException("two nodes named " + name);
        NodeProto.Builder n = graph.addNodeBuilder().setOpType(op).setName(name).addInput(current);
        for (String in : extraInputs) n.addInput(in);
        current = name + ":0";
        n.addOutput(current);
        return n;
    }

    /** A float32 initializer (little-endian raw data) named {@code name}; returns the name. */
    String initializer(String name, float[] values, long... dims) {
        if (!names.add(name)) throw new IllegalStateException("two initializers named " + name);
        long n = 1;
        for (long d : dims) n *= d;
        if (n != values.length) throw new IllegalArgumentException(name + ": " + values.length + " values for dims " + java.util.Arrays.toString(dims));
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        TensorProto.Builder t = graph.addInitializerBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT.getNumber())
                .setRawData(ByteString.copyFrom(b.array()));
        for (long d : dims) t.addDims(d);
        return name;
    }

    /** Renames the current value to {@code name} (the graph output) by rewriting the last node's output. */
    void nameOutput(String name) {
        int last = graph.getNodeCount() - 1;
        if (last < 0) {
            graph.addNodeBuilder().setOpType("Identity").setName("output/Identity").addInput(current).addOutput(name);
        } else {
            graph.getNodeBuilder(last).setOutput(0, name);
        }
        current = name;
    }

    void addInput(String name, String batchDim, int... dims) { graph.addInput(valueInfo(name, batchDim, dims)); }

    void addOutput(String name, String batchDim, int... dims) { graph.addOutput(valueInfo(name, batchDim, dims)); }

    /** Float32 tensor type with a symbolic first dim {@code batchDim} and fixed {@code dims} after it. */
    private static ValueInfoProto valueInfo(String name, String batchDim, int... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        shape.addDimBuilder().setDimParam(batchDim);
        for (int d : dims) shape.addDimBuilder().setDimValue(d);
        TypeProto type = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                .setElemType(TensorProto.DataType.FLOAT.getNumber()).setShape(shape)).build();
        return ValueInfoProto.newBuilder().setName(name).setType(type).build();
    }

    GraphProto build() { return graph.build(); }

    static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) a.addInts(v);
        return a.build();
    }

    static AttributeProto integer(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    static AttributeProto real(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }
}
