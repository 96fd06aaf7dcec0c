package org.simdnn.ops;

import org.simdnn.tensor.Tensor;

/**
 * The op set that nn needs, and nothing more. Every tensor argument must be contiguous (see
 * {@link Tensor#isContiguous()}); image tensors are NHWC. Outputs are overwritten, never accumulated into,
 * unless the method says otherwise. Implementations validate shapes before any work and throw
 * {@link IllegalArgumentException} naming them.
 *
 * <p>Implementations: the CPU backend (Vector API, always present) and the native module's OpenBLAS and CUDA
 * backends through FFM (each available only where its library, or a GPU, is present).
 * A backend that lacks an op returns false from {@link #supports(Op)} and forwards it to the CPU backend,
 * saying so once on stderr.
 */
public interface Backend {

    /** Short name used by {@code -Dsimdnn.backend=} ("cpu", "openblas", "cuda"). */
    String name();

    /** One line: what runs underneath (vector width, library and core type, device). */
    String describe();

    /**
     * This backend's form for the first calls of a process: the same ops, run by kernels that are fast before the
     * JIT has compiled anything. The CPU backend's Vector API kernels run boxed (every vector an object, 100x below
     * their steady state) until C2 compiles them; its scalar form runs the prepared convolutions and GEMMs as plain
     * Java loops, which the interpreter and C1 run well. An ONNX session runs this form until its own plan is warm
     * (docs/inference.md, "Start-up"). The default, and a backend without such a form, returns itself.
     */
    default Backend scalar() { return this; }

    /** Whether this backend runs {@code op} itself (false: it forwards to the CPU backend). */
    default boolean supports(Op op) { return true; }

    // ---- dense algebra --------------------------------------------------------------------------

