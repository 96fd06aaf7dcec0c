package org.simdnn.ops;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds backends with {@link ServiceLoader}. {@link #get()} returns the one named by
 * {@code -Dsimdnn.backend=NAME}, else the highest-priority available one, else "cpu". Instances are cached:
 * a backend is stateless apart from its thread pool and may be shared by all threads.
 */
public final class Backends {
    private static final Map<String, Backend> CACHE = new ConcurrentHashMap<>();

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

    /** The backend with this name; an error naming the available ones if it is missing or unavailable. */
    public static Backend get(String name) {
        return CACHE.computeIfAbsent(name, n -> {
            List<String> seen = new ArrayList<>();
            for (BackendProvider p : providers()) {
                if (p.name().equals(n)) {
                    Availability a = p.probe();
                    if (!a.available()) {
                        throw new IllegalStateException("backend '" + n + "' is unavailable: " + a.reason());
                    }
                    return p.create();
                }
                seen.add(p.name());
            }
            throw new IllegalArgumentException("no backend named '" + n + "'; found " + seen);
        });
    }

    /** The CPU backend, always present: the fallback for ops other backends do not support. */
    public static Backend cpu() { return get("cpu"); }
}
