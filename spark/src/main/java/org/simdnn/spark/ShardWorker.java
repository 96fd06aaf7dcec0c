package org.simdnn.spark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.spark.SparkEnv;
import org.simdnn.nn.Dropout;
import org.simdnn.nn.Module;
import org.simdnn.nn.Parameter;
import org.simdnn.nn.Sequential;
import org.simdnn.nn.data.BatchLoader;
import org.simdnn.nn.optim.LrSchedule;
import org.simdnn.nn.optim.Optimizer;
import org.simdnn.nn.train.NonFiniteException;
import org.simdnn.nn.train.SgdTrainer;
import org.simdnn.tensor.Tensor;

/**
 * The executor's side of a training round: a model copy (with nn's {@link SgdTrainer} for the forward and backward
 * pass) and its batch buffer, reused by the tasks of one run on this executor, one task at a time. It loads the
 * round's state, runs the round on its shard's rows and returns the weighted contribution.
 */
final class ShardWorker {
    private final Sequential model;
    private final SgdTrainer trainer;
    private final Optimizer optimizer;
    private final List<Dropout> dropouts = new ArrayList<>();
    private final Map<String, Tensor> parameters = new LinkedHashMap<>(), gradients = new LinkedHashMap<>();
    private final LrSchedule schedule;
    private float[] x;
    private int[] order;
    private int orderPartition = -1, orderEpoch = -1;

    private ShardWorker(TrainingPlan plan) {
        Module m = plan.initial().load();
        if (!(m instanceof Sequential s)) throw new IllegalArgumentException("data-parallel training needs a Sequential, got " + m.name());
        this.model = s;
        this.trainer = new SgdTrainer(s, plan.config(), plan.stepsPerEpoch());
        this.optimizer = plan.averageEvery() > 0 ? plan.optimizer().create(s.parameters()) : null;
        this.schedule = plan.config().schedule(plan.stepsPerEpoch());
        for (Module l : s.layers()) if (l instanceof Dropout d) dropouts.add(d);
        for (Parameter p : s.parameters()) {
            parameters.put(p.name(), p.value());
            gradients.put(p.name(), p.grad());
        }
    }

    /** Runs one round on {@code shard} with a worker of this run borrowed from the executor's cache. */
    static ShardResult run(TrainingPlan plan, RoundState state, Shard shard) {
        VectorApiCheck.require("executor " + SparkEnv.get().executorId());
        ConcurrentLinkedQueue<ShardWorker> idle = ExecutorCache.pool(plan.runId());
        ShardWorker w = idle.poll();
        if (w == null) w = new ShardWorker(plan);
        try {
            return w.round(plan, state, shard);
        } finally {
            idle.add(w);
        }
    }

    private ShardResult round(TrainingPlan plan, RoundState state, Shard shard) {
        int p = shard.partition();
        long rows = 0, roundRows = 0;
        for (int t = state.firstStep(); t < state.firstStep() + state.steps(); t++) {
            rows += plan.batchRows(p, t);
            roundRows += plan.globalBatch(t);
        }
        ShardResult r = ShardResult.empty();
        if (rows == 0) return r;
        state.parameters().copyInto(parameters);
        state.buffers().copyInto(model.buffers());
        for (int i = 0; i < dropouts.size(); i++) dropouts.get(i).setStep(state.dropoutSteps()[i]);
        if (optimizer != null) optimizer.loadState(state.optimizerState().toTensors(), state.globalStep());
        double weight = rows == roundRows ? 1 : (double) rows / roundRows;
        for (int j = 0; j < state.steps(); j++) {
            int t = state.firstStep() + j, n = plan.batchRows(p, t);
            if (n == 0) continue;
            int[] labels = fill(plan, shard, state.epoch(), t, n);
            float loss = trainer.computeGradients(Features.batch(x, n, sampleShape(plan, shard)), labels);
            r.lossSum += (double) loss * n;
            if (optimizer != null) {
                String bad = NamedArrays.of(gradients).firstNonFinite();
                if (bad != null) throw new NonFiniteException("the gradient of " + bad + " is not finite at step "
                        + (state.globalStep() + j) + " on partition " + p, state.globalStep() + j);
                optimizer.setLr((float) schedule.lr(state.globalStep() + j));
                optimizer.step();
            }
        }
        r.rows = rows;
        r.values = NamedArrays.of(optimizer == null ? gradients : parameters).scaledBy(weight);
        r.buffers = NamedArrays.of(model.buffers()).scaledBy(weight);
        r.optimizerState = optimizer == null ? null : NamedArrays.of(optimizer.state()).scaledBy(weight);
        r.dropoutSteps = new long[dropouts.size()];
        for (int i = 0; i < dropouts.size(); i++) r.dropoutSteps[i] = dropouts.get(i).step();
        return r;
    }

    private static int[] sampleShape(TrainingPlan plan, Shard shard) {
        return plan.sampleShape().length > 0 ? plan.sampleShape() : new int[] {shard.width()};
    }

    /** Copies the n rows of step t (in the epoch's order) into the batch buffer; returns their labels. */
    private int[] fill(TrainingPlan plan, Shard shard, int epoch, int t, int n) {
        int p = shard.partition(), width = shard.width();
        if (orderPartition != p || orderEpoch != epoch || order.length != shard.size()) {
            order = new int[shard.size()];
            BatchLoader.epochOrder(order, plan.shuffle(), plan.seed(p), epoch);
            orderPartition = p;
            orderEpoch = epoch;
        }
        int need = plan.localBatch(p) * width;
        if (x == null || x.length < need) x = new float[need];
        int[] labels = new int[n];
        for (int j = 0, from = plan.batchStart(p, t); j < n; j++) {
            int i = order[from + j];
            System.arraycopy(shard.features(), i * width, x, j * width, width);
            labels[j] = shard.labels()[i];
        }
        return labels;
    }
}
