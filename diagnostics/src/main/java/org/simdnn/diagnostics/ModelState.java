package org.simdnn.diagnostics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.simdnn.nn.Dropout;
import org.simdnn.nn.Module;
import org.simdnn.nn.Sequential;
import org.simdnn.nn.io.ModelIo;
import org.simdnn.tensor.Tensor;

/**
 * A copy of a model's parameters, buffers (batch-norm running statistics) and dropout positions, so a check that
 * trains or perturbs the model can put it back exactly as it found it.
 */
public final class ModelState {
    private final Map<String, Tensor> live;
    private final List<Tensor> saved = new ArrayList<>();
    private final List<Dropout> dropouts;
    private final long[] dropoutSteps;

    public ModelState(Module model) {
        this.live = ModelIo.stateDict(model);
        for (Tensor t : live.values()) saved.add(t.copy());
        this.dropouts = dropouts(model);
        this.dropoutSteps = new long[dropouts.size()];
        for (int i = 0; i < dropoutSteps.length; i++) dropoutSteps[i] = dropouts.get(i).step();
    }

    /** Writes the saved values back into the model. */
    public void restore() {
        int i = 0;
        for (Tensor t : live.values()) t.copyFrom(saved.get(i++));
        restoreDropout();
    }

    /** Puts every dropout layer back at its saved step: the next training forward draws the same masks. */
    public void restoreDropout() {
        for (int i = 0; i < dropoutSteps.length; i++) dropouts.get(i).setStep(dropoutSteps[i]);
    }

    static List<Dropout> dropouts(Module m) {
        List<Dropout> out = new ArrayList<>();
        collect(m, out);
        return out;
    }

    private static void collect(Module m, List<Dropout> out) {
        if (m instanceof Dropout d) out.add(d);
        if (m instanceof Sequential s) for (Module c : s.layers()) collect(c, out);
    }
}
