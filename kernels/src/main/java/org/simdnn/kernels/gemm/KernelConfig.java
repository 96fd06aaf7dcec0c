package org.simdnn.kernels.gemm;

import java.util.List;
import jdk.incubator.vector.FloatVector;
import org.simdnn.kernels.cpu.CpuInfo;

/**
 * Binds a micro-kernel to its cache blocking. This is the one table to edit when tuning for a CPU; the driver
 * ({@link GemmDriver}) reads nothing else. Block sizes are in floats; why each value was chosen is in
 * docs/kernels.md.
 *
 * @param kernel          the micro-kernel (MR x NR register tile) of the blocked driver
 * @param mc              rows of A packed per block (multiple of MR): the A block, mc x kc, stays in L2
 * @param kc              depth of one packed block: a kc x NR B sliver and an MR x kc A sliver stream through L1
 * @param nc              columns of B packed per block (multiple of NR): the B panel, kc x nc, stays in L3
 * @param inPlaceMaxK     read A in place (no packing) when A is not transposed, k <= this and n <= inPlaceMaxN
 * @param inPlaceMaxN     see above: with few columns each A element feeds only a few FMAs, packing it is waste
 * @param direct          the unpacked kernel for tiny problems and GEMV
 * @param directMaxMnk    m*n*k up to which the direct (unpacked) kernel runs instead of the blocked driver
 * @param parallelMinFlops below this many FLOPs (2mnk) the call stays on the caller's thread
 * @param smallM          the kernel for m <= {@link F32GemmSmallM#MAX_M} (B streamed once, never packed); null: such
 *                        calls take the other paths (the scalar row, and tests of those paths)
 * @param smallMParallelMinKn B sizes (k·n floats) from which a small-m call splits its columns between threads
 * @param sup             the unpacked kernel for mid-sized products with A and B row-major; null: such calls take the
 *                        blocked driver (the 256/128-bit and scalar rows, and tests of the blocked driver)
 * @param supMaxMnk       m*n*k up to which such a product (k <= kc, above the direct kernel's sizes) runs on {@code sup}
 */
