package org.simdnn.kernels.cpu;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.simdnn.ops.Backend;
import org.simdnn.ops.BackendConformanceTest;
import org.simdnn.ops.Backends;

/**
 * The CPU backend's scalar form ({@link Backend#scalar()}: plain-Java GEMM, prepared convolutions and GEMMs,
 * inference max pooling, which an ONNX session runs until the vector kernels are warm) against the references.
 */
class CpuScalarFormConformanceTest extends BackendConformanceTest {
    @Override
    public Backend backend() {
        assumeTrue(CpuInfo.VECTOR_BITS > 0, "scalar JVM: the backend is its own scalar form (CpuBackendConformanceTest)");
        Backend s = Backends.cpu().scalar();
        assumeTrue(s != Backends.cpu(), "no scalar form");
        return s;
    }
}
