package org.simdnn.bench.report;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.simdnn.bench.FmaPeak;

/**
 * Runs benchmark suites through JMH's Java API and writes the report: JMH JSON per suite, {@code results.csv},
 * {@code results.jsonl}, {@code environment.json}, {@code report.md}, PNG charts and {@code jmh.log}.
 *
 * <p>JMH forks one JVM per configuration with this JVM's class path ({@code java.class.path}) and its
 * arguments (JMH's default), plus the Vector API and native-access flags if this JVM lacks them. Environment
 * variables cannot be removed for JMH's forks, so the OpenBLAS "[auto]" run (OPENBLAS_CORETYPE and
 * OPENBLAS_L2_SIZE unset) is a child JVM started with them removed, running {@link BenchChild}.
 */
public final class BenchRunner {
    /** Flags every fork needs (mirrors the parent POM's {@code simdnn.jvm.flags}). */
    static final List<String> JVM_FLAGS = List.of("--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED");
    static final List<String> OPENBLAS_VARS = List.of("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE");
    static final long PEAK_MILLIS = 500;

    /** Everything a run produced. */
    public record Outcome(Environment environment, ReportTable table, List<Path> files, List<String> notes,
                          List<String> failures, List<Suite> missing) {}

    private final PrintStream progress;

    /** @param progress where progress lines go (stderr for the CLI, so stdout stays clean for --json) */
    public BenchRunner(PrintStream progress) {
        this.progress = progress;
    }

    public Outcome run(BenchPlan plan) throws IOException {
        List<String> notes = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        List<Suite> missing = new ArrayList<>();
        Map<Suite, Class<?>> present = new LinkedHashMap<>();
        for (Suite s : plan.suites()) {
            var c = s.benchClass();
            if (c.isPresent()) {
                present.put(s, c.get());
            } else {
                missing.add(s);
                String msg = "suite '" + s.id() + "' (" + s.className() + ") is not in this build. Skipped.";
                notes.add(msg);
                progress.println("simdnn bench: " + msg);
            }
        }
        Files.createDirectories(plan.outDir());
        Map<Integer, Double> peak = new LinkedHashMap<>();
        if (plan.fmaPeak() && !present.isEmpty()) measurePeak(peak);

        List<BenchResult> results = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        try (PrintStream log = new PrintStream(Files.newOutputStream(plan.outDir().resolve("jmh.log")), true,
                StandardCharsets.UTF_8)) {
            files.add(plan.outDir().resolve("jmh.log"));
            for (var e : present.entrySet()) {
                Suite s = e.getKey();
                Map<String, List<String>> params;
                try {
                    params = ParamPlan.effective(e.getValue(), plan.preset() == Preset.QUICK, plan.threads(), plan.impls(),
                            plan.overrides());
                } catch (IllegalArgumentException ex) {
                    notes.add("suite '" + s.id() + "' skipped: " + ex.getMessage());
                    progress.println("simdnn bench: suite '" + s.id() + "' skipped: " + ex.getMessage());
                    continue;
                }
                progress.println("simdnn bench: " + s.id() + " (" + e.getValue().getSimpleName() + ", " + describe(params) + ")");
                Path json = plan.outDir().resolve("jmh-" + s.id() + ".json");
                ProgressFormat pf = new ProgressFormat(progress, log, "  ");
                runJmh(s, e.getValue(), plan.preset(), params, json, pf);
                files.add(json);
                List<BenchResult> got = JmhJson.read(json);
                failures.addAll(pf.failures());
                for (String k : pf.skipped()) notes.add("skipped by the suite: " + k);
                List<String> blasImpls = openBlasImpls(params);
                if (plan.openblasEnv() == BenchPlan.OpenBlasEnv.BOTH && !blasImpls.isEmpty()) {
                    String label = inheritedLabel();
                    if (label.equals("auto")) {
                        notes.add("--openblas-env both: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are already unset here; "
                                + "one OpenBLAS run only.");
                    } else {
                        got = relabel(got, label);
                        Map<String, List<String>> childParams = new LinkedHashMap<>(params);
                        childParams.put("impl", blasImpls);
                        Path auto = plan.outDir().resolve("jmh-" + s.id() + "-auto.json");
                        progress.println("simdnn bench: " + s.id() + " OpenBLAS again with " + OPENBLAS_VARS + " unset (child JVM)");
                        int rc = runChild(s, plan.preset(), childParams, auto, plan.outDir().resolve("jmh-auto.log"));
                        if (rc != 0) failures.add(s.id() + " [auto] child run exited with " + rc + " (see jmh-auto.log)");
                        files.add(auto);
                        got = new ArrayList<>(got);
                        got.addAll(relabel(JmhJson.read(auto), "auto"));
                    }
                }
                results.addAll(got);
                // Load on a shared machine only lowers the peak: keep the best of the measurements around the suites.
                if (plan.fmaPeak()) measurePeak(peak);
            }
        }
        Environment env = Environment.current(presetDescription(plan), plan.command(), peak);

        return writeReport(plan.outDir(), plan.charts(), env, results, files, notes, failures, missing);
    }

