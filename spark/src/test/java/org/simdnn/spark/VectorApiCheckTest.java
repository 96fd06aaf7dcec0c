package org.simdnn.spark;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class VectorApiCheckTest {
    @Test
    void missingModuleNamesTheSparkOptionsAndTheFlags() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> VectorApiCheck.require("executor 7", name -> Optional.empty()));
        String m = e.getMessage();
        assertTrue(m.contains("executor 7"), m);
        assertTrue(m.contains("spark.executor.extraJavaOptions"), m);
        assertTrue(m.contains("spark.driver.extraJavaOptions"), m);
        assertTrue(m.contains("--add-modules=jdk.incubator.vector"), m);
        assertTrue(m.contains("--enable-native-access=ALL-UNNAMED"), m);
    }

    @Test
    void asksForTheVectorModuleAndPassesWhenPresent() {
        String[] asked = new String[1];
        assertDoesNotThrow(() -> VectorApiCheck.require("driver", name -> {
            asked[0] = name;
            return Optional.of(Object.class.getModule());
        }));
        assertTrue("jdk.incubator.vector".equals(asked[0]), asked[0]);
        // This test JVM runs with the flags, so the real lookup passes.
        assertDoesNotThrow(() -> VectorApiCheck.require("driver"));
    }
}
