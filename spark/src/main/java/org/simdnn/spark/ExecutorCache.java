package org.simdnn.spark;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;
import org.simdnn.nn.Module;
import org.simdnn.nn.Predictor;

/**
 * What an executor JVM keeps between tasks: loaded models by content hash (a {@link Predictor}, whose per-thread
 * sessions serve Spark's task threads) and, during a training run, the idle per-task model copies. Bounded: the
 * least recently used entries go when more than {@link #CAPACITY} models or runs have been seen, so a long-lived
 * executor that scores many models does not keep them all.
 */
final class ExecutorCache {
    static final int CAPACITY = 8;
    private static final Map<String, Object> ENTRIES = new LinkedHashMap<>(16, 0.75f, true) {
        @Override protected boolean removeEldestEntry(Map.Entry<String, Object> e) { return size() > CAPACITY; }
    };

    private ExecutorCache() {}

    /** A model loaded for scoring; the predictor hands each task thread its own session. */
    record Loaded(Module model, Predictor predictor) {}

    /** The loaded model, loading it on the first call in this JVM. */
    static Loaded model(ModelBytes bytes) {
        return get("model:" + bytes.sha256(), () -> {
            Module m = bytes.load();
            return new Loaded(m, new Predictor(m));
        });
    }

    /** The idle objects of a training run (one per concurrent task), created empty on first use. */
    static <T> ConcurrentLinkedQueue<T> pool(String runId) {
        return get("pool:" + runId, ConcurrentLinkedQueue::new);
    }

    /** Loading happens under the lock: two tasks asking for the same model wait for one load, not two. */
    @SuppressWarnings("unchecked")
    private static synchronized <T> T get(String key, Supplier<T> create) {
        Object v = ENTRIES.get(key);
        if (v == null) {
            v = create.get();
            ENTRIES.put(key, v);
        }
        return (T) v;
    }

    static synchronized void clear() { ENTRIES.clear(); }

    static synchronized int size() { return ENTRIES.size(); }
}
