package org.simdnn.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.simdnn.nn.Module;
import org.simdnn.nn.io.ModelIo;

/**
 * A simdnn model file (safetensors written by {@link ModelIo}) as bytes, the form in which a model travels to
 * the executors (one broadcast, fetched once per executor), named by the SHA-256 of its content so that each
 * executor JVM loads a given model once ({@link ExecutorCache}).
 */
public final class ModelBytes implements Serializable {
    private static final long serialVersionUID = 1L;
    private final byte[] bytes;
    private final String sha256;

    ModelBytes(byte[] bytes) {
        this.bytes = bytes;
        this.sha256 = sha256(bytes);
    }

    /** A model file's content, checked by loading it once here: a corrupt file fails now, on the driver. */
    public static ModelBytes of(byte[] bytes) {
        ModelBytes m = new ModelBytes(bytes.clone());
        m.load();
        return m;
    }

    /** The model file at {@code path}, checked as {@link #of(byte[])} does. */
    public static ModelBytes read(Path path) throws IOException {
        try {
            return of(Files.readAllBytes(path));
        } catch (IllegalArgumentException e) {
            throw new IOException(path + ": " + e.getMessage(), e);
        }
    }

    /** {@code model} as written by {@link ModelIo#save(Path, Module)}. */
    public static ModelBytes of(Module model) {
        try {
            Path tmp = Files.createTempFile("simdnn-model", ".safetensors");
            try {
                ModelIo.save(tmp, model);
                return new ModelBytes(Files.readAllBytes(tmp));
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise " + model.name() + ": " + e.getMessage(), e);
        }
    }

    /** Rebuilds the model (architecture and weights); a corrupt file gives an exception naming it by hash. */
    public Module load() {
        try {
            Path tmp = Files.createTempFile("simdnn-model-" + shortId(), ".safetensors");
            try {
                Files.write(tmp, bytes);
                return ModelIo.load(tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("simdnn model " + shortId() + " (" + bytes.length + " bytes) cannot be "
                    + "loaded: " + e.getMessage(), e);
        }
    }

    public byte[] bytes() { return bytes.clone(); }
    public int size() { return bytes.length; }
    /** Hex SHA-256 of the content: the key of the per-executor cache. */
    public String sha256() { return sha256; }
    String shortId() { return sha256.substring(0, 12); }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }
}
