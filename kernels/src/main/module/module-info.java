/**
 * Tensors, the {@code Backend} seam and the pure-Java CPU backend. The Vector API is optional
 * ({@code requires static}): without {@code --add-modules jdk.incubator.vector} the kernels run their scalar
 * paths, and {@code CpuInfo} says so once with the flag to add. Kernel packages are exported only to the
 * modules that build on them (the ONNX runtime and the native backends); applications see tensors and ops.
 */
module org.simdnn.kernels {
    requires static jdk.incubator.vector;
    requires static jdk.management; // only the tests' allocation counters (com.sun.management.ThreadMXBean)

    exports org.simdnn.tensor;
    exports org.simdnn.ops;
    exports org.simdnn.kernels.conv to org.simdnn.onnx, org.simdnn.ffm;
    exports org.simdnn.kernels.layout to org.simdnn.onnx;
    exports org.simdnn.kernels.gemm to org.simdnn.ffm;

    uses org.simdnn.ops.BackendProvider;
    provides org.simdnn.ops.BackendProvider with org.simdnn.kernels.cpu.CpuBackendProvider;
}
