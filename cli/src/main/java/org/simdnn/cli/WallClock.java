package org.simdnn.cli;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;

/**
 * Seconds since this process started: the launcher {@code exec}s the JVM, so the process is the command the user
 * typed and the time includes JVM start-up. The operating system's start instant (clock ticks, 10 ms on Linux);
 * the JVM's own start time where the system does not say.
 */
final class WallClock {
    private static final Instant START = ProcessHandle.current().info().startInstant()
            .orElseGet(() -> Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime()));

    private WallClock() {}

    static double seconds() {
        return Duration.between(START, Instant.now()).toNanos() / 1e9;
    }
}
