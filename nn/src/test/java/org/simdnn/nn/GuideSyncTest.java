package org.simdnn.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every tagged region of GuideExamplesTest appears verbatim (re-indented) in docs/nn-guide.md, and vice versa; the
 * same for the example application (examples/embed) and README's "Use as a library" section.
 */
class GuideSyncTest {
    private static final Pattern TAG = Pattern.compile("// tag::(\\w+)\\[]\\n(.*?)\\n\\s*// end::\\1\\[]", Pattern.DOTALL);

    static String dedent(String block) {
        int min = Integer.MAX_VALUE;
        for (String line : block.split("\n")) {
            if (!line.isBlank()) min = Math.min(min, line.length() - line.stripLeading().length());
        }
        StringBuilder sb = new StringBuilder();
        for (String line : block.split("\n")) sb.append(line.isBlank() ? "" : line.substring(min)).append('\n');
        return sb.toString().stripTrailing();
    }

    @Test
    void guideQuotesTheCompiledExamples() throws IOException {
        assertQuotes("src/test/java/org/simdnn/nn/GuideExamplesTest.java", "../docs/nn-guide.md", 6);
    }

    @Test
    void readmeQuotesTheExampleApplication() throws IOException {
        assertQuotes("../examples/embed/src/main/java/org/simdnn/example/embed/EmbedExample.java", "../README.md", 4);
    }

    /** Each tagged region of {@code source} is quoted by {@code doc} after {@code <!-- NAME -->}, and vice versa. */
    private static void assertQuotes(String source, String doc, int atLeast) throws IOException {
        String src = Files.readString(Path.of(source));
        String guide = Files.readString(Path.of(doc));
        Matcher m = TAG.matcher(src);
        int n = 0;
        while (m.find()) {
            n++;
            String code = dedent(m.group(2));
            assertTrue(guide.contains("<!-- " + m.group(1) + " -->\n```java\n" + code + "\n```"),
                    doc + " does not quote region '" + m.group(1) + "' verbatim:\n" + code);
        }
        assertTrue(n >= atLeast, "found only " + n + " tagged regions in " + source);
        Matcher d = Pattern.compile("<!-- (\\w+) -->\\n```java").matcher(guide);
        while (d.find()) {
            assertTrue(src.contains("// tag::" + d.group(1) + "[]"), doc + " quotes unknown region " + d.group(1));
        }
    }
}
