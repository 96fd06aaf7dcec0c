package org.simdnn.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until the bench job lands. */
@Command(name = "bench", description = "(bench: not implemented yet)")
final class BenchCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("simdnn bench: not implemented yet");
        return 2;
    }
}
