package org.simdnn.ffm.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.simdnn.ffm.cuda.CudaFunction.C.F;
import static org.simdnn.ffm.cuda.CudaFunction.C.I;
import static org.simdnn.ffm.cuda.CudaFunction.C.J;
import static org.simdnn.ffm.cuda.CudaFunction.C.P;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;

/**
 * Every entry point of {@code libsimdnn_cuda.so} (declared in {@code native/src/main/cuda/simdnn_cuda.h}) with its
 * C signature as an FFM descriptor: {@code int} is JAVA_INT, {@code long long} JAVA_LONG, {@code float} JAVA_FLOAT,
 * any pointer ADDRESS. All return an int status except {@link #ERROR_STRING}. {@code CudaSymbolsTest} checks this
 * table against the header and the built library's exports, so a renamed or re-typed C function fails the build.
 */
enum CudaFunction {
    RUNTIME_VERSION("sd_runtime_version", P),
    DRIVER_VERSION("sd_driver_version", P),
    DEVICE_COUNT("sd_device_count", P),
    DEVICE_INFO("sd_device_info", I, P, I, P, P, P, P),
    SET_DEVICE("sd_set_device", I),
    ERROR_STRING("sd_error_string", I),
    MALLOC("sd_malloc", P, J),
    FREE("sd_free", P),
    MEMCPY_HTOD("sd_memcpy_htod", P, P, J, P),
    MEMCPY_DTOH("sd_memcpy_dtoh", P, P, J, P),
    MEMSET_ZERO("sd_memset_zero", P, J, P),
    STREAM_CREATE("sd_stream_create", P),
    STREAM_DESTROY("sd_stream_destroy", P),
    STREAM_SYNC("sd_stream_sync", P),
    GEMM("sd_gemm", I, I, I, I, F, P, P, F, P, P),
    CONV2D_FORWARD("sd_conv2d_forward", I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, P, P, P, P, P),
    CONV2D_BACKWARD_DATA("sd_conv2d_backward_data", I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, P, P, P, P),
    CONV2D_BACKWARD_WEIGHTS("sd_conv2d_backward_weights", I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, I, P, P, P, P,
            P),
    BATCHNORM_FORWARD_TRAINING("sd_batchnorm_forward_training", I, I, F, F, I, P, P, P, P, P, P, P, P, P),
    BATCHNORM_FORWARD_INFERENCE("sd_batchnorm_forward_inference", I, I, F, I, P, P, P, P, P, P, P),
    BATCHNORM_BACKWARD("sd_batchnorm_backward", I, I, I, P, P, P, P, P, P, P, P, P, P),
    MAXPOOL_FORWARD("sd_maxpool_forward", I, I, I, I, I, I, I, I, I, I, I, I, P, P, P, P),
    MAXPOOL_BACKWARD("sd_maxpool_backward", I, I, I, I, I, I, I, I, I, I, I, I, P, P, P, P),
    AVGPOOL_FORWARD("sd_avgpool_forward", I, I, I, I, I, I, I, I, I, I, I, I, P, P, P),
    AVGPOOL_BACKWARD("sd_avgpool_backward", I, I, I, I, I, I, I, I, I, I, I, I, P, P, P),
    ACTIVATION_FORWARD("sd_activation_forward", I, F, J, P, P, P),
    ACTIVATION_BACKWARD("sd_activation_backward", I, F, J, P, P, P, P, P),
    SOFTMAX("sd_softmax", I, I, I, P, P, P),
    SOFTMAX_CROSS_ENTROPY("sd_softmax_cross_entropy", I, I, F, P, P, P, P, P),
    SGD_STEP("sd_sgd_step", J, F, F, F, I, F, I, I, P, P, P, P),
    ADAM_STEP("sd_adam_step", J, F, F, F, F, I, F, F, F, P, P, P, P, P);

    /** The C name. */
    final String symbol;
    final FunctionDescriptor descriptor;

    CudaFunction(String symbol, MemoryLayout... args) {
        this.symbol = symbol;
        this.descriptor = symbol.equals("sd_error_string") ? FunctionDescriptor.of(ADDRESS, args)
                : FunctionDescriptor.of(JAVA_INT, args);
    }

    /** The C types, short so that the table above reads as a column of C signatures. */
    static final class C {
        static final MemoryLayout I = JAVA_INT, J = java.lang.foreign.ValueLayout.JAVA_LONG,
                F = java.lang.foreign.ValueLayout.JAVA_FLOAT, P = ADDRESS;

        private C() {}
    }
}
