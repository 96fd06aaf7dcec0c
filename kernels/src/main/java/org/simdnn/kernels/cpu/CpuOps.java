package org.simdnn.kernels.cpu;

import java.util.Arrays;
import org.simdnn.kernels.eltwise.EltSpecies;
import org.simdnn.kernels.eltwise.F32Activation;
import org.simdnn.kernels.eltwise.F32AdamStep;
import org.simdnn.kernels.eltwise.F32Arith;
import org.simdnn.kernels.eltwise.F32BiasAdd;
import org.simdnn.kernels.eltwise.F32Dropout;
import org.simdnn.kernels.eltwise.F32Prelu;
import org.simdnn.kernels.eltwise.F32Reduce;
import org.simdnn.kernels.eltwise.F32SgdStep;
import org.simdnn.kernels.eltwise.F32Softmax;
import org.simdnn.kernels.eltwise.F32SumRows;
import org.simdnn.kernels.norm.F32BatchNormApply;
import org.simdnn.kernels.norm.F32BatchNormBackward;
import org.simdnn.kernels.norm.F32BatchNormStats;
import org.simdnn.kernels.pool.F32AvgPool2d;
import org.simdnn.kernels.pool.F32MaxPool2d;
import org.simdnn.kernels.pool.F32MaxPool2x2;
import org.simdnn.ops.Activation;
import org.simdnn.ops.AdamStep;
import org.simdnn.ops.BatchNormDesc;
import org.simdnn.ops.OpChecks;
import org.simdnn.ops.Pool2dDesc;
import org.simdnn.ops.SgdStep;
import org.simdnn.ops.Tensors;
import org.simdnn.tensor.Tensor;

/**
 * The CPU backend's non-GEMM, non-convolution ops: argument checks (all before any work, naming the op and the
 * shapes), the split into thread ranges, and the call into the kernels of {@code kernels.eltwise},
 * {@code kernels.pool} and {@code kernels.norm}. Memory-bound ops run on one thread below {@link #PAR_MIN}
 * elements (a hand-off costs more than streaming 256 KiB) and on {@link Parallel} above it.
 *
 * <p>Reductions split across threads (batch-norm statistics and backward, PReLU slope gradient, sums, the loss)
 * add one partial per fixed chunk in chunk order, and the chunks depend on the problem size alone: the same
 * inputs give the same bits on every run, for every thread count, and also when the workers are busy and one
 * thread runs every chunk. Element-wise results and the dropout mask never depend on threads. The partials live
 * in per-thread scratch ({@link #partials}, {@link #floats}), so steady-state calls allocate no buffers.
 */
final class CpuOps {
    /** Elements below which an op stays on the calling thread. */
    static final int PAR_MIN = 1 << 16;
    /** Smallest range handed to another thread. */
    static final int GRAIN = 1 << 15;
    /** Most partials of one reduction (so up to this many threads share it); a constant, not the thread count. */
    static final int MAX_CHUNKS = 16;

    /** The caller's partial sums: slot -> chunk -> channel; reused by every call on this thread. */
    private static final ThreadLocal<double[][][]> PARTIALS = ThreadLocal.withInitial(() -> new double[2][0][]);
    /** Float scratch of the thread running a chunk (lane spills, row blocks). */
    private static final ThreadLocal<float[][]> FLOATS = ThreadLocal.withInitial(() -> new float[1][16]);

    private CpuOps() {}

    /** Runs body over [0, n) where one unit is {@code unitSize} elements; parallel only when the op is large. */
    private static void split(int n, int unitSize, Parallel.RangeBody body) {
        if (serial(n, unitSize)) {
            if (n > 0) body.run(0, 0, n);
        } else {
            Parallel.forRange(n, (int) Math.max(1, GRAIN / Math.max(1, unitSize)), body);
        }
    }

    /**
     * Whether {@link #split} would run the whole op on the calling thread. Ops called once per inference step
     * test it first and call their kernel directly: the range body is a capturing lambda, an allocation per call.
     */
    private static boolean serial(int n, int unitSize) {
        return (long) n * Math.max(1, unitSize) < PAR_MIN || n < 2 || Parallel.threads() == 1;
    }

    /** A reduction body over units [from, to) whose result goes to partial slot {@code chunk}. */
    @FunctionalInterface
    interface ChunkBody {
        void run(int chunk, int from, int to);
    }