    /** Row-major BLAS SGEMM: C = alpha * op(A) * op(B) + beta * C; beta == 0 never reads C. */
    void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int offA, int lda,
               float[] b, int offB, int ldb, float beta, float[] c, int offC, int ldc);

    /**
     * The GEMM with B bound: {@code b} holds B {@code [k, n]} row-major, or {@code [n, k]} row-major when
     * {@code transB} (an ONNX Gemm's weights); B and {@code bias} (n floats, may be null) are copied. The default
     * runs {@link #sgemm}, then bias, residual and clamp as a pass; a backend overrides it to lay B out for its
     * kernels once.
     */
    default PreparedGemm prepareGemm(boolean transB, int k, int n, float[] b, int offB, float[] bias, int offBias,
                                     Clamp clamp) {
        OpChecks.gemmWeights(transB, k, n, b, offB, bias, offBias, clamp);
        float[] bc = java.util.Arrays.copyOfRange(b, offB, offB + k * n);
        float[] biasc = bias == null ? null : java.util.Arrays.copyOfRange(bias, offBias, offBias + n);
        Backend self = this;
        return new PreparedGemm() {
            @Override public int k() { return k; }

            @Override public int n() { return n; }

            @Override public String id(int m) { return self.name() + " sgemm"; }

            @Override
            public void forward(int m, float[] a, int offA, float[] residual, int offR, float[] c, int offC) {
                OpChecks.preparedGemm(m, k, n, a, offA, residual, offR, c, offC);
                self.sgemm(false, transB, m, n, k, 1f, a, offA, k, bc, 0, transB ? k : n, 0f, c, offC, n);
                for (int i = 0; i < m; i++) {
                    int ci = offC + i * n;
                    if (biasc != null) for (int j = 0; j < n; j++) c[ci + j] += biasc[j];
                    clamp.apply(c, ci, residual, residual == null ? 0 : offR + i * n, n);
                }
            }
        };
    }

    /** {@code c = a[m,k] * b[k,n]} (or transposed operands) on contiguous rank-2 tensors. */
    default void matmul(Tensor a, boolean transA, Tensor b, boolean transB, Tensor c, float beta) {
        if (a.rank() != 2 || b.rank() != 2 || c.rank() != 2) {
            throw new IllegalArgumentException("matmul needs rank-2 tensors, got " + a.shapeString() + " x "
                    + b.shapeString() + " -> " + c.shapeString());
        }
        int m = transA ? a.dim(1) : a.dim(0), k = transA ? a.dim(0) : a.dim(1);
        int kb = transB ? b.dim(1) : b.dim(0), n = transB ? b.dim(0) : b.dim(1);
        if (k != kb || c.dim(0) != m || c.dim(1) != n) {
            throw new IllegalArgumentException("matmul shapes disagree: " + a.shapeString() + (transA ? "^T" : "")
                    + " x " + b.shapeString() + (transB ? "^T" : "") + " -> " + c.shapeString());
        }
        Tensors.requireContiguous("matmul", a, b, c);
        sgemm(transA, transB, m, n, k, 1f, a.data(), a.offset(), a.dim(1), b.data(), b.offset(), b.dim(1), beta,
                c.data(), c.offset(), n);
    }

    // ---- convolution (NHWC activations, HWIO weights; see Conv2dDesc) ------------------------------

    /** y = conv(x, w) + bias; {@code bias} may be null. */
    void conv2dForward(Conv2dDesc d, Tensor x, Tensor w, Tensor bias, Tensor y);

    /**
     * The forward convolution bound to {@code w} and {@code bias} (copied: later changes to them are not seen),
     * with {@code clamp} applied to its output. The default runs {@link #conv2dForward}, then the residual add
     * and the clamp as passes over the output; a backend overrides it to lay the weights out for its kernel once.
     */
    default PreparedConv2d prepareConv2dForward(Conv2dDesc d, Tensor w, Tensor bias, Clamp clamp) {
        OpChecks.conv2dWeights(d, w, bias, clamp);
        Tensor wc = w.copy(), bc = bias == null ? null : bias.copy();
        Backend self = this;
        return new PreparedConv2d() {
            @Override public Conv2dDesc desc() { return d; }

            @Override public String id() { return self.name(); }

            @Override
            public void forward(Tensor x, Tensor residual, Tensor y) {
                OpChecks.preparedConv2d(d, x, residual, y);
                self.conv2dForward(d, x, wc, bc, y);
                clamp.apply(y.data(), y.offset(), residual == null ? null : residual.data(),
                        residual == null ? 0 : residual.offset(), y.size());
            }
        };
    }

    /**
     * MobileNetV2's inverted-residual block as one op: {@code expand} (a 1x1 convolution, or null for a block
     * without one) then {@code depthwise} (3x3) then {@code project} (1x1), each with its bias and clamp, and with
     * {@code residual} the block's input added to the projection before its clamp. A backend that runs it per band
     * of rows keeps the expanded activations in cache; the default returns null: the caller then runs the three
     * layers one by one. Also null when the backend's kernel does not take these shapes.
     */
    default PreparedBlock prepareInvertedResidual(ConvLayer expand, ConvLayer depthwise, ConvLayer project,
                                                  boolean residual) {
        return null;
    }

    /** dx = dL/dx given dy. */
    void conv2dBackwardData(Conv2dDesc d, Tensor dy, Tensor w, Tensor dx);

    /** dw = dL/dw and (if non-null) dbias = dL/dbias given x and dy. */
    void conv2dBackwardWeights(Conv2dDesc d, Tensor x, Tensor dy, Tensor dw, Tensor dbias);

    // ---- pooling (NHWC) ----------------------------------------------------------------------------

    /**
     * y = max over each window; {@code argmax[i]} receives the flat index into x of y's element i (counted from x's
     * first element, NHWC order). Padding is never selected; ties keep the first element in window order (rows,
     * then columns); a NaN in a window wins (the first one), so NaN propagates. {@code argmax} may be null
     * (inference): only y is written, by {@link Math#max} (so of -0 and +0 the result is +0).
     */
    void maxPool2dForward(Pool2dDesc d, Tensor x, Tensor y, int[] argmax);

    /** dx = scatter of dy through argmax (dx is zeroed first); an argmax outside its image throws (dx is then unspecified). */
    void maxPool2dBackward(Pool2dDesc d, Tensor dy, int[] argmax, Tensor dx);

    void avgPool2dForward(Pool2dDesc d, Tensor x, Tensor y);

    void avgPool2dBackward(Pool2dDesc d, Tensor dy, Tensor dx);

    // ---- batch norm over rows x channels -----------------------------------------------------------

    /**
     * Batch statistics; writes y, saveMean, saveInvStd (= 1 / sqrt(biased var + eps)) and updates the running
     * estimates. x is any contiguous tensor of rows x channels elements with channels as its last dim (NHWC or
     * [N, C]). With rows == 1 the unbiased variance is undefined; the running variance is then updated with the
     * biased one (0).
     */
    void batchNormForwardTraining(BatchNormDesc d, Tensor x, Tensor gamma, Tensor beta, Tensor runningMean,
                                  Tensor runningVar, Tensor y, Tensor saveMean, Tensor saveInvStd);

    /** Running statistics (eval mode). */
    void batchNormForwardInference(BatchNormDesc d, Tensor x, Tensor gamma, Tensor beta, Tensor runningMean,
                                   Tensor runningVar, Tensor y);

    /**
     * dx, dgamma, dbeta from the saved batch statistics; with {@code d.fusedRelu()} y masks dy (dy counts where
     * y > 0); without it y is not read and may be null.
     */
    void batchNormBackward(BatchNormDesc d, Tensor x, Tensor y, Tensor dy, Tensor gamma, Tensor saveMean,
                           Tensor saveInvStd, Tensor dx, Tensor dgamma, Tensor dbeta);

    // ---- activations -------------------------------------------------------------------------------

    void activationForward(Activation act, float alpha, Tensor x, Tensor y);

    /**
     * dx = dy * act'(x); y = act(x) is given too since tanh/sigmoid derive from it. RELU and LEAKY_RELU read only x,
     * TANH and SIGMOID only y, IDENTITY and SIGN neither: the unread one may be null. The derivative at 0 is taken
     * from the left (RELU gives 0); SIGN's gradient is 0 everywhere.
     */
    void activationBackward(Activation act, float alpha, Tensor x, Tensor y, Tensor dy, Tensor dx);

    /** PReLU with one slope per channel (the last dim): y = x > 0 ? x : slope[c] x. */
    void preluForward(Tensor x, Tensor slope, Tensor y);

    /** dx, and dslope (overwritten) summed over all but the channel dim. */
    void preluBackward(Tensor x, Tensor slope, Tensor dy, Tensor dx, Tensor dslope);

    // ---- softmax and losses over [rows, classes] ---------------------------------------------------

    void softmax(Tensor x, Tensor y);

    void logSoftmax(Tensor x, Tensor y);

    /**
     * Mean over rows of the cross-entropy between softmax(logits) and the (label-smoothed) one-hot labels,
     * stable for large logits; if {@code dlogits} is non-null it receives d(mean loss)/d(logits). Classes are the
     * last dim; targets are {@code (1 - s) onehot + s / classes}; labels must lie in [0, classes) and
     * {@code labelSmoothing} in [0, 1], checked before any work.
     */
    float softmaxCrossEntropy(Tensor logits, int[] labels, float labelSmoothing, Tensor dlogits);

    // ---- dropout (inverted) ------------------------------------------------------------------------

    /**
     * y = x * mask where mask is 0 with probability p and 1/(1-p) otherwise, drawn from a counter-based
     * generator keyed by {@code seed}: the same seed gives the same mask on every backend and thread count.
     * Element i (flat index) is dropped iff {@code (hash(seed, i) >>> 8) < round(p 2^24)}, with the 32-bit hash
     * written out in {@code org.simdnn.kernels.eltwise.DropoutHash} so other backends can reproduce it. p must lie
     * in [0, 1]; p = 1 drops everything (mask 0).
     */
    void dropoutForward(float p, long seed, Tensor x, Tensor y, Tensor mask);

    /** dx = dy * mask. */
    void dropoutBackward(Tensor dy, Tensor mask, Tensor dx);

    // ---- elementwise and reductions ----------------------------------------------------------------

    /** out = a + b (same shapes). */
    void add(Tensor a, Tensor b, Tensor out);

    /** out = a * b (same shapes). */
    void mul(Tensor a, Tensor b, Tensor out);

    /** out = alpha * x. */
    void scale(float alpha, Tensor x, Tensor out);

    /** y += alpha * x. */
    void axpy(float alpha, Tensor x, Tensor y);

    /** y[r, c] += bias[c] over the last dim. */
    void biasAdd(Tensor bias, Tensor y);

    /** out[c] = sum over rows of x[r, c] (x viewed as [size/c, c]); beta = 1 accumulates into out. */
    void sumRows(Tensor x, Tensor out, float beta);

    double sum(Tensor x);

    double sumSquares(Tensor x);

    // ---- optimizer updates, one fused pass per parameter -------------------------------------------

    /** See {@link SgdStep} for the rule; {@code momentumBuffer} may be null when momentum is 0. */
    void sgdStep(SgdStep s, Tensor w, Tensor grad, Tensor momentumBuffer);

    /** See {@link AdamStep}. */
    void adamStep(AdamStep s, Tensor w, Tensor grad, Tensor m, Tensor v);
}
