package org.simdnn.nn.data;

import java.util.Arrays;

/**
 * The contents of one IDX file (the MNIST / Fashion-MNIST container): unsigned bytes and their dimensions.
 * Only the unsigned-byte element type (0x08) is accepted, the one both data sets use.
 */
public record IdxFile(String name, int[] dims, byte[] data) {
    public IdxFile {
        long n = 1;
        for (int d : dims) n *= d;
        if (n != data.length) {
            throw new IllegalArgumentException(name + ": dims " + Arrays.toString(dims) + " need " + n + " bytes, got "
                    + data.length);
        }
        dims = dims.clone();
    }

    @Override
    public int[] dims() { return dims.clone(); }

    public int rank() { return dims.length; }

    public int dim(int i) { return dims[i]; }
}
