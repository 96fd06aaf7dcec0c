#!/usr/bin/env python3
"""Writes F32GemmSup_512: the unpacked SGEMM kernel for small and mid-sized products with both operands
row-major (BLIS's "sup" path): A values are broadcast straight from A's rows, B's row segments are loaded in
place, nothing is packed. Main tile 6 x 4v (24 zmm accumulators + 4 B vectors + 1 broadcast = 29 of AVX-512's 32
registers), then one 6 x 2v column block; the rows past the last multiple of 6 run as 4- and 2-row tiles of the
same widths, and the last row and the columns past the last 2v block go to the direct kernel. Each tile exists once per epilogue (beta == 0, any beta): one epilogue per method keeps
every method small enough for C1 to compile and for C2 to inline all of its Vector API calls.
Run: python3 kernels/codegen/gemm_sup.py"""
from emit import write_java

OUT = "org/simdnn/kernels/gemm"
BITS = 512
MR = 6
# Row tiles for the rows past the last multiple of MR, tallest first (what is left after them: the direct kernel).
TAIL_ROWS = [4, 2]
# Column blocks in vectors, widest first: the main tile, then one narrower block for what is left.
NVS = [4, 2]


def tile(name, mr, nv, L, beta):
    accs = [(i, v) for i in range(mr) for v in range(nv)]
    s = []
    extra = ", float beta" if beta else ""
    s.append(f"    private static void {name}(int k, float[] a, int ai, int lda, float[] b, int bi, int ldb, float[] c, int ci,")
    s.append(f"            int ldc, float alpha{extra}) {{")
    for i in range(mr):
        s.append(f"        final int r{i} = ai + {i} * lda;")
    s.append("        FloatVector z = FloatVector.zero(S);")
    s.append("        FloatVector " + ", ".join(f"c{i}{v} = z" for i, v in accs) + ";")
    s.append("        for (int p = 0; p < k; p++) {")
    s.append("            // A's indices are linear in p with scale 1: C2 hoists their bounds checks out of the loop.")
    s.append("            int bp = bi + p * ldb;")
    for v in range(nv):
        s.append(f"            FloatVector b{v} = FloatVector.fromArray(S, b, bp{f' + {v * L}' if v else ''});")
    for i in range(mr):
        s.append(f"            FloatVector x{i} = FloatVector.broadcast(S, a[r{i} + p]);")
        for v in range(nv):
            s.append(f"            c{i}{v} = x{i}.fma(b{v}, c{i}{v});")
    s.append("        }")
    s.append("        FloatVector va = FloatVector.broadcast(S, alpha);")
    if beta:
        s.append("        FloatVector vb = FloatVector.broadcast(S, beta);")
    for i, v in accs:
        idx = f"ci + {i} * ldc{f' + {v * L}' if v else ''}"
        if beta:
            s.append(f"        FloatVector.fromArray(S, c, {idx}).fma(vb, c{i}{v}.mul(va)).intoArray(c, {idx});")
        else:
            s.append(f"        c{i}{v}.mul(va).intoArray(c, {idx});")
    s.append("    }")
    return "\n".join(s)


def sup(bits):
    L = bits // 32
    nv0, nv1 = NVS
    rows = [MR] + TAIL_ROWS
    tiles = "\n\n".join(tile(f"t{mr}x{nv}v{'Beta' if beta else 'Zero'}", mr, nv, L, beta)
                        for mr in rows for nv in NVS for beta in (False, True))

    def calls(mr, nv, i, jcol, ind):
        args0 = f"k, a, ai + {i} * lda, lda, b, bi + {jcol}, ldb, c, ci + {i} * ldc + {jcol}, ldc, alpha"
        return (f"{ind}if (beta == 0f) {{\n{ind}    t{mr}x{nv}vZero({args0});\n{ind}}} else {{\n"
                f"{ind}    t{mr}x{nv}vBeta({args0}, beta);\n{ind}}}")

    def block(nv, ind):
        # main rows: the beta test outside the row loop
        args0 = f"k, a, ai + i * lda, lda, b, bi + j, ldb, c, ci + i * ldc + j, ldc, alpha"
        return (f"{ind}if (beta == 0f) {{\n{ind}    for (int i = 0; i + MR <= m; i += MR) t{MR}x{nv}vZero({args0});\n"
                f"{ind}}} else {{\n{ind}    for (int i = 0; i + MR <= m; i += MR) t{MR}x{nv}vBeta({args0}, beta);\n{ind}}}")
    blk0 = block(nv0, " " * 12)
    blk1 = block(nv1, " " * 12)
    tl = []
    for mr in TAIL_ROWS:
        tl.append(f"        if (i + {mr} <= m) {{")
        tl.append(f"            for (int jj = 0; jj + {nv0} * L <= j; jj += {nv0} * L) {{")
        tl.append(calls(mr, nv0, "i", "jj", " " * 16))
        tl.append("            }")
        tl.append(f"            if (j % ({nv0} * L) != 0) {{")
        tl.append(calls(mr, nv1, "i", f"j - {nv1} * L", " " * 16))
        tl.append("            }")
        tl.append(f"            i += {mr};")
        tl.append("        }")
    tails = "\n".join(tl)
    return f"""package org.simdnn.kernels.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {{@code f32-gemm-sup-{MR}x{nv0}v-{bits}}}: SGEMM for small and mid-sized products with A and B row-major, without
 * packing. A {MR} x {nv0}v register tile ({MR * nv0} accumulators, {nv0} B vectors, 1 broadcast: {MR * nv0 + nv0 + 1} of
 * AVX-512's 32 registers) broadcasts A(i, p) from A's rows and loads B's row segment p in place; one {MR} x {nv1}v block
 * takes the columns left over; the last m % {MR} rows and the last n % {nv1 * L} columns go to the direct kernel. Column
 * blocks outside, row tiles inside: the k x {nv0 * L} B block is read from L1 by every row tile. k runs in one FMA
 * chain per element, as the blocked driver's single k block does, so both give the same bits. Contract:
 * {{@link F32GemmSup}}.
 */
final class F32GemmSup_{bits} implements F32GemmSup {{
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_{bits};
    private static final int L = {L}, MR = {MR};

    @Override public String id() {{ return "f32-gemm-sup-{MR}x{nv0}v-{bits}"; }}

    @Override public int mr() {{ return MR; }}

    @Override
    public void gemm(F32GemmDirect tails, int m, int n, int k, float alpha, float[] a, int ai, int lda, float[] b,
                     int bi, int ldb, float beta, float[] c, int ci, int ldc) {{
        int j = 0;
        for (; j + {nv0} * L <= n; j += {nv0} * L) {{
{blk0}
        }}
        if (j + {nv1} * L <= n) {{
{blk1}
            j += {nv1} * L;
        }}
        int i = m - m % MR;
{tails}
        if (i < m && j > 0) tails.gemm(m - i, j, k, alpha, a, ai + i * lda, lda, 1, b, bi, ldb, beta, c, ci + i * ldc, ldc);
        if (j < n) tails.gemm(m, n - j, k, alpha, a, ai, lda, 1, b, bi + j, ldb, beta, c, ci + j, ldc);
    }}

{tiles}
}}
"""


def main():
    write_java(__file__, f"{OUT}/F32GemmSup_{BITS}.java", sup(BITS))


if __name__ == "__main__":
    main()
