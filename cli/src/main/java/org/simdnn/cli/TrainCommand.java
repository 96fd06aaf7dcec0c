package org.simdnn.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until the train job lands. */
@Command(name = "train", description = "(train: not implemented yet)")
final class TrainCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("simdnn train: not implemented yet");
        return 2;
    }
}