    /**
     * How many partials a reduction over n units of unitSize elements uses: 1 below the parallel threshold, else
     * one per {@link #GRAIN} elements up to {@link #MAX_CHUNKS}. A function of the size only (not of the thread
     * count), fixed before the work starts, so the partials are summed in the same order on every run.
     */
    private static int chunks(int n, int unitSize) {
        long total = (long) n * Math.max(1, unitSize);
        if (total < PAR_MIN || n < 2) return 1;
        return (int) Math.max(1, Math.min(Math.min(MAX_CHUNKS, n), total / GRAIN));
    }

    /** This thread's partials in {@code slot}: k arrays of at least c doubles, [0, c) zeroed. */
    private static double[][] partials(int slot, int k, int c) {
        double[][][] all = PARTIALS.get();
        double[][] p = all[slot];
        if (p.length < k) {
            double[][] q = new double[Math.max(k, MAX_CHUNKS)][];
            System.arraycopy(p, 0, q, 0, p.length);
            all[slot] = p = q;
        }
        for (int i = 0; i < k; i++) {
            if (p[i] == null || p[i].length < c) p[i] = new double[Math.max(c, 16)];
            else Arrays.fill(p[i], 0, c, 0);
        }
        return p;
    }

    /** The running thread's float scratch, at least n long; contents undefined. */
    private static float[] floats(int n) {
        float[][] h = FLOATS.get();
        if (h[0].length < n) h[0] = new float[Math.max(n, 16)];
        return h[0];
    }

    /**
     * Runs body over [0, n) cut into {@code k} fixed chunks (k from {@link #chunks}). Chunks, not workers, own the
     * partials: {@link Parallel} lets one thread claim several ranges, and which thread runs which range varies
     * from run to run; indexing partials by chunk keeps reductions deterministic for a given thread count.
     */
    private static void splitChunks(int n, int k, ChunkBody body) {
        if (k <= 1) {
            if (n > 0) body.run(0, 0, n);
            return;
        }
        Parallel.forRange(k, 1, (w, c0, c1) -> {
            for (int c = c0; c < c1; c++) body.run(c, (int) ((long) n * c / k), (int) ((long) n * (c + 1) / k));
        });
    }

    // ---- pooling -----------------------------------------------------------------------------------

    static void maxPoolForward(Pool2dDesc d, Tensor x, Tensor y, int[] argmax) {
        OpChecks.maxPoolForward(d, x, y, argmax);
        if (argmax == null) {
            int rows = d.batch() * d.outH(), unit = d.outW() * d.channels() * d.kH() * d.kW();
            if (serial(rows, unit)) {
                F32MaxPool2d.forwardValues(d, x.data(), x.offset(), y.data(), y.offset(), 0, rows);
            } else {
                split(rows, unit, (w, a, b) -> F32MaxPool2d.forwardValues(d, x.data(), x.offset(), y.data(), y.offset(), a, b));
            }
            return;
        }
        if (EltSpecies.F != null && F32MaxPool2x2.applies(d)) {
            split(d.batch() * d.outH(), d.outW() * d.channels() * 4,
                    (w, a, b) -> F32MaxPool2x2.forward(d, x.data(), x.offset(), y.data(), y.offset(), argmax, a, b));
            return;
        }
        split(d.batch() * d.outH(), d.outW() * d.channels() * d.kH() * d.kW(),
                (w, a, b) -> F32MaxPool2d.forward(d, x.data(), x.offset(), y.data(), y.offset(), argmax, a, b));
    }

    /** Inference max pooling (no argmax) in plain Java whatever the vector width: the backend's scalar form. */
    static void maxPoolForwardScalar(Pool2dDesc d, Tensor x, Tensor y) {
        OpChecks.maxPoolForward(d, x, y, null);
        int rows = d.batch() * d.outH(), unit = d.outW() * d.channels() * d.kH() * d.kW();
        if (serial(rows, unit)) {
            F32MaxPool2d.forwardValuesScalar(d, x.data(), x.offset(), y.data(), y.offset(), 0, rows);
        } else {
            split(rows, unit, (w, a, b) -> F32MaxPool2d.forwardValuesScalar(d, x.data(), x.offset(), y.data(), y.offset(), a, b));
        }
    }

