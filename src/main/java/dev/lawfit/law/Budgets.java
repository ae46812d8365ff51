package dev.lawfit.law;

import java.util.Locale;

/** How compute budgets are named in output keys: 1e21, 3e23, 2.5e22. */
public final class Budgets {

    private Budgets() {
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
