package org.simdnn.nn.io;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.simdnn.fuzz.Mutator;
import org.simdnn.tensor.Tensor;

/**
 * Fuzz target: {@link SafeTensors#decode} on mutated files, from our writer (with the data checksum) and from
 * a hand-assembled file without one (so mutated data is not all caught by the checksum and the header parser
 * gets the mutations). Every input either decodes to tensors that fit in the file or fails with an
 * {@link IOException} naming the file; never another exception, and no allocation much beyond the input.
 * Tries: {@code -Djqwik.tries.default} (docs/reliability.md).
 */
class SafeTensorsFuzzTest {
    private static final byte[][] SEEDS = seeds();

    static {
        try { // class loading and first-use costs (Gson, SHA-256) must not count as the first input's allocation
            for (byte[] s : SEEDS) SafeTensors.decode(s, "warm-up");
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static byte[][] seeds() {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("0.weight", Tensor.wrap(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        t.put("0.bias", Tensor.wrap(new float[] {0.5f, -1}, 2));
        t.put("empty", Tensor.zeros(0, 3));
        return new byte[][] {
                SafeTensors.encode(t, Map.of("format", "simdnn", "simdnn.architecture", "{\"type\":\"Linear\",\"in\":3}")),
                SafeTensorsTest.assemble("{\"__metadata__\":{\"k\":\"v\"},\"b\":{\"dtype\":\"F32\",\"shape\":[1,2],"
                        + "\"data_offsets\":[8,16]},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}",
                        1, 2, 3, 4)};
    }

    @Property
    void mutatedFilesDecodeWithinTheirSizeOrFailByName(@ForAll long seed,
            @ForAll @IntRange(min = 1, max = 6) int rounds, @ForAll @IntRange(min = 0, max = 1) int which) {
        byte[] file = Mutator.mutate(SEEDS[which], seed, rounds);
        long allocated = Mutator.allocatedBy(() -> {
            try {
                SafeTensors.Contents c = SafeTensors.decode(file, "fuzz.safetensors");
                long bytes = 0;
                for (Tensor t : c.tensors().values()) bytes += 4L * t.size();
                assertTrue(bytes <= file.length, "decoded " + bytes + " bytes of tensors from " + file.length);
            } catch (IOException e) {
                assertTrue(e.getMessage().startsWith("fuzz.safetensors"), "message does not name the file: "
                        + e.getMessage());
                assertTrue(e.getMessage().length() < 1000, "message of " + e.getMessage().length() + " chars");
            } catch (RuntimeException e) {
                fail("seed " + seed + " rounds " + rounds + " file " + which + ": " + e, e);
            }
        });
        assertTrue(allocated < (1L << 20) + 64L * file.length, "allocated " + allocated + " for a " + file.length
                + "-byte file (seed " + seed + ")");
    }
}
