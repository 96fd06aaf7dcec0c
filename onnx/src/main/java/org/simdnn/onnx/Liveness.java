package org.simdnn.onnx;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Arena assignment: every runtime value's root gets a buffer from the time it is written to its last reader
 * (graph outputs live to the end), after which the buffer returns to the pool. A step's outputs are
 * assigned before its inputs are released, so no step reads and writes the same buffer. Best fit by size;
 * a buffer grows to the largest value it ever holds.
 */
final class Liveness {
    private Liveness() {}

    /** Sets {@link Value#buffer} on every runtime root and returns the buffer sizes in floats. */
    static int[] assign(List<Step> steps, List<Value> inputs, List<Value> outputs) {
        Map<Value, Integer> last = new IdentityHashMap<>();
        for (int i = 0; i < steps.size(); i++) {
            for (Value v : steps.get(i).inputs) if (!v.isConst()) last.put(v.root, i);
            for (Value v : steps.get(i).outputs) last.putIfAbsent(v.root, i);
        }
        for (Value v : inputs) last.putIfAbsent(v.root, -1);
        for (Value v : outputs) if (!v.isConst()) last.put(v.root, Integer.MAX_VALUE);

        List<Integer> sizes = new ArrayList<>();
        List<Integer> free = new ArrayList<>();
        List<List<Value>> releaseAt = new ArrayList<>();
        for (int i = 0; i <= steps.size(); i++) releaseAt.add(new ArrayList<>());
        for (Value v : inputs) take(v.root, sizes, free, last, releaseAt);
        for (Value v : releaseAt.get(0)) free.add(v.buffer); // inputs nobody reads
        for (int i = 0; i < steps.size(); i++) {
            for (Value v : steps.get(i).outputs) if (v.root.buffer < 0) take(v.root, sizes, free, last, releaseAt);
            for (Value v : releaseAt.get(i + 1)) free.add(v.buffer);
        }
        int[] out = new int[sizes.size()];
        for (int i = 0; i < out.length; i++) out[i] = sizes.get(i);
        return out;
    }

    private static void take(Value root, List<Integer> sizes, List<Integer> free, Map<Value, Integer> last,
                             List<List<Value>> releaseAt) {
        int need = root.size();
        int best = -1;
        for (int j = 0; j < free.size(); j++) {
            int b = free.get(j), s = sizes.get(b);
            if (best < 0) { best = j; continue; }
            int bs = sizes.get(free.get(best));
            // Prefer the smallest buffer that fits, else the largest (grown least).
            boolean fits = s >= need, bestFits = bs >= need;
            if (fits && (!bestFits || s < bs) || !fits && !bestFits && s > bs) best = j;
        }
        if (best >= 0) {
            int b = free.remove(best);
            sizes.set(b, Math.max(sizes.get(b), need));
            root.buffer = b;
        } else {
            root.buffer = sizes.size();
            sizes.add(need);
        }
        int l = last.getOrDefault(root, -1);
        if (l != Integer.MAX_VALUE) releaseAt.get(Math.max(0, l + 1)).add(root);
    }
}
