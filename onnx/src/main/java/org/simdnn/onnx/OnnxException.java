package org.simdnn.onnx;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every error of loading or running an ONNX model: a malformed file, an unsupported operator, opset or
 * attribute, shapes that do not agree, inputs that do not match the model. The message names the op type,
 * the node and the shapes or values involved.
 */
public class OnnxException extends RuntimeException {
    /** A quoted name longer than this is clipped in messages (the safetensors reader clips at the same length). */
    static final int NAME_CHARS = 160;
    /** A quoted run more than a few characters over the limit (so a clipped name is not clipped again). */
    private static final Pattern LONG_QUOTED = Pattern.compile("'([^']{" + NAME_CHARS + "})([^']{4,})'");

    public OnnxException(String message) { super(readable(message)); }

    public OnnxException(String message, Throwable cause) { super(readable(message), cause); }

    /**
     * Names come from the file, and a hostile one's are kilobytes of binary: control characters are escaped and
     * every quoted run over {@value #NAME_CHARS} characters is clipped, so a message stays one readable line.
     * Messages quote names and values and keep the prose between them short, so only names are clipped.
     */
    static String readable(String message) {
        if (message == null) return null;
        StringBuilder sb = new StringBuilder(message.length());
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            if (Character.isISOControl(c)) sb.append(String.format("\\u%04x", (int) c));
            else sb.append(c);
        }
        return LONG_QUOTED.matcher(sb).replaceAll(m -> Matcher.quoteReplacement(
                "'" + m.group(1) + "...' (" + (m.group(1).length() + m.group(2).length()) + " chars)"));
    }
}
