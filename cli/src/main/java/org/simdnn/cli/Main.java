package org.simdnn.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.LinkedHashMap;
import java.util.Map;
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
        description = "Vectorized SIMD tensor kernels and neural networks for the JVM.")
public final class Main implements Runnable {
    /** picocli's usage-error code; every user error exits with it. */
    public static final int USER_ERROR = CommandLine.ExitCode.USAGE;

    /**
     * The subcommands by name, in the order of the usage message. picocli builds the model of every command it
     * is given (annotations, reflection, converters, their classes loaded): with all eleven that was a third of
     * {@code simdnn run}'s start-up, so a command line that names one builds only that one.
     */
    private static final Map<String, Class<?>> SUBCOMMANDS = subcommands(InfoCommand.class, TrainCommand.class,
            CurvesCommand.class, EvalCommand.class, ExportCommand.class, RunCommand.class, InspectCommand.class,
            BenchCommand.class, DiagnoseCommand.class, HessianCommand.class, TuneBatchCommand.class);

    @Override
    public void run() {
        commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine(args.length > 0 ? args[0] : null).execute(args));
    }

    /** The command line with simdnn's error handling and every subcommand (tests run it in-process). */
    public static CommandLine commandLine() { return commandLine(null); }

    /**
     * As {@link #commandLine()}, with only the subcommand named {@code first} when that is one (the rest would be
     * built for nothing); with all of them otherwise, for the usage message and picocli's suggestions.
     */
    static CommandLine commandLine(String first) {
        CommandLine cl = new CommandLine(new Main());
        Class<?> only = first == null ? null : SUBCOMMANDS.get(first);
        for (Map.Entry<String, Class<?>> e : SUBCOMMANDS.entrySet()) {
            if (only == null || only == e.getValue()) cl.addSubcommand(e.getKey(), e.getValue());
        }
        return cl.setCaseInsensitiveEnumValuesAllowed(true)
                .setParameterExceptionHandler(Main::badParameter)
                .setExecutionExceptionHandler((ex, cmd, parsed) -> failed(ex, cmd));
    }

    private static Map<String, Class<?>> subcommands(Class<?>... commands) {
        Map<String, Class<?>> m = new LinkedHashMap<>();
        for (Class<?> c : commands) m.put(c.getAnnotation(Command.class).name(), c);
        return m;
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
