package org.simdnn.nn.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.simdnn.nn.Parameter;
import org.simdnn.nn.Sequential;
import org.simdnn.nn.data.BatchLoader;
import org.simdnn.nn.io.ModelIo;
import org.simdnn.nn.optim.LrSchedule;
import org.simdnn.nn.optim.Sgd;
import org.simdnn.nn.optim.WeightEma;
import org.simdnn.ops.Backend;
import org.simdnn.ops.Backends;
import org.simdnn.tensor.Tensor;

/**
 * Minibatch training of a {@link Sequential} classifier with softmax cross-entropy (optionally label-smoothed)
 * and nn's {@link Sgd} (momentum, Nesterov, weight decay on the parameters that ask for it) driven by an
 * {@link LrSchedule} over the whole run.
 *
 * <p>A checkpoint ({@link #saveCheckpoint}, a {@link ModelIo} checkpoint) holds the whole training state: the
 * parameters, the batch-norm running statistics, the momentum buffers and step count, each dropout layer's step
 * counter (its RNG position) and the epochs done. The loader's order and augmentation derive from (seed, epoch)
 * alone, so {@link #restore} continues a run exactly as if it had not stopped.
 *
 * <p>Evaluation ({@link #evaluate}) follows the recipe: with {@link TrainConfig#emaDecay()} &gt; 0 it takes a
 * {@link WeightEma} of the weights (updated after every step, saved in checkpoints, and the weights of the model
 * file), with {@link TrainConfig#flipAverage()} the mean logits over the images and their mirror images
 * ({@link FlipAveraging}).
 *
 * <p>NaN/Inf guard: every step checks the loss and the gradients before updating the weights; a non-finite
 * value stops training with a {@link NonFiniteException} naming the step and the first layer where it appears,
 * leaving the weights of the last good step (and any checkpoint written before) untouched.
 */
public final class SgdTrainer implements Trainer {
    private final Sequential model;
    private final TrainConfig cfg;
    private final Backend backend;
    private final List<Parameter> params;
    private final Sgd optimizer;
    private final LrSchedule schedule;
    private final int stepsPerEpoch;
    private final WeightEma ema;
    private final FlipAveraging flip;
    private Tensor dlogits;
    private long step;
    private int epochsDone;

    public SgdTrainer(Sequential model, TrainConfig cfg, int stepsPerEpoch, Backend backend) {
        if (stepsPerEpoch < 1) throw new IllegalArgumentException("steps per epoch must be >= 1, got " + stepsPerEpoch);
        this.model = model;
        this.cfg = cfg;
        this.backend = backend;
        this.stepsPerEpoch = stepsPerEpoch;
        model.useBackend(backend);
        this.params = model.parameters();
        this.optimizer = cfg.sgd(params, backend);
        this.schedule = cfg.schedule(stepsPerEpoch);
        this.ema = cfg.emaDecay() > 0 ? new WeightEma(model, cfg.emaDecay(), backend) : null;
        this.flip = cfg.flipAverage() ? new FlipAveraging() : null;
    }

    public SgdTrainer(Sequential model, TrainConfig cfg, int stepsPerEpoch) {
        this(model, cfg, stepsPerEpoch, Backends.get());
    }

    @Override public Sequential model() { return model; }
    public TrainConfig config() { return cfg; }
    @Override public int epochsDone() { return epochsDone; }
    public long steps() { return step; }
    @Override public String metric() { return "loss"; }

    /** One pass over the loader's epoch {@link #epochsDone()}; returns the mean training loss. */
    @Override
    public double trainEpoch(BatchLoader train, ProgressListener progress) {
        int e = epochsDone;
        model.train();
        train.startEpoch(e);
        progress.epochStarted(e, train.batchesPerEpoch(), train.dataset().size());
        double lossSum = 0;
        long seen = 0;
        while (train.hasNext()) {
            BatchLoader.Batch b = train.next();
            float loss = step(b.images(), b.labels());
            lossSum += (double) loss * b.size();
            seen += b.size();
            progress.batchDone(e, b.index(), seen, lossSum / seen);
        }
        requireFiniteParameters("the end of epoch " + (e + 1));
        epochsDone++;
        progress.epochTrained(e);
        return lossSum / Math.max(1, seen);
    }

    /** One optimizer step on a batch; returns its loss. */
    public float step(Tensor images, int[] labels) {
        float loss = computeGradients(images, labels);
        for (Parameter p : params) {
            if (!Double.isFinite(backend.sum(p.grad()))) {
                throw nonFinite("the gradient of parameter " + p.name() + " (layer " + layerOf(p) + ") is not finite", null);
            }
        }
        optimizer.step(schedule);
        if (ema != null) ema.update();
        step++;
        return loss;
    }

    /**
     * Forward and backward on a batch in training mode: leaves the gradients of the batch's mean loss in the
     * parameters and updates nothing else (the step count and the weights stay). Returns the loss; a non-finite loss
     * throws. {@link #step} is this and one optimizer step; a data-parallel trainer calls it on each shard and
     * applies the summed gradients itself.
     */
    public float computeGradients(Tensor images, int[] labels) {
        Tensor x = Models.input(model, images);
        Tensor logits = model.forward(x, true);
        dlogits = dlogits != null && dlogits.sameShape(logits) ? dlogits : Tensor.zeros(logits.shape());
        float loss = backend.softmaxCrossEntropy(logits, labels, cfg.labelSmoothing(), dlogits);
        if (!Float.isFinite(loss)) throw nonFinite("loss is " + loss, x);
        model.backward(dlogits);
        return loss;
    }

