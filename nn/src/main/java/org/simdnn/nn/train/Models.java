package org.simdnn.nn.train;

import java.util.List;
import java.util.SplittableRandom;
import org.simdnn.nn.BatchNorm2d;
import org.simdnn.nn.Conv2d;
import org.simdnn.nn.Dropout;
import org.simdnn.nn.Flatten;
import org.simdnn.nn.Linear;
import org.simdnn.nn.MaxPool2d;
import org.simdnn.nn.Module;
import org.simdnn.nn.MulticlassPerceptron;
import org.simdnn.nn.ReLU;
import org.simdnn.nn.init.Init;
import org.simdnn.nn.Sequential;
import org.simdnn.tensor.Tensor;

/** The networks of the command line, for 28x28x1 NHWC images and 10 classes. */
public final class Models {
    /** Model names of the command line ({@code perceptron} is nn's MulticlassPerceptron, trained by {@link PerceptronTrainer}). */
    public static final List<String> NAMES = List.of("cnn", "mlp", "perceptron");

    private Models() {}

    /**
     * The reference CNN: conv3x3(1→32)-BN-ReLU, conv3x3(32→32)-BN-ReLU, maxpool 2, conv3x3(32→64)-BN-ReLU,
     * conv3x3(64→64)-BN-ReLU, maxpool 2, flatten, dropout 0.1, linear 3136→256, ReLU, dropout 0.3,
     * linear 256→10. Light dropout because label smoothing and weight decay already regularise a 10-epoch run
     * (docs/training.md). All convolutions pad 1 and have no bias (the batch norm's beta is the bias); BN and
     * ReLU run fused. The dropout seeds derive from {@code seed}.
     *
     * <p>Convolutions and linear layers start as PyTorch's do ({@link Init#TORCH_DEFAULT}: uniform in
     * {@code ±1/sqrt(fanIn)}, linear biases too). He's initialisation draws 2.45x larger weights; behind batch norm
     * the function does not change, but the angular step {@code lr·|g|/|w|} scales with {@code 1/|w|^2}, so the
     * convolutions learn about 6x slower and 10 epochs of weight decay do not undo it (docs/training.md).
     */
    public static Sequential cnn(long seed) {
        return cnn(seed, 0.1f, 0.3f);
    }

    /**
     * {@link #cnn(long)} with other dropout rates after the flatten and after the hidden linear layer (a rate of 0
     * keeps the layer, as the identity, so parameter names stay those of the reference network).
     */
    public static Sequential cnn(long seed, float dropoutFlatten, float dropoutHidden) {
        return cnn(seed, 32, 64, dropoutFlatten, dropoutHidden);
    }

    /**
     * {@link #cnn(long, float, float)} with {@code c1} channels in the first block (the two convolutions at 28x28)
     * and {@code c2} in the second (at 14x14); the reference network is 32, 64. The layers and their parameter
     * names are the reference network's, only the widths change.
     */
    public static Sequential cnn(long seed, int c1, int c2, float dropoutFlatten, float dropoutHidden) {
        if (c1 < 1 || c2 < 1) throw new IllegalArgumentException("cnn channels must be >= 1, got " + c1 + ", " + c2);
        Sequential m = new Sequential(
                conv(1, c1), new BatchNorm2d(c1).withRelu(),
                conv(c1, c1), new BatchNorm2d(c1).withRelu(),
                new MaxPool2d(2),
                conv(c1, c2), new BatchNorm2d(c2).withRelu(),
                conv(c2, c2), new BatchNorm2d(c2).withRelu(),
                new MaxPool2d(2),
                new Flatten(),
                new Dropout(dropoutFlatten, seed * 31 + 1),
                linear(7 * 7 * c2, 256), new ReLU(),
                new Dropout(dropoutHidden, seed * 31 + 2),
                linear(256, 10));
        m.skipInputGradient();
        return m.initialize(seed);
    }

    /**
     * 784-256-ReLU-10. It takes flat [n, 784] input (the trainer flattens the images; see {@link #input}), so the
     * first layer can skip its input gradient: a third of the backward work.
     *
     * <p>The hidden layer is He-initialised (it feeds a ReLU); the output layer starts as PyTorch's does
     * ({@link Init#TORCH_DEFAULT}, as the CNN's), so the logits start small and the loss near ln 10 = 2.30. He's
     * 2.45x larger weights there started it at 3.06: confidently wrong before the first example.
     */
    public static Sequential mlp(long seed) {
        Sequential m = new Sequential(new Linear(784, 256), new ReLU(), linear(256, 10));
        m.skipInputGradient();
        return m.initialize(seed);
    }

    /** {@code cnn} or {@code mlp}, initialised from {@code seed}. */
    public static Sequential build(String name, long seed) {
        return switch (name) {
            case "cnn" -> cnn(seed);
            case "mlp" -> mlp(seed);
            default -> throw new IllegalArgumentException(unknown(name));
        };
    }

    /** The images as the model takes them: NHWC as they are, or flattened to [n, h*w*c] for a dense first layer. */
    public static Tensor input(Module model, Tensor images) {
        Module first = model instanceof Sequential s ? s.layer(0) : model;
        if (first instanceof Linear || first instanceof MulticlassPerceptron) {
            return images.reshape(images.dim(0), images.size() / images.dim(0));
        }
        return images;
    }

    static String unknown(String name) {
        return "unknown model '" + name + "'; expected one of " + NAMES;
    }

    /** 3x3, pad 1, no bias, PyTorch's initialisation (the draws come from {@link Sequential#initialize(long)}). */
    private static Conv2d conv(int in, int out) {
        return Conv2d.builder(in, out).kernel(3).pad(1).bias(false).build().init(Init.TORCH_DEFAULT, new SplittableRandom(0));
    }

    private static Linear linear(int in, int out) {
        return new Linear(in, out).init(Init.TORCH_DEFAULT, new SplittableRandom(0));
    }
}
