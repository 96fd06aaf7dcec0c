package org.simdnn.ffm.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * The device and host memory of one op: every device buffer allocated here is freed by {@link #close}, together
 * with the host staging buffers (a confined {@link Arena}). Copies run on the legacy default stream;
 * {@link #download} waits for the stream, so an op's results are on the host when it returns.
 *
 * <pre>{@code
 * try (DeviceArena dev = new DeviceArena(lib)) {
 *     MemorySegment x = dev.upload(hostX), y = dev.alloc(bytes);
 *     lib.check(CudaFunction.SOFTMAX, rows, k, 0, x, y, MemorySegment.NULL);
 *     dev.download(y, hostY);
 * }
 * }</pre>
 */
final class DeviceArena implements AutoCloseable {
    /** cudaStream_t of every copy and kernel: NULL is the legacy default stream. */
    static final MemorySegment STREAM = MemorySegment.NULL;

    private final CudaLibrary lib;
    private final Arena host = Arena.ofConfined();
    private final List<MemorySegment> device = new ArrayList<>();

    DeviceArena(CudaLibrary lib) { this.lib = lib; }

    /** Zeroed host memory for staging. */
    MemorySegment host(long bytes) { return host.allocate(Math.max(1, bytes), 16); }

    /** Device memory, uninitialised; freed by {@link #close}. */
    MemorySegment alloc(long bytes) {
        MemorySegment out = host.allocate(ADDRESS);
        lib.check(CudaFunction.MALLOC, out, bytes);
        MemorySegment p = out.get(ADDRESS, 0);
        device.add(p);
        return p;
    }

    /** Device memory set to zero. */
    MemorySegment zeros(long bytes) {
        MemorySegment p = alloc(bytes);
        lib.check(CudaFunction.MEMSET_ZERO, p, bytes, STREAM);
        return p;
    }

    /** A device copy of a host segment. */
    MemorySegment upload(MemorySegment hostSrc) {
        MemorySegment p = alloc(hostSrc.byteSize());
        lib.check(CudaFunction.MEMCPY_HTOD, p, hostSrc, hostSrc.byteSize(), STREAM);
        return p;
    }

    /** A device copy of {@code a[off, off + n)}. */
    MemorySegment upload(float[] a, int off, int n) {
        MemorySegment h = host((long) n * Float.BYTES);
        MemorySegment.copy(a, off, h, JAVA_FLOAT, 0, n);
        return upload(h);
    }

    MemorySegment upload(int[] a, int off, int n) {
        MemorySegment h = host((long) n * Integer.BYTES);
        MemorySegment.copy(a, off, h, JAVA_INT, 0, n);
        return upload(h);
    }

    /** Copies device memory into a host segment of the same size and waits for it. */
    void download(MemorySegment dev, MemorySegment hostDst) {
        lib.check(CudaFunction.MEMCPY_DTOH, hostDst, dev, hostDst.byteSize(), STREAM);
        lib.check(CudaFunction.STREAM_SYNC, STREAM);
    }

    /** Copies n floats of device memory into {@code a[off, off + n)}. */
    void download(MemorySegment dev, float[] a, int off, int n) {
        MemorySegment h = host((long) n * Float.BYTES);
        download(dev, h);
        MemorySegment.copy(h, JAVA_FLOAT, 0, a, off, n);
    }

    void download(MemorySegment dev, int[] a, int off, int n) {
        MemorySegment h = host((long) n * Integer.BYTES);
        download(dev, h);
        MemorySegment.copy(h, JAVA_INT, 0, a, off, n);
    }

    double[] downloadDoubles(MemorySegment dev, int n) {
        MemorySegment h = host((long) n * Double.BYTES);
        download(dev, h);
        return h.toArray(JAVA_DOUBLE);
    }

    /** Frees every device buffer (reporting the first failure) and the host staging memory. */
    @Override
    public void close() {
        RuntimeException first = null;
        for (MemorySegment p : device) {
            try {
                lib.check(CudaFunction.FREE, p);
            } catch (RuntimeException e) {
                if (first == null) first = e;
            }
        }
        device.clear();
        host.close();
        if (first != null) throw first;
    }
}
