package org.simdnn.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import com.google.protobuf.ByteString;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.simdnn.fuzz.Mutator;
import org.simdnn.onnx.proto.OnnxProto.AttributeProto;
import org.simdnn.onnx.proto.OnnxProto.GraphProto;
import org.simdnn.onnx.proto.OnnxProto.ModelProto;
import org.simdnn.onnx.proto.OnnxProto.NodeProto;
import org.simdnn.onnx.proto.OnnxProto.StringStringEntryProto;
import org.simdnn.onnx.proto.OnnxProto.TensorProto;
import org.simdnn.onnx.proto.OnnxProto.TensorShapeProto;
import org.simdnn.onnx.proto.OnnxProto.ValueInfoProto;

/**
 * Fuzz target: {@link OnnxModel#load} on small valid models mutated two ways: as protobuf bytes
 * ({@link Mutator}), and structurally (huge, negative and zero dims on initializers and inputs, raw data
 * shorter than the shape, external data paths that escape the model's directory, cycles, unknown ops, wild
 * attribute values, dangling inputs). Every input either loads (and then runs, or refuses to, with an
 * {@link OnnxException}) or fails to load with an {@link OnnxException} whose message is short and, for a
 * structural mutation, names a node or tensor of the model; never another exception, no allocation far beyond
 * the file, no input that takes seconds. Tries: {@code -Djqwik.tries.default} (docs/reliability.md).
 */
class OnnxFuzzTest {
    private static ModelProto[] seeds;
    private static Path dir;

    @BeforeContainer
    static void setUp() throws IOException {
        dir = Files.createTempDirectory("onnx-fuzz");
        Files.write(dir.resolve("weights.bin"), new byte[4096]);
        Files.writeString(dir.getParent().resolve("onnx-fuzz-outside.bin"), "x".repeat(4096));
        ModelProto mlp = new ModelBuilder(5).input("x", -1, 12)
                .weight("w1", -1, 1, 12, 6).weight("b1", -1, 1, 6).weight("w2", -1, 1, 6, 3)
                .node("MatMul", "x,w1", "h").node("Add", "h,b1", "hb").node("Relu", "hb", "r")
                .node("Gemm", "r,w2", "logits").node("Softmax", "logits", "prob", "axis", 1).output("prob").model();
        seeds = new ModelProto[] {OnnxRuntimeTest.residualCnn(21, false).model(), mlp};
        for (ModelProto m : seeds) check(m.toByteArray(), dir, "warm-up", null); // class loading is not the first input's
    }

