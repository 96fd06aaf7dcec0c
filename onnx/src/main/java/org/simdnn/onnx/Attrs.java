package org.simdnn.onnx;

import java.util.Map;
import org.simdnn.onnx.proto.OnnxProto.AttributeProto;
import org.simdnn.onnx.proto.OnnxProto.AttributeProto.AttributeType;

/** A node's attributes with typed getters; a wrong type or a missing required attribute names the node. */
final class Attrs {
    private final Map<String, AttributeProto> map;
    private final String where;

    Attrs(Map<String, AttributeProto> map, String where) {
        this.map = Map.copyOf(map);
        this.where = where;
    }

    boolean has(String name) { return map.containsKey(name); }

    Iterable<String> names() { return map.keySet(); }

    long getInt(String name, long def) {
        AttributeProto a = typed(name, AttributeType.INT);
        return a == null ? def : a.getI();
    }

    float getFloat(String name, float def) {
        AttributeProto a = typed(name, AttributeType.FLOAT);
        return a == null ? def : a.getF();
    }

    String getString(String name, String def) {
        AttributeProto a = typed(name, AttributeType.STRING);
        return a == null ? def : a.getS().toStringUtf8();
    }

    /** Null when absent. */
    long[] getInts(String name) {
        AttributeProto a = typed(name, AttributeType.INTS);
        return a == null ? null : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
    }

    /** Null when absent. */
    float[] getFloats(String name) {
        AttributeProto a = typed(name, AttributeType.FLOATS);
        if (a == null) return null;
        float[] f = new float[a.getFloatsCount()];
        for (int i = 0; i < f.length; i++) f[i] = a.getFloats(i);
        return f;
    }

    AttributeProto raw(String name) { return map.get(name); }

    private AttributeProto typed(String name, AttributeType type) {
        AttributeProto a = map.get(name);
        if (a == null) return null;
        // Old exporters leave the type field unset; accept that when the matching field is present.
        if (a.getType() != type && !(a.getType() == AttributeType.UNDEFINED && hasField(a, type))) {
            throw new OnnxException(where + ": attribute '" + name + "' is " + a.getType() + ", expected " + type);
        }
        return a;
    }

    private static boolean hasField(AttributeProto a, AttributeType type) {
        return switch (type) {
            case INT -> a.hasI();
            case FLOAT -> a.hasF();
            case STRING -> a.hasS();
            case INTS -> a.getIntsCount() > 0;
            case FLOATS -> a.getFloatsCount() > 0;
            default -> false;
        };
    }
}
