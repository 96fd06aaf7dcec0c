package org.simdnn.onnx;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.simdnn.tensor.Layout;
import org.simdnn.tensor.Tensor;

/**
 * An ONNX model loaded for inference: parsed, checked (opset, operators, attributes, tensor sizes),
 * simplified (Identity/Dropout removed, BatchNormalization folded) and planned for its declared input shapes
 * — every error surfaces here, at load. Immutable and thread-safe: plans are built once per set of input
 * shapes (a symbolic batch dim gets one plan per batch size) and shared; each thread runs through its own
 * {@link OnnxSession}.
 *
 * <pre>{@code
 * OnnxModel model = OnnxModel.load(Path.of("resnet18.onnx"));
 * Tensor x = Tensor.zeros(1, 3, 224, 224);                       // NCHW, as exported
 * Tensor logits = model.run(Map.of(model.inputs().get(0).name(), x)).get("logits");
 * }</pre>
 *
 * <p>Epilogue fusion can be turned off with {@code -Dsimdnn.onnx.fuse=false}; the scalar-first start of sessions
 * ({@link OnnxSession}) with {@code -Dsimdnn.onnx.scalarFirst=false}.
 */
public final class OnnxModel {
    /** Files larger than this cannot be a protobuf message (its limit is 2 GiB); weights go to external data. */
    private static final long MAX_FILE = Integer.MAX_VALUE - 16;

    private final Graph graph;
    private final boolean fuse;
    private final Map<String, Plan> plans = new ConcurrentHashMap<>();
    private final ThreadLocal<OnnxSession> sessions = ThreadLocal.withInitial(this::newSession);

    private OnnxModel(Graph graph, boolean fuse) {
        this.graph = graph;
        this.fuse = fuse;
        plan(declaredShapes(1)); // plans (and so checks) the declared shapes now: errors at load, not at first run
    }

    /** Loads {@code file}; external data is resolved next to it. */
    public static OnnxModel load(Path file) throws OnnxException {
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) throw new OnnxException(file + ": is a directory, not an ONNX file");
            long size = Files.size(file);
            if (size > MAX_FILE) throw new OnnxException(file + " is " + size + " bytes, over protobuf's 2 GiB limit");
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new OnnxException(file + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new OnnxException(file + ": permission denied", e);
        } catch (IOException e) {
            throw new OnnxException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            return load(bytes, file.toAbsolutePath().getParent());
        } catch (OnnxException e) { // the message names the node or tensor; the file goes in front
            throw new OnnxException(file + ": " + e.getMessage(), e);
        }
    }

    /** Loads a model from bytes; {@code baseDir} (may be null) resolves external data. */
    public static OnnxModel load(byte[] bytes, Path baseDir) throws OnnxException {
        return load(bytes, baseDir, Map.of(), !"false".equals(System.getProperty("simdnn.onnx.fuse")));
    }

    /**
     * Loads with options: {@code boundInputs} turns graph inputs into constants (the conformance tests feed
     * shape inputs this way), {@code fuse} enables epilogue fusion.
     */
    static OnnxModel load(byte[] bytes, Path baseDir, Map<String, Const> boundInputs, boolean fuse) {
        Graph g = ModelReader.read(ModelReader.parse(bytes), baseDir, boundInputs);
        return new OnnxModel(Simplifier.simplify(g), fuse);
    }

    /** Graph inputs the caller feeds (those that are not initializers). */
    public List<ValueInfo> inputs() { return graph.inputs(); }

    public List<ValueInfo> outputs() { return graph.outputs(); }

    /**
     * A new session (arena and bound steps); use one per thread. It runs scalar first ({@link OnnxSession}) unless
     * {@code -Dsimdnn.onnx.scalarFirst=false}.
     */
    public OnnxSession newSession() {
        return newSession(!"false".equals(System.getProperty("simdnn.onnx.scalarFirst")));
    }

    /**
     * A new session; {@code scalarFirst} false binds the vector kernels from the first call (a process that
     * runs long enough for a warm-up to pay nothing back, or a benchmark), true runs the scalar form of the
     * kernels until the JVM's warm-up of the vector ones is done (docs/inference.md, "Start-up").
     */
    public OnnxSession newSession(boolean scalarFirst) { return new OnnxSession(this, scalarFirst); }

    /** Runs on this thread's session; inputs and outputs in the model's logical layout (e.g. NCHW). */
    public Map<String, Tensor> run(Map<String, Tensor> inputs) { return sessions.get().run(inputs); }

    /** As {@link #run(Map)}, with rank-4 outputs returned in {@code outputLayout} (NHWC or NCHW). */
    public Map<String, Tensor> run(Map<String, Tensor> inputs, Layout outputLayout) {
        return sessions.get().run(inputs, outputLayout);
    }

    /** The plan for the declared input shapes (symbolic dims as 1), one line per step. */
    public String describe() { return plan(declaredShapes(1)).describe(); }

    /** The plan for the declared shapes with symbolic dims as {@code batch}. */
    public String describe(int batch) { return plan(declaredShapes(batch)).describe(); }

    /** Float parameters: initializers and Constant nodes after load-time folding of BatchNormalization. */
    public long parameterCount() {
        long n = 0;
        java.util.Set<String> used = new java.util.HashSet<>();
        for (Node node : graph.nodes()) used.addAll(node.inputs());
        for (Map.Entry<String, Const> e : graph.constants().entrySet()) {
            if (e.getValue().isFloat() && used.contains(e.getKey())) n += e.getValue().size();
        }
        return n;
    }

    /** Floating-point operations of one run with symbolic dims set to {@code batch}. */
    public double flops(int batch) { return plan(declaredShapes(batch)).flops(); }

    Plan plan(Map<String, int[]> shapes) {
        StringBuilder key = new StringBuilder();
        for (ValueInfo vi : graph.inputs()) key.append(Arrays.toString(shapes.get(vi.name()))).append(';');
        return plans.computeIfAbsent(key.toString(), k -> Planner.plan(graph, shapes, fuse));
    }

    /** Input shapes for a run: each must match the declared one where that is fixed. */
    Map<String, int[]> checkShapes(Map<String, int[]> given) {
        for (ValueInfo vi : graph.inputs()) {
            int[] s = given.get(vi.name());
            if (s == null) throw new OnnxException("missing input '" + vi.name() + "' (inputs: " + graph.inputs() + ")");
            int[] d = vi.shape();
            boolean ok = d.length == 0 || d.length == s.length;
            for (int i = 0; ok && d.length > 0 && i < d.length; i++) ok = d[i] < 0 || d[i] == s[i];
            if (!ok) {
                throw new OnnxException("input '" + vi.name() + "' has shape " + Arrays.toString(s) + ", the model declares "
                        + Arrays.toString(d) + " (-1 = any)");
            }
        }
        for (String name : given.keySet()) {
            if (graph.inputs().stream().noneMatch(v -> v.name().equals(name))) {
                throw new OnnxException("unknown input '" + name + "' (inputs: " + graph.inputs() + ")");
            }
        }
        return given;
    }

    private Map<String, int[]> declaredShapes(int batch) {
        Map<String, int[]> m = new HashMap<>();
        for (ValueInfo vi : graph.inputs()) {
            int[] s = vi.shape();
            for (int i = 0; i < s.length; i++) if (s[i] < 0) s[i] = batch;
            m.put(vi.name(), s);
        }
        return m;
    }

    Graph graph() { return graph; }
}
