package org.simdnn.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Descriptor sizes are computed in long: values whose output size or element count does not fit an int are
 * rejected with the values named, instead of wrapping (a padded height of 2^31 - 1 + 2 once gave outH = -2^31).
 */
class DescOverflowTest {

    @Test
    void convOutputHeightThatWrapsIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Conv2dDesc(1,
                Integer.MAX_VALUE, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1, 1, 1));
        assertTrue(e.getMessage().contains("output elements") && e.getMessage().contains("2147483649"),
                e.getMessage());
    }

    @Test
    void convElementCountsThatOverflowAreRejectedNamingTheCount() {
        IllegalArgumentException in = assertThrows(IllegalArgumentException.class,
                () -> Conv2dDesc.of(65536, 256, 256, 3, 8, 3, 1, 1));
        assertTrue(in.getMessage().contains("input elements = 12884901888"), in.getMessage());
        IllegalArgumentException w = assertThrows(IllegalArgumentException.class,
                () -> Conv2dDesc.of(1, 3, 3, 65536, 65536, 1, 1, 0));
        assertTrue(w.getMessage().contains("weight elements 1x1x65536x65536 = 4294967296"), w.getMessage());
    }

    @Test
    void sameConvWithHugeInputDoesNotWrap() {
        // (inH + stride - 1) overflowed int before: outH came out negative and the padding garbage.
        Conv2dDesc d = Conv2dDesc.same(1, Integer.MAX_VALUE, 1, 1, 1, 3, 3, 2, 1, 1);
        assertEquals(1 << 30, d.outH());
        assertEquals(1, d.padTop());
        assertEquals(1, d.padBottom());
    }

    @Test
    void largestLegalConvStillWorks() {
        Conv2dDesc d = Conv2dDesc.of(1, 46340, 46340, 1, 1, 1, 1, 0);
        assertEquals(46340, d.outH());
        assertEquals(46340L * 46340, (long) d.outH() * d.outW());
    }

    @Test
    void poolOutputThatWrapsIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Pool2dDesc(1, Integer.MAX_VALUE, 1, 1, 2, 1, 1, 1, 1, 0, 1, 0));
        assertTrue(e.getMessage().contains("pool2d") && e.getMessage().contains("elements"), e.getMessage());
        IllegalArgumentException c = assertThrows(IllegalArgumentException.class,
                () -> Pool2dDesc.of(1 << 16, 1 << 10, 1 << 10, 1, 2));
        assertTrue(c.getMessage().contains("input elements = 68719476736"), c.getMessage());
    }
}
