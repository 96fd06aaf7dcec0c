package org.simdnn.nn.data;

import java.util.Arrays;
import org.simdnn.tensor.Layout;
import org.simdnn.tensor.Tensor;

/**
 * Labelled images, NHWC {@code [n, height, width, channels]}, kept as the file's unsigned bytes: a quarter of
 * the memory of floats (47 MB instead of 188 MB for Fashion-MNIST's training set). {@link BatchLoader}
 * normalises into float batches on the fly; {@link #toTensor} gives the whole set as floats when wanted.
 */
public final class Dataset {
    private final String name;
    private final byte[] pixels;
    private final int[] labels;
    private final int n, height, width, channels, classes;

    public Dataset(String name, byte[] pixels, int[] labels, int height, int width, int channels, int classes) {
        int n = labels.length;
        if (height < 1 || width < 1 || channels < 1) {
            throw new IllegalArgumentException(name + ": image size must be positive, got " + height + "x" + width
                    + "x" + channels);
        }
        if ((long) n * height * width * channels != pixels.length) {
            throw new IllegalArgumentException(name + ": " + n + " labels need " + (long) n * height * width * channels
                    + " pixels of " + height + "x" + width + "x" + channels + ", got " + pixels.length);
        }
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException(name + ": label " + labels[i] + " at index " + i
                        + " outside [0, " + classes + ")");
            }
        }
        this.name = name;
        this.pixels = pixels;
        this.labels = labels;
        this.n = n;
        this.height = height;
        this.width = width;
        this.channels = channels;
        this.classes = classes;
    }

    /** Pairs an image file ([n, h, w]) with a label file ([n]); the counts must agree. */
    public static Dataset of(IdxFile images, IdxFile labels, int classes) throws IdxFormatException {
        if (images.rank() != 3 || labels.rank() != 1) {
            throw new IdxFormatException(images.name() + " / " + labels.name() + ": expected images [n, h, w] and labels [n], got "
                    + Arrays.toString(images.dims()) + " and " + Arrays.toString(labels.dims()));
        }
        if (images.dim(0) != labels.dim(0)) {
            throw new IdxFormatException(images.name() + " has " + images.dim(0) + " images but " + labels.name() + " has "
                    + labels.dim(0) + " labels");
        }
        byte[] lb = labels.data();
        int[] l = new int[lb.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = lb[i] & 0xff;
            if (l[i] >= classes) {
                throw new IdxFormatException(labels.name() + ": label " + l[i] + " at index " + i + " outside [0, "
                        + classes + ")");
            }
        }
        return new Dataset(images.name(), images.data(), l, images.dim(1), images.dim(2), 1, classes);
    }

    /** Images [from, to) as a new data set (copies). */
    public Dataset subset(int from, int to) {
        if (from < 0 || to > n || from >= to) {
            throw new IllegalArgumentException("subset [" + from + ", " + to + ") of " + n + " images");
        }
        int px = imageSize();
        return new Dataset(name + "[" + from + ":" + to + "]", Arrays.copyOfRange(pixels, from * px, to * px),
                Arrays.copyOfRange(labels, from, to), height, width, channels, classes);
    }

    /** The whole set as a float NHWC tensor, normalised. */
    public Tensor toTensor(Normalization norm) {
        float[] lut = norm.lookupTable();
        float[] out = new float[pixels.length];
        for (int i = 0; i < out.length; i++) out[i] = lut[pixels[i] & 0xff];
        return Tensor.wrap(out, 0, Layout.NHWC, n, height, width, channels);
    }

    public String name() { return name; }
    public int size() { return n; }
    public int height() { return height; }
    public int width() { return width; }
    public int channels() { return channels; }
    public int classes() { return classes; }
    public int imageSize() { return height * width * channels; }
    public int label(int i) { return labels[i]; }
    /** The raw bytes (shared, not copied): image i is [i*imageSize(), (i+1)*imageSize()). */
    byte[] pixels() { return pixels; }
    int[] labels() { return labels; }

    @Override
    public String toString() { return name + " [" + n + ", " + height + ", " + width + ", " + channels + "]"; }
}
