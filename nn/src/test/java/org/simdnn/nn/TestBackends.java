package org.simdnn.nn;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.opentest4j.TestAbortedException;
import org.simdnn.ops.Backend;
import org.simdnn.ops.Backends;

/**
 * The backends nn's tests run on: the scalar {@link RefBackend} (always) and the default backend
 * ({@code Backends.get()}, the CPU kernels). While a kernel is still a stub the CPU run is reported as
 * <em>aborted</em> with the backend's message (visible in the test report, never a silent pass).
 */
public final class TestBackends {
    private TestBackends() {}

    public static Stream<Backend> all() { return Stream.of(new RefBackend(), Backends.get()); }

    public static List<Backend> list() { return all().toList(); }

    /** Runs {@code body}; an op the backend has not implemented yet aborts the test with the reason. */
    public static void run(Executable body) throws Throwable {
        try {
            body.execute();
        } catch (UnsupportedOperationException e) {
            throw new TestAbortedException("backend op missing: " + e.getMessage(), e);
        }
    }
}
