package org.simdnn.nn;

import org.simdnn.ops.Availability;
import org.simdnn.ops.Backend;
import org.simdnn.ops.BackendProvider;

/**
 * Registers {@link RefBackend} (test class path only) as backend "nn-ref", below the CPU backend, so the whole nn
 * suite, guide included, can run on the reference: {@code mvn test -pl nn -Dsimdnn.backend=nn-ref}.
 */
public final class RefBackendProvider implements BackendProvider {
    @Override public String name() { return "nn-ref"; }
    @Override public int priority() { return -10; }
    @Override public Availability probe() { return Availability.yes("scalar reference from nn's tests"); }
    @Override public Backend create() { return new RefBackend(); }
}