    static void maxPoolBackward(Pool2dDesc d, Tensor dy, int[] argmax, Tensor dx) {
        OpChecks.maxPoolBackward(d, dy, argmax, dx);
        int perIn = d.inH() * d.inW() * d.channels();
        if (EltSpecies.F != null && F32MaxPool2x2.applies(d)) {
            split(d.batch(), perIn, (w, a, b) -> F32MaxPool2x2.backward(d, dy.data(), dy.offset(), argmax, dx.data(),
                    dx.offset(), a, b));
            return;
        }
        split(d.batch(), perIn, (w, a, b) -> {
            Arrays.fill(dx.data(), dx.offset() + a * perIn, dx.offset() + b * perIn, 0f);
            F32MaxPool2d.backward(d, dy.data(), dy.offset(), argmax, dx.data(), dx.offset(), a, b);
        });
    }

    static void avgPoolForward(Pool2dDesc d, Tensor x, Tensor y) {
        OpChecks.avgPoolForward(d, x, y);
        int rows = d.batch() * d.outH(), unit = d.outW() * d.channels() * d.kH() * d.kW();
        if (serial(rows, unit)) {
            F32AvgPool2d.forward(d, x.data(), x.offset(), y.data(), y.offset(), 0, rows);
        } else {
            split(rows, unit, (w, a, b) -> F32AvgPool2d.forward(d, x.data(), x.offset(), y.data(), y.offset(), a, b));
        }
    }

    static void avgPoolBackward(Pool2dDesc d, Tensor dy, Tensor dx) {
        OpChecks.avgPoolBackward(d, dy, dx);
        int perIn = d.inH() * d.inW() * d.channels();
        split(d.batch(), perIn, (w, a, b) -> {
            Arrays.fill(dx.data(), dx.offset() + a * perIn, dx.offset() + b * perIn, 0f);
            F32AvgPool2d.backward(d, dy.data(), dy.offset(), dx.data(), dx.offset(), a, b);
        });
    }

    // ---- batch norm --------------------------------------------------------------------------------

    static void batchNormTraining(BatchNormDesc d, Tensor x, Tensor gamma, Tensor beta, Tensor runningMean,
                                  Tensor runningVar, Tensor y, Tensor saveMean, Tensor saveInvStd) {
        OpChecks.batchNormTraining(d, x, gamma, beta, runningMean, runningVar, y, saveMean, saveInvStd);
        int c = d.channels(), rows = d.rows();
        float[] xs = x.data();
        int xo = x.offset();
        float[] shift = Arrays.copyOfRange(xs, xo, xo + c);
        int k = chunks(rows, c);
        double[][] s1 = partials(0, k, c), s2 = partials(1, k, c);
        splitChunks(rows, k, (w, a, b) -> F32BatchNormStats.accumulate(xs, xo, shift, c, a, b, s1[w], s2[w],
                floats(2 * EltSpecies.LANES)));
        float[] scale = new float[c], bias = new float[c], meanF = new float[c];
        float[] g = gamma.data(), be = beta.data(), rm = runningMean.data(), rv = runningVar.data();
        float[] sm = saveMean.data(), si = saveInvStd.data();
        double mom = d.momentum(), unbias = rows > 1 ? (double) rows / (rows - 1) : 1.0;
        for (int j = 0; j < c; j++) {
            double t1 = 0, t2 = 0;
            for (int w = 0; w < k; w++) {
                t1 += s1[w][j];
                t2 += s2[w][j];
            }
            double dm = t1 / rows;
            double mean = shift[j] + dm;
            double var = Math.max(0, t2 / rows - dm * dm);
            if (Double.isNaN(t2)) var = Double.NaN;
            double inv = 1 / Math.sqrt(var + d.epsilon());
            meanF[j] = (float) mean;
            sm[saveMean.offset() + j] = meanF[j];
            si[saveInvStd.offset() + j] = (float) inv;
            rm[runningMean.offset() + j] = (float) ((1 - mom) * rm[runningMean.offset() + j] + mom * mean);
            rv[runningVar.offset() + j] = (float) ((1 - mom) * rv[runningVar.offset() + j] + mom * var * unbias);
            scale[j] = (float) (g[gamma.offset() + j] * inv);
            bias[j] = be[beta.offset() + j];
        }
        split(rows, c, (w, a, b) -> F32BatchNormApply.rows(xs, xo, meanF, scale, bias, y.data(), y.offset(), c, d.fusedRelu(),
                a, b));
    }

