package org.simdnn.onnx;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.simdnn.onnx.proto.OnnxProto.ModelProto;
import org.simdnn.onnx.proto.OnnxProto.NodeProto;
import org.simdnn.onnx.proto.OnnxProto.TensorProto;
import org.simdnn.onnx.proto.OnnxProto.TensorProto.DataType;
import org.simdnn.onnx.proto.OnnxProto.ValueInfoProto;
import org.simdnn.tensor.Tensor;

/**
 * ONNX's own operator tests (Debian's libonnx-testdata: {@code data/node}, {@code data/pytorch-converted},
 * {@code data/pytorch-operator}) run through {@link OnnxModel}. Every case whose ops are all in
 * {@link OpSupport} runs each {@code test_data_set_*}: {@code input_i.pb} fed (integer inputs — shapes, axes,
 * indices — bound as constants, since the runtime's inputs are float tensors), {@code output_i.pb} compared
 * with ONNX's backend-test tolerance {@code |got - want| <= ATOL + RTOL |want|}. A case is skipped, with the
 * reason, when it needs a data type or feature the runtime does not have; the per-operator table goes to
 * {@code target/onnx-conformance.md} (docs/onnx.md carries it).
 */
class OnnxConformanceTest {
    static final Path ROOT = Path.of("/usr/share/libonnx-testdata/data");
    /** ONNX's backend test runner uses rtol 1e-3, atol 1e-7 (onnx/backend/test/runner). */
    static final double RTOL = 1e-3, ATOL = 1e-7;
    static final List<String> SUITES = List.of("node", "pytorch-converted", "pytorch-operator");

    /**
     * Input slots that exporters fill with initializers (weights, bounds, pads, shapes): a float graph input
     * read only there is bound as a constant, as a real model would hold it. Op -> first parameter slot.
     */
    static final Map<String, Integer> PARAMETER_SLOTS = Map.of("Conv", 1, "ConvTranspose", 1, "BatchNormalization", 1,
            "Clip", 1, "Pad", 1, "Range", 0, "Reshape", 1, "Slice", 1, "Gather", 1, "Expand", 1);

    /** One case's outcome: null reason and null failure = passed. */
    record Result(String suite, String name, String ops, String skipReason, String failure) {}

