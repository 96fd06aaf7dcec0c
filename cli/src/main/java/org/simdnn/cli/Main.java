package org.simdnn.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code ./simdnn}: one subcommand per job, each in its own class. */
@Command(name = "simdnn", mixinStandardHelpOptions = true, version = "simdnn 0.1.0",
        description = "Vectorized SIMD tensor kernels and neural networks for the JVM.",
        subcommands = {InfoCommand.class, TrainCommand.class, EvalCommand.class, ExportCommand.class, RunCommand.class, InspectCommand.class, BenchCommand.class,
                DiagnoseCommand.class, HessianCommand.class, TuneBatchCommand.class})
public final class Main implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        int code = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
        System.exit(code);
    }
}
