package org.simdnn.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.simdnn.nn.Linear;
import org.simdnn.nn.Sequential;

class ChecklistTest {
    private static final int SIDE = 6, CLASSES = 4;

    private static List<LabeledBatch> data() {
        return List.of(TestData.batch(64, SIDE, CLASSES, 1), TestData.batch(64, SIDE, CLASSES, 2));
    }

    private static Check find(Checklist.Report r, String name) {
        return r.checks().stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no check '" + name + "' in " + r.checks()));
    }

    private static Checklist.Settings quick(double lr) {
        return Checklist.Settings.defaults(true, lr).withRange(30, 1e-4, 10);
    }

    @Test
    void aHealthyModelPassesAndIsRestored() {
        Sequential net = DiagnosticModels.mlp(SIDE, 1, new int[] {32}, "relu", CLASSES, 3);
        float before = net.parameters().get(0).value().data()[5];
        Checklist.Report r = new Checklist(net, data(), CLASSES, quick(0.05)).run();
        assertEquals(Verdict.PASS, find(r, "loss at init").verdict(), r.checks().toString());
        assertEquals(Verdict.PASS, find(r, "overfit one batch").verdict(), r.checks().toString());
        assertEquals(Verdict.PASS, find(r, "NaN/Inf").verdict(), r.checks().toString());
        assertEquals(Verdict.PASS, find(r, "dead ReLUs").verdict(), r.checks().toString());
        assertTrue(r.lrRange().suggested() > 0);
        assertEquals(before, net.parameters().get(0).value().data()[5], "the checklist restores the weights");
    }

    @Test
    void aDeliberatelyDeadLayerIsFlagged() {
        Sequential net = DiagnosticModels.mlp(SIDE, 1, new int[] {32, 16}, "relu", CLASSES, 3);
        ((Linear) net.layer(2)).bias().value().fill(-1e3f); // second hidden layer: every pre-activation far below 0
        Checklist.Report r = new Checklist(net, data(), CLASSES, quick(0.05)).run();
        Check dead = find(r, "dead ReLUs");
        assertEquals(Verdict.FAIL, dead.verdict(), dead.toString());
        assertTrue(dead.measured().contains("layer 3"), dead.measured());
        assertTrue(dead.suggestion().contains("LeakyReLU"), dead.suggestion());
        assertEquals(1.0, r.activity().get(3).deadFraction());
        assertEquals(Verdict.FAIL, find(r, "gradient flow").verdict(), "layers before the dead one get no gradient");
    }

    @Test
    void aTooHighLearningRateIsCaughtByTheNanCheck() {
        Sequential net = DiagnosticModels.mlp(SIDE, 1, new int[] {32}, "relu", CLASSES, 3);
        Checklist.Report r = new Checklist(net, data(), CLASSES, quick(1e8)).run();
        Check nan = find(r, "NaN/Inf");
        assertEquals(Verdict.FAIL, nan.verdict(), nan.toString());
        assertTrue(nan.measured().matches(".*first non-finite value at step \\d+.*"), nan.measured());
        assertTrue(nan.suggestion().contains("lower the lr"));
        assertEquals(Verdict.WARN, find(r, "update/weight ratio").verdict());
    }

    @Test
    void saturatedSigmoidsAndVanishingGradientsAreFlagged() {
        Sequential net = DiagnosticModels.mlp(SIDE, 1, new int[] {32, 32, 32, 32, 32, 32}, "sigmoid", CLASSES, 3);
        for (var p : net.parameters()) if (p.name().endsWith("weight")) p.value().fill(0.5f);
        Checklist.Report r = new Checklist(net, data(), CLASSES, quick(0.05)).run();
        assertTrue(find(r, "saturated sigmoid/tanh").verdict().compareTo(Verdict.WARN) >= 0, r.checks().toString());
        assertTrue(find(r, "gradient flow").verdict().compareTo(Verdict.WARN) >= 0, r.checks().toString());
    }
}