record KernelConfig(F32GemmKernel kernel, F32GemmDirect direct, int mc, int kc, int nc, int inPlaceMaxK,
                    int inPlaceMaxN, long directMaxMnk, long parallelMinFlops, F32GemmSmallM smallM,
                    long smallMParallelMinKn, F32GemmSup sup, long supMaxMnk) {

    KernelConfig {
        if (kernel == null || direct == null) throw new IllegalArgumentException("kernels must be non-null");
        if (mc <= 0 || mc % kernel.mr() != 0) {
            throw new IllegalArgumentException("mc=" + mc + " must be a positive multiple of MR=" + kernel.mr());
        }
        if (nc <= 0 || nc % kernel.nr() != 0) {
            throw new IllegalArgumentException("nc=" + nc + " must be a positive multiple of NR=" + kernel.nr());
        }
        if (kc <= 0) throw new IllegalArgumentException("kc=" + kc + " must be positive");
        if (inPlaceMaxK < 0 || inPlaceMaxN < 0 || directMaxMnk < 0 || parallelMinFlops < 0 || smallMParallelMinKn < 0
                || supMaxMnk < 0) {
            throw new IllegalArgumentException("thresholds must be >= 0: inPlaceMaxK=" + inPlaceMaxK + " inPlaceMaxN="
                    + inPlaceMaxN + " parallelMinFlops=" + parallelMinFlops + " smallMParallelMinKn=" + smallMParallelMinKn
                    + " supMaxMnk=" + supMaxMnk);
        }
    }

    /** A row without the unpacked mid-size kernel: every product it would take runs on the blocked driver. */
    KernelConfig(F32GemmKernel kernel, F32GemmDirect direct, int mc, int kc, int nc, int inPlaceMaxK, int inPlaceMaxN,
                 long directMaxMnk, long parallelMinFlops, F32GemmSmallM smallM, long smallMParallelMinKn) {
        this(kernel, direct, mc, kc, nc, inPlaceMaxK, inPlaceMaxN, directMaxMnk, parallelMinFlops, smallM,
                smallMParallelMinKn, null, 0);
    }

    /** This row with {@code sup} taking row-major products up to {@code maxMnk} = m*n*k. */
    KernelConfig withSup(F32GemmSup sup, long maxMnk) {
        return new KernelConfig(kernel, direct, mc, kc, nc, inPlaceMaxK, inPlaceMaxN, directMaxMnk, parallelMinFlops,
                smallM, smallMParallelMinKn, sup, maxMnk);
    }

    @Override
    public String toString() {
        return kernel.id() + "[mc=" + mc + " kc=" + kc + " nc=" + nc + " inPlace<=" + inPlaceMaxK + "/" + inPlaceMaxN
                + " direct<=" + directMaxMnk + " par>=" + parallelMinFlops
                + (smallM == null ? "" : " smallM par>=" + smallMParallelMinKn)
                + (sup == null ? "" : " " + sup.id() + "<=" + supMaxMnk) + "]";
    }

    int mr() { return kernel.mr(); }

    int nr() { return kernel.nr(); }

    /**
     * The configuration of this JVM's vector width ({@link CpuInfo#VECTOR_BITS}), or the variant of that width
     * named by {@code -Dsimdnn.gemm.kernel=<id>} (A/B measurements of the table's rejected tiles; an id of
     * another width or an unknown one is an error naming the choices).
     */
    static final KernelConfig DEFAULT = withKernel(forBits(CpuInfo.VECTOR_BITS),
            System.getProperty("simdnn.gemm.kernel", ""));

    /**
     * The plain-Java row whatever this JVM's width: what {@link Gemm#sgemmScalar} runs, for the plans that run before
     * the JIT has compiled the Vector API kernels (the interpreter and C1 run plain loops well, vectors boxed).
     */
    static final KernelConfig SCALAR = forBits(0);

    /** The other register tiles generated for a width, same blocking: what {@code simdnn.gemm.kernel} may name. */
    static List<F32GemmKernel> variants(int bits) {
        return bits == 512 ? List.of(new F32Gemm_8x2v_Broadcast_512()) : List.of();
    }

    static KernelConfig withKernel(KernelConfig row, String id) {
        if (id.isEmpty() || id.equals(row.kernel().id())) return row;
        int bits = CpuInfo.VECTOR_BITS;
        for (F32GemmKernel v : variants(bits)) {
            if (v.id().equals(id)) {
                int mc = row.mc() / v.mr() * v.mr();
                return new KernelConfig(v, row.direct(), mc, row.kc(), row.nc(), row.inPlaceMaxK(), row.inPlaceMaxN(),
                        row.directMaxMnk(), row.parallelMinFlops(), row.smallM(), row.smallMParallelMinKn(), row.sup(),
                        row.supMaxMnk());
            }
        }
        List<String> ids = new java.util.ArrayList<>(List.of(row.kernel().id()));
        for (F32GemmKernel v : variants(bits)) ids.add(v.id());
        throw new IllegalArgumentException("-Dsimdnn.gemm.kernel=" + id + ": this JVM's " + bits + "-bit row runs one of "
                + ids);
    }

    /**
     * B sizes (k·n floats, 256 KiB) from which a small-m call runs on two threads: streaming that much from L2 takes
     * about 2 µs on one core, a spinning worker takes the job in well under one.
     */
    static final long SMALL_M_PARALLEL_MIN_KN = 64 * 1024;

    /**
     * m*n*k up to which a product with A and B row-major runs on the unpacked kernel ({@link F32GemmSup}) instead of
     * the blocked driver: 128^3. See docs/kernels.md "Unpacked mid-sized products" for the measurements.
     */
    static final long SUP_MAX_MNK = 128L * 128 * 128;

    /** The rows of {@link #forBits}, widest first; 0 is the plain-Java row. */
    static final List<Integer> WIDTHS = List.of(512, 256, 128, 0);

    /**
     * The widths this CPU runs natively (up to its preferred species; none when the Vector API is off) and the
     * scalar row: what tests and benchmarks run. Wider species would be emulated, slowly, by the JVM.
     */
    static List<Integer> runnableWidths() {
        int preferred = CpuInfo.VECTOR_BITS == 0 ? 0 : FloatVector.SPECIES_PREFERRED.vectorBitSize();
        return WIDTHS.stream().filter(bits -> bits == 0 || bits <= preferred).toList();
    }

    /**
     * The table, one row per vector width. Measured on a 2-core Zen 5 (48 KiB L1d, 1 MiB L2 per core);
     * rejected variants stay here, commented, with the measured reason.
     */
    static KernelConfig forBits(int bits) {
        return switch (bits) {
            // 6x2v: 12 zmm accumulators. kc=512 beat 256 and 128 (fewer C reloads; the 64 KiB B sliver streams
            // from L2 fast enough). mc=144: the 288 KiB A block leaves half of L2 to B. Variant 8x2v (16
            // accumulators, each B vector feeds 8 FMAs) is not yet measured on a quiet machine; 10x2v and 12x2v
            // box in the driver (C2's inlining budget, kernels/codegen/gemm_kernels.py).
            // sup 6x4v up to 128^3 (A and B row-major, k <= kc): no packing, B rows read in place.
            case 512 -> new KernelConfig(new F32Gemm_6x2v_Broadcast_512(), new F32GemmDirect_512(), 144, 512, 4096, 640, 128,
                    32 * 32 * 32, 4_000_000L, new F32GemmSmallM_512(), SMALL_M_PARALLEL_MIN_KN, new F32GemmSup_512(),
                    SUP_MAX_MNK);
            case 256 -> new KernelConfig(new F32Gemm_6x2v_Broadcast_256(), new F32GemmDirect_256(), 144, 512, 4096, 640, 64,
                    32 * 32 * 32, 4_000_000L, new F32GemmSmallM_256(), SMALL_M_PARALLEL_MIN_KN);
            case 128 -> new KernelConfig(new F32Gemm_6x2v_Broadcast_128(), new F32GemmDirect_128(), 144, 512, 4096, 640, 32,
                    32 * 32 * 32, 4_000_000L, new F32GemmSmallM_128(), SMALL_M_PARALLEL_MIN_KN);
            case 0 -> new KernelConfig(new F32Gemm_4x4_Scalar(), new F32GemmDirect.Scalar(), 128, 256, 4096, 640, 16,
                    16 * 16 * 16, 1_000_000L, null, 0);
            default -> throw new IllegalArgumentException("no GEMM kernel for " + bits + "-bit vectors");
        };
    }
}
