package org.simdnn.ops;

/** Whether a backend can run here, and if not, why (shown by {@code simdnn info}). */
public record Availability(boolean available, String reason) {
    public static Availability yes(String detail) { return new Availability(true, detail); }
    public static Availability no(String reason) { return new Availability(false, reason); }
}