    @AfterContainer
    static void removeDir() throws IOException {
        Files.deleteIfExists(dir.getParent().resolve("onnx-fuzz-outside.bin"));
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) Files.delete(p);
        }
        Files.delete(dir);
    }

    @Property
    void mutatedBytesLoadOrFailWithOnnxException(@ForAll long seed, @ForAll @IntRange(min = 1, max = 6) int rounds,
            @ForAll @IntRange(min = 0, max = 1) int which) {
        byte[] file = Mutator.mutate(seeds[which].toByteArray(), seed, rounds);
        check(file, dir, "seed " + seed + " rounds " + rounds + " model " + which, null);
    }

    @Property
    void structurallyMutatedModelsLoadOrFailNamingWhatIsWrong(@ForAll long seed,
            @ForAll @IntRange(min = 1, max = 3) int rounds, @ForAll @IntRange(min = 0, max = 1) int which) {
        SplittableRandom r = new SplittableRandom(seed);
        ModelProto.Builder m = seeds[which].toBuilder();
        for (int i = 0; i < rounds; i++) mutate(m.getGraphBuilder(), r);
        ModelProto mutated = m.build();
        check(mutated.toByteArray(), dir, "seed " + seed + " rounds " + rounds + " model " + which, names(mutated.getGraph()));
    }

    /** Every name a message may cite: nodes (name and op), tensors, inputs and outputs. */
    private static List<String> names(GraphProto g) {
        List<String> names = new ArrayList<>();
        for (NodeProto n : g.getNodeList()) {
            names.add(n.getName());
            names.add(n.getOpType());
            names.addAll(n.getInputList());
            names.addAll(n.getOutputList());
        }
        for (TensorProto t : g.getInitializerList()) names.add(t.getName());
        for (ValueInfoProto v : g.getInputList()) names.add(v.getName());
        for (ValueInfoProto v : g.getOutputList()) names.add(v.getName());
        names.removeIf(String::isEmpty);
        return names;
    }

    private static final long[] DIMS = {0, -1, -7, 1L << 20, 1L << 30, Integer.MAX_VALUE, 1L << 31, 1L << 40, Long.MAX_VALUE,
            Long.MIN_VALUE, 46341, 3};

    private static void mutate(GraphProto.Builder g, SplittableRandom r) {
        int kind = r.nextInt(10);
        if (g.getInitializerCount() == 0 && (kind <= 2 || kind == 8)) kind = 4; // earlier rounds removed them all
        switch (kind) {
            case 0 -> { // an initializer dim: huge, negative, zero
                TensorProto.Builder t = g.getInitializerBuilder(r.nextInt(g.getInitializerCount()));
                if (t.getDimsCount() > 0) t.setDims(r.nextInt(t.getDimsCount()), DIMS[r.nextInt(DIMS.length)]);
                else t.addDims(DIMS[r.nextInt(DIMS.length)]);
            }
            case 1 -> { // raw_data shorter (or longer) than the shape
                TensorProto.Builder t = g.getInitializerBuilder(r.nextInt(g.getInitializerCount()));
                ByteString raw = t.getRawData();
                t.setRawData(r.nextBoolean() ? raw.substring(0, r.nextInt(raw.size() + 1)) : raw.concat(ByteString.copyFrom(new byte[1 + r.nextInt(8)])));
            }
            case 2 -> { // external data: escaping, absolute, missing, NUL, out of range
                TensorProto.Builder t = g.getInitializerBuilder(r.nextInt(g.getInitializerCount()));
                String[] locations = {"weights.bin", "../onnx-fuzz-outside.bin", "/etc/passwd", "missing.bin", "a\0b", "",
                        ".", "sub/../../onnx-fuzz-outside.bin", "weights.bin/x"};
                String[] numbers = {"0", "16", "-1", "4096", "99999999999999999999", "1e3", "", "9223372036854775807"};
                t.clearRawData().setDataLocation(TensorProto.DataLocation.EXTERNAL).clearExternalData()
                        .addExternalData(entry("location", locations[r.nextInt(locations.length)]));
                if (r.nextBoolean()) t.addExternalData(entry("offset", numbers[r.nextInt(numbers.length)]));
                if (r.nextBoolean()) t.addExternalData(entry("length", numbers[r.nextInt(numbers.length)]));
            }
            case 3 -> { // a cycle: a node reads the output of itself or of a later node
                int a = r.nextInt(g.getNodeCount()), b = a + r.nextInt(g.getNodeCount() - a);
                NodeProto.Builder n = g.getNodeBuilder(a);
                if (n.getInputCount() > 0) n.setInput(r.nextInt(n.getInputCount()), g.getNode(b).getOutput(0));
            }
            case 4 -> { // an unknown or misspelt op, or another domain
                NodeProto.Builder n = g.getNodeBuilder(r.nextInt(g.getNodeCount()));
                String[] ops = {"FancyConv", "conv", "", "Loop", "If", "Scan", "Gemm", "Conv", "Reshape", "Concat"};
                if (r.nextInt(4) == 0) n.setDomain("com.example");
                else n.setOpType(ops[r.nextInt(ops.length)]);
            }
            case 5 -> { // an attribute set to a wild value, or added where it does not belong
                NodeProto.Builder n = g.getNodeBuilder(r.nextInt(g.getNodeCount()));
                String[] attrs = {"pads", "strides", "kernel_shape", "dilations", "group", "axis", "transB", "epsilon", "alpha"};
                String name = attrs[r.nextInt(attrs.length)];
                AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
                long v = DIMS[r.nextInt(DIMS.length)];
                switch (r.nextInt(3)) {
                    case 0 -> a.setType(AttributeProto.AttributeType.INT).setI(v);
                    case 1 -> {
                        a.setType(AttributeProto.AttributeType.INTS);
                        for (int k = r.nextInt(6); k >= 0; k--) a.addInts(r.nextBoolean() ? v : r.nextInt(-2, 4));
                    }
                    default -> a.setType(AttributeProto.AttributeType.FLOAT).setF(r.nextBoolean() ? Float.NaN : (float) v);
                }
                int at = -1;
                for (int k = 0; k < n.getAttributeCount(); k++) if (n.getAttribute(k).getName().equals(name)) at = k;
                if (at >= 0) n.setAttribute(at, a);
                else n.addAttribute(a);
            }
            case 6 -> { // a graph input's dim: huge, negative, zero, symbolic
                ValueInfoProto.Builder v = g.getInputBuilder(0);
                TensorShapeProto.Builder s = v.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
                if (s.getDimCount() == 0) return;
                TensorShapeProto.Dimension.Builder d = s.getDimBuilder(r.nextInt(s.getDimCount()));
                if (r.nextInt(5) == 0) d.setDimParam("N" + r.nextInt(3));
                else d.setDimValue(DIMS[r.nextInt(DIMS.length)]);
            }
            case 7 -> { // a dangling input, an empty name, or a removed input
                NodeProto.Builder n = g.getNodeBuilder(r.nextInt(g.getNodeCount()));
                if (n.getInputCount() == 0) return;
                int k = r.nextInt(n.getInputCount());
                switch (r.nextInt(3)) {
                    case 0 -> n.setInput(k, "nobody");
                    case 1 -> n.setInput(k, "");
                    default -> {
                        List<String> in = new ArrayList<>(n.getInputList());
                        in.remove(k);
                        n.clearInput().addAllInput(in);
                    }
                }
            }
            case 8 -> { // an initializer dropped, duplicated, or its type changed
                int k = r.nextInt(g.getInitializerCount());
                switch (r.nextInt(3)) {
                    case 0 -> g.removeInitializer(k);
                    case 1 -> g.addInitializer(g.getInitializer(k));
                    default -> g.getInitializerBuilder(k).setDataType(r.nextInt(-1, 20));
                }
            }
            default -> { // a node's output renamed to an existing value, or the graph output to a node's input
                NodeProto.Builder n = g.getNodeBuilder(r.nextInt(g.getNodeCount()));
                if (r.nextBoolean() && g.getInitializerCount() > 0) n.setOutput(0, g.getInitializer(r.nextInt(g.getInitializerCount())).getName());
                else if (n.getInputCount() > 0) g.getOutputBuilder(0).setName(n.getInput(0));
            }
        }
    }

    private static StringStringEntryProto entry(String k, String v) {
        return StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
    }

    /**
     * Loads {@code bytes} as the file {@code DIR/m.onnx} would be (external data resolves in {@code base}), runs
     * what loads, and checks the outcome; {@code names}, when given, must include one the message cites.
     */
    static void check(byte[] bytes, Path base, String what, List<String> names) {
        long t0 = System.nanoTime();
        OnnxModel[] loaded = new OnnxModel[1];
        long allocated = Mutator.allocatedBy(() -> {
            try {
                loaded[0] = OnnxModel.load(bytes, base);
            } catch (OnnxException e) {
                String msg = e.getMessage();
                if (msg == null || msg.isBlank()) fail(what + ": OnnxException without a message");
                assertTrue(msg.length() < 2000, what + ": message of " + msg.length() + " chars");
                if (names != null) {
                    boolean named = msg.startsWith("not a valid ONNX model") || msg.startsWith("the graph");
                    for (String n : names) named |= msg.contains("'" + n + "'") || msg.contains(n + " ");
                    assertTrue(named, what + ": the message names no node or tensor: " + msg);
                }
            } catch (Throwable t) {
                throw new AssertionError(what + ": load threw " + t, t);
            }
        });
        // the parse tree, the tensors and the plan for the declared shapes; never what a lying field claims. A run
        // allocates for the activations of the inputs it is given, which is not the file's doing: not counted.
        assertTrue(allocated < (64L << 20) + 256L * bytes.length, what + ": load allocated " + allocated + " for "
                + bytes.length + " bytes");
        if (loaded[0] != null) OnnxBadInputTest.runOnZeros(loaded[0], 1 << 20, what);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(millis < 20_000, what + ": took " + millis + " ms");
    }
}
