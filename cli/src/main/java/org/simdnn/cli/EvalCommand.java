package org.simdnn.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until the eval job lands. */
@Command(name = "eval", description = "(eval: not implemented yet)")
final class EvalCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("simdnn eval: not implemented yet");
        return 2;
    }
}
