package dev.lawfit.law;

import java.util.Locale;

/** How compute budgets are named in output keys: 1e21, 3e23, 2.5e22. */
public final class Budgets {

    private Budgets() {
    }

    /** A derived quantity at a compute budget, {@code name@budget} in the derived maps (e.g. {@code loss@1e23}). */
    public record Key(String name, String budget) {

        public static Key of(String name, double flops) {
            return new Key(name, label(flops));
        }

        /** The key of a derived-map entry, or null when the entry is not at a budget (e.g. {@code a}). */
        public static Key parse(String key) {
            int at = key.indexOf('@');
            return at <= 0 || at == key.length() - 1 ? null : new Key(key.substring(0, at), key.substring(at + 1));
        }

        @Override
        public String toString() {
            return name + "@" + budget;
        }
    }

    public static String label(double flops) {
        int exponent = (int) Math.floor(Math.log10(flops));
        double mantissa = flops / Math.pow(10, exponent);
        if (Math.abs(mantissa - Math.rint(mantissa)) < 1e-9) return (long) Math.rint(mantissa) + "e" + exponent;
        return String.format(Locale.ROOT, "%se%d", stripZeros(String.format(Locale.ROOT, "%.3f", mantissa)), exponent);
    }

    private static String stripZeros(String s) {
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\\\.$", "") : s;
    }
}
