package org.simdnn.ffm.cuda;

/**
 * The arithmetic of the CUDA backend's GEMM and convolutions: FP32 FMA on the CUDA cores, or Tensor Cores with
 * FP32 accumulation over inputs rounded to a shorter mantissa. {@code -Dsimdnn.cuda.math=fp32|tf32|bf16|fp16}
 * picks it; TF32 is the default, as PyTorch's for convolutions.
 *
 * <p>{@link #unitRoundoff} is the relative error of rounding one input (half an ulp of 1): a product of two
 * rounded inputs is off by at most {@code 2u + u²} of |a||b|, whatever the reduction length, and the FP32
 * accumulation adds the usual {@code k·eps}. The conformance tolerances are built from exactly that bound.
 */
public enum CudaMath {
    FP32(0, 0.0),
    /** 10 explicit mantissa bits: u = 2^-11. */
    TF32(1, 0x1p-11),
    /** 7 explicit mantissa bits: u = 2^-8. */
    BF16(2, 0x1p-8),
    /** 10 explicit mantissa bits, u = 2^-11, but a range of ±65504: larger inputs overflow to infinity. */
    FP16(3, 0x1p-11);

    /** The {@code SD_MATH_*} value of simdnn_cuda.h. */
    final int code;
    private final double unitRoundoff;

    CudaMath(int code, double unitRoundoff) {
        this.code = code;
        this.unitRoundoff = unitRoundoff;
    }

    /** Relative rounding error of one GEMM input beyond FP32 (0 for FP32). */
    public double unitRoundoff() { return unitRoundoff; }

    /** {@code -Dsimdnn.cuda.math}, default TF32; an unknown value is an error naming the choices. */
    static CudaMath fromProperty() {
        String v = System.getProperty("simdnn.cuda.math", "tf32").trim();
        for (CudaMath m : values()) if (m.name().equalsIgnoreCase(v)) return m;
        throw new IllegalArgumentException("-Dsimdnn.cuda.math=" + v + ": expected fp32, tf32, bf16 or fp16");
    }
}
