package org.simdnn.bench.report;

import java.time.ZonedDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.simdnn.kernels.cpu.CpuInfo;
import org.simdnn.kernels.cpu.Parallel;

/**
 * Where and how a benchmark ran, saved next to its results (convention 12): CPU, JDK, vector width, thread
 * count, the OpenBLAS environment variables the baselines saw, and the measured FMA peak per thread count.
 */
public record Environment(String date, String cpuModel, int cores, String jdk, int vectorBits, int simdnnThreads,
                          String openblasCoretype, String openblasL2Size, String preset, String command,
                          Map<Integer, Double> fmaPeakGflops) {
    public Environment {
        fmaPeakGflops = Collections.unmodifiableMap(new TreeMap<>(fmaPeakGflops));
    }

    /** This JVM's environment; {@code fmaPeak} maps threads to measured GFLOPS (may be empty). */
    public static Environment current(String preset, String command, Map<Integer, Double> fmaPeak) {
        return new Environment(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME),
                CpuInfo.MODEL, CpuInfo.availableProcessors(),
                Runtime.version() + " (" + System.getProperty("java.vm.name") + ", " + System.getProperty("java.vendor") + ")",
                CpuInfo.VECTOR_BITS, Parallel.threads(), envOrUnset("OPENBLAS_CORETYPE"), envOrUnset("OPENBLAS_L2_SIZE"),
                preset, command, fmaPeak);
    }

    static String envOrUnset(String name) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? "(unset)" : v;
    }

    /** Measured peak for {@code threads}, else the single-thread peak times threads; NaN when nothing was measured. */
    public double peakFor(int threads) {
        Double exact = fmaPeakGflops.get(threads);
        if (exact != null) return exact;
        Double one = fmaPeakGflops.get(1);
        return one == null ? Double.NaN : one * Math.min(threads, Math.max(1, cores));
    }

    /** A few lines for the top of the table and the report. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append("date:      ").append(date).append('\n');
        sb.append("CPU:       ").append(cpuModel).append(", ").append(cores).append(" cores\n");
        sb.append("JDK:       ").append(jdk).append('\n');
        sb.append("vector:    ").append(vectorBits == 0 ? "scalar" : vectorBits + "-bit FloatVector").append('\n');
        sb.append("threads:   ").append(simdnnThreads).append(" (simdnn default; per-row T below)\n");
        sb.append("OpenBLAS:  OPENBLAS_CORETYPE=").append(openblasCoretype).append(", OPENBLAS_L2_SIZE=")
                .append(openblasL2Size).append('\n');
        sb.append("FMA peak:  ");
        if (fmaPeakGflops.isEmpty()) sb.append("not measured");
        fmaPeakGflops.forEach((t, g) -> sb.append(String.format("%.1f GFLOPS @ %d thread%s  ", g, t, t == 1 ? "" : "s")));
        sb.append('\n');
        sb.append("preset:    ").append(preset).append('\n');
        sb.append("command:   ").append(command).append('\n');
        return sb.toString();
    }
}
