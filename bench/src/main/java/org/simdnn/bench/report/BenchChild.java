package org.simdnn.bench.report;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The child JVM of {@code --openblas-env both}: started by {@link BenchRunner} with OPENBLAS_CORETYPE and
 * OPENBLAS_L2_SIZE removed from its environment (which JMH's own forks then inherit), it runs one suite with
 * the given parameters and writes JMH's JSON. Progress goes to stderr, JMH's log to stdout.
 *
 * <p>Arguments: {@code <suite> <QUICK|FULL> <json-out> [name=v1,v2 ...]}.
 */
public final class BenchChild {
    private BenchChild() {}

    static List<String> args(Suite s, Preset p, Path json, Map<String, List<String>> params) {
        List<String> a = new ArrayList<>(List.of(s.id(), p.name(), json.toString()));
        for (var e : params.entrySet()) a.add(e.getKey() + "=" + String.join(",", e.getValue()));
        return a;
    }

    public static void main(String[] args) {
        if (args.length < 3) {
            System.err.println("usage: BenchChild <suite> <QUICK|FULL> <json-out> [name=v1,v2 ...]");
            System.exit(2);
        }
        Suite s = Suite.parse(args[0]).get(0);
        Preset p = Preset.valueOf(args[1]);
        Path json = Path.of(args[2]);
        Map<String, List<String>> params = new LinkedHashMap<>();
        for (int i = 3; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            params.put(args[i].substring(0, eq), List.of(args[i].substring(eq + 1).split(",")));
        }
        Class<?> cls = s.benchClass().orElseThrow(() -> new IllegalStateException(s.className() + " not in this build"));
        ProgressFormat pf = new ProgressFormat(System.err, new PrintStream(System.out, true), "  [auto] ");
        BenchRunner.runJmh(s, cls, p, params, json, pf);
        System.exit(pf.failures().isEmpty() ? 0 : 1);
    }
}
