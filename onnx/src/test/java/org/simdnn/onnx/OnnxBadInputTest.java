package org.simdnn.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.simdnn.onnx.proto.OnnxProto.ModelProto;
import org.simdnn.onnx.proto.OnnxProto.StringStringEntryProto;
import org.simdnn.onnx.proto.OnnxProto.TensorProto;
import org.simdnn.tensor.Tensor;

/**
 * Hostile files: every truncation and thousands of seeded byte mutations of a small valid model each end in
 * an {@link OnnxException} with a message (or load, and then run or fail the same way) within a time bound:
 * never another exception type, an OutOfMemoryError or a StackOverflowError.
 */
class OnnxBadInputTest {
    static final int MUTANTS = 3000;

    @Test
    void truncatedAndMutatedModelsFailCleanly() {
        byte[] valid = OnnxRuntimeTest.residualCnn(21, false).bytes();
        int[] outcome = new int[2]; // loaded, rejected
        assertTimeoutPreemptively(Duration.ofMinutes(3), () -> {
            for (int len = 0; len < valid.length; len += Math.max(1, valid.length / 600)) {
                check(Arrays.copyOf(valid, len), "truncated to " + len, outcome);
            }
            Random r = new Random(42);
            for (int i = 0; i < MUTANTS; i++) {
                byte[] b = valid.clone();
                int edits = 1 + r.nextInt(4);
                for (int e = 0; e < edits; e++) {
                    int at = r.nextInt(b.length);
                    switch (r.nextInt(3)) {
                        case 0 -> b[at] = (byte) r.nextInt(256);
                        case 1 -> b[at] ^= (byte) (1 << r.nextInt(8));
                        default -> b[at] = (byte) (r.nextBoolean() ? 0xff : 0x7f); // large varints / lengths
                    }
                }
                check(b, "mutant " + i, outcome);
            }
        });
        assertTrue(outcome[1] > MUTANTS / 10, "most mutants should be rejected, got " + Arrays.toString(outcome));
    }

