package org.simdnn.nn.data;

/**
 * Training-time augmentation: a random crop after zero-padding by {@code cropPadding} pixels on each side
 * (equivalently, a random shift of up to that many pixels, the uncovered border set to the background value
 * 0) and a horizontal flip with probability {@code flipProbability}.
 */
public record Augmentation(int cropPadding, float flipProbability) implements java.io.Serializable {
    public static final Augmentation NONE = new Augmentation(0, 0f);

    public Augmentation {
        if (cropPadding < 0 || !(flipProbability >= 0 && flipProbability <= 1)) {
            throw new IllegalArgumentException("augmentation needs crop padding >= 0 and flip probability in [0, 1], got "
                    + cropPadding + ", " + flipProbability);
        }
    }

    /** "none", "flip", "crop", "crop+flip" (crop pads 2 pixels, flip has probability 0.5). */
    public static Augmentation parse(String s) {
        return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "none", "" -> NONE;
            case "flip" -> new Augmentation(0, 0.5f);
            case "crop" -> new Augmentation(2, 0f);
            case "crop+flip", "flip+crop" -> new Augmentation(2, 0.5f);
            default -> throw new IllegalArgumentException("unknown augmentation '" + s
                    + "'; expected none, flip, crop or crop+flip");
        };
    }

    public boolean isNone() { return cropPadding == 0 && flipProbability == 0f; }

    @Override
    public String toString() {
        if (isNone()) return "none";
        return (cropPadding > 0 ? "crop(pad " + cropPadding + ")" : "") + (cropPadding > 0 && flipProbability > 0 ? "+" : "")
                + (flipProbability > 0 ? "flip(p " + flipProbability + ")" : "");
    }
}
