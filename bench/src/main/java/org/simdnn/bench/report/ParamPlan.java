package org.simdnn.bench.report;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.annotations.Param;

/**
 * Which {@code @Param} values a suite runs with: the declared ones, reduced for {@code --quick}, narrowed by
 * {@code --threads} and {@code --impl}, replaced by {@code -p name=v1,v2}.
 *
 * <p>Quick shapes: a suite may declare {@code public static final String[] QUICK_SHAPES} (or a static
 * {@code quickShapes()} method returning {@code String[]}); otherwise four shapes spread over the smaller
 * three quarters of the declared list are taken, so a quick run never waits on the slowest baseline at the
 * largest size.
 */
public final class ParamPlan {
    private ParamPlan() {}

    /** Declared {@code @Param} values by field name, over the class, its superclasses and nested state classes. */
    public static Map<String, List<String>> declared(Class<?> cls) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        List<Class<?>> classes = new ArrayList<>();
        for (Class<?> k = cls; k != null && k != Object.class; k = k.getSuperclass()) {
            classes.add(k);
            for (Class<?> nested : k.getDeclaredClasses()) classes.add(nested);
        }
        for (Class<?> k : classes) {
            for (Field f : k.getDeclaredFields()) {
                Param p = f.getAnnotation(Param.class);
                if (p != null) out.putIfAbsent(f.getName(), List.of(p.value()));
            }
        }
        return out;
    }

    /**
     * The parameters to pass to JMH for {@code cls}.
     *
     * @param threads   empty = as declared
     * @param impls     empty = as declared; otherwise the declared impls in this list, in declared order
     * @param overrides {@code -p} values, replacing declared ones (names must be declared parameters)
     * @throws IllegalArgumentException when an override names no parameter, or no declared impl is selected
     */
    public static Map<String, List<String>> effective(Class<?> cls, boolean quick, List<Integer> threads,
                                                      List<String> impls, Map<String, List<String>> overrides) {
        Map<String, List<String>> declared = declared(cls);
        Map<String, List<String>> out = new LinkedHashMap<>(declared);
        if (quick && declared.containsKey("shape")) out.put("shape", quickShapes(cls, declared.get("shape")));
        if (!threads.isEmpty() && declared.containsKey("threads")) {
            List<String> t = new ArrayList<>();
            for (int x : threads) t.add(Integer.toString(x));
            out.put("threads", t);
        }
        if (!impls.isEmpty() && declared.containsKey("impl")) {
            List<String> keep = new ArrayList<>();
            for (String i : declared.get("impl")) if (impls.contains(i)) keep.add(i);
            if (keep.isEmpty()) {
                throw new IllegalArgumentException(cls.getSimpleName() + " has impls " + declared.get("impl")
                        + ", none of " + impls);
            }
            out.put("impl", keep);
        }
        for (var e : overrides.entrySet()) {
            if (!declared.containsKey(e.getKey())) {
                throw new IllegalArgumentException(cls.getSimpleName() + " has no parameter '" + e.getKey()
                        + "'; its parameters are " + declared.keySet());
            }
            out.put(e.getKey(), List.copyOf(e.getValue()));
        }
        return out;
    }

    static List<String> quickShapes(Class<?> cls, List<String> declared) {
        String[] hook = hook(cls);
        if (hook != null && hook.length > 0) return List.of(hook);
        if (declared.size() <= 4) return declared;
        int m = Math.max(4, (int) Math.ceil(declared.size() * 0.75));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 4; i++) out.add(declared.get((int) Math.round(i * (m - 1) / 3.0)));
        return out;
    }

    private static String[] hook(Class<?> cls) {
        try {
            Field f = cls.getField("QUICK_SHAPES");
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String[].class) return (String[]) f.get(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            // no field: try the method
        }
        try {
            Method m = cls.getMethod("quickShapes");
            if (Modifier.isStatic(m.getModifiers()) && m.getReturnType() == String[].class) return (String[]) m.invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            // neither: the default spread
        }
        return null;
    }
}
