package org.simdnn.ops;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Finds backends with {@link ServiceLoader}. {@link #get()} returns the one named by
 * {@code -Dsimdnn.backend=NAME} (the CPU backend, with the reason logged, if that one cannot run here), else
 * the highest-priority available one, else "cpu". Instances are cached:
 * a backend is stateless apart from its thread pool and may be shared by all threads.
 */
public final class Backends {
    private static final Map<String, Resolved> RESOLVED = new HashMap<>(); // guarded by Backends.class

    private Backends() {}

    /** Every provider on the class path, highest priority first. */
    public static List<BackendProvider> providers() {
        List<BackendProvider> list = new ArrayList<>();
        ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader()).forEach(list::add);
        list.sort(Comparator.comparingInt(BackendProvider::priority).reversed());
        return list;
    }

    /** The backend named by -Dsimdnn.backend, or the best available one. */
    public static Backend get() {
        String wanted = System.getProperty("simdnn.backend", "").trim();
        if (!wanted.isEmpty()) return get(wanted);
        for (BackendProvider p : providers()) {
            if (p.probe().available()) return get(p.name());
        }
        return get("cpu");
    }

    /** The backend with this name, or the CPU backend if it cannot run here (see {@link #resolve}). */
    public static Backend get(String name) { return resolve(name).backend(); }

    /**
     * What {@link #resolve} found: the backend to use, and why it is not the one asked for ({@code null} when it
     * is). A machine without a GPU or a native library never fails because of that backend.
     */
    public record Resolved(Backend backend, String fallbackReason) {
        public boolean fellBack() { return fallbackReason != null; }
    }

    /**
     * The backend with this name; if its provider says it cannot run here (no library, no driver, no device), the
     * CPU backend with the reason, which is also logged once (WARNING, {@code System.Logger} "org.simdnn"). An unknown name is an error naming the
     * known ones.
     */
    public static synchronized Resolved resolve(String name) { // reentrant: a fallback resolves "cpu" inside
        Resolved r = RESOLVED.get(name);
        if (r != null) return r;
        List<String> seen = new ArrayList<>();
        for (BackendProvider p : providers()) {
            if (p.name().equals(name)) {
                Availability a = p.probe();
                if (a.available()) {
                    r = new Resolved(p.create(), null);
                } else {
                    String reason = "backend '" + name + "' is unavailable: " + a.reason();
                    System.getLogger("org.simdnn").log(System.Logger.Level.WARNING,
                            "simdnn: " + reason + "; running on the cpu backend");
                    r = new Resolved(cpu(), reason);
                }
                RESOLVED.put(name, r);
                return r;
            }
            seen.add(p.name());
        }
        throw new IllegalArgumentException("no backend named '" + name + "'; found " + seen);
    }

    /** The CPU backend, always present: the fallback for ops other backends do not support. */
    public static Backend cpu() {
        Resolved r = resolve("cpu");
        if (r.fellBack()) throw new IllegalStateException(r.fallbackReason()); // the CPU backend always runs
        return r.backend();
    }
}
