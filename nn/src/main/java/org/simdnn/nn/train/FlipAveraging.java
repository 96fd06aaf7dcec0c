package org.simdnn.nn.train;

import org.simdnn.nn.Module;
import org.simdnn.tensor.Tensor;

/**
 * Test-time augmentation by horizontal flip: the logits of a batch of NHWC images are the mean of the model's
 * logits on the images and on their mirror images (width reversed):
 * <pre>
 *   logits(x) = (f(x) + f(flip(x))) / 2        flip(x)[n, h, w, c] = x[n, h, W-1-w, c]
 * </pre>
 * Two forward passes per batch, no training. The flipped batch and both results live in buffers reused while the
 * batch shape stays (one instance per evaluating thread); {@link #plainLogits()} keeps the first pass's logits
 * {@code f(x)}, so one evaluation gives the accuracy with and without flip averaging.
 */
public final class FlipAveraging {
    private Tensor flipped, first, mean;

    /** Mean of the logits on {@code images} [n, h, w, c] and on their mirror images, in eval mode. */
    public Tensor logits(Module model, Tensor images) {
        if (images.rank() != 4) {
            throw new IllegalArgumentException("flip averaging needs NHWC images [n, h, w, c], got " + images.shapeString());
        }
        Tensor a = model.forward(Models.input(model, images), false).contiguous();
        first = first != null && first.sameShape(a) ? first : Tensor.zeros(a.shape());
        first.copyFrom(a); // the model reuses its output buffer on the next forward
        flipped = flipped != null && flipped.sameShape(images) ? flipped : Tensor.zeros(images.shape());
        flipWidth(images, flipped);
        Tensor b = model.forward(Models.input(model, flipped), false).contiguous();
        mean = mean != null && mean.sameShape(first) ? mean : Tensor.zeros(first.shape());
        float[] f = first.data(), d = b.data(), m = mean.data();
        for (int i = 0, n = first.size(), o = b.offset(); i < n; i++) m[i] = 0.5f * (f[i] + d[o + i]);
        return mean;
    }

    /** The logits of the last {@link #logits} call's unflipped pass, {@code f(x)} (a buffer reused by the next call). */
    public Tensor plainLogits() {
        if (first == null) throw new IllegalStateException("no logits yet");
        return first;
    }

    /** {@code dst[n, h, w, c] = src[n, h, W-1-w, c]}; {@code dst} contiguous, of {@code src}'s shape, not {@code src}. */
    public static void flipWidth(Tensor src, Tensor dst) {
        if (src.rank() != 4 || !src.sameShape(dst) || !dst.isContiguous() || dst.data() == src.data()) {
            throw new IllegalArgumentException("flipWidth needs NHWC src and a separate contiguous dst of its shape, got "
                    + src.shapeString() + " -> " + dst.shapeString());
        }
        Tensor s = src.contiguous();
        int n = s.dim(0), h = s.dim(1), w = s.dim(2), c = s.dim(3);
        float[] x = s.data(), y = dst.data();
        int xo = s.offset(), yo = dst.offset();
        for (int row = 0; row < n * h; row++) {
            int base = row * w * c;
            for (int j = 0; j < w; j++) {
                System.arraycopy(x, xo + base + (w - 1 - j) * c, y, yo + base + j * c, c);
            }
        }
    }
}
