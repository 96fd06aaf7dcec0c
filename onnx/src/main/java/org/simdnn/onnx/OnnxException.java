package org.simdnn.onnx;

/**
 * Every error of loading or running an ONNX model: a malformed file, an unsupported operator, opset or
 * attribute, shapes that do not agree, inputs that do not match the model. The message names the op type,
 * the node and the shapes or values involved.
 */
public class OnnxException extends RuntimeException {
    public OnnxException(String message) { super(message); }

    public OnnxException(String message, Throwable cause) { super(message, cause); }
}
