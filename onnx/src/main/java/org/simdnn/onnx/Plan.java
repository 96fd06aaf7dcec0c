package org.simdnn.onnx;

import java.util.List;
import java.util.Locale;

/**
 * What running a model on one set of input shapes takes: a flat list of {@link Step}s over pre-resolved
 * values, the arena (buffer sizes in floats, assigned by liveness), and the graph's inputs and outputs.
 * Immutable once built; every session binds it to its own arena.
 */
final class Plan {
    final List<Step> steps;
    final int[] bufferSizes;
    final List<Value> inputs;
    final List<Value> outputs;
    /** Nodes evaluated at load (all inputs constant) and other load-time notes. */
    final List<String> notes;

    Plan(List<Step> steps, int[] bufferSizes, List<Value> inputs, List<Value> outputs, List<String> notes) {
        this.steps = List.copyOf(steps);
        this.bufferSizes = bufferSizes;
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        this.notes = List.copyOf(notes);
    }

    double flops() {
        double f = 0;
        for (Step s : steps) f += s.flops();
        return f;
    }

    long arenaFloats() {
        long n = 0;
        for (int b : bufferSizes) n += b;
        return n;
    }

    String describe() {
        StringBuilder sb = new StringBuilder();
        for (Value v : inputs) sb.append("input  ").append(v.name).append(' ').append(v.describe()).append('\n');
        int i = 0;
        for (Step s : steps) {
            StringBuilder in = new StringBuilder();
            for (Value v : s.inputs) {
                if (v.isConst()) continue;
                if (in.length() > 0) in.append(", ");
                in.append(v.describe());
            }
            sb.append(String.format(Locale.ROOT, "%3d %-18s %-24s %s -> %s", i++, s.op, "'" + s.node + "'", in,
                    s.out().describe()));
            String d = s.detail();
            if (!d.isEmpty()) sb.append("  ").append(d);
            if (s.params() > 0) sb.append("  params=").append(s.params());
            if (s.flops() > 0) sb.append(String.format(Locale.ROOT, "  %.3g MFLOP", s.flops() / 1e6));
            sb.append("  [").append(s.impl()).append("]\n");
        }
        for (Value v : outputs) {
            sb.append("output ").append(v.name).append(' ').append(v.describe()).append(v.isConst() ? " (constant)" : "")
                    .append('\n');
        }
        for (String n : notes) sb.append("note   ").append(n).append('\n');
        sb.append(String.format(Locale.ROOT, "%d steps, %.4g MFLOP, arena %d buffers / %.3f MiB%n", steps.size(),
                flops() / 1e6, bufferSizes.length, arenaFloats() * 4.0 / (1 << 20)));
        return sb.toString();
    }
}
