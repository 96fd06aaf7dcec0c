package org.simdnn.cli;

import java.nio.file.NoSuchFileException;

/** The one-line report of a user error (a bad file, a bad argument): no stack trace, exit code 2. */
final class CliErrors {
    static final int USER_ERROR = 2;

    private CliErrors() {}

    static int userError(String command, Exception e) {
        String msg = e instanceof NoSuchFileException ? "no such file: " + e.getMessage()
                : e.getMessage() != null ? e.getMessage() : e.toString();
        System.err.println("simdnn " + command + ": " + msg.replace('\n', ' '));
        return USER_ERROR;
    }
}
