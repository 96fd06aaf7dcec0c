#!/usr/bin/env python3
"""Writes ConvTiles.java: the unrolled register tiles of the implicit-GEMM convolution.
Run: python3 kernels/codegen/conv_tiles.py"""
from emit import write_java

MR = 8
rows = range(MR)
OUT = "org/simdnn/kernels/conv/ConvTiles.java"


def zero_acc(indent="        "):
    return [f"{indent}FloatVector a{i}0 = FloatVector.zero(F), a{i}1 = FloatVector.zero(F);" for i in rows]


def fma_rows(load, w0="w0", w1="w1", indent="                "):
    """8 broadcasts of A (load(i) is row i's element) against two B vectors, 16 FMAs."""
    L = []
    for i in rows:
        L.append(f"{indent}FloatVector v{i} = FloatVector.broadcast(F, {load(i)});")
        L.append(f"{indent}a{i}0 = v{i}.fma({w0}, a{i}0); a{i}1 = v{i}.fma({w1}, a{i}1);")
    return L


def store_bias():
    L = ["        FloatVector c0 = FloatVector.fromArray(F, bias, bo), c1 = FloatVector.fromArray(F, bias, bo + L);"]
    for i in rows:
        L.append(f"        a{i}0.add(c0).intoArray(out, oo + {i} * ldo); a{i}1.add(c1).intoArray(out, oo + {i} * ldo + L);")
    return L


def accumulate_into(acc="acc"):
    L = []
    for i in rows:
        L.append(f"        FloatVector.fromArray(F, {acc}, ao + {i} * lda).add(a{i}0).intoArray({acc}, ao + {i} * lda);")
        L.append(f"        FloatVector.fromArray(F, {acc}, ao + {i} * lda + L).add(a{i}1).intoArray({acc}, ao + {i} * lda + L);")
    return L


def fwd():
    L = ["    /**",
         "     * Forward tile: 8 output pixels x 2 vectors of output channels. Pixel i reads the padded image at",
         "     * {@code xp[base[p0 + i] + tapOff[t] + c]}; weights are one packed sliver, row {@code r = t·C + c} at",
         "     * {@code w[wo + r·NR]} (a constant stride, so C2 hoists the weight bounds checks and needs no register",
         "     * for a row stride: 150 -> 184 GFLOPS on one Zen 5 core). Stores 8 rows of {@code 2·L} floats",
         "     * (accumulators + bias) to {@code out[oo + i·ldo]}.",
         "     */",
         "    static void fwd8x2v(float[] xp, int[] base, int p0, int[] tapOff, int taps, int C, float[] w, int wo,",
         "                        float[] bias, int bo, float[] out, int oo, int ldo) {"]
    L += zero_acc()
    L.append("        " + " ".join(f"int b{i} = base[p0 + {i}];" for i in rows))
    L.append("        for (int t = 0; t < taps; t++) {")
    L.append("            int to = tapOff[t], wr = wo + t * C * NR;")
    L.append("            " + " ".join(f"int x{i} = b{i} + to;" for i in rows))
    L.append("            for (int c = 0; c < C; c++) {")
    L.append("                FloatVector w0 = FloatVector.fromArray(F, w, wr + c * NR), w1 = FloatVector.fromArray(F, w, wr + c * NR + L);")
    L += fma_rows(lambda i: f"xp[x{i} + c]")
    L.append("            }")
    L.append("        }")
    L += store_bias()
    L.append("    }")
    return L


def fwd_flat():
    L = ["    /**",
         "     * Forward tile for few input channels (the first layer: C = 1): the (tap, c) reduction as one flat loop",
         "     * over {@code r < R = taps·C}, pixel i reading {@code xp[base[p0 + i] + rowOff[r]]}, so a tap does",
         "     * not pay a loop entry for a handful of channels. Weights and stores as {@link #fwd8x2v}.",
         "     */",
         "    static void fwdFlat8x2v(float[] xp, int[] base, int p0, int[] rowOff, int R, float[] w, int wo,",
         "                            float[] bias, int bo, float[] out, int oo, int ldo) {"]
    L += zero_acc()
    L.append("        " + " ".join(f"int b{i} = base[p0 + {i}];" for i in rows))
    L.append("        for (int r = 0; r < R; r++) {")
    L.append("            int ro = rowOff[r];")
    L.append("            FloatVector w0 = FloatVector.fromArray(F, w, wo + r * NR), w1 = FloatVector.fromArray(F, w, wo + r * NR + L);")
    L += fma_rows(lambda i: f"xp[b{i} + ro]", indent="            ")
    L.append("        }")
    L += store_bias()
    L.append("    }")
    return L


