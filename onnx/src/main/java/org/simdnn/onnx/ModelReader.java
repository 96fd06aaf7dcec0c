package org.simdnn.onnx;

import com.google.protobuf.CodedInputStream;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.simdnn.onnx.proto.OnnxProto.AttributeProto;
import org.simdnn.onnx.proto.OnnxProto.GraphProto;
import org.simdnn.onnx.proto.OnnxProto.ModelProto;
import org.simdnn.onnx.proto.OnnxProto.NodeProto;
import org.simdnn.onnx.proto.OnnxProto.OperatorSetIdProto;
import org.simdnn.onnx.proto.OnnxProto.TensorProto;
import org.simdnn.onnx.proto.OnnxProto.TensorShapeProto;
import org.simdnn.onnx.proto.OnnxProto.TypeProto;
import org.simdnn.onnx.proto.OnnxProto.ValueInfoProto;

/**
 * ModelProto bytes to a checked {@link Graph}: the protobuf parse (bounded recursion and size, so a hostile
 * file ends in an error, not a StackOverflowError or an OutOfMemoryError), the opset, every node's op type,
 * input and output counts and attributes against {@link OpSupport}, the tensors ({@link TensorProtos}), and a
 * topological order (Kahn), rejecting cycles and inputs nobody produces.
 */
final class ModelReader {
    /** Nested messages are at most a few levels deep in a supported model (no subgraphs). */
    private static final int RECURSION_LIMIT = 32;

    private ModelReader() {}

