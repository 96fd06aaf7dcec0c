package org.simdnn.spark;

import java.util.Optional;
import java.util.function.Function;

/**
 * Fails loudly when a JVM that runs simdnn for Spark lacks the Vector API module. Without
 * {@code --add-modules=jdk.incubator.vector} the kernels fall back to scalar code: the job would succeed several
 * times slower and nobody would know why. The driver checks its own JVM; every task checks its executor's.
 *
 * <p>Spark 4.2's launcher already puts the module on executors started by {@code spark-submit}
 * ({@code JavaModuleOptions}); a driver started by plain {@code java} (local mode, an embedding application) or a
 * cluster whose options were replaced needs the flags by hand.
 */
public final class VectorApiCheck {
    /** The flags simdnn needs in every JVM (the parent POM's {@code simdnn.jvm.flags}, less the GC choice). */
    public static final String FLAGS = "--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED";
    static final String MODULE = "jdk.incubator.vector";

    private VectorApiCheck() {}

    /** Checks this JVM; {@code where} names it in the message ("driver", "executor 3"). */
    public static void require(String where) {
        require(where, name -> ModuleLayer.boot().findModule(name));
    }

    /** The check with an injected module lookup (tests). */
    static void require(String where, Function<String, Optional<Module>> lookup) {
        if (lookup.apply(MODULE).isPresent()) return;
        throw new IllegalStateException("simdnn on Spark: the " + where + " JVM runs without the Vector API module "
                + MODULE + ", so simdnn's kernels would run scalar, several times slower. Add \"" + FLAGS + "\" to "
                + "spark.executor.extraJavaOptions and spark.driver.extraJavaOptions (for example spark-submit --conf "
                + "spark.executor.extraJavaOptions=\"" + FLAGS + "\" --conf spark.driver.extraJavaOptions=\"" + FLAGS
                + "\"; a driver started with plain java needs them on its own command line)");
    }
}