def dw():
    L = ["    /**",
         "     * Backward-weights tile: 8 rows of dW (row r = (tap, c), read at image offset {@code rowOff[r0 + i]}) x 2",
         "     * vectors of output channels, reduced over pixels [0, m):",
         "     * {@code acc[ao + i·lda + j] += Σ_p xp[base[p] + rowOff[r0 + i]] · dy[dyo + p·NR + j]}, dY packed as one",
         "     * sliver of NR columns (constant stride: its bounds checks are hoisted). Flattening (tap, c) into rows",
         "     * keeps tiles full for any channel count (one input channel: 9 rows, 2 tiles).",
         "     */",
         "    static void dw8x2v(float[] xp, int[] base, int m, int[] rowOff, int r0, float[] dy, int dyo,",
         "                       float[] acc, int ao, int lda) {"]
    L += zero_acc()
    L.append("        " + " ".join(f"int o{i} = rowOff[r0 + {i}];" for i in rows))
    L.append("        for (int p = 0; p < m; p++) {")
    L.append("            int b = base[p], r = dyo + p * NR;")
    L.append("            FloatVector d0 = FloatVector.fromArray(F, dy, r), d1 = FloatVector.fromArray(F, dy, r + L);")
    L += fma_rows(lambda i: f"xp[b + o{i}]", "d0", "d1", "            ")
    L.append("        }")
    L += accumulate_into()
    L.append("    }")
    return L


def dwt():
    L = ["    /**",
         "     * Backward-weights tile, transposed: 8 output channels (broadcast from dY) x 2 vectors of input channels",
         "     * of one tap, reduced over pixels [0, m):",
         "     * {@code acc[ao + i·lda + j] += Σ_p xp[base[p] + xo + j] · dy[dyo + p·8 + i]}, dY packed in blocks of",
         "     * 8 channels. Per pixel: two contiguous image loads behind one base offset (one bounds check) and",
         "     * eight broadcasts at constant offsets, against eight image broadcasts behind eight checks in",
         "     * {@link #dw8x2v}. Needs the input channels in whole vectors (C a multiple of 2·L).",
         "     */",
         "    static void dwT8x2v(float[] xp, int[] base, int m, int xo, float[] dy, int dyo, float[] acc, int ao,",
         "                        int lda) {"]
    L += zero_acc()
    L.append("        for (int p = 0; p < m; p++) {")
    L.append("            int b = base[p] + xo, r = dyo + p * 8;")
    L.append("            FloatVector x0 = FloatVector.fromArray(F, xp, b), x1 = FloatVector.fromArray(F, xp, b + L);")
    L += fma_rows(lambda i: f"dy[r + {i}]", "x0", "x1", "            ")
    L.append("        }")
    L += accumulate_into()
    L.append("    }")
    return L


HEADER = """package org.simdnn.kernels.conv;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register tiles of the implicit-GEMM convolution ({@code f32-conv-nhwc-8x2v}): 8 pixels (or input
 * channels) by 2 vectors of output channels, 16 accumulators, as generated locals (no vector arrays). The A
 * operand is read straight from a zero-padded NHWC image through per-pixel base offsets (an indirect/implicit
 * GEMM: no im2col buffer); the B operand (weights, or dY for the weight gradient) is packed in slivers of {@code NR = 2·L}
 * columns, zero-padded. Callers own partial tiles (they point {@code out} at a scratch tile).
 */
final class ConvTiles {
    static final VectorSpecies<Float> F = ConvVectors.F;
    static final int L = F.length();
    static final int MR = 8;
    /** Columns of a tile and row stride of packed weight and dY slivers. */
    static final int NR = 2 * L;

    private ConvTiles() {}
"""

if __name__ == "__main__":
    src = HEADER.split("\n") + fwd() + [""] + fwd_flat() + [""] + dw() + [""] + dwt() + ["}", ""]
    write_java(__file__, OUT, "\n".join(src))
