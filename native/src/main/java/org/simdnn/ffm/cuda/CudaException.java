package org.simdnn.ffm.cuda;

/** A CUDA call failed on the device (arguments are checked in Java before any call, so this is a device fault). */
public final class CudaException extends IllegalStateException {
    CudaException(String message) { super(message); }
}