    /** Test accuracy of the recipe's evaluation: the EMA weights if any, flip-averaged if asked. */
    @Override
    public double evaluate(BatchLoader test) {
        double[] all = evaluations(test, false);
        return all[0];
    }

    /**
     * The recipe's test accuracy first; with {@code variants}, then the others this run can give, labelled by
     * {@link #variantNames()}: without flip averaging, and from the trained weights instead of the EMA (each
     * variant of the weights costs one more pass over the test set).
     */
    public double[] evaluations(BatchLoader test, boolean variants) {
        boolean useEma = ema != null && ema.updates() > 0;
        double[] averaged = null;
        if (useEma) {
            ema.swap();
            try {
                averaged = Trainer.accuracies(model, test, flip);
            } finally {
                ema.swap();
            }
        }
        double[] raw = !useEma || variants ? Trainer.accuracies(model, test, flip) : null;
        double[] main = useEma ? averaged : raw;
        if (!variants) return new double[] {main[main.length - 1]};
        // recipe first, then: plain images (flip on), trained weights (EMA on), trained weights on plain images
        double[] out = new double[variantNames().size()];
        int i = 0;
        out[i++] = main[main.length - 1];
        if (flip != null) out[i++] = main[0];
        if (useEma) {
            out[i++] = raw[raw.length - 1];
            if (flip != null) out[i++] = raw[0];
        }
        return out;
    }

    /** Labels of {@link #evaluations}'s values after the first. */
    public List<String> variantNames() {
        List<String> names = new java.util.ArrayList<>();
        names.add("recipe");
        if (flip != null) names.add("no flip");
        if (ema != null) {
            names.add("no EMA");
            if (flip != null) names.add("no EMA, no flip");
        }
        return names;
    }

    // ---- NaN/Inf guard ---------------------------------------------------------------------------------

    private NonFiniteException nonFinite(String what, Tensor input) {
        String where = locate(input);
        return new NonFiniteException("non-finite value at step " + step + " (epoch " + (epochsDone + 1) + ", batch "
                + (step - (long) epochsDone * stepsPerEpoch) + "): " + what + where + "; stopped before updating the weights",
                step);
    }

    /** The first parameter, or else the first layer output on {@code input}, that is not finite. */
    private String locate(Tensor input) {
        for (Parameter p : params) {
            if (!Double.isFinite(backend.sum(p.value()))) return "; first non-finite weights: " + p.name() + " in layer " + layerOf(p);
        }
        if (input == null) return "";
        if (!Double.isFinite(backend.sum(input))) return "; the input batch itself is not finite";
        Tensor h = input;
        for (int i = 0; i < model.layers().size(); i++) {
            h = model.layer(i).forward(h, true);
            if (!Double.isFinite(backend.sum(h))) return "; first non-finite output: layer " + i + " " + model.layer(i).name();
        }
        return "; every layer's output is finite (the logits overflow the loss)";
    }

    private void requireFiniteParameters(String when) {
        for (Parameter p : params) {
            if (!Double.isFinite(backend.sum(p.value()))) {
                throw new NonFiniteException("non-finite weights at " + when + " (step " + step + "): parameter " + p.name()
                        + " in layer " + layerOf(p), step);
            }
        }
    }

    private String layerOf(Parameter p) {
        String n = p.name();
        int dot = n.indexOf('.');
        try {
            int i = Integer.parseInt(n.substring(0, dot));
            return i + " " + model.layer(i).name();
        } catch (RuntimeException e) {
            return n;
        }
    }

    // ---- checkpoints ------------------------------------------------------------------------------

    @Override
    public void saveCheckpoint(Path file, Map<String, String> metadata) throws IOException {
        Map<String, Tensor> state = new java.util.LinkedHashMap<>(optimizer.state());
        if (ema != null) ema.state().forEach((k, v) -> state.put(EMA_PREFIX + k, v));
        ModelIo.saveCheckpoint(file, model, state, optimizer.steps(), withPosition(metadata));
    }

    /** With an EMA, the model file holds the averaged weights (what {@link #evaluate} measured). */
    @Override
    public void saveModel(Path file, Map<String, String> metadata) throws IOException {
        boolean swap = ema != null && ema.updates() > 0;
        if (swap) ema.swap();
        try {
            ModelIo.save(file, model, withPosition(metadata));
        } finally {
            if (swap) ema.swap();
        }
    }

    /** Checkpoint key prefix (under the trainer state) of the EMA's averages. */
    static final String EMA_PREFIX = "ema.";

    /** Loads weights, BN statistics, dropout positions, momentum, steps and epochs; everything must fit this model. */
    @Override
    public void restore(ModelIo.Checkpoint c) {
        int epochs = Trainer.epochsDoneIn(c);
        c.copyModelInto(model);
        c.restore(optimizer);
        if (ema != null) {
            Map<String, Tensor> saved = new java.util.LinkedHashMap<>();
            c.optimizerState().forEach((k, v) -> {
                if (k.startsWith(EMA_PREFIX)) saved.put(k.substring(EMA_PREFIX.length()), v);
            });
            ema.loadState(saved);
        }
        step = c.optimizerSteps();
        epochsDone = epochs;
    }
}
