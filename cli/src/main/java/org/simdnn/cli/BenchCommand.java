package org.simdnn.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.simdnn.bench.report.BenchPlan;
import org.simdnn.bench.report.BenchRunner;
import org.simdnn.bench.report.Preset;
import org.simdnn.bench.report.ReportTable;
import org.simdnn.bench.report.ResultFiles;
import org.simdnn.bench.report.Suite;
import org.simdnn.nn.io.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./simdnn bench gemm|microkernel|conv|ops|calls|storage|infer|all}: runs the JMH suites, prints a table (GFLOPS,
 * ratio to the best OpenBLAS impl, % of the measured FMA peak; for {@code infer} images/s, median and p99 latency,
 * bytes allocated per call and the ratios to ONNX Runtime) and writes JSON, CSV, Markdown and PNG charts.
 */
@Command(name = "bench", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Run the JMH benchmark suites and report GFLOPS, the ratio to OpenBLAS and %% of the FMA peak.",
                "Writes jmh-<suite>.json, results.csv, results.jsonl, environment.json, report.md and PNG charts "
                        + "into the results folder."})
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SUITE", description = "gemm, microkernel, conv, ops, calls, storage, infer (whole ONNX models vs ONNX Runtime) or all")
    String suite;

    @Option(names = "--from", paramLabel = "DIR",
            description = "run nothing: rebuild table, CSV, JSON lines, report.md and charts from DIR's jmh-*.json")
    Path from;

    @Option(names = "--quick", description = "1 fork, 2x1s warm-up, 3x1s measurement, reduced shapes (minutes on 2 cores)")
    boolean quick;

    @Option(names = "--json", description = "print one JSON object per result line on stdout (progress goes to stderr)")
    boolean json;

    @Option(names = "--threads", split = ",", paramLabel = "T", converter = OptionValues.Threads.class, description = "thread counts, e.g. 1,2 (default: as each suite declares)")
    List<Integer> threads = new ArrayList<>();

    @Option(names = "--impl", split = ",", paramLabel = "IMPL", description = "only these impls, e.g. simdnn,openblas-jni")
    List<String> impls = new ArrayList<>();

    @Option(names = {"-p", "--param"}, paramLabel = "NAME=V1,V2", description = "override a JMH @Param, e.g. -p shape=m512n512k512")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--out", paramLabel = "DIR", description = "results folder (default: results/<date>-<suite>/)")
    Path out;

    @Option(names = "--openblas-env", paramLabel = "MODE", defaultValue = "inherit",
            description = "inherit: OpenBLAS sees this environment's OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE; "
                    + "both: also rerun the OpenBLAS impls in a child JVM with them unset ([auto] vs [haswell])")
    BenchPlan.OpenBlasEnv openblasEnv;

    @Option(names = "--no-charts", description = "skip the PNG charts")
    boolean noCharts;

    @Option(names = "--no-peak", description = "skip the FMA peak measurement (no %% peak column)")
    boolean noPeak;

    @Override
    public Integer call() throws Exception {
        String cmd = "./simdnn " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
        if (from != null) {
            BenchRunner.Outcome o = new BenchRunner(System.err).report(from, cmd);
            print(o, from);
            return 0;
        }
        if (suite == null) {
            throw new IllegalArgumentException("name a suite (gemm, microkernel, conv, ops, calls, storage, infer, all) or --from DIR");
        }
        List<Suite> suites = Suite.parse(suite); // an unknown name: an IllegalArgumentException naming it
        Map<String, List<String>> overrides = new LinkedHashMap<>();
        params.forEach((k, v) -> overrides.put(k, List.of(v.split(","))));
        Path dir = out != null ? out : defaultOut(suite);
        AtomicFiles.checkWritableDirectory(dir); // before minutes of benchmarks, not after
        BenchPlan plan = new BenchPlan(suites, quick ? Preset.QUICK : Preset.FULL, threads, impls, overrides, openblasEnv,
                dir, !noPeak, !noCharts, cmd);

        PrintStream progress = System.err;
        BenchRunner.Outcome o = new BenchRunner(progress).run(plan);
        if (o.missing().size() == suites.size()) {
            System.err.println("simdnn bench: nothing to run; " + (suites.size() == 1 ? "that suite has" : "those suites have")
                    + " not landed in this build.");
            return 3;
        }
        print(o, dir);
        if (!o.failures().isEmpty()) {
            System.err.println("simdnn bench: " + o.failures().size() + " configuration(s) failed; see " + dir.resolve("jmh.log"));
            return 1;
        }
        return 0;
    }

    private void print(BenchRunner.Outcome o, Path dir) {
        if (json) {
            for (String line : ResultFiles.jsonLines(o.table())) System.out.println(line);
        } else {
            System.out.println();
            System.out.print(o.environment().describe());
            System.out.println();
            System.out.println("GFLOPS = ops/s x flops(shape); vs OpenBLAS = ratio to the best OpenBLAS impl (same shape, threads);"
                    + " % peak = of the measured FMA peak");
            if (o.table().rows().stream().anyMatch(r -> !Double.isNaN(ReportTable.gbps(r.result())))) {
                System.out.println("GB/s = ops/s x bytes of B (small-m GEMM); stream = a plain read of the same B (read bandwidth)");
            }
            if (o.table().rows().stream().anyMatch(r -> r.result().latency() != null)) System.out.println("infer: images/s = ops/s x batch; vs onnxruntime = throughput ratio; p50 vs, p99 vs = ONNX Runtime's"
                    + " latency / simdnn's (>1: simdnn faster); B/op = bytes allocated per call");
            System.out.println();
            System.out.print(o.table().toText());
            for (String n : o.notes()) System.out.println("note: " + n);
            System.out.println("results: " + dir.toAbsolutePath());
        }
    }

    private static Path defaultOut(String suite) {
        String home = System.getProperty("simdnn.home");
        Path root = home == null ? Path.of("") : Path.of(home);
        String date = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmm"));
        return root.resolve("results").resolve(date + "-" + suite.toLowerCase(java.util.Locale.ROOT));
    }
}