    private static void check(byte[] bytes, String what, int[] outcome) {
        OnnxModel m;
        try {
            m = OnnxModel.load(bytes, null);
        } catch (OnnxException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) fail(what + ": exception without a message");
            outcome[1]++;
            return;
        } catch (Throwable t) {
            throw new AssertionError(what + ": load threw " + t, t);
        }
        outcome[0]++;
        runOnZeros(m, 1 << 22, what);
    }

    /**
     * Runs a model that loaded on zero inputs (symbolic dims 1) unless they exceed {@code maxElements}: it must
     * compute or refuse with an {@link OnnxException}, nothing else.
     */
    static void runOnZeros(OnnxModel m, int maxElements, String what) {
        try {
            Map<String, Tensor> in = new HashMap<>();
            for (ValueInfo v : m.inputs()) {
                int[] s = v.shape();
                for (int i = 0; i < s.length; i++) if (s[i] < 0) s[i] = 1;
                if (Shapes.size(s) > maxElements) return;
                in.put(v.name(), Tensor.zeros(s));
            }
            m.run(in);
        } catch (OnnxException e) {
            // a clean refusal
        } catch (Throwable t) {
            throw new AssertionError(what + ": run threw " + t, t);
        }
    }

    @Test
    void hostileTensorLengthsAreCheckedBeforeAllocating() {
        ModelProto valid = OnnxRuntimeTest.residualCnn(22, false).model();
        // dims claim 2^40 elements: rejected by the dims check, nothing allocated.
        TensorProto huge = valid.getGraph().getInitializer(0).toBuilder().clearDims().addDims(1 << 20).addDims(1 << 20).build();
        OnnxException e = assertThrows(OnnxException.class, () -> OnnxModel.load(withInit(valid, 0, huge).toByteArray(), null));
        assertTrue(e.getMessage().contains("exceed"), e.getMessage());
        // dims claim more than raw_data holds.
        TensorProto lying = valid.getGraph().getInitializer(0).toBuilder().setDims(0, 1000).build();
        e = assertThrows(OnnxException.class, () -> OnnxModel.load(withInit(valid, 0, lying).toByteArray(), null));
        assertTrue(e.getMessage().contains("raw_data has"), e.getMessage());
    }

    @Test
    void anIntegerWeightOfAFloatOperatorIsRefusedAtLoad() {
        // found by OnnxFuzzTest: a Gemm weight typed uint32 loaded, and the first run failed inside sgemm (b=null)
        ModelProto m = new ModelBuilder(5).input("x", -1, 6).weight("w", -1, 1, 6, 3)
                .node("Gemm", "x,w", "y").output("y").model();
        TensorProto w = m.getGraph().getInitializer(0).toBuilder().setDataType(TensorProto.DataType.UINT32_VALUE).build();
        OnnxException e = assertThrows(OnnxException.class, () -> OnnxModel.load(withInit(m, 0, w).toByteArray(), null));
        assertTrue(e.getMessage().contains("input 'w' is a uint32 constant; this operator computes in float"), e.getMessage());
    }

    @Test
    void aConvWithAnIntegerBiasIsNotFoldedWithItsBatchNorm() {
        // found by OnnxFuzzTest: batch-norm folding read the float data of a uint32 conv bias (NullPointerException)
        ModelProto valid = OnnxRuntimeTest.residualCnn(24, false).model();
        int b1 = 1; // w1, b1, g1, ...
        assertTrue(valid.getGraph().getInitializer(b1).getName().equals("b1"));
        TensorProto bias = valid.getGraph().getInitializer(b1).toBuilder().setDataType(TensorProto.DataType.UINT32_VALUE).build();
        OnnxModel m = OnnxModel.load(withInit(valid, b1, bias).toByteArray(), null);
        runOnZeros(m, 1 << 20, "integer conv bias");
    }

    @Test
    void namesFromTheFileAreClippedAndEscapedInMessages() {
        // found by OnnxFuzzTest: a mutated field made 2,400 bytes of weights a tensor's name, all of it in the message
        String name = "w\n\u0001" + "x".repeat(2000);
        ModelProto valid = OnnxRuntimeTest.residualCnn(22, false).model();
        TensorProto bad = valid.getGraph().getInitializer(0).toBuilder().setName(name).clearRawData().build();
        OnnxException e = assertThrows(OnnxException.class, () -> OnnxModel.load(withInit(valid, 0, bad).toByteArray(), null));
        assertTrue(e.getMessage().length() < 400 && e.getMessage().contains("w\\u000a\\u0001xxx")
                && e.getMessage().contains("...' (2013 chars)") && e.getMessage().contains("holds 0 float values"), e.getMessage());
    }

    @Test
    void hostileDeclaredInputShapesAreRefusedBeforePlanning() {
        // found by OnnxFuzzTest: a declared batch of 2^31 - 1 made the planner allocate int[2^31 - 1] (OutOfMemoryError)
        ModelBuilder huge = new ModelBuilder(5).input("x", Integer.MAX_VALUE, 12).weight("w", -1, 1, 12, 6).weight("b", -1, 1, 6)
                .node("MatMul", "x,w", "h").node("Add", "h,b", "y").output("y");
        OnnxException e = assertThrows(OnnxException.class, () -> OnnxModel.load(huge.bytes(), null));
        assertTrue(e.getMessage().contains("'x'") && e.getMessage().contains("exceeds 2^31 elements"), e.getMessage());
        // each value fits an array, all of them do not fit the heap: refused at load, not at the first run
        assumeTrue(Runtime.getRuntime().maxMemory() < 16L << 30, "the four 6 GiB values fit this heap");
        ModelBuilder big = new ModelBuilder(5).input("x", 1 << 29, 3).node("Relu", "x", "r").node("Sigmoid", "r", "s")
                .node("Tanh", "s", "t").output("r").output("s").output("t");
        e = assertThrows(OnnxException.class, () -> OnnxModel.load(big.bytes(), null));
        assertTrue(e.getMessage().contains("more than the JVM's heap") && e.getMessage().contains("'x' [536870912, 3]"), e.getMessage());
    }

    @Test
    void aConcatWithNoInputsIsRefusedAtLoad() {
        // found by OnnxFuzzTest: ArrayIndexOutOfBoundsException in the planner
        ModelBuilder b = new ModelBuilder(6).input("x", 2, 3).node("Concat", new String[0], new String[] {"y"}, "axis", 0L)
                .output("y");
        OnnxException e = assertThrows(OnnxException.class, () -> OnnxModel.load(b.bytes(), null));
        assertEquals("Concat node 'concat0': 0 inputs, but Concat at opset 13 takes at least 1", e.getMessage());
    }

    /**
     * Every supported operator, at every opset where its arity changes: one input too few and one too many (where
     * there is a maximum), no output and one output too many, each refused at load naming the node and the counts.
     */
    @Test
    void everyOperatorChecksItsInputAndOutputCountsAtLoad() {
        int cases = 0;
        for (var op : OpSupport.OPS.entrySet()) {
            for (var since : op.getValue().aritySince().entrySet()) {
                OpSupport.Arity a = since.getValue();
                int opset = since.getKey();
                String takes = OpSupport.Arity.range(a.minInputs(), a.maxInputs());
                String produces = OpSupport.Arity.range(a.minOutputs(), a.maxOutputs());
                if (a.minInputs() > 0) {
                    expectCountError(op.getKey(), opset, a.minInputs() - 1, 1, (a.minInputs() - 1) + " inputs", "takes " + takes);
                }
                if (a.maxInputs() != OpSupport.MANY) {
                    expectCountError(op.getKey(), opset, a.maxInputs() + 1, 1, (a.maxInputs() + 1) + " inputs", "takes " + takes);
                }
                expectCountError(op.getKey(), opset, a.minInputs(), 0, "0 outputs", "produces " + produces);
                expectCountError(op.getKey(), opset, a.minInputs(), a.maxOutputs() + 1, (a.maxOutputs() + 1) + " outputs",
                        "produces " + produces);
                cases += 4;
            }
        }
        assertTrue(cases >= 4 * OpSupport.OPS.size(), "cases " + cases);
    }

    /** A lone {@code op} node with {@code ins} inputs (all the graph input) and {@code outs} outputs must fail to load. */
    private static void expectCountError(String op, int opset, int ins, int outs, String count, String allowed) {
        String[] in = new String[ins], out = new String[outs];
        Arrays.fill(in, "x");
        for (int i = 0; i < outs; i++) out[i] = "y" + i;
        ModelBuilder b = new ModelBuilder(7).opset(opset).input("x", 2, 3).node(op, in, out).output(outs > 0 ? "y0" : "x");
        String what = op + " at opset " + opset + " with " + ins + " inputs, " + outs + " outputs";
        OnnxException e = assertThrows(OnnxException.class, () -> OnnxModel.load(b.bytes(), null), what);
        String msg = e.getMessage();
        assertTrue(msg.startsWith(op + " node '" + op.toLowerCase() + "0': ") && msg.contains(count)
                && msg.contains("at opset " + opset) && msg.contains(allowed), what + ": " + msg);
    }

    @Test
    void externalDataLoadsAndStaysInsideTheModelDirectory(@TempDir Path dir) throws Exception {
        ModelProto valid = OnnxRuntimeTest.residualCnn(23, false).model();
        TensorProto w = valid.getGraph().getInitializer(0);
        byte[] raw = w.getRawData().toByteArray();
        byte[] file = new byte[raw.length + 16];
        System.arraycopy(raw, 0, file, 16, raw.length);
        Files.write(dir.resolve("weights.bin"), file);
        Path model = dir.resolve("m.onnx");
        Files.write(model, withInit(valid, 0, external(w, "weights.bin", 16, raw.length)).toByteArray());
        Tensor x = OnnxRuntimeTest.random(3, 1, 3, 8, 8);
        Tensor want = OnnxModel.load(valid.toByteArray(), null).run(Map.of("x", x)).get("prob");
        OnnxRuntimeTest.assertClose(want, OnnxModel.load(model).run(Map.of("x", x)).get("prob"), 0);

        Files.write(model, withInit(valid, 0, external(w, "../weights.bin", 16, raw.length)).toByteArray());
        OnnxException e = assertThrows(OnnxException.class, () -> OnnxModel.load(model));
        assertTrue(e.getMessage().contains("leaves the model's directory"), e.getMessage());
        Files.write(model, withInit(valid, 0, external(w, "weights\0.bin", 16, raw.length)).toByteArray());
        e = assertThrows(OnnxException.class, () -> OnnxModel.load(model)); // was InvalidPathException, found by OnnxFuzzTest
        assertTrue(e.getMessage().contains("'weights\\u0000.bin' is not a valid path") && e.getMessage().contains("'w1'"), e.getMessage());
        Files.write(model, withInit(valid, 0, external(w, "weights.bin", 32, raw.length)).toByteArray());
        e = assertThrows(OnnxException.class, () -> OnnxModel.load(model));
        assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
    }

    private static TensorProto external(TensorProto t, String location, long offset, long length) {
        return t.toBuilder().clearRawData().setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue(Long.toString(offset)))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue(Long.toString(length)))
                .build();
    }

    private static ModelProto withInit(ModelProto m, int i, TensorProto t) {
        return m.toBuilder().setGraph(m.getGraph().toBuilder().setInitializer(i, t)).build();
    }
}
