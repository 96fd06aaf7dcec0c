package org.simdnn.nn;

import java.util.Arrays;
import org.simdnn.ops.Backend;
import org.simdnn.ops.Backends;
import org.simdnn.tensor.Layout;
import org.simdnn.tensor.Tensor;

/** Shared plumbing: the backend, the train/eval flag and buffer reuse. */
public abstract class AbstractModule implements Module {
    private Backend backend;
    private boolean training = true;
    /** Set by {@link Sequential#skipInputGradient()} on a first layer: backward may return null. */
    protected boolean skipInputGradient;

    protected final Backend backend() {
        Backend b = backend;
        if (b == null) backend = b = Backends.get();
        return b;
    }

    @Override public void useBackend(Backend backend) { this.backend = backend; }
    @Override public void train() { training = true; }
    @Override public void eval() { training = false; }
    @Override public boolean isTraining() { return training; }

    @Override public String toString() { return name(); }

    /** Copies backend and mode into a weight-sharing copy. */
    protected final <M extends AbstractModule> M sharedCopy(M copy) {
        AbstractModule c = copy;
        c.backend = backend;
        c.training = training;
        return copy;
    }

    /** {@code t} if it already has exactly these dims, else a new zeroed buffer (NHWC-labelled when 4-d). */
    protected static Tensor reuse(Tensor t, int... shape) {
        if (t != null && hasDims(t, shape)) return t;
        return shape.length == 4 ? Tensor.zeros(Layout.NHWC, shape) : Tensor.zeros(shape);
    }

    /** Two-dim {@link #reuse(Tensor, int...)} without the varargs array (called every step). */
    protected static Tensor reuse(Tensor t, int d0, int d1) {
        if (t != null && t.rank() == 2 && t.dim(0) == d0 && t.dim(1) == d1) return t;
        return Tensor.zeros(d0, d1);
    }

    /** Four-dim (NHWC) {@link #reuse(Tensor, int...)} without the varargs array. */
    protected static Tensor reuse(Tensor t, int n, int h, int w, int c) {
        if (t != null && t.rank() == 4 && t.dim(0) == n && t.dim(1) == h && t.dim(2) == w && t.dim(3) == c) return t;
        return Tensor.zeros(Layout.NHWC, n, h, w, c);
    }

    /** A buffer with {@code like}'s dims, reusing {@code t} when it matches. */
    protected static Tensor reuseLike(Tensor t, Tensor like) {
        if (t != null && sameDims(t, like)) return t;
        int[] s = like.shape();
        return s.length == 4 ? Tensor.zeros(Layout.NHWC, s) : Tensor.zeros(s);
    }

    protected static boolean hasDims(Tensor t, int... shape) {
        if (t.rank() != shape.length) return false;
        for (int i = 0; i < shape.length; i++) if (t.dim(i) != shape[i]) return false;
        return true;
    }

    protected static boolean sameDims(Tensor a, Tensor b) {
        if (a.rank() != b.rank()) return false;
        for (int i = 0; i < a.rank(); i++) if (a.dim(i) != b.dim(i)) return false;
        return true;
    }

    /** The error every layer throws for an input it cannot take. */
    protected final IllegalArgumentException badInput(int[] inputShape, String expected) {
        return new IllegalArgumentException(name() + ": input shape " + Arrays.toString(inputShape) + " does not fit; "
                + "expected " + expected);
    }

    protected final IllegalStateException noForward() {
        return new IllegalStateException(name() + ": backward called without a training forward before it");
    }

    protected static Tensor requireContiguous(Tensor x) {
        return x.isContiguous() ? x : x.contiguous();
    }
}
