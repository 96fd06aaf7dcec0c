package org.simdnn.nn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.simdnn.ops.BatchNormDesc;
import org.simdnn.tensor.Tensor;

/**
 * Batch normalisation over the last (channel) dim: the input is viewed as {@code [rows, channels]}. Training
 * normalises with the batch statistics and updates the running estimates
 * ({@code running = (1 - momentum) running + momentum batch}, unbiased variance, as PyTorch); eval uses the
 * running estimates. With {@code withRelu()} ({@link BatchNorm1d#withRelu()}, {@link BatchNorm2d#withRelu()}) the
 * backend applies ReLU in the same pass (BN+ReLU fusion).
 * gamma starts at 1, beta at 0, running mean 0, running variance 1; gamma and beta get no weight decay.
 */
public abstract sealed class BatchNorm extends AbstractModule permits BatchNorm1d, BatchNorm2d {
    final int channels;
    float epsilon = 1e-5f, momentum = 0.1f;
    boolean fusedRelu;
    final Parameter gamma, beta;
    final Tensor runningMean, runningVar;
    private final List<Parameter> params;
    private final Tensor saveMean, saveInvStd;
    private BatchNormDesc desc;
    private Tensor x, x2, y, y2, dy, dy2, dx, dx2;
    private boolean trained;

    BatchNorm(int channels, BatchNorm shareFrom) {
        if (channels < 1) throw new IllegalArgumentException("batch norm needs channels >= 1, got " + channels);
        this.channels = channels;
        if (shareFrom == null) {
            Tensor g = Tensor.zeros(channels);
            g.fill(1f);
            gamma = new Parameter("weight", g, false);
            beta = new Parameter("bias", Tensor.zeros(channels), false);
            runningMean = Tensor.zeros(channels);
            runningVar = Tensor.zeros(channels);
            runningVar.fill(1f);
        } else {
            gamma = shareFrom.gamma.sharing();
            beta = shareFrom.beta.sharing();
            runningMean = shareFrom.runningMean;
            runningVar = shareFrom.runningVar;
            epsilon = shareFrom.epsilon;
            momentum = shareFrom.momentum;
            fusedRelu = shareFrom.fusedRelu;
        }
        params = List.of(gamma, beta);
        saveMean = Tensor.zeros(channels);
        saveInvStd = Tensor.zeros(channels);
    }

    /** Expected input rank (2 for BatchNorm1d, 4 for BatchNorm2d). */
    abstract int rank();

    public Parameter gamma() { return gamma; }
    public Parameter beta() { return beta; }
    public Tensor runningMean() { return runningMean; }
    public Tensor runningVar() { return runningVar; }
    public float epsilon() { return epsilon; }
    public float momentum() { return momentum; }
    public boolean fusedRelu() { return fusedRelu; }
    /** The batch mean of the last training forward. */
    public Tensor savedMean() { return saveMean; }
    /** 1 / sqrt(biased batch variance + eps) of the last training forward. */
    public Tensor savedInvStd() { return saveInvStd; }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        x = requireContiguous(x);
        if (x.rank() != rank() || x.dim(rank() - 1) != channels) outputShape(x.shape());
        int rows = x.size() / channels;
        if (desc == null || desc.rows() != rows) desc = new BatchNormDesc(rows, channels, epsilon, momentum, fusedRelu);
        if (x != this.x) {
            this.x = x;
            x2 = x.reshape(rows, channels);
        }
        if (y == null || !sameDims(y, x)) {
            y = reuseLike(y, x);
            y2 = y.reshape(rows, channels);
        }
        if (training) {
            backend().batchNormForwardTraining(desc, x2, gamma.value(), beta.value(), runningMean, runningVar, y2,
                    saveMean, saveInvStd);
        } else {
            backend().batchNormForwardInference(desc, x2, gamma.value(), beta.value(), runningMean, runningVar, y2);
        }
        trained = training;
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        if (x == null || !trained) throw noForward();
        dy = requireContiguous(dy);
        if (dy != this.dy) {
            this.dy = dy;
            dy2 = dy.reshape(desc.rows(), channels);
        }
        if (dx == null || !sameDims(dx, x)) {
            dx = reuseLike(dx, x);
            dx2 = dx.reshape(desc.rows(), channels);
        }
        backend().batchNormBackward(desc, x2, y2, dy2, gamma.value(), saveMean, saveInvStd, dx2, gamma.grad(),
                beta.grad());
        return dx;
    }

    @Override public List<Parameter> parameters() { return params; }

    @Override
    public Map<String, Tensor> buffers() {
        Map<String, Tensor> b = new LinkedHashMap<>();
        b.put("running_mean", runningMean);
        b.put("running_var", runningVar);
        return b;
    }

    @Override
    public int[] outputShape(int[] s) {
        if (s.length != rank() || s[rank() - 1] != channels) {
            throw badInput(s, rank() == 2 ? "[batch, " + channels + "]" : "NHWC [batch, H, W, " + channels + "]");
        }
        return s.clone();
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", getClass().getSimpleName());
        c.put("channels", channels);
        c.put("eps", (double) epsilon);
        c.put("momentum", (double) momentum);
        c.put("relu", fusedRelu);
        return c;
    }

    void configure(float epsilon, float momentum, boolean relu) {
        new BatchNormDesc(1, 1, epsilon, momentum, relu); // validates
        this.epsilon = epsilon;
        this.momentum = momentum;
        this.fusedRelu = relu;
        this.desc = null;
    }

    @Override
    public String name() {
        return getClass().getSimpleName() + "(" + channels + (fusedRelu ? ", +ReLU" : "") + ")";
    }
}
