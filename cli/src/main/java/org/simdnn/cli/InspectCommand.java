package org.simdnn.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.simdnn.onnx.OnnxModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code simdnn inspect}: the plan of an ONNX model after load-time simplification, its parameters and FLOPs. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Print an ONNX model's plan after load-time simplification, its parameters and FLOPs.")
final class InspectCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL.onnx", description = "the ONNX model")
    Path model;

    @Option(names = "--batch", defaultValue = "1", converter = OptionValues.Positive.class, description = "batch size for the FLOP count (default: ${DEFAULT-VALUE})")
    int batch;

    @Override
    public Integer call() {
        OnnxModel m = OnnxModel.load(model);
        System.out.println(model);
        System.out.println("inputs:  " + RunCommand.describe(m.inputs()));
        System.out.println("outputs: " + RunCommand.describe(m.outputs()));
        System.out.print(m.describe());
        if (!m.describe().endsWith("\n")) System.out.println();
        System.out.printf(Locale.ROOT, "parameters: %,d%nFLOPs (batch %d): %,.0f (%.3f GFLOP)%n", m.parameterCount(), batch,
                m.flops(batch), m.flops(batch) / 1e9);
        return 0;
    }
}
