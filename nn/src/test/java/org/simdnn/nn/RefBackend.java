package org.simdnn.nn;

import java.util.SplittableRandom;
import org.simdnn.ops.*;
import org.simdnn.tensor.Tensor;

/**
 * A plain scalar Backend (double accumulation) written from the Backend Javadoc, used by nn's tests as an oracle
 * independent of the CPU kernels: every layer test runs on it and on {@code Backends.get()}.
 */
public final class RefBackend implements Backend {
    @Override public String name() { return "nn-test-reference"; }
    @Override public String describe() { return "scalar reference in nn's tests"; }

    private static float[] d(Tensor t) { return t.data(); }

    @Override
    public void sgemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int oa, int lda, float[] b,
                      int ob, int ldb, float beta, float[] c, int oc, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += (double) (ta ? a[oa + p * lda + i] : a[oa + i * lda + p]) * (tb ? b[ob + j * ldb + p] : b[ob + p * ldb + j]);
                }
                int ci = oc + i * ldc + j;
                c[ci] = (float) (beta == 0 ? alpha * s : alpha * s + beta * c[ci]);
            }
        }
    }

    @Override
    public void conv2dForward(Conv2dDesc cd, Tensor x, Tensor w, Tensor bias, Tensor y) {
        int oh = cd.outH(), ow = cd.outW(), icg = cd.inCPerGroup(), ocg = cd.outCPerGroup();
        float[] X = d(x), W = d(w), Y = d(y);
        for (int n = 0; n < cd.batch(); n++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) for (int o = 0; o < cd.outC(); o++) {
            int g = o / ocg;
            double s = bias == null ? 0 : d(bias)[bias.offset() + o];
            for (int kh = 0; kh < cd.kH(); kh++) for (int kw = 0; kw < cd.kW(); kw++) {
                int h = i * cd.strideH() - cd.padTop() + kh * cd.dilationH(), ww = j * cd.strideW() - cd.padLeft() + kw * cd.dilationW();
                if (h < 0 || h >= cd.inH() || ww < 0 || ww >= cd.inW()) continue;
                for (int c = 0; c < icg; c++) {
                    s += (double) X[x.offset() + ((n * cd.inH() + h) * cd.inW() + ww) * cd.inC() + g * icg + c]
                            * W[w.offset() + ((kh * cd.kW() + kw) * icg + c) * cd.outC() + o];
                }
            }
            Y[y.offset() + ((n * oh + i) * ow + j) * cd.outC() + o] = (float) s;
        }
    }

    @Override
    public void conv2dBackwardData(Conv2dDesc cd, Tensor dy, Tensor w, Tensor dx) {
        int oh = cd.outH(), ow = cd.outW(), icg = cd.inCPerGroup(), ocg = cd.outCPerGroup();
        double[] acc = new double[dx.size()];
        float[] DY = d(dy), W = d(w);
        for (int n = 0; n < cd.batch(); n++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) for (int o = 0; o < cd.outC(); o++) {
            int g = o / ocg;
            double gy = DY[dy.offset() + ((n * oh + i) * ow + j) * cd.outC() + o];
            for (int kh = 0; kh < cd.kH(); kh++) for (int kw = 0; kw < cd.kW(); kw++) {
                int h = i * cd.strideH() - cd.padTop() + kh * cd.dilationH(), ww = j * cd.strideW() - cd.padLeft() + kw * cd.dilationW();
                if (h < 0 || h >= cd.inH() || ww < 0 || ww >= cd.inW()) continue;
                for (int c = 0; c < icg; c++) {
                    acc[((n * cd.inH() + h) * cd.inW() + ww) * cd.inC() + g * icg + c] += gy * W[w.offset() + ((kh * cd.kW() + kw) * icg + c) * cd.outC() + o];
                }
            }
        }
        for (int i = 0; i < acc.length; i++) d(dx)[dx.offset() + i] = (float) acc[i];
    }

    @Override
    public void conv2dBackwardWeights(Conv2dDesc cd, Tensor x, Tensor dy, Tensor dw, Tensor dbias) {
        int oh = cd.outH(), ow = cd.outW(), icg = cd.inCPerGroup(), ocg = cd.outCPerGroup();
        double[] acc = new double[dw.size()];
        double[] bacc = new double[cd.outC()];
        float[] DY = d(dy), X = d(x);
        for (int n = 0; n < cd.batch(); n++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) for (int o = 0; o < cd.outC(); o++) {
            int g = o / ocg;
            double gy = DY[dy.offset() + ((n * oh + i) * ow + j) * cd.outC() + o];
            bacc[o] += gy;
            for (int kh = 0; kh < cd.kH(); kh++) for (int kw = 0; kw < cd.kW(); kw++) {
                int h = i * cd.strideH() - cd.padTop() + kh * cd.dilationH(), ww = j * cd.strideW() - cd.padLeft() + kw * cd.dilationW();
                if (h < 0 || h >= cd.inH() || ww < 0 || ww >= cd.inW()) continue;
                for (int c = 0; c < icg; c++) {
                    acc[((kh * cd.kW() + kw) * icg + c) * cd.outC() + o] += gy * X[x.offset() + ((n * cd.inH() + h) * cd.inW() + ww) * cd.inC() + g * icg + c];
                }
            }
        }
        for (int i = 0; i < acc.length; i++) d(dw)[dw.offset() + i] = (float) acc[i];
        if (dbias != null) for (int o = 0; o < bacc.length; o++) d(dbias)[dbias.offset() + o] = (float) bacc[o];
    }

    private interface Window { void visit(int n, int i, int j, int c, int outIdx, int[] inIdx, int count); }

    private static void windows(Pool2dDesc p, Window v) {
        int oh = p.outH(), ow = p.outW();
        int[] idx = new int[p.kH() * p.kW()];
        for (int n = 0; n < p.batch(); n++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) for (int c = 0; c < p.channels(); c++) {
            int cnt = 0;
            for (int kh = 0; kh < p.kH(); kh++) for (int kw = 0; kw < p.kW(); kw++) {
                int h = i * p.strideH() - p.padTop() + kh, w = j * p.strideW() - p.padLeft() + kw;
                if (h < 0 || h >= p.inH() || w < 0 || w >= p.inW()) continue;
                idx[cnt++] = ((n * p.inH() + h) * p.inW() + w) * p.channels() + c;
            }
            v.visit(n, i, j, c, ((n * oh + i) * ow + j) * p.channels() + c, idx, cnt);
        }
    }

    @Override
    public void maxPool2dForward(Pool2dDesc p, Tensor x, Tensor y, int[] argmax) {
        windows(p, (n, i, j, c, o, idx, cnt) -> {
            int best = idx[0];
            for (int q = 1; q < cnt; q++) if (d(x)[x.offset() + idx[q]] > d(x)[x.offset() + best]) best = idx[q];
            d(y)[y.offset() + o] = d(x)[x.offset() + best];
            argmax[o] = best;
        });
    }

    @Override
    public void maxPool2dBackward(Pool2dDesc p, Tensor dy, int[] argmax, Tensor dx) {
        dx.fill(0f);
        for (int o = 0; o < dy.size(); o++) d(dx)[dx.offset() + argmax[o]] += d(dy)[dy.offset() + o];
    }

    @Override
    public void avgPool2dForward(Pool2dDesc p, Tensor x, Tensor y) {
        windows(p, (n, i, j, c, o, idx, cnt) -> {
            double s = 0;
            for (int q = 0; q < cnt; q++) s += d(x)[x.offset() + idx[q]];
            d(y)[y.offset() + o] = (float) (s / cnt);
        });
    }

    @Override
    public void avgPool2dBackward(Pool2dDesc p, Tensor dy, Tensor dx) {
        double[] acc = new double[dx.size()];
        windows(p, (n, i, j, c, o, idx, cnt) -> {
            for (int q = 0; q < cnt; q++) acc[idx[q]] += d(dy)[dy.offset() + o] / (double) cnt;
        });
        for (int i = 0; i < acc.length; i++) d(dx)[dx.offset() + i] = (float) acc[i];
    }

    @Override
    public void batchNormForwardTraining(BatchNormDesc b, Tensor x, Tensor gamma, Tensor beta, Tensor rm, Tensor rv,
                                         Tensor y, Tensor saveMean, Tensor saveInvStd) {
        int R = b.rows(), C = b.channels();
        for (int c = 0; c < C; c++) {
            double mean = 0, var = 0;
            for (int r = 0; r < R; r++) mean += d(x)[x.offset() + r * C + c];
            mean /= R;
            for (int r = 0; r < R; r++) {
                double t = d(x)[x.offset() + r * C + c] - mean;
                var += t * t;
            }
            double unbiased = R > 1 ? var / (R - 1) : var / R;
            var /= R;
            double inv = 1 / Math.sqrt(var + b.epsilon());
            d(saveMean)[saveMean.offset() + c] = (float) mean;
            d(saveInvStd)[saveInvStd.offset() + c] = (float) inv;
            d(rm)[rm.offset() + c] = (float) ((1 - b.momentum()) * d(rm)[rm.offset() + c] + b.momentum() * mean);
            d(rv)[rv.offset() + c] = (float) ((1 - b.momentum()) * d(rv)[rv.offset() + c] + b.momentum() * unbiased);
            for (int r = 0; r < R; r++) {
                double v = (d(x)[x.offset() + r * C + c] - mean) * inv * d(gamma)[gamma.offset() + c] + d(beta)[beta.offset() + c];
                d(y)[y.offset() + r * C + c] = (float) (b.fusedRelu() ? Math.max(0, v) : v);
            }
        }
    }

    @Override
    public void batchNormForwardInference(BatchNormDesc b, Tensor x, Tensor gamma, Tensor beta, Tensor rm, Tensor rv, Tensor y) {
        int R = b.rows(), C = b.channels();
        for (int c = 0; c < C; c++) {
            double inv = 1 / Math.sqrt(d(rv)[rv.offset() + c] + (double) b.epsilon());
            for (int r = 0; r < R; r++) {
                double v = (d(x)[x.offset() + r * C + c] - d(rm)[rm.offset() + c]) * inv * d(gamma)[gamma.offset() + c] + d(beta)[beta.offset() + c];
                d(y)[y.offset() + r * C + c] = (float) (b.fusedRelu() ? Math.max(0, v) : v);
            }
        }
    }

    @Override
    public void batchNormBackward(BatchNormDesc b, Tensor x, Tensor y, Tensor dy, Tensor gamma, Tensor saveMean,
                                  Tensor saveInvStd, Tensor dx, Tensor dgamma, Tensor dbeta) {
        int R = b.rows(), C = b.channels();
        for (int c = 0; c < C; c++) {
            double mean = d(saveMean)[saveMean.offset() + c], inv = d(saveInvStd)[saveInvStd.offset() + c];
            double sg = 0, sgx = 0;
            double[] g = new double[R];
            for (int r = 0; r < R; r++) {
                g[r] = d(dy)[dy.offset() + r * C + c];
                if (b.fusedRelu() && d(y)[y.offset() + r * C + c] <= 0) g[r] = 0;
                double xh = (d(x)[x.offset() + r * C + c] - mean) * inv;
                sg += g[r];
                sgx += g[r] * xh;
            }
            d(dgamma)[dgamma.offset() + c] = (float) sgx;
            d(dbeta)[dbeta.offset() + c] = (float) sg;
            double gm = d(gamma)[gamma.offset() + c];
            for (int r = 0; r < R; r++) {
                double xh = (d(x)[x.offset() + r * C + c] - mean) * inv;
                d(dx)[dx.offset() + r * C + c] = (float) (gm * inv * (g[r] - sg / R - xh * sgx / R));
            }
        }
    }

    private static double act(Activation a, float alpha, double v) {
        return switch (a) {
            case IDENTITY -> v;
            case RELU -> v > 0 ? v : 0;
            case LEAKY_RELU -> v > 0 ? v : alpha * v;
            case TANH -> Math.tanh(v);
            case SIGMOID -> 1 / (1 + Math.exp(-v));
            case SIGN -> v >= 0 ? 1 : -1;
        };
    }

    @Override
    public void activationForward(Activation a, float alpha, Tensor x, Tensor y) {
        for (int i = 0; i < x.size(); i++) d(y)[y.offset() + i] = (float) act(a, alpha, d(x)[x.offset() + i]);
    }

    @Override
    public void activationBackward(Activation a, float alpha, Tensor x, Tensor y, Tensor dy, Tensor dx) {
        for (int i = 0; i < x.size(); i++) {
            double xv = d(x)[x.offset() + i], yv = d(y)[y.offset() + i], g = d(dy)[dy.offset() + i];
            double der = switch (a) {
                case IDENTITY -> 1;
                case RELU -> xv > 0 ? 1 : 0;
                case LEAKY_RELU -> xv > 0 ? 1 : alpha;
                case TANH -> 1 - yv * yv;
                case SIGMOID -> yv * (1 - yv);
                case SIGN -> 0;
            };
            d(dx)[dx.offset() + i] = (float) (g * der);
        }
    }

    @Override
    public void preluForward(Tensor x, Tensor slope, Tensor y) {
        int C = slope.size();
        for (int i = 0; i < x.size(); i++) {
            float v = d(x)[x.offset() + i];
            d(y)[y.offset() + i] = v > 0 ? v : d(slope)[slope.offset() + i % C] * v;
        }
    }

    @Override
    public void preluBackward(Tensor x, Tensor slope, Tensor dy, Tensor dx, Tensor dslope) {
        int C = slope.size();
        double[] ds = new double[C];
        for (int i = 0; i < x.size(); i++) {
            float v = d(x)[x.offset() + i], g = d(dy)[dy.offset() + i];
            d(dx)[dx.offset() + i] = v > 0 ? g : d(slope)[slope.offset() + i % C] * g;
            if (v <= 0) ds[i % C] += (double) g * v;
        }
        for (int c = 0; c < C; c++) d(dslope)[dslope.offset() + c] = (float) ds[c];
    }

    @Override
    public void softmax(Tensor x, Tensor y) {
        int C = x.dim(x.rank() - 1), R = x.size() / C;
        for (int r = 0; r < R; r++) {
            double m = Double.NEGATIVE_INFINITY, s = 0;
            for (int c = 0; c < C; c++) m = Math.max(m, d(x)[x.offset() + r * C + c]);
            for (int c = 0; c < C; c++) s += Math.exp(d(x)[x.offset() + r * C + c] - m);
            for (int c = 0; c < C; c++) d(y)[y.offset() + r * C + c] = (float) (Math.exp(d(x)[x.offset() + r * C + c] - m) / s);
        }
    }

    @Override
    public void logSoftmax(Tensor x, Tensor y) {
        int C = x.dim(x.rank() - 1), R = x.size() / C;
        for (int r = 0; r < R; r++) {
            double m = Double.NEGATIVE_INFINITY, s = 0;
            for (int c = 0; c < C; c++) m = Math.max(m, d(x)[x.offset() + r * C + c]);
            for (int c = 0; c < C; c++) s += Math.exp(d(x)[x.offset() + r * C + c] - m);
            double lse = m + Math.log(s);
            for (int c = 0; c < C; c++) d(y)[y.offset() + r * C + c] = (float) (d(x)[x.offset() + r * C + c] - lse);
        }
    }

    @Override
    public float softmaxCrossEntropy(Tensor logits, int[] labels, float ls, Tensor dlogits) {
        int R = logits.dim(0), C = logits.dim(1);
        double loss = 0;
        for (int r = 0; r < R; r++) {
            double m = Double.NEGATIVE_INFINITY, s = 0;
            for (int c = 0; c < C; c++) m = Math.max(m, d(logits)[logits.offset() + r * C + c]);
            for (int c = 0; c < C; c++) s += Math.exp(d(logits)[logits.offset() + r * C + c] - m);
            double lse = m + Math.log(s);
            for (int c = 0; c < C; c++) {
                double z = d(logits)[logits.offset() + r * C + c];
                double q = (c == labels[r] ? 1 - ls : 0) + ls / C;
                loss -= q * (z - lse);
                if (dlogits != null) d(dlogits)[dlogits.offset() + r * C + c] = (float) ((Math.exp(z - lse) - q) / R);
            }
        }
        return (float) (loss / R);
    }

    @Override
    public void dropoutForward(float p, long seed, Tensor x, Tensor y, Tensor mask) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < x.size(); i++) {
            float m = r.nextDouble() < p ? 0f : 1f / (1 - p);
            d(mask)[mask.offset() + i] = m;
            d(y)[y.offset() + i] = d(x)[x.offset() + i] * m;
        }
    }

    @Override
    public void dropoutBackward(Tensor dy, Tensor mask, Tensor dx) { mul(dy, mask, dx); }

    @Override
    public void add(Tensor a, Tensor b, Tensor out) {
        for (int i = 0; i < a.size(); i++) d(out)[out.offset() + i] = d(a)[a.offset() + i] + d(b)[b.offset() + i];
    }

    @Override
    public void mul(Tensor a, Tensor b, Tensor out) {
        for (int i = 0; i < a.size(); i++) d(out)[out.offset() + i] = d(a)[a.offset() + i] * d(b)[b.offset() + i];
    }

    @Override
    public void scale(float alpha, Tensor x, Tensor out) {
        for (int i = 0; i < x.size(); i++) d(out)[out.offset() + i] = alpha * d(x)[x.offset() + i];
    }

    @Override
    public void axpy(float alpha, Tensor x, Tensor y) {
        for (int i = 0; i < x.size(); i++) d(y)[y.offset() + i] += alpha * d(x)[x.offset() + i];
    }

    @Override
    public void biasAdd(Tensor bias, Tensor y) {
        int C = bias.size();
        for (int i = 0; i < y.size(); i++) d(y)[y.offset() + i] += d(bias)[bias.offset() + i % C];
    }

    @Override
    public void sumRows(Tensor x, Tensor out, float beta) {
        int C = out.size();
        double[] s = new double[C];
        for (int i = 0; i < x.size(); i++) s[i % C] += d(x)[x.offset() + i];
        for (int c = 0; c < C; c++) d(out)[out.offset() + c] = (float) (s[c] + (beta == 0 ? 0 : beta * d(out)[out.offset() + c]));
    }

    @Override
    public double sum(Tensor x) {
        double s = 0;
        for (int i = 0; i < x.size(); i++) s += d(x)[x.offset() + i];
        return s;
    }

    @Override
    public double sumSquares(Tensor x) {
        double s = 0;
        for (int i = 0; i < x.size(); i++) s += (double) d(x)[x.offset() + i] * d(x)[x.offset() + i];
        return s;
    }

    @Override
    public void sgdStep(SgdStep s, Tensor w, Tensor grad, Tensor buf) {
        for (int i = 0; i < w.size(); i++) {
            float wv = d(w)[w.offset() + i];
            float g = d(grad)[grad.offset() + i];
            if (!s.decoupledWeightDecay()) g += s.weightDecay() * wv;
            float dir = g;
            if (s.momentum() != 0) {
                float b = s.firstStep() ? g : s.momentum() * d(buf)[buf.offset() + i] + (1 - s.dampening()) * g;
                d(buf)[buf.offset() + i] = b;
                dir = s.nesterov() ? g + s.momentum() * b : b;
            }
            d(w)[w.offset() + i] = wv - s.lr() * dir - (s.decoupledWeightDecay() ? s.lr() * s.weightDecay() * wv : 0f);
        }
    }

    @Override
    public void adamStep(AdamStep s, Tensor w, Tensor grad, Tensor m, Tensor v) {
        double bc1 = 1 - Math.pow(s.beta1(), s.step()), bc2 = 1 - Math.pow(s.beta2(), s.step());
        for (int i = 0; i < w.size(); i++) {
            double wv = d(w)[w.offset() + i];
            double g = d(grad)[grad.offset() + i] + (s.decoupled() ? 0 : s.weightDecay() * wv);
            double mv = s.beta1() * (double) d(m)[m.offset() + i] + (1 - s.beta1()) * g;
            double vv = s.beta2() * (double) d(v)[v.offset() + i] + (1 - s.beta2()) * g * g;
            d(m)[m.offset() + i] = (float) mv;
            d(v)[v.offset() + i] = (float) vv;
            d(w)[w.offset() + i] = (float) (wv - s.lr() * (mv / bc1) / (Math.sqrt(vv / bc2) + s.epsilon())
                    - (s.decoupled() ? s.lr() * s.weightDecay() * wv : 0));
        }
    }
}
