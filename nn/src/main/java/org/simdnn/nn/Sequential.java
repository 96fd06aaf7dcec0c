package org.simdnn.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.simdnn.ops.Backend;
import org.simdnn.tensor.Tensor;

/**
 * Layers applied in order. Parameters and buffers are named {@code <index>.<name>} ("0.weight",
 * "2.running_mean"), nested sequentials giving "1.0.weight".
 */
public final class Sequential extends AbstractModule {
    private final List<Module> layers;
    private final List<Parameter> parameters;
    private boolean skipInputGradient;

    public Sequential(Module... layers) { this(List.of(layers)); }

    public Sequential(List<? extends Module> layers) {
        if (layers.isEmpty()) throw new IllegalArgumentException("Sequential needs at least one layer");
        this.layers = List.copyOf(layers);
        List<Parameter> ps = new ArrayList<>();
        for (int i = 0; i < this.layers.size(); i++) {
            for (Parameter p : this.layers.get(i).parameters()) {
                p.prefixName(i + ".");
                ps.add(p);
            }
        }
        this.parameters = List.copyOf(ps);
    }

    public List<Module> layers() { return layers; }

    public Module layer(int i) { return layers.get(i); }

    /**
     * The first layer will not compute dL/dx (backward returns null): saves the input-gradient pass of the first
     * convolution or dense layer when the input is data. Returns this.
     */
    public Sequential skipInputGradient() {
        skipInputGradient = true;
        if (layers.get(0) instanceof AbstractModule m) m.skipInputGradient = true;
        return this;
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        Tensor h = x;
        for (Module m : layers) h = m.forward(h, training);
        return h;
    }

    @Override
    public Tensor backward(Tensor dy) {
        Tensor g = dy;
        for (int i = layers.size() - 1; i >= 0; i--) {
            g = layers.get(i).backward(g);
            if (g == null && i > 0) {
                throw new IllegalStateException("layer " + i + " (" + layers.get(i).name() + ") returned no gradient");
            }
        }
        return g;
    }

    @Override public List<Parameter> parameters() { return parameters; }

    @Override
    public Map<String, Tensor> buffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            for (Map.Entry<String, Tensor> e : layers.get(i).buffers().entrySet()) out.put(i + "." + e.getKey(), e.getValue());
        }
        return out;
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        int[] s = inputShape.clone();
        for (int i = 0; i < layers.size(); i++) {
            try {
                s = layers.get(i).outputShape(s);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Sequential layer " + i + ": " + e.getMessage()
                        + " (network input " + Arrays.toString(inputShape) + ")", e);
            }
        }
        return s;
    }

    @Override
    public Map<String, Object> config() {
        List<Object> ls = new ArrayList<>();
        for (Module m : layers) ls.add(m.config());
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", "Sequential");
        c.put("layers", ls);
        if (skipInputGradient) c.put("skipInputGradient", true);
        return c;
    }

    @Override
    public Sequential shareWeights() {
        List<Module> copies = new ArrayList<>();
        for (Module m : layers) copies.add(m.shareWeights());
        return sharedCopy(new Sequential(copies));
    }

    /** Re-initialises every layer from one seed (each layer draws from its own split of the generator). */
    public Sequential initialize(long seed) {
        initialize(new SplittableRandom(seed));
        return this;
    }

    @Override
    public void initialize(SplittableRandom rng) {
        for (Module m : layers) m.initialize(rng.split());
    }

    @Override
    public void useBackend(Backend backend) {
        super.useBackend(backend);
        for (Module m : layers) m.useBackend(backend);
    }

    @Override
    public void train() {
        super.train();
        for (Module m : layers) m.train();
    }

    @Override
    public void eval() {
        super.eval();
        for (Module m : layers) m.eval();
    }

    /** Total number of trainable scalars. */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : parameters) n += p.size();
        return n;
    }

    @Override
    public String name() { return "Sequential(" + layers.size() + " layers)"; }

    /** One line per layer with its output shape for {@code inputShape}. */
    public String summary(int[] inputShape) {
        StringBuilder sb = new StringBuilder();
        int[] s = inputShape.clone();
        sb.append("input ").append(Arrays.toString(s)).append('\n');
        for (int i = 0; i < layers.size(); i++) {
            s = layers.get(i).outputShape(s);
            sb.append(String.format("%3d %-40s -> %s%n", i, layers.get(i).name(), Arrays.toString(s)));
        }
        sb.append("parameters: ").append(parameterCount());
        return sb.toString();
    }
}
