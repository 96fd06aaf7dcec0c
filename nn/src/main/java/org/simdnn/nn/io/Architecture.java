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

    /**
     * The floats the weight tensors of this architecture take (parameters and stored buffers), computed from the
     * JSON without building anything, saturating at {@link Long#MAX_VALUE}; fields that are missing or mistyped
     * count 0 (building then names them). A loader compares it with what a file stores before building, so
     * metadata declaring {@code Linear(40000, 40000)} next to a few bytes of data fails without allocating 6 GB.
     */
    @SuppressWarnings("unchecked")
    public static long storedFloats(String json) {
        try {
            Map<String, Object> c = GSON.fromJson(json, new TypeToken<Map<String, Object>>() {}.getType());
            return c == null ? 0 : storedFloats(c);
        } catch (JsonParseException | ClassCastException | NullPointerException | ArithmeticException e) {
            return 0;
        }
    }

    @SuppressWarnings("unchecked")
    private static long storedFloats(Map<String, Object> c) {
        return switch (String.valueOf(c.get("type"))) {
            case "Sequential" -> {
                long sum = 0;
                for (Object l : (List<Object>) c.get("layers")) {
                    sum = saturatingAdd(sum, l instanceof Map<?, ?> m ? storedFloats((Map<String, Object>) m) : 0);
                }
                yield sum;
            }
            case "Linear" -> saturatingAdd(product(n(c, "in"), n(c, "out")), Boolean.TRUE.equals(c.get("bias")) ? n(c, "out") : 0);
            case "Conv2d" -> {
                List<?> k = (List<?>) c.get("kernel");
                long groups = Math.max(1, n(c, "groups"));
                long w = product(num(k.get(0)), num(k.get(1)), n(c, "in") / groups, n(c, "out"));
                yield saturatingAdd(w, Boolean.TRUE.equals(c.get("bias")) ? n(c, "out") : 0);
            }
            case "BatchNorm1d", "BatchNorm2d" -> product(4, n(c, "channels"));
            case "PReLU" -> n(c, "channels");
            case "Perceptron" -> saturatingAdd(n(c, "inputs"), 1); // a basis has at least inputs + 1 features
            case "MulticlassPerceptron" -> product(n(c, "classes"), saturatingAdd(n(c, "inputs"), 1));
            default -> 0; // no weights
        };
    }

    private static long n(Map<String, Object> c, String k) { return num(c.get(k)); }

    private static long num(Object o) { return o instanceof Number x ? Math.max(0, x.longValue()) : 0; }

    private static long product(long... f) {
        long p = 1;
        for (long x : f) {
            if (x != 0 && p > Long.MAX_VALUE / x) return Long.MAX_VALUE;
            p *= x;
        }
        return p;
    }

    private static long saturatingAdd(long a, long b) { return a > Long.MAX_VALUE - b ? Long.MAX_VALUE : a + b; }

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
                    yield Conv2d.builder(i(c, "in"), i(c, "out")).kernel(k[0], k[1]).stride(s[0], s[1]).pad(p[0], p[1])
                            .dilation(d[0], d[1]).groups(i(c, "groups")).bias(bool(c, "bias")).build();
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

    private static int i(Map<String, Object> c, String k) {
        Number v = (Number) c.get(k);
        if (!(v instanceof Long) || v.longValue() != v.intValue()) {
            throw new IllegalArgumentException("field '" + k + "' = " + v + " is not an int");
        }
        return v.intValue();
    }

    private static float f(Map<String, Object> c, String k) { return ((Number) c.get(k)).floatValue(); }

    private static boolean bool(Map<String, Object> c, String k) { return (Boolean) c.get(k); }

    private static int[] pair(Map<String, Object> c, String k) {
        List<?> l = (List<?>) c.get(k);
        if (l.size() != 2) throw new IllegalArgumentException(k + " must have 2 values, got " + l);
        return new int[] {((Number) l.get(0)).intValue(), ((Number) l.get(1)).intValue()};
    }
}
