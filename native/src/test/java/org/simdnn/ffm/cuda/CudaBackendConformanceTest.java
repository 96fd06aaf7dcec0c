package org.simdnn.ffm.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Nested;
import org.simdnn.ops.Availability;
import org.simdnn.ops.Backend;
import org.simdnn.ops.BackendConformanceTest;

/**
 * The backend conformance suite on the GPU, once per {@link CudaMath}; skips with the reason where the library, the
 * driver or an sm_80+ GPU is missing.
 *
 * <p>Tolerances. FP32 math is held to the CPU backends' bounds unchanged (FP32 FMA in another order stays within
 * {@code k·eps} of the sum of |terms|). Tensor Core math rounds both inputs of every product to unit roundoff u
 * (TF32 and FP16 u = 2^-11, BF16 u = 2^-8) and accumulates in FP32, so each product is off by at most
 * {@code (2u + u²)|a||b|} and a reduction by that times the sum of |terms|, on top of the FP32 bound: that is the
 * widening {@link #gemmInputRoundoff()} applies to GEMM and the three convolution passes (relative 9.8e-4 for
 * TF32/FP16, 7.8e-3 for BF16). The test data lie in [-1, 1), far inside FP16's range. Every other op is FP32 on the
 * device with double accumulation in its reductions and keeps the suite's tolerances.
 */
class CudaBackendConformanceTest extends BackendConformanceTest {

    static Backend cuda(CudaMath math) {
        Availability a = CudaBackend.availability();
        assumeTrue(a.available(), () -> "CUDA cannot run here: " + a.reason());
        return new CudaBackend(math);
    }

    @Override public Backend backend() { return cuda(CudaMath.FP32); }

    @Nested
    class Tf32 extends BackendConformanceTest {
        @Override public Backend backend() { return cuda(CudaMath.TF32); }
        @Override public double gemmInputRoundoff() { return CudaMath.TF32.unitRoundoff(); }
    }

    @Nested
    class Bf16 extends BackendConformanceTest {
        @Override public Backend backend() { return cuda(CudaMath.BF16); }
        @Override public double gemmInputRoundoff() { return CudaMath.BF16.unitRoundoff(); }
    }

    @Nested
    class Fp16 extends BackendConformanceTest {
        @Override public Backend backend() { return cuda(CudaMath.FP16); }
        @Override public double gemmInputRoundoff() { return CudaMath.FP16.unitRoundoff(); }
    }
}
