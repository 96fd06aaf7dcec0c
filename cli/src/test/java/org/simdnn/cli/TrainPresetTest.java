package org.simdnn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.simdnn.nn.train.TrainConfig;

class TrainPresetTest {
    @Test
    void helpTextDescribesThePreset() {
        assertEquals(TrainPreset.FAST.summary(), TrainPreset.FAST_SUMMARY);
    }

    @Test
    void fastIsTheDocumentedRecipe() {
        TrainConfig c = TrainPreset.parse("fast").config(3);
        assertEquals(TrainPreset.FAST.epochs(), c.epochs());
        assertEquals(3, c.seed());
        assertTrue(c.cosine());
        assertEquals(0.15f, c.labelSmoothing());
        assertArrayEquals(new int[] {16, 64}, TrainPreset.FAST.channels());
        assertEquals(TrainPreset.FAST.epochs(), TrainPreset.FAST.evalEvery(), "evaluates after the last epoch only");
        var e = assertThrows(IllegalArgumentException.class, () -> TrainPreset.parse("slow"));
        assertTrue(e.getMessage().contains("'slow'"), e.getMessage());
    }
}
