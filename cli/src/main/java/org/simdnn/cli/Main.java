package org.simdnn.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.simdnn.onnx.OnnxException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code ./simdnn}: one subcommand per job, each in its own class.
 *
 * <p>Errors: a user error (a bad option value, a missing, unreadable or foreign file, an unwritable output) is
 * one line on stderr naming the value and what is allowed, exit code {@value #USER_ERROR}. Only a bug prints a
 * stack trace (exit code 1). Commands report user errors by throwing {@link CommandLine.ParameterException},
 * {@link IOException}, {@link IllegalArgumentException} or {@link OnnxException} (the library's exceptions name the
 * offending value or file).
 */
@Command(name = "simdnn", mixinStandardHelpOptions = true, version = "simdnn 0.1.0",
        description = "Vectorized SIMD tensor kernels and neural networks for the JVM.",
        subcommands = {InfoCommand.class, TrainCommand.class, CurvesCommand.class, EvalCommand.class, ExportCommand.class, RunCommand.class, InspectCommand.class, BenchCommand.class,
                DiagnoseCommand.class, HessianCommand.class, TuneBatchCommand.class})
public final class Main implements Runnable {
    /** picocli's usage-error code; every user error exits with it. */
    public static final int USER_ERROR = CommandLine.ExitCode.USAGE;

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with simdnn's error handling, as {@link #main} runs it (tests run it in-process). */
    public static CommandLine commandLine() {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true)
                .setParameterExceptionHandler(Main::badParameter)
                .setExecutionExceptionHandler((ex, cmd, parsed) -> failed(ex, cmd));
    }

    private static int badParameter(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        cmd.getErr().println(prefix(cmd) + oneLine(e.getMessage()) + " (see " + cmd.getCommandSpec().qualifiedName()
                + " --help)");
        return USER_ERROR;
    }

    private static int failed(Exception ex, CommandLine cmd) {
        PrintWriter err = cmd.getErr();
        String user = userError(ex);
        if (user != null) {
            err.println(prefix(cmd) + oneLine(user));
            return USER_ERROR;
        }
        err.println(prefix(cmd) + "internal error (a bug; please report it with the trace below)");
        ex.printStackTrace(err);
        return CommandLine.ExitCode.SOFTWARE;
    }

    /** The one-line description of a user error, or null for a bug. */
    static String userError(Throwable t) {
        if (t instanceof UncheckedIOException u) t = u.getCause();
        return switch (t) {
            case CommandLine.ParameterException p -> p.getMessage();
            case NoSuchFileException f -> "no such file: " + f.getFile()
                    + (f.getReason() == null ? "" : " (" + f.getReason() + ")");
            case AccessDeniedException f -> "permission denied: " + f.getFile();
            case FileSystemException f -> f.getMessage();
            case IOException io -> io.getMessage() == null ? io.toString() : io.getMessage();
            case IllegalArgumentException iae when iae.getMessage() != null -> iae.getMessage();
            case OnnxException onnx when onnx.getMessage() != null -> onnx.getMessage();
            default -> null;
        };
    }

    private static String prefix(CommandLine cmd) { return cmd.getCommandSpec().qualifiedName() + ": "; }

    /** Multi-line messages (picocli's suggestions, a nested cause) joined so the error stays one line. */
    static String oneLine(String s) { return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", "; "); }
}