    @TestFactory
    Stream<DynamicNode> conformance() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(ROOT.resolve("node")),
                "ONNX test data not installed at " + ROOT + " (apt-get install libonnx-testdata)");
        List<Result> results = new ArrayList<>();
        for (String suite : SUITES) {
            try (Stream<Path> dirs = Files.list(ROOT.resolve(suite))) {
                for (Path dir : dirs.sorted().toList()) {
                    if (Files.isRegularFile(dir.resolve("model.onnx"))) results.add(runCase(suite, dir));
                }
            }
        }
        writeReport(results);
        List<DynamicNode> containers = new ArrayList<>();
        for (String suite : SUITES) {
            List<DynamicTest> tests = results.stream().filter(r -> r.suite.equals(suite) && r.ops != null)
                    .map(r -> DynamicTest.dynamicTest(r.name + " [" + r.ops + "]", () -> {
                        Assumptions.assumeTrue(r.skipReason == null, r.skipReason);
                        if (r.failure != null) fail(r.failure);
                    })).toList();
            containers.add(DynamicContainer.dynamicContainer(suite, tests));
        }
        return containers.stream();
    }

    /** Runs one case; ops == null marks a case outside the supported operators (not counted). */
    static Result runCase(String suite, Path dir) {
        String name = dir.getFileName().toString();
        ModelProto m;
        try {
            m = ModelProto.parseFrom(Files.readAllBytes(dir.resolve("model.onnx")));
        } catch (IOException e) {
            return new Result(suite, name, "?", null, "cannot read: " + e);
        }
        TreeSet<String> opSet = new TreeSet<>();
        for (NodeProto n : m.getGraph().getNodeList()) if (!n.getOpType().equals("Constant")) opSet.add(n.getOpType());
        if (opSet.isEmpty()) opSet.add("Constant");
        for (NodeProto n : m.getGraph().getNodeList()) if (!OpSupport.OPS.containsKey(n.getOpType())) return new Result(suite, name, null, null, null);
        String ops = String.join("+", opSet);
        long opset = m.getOpsetImportList().stream().filter(o -> o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))
                .mapToLong(o -> o.getVersion()).max().orElse(-1);
        if (opset < OpSupport.MIN_OPSET || opset > OpSupport.MAX_OPSET) {
            return new Result(suite, name, ops, "opset " + opset + " (supported: " + OpSupport.MIN_OPSET + ".."
                    + OpSupport.MAX_OPSET + ")", null);
        }
        java.util.Set<String> parameters = new java.util.HashSet<>(), dataInputs = new java.util.HashSet<>();
        for (NodeProto n : m.getGraph().getNodeList()) {
            int first = PARAMETER_SLOTS.getOrDefault(n.getOpType(), Integer.MAX_VALUE);
            for (int i = 0; i < n.getInputCount(); i++) (i >= first ? parameters : dataInputs).add(n.getInput(i));
        }
        parameters.removeAll(dataInputs);
        try {
            List<String> inputNames = new ArrayList<>();
            java.util.Set<String> inits = new java.util.HashSet<>();
            for (TensorProto t : m.getGraph().getInitializerList()) inits.add(t.getName());
            for (ValueInfoProto v : m.getGraph().getInputList()) if (!inits.contains(v.getName())) inputNames.add(v.getName());
            for (ValueInfoProto v : m.getGraph().getOutputList()) {
                String why = unsupportedType(v, "output");
                if (why != null) return new Result(suite, name, ops, why, null);
            }
            for (ValueInfoProto v : m.getGraph().getInputList()) {
                String why = unsupportedType(v, "input");
                if (why != null) return new Result(suite, name, ops, why, null);
            }
            List<Path> sets;
            try (Stream<Path> s = Files.list(dir)) {
                sets = s.filter(p -> p.getFileName().toString().startsWith("test_data_set_")).sorted().toList();
            }
            for (Path set : sets) {
                Map<String, Const> bound = new HashMap<>();
                Map<String, Tensor> feeds = new LinkedHashMap<>();
                for (int i = 0; Files.exists(set.resolve("input_" + i + ".pb")); i++) {
                    TensorProto t = TensorProto.parseFrom(Files.readAllBytes(set.resolve("input_" + i + ".pb")));
                    String in = i < inputNames.size() ? inputNames.get(i) : t.getName();
                    Const c = TensorProtos.read(t, set);
                    if (c.isFloat() && !parameters.contains(in)) feeds.put(in, Tensor.wrap(c.floats(), c.shape()));
                    else bound.put(in, c);
                }
                OnnxModel model = OnnxModel.load(m.toByteArray(), dir, bound, true);
                Map<String, Tensor> got = model.run(feeds);
                for (int i = 0; Files.exists(set.resolve("output_" + i + ".pb")); i++) {
                    TensorProto t = TensorProto.parseFrom(Files.readAllBytes(set.resolve("output_" + i + ".pb")));
                    Const want = TensorProtos.read(t, set);
                    String out = m.getGraph().getOutput(i).getName();
                    String err = compare(want, got.get(out));
                    if (err != null) return new Result(suite, name, ops, null, set.getFileName() + " output '" + out + "': " + err);
                }
            }
            return new Result(suite, name, ops, null, null);
        } catch (OnnxException e) {
            // A deliberate "not supported" (3-d convolution, training mode, ...) is a skip with its reason.
            if (e.getMessage().contains("not supported")) return new Result(suite, name, ops, e.getMessage(), null);
            return new Result(suite, name, ops, null, "OnnxException: " + e.getMessage());
        } catch (Exception | StackOverflowError e) {
            return new Result(suite, name, ops, null, e.toString());
        }
    }

    /** Float and int64/int32 tensors run (integers as constants); other element types are skipped. */
    private static String unsupportedType(ValueInfoProto v, String what) {
        if (!v.getType().hasTensorType()) return what + " '" + v.getName() + "' is not a tensor (sequence/optional)";
        DataType t = DataType.forNumber(v.getType().getTensorType().getElemType());
        if (t == DataType.FLOAT || t == DataType.INT64 || t == DataType.INT32) return null;
        if (what.equals("input") && t != null && !Const.isFloatType(t) && t != DataType.STRING) return null; // bound
        return what + " '" + v.getName() + "' is " + (t == null ? "?" : Const.typeName(t)) + " (float compute only)";
    }

    static String compare(Const want, Tensor got) {
        if (got == null) return "missing";
        if (!java.util.Arrays.equals(want.shape(), got.shape())) {
            return "shape " + java.util.Arrays.toString(got.shape()) + ", want " + java.util.Arrays.toString(want.shape());
        }
        float[] g = got.toArray(), w = want.asFloats();
        int bad = 0, first = -1;
        for (int i = 0; i < w.length; i++) {
            boolean ok = Float.isNaN(w[i]) ? Float.isNaN(g[i]) : Math.abs(g[i] - w[i]) <= ATOL + RTOL * Math.abs(w[i])
                    || g[i] == w[i];
            if (!ok && bad++ == 0) first = i;
        }
        return bad == 0 ? null : bad + " of " + w.length + " elements differ; first at " + first + ": got " + g[first]
                + ", want " + w[first];
    }

    private static void writeReport(List<Result> results) throws IOException {
        Map<String, int[]> perOp = new TreeMap<>();
        List<Result> skipped = new ArrayList<>(), failed = new ArrayList<>();
        int pass = 0, total = 0;
        for (Result r : results) {
            if (r.ops == null) continue;
            int[] c = perOp.computeIfAbsent(r.ops, k -> new int[3]);
            if (r.skipReason != null) { c[2]++; skipped.add(r); continue; }
            total++;
            if (r.failure == null) { c[0]++; pass++; } else { c[1]++; failed.add(r); }
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Cases run: %d, passed %d (%.1f %%), failed %d, skipped %d; rtol %g, atol %g.%n%n",
                total, pass, 100.0 * pass / Math.max(1, total), total - pass, skipped.size(), RTOL, ATOL));
        sb.append("| operator(s) | passed | failed | skipped |\n|---|---:|---:|---:|\n");
        perOp.forEach((op, c) -> sb.append("| ").append(op).append(" | ").append(c[0]).append(" | ").append(c[1])
                .append(" | ").append(c[2]).append(" |\n"));
        sb.append("\nSkipped:\n\n");
        for (Result r : skipped) sb.append("- ").append(r.suite).append('/').append(r.name).append(": ").append(r.skipReason).append('\n');
        sb.append("\nFailed:\n\n");
        for (Result r : failed) sb.append("- ").append(r.suite).append('/').append(r.name).append(": ").append(r.failure).append('\n');
        Path out = Path.of("target/onnx-conformance.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, sb.toString());
        System.out.println(sb);
    }
}
