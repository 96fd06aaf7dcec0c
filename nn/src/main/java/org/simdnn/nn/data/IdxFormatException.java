package org.simdnn.nn.data;

import java.io.IOException;

/** An IDX file that is truncated, corrupt or not what was expected; the message names the file. */
public final class IdxFormatException extends IOException {
    public IdxFormatException(String message) { super(message); }

    public IdxFormatException(String message, Throwable cause) { super(message, cause); }
}
