#!/usr/bin/env python3
"""Writes PointwiseTiles.java: the register tiles of the prepared 1x1 convolution (PointwiseConv1x1).
Run: python3 kernels/codegen/pointwise_tiles.py"""
from emit import write_java

OUT = "org/simdnn/kernels/conv/PointwiseTiles.java"
# The one list of tiles: (rows MR, output-channel vectors NV). MR x NV accumulators (24 at most) + NV B vectors
# + 1 broadcast fit AVX-512's 32 registers; 8 rows keep the row offsets in general registers (12 rows would take 12 of the 16).
# PointwiseConv1x1 picks NV from the layer's output channels.
TILES = [(8, 1), (8, 2), (8, 3), (6, 4)]


def tile(mr, nv, residual):
    name = f"tile{mr}x{nv}v" + ("Residual" if residual else "")
    what = "clamp(bias[bo + j] + Σ_p a[ai + i·lda + p]·b[bi + p·W + j] + res[ro + i·ldo + j], lo, hi)" if residual \
        else "clamp(bias[bo + j] + Σ_p a[ai + i·lda + p]·b[bi + p·W + j], lo, hi)"
    L = ["    /**",
         f"     * {mr} pixel rows x {nv} vector{'s' if nv > 1 else ''} of output channels: {{@code out[oo + i·ldo + j] =",
         f"     * {what}}} with W = NV·L. A is read in place",
         "     * (NHWC pixel rows), B is a pre-packed panel of W columns, k-major; all NV·L columns are stored.",
         "     */",
         f"    static void {name}(int k, float[] a, int ai, int lda, float[] b, int bi, float[] bias, int bo,",
         ("                           float[] res, int ro, float[] out, int oo, int ldo, float lo, float hi) {" if residual
          else "                           float[] out, int oo, int ldo, float lo, float hi) {"),
         f"        final int W = {nv} * L;"]
    for v in range(nv):
        L.append(f"        FloatVector c{v} = FloatVector.fromArray(F, bias, bo + {v} * L);")
    for i in range(mr):
        L.append("        " + " ".join(f"FloatVector a{i}_{v} = c{v};" for v in range(nv)))
    L.append("        " + " ".join(f"int x{i} = ai + {i} * lda;" for i in range(mr)))
    L.append("        for (int p = 0, q = bi; p < k; p++, q += W) {")
    for v in range(nv):
        L.append(f"            FloatVector b{v} = FloatVector.fromArray(F, b, q + {v} * L);")
    for i in range(mr):
        L.append(f"            FloatVector s{i} = FloatVector.broadcast(F, a[x{i} + p]);")
        L.append("            " + " ".join(f"a{i}_{v} = s{i}.fma(b{v}, a{i}_{v});" for v in range(nv)))
    L.append("        }")
    L.append("        FloatVector vlo = FloatVector.broadcast(F, lo), vhi = FloatVector.broadcast(F, hi);")
    for i in range(mr):
        for v in range(nv):
            o = f"{i} * ldo + {v} * L"
            add = f".add(FloatVector.fromArray(F, res, ro + {o}))" if residual else ""
            L.append(f"        a{i}_{v}{add}.max(vlo).min(vhi).intoArray(out, oo + {o});")
    L.append("    }")
    return L


def main():
    L = ["package org.simdnn.kernels.conv;",
         "",
         "import jdk.incubator.vector.FloatVector;",
         "import jdk.incubator.vector.VectorSpecies;",
         "",
         "/**",
         " * Register tiles of the prepared 1x1 convolution ({@link PointwiseConv1x1}): MR pixel rows x NV vectors of",
         " * output channels, the bias as the accumulators' start, the residual add and the clamp in the store, so the",
         " * output is written once. One broadcast of A per row and k step feeds NV FMAs.",
         " *",
         " * <p>Every tile stores whole vectors, and the residual has a method of its own: with lane masks and both",
         " * epilogues in one method, C1 ran out of virtual registers compiling it, and a method C1 cannot compile at",
         " * its profiling tier can stay in C1's counting tier for good, never reaching C2 (its vectors boxed, about",
         " * 15x slower). The caller runs a panel narrower than its vectors through a scratch tile.",
         " */",
         "final class PointwiseTiles {",
         "    static final VectorSpecies<Float> F = ConvVectors.F;",
         "    static final int L = F.length();",
         "",
         "    private PointwiseTiles() {}",
         "",
         "    /** Rows per tile for NV = 1..4 vectors of output channels. */",
         "    static int rows(int nv) {",
         "        return switch (nv) {"]
    for mr, nv in TILES:
        L.append(f"            case {nv} -> {mr};")
    L += ["            default -> throw new IllegalArgumentException(\"no 1x1 tile with \" + nv + \" vectors\");",
          "        };",
          "    }",
          "",
          "    /**",
          "     * The tile of {@code nv} vectors ({@link #rows} rows), the residual added when {@code res} is not null;",
          "     * arguments as in {@link #tile6x4vResidual}.",
          "     */",
          "    static void tile(int nv, int k, float[] a, int ai, int lda, float[] b, int bi, float[] bias, int bo, float[] res,",
          "                     int ro, float[] out, int oo, int ldo, float lo, float hi) {",
          "        if (res == null) {",
          "            switch (nv) {"]
    for mr, nv in TILES:
        L.append(f"                case {nv} -> tile{mr}x{nv}v(k, a, ai, lda, b, bi, bias, bo, out, oo, ldo, lo, hi);")
    L += ["                default -> throw new IllegalArgumentException(\"no 1x1 tile with \" + nv + \" vectors\");",
          "            }",
          "        } else {",
          "            switch (nv) {"]
    for mr, nv in TILES:
        L.append(f"                case {nv} -> tile{mr}x{nv}vResidual(k, a, ai, lda, b, bi, bias, bo, res, ro, out, oo, ldo, lo, hi);")
    L += ["                default -> throw new IllegalArgumentException(\"no 1x1 tile with \" + nv + \" vectors\");",
          "            }",
          "        }",
          "    }",
          ""]
    for mr, nv in TILES:
        for residual in (False, True):
            L += tile(mr, nv, residual)
            L.append("")
    L[-1] = "}"
    write_java(__file__, OUT, "\n".join(L))


if __name__ == "__main__":
    main()
