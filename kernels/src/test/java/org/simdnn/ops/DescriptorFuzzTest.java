package org.simdnn.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.math.BigInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link Conv2dDesc} and {@link Pool2dDesc} against an oracle in BigInteger arithmetic: a descriptor is built
 * exactly when its sizes are valid and every element count fits an int, and then its output size is the
 * exact one; otherwise the constructor throws {@link IllegalArgumentException}, never anything else.
 */
class DescriptorFuzzTest {
    private static final BigInteger INT_MAX = BigInteger.valueOf(Integer.MAX_VALUE);

    /** Small values (most valid descriptors), limits and their neighbours (the overflow cases). */
    @Provide
    Arbitrary<Integer> dims() {
        return Arbitraries.oneOf(Arbitraries.integers().between(-1, 9), Arbitraries.integers().between(0, 70_000),
                Arbitraries.of(Integer.MAX_VALUE, Integer.MAX_VALUE - 1, Integer.MIN_VALUE, 46340, 46341, 65536,
                        1 << 30, (1 << 30) + 1, 1 << 16, 1 << 20));
    }

    private static BigInteger big(long v) { return BigInteger.valueOf(v); }

    private static boolean fits(BigInteger v) { return v.signum() >= 0 && v.compareTo(INT_MAX) <= 0; }

    @Property
    void conv2dDescIsBuiltExactlyWhenItsSizesFit(@ForAll("dims") int batch, @ForAll("dims") int inH,
            @ForAll("dims") int inW, @ForAll("dims") int inC, @ForAll("dims") int outC, @ForAll("dims") int k,
            @ForAll("dims") int stride, @ForAll("dims") int pad, @ForAll("dims") int dilation, @ForAll("dims") int groups) {
        boolean valid = batch >= 1 && inH >= 1 && inW >= 1 && inC >= 1 && outC >= 1 && k >= 1 && stride >= 1
                && dilation >= 1 && pad >= 0 && groups >= 1 && inC % groups == 0 && outC % groups == 0;
        BigInteger outH = null, outW = null;
        if (valid) {
            BigInteger eff = big(k - 1L).multiply(big(dilation)).add(BigInteger.ONE);
            BigInteger paddedH = big(inH).add(big(2L * pad)), paddedW = big(inW).add(big(2L * pad));
            valid = eff.compareTo(paddedH) <= 0 && eff.compareTo(paddedW) <= 0;
            outH = paddedH.subtract(eff).divide(big(stride)).add(BigInteger.ONE);
            outW = paddedW.subtract(eff).divide(big(stride)).add(BigInteger.ONE);
            valid = valid && fits(big(batch).multiply(big(inH)).multiply(big(inW)).multiply(big(inC)))
                    && fits(big(batch).multiply(outH).multiply(outW).multiply(big(outC)))
                    && fits(big(k).multiply(big(k)).multiply(big(inC / groups)).multiply(big(outC)));
        }
        Conv2dDesc d;
        try {
            d = new Conv2dDesc(batch, inH, inW, inC, outC, k, k, stride, stride, pad, pad, pad, pad, dilation, dilation,
                    groups);
        } catch (IllegalArgumentException e) {
            assertTrue(!valid, "a valid descriptor was refused: " + e.getMessage());
            assertTrue(e.getMessage().startsWith("conv2d"), e.getMessage());
            return;
        }
        if (!valid) fail("accepted an invalid or overflowing descriptor " + d.shapeString());
        assertEquals(outH.intValueExact(), d.outH());
        assertEquals(outW.intValueExact(), d.outW());
    }

    @Property
    void pool2dDescIsBuiltExactlyWhenItsSizesFit(@ForAll("dims") int batch, @ForAll("dims") int inH,
            @ForAll("dims") int inW, @ForAll("dims") int channels, @ForAll("dims") int k, @ForAll("dims") int stride,
            @ForAll("dims") int pad) {
        boolean valid = batch >= 1 && inH >= 1 && inW >= 1 && channels >= 1 && k >= 1 && stride >= 1 && pad >= 0
                && pad < k;
        BigInteger outH = null, outW = null;
        if (valid) {
            BigInteger paddedH = big(inH).add(big(2L * pad)), paddedW = big(inW).add(big(2L * pad));
            valid = big(k).compareTo(paddedH) <= 0 && big(k).compareTo(paddedW) <= 0;
            outH = paddedH.subtract(big(k)).divide(big(stride)).add(BigInteger.ONE);
            outW = paddedW.subtract(big(k)).divide(big(stride)).add(BigInteger.ONE);
            valid = valid && fits(big(batch).multiply(big(inH)).multiply(big(inW)).multiply(big(channels)))
                    && fits(big(batch).multiply(outH).multiply(outW).multiply(big(channels)));
        }
        Pool2dDesc d;
        try {
            d = new Pool2dDesc(batch, inH, inW, channels, k, k, stride, stride, pad, pad, pad, pad);
        } catch (IllegalArgumentException e) {
            assertTrue(!valid, "a valid descriptor was refused: " + e.getMessage());
            return;
        }
        if (!valid) fail("accepted an invalid or overflowing pool descriptor");
        assertEquals(outH.intValueExact(), d.outH());
        assertEquals(outW.intValueExact(), d.outW());
    }
}