    static void batchNormInference(BatchNormDesc d, Tensor x, Tensor gamma, Tensor beta, Tensor runningMean,
                                   Tensor runningVar, Tensor y) {
        OpChecks.batchNormInference(d, x, gamma, beta, runningMean, runningVar, y);
        int c = d.channels();
        float[] scale = new float[c];
        for (int j = 0; j < c; j++) {
            double inv = 1 / Math.sqrt((double) runningVar.data()[runningVar.offset() + j] + d.epsilon());
            scale[j] = (float) (gamma.data()[gamma.offset() + j] * inv);
        }
        float[] mean = Arrays.copyOfRange(runningMean.data(), runningMean.offset(), runningMean.offset() + c);
        float[] bias = Arrays.copyOfRange(beta.data(), beta.offset(), beta.offset() + c);
        split(d.rows(), c, (w, a, b) -> F32BatchNormApply.rows(x.data(), x.offset(), mean, scale, bias, y.data(), y.offset(),
                c, d.fusedRelu(), a, b));
    }

    static void batchNormBackward(BatchNormDesc d, Tensor x, Tensor y, Tensor dy, Tensor gamma, Tensor saveMean,
                                  Tensor saveInvStd, Tensor dx, Tensor dgamma, Tensor dbeta) {
        OpChecks.batchNormBackward(d, x, y, dy, gamma, saveMean, saveInvStd, dx, dgamma, dbeta);
        int c = d.channels(), rows = d.rows();
        boolean relu = d.fusedRelu();
        float[] ys = relu ? y.data() : null;
        int yo = relu ? y.offset() : 0;
        float[] mean = Arrays.copyOfRange(saveMean.data(), saveMean.offset(), saveMean.offset() + c);
        int k = chunks(rows, c);
        double[][] sDy = partials(0, k, c), sDyXc = partials(1, k, c);
        splitChunks(rows, k, (w, a, b) -> F32BatchNormBackward.reduce(x.data(), x.offset(), ys, yo, dy.data(), dy.offset(),
                mean, c, relu, a, b, sDy[w], sDyXc[w], floats(2 * EltSpecies.LANES)));
        float[] ka = new float[c], kb = new float[c], kc = new float[c];
        for (int j = 0; j < c; j++) {
            double t1 = 0, t2 = 0;
            for (int w = 0; w < k; w++) {
                t1 += sDy[w][j];
                t2 += sDyXc[w][j];
            }
            double inv = saveInvStd.data()[saveInvStd.offset() + j];
            double a = gamma.data()[gamma.offset() + j] * inv;
            double b = -a * inv * inv * t2 / rows;
            ka[j] = (float) a;
            kb[j] = (float) b;
            kc[j] = (float) (-a * t1 / rows);
            dgamma.data()[dgamma.offset() + j] = (float) (t2 * inv);
            dbeta.data()[dbeta.offset() + j] = (float) t1;
        }
        split(rows, c, (w, a, b) -> F32BatchNormBackward.apply(x.data(), x.offset(), ys, yo, dy.data(), dy.offset(),
                dx.data(), dx.offset(), mean, ka, kb, kc, c, relu, a, b));
    }

    // ---- activations -------------------------------------------------------------------------------

    static void activationForward(Activation act, float alpha, Tensor x, Tensor y) {
        OpChecks.activationForward(act, x, y);
        split(x.size(), 1, (w, a, b) -> F32Activation.forward(act, alpha, x.data(), x.offset() + a, y.data(),
                y.offset() + a, b - a));
    }

    static void activationBackward(Activation act, float alpha, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        OpChecks.activationBackward(act, x, y, dy, dx);
        float[] xs = x == null ? null : x.data(), ys = y == null ? null : y.data();
        int xo = x == null ? 0 : x.offset(), yo = y == null ? 0 : y.offset();
        split(dy.size(), 1, (w, a, b) -> F32Activation.backward(act, alpha, xs, xo + a, ys, yo + a, dy.data(),
                dy.offset() + a, dx.data(), dx.offset() + a, b - a));
    }

    static void preluForward(Tensor x, Tensor slope, Tensor y) {
        String op = "preluForward";
        Tensors.requireSameShape(op, x, y);
        int c = x.rank() == 0 ? 1 : x.dim(x.rank() - 1);
        Tensors.requireSize(op, "slope", slope, c);
        int rows = c == 0 ? 0 : x.size() / c;
        split(rows, c, (w, a, b) -> F32Prelu.forward(x.data(), x.offset(), slope.data(), slope.offset(), y.data(),
                y.offset(), c, a, b));
    }

