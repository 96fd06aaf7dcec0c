#!/usr/bin/env python3
"""Writes F32GemmSmallM_{512,256,128}: the small-m SGEMM kernels (m <= 4 rows of A, batch-1 to batch-4
inference), which read B -- the weights -- exactly once, front to back. The widths differ only in the species
(a static final constant for C2) and in how many B rows one step takes (fewer at 256 and 128 bits, whose 16
registers hold fewer broadcasts). Run: python3 kernels/codegen/gemm_smallm.py"""
from emit import write_java

OUT = "org/simdnn/kernels/gemm"
MAX_M = 4


def rows_per_step(bits, m):
    """B rows one step of the row-major kernel streams at once: m*P broadcasts + P B vectors + m accumulators
    must fit the register file (32 at 512 bits, 16 below)."""
    if bits == 512:
        return 8 if m == 1 else 4
    return 4 if m <= 2 else 2


def dot_unroll(bits, m):
    """Consecutive vectors of k per step of the transposed kernel (independent accumulators for the FMA latency)."""
    return 1


def dot_rows(bits, m):
    """B rows (C columns) one block of the transposed kernel reduces at once: m*R accumulators + R B vectors + m A."""
    if bits == 512:
        return 8 if m == 1 else 4
    return 4 if m <= 2 else 2


def nn_method(bits, m):
    P = rows_per_step(bits, m)
    L = bits // 32
    s = []
    s.append(f"    private static void nn{m}(int k, float[] a, int ai, int rsA, int csA, float[] b, int bi, int ldb, int w,")
    s.append(f"                            float[] acc, int as) {{")
    s.append(f"        int p = 0;")
    s.append(f"        for (; p + {P} <= k; p += {P}) {{")
    s.append(f"            int ap = ai + p * csA, b0 = bi + p * ldb;")
    for q in range(1, P):
        s.append(f"            int b{q} = b{q - 1} + ldb;")
    for i in range(m):
        row = "ap" if i == 0 else f"ap + {i if i > 1 else ''}{' * ' if i > 1 else ''}rsA"
        for q in range(P):
            col = "" if q == 0 else (" + csA" if q == 1 else f" + {q} * csA")
            s.append(f"            FloatVector x{i}{q} = FloatVector.broadcast(S, a[{row}{col}]);")
    s.append(f"            for (int j = 0; j < w; j += L) {{")
    for q in range(P):
        s.append(f"                FloatVector v{q} = FloatVector.fromArray(S, b, b{q} + j);")
    for i in range(m):
        o = f"{i} * as + j" if i > 1 else ("as + j" if i == 1 else "j")
        s.append(f"                FloatVector u{i} = v0.fma(x{i}0, FloatVector.fromArray(S, acc, {o}));")
        for q in range(1, P):
            s.append(f"                u{i} = v{q}.fma(x{i}{q}, u{i});")
        s.append(f"                u{i}.intoArray(acc, {o});")
    s.append(f"            }}")
    s.append(f"        }}")
    s.append(f"        for (; p < k; p++) {{")
    s.append(f"            int ap = ai + p * csA, b0 = bi + p * ldb;")
    for i in range(m):
        row = "ap" if i == 0 else f"ap + {i if i > 1 else ''}{' * ' if i > 1 else ''}rsA"
        s.append(f"            FloatVector x{i} = FloatVector.broadcast(S, a[{row}]);")
    s.append(f"            for (int j = 0; j < w; j += L) {{")
    s.append(f"                FloatVector v0 = FloatVector.fromArray(S, b, b0 + j);")
    for i in range(m):
        o = f"{i} * as + j" if i > 1 else ("as + j" if i == 1 else "j")
        s.append(f"                v0.fma(x{i}, FloatVector.fromArray(S, acc, {o})).intoArray(acc, {o});")
    s.append(f"            }}")
    s.append(f"        }}")
    s.append(f"    }}")
    return "\n".join(s)


def halves(bits):
    """Lane distances of the reduction tree: L/2, L/4, ..., 1."""
    L, out = bits // 32, []
    while L > 1:
        L //= 2
        out.append(L)
    return out