    static ModelProto parse(byte[] bytes) {
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.setRecursionLimit(RECURSION_LIMIT);
            in.setSizeLimit(bytes.length);
            ModelProto m = ModelProto.parseFrom(in);
            in.checkLastTagWas(0);
            return m;
        } catch (java.io.IOException e) { // InvalidProtocolBufferException, or another read failure
            throw new OnnxException("not a valid ONNX model (" + bytes.length + " bytes): " + e.getMessage(), e);
        } catch (RuntimeException e) { // protobuf reports some malformed input as runtime exceptions
            throw new OnnxException("not a valid ONNX model (" + bytes.length + " bytes): " + e, e);
        }
    }

    static Graph read(ModelProto m, Path baseDir, Map<String, Const> boundInputs) {
        int opset = -1;
        for (OperatorSetIdProto o : m.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) opset = (int) Math.min(o.getVersion(), Integer.MAX_VALUE);
        }
        if (opset < 0) throw new OnnxException("the model imports no default-domain opset");
        if (opset < OpSupport.MIN_OPSET || opset > OpSupport.MAX_OPSET) {
            throw new OnnxException("opset " + opset + " is not supported (supported: " + OpSupport.MIN_OPSET + ".."
                    + OpSupport.MAX_OPSET + ")");
        }
        if (!m.hasGraph()) throw new OnnxException("the model has no graph");
        GraphProto g = m.getGraph();
        if (g.getSparseInitializerCount() > 0) throw new OnnxException("sparse initializers are not supported");

        Map<String, Const> constants = new HashMap<>();
        for (TensorProto t : g.getInitializerList()) {
            if (t.getName().isEmpty()) throw new OnnxException("an initializer has no name");
            constants.put(t.getName(), TensorProtos.read(t, baseDir));
        }
        List<ValueInfo> inputs = new ArrayList<>();
        Set<String> inputNames = new HashSet<>();
        for (ValueInfoProto v : g.getInputList()) {
            if (constants.containsKey(v.getName())) continue;
            if (boundInputs.containsKey(v.getName())) {
                constants.put(v.getName(), boundInputs.get(v.getName()));
                continue;
            }
            ValueInfo vi = valueInfo(v, "graph input");
            if (!vi.elemType().equals("float")) {
                throw new OnnxException("graph input '" + v.getName() + "' is " + vi.elemType()
                        + ": only float inputs are supported (shapes, indices and axes must be initializers)");
            }
            inputs.add(vi);
            inputNames.add(v.getName());
        }
        List<ValueInfo> outputs = new ArrayList<>();
        for (ValueInfoProto v : g.getOutputList()) outputs.add(valueInfo(v, "graph output"));
        if (outputs.isEmpty()) throw new OnnxException("the graph has no outputs");

        List<Node> nodes = new ArrayList<>();
        int unnamed = 0;
        for (NodeProto np : g.getNodeList()) {
            String name = np.getName().isEmpty() ? np.getOpType() + "_" + unnamed++ : np.getName();
            Map<String, AttributeProto> attrs = new LinkedHashMap<>();
            for (AttributeProto a : np.getAttributeList()) {
                if (attrs.put(a.getName(), a) != null) {
                    throw new OnnxException(np.getOpType() + " node '" + name + "': attribute '" + a.getName() + "' given twice");
                }
            }
            Node n = new Node(np.getOpType(), name, np.getInputList(), np.getOutputList(),
                    new Attrs(attrs, np.getOpType() + " node '" + name + "'"), null);
            OpSupport.check(np.getDomain(), n, opset);
            if (n.op().equals("Constant")) {
                constants.put(n.outputs().get(0), constantValue(n, baseDir));
            } else {
                nodes.add(n);
            }
        }
        return new Graph(topologicalOrder(nodes, constants.keySet(), inputNames, outputs), constants, inputs, outputs, opset);
    }

    private static ValueInfo valueInfo(ValueInfoProto v, String what) {
        if (v.getName().isEmpty()) throw new OnnxException("a " + what + " has no name");
        TypeProto t = v.getType();
        if (!t.hasTensorType()) {
            throw new OnnxException(what + " '" + v.getName() + "' is not a tensor (sequences, maps and optionals are not supported)");
        }
        TypeProto.Tensor tt = t.getTensorType();
        var type = TensorProto.DataType.forNumber(tt.getElemType());
        String elem = type == null ? "type " + tt.getElemType() : Const.typeName(type);
        int[] shape;
        if (!tt.hasShape()) {
            shape = new int[0];
        } else {
            shape = new int[tt.getShape().getDimCount()];
            for (int i = 0; i < shape.length; i++) {
                TensorShapeProto.Dimension d = tt.getShape().getDim(i);
                shape[i] = d.hasDimValue() && d.getDimValue() >= 0 && d.getDimValue() <= Integer.MAX_VALUE
                        ? (int) d.getDimValue() : -1;
            }
        }
        return new ValueInfo(v.getName(), shape, elem);
    }

    private static Const constantValue(Node n, Path baseDir) {
        Attrs a = n.attrs();
        if (a.has("value")) {
            AttributeProto p = a.raw("value");
            if (!p.hasT()) throw new OnnxException(n.where() + ": attribute 'value' holds no tensor");
            return TensorProtos.read(p.getT(), baseDir);
        }
        if (a.has("value_float")) return Const.ofFloats(new int[0], new float[] {a.getFloat("value_float", 0)});
        if (a.has("value_floats")) {
            float[] f = a.getFloats("value_floats");
            return Const.ofFloats(new int[] {f.length}, f);
        }
        if (a.has("value_int")) return Const.ofLongs(new int[0], new long[] {a.getInt("value_int", 0)});
        if (a.has("value_ints")) {
            long[] l = a.getInts("value_ints");
            return Const.ofLongs(new int[] {l.length}, l);
        }
        throw new OnnxException(n.where() + ": no value attribute");
    }

    /** Kahn's algorithm; the original order breaks ties, so an already sorted graph keeps its order. */
    static List<Node> topologicalOrder(List<Node> nodes, Set<String> constants, Set<String> inputs, List<ValueInfo> outputs) {
        Map<String, Integer> producer = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            for (String o : nodes.get(i).outputs()) {
                if (o.isEmpty()) continue;
                if (producer.put(o, i) != null || constants.contains(o) || inputs.contains(o)) {
                    throw new OnnxException(nodes.get(i).where() + ": output '" + o + "' is produced twice");
                }
            }
        }
        int[] pending = new int[nodes.size()];
        List<List<Integer>> consumers = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) consumers.add(new ArrayList<>());
        for (int i = 0; i < nodes.size(); i++) {
            for (String in : nodes.get(i).inputs()) {
                if (in.isEmpty() || constants.contains(in) || inputs.contains(in)) continue;
                Integer p = producer.get(in);
                if (p == null) {
                    throw new OnnxException(nodes.get(i).where() + ": input '" + in
                            + "' is not a graph input, an initializer or any node's output");
                }
                pending[i]++;
                consumers.get(p).add(i);
            }
        }
        java.util.PriorityQueue<Integer> ready = new java.util.PriorityQueue<>();
        for (int i = 0; i < nodes.size(); i++) if (pending[i] == 0) ready.add(i);
        List<Node> order = new ArrayList<>(nodes.size());
        while (!ready.isEmpty()) {
            int i = ready.poll();
            order.add(nodes.get(i));
            for (int c : consumers.get(i)) if (--pending[c] == 0) ready.add(c);
        }
        if (order.size() != nodes.size()) {
            ArrayDeque<String> stuck = new ArrayDeque<>();
            for (int i = 0; i < nodes.size() && stuck.size() < 5; i++) if (pending[i] > 0) stuck.add(nodes.get(i).where());
            throw new OnnxException("the graph has a cycle through " + String.join(", ", stuck));
        }
        for (ValueInfo o : outputs) {
            if (!producer.containsKey(o.name()) && !constants.contains(o.name()) && !inputs.contains(o.name())) {
                throw new OnnxException("graph output '" + o.name() + "' is produced by no node");
            }
        }
        return order;
    }
}
