#!/usr/bin/env python3
"""Writes DepthwiseTiles3x3.java: the unrolled register tiles of the 3x3 depthwise convolution.
Run: python3 kernels/codegen/depthwise_tiles.py"""
from emit import write_java

P = 8  # output pixels per tile
OUT = "org/simdnn/kernels/conv/DepthwiseTiles3x3.java"
TAPS = [(kh, kw) for kh in range(3) for kw in range(3)]


def load(arr, idx):
    return f"FloatVector.fromArray(F, {arr}, {idx})"


def fwd(s, direct=False):
    """Forward tile of stride s over blocked ring rows, or (direct) straight from NHWC rows at pixel stride ps."""
    span = (P - 1) * s + 3  # input vectors per kernel row for P outputs
    name = f"fwd3x3s{s}" + ("Direct" if direct else "")
    if direct:
        idx = lambda kh, j: f"q{kh} + {j} * ps" if j else f"q{kh}"
        src = ("     * input row straight from NHWC: pixel p of kernel row kh at {@code x[r<kh> + p·ps]} (p = ow·"
               f"{s} + kw, ps the pixel\n     * stride C, r<kh> the row's column 0 less the left padding); each of the {span} input vectors of a tile is\n")
        xargs = "float[] x, int r0, int r1, int r2, int ps"
        start = "     * Runs pixels [ow, n), which must need no padding (C in whole vectors: no copy into a ring).\n"
    else:
        idx = lambda kh, j: f"r{kh} + ow * ({s} * L) + {j} * L"
        src = ("     * input row at {@code x[r<kh> + p·L]}"
               f" (pixel p = ow·{s} + kw); each of the {span} input vectors of a tile is\n")
        xargs = "float[] x, int r0, int r1, int r2"
        start = ""
    owarg = ", int ow" if direct else ""
    L = ["    /**",
         f"     * Forward, stride {s}: {P} output pixels x 1 channel vector per tile. Kernel row kh reads the"
         + (" blocked padded" if not direct else ""),
         src.rstrip("\n"),
         "     * loaded once and feeds every output it touches (sliding window). The 9 tap weights ({@code w[wo + t·L]})",
         "     * and the bias stay in registers for the whole row; pixel ow is stored clamped to [lo, hi] at",
         "     * {@code out[oo + ow·os]} (the fused Clip/ReLU; ±∞ for none).",
         ]
    if start:
        L.append(start.rstrip("\n"))
    L += [f"     * Returns the first pixel not done ({{@code n − (n − ow) mod {P}}}{'' if direct else ', ow = 0'}); {{@link #{name}Tail}} does the rest (kept apart so",
         "     * the tile stays small enough for C1 and a first tail does not deoptimise it).",
         "     */",
         f"    static int {name}({xargs}, float[] w, int wo, float[] b, int bo, float lo,",
         f"                          float hi, float[] out, int oo, int os{owarg}, int n) {{"]
    for kh, kw in TAPS:
        L.append(f"        FloatVector w{kh}{kw} = {load('w', f'wo + {kh * 3 + kw} * L')};")
    L.append(f"        FloatVector bias = {load('b', 'bo')};")
    L.append("        FloatVector vlo = FloatVector.broadcast(F, lo), vhi = FloatVector.broadcast(F, hi);")
    if not direct:
        L.append("        int ow = 0;")
    L.append(f"        for (; ow <= n - {P}; ow += {P}) {{")
    L.append("            " + " ".join(f"FloatVector a{i} = bias;" for i in range(P)))
    if direct:
        L.append(f"            int step = ow * ({s} * ps), q0 = r0 + step, q1 = r1 + step, q2 = r2 + step;")
    L.append("            FloatVector v;")
    for kh in range(3):
        for j in range(span):
            L.append(f"            v = {load('x', idx(kh, j))};")
            fm = [f"a{i} = v.fma(w{kh}{j - s * i}, a{i});" for i in range(P) if 0 <= j - s * i <= 2]
            L.append("            " + " ".join(fm))
    L.append("            int o = oo + ow * os;")
    for i in range(P):
        L.append(f"            a{i}.max(vlo).min(vhi).intoArray(out, o{'' if i == 0 else f' + {i} * os'});")
    L.append("        }")
    L.append("        return ow;")
    L.append("    }")
    L.append("")
    tidx = (lambda kh, kw: f"r{kh} + (ow * {s} + {kw}) * ps") if direct else (lambda kh, kw: f"r{kh} + ow * ({s} * L) + {kw} * L")
    L.append(f"    /** Pixels [ow, n) of {{@link #{name}}}, one at a time. */")
    L.append(f"    static void {name}Tail({xargs}, float[] w, int wo, float[] b, int bo, float lo,")
    L.append("                              float hi, float[] out, int oo, int os, int ow, int n) {")
    L.append(f"        FloatVector bias = {load('b', 'bo')};")
    L.append("        FloatVector vlo = FloatVector.broadcast(F, lo), vhi = FloatVector.broadcast(F, hi);")
    L.append("        for (; ow < n; ow++) {")
    L.append("            FloatVector a = bias;")
    for kh, kw in TAPS:
        L.append(f"            a = {load('x', tidx(kh, kw))}.fma({load('w', f'wo + {kh * 3 + kw} * L')}, a);")
    L.append("            a.max(vlo).min(vhi).intoArray(out, oo + ow * os);")
    L.append("        }")
    L.append("    }")
    return L


