package org.simdnn.onnx;

import java.util.Arrays;
import org.simdnn.ops.Backend;
import org.simdnn.ops.Pool2dDesc;
import org.simdnn.tensor.Layout;
import org.simdnn.tensor.Tensor;

/**
 * MaxPool, AveragePool and the global pools on channels-last activations (1-d as height 1). The
 * {@link Backend} runs what its {@link Pool2dDesc} can say; dilations, count_include_pad with padding, and
 * padding as large as the window run in the plain loop here, which follows ONNX Runtime: ceil_mode windows
 * are clipped at the padded edge, and count_include_pad counts padding but not the clipped part.
 */
final class PoolStep extends Step {
    final boolean max;
    final int batch, inH, inW, c, outH, outW, kH, kW, sH, sW, padT, padL, padB, padR, dH, dW;
    final boolean countIncludePad;
    /** Non-null when the backend runs it. */
    final Pool2dDesc desc;

    PoolStep(String op, String node, Value x, Value y, boolean max, int[] in, int[] out, int[] k, int[] s, int[] pads,
             int[] dil, boolean countIncludePad) {
        super(op, node, new Value[] {x}, new Value[] {y});
        this.max = max;
        batch = in[0]; inH = in[1]; inW = in[2]; c = in[3];
        outH = out[0]; outW = out[1];
        kH = k[0]; kW = k[1]; sH = s[0]; sW = s[1];
        padT = pads[0]; padL = pads[1]; padB = pads[2]; padR = pads[3];
        dH = dil[0]; dW = dil[1];
        this.countIncludePad = countIncludePad;
        // Padding the backend would see: the declared pads plus what ceil_mode adds at the bottom/right.
        int extraB = Math.max(0, (outH - 1) * sH + kH - inH - padT - padB);
        int extraR = Math.max(0, (outW - 1) * sW + kW - inW - padL - padR);
        boolean padded = padT + padL + padB + padR + extraB + extraR > 0;
        boolean fits = dH == 1 && dW == 1 && padT < kH && padB + extraB < kH && padL < kW && padR + extraR < kW
                && (max || !countIncludePad || !padded);
        Pool2dDesc d = null;
        if (fits) {
            d = new Pool2dDesc(batch, inH, inW, c, kH, kW, sH, sW, padT, padL, padB + extraB, padR + extraR);
            if (d.outH() != outH || d.outW() != outW) d = null;
        }
        desc = d;
    }

    @Override
    Runnable bind(Binding b) {
        Backend be = b.backend();
        float[] x = b.data(inputs[0]), y = b.data(outputs[0]);
        if (desc != null) {
            Tensor xt = Tensor.wrap(x, 0, Layout.NHWC, desc.inputShape());
            Tensor yt = Tensor.wrap(y, 0, Layout.NHWC, desc.outputShape());
            if (!max) return () -> be.avgPool2dForward(desc, xt, yt);
            return () -> be.maxPool2dForward(desc, xt, yt, null);
        }
        double[] acc = new double[c];
        return () -> loop(x, y, acc);
    }

    private void loop(float[] x, float[] y, double[] acc) {
        for (int n = 0; n < batch; n++) {
            for (int oh = 0; oh < outH; oh++) {
                for (int ow = 0; ow < outW; ow++) {
                    int h0 = oh * sH - padT, w0 = ow * sW - padL;
                    Arrays.fill(acc, max ? Double.NEGATIVE_INFINITY : 0);
                    int valid = 0;
                    for (int i = 0; i < kH; i++) {
                        int h = h0 + i * dH;
                        if (h < 0 || h >= inH) continue;
                        for (int j = 0; j < kW; j++) {
                            int w = w0 + j * dW;
                            if (w < 0 || w >= inW) continue;
                            valid++;
                            int xo = ((n * inH + h) * inW + w) * c;
                            for (int ch = 0; ch < c; ch++) {
                                float v = x[xo + ch];
                                acc[ch] = max ? (v > acc[ch] || Float.isNaN(v) ? v : acc[ch]) : acc[ch] + v;
                            }
                        }
                    }
                    int count = valid;
                    if (countIncludePad) {
                        int hEnd = Math.min(h0 + (kH - 1) * dH + 1, inH + padB), wEnd = Math.min(w0 + (kW - 1) * dW + 1, inW + padR);
                        count = ((hEnd - h0 + dH - 1) / dH) * ((wEnd - w0 + dW - 1) / dW);
                    }
                    int yo = ((n * outH + oh) * outW + ow) * c;
                    for (int ch = 0; ch < c; ch++) y[yo + ch] = (float) (max ? acc[ch] : acc[ch] / Math.max(1, count));
                }
            }
        }
    }

    @Override double flops() { return (double) batch * outH * outW * c * kH * kW; }

    @Override
    String detail() {
        return "k" + kH + "x" + kW + " s" + sH + "x" + sW + " p" + padT + "," + padL + "," + padB + "," + padR
                + (dH * dW > 1 ? " d" + dH + "x" + dW : "") + (countIncludePad ? " count_include_pad" : "");
    }

    @Override String impl() { return desc != null ? org.simdnn.ops.Backends.get().name() : "java loop"; }
}
