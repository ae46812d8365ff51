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

    /** One run's place: predicted final loss and rank; its real final loss and rank when the run finished (NaN otherwise). */
    public record Place(String runId, double predicted, double predictedRank, double observed, double observedRank) {
    }

    /** Runs ranked: each run's place, how many finished, and Spearman's rho over the finished ones (NaN under 2). */
    public record Ranking(java.util.List<Place> places, int finished, double correlation) {
    }

    /**
     * Ranks runs (given in any order; ranked in run-id order so ties break the same way every time) by predicted
     * final loss, and the finished ones by their real final loss too.
     */
    public static Ranking rank(String[] runIds, double[] predicted, double[] observed, boolean[] finished) {
        Integer[] order = new Integer[runIds.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparing(i -> runIds[i]));
        double[] p = new double[order.length];
        for (int k = 0; k < order.length; k++) p[k] = predicted[order[k]];
        double[] predictedRank = ranks(p);
        java.util.List<Integer> done = new java.util.ArrayList<>();
        for (int k = 0; k < order.length; k++) if (finished[order[k]]) done.add(k);
        double[] observedRank = new double[order.length];
        Arrays.fill(observedRank, Double.NaN);
        double correlation = Double.NaN;
        if (done.size() >= 2) {
            double[] obs = done.stream().mapToDouble(k -> observed[order[k]]).toArray();
            double[] pred = done.stream().mapToDouble(k -> p[k]).toArray();
            double[] r = ranks(obs);
            for (int j = 0; j < done.size(); j++) observedRank[done.get(j)] = r[j];
            correlation = spearman(pred, obs);
        }
        java.util.List<Place> places = new java.util.ArrayList<>();
        for (int k = 0; k < order.length; k++) {
            int i = order[k];
            places.add(new Place(runIds[i], predicted[i], predictedRank[k], finished[i] ? observed[i] : Double.NaN, observedRank[k]));
        }
        return new Ranking(places, done.size(), correlation);
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
