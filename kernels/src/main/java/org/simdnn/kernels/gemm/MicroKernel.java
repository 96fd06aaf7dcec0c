package org.simdnn.kernels.gemm;

import java.util.ArrayList;
import java.util.List;

/**
 * A micro-kernel of {@link KernelConfig}'s table, by id, for code outside this package that times or lists
 * kernels (the micro-kernel benchmark): its register tile, its row's kc, and the bare tile call over packed
 * slivers in the layout of {@link F32GemmKernel}. Everything else goes through {@link Gemm}.
 */
public final class MicroKernel {
    private final F32GemmKernel kernel;
    private final int kc;

    private MicroKernel(F32GemmKernel kernel, int kc) {
        this.kernel = kernel;
        this.kc = kc;
    }

    /** Every micro-kernel id of the table, widest first, each width's row before its variants, scalar last. */
    public static List<String> ids() { return ids(KernelConfig.WIDTHS); }

    /** The ids this CPU runs natively, and the scalar kernel. */
    public static List<String> runnableIds() { return ids(KernelConfig.runnableWidths()); }

    private static List<String> ids(List<Integer> widths) {
        List<String> out = new ArrayList<>();
        for (int bits : widths) {
            out.add(KernelConfig.forBits(bits).kernel().id());
            for (F32GemmKernel v : KernelConfig.variants(bits)) out.add(v.id());
        }
        return out;
    }

    /** @throws IllegalArgumentException naming the table's ids when {@code id} is not one of them */
    public static MicroKernel of(String id) {
        for (int bits : KernelConfig.WIDTHS) {
            KernelConfig row = KernelConfig.forBits(bits);
            if (row.kernel().id().equals(id)) return new MicroKernel(row.kernel(), row.kc());
            for (F32GemmKernel v : KernelConfig.variants(bits)) {
                if (v.id().equals(id)) return new MicroKernel(v, row.kc());
            }
        }
        throw new IllegalArgumentException("no GEMM micro-kernel '" + id + "'; the table has " + ids());
    }

    public String id() { return kernel.id(); }

    /** Rows of the register tile. */
    public int mr() { return kernel.mr(); }

    /** Columns of the register tile. */
    public int nr() { return kernel.nr(); }

    /** The packed depth its table row uses. */
    public int kc() { return kc; }

    /**
     * One tile, C written and not read: {@code c[ic + i*ldc + j] = sum_p pa[p*MR + i] pb[p*NR + j]} over p in
     * [0, k), i in [0, MR), j in [0, NR) ({@link F32GemmKernel#packed} with alpha 1, beta 0).
     */
    public void tile(int k, float[] pa, float[] pb, float[] c, int ic, int ldc) {
        int mr = kernel.mr(), nr = kernel.nr();
        if (k < 0 || pa.length < k * mr || pb.length < k * nr || ldc < nr || ic < 0
                || c.length < ic + (mr - 1) * ldc + nr) {
            throw new IllegalArgumentException(id() + " tile: k=" + k + " needs pa >= " + k * mr + ", pb >= "
                    + k * nr + ", ldc >= " + nr + ", c >= " + ic + " + " + ((mr - 1) * ldc + nr) + "; got pa "
                    + pa.length + ", pb " + pb.length + ", ldc " + ldc + ", c " + c.length + " at " + ic);
        }
        kernel.packed(k, pa, 0, pb, 0, c, ic, ldc, 1f, 0f);
    }
}
