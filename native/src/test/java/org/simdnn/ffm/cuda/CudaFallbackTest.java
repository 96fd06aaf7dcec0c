package org.simdnn.ffm.cuda;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.simdnn.ops.Availability;
import org.simdnn.ops.Backends;
import org.simdnn.ops.Op;

/** Where the CUDA backend cannot run, it says why, and the lookup hands out the CPU backend with that reason. */
class CudaFallbackTest {

    private static boolean driverInstalled() {
        try (Arena a = Arena.ofConfined()) {
            SymbolLookup.libraryLookup("libcuda.so.1", a);
            return true;
        } catch (IllegalArgumentException notFound) {
            return false;
        }
    }

    @Test
    void probeNeverThrowsAndAlwaysGivesAReason() {
        Availability a = assertDoesNotThrow(() -> new CudaBackendProvider().probe());
        assertFalse(a.reason().isBlank());
        assertTrue(new CudaBackendProvider().priority() < 0, "cuda must not become the default backend");
    }

    @Test
    void withoutADriverTheReasonSaysSo() {
        assumeFalse(driverInstalled(), "an NVIDIA driver is installed here");
        Availability a = new CudaBackendProvider().probe();
        assertFalse(a.available());
        if (CudaLibrary.get().lib() != null) {
            assertTrue(a.reason().startsWith("no NVIDIA driver (libcuda.so.1 not found"), a.reason());
        } else {
            assertTrue(a.reason().contains("nvcc was not found"), a.reason());
        }
    }

    @Test
    void aMissingLibraryIsReportedAsNotBuilt(@TempDir Path tmp) {
        CudaLibrary.Loaded l = CudaLibrary.load(new URLClassLoader(new URL[0], null), tmp);
        assertNull(l.lib());
        assertEquals("the CUDA library is not in this build (nvcc was not found when simdnn was built)", l.failure());
    }

    @Test
    void theLibraryIsExtractedFromTheClassPathAndOpens(@TempDir Path tmp) throws Exception {
        assumeTrue(CudaSymbolsTest.builtLibrary() != null, "the CUDA library was not built here (no nvcc)");
        CudaLibrary.Loaded l = CudaLibrary.load(CudaLibrary.class.getClassLoader(), tmp);
        assertNull(l.failure());
        assertTrue(Files.isRegularFile(tmp.resolve("simdnn-cuda-linux-x86_64").resolve(CudaLibrary.FILE)));
        assertEquals(new CudaBackendProvider().probe().available(), l.lib().probe().available());
    }

    @Test
    void lookupFallsBackToTheCpuBackendWithTheReason() {
        Availability a = new CudaBackendProvider().probe();
        assumeFalse(a.available(), "a GPU is here: " + a.reason());
        Backends.Resolved r = Backends.resolve("cuda");
        assertTrue(r.fellBack());
        assertSame(Backends.cpu(), r.backend());
        assertEquals("backend 'cuda' is unavailable: " + a.reason(), r.fallbackReason());
        assertSame(Backends.cpu(), Backends.get("cuda"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new CudaBackend(CudaMath.TF32));
        assertTrue(e.getMessage().endsWith(a.reason()), e.getMessage());
    }

    @Test
    void anUnknownBackendIsStillAnError() {
        var e = assertThrows(IllegalArgumentException.class, () -> Backends.resolve("no-such-backend"));
        assertTrue(e.getMessage().contains("cuda"), e.getMessage());
    }

    @Test
    void onAGpuTheBackendRunsAndReportsWhatItForwards() {
        Availability a = CudaBackend.availability();
        assumeTrue(a.available(), () -> "no usable GPU here: " + a.reason());
        CudaBackend be = new CudaBackend(CudaMath.TF32);
        assertNotNull(be.describe());
        for (Op op : Op.values()) {
            boolean forwarded = switch (op) {
                case PRELU_FORWARD, PRELU_BACKWARD, DROPOUT_FORWARD, DROPOUT_BACKWARD, ADD, MUL, SCALE, AXPY, BIAS_ADD,
                     SUM_ROWS, SUM, SUM_SQUARES -> true;
                default -> false;
            };
            assertEquals(!forwarded, be.supports(op), op.toString());
        }
    }

    @Test
    void theMathPropertyIsParsedOrRejected() {
        String keep = System.getProperty("simdnn.cuda.math");
        try {
            System.setProperty("simdnn.cuda.math", "BF16");
            assertEquals(CudaMath.BF16, CudaMath.fromProperty());
            System.setProperty("simdnn.cuda.math", "int8");
            var e = assertThrows(IllegalArgumentException.class, CudaMath::fromProperty);
            assertTrue(e.getMessage().contains("int8") && e.getMessage().contains("tf32"), e.getMessage());
        } finally {
            if (keep == null) System.clearProperty("simdnn.cuda.math");
            else System.setProperty("simdnn.cuda.math", keep);
        }
    }
}
