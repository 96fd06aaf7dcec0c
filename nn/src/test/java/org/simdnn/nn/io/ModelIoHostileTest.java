package org.simdnn.nn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.simdnn.nn.Linear;
import org.simdnn.nn.Sequential;
import org.simdnn.tensor.Tensor;

/**
 * Model files whose metadata lies: the architecture is checked against the stored tensors before anything is
 * built (a 142-byte file declaring Linear(40000, 40000) used to exhaust any heap), and malformed numbers in
 * the metadata are the loader's IOException naming the key, not a NumberFormatException or ArithmeticException.
 */
class ModelIoHostileTest {
    @TempDir Path dir;

    private Path file(String architecture, Map<String, String> extra) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>(extra);
        meta.put(ModelIo.FORMAT_KEY, ModelIo.FORMAT);
        meta.put(ModelIo.ARCHITECTURE_KEY, architecture);
        Path f = dir.resolve("m.safetensors");
        SafeTensors.write(f, Map.of("weight", Tensor.zeros(2, 3)), meta);
        return f;
    }

    @Test
    void aHugeDeclaredLayerNextToATinyTensorFailsBeforeBuilding() throws IOException {
        Path f = file("{\"type\":\"Linear\",\"in\":40000,\"out\":40000,\"bias\":true}", Map.of());
        IOException e = assertThrows(IOException.class, () -> ModelIo.load(f));
        assertTrue(e.getMessage().contains("1600040000") && e.getMessage().contains("stores 6"), e.getMessage());
    }

    @Test
    void theBoundCountsWhatARealModelStores() {
        Sequential m = new Sequential(new Linear(5, 4), new Linear(4, 3, false)).initialize(1);
        long stored = ModelIo.stateDict(m).values().stream().mapToLong(Tensor::size).sum();
        assertEquals(stored, Architecture.storedFloats(Architecture.toJson(m)));
    }

    @Test
    void anIntFieldOutOfRangeIsNamed() throws IOException {
        Path f = file("{\"type\":\"Linear\",\"in\":4294967298,\"out\":0,\"bias\":false}", Map.of());
        IOException e = assertThrows(IOException.class, () -> ModelIo.load(f));
        assertTrue(e.getMessage().contains("'in'"), e.getMessage());
    }

    @Test
    void aMalformedNumberInTheMetadataNamesItsKey() throws IOException {
        Path f = file("{\"type\":\"Linear\",\"in\":2,\"out\":3,\"bias\":false}",
                Map.of(ModelIo.OPTIMIZER_STEPS_KEY, "twelve"));
        IOException e = assertThrows(IOException.class, () -> ModelIo.loadCheckpoint(f));
        assertTrue(e.getMessage().contains(ModelIo.OPTIMIZER_STEPS_KEY) && e.getMessage().contains("twelve"),
                e.getMessage());
    }
}