def dot_method(bits, m, R, U, name=None):
    """m rows of A against R rows of B at a time: m*R*U vector accumulators over k (U consecutive vectors of k per
    step), added in a fixed order and reduced at the end."""
    name = name or f"dots{m}x{R}"
    s = []
    s.append(f"    private static void {name}(int k, float alpha, float[] a, int ai, int lda, float[] b, int bi, int ldb,")
    s.append(f"                                float beta, float[] c, int ci, int ldc, int j) {{")
    s.append(f"        int kv = k - k % L, r0 = bi + j * ldb, p = 0;")
    for r in range(1, R):
        s.append(f"        int r{r} = r{r - 1} + ldb;")
    for i in range(m):
        s.append(f"        final int a{i} = ai + {i} * lda;")
    s.append(f"        FloatVector z = FloatVector.zero(S);")
    for i in range(m):
        for u in range(U):
            s.append(f"        FloatVector {', '.join(f's{i}{r}{u} = z' for r in range(R))};")
    def step(us, indent):
        out = []
        for u in us:
            off = f" + {u} * L" if u > 1 else (" + L" if u == 1 else "")
            for r in range(R):
                out.append(f"{indent}FloatVector v{r}{u} = FloatVector.fromArray(S, b, r{r} + p{off});")
            for i in range(m):
                out.append(f"{indent}FloatVector x{i}{u} = FloatVector.fromArray(S, a, a{i} + p{off});")
                for r in range(R):
                    out.append(f"{indent}s{i}{r}{u} = v{r}{u}.fma(x{i}{u}, s{i}{r}{u});")
        return out
    if U > 1:
        s.append(f"        for (; p + {U} * L <= kv; p += {U} * L) {{")
        s += step(range(U), "            ")
        s.append(f"        }}")
    s.append(f"        for (; p < kv; p += L) {{")
    s += step([0], "            ")
    s.append(f"        }}")
    # A fixed tree of lane swaps, not reduceLanes: reduceLanes(ADD) on floats may sum in another order in C2 than
    # in the interpreter, so the same call gave results one ulp apart depending on how far the JIT had got.
    for i in range(m):
        for r in range(R):
            v = f"s{i}{r}0"
            for u in range(1, U):
                s.append(f"        {v} = {v}.add(s{i}{r}{u});")
            for h in halves(bits):
                s.append(f"        {v} = {v}.add({v}.rearrange(X{h}));")
            s.append(f"        float d{i}{r} = {v}.lane(0);")
    s.append(f"        for (; p < k; p++) {{")
    for r in range(R):
        s.append(f"            float w{r} = b[r{r} + p];")
    for i in range(m):
        s.append(f"            float y{i} = a[a{i} + p];")
        for r in range(R):
            s.append(f"            d{i}{r} = Math.fma(y{i}, w{r}, d{i}{r});")
    s.append(f"        }}")
    for i in range(m):
        for r in range(R):
            s.append(f"        put(c, ci + {i} * ldc + j + {r}, d{i}{r}, alpha, beta);")
    s.append(f"    }}")
    return name, "\n".join(s)


