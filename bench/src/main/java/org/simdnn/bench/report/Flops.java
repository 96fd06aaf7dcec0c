package org.simdnn.bench.report;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * FLOPs of one benchmark operation, from the suite class's {@code public static double flops(String shape)}
 * (the benchmark convention; 2·M·N·K for GEMM). NaN when the class or the method is absent or rejects the
 * shape, so the report falls back to operations per second instead of inventing a number. Likewise
 * {@link #items}: images per operation from {@code public static int items(String shape)}, 1 without it; and
 * {@link #bytes}: bytes one operation must read from memory ({@code public static double bytes(String shape)},
 * the weights of a small-m GEMM), NaN without it or where the suite says the figure means nothing.
 */
public final class Flops {
    private static final Map<String, Method> METHODS = new ConcurrentHashMap<>();
    private static final Map<String, Method> ITEMS = new ConcurrentHashMap<>();
    private static final Map<String, Method> BYTES = new ConcurrentHashMap<>();
    private static final Method NONE;

    static {
        try {
            NONE = Flops.class.getDeclaredMethod("none");
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Flops() {}

    @SuppressWarnings("unused")
    private static void none() {}

    public static double of(String className, String shape) {
        return call(METHODS.computeIfAbsent(className, c -> find(c, "flops")), shape);
    }

    /** Bytes one operation of {@code shape} streams (GB/s = ops/s x bytes / 1e9); NaN when the suite does not say. */
    public static double bytes(String className, String shape) {
        return call(BYTES.computeIfAbsent(className, c -> find(c, "bytes")), shape);
    }

    /** Items (images) one operation of {@code shape} processes; 1 when the suite does not say. */
    public static int items(String className, String shape) {
        double n = call(ITEMS.computeIfAbsent(className, c -> find(c, "items")), shape);
        return Double.isNaN(n) || n < 1 ? 1 : (int) n;
    }

    private static double call(Method m, String shape) {
        if (m == NONE) return Double.NaN;
        try {
            Object v = m.invoke(null, shape);
            double f = ((Number) v).doubleValue();
            return f > 0 && Double.isFinite(f) ? f : Double.NaN;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Double.NaN;
        }
    }

    private static Method find(String className, String name) {
        try {
            Class<?> c = Class.forName(className, false, Flops.class.getClassLoader());
            Method m = c.getMethod(name, String.class);
            if (!Modifier.isStatic(m.getModifiers())) return NONE;
            Class<?> r = m.getReturnType();
            if (r != double.class && r != long.class && r != int.class && r != float.class) return NONE;
            return m;
        } catch (ClassNotFoundException | NoSuchMethodException | LinkageError e) {
            return NONE;
        }
    }
}
