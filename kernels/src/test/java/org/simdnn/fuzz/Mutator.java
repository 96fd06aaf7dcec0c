package org.simdnn.fuzz;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The byte-level mutations every loader fuzz target applies to a valid file (one place for generators): bit
 * flips, random bytes, length-like fields overwritten with the values that break size arithmetic, truncation,
 * insertion, deletion and duplication of ranges. Deterministic in the seed, so a failing seed reproduces.
 */
public final class Mutator {
    /** Values that break size arithmetic: zero, one, negatives, int and long limits, array-limit neighbours. */
    public static final long[] INTERESTING = {0, 1, 2, 3, 4, 7, 8, 255, 256, 65535, 65536, -1, -2, Integer.MAX_VALUE,
            Integer.MAX_VALUE - 8, Integer.MAX_VALUE - 16, Integer.MIN_VALUE, 1L << 31, 1L << 32, 2_000_000_000,
            46341, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 53, 95L << 20, 100L << 20};

    private static final String TEXT = "0123456789-+.eE,:[]{}\" ";

    private Mutator() {}

    /** {@code rounds} random mutations of a copy of {@code seedFile}. */
    public static byte[] mutate(byte[] seedFile, long seed, int rounds) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] b = seedFile.clone();
        for (int i = 0; i < rounds; i++) b = once(b, r);
        return b;
    }

    private static byte[] once(byte[] b, SplittableRandom r) {
        int n = b.length;
        switch (r.nextInt(9)) {
            case 0 -> { // flip one bit
                if (n > 0) b[r.nextInt(n)] ^= (byte) (1 << r.nextInt(8));
            }
            case 1 -> { // one random byte
                if (n > 0) b[r.nextInt(n)] = (byte) r.nextInt(256);
            }
            case 2, 3 -> { // a 4- or 8-byte field, either byte order, set to an interesting value
                int width = r.nextBoolean() ? 4 : 8;
                if (n >= width) {
                    ByteBuffer bb = ByteBuffer.wrap(b).order(r.nextBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
                    int at = r.nextInt(n - width + 1);
                    long v = INTERESTING[r.nextInt(INTERESTING.length)] + (r.nextInt(5) == 0 ? r.nextInt(-2, 3) : 0);
                    if (width == 4) bb.putInt(at, (int) v);
                    else bb.putLong(at, v);
                }
            }
            case 4 -> b = Arrays.copyOf(b, n == 0 ? 0 : r.nextInt(n)); // truncate
            case 5 -> { // insert up to 16 random bytes
                int at = r.nextInt(n + 1), k = 1 + r.nextInt(16);
                byte[] out = new byte[n + k];
                System.arraycopy(b, 0, out, 0, at);
                for (int i = 0; i < k; i++) out[at + i] = (byte) r.nextInt(256);
                System.arraycopy(b, at, out, at + k, n - at);
                b = out;
            }
            case 6 -> { // delete a range
                if (n > 0) {
                    int at = r.nextInt(n), k = 1 + r.nextInt(Math.min(16, n - at));
                    byte[] out = new byte[n - k];
                    System.arraycopy(b, 0, out, 0, at);
                    System.arraycopy(b, at + k, out, at, n - at - k);
                    b = out;
                }
            }
            case 7 -> { // duplicate a range in place after itself
                if (n > 0) {
                    int at = r.nextInt(n), k = 1 + r.nextInt(Math.min(32, n - at));
                    byte[] out = new byte[n + k];
                    System.arraycopy(b, 0, out, 0, at + k);
                    System.arraycopy(b, at, out, at + k, n - at);
                    b = out;
                }
            }
            default -> { // an ASCII digit or JSON punctuation: text formats break on these
                if (n > 0) b[r.nextInt(n)] = (byte) TEXT.charAt(r.nextInt(TEXT.length()));
            }
        }
        return b;
    }

    /** Bytes this thread allocated while {@code body} ran (HotSpot's per-thread counter). */
    public static long allocatedBy(Runnable body) {
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId(), before = mx.getThreadAllocatedBytes(id);
        body.run();
        return mx.getThreadAllocatedBytes(id) - before;
    }
}