def small_m(bits):
    L = bits // 32
    cls = f"F32GemmSmallM_{bits}"
    nn = "\n\n".join(nn_method(bits, m) for m in range(1, MAX_M + 1))
    dots, dcases = [], []
    for m in range(1, MAX_M + 1):
        R = dot_rows(bits, m)
        U = dot_unroll(bits, m)
        n_big, s_big = dot_method(bits, m, R, U)
        n_one, s_one = dot_method(bits, m, 1, U)
        dots += [s_big, s_one]
        dcases.append(f"""            case {m} -> {{
                for (; j + {R} <= j1; j += {R}) {n_big}(k, alpha, a, ai, lda, b, bi, ldb, beta, c, ci, ldc, j);
                for (; j < j1; j++) {n_one}(k, alpha, a, ai, lda, b, bi, ldb, beta, c, ci, ldc, j);
            }}""")
    ncases = "\n".join(f"            case {m} -> nn{m}(k, a, ai, rsA, csA, b, bi, ldb, w, acc, as);" for m in range(1, MAX_M + 1))
    shuffles = "\n".join(f"    private static final VectorShuffle<Float> X{h} = VectorShuffle.fromOp(S, i -> i ^ {h});"
                         for h in halves(bits))
    steps = ", ".join(f"{rows_per_step(bits, m)}" for m in range(1, MAX_M + 1))
    drows = ", ".join(f"{dot_rows(bits, m)}" for m in range(1, MAX_M + 1))
    return f"""package org.simdnn.kernels.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {{@code f32-gemm-smallm-stream-{bits}}}: SGEMM for m = 1 to 4 rows of A, where B (the weights) is read once and the
 * time is the time to stream it. Contract: {{@link F32GemmSmallM}}.
 * <ul>
 *   <li>B row-major: {steps} rows of B (for m = 1, 2, 3, 4) per step, each a contiguous stretch of the chunk's
 *       columns, against L1-resident accumulators; each element one FMA chain in p, as the blocked kernel sums it.
 *   <li>B transposed: blocks of {drows} B rows (for m = 1, 2, 3, 4), m x R vector dot products over k, each
 *       reduced once by a fixed tree of lane swaps (the same sums in every JIT tier).
 * </ul>
 */
final class {cls} implements F32GemmSmallM {{
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_{bits};
    static final int L = {L};
{shuffles}

    @Override public String id() {{ return "f32-gemm-smallm-stream-{bits}"; }}

    @Override public int lanes() {{ return L; }}

    @Override
    public void rows(int m, int k, float alpha, float[] a, int ai, int rsA, int csA, float[] b, int bi, int ldb,
                     float beta, float[] c, int ci, int ldc, int w, int skip, float[] acc) {{
        // Accumulator rows one vector further apart than w: at w = 1024 rows 4 KiB apart alias in the low 12
        // address bits, and each row's loads then wait for the other rows' stores (m = 4: 5x slower).
        int as = w + L;
        FloatVector z = FloatVector.zero(S);
        for (int j = 0, len = m * as; j < len; j += L) z.intoArray(acc, j);
        switch (m) {{
{ncases}
            default -> throw new IllegalArgumentException("small-m kernel takes 1 to {MAX_M} rows, got " + m);
        }}
        for (int i = 0; i < m; i++) {{
            int o = ci + i * ldc, s = i * as;
            if (skip > 0) {{
                for (int j = skip; j < w; j++) put(c, o + j, acc[s + j], alpha, beta);
            }} else if (beta == 0f) {{
                FloatVector va = FloatVector.broadcast(S, alpha);
                for (int j = 0; j < w; j += L) FloatVector.fromArray(S, acc, s + j).mul(va).intoArray(c, o + j);
            }} else {{
                FloatVector va = FloatVector.broadcast(S, alpha), vb = FloatVector.broadcast(S, beta);
                for (int j = 0; j < w; j += L) {{
                    FloatVector.fromArray(S, c, o + j).fma(vb, FloatVector.fromArray(S, acc, s + j).mul(va))
                            .intoArray(c, o + j);
                }}
            }}
        }}
    }}

    @Override
    public void dots(int m, int k, float alpha, float[] a, int ai, int lda, float[] b, int bi, int ldb, float beta,
                     float[] c, int ci, int ldc, int j0, int j1) {{
        int j = j0;
        switch (m) {{
{chr(10).join(dcases)}
            default -> throw new IllegalArgumentException("small-m kernel takes 1 to {MAX_M} rows, got " + m);
        }}
    }}

{nn}

{chr(10).join(dots)}

    /** c = alpha * d + beta * c; beta == 0 never reads c. */
    private static void put(float[] c, int o, float d, float alpha, float beta) {{
        c[o] = beta == 0f ? alpha * d : Math.fma(beta, c[o], alpha * d);
    }}
}}
"""


def main():
    for bits in (512, 256, 128):
        write_java(__file__, f"{OUT}/F32GemmSmallM_{bits}.java", small_m(bits))


if __name__ == "__main__":
    main()
