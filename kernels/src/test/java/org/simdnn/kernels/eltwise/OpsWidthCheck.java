package org.simdnn.kernels.eltwise;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.simdnn.kernels.cpu.CpuInfo;
import org.simdnn.ops.Backend;
import org.simdnn.ops.Backends;
import org.simdnn.ops.BackendConformanceTest;

/**
 * Main class run in a forked JVM by {@link OpsVectorWidthsTest} with {@code -Dsimdnn.vectorBits=N}: runs every test
 * of the op families in {@link BackendConformanceTest#OP_FAMILIES} (the kernels' species are {@code static final}, so a width needs its own JVM). Argument
 * sources are expanded here ({@code @ValueSource}, {@code @CsvSource}, {@code @EnumSource}) because the JUnit
 * launcher is not on the fork's class path. Exit code 0 = every case passed; a source type it cannot expand fails.
 */
public final class OpsWidthCheck {
    public static void main(String[] args) throws Exception {
        int expected = Integer.parseInt(args[0]);
        if (CpuInfo.VECTOR_BITS != expected) {
            System.err.println("vector width " + CpuInfo.VECTOR_BITS + " != requested " + expected);
            System.exit(2);
        }
        Backend cpu = Backends.cpu();
        int runs = 0;
        List<String> failures = new ArrayList<>();
        for (Class<?> family : BackendConformanceTest.OP_FAMILIES) runs += run(family, cpu, failures);
        failures.forEach(System.out::println);
        System.out.println((failures.isEmpty() ? "ok " : "FAILED " + failures.size() + " of ") + (runs + failures.size())
                + " cases at " + CpuInfo.VECTOR_BITS + " bits");
        System.exit(failures.isEmpty() && runs > 0 ? 0 : 1);
    }

    /** Every test of one family's interface, on a proxy whose {@code backend()} is {@code cpu}; returns the passes. */
    private static int run(Class<?> family, Backend cpu, List<String> failures) throws Exception {
        Object suite = Proxy.newProxyInstance(family.getClassLoader(), new Class<?>[] {family},
                (proxy, method, a) -> method.isDefault() ? InvocationHandler.invokeDefault(proxy, method, a) : cpu);
        int runs = 0;
        for (Method m : family.getDeclaredMethods()) {
            if (!m.isDefault()) continue;
            List<Object[]> cases = new ArrayList<>();
            if (m.isAnnotationPresent(Test.class)) {
                cases.add(new Object[0]);
            } else if (m.isAnnotationPresent(ParameterizedTest.class)) {
                cases.addAll(expand(m));
            } else {
                continue;
            }
            for (Object[] a : cases) {
                try {
                    m.invoke(suite, a);
                    runs++;
                } catch (java.lang.reflect.InvocationTargetException e) {
                    failures.add(family.getSimpleName() + "." + m.getName() + java.util.Arrays.toString(a) + ": "
                            + e.getCause());
                }
            }
        }
        return runs;
    }

    private static List<Object[]> expand(Method m) {
        List<Object[]> out = new ArrayList<>();
        Parameter[] ps = m.getParameters();
        if (m.isAnnotationPresent(ValueSource.class)) {
            ValueSource v = m.getAnnotation(ValueSource.class);
            for (String s : v.strings()) out.add(new Object[] {s});
            for (int i : v.ints()) out.add(new Object[] {i});
        } else if (m.isAnnotationPresent(CsvSource.class)) {
            for (String row : m.getAnnotation(CsvSource.class).value()) {
                String[] f = row.split(",");
                Object[] a = new Object[ps.length];
                for (int i = 0; i < ps.length; i++) a[i] = convert(f[i].trim(), ps[i].getType());
                out.add(a);
            }
        } else if (m.isAnnotationPresent(EnumSource.class)) {
            for (Object e : ps[0].getType().getEnumConstants()) out.add(new Object[] {e});
        } else {
            throw new IllegalStateException("cannot expand the argument source of " + m);
        }
        return out;
    }

    private static Object convert(String s, Class<?> t) {
        if (t == int.class) return Integer.parseInt(s);
        if (t == float.class) return Float.parseFloat(s);
        if (t == double.class) return Double.parseDouble(s);
        if (t == boolean.class) return Boolean.parseBoolean(s);
        if (t == long.class) return Long.parseLong(s);
        return s;
    }
}
