package org.simdnn.spark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.simdnn.nn.Dropout;
import org.simdnn.nn.Module;
import org.simdnn.nn.Parameter;
import org.simdnn.nn.Sequential;
import org.simdnn.nn.optim.LrSchedule;
import org.simdnn.nn.optim.Optimizer;
import org.simdnn.nn.train.NonFiniteException;
import org.simdnn.nn.train.TrainConfig;
import org.simdnn.ops.Backends;
import org.simdnn.tensor.Tensor;

/**
 * Data-parallel training of a simdnn {@link Sequential} classifier on a DataFrame of (features, label) rows, with
 * Spark doing all the distribution: the rows stay in their partitions (packed once and cached), the model state is
 * broadcast each round, and the partitions' contributions come back summed by {@code treeAggregate}, as MLlib's
 * own gradient-descent optimisers do. The loss is nn's softmax cross-entropy, the learning-rate schedule the
 * recipe's ({@link TrainConfig#schedule}), the forward and backward pass nn's {@code SgdTrainer}.
 *
 * <ul>
 *   <li><b>Synchronous SGD</b> (the default): every step, each partition computes the gradient of its share of
 *   the global batch; the driver applies the weighted sum (the gradient of the global batch's mean loss) with an
 *   nn optimizer ({@link #optimizer}, by default the recipe's SGD), exactly as a single machine would.
 *   <li><b>Local SGD</b> ({@link #averageEvery}(K)): each partition takes K optimizer steps on its own rows, then
 *   parameters, batch-norm statistics and optimizer state are averaged (weighted by rows), once per K steps.
 * </ul>
 *
 * <p>Batching is {@link TrainingPlan}'s: with one partition the steps see exactly the batches of nn's
 * {@code BatchLoader} for the recipe's seed, so the parameters equal a single-machine {@code SgdTrainer}'s bit for bit.
 * With several partitions the sum's order follows task completion (as in MLlib), so the last bits can differ
 * between runs; batch-norm layers use per-partition batch statistics (no synchronised batch norm).
 */
public final class DataParallelTrainer {
    /** One epoch's mean training loss and wall time on the driver. */
    public record Epoch(int epoch, double loss, double seconds) {}

    private final TrainConfig config;
    private String featuresCol = "features", labelCol = "label";
    private int[] inputShape = new int[0];
    private int averageEvery;
    private int aggregationDepth = 2;
    private boolean shuffle = true;
    private OptimizerFactory optimizer;
    private final List<Epoch> history = new ArrayList<>();

    /** Trains with {@code config}'s epochs, batch size, learning-rate schedule, label smoothing, seed and SGD. */
    public DataParallelTrainer(TrainConfig config) {
        this.config = config;
        this.optimizer = params -> config.sgd(params, Backends.get());
    }

    public DataParallelTrainer featuresCol(String c) { featuresCol = c; return this; }
    public DataParallelTrainer labelCol(String c) { labelCol = c; return this; }
    /** One row's shape, e.g. {@code 28, 28, 1} for NHWC images; by default a flat vector. */
    public DataParallelTrainer inputShape(int... shape) { inputShape = shape.clone(); return this; }
    /** Local SGD: average every K steps (K &gt;= 1); 0 (the default) is synchronous SGD. */
    public DataParallelTrainer averageEvery(int k) {
        if (k < 0) throw new IllegalArgumentException("averaging interval must be >= 0, got " + k);
        averageEvery = k;
        return this;
    }
    /** Another nn optimizer (Adam, AdamW, ...); the learning rate still follows the recipe's schedule. */
    public DataParallelTrainer optimizer(OptimizerFactory f) { optimizer = f; return this; }
    /** Visit the rows in their stored order every epoch (default: shuffled per epoch, as BatchLoader does). */
    public DataParallelTrainer shuffle(boolean s) { shuffle = s; return this; }
    /** Depth of the aggregation tree (MLlib's default 2). */
    public DataParallelTrainer aggregationDepth(int d) {
        if (d < 1) throw new IllegalArgumentException("aggregation depth must be >= 1, got " + d);
        aggregationDepth = d;
        return this;
    }

    /** Mean loss and time of each epoch of the last {@link #fit}. */
    public List<Epoch> history() { return List.copyOf(history); }

