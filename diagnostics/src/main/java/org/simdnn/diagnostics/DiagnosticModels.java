package org.simdnn.diagnostics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.simdnn.nn.AvgPool2d;
import org.simdnn.nn.Basis;
import org.simdnn.nn.Flatten;
import org.simdnn.nn.Linear;
import org.simdnn.nn.Module;
import org.simdnn.nn.MulticlassPerceptron;
import org.simdnn.nn.ReLU;
import org.simdnn.nn.Sequential;
import org.simdnn.nn.Sigmoid;
import org.simdnn.nn.Tanh;
import org.simdnn.nn.init.Init;
import org.simdnn.nn.train.Models;
import org.simdnn.nn.train.PerceptronTrainer;
import org.simdnn.tensor.Tensor;

/**
 * The models the diagnostics differentiate: the command line's built-in kinds, any loaded {@link Sequential}, the
 * perceptron as the linear softmax classifier over the same weights (its own criterion is piecewise linear, with a
 * Hessian of zero wherever it exists), and small or deep MLPs built for the curvature and vanishing-gradient
 * experiments.
 */
public final class DiagnosticModels {
    private DiagnosticModels() {}

    /** Activations of {@link #mlp}. */
    public static final List<String> ACTIVATIONS = List.of("relu", "tanh", "sigmoid");

    /** {@code cnn}, {@code mlp} (from {@link Models}) or {@code perceptron} (zero weights, as a fresh one starts). */
    public static Sequential builtIn(String kind, long seed) {
        if (kind.equals("perceptron")) return differentiable(PerceptronTrainer.newModel(28 * 28, 10));
        return Models.build(kind, seed);
    }

    /**
     * The perceptron's linear model {@code Linear(pixels -> 10)} with zero weights (where a fresh perceptron starts),
     * on images average-pooled by {@code pool} (1: none): 2x2 pooling brings 7,850 parameters down to 1,970, which
     * the full Hessian handles in seconds.
     */
    public static Sequential perceptron(int imageSide, int pool) {
        Sequential s = mlp(imageSide, pool, new int[0], "relu", 10, 0);
        for (var p : s.parameters()) p.value().fill(0f);
        return s;
    }

    /**
     * A model the diagnostics can differentiate: a {@link Sequential} as it is; a {@link MulticlassPerceptron} on
     * the identity basis as {@code Linear(inputs -> classes)} with its weights (φ(x) = [x, 1]: the last column is
     * the bias); anything else is rejected with its name.
     */
    public static Sequential differentiable(Module m) {
        if (m instanceof Sequential s) return s;
        if (m instanceof MulticlassPerceptron p && p.basis().equals(Basis.identity())) {
            int in = p.inputs(), c = p.classes();
            Linear l = new Linear(in, c);
            Tensor w = p.weight().value().contiguous(); // [classes, in + 1]
            float[] src = w.data(), lw = l.weight().value().data(), lb = l.bias().value().data();
            for (int k = 0; k < c; k++) {
                int row = w.offset() + k * (in + 1);
                for (int i = 0; i < in; i++) lw[l.weight().value().offset() + i * c + k] = src[row + i];
                lb[l.bias().value().offset() + k] = src[row + in];
            }
            return new Sequential(l);
        }
        throw new IllegalArgumentException(m.name() + " cannot be differentiated by the diagnostics (expected a Sequential "
                + "network or a perceptron on the identity basis)");
    }

    /**
     * An MLP {@code inputs -> hidden[0] -> ... -> classes} (no hidden layers: a linear classifier) with {@code activation} after every hidden layer, on
     * images average-pooled by {@code pool} first (1: none), initialised for the activation (He for ReLU, Glorot
     * for tanh and sigmoid), the output layer's weights then scaled by 0.1 so that the logits start small and the
     * loss near ln(classes) (the first check of the checklist).
     *
     * @param imageSide side of the square single-channel input images (28 for Fashion-MNIST)
     */
    public static Sequential mlp(int imageSide, int pool, int[] hidden, String activation, int classes, long seed) {
        if (pool < 1 || imageSide % pool != 0) {
            throw new IllegalArgumentException("pool " + pool + " must be >= 1 and divide the image side " + imageSide);
        }
        if (!ACTIVATIONS.contains(activation)) {
            throw new IllegalArgumentException("unknown activation '" + activation + "'; expected one of " + ACTIVATIONS);
        }
        Init init = activation.equals("relu") ? Init.KAIMING_UNIFORM : Init.XAVIER_UNIFORM;
        List<Module> layers = new ArrayList<>();
        if (pool > 1) {
            layers.add(new AvgPool2d(pool));
            layers.add(new Flatten());
        }
        int in = (imageSide / pool) * (imageSide / pool);
        SplittableRandom rng = new SplittableRandom(seed);
        for (int h : hidden) {
            if (h < 1) throw new IllegalArgumentException("hidden layer widths must be >= 1, got " + h);
            layers.add(new Linear(in, h).init(init, rng.split()));
            layers.add(switch (activation) {
                case "relu" -> new ReLU();
                case "tanh" -> new Tanh();
                default -> new Sigmoid();
            });
            in = h;
        }
        layers.add(new Linear(in, classes).init(init, rng.split()));
        Sequential s = new Sequential(layers);
        if (pool == 1) s.skipInputGradient();
        s.initialize(seed);
        Tensor w = ((Linear) layers.get(layers.size() - 1)).weight().value();
        float[] d = w.data();
        for (int i = 0; i < w.size(); i++) d[w.offset() + i] *= 0.1f;
        return s;
    }

    /** e.g. "784-16-10 relu, pool 2". */
    public static String describeMlp(int imageSide, int pool, int[] hidden, String activation) {
        StringBuilder sb = new StringBuilder().append((imageSide / pool) * (imageSide / pool));
        for (int h : hidden) sb.append('-').append(h);
        return sb.append("-10 ").append(activation).append(pool > 1 ? String.format(Locale.ROOT, " on %dx%d-pooled images", pool, pool) : "").toString();
    }

    /** Whether the model has piecewise-linear units (ReLU, LeakyReLU, PReLU, fused BN+ReLU, max pooling). */
    public static boolean hasKinks(Module m) {
        if (m instanceof Sequential s) return s.layers().stream().anyMatch(DiagnosticModels::hasKinks);
        return m instanceof ReLU || m instanceof org.simdnn.nn.LeakyReLU || m instanceof org.simdnn.nn.PReLU
                || m instanceof org.simdnn.nn.MaxPool2d || Boolean.TRUE.equals(m.config().get("relu"));
    }

    /** Total trainable scalars. */
    public static long parameterCount(Module m) {
        long n = 0;
        for (var p : m.parameters()) n += p.size();
        return n;
    }
}
