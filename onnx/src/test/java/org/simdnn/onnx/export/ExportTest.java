package org.simdnn.onnx.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.simdnn.kernels.layout.Layouts;
import org.simdnn.nn.AvgPool2d;
import org.simdnn.nn.Basis;
import org.simdnn.nn.BatchNorm1d;
import org.simdnn.nn.BatchNorm2d;
import org.simdnn.nn.Conv2d;
import org.simdnn.nn.Dropout;
import org.simdnn.nn.Flatten;
import org.simdnn.nn.GlobalAvgPool2d;
import org.simdnn.nn.LeakyReLU;
import org.simdnn.nn.Linear;
import org.simdnn.nn.MaxPool2d;
import org.simdnn.nn.Module;
import org.simdnn.nn.MulticlassPerceptron;
import org.simdnn.nn.PReLU;
import org.simdnn.nn.Parameter;
import org.simdnn.nn.Perceptron;
import org.simdnn.nn.Sequential;
import org.simdnn.nn.Sigmoid;
import org.simdnn.nn.Tanh;
import org.simdnn.nn.io.ModelIo;
import org.simdnn.nn.train.Models;
import org.simdnn.nn.train.PerceptronTrainer;
import org.simdnn.onnx.proto.OnnxProto.ModelProto;
import org.simdnn.onnx.proto.OnnxProto.NodeProto;
import org.simdnn.onnx.proto.OnnxProto.ValueInfoProto;
import org.simdnn.reference.PythonProbe;
import org.simdnn.tensor.Layout;
import org.simdnn.tensor.Tensor;

/**
 * Exported models run in Microsoft's ONNX Runtime (the independent implementation) and agree with simdnn's own
 * inference forward: {@code max|ort - simdnn| <= 1e-4 * max(1, max|simdnn|)} over a batch of random inputs.
 */
class ExportTest {
    static final double TOLERANCE = 1e-4;
    @TempDir Path dir;

    /** Every parameter and buffer drawn at random (batch-norm variances positive), so nothing is trivially 0 or 1. */
    static Module randomized(Module m, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (Parameter p : m.parameters()) fill(p.value(), r, 0.3, 0);
        for (Map.Entry<String, Tensor> b : m.buffers().entrySet()) {
            boolean var = b.getKey().endsWith("running_var");
            fill(b.getValue(), r, var ? 0.5 : 0.2, var ? 0.75 : 0);
        }
        m.eval();
        return m;
    }

    private static void fill(Tensor t, SplittableRandom r, double scale, double shift) {
        float[] d = t.data();
        for (int i = 0; i < t.size(); i++) d[t.offset() + i] = (float) (shift + scale * (shift > 0 ? r.nextDouble() : r.nextGaussian()));
    }

