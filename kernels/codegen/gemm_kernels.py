#!/usr/bin/env python3
"""Writes the GEMM kernels: the F32Gemm_<MR>x2v_Broadcast_<bits> micro-kernels (6 rows at every width, the table's
tile; 8 rows at 512 bits, a variant for AVX-512's 32 registers) and F32GemmDirect_<bits> direct kernels (the
widths differ only in the species, which must be a static final constant for C2), and the scalar
F32Gemm_4x4_Scalar. Run: python3 kernels/codegen/gemm_kernels.py"""
from emit import write_java

OUT = "org/simdnn/kernels/gemm"
# (bits, MR) of every broadcast micro-kernel generated. 10 and 12 rows at 512 bits were generated and dropped:
# alone on L1-resident slivers they run as fast as 8 rows, but inside the driver (both beta branches of the
# epilogue live) C2 runs out of its inlining budget for the larger method and boxes the vectors: 0.2-0.4x.
KERNELS = [(512, 6), (512, 8), (256, 6), (128, 6)]
# Floats packAT may write past the last p's MR values (its copies are wider than MR): GemmTask keeps this much
# slack after a packed A block (F32GemmKernel.PACK_SLACK).
PACK_SLACK = 16

def kernel(bits, MR):
    L = bits // 32
    cls = f"F32Gemm_{MR}x2v_Broadcast_{bits}"
    zero = ", ".join(f"c{i}0 = z, c{i}1 = z" for i in range(MR))
    regs = 2 * MR + 3
    # packAT moves the MR floats of one k step as one copy of CW floats (CW >= MR); the extra lanes land on the
    # next p's slot (rewritten next) or, after the last p, in the slack after the block.
    if bits == 128:  # no wider species assumed: 4-lane copies
        CW, s8_bits = 4 * ((MR + 3) // 4), 128
        s8_copy = "\n".join(f"            FloatVector.fromArray(S8, a, ia{f' + {o}' if o else ''})"
                            f".intoArray(pa, dst + p * MR{f' + {o}' if o else ''});" for o in range(0, CW, 4))
        s8_doc = f"{CW // 4} 4-lane copies"
    else:
        CW = 8 if MR <= 8 else 16
        s8_bits = 32 * CW
        s8_copy = "            FloatVector.fromArray(S8, a, ia).intoArray(pa, dst + p * MR);"
        s8_doc = f"one {CW}-lane copy"
    assert CW - MR <= PACK_SLACK
    def body(load_a):
        s = []
        for i in range(MR):
            s.append(f"            FloatVector a{i} = FloatVector.broadcast(S, {load_a(i)});")
            s.append(f"            c{i}0 = a{i}.fma(b0, c{i}0);")
            s.append(f"            c{i}1 = a{i}.fma(b1, c{i}1);")
        return "\n".join(s)
    # Stores are written out inline: a helper taking FloatVector arguments is not always inlined by C2 (its
    # call site runs once per kc-long loop, so it looks cold), and then every accumulator is boxed -- measured
    # 40 B per store, 5 MB per 1024^3 call.
    accs = [(i, v) for i in range(MR) for v in range(2)]
    st0 = "\n".join(f"            c{i}{v}.mul(va).intoArray(c, ic + {i} * ldc{' + L' if v else ''});" for i, v in accs)
    st1 = "\n".join(f"            FloatVector.fromArray(S, c, ic + {i} * ldc{' + L' if v else ''}).fma(vb, c{i}{v}.mul(va))"
                     f".intoArray(c, ic + {i} * ldc{' + L' if v else ''});" for i, v in accs)
    stores = f"""        // c = alpha*acc + beta*c; beta == 0 never reads c (BLAS: NaN in C is ignored).
        FloatVector va = FloatVector.broadcast(S, alpha);
        if (beta == 0f) {{
{st0}
        }} else {{
            FloatVector vb = FloatVector.broadcast(S, beta);
{st1}
        }}"""
    rows = "\n".join(f"        final int r{i} = ia + {i} * lda;" for i in range(MR))
    fits = (", so it fits AVX2's 16 as well as AVX-512's 32 without spills" if regs <= 16
            else ", for AVX-512's 32 (it would spill on AVX2's 16)")
    return f"""package org.simdnn.kernels.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {{@code f32-gemm-{MR}x2v-broadcast-{bits}}}: a {MR} x (2 x {L}) register tile of C held in {2 * MR} {bits}-bit accumulators; per k
 * step it loads two vectors of packed B, broadcasts {MR} A values and issues {2 * MR} FMAs. {2 * MR} accumulators + 2 B
 * + 1 broadcast = {regs} vector registers{fits}.
 * Generated per width and row count, which differ only in the species and the unrolling. Contract: {{@link F32GemmKernel}}.
 */
final class {cls} implements F32GemmKernel {{
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_{bits};
    /** The copy species of {{@link #packAT}} ({s8_doc} per k step). */
    private static final VectorSpecies<Float> S8 = FloatVector.SPECIES_{s8_bits};
    static final int L = {L}, MR = {MR}, NR = 2 * L;

    @Override public int mr() {{ return MR; }}

    @Override public int nr() {{ return NR; }}

    @Override public String id() {{ return "f32-gemm-{MR}x2v-broadcast-{bits}"; }}

    @Override
    public void packed(int kc, float[] pa, int ia, float[] pb, int ib, float[] c, int ic, int ldc, float alpha,
                       float beta) {{
        FloatVector z = FloatVector.zero(S);
        FloatVector {zero};
        for (int p = 0; p < kc; p++) {{
            // Indices linear in p with constant scale: C2's range-check elimination hoists every bounds check.
            int pA = ia + p * MR, pB = ib + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, pb, pB);
            FloatVector b1 = FloatVector.fromArray(S, pb, pB + L);
{body(lambda i: f"pa[pA + {i}]")}
        }}
{stores}
    }}

    @Override
    public void rowsInPlace(int kc, float[] a, int ia, int lda, float[] pb, int ib, float[] c, int ic, int ldc,
                            float alpha, float beta) {{
{rows}
        FloatVector z = FloatVector.zero(S);
        FloatVector {zero};
        for (int p = 0; p < kc; p++) {{
            int pB = ib + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, pb, pB);
            FloatVector b1 = FloatVector.fromArray(S, pb, pB + L);
{body(lambda i: f"a[r{i} + p]")}
        }}
{stores}
    }}
    @Override
    public void packAT(int kc, float[] a, int ia, int lda, float[] pa, int dst) {{
        // MR = {MR} consecutive floats per p, moved as {s8_doc}: the {CW - MR} extra lanes land on the next p's
        // slot (rewritten next) and, after the last p, in the slack the workspace keeps past the block.
        if (ia + (kc - 1) * lda + {CW} > a.length || dst + (kc - 1) * MR + {CW} > pa.length) {{
            GemmPack.packATSliver(a, ia, lda, kc, MR, MR, pa, dst);
            return;
        }}
        for (int p = 0; p < kc; p++, ia += lda) {{
{s8_copy}
        }}
    }}

    @Override
    public void packB(int kc, float[] b, int ib, int ldb, float[] pb, int dst) {{
        // A full sliver of a row-major B: NR floats per row as two vector copies (an arraycopy call per 32-float
        // row cost more than the copy itself at n = 64).
        for (int p = 0; p < kc; p++, ib += ldb) {{
            int d = dst + p * NR;
            FloatVector.fromArray(S, b, ib).intoArray(pb, d);
            FloatVector.fromArray(S, b, ib + L).intoArray(pb, d + L);
        }}
    }}
}}
"""



# ---- direct (unpacked) kernels for tiny problems and GEMV rows ------------------------------------------
def direct(bits):
    L = bits // 32
    cls = f"F32GemmDirect_{bits}"
    # Column chunk species, widest first: the row-width species, then narrower ones for the remainder.
    chunk_species = [(b, b // 32) for b in (512, 256, 128) if b <= bits]

    def block(sp_bits, lanes, rows, vecs):
        name = f"b{rows}x{vecs}_{sp_bits}"
        S = f"S{sp_bits}"
        accs = [f"c{r}{v}" for r in range(rows) for v in range(vecs)]
        lines = []
        lines.append(f"    private static void {name}(int k, float alpha, float[] a, int ai, int rsA, int csA, float[] b, int bi,")
        lines.append(f"                                int ldb, float beta, float[] c, int ci, int ldc) {{")
        lines.append(f"        FloatVector z = FloatVector.zero({S});")
        lines.append(f"        FloatVector {', '.join(x + ' = z' for x in accs)};")
        for r in range(rows):
            lines.append(f"        final int a{r} = ai + {r} * rsA;")
        lines.append(f"        for (int p = 0; p < k; p++) {{")
        lines.append(f"            int bp = bi + p * ldb, ap = p * csA;")
        for v in range(vecs):
            lines.append(f"            FloatVector b{v} = FloatVector.fromArray({S}, b, bp + {v * lanes});")
        for r in range(rows):
            lines.append(f"            FloatVector x{r} = FloatVector.broadcast({S}, a[a{r} + ap]);")
            for v in range(vecs):
                lines.append(f"            c{r}{v} = x{r}.fma(b{v}, c{r}{v});")
        lines.append("        }")
        # Inline stores (see the 6x2v kernel: a helper with vector arguments may not be inlined -> boxing).
        lines.append(f"        FloatVector va = FloatVector.broadcast({S}, alpha);")
        lines.append("        if (beta == 0f) {")
        for r in range(rows):
            for v in range(vecs):
                lines.append(f"            c{r}{v}.mul(va).intoArray(c, ci + {r} * ldc + {v * lanes});")
        lines.append("        } else {")
        lines.append(f"            FloatVector vb = FloatVector.broadcast({S}, beta);")
        for r in range(rows):
            for v in range(vecs):
                o = f"ci + {r} * ldc + {v * lanes}"
                lines.append(f"            FloatVector.fromArray({S}, c, {o}).fma(vb, c{r}{v}.mul(va)).intoArray(c, {o});")
        lines.append("        }")
        lines.append("    }")
        return name, "\n".join(lines)

    methods = []
    # widest species: 4x2v and 1x2v on 2-vector chunks; every species: 4x1v and 1x1v.
    plan = []  # (width in floats, [(rows, name)])
    top_bits, top_l = chunk_species[0]
    n4, s4 = block(top_bits, top_l, 4, 2); n1, s1 = block(top_bits, top_l, 1, 2)
    methods += [s4, s1]; plan.append((2 * top_l, n4, n1, None))
    for sb, sl in chunk_species:
        n8, s8 = block(sb, sl, 8, 1); n4, s4 = block(sb, sl, 4, 1); n1, s1 = block(sb, sl, 1, 1)
        methods += [s8, s4, s1]; plan.append((sl, n4, n1, n8))
    species_decl = "\n".join(f"    private static final VectorSpecies<Float> S{sb} = FloatVector.SPECIES_{sb};" for sb, _ in chunk_species)
    puts = ""
    chunks = []
    for w, n4, n1, n8 in plan:
        eight = "" if n8 is None else f"""
            for (; i + 8 <= m; i += 8) {n8}(k, alpha, a, ai + i * rsA, rsA, csA, b, bi + j, ldb, beta, c, ci + i * ldc + j, ldc);"""
        chunks.append(f"""        for (; j + {w} <= n; j += {w}) {{
            int i = 0;{eight}
            for (; i + 4 <= m; i += 4) {n4}(k, alpha, a, ai + i * rsA, rsA, csA, b, bi + j, ldb, beta, c, ci + i * ldc + j, ldc);
            for (; i < m; i++) {n1}(k, alpha, a, ai + i * rsA, rsA, csA, b, bi + j, ldb, beta, c, ci + i * ldc + j, ldc);
        }}""")
    chunk_code = "\n".join(chunks)
    return f"""package org.simdnn.kernels.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {{@code f32-gemm-direct-4x2v-{bits}}}: SGEMM without packing, for problems too small for packing to pay
 * (and the m = 1 GEMV row). B must be row-major (not transposed: the driver transposes a small B first);
 * A is read in place through strides, A(i, p) = {{@code a[ai + i*rsA + p*csA]}}. Columns go in chunks of
 * 2 vectors (rows by 4: 8 accumulators), then 1 vector of each narrower species (rows by 8, 4, 1: eight
 * independent FMA chains hide the 4-cycle FMA latency), then scalar.
 */
final class {cls} implements F32GemmDirect {{
{species_decl}

    @Override public String id() {{ return "f32-gemm-direct-4x2v-{bits}"; }}

    @Override
    public void gemm(int m, int n, int k, float alpha, float[] a, int ai, int rsA, int csA, float[] b, int bi, int ldb,
                     float beta, float[] c, int ci, int ldc) {{
        int j = 0;
{chunk_code}
        if (j < n) F32GemmDirect.paddedColumns(this, m, j, n, k, alpha, a, ai, rsA, csA, b, bi, ldb, beta, c, ci, ldc);
    }}

    @Override
    public float dot(int k, float[] u, int ui, float[] v, int vi) {{
        FloatVector z = FloatVector.zero(S{bits});
        FloatVector s0 = z, s1 = z, s2 = z, s3 = z;
        int p = 0;
        for (; p + {4 * L} <= k; p += {4 * L}) {{
            s0 = FloatVector.fromArray(S{bits}, u, ui + p).fma(FloatVector.fromArray(S{bits}, v, vi + p), s0);
            s1 = FloatVector.fromArray(S{bits}, u, ui + p + {L}).fma(FloatVector.fromArray(S{bits}, v, vi + p + {L}), s1);
            s2 = FloatVector.fromArray(S{bits}, u, ui + p + {2 * L}).fma(FloatVector.fromArray(S{bits}, v, vi + p + {2 * L}), s2);
            s3 = FloatVector.fromArray(S{bits}, u, ui + p + {3 * L}).fma(FloatVector.fromArray(S{bits}, v, vi + p + {3 * L}), s3);
        }}
        for (; p + {L} <= k; p += {L}) {{
            s0 = FloatVector.fromArray(S{bits}, u, ui + p).fma(FloatVector.fromArray(S{bits}, v, vi + p), s0);
        }}
        float acc = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; p < k; p++) acc = Math.fma(u[ui + p], v[vi + p], acc);
        return acc;
    }}

{chr(10).join(methods)}

{puts}
}}
"""



# ---- scalar micro-kernel (the driver's kernel when the Vector API is unavailable) -----------------------
def scalar_kernel():
    MR = 4; NR = 4
    acc = ", ".join(f"c{i}{j} = 0f" for i in range(MR) for j in range(NR))
    def body(load_a):
        s = ["            " + " ".join(f"float b{j} = pb[pB + {j}];" for j in range(NR))]
        for i in range(MR):
            s.append(f"            float a{i} = {load_a(i)};")
            s.append("            " + " ".join(f"c{i}{j} = Math.fma(a{i}, b{j}, c{i}{j});" for j in range(NR)))
        return "\n".join(s)
    stores = "\n".join(f"        put(c, ic + {i} * ldc + {j}, c{i}{j}, alpha, beta);" for i in range(MR) for j in range(NR))
    rows = "\n".join(f"        final int r{i} = ia + {i} * lda;" for i in range(MR))
    return f"""package org.simdnn.kernels.gemm;

/**
 * {{@code f32-gemm-4x4-scalar}}: the plain-Java micro-kernel used when the Vector API is unavailable
 * ({{@code -Dsimdnn.vectorBits=0}}); 16 float accumulators in locals, same packed layout and contract as the
 * vector kernels ({{@link F32GemmKernel}}), so the driver and its tests are shared.
 */
final class F32Gemm_4x4_Scalar implements F32GemmKernel {{
    static final int MR = {MR}, NR = {NR};

    @Override public int mr() {{ return MR; }}

    @Override public int nr() {{ return NR; }}

    @Override public String id() {{ return "f32-gemm-4x4-scalar"; }}

    @Override
    public void packed(int kc, float[] pa, int ia, float[] pb, int ib, float[] c, int ic, int ldc, float alpha,
                       float beta) {{
        float {acc};
        for (int p = 0; p < kc; p++) {{
            int pA = ia + p * MR, pB = ib + p * NR;
{body(lambda i: f"pa[pA + {i}]")}
        }}
{stores}
    }}

    @Override
    public void rowsInPlace(int kc, float[] a, int ia, int lda, float[] pb, int ib, float[] c, int ic, int ldc,
                            float alpha, float beta) {{
{rows}
        float {acc};
        for (int p = 0; p < kc; p++) {{
            int pB = ib + p * NR;
{body(lambda i: f"a[r{i} + p]")}
        }}
{stores}
    }}

    @Override
    public void packAT(int kc, float[] a, int ia, int lda, float[] pa, int dst) {{
        GemmPack.packATSliver(a, ia, lda, kc, MR, MR, pa, dst);
    }}

    @Override
    public void packB(int kc, float[] b, int ib, int ldb, float[] pb, int dst) {{
        for (int p = 0; p < kc; p++, ib += ldb) System.arraycopy(b, ib, pb, dst + p * NR, NR);
    }}

    private static void put(float[] c, int i, float acc, float alpha, float beta) {{
        c[i] = beta == 0f ? alpha * acc : Math.fma(beta, c[i], alpha * acc);
    }}
}}
"""


def main():
    for bits, mr in KERNELS:
        write_java(__file__, f"{OUT}/F32Gemm_{mr}x2v_Broadcast_{bits}.java", kernel(bits, mr))
    for bits in (512, 256, 128):
        write_java(__file__, f"{OUT}/F32GemmDirect_{bits}.java", direct(bits))
    write_java(__file__, f"{OUT}/F32Gemm_4x4_Scalar.java", scalar_kernel())


if __name__ == "__main__":
    main()
