package org.simdnn.onnx;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.simdnn.onnx.proto.OnnxProto.StringStringEntryProto;
import org.simdnn.onnx.proto.OnnxProto.TensorProto;
import org.simdnn.onnx.proto.OnnxProto.TensorProto.DataType;

/**
 * {@link TensorProto} to {@link Const}. Every length is checked against what the tensor's dims claim before
 * anything of that size is allocated: raw bytes, typed repeated fields and external data (a file next to the
 * model, which must stay inside the model's directory) must hold exactly dims-product elements.
 */
final class TensorProtos {
    private TensorProtos() {}

    /** {@code baseDir} resolves external data; null when the model came from bytes without a directory. */
    static Const read(TensorProto t, Path baseDir) {
        String what = "tensor '" + t.getName() + "'";
        DataType type = DataType.forNumber(t.getDataType());
        if (type == null || type == DataType.UNDEFINED || type == DataType.STRING || type == DataType.COMPLEX64
                || type == DataType.COMPLEX128) {
            throw new OnnxException(what + ": element type " + (type == null ? t.getDataType() : type)
                    + " is not supported (float, double, float16, bfloat16 and integer/bool types are)");
        }
        if (t.hasSegment()) throw new OnnxException(what + ": segmented tensors are not supported");
        int[] shape = new int[t.getDimsCount()];
        long n = 1;
        for (int i = 0; i < shape.length; i++) {
            long d = t.getDims(i);
            if (d < 0 || d > Integer.MAX_VALUE) throw new OnnxException(what + ": dimension " + d + " out of range");
            n *= d;
            if (n > Integer.MAX_VALUE - 16) throw new OnnxException(what + ": dims " + t.getDimsList() + " exceed 2^31 elements");
            shape[i] = (int) d;
        }
        int count = (int) n;
        int elem = elemBytes(type);
        ByteBuffer raw = null;
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            raw = external(t, baseDir, (long) count * elem, what);
        } else if (t.hasRawData()) {
            ByteString b = t.getRawData();
            if (b.size() != (long) count * elem) {
                throw new OnnxException(what + ": raw_data has " + b.size() + " bytes, dims " + t.getDimsList() + " of "
                        + Const.typeName(type) + " need " + (long) count * elem);
            }
            raw = b.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        }
        return raw != null ? fromRaw(type, shape, count, raw) : fromTyped(t, type, shape, count, what);
    }

    private static int elemBytes(DataType t) {
        return switch (t) {
            case FLOAT, INT32, UINT32 -> 4;
            case DOUBLE, INT64, UINT64 -> 8;
            case FLOAT16, BFLOAT16, INT16, UINT16 -> 2;
            default -> 1;
        };
    }

    private static Const fromRaw(DataType type, int[] shape, int n, ByteBuffer b) {
        if (type == DataType.FLOAT) {
            // One bulk copy: a loop of getFloat runs interpreted at load (the reference CNN's 870 K weights took
            // 100-200 ms of a process's start-up under load), before the JIT has compiled it.
            float[] f = new float[n];
            b.asFloatBuffer().get(f);
            return new Const(type, shape, f, null);
        }
        if (Const.isFloatType(type)) {
            float[] f = new float[n];
            for (int i = 0; i < n; i++) {
                f[i] = switch (type) {
                    case FLOAT -> b.getFloat();
                    case DOUBLE -> (float) b.getDouble();
                    case FLOAT16 -> Float.float16ToFloat(b.getShort());
                    default -> Float.intBitsToFloat((b.getShort() & 0xffff) << 16); // BFLOAT16
                };
            }
            return new Const(type, shape, f, null);
        }
        long[] l = new long[n];
        for (int i = 0; i < n; i++) {
            l[i] = switch (type) {
                case INT64, UINT64 -> b.getLong();
                case INT32 -> b.getInt();
                case UINT32 -> b.getInt() & 0xffffffffL;
                case INT16 -> b.getShort();
                case UINT16 -> b.getShort() & 0xffff;
                case INT8 -> b.get();
                default -> b.get() & 0xff; // UINT8, BOOL
            };
        }
        return new Const(type, shape, null, l);
    }

    private static Const fromTyped(TensorProto t, DataType type, int[] shape, int n, String what) {
        int have = switch (type) {
            case FLOAT -> t.getFloatDataCount();
            case DOUBLE -> t.getDoubleDataCount();
            case INT64 -> t.getInt64DataCount();
            case UINT32, UINT64 -> t.getUint64DataCount();
            default -> t.getInt32DataCount(); // int32, int16, int8, uint16, uint8, bool, float16, bfloat16
        };
        if (have != n) {
            throw new OnnxException(what + ": holds " + have + " " + Const.typeName(type) + " values, dims "
                    + t.getDimsList() + " need " + n);
        }
        if (Const.isFloatType(type)) {
            float[] f = new float[n];
            for (int i = 0; i < n; i++) {
                f[i] = switch (type) {
                    case FLOAT -> t.getFloatData(i);
                    case DOUBLE -> (float) t.getDoubleData(i);
                    case FLOAT16 -> Float.float16ToFloat((short) t.getInt32Data(i));
                    default -> Float.intBitsToFloat((t.getInt32Data(i) & 0xffff) << 16);
                };
            }
            return new Const(type, shape, f, null);
        }
        long[] l = new long[n];
        for (int i = 0; i < n; i++) {
            l[i] = switch (type) {
                case INT64 -> t.getInt64Data(i);
                case UINT32, UINT64 -> t.getUint64Data(i);
                default -> t.getInt32Data(i);
            };
        }
        return new Const(type, shape, null, l);
    }

    /** Reads {@code bytes} of external data, checking the path and the file's extent first. */
    private static ByteBuffer external(TensorProto t, Path baseDir, long bytes, String what) {
        String location = null;
        long offset = 0, length = -1;
        for (StringStringEntryProto e : t.getExternalDataList()) {
            try {
                switch (e.getKey()) {
                    case "location" -> location = e.getValue();
                    case "offset" -> offset = Long.parseLong(e.getValue());
                    case "length" -> length = Long.parseLong(e.getValue());
                    default -> { } // "checksum" and future keys do not change where the bytes are
                }
            } catch (NumberFormatException x) {
                throw new OnnxException(what + ": external data " + e.getKey() + " '" + e.getValue() + "' is not a number");
            }
        }
        if (location == null) throw new OnnxException(what + ": external data without a location");
        if (baseDir == null) {
            throw new OnnxException(what + ": external data '" + location + "' needs the model's directory (load from a path)");
        }
        Path base = baseDir.toAbsolutePath().normalize(), file;
        boolean absolute;
        try {
            file = base.resolve(location).normalize();
            absolute = Path.of(location).isAbsolute();
        } catch (InvalidPathException x) { // a NUL byte, say: no file has that name
            throw new OnnxException(what + ": external data location '" + location
                    + "' is not a valid path (" + x.getReason() + ")", x);
        }
        if (absolute || !file.startsWith(base)) {
            throw new OnnxException(what + ": external data location '" + location + "' leaves the model's directory");
        }
        if (length >= 0 && length != bytes) {
            throw new OnnxException(what + ": external data length " + length + " but dims " + t.getDimsList()
                    + " need " + bytes + " bytes");
        }
        try {
            if (!Files.isRegularFile(file)) throw new OnnxException(what + ": external data file " + file + " not found");
            if (!file.toRealPath().startsWith(base.toRealPath())) {
                throw new OnnxException(what + ": external data location '" + location + "' links outside the model's directory");
            }
            long size = Files.size(file);
            if (offset < 0 || offset > size || size - offset < bytes) {
                throw new OnnxException(what + ": external data file " + file + " has " + size + " bytes; offset "
                        + offset + " + " + bytes + " bytes does not fit");
            }
            ByteBuffer buf = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                long pos = offset;
                while (buf.hasRemaining()) {
                    int r = ch.read(buf, pos);
                    if (r < 0) throw new OnnxException(what + ": external data file " + file + " ended early");
                    pos += r;
                }
            }
            return buf.flip();
        } catch (IOException e) {
            throw new OnnxException(what + ": cannot read external data " + file + ": " + e.getMessage(), e);
        }
    }
}
