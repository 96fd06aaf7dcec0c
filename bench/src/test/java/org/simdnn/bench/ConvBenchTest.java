package org.simdnn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.simdnn.bench.report.ParamPlan;
import org.simdnn.ffm.blas.OpenBlas;
import org.simdnn.kernels.conv.ConvAlgo;

class ConvBenchTest {
    /** Small copies of the bench's kinds of layer: first layer (C = 1), 3x3, 1x1, depthwise stride 2. */
    static final String[] SHAPES = {"mb2_ih6iw6ic1_oc32_kh3kw3_sh1sw1_ph1pw1_dh1dw1_g1",
            "mb2_ih8iw8ic32_oc32_kh3kw3_sh1sw1_ph1pw1_dh1dw1_g1", "mb2_ih5iw5ic16_oc24_kh1kw1_sh1sw1_ph0pw0_dh1dw1_g1",
            "mb2_ih9iw9ic16_oc16_kh3kw3_sh2sw2_ph1pw1_dh1dw1_g16"};

    static ConvBench bench(String shape, String impl, String pass) {
        ConvBench b = new ConvBench();
        b.shape = shape;
        b.impl = impl;
        b.pass = pass;
        b.threads = 1;
        return b;
    }

    @Test
    void implListIsConvAlgoThenTheBaselines() {
        List<String> want = new ArrayList<>();
        for (ConvAlgo a : ConvAlgo.values()) want.add(ConvBench.label(a));
        want.addAll(ConvBench.BASELINES);
        assertEquals(want, ParamPlan.declared(ConvBench.class).get("impl"));
        for (ConvAlgo a : ConvAlgo.values()) assertEquals(a, ConvBench.algo(ConvBench.label(a)));
        assertThrows(IllegalArgumentException.class, () -> ConvBench.algo("im2col-simdnn"));
    }

    /** Each implementation on each shape and pass either verifies against the direct loop or is skipped by design. */
    @Test
    void everyImplVerifiesOrIsSkippedWithItsReason() {
        List<String> impls = new ArrayList<>(ParamPlan.declared(ConvBench.class).get("impl"));
        if (!OpenBlas.isAvailable()) impls.removeIf(i -> i.endsWith("-ffm"));
        int ran = 0, skipped = 0;
        for (String shape : SHAPES) {
            for (String impl : impls) {
                for (String pass : new String[] {"fwd", "bwd-data", "bwd-weights"}) {
                    ConvBench b = bench(shape, impl, pass);
                    try {
                        b.setup();
                        ran++;
                    } catch (UnsupportedOperationException e) {
                        assertTrue(e.getMessage().startsWith("skip: " + impl + " " + pass + " " + shape + ": ")
                                && e.getMessage().length() > ("skip: " + impl + " " + pass + " " + shape + ": ").length(),
                                e.getMessage());
                        skipped++;
                    } finally {
                        b.tearDown();
                    }
                }
            }
        }
        assertTrue(ran > 0 && skipped > 0, "ran " + ran + ", skipped " + skipped);
    }

    @Test
    void theFirstLayersBackwardDataIsASkipForImplicitGemm() {
        var e = assertThrows(UnsupportedOperationException.class,
                () -> bench(SHAPES[0], "implicit-gemm", "bwd-data").setup());
        assertTrue(e.getMessage().contains("inC 1 would be padded") || e.getMessage().contains("scalar mode"), e.getMessage());
        var g = assertThrows(UnsupportedOperationException.class, () -> bench(SHAPES[3], "im2col-openblas", "fwd").setup());
        assertTrue(g.getMessage().contains("groups 1 only"), g.getMessage());
    }
}