    static void preluBackward(Tensor x, Tensor slope, Tensor dy, Tensor dx, Tensor dslope) {
        String op = "preluBackward";
        Tensors.requireSameShape(op, x, dy);
        Tensors.requireSameShape(op, x, dx);
        int c = x.rank() == 0 ? 1 : x.dim(x.rank() - 1);
        Tensors.requireSize(op, "slope", slope, c);
        Tensors.requireSize(op, "dslope", dslope, c);
        int rows = c == 0 ? 0 : x.size() / c;
        int k = chunks(rows, c);
        double[][] acc = partials(0, k, c);
        splitChunks(rows, k, (w, a, b) -> F32Prelu.backward(x.data(), x.offset(), slope.data(), slope.offset(), dy.data(),
                dy.offset(), dx.data(), dx.offset(), c, a, b, acc[w], floats(c)));
        for (int j = 0; j < c; j++) {
            double t = 0;
            for (int w = 0; w < k; w++) t += acc[w][j];
            dslope.data()[dslope.offset() + j] = (float) t;
        }
    }

    // ---- softmax and losses ------------------------------------------------------------------------

    static void softmax(Tensor x, Tensor y) {
        int k = OpChecks.softmax("softmax", x, y);
        split(x.size() / k, k, (w, a, b) -> F32Softmax.softmax(x.data(), x.offset(), y.data(), y.offset(), k, a, b));
    }

    static void logSoftmax(Tensor x, Tensor y) {
        int k = OpChecks.softmax("logSoftmax", x, y);
        split(x.size() / k, k, (w, a, b) -> F32Softmax.logSoftmax(x.data(), x.offset(), y.data(), y.offset(), k, a, b));
    }

    static float softmaxCrossEntropy(Tensor logits, int[] labels, float labelSmoothing, Tensor dlogits) {
        int k = OpChecks.softmaxCrossEntropy(logits, labels, labelSmoothing, dlogits);
        int rows = logits.size() / k;
        float[] dl = dlogits == null ? null : dlogits.data();
        int dlo = dlogits == null ? 0 : dlogits.offset();
        int chunks = chunks(rows, k);
        double[][] part = partials(0, chunks, 1);
        splitChunks(rows, chunks, (w, a, b) -> part[w][0] += F32Softmax.crossEntropy(logits.data(), logits.offset(), labels,
                labelSmoothing, dl, dlo, 1f / rows, k, a, b));
        double t = 0;
        for (int w = 0; w < chunks; w++) t += part[w][0];
        return (float) (t / rows);
    }

    // ---- dropout -----------------------------------------------------------------------------------

    static void dropoutForward(float p, long seed, Tensor x, Tensor y, Tensor mask) {
        String op = "dropoutForward";
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException(op + ": p must be in [0, 1], got " + p);
        Tensors.requireSameShape(op, x, y);
        OpChecks.requireSame(op, "mask", mask, x);
        int thr = F32Dropout.threshold(p);
        float scale = p >= 1 ? 0f : 1f / (1f - p);
        split(x.size(), 1, (w, a, b) -> F32Dropout.forward(seed, thr, scale, x.data(), x.offset(), y.data(), y.offset(),
                mask.data(), mask.offset(), a, b));
    }

    static void dropoutBackward(Tensor dy, Tensor mask, Tensor dx) {
        String op = "dropoutBackward";
        Tensors.requireSameShape(op, dy, dx);
        OpChecks.requireSame(op, "mask", mask, dy);
        mul(op, dy, mask, dx);
    }

    // ---- elementwise and reductions ----------------------------------------------------------------

    static void add(Tensor a, Tensor b, Tensor out) {
        Tensors.requireSameShape("add", a, b);
        Tensors.requireSameShape("add", a, out);
        split(a.size(), 1, (w, f, t) -> F32Arith.add(a.data(), a.offset() + f, b.data(), b.offset() + f, out.data(),
                out.offset() + f, t - f));
    }

    static void mul(Tensor a, Tensor b, Tensor out) {
        mul("mul", a, b, out);
    }

