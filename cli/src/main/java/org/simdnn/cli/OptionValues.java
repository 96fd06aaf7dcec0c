package org.simdnn.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Range-checked converters for numeric options: picocli reports a refused value as one line naming the option
 * and the value ("Invalid value for option '--epochs': 0 is not a positive integer"), before any work starts.
 */
final class OptionValues {
    private OptionValues() {}

    /** 1 .. Integer.MAX_VALUE: counts and sizes (epochs, batch, limits, repeats). */
    static final class Positive implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String s) { return atLeast(s, 1, "a positive integer"); }
    }

    /** 0 .. Integer.MAX_VALUE: counts where none is meaningful (warm-up epochs). */
    static final class NonNegative implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String s) { return atLeast(s, 0, "an integer >= 0"); }
    }

    /** Kernel threads: 1 .. 32767, the range {@code Parallel.setThreads} takes. */
    static final class Threads implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String s) { return inRange(s, 1, 0x7fff, "a thread count in [1, 32767]"); }
    }

    /** Image height and width: 1 .. 4096 (larger images are not what a model of this library takes). */
    static final class ImageSize implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String s) { return inRange(s, 1, 4096, "an image size in [1, 4096]"); }
    }

    /** A finite float above 0 (learning rates). */
    static final class PositiveFloat implements ITypeConverter<Float> {
        @Override
        public Float convert(String s) {
            float v = parseFloat(s);
            if (!(v > 0) || !Float.isFinite(v)) throw new TypeConversionException(s + " is not a finite number above 0");
            return v;
        }
    }

    /** A float in [0, 1) (label smoothing). */
    static final class Fraction implements ITypeConverter<Float> {
        @Override
        public Float convert(String s) {
            float v = parseFloat(s);
            if (!(v >= 0 && v < 1)) throw new TypeConversionException(s + " is not a number in [0, 1)");
            return v;
        }
    }

    private static int atLeast(String s, int min, String what) { return inRange(s, min, Integer.MAX_VALUE, what); }

    private static int inRange(String s, int min, int max, String what) {
        int v;
        try {
            v = Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + s + "' is not " + what);
        }
        if (v < min || v > max) throw new TypeConversionException(s + " is not " + what);
        return v;
    }

    private static float parseFloat(String s) {
        try {
            return Float.parseFloat(s.strip());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + s + "' is not a number");
        }
    }
}