    /**
     * Trains {@code model} in place on {@code data}'s feature and label columns for the recipe's epochs and
     * returns it. The label column holds class indices (any numeric type).
     */
    public Sequential fit(Sequential model, Dataset<Row> data) {
        VectorApiCheck.require("driver");
        history.clear();
        Features.column(data.schema(), featuresCol);
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext());
        int width = 1;
        for (int d : inputShape) width *= d;
        int fixedWidth = inputShape.length > 0 ? width : 0;
        JavaRDD<Shard> shards = data.select(featuresCol, labelCol).toJavaRDD()
                .mapPartitionsWithIndex((p, rows) -> List.of(Shard.pack(p, rows, fixedWidth)).iterator(), true)
                .persist(StorageLevel.MEMORY_AND_DISK());
        Broadcast<TrainingPlan> plan = null;
        try {
            int[] sizes = partitionSizes(shards);
            plan = sc.broadcast(new TrainingPlan(UUID.randomUUID().toString(), config, ModelBytes.of(model), inputShape,
                    sizes, shuffle, averageEvery, optimizer));
            train(model, shards, plan);
            return model;
        } finally {
            shards.unpersist(false);
            if (plan != null) plan.destroy();
        }
    }

    /** Rows per partition, after checking that all rows have the same length. */
    private static int[] partitionSizes(JavaRDD<Shard> shards) {
        int[] n = new int[shards.getNumPartitions()];
        int width = -1;
        for (int[] s : shards.map(x -> new int[] {x.partition(), x.size(), x.width()}).collect()) {
            n[s[0]] = s[1];
            if (s[1] == 0) continue;
            if (width >= 0 && s[2] != width) {
                throw new IllegalArgumentException("rows of different lengths: " + width + " and " + s[2]
                        + " features (partition " + s[0] + ")");
            }
            width = s[2];
        }
        return n;
    }

    private void train(Sequential model, JavaRDD<Shard> shards, Broadcast<TrainingPlan> planBc) {
        TrainingPlan plan = planBc.value();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(shards.context());
        List<Parameter> params = model.parameters();
        Map<String, Tensor> values = new LinkedHashMap<>(), grads = new LinkedHashMap<>();
        for (Parameter p : params) {
            values.put(p.name(), p.value());
            grads.put(p.name(), p.grad());
        }
        List<Dropout> dropouts = new ArrayList<>();
        for (Module l : model.layers()) if (l instanceof Dropout d) dropouts.add(d);
        Optimizer opt = optimizer.create(params);
        int steps = plan.stepsPerEpoch();
        LrSchedule schedule = config.schedule(steps);
        int perRound = averageEvery > 0 ? averageEvery : 1;
        for (int e = 0; e < config.epochs(); e++) {
            long t0 = System.nanoTime();
            double lossSum = 0;
            long rows = 0;
            for (int t = 0; t < steps; t += perRound) {
                int k = Math.min(perRound, steps - t);
                long[] counters = new long[dropouts.size()];
                for (int i = 0; i < counters.length; i++) counters[i] = dropouts.get(i).step();
                RoundState state = new RoundState(e, t, k, opt.steps(), NamedArrays.of(values), NamedArrays.of(model.buffers()),
                        counters, averageEvery > 0 ? NamedArrays.of(opt.state()) : null);
                Broadcast<RoundState> bc = sc.broadcast(state);
                ShardResult r;
                try {
                    r = shards.treeAggregate(ShardResult.empty(),
                            (acc, shard) -> acc.merge(ShardWorker.run(planBc.value(), bc.value(), shard)),
                            ShardResult::merge, aggregationDepth);
                } finally {
                    bc.destroy();
                }
                if (r.rows == 0) continue;
                lossSum += r.lossSum;
                rows += r.rows;
                r.buffers.copyInto(model.buffers());
                for (int i = 0; i < counters.length; i++) dropouts.get(i).setStep(r.dropoutSteps[i]);
                String bad = r.values.firstNonFinite();
                if (bad != null) {
                    throw new NonFiniteException("non-finite " + (averageEvery > 0 ? "averaged parameter " : "gradient of ") + bad
                            + " at step " + opt.steps() + " (epoch " + (e + 1) + "); stopped before updating the weights", opt.steps());
                }
                if (averageEvery > 0) {
                    r.values.copyInto(values);
                    opt.loadState(r.optimizerState.toTensors(), opt.steps() + k);
                } else {
                    r.values.copyInto(grads);
                    opt.step(schedule);
                }
            }
            history.add(new Epoch(e, lossSum / Math.max(1, rows), (System.nanoTime() - t0) / 1e9));
        }
    }
}