def tree(xs):
    """Pairwise sum expression (short dependency chain)."""
    if len(xs) == 1:
        return xs[0]
    h = len(xs) // 2
    return f"{tree(xs[:h])}.add({tree(xs[h:])})"


def bwd_weights(s):
    span = (P - 1) * s + 3
    L = ["    /**",
         f"     * Backward weights, stride {s}: 9 tap accumulators of one channel vector, summed over the {{@code n}} output",
         "     * pixels of a row ({@code dy[yo + ow·L]}, blocked) against the 3 blocked padded input rows; added to",
         f"     * {{@code p[po + t·L]}} at the end, and the dY sum (bias gradient) to {{@code p[po + 9·L]}}. {P} dY vectors per",
         "     * step, each input vector loaded once.",
         f"     * Returns the first pixel not done; {{@link #bwdWeights3x3s{s}Tail}} adds the rest.",
         "     */",
         f"    static int bwdWeights3x3s{s}(float[] x, int r0, int r1, int r2, float[] dy, int yo, float[] p, int po, int n) {{"]
    for kh, kw in TAPS:
        L.append(f"        FloatVector a{kh}{kw} = FloatVector.zero(F);")
    L.append("        FloatVector sb = FloatVector.zero(F);")
    L.append("        int ow = 0;")
    L.append(f"        for (; ow <= n - {P}; ow += {P}) {{")
    for i in range(P):
        L.append(f"            FloatVector d{i} = {load('dy', f'yo + ow * L + {i} * L')};")
    L.append(f"            sb = sb.add({tree([f'd{i}' for i in range(P)])});")
    L.append("            FloatVector v;")
    for kh in range(3):
        for j in range(span):
            L.append(f"            v = {load('x', f'r{kh} + ow * ({s} * L) + {j} * L')};")
            fm = [f"a{kh}{j - s * i} = v.fma(d{i}, a{kh}{j - s * i});" for i in range(P) if 0 <= j - s * i <= 2]
            L.append("            " + " ".join(fm))
    L.append("        }")
    for kh, kw in TAPS:
        t = kh * 3 + kw
        L.append(f"        a{kh}{kw}.add({load('p', f'po + {t} * L')}).intoArray(p, po + {t} * L);")
    L.append(f"        sb.add({load('p', 'po + 9 * L')}).intoArray(p, po + 9 * L);")
    L.append("        return ow;")
    L.append("    }")
    L.append("")
    L.append(f"    /** Pixels [ow, n) of {{@link #bwdWeights3x3s{s}}}, one at a time. */")
    L.append(f"    static void bwdWeights3x3s{s}Tail(float[] x, int r0, int r1, int r2, float[] dy, int yo, float[] p, int po, int ow, int n) {{")
    for kh, kw in TAPS:
        L.append(f"        FloatVector a{kh}{kw} = FloatVector.zero(F);")
    L.append("        FloatVector sb = FloatVector.zero(F);")
    L.append("        for (; ow < n; ow++) {")
    L.append(f"            FloatVector d = {load('dy', 'yo + ow * L')};")
    L.append("            sb = sb.add(d);")
    for kh, kw in TAPS:
        L.append(f"            a{kh}{kw} = {load('x', f'r{kh} + ow * ({s} * L) + {kw} * L')}.fma(d, a{kh}{kw});")
    L.append("        }")
    for kh, kw in TAPS:
        t = kh * 3 + kw
        L.append(f"        a{kh}{kw}.add({load('p', f'po + {t} * L')}).intoArray(p, po + {t} * L);")
    L.append(f"        sb.add({load('p', 'po + 9 * L')}).intoArray(p, po + 9 * L);")
    L.append("    }")
    return L


