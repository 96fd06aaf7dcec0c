package org.simdnn.nn.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.simdnn.nn.Dropout;
import org.simdnn.nn.Module;
import org.simdnn.nn.Parameter;
import org.simdnn.nn.Sequential;
import org.simdnn.nn.data.BatchLoader;
import org.simdnn.nn.optim.LrSchedule;
import org.simdnn.nn.optim.Sgd;
import org.simdnn.ops.Backend;
import org.simdnn.ops.Backends;
import org.simdnn.tensor.Tensor;

/**
 * Minibatch training of a {@link Sequential} classifier with softmax cross-entropy (optionally label-smoothed)
 * and nn's {@link Sgd} (momentum, Nesterov, weight decay on the parameters that ask for it) driven by an
 * {@link LrSchedule} over the whole run.
 *
 * <p>The whole training state is {@link #state()} + {@link #metadata()}: the parameters, the batch-norm running
 * statistics, the momentum buffers, the epochs and steps done and each dropout layer's step counter (its RNG
 * position). The loader's order and augmentation derive from (seed, epoch) alone, so restoring that state with
 * {@link #restore} continues a run exactly as if it had not stopped.
 *
 * <p>NaN/Inf guard: every step checks the loss and the gradients before updating the weights; a non-finite
 * value stops training with a {@link NonFiniteException} naming the step and the first layer where it appears,
 * leaving the weights of the last good step (and any checkpoint written before) untouched.
 */
public final class Trainer {
    private final Sequential model;
    private final TrainConfig cfg;
    private final Backend backend;
    private final List<Parameter> params;
    private final Sgd optimizer;
    private final LrSchedule schedule;
    private final int stepsPerEpoch;
    private final List<Dropout> dropouts = new ArrayList<>();
    private Tensor dlogits;
    private long step;
    private int epochsDone;

    public Trainer(Sequential model, TrainConfig cfg, int stepsPerEpoch, Backend backend) {
        if (stepsPerEpoch < 1) throw new IllegalArgumentException("steps per epoch must be >= 1, got " + stepsPerEpoch);
        this.model = model;
        this.cfg = cfg;
        this.backend = backend;
        this.stepsPerEpoch = stepsPerEpoch;
        model.useBackend(backend);
        this.params = model.parameters();
        this.optimizer = new Sgd(params, cfg.lr(), backend).momentum(cfg.momentum()).nesterov(cfg.nesterov())
                .weightDecay(cfg.weightDecay()).decayAllParameters(cfg.decayAll());
        this.schedule = cfg.schedule(stepsPerEpoch);
        for (Module m : model.layers()) if (m instanceof Dropout d) dropouts.add(d);
    }

    public Trainer(Sequential model, TrainConfig cfg, int stepsPerEpoch) {
        this(model, cfg, stepsPerEpoch, Backends.get());
    }

    public Sequential model() { return model; }
    public TrainConfig config() { return cfg; }
    public int epochsDone() { return epochsDone; }
    public long steps() { return step; }

    /** Trains one epoch (the next one) and evaluates on {@code test}. */
    public EpochStats epoch(BatchLoader train, BatchLoader test, ProgressListener progress) {
        int e = epochsDone;
        long t0 = System.nanoTime();
        double loss = trainEpoch(train, progress);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double acc = accuracy(test);
        return new EpochStats(e, loss, acc, seconds, train.dataset().size() / seconds);
    }

    /** One pass over the loader's epoch {@link #epochsDone()}; returns the mean training loss. */
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
        Tensor x = Models.input(model, images);
        Tensor logits = model.forward(x, true);
        dlogits = dlogits != null && dlogits.sameShape(logits) ? dlogits : Tensor.zeros(logits.shape());
        float loss = backend.softmaxCrossEntropy(logits, labels, cfg.labelSmoothing(), dlogits);
        if (!Float.isFinite(loss)) throw nonFinite("loss is " + loss, x);
        model.backward(dlogits);
        for (Parameter p : params) {
            if (!Double.isFinite(backend.sum(p.grad()))) {
                throw nonFinite("the gradient of parameter " + p.name() + " (layer " + layerOf(p) + ") is not finite", null);
            }
        }
        optimizer.step(schedule);
        step++;
        return loss;
    }

    /** Fraction of the loader's epoch 0 (use an unshuffled loader) classified correctly, in eval mode. */
    public double accuracy(BatchLoader test) {
        return accuracy(model, test);
    }

    /** Accuracy of any classifier (logits or scores [n, classes]) over an unshuffled loader, in eval mode. */
    public static double accuracy(Module model, BatchLoader test) {
        boolean wasTraining = model.isTraining();
        model.eval();
        test.startEpoch(0);
        long correct = 0, n = 0;
        while (test.hasNext()) {
            BatchLoader.Batch b = test.next();
            Tensor logits = model.forward(Models.input(model, b.images()), false).contiguous();
            int classes = logits.dim(1);
            float[] d = logits.data();
            for (int i = 0; i < b.size(); i++) {
                int o = logits.offset() + i * classes, best = 0;
                for (int k = 1; k < classes; k++) if (d[o + k] > d[o + best]) best = k;
                if (best == b.labels()[i]) correct++;
            }
            n += b.size();
        }
        if (wasTraining) model.train();
        return (double) correct / Math.max(1, n);
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

    // ---- state for checkpoints ---------------------------------------------------------------------

    /** Prefix of the optimizer's tensors in a checkpoint. */
    public static final String OPTIM = "optim.";

    /** Parameters and buffers under their model names, the optimizer's state under {@code optim.<its name>}. */
    public Map<String, Tensor> state() {
        Map<String, Tensor> s = ModelFiles.weights(model);
        for (Map.Entry<String, Tensor> e : optimizer.state().entrySet()) s.put(OPTIM + e.getKey(), e.getValue());
        return s;
    }

    /** Counters: epochs and steps done, dropout positions, and the recipe, as strings. */
    public Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("model", cfg.model());
        m.put("epochs_done", Integer.toString(epochsDone));
        m.put("steps_done", Long.toString(step));
        m.put("seed", Long.toString(cfg.seed()));
        StringBuilder d = new StringBuilder();
        for (Dropout x : dropouts) d.append(d.length() == 0 ? "" : ",").append(x.step());
        m.put("dropout_steps", d.toString());
        m.put("recipe", cfg.toString());
        return m;
    }

    /** Loads a state written by {@link #state()} / {@link #metadata()}; every tensor must be present and fit. */
    public void restore(Map<String, Tensor> state, Map<String, String> meta) {
        ModelFiles.copyInto(ModelFiles.weights(model), state);
        epochsDone = Integer.parseInt(meta.getOrDefault("epochs_done", "0"));
        step = Long.parseLong(meta.getOrDefault("steps_done", "0"));
        Map<String, Tensor> opt = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            if (e.getKey().startsWith(OPTIM)) opt.put(e.getKey().substring(OPTIM.length()), e.getValue());
        }
        optimizer.loadState(opt, step);
        String d = meta.getOrDefault("dropout_steps", "");
        String[] parts = d.isEmpty() ? new String[0] : d.split(",");
        if (parts.length != dropouts.size()) {
            throw new IllegalArgumentException("checkpoint has " + parts.length + " dropout counters, the model "
                    + dropouts.size() + " dropout layers");
        }
        for (int i = 0; i < parts.length; i++) dropouts.get(i).setStep(Long.parseLong(parts[i].trim()));
    }
}
