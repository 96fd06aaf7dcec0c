package org.simdnn.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultFilesTest {
    @Test
    void jsonLinesAreOneObjectPerRowWithTheDocumentedKeys() throws Exception {
        List<String> lines = ResultFiles.jsonLines(CannedResults.table());
        assertEquals(13, lines.size());
        for (String l : lines) {
            assertFalse(l.contains("\n"), "one line per object");
            JsonObject o = JsonParser.parseString(l).getAsJsonObject();
            for (String k : List.of("bench", "shape", "impl", "threads", "gflops", "method", "variant", "ops_per_s",
                    "ratio_to_openblas", "pct_of_fma_peak", "params")) {
                assertTrue(o.has(k), "key " + k + " in " + l);
            }
        }
        JsonObject first = JsonParser.parseString(lines.stream().filter(l -> l.contains("fakegemm")).findFirst()
                .orElseThrow()).getAsJsonObject();
        assertEquals("fakegemm", first.get("bench").getAsString());
        assertEquals("m64n64k64", first.get("shape").getAsString());
        assertEquals("simdnn", first.get("impl").getAsString());
        assertEquals(1, first.get("threads").getAsInt());
        assertEquals(52.4288, first.get("gflops").getAsDouble(), 1e-9);
        assertEquals(0.8, first.get("ratio_to_openblas").getAsDouble(), 1e-12);
        String miscLine = lines.get(12);
        JsonObject misc = JsonParser.parseString(miscLine).getAsJsonObject();
        assertEquals("fakemisc", misc.get("bench").getAsString());
        assertTrue(misc.get("gflops").isJsonNull(), "unknown numbers are null, not NaN: " + miscLine);
        assertTrue(misc.get("ratio_to_openblas").isJsonNull());
    }

    @Test
    void csvHasAHeaderAndOneLinePerRow() throws Exception {
        List<String> lines = ResultFiles.csv(CannedResults.table()).lines().toList();
        assertEquals(14, lines.size());
        assertEquals("bench,method,variant,shape,impl,threads,gflops,ops_per_s,ops_per_s_error,baseline,ratio_to_baseline,pct_of_fma_peak,"
                + "items_per_s,p50_s,p99_s,alloc_bytes_per_op",
                lines.get(0));
        assertTrue(lines.contains("fakegemm,sgemm,,m64n64k64,simdnn,1,52.4288,100000,5000.00,openblas,0.800000,52.4288,100000,,,"),
                String.join("\n", lines));
        assertTrue(lines.contains("fakeconv,run,pass=fwd,mb1_ih8,simdnn,2,10.0000,10.0000,1.00000,openblas,0.500000,6.66667,10.0000,,,"),
                String.join("\n", lines));
    }

    @Test
    void chartsAreNonEmptyPngs(@TempDir Path dir) throws Exception {
        List<Path> charts = Charts.write(CannedResults.table(), dir);
        // one chart per variant and thread count
        assertEquals(List.of("fakeconv-bwd-data-t2.png", "fakeconv-fwd-t2.png", "fakegemm-t1.png", "fakegemm-t2.png",
                        "fakemisc-t1.png"),
                charts.stream().map(p -> p.getFileName().toString()).toList());
        for (Path p : charts) {
            assertTrue(Files.size(p) > 1000, p + " is " + Files.size(p) + " bytes");
            byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(p), 8);
            assertEquals(0x89, head[0] & 0xff);
            assertEquals('P', head[1]);
            BufferedImage img = ImageIO.read(p.toFile());
            assertTrue(img.getWidth() >= 900 && img.getHeight() >= 500, p + ": " + img.getWidth() + "x" + img.getHeight());
        }
    }

    @Test
    void markdownReportCarriesEnvironmentTablesAndChartLinks(@TempDir Path dir) throws Exception {
        ReportTable t = CannedResults.table();
        String md = ResultFiles.markdown(CannedResults.env(), t, List.of(dir.resolve("fakegemm-t1.png")), List.of("a note"));
        assertTrue(md.contains("OPENBLAS_CORETYPE=Haswell"), md);
        assertTrue(md.contains("FMA peak:  100.0 GFLOPS @ 1 thread  150.0 GFLOPS @ 2 threads"), md);
        assertTrue(md.contains("![fakegemm-t1.png](fakegemm-t1.png)"), md);
        assertTrue(md.contains("> a note"), md);
        assertTrue(md.contains("#### fakegemm · sgemm"), md);
    }
}
