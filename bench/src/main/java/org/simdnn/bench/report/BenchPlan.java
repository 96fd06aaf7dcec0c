package org.simdnn.bench.report;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What {@code ./simdnn bench} was asked to do.
 *
 * @param suites      the suites, in run order
 * @param preset      run lengths
 * @param threads     values for the suites' {@code threads} parameter; empty = as declared
 * @param impls       the impls to run; empty = all declared
 * @param overrides   {@code -p name=v1,v2} parameter values
 * @param openblasEnv {@link OpenBlasEnv#BOTH} also runs the OpenBLAS impls in a child process with
 *                    OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed
 * @param outDir      results folder
 * @param fmaPeak     measure the FMA peak first (for "% peak")
 * @param charts      write PNG charts
 * @param command     the command line, recorded with the results
 */
public record BenchPlan(List<Suite> suites, Preset preset, List<Integer> threads, List<String> impls,
                        Map<String, List<String>> overrides, OpenBlasEnv openblasEnv, Path outDir, boolean fmaPeak,
                        boolean charts, String command) {
    public BenchPlan {
        if (suites.isEmpty()) throw new IllegalArgumentException("no benchmark suite selected");
        for (int t : threads) if (t < 1) throw new IllegalArgumentException("--threads values must be >= 1, got " + t);
        suites = List.copyOf(suites);
        threads = List.copyOf(threads);
        impls = List.copyOf(impls);
        overrides = Map.copyOf(overrides);
    }

    /** How the OpenBLAS baselines see OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE. */
    public enum OpenBlasEnv {
        /** As this process has them (labels unchanged). */
        INHERIT,
        /** Both: as inherited (label {@code [<coretype>]}) and unset in a child run (label {@code [auto]}). */
        BOTH
    }
}