def bwd_data_s2(rows):
    args = ", ".join(f"int r{k}" for k in range(rows))
    wargs = ", ".join(f"int w{k}o" for k in range(rows))
    L = ["    /**",
         f"     * Backward data, stride 2, {rows} dY row{'s' if rows > 1 else ''}: for dY columns ow in [0, n) writes the",
         "     * padded dX columns 2·ow (taps kw = 0 from ow, kw = 2 from ow − 1) and 2·ow + 1 (kw = 1 from ow) to the blocked",
         "     * row {@code out[oo + P·L]}. A dY row is blocked with one leading zero column: column ow at",
         "     * {@code dy[r + (ow + 1)·L]}. Row k's tap weights are {@code w[w<k>o + kw·L]}. 8 dY columns (16 dX) per step.",
         f"     * Returns the first column not done; {{@link #bwdDataS2x{rows}Tail}} does the rest.",
         "     */",
         f"    static int bwdDataS2x{rows}(float[] dy, {args}, float[] w, {wargs}, float[] out, int oo, int n) {{"]
    for k in range(rows):
        for kw in range(3):
            L.append(f"        FloatVector w{k}{kw} = {load('w', f'w{k}o + {kw} * L')};")
    L.append("        int ow = 0;")
    L.append(f"        for (; ow <= n - {P}; ow += {P}) {{")
    L.append("            " + " ".join(f"FloatVector a{m} = FloatVector.zero(F);" for m in range(2 * P)))
    L.append("            FloatVector v;")
    for k in range(rows):
        for j in range(P + 1):  # buffer column ow + j = dY column ow + j - 1
            L.append(f"            v = {load('dy', f'r{k} + ow * L + {j} * L')};")
            fm = []
            if j >= 1:
                i = j - 1
                fm += [f"a{2 * i} = v.fma(w{k}0, a{2 * i});", f"a{2 * i + 1} = v.fma(w{k}1, a{2 * i + 1});"]
            if j <= P - 1:
                fm.append(f"a{2 * j} = v.fma(w{k}2, a{2 * j});")
            L.append("            " + " ".join(fm))
    for m in range(2 * P):
        L.append(f"            a{m}.intoArray(out, oo + ow * (2 * L) + {m} * L);")
    L.append("        }")
    L.append("        return ow;")
    L.append("    }")
    L.append("")
    L.append(f"    /** Columns [ow, n) of {{@link #bwdDataS2x{rows}}}, one at a time. */")
    L.append(f"    static void bwdDataS2x{rows}Tail(float[] dy, {args}, float[] w, {wargs}, float[] out, int oo, int ow, int n) {{")
    for k in range(rows):
        for kw in range(3):
            L.append(f"        FloatVector w{k}{kw} = {load('w', f'w{k}o + {kw} * L')};")
    L.append("        for (; ow < n; ow++) {")
    L.append("            FloatVector e = FloatVector.zero(F), o = FloatVector.zero(F);")
    for k in range(rows):
        L.append(f"            FloatVector u{k} = {load('dy', f'r{k} + ow * L + L')}, p{k} = {load('dy', f'r{k} + ow * L')};")
        L.append(f"            e = u{k}.fma(w{k}0, e); e = p{k}.fma(w{k}2, e); o = u{k}.fma(w{k}1, o);")
    L.append("            e.intoArray(out, oo + ow * (2 * L)); o.intoArray(out, oo + ow * (2 * L) + L);")
    L.append("        }")
    L.append("    }")
    return L


def main():
    L = ["package org.simdnn.kernels.conv;",
         "",
         "import jdk.incubator.vector.FloatVector;",
         "import jdk.incubator.vector.VectorSpecies;",
         "",
         "/**",
         " * Register tiles of the 3x3 depthwise convolution ({@link DepthwiseConv3x3}). Operands are blocked rows: one",
         " * channel vector of consecutive pixels at a constant stride L, so every index is linear in the loop variable",
         " * with a constant scale and C2 hoists the bounds checks. Accumulators are locals, no masks: channel tails are",
         " * zero lanes of the blocked rows.",
         " */",
         "final class DepthwiseTiles3x3 {",
         "    static final VectorSpecies<Float> F = ConvVectors.F;",
         "    static final int L = F.length();",
         "",
         "    private DepthwiseTiles3x3() {}",
         ""]
    for part in (fwd(1), fwd(2), fwd(1, True), fwd(2, True), bwd_weights(1), bwd_weights(2), bwd_data_s2(1), bwd_data_s2(2)):
        L += part
        L.append("")
    L[-1] = "}"
    write_java(__file__, OUT, "\n".join(L))


if __name__ == "__main__":
    main()
