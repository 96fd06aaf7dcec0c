package org.simdnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `simdnn curves` on the CSV format of scripts/time-to-94.sh. */
class CurvesCommandTest {
    @TempDir Path dir;

    @Test
    void drawsOneLinePerRunAndNamesABadLine() throws IOException {
        Path csv = dir.resolve("t.csv"), png = dir.resolve("t.png");
        Files.writeString(csv, CurvesCommand.HEADER + "\nfast,1,1,30.5,0.90\nfast,1,2,55.0,0.93\nreference,1,1,28.0,0.88\n");
        TrainCommandTest.Run r = TrainCommandTest.run("curves", csv.toString(), "--out", png.toString());
        assertEquals(0, r.code(), r.err());
        byte[] head = Files.readAllBytes(png);
        assertTrue(head.length > 8 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G', "a PNG");

        Files.writeString(csv, CurvesCommand.HEADER + "\nfast,1,1,30.5,93.1\n");
        r = TrainCommandTest.run("curves", csv.toString(), "--out", png.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("line 2: 'fast,1,1,30.5,93.1'"), r.err());
        Files.writeString(csv, "epoch,accuracy\n1,0.9\n");
        r = TrainCommandTest.run("curves", csv.toString(), "--out", png.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("the first line must be '" + CurvesCommand.HEADER + "'"), r.err());
    }
}
