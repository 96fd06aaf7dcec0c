package org.simdnn.kernels.conv;

/**
 * One Winograd F(m x m, 3x3) variant's transforms as {@link WinogradDriver} calls them: {@code weights} once
 * per (input, output) channel pair and call; the data transforms once per block of tiles: {@code input} writes {@code (Bᵀ d B)[ξ]} of each tile's (m+2)x(m+2) window to plane ξ of V (tile p's
 * channels at {@code v[ξ·vs + p·D]}); {@code output} writes {@code Aᵀ M A} (+ bias) of each tile to the NHWC
 * output, dropping rows and columns past it. {@code tmp} is per-thread scratch of {@code planes·L} floats.
 */
interface WinogradTransforms {
    /** Outputs per tile side. */
    int m();

    /** Transformed values per tile: (m + 2)². */
    default int planes() { return (m() + 2) * (m() + 2); }

    /**
     * {@code U = G g Gᵀ} of one 3x3 kernel {@code g} (row-major) into {@code u[at + ξ·js]} for every plane ξ;
     * {@code scratch}: 18 doubles.
     */
    void weights(float[] g, double[] scratch, float[] u, int at, int js);

    /** Float budget of a block's V and M buffers. */
    int blockFloats();

    /**
     * Tiles {@code b0 .. b0 + nb} of a group whose padded images ({@code img} floats apart, {@code Wp} pixels of
     * {@code D} floats a row) sit at {@code xp[xo + ...]} ({@code xo} may be negative where {@code xp} holds only the
     * rows the tiles read); tile {@code b0 + p}'s channels go to {@code v[vo + ξ·vs + p·D]}.
     */
    void input(float[] xp, int xo, int b0, int nb, int T, int tW, int img, int Wp, int D, float[] v, int vo, int vs,
               float[] tmp);

    /**
     * Output channels {@code [k0, k1)} (multiples of the vector length) of tiles {@code b0 .. b0 + nb}: tile
     * {@code b0 + p}'s channel k of plane ξ at {@code m[ξ·ms + p·ldm + k − k0]}; {@code Q} channels per output
     * pixel. Then the epilogue per stored vector: {@code + res[y + rd]} when {@code res} is not null (y an index into
     * {@code out}), clamped to [lo, hi].
     */
    void output(float[] m, int b0, int nb, int T, int tW, int ldm, int ms, int k0, int k1, float[] bias, int bo, int Q,
                float[] out, int oo, int OH, int OW, float[] tmp, float[] res, int rd, float lo, float hi);
}
