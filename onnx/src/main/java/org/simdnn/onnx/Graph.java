package org.simdnn.onnx;

import java.util.List;
import java.util.Map;

/**
 * The load-time graph: nodes in topological order over named values, the constants (initializers and
 * Constant nodes), the inputs the caller feeds (graph inputs that are not initializers) and the outputs.
 */
record Graph(List<Node> nodes, Map<String, Const> constants, List<ValueInfo> inputs, List<ValueInfo> outputs,
             int opset) {
    Graph {
        nodes = List.copyOf(nodes);
        constants = Map.copyOf(constants);
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    Graph withNodes(List<Node> newNodes, Map<String, Const> newConstants) {
        return new Graph(newNodes, newConstants, inputs, outputs, opset);
    }
}
