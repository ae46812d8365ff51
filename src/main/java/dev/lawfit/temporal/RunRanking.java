package dev.lawfit.temporal;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Ranks runs that differ in one setting by predicted final loss (1 = lowest) and, where every run's real
 * final loss is known, by that too, with Spearman's rank correlation between the two (average ranks for ties).
 */
public final class RunRanking {

    private RunRanking() {
    }

    /** 1-based ranks, ties sharing their average rank. */
    public static double[] ranks(double[] values) {
        Integer[] order = new Integer[values.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparingDouble(i -> values[i]));
        double[] ranks = new double[values.length];
        for (int start = 0; start < order.length; ) {
            int end = start;
            while (end + 1 < order.length && values[order[end + 1]] == values[order[start]]) end++;
            double rank = (start + end) / 2.0 + 1;
            for (int k = start; k <= end; k++) ranks[order[k]] = rank;
            start = end + 1;
        }
        return ranks;
    }

    /** Spearman's rho (Pearson correlation of the ranks); NaN for fewer than 2 runs or a constant ranking. */
    public static double spearman(double[] predicted, double[] observed) {
        if (predicted.length < 2) return Double.NaN;
        double[] a = ranks(predicted), b = ranks(observed);
        double ma = Arrays.stream(a).average().orElse(0), mb = Arrays.stream(b).average().orElse(0);
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.length; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : Double.NaN;
    }
}