    /**
     * Rebuilds the report from a results folder's JMH JSON files without running anything: {@code jmh-<suite>.json}
     * plus, where present, {@code jmh-<suite>-auto.json} (then the first file's OpenBLAS rows are labelled with the
     * environment.json's OPENBLAS_CORETYPE and the second's {@code [auto]}). The environment, with its FMA peak,
     * comes from {@code environment.json} when present.
     */
    public Outcome report(Path dir, String command) throws IOException {
        Path envFile = dir.resolve("environment.json");
        Environment env = Files.exists(envFile) ? ResultFiles.readEnvironment(Files.readString(envFile))
                : Environment.current("unknown (report rebuilt from JMH JSON)", command, Map.of());
        List<BenchResult> results = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<Path> jsons;
        try (var st = Files.list(dir)) {
            jsons = st.filter(p -> p.getFileName().toString().matches("jmh-[a-z0-9]+\\.json")).sorted().toList();
        }
        for (Path json : jsons) {
            String id = json.getFileName().toString().replaceAll("^jmh-|\\.json$", "");
            Path auto = dir.resolve("jmh-" + id + "-auto.json");
            List<BenchResult> got = JmhJson.read(json);
            if (Files.exists(auto)) {
                String core = env.openblasCoretype().equals("(unset)") ? "env" : env.openblasCoretype().toLowerCase(Locale.ROOT);
                got = new ArrayList<>(relabel(got, core));
                got.addAll(relabel(JmhJson.read(auto), "auto"));
                files.add(auto);
            }
            files.add(json);
            results.addAll(got);
        }
        progress.println("simdnn bench: report rebuilt from " + jsons.size() + " JMH JSON file(s) in " + dir);
        return writeReport(dir, true, env, results, files, new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    }

    private static Outcome writeReport(Path outDir, boolean wantCharts, Environment env, List<BenchResult> results,
                                       List<Path> files, List<String> notes, List<String> failures, List<Suite> missing)
            throws IOException {
        PlanLess plan = new PlanLess(outDir, wantCharts);
        ReportTable table = ReportTable.of(results, env, ParamOrder.declared());
        List<Path> charts = new ArrayList<>();
        if (plan.charts() && !table.rows().isEmpty()) {
            try {
                charts = Charts.write(table, plan.outDir());
            } catch (IOException | RuntimeException | LinkageError ex) {
                notes.add("charts not written: " + ex);
            }
        }
        for (String f : failures) notes.add("FAILED: " + f);
        Path csv = plan.outDir().resolve("results.csv"), jsonl = plan.outDir().resolve("results.jsonl");
        Path envJson = plan.outDir().resolve("environment.json"), md = plan.outDir().resolve("report.md");
        ResultFiles.write(csv, ResultFiles.csv(table));
        ResultFiles.write(jsonl, String.join("\n", ResultFiles.jsonLines(table)) + (table.rows().isEmpty() ? "" : "\n"));
        ResultFiles.write(envJson, ResultFiles.environmentJson(env));
        ResultFiles.write(md, ResultFiles.markdown(env, table, charts, notes));
        files.addAll(List.of(csv, jsonl, envJson, md));
        files.addAll(charts);
        return new Outcome(env, table, files, notes, failures, missing);
    }

    /** "full (-f 1 -wi 3 -w 2s -i 5 -r 2s)", with the suites that run other lengths named: "; infer: -f 1 ...". */
    static String presetDescription(BenchPlan plan) {
        Preset p = plan.preset();
        StringBuilder sb = new StringBuilder(p.name().toLowerCase(Locale.ROOT)).append(" (").append(p.jmhFlags());
        for (Suite s : plan.suites()) {
            if (!p.lengths(s).equals(p.lengths())) sb.append("; ").append(s.id()).append(": ").append(p.lengths(s).jmhFlags());
        }
        return sb.append(')').toString();
    }

    private static String describe(Map<String, List<String>> params) {
        StringBuilder sb = new StringBuilder();
        int configs = 1;
        for (var e : params.entrySet()) {
            configs *= e.getValue().size();
            if (sb.length() > 0) sb.append("; ");
            sb.append(e.getKey()).append('=').append(String.join(",", e.getValue()));
        }
        return configs + " configurations per method: " + sb;
    }

    /**
     * FMA peak at 1 thread and at all cores, measured in this JVM while no fork runs (before the first suite and
     * after each); {@code peak} keeps the highest value per thread count.
     */
    private void measurePeak(Map<Integer, Double> peak) {
        int n = Runtime.getRuntime().availableProcessors();
        for (int t : n == 1 ? new int[] {1} : new int[] {1, n}) {
            FmaPeak.Result r = FmaPeak.measure(t, PEAK_MILLIS);
            peak.merge(t, r.gflops(), Math::max);
            progress.printf(Locale.ROOT, "simdnn bench: FMA peak %d thread%s, %d-bit: %.1f GFLOPS (best so far %.1f)%n", t,
                    t == 1 ? "" : "s", r.vectorBits(), r.gflops(), peak.get(t));
        }
    }

    static List<String> openBlasImpls(Map<String, List<String>> params) {
        List<String> out = new ArrayList<>();
        for (String i : params.getOrDefault("impl", List.of())) if (i.contains("openblas")) out.add(i);
        return out;
    }

    /** "[haswell]" for OPENBLAS_CORETYPE=Haswell; "auto" when neither variable is set. */
    static String inheritedLabel() {
        String core = System.getenv("OPENBLAS_CORETYPE"), l2 = System.getenv("OPENBLAS_L2_SIZE");
        boolean coreSet = core != null && !core.isEmpty(), l2Set = l2 != null && !l2.isEmpty();
        if (!coreSet && !l2Set) return "auto";
        return coreSet ? core.toLowerCase(Locale.ROOT) : "l2=" + l2;
    }

    static List<BenchResult> relabel(List<BenchResult> in, String label) {
        List<BenchResult> out = new ArrayList<>();
        for (BenchResult r : in) out.add(r.isOpenBlas() ? r.withImpl(r.impl() + "[" + label + "]") : r);
        return out;
    }

    /**
     * One JMH run of suite {@code s} (class {@code cls}) in this JVM; results go to {@code json}. Suites that
     * {@linkplain Suite#profilesAllocation profile allocation} run with JMH's GC profiler (B/op in the report).
     */
    static void runJmh(Suite s, Class<?> cls, Preset preset, Map<String, List<String>> params, Path json, ProgressFormat out) {
        Preset.RunLengths len = preset.lengths(s);
        ChainedOptionsBuilder b = new OptionsBuilder()
                .include("^" + Pattern.quote(cls.getName()) + "\\.")
                .forks(len.forks())
                .warmupIterations(len.warmupIterations()).warmupTime(TimeValue.seconds(len.warmupSeconds()))
                .measurementIterations(len.measurementIterations()).measurementTime(TimeValue.seconds(len.measurementSeconds()))
                .timeout(TimeValue.minutes(5))
                .shouldFailOnError(false)
                .result(json.toString()).resultFormat(ResultFormatType.JSON);
        if (s.profilesAllocation()) b.addProfiler(GCProfiler.class);
        List<String> missingFlags = missingJvmFlags();
        if (!missingFlags.isEmpty()) b.jvmArgsAppend(missingFlags.toArray(String[]::new));
        for (var e : params.entrySet()) b.param(e.getKey(), e.getValue().toArray(String[]::new));
        try {
            Files.deleteIfExists(json);
            waitForJmhLock(out);
            new Runner(b.build(), out).run();
        } catch (IOException e) {
            out.println("<failure>");
            out.println("cannot replace " + json + ": " + e.getMessage());
        } catch (RunnerException e) {
            out.println("<failure>");
            out.println("JMH: " + e.getMessage());
        }
    }

    /** How long to wait for another JMH run on this machine to finish (JMH allows one at a time). */
    static final long LOCK_WAIT_MILLIS = Long.getLong("simdnn.bench.lockWaitMillis", 20 * 60_000L);

    /**
     * JMH lets one run per machine hold {@code <tmpdir>/jmh.lock} and fails the others at once; on a shared machine
     * we wait for the lock instead (two JMH runs at once would spoil both). {@code -Djmh.ignoreLock=true} skips this.
     */
    static void waitForJmhLock(ProgressFormat out) {
        if (Boolean.getBoolean("jmh.ignoreLock")) return;
        Path lock = Path.of(System.getProperty("java.io.tmpdir"), "jmh.lock");
        long deadline = System.currentTimeMillis() + LOCK_WAIT_MILLIS;
        boolean told = false;
        while (true) {
            try (var ch = java.nio.channels.FileChannel.open(lock, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.WRITE)) {
                var l = ch.tryLock();
                if (l != null) {
                    l.release();
                    return;
                }
            } catch (IOException | java.nio.channels.OverlappingFileLockException e) {
                return; // cannot probe: let JMH decide
            }
            if (System.currentTimeMillis() > deadline) return; // JMH will report the lock
            if (!told) {
                out.status("another JMH run holds " + lock + "; waiting for it to finish (up to "
                        + LOCK_WAIT_MILLIS / 60_000 + " min; -Djmh.ignoreLock=true to run anyway)");
                told = true;
            }
            try {
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The flags of {@link #JVM_FLAGS} this JVM was not started with (JMH's forks inherit the ones it has). */
    static List<String> missingJvmFlags() {
        String args = String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments());
        List<String> out = new ArrayList<>();
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty() || !args.contains("jdk.incubator.vector")) {
            out.add(JVM_FLAGS.get(0));
        }
        if (!args.contains("--enable-native-access")) out.add(JVM_FLAGS.get(1));
        return out;
    }

    /** Runs {@link BenchChild} in a new JVM without the OpenBLAS variables; returns its exit code. */
    private int runChild(Suite s, Preset preset, Map<String, List<String>> params, Path json, Path log) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.addAll(missingJvmFlags());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(BenchChild.class.getName());
        cmd.addAll(BenchChild.args(s, preset, json, params));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        for (String v : OPENBLAS_VARS) pb.environment().remove(v);
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            p.destroy();
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The two plan fields the report writer needs. */
    private record PlanLess(Path outDir, boolean charts) {}

    /** A stream that drops everything (for callers that want no JMH log). */
    static PrintStream nullStream() {
        return new PrintStream(OutputStream.nullOutputStream());
    }
}
