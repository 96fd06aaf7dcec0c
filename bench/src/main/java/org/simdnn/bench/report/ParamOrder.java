package org.simdnn.bench.report;

import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.List;
import org.openjdk.jmh.annotations.Param;

/** Position of a {@code @Param} value in its suite's declaration, used to order rows and chart axes. */
@FunctionalInterface
public interface ParamOrder {
    int index(String className, String param, String value);

    /** Reads the {@code @Param} annotations of the benchmark classes; values not declared sort last. */
    static ParamOrder declared() {
        return (className, param, value) -> {
            List<String> vals = declaredValues(className, param);
            int i = vals.indexOf(value);
            return i < 0 ? Integer.MAX_VALUE : i;
        };
    }

    /** The values of {@code @Param} on field {@code param} of {@code className}; empty when either is absent. */
    static List<String> declaredValues(String className, String param) {
        try {
            Class<?> c = Class.forName(className, false, ParamOrder.class.getClassLoader());
            for (Class<?> k = c; k != null; k = k.getSuperclass()) {
                for (Field f : k.getDeclaredFields()) {
                    Param p = f.getAnnotation(Param.class);
                    if (p != null && f.getName().equals(param)) return Arrays.asList(p.value());
                }
            }
        } catch (ClassNotFoundException | LinkageError e) {
            // canned results from a class not in this build: no declared order
        }
        return List.of();
    }
}
