package org.simdnn.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.simdnn.nn.Module;
import org.simdnn.nn.io.AtomicFiles;
import org.simdnn.nn.io.ModelIo;
import org.simdnn.nn.train.Models;
import org.simdnn.onnx.export.OnnxExport;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code simdnn export}: a model file from {@code simdnn train} as ONNX (opset 17), for any ONNX runtime; or, with
 * {@code --model}, a freshly initialised built-in network (for benchmarks and start-up measurements: untrained).
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a model file from `simdnn train` as ONNX (opset 17, NCHW input 'input', output 'logits').")
final class ExportCommand implements Callable<Integer> {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--model-file", required = true, description = "model (or checkpoint) file from simdnn train")
        Path modelFile;

        @Option(names = "--model", required = true, paramLabel = "NAME",
                description = "cnn or mlp, freshly initialised from --seed (untrained: for benchmarks and start-up tests)")
        String model;
    }

    @Option(names = "--seed", defaultValue = "42", description = "seed of --model's initialisation (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--onnx", required = true, description = "the ONNX file to write (atomically)")
    Path onnx;

    @Option(names = "--image-size", defaultValue = "28", converter = OptionValues.ImageSize.class,
            description = "height and width of a convolutional model's input images (default: ${DEFAULT-VALUE})")
    int imageSize;

    @Override
    public Integer call() throws IOException {
        AtomicFiles.checkWritable(onnx);
        Module model = source.modelFile != null ? ModelIo.load(source.modelFile) : Models.build(source.model, seed);
        model.eval();
        int[] sample = OnnxExport.sampleShape(model, imageSize, imageSize);
        OnnxExport.write(model, sample, onnx);
        System.out.println("wrote " + onnx + " (ONNX opset " + OnnxExport.OPSET + "): " + model.name() + ", input '"
                + OnnxExport.INPUT + "' " + OnnxExport.inputShape(sample) + ", output '" + OnnxExport.OUTPUT + "'");
        return 0;
    }
}