    /** Random ONNX-side input: NCHW {@code [n, C, H, W]} for an image sample {H, W, C}, else {@code [n, F]}. */
    static Tensor onnxInput(int n, int[] sample, long seed) {
        int[] shape = sample.length == 3 ? new int[] {n, sample[2], sample[0], sample[1]} : new int[] {n, sample[0]};
        Tensor t = sample.length == 3 ? Tensor.zeros(Layout.NCHW, shape) : Tensor.zeros(shape);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < t.size(); i++) t.data()[i] = (float) r.nextGaussian();
        return t;
    }

    /** simdnn's inference output for the ONNX-side input, converted to ONNX's layout. */
    static float[] simdnnForward(Module m, Tensor onnxInput) {
        Tensor x = onnxInput.rank() == 4 ? Layouts.toNhwc(onnxInput) : onnxInput;
        Tensor y = m.forward(x, false);
        return (y.rank() == 4 ? Layouts.toNchw(y.contiguous()) : y.contiguous()).toArray();
    }

    static float[] onnxRuntime(byte[] model, Tensor input) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(1);
            try (OrtSession s = env.createSession(model, o);
                 OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(input.toArray()), longs(input.shape()));
                 OrtSession.Result r = s.run(Map.of(OnnxExport.INPUT, x))) {
                FloatBuffer b = ((OnnxTensor) r.get(OnnxExport.OUTPUT).orElseThrow()).getFloatBuffer();
                float[] out = new float[b.remaining()];
                b.get(out);
                return out;
            }
        }
    }

    private static long[] longs(int[] a) {
        long[] l = new long[a.length];
        for (int i = 0; i < a.length; i++) l[i] = a[i];
        return l;
    }

    /** Error relative to the reference's scale: max|a - b| / max(1, max|b|). */
    static double error(float[] actual, float[] expected) {
        assertEquals(expected.length, actual.length, "output size");
        double diff = 0, scale = 1;
        for (int i = 0; i < expected.length; i++) {
            diff = Math.max(diff, Math.abs((double) actual[i] - expected[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
            if (Float.isNaN(actual[i]) != Float.isNaN(expected[i])) return Double.POSITIVE_INFINITY;
        }
        return diff / scale;
    }

    private void agreesWithOnnxRuntime(String what, Module m, int[] sample) throws Exception {
        byte[] bytes = OnnxExport.toProto(m, sample).toByteArray();
        for (int n : new int[] {1, 3}) { // the batch dim is symbolic
            Tensor x = onnxInput(n, sample, 17 + n);
            double err = error(onnxRuntime(bytes, x), simdnnForward(m, x));
            System.out.printf("export %s batch %d: error vs ONNX Runtime %.2e%n", what, n, err);
            assertTrue(err <= TOLERANCE, what + " batch " + n + ": error " + err + " vs ONNX Runtime");
        }
    }

    @Test
    void trainModelsRunInOnnxRuntime() throws Exception {
        agreesWithOnnxRuntime("cnn", randomized(Models.cnn(1), 2), new int[] {28, 28, 1});
        agreesWithOnnxRuntime("mlp", randomized(Models.mlp(1), 3), new int[] {784});
        agreesWithOnnxRuntime("perceptron", randomized(PerceptronTrainer.newModel(784, 10), 4), new int[] {784});
    }

    /** The model file path: saved by ModelIo, loaded back, exported to a file, run by ONNX Runtime. */
    @Test
    void exportsAModelLoadedFromItsFile() throws Exception {
        Module cnn = randomized(Models.cnn(5), 6);
        Path file = dir.resolve("cnn.safetensors");
        ModelIo.save(file, cnn);
        Module loaded = ModelIo.load(file);
        loaded.eval();
        Path onnx = dir.resolve("cnn.onnx");
        OnnxExport.write(loaded, new int[] {28, 28, 1}, onnx);
        Tensor x = onnxInput(2, new int[] {28, 28, 1}, 9);
        double err = error(onnxRuntime(Files.readAllBytes(onnx), x), simdnnForward(cnn, x));
        assertTrue(err <= TOLERANCE, "error " + err);
    }

    /** Every exportable layer and hyper-parameter, and both Flatten strategies. */
    @Test
    void everyLayerKindRunsInOnnxRuntime() throws Exception {
        Module convs = new Sequential(
                Conv2d.builder(3, 8).kernel(3).stride(2, 1).pad(2, 1).dilation(2, 1).build(), new PReLU(8), // 9x11 -> 5x11: strided, dilated, padded in H
                Conv2d.builder(8, 8).kernel(3).pad(1).groups(4).build(), new BatchNorm2d(8), new LeakyReLU(0.2f), // grouped
                Conv2d.builder(8, 8).kernel(3).pad(1).groups(8).bias(false).build(), new BatchNorm2d(8).withRelu(), // depthwise
                new MaxPool2d(3, 2, 1), new AvgPool2d(2, 1, 1), new Tanh(), // 3x6, then 4x7
                new Flatten(), new BatchNorm1d(8 * 4 * 7), new PReLU(8 * 4 * 7), new Dropout(0.5f),
                new Linear(8 * 4 * 7, 12), new Sigmoid(), new Linear(12, 5, false));
        agreesWithOnnxRuntime("conv stack", randomized(convs, 11), new int[] {9, 11, 3});
        Module gap = new Sequential(new Conv2d(2, 6, 1, 1, 0), new GlobalAvgPool2d(), new Linear(6, 3));
        agreesWithOnnxRuntime("global pool", randomized(gap, 12), new int[] {5, 4, 2});
        Module flatOut = new Sequential(new Conv2d(2, 3, 3, 1, 1), new Flatten()); // no dense layer: Transpose first
        agreesWithOnnxRuntime("flatten output", randomized(flatOut, 13), new int[] {4, 5, 2});
        Module image = new Sequential(new Conv2d(2, 3, 3, 1, 1), new MaxPool2d(2)); // a 4-d output, NCHW on the ONNX side
        agreesWithOnnxRuntime("image output", randomized(image, 14), new int[] {6, 6, 2});
        Module nested = new Sequential(new Sequential(new Linear(7, 4), new Tanh()), new Linear(4, 2));
        agreesWithOnnxRuntime("nested", randomized(nested, 15), new int[] {7});
    }

    private static List<String> ops(ModelProto m) {
        return m.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList();
    }

    private static String dims(ValueInfoProto v) {
        return v.getType().getTensorType().getShape().getDimList().stream()
                .map(d -> d.hasDimParam() ? d.getDimParam() : Long.toString(d.getDimValue())).toList().toString();
    }

    @Test
    void cnnGraphIsTheModelInOnnxTerms() {
        ModelProto m = OnnxExport.toProto(Models.cnn(1), 28, 28, 1);
        assertEquals(8, m.getIrVersion());
        assertEquals(17, m.getOpsetImport(0).getVersion());
        assertEquals("", m.getOpsetImport(0).getDomain());
        assertEquals(List.of("Conv", "BatchNormalization", "Relu", "Conv", "BatchNormalization", "Relu", "MaxPool",
                "Conv", "BatchNormalization", "Relu", "Conv", "BatchNormalization", "Relu", "MaxPool",
                "Flatten", "Gemm", "Relu", "Gemm"), ops(m), "no Dropout, no Transpose");
        assertEquals("[batch, 1, 28, 28]", dims(m.getGraph().getInput(0)));
        assertEquals("input", m.getGraph().getInput(0).getName());
        assertEquals("[batch, 10]", dims(m.getGraph().getOutput(0)));
        assertEquals("logits", m.getGraph().getOutput(0).getName());
        assertEquals("logits", m.getGraph().getNode(m.getGraph().getNodeCount() - 1).getOutput(0));
        assertEquals(List.of(32L, 1L, 3L, 3L), m.getGraph().getInitializer(0).getDimsList(), "OIHW conv weight");
        assertTrue(m.getGraph().getInitializerList().stream().anyMatch(t -> t.getName().equals("12.weight")
                && t.getDimsList().equals(List.of(256L, 3136L))), "Gemm weight [out, in]");
        assertEquals(List.of("Gemm"), ops(OnnxExport.toProto(PerceptronTrainer.newModel(784, 10), 784)));
        assertEquals(List.of("Gemm", "Relu", "Gemm"), ops(OnnxExport.toProto(Models.mlp(1), 784)));
    }

    @Test
    void unsupportedModelsFailWithTheLayerAndTheList() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OnnxExport.toProto(new Sequential(new Linear(4, 4), new Perceptron(Basis.identity(), 4)), 4));
        assertTrue(e.getMessage().contains("layer 1 (Perceptron") && e.getMessage().contains("supported: Conv2d"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> OnnxExport.toProto(new MulticlassPerceptron(Basis.polynomial(2), 3, 2), 3));
        assertTrue(e.getMessage().contains("identity basis"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OnnxExport.toProto(Models.cnn(1), 784));
        assertTrue(e.getMessage().contains("[1, 784]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OnnxExport.toProto(Models.mlp(1), 28, 28));
        assertTrue(e.getMessage().contains("sample shape [28, 28]"), e.getMessage());
    }

    /** ONNX's own checker (full check: shape inference included), when Debian's python3-onnx is installed. */
    @Test
    void onnxCheckerAcceptsTheExports() throws Exception {
        String py = PythonProbe.find("onnx");
        assumeTrue(py != null, "no python3 with the onnx package (apt-get install python3-onnx)");
        OnnxExport.write(Models.cnn(1), new int[] {28, 28, 1}, dir.resolve("cnn.onnx"));
        OnnxExport.write(Models.mlp(1), new int[] {784}, dir.resolve("mlp.onnx"));
        OnnxExport.write(PerceptronTrainer.newModel(784, 10), new int[] {784}, dir.resolve("perceptron.onnx"));
        Process p = new ProcessBuilder(py, "-c", """
                import onnx, sys
                for f in ['cnn.onnx', 'mlp.onnx', 'perceptron.onnx']:
                    m = onnx.load(f)
                    onnx.checker.check_model(m, full_check=True)
                    out = onnx.shape_inference.infer_shapes(m, strict_mode=True).graph.output[0]
                    print(f, [d.dim_param or d.dim_value for d in out.type.tensor_type.shape.dim])
                """).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertEquals("cnn.onnx ['batch', 10]\nmlp.onnx ['batch', 10]\nperceptron.onnx ['batch', 10]", out.strip());
    }
}