    private static void mul(String op, Tensor a, Tensor b, Tensor out) {
        Tensors.requireSameShape(op, a, b);
        Tensors.requireSameShape(op, a, out);
        split(a.size(), 1, (w, f, t) -> F32Arith.mul(a.data(), a.offset() + f, b.data(), b.offset() + f, out.data(),
                out.offset() + f, t - f));
    }

    static void scale(float alpha, Tensor x, Tensor out) {
        Tensors.requireSameShape("scale", x, out);
        split(x.size(), 1, (w, f, t) -> F32Arith.scale(alpha, x.data(), x.offset() + f, out.data(), out.offset() + f,
                t - f));
    }

    static void axpy(float alpha, Tensor x, Tensor y) {
        Tensors.requireSameShape("axpy", x, y);
        split(x.size(), 1, (w, f, t) -> F32Arith.axpy(alpha, x.data(), x.offset() + f, y.data(), y.offset() + f, t - f));
    }

    static void biasAdd(Tensor bias, Tensor y) {
        String op = "biasAdd";
        Tensors.requireContiguous(op, y);
        if (y.rank() < 1) throw new IllegalArgumentException(op + ": y must have rank >= 1, got " + y.shapeString());
        int c = y.dim(y.rank() - 1);
        Tensors.requireSize(op, "bias (last dim of y " + y.shapeString() + ")", bias, c);
        int rows = c == 0 ? 0 : y.size() / c;
        split(rows, c, (w, a, b) -> F32BiasAdd.rows(bias.data(), bias.offset(), y.data(), y.offset(), c, a, b));
    }

    static void sumRows(Tensor x, Tensor out, float beta) {
        String op = "sumRows";
        Tensors.requireContiguous(op, x, out);
        int c = out.size();
        if (c < 1 || x.size() % c != 0) {
            throw new IllegalArgumentException(op + ": x " + x.shapeString() + " cannot be viewed as [rows, "
                    + out.shapeString() + "]: size " + x.size() + " is not a multiple of " + c);
        }
        int rows = x.size() / c;
        int k = chunks(rows, c);
        double[][] acc = partials(0, k, c);
        splitChunks(rows, k, (w, a, b) -> F32SumRows.accumulate(x.data(), x.offset(), c, a, b, acc[w], floats(c)));
        float[] o = out.data();
        for (int j = 0; j < c; j++) {
            double t = 0;
            for (int w = 0; w < k; w++) t += acc[w][j];
            int idx = out.offset() + j;
            o[idx] = (float) (beta == 0f ? t : t + (double) beta * o[idx]);
        }
    }

    static double sum(Tensor x) {
        Tensors.requireContiguous("sum", x);
        int k = chunks(x.size(), 1);
        double[][] part = partials(0, k, 1);
        splitChunks(x.size(), k, (w, a, b) -> part[w][0] += F32Reduce.sum(x.data(), x.offset() + a, b - a));
        double t = 0;
        for (int w = 0; w < k; w++) t += part[w][0];
        return t;
    }

    static double sumSquares(Tensor x) {
        Tensors.requireContiguous("sumSquares", x);
        int k = chunks(x.size(), 1);
        double[][] part = partials(0, k, 1);
        splitChunks(x.size(), k, (w, a, b) -> part[w][0] += F32Reduce.sumSquares(x.data(), x.offset() + a, b - a));
        double t = 0;
        for (int w = 0; w < k; w++) t += part[w][0];
        return t;
    }

    // ---- optimizers --------------------------------------------------------------------------------

    static void sgdStep(SgdStep s, Tensor w, Tensor grad, Tensor buf) {
        OpChecks.sgdStep(s, w, grad, buf);
        boolean mom = s.momentum() != 0f;
        float[] bs = mom ? buf.data() : null;
        int bo = mom ? buf.offset() : 0;
        split(w.size(), 1, (k, a, b) -> F32SgdStep.step(s, w.data(), w.offset(), grad.data(), grad.offset(), bs, bo, a, b));
    }

    static void adamStep(AdamStep s, Tensor w, Tensor grad, Tensor m, Tensor v) {
        OpChecks.adamStep(s, w, grad, m, v);
        split(w.size(), 1, (k, a, b) -> F32AdamStep.step(s, w.data(), w.offset(), grad.data(), grad.offset(), m.data(),
                m.offset(), v.data(), v.offset(), a, b));
    }
}
