package org.simdnn.cli;

import java.util.concurrent.Callable;
import org.simdnn.kernels.cpu.CpuInfo;
import org.simdnn.ops.Availability;
import org.simdnn.ops.BackendProvider;
import org.simdnn.ops.Backends;
import picocli.CommandLine.Command;

/** Prints the JDK, the vector path taken and why, CPU features, and every backend with its availability. */
@Command(name = "info", mixinStandardHelpOptions = true, description = "Show the JDK, vector width, CPU features and backends.")
final class InfoCommand implements Callable<Integer> {
    private static final String[] FEATURES = {"avx2", "avx512f", "fma", "avx512_bf16"};

    @Override
    public Integer call() {
        System.out.println("simdnn 0.1.0");
        System.out.println("JDK:      " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ", "
                + System.getProperty("java.home") + ")");
        System.out.println("CPU:      " + CpuInfo.MODEL + ", " + CpuInfo.availableProcessors() + " cores");
        StringBuilder f = new StringBuilder();
        for (String feat : FEATURES) f.append(feat).append(CpuInfo.hasFlag(feat) ? "=yes " : "=no ");
        System.out.println("features: " + f.toString().trim());
        System.out.println("vector:   " + (CpuInfo.VECTOR_BITS == 0 ? "scalar" : "FloatVector " + CpuInfo.VECTOR_BITS
                + "-bit (" + CpuInfo.lanes() + " lanes)") + " — " + CpuInfo.VECTOR_REASON);
        System.out.println("backends (default: " + Backends.get().name() + "):");
        for (BackendProvider p : Backends.providers()) {
            Availability a = p.probe();
            System.out.printf("  %-9s %-12s %s%n", p.name(), a.available() ? "available" : "unavailable", a.reason());
        }
        return 0;
    }
}
