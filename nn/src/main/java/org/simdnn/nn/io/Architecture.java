package org.simdnn.nn.io;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.ToNumberPolicy;
import com.google.gson.reflect.TypeToken;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.simdnn.nn.AvgPool2d;
import org.simdnn.nn.BatchNorm1d;
import org.simdnn.nn.BatchNorm2d;
import org.simdnn.nn.Basis;
import org.simdnn.nn.Conv2d;
import org.simdnn.nn.Dropout;
import org.simdnn.nn.Flatten;
import org.simdnn.nn.GlobalAvgPool2d;
import org.simdnn.nn.LeakyReLU;
import org.simdnn.nn.Linear;
import org.simdnn.nn.MaxPool2d;
import org.simdnn.nn.Module;
import org.simdnn.nn.MulticlassPerceptron;
import org.simdnn.nn.PReLU;
import org.simdnn.nn.Perceptron;
import org.simdnn.nn.ReLU;
import org.simdnn.nn.Sequential;
import org.simdnn.nn.Sigmoid;
import org.simdnn.nn.Tanh;

/**
 * A model's architecture as JSON: {@link Module#config()} (type + hyper-parameters, nested for
 * {@link Sequential}) serialised with Gson, and rebuilt by {@link #fromJson}. Stored in the safetensors metadata
 * under {@link ModelIo#ARCHITECTURE_KEY}, e.g.
 * {@code {"type":"Sequential","layers":[{"type":"Linear","in":784,"out":256,"bias":true},{"type":"ReLU"},...]}}.
 */
public final class Architecture {
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping()
            .setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE).create();

    private Architecture() {}

    public static String toJson(Module model) { return GSON.toJson(model.config()); }

    /** Rebuilds an (initialised, untrained) model; an IllegalArgumentException says which layer is wrong. */
    public static Module fromJson(String json) {
        Map<String, Object> c;
        try {
            c = GSON.fromJson(json, new TypeToken<Map<String, Object>>() {}.getType());
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("architecture is not valid JSON: " + e.getMessage(), e);
        }
        if (c == null) throw new IllegalArgumentException("architecture is empty");
        return build(c, "model");
    }

    @SuppressWarnings("unchecked")
    static Module build(Map<String, Object> c, String where) {
        String type = String.valueOf(c.get("type"));
        try {
            return switch (type) {
                case "Sequential" -> {
                    List<Module> layers = new ArrayList<>();
                    List<Object> ls = (List<Object>) c.get("layers");
                    for (int i = 0; i < ls.size(); i++) layers.add(build((Map<String, Object>) ls.get(i), where + "." + i));
                    Sequential s = new Sequential(layers);
                    if (Boolean.TRUE.equals(c.get("skipInputGradient"))) s.skipInputGradient();
                    yield s;
                }
                case "Linear" -> new Linear(i(c, "in"), i(c, "out"), bool(c, "bias"));
                case "Conv2d" -> {
                    int[] k = pair(c, "kernel"), s = pair(c, "stride"), p = pair(c, "padding"), d = pair(c, "dilation");
                    yield new Conv2d(i(c, "in"), i(c, "out"), k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1],
                            i(c, "groups"), bool(c, "bias"));
                }
                case "BatchNorm1d" -> {
                    BatchNorm1d b = new BatchNorm1d(i(c, "channels")).with(f(c, "eps"), f(c, "momentum"));
                    yield bool(c, "relu") ? b.withRelu() : b;
                }
                case "BatchNorm2d" -> {
                    BatchNorm2d b = new BatchNorm2d(i(c, "channels")).with(f(c, "eps"), f(c, "momentum"));
                    yield bool(c, "relu") ? b.withRelu() : b;
                }
                case "Dropout" -> new Dropout(f(c, "p"), Long.parseLong(String.valueOf(c.get("seed"))));
                case "ReLU" -> new ReLU();
                case "LeakyReLU" -> new LeakyReLU(f(c, "slope"));
                case "PReLU" -> new PReLU(i(c, "channels"));
                case "Tanh" -> new Tanh();
                case "Sigmoid" -> new Sigmoid();
                case "MaxPool2d" -> new MaxPool2d(i(c, "kernel"), i(c, "stride"), i(c, "padding"));
                case "AvgPool2d" -> new AvgPool2d(i(c, "kernel"), i(c, "stride"), i(c, "padding"));
                case "GlobalAvgPool2d" -> new GlobalAvgPool2d();
                case "Flatten" -> new Flatten();
                case "Perceptron" -> new Perceptron(Basis.fromConfig((Map<String, Object>) c.get("basis")), i(c, "inputs"));
                case "MulticlassPerceptron" -> new MulticlassPerceptron(
                        Basis.fromConfig((Map<String, Object>) c.get("basis")), i(c, "inputs"), i(c, "classes"));
                default -> throw new IllegalArgumentException("unknown layer type '" + type + "'");
            };
        } catch (ClassCastException | NullPointerException e) {
            throw new IllegalArgumentException("architecture: " + where + " (" + type + ") has a missing or mistyped "
                    + "field in " + c, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("architecture: " + where + " (" + type + "): " + e.getMessage(), e);
        }
    }

    private static int i(Map<String, Object> c, String k) { return Math.toIntExact(((Number) c.get(k)).longValue()); }

    private static float f(Map<String, Object> c, String k) { return ((Number) c.get(k)).floatValue(); }

    private static boolean bool(Map<String, Object> c, String k) { return (Boolean) c.get(k); }

    private static int[] pair(Map<String, Object> c, String k) {
        List<?> l = (List<?>) c.get(k);
        if (l.size() != 2) throw new IllegalArgumentException(k + " must have 2 values, got " + l);
        return new int[] {((Number) l.get(0)).intValue(), ((Number) l.get(1)).intValue()};
    }
}
