package org.simdnn.onnx;

/** Element-wise binary functions with NumPy broadcasting ({@link BinaryStep}, and folding at load). */
enum BinaryOp {
    ADD, SUB, MUL, DIV,
    /** PRelu: x > 0 ? x : slope x, the slope broadcast like any second operand. */
    PRELU,
    /** Equal (folding only): 1 where equal. */
    EQUAL;

    float apply(float x, float y) {
        return switch (this) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> x / y;
            case PRELU -> x > 0 ? x : x * y;
            case EQUAL -> x == y ? 1 : 0;
        };
    }

    long apply(long x, long y, String where) {
        return switch (this) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> {
                if (y == 0) throw new OnnxException(where + ": integer division by zero");
                yield x / y;
            }
            case PRELU -> x > 0 ? x : x * y;
            case EQUAL -> x == y ? 1 : 0;
        };
    }

    static BinaryOp of(String onnxOp) {
        return switch (onnxOp) {
            case "Add" -> ADD;
            case "Sub" -> SUB;
            case "Mul" -> MUL;
            case "Div" -> DIV;
            case "PRelu" -> PRELU;
            case "Equal" -> EQUAL;
            default -> throw new IllegalArgumentException(onnxOp);
        };
    }
}
